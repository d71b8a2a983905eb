"""Language rules as data: the shipped `rules.yaml` plus a user's own file, validated on load.

Each rule has a dotted id, a category, a severity, a message saying why it matters, a suggested
rewrite, a source, regular-expression `patterns` and examples that must and must not flag. A
user file may add rules, replace a shipped rule by reusing its id, or `disable` shipped ids.
Every problem is reported as `file:line: field: what is wrong` (`errors.BadInput`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from evidence_tracker.errors import BadInput
from evidence_tracker.language import detectors, prefilter
from evidence_tracker.language.prefilter import Prefilter

CATEGORIES = ("evidence_appeal", "certainty", "hype", "testimonial", "urgency_pressure",
              "unsupported_comparative", "mechanism_as_fact", "vague_benefit")
SEVERITIES = ("info", "warning", "error")
_FLAGS_RE = re.I | re.M
_ID = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")
_FIELDS = ("id", "category", "severity", "message", "suggestion", "source", "patterns",
           "hedgeable", "hedge_after", "negatable", "bullet_start", "lead_in", "fallback",
           "detector", "model", "examples")
_FLAGS = {"hedgeable": True, "hedge_after": True, "negatable": True, "bullet_start": False,
          "fallback": False, "model": False}
_NEVER = r"\x00"  # a model rule has no pattern; this one never occurs in visible text


@dataclass(frozen=True)
class Rule:
    """One rule. `hedgeable`: a hedge or citation in its clause silences it (`hedge_after`:
    also a hedge after the match); `negatable`: a negation just before silences it;
    `bullet_start`: only at the start of a bullet or line; `lead_in`: only in a bullet list
    whose introducing line matches it; `fallback`: only reported when no other rule fired in
    the sentence; `detector`: a function of `detectors` that must accept each match of
    `pattern` (then the detector's gate words); `model`: no pattern, the rule reports
    sentences no other rule flagged that the sentence model (`sentence_model`) puts in its
    category."""

    id: str
    category: str
    severity: str
    message: str
    suggestion: str
    source: str
    pattern: re.Pattern
    hedgeable: bool = True
    hedge_after: bool = True
    negatable: bool = True
    bullet_start: bool = False
    fallback: bool = False
    model: bool = False
    lead_in: re.Pattern | None = None
    detector: str | None = None
    flag_examples: tuple[str, ...] = ()
    pass_examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleSet:
    """Rules in priority order and the prefilter that says which may match where."""

    rules: tuple[Rule, ...]
    prefilter: Prefilter

    def by_id(self, rule_id: str) -> Rule | None:
        """The rule called `rule_id`, or None."""
        return next((r for r in self.rules if r.id == rule_id), None)


def rule_ids(rules: RuleSet) -> frozenset[str]:
    """Every rule id in `rules` (to validate `accepted_flags` and inline suppressions)."""
    return frozenset(r.id for r in rules.rules)


def compile_pattern(patterns: list[str]) -> re.Pattern:
    """One case-insensitive, multi-line pattern matching any of `patterns` as whole words."""
    return re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?!\w)",
                      _FLAGS_RE)


def load_rules(extra: Path | None = None) -> RuleSet:
    """The shipped rules, extended, replaced or disabled by the user's YAML file `extra`."""
    shipped = resources.files(__package__).joinpath("rules.yaml")
    rules, _, macros = _read(shipped.read_text("utf-8"), "rules.yaml (shipped)", {})
    if extra is not None:
        try:
            text = Path(extra).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"{extra}: cannot read rules file: {exc}") from exc
        own, disabled, _ = _read(text, str(extra), macros)
        replaced = {r.id for r in own} | disabled
        rules = [r for r in rules if r.id not in replaced] + own
    return rule_set(rules)


def rule_set(rules: list[Rule]) -> RuleSet:
    """A `RuleSet` of `rules`, in this order."""
    return RuleSet(tuple(rules), prefilter.build([r.pattern.pattern for r in rules], _FLAGS_RE))


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping in `__line__`."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        mapping["__keys__"] = {k.value: k.start_mark.line + 1 for k, _ in node.value
                               if isinstance(k, yaml.ScalarNode)}
        return mapping


