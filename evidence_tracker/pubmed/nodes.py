"""The parsed query tree: one leaf kind per group of field tags, and `term` to build a leaf.

See `evidence_tracker.pubmed.query` for the PubMed syntax these nodes stand for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from evidence_tracker.errors import BadInput
from evidence_tracker.pubmed.index import SUBSETS, IndexedRecord, first_page, journal_key, words


class QuerySyntaxError(BadInput):
    """A query PubMed's syntax (as supported here) cannot read; `position` is 0-based."""

    def __init__(self, what: str, position: int) -> None:
        super().__init__(f"{what} (at character {position + 1})")
        self.what = what
        self.position = position


# Field tag (as written, lower case) -> canonical field. Long names are PubMed's own translations.
FIELD_TAGS: Mapping[str, str] = {
    **{t: "tiab" for t in ("tiab", "title/abstract")},
    **{t: "ti" for t in ("ti", "title")},
    **{t: "ab" for t in ("ab", "abstract")},
    **{t: "tw" for t in ("tw", "text word")},
    **{t: "mh" for t in ("mh", "mesh", "mesh terms", "majr", "mesh major topic", "mh:noexp",
                         "mesh:noexp", "majr:noexp", "mesh terms:noexp")},
    **{t: "pt" for t in ("pt", "publication type")},
    **{t: "au" for t in ("au", "author", "full author name", "fau")},
    **{t: "1au" for t in ("1au", "author - first")},
    **{t: "dp" for t in ("dp", "pdat", "publication date", "date - publication")},
    **{t: "sb" for t in ("sb", "subset", "filter")},
    **{t: "aid" for t in ("aid", "article identifier")},
    **{t: "doi" for t in ("doi", "lid", "location id")},
    **{t: "pmid" for t in ("pmid", "uid", "pubmed id")},
    **{t: "pmcid" for t in ("pmcid", "pmc")},
    **{t: "ta" for t in ("ta", "journal", "jour")},
    **{t: "vi" for t in ("vi", "volume")},
    **{t: "pg" for t in ("pg", "pagination")},
    **{t: "la" for t in ("la", "language")},
    **{t: "all" for t in ("all", "all fields")},
}
_LANGUAGES = {"english": "eng", "french": "fre", "german": "ger", "spanish": "spa",
              "italian": "ita", "chinese": "chi", "japanese": "jpn", "portuguese": "por"}


class Node:
    """A parsed query; `test` evaluates it on one `IndexedRecord`, `str` renders it back."""

    def test(self, ix: IndexedRecord) -> bool:
        raise NotImplementedError


def _quoted(raw: str, prefix: bool = False) -> str:
    return f'"{raw}{"*" if prefix else ""}"'


@dataclass(frozen=True)
class Text(Node):
    """Consecutive `words` in a text `field` ("" = unfielded); the last truncated if `prefix`."""

    field: str
    raw: str
    words: tuple[str, ...]
    prefix: bool = False

    def test(self, ix: IndexedRecord) -> bool:
        needle = " " + " ".join(self.words) + ("" if self.prefix else " ")
        if needle in ix.texts[self.field]:
            return True
        # a bare PMID or DOI finds its record, as PubMed's term mapping does
        return self.field in ("", "all") and (
            self.raw in ix.ids["pmid"] or self.raw.casefold() in ix.ids["doi"])

    def __str__(self) -> str:
        return _quoted(self.raw, self.prefix) + (f"[{self.field}]" if self.field else "")


@dataclass(frozen=True)
class Heading(Node):
    """A MeSH descriptor (`field` "mh") or publication type ("pt") by name, exact or truncated."""

    field: str
    raw: str
    name: str
    prefix: bool = False

    def test(self, ix: IndexedRecord) -> bool:
        names = ix.headings[self.field]
        return self.name in names or (self.prefix and any(n.startswith(self.name) for n in names))

    def __str__(self) -> str:
        return f"{_quoted(self.raw, self.prefix)}[{self.field}]"


def _author_matches(query: tuple[str, ...], author: tuple[str, ...], prefix: bool) -> bool:
    """PubMed's author rule: "Tough" and "Tough E" find "Tough EA"; "Toug" does not."""
    if not query or len(query) > len(author) or author[: len(query) - 1] != query[:-1]:
        return False
    word = author[len(query) - 1]
    initials = len(query) > 1 and len(query) == len(author)
    return word == query[-1] or ((prefix or initials) and word.startswith(query[-1]))


@dataclass(frozen=True)
class Author(Node):
    """An author name ("LastName Initials"); `first_only` for [1au]."""

    raw: str
    words: tuple[str, ...]
    first_only: bool = False
    prefix: bool = False

    def test(self, ix: IndexedRecord) -> bool:
        authors = ix.authors[:1] if self.first_only else ix.authors
        return any(_author_matches(self.words, a, self.prefix) for a in authors)

    def __str__(self) -> str:
        return f"{_quoted(self.raw, self.prefix)}[{'1au' if self.first_only else 'au'}]"


