"""Claim files: the seed loads cleanly; every kind of problem is one line naming file, line, field."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from evidence_tracker.claimfile import find_claim_files, find_quote, load_claim_file
from evidence_tracker.errors import BadInput
from tests.conftest import REPO

SOURCE = "Dry needling cures everything.\nIt   restores\nmuscle length.\n"


def write(tmp_path: Path, body: str, name: str = "doc.yaml", source: str = SOURCE) -> Path:
    (tmp_path / "sources").mkdir(exist_ok=True)
    (tmp_path / "sources" / "page.txt").write_text(source, encoding="utf-8")
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


GOOD = """\
id: page
title: A page
source: sources/page.txt
claims:
  - id: cures
    quote: cures everything
    kind: efficacy
    evidence:
      - {pmid: "12345", stance: supports, reviewer: me, date: 2026-01-02}
  - id: restores
    quote: "restores muscle length"
    kind: mechanism
    query: '"dry needling"[tiab] AND muscle[tiab]'
    override: {verdict: insufficient, reason: only one small trial}
"""


def test_seed_claim_file_loads_with_every_quote_located():
    [loaded] = load_claim_file(REPO / "claims" / "dry-needling-evidence-based-truth.yaml")
    assert loaded.problems == ()
    claims = {c.id: c for c in loaded.document.claims}
    assert len(claims) >= 14
    assert claims["normalizes-end-plate-activity"].line == 21
    assert claims["first-time-real-relief"].kind == "testimonial"
    assert all(c.query for c in claims.values())


def test_good_file_records_line_and_column_even_across_folded_whitespace(tmp_path):
    [loaded] = load_claim_file(write(tmp_path, GOOD))
    assert loaded.problems == ()
    cures, restores = loaded.document.claims
    assert (cures.line, cures.column) == (1, 14)
    assert (restores.line, restores.column) == (2, 6)
    assert cures.evidence[0].pmid == "12345" and cures.evidence[0].date == "2026-01-02"
    assert restores.override.verdict == "insufficient"


@pytest.mark.parametrize("body, expected", [
    (GOOD.replace("kind: efficacy", "kind: efficasy"),
     "doc.yaml:7: claims[0].kind: 'efficasy' is not allowed, expected one of efficacy"),
    (GOOD.replace("quote: cures everything", "quote: cures nothing"),
     "doc.yaml:6: claims[0].quote: 'cures nothing' does not occur in the source text"),
    (GOOD.replace("    kind: mechanism", "    kind: mechanism\n    outcom: x"),
     "doc.yaml:13: claims[1].outcom: unknown field (did you mean 'outcome'?)"),
    (GOOD.replace("id: restores", "id: cures"),
     "doc.yaml:10: claims[1].id: duplicate claim id 'cures' (first at line 5)"),
    (GOOD.replace('pmid: "12345"', 'pmid: "12a45"'),
     "doc.yaml:9: claims[0].evidence[0].pmid: '12a45' is not a PMID"),
    (GOOD.replace("stance: supports", "stance: agrees"),
     "doc.yaml:9: claims[0].evidence[0].stance: 'agrees' is not allowed"),
    (GOOD.replace(", reason: only one small trial", ""),
     "doc.yaml:14: claims[1].override.reason: is missing"),
    (GOOD.replace("source: sources/page.txt", "source: sources/missing.txt"),
     "doc.yaml:3: source: cannot read 'sources/missing.txt'"),
    (GOOD.replace("title: A page\n", ""), "doc.yaml:1: title: is missing"),
    (GOOD.replace("claims:\n", "claims: 3\n", 1).split("  - id: cures")[0],
     "doc.yaml:4: claims: is a number, expected a list"),
    (GOOD.replace("title: A page", "title: [A page"), "doc.yaml:"),
    ("", "doc.yaml:1: file: is empty"),
    ("- just\n- a list\n", "doc.yaml:1: file: top level must be a mapping"),
    (GOOD.replace("date: 2026-01-02", "date: 2026-13"), "claims[0].evidence[0].date: '2026-13'"),
    (GOOD.replace("query: '\"dry needling\"[tiab] AND muscle[tiab]'", "query: '(dry AND'"),
     "doc.yaml:13: claims[1].query:"),
])
def test_each_problem_is_one_line_naming_file_line_and_field(tmp_path, body, expected):
    [loaded] = load_claim_file(write(tmp_path, body))
    assert loaded.document is None
    lines = [str(p) for p in loaded.problems]
    assert any(expected in line for line in lines), lines
    assert all("\n" not in line and line.startswith(str(tmp_path)) for line in lines)


def test_every_problem_reported_in_one_pass(tmp_path):
    body = GOOD.replace("kind: efficacy", "kind: nope").replace("quote: \"restores muscle length\"", "quote: xx")
    [loaded] = load_claim_file(write(tmp_path, body))
    fields = {p.field for p in loaded.problems}
    assert {"claims[0].kind", "claims[1].quote"} <= fields


def test_changed_source_is_a_warning_not_an_error(tmp_path):
    body = GOOD.replace("source: sources/page.txt", "source: sources/page.txt\nsha256: " + "0" * 64)
    [loaded] = load_claim_file(write(tmp_path, body))
    assert loaded.document is not None
    [warning] = loaded.problems
    assert warning.severity == "warning" and "source text changed" in str(warning)
    digest = hashlib.sha256(SOURCE.encode()).hexdigest()
    [clean] = load_claim_file(write(tmp_path, body.replace("0" * 64, digest)))
    assert clean.problems == ()


@pytest.mark.parametrize("data, expected", [
    (b"\x00\x01binary", "file: is binary"),
    ("caf\u00e9".encode("latin-1"), "file: is not UTF-8 text"),
])
def test_binary_and_wrong_encoding_files(tmp_path, data, expected):
    path = tmp_path / "bad.yaml"
    path.write_bytes(data)
    [loaded] = load_claim_file(path)
    assert expected in str(loaded.problems[0])


def test_csv_claims_load_like_yaml(tmp_path):
    csv = ("document,title,source,id,quote,kind,evidence,override_verdict,override_reason\n"
           "page,A page,sources/page.txt,cures,cures everything,efficacy,12345:supports:ok;678:mixed,,\n"
           "page,,,restores,restores muscle length,mechanism,,untested,no trials\n")
    [loaded] = load_claim_file(write(tmp_path, csv, name="claims.csv"))
    assert loaded.problems == ()
    cures, restores = loaded.document.claims
    assert [(e.pmid, e.stance, e.note) for e in cures.evidence] == [("12345", "supports", "ok"),
                                                                    ("678", "mixed", "")]
    assert restores.override.reason == "no trials"


def test_csv_problems_name_the_row_line(tmp_path):
    csv = ("document,title,source,id,quote,kind\n"
           "page,A page,sources/page.txt,cures,cures everything,efficacy\n"
           "page,,,bad,not in text,magic\n")
    [loaded] = load_claim_file(write(tmp_path, csv, name="claims.csv"))
    lines = [str(p) for p in loaded.problems]
    assert any(":3: claims[1].kind: 'magic'" in line for line in lines), lines
    assert any(":3: claims[1].quote:" in line for line in lines), lines


def test_csv_unknown_column_and_garbage(tmp_path):
    [loaded] = load_claim_file(write(tmp_path, "document,colour\npage,red\n", name="c.csv"))
    assert "c.csv:1: colour: unknown column" in str(loaded.problems[0])
    [empty] = load_claim_file(write(tmp_path, "", name="e.csv"))
    assert "e.csv:1: csv: cannot be parsed as CSV" in str(empty.problems[0])


def test_missing_path_is_bad_input(tmp_path):
    with pytest.raises(BadInput, match="no such file"):
        find_claim_files([tmp_path / "nope"])


def test_find_quote_tolerates_whitespace_only():
    assert find_quote("a  b\nc", "a b c") == 0
    assert find_quote("a b c", "a b d") is None
