"""A fake NCBI E-utilities server on 127.0.0.1 for tests (and benchmarks), with scripted faults.

Answers come from an offline `LibrarySource`, so there is one query engine: esearch runs the
library's search, efetch returns the library's own `<PubmedArticle>` bytes (never re-serialised)
under the real PubMed DOCTYPE, ecitmatch uses the library's citation matcher. Bodies follow the
real samples in `../shared/ncbi-samples/` (see `ncbi_bodies`). Use it as a context manager:

    with FakeEutils(LibrarySource([path])) as ncbi:
        ncbi.fail("esearch", Fault.http(503), on=[1])
        client = EutilsClient(ClientSettings(base_url=ncbi.url, ...))

`ncbi.log` records every request (arrival time, endpoint, params including tool and email).
Outside pytest (a benchmark), put this `tests/` folder on `sys.path` first: it imports its
sibling modules `ncbi_bodies` and `fake_eutils_faults` by name.
"""

from __future__ import annotations

import html
import re
import secrets
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import ncbi_bodies as ncbi
from fake_eutils_faults import XML, Fault, Rule, pick
from evidence_tracker.pubmed.interface import Citation
from evidence_tracker.pubmed.query import QuerySyntaxError

__all__ = ["FakeEutils", "Fault", "Logged"]

_ARTICLE = re.compile(rb"<PubmedArticle>.*?</PubmedArticle>", re.S)
_PMID = re.compile(rb"<PMID[^>]*>(\d+)</PMID>")


@dataclass(frozen=True)
class Logged:
    """One request as the server saw it."""

    at: float  # time.monotonic() on arrival
    endpoint: str
    method: str
    params: dict[str, str]
    number: int  # per endpoint, 1-based
    status: int = 0
    fault: str = ""


@dataclass
class _State:
    lock: threading.Lock = field(default_factory=threading.Lock)
    log: list[Logged] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    history: dict[str, tuple[str, ...]] = field(default_factory=dict)


class FakeEutils:
    """The server. `rate_limit`: answer 429 (NCBI's JSON) above that many requests a second."""

    def __init__(self, library, *, rate_limit: int | None = None) -> None:
        self.library, self.rate_limit = library, rate_limit
        self.state = _State()
        self.stopping = threading.Event()
        self._articles = _article_bytes(library.files)
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/entrez/eutils/"

    def __enter__(self) -> "FakeEutils":
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads, self._server.block_on_close = True, False
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                         daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def fail(self, endpoint: str, fault: Fault, *, on: list[int] | None = None,
             term: str | None = None, times: int | None = None) -> None:
        """Script `fault` for `endpoint` ("*" for all): on request numbers `on`, for requests
        mentioning `term`, at most `times` times; with none of these, on every request."""
        with self.state.lock:
            self.state.rules.append(Rule(endpoint, fault, frozenset(on) if on else None, term,
                                         times))

    @property
    def log(self) -> list[Logged]:
        with self.state.lock:
            return list(self.state.log)

    def most_in_window(self, seconds: float = 1.0) -> int:
        """The most requests that arrived within any window of `seconds`."""
        times = sorted(entry.at for entry in self.log)
        return max((sum(1 for t in times[i:] if t < start + seconds)
                    for i, start in enumerate(times)), default=0)

    # -- answers computed from the library ------------------------------------------------

    def esearch(self, params: dict[str, str]) -> tuple[int, bytes]:
        term = params.get("term", "")
        if not term.strip():
            return 200, ncbi.esearch_error("Search Backend failed: An error occurred while "
                                           "processing request. Details: Empty Term in the request")
        start, size = int(params.get("retstart", 0)), int(params.get("retmax", 20))
        try:
            result = self.library.search(term, retmax=start + size)
        except QuerySyntaxError as exc:  # NCBI's text for a broken term is not on record
            return 200, ncbi.esearch_error(f"Search Backend failed: {exc}")
        return 200, _esearch_xml(result, start, self._history(result, params))

    def _history(self, result, params) -> str:
        if params.get("usehistory") != "y":
            return ""
        webenv = "MCID_" + secrets.token_hex(12)
        with self.state.lock:
            self.state.history[webenv] = result.pmids
        return webenv

    def efetch(self, params: dict[str, str]) -> tuple[int, bytes]:
        if "WebEnv" in params:
            with self.state.lock:
                pmids = self.state.history.get(params["WebEnv"])
            if pmids is None or params.get("query_key") != "1":
                return 200, ncbi.efetch_error(ncbi.WEBENV_EXPIRED)
            start = int(params.get("retstart", 0))
            pmids = pmids[start:start + int(params.get("retmax", 20))]
        else:
            if not params.get("id", "").strip():
                return 200, ncbi.efetch_error("Supplied id parameter is empty.")
            pmids = tuple(p.strip() for p in params["id"].split(","))
            if not any(re.fullmatch(r"0*[1-9]\d*", p) for p in pmids):
                return 400, ncbi.EFETCH_ID_LIST_EMPTY
        found = b"\n".join(self._articles[p] for p in pmids if p in self._articles)
        return 200, ncbi.PUBMED_HEAD + b"<PubmedArticleSet>\n" + found + b"\n</PubmedArticleSet>\n"

    def ecitmatch(self, params: dict[str, str]) -> tuple[int, bytes]:
        lines = [line.split("|") for line in params.get("bdata", "").split("\r") if line.strip()]
        citations = [Citation(key=f[5], journal=f[0], year=f[1], volume=f[2], first_page=f[3],
                              author=f[4]) for f in lines if len(f) >= 6]
        matches = self.library.match_citations(citations)
        out = []
        for c in citations:  # no match: NCBI's not-found token is not on record, so no line
            pmids = matches[c.key].pmids if c.key in matches else ()
            answer = pmids[0] if len(pmids) == 1 else "AMBIGUOUS " + ",".join(pmids)
            if pmids:
                out.append("|".join((c.journal, c.year, c.volume, c.first_page, c.author,
                                     c.key, answer)))
        return 200, ("\n".join(out) + "\n").encode()

    def einfo(self, params: dict[str, str]) -> tuple[int, bytes]:
        return 200, ncbi.sample("einfo2.xml" if params.get("db") == "pubmed" else "einfo1.xml")


