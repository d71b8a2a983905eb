"""HTTP to E-utilities with NCBI's etiquette: rate limit, retries, timeouts, typed failures.

Retries are a small loop rather than urllib3's `Retry` because the loop must (a) wait on the
shared rate limiter before every attempt, retries included, (b) charge a per-run retry budget,
(c) retry a body that breaks after the headers arrived (requests reads it after urllib3's retry
logic has returned) and a rate-limit JSON body sent with HTTP 200. urllib3's Retry-After parser
is reused. Every failure leaves this module as a `PubMedFailure` subclass with NCBI's text.
"""

from __future__ import annotations

import html
import json
import logging
import re
import time
from dataclasses import dataclass
from typing import Callable, TypeVar
from urllib.parse import urlencode, urljoin, urlsplit

import requests
import urllib3
from urllib3.exceptions import InvalidHeader
from urllib3.util.retry import Retry

from evidence_tracker.errors import (MalformedResponse, PubMedErrorResponse, PubMedFailure,
                                     PubMedUnavailable)
from evidence_tracker.pubmed import parse
from evidence_tracker.pubmed.ratelimit import RateLimiter, RequestStats, RetryBudget

log = logging.getLogger(__name__)
T = TypeVar("T")

NCBI_EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
POST_PARAMS_OVER = 1000  # characters of encoded parameters (Biopython's and NCBI's advice)
_RETRY_AFTER = Retry()  # only for its Retry-After parser (seconds or an HTTP date)
_TAG = re.compile(r"<[^>]*>")
_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")


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
    answer_seconds: float = 120.0  # a whole answer, however slowly it trickles in
    max_answer_bytes: int = 64_000_000  # an efetch batch of 200 records is about 1 MB

    @property
    def rate(self) -> float:
        return self.requests_per_second or (10.0 if self.api_key else 3.0)



