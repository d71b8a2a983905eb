"""The live PubMed source: NCBI E-utilities over a `requests.Session`, bodies parsed by parse.py.

Biopython's `Bio.Entrez` does its own HTTP with fixed NCBI addresses and no timeout, so this
client sends the requests itself through `transport.Transport` (configurable base URL, `tool`,
`email` and `api_key` on every request, timeouts, rate limit, retries) and hands every body to
`evidence_tracker.pubmed.parse`.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from datetime import datetime
from typing import Callable, Iterable, Mapping

import requests

from evidence_tracker.clock import utc_now
from evidence_tracker.errors import MalformedResponse, PubMedErrorResponse, PubMedFailure
from evidence_tracker.pubmed import parse
from evidence_tracker.pubmed.interface import Citation, CitationMatch
from evidence_tracker.pubmed.ratelimit import RateLimiter, RequestStats, RetryBudget
from evidence_tracker.pubmed.transport import NCBI_EUTILS, ClientSettings, Transport, snippet
from evidence_tracker.records import Record, SearchResult, SourceInfo

__all__ = ["NCBI_EUTILS", "ClientSettings", "EutilsClient", "parse_citation_matches"]

log = logging.getLogger(__name__)

FETCH_BATCH = 200  # NCBI: at most ~200 ids per request; POST from 200 on (as Biopython does)
_PMID = re.compile(r"[1-9]\d{0,9}")
_CITMATCH_UNSAFE = str.maketrans({"|": " ", "\r": " ", "\n": " "})


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]



class EutilsClient:
    """`PubMedSource` over NCBI E-utilities; `stats` counts what the run asked of NCBI."""

    def __init__(self, settings: ClientSettings | None = None, *,
                 session: requests.Session | None = None, stats: RequestStats | None = None,
                 limiter: RateLimiter | None = None, budget: RetryBudget | None = None,
                 now: Callable[[], datetime] = utc_now,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings or ClientSettings()
        self.transport = Transport(self.settings, session=session, stats=stats, limiter=limiter,
                                   budget=budget, sleep=sleep)
        self.stats = self.transport.stats
        self._request = self.transport.request
        self._now = now

    def info(self) -> SourceInfo:
        """Describe the source for the report header."""
        return SourceInfo(kind="pubmed", detail=self.transport.base_url)

    def close(self) -> None:
        self.transport.session.close()

    def __enter__(self) -> "EutilsClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- PubMedSource operations (and `probe`, `search_records`) --------------------------

    def probe(self) -> bool:
        """True when E-utilities answers a cheap einfo request quickly (no retries)."""
        try:
            return self._request("einfo.fcgi", {"db": "pubmed"}, _has_db_info, retry=False,
                                 timeout=self.settings.probe_timeout)
        except PubMedFailure as exc:
            log.info("PubMed probe failed: %s", exc.reason)
            return False

    def search(self, query: str, *, retmax: int = 100) -> SearchResult:
        """Run `query` with esearch; return up to `retmax` PMIDs (NCBI's default order)."""
        params = {"db": "pubmed", "term": query, "retmax": retmax, "retmode": "xml"}
        result = self._request("esearch.fcgi", params, lambda b: parse.parse_search(b, query))
        return dataclasses.replace(result, as_of=self._now().isoformat(timespec="seconds"))

    def fetch(self, pmids: Iterable[str]) -> Mapping[str, Record]:
        """Fetch `pmids` with efetch in batches of 200; unknown or malformed PMIDs are absent."""
        wanted = list(dict.fromkeys(p.strip() for p in pmids if _PMID.fullmatch(p.strip())))
        records: dict[str, Record] = {}
        for batch in _chunks(wanted, FETCH_BATCH):
            params = {"db": "pubmed", "id": ",".join(batch), "retmode": "xml"}
            found = self._request("efetch.fcgi", params, parse.parse_articles,
                                  post=len(batch) >= FETCH_BATCH)
            records.update((r.pmid, r) for r in found)
        return records

    def search_records(self, query: str, *, retmax: int = 100) -> tuple[SearchResult, dict]:
        """Search `query` and fetch its records through NCBI's history server (`usehistory=y`).

        For one query's records this sends no id list (GET even for 200 records); an expired
        WebEnv ("Unable to obtain query #1") is recovered by fetching the PMIDs by id.
        """
        params = {"db": "pubmed", "term": query, "retmax": retmax, "usehistory": "y",
                  "retmode": "xml"}
        result, (webenv, query_key) = self._request(
            "esearch.fcgi", params, lambda b: (parse.parse_search(b, query), parse.history_keys(b)))
        result = dataclasses.replace(result, as_of=self._now().isoformat(timespec="seconds"))
        if not (webenv and query_key) or not result.pmids:
            return result, dict(self.fetch(result.pmids))
        try:
            return result, self._fetch_history(webenv, query_key, len(result.pmids))
        except PubMedErrorResponse as exc:
            if "Unable to obtain query" not in exc.reason:
                raise
            log.info("history server lost query %s (%s); fetching by id", query_key, exc.reason)
            return result, dict(self.fetch(result.pmids))

    def _fetch_history(self, webenv: str, query_key: str, count: int) -> dict[str, Record]:
        records: dict[str, Record] = {}
        for start in range(0, count, FETCH_BATCH):
            params = {"db": "pubmed", "WebEnv": webenv, "query_key": query_key, "retmode": "xml",
                      "retstart": start, "retmax": min(FETCH_BATCH, count - start)}
            records.update((r.pmid, r) for r in
                           self._request("efetch.fcgi", params, parse.parse_articles))
        return records

    def match_citations(self, citations: Iterable[Citation]) -> Mapping[str, CitationMatch]:
        """Resolve `citations` with ECitMatch; answers are matched by key, never by position."""
        by_key: dict[str, Citation] = {}
        for c in citations:
            by_key.setdefault(c.key.translate(_CITMATCH_UNSAFE).strip(), c)
        if not by_key:
            return {}
        # POST: urllib3 percent-encodes "|" in a URL, and ECitMatch wants it literal
        bdata = "\r".join(_citation_line(c) for c in by_key.values())
        params = {"db": "pubmed", "retmode": "xml", "bdata": bdata}
        return self._request("ecitmatch.cgi", params,
                             lambda b: parse_citation_matches(b, by_key), post=True)


def _has_db_info(body: bytes) -> bool:
    return "DbInfo" in parse.read_xml(body)


def _citation_line(c: Citation) -> str:
    """`journal|year|volume|first_page|author|key|`; a "|" inside a field would shift it."""
    fields = (c.journal, c.year, c.volume, c.first_page, c.author, c.key)
    return "|".join(f.translate(_CITMATCH_UNSAFE).strip() for f in fields) + "|"


def parse_citation_matches(body: bytes, sent: Mapping[str, Citation]) -> dict[str, CitationMatch]:
    """ECitMatch's text answer → matches by original key (`sent`: key as sent → citation).

    Lines are `journal|year|volume|page|author|key|answer`; the answer is a PMID,
    `AMBIGUOUS 1,2,3`, or a not-found token. Lines for unknown keys are ignored. NCBI may leave
    out the line of a citation it did not match, so an empty body means "none matched".
    """
    text = body.decode("utf-8", "replace")
    lines = [line.split("|") for line in text.replace("\r", "\n").splitlines() if line.strip()]
    if any(len(fields) < 7 for fields in lines):
        raise MalformedResponse(f"ECitMatch answer is not citation lines: {snippet(body)}")
    matches = {}
    for fields in lines:
        key, answer = fields[5].strip(), fields[6].strip()
        if key in sent:
            pmids = tuple(re.findall(r"\d+", answer)) if re.match(r"AMBIGUOUS|\d", answer) else ()
            matches[sent[key].key] = CitationMatch(key=sent[key].key, pmids=pmids)
    return matches
