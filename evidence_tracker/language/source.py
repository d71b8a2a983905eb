"""Visible text of plain text, Markdown and HTML, with a map back to the original characters.

Rules run over the visible text; every finding is reported in the original file's offsets, line
and column, so an editor (or `score_spans.py`) can find it. The map is a list of pieces: a
literal piece copies a run of the original one to one; a synthetic piece (a decoded entity, a
line break standing for a block tag, a "• " standing for `<li>`) covers a whole original range.
Inline suppression comments (`<!-- evidence-tracker: ignore RULE -- reason -->`) are collected
here because only the parser knows where comments are.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import PurePath

FORMATS = ("text", "markdown", "html")
_SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
             ".mdown": "markdown",
             ".html": "html", ".htm": "html", ".xhtml": "html"}
_DIRECTIVE = re.compile(r"^\s*evidence-tracker:\s*ignore\s+(?P<rules>[^\s-][^-]*?)\s*"
                        r"(?:--\s*(?P<reason>.*?))?\s*$", re.S)


@dataclass(frozen=True)
class Suppression:
    """An inline `ignore` comment: `rules` it silences over visible `start`..`end`, and why."""

    rules: tuple[str, ...]
    reason: str
    line: int
    start: int
    end: int


@dataclass(frozen=True)
class SourceText:
    """The `original` file text, its `text` as a reader sees it, and the map between them."""

    original: str
    text: str
    pieces: tuple[tuple[int, int, int, bool], ...]  # (visible start, orig start, orig end, literal)
    line_starts: tuple[int, ...]
    suppressions: tuple[Suppression, ...] = ()
    _starts: tuple[int, ...] = field(default=(), repr=False)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the visible characters `start`..`end` (end exclusive)."""
        return self._orig(start, first=True), self._orig(max(end - 1, start), first=False)

    def _orig(self, i: int, first: bool) -> int:
        starts = self._starts or tuple(p[0] for p in self.pieces)
        k = max(bisect.bisect_right(starts, i) - 1, 0)
        vis, lo, hi, literal = self.pieces[k]
        if literal:
            return lo + (i - vis) + (0 if first else 1)
        return lo if first else hi

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of original `offset`."""
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1


def guess_format(path: str, text: str) -> str:
    """The format of `text` from the suffix of `path`, else from a leading HTML tag."""
    fmt = _SUFFIXES.get(PurePath(path).suffix.lower()) if path else None
    if fmt:
        return fmt
    head = text.lstrip()[:200].lower()
    return "html" if head.startswith(("<!doctype html", "<html")) else "text"


class Builder:
    """Accumulates visible text and its pieces; merges adjacent literal runs."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pieces: list[tuple[int, int, int, bool]] = []
        self.length = 0

    def literal(self, orig_start: int, chunk: str, visible: str | None = None) -> None:
        """Copy `chunk` (original text from `orig_start`), shown as `visible` of equal length."""
        if not chunk:
            return
        last = self.pieces[-1] if self.pieces else None
        if last and last[3] and last[2] == orig_start:
            self.pieces[-1] = (last[0], last[1], orig_start + len(chunk), True)
        else:
            self.pieces.append((self.length, orig_start, orig_start + len(chunk), True))
        self._add(visible if visible is not None else chunk)

    def synthetic(self, orig_start: int, orig_end: int, visible: str) -> None:
        """Show `visible` for the original range `orig_start`..`orig_end` (a tag, an entity)."""
        if visible:
            self.pieces.append((self.length, orig_start, orig_end, False))
            self._add(visible)

    def _add(self, visible: str) -> None:
        self.parts.append(visible)
        self.length += len(visible)

    def build(self, original: str, suppressions: list[tuple[int, str, str, int]]) -> SourceText:
        """The finished `SourceText`, with directives (visible position, rules, reason, line)."""
        text = "".join(self.parts)
        pieces = tuple(self.pieces) or ((0, 0, 0, True),)
        src = SourceText(original, text, pieces, _line_starts(original),
                         _starts=tuple(p[0] for p in pieces))
        return _with_suppressions(src, suppressions)


def _line_starts(text: str) -> tuple[int, ...]:
    return (0, *(m.end() for m in re.finditer("\n", text)))


def parse_directive(comment: str) -> tuple[str, str] | None:
    """(`rules`, reason) when `comment` (the inside of `<!-- -->`) is an ignore directive."""
    m = _DIRECTIVE.match(comment)
    return (m["rules"], (m["reason"] or "").strip()) if m else None


def _with_suppressions(src: SourceText, found: list[tuple[int, str, str, int]]) -> SourceText:
    """Resolve each directive (visible position, rules, reason, line) to the block after it."""
    result = []
    for position, rules, reason, line in found:
        start = len(src.text) - len(src.text[position:].lstrip())
        blank = re.compile(r"\n[ \t]*\n").search(src.text, start)
        end = blank.start() if blank else len(src.text)
        names = tuple(r.strip() for r in re.split(r"[,\s]+", rules) if r.strip())
        result.append(Suppression(names, reason, line, start, end))
    return SourceText(src.original, src.text, src.pieces, src.line_starts, tuple(result),
                      _starts=src._starts)
