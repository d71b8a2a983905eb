"""Parsers from Markdown and HTML to visible text, built on `source.Builder`'s offset map.

HTML goes through the standard library's `html.parser` with `convert_charrefs=False`, so every
text run and entity arrives with its own position. Markdown needs no full parser here: its markup
is a set of deletions (heading marks, emphasis, link targets, tags, comments, code fences) that
leave the prose, and list markers stay because they tell the rules where a bullet starts.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from evidence_tracker.language.source import Builder, SourceText, parse_directive

# Text inside these is not shown to a reader.
_HIDDEN = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe",
                     "object", "math", "select", "option"})
_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "dt",
                     "dd", "table", "thead", "tbody", "tfoot", "tr", "section", "article",
                     "header", "footer", "nav", "main", "aside", "blockquote", "pre", "hr",
                     "figure", "figcaption", "form", "fieldset", "address", "details",
                     "summary", "body", "html", "title", "button", "label"})
_LINES = frozenset({"br", "td", "th", "caption", "legend"})
_SPACE = str.maketrans("\n\r\t\f", "    ")


def extract(text: str, fmt: str) -> SourceText:
    """The visible text of `text` read as `fmt` (text, markdown or html), with its offset map."""
    if fmt == "html":
        return _HTMLText(text).result()
    if fmt == "markdown":
        return _markdown(text)
    builder = Builder()
    builder.literal(0, text)
    return builder.build(text, [])


class _HTMLText(HTMLParser):
    """Collects visible text and directive comments, each at its original offset."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.original = text
        self.lines = [0, *(m.end() for m in re.finditer("\n", text))]
        self.out, self.hidden, self.directives = Builder(), 0, []

    def result(self) -> SourceText:
        self.feed(self.original)
        self.close()
        return self.out.build(self.original, self.directives)

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.lines[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "body":
            self.hidden = 0  # a page that never closed <head>
        elif tag in _HIDDEN:
            self.hidden += 1
        self._break(tag, opening=True)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self._break(tag, opening=True)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        self._break(tag, opening=False)

    def _break(self, tag: str, opening: bool) -> None:
        start = self._offset()
        raw = self.get_starttag_text() if opening else None  # exact, even with ">" in a value
        end = start + len(raw) if raw else (self.original.find(">", start) + 1 or start)
        if tag == "li":
            self.out.synthetic(start, end, "\n• " if opening else "\n")
        elif tag in _BLOCKS:
            self.out.synthetic(start, end, "\n\n")
        elif tag in _LINES:
            self.out.synthetic(start, end, "\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.out.literal(self._offset(), data, data.translate(_SPACE))

    def handle_entityref(self, name: str) -> None:
        self._reference("&" + name)

    def handle_charref(self, name: str) -> None:
        self._reference("&#" + name)

    def _reference(self, raw: str) -> None:
        start = self._offset()
        if self.original.startswith(";", start + len(raw)):
            raw += ";"
        if not self.hidden:
            self.out.synthetic(start, start + len(raw), html.unescape(raw).replace("\xa0", " "))

    def handle_comment(self, data: str) -> None:
        directive = parse_directive(data)
        if directive:
            self.directives.append((self.out.length, *directive, self.getpos()[0]))


_MARKDOWN = re.compile(r"""
    (?P<comment><!--(?P<inside>.*?)-->)
  | (?P<front>\A---[ \t]*\n.*?\n---[ \t]*\n)
  | (?P<fence>^[ \t]*(?P<mark>```|~~~).*?^[ \t]*(?P=mark)[ \t]*$)
  | (?P<linkdef>^[ \t]*\[[^\]\n]+\]:[^\n]*$)
  | (?P<heading>^[ \t]*\#{1,6}[ \t]+|[ \t]+\#+[ \t]*$)
  | (?P<quote>^[ \t]*(?:>[ \t]?)+)
  | (?P<link>!?\[(?=[^\]\n]*\][(\[])|\]\([^)\n]*\)|\]\[[^\]\n]*\])
  | (?P<tag></?[A-Za-z][^>\n]*>|<https?:[^>\n]*>)
  | (?P<emphasis>\*\*|__|~~|`+|(?<![\w*])[*_](?=[^\s*_])|(?<=[^\s*_])[*_](?![\w*]))
  | (?P<escape>\\(?=[\\`*_{}\[\]()\#+\-.!>|]))
""", re.M | re.S | re.X)


def _markdown(text: str) -> SourceText:
    """Visible text of Markdown `text`: the prose with its markup deleted."""
    out, directives, kept = Builder(), [], 0
    for m in _MARKDOWN.finditer(text):
        out.literal(kept, text[kept:m.start()])
        kept = m.end()
        if m["comment"] and parse_directive(m["inside"]):
            line = text.count("\n", 0, m.start()) + 1
            directives.append((out.length, *parse_directive(m["inside"]), line))
        elif m["fence"] or m["comment"] or m["front"] or m["linkdef"]:
            out.synthetic(m.start(), m.end(), "\n" * min(m.group().count("\n"), 2))
    out.literal(kept, text[kept:])
    return out.build(text, directives)
