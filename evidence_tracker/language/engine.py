"""Run the language rules over one document and report findings in the original file's offsets.

A prefilter (`prefilter`) finds where each rule may start; each rule is then tried only there,
and a match survives when its clause is not hedged, negated, cited or a question (see
`context`). A finding spans the sentence or bullet that carries the match, because that is the
unit a reader (and a careful educator labelling the page) judges.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace
from functools import lru_cache
from typing import Sequence

from evidence_tracker.claims import AcceptedFlag
from evidence_tracker.errors import BadInput
from evidence_tracker.language import context, detectors, sentence_model
from evidence_tracker.language.findings import Finding, apply_accepted
from evidence_tracker.language.markup import extract
from evidence_tracker.language.rules import Rule, RuleSet, load_rules, rule_ids, rule_set
from evidence_tracker.language.source import SourceText, Suppression, guess_format

_CURLY = re.compile("[‘’‚‛′“”„‟″]")
# applied by `re.sub`, which is faster than `translate` when few quotes are curly
_STRAIGHT = dict(zip("‘’‚‛′“”„‟″", "'''''\"\"\"\"\""))
_LONG_SENTENCE = 240  # longer than this, a finding spans the clause instead
_LIST_ITEM = re.compile(r"(?:[-*•·▪–]|\d+[.)])\s")
_MODEL_AFTER = 2  # rule findings a page needs before the sentence model may add its own


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    """The shipped rules, loaded once."""
    return load_rules()


def lint_text(text: str, *, path: str = "", fmt: str | None = None, rules: RuleSet | None = None,
              accepted: Sequence[AcceptedFlag] = (),
              model: sentence_model.SentenceModel | None = None) -> list[Finding]:
    """Findings of `rules` (default: shipped) in `text` read as `fmt` (default: from `path`),
    the model rules scored by `model` (default: shipped).

    Findings covered by an inline ignore comment or by `accepted` stay, marked accepted.
    """
    rules = rules or default_rules()
    src = extract(text, fmt or guess_format(path, text))
    _check_suppressions(src, rules, path)
    findings = [_suppressed(_finding(src, path, rule, span), src.suppressions, span[0])
                for rule, span in scan(src, rules, model)]
    return sorted(apply_accepted(findings, accepted), key=lambda f: (f.start, f.rule))


def visible(src: SourceText) -> tuple[str, list[tuple[int, int]]]:
    """The visible text of `src` as the rules read it (straight quotes) and its sentences."""
    text = _CURLY.sub(lambda m: _STRAIGHT[m.group()], src.text)
    return text, context.units(text)


def scan(src: SourceText, rules: RuleSet, model: sentence_model.SentenceModel | None = None,
         page_gate: bool = True) -> list[tuple[Rule, tuple[int, int]]]:
    """(rule, visible span) of every surviving match in `src`, one per sentence and category,
    then the model rules' findings in the sentences no rule flagged (`page_gate` false: even
    on a page where no rule fired, as for a model rule's own examples)."""
    text, units = visible(src)
    result, seen, flagged = [], set(), set()
    for index, starts in sorted(_candidates(text, units, rules).items()):
        for rule, span in _unit_findings(text, units[index], starts, rules):
            flagged.add(index)
            if (span, rule.category) not in seen:  # a quotation spans several sentences
                seen.add((span, rule.category))
                result.append((rule, span))
    enough = len(flagged) >= min(_MODEL_AFTER, len(units)) or not page_gate
    model_found = _model_findings(text, units, flagged, rules, model) if enough else []
    return _heading_with_body(text, _one_per_testimonial(text, result + model_found))


def _heading_with_body(text: str, found: list) -> list:
    """`found` with a heading's finding merged into the first finding of the same category in
    the paragraph under it ("Flushes out toxins" over "The suction draws toxins out..."): one
    claim, stated twice, is one finding."""
    found = sorted(found, key=lambda f: f[1])
    merged: list = []
    for rule, span in found:
        head = next((i for i in range(len(merged) - 1, -1, -1)
                     if merged[i][0].category == rule.category), None)
        if head is not None and _is_heading(text, merged[head][1]) and _under(text, merged[head][1], span):
            merged[head] = (merged[head][0], (merged[head][1][0], max(merged[head][1][1], span[1])))
        else:
            merged.append((rule, span))
    return merged


