"""The HTML report's view model: every label, CSS class and ordering is decided here.

Templates only loop and print. Pure: takes report.json data (and source texts with their
findings), returns plain dicts. Untrusted markup (PubMed titles and abstracts) is sanitised here,
so templates never see raw HTML from the data.
"""

from __future__ import annotations

from itertools import zip_longest
from typing import Sequence

from evidence_tracker.language import Finding, highlight_segments
from evidence_tracker.sanitize import safe_inline

VERDICT_LABELS = {
    "supported": "Supported", "partly_supported": "Partly supported", "mixed": "Mixed",
    "not_supported": "Not supported", "insufficient": "Insufficient evidence",
    "untested": "Untested", "not_checked": "Not checked",
}
LEVEL_LABELS = {1: "1 · systematic review of RCTs", 2: "2 · RCT", 3: "3 · non-randomised controlled",
                4: "4 · case series / case-control", 5: "5 · mechanism-based"}
SOURCE_LABELS = {"pubmed": "live PubMed", "library": "offline library"}


def _record_view(record: dict) -> dict:
    return record | {
        "title_html": safe_inline(record["title"]),
        "conclusion_html": [safe_inline(s) for s in record.get("conclusion", [])],
        "level_label": LEVEL_LABELS.get(record.get("level"), "no level"),
        "css": "retracted" if record["retracted"] else "",
        "notice_links": [f"https://pubmed.ncbi.nlm.nih.gov/{p}/"
                         for p in record.get("retraction_notices", []) if p.isdigit()],
    }


def _record_order(record: dict) -> tuple:
    return (record["retracted"], record.get("level") or 9, -(record.get("year") or 0))


def _basis_view(basis: dict) -> dict:
    """One basis entry: its rule, and each PMID with its level, direction and stance."""
    columns = [basis.get(k) or () for k in ("pmids", "levels", "directions", "stances")]
    evidence = [{"pmid": p, "level": lvl, "direction": d, "stance": s}
                for p, lvl, d, s in zip_longest(*columns) if p]
    return basis | {"evidence": evidence,
                    "sentences_html": [safe_inline(s) for s in basis.get("sentences", [])]}


def _claim_view(document: dict, claim: dict) -> dict:
    records = sorted((_record_view(r) for r in claim["records"]), key=_record_order)
    verdict = claim.get("verdict", "not_checked")
    return claim | {
        "anchor": f"claim-{document['id']}-{claim['id']}",
        "document_id": document["id"], "document_title": document["title"],
        "verdict_label": VERDICT_LABELS.get(verdict, verdict),
        "verdict_css": f"verdict-{verdict.replace('_', '-')}",
        "level_label": LEVEL_LABELS.get(claim.get("evidence_level"), "—"),
        "records": records, "record_count": len(records),
        "status_label": "checked" if claim["status"] == "checked" else "not checked",
        "basis": [_basis_view(b) for b in claim.get("basis", [])],
        "stances": [s | {"css": "retracted" if s.get("retracted") else "",
                         "differs": bool(s.get("curated")) and s.get("curated") != s.get("automatic")}
                    for s in claim.get("stances", [])],
    }


def _segments(text: str, findings: Sequence[Finding]) -> list[dict]:
    return [{"text": s.text, "finding": s.finding.to_dict() if s.finding else None,
             "css": f"flag flag-{s.finding.category.replace('_', '-')}"
             + (" accepted" if s.finding.accepted else "") if s.finding else ""}
            for s in highlight_segments(text, list(findings))]


def _document_view(document: dict, text: str, findings: Sequence[Finding]) -> dict:
    return document | {
        "anchor": f"doc-{document['id']}",
        "claims": [_claim_view(document, c) for c in document["claims"]],
        "segments": _segments(text, findings),
        "open_findings": [f for f in document["findings"] if not f.get("accepted")],
        "accepted_findings": [f for f in document["findings"] if f.get("accepted")],
    }


def report_view(report: dict, texts: dict[str, str],
                findings: dict[str, Sequence[Finding]]) -> dict:
    """View model of one run's report; `texts`/`findings` are keyed by document id."""
    documents = [_document_view(d, texts.get(d["id"], ""), findings.get(d["id"], ()))
                 for d in report["documents"]]
    source = report["source"]
    return {
        "report": report,
        "title": f"Evidence report {report['run']['id']}",
        "source_label": SOURCE_LABELS.get(source["kind"], source["kind"])
        + (" (stale cache answers included)" if source.get("stale") else ""),
        "offline": source["kind"] != "pubmed",
        "documents": documents,
        "claims": [c for d in documents for c in d["claims"]],
        "verdict_options": [(k, v) for k, v in VERDICT_LABELS.items()],
        "kinds": sorted({c["kind"] for d in documents for c in d["claims"]}),
        "changes": report.get("changes", {}),
        "summary": report["summary"],
    }
