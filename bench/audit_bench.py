"""Requests per audit and wall time against NCBI's floor, through the fake E-utilities server.

Our runs are `evidence-tracker run` itself (`runner.run_audit` with `--source pubmed`, the
SQLite cache and the live client), each in a fresh process as cron would start it (so no grade
cached in memory by an earlier run helps), against `tests/fake_eutils.FakeEutils`, which answers
429 above the rate limit as NCBI does. The requests counted are those the server saw. The naive
client is our client with `fetch` replaced by one efetch per PMID and no cache, the pattern of
several popular PubMed libraries; it runs unthrottled, since only its request count matters.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Mapping

import fake_eutils
from fake_eutils import FakeEutils

from evidence_tracker.config import Settings
from evidence_tracker.language import load_rules, rule_ids
from evidence_tracker.pipeline import DocumentInput, audit
from evidence_tracker.pubmed.eutils import ClientSettings, EutilsClient
from evidence_tracker.records import Record
from evidence_tracker.runner import load_documents, run_audit

EMAIL = "bench@example.org"

# http.server writes the headers and the body of an answer separately; with Nagle's algorithm on,
# the body waits for the client's delayed ACK, adding 40 ms to every request on loopback (NCBI's
# servers do not). TCP_NODELAY on the fake server's sockets removes that artefact.
fake_eutils._Handler.disable_nagle_algorithm = True


@dataclass(frozen=True)
class RunFigures:
    """One audit run as the fake server saw it, with its wall times."""

    workload: str
    phase: str  # first | rerun | naive
    rate: float  # requests/s the client and server allow (0: unthrottled)
    claims: int
    pmids: int  # M: distinct PMIDs the run needed (search hits and curated evidence)
    endpoints: Mapping[str, int]
    rate_limited: int
    audit_seconds: float  # claim files → verdicts (run_audit's two clock readings)
    run_seconds: float  # the whole `run`, report and run store included

    @property
    def requests(self) -> int:
        return sum(self.endpoints.values())

    @property
    def floor_seconds(self) -> float:
        return self.requests / self.rate if self.rate else 0.0

    def ratio(self, seconds: float) -> float:
        """`seconds` ÷ (requests ÷ rate): 1.0 is NCBI's physical limit."""
        return seconds / self.floor_seconds if self.floor_seconds else math.nan

    @property
    def target(self) -> int:
        """Most requests this run may send: 2N + ⌈M/200⌉ first, 2N on a re-run."""
        return 2 * self.claims + (math.ceil(self.pmids / 200) if self.phase == "first" else 0)

    @property
    def meets_target(self) -> bool:
        if self.phase == "rerun":
            return self.requests <= self.target and not self.endpoints.get("efetch")
        return self.requests <= self.target


def _needed_pmids(report: dict) -> int:
    claims = [c for d in report["documents"] for c in d["claims"]]
    return len({p for c in claims for p in c["pmids"]}
               | {e["pmid"] for c in claims for e in c["curated_evidence"]})


def _served(ncbi: FakeEutils, since: int) -> tuple[Counter, int]:
    entries = ncbi.log[since:]
    return Counter(e.endpoint for e in entries), sum(e.status == 429 for e in entries)


def _child(settings: dict) -> dict:
    """One `run_audit` in this (fresh) process: its two clock readings and what it needed."""
    marks: list[float] = []

    def clock() -> datetime:  # run_audit reads it when it starts and when the audit is done
        marks.append(time.perf_counter())
        return datetime.now(timezone.utc)

    started = time.perf_counter()
    fields = {k: tuple(v) if isinstance(v, list) else v for k, v in settings.items()}
    outcome = run_audit(Settings(**fields), clock=clock, echo=lambda _line: None)
    report = outcome.report
    return {"audit_seconds": marks[1] - marks[0], "run_seconds": time.perf_counter() - started,
            "claims": report["summary"]["claims"], "pmids": _needed_pmids(report)}


def _one_run(settings: Settings, ncbi: FakeEutils, workload: str, phase: str,
             rate: float) -> RunFigures:
    """`run_audit` in a child process, as cron starts it: no cache of an earlier run's grades."""
    fields = {k: list(v) if isinstance(v, tuple) else v for k, v in vars(settings).items()}
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    since = len(ncbi.log)
    done = subprocess.run([sys.executable, __file__, json.dumps(fields)], env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"benchmark run failed:\n{done.stderr[-2000:]}")
    child = json.loads(done.stdout)
    endpoints, limited = _served(ncbi, since)
    return RunFigures(workload, phase, rate, child["claims"], child["pmids"], dict(endpoints),
                      limited, child["audit_seconds"], child["run_seconds"])


def first_and_rerun(workload: str, claims: Path, library, rate: int, out: Path,
                    rerun: bool = True) -> list[RunFigures]:
    """A first audit into an empty cache, then (`rerun`) the nightly re-run with nothing new.

    The re-run uses a search TTL of 0 (every search has expired) over the warm record cache.
    """
    with FakeEutils(library, rate_limit=rate) as ncbi:
        settings = Settings(claims=(str(claims),), out=str(out), source="pubmed",
                            eutils_url=ncbi.url, email=EMAIL,
                            api_key="bench-key" if rate > 3 else "", fail_on=("never",))
        runs = [_one_run(settings, ncbi, workload, "first", rate)]
        if rerun:
            runs.append(_one_run(replace(settings, search_ttl_hours=0), ncbi, workload,
                                 "rerun", rate))
    return runs


class NaiveClient(EutilsClient):
    """One efetch per PMID, as several popular PubMed libraries fetch."""

    def fetch(self, pmids: Iterable[str]) -> Mapping[str, Record]:
        records: dict[str, Record] = {}
        for pmid in dict.fromkeys(pmids):
            records.update(super().fetch([pmid]))
        return records


def naive_run(workload: str, claims: Path, library) -> RunFigures:
    """The same audit through `NaiveClient` without a cache (so every run costs the same)."""
    rules = load_rules()
    loaded, _problems = load_documents([claims], rule_ids(rules))
    inputs = [DocumentInput(item.document, item.text) for item in loaded if item.document]
    with FakeEutils(library) as ncbi:
        client = NaiveClient(ClientSettings(base_url=ncbi.url, email=EMAIL,
                                            requests_per_second=1000.0))
        started = time.perf_counter()
        with client:
            result = audit(inputs, client, retmax=100, rules=rules)
        seconds = time.perf_counter() - started
        endpoints, limited = _served(ncbi, 0)
    claims_run = [c for d in result.documents for c in d.claims]
    pmids = {p for c in claims_run if c.search for p in c.search.pmids}
    pmids |= {e.pmid for c in claims_run for e in c.claim.evidence}
    return RunFigures(workload, "naive", 0, len(claims_run), len(pmids), dict(endpoints),
                      limited, seconds, seconds)


def naive_computed(first: RunFigures) -> RunFigures:
    """What `NaiveClient` would send for `first`'s audit: its searches plus one efetch per PMID.

    `naive_run` on the seed workloads sends exactly this; `run.py --full` runs it for all.
    """
    endpoints = {"esearch": first.endpoints.get("esearch", 0), "efetch": first.pmids}
    return RunFigures(first.workload, "naive (computed)", 0, first.claims, first.pmids, endpoints,
                      0, math.nan, math.nan)


if __name__ == "__main__":  # the child: python audit_bench.py SETTINGS_JSON
    import logging
    import tempfile

    from Bio import Entrez

    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="bench-entrez-") as cache:
        Entrez.local_cache = cache  # Biopython's DTD cache, kept out of the home directory
        print(json.dumps(_child(json.loads(sys.argv[1]))))