def _is_heading(text: str, span: tuple[int, int]) -> bool:
    """A short line of its own without a full stop: a heading or a bold lead."""
    line_end = text.find("\n", span[1])
    line_start = text.rfind("\n", 0, span[0]) + 1
    line = text[line_start:len(text) if line_end < 0 else line_end].strip()
    if not 0 < len(line.split()) <= 10 or line.endswith((".", "!", "?", ",", ";")):
        return False
    # bullets of one list are separate claims; a numbered line over a paragraph of its own
    # ("3. Breaks down scar tissue", then prose) is a heading
    return not _LIST_ITEM.match(line) or _over_paragraph(
        text, len(text) if line_end < 0 else line_end)


def _over_paragraph(text: str, line_end: int) -> bool:
    """Whether a blank line and then a line that is no list item follow `line_end`."""
    rest = text[line_end:line_end + 400]
    body = rest.lstrip()
    blank_line = rest[:len(rest) - len(body)].count("\n") >= 2
    return blank_line and bool(body) and not _LIST_ITEM.match(body)


def _under(text: str, heading: tuple[int, int], span: tuple[int, int]) -> bool:
    """Whether `span` starts in the paragraph right under the `heading` line."""
    between = text[heading[1]:span[0]]
    return span[0] >= heading[1] and len(between) <= 300 and between.count("\n\n") <= 1 and (
        "\n" in between)


def _one_per_testimonial(text: str, found: list) -> list:
    """`found` with the testimonial findings of one paragraph merged into one that spans them:
    a review is one testimony, whichever of its sentences gave it away."""
    merged: list = []
    for rule, span in sorted(found, key=lambda f: (f[0].category != "testimonial", f[1])):
        last = merged[-1] if merged else None
        if (rule.category == "testimonial" and last and last[0].category == "testimonial"
                and "\n\n" not in text[last[1][1]:span[0]] and span[0] >= last[1][0]):
            merged[-1] = (last[0], (last[1][0], max(last[1][1], span[1])))
        else:
            merged.append((rule, span))
    return merged


def _model_findings(text: str, units: list[tuple[int, int]], flagged: set[int], rules: RuleSet,
                    model: sentence_model.SentenceModel | None) -> list:
    """(model rule, unit) for each unflagged sentence the model puts in a category whose model
    rule is enabled, but never a hedged, cited or questioning sentence or a refuted myth
    (`context.survives`). `scan` asks only on pages where the rules already flagged
    `_MODEL_AFTER` sentences, so a careful page gets no model findings."""
    by_category = {r.category: r for r in rules.rules if r.model}
    if not by_category:
        return []
    rest = [k for k in range(len(units)) if k not in flagged]
    result = []
    for k, (category, _) in sorted(sentence_model.classify(text, units, model, rest).items()):
        rule, (lo, hi) = by_category.get(category), units[k]
        if rule and not context.hedged(text[lo:hi]) and context.survives(text, units[k], lo, hi, rule):
            result.append((rule, units[k]))
    return result


def _candidates(text: str, units: list[tuple[int, int]],
                rules: RuleSet) -> dict[int, dict[int, list[int]]]:
    """Unit index -> rule index -> offsets where the rule may match (see `prefilter`)."""
    starts = [u[0] for u in units]
    wanted: dict[int, dict[int, list[int]]] = {}
    for k, unit in enumerate(units) if rules.prefilter.everywhere else ():
        wanted[k] = {i: list(range(*unit)) for i in rules.prefilter.everywhere}
    for position, found in rules.prefilter.candidates(text).items():
        k = bisect.bisect_right(starts, position) - 1
        if k >= 0 and position < units[k][1]:
            by_rule = wanted.get(k)
            if by_rule is None:
                by_rule = wanted[k] = {}
            for i in found:  # the hot loop of a lint run: no setdefault chains
                positions = by_rule.get(i)
                if positions is None:
                    by_rule[i] = [position]
                else:
                    positions.append(position)
    return wanted


