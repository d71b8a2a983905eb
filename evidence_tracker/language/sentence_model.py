"""A sentence classifier for marketing language, for what the phrase rules and detectors miss.

Rules recognise the idioms they were written for; on pages they had never seen they found about
half of what a careful educator flags (tests/lint_dev/README.md). This model reads every
sentence as a bag of features that carry over to new wording: its words, the
word classes of `lexicon.yaml` they belong to (an effect verb, a body part, a hype word...), its
shape (exclamation, first person, a number, a question, a citation, a hedge) and the tone of
the whole page (how hedged, cited or exclamatory it is, so careful pages stay quiet). It is a
multinomial logistic regression over "none" and the eight categories, trained by
`evidence_tracker.language.train` on the development set and shipped as weights in
`sentence_model.json`; scoring is a sum of weights, so the product needs no learning library.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import chain
from importlib import resources
from typing import Iterable, Sequence

import numpy as np

from evidence_tracker.language.lexicon import (lexicon, lower_words, norm, same_length_lower,
                                               verb_lemma, words)

NONE = "none"
MODEL_FILE = "sentence_model.json"
PAGE_KEYS = ("s:excl", "s:you", "s:first", "c:hype", "c:effect_verb")
_SKIPPED_CLASSES = frozenset({"function_words"})
_FIRST = frozenset({"i", "my", "me", "i'm", "i've", "i'd"})
_YOU = frozenset({"you", "your", "you're", "you'll"})


@dataclass(frozen=True, eq=False)
class SentenceModel:
    """Weights per feature (one per class, in `classes` order), a bias per class, and the
    probability of "some marketing category" above which a sentence is reported."""

    classes: tuple[str, ...]
    weights: dict[str, tuple[float, ...]]
    bias: tuple[float, ...]
    threshold: float

    def probabilities(self, sentences: Sequence[Iterable[str]],
                      page: dict[str, float]) -> np.ndarray:
        """One row of class probabilities (in `classes` order) per sentence, from its binary
        `sentences` features and its `page` tone: the softmax of summed weights, every
        sentence in one pass through numpy."""
        index, matrix = self._table
        tone = np.asarray(self.bias) + sum(
            (value * matrix[index[name]] for name, value in page.items() if name in index),
            np.zeros(len(self.classes)))
        rows: list[int] = []
        starts = []
        for sentence in sentences:
            starts.append(len(rows))
            rows += [row for row in map(index.get, sentence) if row is not None]
        totals = np.tile(tone, (len(sentences), 1))
        if rows:  # each sentence's rows are contiguous: sum them by segment
            counts = np.diff([*starts, len(rows)])
            sums = np.add.reduceat(matrix[rows], np.minimum(starts, len(rows) - 1))
            totals += np.where(counts[:, None] > 0, sums, 0.0)  # an empty segment sums nothing
        exps = np.exp(totals - totals.max(axis=1, keepdims=True))
        return exps / exps.sum(axis=1, keepdims=True)

    @cached_property
    def _table(self) -> tuple[dict[str, int], np.ndarray]:
        """Feature -> row, and the weights as one matrix (a row per feature): summing rows
        in numpy is several times faster than in Python."""
        names = list(self.weights)
        matrix = np.array([self.weights[n] for n in names], dtype=float).reshape(
            len(names), len(self.classes))
        return {n: k for k, n in enumerate(names)}, matrix


def unit_features(text: str, unit: tuple[int, int], lowered: str | None = None) -> frozenset[str]:
    """The binary features of the sentence `unit` of `text` (see the module docstring);
    `lowered` is `text.lower()` when the caller has it (same length)."""
    sentence = text[unit[0]:unit[1]]
    tokens = lower_words(lowered, *unit) if lowered is not None else words(sentence)
    stripped = sentence.rstrip(" \"')")
    count = len(tokens)
    shape = ["len:" + ("1" if count < 4 else "2" if count < 9 else "3" if count < 20 else "4")]
    for name, on in (("s:excl", "!" in sentence), ("s:pct", "%" in sentence),
                     ("s:quote", '"' in sentence), ("s:question", stripped.endswith("?")),
                     ("s:nostop", not stripped.endswith((".", "!", "?", ":")))):
        if on:
            shape.append(name)
    return frozenset(chain(shape, *map(_word, tokens)))


@lru_cache(maxsize=65536)
def _word(raw: str) -> tuple[str, ...]:
    """A token's features (its normal form and lexicon classes, person, digits), once per
    word; the classes come from one reverse index, not a lookup in every class. (Word pairs
    added nothing in cross-validation and cost a third of the time.)"""
    word = norm(raw)
    forms = (word, word[:-1] if word.endswith("s") else "", word[:-2] if word.endswith("es") else "",
             word[:-3] + "y" if word.endswith("ies") else "")  # `lexicon.in_class`'s plurals
    classes = {c for form in forms if form for c in _classes_of().get(form, ())}
    found = ["w:" + word, *sorted("c:" + c for c in classes)]
    if verb_lemma(word):
        found.append("c:effect_verb")
    found += [name for name, on in (("s:first", word in _FIRST), ("s:you", word in _YOU),
                                    ("s:digit", word[:1].isdigit())) if on]
    return tuple(found)


@lru_cache(maxsize=1)
def _classes_of() -> dict[str, tuple[str, ...]]:
    """Lexicon word -> the classes it belongs to (all but the function words)."""
    index: dict[str, list[str]] = {}
    for cls, members in lexicon().items():
        if cls not in _SKIPPED_CLASSES:
            for word in members:
                index.setdefault(word, []).append(cls)
    return {word: tuple(classes) for word, classes in index.items()}


def page_features(sentences: Sequence[frozenset[str]]) -> dict[str, float]:
    """The page's tone: the share of its sentences with each of `PAGE_KEYS`."""
    count = max(len(sentences), 1)
    return {"p:" + key: sum(key in s for s in sentences) / count for key in PAGE_KEYS}


