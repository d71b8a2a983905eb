"""A SQLite cache of PubMed answers: searches by normalised query, records by PMID.

The cache only ever saves requests, so it must never stop a run: a corrupt, locked or unwritable
file gives one warning and the cache switches itself off for the rest of the run. Every write is
one transaction. `":memory:"` works (tests).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from evidence_tracker.clock import utc_now
from evidence_tracker.records import Record, SearchResult

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

# Version 1. Times are ISO 8601 UTC strings, which sort as they compare. Searches are keyed by the
# normalised query alone: answers do not depend on who asked, so api_key and email never appear.
SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (
    version     INTEGER NOT NULL            -- the one row says which DDL version this file has
);
CREATE TABLE IF NOT EXISTS searches (
    query_key   TEXT PRIMARY KEY,           -- normalise_query(query): spaces collapsed, casefolded
    retmax      INTEGER NOT NULL,           -- how many PMIDs were asked for
    fetched_at  TEXT NOT NULL,              -- when PubMed gave this answer
    answer      TEXT NOT NULL               -- JSON: SearchResult.to_dict()
);
CREATE TABLE IF NOT EXISTS records (
    pmid        TEXT PRIMARY KEY,
    fetched_at  TEXT NOT NULL,              -- refreshed after the record TTL: retractions change
    record      TEXT NOT NULL               -- JSON: Record.to_dict()
);
"""


def normalise_query(query: str) -> str:
    """The cache key of `query`: whitespace collapsed and case folded (PubMed ignores both)."""
    return " ".join(query.split()).casefold()



@dataclass(frozen=True)
class Cached:
    """A cached `value` (SearchResult or Record) and when PubMed gave it (ISO 8601, UTC)."""

    value: SearchResult | Record
    fetched_at: str

    def age(self, now: datetime) -> float:
        """Seconds between `fetched_at` and `now`."""
        return (now - datetime.fromisoformat(self.fetched_at)).total_seconds()


class PubMedCache:
    """Searches and records from earlier runs; every failure switches the cache off, once.

    It stores and returns answers with their age; whether an answer is fresh enough is the
    caller's policy (`CachedSource`'s TTLs).
    """

    def __init__(self, path: str | Path, *, timeout: float = 2.0,
                 now: Callable[[], datetime] = utc_now) -> None:
        self.path, self._timeout, self._now = str(path), timeout, now
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self.disabled_reason = ""
        try:
            self._open()
        except (sqlite3.Error, OSError) as exc:
            self._disable(exc)

    @property
    def available(self) -> bool:
        return self._db is not None

    def _open(self) -> None:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=self._timeout, check_same_thread=False)
        with self._db:
            self._db.executescript(SCHEMA)
            row = self._db.execute("SELECT max(version) FROM schema_version").fetchone()
            if row[0] is None:
                self._db.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
            elif row[0] != SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"schema version {row[0]}, expected {SCHEMA_VERSION}")

    def _guard(self, action: Callable, *args, default=None):
        """Run `action`; on a SQLite or file error warn once and switch the cache off."""
        with self._lock:
            if self._db is None:
                return default
            try:
                return action(*args)
            except (sqlite3.Error, OSError, ValueError) as exc:
                self._disable(exc)
                return default

    def _disable(self, exc: Exception) -> None:
        self.disabled_reason = f"{type(exc).__name__}: {exc}"
        log.warning("PubMed cache %s is unusable (%s); continuing without it",
                    self.path, self.disabled_reason)
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
        self._db = None

    def close(self) -> None:
        """Close the file (further calls answer nothing and store nothing)."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def get_search(self, query: str, retmax: int) -> Cached | None:
        """The cached answer to `query` if it holds at least `retmax` PMIDs (or all hits)."""
        return self._guard(self._get_search, query, retmax)

    def _get_search(self, query: str, retmax: int) -> Cached | None:
        row = self._db.execute(
            "SELECT retmax, fetched_at, answer FROM searches WHERE query_key = ?",
            (normalise_query(query),)).fetchone()
        if row is None:
            return None
        result = SearchResult.from_dict(json.loads(row[2]))
        if row[0] < retmax and len(result.pmids) < result.count:
            return None  # cached with a smaller retmax: cannot answer this one
        result = SearchResult.from_dict({**result.to_dict(), "query": query,
                                         "pmids": list(result.pmids[:retmax])})
        return Cached(result, row[1])

    def put_search(self, result: SearchResult, retmax: int) -> None:
        """Store `result` (asked with `retmax`) as the latest answer to its query."""
        self._guard(self._put_search, result, retmax)

    def _put_search(self, result: SearchResult, retmax: int) -> None:
        answer = {**result.to_dict(), "stale": False}
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO searches VALUES (?, ?, ?, ?)",
                             (normalise_query(result.query), retmax, self._stamp(),
                              json.dumps(answer)))

    def get_records(self, pmids: Iterable[str]) -> dict[str, Cached]:
        """Cached records for those of `pmids` the cache holds, whatever their age."""
        return self._guard(self._get_records, list(pmids), default={})

    def _get_records(self, pmids: list[str]) -> dict[str, Cached]:
        found: dict[str, Cached] = {}
        for start in range(0, len(pmids), 500):  # stay under SQLite's variable limit
            chunk = pmids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for pmid, fetched_at, record in self._db.execute(
                    f"SELECT pmid, fetched_at, record FROM records WHERE pmid IN ({marks})", chunk):
                found[pmid] = Cached(Record.from_dict(json.loads(record)), fetched_at)
        return found

    def put_records(self, records: Mapping[str, Record]) -> None:
        """Store `records` (PMID → Record) in one transaction."""
        self._guard(self._put_records, records)

    def _put_records(self, records: Mapping[str, Record]) -> None:
        stamp = self._stamp()
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?)",
                                 [(p, stamp, json.dumps(r.to_dict())) for p, r in records.items()])

    def _stamp(self) -> str:
        return self._now().astimezone(timezone.utc).isoformat(timespec="seconds")


@contextmanager
def open_cache(path: str | Path, **options) -> Iterator[PubMedCache]:
    """A `PubMedCache` at `path` (see its `options`), closed when the block ends."""
    cache = PubMedCache(path, **options)
    try:
        yield cache
    finally:
        cache.close()
