"""What `run` prints: quiet off a terminal, -q silent, -v logs, a summary line last, a progress
bar only on a terminal and only once more than a few searches ran."""

from __future__ import annotations

import os
import shutil

import pytest

from evidence_tracker.cli import main
from evidence_tracker.commands import Progress
from tests.conftest import REPO


@pytest.fixture()
def workdir(tmp_path, monkeypatch):
    shutil.copytree(REPO / "claims", tmp_path / "claims")
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("NCBI_", "EVIDENCE_TRACKER_")):
            monkeypatch.delenv(name)
    return tmp_path


def run(capsys, *args: str) -> tuple[int, list[str]]:
    with pytest.raises(SystemExit) as stop:
        main(["run", "--source", "library", *args])
    return stop.value.code, capsys.readouterr().err.splitlines()


def test_default_off_a_terminal_prints_why_and_one_summary_line_last(workdir, capsys):
    code, lines = run(capsys)
    assert code == 1
    assert lines[0].startswith("evidence-tracker: offline audit against the local library")
    assert any("retracted reference: Reuben SS" in line for line in lines)
    assert lines[-1].startswith("evidence-tracker: 19 claims in 2 documents (")
    assert lines[-1].endswith("/index.html") and len(lines) == 3
    assert not any("searching PubMed" in line or "\r" in line for line in lines)


def test_quiet_prints_nothing_but_keeps_the_exit_code(workdir, capsys):
    assert run(capsys, "-q") == (1, [])


def test_verbose_adds_log_lines(workdir, capsys):
    code, lines = run(capsys, "-v", "--fail-on", "never")
    assert code == 0
    assert "evidence-tracker: INFO: PubMed requests: none (offline)" in lines
    assert lines[-1].startswith("evidence-tracker: 19 claims")


def test_progress_bar_appears_only_after_a_few_searches(capsys):
    quiet = Progress(enabled=False, few=2)
    for query in "abcd":
        quiet.factory(1)(query)
    quiet.close()
    assert quiet.bar is None and capsys.readouterr().err == ""
    shown = Progress(enabled=True, few=2)
    update = shown.factory(1)
    update("a")
    update("b")
    assert shown.bar is None
    update("c")
    update("d")
    assert shown.bar.n == 4
    shown.close()
    assert "searching PubMed" in capsys.readouterr().err