def features(sentence: frozenset[str], page: dict[str, float]) -> dict[str, float]:
    """One sentence's model input: its own features (weight 1) and its page's tone."""
    return {**dict.fromkeys(sentence, 1.0), **page}


def classify(text: str, units: Sequence[tuple[int, int]], model: SentenceModel | None = None,
             only: Iterable[int] | None = None) -> dict[int, tuple[str, float]]:
    """Unit index -> (likeliest category, probability of marketing) for units scoring above
    the model's threshold; `only` limits scoring to those indices (the page tone uses all)."""
    model = model or load_model()
    lowered = same_length_lower(text)
    sentences = [unit_features(text, u, lowered) for u in units]
    page = page_features(sentences)
    chosen = sorted(only) if only is not None else range(len(units))
    probs = model.probabilities([sentences[k] for k in chosen], page)
    none = model.classes.index(NONE)
    result = {}
    for k, row in zip(chosen, probs):
        marketing = 1.0 - float(row[none])
        if marketing > model.threshold:
            best = max((c for c in range(len(row)) if c != none), key=row.__getitem__)
            result[k] = (model.classes[best], marketing)
    return result


@lru_cache(maxsize=1)
def load_model() -> SentenceModel:
    """The shipped model (`sentence_model.json`)."""
    text = resources.files(__package__).joinpath(MODEL_FILE).read_text("utf-8")
    return model_from_json(json.loads(text))


def model_from_json(data: dict) -> SentenceModel:
    """A `SentenceModel` from its JSON form (as `train` writes it)."""
    return SentenceModel(tuple(data["classes"]),
                         {name: tuple(row) for name, row in data["weights"].items()},
                         tuple(data["bias"]), float(data["threshold"]))


__all__ = ["NONE", "SentenceModel", "classify", "features", "load_model", "model_from_json",
           "page_features", "unit_features"]
