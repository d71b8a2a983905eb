"""End to end: the CLI audits the seed claims offline into a temp dir; JSON and HTML agree."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


def run_cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("NCBI_", "EVIDENCE_TRACKER_"))}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "evidence_tracker", *args], cwd=cwd,
                          env=environment, capture_output=True, text=True, timeout=120)


@pytest.fixture()
def workdir(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "claims", tmp_path / "claims")
    return tmp_path


def test_offline_run_writes_a_complete_report(workdir):
    result = run_cli("run", "--source", "library", "--fail-on", "never", cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "offline audit against the local library" in result.stderr
    latest = workdir / "reports" / "latest"
    assert latest.is_symlink() and (latest / "index.html").is_file()
    report = json.loads((latest / "report.json").read_text())
    assert report["format_version"] == 1
    assert report["source"]["kind"] == "library"
    documents = {d["id"]: d for d in report["documents"]}
    assert set(documents) == {"dry-needling-evidence-based-truth", "handout-dry-needling-neck-low-back"}
    document = documents["dry-needling-evidence-based-truth"]
    claims = {c["id"]: c for c in document["claims"]}
    assert len(claims) == 14
    for claim in claims.values():
        assert {"id", "quote", "kind", "query", "status", "reason", "pmids", "records",
                "verdict", "evidence_level", "overclaim", "basis"} <= set(claim)
        assert claim["status"] == "checked"
        assert [r["pmid"] for r in claim["records"] if r["pmid"] in claim["pmids"]] == \
            [p for p in claim["pmids"]]
    assert claims["normalizes-end-plate-activity"]["pmids"] == ["28592980"]
    assert claims["normalizes-end-plate-activity"]["verdict"] != "supported"
    assert claims["improves-blood-circulation"]["verdict"] != "supported"
    html = (latest / "index.html").read_text()
    assert "Offline audit" in html
    for claim in claims.values():
        assert f'id="claim-{document["id"]}-{claim["id"]}"' in html
    assert "https://pubmed.ncbi.nlm.nih.gov/28592980/" in html
    assert (latest / "claims.csv").read_text().count("\n") == 20
    assert "28592980" in (latest / "evidence.csv").read_text()


def test_second_run_reports_nothing_changed_and_history_lists_both(workdir):
    assert run_cli("run", "--source", "library", "--fail-on", "never", cwd=workdir).returncode == 0
    assert run_cli("run", "--source", "library", "--fail-on", "never", "--keep-reports", "1",
                   cwd=workdir).returncode == 0
    report = json.loads((workdir / "reports" / "latest" / "report.json").read_text())
    assert report["changes"]["nothing_changed"] is True
    with sqlite3.connect(workdir / "reports" / "evidence-tracker.sqlite") as db:
        kept = db.execute("SELECT COUNT(*) FROM runs WHERE report != ''").fetchone()[0]
    assert kept == 1  # the first run's whole report was pruned; its counts stay for history
    history = run_cli("history", cwd=workdir)
    assert history.returncode == 0 and len(history.stdout.strip().splitlines()) == 2
    index = (workdir / "reports" / "index.html").read_text()
    assert index.count('/index.html">20') == 2 and "<svg" in index


def test_check_reports_bad_files_in_one_pass_and_run_still_audits_good_ones(workdir):
    bad = workdir / "claims" / "broken.yaml"
    bad.write_text("id: broken\ntitle: Broken\nsource: sources/dry-needling-evidence-based-truth.txt\n"
                   "claims:\n  - id: x\n    quote: not in the text at all\n    kind: magic\n")
    check = run_cli("check", "claims", cwd=workdir)
    assert check.returncode == 2
    assert "broken.yaml:6: claims[0].quote:" in check.stdout
    assert "broken.yaml:7: claims[0].kind: 'magic'" in check.stdout
    result = run_cli("run", "--source", "library", cwd=workdir)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    report = json.loads((workdir / "reports" / "latest" / "report.json").read_text())
    assert len(report["documents"]) == 2 and "broken" not in {d["id"] for d in report["documents"]}


def test_show_config_redacts_the_api_key(workdir):
    result = run_cli("show-config", cwd=workdir, env={"NCBI_API_KEY": "secret-abc-123"})
    assert result.returncode == 0
    assert "secret-abc-123" not in result.stdout + result.stderr
    assert json.loads(result.stdout)["api_key"] == "<set, redacted>"


def test_bad_flag_is_a_usage_error_without_traceback(workdir):
    result = run_cli("run", "--source", "web", cwd=workdir)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_default_run_fails_on_the_handouts_retracted_reference(workdir):
    result = run_cli("run", "--source", "library", cwd=workdir)
    assert result.returncode == 1, result.stderr
    assert "retracted reference: Reuben SS" in result.stderr
    report = json.loads((workdir / "reports" / "latest" / "report.json").read_text())
    handout = {d["id"]: d for d in report["documents"]}["handout-dry-needling-neck-low-back"]
    statuses = [r["status"] for r in handout["references"]]
    assert statuses == ["verified", "mismatch", "verified", "verified", "not_found", "verified",
                        "mismatch", "retracted"]


def test_bad_ignore_comment_in_a_source_is_bad_input_and_other_documents_still_audited(workdir):
    (workdir / "claims" / "sources" / "page.md").write_text(
        "<!-- evidence-tracker: ignore hype.superlative -->\nOur revolutionary, powerful cure.\n")
    (workdir / "claims" / "page.yaml").write_text(
        "id: page\ntitle: Page\nsource: sources/page.md\nclaims:\n"
        "  - id: cure\n    quote: revolutionary, powerful cure\n    kind: efficacy\n")
    result = run_cli("run", "--source", "library", cwd=workdir)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "page.md:1" in result.stderr
    report = json.loads((workdir / "reports" / "latest" / "report.json").read_text())
    assert len(report["documents"]) == 3
    assert any("page.md:1" in p for p in report["problems"])
