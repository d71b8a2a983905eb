"""Recall and precision of `lint` on the development set and the seed, scored like score_spans.py.

A gold span counts as found when any finding overlaps it; a finding counts as right when it
overlaps any gold span; careful pages (clean.txt) may get at most one finding each.
"""

import json
from collections import defaultdict
from pathlib import Path

import pytest

from evidence_tracker.language import lint_text

DEV = Path(__file__).parent / "lint_dev"
SEED = Path(__file__).parents[1] / ".." / "shared" / "eval-dev"
RECALL, PRECISION = 0.85, 0.90


def _gold(labels: Path) -> dict[str, list[tuple[int, int]]]:
    gold = defaultdict(list)
    for line in labels.read_text(encoding="utf-8").splitlines():
        if line.strip():
            label = json.loads(line)
            text = (labels.parent / label["file"]).read_text(encoding="utf-8")
            assert text.count(label["quote"]) == 1, label
            start = text.index(label["quote"])
            gold[label["file"]].append((start, start + len(label["quote"])))
    return gold


def _score(folder: Path, gold: dict, names: list[str]) -> tuple[float, float, dict[str, int]]:
    overlap = lambda a, b: a[0] < b[1] and b[0] < a[1]  # noqa: E731 - score_spans.py's rule
    found = {name: [(f.start, f.end) for f in lint_text(
        (folder / name).read_text(encoding="utf-8"), path=name)] for name in names}
    spans = [g for name in names for g in gold[name]]
    recall = sum(any(overlap(g, f) for f in found[n]) for n in names for g in gold[n]) / len(spans)
    flags = sum(len(v) for v in found.values())
    right = sum(any(overlap(f, g) for g in gold[n]) for n in names for f in found[n])
    return recall, right / max(flags, 1), {n: len(found[n]) for n in names}


def test_development_set_meets_the_quality_bar():
    clean = DEV.joinpath("clean.txt").read_text().split()
    gold = _gold(DEV / "labels.jsonl")
    names = sorted(set(gold) | set(clean))
    assert len(names) >= 12 and {Path(n).suffix for n in names} >= {".txt", ".md", ".html"}
    recall, precision, counts = _score(DEV, gold, names)
    on_clean = {n: counts[n] for n in clean}
    print(f"\ndevelopment set: {len(names)} pages, {sum(map(len, gold.values()))} gold spans, "
          f"recall {recall:.3f}, precision {precision:.3f}, findings on clean pages {on_clean}")
    assert recall >= RECALL and precision >= PRECISION
    assert all(count <= 1 for count in on_clean.values()), on_clean


def test_seed_article_meets_the_quality_bar():
    labels = SEED / "seed-labels.jsonl"
    if not labels.exists():
        pytest.fail(f"shared evaluation set missing at {labels}")
    recall, precision, _ = _score(SEED, _gold(labels), ["seed.txt"])
    print(f"\nseed: recall {recall:.3f}, precision {precision:.3f}")
    assert recall >= RECALL and precision >= PRECISION
