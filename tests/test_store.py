"""The run store keeps complete runs only and refuses a newer schema."""

from __future__ import annotations

import sqlite3

import pytest

from evidence_tracker.errors import StoreError
from evidence_tracker.store import RunStore


def report(run_id: str, started: str, verdict: str = "supported") -> dict:
    return {"run": {"id": run_id, "started": started, "finished": started},
            "source": {"kind": "library", "stale": False},
            "documents": [{"id": "doc", "sha256": "abc", "claims": [
                {"id": "c1", "status": "checked", "verdict": verdict, "pmids": ["1", "2"]}]}]}


def test_runs_round_trip_in_order():
    store = RunStore(":memory:")
    store.save_run(report("r2", "2026-01-02T00:00:00"), {"claims": 1})
    store.save_run(report("r1", "2026-01-01T00:00:00"), {"claims": 1})
    assert [r.run_id for r in store.runs()] == ["r1", "r2"]
    assert store.last_report()["run"]["id"] == "r2"
    assert store.last_report(before="2026-01-02T00:00:00")["run"]["id"] == "r1"
    assert store.has_run("r1") and not store.has_run("r3")


def test_a_failing_save_leaves_nothing_behind():
    store = RunStore(":memory:")
    store.save_run(report("r1", "2026-01-01T00:00:00"), {})
    broken = report("r2", "2026-01-02T00:00:00")
    broken["documents"].append(broken["documents"][0])  # duplicate key → constraint error
    with pytest.raises(StoreError, match="cannot save run r2"):
        store.save_run(broken, {})
    assert [r.run_id for r in store.runs()] == ["r1"]
    assert store.db.execute("SELECT COUNT(*) FROM claim_results").fetchone()[0] == 1


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "store.sqlite"
    RunStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(StoreError, match="schema 99 is newer"):
        RunStore(path)


def test_corrupt_store_names_the_file(tmp_path):
    path = tmp_path / "store.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=str(path)):
        RunStore(path)


def test_only_the_newest_runs_keep_their_whole_report():
    store = RunStore(":memory:")
    for day in range(1, 6):
        store.save_run(report(f"r{day}", f"2026-01-0{day}T00:00:00"), {"claims": day},
                       keep_reports=2)
    kept = store.db.execute("SELECT run_id FROM runs WHERE report != '' ORDER BY run_id")
    assert [r[0] for r in kept] == ["r4", "r5"]
    assert [(r.run_id, r.summary) for r in store.runs()][0] == ("r1", {"claims": 1})
    assert store.db.execute("SELECT COUNT(*) FROM claim_results").fetchone()[0] == 5
    assert store.last_report()["run"]["id"] == "r5"
    assert store.last_report(before="2026-01-05T00:00:00")["run"]["id"] == "r4"
    assert store.last_report(before="2026-01-04T00:00:00") is None  # pruned: nothing to compare
