"""The live PubMed source: NCBI E-utilities over a `requests.Session`, bodies parsed by parse.py.

Biopython's `Bio.Entrez` does its own HTTP with fixed NCBI addresses and no timeout, so this
client sends the requests itself (configurable base URL, `tool`/`email`/`api_key` on every
request, connect and read timeouts) and hands every body to `evidence_tracker.pubmed.parse`.

Retries are a small loop rather than urllib3's `Retry` because the loop must (a) wait on the
shared rate limiter before every attempt, retries included, (b) charge a per-run retry budget,
(c) retry a body that fails after the headers arrived (requests reads it after urllib3's retry
logic has returned) and a rate-limit JSON body sent with HTTP 200. urllib3's Retry-After parser
is reused. Every failure leaves this module as a `PubMedFailure` subclass with NCBI's text.
"""

from __future__ import annotations

import dataclasses
import html
import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable, Mapping, TypeVar
from urllib.parse import urlencode, urljoin, urlsplit

import requests
from urllib3.util.retry import Retry

from evidence_tracker.errors import (MalformedResponse, PubMedErrorResponse, PubMedFailure,
                                     PubMedUnavailable)
from evidence_tracker.pubmed import parse
from evidence_tracker.pubmed.interface import Citation, CitationMatch
from evidence_tracker.pubmed.ratelimit import RateLimiter, RequestStats, RetryBudget
from evidence_tracker.records import Record, SearchResult, SourceInfo

log = logging.getLogger(__name__)
T = TypeVar("T")

NCBI_EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
FETCH_BATCH = 200  # NCBI: at most ~200 ids per request; POST from 200 on (as Biopython does)
POST_PARAMS_OVER = 1000  # characters of encoded parameters (Biopython's and NCBI's advice)
_TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})
_RETRY_AFTER = Retry()  # only for its Retry-After parser (seconds or an HTTP date)
_PMID = re.compile(r"[1-9]\d{0,9}")
_TAG = re.compile(r"<[^>]*>")
_CITMATCH_UNSAFE = str.maketrans({"|": " ", "\r": " ", "\n": " "})


@dataclass(frozen=True)
class ClientSettings:
    """How to reach E-utilities; the CLI maps its merged configuration onto this."""

    base_url: str = NCBI_EUTILS
    tool: str = "evidence-tracker"
    email: str = ""
    api_key: str = ""
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    probe_timeout: float = 3.0
    max_retries: int = 4  # per request
    retry_budget_requests: int = 40  # retries per run
    retry_budget_seconds: float = 300.0  # seconds of backoff per run
    backoff_base: float = 1.0
    backoff_max: float = 30.0
    requests_per_second: float = 0.0  # 0: NCBI's limit, 3 without an API key and 10 with one

    @property
    def rate(self) -> float:
        return self.requests_per_second or (10.0 if self.api_key else 3.0)


class _Retryable(Exception):
    """One attempt failed in a way worth retrying; `failure` is what to raise when we stop."""

    def __init__(self, failure: PubMedFailure, retry_after: float | None = None) -> None:
        super().__init__(failure.reason)
        self.failure, self.retry_after = failure, retry_after


def _snippet(body: bytes) -> str:
    """The readable text at the start of `body` (tags dropped: HTML error pages, XML)."""
    text = html.unescape(_TAG.sub(" ", body[:2000].decode("utf-8", "replace")))
    return " ".join(text.split())[:200] or "empty body"


def _error_text(body: bytes) -> str:
    """NCBI's message in a failed answer: the JSON `error`, the `<ERROR>` text, or a snippet."""
    if text := _json_error(body):
        return text
    try:
        parse.read_xml(body)
    except PubMedErrorResponse as exc:
        return exc.reason
    except MalformedResponse:
        pass
    return _snippet(body)


