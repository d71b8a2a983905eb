"""The HTML report's view model: every label, CSS class and ordering is decided here.

Templates only loop and print. Pure: takes report.json data (and source texts with their
findings), returns plain dicts. Untrusted markup (PubMed titles and abstracts) is sanitised here,
so templates never see raw HTML from the data.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import zip_longest
from typing import Sequence

from evidence_tracker.language import CATEGORIES, Finding, highlight_segments
from evidence_tracker.report.labels import (CATEGORY_LABELS, DESIGN_LABELS,
                                            EXPLAINED_BY_SENTENCES, KIND_LABELS, LEVEL_LABELS,
                                            OVERCLAIM_LABELS, REFERENCE_STATUS, RULE_DESCRIPTIONS,
                                            SOURCE_LABELS, STANCE_CSS, STANCE_LABELS,
                                            VERDICT_LABELS, rule_title, words)
from evidence_tracker.sanitize import safe_inline

CONTEXT_CHARS = 220  # of each neighbouring line shown around a quote
SHORT_TITLE_CHARS = 40
CHANGE_LISTS = ("new_records", "verdict_changes", "references_changed", "documents_changed",
                "claims_added", "claims_removed", "not_checked")
_TITLE_BREAK = re.compile(r"[?:!—–(]")


def short_title(title: str) -> str:
    """`title` cut to its first clause (or about 40 characters) for narrow table columns."""
    head = _TITLE_BREAK.split(title, maxsplit=1)[0].strip()
    head += "?" if title[len(head):].lstrip().startswith("?") else ""
    if 8 <= len(head) <= SHORT_TITLE_CHARS + 5:
        return head
    cut = title[:SHORT_TITLE_CHARS].rsplit(" ", 1)[0]
    return cut + ("…" if len(cut) < len(title) else "")


def _locate(text: str, line: int, column: int, quote: str) -> int:
    """Offset of `quote` at its recorded 1-based `line`/`column`, else its first occurrence."""
    lines = text.split("\n")
    if quote and 1 <= line <= len(lines):
        offset = sum(len(x) + 1 for x in lines[: line - 1]) + max(column, 1) - 1
        if text.startswith(quote, offset):
            return offset
    return text.find(quote) if quote else -1


def _neighbour(text: str, last: bool) -> str:
    lines = [x.strip() for x in text.split("\n") if x.strip()]
    line = (lines[-1] if last else lines[0]) if lines else ""
    return line if len(line) <= CONTEXT_CHARS else line[:CONTEXT_CHARS].rsplit(" ", 1)[0] + " …"


def quote_context(text: str, line: int, column: int, quote: str) -> dict | None:
    """The quote's own line split around it, with the non-blank lines before and after."""
    start = _locate(text, line, column, quote)
    if start < 0:
        return None
    end = start + len(quote)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = len(text) if text.find("\n", end) < 0 else text.find("\n", end)
    return {"previous": _neighbour(text[:line_start], last=True),
            "before": text[line_start:start].lstrip(), "quote": text[start:end],
            "after": text[end:line_end].rstrip(), "next": _neighbour(text[line_end:], last=False)}


# Per PMID: a record that several claims found is sanitised once, not once per claim row.
@lru_cache(maxsize=8192)
def _record_html(pmid: str, title: str, conclusion: tuple[str, ...]) -> tuple:
    return safe_inline(title), tuple(safe_inline(s) for s in conclusion)


def _record_view(record: dict, stance: dict) -> dict:
    effective = stance.get("effective", "")
    title_html, conclusion_html = _record_html(record["pmid"], record["title"],
                                               tuple(record.get("conclusion", ())))
    return record | {
        "title_html": title_html,
        "conclusion_html": list(conclusion_html),
        "level_label": LEVEL_LABELS.get(record.get("level"), "no level"),
        "design_label": words(record.get("design"), DESIGN_LABELS, capital=True),
        "css": "retracted" if record["retracted"] else "",
        "notice_links": [f"https://pubmed.ncbi.nlm.nih.gov/{p}/"
                         for p in record.get("retraction_notices", []) if str(p).isdigit()],
        "relevant": effective != "not_relevant",
        "stance_label": words(effective, STANCE_LABELS) or "—",
        "stance_css": STANCE_CSS.get(effective, "muted"),
        "curated": stance.get("curated", ""), "note": stance.get("note", ""),
        "automatic_label": words(stance.get("automatic"), STANCE_LABELS),
    }


def _record_order(record: dict) -> tuple:
    """Best evidence first: not retracted, lowest CEBM level, newest."""
    return (record["retracted"], record.get("level") or 9, -(record.get("year") or 0))


