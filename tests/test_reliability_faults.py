"""Fault matrix (issue 8): the whole CLI against a fake NCBI failing one way at a time.

Each case: the run completes without a traceback and exits 3; the claims the fault hits are
"not checked" with NCBI's reason (in report.json, the HTML and on stderr), the others are
complete; retryable faults are retried once and others never; and the previous run's report
folder and stored rows are byte for byte as they were.
"""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import ncbi_bodies as ncbi
import pytest
from fake_eutils import Fault
from markupsafe import escape
from test_reliability_helpers import (DOC_ID, ENDPLATE_TERM, SMALL_CLAIMS, claims_by_id,
                                      copy_workdir, fake_ncbi, folder_digest, latest_report,
                                      make_workdir, run_cli, run_folders, store_rows,
                                      workdir_with_one_run)

SEARCH, FETCH = "esearch", "efetch"
WITH_HITS = SMALL_CLAIMS[:3]  # the fourth claim's search finds nothing, so it needs no fetch
ENDPLATE = "normalizes-end-plate-activity"
HTML_500 = Fault(500, ncbi.HTML_502.replace(b"502", b"500"), "text/html")
HTML_503 = Fault(503, ncbi.HTML_502.replace(b"502", b"503"), "text/html")
# An API key lifts the client's limit to 10 requests/s: the matrix is about faults, not pacing.
KEY = {"NCBI_API_KEY": "matrix-key"}

# (id, endpoint, fault, attempts the client makes, words of the reason it must report)
CASES = [
    ("429", SEARCH, Fault.rate_limited(), 2, "rate-limited by NCBI: API rate limit exceeded"),
    ("429-retry-after", SEARCH, Fault.rate_limited(retry_after=1), 2, "rate-limited by NCBI"),
    ("500-json", SEARCH, Fault.http(500), 2, "HTTP 500 to esearch.fcgi: error forwarding request"),
    ("500-html", SEARCH, HTML_500, 2, "HTTP 500 to esearch.fcgi: 500 Server Error"),
    ("502-html", SEARCH, Fault.http(502), 2, "HTTP 502 to esearch.fcgi: 502 Server Error"),
    ("503-text", SEARCH, Fault.http(503), 2, "HTTP 503 to esearch.fcgi: Unable to route request!"),
    ("503-html", SEARCH, HTML_503, 2, "HTTP 503 to esearch.fcgi: 503 Server Error"),
    ("connection-reset", SEARCH, Fault.reset(), 2, "connection to 127.0.0.1"),
    ("read-timeout", SEARCH, Fault.slow(3), 2, "did not answer esearch.fcgi within 1 s"),
    ("truncated-xml", SEARCH, Fault.truncated(), 1, "NCBI sent broken XML"),
    ("html-200", SEARCH, Fault.html_200(), 1, "NCBI sent an HTML page instead of XML"),
    ("backend-failed-200", SEARCH, Fault.backend_failed(), 1, "Search Backend failed: Pubmed 2.0"),
    ("empty-article-set", FETCH, Fault.empty_set(), 1, "but fetching returned no record"),
    ("efetch-400", FETCH, Fault.efetch_400(), 1, "ID list is empty! Possibly it has no correct"),
    ("webenv-expired", FETCH, Fault.webenv_expired(), 1, "Unable to obtain query #1"),
]


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    return workdir_with_one_run(tmp_path_factory.mktemp("previous"))


def _copy(previous, tmp_path):
    workdir = copy_workdir(previous, tmp_path)
    out = workdir / "reports"
    [folder] = run_folders(out)
    return workdir, folder, folder_digest(folder), store_rows(out / "evidence-tracker.sqlite")


@dataclass
class Outcome:
    """One faulted run: its workdir, the earlier run's folder and digests, the CLI, the log."""

    workdir: Path
    old_folder: Path
    old_files: dict
    old_rows: dict
    result: subprocess.CompletedProcess
    log: list


def _run_case(previous, tmp_path, endpoint, fault) -> Outcome:
    workdir, old_folder, old_files, old_rows = _copy(previous, tmp_path)
    with fake_ncbi() as ncbi_server:
        ncbi_server.fail(endpoint, fault, term=ENDPLATE_TERM if endpoint == SEARCH else None)
        result = run_cli("run", "--source", "pubmed", "--eutils-url", ncbi_server.url,
                         "--fail-on", "never", cwd=workdir, env=KEY)
        return Outcome(workdir, old_folder, old_files, old_rows, result, ncbi_server.log)


@pytest.fixture(scope="module")
def outcomes(previous, tmp_path_factory) -> dict[str, Outcome]:
    """Every case at once, each with its own server and workdir: the runs mostly wait (on
    timeouts, backoff and the rate limiter), so the matrix costs about its slowest case."""
    with ThreadPoolExecutor(max_workers=5) as pool:
        futures = {case[0]: pool.submit(_run_case, previous, tmp_path_factory.mktemp(case[0]),
                                        case[1], case[2]) for case in CASES}
        return {name: future.result() for name, future in futures.items()}


def _attempts(log, endpoint):
    if endpoint == SEARCH:
        return [e for e in log if e.endpoint == SEARCH and ENDPLATE_TERM in e.params["term"]]
    return [e for e in log if e.endpoint == FETCH]


@pytest.mark.parametrize("name, endpoint, fault, attempts, words",
                         [pytest.param(*case, id=case[0]) for case in CASES])
