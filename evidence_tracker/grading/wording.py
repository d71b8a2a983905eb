"""How strongly a claim is worded: strong, moderate or hedged, from an ordered cue table.

Hedges win over everything ("may restore" is hedged); then strong cues (absolute verbs, "proven",
"directly", bare present-tense causal verbs such as "deactivates"); then moderate ("improves",
"reduces"). A claim with no cue at all is read as moderate: it asserts something without hedging.
Comparative promises ("faster", "fewer sessions") are recognised here too, for the overclaim rules.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from evidence_tracker.grading.rules import Rule, cue, first

STRENGTHS = ("strong", "moderate", "hedged")

WORDING_CUES: tuple[Rule, ...] = (
    cue("wording.hedged", "Hedges: may, might, can help, some evidence, suggests",
        r"\b(may|might|could|can help|can contribute|some evidence|suggests?|possibly|"
        r"potentially|appears? to|is thought to|in some (patients|people))\b", value="hedged",
        fires=("may improve local blood circulation", "Some evidence suggests it reduces pain"),
        quiet=("Normalizes abnormal motor end-plate activity", "Improves local blood circulation")),
    cue("wording.absolute", "Absolute outcome verbs: normalizes, restores, eliminates, cures",
        r"\b(normali[sz]e[sd]?|restores?|eliminates?|cures?|eradicates?|resolves?|"
        r"guarantee[sd]?|fixes|reverses?|heals?)\b", value="strong",
        fires=("Normalizes abnormal motor end-plate activity",
               "Restores muscle length and function"),
        quiet=("Improves local blood circulation",)),
    cue("wording.certainty", "Certainty words: proven, directly, always, scientifically backed",
        r"\b(proven|prove[sn]?|directly|always|never fails|definitely|scientifically (backed|"
        r"proven)|evidence based truth|clinically proven|"
        r"(research|studies|science) (shows?|proves?))\b",
        value="strong",
        fires=("Dry needling directly addresses deep neuromuscular dysfunction",
               "a scientifically backed invasive technique"),
        quiet=("Dry needling may help some patients",)),
    cue("wording.bare_causal", "Bare present-tense causal verbs stated as fact, or the "
        "treatment as subject of a present-tense verb other than the moderate ones",
        r"\b(deactivates?|activates?|breaks?|releases?|resets?|stops?|blocks?|removes?|"
        r"repairs?|corrects?|bridges?|elevates?|addresses|separates?)\b|"
        r"\b(dry needling|needling) (?!(is|has|does|was|seems|appears|improves|reduces|"
        r"decreases|relieves|helps|lowers|eases|enhances|increases)\b)[a-z]+[^s\W]s\b",
        value="strong",
        fires=("Deactivates active and latent trigger points", "Break pain cycles faster",
               "Dry needling treats the root cause of chronic pain"),
        quiet=("Reduces central and peripheral pain sensitization", "Dry needling is safe",
               "Dry needling reduces pain")),
    cue("wording.moderate", "Moderate effect verbs: improves, reduces, helps, relieves",
        r"\b(improves?|reduces?|decreases?|relieves?|helps?|lowers?|eases?|better|enhances?|"
        r"increases?|achieve)\b", value="moderate",
        fires=("Improves local blood circulation", "Reduces central pain sensitization"),
        quiet=("Advanced palpation skills",)),
)

COMPARATIVE_CUES: tuple[Rule, ...] = (
    cue("comparative.promise", "Promises of doing better than other care: faster, fewer, fail",
        r"\b(faster|quicker|fewer (sessions|visits|treatments)|better (outcomes|results)|"
        r"more effective than|superior to|outperforms?|fail|fails|unlike|instead of|"
        r"reduce dependency)\b", value="comparative",
        fires=("Achieve results in fewer sessions", "Break pain cycles faster",
               "these approaches fail when the primary driver is myofascial dysfunction"),
        quiet=("Improves local blood circulation",)),
)


@dataclass(frozen=True)
class Wording:
    """The claim's wording strength, the rule that decided it and the words it matched."""

    strength: str
    rule: str = ""
    cue: str = ""

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def wording_of(text: str) -> Wording:
    """Strength of the wording of `text` (the claim's quote)."""
    found = first(WORDING_CUES, text)
    if found is None:
        return Wording("moderate", "wording.default", "")
    rule, matched = found
    return Wording(rule.value, rule.id, matched)


def comparative_cue(text: str) -> str:
    """The comparative promise in `text` ("" when it makes none)."""
    found = first(COMPARATIVE_CUES, text)
    return found[1] if found else ""
