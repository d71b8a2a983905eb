"""Findings of the language rules, reviewer acceptance, and the highlight runs the report prints."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from typing import Sequence

from evidence_tracker.claims import AcceptedFlag

SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}


@dataclass(frozen=True)
class Finding:
    """One flagged span: `start`/`end` are offsets into the original file text, `line`/`column`
    (1-based) where it starts; `accepted` with `accept_reason` when a reviewer accepted it."""

    file: str
    start: int
    end: int
    line: int
    column: int
    rule: str
    category: str
    severity: str
    message: str
    suggestion: str
    text: str
    end_line: int = 0
    end_column: int = 0
    accepted: bool = False
    accept_reason: str = ""

    def to_dict(self) -> dict:
        """The finding as plain JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True)
class Segment:
    """A run of the original text; `finding` is the flag shown on it, or None for plain text."""

    text: str
    finding: Finding | None = None


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def accepts(flag: AcceptedFlag, finding: Finding) -> bool:
    """Whether the reviewer's `flag` covers `finding`: same rule (or category) and quote."""
    if flag.rule not in (finding.rule, finding.category):
        return False
    quote, text = _squash(flag.quote), _squash(finding.text)
    return not quote or quote in text or text in quote


def apply_accepted(findings: Sequence[Finding], accepted: Sequence[AcceptedFlag]) -> list[Finding]:
    """`findings` with those covered by an entry of `accepted` marked accepted, with its reason."""
    result = []
    for finding in findings:
        flag = next((a for a in accepted if accepts(a, finding)), None)
        result.append(replace(finding, accepted=True, accept_reason=flag.reason)
                      if flag and not finding.accepted else finding)
    return result


def highlight_segments(text: str, findings: Sequence[Finding]) -> list[Segment]:
    """Non-overlapping runs covering all of `text`, in order, each plain or under one finding.

    Where findings overlap, the open (not accepted) and most severe one is shown.
    """
    cuts = sorted({0, len(text), *(min(max(f.start, 0), len(text)) for f in findings),
                   *(min(max(f.end, 0), len(text)) for f in findings)})
    segments: list[Segment] = []
    for lo, hi in zip(cuts, cuts[1:]):
        covering = [f for f in findings if f.start <= lo and hi <= f.end]
        top = max(covering, key=_precedence, default=None)
        if segments and segments[-1].finding is top:
            segments[-1] = Segment(segments[-1].text + text[lo:hi], top)
        else:
            segments.append(Segment(text[lo:hi], top))
    return segments or [Segment(text)]


def _precedence(finding: Finding) -> tuple:
    return (not finding.accepted, SEVERITY_RANK.get(finding.severity, 0), -finding.start)