def _read(text: str, name: str, macros: dict[str, str]) -> tuple[list[Rule], set[str], dict]:
    """Rules, disabled ids and macros (`{NAME}` in patterns) of the rules file `text`."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark else name
        raise BadInput(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("rules", []), list):
        raise BadInput(f"{name}:1: rules: expected a mapping with a `rules:` list")
    macros = {**macros, **{k: str(v).strip() for k, v in (data.get("macros") or {}).items()
                           if not k.startswith("__")}}
    rules = [_rule(raw, name, i, macros) for i, raw in enumerate(data.get("rules") or [])]
    seen: set[str] = set()
    for rule, raw in zip(rules, data.get("rules") or []):
        if rule.id in seen:
            raise BadInput(f"{name}:{raw['__line__']}: id: '{rule.id}' is defined twice")
        seen.add(rule.id)
    return rules, set(data.get("disable") or []), macros


def _rule(raw: object, name: str, index: int, macros: dict[str, str]) -> Rule:
    if not isinstance(raw, dict):
        raise BadInput(f"{name}: rules[{index}]: expected a mapping with id, category, ...")

    def bad(field: str, what: str) -> BadInput:
        line = raw["__keys__"].get(re.split(r"[.\[]", field)[0], raw["__line__"])
        return BadInput(f"{name}:{line}: rules[{index}].{field}: {what}")

    unknown = sorted(set(raw) - set(_FIELDS) - {"__line__", "__keys__"})
    if unknown:
        raise bad(unknown[0], f"unknown field; expected one of {', '.join(_FIELDS)}")
    rule_id = _text(raw, "id", bad)
    if not _ID.fullmatch(rule_id):
        raise bad("id", f"'{rule_id}' is not a dotted id such as hype.superlative")
    category = _text(raw, "category", bad)
    if category not in CATEGORIES:
        raise bad("category", f"'{category}'; expected one of {', '.join(CATEGORIES)}")
    severity = _text(raw, "severity", bad)
    if severity not in SEVERITIES:
        raise bad("severity", f"'{severity}'; expected one of {', '.join(SEVERITIES)}")
    examples = raw.get("examples") or {}
    if not isinstance(examples, dict):
        raise bad("examples", "expected a mapping with `flag:` and `pass:` lists")
    detector = _detector(raw, bad)
    gate = detectors.gate(detector) if detector else []
    patterns = raw.get("patterns")
    if _flag(raw, "model", bad):
        if patterns or detector:
            raise bad("patterns" if patterns else "detector", "a model rule has no patterns or detector")
        patterns = [_NEVER]
    return Rule(rule_id, category, severity, _text(raw, "message", bad),
                _text(raw, "suggestion", bad), str(raw.get("source") or ""),
                _patterns([*gate, *(patterns or [])] if detector else patterns, macros, bad),
                lead_in=_lead_in(raw, macros, bad), detector=detector,
                flag_examples=_strings(examples.get("flag"), "examples.flag", bad),
                pass_examples=_strings(examples.get("pass"), "examples.pass", bad),
                **{key: _flag(raw, key, bad) for key in _FLAGS})


def _text(raw: dict, field: str, bad) -> str:
    value = raw.get(field)
    if not isinstance(value, str) or not value.strip():
        raise bad(field, "missing; expected a non-empty string")
    return value.strip()


def _detector(raw: dict, bad) -> str | None:
    name = raw.get("detector")
    if name is not None and name not in detectors.DETECTORS:
        raise bad("detector", f"'{name}'; expected one of {', '.join(sorted(detectors.DETECTORS))}")
    return name


def _flag(raw: dict, field: str, bad) -> bool:
    value = raw.get(field, _FLAGS[field])
    if not isinstance(value, bool):
        raise bad(field, f"expected true or false, got {value!r}")
    return value


def _strings(value: object, field: str, bad) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad(field, "expected a list of strings")
    return tuple(value)


def _lead_in(raw: dict, macros: dict[str, str], bad) -> re.Pattern | None:
    if raw.get("lead_in") is None:
        return None
    return _patterns([raw["lead_in"]], macros, bad, "lead_in")


def _patterns(value: object, macros: dict[str, str], bad, field: str = "patterns") -> re.Pattern:
    patterns = [re.sub(r"\{([A-Z_]+)\}", lambda m: macros.get(m[1], m[0]), p)
                for p in _strings(value, field, bad)]
    if not patterns:
        raise bad(field, "missing; expected a list of regular expressions")
    for i, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise bad(f"{field}[{i}]", f"not a valid regular expression: {exc}") from exc
    return compile_pattern(list(patterns))
