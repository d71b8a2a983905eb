"""Every grading rule is data with examples that must and must not trigger it."""

from __future__ import annotations

import pytest

from evidence_tracker.grading import ALL_RULE_TABLES
from evidence_tracker.grading.rules import Rule, cue, misbehaving

TABLES = ALL_RULE_TABLES


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_rule_has_examples_that_behave(name):
    assert misbehaving(TABLES[name]) == []


def test_rule_ids_are_unique_and_dotted():
    ids = [rule.id for table in TABLES.values() for rule in table]
    assert len(ids) == len(set(ids))
    assert all("." in rule_id for rule_id in ids)


def test_a_rule_without_examples_is_reported():
    bare = cue("direction.bare", "no examples", r"\bbare\b")
    assert misbehaving([bare]) == [
        "direction.bare: needs examples that fire and examples that stay quiet"]


def test_a_misbehaving_example_is_reported():
    wrong = cue("direction.wrong", "wrong examples", r"\bgood\b", fires=("bad",), quiet=("good",))
    problems = misbehaving([wrong])
    assert "direction.wrong: should fire on 'bad'" in problems
    assert "direction.wrong: should stay quiet on 'good'" in problems


def test_negated_cues_do_not_fire():
    effective = next(r for r in TABLES["direction"] if r.id == "direction.effective")
    assert isinstance(effective, Rule)
    assert effective("dry needling was effective") == "effective"
    assert effective("dry needling was not found to be effective") == ""


def test_cues_match_through_markup():
    benefit = next(r for r in TABLES["direction"] if r.id == "direction.significant_benefit")
    assert benefit("<i>Dry needling</i> significantly <b>reduced</b> pain")


def test_grading_core_imports_no_edges():
    import ast
    from pathlib import Path

    import evidence_tracker.grading as grading

    forbidden = {"requests", "sqlite3", "jinja2", "pandas", "datetime", "time", "os", "urllib"}
    for path in Path(grading.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
                 for a in n.names}
        names |= {n.module.split(".")[0] for n in ast.walk(tree)
                  if isinstance(n, ast.ImportFrom) and n.module}
        assert not names & forbidden, path.name
