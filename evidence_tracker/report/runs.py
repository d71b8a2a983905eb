"""The run index (`reports/index.html`) and `history`: every run with its counts and a trend.

Pure: takes the store's rows, returns a view model (including the inline SVG's points).
"""

from __future__ import annotations

from typing import Sequence

from evidence_tracker.store import RunRow

TREND_SERIES = (  # (summary verdict key, label, colour)
    ("supported", "supported", "#1d4d1a"),
    ("partly_supported", "partly supported", "#6b7d1a"),
    ("insufficient", "insufficient", "#6a2c84"),
    ("untested", "untested", "#777777"),
    ("not_supported", "not supported", "#b3261e"),
    ("not_checked", "not checked", "#a34400"),
)
WIDTH, HEIGHT, PAD = 640, 180, 28


def run_line(row: RunRow) -> dict:
    """One run's row: id, date, source and its counts."""
    verdicts = row.summary.get("verdicts", {})
    return {
        "run_id": row.run_id, "started": row.started,
        "source": row.source_kind + (" (stale)" if row.stale else ""),
        "claims": row.summary.get("claims", 0), "verdicts": verdicts,
        "findings": sum(row.summary.get("findings", {}).values()),
        "references": row.summary.get("references", {}),
    }


def _trend(lines: list[dict]) -> dict:
    """Polyline points per verdict series, scaled into the SVG box."""
    top = max([1] + [line["verdicts"].get(k, 0) for line in lines for k, _, _ in TREND_SERIES])
    step = (WIDTH - 2 * PAD) / max(len(lines) - 1, 1)

    def point(i: int, value: int) -> str:
        return f"{PAD + i * step:.1f},{HEIGHT - PAD - value * (HEIGHT - 2 * PAD) / top:.1f}"

    series = [{"label": label, "colour": colour,
               "points": " ".join(point(i, line["verdicts"].get(key, 0))
                                  for i, line in enumerate(lines))}
              for key, label, colour in TREND_SERIES]
    return {"width": WIDTH, "height": HEIGHT, "pad": PAD, "top": top, "series": series,
            "single": len(lines) == 1}


def runs_view(rows: Sequence[RunRow]) -> dict:
    """View model of the run index, newest run first in the table."""
    lines = [run_line(r) for r in rows]
    return {"title": "Evidence reports", "runs": list(reversed(lines)),
            "trend": _trend(lines) if lines else None,
            "verdict_keys": [(k, label) for k, label, _ in TREND_SERIES]}


def history_lines(rows: Sequence[RunRow]) -> list[str]:
    """`history` output: one line per run, oldest first."""
    result = []
    for line in map(run_line, rows):
        counts = " ".join(f"{k}={line['verdicts'].get(k, 0)}" for k, _, _ in TREND_SERIES)
        result.append(f"{line['run_id']}  {line['started']}  {line['source']:<16} "
                      f"claims={line['claims']} {counts} flags={line['findings']}")
    return result
