"""Issue 3 end to end: the CLI against a fake NCBI that rate-limits like NCBI and fails on cue.

The seed claim file (14 claims) is audited twice with `--eutils-url`. The first run meets a
scripted schedule: one claim's search fails every time (503), one is rate-limited once, one
answers after the read timeout once. The second run is answered from the cache.
"""

from __future__ import annotations

from collections import Counter

from fake_eutils import Fault
from test_reliability_helpers import (ENDPLATE_TERM, SEED, claims_by_id, fake_ncbi,
                                      latest_report, make_workdir, run_cli)

EMAIL = "e2e@example.org"
ENDPLATE = "normalizes-end-plate-activity"


def _run(workdir, url):
    return run_cli("run", "--source", "pubmed", "--eutils-url", url, "--fail-on", "never",
                   cwd=workdir, env={"NCBI_EMAIL": EMAIL})


def _by_endpoint(log) -> dict[str, int]:
    return {f"{k}.fcgi": v for k, v in sorted(Counter(e.endpoint for e in log).items())}


def test_rate_limited_faulty_ncbi_then_cheaper_second_run(tmp_path):
    make_workdir(tmp_path, SEED.read_text(encoding="utf-8"))
    with fake_ncbi(rate_limit=3) as ncbi:
        ncbi.fail("esearch", Fault.http(503), term=ENDPLATE_TERM)
        ncbi.fail("esearch", Fault.rate_limited(), term="Regional Blood Flow", times=1)
        ncbi.fail("esearch", Fault.slow(2), term="Central Nervous System Sensitization", times=1)
        first = _run(tmp_path, ncbi.url)
        log = ncbi.log
        most = ncbi.most_in_window(1.0)
    assert first.returncode == 3, first.stderr
    assert "Traceback" not in first.stderr and "HTTP 503" in first.stderr
    report = latest_report(tmp_path)
    claims = claims_by_id(report)
    assert len(claims) == 14
    assert claims[ENDPLATE]["status"] == "not_checked"
    assert "HTTP 503 to esearch.fcgi: Unable to route request!" in claims[ENDPLATE]["reason"]
    assert claims[ENDPLATE]["count"] is None and claims[ENDPLATE]["records"] == []
    others = [c for c in claims.values() if c["id"] != ENDPLATE]
    assert all(c["status"] == "checked" and c["reason"] == "" for c in others)
    assert claims["improves-blood-circulation"]["pmids"] == ["23206963"]  # after its 429
    assert claims["reduces-sensitization"]["records"]  # after its timeout

    assert most <= 3, [round(e.at - log[0].at, 2) for e in log]
    assert all(e.params.get("tool") == "evidence-tracker" and e.params.get("email") == EMAIL
               for e in log)
    assert sum(e.status == 429 for e in log) == 1  # the scripted one; our pacing drew none
    requests = report["requests"]
    assert requests["by_endpoint"] == _by_endpoint(log) and requests["total"] == len(log)
    assert requests["retries"] == 3 and requests["rate_limited"] == 1  # 503 once, 429, timeout
    assert requests["bytes"] > 50_000 and requests["limiter_wait_seconds"] > 3

    with fake_ncbi(rate_limit=3) as ncbi:
        second = _run(tmp_path, ncbi.url)
        again = ncbi.log
    assert second.returncode == 0, second.stderr
    assert [e.endpoint for e in again] == ["esearch"]  # only the search that failed last time
    assert ENDPLATE_TERM in again[0].params["term"]
    cheaper = latest_report(tmp_path)
    assert cheaper["requests"]["total"] == 1 and cheaper["requests"]["cache"]["search_hits"] == 13
    assert claims_by_id(cheaper)[ENDPLATE]["status"] == "checked"
    assert cheaper["changes"]["nothing_changed"] is False