def _identifier_key(field: str, raw: str) -> str:
    value = raw.strip()
    if field in ("doi", "aid"):
        return re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value.casefold())
    if field == "pmcid":
        return f"PMC{value}" if value.isdigit() else value.upper()
    if field == "ta":
        return journal_key(value)
    if field == "pg":
        return first_page(value)
    if field == "la":
        return _LANGUAGES.get(value.casefold(), value.casefold())
    return value.casefold()


@dataclass(frozen=True)
class Identifier(Node):
    """An exact key: PMID, DOI, PMCID, journal, volume, first page or language."""

    field: str
    raw: str
    key: str

    def test(self, ix: IndexedRecord) -> bool:
        return self.key in ix.ids[self.field]

    def __str__(self) -> str:
        return f"{_quoted(self.raw)}[{self.field}]"


@dataclass(frozen=True)
class DateRange(Node):
    """Publication dates from `start` to `end` inclusive, as (year, month, day)."""

    raw: str
    start: tuple[int, int, int]
    end: tuple[int, int, int]

    def test(self, ix: IndexedRecord) -> bool:
        return ix.date is not None and self.start <= ix.date <= self.end

    def __str__(self) -> str:
        return f"{_quoted(self.raw)}[dp]"


@dataclass(frozen=True)
class Subset(Node):
    """A PubMed subset (`SUBSETS`)."""

    name: str

    def test(self, ix: IndexedRecord) -> bool:
        return SUBSETS[self.name](ix)

    def __str__(self) -> str:
        return f"{_quoted(self.name)}[sb]"


@dataclass(frozen=True)
class Bool(Node):
    """`left` AND / OR / NOT `right` (NOT means AND NOT, as in PubMed)."""

    op: str
    left: Node
    right: Node

    def test(self, ix: IndexedRecord) -> bool:
        if self.op == "OR":
            return self.left.test(ix) or self.right.test(ix)
        return self.left.test(ix) and (self.right.test(ix) != (self.op == "NOT"))

    def __str__(self) -> str:
        return f"({self.left} {self.op} {self.right})"


def _date_parts(text: str) -> tuple[int, int | None, int | None] | None:
    found = re.fullmatch(r"\s*(\d{4})(?:[/-](\d{1,2})(?:[/-](\d{1,2}))?)?\s*", text)
    if not found:
        return None
    year, month, day = (int(g) if g else None for g in found.groups())
    if not 1 <= (month or 1) <= 12 or not 1 <= (day or 1) <= 31:
        return None
    return year, month, day


def date_range(raw: str, position: int) -> DateRange:
    """The [dp] node for `raw` ("2015", "2015/03", "2015:2020"); errors point at `position`."""
    low, _, high = raw.partition(":")
    first, last = _date_parts(low), _date_parts(high if ":" in raw else low)
    if first is None or last is None:
        raise QuerySyntaxError(
            f"bad date {raw!r} in [dp]: expected YYYY, YYYY/MM, YYYY/MM/DD or FROM:TO", position)
    start = (first[0], first[1] or 1, first[2] or 1)
    end = (last[0], last[1] or 12, last[2] or 31)
    if start > end:
        raise QuerySyntaxError(f"date range {raw!r} ends before it starts", position)
    return DateRange(raw.strip(), start, end)


def term(tag: str, raw: str, position: int = 0, tag_position: int | None = None) -> Node:
    """The leaf node for `raw` under field `tag` ("" for none; aliases allowed); `*` truncates."""
    field = FIELD_TAGS.get(" ".join(tag.casefold().split())) if tag else ""
    if field is None:
        known = " ".join(f"[{t}]" for t in dict.fromkeys(FIELD_TAGS.values()))
        where = position if tag_position is None else tag_position
        raise QuerySyntaxError(f"unknown field tag [{tag}] (known: {known})", where)
    prefix = raw.endswith("*")
    core = raw[:-1] if prefix else raw
    if "*" in core or (prefix and field not in ("", "tiab", "ti", "ab", "tw", "all", "mh", "pt",
                                                 "au", "1au")):
        raise QuerySyntaxError(f"'*' is only allowed at the end of a text term: {raw!r}", position)
    if field == "dp":
        return date_range(core, position)
    if field == "sb":
        name = " ".join(words(core))
        if name not in SUBSETS:
            raise QuerySyntaxError(
                f"unknown subset {core!r}[sb] (known: {', '.join(sorted(SUBSETS))})", position)
        return Subset(name)
    found = words(core)
    if not found or not core.strip():
        raise QuerySyntaxError(f"term {raw!r} has nothing to search for", position)
    if field == "mh":  # qualifiers are not kept offline: "Dry Needling/methods" is the descriptor
        return Heading(field, core, " ".join(words(core.split("/")[0])), prefix)
    if field == "pt":
        return Heading(field, core, " ".join(found), prefix)
    if field in ("au", "1au"):
        return Author(core, found, field == "1au", prefix)
    if field in ("", "tiab", "ti", "ab", "tw", "all"):
        return Text(field, core, found, prefix)
    return Identifier(field, core, _identifier_key(field, core))
