"""Build the PubMed source a run uses, from settings: live E-utilities (cached) or the library.

`--source auto` (the default) probes NCBI cheaply and falls back to the offline library when it
does not answer, saying so on stderr and in the report. `--offline` answers only from the cache
and the library. This is the only place that builds concrete PubMed adapters.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator

from evidence_tracker.config import Settings
from evidence_tracker.errors import PubMedFailure
from evidence_tracker.pubmed.interface import PubMedSource
from evidence_tracker.pubmed.library import LibrarySource
from evidence_tracker.records import SourceInfo

log = logging.getLogger(__name__)


@dataclass
class OpenedSource:
    """A ready source with its description and request statistics."""

    source: PubMedSource
    describe: Callable[[], SourceInfo]
    stats: Callable[[], dict] = field(default=lambda: {})

    def info(self) -> SourceInfo:
        return self.describe()


class FallbackSource:
    """Ask `first`; when it cannot answer (a `PubMedFailure`), ask `second` (used by --offline)."""

    def __init__(self, first: PubMedSource, second: PubMedSource) -> None:
        self.first, self.second = first, second

    def info(self) -> SourceInfo:
        info = self.first.info()
        return replace(info, notes=info.notes + ("cache misses answered by the offline library",))

    def search(self, query: str, *, retmax: int = 100):
        try:
            return self.first.search(query, retmax=retmax)
        except PubMedFailure:
            return self.second.search(query, retmax=retmax)

    def fetch(self, pmids):
        pmids = list(pmids)
        try:
            return self.first.fetch(pmids)
        except PubMedFailure:
            return self.second.fetch(pmids)

    def match_citations(self, citations):
        citations = list(citations)
        try:
            return self.first.match_citations(citations)
        except PubMedFailure:
            return self.second.match_citations(citations)


def library_source(settings: Settings) -> LibrarySource:
    """The offline library named by `settings.library` (files or folders)."""
    return LibrarySource([Path(p) for p in settings.library])


def client_settings(settings: Settings):
    """Map the merged settings onto the live client's own settings."""
    from evidence_tracker.pubmed.eutils import ClientSettings

    return ClientSettings(
        base_url=settings.eutils_url, tool=settings.tool, email=settings.email,
        api_key=settings.api_key, connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout, answer_seconds=settings.answer_seconds,
        max_retries=settings.max_retries,
        retry_budget_seconds=settings.retry_budget_seconds, backoff_base=settings.backoff_base)


@contextmanager
def open_source(settings: Settings, *, notify: Callable[[str], None] | None = None
                ) -> Iterator[OpenedSource]:
    """Yield the source for a run; closes its HTTP session and cache afterwards."""
    notify = notify or (lambda message: log.warning("%s", message))
    if settings.source == "library":
        library = library_source(settings)
        yield OpenedSource(library, library.info)
        return
    from evidence_tracker.pubmed.cache import open_cache
    from evidence_tracker.pubmed.cached import CachedSource
    from evidence_tracker.pubmed.eutils import EutilsClient

    if settings.offline:
        with open_cache(settings.cache_path) as cache:
            cached = CachedSource(None, cache, search_ttl_hours=settings.search_ttl_hours,
                                  record_ttl_days=settings.record_ttl_days, offline=True)
            fallback = FallbackSource(cached, library_source(settings))
            yield OpenedSource(fallback, fallback.info, cached.stats_dict)
        return
    client = EutilsClient(client_settings(settings))
    try:
        live = settings.source == "pubmed" or client.probe()
        if not live:
            notify("NCBI E-utilities did not answer; auditing against the offline library "
                   f"({', '.join(settings.library)}) instead")
            library = library_source(settings)
            yield OpenedSource(library, lambda: replace(
                library.info(), notes=("PubMed did not answer; offline library used",)))
            return
        with open_cache(settings.cache_path) as cache:
            cached = CachedSource(client, cache, search_ttl_hours=settings.search_ttl_hours,
                                  record_ttl_days=settings.record_ttl_days,
                                  refresh=settings.refresh)
            yield OpenedSource(cached, cached.info, cached.stats_dict)
    finally:
        client.close()
