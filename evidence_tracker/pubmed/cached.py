"""A `PubMedSource` that asks PubMed only what the cache cannot answer, and falls back to it.

- search: a fresh cached answer (younger than the search TTL) is used unless `refresh`; otherwise
  PubMed is asked and the answer cached. When PubMed fails, the last cached answer is returned
  marked `stale=True` with its `as_of`; with no cached answer the failure propagates, so the
  claim is "not checked" rather than "0 hits".
- fetch: only PMIDs not fetched earlier in this run and not cached within the record TTL go to
  PubMed; each PMID is asked at most once per run. If PubMed fails, older cached copies stand in;
  if any PMID has no copy at all the failure propagates (a missing record must not read as "PubMed
  does not know this PMID").
- offline: nothing goes to PubMed; answers come from the cache only, old ones marked stale.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime
from typing import Callable, Iterable, Mapping

from evidence_tracker.clock import utc_now
from evidence_tracker.errors import PubMedFailure, PubMedUnavailable
from evidence_tracker.pubmed.cache import Cached, PubMedCache
from evidence_tracker.pubmed.interface import Citation, CitationMatch, PubMedSource
from evidence_tracker.pubmed.ratelimit import RequestStats
from evidence_tracker.records import Record, SearchResult, SourceInfo

log = logging.getLogger(__name__)



class CachedSource:
    """`live` PubMed behind `cache`; `stats` is the run's request and cache accounting."""

    def __init__(self, live: PubMedSource | None, cache: PubMedCache, *,
                 search_ttl_hours: float = 20.0, record_ttl_days: float = 30.0,
                 refresh: bool = False, offline: bool = False,
                 stats: RequestStats | None = None,
                 now: Callable[[], datetime] = utc_now) -> None:
        if live is None and not offline:
            raise ValueError("a CachedSource without a live source must be offline")
        self.live, self.cache = live, cache
        self.search_ttl, self.record_ttl = search_ttl_hours * 3600, record_ttl_days * 86400
        self.refresh, self.offline, self._now = refresh, offline, now
        self.stats = stats or getattr(live, "stats", None) or RequestStats()
        self._records: dict[str, Record] = {}  # got this run, from PubMed or the cache
        self._asked: set[str] = set()  # PMIDs PubMed was asked for this run, found or not
        self._stale_as_of: list[str] = []  # when each stale answer we served was obtained
        self._stale_records: dict[str, tuple[str, str]] = {}  # pmid -> (fetched at, failure)

    def stats_dict(self) -> dict:
        """report.json's `requests` object: requests per endpoint, retries, 429s, bytes, cache."""
        return self.stats.to_dict()

    def info(self) -> SourceInfo:
        """The live source's description, marked stale (oldest `as_of`) if any answer was."""
        base = (self.live.info() if self.live is not None
                else SourceInfo(kind="pubmed", detail=f"cache {self.cache.path}"))
        notes = list(base.notes)
        if self.offline:
            notes.append("offline: answers come from the PubMed cache only")
        if self._stale_as_of:
            notes.append(f"{len(self._stale_as_of)} answers came from the cache, not from "
                         "PubMed (stale)")
        if self.cache.disabled_reason:
            notes.append(f"PubMed cache not used: {self.cache.disabled_reason}")
        return dataclasses.replace(base, stale=bool(self._stale_as_of),
                                   as_of=min(self._stale_as_of, default=base.as_of),
                                   notes=tuple(notes), stale_records=tuple(
                                       (p, at, why) for p, (at, why) in self._stale_records.items()))

    def search(self, query: str, *, retmax: int = 100) -> SearchResult:
        """Answer `query` from the cache when fresh, else from PubMed, else from an old answer."""
        cached = self.cache.get_search(query, retmax)
        fresh = cached is not None and cached.age(self._now()) < self.search_ttl
        if fresh and (self.offline or not self.refresh):
            self.stats.count_cache("search_hits")
            return cached.value
        if self.offline:
            return self._stale(cached, PubMedUnavailable(
                "offline, and the PubMed cache holds no answer to this query"))
        try:
            result = self.live.search(query, retmax=retmax)
        except PubMedFailure as exc:
            return self._stale(cached, exc)
        self.stats.count_cache("search_misses")
        self.cache.put_search(result, retmax)
        return result

    def _stale(self, cached: Cached | None, failure: PubMedFailure) -> SearchResult:
        if cached is None:
            raise failure
        as_of = cached.value.as_of or cached.fetched_at
        log.warning("using the cached answer of %s for %r: %s", as_of, cached.value.query,
                    failure.reason)
        self.stats.count_cache("search_stale")
        self._stale_as_of.append(as_of)
        return dataclasses.replace(cached.value, stale=True, as_of=as_of,
                                   stale_reason="" if self.offline else failure.reason)

    def fetch(self, pmids: Iterable[str]) -> Mapping[str, Record]:
        """Records for `pmids`: this run's, fresh cached ones, then PubMed for the rest."""
        wanted = list(dict.fromkeys(p.strip() for p in pmids if p.strip()))
        todo = [p for p in wanted if p not in self._records and p not in self._asked]
        cached = self.cache.get_records(todo)
        now = self._now()
        usable = {p: c.value for p, c in cached.items() if c.age(now) < self.record_ttl}
        self._records.update(usable)
        self.stats.count_cache("records_cached", len(usable))
        need = [p for p in todo if p not in usable]
        if need:
            self._fetch_missing(need, cached)
        return {p: self._records[p] for p in wanted if p in self._records}

    def _fetch_missing(self, need: list[str], cached: Mapping[str, Cached]) -> None:
        try:
            if self.offline:
                raise PubMedUnavailable("offline, and the PubMed cache does not hold every "
                                        "record asked for")
            fetched = self.live.fetch(need)
        except PubMedFailure as exc:
            missing = [p for p in need if p not in cached]
            if missing:
                raise type(exc)(f"{exc.reason}; no cached copy of PMID {', '.join(missing[:5])}"
                                + (" and others" if len(missing) > 5 else ""),
                                advice=exc.advice) from exc
            log.warning("using %d cached records older than the TTL: %s", len(need), exc.reason)
            self._records.update((p, cached[p].value) for p in need)
            self._stale_as_of.append(min(cached[p].fetched_at for p in need))
            self._stale_records.update((p, (cached[p].fetched_at, exc.reason)) for p in need)
            self.stats.count_cache("records_stale", len(need))
            return
        self._asked.update(need)
        self._records.update(fetched)
        self.stats.count_cache("records_fetched", len(fetched))
        self.cache.put_records(fetched)

    def match_citations(self, citations: Iterable[Citation]) -> Mapping[str, CitationMatch]:
        """ECitMatch through the live source (not cached: a run sends few and they change)."""
        if self.offline:
            raise PubMedUnavailable("offline: matching citations needs PubMed")
        return self.live.match_citations(citations)
