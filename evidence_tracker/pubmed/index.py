"""Records indexed for the offline query engine: normalised texts, identifier keys, subsets.

Each `Record` is reduced once to the forms a query compares against: its words without markup,
accents or case; the exact keys of its identifiers; its MeSH and publication-type names (with the
broader types PubMed also files them under); its authors as words; its earliest publication day.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Mapping

from evidence_tracker.records import Record


_DROP_FROM_JOURNALS = frozenset({"the", "and"})  # "&" vs "and", "The Journal" vs "Journal"
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

_index_cached = lru_cache(maxsize=65536)(IndexedRecord.of)


def index(record: Record | IndexedRecord) -> IndexedRecord:
    """`record` indexed for matching (cached, so repeated searches index each record once)."""
    return record if isinstance(record, IndexedRecord) else _index_cached(record)
