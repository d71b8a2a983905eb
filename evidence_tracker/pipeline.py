"""One audit run: claims → PubMed searches → one batched fetch → grading → language → references.

The pipeline talks to PubMed only through the `PubMedSource` interface and returns plain data;
it writes nothing. A claim whose search failed is "not checked" with the reason, never "0 hits".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence

from evidence_tracker.claims import Claim, Document
from evidence_tracker.errors import BadInput, PubMedFailure
from evidence_tracker.grading import ClaimAssessment, RecordGrade, assess_claim, grade_record
from evidence_tracker.language import Finding, build_query, lint_text
from evidence_tracker.pubmed.interface import PubMedSource
from evidence_tracker.records import Record, SearchResult
from evidence_tracker.references import ReferenceResult, check_references

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClaimResult:
    """What the run found for one claim. `search` is None when PubMed failed for it."""

    claim: Claim
    query: str
    query_built: bool  # True when the query was built, not curated
    status: str  # checked | not_checked
    reason: str
    search: SearchResult | None
    records: tuple[Record, ...]
    grades: tuple[RecordGrade, ...]
    assessment: ClaimAssessment


@dataclass(frozen=True)
class DocumentResult:
    """One audited document: its claims, language findings and reference checks."""

    document: Document
    text: str
    claims: tuple[ClaimResult, ...]
    findings: tuple[Finding, ...]
    references: tuple[ReferenceResult, ...]
    warnings: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # bad input found while auditing; the run exits 2


@dataclass(frozen=True)
class AuditResult:
    """Every document of a run plus what went wrong with PubMed along the way."""

    documents: tuple[DocumentResult, ...]
    pubmed_failures: tuple[str, ...] = field(default=())

    @property
    def pubmed_unavailable(self) -> bool:
        return bool(self.pubmed_failures)

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(p for d in self.documents for p in d.problems)


@dataclass(frozen=True)
class DocumentInput:
    """A validated document, its source text and the loader's warnings."""

    document: Document
    text: str
    warnings: tuple[str, ...] = ()


Progress = Callable[[str], None]


def _search_all(queries: Iterable[str], source: PubMedSource, retmax: int,
                progress: Progress) -> dict[str, SearchResult | PubMedFailure]:
    """Search each distinct query once; failures are kept as values, not raised."""
    answers: dict[str, SearchResult | PubMedFailure] = {}
    for query in queries:
        if query in answers:
            continue
        try:
            answers[query] = source.search(query, retmax=retmax)
        except PubMedFailure as exc:
            log.warning("search failed for %r: %s", query, exc.reason)
            answers[query] = exc
        progress(query)
    return answers


def _fetch_all(pmids: Sequence[str], source: PubMedSource) -> tuple[Mapping[str, Record], str]:
    """Fetch every PMID of the run in one call; a failure is returned as its reason."""
    if not pmids:
        return {}, ""
    try:
        return source.fetch(pmids), ""
    except PubMedFailure as exc:
        log.warning("fetch failed: %s", exc.reason)
        return {}, exc.reason


def _claim_result(claim: Claim, query: str, built: bool, answer: SearchResult | PubMedFailure,
                  records: Mapping[str, Record], fetch_failure: str,
                  stale_records: Mapping[str, tuple[str, str]]) -> ClaimResult:
    if isinstance(answer, PubMedFailure):
        return _not_checked(claim, query, built, None, f"PubMed search failed: {answer.reason}")
    wanted = list(dict.fromkeys([*answer.pmids, *(e.pmid for e in claim.evidence)]))
    if fetch_failure and wanted:
        return _not_checked(claim, query, built, answer, f"PubMed fetch failed: {fetch_failure}")
    if lost := [p for p in answer.pmids if p not in records]:
        # esearch named these PMIDs, so an efetch without them is PubMed failing, not absence
        return _not_checked(claim, query, built, answer, _no_record(lost))
    found = tuple(records[p] for p in wanted if p in records)
    grades = tuple(grade_record(r) for r in found)
    reason = "; ".join(filter(None, [_stale(answer), _stale_records(wanted, stale_records)]))
    return ClaimResult(claim, query, built, "checked", reason, answer, found, grades,
                       assess_claim(claim, found))


