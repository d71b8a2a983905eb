"""Text, Markdown and HTML as visible-text blocks (headings, list items, paragraphs) with lines.

A block remembers the 1-based source line of each piece of its text, so every reference, marker
and claim found later can name its line. HTML goes through the standard library's parser: only
visible text counts (no scripts, styles or head), `<sup>` numbers become "[n]" markers, and the
identifier of a DOI or PubMed link's `href` is kept beside its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

FORMATS = ("text", "markdown", "html")
REFERENCE_HEADING = re.compile(
    r"^\s*(?:\d+\.?\s*)?(references?|reference list|bibliography|works cited|literature cited|"
    r"sources|citations|further reading|cited literature|literatur)\s*:?\s*$", re.I)
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_ITEM = re.compile(r"^(\s*)(?:(\d{1,3})[.)]|\[(\d{1,3})\]:?|\[\^(\w+)\]:|([-*•+–]))\s+(\S.*)$")
_IDENTIFIER_URL = re.compile(r"doi\.org/|pubmed|/pmc/|pmc\.ncbi|PMC\d", re.I)


@dataclass(frozen=True)
class Block:
    """A heading, list item or paragraph; `pieces` are (line, text) in reading order."""

    pieces: tuple[tuple[int, str], ...]
    heading: int = 0  # 1-6 for headings
    number: str = ""  # list item number, "[3]" style or "3." style
    bullet: bool = False
    sep: str = "\n"

    @property
    def line(self) -> int:
        return self.pieces[0][0]

    @property
    def text(self) -> str:
        return self.sep.join(text for _, text in self.pieces)

    def line_at(self, offset: int) -> int:
        """The source line of character `offset` of `text`."""
        position = 0
        for line, text in self.pieces:
            end = position + len(text)
            if offset < end:
                return line + text[: offset - position].count("\n")
            position = end + len(self.sep)
        return self.pieces[-1][0]


def guess_format(path: str, text: str) -> str:
    """The format of `text` from the suffix of `path`, else from its first characters."""
    suffix = path.lower().rsplit(".", 1)[-1] if "." in path else ""
    if suffix in ("html", "htm", "xhtml"):
        return "html"
    if suffix in ("md", "markdown", "mdown"):
        return "markdown"
    if suffix:
        return "text"
    if re.match(r"\s*<(!doctype|html|body|div|p|ol|ul)\b", text, re.I):
        return "html"
    return "markdown" if re.search(r"^#{1,6}\s|\*\*\S|\]\(\S", text, re.M) else "text"


def to_blocks(text: str, fmt: str) -> list[Block]:
    """Split `text` (in format `fmt`) into blocks of visible text."""
    if fmt == "html":
        parser = _VisibleText()
        parser.feed(text)
        parser.close()
        return parser.finish()
    lines = text.splitlines()
    if fmt == "markdown":
        lines = [_markdown_inline(line) for line in lines]
    return _line_blocks(lines, markdown=fmt == "markdown")


def _line_blocks(lines: list[str], *, markdown: bool) -> list[Block]:
    blocks: list[Block] = []
    current: dict | None = None

    def flush() -> None:
        nonlocal current
        if current and current["pieces"]:
            blocks.append(Block(tuple(current["pieces"]), current["heading"], current["number"],
                                current["bullet"]))
        current = None

    for index, line in enumerate(lines, start=1):
        heading = _heading_level(line, markdown)
        if markdown and current and _SETEXT.match(line) and len(current["pieces"]) == 1:
            piece = current["pieces"][0]  # "References\n----------"
            current = None
            blocks.append(Block((piece,), heading=1 if line.strip()[0] == "=" else 2))
        elif not line.strip() or (markdown and line.strip() in ("```", "---", "***")):
            flush()
        elif heading:
            flush()
            blocks.append(Block(((index, _strip_heading(line)),), heading=heading))
        elif item := _ITEM.match(line):
            flush()
            number = item.group(2) or item.group(3) or item.group(4) or ""
            current = {"pieces": [(index, item.group(6).strip())], "heading": 0,
                       "number": number, "bullet": bool(item.group(5))}
        else:
            if current is None:
                current = {"pieces": [], "heading": 0, "number": "", "bullet": False}
            current["pieces"].append((index, line.strip()))
    flush()
    return blocks


def _heading_level(line: str, markdown: bool) -> int:
    found = _MD_HEADING.match(line) if markdown else None
    if found:
        return len(found.group(1))
    return 1 if REFERENCE_HEADING.match(line.strip("#*_ \t")) else 0


def _strip_heading(line: str) -> str:
    found = _MD_HEADING.match(line)
    return (found.group(2) if found else line).strip("*_: \t")


# Bounded repeats keep pathological lines (thousands of "*" or "[") from going quadratic.
_MD_LINK = re.compile(r"!?\[([^\]]{0,500})\]\(([^)\s]{0,2000})(?:\s+\"[^\"]{0,500}\")?\)")
_MD_EMPHASIS = re.compile(r"(\*{1,3}|(?<!\w)_{1,3})(?=\S)(.{1,300}?)(?<=\S)\1(?!\w)")
_SUP = re.compile(r"<sup>\s*([\d,\s–-]+?)\s*</sup>|\^([\d,–-]+)\^", re.I)


def _markdown_inline(line: str) -> str:
    """Markdown inline syntax reduced to the text a reader sees (plus identifier link targets)."""
    line = _SUP.sub(lambda m: f"[{m.group(1) or m.group(2)}]", line)
    line = re.sub(r"<(https?://[^>\s]+)>", r"\1", line)
    line = re.sub(r"</?[a-zA-Z][^>]*>", "", line)
    line = _MD_LINK.sub(_link_text, line)
    line = re.sub(r"`([^`]*)`", r"\1", line)
    line = _MD_EMPHASIS.sub(r"\2", _MD_EMPHASIS.sub(r"\2", line))
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", line)


def _link_text(match: re.Match) -> str:
    text, url = match.group(1), match.group(2)
    if re.fullmatch(r"\d{1,3}", text.strip()):
        return f"[{text.strip()}]"
    if _IDENTIFIER_URL.search(url) and url not in text:
        return f"{text} {url}".strip()
    return text


class _VisibleText(HTMLParser):
    """Collect the visible text of an HTML page as blocks, each piece with its source line."""

    _BLOCK = {"p", "div", "li", "tr", "td", "th", "section", "article", "header", "footer",
              "blockquote", "dd", "dt", "pre", "table", "ul", "ol", "main", "aside", "nav",
              "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "body", "hr"}
    _HIDDEN = {"script", "style", "head", "template", "noscript", "svg", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.raw: list[tuple[int, str]] = []
        self.kind: dict = {}
        self.hidden = 0
        self.lists: list[list] = []  # [tag, next number] per open list
        self.in_sup = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag in self._BLOCK:
            self._start_block(tag, dict(attrs))
        elif tag == "br":
            self.raw.append((self.getpos()[0], " "))
        elif tag == "sup":
            self.in_sup = True
        elif tag == "a" and _IDENTIFIER_URL.search(dict(attrs).get("href") or ""):
            self.kind.setdefault("hrefs", []).append(dict(attrs)["href"])

    def _start_block(self, tag: str, attrs: dict) -> None:
        self._flush()
        if tag in ("ol", "ul"):
            start = attrs.get("start") or "1"
            self.lists.append([tag, int(start) if start.isdigit() else 1])
        elif tag == "li" and self.lists:
            kind = self.lists[-1]
            self.kind = {"number": str(kind[1])} if kind[0] == "ol" else {"bullet": True}
            kind[1] += 1
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.kind = {"heading": int(tag[1])}

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self._BLOCK:
            self._flush()
            if tag in ("ol", "ul") and self.lists:
                self.lists.pop()
        elif tag == "sup":
            self.in_sup = False

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.in_sup and re.fullmatch(r"[\d,\s–-]+", data) and data.strip():
            data = f"[{data.strip()}]"
        parts = data.split("\n")
        start = self.getpos()[0]
        for offset, part in enumerate(parts):
            self.raw.append((start + offset, part + (" " if offset < len(parts) - 1 else "")))

    def _flush(self) -> None:
        pieces, space_before = [], True
        for line, raw in self.raw + [(self.getpos()[0], f" {h}") for h in self.kind.get("hrefs", [])]:
            text = re.sub(r"\s+", " ", raw)
            text = text.lstrip() if space_before else text
            if text:
                pieces.append((line, text))
                space_before = text.endswith(" ")
        if pieces and "".join(t for _, t in pieces).strip():
            pieces[-1] = (pieces[-1][0], pieces[-1][1].rstrip())
            heading = self.kind.get("heading", 0)
            if not heading and REFERENCE_HEADING.match("".join(t for _, t in pieces)):
                heading = 1
            number, pieces = _typed_number(pieces, self.kind.get("number", ""))
            self.blocks.append(Block(tuple(pieces), heading, number,
                                     self.kind.get("bullet", False), sep=""))
        self.raw, self.kind = [], {}

    def finish(self) -> list[Block]:
        self._flush()
        return self.blocks


def _typed_number(pieces: list[tuple[int, str]], number: str) -> tuple[str, list]:
    """A number typed into the text ("<p>3. Tough EA ...</p>", "<li>[3] ...") wins over the
    list's own count, since it is the one the text's "[3]" markers cite."""
    typed = _ITEM.match(pieces[0][1])
    if not typed or typed.group(5):
        return number, pieces
    rest = typed.group(6)
    return typed.group(2) or typed.group(3) or typed.group(4), [(pieces[0][0], rest), *pieces[1:]]