class _HideKeys(logging.Filter):
    """Blanks API keys out of urllib3's log lines: it logs every request URL at DEBUG, so an
    application that turns DEBUG on for all loggers would otherwise print the key."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(key in message for key in self.keys):
            for key in self.keys:
                message = message.replace(key, "<api_key>")
            record.msg, record.args = message, None
        return True


_HIDE_KEYS = _HideKeys()
_URL_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry")


class _Retryable(Exception):
    """One attempt failed in a way worth retrying; `failure` is what to raise when we stop."""

    def __init__(self, failure: PubMedFailure, retry_after: float | None = None) -> None:
        super().__init__(failure.reason)
        self.failure, self.retry_after = failure, retry_after


def snippet(body: bytes) -> str:
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
    return snippet(body)


def _retry_after(header: str | None) -> float | None:
    """Seconds NCBI asks us to wait (`Retry-After`: seconds or an HTTP date), if it says."""
    if not header:
        return None
    try:
        return _RETRY_AFTER.parse_retry_after(header)
    except InvalidHeader:  # a garbled header: fall back to our own backoff
        return None


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


def _cause(exc: Exception) -> str:
    """The OS's words for a failed connection ("Connection refused"), else the error's kind."""
    found = _ERRNO.search(str(exc))
    return found.group(1).strip() if found else type(exc).__name__


class Transport:
    """One `requests.Session` to E-utilities, shared limiter, budget and stats for the run."""

    def __init__(self, settings: ClientSettings, *, session: requests.Session | None = None,
                 stats: RequestStats | None = None, limiter: RateLimiter | None = None,
                 budget: RetryBudget | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        s = self.settings = settings
        self.session = session or requests.Session()
        self.stats = stats or RequestStats()
        self.limiter = limiter or RateLimiter(s.rate)
        self.budget = budget or RetryBudget(
            max_retries=s.max_retries, max_total_retries=s.retry_budget_requests,
            max_seconds=s.retry_budget_seconds, backoff_base=s.backoff_base,
            backoff_max=s.backoff_max)
        self._sleep = sleep
        self.base_url = s.base_url if s.base_url.endswith("/") else s.base_url + "/"
        self._gave_up = ""  # set once the budget is spent during an outage: fail fast after
        if s.api_key:
            _HIDE_KEYS.keys.add(s.api_key)
            for name in _URL_LOGGERS:
                logging.getLogger(name).addFilter(_HIDE_KEYS)
        if not s.email:
            log.warning("no email configured for NCBI (set NCBI_EMAIL): NCBI asks for one to "
                        "contact you before blocking a misbehaving tool")

    def identity(self) -> dict[str, str]:
        """NCBI's `tool`, `email` and `api_key` parameters, those that are set."""
        s = self.settings
        ident = {"tool": s.tool, "email": s.email, "api_key": s.api_key}
        return {k: v for k, v in ident.items() if v}

    def request(self, endpoint: str, params: dict, read: Callable[[bytes], T], *,
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
        encoded = urlencode({**params, **self.identity()}, safe="|")
        post = post or len(encoded) > POST_PARAMS_OVER
        url = urljoin(self.base_url, endpoint)
        timeouts = (self.settings.connect_timeout, timeout or self.settings.read_timeout)
        self.stats.request(endpoint, self.limiter.wait())
        # params never hold the identity (tool, email, api_key): safe to log at -vv
        log.debug("%s %s %s", "POST" if post else "GET", endpoint,
                  {k: (str(v)[:120] + "…" if len(str(v)) > 120 else v) for k, v in params.items()})
        try:
            # No redirects: a redirect would carry the identity (and API key) to another host.
            if post:
                response = self.session.post(url, data=encoded, timeout=timeouts, headers={
                    "Content-Type": "application/x-www-form-urlencoded"}, stream=True,
                    allow_redirects=False)
            else:
                response = self.session.get(f"{url}?{encoded}", timeout=timeouts, stream=True,
                                            allow_redirects=False)
            body = self._read_answer(endpoint, response, timeout or self.settings.answer_seconds)
        except requests.Timeout as exc:
            waited = timeouts[0] if isinstance(exc, requests.ConnectTimeout) else timeouts[1]
            raise _Retryable(PubMedUnavailable(
                f"NCBI did not answer {endpoint} within {waited:g} s ({type(exc).__name__})",
                advice="PubMed may be slow or down; try again later")) from exc
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError) as exc:
            raise _Retryable(PubMedUnavailable(
                f"connection to {urlsplit(url).netloc} failed: {_cause(exc)}",
                advice="check the network or --eutils-url")) from exc
        self.stats.add(bytes_received=len(body))
        if self.settings.api_key:  # an error page or rate-limit JSON may echo the key back
            body = body.replace(self.settings.api_key.encode(), b"<api_key>")
        return self._check_status(endpoint, response, body)

    def _read_answer(self, endpoint: str, response: requests.Response, limit: float) -> bytes:
        """The body, read piece by piece so a trickling or endless answer cannot hang a run."""
        deadline = time.monotonic() + limit
        chunks, size = [], 0
        try:
            while True:
                chunk = response.raw.read1(65536, decode_content=True)
                if not chunk:
                    return b"".join(chunks)
                size += len(chunk)
                if size > self.settings.max_answer_bytes:
                    raise MalformedResponse(f"NCBI's answer to {endpoint} is larger than "
                                            f"{self.settings.max_answer_bytes:,} bytes")
                if time.monotonic() > deadline:
                    raise _Retryable(PubMedUnavailable(
                        f"NCBI's answer to {endpoint} took longer than {limit:g} s to arrive"))
                chunks.append(chunk)
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise requests.exceptions.ReadTimeout(str(exc)) from exc
        except (urllib3.exceptions.ProtocolError, urllib3.exceptions.DecodeError) as exc:
            raise requests.exceptions.ChunkedEncodingError(str(exc)) from exc
        finally:
            response.close()

    def _check_status(self, endpoint: str, response: requests.Response, body: bytes) -> bytes:
        """Raise for a failed answer (retryable or not); return the body of a good one."""
        status, ncbi_error = response.status_code, _json_error(body)
        if status == 429 or "rate limit" in ncbi_error.lower():
            self.stats.add(rate_limited=1)
            header = response.headers.get("Retry-After")
            raise _Retryable(PubMedUnavailable(
                f"rate-limited by NCBI: {ncbi_error or f'HTTP {status}'}",
                advice="set NCBI_API_KEY for 10 requests/s, or run again later"),
                _retry_after(header))
        if status >= 500:
            raise _Retryable(PubMedUnavailable(
                f"NCBI answered HTTP {status} to {endpoint}: {_error_text(body)}"))
        if 300 <= status < 400:
            where = urlsplit(response.headers.get("Location", "")).netloc or "elsewhere"
            raise PubMedErrorResponse(f"NCBI answered HTTP {status} to {endpoint}, redirecting "
                                      f"to {where}; not followed (check --eutils-url)")
        if status != 200:
            raise PubMedErrorResponse(f"NCBI answered HTTP {status} to {endpoint}: "
                                      f"{_error_text(body)}")
        if ncbi_error:
            raise PubMedErrorResponse(f"NCBI error from {endpoint}: {ncbi_error}")
        return body
