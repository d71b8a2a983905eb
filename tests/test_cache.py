"""The SQLite PubMed cache and the caching/fallback source in front of a live one."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
import responses

import ncbi_bodies as ncbi
from evidence_tracker.errors import PubMedErrorResponse, PubMedUnavailable
from evidence_tracker.pubmed.cache import PubMedCache, normalise_query, open_cache
from evidence_tracker.pubmed.cached import CachedSource
from evidence_tracker.pubmed.eutils import ClientSettings, EutilsClient
from evidence_tracker.pubmed.ratelimit import RequestStats
from evidence_tracker.records import Record, SearchResult, SourceInfo

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class FakeLive:
    """A live source answering from dicts; `fail` makes every call raise it."""

    def __init__(self, searches: dict[str, tuple[str, ...]], records: dict[str, Record]):
        self.searches, self.records, self.calls = searches, records, []
        self.fail: Exception | None = None
        self.stats = RequestStats()

    def info(self) -> SourceInfo:
        return SourceInfo(kind="pubmed", detail="https://eutils.test/")

    def search(self, query, *, retmax=100):
        self.calls.append(("search", query))
        if self.fail:
            raise self.fail
        pmids = self.searches[query]
        return SearchResult(query, len(pmids), pmids[:retmax], as_of=f"run-{len(self.calls)}")

    def fetch(self, pmids):
        self.calls.append(("fetch", tuple(pmids)))
        if self.fail:
            raise self.fail
        return {p: self.records[p] for p in pmids if p in self.records}

    def match_citations(self, citations):
        return {}


def rec(pmid: str, title: str = "A trial") -> Record:
    return Record(pmid=pmid, title=title, year=2020, publication_types=("Journal Article",))


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def live():
    return FakeLive({"dry needling": ("1", "2"), "acupuncture": ("2", "3", "404")},
                    {p: rec(p) for p in ("1", "2", "3")})


def source(live, cache, clock=None, **kw) -> CachedSource:
    return CachedSource(live, cache, now=clock or Clock(), **kw)


def test_normalised_query_ignores_spacing_and_case():
    assert normalise_query("  Dry   Needling[tiab]\nAND pain ") == "dry needling[tiab] and pain"


def test_search_roundtrip_ttl_and_retmax(clock):
    cache = PubMedCache(":memory:", now=clock)
    pmids = tuple(map(str, range(20)))
    cache.put_search(SearchResult("Dry Needling", 63, pmids, as_of="x"), 20)
    hit = cache.get_search("dry  needling", 10)
    assert hit.age(T0) == 0 and hit.value.pmids == pmids[:10] and hit.value.count == 63
    assert hit.value.query == "dry  needling" and hit.fetched_at == "2026-11-24T02:00:00+00:00"
    assert cache.get_search("dry needling", 100) is None  # 20 of 63 cannot answer retmax 100
    assert cache.get_search("dry needling", 10).age(T0 + timedelta(hours=20)) == 72000
    cache.put_search(SearchResult("few", 2, ("1", "2")), 2)
    assert cache.get_search("few", 100).value.pmids == ("1", "2")  # all hits are cached


def test_records_roundtrip(clock):
    cache = PubMedCache(":memory:", now=clock)
    cache.put_records({"1": rec("1", "<i>One</i>")})
    got = cache.get_records(["1", "2"])
    assert list(got) == ["1"] and got["1"].value == rec("1", "<i>One</i>")
    assert got["1"].fetched_at == "2026-11-24T02:00:00+00:00"


def test_corrupt_cache_warns_once_and_the_run_goes_on(tmp_path, caplog, live):
    path = tmp_path / "pubmed-cache.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING):
        cache = PubMedCache(path)
        wrapped = source(live, cache)
        assert wrapped.search("dry needling").pmids == ("1", "2")
        assert set(wrapped.fetch(["1", "2"])) == {"1", "2"}
    warnings = [r for r in caplog.records if "unusable" in r.getMessage()]
    assert len(warnings) == 1 and str(path) in warnings[0].getMessage()
    assert not cache.available and "cache not used" in " ".join(wrapped.info().notes)


def test_locked_cache_warns_and_is_switched_off(tmp_path, caplog):
    path = tmp_path / "c.sqlite"
    cache = PubMedCache(path, timeout=0.05)
    blocker = sqlite3.connect(path)
    blocker.execute("BEGIN EXCLUSIVE")
    with caplog.at_level(logging.WARNING):
        cache.put_search(SearchResult("q", 0, ()), 100)
        cache.put_search(SearchResult("q", 0, ()), 100)
    blocker.rollback()
    assert [("locked" in r.getMessage()) for r in caplog.records] == [True]
    assert cache.get_search("q", 100) is None and not cache.available


def test_open_cache_closes_the_file(tmp_path):
    with open_cache(tmp_path / "sub" / "c.sqlite") as cache:
        assert cache.available and (tmp_path / "sub" / "c.sqlite").exists()
    assert not cache.available


def test_newer_schema_version_is_not_touched(tmp_path, caplog):
    path = tmp_path / "c.sqlite"
    PubMedCache(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE schema_version SET version = 99")
    with caplog.at_level(logging.WARNING):
        assert not PubMedCache(path).available
    assert "schema version 99" in caplog.text


def test_record_writes_are_one_transaction(tmp_path):
    path = tmp_path / "c.sqlite"
    PubMedCache(path).close()
    with sqlite3.connect(path) as db:  # make the second insert fail
        db.execute("CREATE TRIGGER boom BEFORE INSERT ON records WHEN NEW.pmid = '2' "
                   "BEGIN SELECT RAISE(ABORT, 'boom'); END")
    PubMedCache(path).put_records({"1": rec("1"), "2": rec("2")})
    assert PubMedCache(path).get_records(["1", "2"]) == {}


def test_fresh_search_comes_from_cache_then_refresh_asks_again(live, clock):
    cache = PubMedCache(":memory:", now=clock)
    assert source(live, cache, clock).search("dry needling").pmids == ("1", "2")
    again = source(live, cache, clock)
    assert again.search("Dry  needling").pmids == ("1", "2") and len(live.calls) == 1
    source(live, cache, clock, refresh=True).search("dry needling")
    clock.now += timedelta(hours=2)
    source(live, cache, clock).search("dry needling")
    source(live, cache, clock, search_ttl_hours=1).search("dry needling")
    clock.now += timedelta(hours=21)
    source(live, cache, clock).search("dry needling")
    assert live.calls == [("search", "dry needling")] * 4
    assert again.stats_dict()["cache"] == {"search_hits": 2, "search_misses": 4}


def test_failed_search_falls_back_to_last_answer_marked_stale(live, clock):
    cache = PubMedCache(":memory:", now=clock)
    source(live, cache, clock).search("dry needling")
    clock.now += timedelta(days=3)
    live.fail = PubMedUnavailable("NCBI did not answer esearch.fcgi within 30 s")
    wrapped = source(live, cache, clock)
    answer = wrapped.search("dry needling")
    assert answer.stale and answer.as_of == "run-1" and answer.pmids == ("1", "2")
    info = wrapped.info()
    assert info.stale and info.as_of == "run-1" and info.detail == "https://eutils.test/"
    with pytest.raises(PubMedUnavailable, match="within 30 s"):
        wrapped.search("acupuncture")  # never cached: not checked, never "0 hits"
    live.fail = PubMedErrorResponse("NCBI error: Search Backend failed: ...")
    assert wrapped.search("dry needling").stale


def test_fetch_asks_only_for_missing_records_once_per_run(live, clock):
    cache = PubMedCache(":memory:", now=clock)
    first = source(live, cache, clock)
    assert set(first.fetch(["1", "2"])) == {"1", "2"}
    assert set(first.fetch(["2", "3", "404"])) == {"2", "3"}
    assert first.fetch(["404", "3"]) == {"3": rec("3")}  # 404 unknown: not asked twice
    assert live.calls == [("fetch", ("1", "2")), ("fetch", ("3", "404"))]
    second = source(live, cache, clock)
    second.fetch(["1", "2", "3"])
    assert len(live.calls) == 2  # all cached within the record TTL
    clock.now += timedelta(days=31)
    source(live, cache, clock).fetch(["1", "2"])
    assert live.calls[-1] == ("fetch", ("1", "2"))  # old records refreshed (retractions)
    assert second.stats.to_dict()["cache"]["records_cached"] == 3


def test_failed_fetch_uses_old_copies_or_fails_when_one_is_missing(live, clock):
    cache = PubMedCache(":memory:", now=clock)
    source(live, cache, clock).fetch(["1", "2"])
    clock.now += timedelta(days=40)
    live.fail = PubMedUnavailable("connection to eutils.test failed")
    wrapped = source(live, cache, clock)
    assert set(wrapped.fetch(["1", "2"])) == {"1", "2"} and wrapped.info().stale
    with pytest.raises(PubMedUnavailable, match="no cached copy of PMID 3"):
        source(live, cache, clock).fetch(["1", "3"])


def test_offline_answers_only_from_the_cache(live, clock):
    cache = PubMedCache(":memory:", now=clock)
    source(live, cache, clock).search("dry needling")
    source(live, cache, clock).fetch(["1", "2"])
    calls = len(live.calls)
    offline = source(None, cache, clock, offline=True)
    assert offline.search("dry needling").stale is False
    assert set(offline.fetch(["1", "2"])) == {"1", "2"}
    with pytest.raises(PubMedUnavailable, match="offline"):
        offline.search("acupuncture")
    with pytest.raises(PubMedUnavailable, match="offline"):
        offline.fetch(["3"])
    clock.now += timedelta(days=2)
    assert offline.search("dry needling").stale and len(live.calls) == calls
    assert "offline" in " ".join(offline.info().notes)


@responses.activate
def test_live_client_through_cache_second_run_is_cheaper(tmp_path):
    esearch, efetch = (ClientSettings.base_url + e for e in ("esearch.fcgi", "efetch.fcgi"))
    responses.get(esearch, body=ncbi.sample("esearch2.xml"), content_type="text/xml")
    responses.get(efetch, body=ncbi.sample("pubmed2.xml"), content_type="text/xml")
    path = tmp_path / "pubmed-cache.sqlite"
    settings = ClientSettings(email="secret-mail@example.org", api_key="SECRETKEY",
                              requests_per_second=1000)
    for _ in range(2):
        client = EutilsClient(settings)
        wrapped = CachedSource(client, PubMedCache(path))
        assert wrapped.search("cancer").count == 42249
        assert len(wrapped.fetch(["11748933", "11700088"])) == 2
    assert len(responses.calls) == 2  # the second run asked nothing
    assert client.stats.to_dict()["cache"] == {"records_cached": 2, "search_hits": 1}
    stored = path.read_bytes()
    assert b"SECRETKEY" not in stored and b"secret-mail" not in stored
