"""PubMed records and search answers as frozen plain data, faithful to PubMed's own fields.

Convenience (retraction status, links) is a view on top, computed from those fields, never a
rewrite of them. Nothing here imports HTTP, SQLite, templates or the clock.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
DOI_URL = "https://doi.org/{doi}"

RETRACTED_PUBLICATION = "Retracted Publication"  # the retracted paper itself
RETRACTION_NOTICE = "Retraction of Publication"  # the notice that retracts another paper


@dataclass(frozen=True)
class AbstractSection:
    """One `AbstractText`: `label` and `category` (NlmCategory) are empty for unstructured ones.

    `text` keeps PubMed's inline markup (`<i>`, `<sub>`, MathML) as PubMed sent it; sanitising is
    the report's job.
    """

    text: str
    label: str = ""
    category: str = ""


@dataclass(frozen=True)
class CommentCorrection:
    """One `CommentsCorrections` entry, e.g. `ref_type="RetractionIn"`, `pmid` of the notice."""

    ref_type: str
    pmid: str = ""
    source: str = ""


@dataclass(frozen=True)
class Record:
    """One PubMed article as efetch returns it (the fields this tool uses)."""

    pmid: str
    title: str
    abstract: tuple[AbstractSection, ...] = ()
    authors: tuple[str, ...] = ()  # "LastName Initials", or a collective name
    journal: str = ""
    journal_iso: str = ""
    year: int | None = None
    pub_date: str = ""  # as PubMed prints it, e.g. "2009 Jan"
    volume: str = ""
    issue: str = ""
    pages: str = ""  # MedlinePgn, e.g. "3-10"
    doi: str = ""
    pmcid: str = ""
    publication_types: tuple[str, ...] = ()
    mesh_terms: tuple[str, ...] = ()  # descriptor names
    keywords: tuple[str, ...] = ()
    comments_corrections: tuple[CommentCorrection, ...] = ()
    language: str = ""

    @property
    def url(self) -> str:
        return PUBMED_URL.format(pmid=self.pmid)

    @property
    def abstract_text(self) -> str:
        return " ".join(section.text for section in self.abstract)

    @property
    def is_retracted(self) -> bool:
        """True for the retracted paper itself, never for the retraction notice."""
        return RETRACTED_PUBLICATION in self.publication_types or bool(self.retraction_notices)

    @property
    def retraction_notices(self) -> tuple[str, ...]:
        """PMIDs of the notices that retract this record (`RetractionIn`)."""
        return tuple(c.pmid for c in self.comments_corrections if c.ref_type == "RetractionIn")

    @property
    def concern_notices(self) -> tuple[str, ...]:
        """PMIDs of expressions of concern about this record."""
        return tuple(
            c.pmid for c in self.comments_corrections if c.ref_type == "ExpressionOfConcernIn"
        )

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Record":
        """Inverse of `to_dict` (used by the cache)."""
        values = dict(data)
        values["abstract"] = tuple(AbstractSection(**s) for s in data.get("abstract", ()))
        values["comments_corrections"] = tuple(
            CommentCorrection(**c) for c in data.get("comments_corrections", ())
        )
        for name in ("authors", "publication_types", "mesh_terms", "keywords"):
            values[name] = tuple(data.get(name, ()))
        return cls(**values)


@dataclass(frozen=True)
class SearchResult:
    """An esearch answer. `count` is PubMed's total; `pmids` the first `retmax` of them.

    `phrases_not_found` comes from esearch's ErrorList/PhraseNotFound: a valid zero-hit answer
    whose phrases the report shows, so a typo in a curated query is visible.
    """

    query: str
    count: int
    pmids: tuple[str, ...]
    query_translation: str = ""
    phrases_not_found: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    as_of: str = ""  # ISO timestamp when the answer was obtained (set by the edge, not here)
    stale: bool = False  # served from cache because PubMed failed
    stale_reason: str = ""  # the PubMed failure that made the cache answer (empty offline)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "SearchResult":
        values = dict(data)
        for name in ("pmids", "phrases_not_found", "warnings"):
            values[name] = tuple(data.get(name, ()))
        return cls(**values)


@dataclass(frozen=True)
class SourceInfo:
    """What answered a run: `kind` is "pubmed" or "library"; `detail` a URL or file list."""

    kind: str
    detail: str = ""
    stale: bool = False
    as_of: str = ""
    notes: tuple[str, ...] = field(default=())
    # (pmid, when the copy was fetched, the PubMed failure) for each record served from an
    # expired cache entry because fetching failed, so each claim can say which of its rest on one
    stale_records: tuple[tuple[str, str, str], ...] = field(default=())
