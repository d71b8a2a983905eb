"""`evidence-tracker lint`: text, JSON and SARIF output, --fail-on exit codes, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence_tracker.cli import main

PAGE = ("# Dry needling\n\nDry needling is scientifically backed.\n\n"
        "Our revolutionary clinic.\n\nIt may help some people.\n")


def lint(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(["lint", *args])
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


@pytest.fixture
def page(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "page.md"
    path.write_text(PAGE, encoding="utf-8")
    return path


def test_text_output_is_path_line_col_severity_rule_message(capsys, page):
    code, out, err = lint(capsys, "page.md")
    assert code == 1  # an error-level finding reaches the default --fail-on error
    lines = out.splitlines()
    assert lines[0].startswith("page.md:3:1: error evidence_appeal.backed \"Backed by science\"")
    assert lines[1].startswith("page.md:5:1: info hype.adjective Hype words")
    assert len(lines) == 2 and "2 findings (1 error, 0 warning, 1 info) in 1 files" in err


@pytest.mark.parametrize("fail_on, code", [("error", 1), ("warning", 1), ("info", 1),
                                           ("never", 0)])
def test_fail_on_threshold(capsys, page, fail_on, code):
    assert lint(capsys, "page.md", "--fail-on", fail_on)[0] == code


def test_only_info_findings_pass_the_default_threshold(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("hype.txt").write_text("Our revolutionary clinic.\n")
    assert lint(capsys, "hype.txt")[0] == 0
    assert lint(capsys, "hype.txt", "--fail-on", "info")[0] == 1


def test_json_output_has_offsets_into_the_file(capsys, page):
    code, out, _ = lint(capsys, "page.md", "--format", "json")
    findings = json.loads(out)
    assert [f["rule"] for f in findings] == ["evidence_appeal.backed", "hype.adjective"]
    first = findings[0]
    assert PAGE[first["start"]:first["end"]] == "Dry needling is scientifically backed."
    assert (first["file"], first["line"], first["column"], first["category"]) == (
        "page.md", 3, 1, "evidence_appeal")
    assert first["suggestion"] and first["text"] == "Dry needling is scientifically backed."


def test_sarif_output_is_sarif_2_1_0_with_rules_and_regions(capsys, page):
    _, out, _ = lint(capsys, "page.md", "--format", "sarif")
    log = json.loads(out)
    assert log["version"] == "2.1.0" and "sarif-2.1.0" in log["$schema"]
    run = log["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rules == ["evidence_appeal.backed", "hype.adjective"]
    result = run["results"][0]
    assert result["level"] == "error" and rules[result["ruleIndex"]] == result["ruleId"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (3, 1, 39)
    assert run["results"][1]["level"] == "note"


def test_accepted_findings_are_shown_as_accepted_and_do_not_fail(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("p.html").write_text("<!-- evidence-tracker: ignore evidence_appeal -- cited below -->"
                              "<p>Dry needling is scientifically backed.</p>")
    code, out, err = lint(capsys, "p.html")
    assert code == 0 and out.endswith("(accepted: cited below)\n") and "1 accepted" in err
    _, sarif, _ = lint(capsys, "p.html", "--format", "sarif")
    suppression = json.loads(sarif)["runs"][0]["results"][0]["suppressions"][0]
    assert suppression == {"kind": "external", "justification": "cited below"}


def test_directories_are_searched_for_text_markdown_and_html(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("site/sub").mkdir(parents=True)
    Path("site/a.txt").write_text("Scientifically backed.\n")
    Path("site/sub/b.html").write_text("<p>Clinically proven.</p>")
    Path("site/c.png").write_bytes(b"\x89PNG\x00")
    code, out, err = lint(capsys, "site", "--format", "json")
    assert sorted(Path(f["file"]).name for f in json.loads(out)) == ["a.txt", "b.html"]


@pytest.mark.parametrize("content, message", [
    (b"\x89PNG\x00\x00", "bad.txt:0: file: is binary"),
    (b"ok\n\xff\xfe broken", "bad.txt:2: file: is not UTF-8 text"),
])
def test_binary_or_undecodable_file_exits_2_with_one_line(capsys, tmp_path, monkeypatch,
                                                          content, message):
    monkeypatch.chdir(tmp_path)
    Path("bad.txt").write_bytes(content)
    code, out, err = lint(capsys, "bad.txt")
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_a_web_page_saved_in_its_declared_charset_is_read_in_it(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    page = ('<html><head><meta charset="windows-1252"></head><body><p>It\x92s '
            'clinically proven \x96 book now!</p></body></html>')
    Path("old.html").write_bytes(page.encode("latin-1"))
    code, out, err = lint(capsys, "old.html", "--format", "json")
    found = json.loads(out)
    assert code == 1 and "not UTF-8" not in err
    assert found[0]["rule"] == "evidence_appeal.proven" and "It\u2019s clinically proven" in found[0]["text"]


def test_missing_file_and_bad_rules_file_exit_2(capsys, page):
    code, _, err = lint(capsys, "nope.md")
    assert code == 2 and "nope.md:0: path: no such file" in err
    Path("rules.yaml").write_text("rules:\n  - id: x.y\n    category: nonsense\n")
    code, _, err = lint(capsys, "page.md", "--rules", "rules.yaml")
    assert code == 2 and "rules.yaml:3: rules[0].category: 'nonsense'" in err


def test_user_rules_whose_examples_misbehave_are_bad_input(capsys, page):
    Path("rules.yaml").write_text(
        "rules:\n  - id: mine.detox\n    category: vague_benefit\n    severity: error\n"
        "    message: m\n    suggestion: s\n    patterns: ['detox']\n"
        "    examples:\n      flag: ['a cleanse']\n      pass: ['water']\n")
    code, _, err = lint(capsys, "page.md", "--rules", "rules.yaml")
    assert code == 2 and "example should flag but does not: 'a cleanse'" in err


def test_several_processes_give_the_same_findings_in_the_same_order(capsys, tmp_path,
                                                                    monkeypatch):
    monkeypatch.chdir(tmp_path)
    dev = Path(__file__).parent / "lint_dev"
    for source in sorted(dev.glob("r64-*")):
        (tmp_path / source.name).write_bytes(source.read_bytes())
    one = lint(capsys, ".", "--format", "json", "--jobs", "1")
    two = lint(capsys, ".", "--format", "json", "--jobs", "2")
    assert one == two and len(json.loads(one[1])) > 50


def test_a_bad_file_linted_in_a_worker_process_is_one_line_and_exit_2(capsys, tmp_path,
                                                                     monkeypatch):
    monkeypatch.chdir(tmp_path)
    for k in range(4):
        Path(f"p{k}.md").write_text(PAGE)
    Path("p2.md").write_bytes(b"ok\n\xff\xfe broken")
    code, out, err = lint(capsys, ".", "--jobs", "2")
    assert code == 2 and "p2.md:2: file: is not UTF-8 text" in err
    assert len(err.strip().splitlines()) == 1