def _evidence(claim: dict) -> dict:
    """A claim's records split into those that count (plus retracted ones) and the rest."""
    stances = {s["pmid"]: s for s in claim.get("stances", [])}
    records = sorted((_record_view(r, stances.get(r["pmid"], {})) for r in claim["records"]),
                     key=_record_order)
    found = {r["pmid"] for r in records}
    return {"records": [r for r in records if r["relevant"] or r["retracted"]],
            "other_records": [r for r in records if not (r["relevant"] or r["retracted"])],
            "unretrieved": [s for s in stances.values() if s["pmid"] not in found]}


def _basis_view(basis: dict) -> dict:
    """One basis entry: its rule in words, and each PMID with its level, direction and stance."""
    columns = [basis.get(k) or () for k in ("pmids", "levels", "directions", "stances")]
    evidence = [{"pmid": p, "level": lvl, "direction": d, "stance": words(s, STANCE_LABELS)}
                for p, lvl, d, s in zip_longest(*columns) if p]
    rule = basis["rule"]
    return {"rule": rule, "title": rule_title(rule), "evidence": evidence,
            "label": RULE_DESCRIPTIONS.get(rule) or words(rule),
            "detail": list(basis.get("sentences", [])) if rule in EXPLAINED_BY_SENTENCES else []}


def _overclaims(ids: Sequence[str]) -> list[dict]:
    return [{"id": i, "label": OVERCLAIM_LABELS.get(i) or words(i.split(".")[-1]),
             "title": rule_title(i), "description": RULE_DESCRIPTIONS.get(i, "")} for i in ids]


def _verdict(verdict: str) -> dict:
    return {"label": VERDICT_LABELS.get(verdict, verdict),
            "css": f"verdict-{verdict.replace('_', '-')}",
            "rank": list(VERDICT_LABELS).index(verdict) if verdict in VERDICT_LABELS else 99}


def _claim_view(document: dict, text: str, claim: dict) -> dict:
    verdict = _verdict(claim.get("verdict") or "not_checked")
    evidence = _evidence(claim)
    return claim | evidence | {
        "anchor": f"claim-{document['id']}-{claim['id']}",
        "document_id": document["id"], "document_title": document["title"],
        "document_label": document["label"],
        "verdict_label": verdict["label"], "verdict_css": verdict["css"],
        "verdict_rank": verdict["rank"], "kind_label": words(claim["kind"], KIND_LABELS),
        "kind_title": words(claim["kind"], KIND_LABELS, capital=True),
        "level_label": LEVEL_LABELS.get(claim.get("evidence_level"), "no graded evidence"),
        "record_count": len(claim["records"]), "relevant_count": len(evidence["records"]),
        "context": quote_context(text, claim.get("line", 0), claim.get("column", 0),
                                 claim["quote"]),
        "overclaims": _overclaims(claim.get("overclaim", [])),
        "basis": [_basis_view(b) for b in claim.get("basis", [])
                  if not b["rule"].startswith("overclaim.")],
        "reviewed": list(claim.get("curated_evidence", [])),
    }


def _segments(text: str, findings: Sequence[Finding]) -> list[dict]:
    return [{"text": s.text, "finding": s.finding.to_dict() if s.finding else None,
             "label": words(s.finding.category, CATEGORY_LABELS) if s.finding else "",
             "css": f"flag flag-{s.finding.category.replace('_', '-')}"
             + (" accepted" if s.finding.accepted else "") if s.finding else ""}
            for s in highlight_segments(text, list(findings))]


def _legend(findings: Sequence[dict]) -> list[dict]:
    """The flag categories present in a document, in rule-file order, with their counts."""
    counts = Counter(f["category"] for f in findings if not f.get("accepted"))
    order = [c for c in CATEGORIES if c in counts] + sorted(set(counts) - set(CATEGORIES))
    return [{"label": words(c, CATEGORY_LABELS), "count": counts[c],
             "css": f"flag flag-{c.replace('_', '-')}"} for c in order]


def _reference_view(ref: dict) -> dict:
    label, css = REFERENCE_STATUS.get(ref["status"], (words(ref["status"]), "muted"))
    return ref | {"status_label": label, "status_css": f"status-{css}",
                  "off_point": [c for c in ref.get("claims", []) if c.get("on_point") is False]}


def _document_view(document: dict, label: str, text: str,
                   findings: Sequence[Finding]) -> dict:
    document = document | {"label": label}
    return document | {
        "anchor": f"doc-{document['id']}",
        "claims": [_claim_view(document, text, c) for c in document["claims"]],
        "segments": _segments(text, findings),
        "legend": _legend(document["findings"]),
        "flags": sorted(document["findings"], key=lambda f: (f["line"], f["column"])),
        "open_findings": [f for f in document["findings"] if not f.get("accepted")],
        "accepted_findings": [f for f in document["findings"] if f.get("accepted")],
        "references": [_reference_view(r) for r in document["references"]],
        "reference_problems": sum(r["status"] not in ("verified", "unchecked")
                                  for r in document["references"]),
    }


