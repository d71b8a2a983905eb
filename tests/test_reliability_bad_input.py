"""Bad input (issue 8): every malformed file in `tests/data/bad-inputs/` gives one line naming
file, line and field, exit 2 and no traceback, through `check` and `run`; the valid document
beside them is still audited. Malformed config files and an unwritable output folder too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_reliability_helpers import LIBRARY, REPO, claims_by_id, latest_report, run_cli

from evidence_tracker.cli import main

CORPUS = REPO / "tests" / "data" / "bad-inputs"
HUGE = "huge.yaml"  # written by the fixture: over the 5 MB limit

# file -> (line, field, words of the message)
EXPECTED = {
    "binary.yaml": (0, "file", "is not UTF-8 text"),
    "csv-bad-evidence.csv": (3, "claims[1].evidence[0].pmid", "'12a45' is not a PMID"),
    "csv-empty.csv": (1, "csv", "cannot be parsed as CSV"),
    "csv-no-document-column.csv": (1, "document", "is missing, expected a 'document' column"),
    "csv-unclosed-quote.csv": (1, "csv", "EOF inside string"),
    "csv-unknown-column.csv": (1, "verdict", "unknown column"),
    "duplicate-claim-ids.yaml": (8, "claims[1].id", "duplicate claim id 'cures' (first at line 5)"),
    "empty.yaml": (1, "file", "is empty"),
    "encoding-latin1.yaml": (0, "file", "is not UTF-8 text"),
    "encoding-utf16.yaml": (0, "file", "is not UTF-8 text"),
    HUGE: (0, "file", "expected at most 5000000 for a claim file"),
    "invalid-kind.yaml": (7, "claims[0].kind", "'magic' is not allowed, expected one of"),
    "invalid-pmid-letters.yaml": (9, "claims[0].evidence[0].pmid", "'12a45' is not a PMID"),
    "invalid-pmid-zero.yaml": (9, "claims[0].evidence[0].pmid", "'0' is not a PMID"),
    "invalid-query.yaml": (8, "claims[0].query", "unbalanced parentheses"),
    "invalid-stance.yaml": (9, "claims[0].evidence[0].stance", "'agrees' is not allowed"),
    "missing-claims.yaml": (1, "claims", "is missing, expected a list of claims"),
    "missing-quote.yaml": (5, "claims[0].quote", "is missing"),
    "missing-source-file.yaml": (3, "source", "cannot read 'sources/not-there.txt'"),
    "override-without-reason.yaml": (8, "claims[0].override.reason", "is missing"),
    "quote-not-in-source.yaml": (6, "claims[0].quote", "does not occur in the source text"),
    "source-binary.yaml": (3, "source", "'sources/binary.txt' is not UTF-8 text"),
    "source-is-directory.yaml": (3, "source", "cannot read 'sources' (Is a directory)"),
    "source-latin1.yaml": (3, "source", "'sources/latin1.txt' is not UTF-8 text"),
    "type-bad-id.yaml": (1, "id", "'has spaces in it' is not a simple id"),
    "type-claim-not-mapping.yaml": (4, "claims[0]", "is a string, expected a mapping"),
    "type-claims-not-list.yaml": (4, "claims", "is a string, expected a list"),
    "type-evidence-not-list.yaml": (8, "claims[0].evidence", "is a mapping, expected a list"),
    "type-quote-is-list.yaml": (6, "claims[0].quote", "is a list, expected a string"),
    "type-title-is-mapping.yaml": (2, "title", "is a mapping, expected a string"),
    "unknown-accepted-flag-rule.yaml": (9, "accepted_flags[0].rule",
                                        "(did you mean 'hype.superlative'?)"),
    "unknown-claim-field.yaml": (8, "claims[0].outcom", "(did you mean 'outcome'?)"),
    "unknown-document-field.yaml": (4, "publsher", "(did you mean 'publisher'?)"),
    "unknown-evidence-field.yaml": (9, "claims[0].evidence[0].reviewr",
                                    "(did you mean 'reviewer'?)"),
    "yaml-bad-indent.yaml": (7, "yaml", "syntax error: expected <block end>"),
    "yaml-duplicate-key.yaml": (8, "yaml", "duplicate key 'claims' (first at line 4)"),
    "yaml-invalid-date.yaml": (4, "retrieved", "'2026-13-45' is not a date"),
    "yaml-only-comments.yaml": (1, "file", "top level must be a mapping"),
    "yaml-tab-indent.yaml": (5, "yaml", "found character '\\t' that cannot start any token"),
    "yaml-top-level-list.yaml": (1, "file", "top level must be a mapping"),
    "yaml-unclosed-quote.yaml": (5, "yaml", "(while scanning a quoted scalar at line 2)"),
}
CONFIGS = {
    "syntax-error.toml": (2, "config", "Invalid value"),
    "unknown-key.toml": (2, "retmx", "unknown setting (did you mean 'retmax'?)"),
    "wrong-type.toml": (2, "retmax", "'many' is not a valid int"),
    "bad-choice.toml": (2, "fail_on", "'nevr' is not one of"),
    "negative-timeout.toml": (1, "read_timeout", "must be greater than 0"),
    "latin1.toml": (0, "config", "can't decode byte 0xe9"),
    "not-http.toml": (1, "eutils_url", "'ftp://example.org/' is not an http(s) URL"),
    "list-is-number.toml": (1, "library", "'3' is not a valid list"),
    "bad-source.toml": (1, "source", "'web' is not one of auto, pubmed, library"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A copy of the corpus plus the huge file, in a folder the runs may write beside."""
    root = tmp_path_factory.mktemp("bad") / "bad-inputs"
    shutil.copytree(CORPUS, root)
    good = (root / "good.yaml").read_text(encoding="utf-8")
    (root / HUGE).write_text(good + "notes: " + "x" * 5_100_000 + "\n", encoding="utf-8")
    return root


