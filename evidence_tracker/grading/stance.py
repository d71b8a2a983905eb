"""The automatic stance of one relevant record on one claim, and the text it was read from.

A conclusion often judges several outcomes ("reduced pain; no effect on disability"), so the
stance is read from the conclusion clauses that name the claim's outcome when any of them carry
a cue (`stance.outcome_clauses`), else from the whole conclusion (`stance.conclusion`). A claim
of lasting effect gets "inconclusive" from a record whose conclusion speaks only of short-term
effects (`stance.short_term_only`). For comparative claims the cues are those of
`comparison.py` (superiority over the comparator), not the general direction cues.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

from evidence_tracker.claims import Claim
from evidence_tracker.grading.comparison import comparison_stance
from evidence_tracker.grading.conclusion import direction_of
from evidence_tracker.grading.design import rec
from evidence_tracker.grading.outcome import focus, outcome_terms
from evidence_tracker.grading.record import RecordGrade, grade_record
from evidence_tracker.grading.rules import Rule, predicate
from evidence_tracker.records import AbstractSection, Record

STANCE_OF = {"favourable": "supports", "unfavourable": "contradicts", "mixed": "mixed"}


def claim_stance(claim: Claim, grade: RecordGrade,
                 comparative: bool = False) -> tuple[str, str, tuple[str, ...]]:
    """Stance of `grade`'s record on `claim`, the stance rule id, and the text it was read from."""
    terms = outcome_terms(claim.outcome or claim.quote)
    clauses = focus(terms, grade.conclusion)
    if "long term" in terms and not clauses and "direction.short_term" in grade.direction_cues:
        return "inconclusive", "stance.short_term_only", grade.conclusion
    stance, cues = _reading(clauses, comparative)
    if cues:  # clauses that name the outcome but judge nothing fall back to the conclusion
        return stance, "stance.outcome_clauses", clauses
    stance, cues = _conclusion_reading(grade, comparative)
    return (stance if cues else "inconclusive"), "stance.conclusion", grade.conclusion


def _reading(text: tuple[str, ...], comparative: bool) -> tuple[str, tuple[str, ...]]:
    """The stance `text` takes (superiority cues when `comparative`) and the cue ids that fired."""
    if comparative:
        return comparison_stance(text)
    direction, cues, _ = direction_of(text)
    return STANCE_OF.get(direction, "inconclusive"), cues


# Per record: every claim whose clauses say nothing reads the same whole conclusion again.
@lru_cache(maxsize=4096)
def _conclusion_reading(grade: RecordGrade, comparative: bool) -> tuple[str, tuple[str, ...]]:
    return _reading(grade.conclusion, comparative)


def _claim(outcome: str, kind: str = "efficacy") -> Claim:
    return Claim(id="c", quote="Dry needling helps", kind=kind, intervention="dry needling",
                 outcome=outcome)


def _review(conclusion: str) -> Record:
    sections = (AbstractSection("Eight trials were pooled.", "Results"),
                AbstractSection(conclusion, "Conclusions"))
    return dataclasses.replace(rec(title="Dry needling: a meta-analysis", pt=("Meta-Analysis",)),
                               abstract=sections)


def _decided_by(rule_id: str):
    def test(pair: tuple[Claim, Record]) -> bool:
        claim, record = pair
        return claim_stance(claim, grade_record(record), claim.kind == "comparative")[1] == rule_id
    return test


_SPLIT = _review("Dry needling reduced pain; there was no effect on disability.")
_SHORT = _review("Dry needling relieved pain at short-term follow-up.")
STANCE_RULES: tuple[Rule, ...] = (
    predicate("stance.outcome_clauses", "Read from the conclusion clauses naming the outcome",
              _decided_by("stance.outcome_clauses"),
              fires=((_claim("disability"), _SPLIT),),
              quiet=((_claim("range of motion"), _SPLIT),)),
    predicate("stance.conclusion", "No clause names the outcome with a cue: read the conclusion",
              _decided_by("stance.conclusion"),
              fires=((_claim("range of motion"), _SPLIT),),
              quiet=((_claim("disability"), _SPLIT),)),
    predicate("stance.short_term_only", "A lasting-effect claim gets nothing from short-term "
              "findings", _decided_by("stance.short_term_only"),
              fires=((_claim("long-term pain relief"), _SHORT),),
              quiet=((_claim("pain relief"), _SHORT),)),
)
