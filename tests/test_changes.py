"""What changed between two runs, and which findings make a run exit 1 (both pure)."""

from __future__ import annotations

import copy

from evidence_tracker.report.changes import compute_changes
from evidence_tracker.thresholds import threshold_findings


def claim(cid: str, verdict: str, pmids: list[str], status: str = "checked",
          levels: dict | None = None) -> dict:
    levels = levels or {}
    return {"id": cid, "status": status, "verdict": verdict, "pmids": pmids,
            "reason": "" if status == "checked" else "PubMed search failed: timeout",
            "overclaim": [], "curated_evidence": [],
            "records": [{"pmid": p, "level": levels.get(p), "retracted": False} for p in pmids]}


def report(run_id: str, claims: list[dict], sha: str = "s1", refs: list[dict] | None = None,
           findings: list[dict] | None = None) -> dict:
    return {"run": {"id": run_id}, "documents": [{"id": "doc", "sha256": sha, "claims": claims,
                                                  "references": refs or [],
                                                  "findings": findings or []}]}


def test_first_run_says_so():
    changes = compute_changes(None, report("r1", [claim("a", "supported", ["1"])]))
    assert changes["first_run"] and changes["previous_run"] is None
    assert not changes["nothing_changed"]


def test_nothing_changed_is_said_plainly():
    before = report("r1", [claim("a", "supported", ["1"])])
    after = copy.deepcopy(before) | {"run": {"id": "r2"}}
    changes = compute_changes(before, after)
    assert changes["nothing_changed"] and changes["previous_run"] == "r1"


def test_every_kind_of_change_is_reported():
    before = report("r1", [claim("a", "insufficient", ["1"]), claim("gone", "untested", [])],
                    refs=[{"raw": "Ref A", "status": "verified"}])
    after = report("r2", [claim("a", "supported", ["9", "1", "5"], levels={"5": 1, "9": 4}),
                          claim("new", "untested", []),
                          claim("down", "not_checked", [], status="not_checked")],
                   sha="s2", refs=[{"raw": "Ref A", "status": "retracted"}])
    changes = compute_changes(before, after)
    assert changes["new_records"] == [{"document_id": "doc", "claim_id": "a", "pmids": ["5", "9"],
                                       "best_level": 1}]
    assert changes["verdict_changes"] == [{"document_id": "doc", "claim_id": "a",
                                           "before": "insufficient", "after": "supported"}]
    assert changes["references_changed"][0]["newly_retracted"] is True
    assert changes["documents_changed"] == [{"document_id": "doc", "before": "s1", "after": "s2"}]
    assert {c["claim_id"] for c in changes["claims_added"]} == {"new", "down"}
    assert changes["claims_removed"] == [{"document_id": "doc", "claim_id": "gone"}]
    assert changes["not_checked"][0]["reason"].startswith("PubMed search failed")
    assert not changes["nothing_changed"]


def test_new_records_are_not_invented_when_a_claim_was_not_checked():
    before = report("r1", [claim("a", "not_checked", [], status="not_checked")])
    after = report("r2", [claim("a", "supported", ["1"])])
    assert compute_changes(before, after)["new_records"] == []


def test_thresholds():
    bad = claim("a", "not_supported", ["1"]) | {"overclaim": ["overclaim.strong_wording"]}
    data = report("r1", [bad, claim("b", "supported", ["2"])],
                  refs=[{"raw": "Ref", "status": "retracted"},
                        {"raw": "Other", "status": "not_found"}],
                  findings=[{"severity": "error", "line": 3, "rule": "hype.x", "accepted": False},
                            {"severity": "error", "line": 4, "rule": "hype.y", "accepted": True}])
    data["changes"] = {"first_run": True}
    assert threshold_findings(data, ["never"]) == []
    assert threshold_findings(data, ["not_supported"]) == ["doc/a: verdict not_supported"]
    assert len(threshold_findings(data, ["overclaim"])) == 1
    assert threshold_findings(data, ["retracted"]) == ["doc: retracted reference: Ref"]
    assert threshold_findings(data, ["flag_error"]) == ["doc:3: hype.x"]
    assert len(threshold_findings(data, ["reference_problem"])) == 2
    assert threshold_findings(data, ["new_unsupported"]) == ["doc/a: new claim, verdict not_supported"]
