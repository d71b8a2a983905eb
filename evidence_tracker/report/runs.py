"""The run index (`reports/index.html`) and `history`: every run with its counts and a trend.

Pure: takes the store's rows, returns a view model (including the inline SVG's points).
"""

from __future__ import annotations

from typing import Sequence

from evidence_tracker.report.labels import SOURCE_LABELS
from evidence_tracker.report.view import when
from evidence_tracker.store import RunRow

TREND_SERIES = (  # (summary verdict key, label, colour): `claims.VERDICTS`, in order
    ("supported", "supported", "#1d6b18"),
    ("partly_supported", "partly supported", "#6b7d1a"),
    ("mixed", "mixed", "#b07800"),
    ("not_supported", "not supported", "#b3261e"),
    ("insufficient", "insufficient", "#6a2c84"),
    ("untested", "untested", "#6f6f6f"),
    ("not_checked", "not checked", "#0b5394"),
)
WIDTH, HEIGHT, PAD, LEFT = 640, 190, 28, 40


def run_line(row: RunRow) -> dict:
    """One run's row: id, date, source and its counts."""
    verdicts = row.summary.get("verdicts", {})
    return {
        "run_id": row.run_id, "started": row.started, "started_label": when(row.started),
        "source": row.source_kind + (" (stale)" if row.stale else ""),
        "source_label": SOURCE_LABELS.get(row.source_kind, row.source_kind)
        + (" (stale answers)" if row.stale else ""),
        "claims": row.summary.get("claims", 0), "verdicts": verdicts,
        "overclaims": row.summary.get("overclaims", 0),
        "findings": sum(row.summary.get("findings", {}).values()),
        "references": row.summary.get("references", {}),
        "reference_problems": sum(n for status, n in row.summary.get("references", {}).items()
                                  if status not in ("verified", "unchecked")),
    }


def _trend(lines: list[dict]) -> dict:
    """Polyline points per verdict series, scaled into the SVG box, with axis labels."""
    top = max([1] + [line["verdicts"].get(k, 0) for line in lines for k, _, _ in TREND_SERIES])
    step = (WIDTH - LEFT - PAD) / max(len(lines) - 1, 1)

    def x(i: int) -> float:
        return round(LEFT + i * step, 1)

    def y(value: float) -> float:
        return round(HEIGHT - PAD - value * (HEIGHT - 2 * PAD) / top, 1)

    series = [{"label": label, "colour": colour,
               "points": [(x(i), y(line["verdicts"].get(key, 0))) for i, line in enumerate(lines)]}
              for key, label, colour in TREND_SERIES]
    for s in series:
        s["polyline"] = " ".join(f"{px},{py}" for px, py in s["points"])
    ticks = sorted({0, top // 2, top})
    return {"width": WIDTH, "height": HEIGHT, "pad": PAD, "left": LEFT, "top": top,
            "series": series, "y_ticks": [{"value": t, "y": y(t)} for t in ticks],
            "x_labels": [{"x": x(i), "text": lines[i]["started_label"][:10],
                          "anchor": "start" if i == 0 else "end"}
                         for i in sorted({0, len(lines) - 1})],
            "axis_y": HEIGHT - PAD, "right": WIDTH - PAD}


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
