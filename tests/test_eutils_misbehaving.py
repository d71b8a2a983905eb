"""A misbehaving server cannot hang a run, send us elsewhere, or fill the memory."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import responses

from evidence_tracker.errors import MalformedResponse, PubMedErrorResponse, PubMedUnavailable
from evidence_tracker.pubmed.eutils import ClientSettings, EutilsClient
from test_eutils import BASE, ESEARCH, make_client


@responses.activate
def test_a_redirect_is_not_followed_so_the_key_never_leaves_for_another_host():
    responses.get(ESEARCH, status=302, headers={"Location": "https://elsewhere.example/x"})
    with pytest.raises(PubMedErrorResponse, match="redirecting to elsewhere.example; not followed"):
        make_client()[0].search("dry needling")
    assert len(responses.calls) == 1


@responses.activate
def test_an_oversized_answer_is_refused():
    responses.get(ESEARCH, body=b"<?xml version='1.0'?>" + b" " * 5000, content_type="text/xml")
    with pytest.raises(MalformedResponse, match="larger than 1,000 bytes"):
        make_client(max_answer_bytes=1000)[0].search("dry needling")


def _trickling_server(stop: threading.Event) -> tuple[socket.socket, int]:
    """Answers every connection with headers, then one byte every 0.1 s, forever."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"
                             b"Content-Length: 100000\r\n\r\n<?xml")
                while not stop.is_set():
                    try:
                        conn.sendall(b" ")
                    except OSError:
                        break
                    time.sleep(0.1)

    threading.Thread(target=serve, daemon=True).start()
    return server, server.getsockname()[1]


def test_a_trickling_answer_is_cut_off_at_the_answer_deadline():
    stop = threading.Event()
    server, port = _trickling_server(stop)
    try:
        client = EutilsClient(ClientSettings(
            base_url=f"http://127.0.0.1:{port}/", email="dev@example.org", read_timeout=1.0,
            answer_seconds=1.0, max_retries=0, requests_per_second=100.0))
        started = time.monotonic()
        with pytest.raises(PubMedUnavailable, match="took longer than 1 s"):
            client.search("dry needling")
        assert time.monotonic() - started < 5
    finally:
        stop.set()
        server.close()