def _stale(answer: SearchResult) -> str:
    """Why a checked claim rests on an old cached answer ("" when PubMed answered)."""
    if not answer.stale_reason:
        return ""
    return f"PubMed search failed: {answer.stale_reason}; cached answer from {answer.as_of} used"


def _stale_records(pmids: Sequence[str], stale: Mapping[str, tuple[str, str]]) -> str:
    """Which of a claim's records are expired cached copies, from when, and why ("" if none)."""
    old = [p for p in pmids if p in stale]
    if not old:
        return ""
    oldest = min(stale[p][0] for p in old)
    return (f"PubMed fetch failed: {stale[old[0]][1]}; cached copies of PMID {_first_five(old)} "
            f"(oldest from {oldest}) used")


def _no_record(pmids: Sequence[str]) -> str:
    return (f"PubMed's search found PMID {_first_five(pmids)}, but fetching returned no "
            "record for them")


def _first_five(pmids: Sequence[str]) -> str:
    """"1, 2, 3, 4, 5 and 7 others": enough PMIDs to look up, not a wall of them."""
    more = f" and {len(pmids) - 5} others" if len(pmids) > 5 else ""
    return ", ".join(pmids[:5]) + more


def _not_checked(claim: Claim, query: str, built: bool, search: SearchResult | None,
                 reason: str) -> ClaimResult:
    assessment = assess_claim(claim, (), checked=False, reason=reason)
    return ClaimResult(claim, query, built, "not_checked", reason, search, (), (), assessment)


def audit(inputs: Sequence[DocumentInput], source: PubMedSource, *, retmax: int = 100,
          rules=None, progress: Progress = lambda _: None) -> AuditResult:
    """Audit every document in `inputs` against `source`; `rules` are the language rules."""
    queries = {(d.document.id, c.id): (c.query or build_query(c), not c.query)
               for d in inputs for c in d.document.claims}
    answers = _search_all((q for q, _ in queries.values()), source, retmax, progress)
    pmids = list(dict.fromkeys(
        [p for a in answers.values() if isinstance(a, SearchResult) for p in a.pmids]
        + [e.pmid for d in inputs for c in d.document.claims for e in c.evidence]))
    records, fetch_failure = _fetch_all(pmids, source)
    stale_records = {p: (at, why) for p, at, why in source.info().stale_records}
    failures = [a.reason if isinstance(a, PubMedFailure) else _stale(a) for a in answers.values()
                if isinstance(a, PubMedFailure) or a.stale_reason]
    failures += [fetch_failure] if fetch_failure else []
    lost = [p for a in answers.values() if isinstance(a, SearchResult) for p in a.pmids
            if p not in records]
    failures += [_no_record(list(dict.fromkeys(lost)))] if lost and not fetch_failure else []
    documents = []
    for item in inputs:
        claims = tuple(
            _claim_result(c, *queries[(item.document.id, c.id)],
                          answers[queries[(item.document.id, c.id)][0]], records, fetch_failure,
                          stale_records)
            for c in item.document.claims)
        findings, problems = _lint(item, rules)
        references, ref_failures = _references(item, source)
        failures += ref_failures
        documents.append(DocumentResult(item.document, item.text, claims, findings,
                                        references, item.warnings, problems))
    return AuditResult(tuple(documents), tuple(dict.fromkeys(failures)))


def _lint(item: DocumentInput, rules) -> tuple[tuple[Finding, ...], tuple[str, ...]]:
    """Language findings, or the bad-input line (e.g. an ignore comment without a reason)."""
    try:
        return tuple(lint_text(item.text, path=item.document.source, rules=rules,
                               accepted=item.document.accepted_flags)), ()
    except BadInput as exc:
        return (), (str(exc),)


def _references(item: DocumentInput, source: PubMedSource) -> tuple[tuple, list[str]]:
    results = tuple(check_references(item.text, source, path=item.document.source))
    failures = [r.failure for r in results if r.status == "unchecked" and r.failure]
    return results, failures