def _one_line(output: str, path: Path, expected: tuple[int, str, str]) -> None:
    line, field, words = expected
    lines = [o for o in output.splitlines() if o.startswith(f"{path}:") or f" {path}:" in o]
    assert len(lines) == 1, lines
    assert f"{path}:{line}: {field}: " in lines[0] and words in lines[0], lines[0]


def test_corpus_has_thirty_kinds_of_bad_input_and_each_is_expected(corpus):
    claim_files = {p.name for p in corpus.iterdir() if p.suffix in (".yaml", ".csv")}
    assert claim_files - {"good.yaml"} == set(EXPECTED)
    assert {p.name for p in (corpus / "config").iterdir()} - {"empty.toml"} == set(CONFIGS)
    assert len(EXPECTED) + len(CONFIGS) >= 30


def test_check_over_the_corpus_prints_one_line_per_bad_file(corpus):
    result = run_cli("check", str(corpus), cwd=corpus.parent)
    assert result.returncode == 2 and "Traceback" not in result.stderr + result.stdout
    for name, expected in EXPECTED.items():
        _one_line(result.stdout, corpus / name, expected)
    assert "good.yaml" not in result.stdout
    assert len(result.stdout.splitlines()) == len(EXPECTED)


def test_run_over_the_corpus_still_audits_the_valid_document(corpus, tmp_path):
    result = run_cli("run", str(corpus), "--source", "library", "--library", str(LIBRARY),
                     "-o", str(tmp_path / "reports"), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    for name, expected in EXPECTED.items():
        _one_line(result.stderr, corpus / name, expected)
    report = latest_report(tmp_path)
    assert [d["id"] for d in report["documents"]] == ["good"]
    assert {c["status"] for c in claims_by_id(report).values()} == {"checked"}


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_file_alone_is_one_line_and_exit_2(corpus, capsys, name):
    code, out, err = _cli(capsys, "check", str(corpus / name))
    assert code == 2 and "Traceback" not in out + err
    _one_line(out, corpus / name, EXPECTED[name])


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_malformed_config_is_one_line_and_exit_2(corpus, tmp_path, capsys, name):
    path = corpus / "config" / name
    code, out, err = _cli(capsys, "run", str(corpus / "good.yaml"), "--config", str(path),
                          "-o", str(tmp_path / "reports"))
    assert code == 2 and out == "" and "Traceback" not in err
    _one_line(err, path, CONFIGS[name])
    assert not (tmp_path / "reports").exists()


def test_empty_config_changes_nothing(corpus, capsys):
    code, out, _ = _cli(capsys, "show-config", "--config", str(corpus / "config" / "empty.toml"))
    assert code == 0 and '"retmax": 100' in out


@pytest.mark.parametrize("out", ["a-file/reports", "a-file"])
def test_unwritable_output_folder_is_bad_input_before_any_audit(corpus, tmp_path, capsys, out):
    (tmp_path / "a-file").write_text("not a folder\n")
    code, _, err = _cli(capsys, "run", str(corpus / "good.yaml"), "--source", "library",
                        "--library", str(LIBRARY), "-o", str(tmp_path / out))
    assert code == 2 and "Traceback" not in err
    [line] = err.splitlines()
    assert f"{tmp_path / out}:0: out: cannot write reports there" in line


@pytest.mark.parametrize("args", [["check"], ["run", "--source", "library"]])
def test_missing_claim_path_is_one_line(tmp_path, capsys, args, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = _cli(capsys, *args, "no-such-claims.yaml")
    assert code == 2 and "Traceback" not in out + err
    [line] = err.splitlines()
    assert "no-such-claims.yaml:0: path: no such file or directory" in line
