"""Train the sentence model (`sentence_model.json`) from labelled pages.

    pip install -e '.[train]'
    python -m evidence_tracker.language.train tests/lint_dev -o evidence_tracker/language/sentence_model.json

A labelled folder holds pages, `labels.jsonl` (one `{"file", "quote", "category"}` per line,
the format of the shared evaluation set) and optionally `clean.txt` (careful pages, nothing to
flag). Each sentence of each page is one example: the category of the first gold span it
overlaps, or "none". Learning needs scikit-learn (the `train` extra); the product only reads
the weights it writes.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from evidence_tracker.errors import BadInput
from evidence_tracker.language import engine, sentence_model
from evidence_tracker.language.markup import extract
from evidence_tracker.language.sentence_model import NONE, SentenceModel
from evidence_tracker.language.source import guess_format

C = 1.0  # inverse regularisation, chosen by grouped cross-validation on the development set
THRESHOLD = 0.7
MIN_COUNT = 2  # features seen in fewer training sentences carry no weight (and no bytes)


@dataclass(frozen=True)
class Page:
    """One labelled page: its visible text, its sentences and each sentence's gold class."""

    name: str
    text: str
    units: tuple[tuple[int, int], ...]
    classes: tuple[str, ...]
    gold: tuple[tuple[int, int], ...]  # gold spans, in the file's own offsets
    careful: bool


def labelled_pages(folder: Path) -> list[Page]:
    """The pages of the labelled `folder`, each sentence labelled from `labels.jsonl`."""
    gold: dict[str, list[tuple[int, int, str]]] = {}
    labels = folder / "labels.jsonl"
    for number, line in enumerate(labels.read_text("utf-8").splitlines(), 1):
        if line.strip():
            label = json.loads(line)
            raw = (folder / label["file"]).read_text("utf-8")
            if raw.count(label["quote"]) != 1:
                raise BadInput(f"{labels}:{number}: quote: must occur exactly once in {label['file']}")
            start = raw.index(label["quote"])
            gold.setdefault(label["file"], []).append(
                (start, start + len(label["quote"]), label["category"]))
    clean_file = folder / "clean.txt"
    careful = set(clean_file.read_text("utf-8").split()) if clean_file.exists() else set()
    return [_page(folder / name, gold.get(name, []), name in careful)
            for name in sorted(set(gold) | careful)]


def _page(path: Path, gold: list[tuple[int, int, str]], careful: bool) -> Page:
    raw = path.read_text("utf-8")
    src = extract(raw, guess_format(path.name, raw))
    text, units = engine.visible(src)
    classes = []
    for unit in units:
        lo, hi = src.original_span(*unit)
        classes.append(next((c for s, e, c in gold if s < hi and lo < e), NONE))
    return Page(path.name, text, tuple(units), tuple(classes),
                tuple((s, e) for s, e, _ in gold), careful)


def examples(pages: Sequence[Page]) -> tuple[list[dict[str, float]], list[str]]:
    """Model inputs and gold classes of every sentence of `pages`."""
    inputs, classes = [], []
    for page in pages:
        sentences = [sentence_model.unit_features(page.text, u) for u in page.units]
        tone = sentence_model.page_features(sentences)
        inputs += [sentence_model.features(s, tone) for s in sentences]
        classes += page.classes
    return inputs, classes


def fit(pages: Sequence[Page], c: float = C, threshold: float = THRESHOLD) -> SentenceModel:
    """A model trained on every sentence of `pages` (needs scikit-learn)."""
    try:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:
        raise BadInput("training needs scikit-learn: pip install -e '.[train]'") from exc
    inputs, classes = examples(pages)
    seen = Counter(name for x in inputs for name in x)
    inputs = [{k: v for k, v in x.items() if seen[k] >= MIN_COUNT} for x in inputs]
    vectors = DictVectorizer()
    learner = LogisticRegression(C=c, max_iter=5000)
    learner.fit(vectors.fit_transform(inputs), classes)
    names = vectors.get_feature_names_out()
    weights = {str(name): tuple(round(float(w), 4) for w in learner.coef_[:, j])
               for j, name in enumerate(names)}
    return SentenceModel(tuple(str(c) for c in learner.classes_), weights,
                         tuple(round(float(b), 4) for b in learner.intercept_), threshold)


def to_json(model: SentenceModel, trained_on: dict) -> str:
    """The JSON form of `model` that `sentence_model.model_from_json` reads."""
    data = {"format": 1, "trained_on": trained_on, "threshold": model.threshold,
            "classes": list(model.classes), "bias": list(model.bias),
            "weights": {k: list(v) for k, v in sorted(model.weights.items())}}
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Train on the labelled folders in `argv` and write the model file."""
    parser = argparse.ArgumentParser(prog="python -m evidence_tracker.language.train")
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--c", type=float, default=C)
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    args = parser.parse_args(argv)
    pages = [p for folder in args.folders for p in labelled_pages(folder)]
    model = fit(pages, args.c, args.threshold)
    summary = {"pages": len(pages), "sentences": sum(len(p.units) for p in pages),
               "c": args.c, "min_count": MIN_COUNT}
    args.output.write_text(to_json(model, summary), "utf-8")
    print(f"{args.output}: {len(model.weights)} features, {summary['sentences']} sentences "
          f"from {len(pages)} pages")


if __name__ == "__main__":
    main()
