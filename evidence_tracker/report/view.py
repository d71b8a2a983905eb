"""The HTML report's view model: every label, CSS class and ordering is decided here.

Templates only loop and print. Pure: takes report.json data (and source texts with their
findings), returns plain dicts. Untrusted markup (PubMed titles and abstracts) is sanitised here,
so templates never see raw HTML from the data.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import zip_longest
from typing import Sequence

from evidence_tracker.language import CATEGORIES, Finding, highlight_segments
from evidence_tracker.report.evidence import Linker, claim_evidence, linker, records_appendix
from evidence_tracker.report.labels import (CATEGORY_LABELS, EXPLAINED_BY_SENTENCES,
                                            KIND_LABELS, LEVEL_LABELS, NOTES, OVERCLAIM_LABELS,
                                            REFERENCE_STATUS, RULE_DESCRIPTIONS, SOURCE_LABELS,
                                            STANCE_LABELS, VERDICT_LABELS, words)

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


def _basis_view(basis: dict, link: Linker, in_table: set[str]) -> dict:
    """One basis entry: its rule in words, and each PMID with its level, direction and stance.

    The template names a PMID `in_table` (the claim's evidence table shows its level and
    stance) without them.
    """
    columns = [basis.get(k) or () for k in ("pmids", "levels", "directions", "stances")]
    evidence = [{"pmid": p, "href": link(p), "level": lvl, "direction": d,
                 "stance": words(s, STANCE_LABELS), "in_table": p in in_table}
                for p, lvl, d, s in zip_longest(*columns) if p]
    rule = basis["rule"]
    return {"rule": rule, "evidence": evidence,
            "label": RULE_DESCRIPTIONS.get(rule) or words(rule),
            "detail": list(basis.get("sentences", [])) if rule in EXPLAINED_BY_SENTENCES else []}


def _overclaim_label(rule: str) -> str:
    return OVERCLAIM_LABELS.get(rule) or words(rule.split(".")[-1])


def _overclaims(ids: Sequence[str]) -> list[dict]:
    return [{"id": i, "label": _overclaim_label(i), "href": f"#rule-{i}"} for i in ids]


def _cited(rule: str, label: str, text: str, suggestion: str = "", anchor: str = "") -> dict:
    return {"id": rule, "anchor": anchor or f"rule-{rule}", "label": label, "text": text,
            "suggestion": suggestion}


def _rules_cited(documents: Sequence[dict]) -> dict[str, dict]:
    """Each overclaim rule, language rule and long note the report cites, to list once."""
    cited: dict[str, dict] = {}
    claims = [c for d in documents for c in d["claims"]]
    for rule in (r for c in claims for r in c.get("overclaim", [])):
        cited.setdefault(rule, _cited(rule, _overclaim_label(rule),
                                      RULE_DESCRIPTIONS.get(rule, "")))
    for note in (c.get("standards_note") for c in claims):
        if note in NOTES:
            anchor, heading, _ = NOTES[note]
            cited.setdefault(anchor, _cited("", heading, note, anchor=anchor))
    for f in (f for d in documents for f in d["findings"]):
        label = f"{words(f['category'], CATEGORY_LABELS, capital=True)} ({f['severity']})"
        cited.setdefault(f["rule"], _cited(f["rule"], label, f["message"],
                                           f.get("suggestion", "")))
    # overclaim rules, then notes, then language rules; each group by id
    return {key: cited[key] for key in sorted(cited, key=lambda k: (
        not k.startswith("overclaim."), not k.startswith("note-"), k))}


def _note(note: str) -> dict:
    """A claim's standards note: a short banner linking to the note listed once, or in full."""
    anchor, _, short = NOTES.get(note, ("", "", note))
    return {"text": short, "href": f"#{anchor}" if anchor else ""}


def _verdict(verdict: str) -> dict:
    return {"label": VERDICT_LABELS.get(verdict, verdict),
            "css": f"verdict-{verdict.replace('_', '-')}",
            "rank": list(VERDICT_LABELS).index(verdict) if verdict in VERDICT_LABELS else 99}


def _claim_view(document: dict, text: str, claim: dict, entries: dict[str, dict],
                link: Linker) -> dict:
    verdict = _verdict(claim.get("verdict") or "not_checked")
    evidence = claim_evidence(claim, entries, link)
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
        "basis": [_basis_view(b, link, {r["pmid"] for r in evidence["records"]})
                  for b in claim.get("basis", [])
                  if not b["rule"].startswith("overclaim.")],
        "reviewed": [e | {"href": link(e["pmid"])} for e in claim.get("curated_evidence", [])],
        "standards": _note(claim.get("standards_note", "")),
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


def _flag_rules(findings: Sequence[dict], cited: dict[str, dict]) -> list[dict]:
    """Flags grouped by rule, in text order; a flag's message is kept where its rule's differs."""
    groups: dict[str, dict] = {}
    for f in sorted(findings, key=lambda f: (f["line"], f["column"])):
        rule = cited[f["rule"]]
        own = (f["message"], f.get("suggestion", "")) != (rule["text"], rule["suggestion"])
        groups.setdefault(f["rule"], rule | {"flags": []})["flags"].append(f | {"own": own})
    return list(groups.values())


def _reference_view(ref: dict) -> dict:
    label, css = REFERENCE_STATUS.get(ref["status"], (words(ref["status"]), "muted"))
    return ref | {"status_label": label, "status_css": f"status-{css}",
                  "off_point": [c for c in ref.get("claims", []) if c.get("on_point") is False]}


def _document_view(document: dict, label: str, text: str, findings: Sequence[Finding],
                   entries: dict[str, dict], link: Linker, cited: dict[str, dict]) -> dict:
    document = document | {"label": label}
    return document | {
        "anchor": f"doc-{document['id']}",
        "claims": [_claim_view(document, text, c, entries, link) for c in document["claims"]],
        "segments": _segments(text, findings),
        "legend": _legend(document["findings"]),
        "flag_rules": _flag_rules(document["findings"], cited),
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
                  documents: dict[str, dict], link: Linker) -> dict:
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
            for key in ("claims_added", "claims_removed")}
    view["new_records"] = [claim(i) | {"links": [{"pmid": p, "href": link(p)} for p in i["pmids"]]}
                           for i in changes.get("new_records", [])]
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
    records = records_appendix(c for d in report["documents"] for c in d["claims"])
    entries, link = {e["pmid"]: e for e in records}, linker(records)
    cited = _rules_cited(report["documents"])
    documents = [_document_view(d, label, texts.get(d["id"], ""), findings.get(d["id"], ()),
                                entries, link, cited)
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
        "documents": documents, "claims": claims, "records": records,
        "shown_records": [r for r in records if r["bears"]],
        "other_records": [r for r in records if not r["bears"]],
        "rules": list(cited.values()),
        "verdict_options": [(k, v) for k, v in VERDICT_LABELS.items()],
        "kinds": sorted({(c["kind"], c["kind_label"]) for c in claims}),
        "levels": list(LEVEL_LABELS.values()),
        "changes": _changes_view(report.get("changes", {}),
                                 {(c["document_id"], c["id"]): c for c in claims},
                                 {d["id"]: d for d in documents}, link),
        "glance": _glance(report["summary"], documents),
        "summary": report["summary"],
    }
