"""Which findings make a run exit 1: `--fail-on` names, evaluated over report.json (pure)."""

from __future__ import annotations

from typing import Callable, Iterable

UNSUPPORTED = ("not_supported", "insufficient", "untested")
REFERENCE_PROBLEMS = ("retracted", "not_found", "mismatch")


def _claims(report: dict) -> Iterable[tuple[str, dict]]:
    return ((d["id"], c) for d in report["documents"] for c in d["claims"])


def _not_supported(report: dict) -> list[str]:
    return [f"{d}/{c['id']}: verdict not_supported" for d, c in _claims(report)
            if c.get("verdict") == "not_supported"]


def _overclaim(report: dict) -> list[str]:
    return [f"{d}/{c['id']}: overclaim {', '.join(c['overclaim'])}" for d, c in _claims(report)
            if c.get("overclaim")]


def _retracted(report: dict) -> list[str]:
    refs = [f"{d['id']}: retracted reference: {r['raw'][:80]}" for d in report["documents"]
            for r in d["references"] if r["status"] == "retracted"]
    curated = [f"{d}/{c['id']}: cites retracted PMID {r['pmid']}" for d, c in _claims(report)
               for r in c["records"] if r["retracted"]
               and r["pmid"] in {e["pmid"] for e in c.get("curated_evidence", [])}]
    return refs + curated


def _flag_error(report: dict) -> list[str]:
    return [f"{d['id']}:{f['line']}: {f['rule']}" for d in report["documents"]
            for f in d["findings"] if f["severity"] == "error" and not f.get("accepted")]


def _reference_problem(report: dict) -> list[str]:
    return [f"{d['id']}: reference {r['status']}: {r['raw'][:80]}" for d in report["documents"]
            for r in d["references"] if r["status"] in REFERENCE_PROBLEMS]


def _new_unsupported(report: dict) -> list[str]:
    changes = report.get("changes") or {}
    moved = [f"{v['document_id']}/{v['claim_id']}: verdict moved to {v['after']}"
             for v in changes.get("verdict_changes", []) if v["after"] in UNSUPPORTED]
    added = {(a["document_id"], a["claim_id"]) for a in changes.get("claims_added", [])}
    if changes.get("first_run"):
        added = {(d, c["id"]) for d, c in _claims(report)}
    fresh = [f"{d}/{c['id']}: new claim, verdict {c['verdict']}" for d, c in _claims(report)
             if (d, c["id"]) in added and c.get("verdict") in UNSUPPORTED]
    return moved + fresh


CHECKS: dict[str, Callable[[dict], list[str]]] = {
    "not_supported": _not_supported, "overclaim": _overclaim, "retracted": _retracted,
    "flag_error": _flag_error, "reference_problem": _reference_problem,
    "new_unsupported": _new_unsupported, "never": lambda report: [],
}


def threshold_findings(report: dict, fail_on: Iterable[str]) -> list[str]:
    """One line per finding at or above the `fail_on` thresholds (empty: exit 0)."""
    return [line for name in fail_on for line in CHECKS[name](report)]
