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

Evaluation runs on `IndexedRecord`s, which hold each record's normalised texts, computed once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Mapping

from evidence_tracker.errors import BadInput
from evidence_tracker.records import Record


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
_OPERATORS = ("AND", "OR", "NOT")
_DROP_FROM_JOURNALS = frozenset({"the", "and"})  # "&" vs "and", "The Journal" vs "Journal"
_LANGUAGES = {"english": "eng", "french": "fre", "german": "ger", "spanish": "spa",
              "italian": "ita", "chinese": "chi", "japanese": "jpn", "portuguese": "por"}
# Publication types PubMed also finds under a broader one (`clinical trial[pt]` finds RCTs).
BROADER_TYPES: Mapping[str, tuple[str, ...]] = {
    "randomized controlled trial": ("controlled clinical trial", "clinical trial"),
    "controlled clinical trial": ("clinical trial",),
    "pragmatic clinical trial": ("clinical trial",),
    **{f"clinical trial phase {n}": ("clinical trial",) for n in ("i", "ii", "iii", "iv")},
    "systematic review": ("review",),
}
_MARKUP = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")  # tags, not "p < 0.05 > x"
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NON_WORD = re.compile(r"[\W_]+")


def words(text: str) -> tuple[str, ...]:
    """Normalised words of `text`: no markup, no accents, case folded, split at non-letters."""
    plain = _MARKUP.sub("", text)
    if not plain.isascii():  # the fast path matters: every abstract in the library comes here
        plain = _COMBINING.sub("", unicodedata.normalize("NFKD", plain))
    return tuple(w for w in _NON_WORD.split(plain.casefold()) if w)


def _normalised(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(" ".join(words(v)) for v in values)


def _joined(*groups: tuple[str, ...]) -> str:
    """One searchable text of normalised values; " | " keeps phrases from spanning two values."""
    return " " + " | ".join(v for group in groups for v in group) + " "


def journal_key(name: str) -> str:
    """Comparable form of a journal `name` (ISO abbreviation or full title)."""
    return " ".join(w for w in words(name) if w not in _DROP_FROM_JOURNALS)


def first_page(pages: str) -> str:
    """First page of a MEDLINE pagination `pages` such as "1905-17" or "e11225"."""
    return pages.split("-")[0].split(",")[0].strip().casefold()


def _date_parts(text: str) -> tuple[int, int | None, int | None] | None:
    found = re.fullmatch(r"\s*(\d{4})(?:[/-](\d{1,2})(?:[/-](\d{1,2}))?)?\s*", text)
    if not found:
        return None
    year, month, day = (int(g) if g else None for g in found.groups())
    if not 1 <= (month or 1) <= 12 or not 1 <= (day or 1) <= 31:
        return None
    return year, month, day


_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}


def _record_date(record: Record) -> tuple[int, int, int] | None:
    """Earliest day of the record's publication date ("2009 Jan", "2015 Jan-Feb", "2017")."""
    if record.year is None:
        return None
    month, day = 1, 1
    found = re.search(r"\b(\d{4})\s+([A-Za-z]{3,})\.?(?:\s+(\d{1,2})\b)?", record.pub_date)
    if found:
        name = found.group(2).casefold()
        month = _MONTHS.get(name[:3], _SEASONS.get(name, 1))
        day = int(found.group(3)) if found.group(3) else 1
    return record.year, month, day


def _types(publication_types: Iterable[str]) -> frozenset[str]:
    names = {" ".join(words(p)) for p in publication_types}
    return frozenset(names.union(*(BROADER_TYPES.get(n, ()) for n in names)))


@dataclass(frozen=True, eq=False)
class IndexedRecord:
    """A `record` with its normalised field texts and keys, computed once for many queries."""

    record: Record
    texts: Mapping[str, str]
    headings: Mapping[str, frozenset[str]]
    authors: tuple[tuple[str, ...], ...]
    ids: Mapping[str, frozenset[str]]
    date: tuple[int, int, int] | None

    @classmethod
    def of(cls, record: Record) -> "IndexedRecord":
        """Index `record` for matching."""
        mesh = frozenset(_normalised(record.mesh_terms))
        return cls(record=record, texts=_texts(record), authors=tuple(map(words, record.authors)),
                   headings={"mh": mesh, "pt": _types(record.publication_types)},
                   ids=_ids(record), date=_record_date(record))


def _texts(r: Record) -> dict[str, str]:
    """Each text field once normalised, then joined per field tag."""
    ti, ab, kw = _normalised((r.title,)), _normalised((r.abstract_text,)), _normalised(r.keywords)
    mh, pt = _normalised(r.mesh_terms), _normalised(r.publication_types)
    rest = _normalised(r.authors + (r.journal, r.journal_iso, r.doi))
    return {"ti": _joined(ti), "ab": _joined(ab), "tiab": _joined(ti, ab, kw),
            "": _joined(ti, ab, mh, kw), "tw": _joined(ti, ab, mh, kw, pt),
            "all": _joined(ti, ab, mh, kw, pt, rest)}


def _ids(r: Record) -> dict[str, frozenset[str]]:
    """The exact keys of the identifier fields (empty values dropped)."""
    doi, pmc = r.doi.strip().casefold(), r.pmcid.strip().upper()
    journals = (r.journal, r.journal.split(" : ")[0], r.journal_iso)
    keys = {"pmid": {r.pmid.strip()}, "doi": {doi}, "aid": {doi, pmc.casefold()}, "pmcid": {pmc},
            "ta": {journal_key(j) for j in journals}, "vi": {r.volume.strip().casefold()},
            "pg": {first_page(r.pages)},
            "la": {lang.strip().casefold() for lang in r.language.split(",")}}
    return {field: frozenset(values - {""}) for field, values in keys.items()}


def _systematic(ix: IndexedRecord) -> bool:
    """PubMed's systematic[sb] strategy, reduced to what a record shows: type, title, journal."""
    title = ix.texts["ti"]
    return (bool(ix.headings["pt"] & {"systematic review", "meta analysis"})
            or " systematic review" in title or " meta analys" in title
            or "cochrane database syst rev" in ix.ids["ta"])


# Subset name -> test.
SUBSETS: Mapping[str, Callable[[IndexedRecord], bool]] = {
    "systematic": _systematic,
    "medline": lambda ix: bool(ix.record.mesh_terms),  # indexed for MEDLINE = has MeSH
    "hasabstract": lambda ix: bool(ix.record.abstract_text.strip()),
    "free full text": lambda ix: bool(ix.record.pmcid),  # approximated by a PMC copy
    "pubmed pmc": lambda ix: bool(ix.record.pmcid),
    "retracted publication": lambda ix: ix.record.is_retracted,
}


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


def _date_range(raw: str, position: int) -> DateRange:
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
        return _date_range(core, position)
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
        return _date_range(f"{first.raw.split(':')[0]}:{last.raw.split(':')[-1]}", colon.pos)


def parse_query(text: str) -> Node:
    """Parse PubMed query `text` into a tree; raise `QuerySyntaxError` saying what and where."""
    return _Parser(text).expression(None)


def validate_query(text: str) -> None:
    """Raise `QuerySyntaxError` if `text` is not a query this engine can run."""
    parse_query(text)


_index_cached = lru_cache(maxsize=65536)(IndexedRecord.of)


def index(record: Record | IndexedRecord) -> IndexedRecord:
    """`record` indexed for matching (cached, so repeated searches index each record once)."""
    return record if isinstance(record, IndexedRecord) else _index_cached(record)


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
