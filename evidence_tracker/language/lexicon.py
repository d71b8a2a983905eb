"""Word classes of `lexicon.yaml` and the small morphology the detectors read words with.

Nouns are matched in any number, verbs in any form (-s, -ed, -ing, doubled consonants, a few
irregular participles), "-ize" as "-ise", hyphens ignored, and a verb with a prefix "re",
"super", "turbo" or "over" counts when the rest is in the class.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from importlib import resources

import yaml

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_TOKEN = re.compile(_WORD.pattern + r"|\d[\d,.]*|[,;:!]")
IRREGULAR = {"broken": "break", "driven": "drive", "beaten": "beat", "undone": "undo",
             "freed": "free", "shut": "shut", "cut": "cut", "fed": "feed", "woken": "wake"}
_PREFIXES = ("re", "super", "turbo", "over")
Tokens = tuple[tuple[str, int], ...]  # (lower-case word, offset in the text)


@lru_cache(maxsize=1)
def raw_lexicon() -> dict[str, tuple[str, ...]]:
    """The word classes of `lexicon.yaml` as written."""
    text = resources.files(__package__).joinpath("lexicon.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return {key: tuple(str(words).lower().split()) for key, words in data.items()}


@lru_cache(maxsize=1)
def lexicon() -> dict[str, frozenset[str]]:
    """The word classes of `lexicon.yaml`, normalised like the words they will meet."""
    return {key: frozenset(map(norm, words)) for key, words in raw_lexicon().items()}


@lru_cache(maxsize=65536)
def norm(word: str) -> str:
    """Lower case, no hyphens or possessive, "-ize" read as "-ise"."""
    word = word.lower().replace("’", "'").replace("-", "")
    word = word[:-2] if word.endswith("'s") else word
    return re.sub(r"iz(e|es|ed|ing|ation|ations)$", r"is\1", word)


@lru_cache(maxsize=65536)
def tokens(text: str, start: int = 0) -> Tokens:
    """Words and commas of `text` (found from offset `start` on) with their offsets."""
    lowered = same_length_lower(text)
    if lowered is None:  # lower word by word
        return tuple([(m.group().lower(), start + m.start()) for m in _TOKEN.finditer(text)])
    return tuple([(m.group(), start + m.start()) for m in _TOKEN.finditer(lowered)])


def same_length_lower(text: str) -> str | None:
    """`text` in lower case, or None when lowering moves offsets ("İ" lowers to two characters)."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else None


def word_at(text: str, at: int) -> str:
    """The lower-case word starting at offset `at` of `text` (as `tokens` reads it), or ""."""
    found = _WORD.match(text, at)
    return found.group().lower() if found else ""


def words(text: str) -> list[str]:
    """The lower-case tokens of `text` without their offsets: what `tokens` finds, cheaper."""
    return _TOKEN.findall(text.lower())


def lower_words(lowered: str, start: int, end: int) -> list[str]:
    """`words` of `lowered[start:end]`, for a page lower-cased once rather than per sentence."""
    return _TOKEN.findall(lowered, start, end)


@lru_cache(maxsize=1024)
def unit_tokens(text: str, unit: tuple[int, int]) -> Tokens:
    """Tokens of the sentence `unit` of `text`, computed once for all the detectors that ask."""
    return tokens(text[unit[0]:unit[1]], unit[0])


@lru_cache(maxsize=1024)
def span_tokens(text: str, unit: tuple[int, int], lo: int, hi: int) -> Tokens:
    """The tokens of `unit` lying within `lo`..`hi` (a clause of it)."""
    toks = unit_tokens(text, unit)
    starts = [pos for _, pos in toks]
    return toks[bisect.bisect_left(starts, lo):bisect.bisect_left(starts, hi)]


@lru_cache(maxsize=65536)
def in_class(word: str, cls: str) -> bool:
    """Whether `word` (a noun in any number) belongs to the lexicon class `cls`."""
    words, w = lexicon()[cls], norm(word)
    return any(form in words for form in (w, w[:-1] if w.endswith("s") else "",
                                          w[:-2] if w.endswith("es") else "",
                                          w[:-3] + "y" if w.endswith("ies") else ""))


@lru_cache(maxsize=65536)
def verb_lemma(word: str, cls: str = "effect_verbs") -> tuple[str, str] | None:
    """(lemma, form) of `word` as a verb of the lexicon class `cls`; form is base, s, ed or ing."""
    w, words = norm(word), lexicon()[cls]
    for lemma, form in _forms(w):
        for prefix in ("", *_PREFIXES):
            if lemma.startswith(prefix) and lemma[len(prefix):] in words:
                return lemma, form
    return None


def _forms(w: str) -> list[tuple[str, str]]:
    forms = [(w, "base"), (IRREGULAR.get(w, ""), "ed")]
    for suffix, form, repl in (("ies", "s", "y"), ("es", "s", ""), ("s", "s", ""),
                               ("ied", "ed", "y"), ("ed", "ed", ""), ("ed", "ed", "e"),
                               ("ing", "ing", ""), ("ing", "ing", "e")):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            stem = w[:-len(suffix)]
            forms.append((stem + repl, form))
            if form in ("ed", "ing") and len(stem) > 2 and stem[-1] == stem[-2]:
                forms.append((stem[:-1], form))  # "stopped", "stopping"
    return [f for f in forms if f[0]]
