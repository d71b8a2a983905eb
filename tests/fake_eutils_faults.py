"""The fake E-utilities server's scripted faults: what to send instead of the real answer.

Bodies are NCBI's own (see `ncbi_bodies`); the transport faults (reset, hang, cut-off, slow)
are what a client meets when NCBI drops, stalls or breaks a connection.
"""

from __future__ import annotations

from dataclasses import dataclass

import ncbi_bodies as ncbi

__all__ = ["XML", "Fault", "Rule", "pick"]

XML = "text/xml; charset=UTF-8"


@dataclass(frozen=True)
class Fault:
    """What to send instead of the real answer. `kind`: answer, reset, hang or cut_off."""

    status: int = 200
    body: bytes = b""
    content_type: str = XML
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0  # seconds before answering (use more than the client's read timeout)
    kind: str = "answer"
    keep: float = 1.0  # truncated: fraction of the real answer sent as a complete response

    @classmethod
    def rate_limited(cls, retry_after: int | None = None) -> "Fault":
        headers = (("Retry-After", str(retry_after)),) if retry_after is not None else ()
        return cls(429, ncbi.RATE_LIMIT_JSON, "application/json", headers)

    @classmethod
    def http(cls, status: int) -> "Fault":
        """500 (gateway JSON), 502 (HTML page) or 503 ("Unable to route request!" text)."""
        body, kind = {500: (ncbi.GATEWAY_500_JSON, "application/json"),
                      502: (ncbi.HTML_502, "text/html"),
                      503: (ncbi.ROUTE_TEXT, "text/plain")}[status]
        return cls(status, body, kind)

    @classmethod
    def backend_failed(cls, text: str = ncbi.BACKEND_502) -> "Fault":
        return cls(200, ncbi.esearch_error(text))

    @classmethod
    def html_200(cls) -> "Fault":
        return cls(200, ncbi.sample("pubmed3.html"), "text/html")

    @classmethod
    def efetch_400(cls) -> "Fault":
        return cls(400, ncbi.EFETCH_ID_LIST_EMPTY)

    @classmethod
    def empty_set(cls) -> "Fault":
        return cls(200, ncbi.EMPTY_ARTICLE_SET)

    @classmethod
    def webenv_expired(cls) -> "Fault":
        return cls(200, ncbi.efetch_error(ncbi.WEBENV_EXPIRED))

    @classmethod
    def truncated(cls, keep: float = 0.5) -> "Fault":
        """The real answer cut to `keep` of its bytes, sent as a complete HTTP response."""
        return cls(kind="truncated", keep=keep)

    @classmethod
    def slow(cls, seconds: float) -> "Fault":
        """The real answer, after `seconds`."""
        return cls(kind="slow", delay=seconds)

    @classmethod
    def reset(cls) -> "Fault":
        """Read the request, then reset the connection without answering."""
        return cls(kind="reset")

    @classmethod
    def cut_off(cls) -> "Fault":
        """Promise the whole real answer, send half, close: the transfer breaks mid-body."""
        return cls(kind="cut_off")

    @classmethod
    def hang(cls) -> "Fault":
        """Accept the request and never answer (until the server stops)."""
        return cls(kind="hang")


@dataclass
class Rule:
    """One scripted fault and when it applies (see `FakeEutils.fail`)."""

    endpoint: str  # "esearch", "efetch", "einfo", "ecitmatch" or "*"
    fault: Fault
    on: frozenset[int] | None  # request numbers (1-based, per endpoint); None: any
    term: str | None  # hit only requests whose term/id/bdata contains this text
    times: int | None  # hit at most this many times; None: always
    hits: int = 0


def pick(rules: list[Rule], endpoint: str, number: int, params: dict[str, str]) -> Fault | None:
    """The first scripted fault that applies to this request (counts its use)."""
    text = " ".join(params.get(k, "") for k in ("term", "id", "bdata"))
    for rule in rules:
        if rule.endpoint not in (endpoint, "*") or (rule.on and number not in rule.on):
            continue
        if (rule.term and rule.term not in text) or (rule.times is not None
                                                     and rule.hits >= rule.times):
            continue
        rule.hits += 1
        return rule.fault
    return None
