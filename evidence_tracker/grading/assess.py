"""Assess one claim against the records its search found: verdict, basis, overclaim flags, note.

Each record is graded, checked for relevance (`relevance.py`) and given an automatic stance
(`stance.py`: favourable -> supports, unfavourable -> contradicts, mixed -> mixed, otherwise
inconclusive, read from the clauses naming the claim's outcome); a curated stance in
`claim.evidence` wins and both are shown. For comparative claims only head-to-head trials count,
with their stance on superiority (`comparison.py`). Retracted records never count.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Sequence

from evidence_tracker.claims import Claim
from evidence_tracker.grading.record import RecordGrade, grade_record
from evidence_tracker.grading.relevance import head_to_head, relevance_of
from evidence_tracker.grading.rules import first, fired
from evidence_tracker.grading.stance import claim_stance
from evidence_tracker.grading.verdict import OVERCLAIM_RULES, VERDICT_RULES, Item, Situation
from evidence_tracker.grading.wording import Wording, comparative_cue, wording_of
from evidence_tracker.records import Record

AUTO_STANCES = ("supports", "contradicts", "mixed", "inconclusive", "not_relevant")
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
    stances: tuple[str, ...] = ()


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
    rationale: tuple[str, ...] = ()  # the conclusion sentences or outcome clauses read


@dataclass(frozen=True)
class ClaimAssessment:
    """The verdict on one claim with everything needed to check it in a minute.

    `verdict` is one of `claims.VERDICTS` (a reviewer's override when set; `computed_verdict`
    keeps the rules' answer). `grades` are the graded records; `to_dict` leaves them out because
    the report lists each record once, not once per claim.
    """

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
        data = _as_data(dataclasses.replace(self, grades=()))
        del data["grades"]
        return data


def _as_data(value):
    """`dataclasses.asdict` without its deep copies, for dataclasses of immutable values."""
    if dataclasses.is_dataclass(value):
        return {f.name: _as_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return tuple(_as_data(item) for item in value)
    return value


def _stance(claim: Claim, record: Record, grade: RecordGrade, comparative: bool) -> Stance:
    curated = {e.pmid: e for e in claim.evidence}.get(record.pmid)
    relevant, rule = relevance_of(claim, record, comparative)
    automatic, rationale = "not_relevant", ()
    if relevant:
        automatic, rule, rationale = claim_stance(claim, grade, comparative)
    return Stance(record.pmid, automatic, curated.stance if curated else "",
                  curated.stance if curated else automatic,
                  "stance.curated" if curated else rule, curated.note if curated else "",
                  grade.level, grade.direction, grade.retracted, tuple(rationale))


def _unretrieved(claim: Claim, records: Sequence[Record]) -> tuple[Stance, ...]:
    """Curated PMIDs the search did not return: shown, but not counted (no record to grade)."""
    found = {r.pmid for r in records}
    return tuple(Stance(e.pmid, "", e.stance, e.stance, "stance.curated_not_retrieved", e.note)
                 for e in claim.evidence if e.pmid not in found)


def _items(stances: Sequence[Stance], grades: dict[str, RecordGrade], claim: Claim,
           records: dict[str, Record], comparative: bool) -> tuple[Item, ...]:
    items = []
    for s in stances:
        grade = grades[s.pmid]
        if s.effective == "not_relevant" or grade.retracted or grade.level is None:
            continue
        items.append(Item(s.pmid, grade.level, s.effective, grade.design, grade.caveat,
                          grade.human_study, comparative and head_to_head(claim, records[s.pmid])))
    return tuple(items)


def _basis(rule: str, items: Sequence[Item], stances: dict[str, Stance],
           grades: dict[str, RecordGrade]) -> Basis:
    pmids = tuple(i.pmid for i in items)
    return Basis(rule, pmids, tuple(x for p in pmids for x in stances[p].rationale),
                 tuple(grades[p].level for p in pmids), tuple(grades[p].direction for p in pmids),
                 tuple(stances[p].effective for p in pmids))


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
    comparative = claim.kind == "comparative" or bool(comparative_cue(claim.quote))
    stances = tuple(_stance(claim, r, grades[r.pmid], comparative) for r in records)
    items = _items(stances, grades, claim, {r.pmid: r for r in records}, comparative)
    situation = Situation(items, wording.strength, claim.kind, comparative)
    rule, _ = first(VERDICT_RULES, situation)
    flags = tuple(r.id for r, _ in fired(OVERCLAIM_RULES, situation))
    tier = situation.high or situation.human or situation.items  # what the verdict rests on
    by_pmid = {s.pmid: s for s in stances}
    basis = tuple(_basis(r, tier, by_pmid, grades) for r in (rule.id,) + flags)
    needs_note = claim.kind in ("efficacy", "comparative") or comparative
    backed = any(i.stance == "supports" for i in situation.high)
    result = ClaimAssessment(
        claim.id, rule.value, min((i.level for i in items), default=None), flags,
        basis + _excluded(stances, grades), wording,
        STANDARDS_NOTE if needs_note and not backed else "",
        stances + _unretrieved(claim, records), tuple(grades.values()))
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

