"""Shared helpers for the reliability tests: a small claims workdir, the CLI in a subprocess,
a fake NCBI over the shipped library, and snapshots of what a run leaves on disk.

No tests here; the `test_reliability_*` modules import these by bare name (like `fake_eutils`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import yaml
from fake_eutils import FakeEutils

from evidence_tracker.pubmed.library import LibrarySource

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "claims" / "dry-needling-evidence-based-truth.yaml"
LIBRARY = REPO / "claims" / "library" / "dry-needling.xml"
DOC_ID = "dry-needling-evidence-based-truth"
# Three claims with hits (one of them alone matches "Motor Endplate") and one with none.
SMALL_CLAIMS = ("deactivates-trigger-points", "normalizes-end-plate-activity",
                "improves-blood-circulation", "first-time-real-relief")
ENDPLATE_TERM = "Motor Endplate"
# Tiny timeouts and backoff keep a faulted run to a second or two; one retry shows retrying.
FAST = {"NCBI_EMAIL": "reliability@example.org", "EVIDENCE_TRACKER_READ_TIMEOUT": "1",
        "EVIDENCE_TRACKER_CONNECT_TIMEOUT": "1", "EVIDENCE_TRACKER_BACKOFF_BASE": "0.05",
        "EVIDENCE_TRACKER_MAX_RETRIES": "1", "EVIDENCE_TRACKER_RETRY_BUDGET_SECONDS": "10"}


def small_document(claim_ids: tuple[str, ...] = SMALL_CLAIMS) -> str:
    """The seed claim file cut down to `claim_ids` (quotes stay verbatim from the seed source)."""
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data["claims"] = [c for c in data["claims"] if c["id"] in claim_ids]
    data.pop("sha256", None)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def make_workdir(root: Path, document: str | None = None) -> Path:
    """`root` with claims/ (sources, library and one claim file); returns `root`."""
    shutil.copytree(REPO / "claims" / "sources", root / "claims" / "sources")
    shutil.copytree(REPO / "claims" / "library", root / "claims" / "library")
    (root / "claims" / f"{DOC_ID}.yaml").write_text(document or small_document(),
                                                     encoding="utf-8")
    return root


def cli_env(extra: dict | None = None) -> dict:
    """The environment for a CLI subprocess: ours, minus NCBI_/EVIDENCE_TRACKER_, plus FAST."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("NCBI_", "EVIDENCE_TRACKER_"))}
    return env | FAST | (extra or {})


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "evidence_tracker", *args]


def run_cli(*args: str, cwd: Path, env: dict | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `evidence-tracker args` in `cwd` and wait for it."""
    return subprocess.run(cli_command(*args), cwd=cwd, env=cli_env(env), capture_output=True,
                          text=True, timeout=timeout)


def fake_ncbi(*, rate_limit: int | None = None) -> FakeEutils:
    """A fake E-utilities server answering from the shipped library (not started)."""
    return FakeEutils(LibrarySource([LIBRARY]), rate_limit=rate_limit)


def latest_report(workdir: Path) -> dict:
    return json.loads((workdir / "reports" / "latest" / "report.json").read_text("utf-8"))


def claims_by_id(report: dict) -> dict[str, dict]:
    return {c["id"]: c for d in report["documents"] for c in d["claims"]}


def folder_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder`, by relative path."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def store_rows(path: Path) -> dict[str, tuple]:
    """Every stored run's rows (runs, documents, claim_results), by run id, read-only."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = {}
        for run in db.execute("SELECT * FROM runs ORDER BY run_id"):
            docs = db.execute("SELECT * FROM documents WHERE run_id = ? ORDER BY document_id",
                              (run[0],)).fetchall()
            claims = db.execute("SELECT * FROM claim_results WHERE run_id = ? "
                                "ORDER BY document_id, claim_id", (run[0],)).fetchall()
            rows[run[0]] = (run, docs, claims)
        return rows
    finally:
        db.close()


def run_folders(out: Path) -> list[Path]:
    """Published run folders under `out` (not `latest`, not hidden temp folders)."""
    return sorted(p for p in out.iterdir() if p.is_dir() and not p.is_symlink()
                  and not p.name.startswith(".") and p.name != "latest")


def workdir_with_one_run(root: Path) -> Path:
    """A workdir (in `root`) holding one complete earlier offline run, to copy for each case."""
    workdir = make_workdir(root)
    result = run_cli("run", "--source", "library", "--fail-on", "never", cwd=workdir)
    assert result.returncode == 0, result.stderr
    return workdir


def copy_workdir(previous: Path, tmp_path: Path) -> Path:
    """A private copy of `previous` (links kept, so `reports/latest` stays a link)."""
    workdir = tmp_path / "w"
    shutil.copytree(previous, workdir, symlinks=True)
    return workdir
