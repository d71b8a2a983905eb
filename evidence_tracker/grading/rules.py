"""Rules as data: every grading decision is a named entry with a description and examples.

A `Rule` wraps a matcher over one kind of input (a text, a record, an evidence situation) and
ships examples that must trigger it (`fires`) and must not (`quiet`); `tests/test_grading_rules.py`
walks every table and fails when a rule has no examples or an example misbehaves (the proselint
habit). Tables are ordered: where a decision takes the first rule that fires, order matters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from evidence_tracker.grading.text import fold

# Words that negate a cue when they occur shortly before it ("not significantly superior").
_NEGATOR = re.compile(
    r"\b(no|not|non|neither|nor|without|never|failed to|fail to|did not|lack of|absence of)\b"
    r"(?:\W+\w+){0,4}\W*$"
)


@dataclass(frozen=True)
class Rule:
    """One named rule: `match` returns the triggering text ("" when it does not fire).

    `value` is what the rule decides (a design, a polarity, a strength, a verdict); `level` is the
    CEBM level a design rule assigns.
    """

    id: str
    description: str
    match: Callable[[Any], str]
    fires: tuple = ()
    quiet: tuple = ()
    value: str = ""
    level: int | None = None

    def __call__(self, subject: Any) -> str:
        return self.match(subject)


def cue(rule_id: str, description: str, pattern: str, *, value: str = "", negatable: bool = False,
        fires: Iterable[str] = (), quiet: Iterable[str] = ()) -> Rule:
    """A text rule: `pattern` (regex) on folded text; `negatable` skips negated hits."""
    regex = re.compile(pattern, re.I)

    def match(text: str) -> str:
        folded = fold(text)
        for hit in regex.finditer(folded):
            if negatable and _NEGATOR.search(folded[: hit.start()]):
                continue
            return hit.group()
        return ""

    return Rule(rule_id, description, match, tuple(fires), tuple(quiet), value)


def predicate(rule_id: str, description: str, test: Callable[[Any], bool], *, value: str = "",
              level: int | None = None, fires: Iterable = (), quiet: Iterable = ()) -> Rule:
    """A rule from a yes/no `test`; it reports its own id as the triggering text."""
    return Rule(rule_id, description, lambda s: rule_id if test(s) else "", tuple(fires),
                tuple(quiet), value, level)


def first(rules: Iterable[Rule], subject: Any) -> tuple[Rule, str] | None:
    """The first rule in `rules` that fires on `subject`, with what it matched."""
    for rule in rules:
        found = rule(subject)
        if found:
            return rule, found
    return None


def fired(rules: Iterable[Rule], subject: Any) -> tuple[tuple[Rule, str], ...]:
    """Every rule in `rules` that fires on `subject`, with what it matched, in table order."""
    return tuple((rule, found) for rule in rules if (found := rule(subject)))


def misbehaving(rules: Iterable[Rule]) -> list[str]:
    """Problems with the examples of `rules` (empty list when every rule behaves)."""
    problems = []
    for rule in rules:
        if not rule.fires or not rule.quiet:
            problems.append(f"{rule.id}: needs examples that fire and examples that stay quiet")
        problems += [f"{rule.id}: should fire on {ex!r}" for ex in rule.fires if not rule(ex)]
        problems += [f"{rule.id}: should stay quiet on {ex!r}" for ex in rule.quiet if rule(ex)]
    return problems