def _unit_findings(text: str, unit: tuple[int, int], starts: dict[int, list[int]],
                   rules: RuleSet) -> list:
    """The surviving (rule, span) of one unit: rules in priority order, first match of each."""
    hits, found, primary = [], set(), False
    whole = unit[1] - unit[0] <= _LONG_SENTENCE  # every finding spans the unit (see `_span`)
    end, all_rules = unit[1], rules.rules
    for index in sorted(starts):
        rule = all_rules[index]
        if rule.model or (rule.fallback and primary) or (
                whole and rule.category in found and rule.category != "testimonial"):
            continue  # it would be dropped below or in `scan`: skip the work
        match, detector = rule.pattern.match, rule.detector
        for position in starts[index]:
            m = match(text, position, end)
            if m and (detector is None or detectors.DETECTORS[detector](text, unit, m)) \
                    and context.survives(text, unit, m.start(), m.end(), rule):
                hits.append((rule, _span(text, unit, m, rule)))
                found.add(rule.category)
                primary = primary or not rule.fallback
                break
    return [(r, s) for r, s in hits if not r.fallback] if primary else hits


def _span(text: str, unit: tuple[int, int], m: re.Match, rule: Rule) -> tuple[int, int]:
    if rule.category == "testimonial":
        quoted = context.quotation(text, m.start())
        if quoted:
            return quoted
    if unit[1] - unit[0] <= _LONG_SENTENCE:
        return unit
    lo, hi = context.clause(text, unit, m.start(), m.end())
    return (min(lo, m.start()), max(hi, m.end()))


def _finding(src: SourceText, path: str, rule: Rule, span: tuple[int, int]) -> Finding:
    start, end = src.original_span(*span)
    line, column = src.line_col(start)
    end_line, end_column = src.line_col(max(end - 1, start))
    return Finding(path, start, end, line, column, rule.id, rule.category, rule.severity,
                   rule.message, rule.suggestion, " ".join(src.text[span[0]:span[1]].split()),
                   end_line, end_column)


def _suppressed(finding: Finding, suppressions: Sequence[Suppression], at: int) -> Finding:
    """`finding` (visible start `at`) marked accepted when an ignore comment covers it."""
    for s in suppressions:
        if s.start <= at < s.end and {finding.rule, finding.category, "all"} & set(s.rules):
            return replace(finding, accepted=True, accept_reason=s.reason)
    return finding


def _check_suppressions(src: SourceText, rules: RuleSet, path: str) -> None:
    known = rule_ids(rules) | {r.category for r in rules.rules} | {"all"}
    for s in src.suppressions:
        where = f"{path or '<text>'}:{s.line}: evidence-tracker ignore comment"
        unknown = [r for r in s.rules if r not in known]
        if unknown:
            raise BadInput(f"{where}: unknown rule '{unknown[0]}'; expected a rule id, "
                           "a category or 'all'")
        if not s.reason:
            raise BadInput(f"{where}: reason missing; write "
                           "<!-- evidence-tracker: ignore RULE -- why it is acceptable -->")


def check_examples(rules: RuleSet, only: Sequence[str] | None = None) -> list[str]:
    """Problems with the examples of `rules` (or of the ids in `only`): each should flag or pass."""
    problems = []
    for rule in rules.rules:
        if only is not None and rule.id not in only:
            continue
        single = rule_set([rule])
        for example in rule.flag_examples:
            if not scan(extract(example, "text"), single, page_gate=False):
                problems.append(f"{rule.id}: example should flag but does not: {example!r}")
        for example in rule.pass_examples:
            if scan(extract(example, "text"), single, page_gate=False):
                problems.append(f"{rule.id}: example should pass but flags: {example!r}")
    return problems


__all__ = ["check_examples", "default_rules", "lint_text", "scan", "visible"]
