"""`evidence-tracker refs`: output formats and exit codes, offline and against the fake server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence_tracker.cli import main
from evidence_tracker.pubmed.library import LibrarySource
from fake_eutils import Fault, FakeEutils

REPO = Path(__file__).resolve().parents[1]
HANDOUT = REPO / ".." / "shared" / "data" / "handout-with-references.md"
LIBRARY = REPO / "claims" / "library"


@pytest.fixture(autouse=True)
def clean_environment(tmp_path, monkeypatch):
    """No config file, NCBI identity or retries from the developer's environment."""
    monkeypatch.chdir(tmp_path)
    for name in ("NCBI_API_KEY", "NCBI_EMAIL", "EVIDENCE_TRACKER_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EVIDENCE_TRACKER_MAX_RETRIES", "0")


def refs(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(["refs", *args])
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_json_output_offline_and_exit_1_for_findings(capsys):
    code, out, err = refs(capsys, str(HANDOUT), "--format", "json", "--source", "library",
                          "--library", str(LIBRARY))
    assert code == 1, err
    data = json.loads(out)
    assert [r["status"] for r in data] == ["verified", "mismatch", "verified", "verified",
                                           "not_found", "verified", "mismatch", "retracted"]
    assert data[0]["pmid"] == "18395479" and data[4]["pmid"] is None
    assert "8 references: 4 verified, 2 mismatch, 1 not_found, 1 retracted" in err


def test_text_output_names_file_line_fields_and_findings(capsys):
    code, out, _ = refs(capsys, str(HANDOUT), "--source", "library", "--library", str(LIBRARY))
    assert code == 1
    assert f"{HANDOUT}:14: [2] MISMATCH  PMID 27537209" in out
    assert 'year: cited "2014", PubMed "2016"' in out
    assert "! cited but does not address dry needling; a critique" in out
    assert "[cited paper's conclusion: unfavourable]" in out


def test_fail_on_is_configurable(tmp_path, capsys):
    code, _, _ = refs(capsys, str(HANDOUT), "--source", "library", "--library", str(LIBRARY),
                      "--fail-on", "ambiguous")
    assert code == 0
    clean = tmp_path / "clean.md"
    clean.write_text("Blood flow rises [1].\n\n## References\n1. PMID: 23206963\n")
    assert refs(capsys, str(clean), "--source", "library", "--library", str(LIBRARY))[0] == 0
    code, _, _ = refs(capsys, str(HANDOUT), "--source", "library", "--library", str(LIBRARY),
                      "--fail-on", "off_point")
    assert code == 1


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "no such file"),
    (lambda p: p.mkdir(), "is a directory"),
    (lambda p: p.write_bytes(b"ok\n\xff\xfe bad"), ":2: not UTF-8 text"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, make, message):
    path = tmp_path / "doc.md"
    make(path)
    code, _, err = refs(capsys, str(path), "--source", "library", "--library", str(LIBRARY))
    assert code == 2 and message in err and "Traceback" not in err
    assert err.count("\n") == 1


def test_against_the_fake_server_and_exit_3_when_pubmed_fails(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NCBI_API_KEY", "test-key")  # 10 requests a second instead of 3
    with FakeEutils(LibrarySource([LIBRARY])) as ncbi:
        args = (str(HANDOUT), "--format", "json", "--source", "pubmed", "--eutils-url", ncbi.url,
                "--cache", str(tmp_path / "cache.sqlite"), "--email", "dev@example.org")
        code, out, err = refs(capsys, *args)
        assert code == 1, err
        assert [r["status"] for r in json.loads(out)][4:] == ["not_found", "verified", "mismatch",
                                                               "retracted"]
        assert all(e.params.get("email") == "dev@example.org" for e in ncbi.log)
        ncbi.fail("*", Fault.http(503))
        code, out, err = refs(capsys, *args[:-4], "--cache", str(tmp_path / "other.sqlite"))
    data = json.loads(out)
    assert code == 3 and {r["status"] for r in data} == {"unchecked"}
    assert "503" in data[0]["failure"]
