"""Detectors about people: improvements promised to the reader, patients' reports, endorsements.

Each reads a sentence's structure over the word classes of `lexicon.yaml`: a person as subject,
a verb of experiencing, reporting or endorsing, and an improvement or an endorser near it.
"""

from __future__ import annotations

import re

from evidence_tracker.language import context
from evidence_tracker.language.prefilter import trie
from evidence_tracker.language.lexicon import Tokens, in_class, lexicon, span_tokens, verb_lemma

_READER = frozenset({"you", "you'll", "you're", "you've"})


def _around(text: str, unit: tuple[int, int], m: re.Match) -> tuple[Tokens, int]:
    lo, hi = context.clause(text, unit, m.start(), m.end())
    toks = span_tokens(text, unit, lo, hi)
    return toks, next((i for i, (_, pos) in enumerate(toks) if pos >= m.start()), len(toks))


def _verb(toks: Tokens, i: int, cls: str) -> str | None:
    """The form (base, s, ed, ing) of the word at `i` as a verb of class `cls`, or None."""
    found = verb_lemma(toks[i][0], cls) if i < len(toks) else None
    return found[1] if found else None


def promised_experience(text: str, unit: tuple[int, int], m: re.Match) -> bool:
    """The reader or patients will feel, notice or walk out with an improvement."""
    toks, i = _around(text, unit, m)
    form = _verb(toks, i, "experience_verbs")
    if form not in ("base", "s"):
        return False
    before = [w for w, _ in toks[max(0, i - 4):i]]
    if "to" in before[-1:] or not any(w in _READER or in_class(w, "people") for w in before):
        return False
    if _SUBORDINATE & set(before[-2:]):
        return False  # "it can take weeks before you notice a change" sets expectations
    return any(in_class(w, "improvement") for w, _ in toks[i + 1:i + 7])


_SUBORDINATE = frozenset({"before", "until", "unless", "if", "whether"})


def people_report(text: str, unit: tuple[int, int], m: re.Match) -> bool:
    """Clients or graduates reporting an improvement ("clients tell us it's life-changing")."""
    toks, i = _around(text, unit, m)
    if _verb(toks, i, "report_verbs") not in ("base", "s", "ing"):
        return False
    before = [w for w, _ in toks[max(0, i - 4):i]]
    after = [w for w, _ in toks[i + 1:i + 13]]
    return any(in_class(w, "people") for w in before) and any(
        in_class(w, "improvement") for w in after)  # "symptoms settle": natural history


def endorsement(text: str, unit: tuple[int, int], m: re.Match) -> bool:
    """A treatment "used by", "trusted by" or "recommended by" athletes, doctors or teams."""
    toks, i = _around(text, unit, m)
    if _verb(toks, i, "endorse_verbs") != "ed" or i + 1 >= len(toks) or toks[i + 1][0] != "by":
        return False  # "physiotherapists use it alongside exercise" only describes
    if _REGULATED.search(text, unit[0], unit[1]) or "instead of" in text[max(unit[0], m.start() - 40):m.start()]:
        return False  # a register's approval; "instead of treatment recommended by your team"
    return any(in_class(w, "endorsers") for w, _ in toks[i + 2:i + 8])


# a register's approval, or a leaflet's sign-off ("approved by the Patient Information Group")
_REGULATED = re.compile(r"\b(?:register(?:ed)?|accredit\w*|regulat\w*|member of|"
                        r"patient information|governance|committee)\b", re.I)


def gates() -> dict[str, list[str]]:
    """Prefilter patterns for each detector here: the verbs it starts from."""
    lex = lexicon()
    gates = {name: [rf"{trie(sorted(lex[cls]))}[a-z]*"] for name, cls in (
        ("promised_experience", "experience_verbs"), ("people_report", "report_verbs"))}
    # endorsement needs a participle and "by": the gate says so, for speed
    return {**gates, "endorsement": [rf"{trie(sorted(lex['endorse_verbs']))}[a-z]*d by"]}


DETECTORS = {"promised_experience": promised_experience, "people_report": people_report,
             "endorsement": endorsement}
