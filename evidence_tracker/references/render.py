"""`refs` output formats (pure): `text` for people, `json` in the `report.json` shape."""

from __future__ import annotations

import json
from collections import Counter
from typing import Callable, Sequence

from evidence_tracker.references.model import ReferenceResult

_LABEL = {"verified": "verified", "mismatch": "MISMATCH", "not_found": "NOT FOUND",
          "ambiguous": "AMBIGUOUS", "retracted": "RETRACTED",
          "expression_of_concern": "CONCERN", "unchecked": "unchecked"}


def render_json(results: Sequence[ReferenceResult], path: str) -> str:
    """A JSON list, one object per reference (`ReferenceResult.to_dict`)."""
    return json.dumps([r.to_dict() for r in results], indent=2, ensure_ascii=False)


def _head(result: ReferenceResult, path: str) -> str:
    number = f"[{result.number}] " if result.number else ""
    pmid = f"  PMID {result.pmid}" if result.pmid else ""
    raw = result.raw if len(result.raw) <= 100 else result.raw[:97] + "..."
    return f"{path}:{result.line}: {number}{_LABEL[result.status]}{pmid}  {raw}"


def _details(result: ReferenceResult) -> list[str]:
    lines = [f"    {m.field.replace('_', ' ')}: cited \"{m.cited}\", PubMed \"{m.pubmed}\""
             for m in result.mismatches]
    lines += [f"    candidate PMID {c.pmid}: {c.title} ({c.first_author}, {c.year})"
              for c in result.candidates]
    if result.message and not result.mismatches:
        lines.append(f"    {result.message}")
    if result.critique:
        lines.append(f"    critique: {result.critique}")
    for check in result.claims:
        direction = f" [cited paper's conclusion: {result.direction}]" \
            if result.direction not in ("", "unknown") else ""
        lines.append(f"    cited for (line {check.claim.line}): {check.claim.text}{direction}")
        if check.finding:
            lines.append(f"      ! {check.finding}")
    return lines


def render_text(results: Sequence[ReferenceResult], path: str) -> str:
    """One line per reference, then indented details: mismatched fields, claims, findings."""
    lines: list[str] = []
    for result in results:
        lines.append(_head(result, path or "<stdin>"))
        lines += _details(result)
    return "\n".join(lines)


def summary(results: Sequence[ReferenceResult]) -> str:
    """"8 references: 4 verified, 2 mismatch, ..." plus how many are off point."""
    counts = Counter(r.status for r in results)
    parts = [f"{counts[s]} {s}" for s in _LABEL if counts[s]]
    off_point = sum(1 for r in results if r.on_point is False)
    tail = f"; {off_point} not on point for the claim citing them" if off_point else ""
    return f"{len(results)} references: {', '.join(parts) or 'none found'}{tail}"


FORMATS: dict[str, Callable[[Sequence[ReferenceResult], str], str]] = {
    "text": render_text, "json": render_json}
