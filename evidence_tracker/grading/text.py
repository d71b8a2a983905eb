"""Text views used by the grading rules: plain text for matching, sentences with their markup kept.

PubMed titles and abstracts carry inline HTML and MathML (`<i>`, `<sub>`, `<math>`). Rules match
on a plain view (tags stripped with nh3, entities decoded); sentences shown to readers keep the
original text, because sanitising for display is the report's job.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3
import pysbd

_SPACE = re.compile(r"\s+")
# A whole MathML island, or any single tag; `<` must be followed by a letter or `/`, so the bare
# "<0.25" that Biopython leaves after unescaping `&lt;` is text, not a tag.
_MARKUP = re.compile(r"<math\b.*?</math>|</?[A-Za-z][^<>]*>", re.S | re.I)
_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    "a an and are as at be by can for from has have in into is it its of on or than that the "
    "their these this those to was were with which who will within without".split()
)


def plain(text: str) -> str:
    """`text` without markup, entities decoded and whitespace collapsed (for matching only)."""
    if "<" not in text and "&" not in text:
        return _SPACE.sub(" ", text).strip()
    cleaned = html.unescape(nh3.clean(text, tags=set()))
    return _SPACE.sub(" ", cleaned).strip()


def fold(text: str) -> str:
    """Lower-case plain `text` with hyphens and dashes as spaces ("end-plate" ~ "end plate")."""
    return _SPACE.sub(" ", re.sub(r"[-\u2010-\u2015/]", " ", plain(text).lower()))


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def _mask(text: str) -> str:
    """Replace each markup island by letters of the same length so offsets stay valid."""
    return _MARKUP.sub(lambda m: "x" * len(m.group()), text)


def sentences(text: str) -> tuple[str, ...]:
    """Sentences of `text` as it was written (markup kept), split by pysbd on a masked copy."""
    if not text.strip():
        return ()
    masked = _mask(text)
    spans = _segmenter().segment(masked)
    found = tuple(text[span.start:span.end].strip() for span in spans)
    return tuple(sentence for sentence in found if sentence)


def words(text: str) -> tuple[str, ...]:
    """Content words of `text` (folded, stopwords removed), in order."""
    return tuple(w for w in _WORD.findall(fold(text)) if w not in STOPWORDS)