def _json_error(body: bytes) -> str:
    """NCBI's `error` text from a JSON body such as the 429 one, or "" for anything else."""
    if not body.lstrip().startswith(b"{"):
        return ""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(data, dict) or "error" not in data:
        return ""
    extra = ", ".join(f"{k} {data[k]}" for k in ("count", "limit") if k in data)
    return str(data["error"]) + (f" ({extra})" if extra else "")


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class EutilsClient:
    """`PubMedSource` over NCBI E-utilities; `stats` counts what the run asked of NCBI."""

    def __init__(self, settings: ClientSettings | None = None, *,
                 session: requests.Session | None = None, stats: RequestStats | None = None,
                 limiter: RateLimiter | None = None, budget: RetryBudget | None = None,
                 now: Callable[[], datetime] = _utc_now,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = s = settings or ClientSettings()
        self.session = session or requests.Session()
        self.stats = stats or RequestStats()
        self.limiter = limiter or RateLimiter(s.rate)
        self.budget = budget or RetryBudget(
            max_retries=s.max_retries, max_total_retries=s.retry_budget_requests,
            max_seconds=s.retry_budget_seconds, backoff_base=s.backoff_base,
            backoff_max=s.backoff_max)
        self._now, self._sleep = now, sleep
        self._base = s.base_url if s.base_url.endswith("/") else s.base_url + "/"
        self._gave_up = ""  # set once the budget is spent during an outage: fail fast after
        if not s.email:
            log.warning("no email configured for NCBI (set NCBI_EMAIL): NCBI asks for one to "
                        "contact you before blocking a misbehaving tool")

    def info(self) -> SourceInfo:
        """Describe the source for the report header."""
        return SourceInfo(kind="pubmed", detail=self._base)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "EutilsClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the four PubMedSource operations -------------------------------------------------

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

    # -- transport -----------------------------------------------------------------------

    def _identity(self) -> dict[str, str]:
        s = self.settings
        ident = {"tool": s.tool, "email": s.email, "api_key": s.api_key}
        return {k: v for k, v in ident.items() if v}

    def _request(self, endpoint: str, params: dict, read: Callable[[bytes], T], *,
                 post: bool = False, retry: bool = True, timeout: float | None = None) -> T:
        """One E-utilities request with etiquette and retries; `read` turns the body into data."""
        if self._gave_up and retry:
            self.stats.add(failures=1)
            raise PubMedUnavailable(f"not tried: {self._gave_up}")
        attempt = 0
        while True:
            try:
                return read(self._attempt(endpoint, params, post, timeout))
            except _Retryable as exc:
                delay = self.budget.delay(attempt, exc.retry_after) if retry else None
                if delay is None:
                    self._give_up(exc.failure, attempt, retry)
                self.stats.add(retries=1, backoff_seconds=delay)
                log.info("retrying %s in %.1f s: %s", endpoint, delay, exc.failure.reason)
                self._sleep(delay)
                attempt += 1
            except PubMedFailure:
                self.stats.add(failures=1)
                raise

    def _give_up(self, failure: PubMedFailure, attempt: int, retry: bool) -> None:
        self.stats.add(failures=1)
        if retry and self.budget.exhausted:
            self._gave_up = f"PubMed kept failing and the retry budget is spent ({failure.reason})"
        tries = f" (after {attempt + 1} attempts)" if attempt else ""
        raise type(failure)(failure.reason + tries, advice=failure.advice) from failure

    def _attempt(self, endpoint: str, params: dict, post: bool, timeout: float | None) -> bytes:
        encoded = urlencode({**params, **self._identity()}, safe="|")
        post = post or len(encoded) > POST_PARAMS_OVER
        url = urljoin(self._base, endpoint)
        timeouts = (self.settings.connect_timeout, timeout or self.settings.read_timeout)
        self.stats.request(endpoint, self.limiter.wait())
        try:
            if post:
                response = self.session.post(url, data=encoded, timeout=timeouts, headers={
                    "Content-Type": "application/x-www-form-urlencoded"})
            else:
                response = self.session.get(f"{url}?{encoded}", timeout=timeouts)
            body = response.content
        except requests.Timeout as exc:
            waited = timeouts[0] if isinstance(exc, requests.ConnectTimeout) else timeouts[1]
            raise _Retryable(PubMedUnavailable(
                f"NCBI did not answer {endpoint} within {waited:g} s ({type(exc).__name__})",
                advice="PubMed may be slow or down; try again later")) from exc
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError) as exc:
            raise _Retryable(PubMedUnavailable(
                f"connection to {urlsplit(url).netloc} failed ({type(exc).__name__})",
                advice="check the network or --eutils-url")) from exc
        self.stats.add(bytes_received=len(body))
        return self._check_status(endpoint, response, body)

    def _check_status(self, endpoint: str, response: requests.Response, body: bytes) -> bytes:
        """Raise for a failed answer (retryable or not); return the body of a good one."""
        status, ncbi_error = response.status_code, _json_error(body)
        if status == 429 or "rate limit" in ncbi_error.lower():
            self.stats.add(rate_limited=1)
            header = response.headers.get("Retry-After")
            raise _Retryable(PubMedUnavailable(
                f"rate-limited by NCBI: {ncbi_error or f'HTTP {status}'}",
                advice="set NCBI_API_KEY for 10 requests/s, or run again later"),
                _RETRY_AFTER.parse_retry_after(header) if header else None)
        if status in _TRANSIENT_STATUS or status >= 500:
            raise _Retryable(PubMedUnavailable(
                f"NCBI answered HTTP {status} to {endpoint}: {_error_text(body)}"))
        if status != 200:
            raise PubMedErrorResponse(f"NCBI answered HTTP {status} to {endpoint}: "
                                      f"{_error_text(body)}")
        if ncbi_error:
            raise PubMedErrorResponse(f"NCBI error from {endpoint}: {ncbi_error}")
        return body


def _has_db_info(body: bytes) -> bool:
    return "DbInfo" in parse.read_xml(body)


def _citation_line(c: Citation) -> str:
    """`journal|year|volume|first_page|author|key|`; a "|" inside a field would shift it."""
    fields = (c.journal, c.year, c.volume, c.first_page, c.author, c.key)
    return "|".join(f.translate(_CITMATCH_UNSAFE).strip() for f in fields) + "|"


def parse_citation_matches(body: bytes, sent: Mapping[str, Citation]) -> dict[str, CitationMatch]:
    """ECitMatch's text answer → matches by original key (`sent`: key as sent → citation).

    Lines are `journal|year|volume|page|author|key|answer`; the answer is a PMID,
    `AMBIGUOUS 1,2,3`, or a not-found token. Lines for unknown keys are ignored.
    """
    text = body.decode("utf-8", "replace")
    lines = [line.split("|") for line in text.replace("\r", "\n").splitlines() if line.strip()]
    if not lines or any(len(fields) < 7 for fields in lines):
        raise MalformedResponse(f"ECitMatch answer is not citation lines: {_snippet(body)}")
    matches = {}
    for fields in lines:
        key, answer = fields[5].strip(), fields[6].strip()
        if key in sent:
            pmids = tuple(re.findall(r"\d+", answer)) if re.match(r"AMBIGUOUS|\d", answer) else ()
            matches[sent[key].key] = CitationMatch(key=sent[key].key, pmids=pmids)
    return matches
