"""Verdict and overclaim rules over an evidence situation: the counted records and the wording.

Only relevant, non-retracted records count, each as an `Item` (level, stance, caveat). The
high tier is human studies at CEBM level 1-2; verdicts are judged on it when it exists, and
level 3-4 evidence alone is never enough for "supported". Rule examples use a short notation
(`situation("strong efficacy | 1+c 2- 5+a")`): level digit, stance (+ supports, - contradicts,
~ mixed, ? inconclusive) and flags (c caveat, a animal/mechanism, o observational design,
h head-to-head against the claim's comparator).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evidence_tracker.grading.rules import Rule, predicate

OBSERVATIONAL = frozenset(("observational", "case_series", "case_report"))
BENEFIT_KINDS = frozenset(("efficacy", "mechanism", "comparative", "evidence_appeal", "other"))


@dataclass(frozen=True)
class Item:
    """One counted record: its `level`, automatic-or-curated `stance`, and qualifiers."""

    pmid: str
    level: int
    stance: str
    design: str = ""
    caveat: bool = False
    human_study: bool = True
    head_to_head: bool = False


@dataclass(frozen=True)
class Situation:
    """What the verdict and overclaim rules see for one claim."""

    items: tuple[Item, ...] = ()
    strength: str = "moderate"
    kind: str = "efficacy"
    comparative: bool = False

    @property
    def human(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.human_study)

    @property
    def high(self) -> tuple[Item, ...]:
        return tuple(i for i in self.human if i.level <= 2)

    def stances(self, items: tuple[Item, ...]) -> set[str]:
        return {i.stance for i in items}


_STANCE = {"+": "supports", "-": "contradicts", "~": "mixed", "?": "inconclusive"}
_DESIGN = {1: "meta_analysis", 2: "rct", 3: "controlled_trial", 4: "case_series",
           5: "narrative_review"}
_TOKEN = re.compile(r"^([1-5])([+\-~?])([caoh]*)$")


def situation(text: str) -> Situation:
    """Parse the example notation "strength kind [comparative] | items" into a `Situation`."""
    head, _, body = text.partition("|")
    words = head.split()
    items = []
    for number, token in enumerate(body.split()):
        level, stance, flags = _TOKEN.match(token).groups()
        design = ("animal" if "a" in flags else "observational" if "o" in flags
                  else _DESIGN[int(level)])
        items.append(Item(str(number), int(level), _STANCE[stance], design, "c" in flags,
                          int(level) <= 4 and "a" not in flags, "h" in flags))
    return Situation(tuple(items), words[0] if words else "moderate",
                     words[1] if len(words) > 1 else "efficacy", "comparative" in words)


def _s(test):
    """Adapt a rule test to take either a `Situation` or its notation."""
    return lambda s: test(situation(s) if isinstance(s, str) else s)


def _supported(s: Situation) -> bool:
    high = s.high
    return bool(high) and s.stances(high) == {"supports"} and not any(i.caveat for i in high)


def _partly_caveats(s: Situation) -> bool:
    return bool(s.high) and s.stances(s.high) == {"supports"}


def _partly_outcomes(s: Situation) -> bool:
    found = s.stances(s.high)
    return bool(found & {"supports", "mixed"}) and "contradicts" not in found


def _conflicting(s: Situation) -> bool:
    found = s.stances(s.high)
    return bool(found & {"supports", "mixed"}) and "contradicts" in found


def _against(s: Situation) -> bool:
    return "contradicts" in s.stances(s.high)


VERDICT_RULES: tuple[Rule, ...] = (
    predicate("verdict.untested.no_human_study", "No relevant human study (animal, mechanism "
              "or narrative work at most)", _s(lambda s: not s.human), value="untested",
              fires=("moderate | ", "strong mechanism | 5+a 5+"), quiet=("moderate | 4+",)),
    predicate("verdict.supported.high_level", "Level 1-2 human evidence, all favourable, "
              "no caveats",
              _s(_supported), value="supported", fires=("moderate | 1+ 2+",),
              quiet=("moderate | 1+c", "moderate | 1+ 2-", "moderate | 4+")),
    predicate("verdict.partly_supported.caveats", "Favourable level 1-2 evidence whose authors "
              "voice doubts (low quality, short term)", _s(_partly_caveats),
              value="partly_supported", fires=("moderate | 1+c 2+",),
              quiet=("moderate | 1+ 2?", "moderate | 4+c")),
    predicate("verdict.partly_supported.some_outcomes", "Level 1-2 evidence favourable for some "
              "outcomes or reviews, inconclusive for others, none against", _s(_partly_outcomes),
              value="partly_supported", fires=("moderate | 1+ 1~ 1?", "moderate | 1~"),
              quiet=("moderate | 1+ 1-", "moderate | 1?")),
    predicate("verdict.mixed.conflicting", "Level 1-2 evidence both for and against",
              _s(_conflicting), value="mixed", fires=("moderate | 1+ 2-", "moderate | 1~ 1-"),
              quiet=("moderate | 1+ 1?",)),
    predicate("verdict.not_supported.evidence_against", "Level 1-2 evidence against, none for",
              _s(_against), value="not_supported", fires=("moderate | 1- 2?",),
              quiet=("moderate | 1?", "moderate | 4-")),
    predicate("verdict.insufficient.inconclusive", "Level 1-2 evidence only inconclusive",
              _s(lambda s: bool(s.high)), value="insufficient", fires=("moderate | 1? 2?",),
              quiet=("moderate | 4+ 3+",)),
    predicate("verdict.insufficient.low_levels", "Only level 3-4 human studies (non-randomised, "
              "uncontrolled, case reports)", _s(lambda s: bool(s.human) and not s.high),
              value="insufficient", fires=("moderate | 4+ 5+a",), quiet=("moderate | 2+ 4+",)),
)


def _strong_unbacked(s: Situation) -> bool:
    return s.strength == "strong" and not _supported(s)


def _mechanism_only(s: Situation) -> bool:
    backing = [i for i in s.items if i.stance in ("supports", "mixed")]
    return s.kind in BENEFIT_KINDS and bool(backing) and not any(i.human_study for i in backing)


def _causal_observational(s: Situation) -> bool:
    backing = [i for i in s.human if i.stance in ("supports", "mixed")]
    return (s.strength != "hedged" and s.kind in BENEFIT_KINDS and bool(backing)
            and all(i.design in OBSERVATIONAL for i in backing))


def _comparative_untested(s: Situation) -> bool:
    return (s.comparative or s.kind == "comparative") and not any(i.head_to_head for i in s.human)


OVERCLAIM_RULES: tuple[Rule, ...] = (
    predicate("overclaim.strong_without_high_level", "Strong wording without consistent, "
              "unqualified level 1-2 favourable evidence (anything short of 'supported')",
              _s(_strong_unbacked), fires=("strong | 1+c", "strong | 4+", "strong | 1+ 2-"),
              quiet=("strong | 1+ 2+", "moderate | 4+")),
    predicate("overclaim.mechanism_only", "Patient benefit claimed from mechanism, animal or "
              "narrative work only (Sumner et al., BMJ 2014)", _s(_mechanism_only),
              fires=("moderate mechanism | 5+a",), quiet=("moderate | 2+ 5+a", "moderate | ")),
    predicate("overclaim.causal_from_observational", "Causal wording backed only by observational "
              "or uncontrolled studies", _s(_causal_observational),
              fires=("moderate | 4+o", "strong | 4+"),
              quiet=("hedged | 4+o", "moderate | 2+ 4+o", "moderate safety | 4+o")),
    predicate("overclaim.comparative_without_head_to_head", "A comparative promise (faster, fewer "
              "sessions, better outcomes) with no head-to-head trial", _s(_comparative_untested),
              fires=("moderate efficacy comparative | 1+", "moderate comparative | "),
              quiet=("moderate comparative | 2+h", "moderate efficacy | 1+")),
)
