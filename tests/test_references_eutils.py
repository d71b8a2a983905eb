"""The reference checker through the live client: `responses` mocks built from the real records,
and the fake E-utilities server. The shared handout must come out as its answer key says."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

import ncbi_bodies as ncbi
from evidence_tracker.pubmed.eutils import ClientSettings, EutilsClient
from evidence_tracker.pubmed.library import LibrarySource
from evidence_tracker.references import check_references
from fake_eutils import Fault, FakeEutils

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared" / "data"
LIBRARY = REPO / "claims" / "library" / "dry-needling.xml"
BASE = "https://eutils.test/entrez/eutils/"
XML = "text/xml; charset=UTF-8"


@pytest.fixture(scope="module")
def library() -> LibrarySource:
    return LibrarySource([LIBRARY])


def client(base: str) -> EutilsClient:
    return EutilsClient(ClientSettings(base_url=base, email="dev@example.org", max_retries=0,
                                       requests_per_second=1000.0, backoff_base=0.01))


def handout() -> str:
    return (SHARED / "handout-with-references.md").read_text()


def assert_answer_key(results) -> None:
    key = json.loads((SHARED / "handout-with-references.answers.json").read_text())
    got = [(r.number, r.status, r.pmid or None, sorted(m.field for m in r.mismatches))
           for r in results]
    assert got == [(str(k["ref"]), k["status"], k["pmid"], k.get("fields", [])) for k in key]


def params(request) -> dict[str, str]:
    body = request.body or ""
    query = urlsplit(request.url).query or (body.decode() if isinstance(body, bytes) else body)
    return {k: v[0] for k, v in parse_qs(query).items()}


def mock_ncbi(library, *, esearch_error: str = "") -> FakeEutils:
    """`responses` answering E-utilities from the real records (the fake server's bodies)."""
    bodies = FakeEutils(library)  # used for its answers only; its HTTP server is not started

    def answer(endpoint):
        def callback(request):
            if endpoint == "esearch" and esearch_error:
                return 200, {}, ncbi.esearch_error(esearch_error)
            status, body = getattr(bodies, endpoint)(params(request))
            return status, {}, body
        return callback
    for endpoint, path in (("esearch", "esearch.fcgi"), ("efetch", "efetch.fcgi"),
                           ("ecitmatch", "ecitmatch.cgi")):
        for method in (responses.GET, responses.POST):
            responses.add_callback(method, BASE + path, callback=answer(endpoint),
                                   content_type=XML)
    return bodies


@responses.activate
def test_handout_through_mocked_eutils_and_the_requests_sent(library):
    mock_ncbi(library)
    assert_answer_key(check_references(handout(), client(BASE)))
    sent = [(urlsplit(c.request.url).path.rsplit("/", 1)[1], params(c.request))
            for c in responses.calls]
    endpoints = [e for e, _ in sent]
    assert endpoints[:3] == ["esearch.fcgi", "ecitmatch.cgi", "efetch.fcgi"]
    assert len(sent) <= 9 and endpoints.count("ecitmatch.cgi") == 1
    assert sent[0][1]["term"] == '"10.1016/j.jmpt.2012.10.005"[aid]'
    bdata = sent[1][1]["bdata"].split("\r")
    assert "Anesth Analg|2007|105|222|Reuben SS|7|" in bdata  # key = position, "|" literal
    assert all(p["email"] == "dev@example.org" and p["tool"] for _, p in sent)


@responses.activate
def test_esearch_backend_failure_makes_references_unchecked_not_missing(library):
    mock_ncbi(library, esearch_error=ncbi.BACKEND_502)
    results = check_references(handout(), client(BASE))
    by_number = {r.number: r for r in results}
    assert by_number["5"].status == "unchecked"  # the fabricated one cannot be told apart now
    assert "Search Backend failed" in by_number["5"].failure
    assert "not_found" not in {r.status for r in results}
    assert by_number["7"].status == "mismatch"  # ECitMatch still answered


@responses.activate
def test_a_doi_search_answering_another_paper_is_not_accepted(library):
    mock_ncbi(library)
    responses.replace(responses.GET, BASE + "esearch.fcgi", body=ncbi.ESEARCH_HEAD + (
        b"<eSearchResult><Count>1</Count><RetMax>1</RetMax><RetStart>0</RetStart><IdList>"
        b"<Id>18395479</Id></IdList><TranslationSet/><QueryTranslation/></eSearchResult>"),
        content_type=XML)
    [result] = check_references("References\n1. doi:10.1016/j.jmpt.2012.10.005\n", client(BASE))
    assert result.status == "not_found" and result.pmid == ""
    assert result.message == "DOI 10.1016/j.jmpt.2012.10.005 is not in PubMed"


def test_handout_through_the_fake_server(library):
    with FakeEutils(library) as server:
        assert_answer_key(check_references(handout(), client(server.url)))
        assert len(server.log) <= 9
        server.fail("efetch", Fault.http(503))
        results = check_references(handout(), client(server.url))
    assert {r.status for r in results} == {"unchecked"}
    assert all(re.search(r"503", r.failure) for r in results)
