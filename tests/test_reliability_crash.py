"""Crash safety (issue 8): SIGKILL the CLI mid-run, then check what it left and run again.

Kill points: while NCBI stalls a search, while it stalls the fetch, while the report folder is
half written, inside the store's transaction, and after the run is stored but before `latest`
moves. The last three are reached by a wrapper script (test code only) that patches the edge
function to stall, so the test can kill the process at exactly that point.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from fake_eutils import Fault
from test_reliability_helpers import (cli_command, cli_env, copy_workdir, fake_ncbi, run_cli,
                                      run_folders, store_rows, workdir_with_one_run)

from evidence_tracker.store import RunStore

RUN_FILES = {"index.html", "report.json", "claims.csv", "evidence.csv"}
KEY = {"NCBI_API_KEY": "crash-key"}  # 10 requests/s: the kill comes sooner

# Runs the CLI with one edge function replaced by a stall that first drops a marker file.
WRAPPER = '''
import sys, time
from pathlib import Path
marker, point, args = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]

def stall():
    marker.write_text(point)
    time.sleep(600)

if point == "writing":  # report.json is in the temp folder; the CSVs and HTML are not
    from evidence_tracker.report import render
    render.WRITERS["csv"] = lambda *a: stall()
elif point == "storing":  # the runs row is inserted, the transaction is open
    from evidence_tracker.store import RunStore

    class Stalling:
        def __init__(self, db):
            self.db = db
        def __getattr__(self, name):
            return getattr(self.db, name)
        def __enter__(self):
            return self.db.__enter__()
        def __exit__(self, *exc):
            return self.db.__exit__(*exc)
        def executemany(self, *a):
            self.db.executemany(*a)
            stall()

    original = RunStore.save_run
    def save_run(self, *a, **kw):
        self.db = Stalling(self.db)
        return original(self, *a, **kw)
    RunStore.save_run = save_run
elif point == "switching":  # the run is stored, `latest` not yet moved
    from evidence_tracker import runner
    runner.point_latest = lambda *a: stall()

from evidence_tracker.cli import main
main(args)
'''


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    return workdir_with_one_run(tmp_path_factory.mktemp("previous"))


def _kill_when(proc: subprocess.Popen, ready, what: str) -> None:
    deadline = time.monotonic() + 30
    while not ready():
        assert proc.poll() is None, f"the run ended before {what}: {proc.communicate()}"
        assert time.monotonic() < deadline, f"never reached {what}"
        time.sleep(0.02)
    proc.kill()  # SIGKILL: no handler, no cleanup
    proc.wait(10)


def _assert_consistent(workdir, stored_before: int, stored_now: int) -> dict:
    """The store opens, every visible run is complete and stored, `latest` is one of them."""
    out = workdir / "reports"
    RunStore(out / "evidence-tracker.sqlite").close()  # opens (rolls back a hot journal)
    rows = store_rows(out / "evidence-tracker.sqlite")
    assert len(rows) == stored_now, f"{stored_before} runs before, {len(rows)} after"
    folders = {p.name: p for p in run_folders(out)}
    for folder in folders.values():
        assert {p.name for p in folder.iterdir()} == RUN_FILES, folder
        json.loads((folder / "report.json").read_text("utf-8"))
    assert set(rows) <= set(folders)
    latest = (out / "latest").resolve()
    assert latest.name in rows and {p.name for p in latest.iterdir()} == RUN_FILES
    return rows


def _rerun_completes(workdir, stored: int) -> None:
    result = run_cli("run", "--source", "library", "--fail-on", "never", cwd=workdir)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    rows = _assert_consistent(workdir, stored, stored + 1)
    assert (workdir / "reports" / "latest").resolve().name == max(rows)
    history = run_cli("history", cwd=workdir)
    assert history.returncode == 0 and len(history.stdout.splitlines()) == stored + 1


@pytest.mark.parametrize("endpoint", ["esearch", "efetch"])
def test_kill_while_ncbi_stalls(previous, tmp_path, endpoint):
    workdir = copy_workdir(previous, tmp_path)
    with fake_ncbi() as ncbi:
        ncbi.fail(endpoint, Fault.hang(), on=[2] if endpoint == "esearch" else None)
        proc = subprocess.Popen(cli_command("run", "--source", "pubmed", "--eutils-url",
                                            ncbi.url), cwd=workdir, env=cli_env(KEY),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _kill_when(proc, lambda: any(e.fault == "hang" for e in ncbi.log), endpoint)
    _assert_consistent(workdir, 1, 1)
    _rerun_completes(workdir, 1)


@pytest.mark.parametrize("point, stored", [("writing", 1), ("storing", 1), ("switching", 2)])
def test_kill_while_publishing(previous, tmp_path, point, stored):
    workdir = copy_workdir(previous, tmp_path)
    before = (workdir / "reports" / "latest").resolve()
    script, marker = tmp_path / "wrapper.py", tmp_path / "marker"
    script.write_text(WRAPPER, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), str(marker), point, "run", "--source",
                             "library", "--fail-on", "never"], cwd=workdir, env=cli_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _kill_when(proc, marker.exists, point)
    _assert_consistent(workdir, 1, stored)
    assert (workdir / "reports" / "latest").resolve() == before
    _rerun_completes(workdir, stored)
