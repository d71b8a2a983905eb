"""Parse a PubMed query and evaluate it over `Record`s: the offline library's search engine.

The subset of PubMed syntax understood here:

- Boolean operators `AND`, `OR`, `NOT` (any case), evaluated strictly left to right without
  precedence, as PubMed does: `a OR b AND c` is `(a OR b) AND c`. Parentheses group. Adjacent
  terms without an operator are joined by AND. A leading, trailing or doubled operator is an error.
- Terms: single words, `"quoted phrases"` (consecutive words), trailing `*` truncation on the last
  word (`needl*`, `"trigger point*"`). Words written before a field tag without quotes form one
  phrase, as in PubMed: `low back pain[mh]` is `"low back pain"[mh]`.
- Field tags (short or PubMed's long names): `[tiab]` title, abstract and author keywords;
  `[ti]`; `[ab]`; `[tw]` text words (title, abstract, MeSH, keywords, publication types);
  `[mh]` (also `[mesh]`, `[majr]`, `[mh:noexp]`; MeSH descriptor names, exact or truncated; a
  `/qualifier` is dropped); `[pt]` publication type by name, with the few narrower types PubMed
  includes (`BROADER_TYPES`: `clinical trial[pt]` finds RCTs); `[au]` author (`Tough EA`,
  `Tough E`, `Tough`) and `[1au]` first author; `[dp]` publication date `2015`, `2015/03`,
  `2015/03/01` or a range `2015:2020`, `2015/01/01:2020` (also `"2015"[dp] : "2020"[dp]`);
  `[sb]` subsets (`SUBSETS`; `systematic[sb]` = a Systematic Review or Meta-Analysis type, or
  those words in the title); `[aid]`/`[doi]` DOI (case-insensitive; `[aid]` also takes a
  PMCID); `[pmid]`/`[uid]`; `[pmcid]`; `[ta]` journal (ISO abbreviation or full title); `[vi]`
  volume; `[pg]` first page; `[la]` language; `[all]` every field.
- Unfielded terms search title, abstract, MeSH and keywords (and, for a single bare token, PMID
  and DOI). This approximates PubMed's automatic term mapping, which also expands synonyms and
  MeSH entry terms; offline there is no such mapping.

Matching is case-insensitive and accent-insensitive on whole words; punctuation and hyphens
separate words (`dry-needling` = `"dry needling"`); inline markup is ignored. MeSH is matched by
descriptor name only: offline there is no tree, so `pain[mh]` does not find `Chronic Pain`
(PubMed explodes it), and `[majr]` cannot tell major topics apart. Identifiers containing
brackets, quotes or parentheses must be quoted. Not supported (a syntax error, never a silent
miss): other field tags, proximity searches (`"a b"[tiab:~3]`), `[pt:noexp]`.

This module reads a query and runs it. The tree it builds (one node kind per group of field
tags, and `term` to make a leaf) is in `nodes`; evaluation runs on `IndexedRecord`s (in `index`),
which hold each record's normalised texts, computed once. Their public names are re-exported here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from evidence_tracker.pubmed.index import (
    BROADER_TYPES, SUBSETS, IndexedRecord, first_page, index, journal_key, words,
)
from evidence_tracker.pubmed.nodes import (
    FIELD_TAGS, Author, Bool, DateRange, Heading, Identifier, Node, QuerySyntaxError, Subset, Text,
    date_range, term,
)
from evidence_tracker.records import Record

__all__ = [
    "BROADER_TYPES", "FIELD_TAGS", "SUBSETS", "Author", "Bool", "DateRange", "Heading",
    "Identifier", "IndexedRecord", "Node", "QuerySyntaxError", "Subset", "Text", "date_range",
    "first_page", "index", "journal_key", "leaves", "matches", "parse_query", "search_records",
    "term", "validate_query", "words",
]
_OPERATORS = ("AND", "OR", "NOT")


@dataclass(frozen=True)
class _Token:
    kind: str  # lp rp phrase word op tag range
    text: str
    pos: int


_TYPOGRAPHIC_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"'})
_TOKEN = re.compile(r"""(?P<space>\s+)|(?P<lp>\()|(?P<rp>\))|"(?P<phrase>[^"]*)"|(?P<quote>")
    |\[(?P<tag>[^\[\]]*)\]|(?P<bracket>[\[\]])|(?P<word>[^\s()"\[\]]+)""", re.X)


def _tokens(text: str) -> list[_Token]:
    found = []
    for match in _TOKEN.finditer(text):
        kind, pos = match.lastgroup, match.start()
        if kind == "quote":
            raise QuerySyntaxError("unterminated quote", pos)
        if kind == "bracket":
            what = "field tag '[' is never closed" if match.group() == "[" else "']' without '['"
            raise QuerySyntaxError(what, pos)
        if kind != "space":
            found.append(_Token(kind, match.group(kind), pos))
    return [_classify(token, found[i + 1] if i + 1 < len(found) else None)
            for i, token in enumerate(found)]


def _classify(token: _Token, following: _Token | None) -> _Token:
    """A bare AND/OR/NOT is an operator unless a field tag makes it a word; a lone ':' a range."""
    if token.kind == "word" and token.text.upper() in _OPERATORS:
        if following is None or following.kind != "tag":
            return _Token("op", token.text.upper(), token.pos)
    if token.kind == "word" and token.text == ":":
        return _Token("range", ":", token.pos)
    return token


class _Parser:
    """Recursive descent over the tokens; operators combine strictly left to right."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text.translate(_TYPOGRAPHIC_QUOTES))  # same length: positions hold
        self.i = 0

    def kind(self, offset: int = 0) -> str:
        at = self.i + offset
        return self.tokens[at].kind if at < len(self.tokens) else ""

    def take(self) -> _Token:
        self.i += 1
        return self.tokens[self.i - 1]

    def expression(self, opener: _Token | None) -> Node:
        """Terms and operators up to the end or the `)` closing `opener`, combined left to right."""
        node, op = None, None
        while self.kind() not in ("", "rp"):
            if self.kind() == "op":
                op = self.operator(node, op)
                continue
            operand = self.unit()
            node = operand if node is None else Bool(op.text if op else "AND", node, operand)
            op = None
        if op is not None:
            raise QuerySyntaxError(f"operator {op.text} has no term after it", op.pos)
        self.check_closed(opener)
        if node is None:
            raise QuerySyntaxError(*(("empty parentheses", opener.pos) if opener else
                                     ("empty query", 0)))
        return node

    def operator(self, node: Node | None, pending: _Token | None) -> _Token:
        token = self.take()
        if pending is not None:
            what = f"operator {token.text} follows operator {pending.text} with no term between"
            raise QuerySyntaxError(what, token.pos)
        if node is None:
            raise QuerySyntaxError(f"operator {token.text} has no term before it", token.pos)
        return token

    def check_closed(self, opener: _Token | None) -> None:
        if self.kind() == "" and opener is not None:
            raise QuerySyntaxError("unbalanced parentheses: '(' is never closed", opener.pos)
        if self.kind() == "rp" and opener is None:
            at = self.tokens[self.i].pos
            raise QuerySyntaxError("unbalanced parentheses: ')' without '('", at)

    def unit(self) -> Node:
        token = self.tokens[self.i]
        if token.kind == "lp":
            self.take()
            node = self.expression(token)
            self.take()  # the ')'
            if self.kind() == "tag":
                raise QuerySyntaxError("a field tag must follow a term, not ')'", self.take().pos)
            return node
        if token.kind in ("tag", "range"):
            what = f"field tag [{token.text}]" if token.kind == "tag" else "':'"
            raise QuerySyntaxError(f"{what} has no term before it", token.pos)
        node = self.leaf()
        if isinstance(node, DateRange) and self.kind() == "range":
            node = self.date_span(node, self.take())
        return node

    def leaf(self) -> Node:
        first = self.take()
        parts = [first.text]
        if first.kind == "word":  # unquoted words before a field tag form one phrase
            end = self.i
            while self.kind(end - self.i) == "word" and not self.tokens[end - 1].text.endswith("*"):
                end += 1
            if end > self.i and end < len(self.tokens) and self.tokens[end].kind == "tag":
                parts += [t.text for t in self.tokens[self.i:end]]
                self.i = end
        tag = self.take() if self.kind() == "tag" else None
        return term(tag.text if tag else "", " ".join(parts), first.pos, tag.pos if tag else None)

    def date_span(self, first: DateRange, colon: _Token) -> DateRange:
        if self.kind() not in ("word", "phrase"):
            raise QuerySyntaxError("':' must join two [dp] dates", colon.pos)
        last = self.leaf()
        if not isinstance(last, DateRange):
            raise QuerySyntaxError("':' must join two [dp] dates", colon.pos)
        return date_range(f"{first.raw.split(':')[0]}:{last.raw.split(':')[-1]}", colon.pos)


def parse_query(text: str) -> Node:
    """Parse PubMed query `text` into a tree; raise `QuerySyntaxError` saying what and where."""
    return _Parser(text).expression(None)


def validate_query(text: str) -> None:
    """Raise `QuerySyntaxError` if `text` is not a query this engine can run."""
    parse_query(text)


def matches(node: Node, record: Record | IndexedRecord) -> bool:
    """True if `record` satisfies the parsed query `node`."""
    return node.test(index(record))


def search_records(query: str | Node, records: Iterable[Record | IndexedRecord]) -> list[Record]:
    """The `records` that satisfy `query` (text or parsed), in their given order."""
    node = parse_query(query) if isinstance(query, str) else query
    return [ix.record for ix in map(index, records) if node.test(ix)]


def leaves(node: Node) -> list[Node]:
    """The terms of `node`, left to right (to report terms that found nothing)."""
    if isinstance(node, Bool):
        return leaves(node.left) + leaves(node.right)
    return [node]
