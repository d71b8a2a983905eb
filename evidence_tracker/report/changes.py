"""What changed since the last run, computed from two report.json documents (pure)."""

from __future__ import annotations

LEVEL_FIRST = {1: 0, 2: 1, 3: 2, 4: 3, 5: 4, None: 5}
PROBLEM_STATUSES = ("retracted", "expression_of_concern", "mismatch", "not_found")


def _claims(report: dict) -> dict[tuple[str, str], dict]:
    return {(d["id"], c["id"]): c for d in report["documents"] for c in d["claims"]}


def _new_records(before: dict, after: dict) -> list[dict]:
    """New PMIDs per claim, claims with new systematic reviews and RCTs first."""
    result = []
    for key, claim in _claims(after).items():
        old = _claims(before).get(key)
        if not old or claim["status"] != "checked" or old["status"] != "checked":
            continue
        new = [p for p in claim["pmids"] if p not in set(old["pmids"])]
        if new:
            levels = {r["pmid"]: r.get("level") for r in claim["records"]}
            new.sort(key=lambda p: LEVEL_FIRST.get(levels.get(p), 5))
            result.append({"document_id": key[0], "claim_id": key[1], "pmids": new,
                           "best_level": levels.get(new[0])})
    return sorted(result, key=lambda r: LEVEL_FIRST.get(r["best_level"], 5))


def _verdict_changes(before: dict, after: dict) -> list[dict]:
    old_claims = _claims(before)
    return [{"document_id": k[0], "claim_id": k[1], "before": old_claims[k].get("verdict"),
             "after": c.get("verdict")}
            for k, c in _claims(after).items()
            if k in old_claims and old_claims[k].get("verdict") != c.get("verdict")]


def _references(report: dict) -> dict[tuple[str, str], dict]:
    return {(d["id"], r["raw"]): r for d in report["documents"] for r in d.get("references", [])}


def _references_changed(before: dict, after: dict) -> list[dict]:
    old_refs = _references(before)
    changed = []
    for key, ref in _references(after).items():
        old = old_refs.get(key)
        if old and old["status"] != ref["status"]:
            changed.append({"document_id": key[0], "raw": key[1], "before": old["status"],
                            "after": ref["status"],
                            "newly_retracted": ref["status"] == "retracted"})
    return changed


def _documents_changed(before: dict, after: dict) -> list[dict]:
    old = {d["id"]: d.get("sha256") for d in before["documents"]}
    return [{"document_id": d["id"], "before": old[d["id"]], "after": d.get("sha256")}
            for d in after["documents"] if d["id"] in old and old[d["id"]] != d.get("sha256")]


def compute_changes(before: dict | None, after: dict) -> dict:
    """The `changes` object of report.json; `before` is None on the first run."""
    not_checked = [{"document_id": d["id"], "claim_id": c["id"], "reason": c["reason"]}
                   for d in after["documents"] for c in d["claims"] if c["status"] != "checked"]
    if before is None:
        return {"previous_run": None, "first_run": True, "nothing_changed": False,
                "new_records": [], "verdict_changes": [], "references_changed": [],
                "documents_changed": [], "claims_added": [], "claims_removed": [],
                "not_checked": not_checked}
    old_keys, new_keys = set(_claims(before)), set(_claims(after))
    changes = {
        "previous_run": before["run"]["id"], "first_run": False,
        "new_records": _new_records(before, after),
        "verdict_changes": _verdict_changes(before, after),
        "references_changed": _references_changed(before, after),
        "documents_changed": _documents_changed(before, after),
        "claims_added": [{"document_id": d, "claim_id": c} for d, c in sorted(new_keys - old_keys)],
        "claims_removed": [{"document_id": d, "claim_id": c}
                           for d, c in sorted(old_keys - new_keys)],
        "not_checked": not_checked,
    }
    changes["nothing_changed"] = not any(v for k, v in changes.items()
                                         if isinstance(v, list))
    return changes
