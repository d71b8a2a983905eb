"""The live E-utilities client against `responses`, with NCBI's real answers and error bodies."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

import ncbi_bodies as ncbi
from evidence_tracker.errors import MalformedResponse, PubMedErrorResponse, PubMedUnavailable
from evidence_tracker.pubmed.eutils import ClientSettings, EutilsClient
from evidence_tracker.pubmed.interface import Citation

BASE = "https://eutils.test/entrez/eutils/"
ESEARCH, EFETCH, EINFO = BASE + "esearch.fcgi", BASE + "efetch.fcgi", BASE + "einfo.fcgi"
ECITMATCH = BASE + "ecitmatch.cgi"
XML = "text/xml; charset=UTF-8"


def make_client(**overrides) -> tuple[EutilsClient, list[float]]:
    """A client with no real waiting: backoff sleeps are recorded, the limiter is fast."""
    values = dict(base_url=BASE, email="dev@example.org", api_key="k3y", backoff_base=0.01,
                  backoff_max=0.05, requests_per_second=1000.0, max_retries=3)
    values.update(overrides)
    slept: list[float] = []
    return EutilsClient(ClientSettings(**values), sleep=slept.append), slept


def params_of(call) -> dict[str, list[str]]:
    request = call.request
    query = urlsplit(request.url).query
    body = request.body or ""
    return parse_qs(query or (body.decode() if isinstance(body, bytes) else body))


@responses.activate
def test_search_with_hits_sends_identity_and_parses_real_answer():
    responses.get(ESEARCH, body=ncbi.sample("esearch1.xml"), content_type=XML)
    client, _ = make_client()
    result = client.search("biopython", retmax=20)
    assert result.count == 63 and len(result.pmids) == 20 and result.pmids[0] == "41282813"
    assert result.query_translation == '"biopython"[All Fields]' and result.as_of
    sent = params_of(responses.calls[0])
    assert sent["term"] == ["biopython"] and sent["retmax"] == ["20"] and sent["db"] == ["pubmed"]
    assert (sent["tool"], sent["email"], sent["api_key"]) == (
        ["evidence-tracker"], ["dev@example.org"], ["k3y"])
    assert client.stats.to_dict()["by_endpoint"] == {"esearch.fcgi": 1}


@responses.activate
def test_phrase_not_found_is_a_valid_zero_hit_answer():
    responses.get(ESEARCH, body=ncbi.sample("esearch8.xml"), content_type=XML)
    result = make_client()[0].search("abcXYZ")
    assert (result.count, result.pmids, result.phrases_not_found) == (0, (), ("abcXYZ",))
    assert "No items found." in result.warnings


@pytest.mark.parametrize("text", [ncbi.BACKEND_FAILED, ncbi.BACKEND_502, ncbi.DB_NOT_SUPPORTED,
                                  ncbi.RETSTART_TOO_LARGE])
@responses.activate
def test_search_backend_error_with_200_fails_with_ncbi_text_and_is_not_zero_hits(text):
    responses.get(ESEARCH, body=ncbi.esearch_error(text), content_type=XML)
    client, _ = make_client()
    with pytest.raises(PubMedErrorResponse) as failure:
        client.search("anything")
    assert " ".join(text.split()) in failure.value.reason
    assert len(responses.calls) == 1 and client.stats.failures == 1


@responses.activate
def test_429_without_retry_after_is_retried_with_backoff():
    responses.get(ESEARCH, status=429, body=ncbi.RATE_LIMIT_JSON, content_type="application/json")
    responses.get(ESEARCH, body=ncbi.sample("esearch1.xml"), content_type=XML)
    client, slept = make_client()
    assert client.search("biopython").count == 63
    stats = client.stats.to_dict()
    assert (stats["retries"], stats["rate_limited"], stats["total"]) == (1, 1, 2)
    assert len(slept) == 1 and 0.01 <= slept[0] <= 0.02


@responses.activate
def test_429_retry_after_header_is_honoured():
    responses.get(ESEARCH, status=429, body=ncbi.RATE_LIMIT_JSON, headers={"Retry-After": "2"},
                  content_type="application/json")
    responses.get(ESEARCH, body=ncbi.sample("esearch1.xml"), content_type=XML)
    client, slept = make_client()
    client.search("biopython")
    assert slept == [2.0]


@responses.activate
def test_garbled_retry_after_falls_back_to_backoff():
    responses.get(ESEARCH, status=429, body=ncbi.RATE_LIMIT_JSON, headers={"Retry-After": "soon"})
    responses.get(ESEARCH, body=ncbi.sample("esearch1.xml"), content_type=XML)
    client, slept = make_client()
    assert client.search("biopython").count == 63 and 0.01 <= slept[0] <= 0.02


@responses.activate
def test_rate_limit_json_with_200_is_treated_as_429():
    responses.get(ESEARCH, body=ncbi.RATE_LIMIT_JSON, content_type="application/json")
    responses.get(ESEARCH, body=ncbi.sample("esearch1.xml"), content_type=XML)
    client, _ = make_client()
    assert client.search("biopython").count == 63 and client.stats.rate_limited == 1


@responses.activate
def test_persistent_429_gives_up_with_ncbi_message():
    responses.get(ESEARCH, status=429, body=ncbi.RATE_LIMIT_JSON, content_type="application/json")
    client, slept = make_client(max_retries=2)
    with pytest.raises(PubMedUnavailable) as failure:
        client.search("biopython")
    assert "API rate limit exceeded (count 5, limit 3)" in failure.value.reason
    assert "after 3 attempts" in failure.value.reason and "NCBI_API_KEY" in str(failure.value)
    assert len(responses.calls) == 3 and len(slept) == 2 and client.stats.rate_limited == 3


@pytest.mark.parametrize("status, body, expected", [
    (500, ncbi.GATEWAY_500_JSON, "error forwarding request"),
    (502, ncbi.HTML_502, "502 Server Error"),
    (503, ncbi.ROUTE_TEXT, "Unable to route request!"),
])
@responses.activate
def test_5xx_is_retried_then_reported_with_its_text(status, body, expected):
    responses.get(ESEARCH, status=status, body=body)
    responses.get(ESEARCH, body=ncbi.sample("esearch1.xml"), content_type=XML)
    client, _ = make_client()
    assert client.search("biopython").count == 63 and client.stats.retries == 1
    responses.reset()
    responses.get(ESEARCH, status=status, body=body)  # now it keeps failing
    with pytest.raises(PubMedUnavailable) as failure:
        client.search("biopython")
    assert f"HTTP {status}" in failure.value.reason and expected in failure.value.reason


@pytest.mark.parametrize("error, expected", [
    (requests.ConnectionError("Connection reset by peer"), "connection to eutils.test failed"),
    (requests.ReadTimeout("read timed out"), "did not answer esearch.fcgi within 30 s"),
    (requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead"),
     "connection to eutils.test failed"),
])
@responses.activate
def test_transport_errors_are_retried_then_unavailable(error, expected):
    responses.get(ESEARCH, body=error)
    client, slept = make_client(max_retries=2)
    with pytest.raises(PubMedUnavailable) as failure:
        client.search("biopython")
    assert expected in failure.value.reason and len(responses.calls) == 3 and len(slept) == 2


@responses.activate
def test_transport_error_then_success_recovers():
    responses.get(ESEARCH, body=requests.ConnectionError("reset"))
    responses.get(ESEARCH, body=ncbi.sample("esearch1.xml"), content_type=XML)
    client, _ = make_client()
    assert client.search("biopython").count == 63


@pytest.mark.parametrize("body, expected", [
    (ncbi.sample("einfo4.xml"), "broken XML"),  # truncated by hand, a real sample
    (ncbi.sample("esearch1.xml")[:700], "broken XML"),
    (ncbi.sample("pubmed3.html"), "HTML"),
    (b"", "empty body"),
])
@responses.activate
def test_malformed_200_bodies_fail_without_retry(body, expected):
    responses.get(ESEARCH, body=body, content_type=XML)
    client, slept = make_client()
    with pytest.raises(MalformedResponse) as failure:
        client.search("biopython")
    assert expected in failure.value.reason and len(responses.calls) == 1 and not slept


@responses.activate
def test_other_4xx_is_not_retried():
    page = b"<html><title>414 Request-URI Too Large</title></html>"
    responses.get(ESEARCH, status=414, body=page)
    client, slept = make_client()
    with pytest.raises(PubMedErrorResponse) as failure:
        client.search("biopython")
    assert "HTTP 414" in failure.value.reason and "Request-URI Too Large" in failure.value.reason
    assert len(responses.calls) == 1 and not slept


@responses.activate
def test_json_error_with_200_is_an_error_response():
    responses.get(ESEARCH, body=ncbi.GATEWAY_500_JSON, content_type="application/json")
    with pytest.raises(PubMedErrorResponse, match="error forwarding request"):
        make_client()[0].search("biopython")


@responses.activate
def test_fetch_parses_structured_abstract_html_title_and_missing_abstract():
    responses.get(EFETCH, body=ncbi.sample("pubmed4.xml"), content_type=XML)
    responses.get(EFETCH, body=ncbi.sample("pubmed1.xml"), content_type=XML)
    client, _ = make_client()
    first = client.fetch(["27797938"])["27797938"]
    assert "<i>TERT</i>" in first.title
    assert [s.label for s in first.abstract] == ["OBJECTIVE", "DESIGN", "RESULTS", "CONCLUSIONS"]
    both = client.fetch(["12091962", "9997"])
    assert both["12091962"].abstract == () and both["9997"].abstract_text
    assert params_of(responses.calls[1])["id"] == ["12091962,9997"]


@responses.activate
def test_fetch_batches_of_200_post_at_200_and_skips_non_pmids():
    responses.post(EFETCH, body=ncbi.EMPTY_ARTICLE_SET, content_type=XML)
    responses.get(EFETCH, body=ncbi.EMPTY_ARTICLE_SET, content_type=XML)
    client, _ = make_client()
    pmids = [str(n) for n in range(1000, 1450)] + ["1000", "abc", "0", ""]
    assert client.fetch(pmids) == {}
    methods = [c.request.method for c in responses.calls]
    sizes = [len(params_of(c)["id"][0].split(",")) for c in responses.calls]
    assert methods == ["POST", "POST", "GET"] and sizes == [200, 200, 50]
    assert all(params_of(c)["email"] == ["dev@example.org"] for c in responses.calls)


@responses.activate
def test_unknown_pmid_gives_empty_set_not_failure():
    responses.get(EFETCH, body=ncbi.EMPTY_ARTICLE_SET, content_type=XML)
    assert make_client()[0].fetch(["99999999"]) == {}


@pytest.mark.parametrize("body, expected", [
    (ncbi.EFETCH_ID_LIST_EMPTY, "ID list is empty! Possibly it has no correct IDs."),
    (ncbi.EFETCH_PROXY_502, "Please try again in 30 seconds."),
])
@responses.activate
def test_efetch_400_envelope_keeps_ncbi_message_and_is_not_retried(body, expected):
    responses.get(EFETCH, status=400, body=body, content_type=XML)
    client, _ = make_client()
    with pytest.raises(PubMedErrorResponse) as failure:
        client.fetch(["12345"])
    assert expected in failure.value.reason and "HTTP 400" in failure.value.reason
    assert len(responses.calls) == 1


@responses.activate
def test_ecitmatch_posts_raw_pipes_and_matches_answers_by_key():
    answer = "\n".join([ncbi.CITMATCH_AMBIGUOUS.format(key="b"), "x|1|2|3|y|stranger|42",
                        ncbi.CITMATCH_LINE.format(key="a"), "j|2000|1|1|z|c|NOT_FOUND"])
    responses.post(ECITMATCH, body=answer, content_type="text/plain")
    citations = [Citation("a", "proc natl acad sci u s a", "1991", "88", "3248", "mann bj"),
                 Citation("b", "N Engl J Med", "2024", "390", "889", "Wood RA"),
                 Citation("c", "j|x", "2000", "1", "1", "z")]
    matches = make_client()[0].match_citations(citations)
    assert matches["a"].pmids == ("2014248",) and not matches["a"].ambiguous
    assert matches["b"].pmids == ("33057196", "32076266", "32025019") and matches["b"].ambiguous
    assert matches["c"].pmids == () and "stranger" not in matches
    body = responses.calls[0].request.body
    assert "bdata=proc+natl+acad+sci+u+s+a|1991|88|3248|mann+bj|a|%0DN+Engl" in body
    assert "j+x|2000|1|1|z|c|" in body  # a "|" inside a field would shift NCBI's columns


@responses.activate
def test_ecitmatch_outage_text_is_malformed():
    responses.post(ECITMATCH, body=ncbi.ROUTE_TEXT, content_type="text/plain")
    with pytest.raises(MalformedResponse, match="Unable to route request!"):
        make_client()[0].match_citations([Citation("a", "j", "2000", "1", "1", "z")])


@responses.activate
def test_ecitmatch_empty_answer_means_nothing_matched():
    responses.post(ECITMATCH, body="\n", content_type="text/plain")
    assert make_client()[0].match_citations([Citation("a", "j", "2000", "1", "1", "z")]) == {}


@responses.activate
def test_probe_true_on_einfo_false_on_failure_without_retrying():
    responses.get(EINFO, body=ncbi.sample("einfo2.xml"), content_type=XML)
    client, slept = make_client()
    assert client.probe() is True
    responses.replace(responses.GET, EINFO, status=503, body=ncbi.HTML_502)
    assert client.probe() is False and len(responses.calls) == 2 and not slept
    responses.replace(responses.GET, EINFO, body=requests.ConnectTimeout("timed out"))
    assert client.probe() is False


@responses.activate
def test_retry_budget_per_run_then_fail_fast_without_requests():
    responses.get(ESEARCH, status=503, body=ncbi.HTML_502)
    client, slept = make_client(max_retries=3, retry_budget_requests=4)
    with pytest.raises(PubMedUnavailable):
        client.search("one")  # 1 + 3 retries
    with pytest.raises(PubMedUnavailable):
        client.search("two")  # 1 + the last retry of the budget
    calls = len(responses.calls)
    with pytest.raises(PubMedUnavailable, match="retry budget is spent"):
        client.search("three")
    assert calls == 6 and len(responses.calls) == 6 and len(slept) == 4


@responses.activate
def test_retry_after_beyond_the_budget_seconds_gives_up_at_once():
    responses.get(ESEARCH, status=429, body=ncbi.RATE_LIMIT_JSON, headers={"Retry-After": "600"})
    client, slept = make_client(retry_budget_seconds=60)
    with pytest.raises(PubMedUnavailable, match="rate-limited"):
        client.search("x")
    assert not slept and len(responses.calls) == 1


def test_warns_once_when_no_email(caplog):
    with caplog.at_level(logging.WARNING, logger="evidence_tracker.pubmed.eutils"):
        make_client(email="")
        make_client(email="dev@example.org")
    assert ["NCBI_EMAIL" in r.getMessage() for r in caplog.records] == [True]


def test_rate_follows_api_key():
    assert ClientSettings().rate == 3 and ClientSettings(api_key="k").rate == 10
    assert ClientSettings(requests_per_second=1).rate == 1


@responses.activate
def test_search_records_uses_history_server():
    responses.get(ESEARCH, body=ncbi.sample("esearch2.xml"), content_type=XML)
    responses.get(EFETCH, body=ncbi.sample("pubmed2.xml"), content_type=XML)
    result, records = make_client()[0].search_records("cancer")
    assert len(result.pmids) == 100 and sorted(records) == ["11700088", "11748933"]
    assert params_of(responses.calls[0])["usehistory"] == ["y"]
    sent = params_of(responses.calls[1])
    assert sent["WebEnv"] == ["MCID_6927d6e7fee3e90f880ec190"] and sent["query_key"] == ["1"]
    assert (sent["retstart"], sent["retmax"]) == (["0"], ["100"]) and "id" not in sent


@pytest.mark.parametrize("body", [ncbi.efetch_error(ncbi.WEBENV_EXPIRED),
                                  ncbi.esearch_error(ncbi.WEBENV_EXPIRED)])
@responses.activate
def test_expired_webenv_is_recovered_by_fetching_ids(body):
    responses.get(ESEARCH, body=ncbi.sample("esearch2.xml"), content_type=XML)
    responses.get(EFETCH, body=body, content_type=XML)
    responses.post(EFETCH, body=ncbi.sample("pubmed2.xml"), content_type=XML)
    result, records = make_client()[0].search_records("cancer")
    assert sorted(records) == ["11700088", "11748933"]
    assert responses.calls[2].request.method == "POST"  # 100 ids: over 1000 characters
    by_id = params_of(responses.calls[2])
    assert by_id["id"][0].split(",") == list(result.pmids) and "WebEnv" not in by_id


@responses.activate
def test_other_history_fetch_errors_are_not_swallowed():
    responses.get(ESEARCH, body=ncbi.sample("esearch2.xml"), content_type=XML)
    responses.get(EFETCH, status=400, body=ncbi.EFETCH_PROXY_502, content_type=XML)
    with pytest.raises(PubMedErrorResponse, match="502 Server Error"):
        make_client()[0].search_records("cancer")