def test_fault_leaves_affected_claims_not_checked_and_history_intact(
        outcomes, name, endpoint, fault, attempts, words):
    outcome = outcomes[name]
    workdir, result = outcome.workdir, outcome.result
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr and words in result.stderr

    report = latest_report(workdir)
    claims = claims_by_id(report)
    affected = {ENDPLATE} if endpoint == SEARCH else set(WITH_HITS)
    prefix = "PubMed search failed: " if endpoint == SEARCH else ""
    for claim_id, claim in claims.items():
        if claim_id in affected:
            assert claim["status"] == "not_checked" and claim["reason"].startswith(prefix)
            assert words in claim["reason"] and claim["records"] == []
            assert claim["verdict"] != "not_supported"  # an outage is not "no evidence"
        else:
            assert (claim["status"], claim["reason"]) == ("checked", ""), claim
            assert claim["records"] or claim_id == "first-time-real-relief"
    assert report["pubmed_failures"] and words in report["pubmed_failures"][0]
    page = (workdir / "reports" / "latest" / "index.html").read_text("utf-8")
    assert str(escape(claims[ENDPLATE]["reason"])) in page

    tries = _attempts(outcome.log, endpoint)
    assert len(tries) == attempts and report["requests"]["retries"] == attempts - 1
    if fault.headers:  # Retry-After: 1 is a floor under our 0.05 s backoff
        assert tries[1].at - tries[0].at >= 0.95

    assert folder_digest(outcome.old_folder) == outcome.old_files
    rows = store_rows(workdir / "reports" / "evidence-tracker.sqlite")
    assert {k: rows[k] for k in outcome.old_rows} == outcome.old_rows
    assert len(rows) == len(outcome.old_rows) + 1
    assert (workdir / "reports" / "latest").resolve().name == report["run"]["id"]


def test_outage_of_every_endpoint_finishes_fast_with_nothing_claimed(previous, tmp_path):
    workdir, old_folder, old_files, _ = _copy(previous, tmp_path)
    with fake_ncbi() as ncbi_server:
        ncbi_server.fail("*", Fault.http(503))
        result = run_cli("run", "--source", "pubmed", "--eutils-url", ncbi_server.url,
                         cwd=workdir, env=KEY)
    assert result.returncode == 3 and "Traceback" not in result.stderr
    claims = claims_by_id(latest_report(workdir))
    assert {c["status"] for c in claims.values()} == {"not_checked"}
    assert all("HTTP 503" in c["reason"] for c in claims.values())
    assert folder_digest(old_folder) == old_files


def test_failed_search_falls_back_to_the_cached_answer_marked_stale_with_reason(tmp_path):
    workdir = make_workdir(tmp_path)
    with fake_ncbi() as ncbi_server:
        first = run_cli("run", "--source", "pubmed", "--eutils-url", ncbi_server.url,
                        "--fail-on", "never", cwd=workdir, env=KEY)
    assert first.returncode == 0, first.stderr
    cached_at = claims_by_id(latest_report(workdir))[ENDPLATE]["as_of"]
    with fake_ncbi() as ncbi_server:
        ncbi_server.fail(SEARCH, Fault.http(503), term=ENDPLATE_TERM)
        second = run_cli("run", "--source", "pubmed", "--eutils-url", ncbi_server.url,
                         "--refresh", "--fail-on", "never", cwd=workdir, env=KEY)
        fetched = [e for e in ncbi_server.log if e.endpoint == FETCH]
    assert second.returncode == 3 and "Traceback" not in second.stderr
    report = latest_report(workdir)
    claims = claims_by_id(report)
    stale = claims[ENDPLATE]
    assert stale["status"] == "checked" and stale["stale"] and stale["as_of"] == cached_at
    assert "HTTP 503" in stale["reason"] and f"cached answer from {cached_at}" in stale["reason"]
    assert [r["pmid"] for r in stale["records"]] == ["28592980"]
    assert report["source"]["stale"] and not fetched  # records came from the cache too
    assert not any(claims[c]["stale"] for c in SMALL_CLAIMS if c != ENDPLATE)
    assert [d["id"] for d in report["documents"]] == [DOC_ID]
    html = (workdir / "reports" / "latest" / "index.html").read_text(encoding="utf-8")
    assert html.count("Rests on older cached PubMed data") == 1 and "HTTP 503" in html


def test_failed_fetch_falls_back_to_expired_cached_records_and_exits_3(tmp_path):
    workdir = make_workdir(tmp_path)
    with fake_ncbi() as ncbi_server:
        first = run_cli("run", "--source", "pubmed", "--eutils-url", ncbi_server.url,
                        "--fail-on", "never", cwd=workdir, env=KEY)
    assert first.returncode == 0, first.stderr
    expired = KEY | {"EVIDENCE_TRACKER_RECORD_TTL_DAYS": "0.000001"}
    with fake_ncbi() as ncbi_server:
        ncbi_server.fail(FETCH, Fault.efetch_400())
        second = run_cli("run", "--source", "pubmed", "--eutils-url", ncbi_server.url,
                         "--fail-on", "never", cwd=workdir, env=expired)
    assert second.returncode == 3 and "Traceback" not in second.stderr
    report = latest_report(workdir)
    assert report["source"]["stale"] is True
    assert any("cache" in note for note in report["source"]["notes"])
    endplate = claims_by_id(report)[ENDPLATE]
    assert endplate["records"][0]["pmid"] == "28592980"
    # the claim itself says which of its records are old copies, from when and why
    assert endplate["stale"] and "PubMed fetch failed" in endplate["reason"]
    assert "cached copies of PMID 28592980" in endplate["reason"]
    html = (workdir / "reports" / "latest" / "index.html").read_text(encoding="utf-8")
    assert "Rests on older cached PubMed data" in html and "cached copies of PMID 28592980" in html
