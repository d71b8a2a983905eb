"""Check every reference of a document: real, accurately cited, unretracted, on point.

The only module that ties extraction, resolution, comparison and the on-point judgement
together; it reaches PubMed solely through the `PubMedSource` it is given.
"""

from __future__ import annotations

import re
from typing import Callable

from evidence_tracker.grading import RecordGrade, grade_record
from evidence_tracker.pubmed.interface import PubMedSource
from evidence_tracker.records import RETRACTION_NOTICE, Record
from evidence_tracker.references.compare import compare
from evidence_tracker.references.extract import extract_references
from evidence_tracker.references.model import Candidate, ClaimCheck, Reference, ReferenceResult
from evidence_tracker.references.onpoint import critique_of, judge
from evidence_tracker.references.resolve import Resolution, resolve, title_words

# Books, chapters and web pages: PubMed indexes none of them, so they are not looked up.
_NOT_AN_ARTICLE = re.compile(r"\bISBN\b|\bIn:\s|\b\d+(?:st|nd|rd|th) ed\b|\bedition\b|\bPress\b|"
                             r"\bPublishers?\b|\[Internet\]|\bAccessed\b|\bRetrieved\b", re.I)

Grader = Callable[[Record], RecordGrade]


def check_references(text: str, source: PubMedSource, *, path: str = "", fmt: str | None = None,
                     grade: Grader | None = grade_record) -> list[ReferenceResult]:
    """Check every reference in `text` (at `path`; `fmt` text|markdown|html, else guessed) against
    `source`; `grade` gives each cited paper's conclusion direction (None: not shown)."""
    references = extract_references(text, path=path, fmt=fmt)
    lookup = [i for i, ref in enumerate(references) if _lookup_reason(ref) == ""]
    found = resolve([references[i].cited for i in lookup], source)
    resolutions: dict[int, Resolution] = dict(zip(lookup, found))
    return [_result(ref, resolutions.get(i), grade) for i, ref in enumerate(references)]


def _lookup_reason(ref: Reference) -> str:
    """Why `ref` is not looked up in PubMed ("" when it is)."""
    cited = ref.cited
    if cited.pmid or cited.doi or cited.pmcid:
        return ""
    if _NOT_AN_ARTICLE.search(ref.raw) and not (cited.volume and cited.pages):
        return "not a journal article (book, chapter or web page): PubMed does not index it"
    if len(title_words(cited.title)) < 2 and not (cited.journal and cited.volume):
        return "no title or identifier found in this entry: nothing to look up"
    return ""


def _base(ref: Reference, status: str, message: str, **extra) -> ReferenceResult:
    """The result for `ref`; its claims stay listed (unjudged) when no record was resolved."""
    unjudged = tuple(ClaimCheck(claim, None) for claim in ref.claims)
    return ReferenceResult(raw=ref.raw, line=ref.line, status=status, number=ref.number,
                           doi=extra.pop("doi", ref.cited.doi), pmid=extra.pop("pmid", ref.cited.pmid),
                           message=message, claims=extra.pop("claims", unjudged), **extra)


def _result(ref: Reference, found: Resolution | None, grade: Grader | None) -> ReferenceResult:
    if found is None:
        return _base(ref, "unchecked", _lookup_reason(ref))
    if not found.records:
        if found.failure:
            return _base(ref, "unchecked", f"PubMed could not answer: {found.failure}",
                         failure=found.failure)
        notes = "; ".join(found.notes)
        return _base(ref, "not_found", notes or f"no record in {found.where} matches this "
                     "citation (title, first author, journal, year): likely fabricated or badly "
                     "garbled")
    if len(found.records) > 1:
        candidates = tuple(_candidate(r) for r in found.records)
        return _base(ref, "ambiguous", f"{len(candidates)} PubMed records fit this citation",
                     candidates=candidates)
    return _resolved(ref, found.records[0], found, grade)


def _candidate(record: Record) -> Candidate:
    return Candidate(record.pmid, record.title, record.authors[0] if record.authors else "",
                     str(record.year or ""))


def _resolved(ref: Reference, record: Record, found: Resolution, grade: Grader | None
              ) -> ReferenceResult:
    mismatches = compare(ref.cited, record)
    graded = grade(record) if grade else None
    status, notice, message = _status(record, mismatches)
    if found.notes:
        message = "; ".join([*found.notes, message] if message else found.notes)
    return _base(ref, status, message, pmid=record.pmid, doi=record.doi, mismatches=mismatches,
                 notice_pmid=notice, title=record.title,
                 direction=graded.direction if graded else "",
                 conclusion=" ".join(graded.conclusion) if graded else "",
                 critique=critique_of(graded),
                 claims=tuple(judge(claim, record, graded) for claim in ref.claims))


def _status(record: Record, mismatches: tuple) -> tuple[str, str, str]:
    """(status, notice PMID, message) for a resolved record."""
    if record.is_retracted:
        notices = record.retraction_notices
        where = f"retraction notice PMID {notices[0]}" if notices else \
            "PubMed marks it Retracted Publication; the notice is not linked in the record"
        return "retracted", notices[0] if notices else "", f"retracted ({where})"
    if record.concern_notices:
        notice = record.concern_notices[0]
        return "expression_of_concern", notice, f"expression of concern: PMID {notice}"
    if mismatches:
        fields = ", ".join(m.field.replace("_", " ") for m in mismatches)
        verb = "differs" if len(mismatches) == 1 else "differ"
        return "mismatch", "", f"cited {fields} {verb} from PubMed"
    if RETRACTION_NOTICE in record.publication_types:
        return "verified", "", "this record is itself a retraction notice"
    return "verified", "", ""