def _labels(documents: Sequence[dict]) -> list[str]:
    """Short document labels, numbered where two would read the same."""
    labels = [short_title(d["title"]) or d["id"] for d in documents]
    seen = Counter(labels)
    return [f"{x} ({i + 1})" if seen[x] > 1 else x for i, x in enumerate(labels)]


def _changes_view(changes: dict, claims: dict[tuple[str, str], dict],
                  documents: dict[str, dict]) -> dict:
    """`changes` with each claim named by its quote and linked, verdicts in words."""
    def claim(item: dict) -> dict:
        found = claims.get((item["document_id"], item["claim_id"]))
        return item | {"anchor": found["anchor"] if found else "",
                       "label": found["quote"] if found else item["claim_id"]}

    def doc(item: dict) -> dict:
        found = documents.get(item["document_id"])
        return item | {"document_label": found["label"] if found else item["document_id"],
                       "anchor": found["anchor"] if found else ""}

    view = {key: [claim(i) for i in changes.get(key, [])]
            for key in ("new_records", "claims_added", "claims_removed")}
    by_reason: dict[str, list[dict]] = {}
    for item in changes.get("not_checked", []):
        by_reason.setdefault(item["reason"], []).append(claim(item))
    view["not_checked_by_reason"] = [{"reason": r, "claims": c} for r, c in by_reason.items()]
    view["verdict_changes"] = [claim(i) | {"before_v": _verdict(i["before"] or "not_checked"),
                                           "after_v": _verdict(i["after"] or "not_checked")}
                               for i in changes.get("verdict_changes", [])]
    view["references_changed"] = [doc(i) | {
        "before_label": REFERENCE_STATUS.get(i["before"], (i["before"],))[0],
        "after_label": REFERENCE_STATUS.get(i["after"], (i["after"],))[0]}
        for i in changes.get("references_changed", [])]
    view["documents_changed"] = [doc(i) for i in changes.get("documents_changed", [])]
    defaults = {"first_run": not changes, "nothing_changed": False, "previous_run": None}
    return defaults | {key: [] for key in CHANGE_LISTS} | changes | view


def _glance(summary: dict, documents: Sequence[dict]) -> dict:
    """The numbers an educator reads first: verdicts, overclaims, flags, reference problems."""
    return {"verdicts": [_verdict(v) | {"key": v, "count": n}
                         for v, n in summary["verdicts"].items() if n],
            "overclaims": summary.get("overclaims", 0),
            "flags": sum(summary.get("findings", {}).values()),
            "references": sum(len(d["references"]) for d in documents),
            "reference_problems": sum(d["reference_problems"] for d in documents)}


def when(iso: str) -> str:
    """An ISO timestamp as `2026-11-24 19:22 UTC` (or as given when it is not one)."""
    match = re.fullmatch(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(?::\d\d(?:\.\d+)?)?(Z|[+-]00:00)?", iso)
    if not match:
        return iso
    return f"{match[1]} {match[2]}" + (" UTC" if match[3] else "")


def report_view(report: dict, texts: dict[str, str],
                findings: dict[str, Sequence[Finding]]) -> dict:
    """View model of one run's report; `texts`/`findings` are keyed by document id."""
    labels = _labels(report["documents"])
    documents = [_document_view(d, label, texts.get(d["id"], ""), findings.get(d["id"], ()))
                 for d, label in zip(report["documents"], labels)]
    claims = [c for d in documents for c in d["claims"]]
    source = report["source"]
    return {
        "report": report,
        "title": f"Evidence report, {when(report['run']['started'])[:10]}",
        "started": when(report["run"]["started"]), "finished": when(report["run"]["finished"]),
        "source_label": SOURCE_LABELS.get(source["kind"], source["kind"])
        + (" (stale cache answers included)" if source.get("stale") else ""),
        "offline": source["kind"] != "pubmed",
        "pubmed_failures": list(dict.fromkeys(report.get("pubmed_failures", []))),
        "documents": documents, "claims": claims,
        "verdict_options": [(k, v) for k, v in VERDICT_LABELS.items()],
        "kinds": sorted({(c["kind"], c["kind_label"]) for c in claims}),
        "levels": list(LEVEL_LABELS.values()),
        "changes": _changes_view(report.get("changes", {}),
                                 {(c["document_id"], c["id"]): c for c in claims},
                                 {d["id"]: d for d in documents}),
        "glance": _glance(report["summary"], documents),
        "summary": report["summary"],
    }
