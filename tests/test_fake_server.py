"""The live client and the cache against the fake E-utilities server, faults included."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from evidence_tracker.errors import MalformedResponse, PubMedErrorResponse, PubMedUnavailable
from evidence_tracker.pubmed.cache import PubMedCache
from evidence_tracker.pubmed.cached import CachedSource
from evidence_tracker.pubmed.eutils import ClientSettings, EutilsClient
from evidence_tracker.pubmed.interface import Citation
from evidence_tracker.pubmed.library import LibrarySource
from fake_eutils import Fault, FakeEutils

LIBRARY = Path(__file__).resolve().parents[1] / "claims" / "library" / "dry-needling.xml"
QUERY = "dry needling[tiab] AND neck pain"


@pytest.fixture(scope="module")
def library():
    return LibrarySource([LIBRARY])


@pytest.fixture
def ncbi(library):
    with FakeEutils(library) as server:
        yield server


def client_for(server, *, slept=None, sleep=None, **overrides) -> EutilsClient:
    """A client of `server` that records its backoff sleeps in `slept` instead of sleeping."""
    values = dict(base_url=server.url, email="dev@example.org", requests_per_second=1000.0,
                  backoff_base=0.01, backoff_max=0.05, read_timeout=2.0, max_retries=2)
    values.update(overrides)
    sleep = sleep or (slept.append if slept is not None else time.sleep)
    return EutilsClient(ClientSettings(**values), sleep=sleep)


def test_answers_are_the_librarys_and_parse_as_ncbi_bodies(ncbi, library):
    client = client_for(ncbi)
    assert client.probe()
    live, local = client.search(QUERY, retmax=2), library.search(QUERY, retmax=2)
    assert (live.count, live.pmids) == (local.count, local.pmids) == (3, local.pmids)
    every = [r.pmid for r in library.records]
    assert client.fetch(every + ["99999999"]) == library.fetch(every)  # byte-faithful records
    assert client.search("zzzqqq").phrases_not_found == ('"zzzqqq"',)
    record = library.records[0]
    cite = Citation("ref1", record.journal_iso, str(record.year), record.volume,
                    record.pages.split("-")[0], record.authors[0])
    assert client.match_citations([cite, Citation("none", "Nature", "1900", "1", "1")]) == {
        "ref1": library.match_citations([cite])["ref1"]}


def test_history_search_and_expired_webenv(ncbi, library):
    client = client_for(ncbi)
    result, records = client.search_records("dry needling")
    assert set(records) == set(result.pmids) and result.count == 20
    ncbi.fail("efetch", Fault.webenv_expired(), times=1)
    result, records = client.search_records("trigger point*")
    assert set(records) == set(library.search("trigger point*").pmids)
    assert [(e.endpoint, "WebEnv" in e.params) for e in ncbi.log[-3:]] == [
        ("esearch", False), ("efetch", True), ("efetch", False)]


@pytest.mark.parametrize("fault", [Fault.rate_limited(), Fault.http(500), Fault.http(502),
                                   Fault.http(503), Fault.reset(), Fault.cut_off(),
                                   Fault.slow(1.0)], ids=lambda f: f"{f.kind}-{f.status}")
def test_transient_faults_are_retried(ncbi, fault):
    slept = []
    client = client_for(ncbi, slept=slept, read_timeout=0.3)
    ncbi.fail("esearch", fault, on=[1])
    assert client.search(QUERY).count == 3
    assert len(ncbi.log) == 2 and client.stats.retries == 1 and len(slept) == 1


def test_retry_after_is_honoured(ncbi):
    slept = []
    ncbi.fail("esearch", Fault.rate_limited(retry_after=1), on=[1])
    assert client_for(ncbi, slept=slept).search(QUERY).count == 3
    assert slept == [1.0]


@pytest.mark.parametrize("fault, error, text", [
    (Fault.truncated(), MalformedResponse, "broken XML"),
    (Fault.html_200(), MalformedResponse, "HTML"),
    (Fault.backend_failed(), PubMedErrorResponse, "Pubmed 2.0 search API"),
    (Fault.efetch_400(), PubMedErrorResponse, "ID list is empty!"),
], ids=["truncated", "html", "backend", "efetch400"])
def test_bad_answers_fail_once_with_the_reason(ncbi, fault, error, text):
    ncbi.fail("*", fault)
    client = client_for(ncbi)
    with pytest.raises(error, match=text):
        client.fetch(["37310441"]) if "ID list" in text else client.search(QUERY)
    assert len(ncbi.log) == 1


def test_empty_set_is_no_records_and_hang_is_a_timeout(ncbi):
    ncbi.fail("efetch", Fault.empty_set(), times=1)
    client = client_for(ncbi, read_timeout=0.2, max_retries=0)
    assert client.fetch(["37310441"]) == {}
    ncbi.fail("esearch", Fault.hang())
    started = time.monotonic()
    with pytest.raises(PubMedUnavailable, match="within 0.2 s"):
        client.search(QUERY)
    assert time.monotonic() - started < 1.5


def test_etiquette_under_ncbi_like_rate_limit(ncbi, library):
    ncbi.rate_limit = 3
    client = client_for(ncbi, requests_per_second=0.0)  # NCBI's 3/s without a key
    queries = ["dry needling", "acupuncture", QUERY, "trigger point*", "zzzqqq"]
    for query in queries:
        client.search(query)
    assert ncbi.most_in_window(1.0) <= 3 and client.stats.rate_limited == 0
    assert all(e.params.get("tool") == "evidence-tracker" and e.params.get("email")
               == "dev@example.org" for e in ncbi.log)


def test_a_client_too_fast_meets_429s_and_recovers(ncbi):
    ncbi.rate_limit = 3
    client = client_for(ncbi, requests_per_second=50.0, max_retries=8, backoff_base=0.25,
                        backoff_max=0.5)  # backoff really sleeps: the server's window moves on
    for _ in range(4):
        assert client.search(QUERY).count == 3
    assert client.stats.rate_limited >= 1
    assert any(e.status == 429 for e in ncbi.log)


def test_cache_makes_the_second_run_cheaper_and_outage_falls_back(ncbi, tmp_path, library):
    path, queries = tmp_path / "pubmed-cache.sqlite", ["dry needling", QUERY, "zzzqqq"]
    counts = []
    for _ in range(2):
        source = CachedSource(client_for(ncbi), PubMedCache(path))
        answers = [source.search(q) for q in queries]
        source.fetch([p for a in answers for p in a.pmids])
        counts.append(len(ncbi.log))
    assert counts[0] == 4 and counts[1] == 4  # 3 searches + 1 fetch, then nothing at all
    ncbi.fail("*", Fault.http(503))
    source = CachedSource(client_for(ncbi, max_retries=1), PubMedCache(path), refresh=True)
    stale = source.search(QUERY)
    assert stale.stale and stale.pmids == library.search(QUERY).pmids
    assert source.info().stale and source.info().as_of == stale.as_of
    with pytest.raises(PubMedUnavailable, match="HTTP 503"):
        source.search("acupuncture")


def test_faults_target_queries_and_request_numbers(ncbi):
    ncbi.fail("esearch", Fault.backend_failed(), term="acupuncture")
    ncbi.fail("efetch", Fault.http(502), on=[2])
    client = client_for(ncbi, max_retries=0)
    with pytest.raises(PubMedErrorResponse, match="Search Backend failed"):
        client.search("acupuncture")
    assert client.search(QUERY).count == 3  # an unaffected claim is answered
    client.fetch(["37310441"])
    with pytest.raises(PubMedUnavailable, match="HTTP 502"):
        client.fetch(["37310441"])
    assert [(e.endpoint, e.number, e.status) for e in ncbi.log] == [
        ("esearch", 1, 200), ("esearch", 2, 200), ("efetch", 1, 200), ("efetch", 2, 502)]


def test_nothing_listening_is_unavailable_with_the_os_reason(library):
    with FakeEutils(library) as server:
        url = server.url  # closed once the block ends
    client = EutilsClient(ClientSettings(base_url=url, email="dev@example.org", max_retries=0))
    with pytest.raises(PubMedUnavailable, match="failed: Connection refused"):
        client.search(QUERY)
    assert client.probe() is False
