"""Assess one claim against the records its search found: verdict, basis, overclaim flags, note.

Each record is graded, checked for relevance, and given an automatic stance from its direction
(favourable -> supports, unfavourable -> contradicts, mixed -> mixed, otherwise inconclusive);
a curated stance in `claim.evidence` wins and both are shown. For comparative claims only
head-to-head trials (naming `claim.comparator`) count, with their stance on superiority
(`comparison.py`). Retracted records never count.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Sequence

from evidence_tracker.claims import Claim
from evidence_tracker.grading.comparison import comparison_stance
from evidence_tracker.grading.design import TRIAL_DESIGNS
from evidence_tracker.grading.record import RecordGrade, grade_record
from evidence_tracker.grading.relevance import relevance_of
from evidence_tracker.grading.rules import first, fired
from evidence_tracker.grading.text import fold
from evidence_tracker.grading.verdict import OVERCLAIM_RULES, VERDICT_RULES, Item, Situation
from evidence_tracker.grading.wording import Wording, comparative_cue, wording_of
from evidence_tracker.records import Record

AUTO_STANCES = ("supports", "contradicts", "mixed", "inconclusive", "not_relevant")
_STANCE_OF = {"favourable": "supports", "unfavourable": "contradicts", "mixed": "mixed"}
STANDARDS_NOTE = (
    "No supporting level 1-2 human trial evidence was found, so this claim falls short of UK CAP "
    "Code rule 12.1 (objective health claims must be backed by evidence, normally trials on "
    "people) and the US FTC standard of competent and reliable scientific evidence.")


@dataclass(frozen=True)
class Basis:
    """Why a verdict or flag holds: the `rule` id, the records, and the sentences shown."""

    rule: str
    pmids: tuple[str, ...] = ()
    sentences: tuple[str, ...] = ()
    levels: tuple[int | None, ...] = ()
    directions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stance:
    """One record's stance on the claim: automatic and curated side by side; `effective` wins."""

    pmid: str
    automatic: str
    curated: str = ""
    effective: str = ""
    rule: str = ""
    note: str = ""
    level: int | None = None
    direction: str = ""
    retracted: bool = False


@dataclass(frozen=True)
class ClaimAssessment:
    """The verdict on one claim with everything needed to check it in a minute."""

    claim_id: str
    verdict: str
    evidence_level: int | None
    overclaim: tuple[str, ...]
    basis: tuple[Basis, ...]
    wording: Wording
    standards_note: str = ""
    stances: tuple[Stance, ...] = ()
    grades: tuple[RecordGrade, ...] = ()
    computed_verdict: str = ""
    override_reason: str = ""

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def _head_to_head(claim: Claim, record: Record, grade: RecordGrade) -> bool:
    comparators = [fold(c).strip() for c in claim.comparator.replace(";", ",").split(",")]
    text = fold(record.title + " " + record.abstract_text)
    return (grade.design in TRIAL_DESIGNS and grade.level is not None and grade.level <= 2
            and any(c and c in text for c in comparators))


def _stance(claim: Claim, record: Record, grade: RecordGrade, comparative: bool) -> Stance:
    curated = {e.pmid: e for e in claim.evidence}.get(record.pmid)
    relevant, rule = relevance_of(claim, record)
    if relevant and comparative and not _head_to_head(claim, record, grade):
        relevant, rule = False, "relevance.not_head_to_head"
    automatic = _STANCE_OF.get(grade.direction, "inconclusive")
    if comparative:
        automatic = comparison_stance(grade.conclusion)[0]
    automatic = automatic if relevant else "not_relevant"
    effective = curated.stance if curated else automatic
    return Stance(record.pmid, automatic, curated.stance if curated else "", effective,
                  "stance.curated" if curated else rule, curated.note if curated else "",
                  grade.level, grade.direction, grade.retracted)


def _items(stances: Sequence[Stance], grades: dict[str, RecordGrade], claim: Claim,
           records: dict[str, Record]) -> tuple[Item, ...]:
    items = []
    for s in stances:
        grade = grades[s.pmid]
        if s.effective == "not_relevant" or grade.retracted or grade.level is None:
            continue
        items.append(Item(s.pmid, grade.level, s.effective, grade.design, grade.caveat,
                          grade.human_study, _head_to_head(claim, records[s.pmid], grade)))
    return tuple(items)


def _basis(rule: str, pmids: Sequence[str], grades: dict[str, RecordGrade]) -> Basis:
    chosen = [grades[p] for p in pmids]
    return Basis(rule, tuple(pmids), tuple(s for g in chosen for s in g.conclusion),
                 tuple(g.level for g in chosen), tuple(g.direction for g in chosen))


def _excluded(stances: Sequence[Stance], grades: dict[str, RecordGrade]) -> tuple[Basis, ...]:
    retracted = [s.pmid for s in stances if s.retracted and s.effective != "not_relevant"]
    if not retracted:
        return ()
    return (Basis("verdict.excluded.retracted", tuple(retracted),
                  tuple(f"PMID {p} is retracted and does not count." for p in retracted),
                  tuple(grades[p].level for p in retracted),
                  tuple(grades[p].direction for p in retracted)),)


def assess_claim(claim: Claim, records: Sequence[Record], *, checked: bool = True,
                 reason: str = "") -> ClaimAssessment:
    """Verdict on `claim` from `records` (a search's hits); `checked=False` means PubMed failed."""
    wording = wording_of(claim.quote)
    if not checked:
        result = ClaimAssessment(claim.id, "not_checked", None, (),
                                 (Basis("verdict.not_checked", (), (reason,)),), wording)
        return _overridden(claim, result)
    grades = {r.pmid: grade_record(r) for r in records}
    by_pmid = {r.pmid: r for r in records}
    comparative = claim.kind == "comparative" or bool(comparative_cue(claim.quote))
    stances = tuple(_stance(claim, r, grades[r.pmid], comparative) for r in records)
    items = _items(stances, grades, claim, by_pmid)
    situation = Situation(items, wording.strength, claim.kind, comparative)
    rule, _ = first(VERDICT_RULES, situation)
    counted = [i.pmid for i in items]
    flags = tuple(r.id for r, _ in fired(OVERCLAIM_RULES, situation))
    basis = (_basis(rule.id, counted, grades),) + tuple(
        _basis(flag, counted, grades) for flag in flags) + _excluded(stances, grades)
    needs_note = claim.kind in ("efficacy", "comparative") or comparative
    backed = any(i.stance == "supports" for i in situation.high)
    result = ClaimAssessment(
        claim.id, rule.value, min((i.level for i in items), default=None), flags, basis, wording,
        STANDARDS_NOTE if needs_note and not backed else "", stances, tuple(grades.values()),
        rule.value)
    return _overridden(claim, result)


def _overridden(claim: Claim, result: ClaimAssessment) -> ClaimAssessment:
    """Apply a reviewer's override: their verdict wins, the computed one stays in the basis."""
    if claim.override is None:
        return dataclasses.replace(result, computed_verdict=result.verdict)
    note = (f"Reviewer {claim.override.reviewer or '(unnamed)'} set '{claim.override.verdict}' "
            f"over the computed '{result.verdict}': {claim.override.reason}")
    return dataclasses.replace(
        result, verdict=claim.override.verdict, computed_verdict=result.verdict,
        override_reason=claim.override.reason,
        basis=(Basis("verdict.override", (), (note,)),) + result.basis)

