"""The one interface every PubMed source implements: live E-utilities, offline library, fakes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Protocol

from evidence_tracker.records import Record, SearchResult, SourceInfo


@dataclass(frozen=True)
class Citation:
    """One free-text citation for ECitMatch; `key` is echoed back so answers match by key."""

    key: str
    journal: str = ""
    year: str = ""
    volume: str = ""
    first_page: str = ""
    author: str = ""


@dataclass(frozen=True)
class CitationMatch:
    """ECitMatch's answer for one `key`: one PMID, several (ambiguous), or none."""

    key: str
    pmids: tuple[str, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return len(self.pmids) > 1


class PubMedSource(Protocol):
    """Search and fetch PubMed records.

    Implementations raise `evidence_tracker.errors.PubMedFailure` (or a subclass) when a request
    cannot be answered; they never turn a failure into an empty answer.
    """

    def info(self) -> SourceInfo:
        """Describe the source for the report header."""
        ...

    def search(self, query: str, *, retmax: int = 100) -> SearchResult:
        """Run one PubMed query; return up to `retmax` PMIDs (most recent first)."""
        ...

    def fetch(self, pmids: Iterable[str]) -> Mapping[str, Record]:
        """Fetch records by PMID; PMIDs PubMed does not know are absent from the mapping."""
        ...

    def match_citations(self, citations: Iterable[Citation]) -> Mapping[str, CitationMatch]:
        """Resolve free-text citations (ECitMatch); keys missing from the answer matched nothing."""
        ...