def _article_bytes(files) -> dict[str, bytes]:
    """Each `<PubmedArticle>` of the library's XML files, byte for byte, by PMID."""
    articles: dict[str, bytes] = {}
    for path in files:
        for match in _ARTICLE.finditer(Path(path).read_bytes()):
            articles[_PMID.search(match.group()).group(1).decode()] = match.group()
    return articles


def _esearch_xml(result, start: int, webenv: str) -> bytes:
    """An eSearchResult shaped like `esearch1/2.xml` (hits) or `esearch8.xml` (none)."""
    ids = "".join(f"<Id>{p}</Id>\n" for p in result.pmids[start:])
    history = f"<QueryKey>1</QueryKey><WebEnv>{webenv}</WebEnv>" if webenv else ""
    head = (f"<eSearchResult><Count>{result.count}</Count><RetMax>{len(result.pmids[start:])}"
            f"</RetMax><RetStart>{start}</RetStart>{history}")
    translation = f"<QueryTranslation>{html.escape(result.query_translation)}</QueryTranslation>"
    if result.count:
        body = f"{head}<IdList>\n{ids}</IdList><TranslationSet/>{translation}</eSearchResult>"
    else:
        phrases = "".join(f"<PhraseNotFound>{html.escape(p)}</PhraseNotFound>"
                          for p in result.phrases_not_found)
        body = (f"{head}<IdList/><TranslationSet/>{translation}<ErrorList>{phrases}</ErrorList>"
                "<WarningList><OutputMessage>No items found.</OutputMessage></WarningList>"
                "</eSearchResult>")
    return ncbi.ESEARCH_HEAD + body.encode() + b"\n"


class _Handler(BaseHTTPRequestHandler):
    disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed-ACK stall

    fake: FakeEutils
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._serve(parse_qs(urlsplit(self.path).query))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode())
        self._serve({**parse_qs(urlsplit(self.path).query), **form})

    def _serve(self, raw: dict[str, list[str]]) -> None:
        params = {k: v[-1] for k, v in raw.items()}
        endpoint = urlsplit(self.path).path.rsplit("/", 1)[-1].split(".")[0]
        fault = self._arrive(endpoint, params)
        answer = getattr(self.fake, endpoint, None) if endpoint in _ENDPOINTS else None
        if fault is not None and fault.kind == "answer":
            return self._send(fault.status, fault.body, fault.content_type, fault.headers)
        status, body = answer(params) if answer else (404, b"<html>Not Found</html>")
        if fault is not None:
            return self._misbehave(fault, status, body)
        self._send(status, body, "text/plain" if endpoint == "ecitmatch" else XML)

    def _arrive(self, endpoint: str, params: dict[str, str]):
        """Log the request; pick the scripted fault (or the rate limiter's 429) for it."""
        fake, now = self.fake, time.monotonic()
        with fake.state.lock:
            number = fake.state.counts[endpoint] = fake.state.counts.get(endpoint, 0) + 1
            recent = sum(1 for e in fake.state.log if e.at > now - 1.0) + 1
            fault = pick(fake.state.rules, endpoint, number, params)
            if fault is None and fake.rate_limit and recent > fake.rate_limit:
                body = (b'{"error":"API rate limit exceeded","api-key":"127.0.0.1","count":"%d",'
                        b'"limit":"%d"}' % (recent, fake.rate_limit))
                fault = Fault(429, body, "application/json")
            fake.state.log.append(Logged(now, endpoint, self.command, params, number,
                                         fault.status if fault else 200,
                                         fault.kind if fault else ""))
        return fault

    def _misbehave(self, fault: Fault, status: int, body: bytes) -> None:
        if fault.kind == "hang":
            self.fake.stopping.wait(3600)
            return self._reset()
        if fault.kind == "reset":
            return self._reset()
        if fault.kind == "slow" and self.fake.stopping.wait(fault.delay):
            return
        if fault.kind == "truncated":
            body = body[:int(len(body) * fault.keep)]
        if fault.kind == "cut_off":
            self.send_response(status)
            self.send_header("Content-Type", XML)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:len(body) // 2])
            return self._reset()
        self._send(status, body, XML)

    def _reset(self) -> None:
        """Close with RST (SO_LINGER 0), as a dropped connection looks to the client."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _send(self, status: int, body: bytes, content_type: str, headers=()) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (its timeout)
            self.close_connection = True


_ENDPOINTS = ("einfo", "esearch", "efetch", "ecitmatch")
