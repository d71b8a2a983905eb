"""Secrets (issue 8): the NCBI API key reaches NCBI and nothing else.

Runs with a distinctive key at -v and -vv against the fake NCBI, once clean and once with faults
whose bodies echo the key back (NCBI's 429 JSON names the caller's key; error pages can echo the
request URL). Then every byte the runs left is searched for the key: stdout, stderr, every file
under the working folder (report folders, index pages, CSV, JSON, the SQLite store and cache with
their keys), and `show-config`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fake_eutils import Fault
from test_reliability_helpers import ENDPLATE_TERM, cli_env, fake_ncbi, make_workdir, run_cli

KEY = "sEcReT-4f9c2e81d7a6b3c0-key"


def _leaks(workdir: Path, *outputs: str) -> list[str]:
    """Where the key shows up (in any letter case): outputs by index, files by path."""
    key = KEY.lower()
    found = [f"output {i}" for i, text in enumerate(outputs) if key in text.lower()]
    return found + [str(p.relative_to(workdir)) for p in sorted(workdir.rglob("*"))
                    if p.is_file() and key.encode() in p.read_bytes().lower()]


def _echoing_faults(ncbi) -> None:
    page = (b"<html><body><h1>502 Bad Gateway</h1><p>Request: /entrez/eutils/esearch.fcgi?db="
            b"pubmed&api_key=" + KEY.encode() + b"</p></body></html>")
    ncbi.fail("esearch", Fault(502, page, "text/html"), term=ENDPLATE_TERM)
    limited = (b'{"error":"API rate limit exceeded","api-key":"' + KEY.encode()
               + b'","count":"11","limit":"10"}')
    ncbi.fail("esearch", Fault(429, limited, "application/json"), term="Regional Blood Flow")
    ncbi.fail("efetch", Fault(200, b"<html><title>Error</title>api_key=" + KEY.encode()
                              + b"</html>", "text/html"), on=[1])
    ncbi.fail("esearch", Fault.reset(), term="Trigger Points")


# An application embedding evidence-tracker with every logger at DEBUG (urllib3 logs each URL).
DEBUG_EVERYTHING = """import logging, sys
logging.basicConfig(level=logging.DEBUG)
from evidence_tracker.cli import main
main(sys.argv[1:])
"""


@pytest.mark.parametrize("verbosity, faults, debug_everything", [
    ("-v", False, False), ("-vv", True, False), ("-vv", True, True)])
def test_api_key_is_sent_to_ncbi_and_appears_nowhere_else(tmp_path, verbosity, faults,
                                                          debug_everything):
    workdir = make_workdir(tmp_path / "w")
    (tmp_path / "debug.py").write_text(DEBUG_EVERYTHING, encoding="utf-8")
    with fake_ncbi() as ncbi:
        if faults:
            _echoing_faults(ncbi)
        args = ("run", verbosity, "--source", "pubmed", "--eutils-url", ncbi.url,
                "--fail-on", "never")
        if debug_everything:
            result = subprocess.run([sys.executable, str(tmp_path / "debug.py"), *args],
                                    cwd=workdir, env=cli_env({"NCBI_API_KEY": KEY}),
                                    capture_output=True, text=True, timeout=60)
            assert "urllib3.connectionpool" in result.stderr
        else:
            result = run_cli(*args, cwd=workdir, env={"NCBI_API_KEY": KEY})
        sent = [e.params.get("api_key") for e in ncbi.log]
    assert result.returncode == (3 if faults else 0), result.stderr
    assert sent and set(sent) == {KEY} and "Traceback" not in result.stderr
    config = run_cli("show-config", "-vv", cwd=workdir, env={"NCBI_API_KEY": KEY})
    history = run_cli("history", cwd=workdir, env={"NCBI_API_KEY": KEY})
    outputs = (result.stdout, result.stderr, config.stdout, config.stderr, history.stdout,
               history.stderr)
    assert _leaks(workdir, *outputs) == []
    assert "<set, redacted>" in config.stdout
