"""The report document (report.json) built from an audit, as plain data.

Pure: the run id, times and source description are passed in; nothing here reads the clock.
`FORMAT_VERSION` changes whenever a field is renamed or removed (additions keep it).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from evidence_tracker import __version__
from evidence_tracker.claims import VERDICTS, text_sha256
from evidence_tracker.pipeline import AuditResult, ClaimResult, DocumentResult
from evidence_tracker.records import Record, SourceInfo

FORMAT_VERSION = 1
RECORD_FIELDS = ("pmid", "title", "journal", "journal_iso", "year", "volume", "pages", "doi",
                 "publication_types", "url")
DESIGN_GROUPS = (  # (group, designs) for the per-claim "counts by design"
    ("systematic_review", ("systematic_review", "meta_analysis", "systematic_review_meta_analysis")),
    ("rct", ("rct",)),
    ("other_human", ("controlled_trial", "observational", "case_series", "case_report",
                     "narrative_review", "guideline", "editorial", "other")),
    ("animal_only", ("animal", "in_vitro")),
)


def record_data(record: Record, grade: Any) -> dict:
    """One record with its grade, as report.json lists it."""
    data = {name: getattr(record, name) for name in RECORD_FIELDS}
    data["publication_types"] = list(record.publication_types)
    data["retracted"] = record.is_retracted
    data["retraction_notices"] = list(record.retraction_notices)
    data.update(grade.to_dict())
    return data


def design_counts(records: list[dict]) -> dict[str, int]:
    """Counts of a claim's records by design group; retracted records count separately."""
    counts = {group: 0 for group, _ in DESIGN_GROUPS} | {"retracted": 0}
    for record in records:
        if record["retracted"]:
            counts["retracted"] += 1
            continue
        for group, designs in DESIGN_GROUPS:
            if record.get("design") in designs:
                counts[group] += 1
                break
    return counts


def claim_data(result: ClaimResult) -> dict:
    """One claim's entry in report.json."""
    claim, search = result.claim, result.search
    records = [record_data(r, g) for r, g in zip(result.records, result.grades)]
    data = {
        "id": claim.id, "quote": claim.quote, "kind": claim.kind, "line": claim.line,
        "column": claim.column, "population": claim.population,
        "intervention": claim.intervention, "comparator": claim.comparator,
        "outcome": claim.outcome, "notes": claim.notes,
        "query": result.query, "query_built": result.query_built,
        "status": result.status, "reason": result.reason,
        # checked with a reason: it rests on an old cached search or old cached records
        "stale": result.status == "checked" and bool(result.reason),
        "as_of": search.as_of if search else "",
        "count": search.count if search else None,
        "pmids": list(search.pmids) if search else [],
        "phrases_not_found": list(search.phrases_not_found) if search else [],
        "query_translation": search.query_translation if search else "",
        "records": records, "design_counts": design_counts(records),
        "curated_evidence": [dataclasses.asdict(e) for e in claim.evidence],
    }
    data.update(result.assessment.to_dict())
    return data


def document_data(result: DocumentResult) -> dict:
    """One document's entry in report.json."""
    doc = result.document
    return {
        "id": doc.id, "title": doc.title, "url": doc.url, "publisher": doc.publisher,
        "retrieved": doc.retrieved, "source": doc.source, "path": doc.path,
        "sha256": text_sha256(result.text), "warnings": list(result.warnings),
        "claims": [claim_data(c) for c in result.claims],
        "findings": [f.to_dict() for f in result.findings],
        "references": [r.to_dict() for r in result.references],
    }


def summary(documents: list[dict]) -> dict:
    """Counts the run index, history and exit code are computed from."""
    claims = [c for d in documents for c in d["claims"]]
    verdicts = Counter(c.get("verdict") for c in claims)
    return {
        "documents": len(documents), "claims": len(claims),
        "checked": sum(c["status"] == "checked" for c in claims),
        "not_checked": sum(c["status"] != "checked" for c in claims),
        "verdicts": {v: verdicts.get(v, 0) for v in VERDICTS},
        "overclaims": sum(bool(c.get("overclaim")) for c in claims),
        "findings": dict(Counter(f["severity"] for d in documents for f in d["findings"]
                                 if not f.get("accepted"))),
        "accepted_findings": sum(bool(f.get("accepted")) for d in documents
                                 for f in d["findings"]),
        "references": dict(Counter(r["status"] for d in documents for r in d["references"])),
    }


def report_data(audit: AuditResult, *, run_id: str, started: str, finished: str,
                source: SourceInfo, requests: dict, problems: list[str]) -> dict:
    """The whole report.json document for one run (without `changes`, added by the caller)."""
    documents = [document_data(d) for d in audit.documents]
    stale = source.stale or any(c["stale"] for d in documents for c in d["claims"])
    return {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "evidence-tracker", "version": __version__},
        "run": {"id": run_id, "started": started, "finished": finished},
        "source": {"kind": source.kind, "detail": source.detail, "stale": stale,
                   "as_of": source.as_of, "notes": list(source.notes)},
        "requests": requests,
        "pubmed_failures": list(audit.pubmed_failures),
        "problems": problems,
        "summary": summary(documents),
        "documents": documents,
    }
