"""Language rules as data: every shipped rule is complete and its examples behave as stated."""

import pytest

from evidence_tracker.errors import BadInput
from evidence_tracker.language import (CATEGORIES, check_examples, lint_text, load_rules,
                                       rule_ids)

RULES = load_rules()


def test_every_rule_is_complete_and_every_category_is_covered():
    assert {r.category for r in RULES.rules} == set(CATEGORIES)
    for rule in RULES.rules:
        assert rule.message and rule.suggestion and rule.source, rule.id
        assert rule.flag_examples and rule.pass_examples, f"{rule.id} lacks examples"
        assert rule.id.split(".")[0] in rule.category, rule.id  # the id names its category


def test_every_shipped_rule_has_literal_prefixes_for_the_prefilter():
    """A rule the prefilter cannot anchor runs at every position of every sentence (slow)."""
    assert [RULES.rules[i].id for i in RULES.prefilter.everywhere] == []


@pytest.mark.parametrize("rule", RULES.rules, ids=lambda r: r.id)
def test_rule_examples_flag_and_pass_as_stated(rule):
    assert check_examples(RULES, only=[rule.id]) == []


def test_check_examples_reports_an_example_that_misbehaves(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text(_rule_yaml("mine.detox", "detox", flag="Try our juice.", good="Plain water."))
    problems = check_examples(load_rules(extra), only=["mine.detox"])
    assert problems == ["mine.detox: example should flag but does not: 'Try our juice.'"]


def _rule_yaml(rule_id, pattern, *, flag="A detox tea.", good="Drink water.", category="hype",
               severity="warning", extra=""):
    return (f"rules:\n  - id: {rule_id}\n    category: {category}\n    severity: {severity}\n"
            f"    message: Why it matters.\n    suggestion: Say it plainly.\n    source: test\n"
            f"    patterns: ['{pattern}']\n{extra}"
            f"    examples:\n      flag: ['{flag}']\n      pass: ['{good}']\n")


def test_user_rules_add_replace_and_disable(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text(_rule_yaml("mine.detox", "detox")
                     + _rule_yaml("hype.superlative", "bestest").split("rules:\n", 1)[1]
                     + "disable: [hype.adjective]\n")
    rules = load_rules(extra)
    ids = rule_ids(rules)
    assert "mine.detox" in ids and "hype.adjective" not in ids
    assert rules.by_id("hype.superlative").pattern.search("the bestest cure")
    found = lint_text("A revolutionary detox. The most effective treatment.", rules=rules)
    assert [f.rule for f in found] == ["mine.detox"]


@pytest.mark.parametrize("body, expected", [
    ("rules: [1]\n", "rules[0]: expected a mapping"),
    ("rules:\n  - id: nodots\n", "mine.yaml:2: rules[0].id: 'nodots' is not a dotted id"),
    ("rules:\n  - id: a.b\n    category: puffery\n",
     "rules[0].category: 'puffery'; expected one of"),
    ("rules:\n  - id: a.b\n    colour: red\n", "mine.yaml:3: rules[0].colour: unknown field"),
    ("rules: [\n", "mine.yaml:2: not valid YAML"),
])
def test_bad_rules_file_is_one_line_naming_file_line_and_field(tmp_path, body, expected):
    extra = tmp_path / "mine.yaml"
    extra.write_text(body)
    with pytest.raises(BadInput, match=None) as caught:
        load_rules(extra)
    assert expected in str(caught.value) and "\n" not in str(caught.value)


def test_bad_pattern_and_bad_severity_are_named(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text(_rule_yaml("a.b", "(unclosed"))
    with pytest.raises(BadInput, match=r"mine.yaml:8: rules\[0\].patterns\[0\]: not a valid"):
        load_rules(extra)
    extra.write_text(_rule_yaml("a.b", "x", severity="fatal"))
    with pytest.raises(BadInput, match=r"rules\[0\].severity: 'fatal'; expected one of info"):
        load_rules(extra)


def test_unreadable_rules_file_is_bad_input(tmp_path):
    with pytest.raises(BadInput, match="cannot read rules file"):
        load_rules(tmp_path / "missing.yaml")


def test_user_rules_can_use_the_shipped_macros(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text(_rule_yaml("mine.fixes", "{TREATMENT} fixes everything",
                                flag="Cupping fixes everything.", good="Nothing fixes it."))
    rules = load_rules(extra)
    assert check_examples(rules, only=["mine.fixes"]) == []
