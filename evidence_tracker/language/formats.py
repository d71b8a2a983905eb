"""Output formats for `lint`: each a small class behind one interface, chosen by name."""

from __future__ import annotations

import json
from typing import Protocol, Sequence

from evidence_tracker import __version__
from evidence_tracker.language.findings import SEVERITY_RANK, Finding
from evidence_tracker.language.rules import RuleSet

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"info": "note", "warning": "warning", "error": "error"}


class Format(Protocol):
    """Renders findings (and the rules that made them) as one string for stdout."""

    def render(self, findings: Sequence[Finding], rules: RuleSet) -> str: ...


class TextFormat:
    """`path:line:col: severity rule message`, one finding a line; accepted ones say so."""

    def render(self, findings: Sequence[Finding], rules: RuleSet) -> str:
        lines = [f"{f.file}:{f.line}:{f.column}: {f.severity} {f.rule} {f.message}"
                 + (f" (accepted: {f.accept_reason})" if f.accepted else "") for f in findings]
        return "".join(line + "\n" for line in lines)


class JsonFormat:
    """A JSON list of findings with file, start, end, line, column, rule, category, ..."""

    def render(self, findings: Sequence[Finding], rules: RuleSet) -> str:
        return json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False) + "\n"


class SarifFormat:
    """SARIF 2.1.0 for code-review tools; accepted findings carry a suppression with the reason."""

    def render(self, findings: Sequence[Finding], rules: RuleSet) -> str:
        used = sorted({f.rule for f in findings})
        index = {rule_id: i for i, rule_id in enumerate(used)}
        log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [{
            "tool": {"driver": {
                "name": "evidence-tracker", "version": __version__,
                "rules": [_rule(rules, rule_id) for rule_id in used]}},
            "results": [_result(f, index[f.rule]) for f in findings]}]}
        return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule(rules: RuleSet, rule_id: str) -> dict:
    rule = rules.by_id(rule_id)
    if rule is None:  # a finding made with other rules; describe it by its id alone
        return {"id": rule_id}
    return {"id": rule.id, "name": rule.id.replace(".", "_"),
            "shortDescription": {"text": rule.message.split(";")[0].split(". ")[0]},
            "fullDescription": {"text": rule.message},
            "help": {"text": f"{rule.suggestion} Source: {rule.source}".strip()},
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
            "properties": {"category": rule.category, "tags": [rule.category]}}


def _result(f: Finding, rule_index: int) -> dict:
    result = {"ruleId": f.rule, "ruleIndex": rule_index, "level": _SARIF_LEVEL[f.severity],
              "message": {"text": f"{f.message} Suggestion: {f.suggestion}"},
              "locations": [{"physicalLocation": {
                  "artifactLocation": {"uri": f.file.replace("\\", "/")},
                  "region": {"startLine": f.line, "startColumn": f.column,
                             "endLine": f.end_line or f.line,
                             "endColumn": (f.end_column or f.column) + 1,
                             "charOffset": f.start, "charLength": f.end - f.start,
                             "snippet": {"text": f.text}}}}],
              "properties": {"category": f.category}}
    if f.accepted:
        result["suppressions"] = [{"kind": "external", "justification": f.accept_reason}]
    return result


FORMATS: dict[str, Format] = {"text": TextFormat(), "json": JsonFormat(), "sarif": SarifFormat()}


def reaches(finding: Finding, fail_on: str) -> bool:
    """Whether an open `finding` is at or above the `fail_on` severity ("never" never is)."""
    if finding.accepted or fail_on == "never":
        return False
    return SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[fail_on]


def summary(findings: Sequence[Finding], files: int) -> str:
    """One line for stderr: counts by severity and accepted, over `files` files."""
    open_ = [f for f in findings if not f.accepted]
    counts = ", ".join(f"{sum(f.severity == s for f in open_)} {s}"
                       for s in ("error", "warning", "info"))
    accepted = len(findings) - len(open_)
    return (f"{len(open_)} findings ({counts}"
            + (f"; {accepted} accepted" if accepted else "") + f") in {files} files")
