"""Rendering a large run: 1,000 claims × 20 records → report.json, claims/evidence CSV, HTML.

The audit result is real: the pipeline grades and assesses every claim over real (renumbered)
records, through a stand-in source that answers each claim's query with 20 records of a shared
pool. Only what `runner.run_audit` does after the audit is timed: report data, the changes
since a previous (identical) run, the view model and the three writers.
"""

from __future__ import annotations

import copy
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from workloads import synthetic_workload

from evidence_tracker.language import load_rules, rule_ids
from evidence_tracker.pipeline import DocumentInput, audit
from evidence_tracker.pubmed.library import LibrarySource
from evidence_tracker.records import Record, SearchResult, SourceInfo
from evidence_tracker.report.changes import compute_changes
from evidence_tracker.report.data import report_data
from evidence_tracker.report.render import template_env, write_run
from evidence_tracker.report.view import report_view
from evidence_tracker.runner import load_documents

MB = 1e6


class PoolSource:
    """A `PubMedSource` answering every query with `per_claim` PMIDs of `library`, by hash."""

    def __init__(self, library: LibrarySource, per_claim: int) -> None:
        self.library, self.per_claim = library, per_claim
        self.pool = [r.pmid for r in library.records]

    def info(self) -> SourceInfo:
        return SourceInfo(kind="pubmed", detail="benchmark pool")

    def search(self, query: str, *, retmax: int = 100) -> SearchResult:
        start = int(hashlib.sha256(query.encode()).hexdigest()[:8], 16) % len(self.pool)
        pmids = tuple((self.pool * 2)[start:start + min(retmax, self.per_claim)])
        return SearchResult(query=query, count=len(pmids), pmids=pmids, as_of="2026-11-24")

    def fetch(self, pmids: Iterable[str]) -> Mapping[str, Record]:
        return self.library.fetch(pmids)

    def match_citations(self, citations):
        return {}


@dataclass(frozen=True)
class RenderFigures:
    claims: int
    record_rows: int
    prepare_seconds: float  # the audit itself (not part of the target)
    stage_seconds: dict[str, float]
    sizes_mb: dict[str, float]

    @property
    def seconds(self) -> float:
        return sum(self.stage_seconds.values())


def _audited(folder: Path, library: Path, claims: int, per_claim: int):
    rules = load_rules()
    loaded, _ = load_documents([synthetic_workload(folder / "claims", claims)], rule_ids(rules))
    inputs = [DocumentInput(item.document, item.text) for item in loaded if item.document]
    return audit(inputs, PoolSource(LibrarySource([library]), per_claim), retmax=per_claim,
                 rules=rules)


def measure(folder: Path, library: Path, claims: int = 1000,
            per_claim: int = 20) -> RenderFigures:
    """Audit `claims` claims of `per_claim` records each, then time the report stages."""
    started = time.perf_counter()
    result = _audited(folder, library, claims, per_claim)
    prepare, stages = time.perf_counter() - started, {}

    def stage(name, action, *args, **kwargs):
        begun = time.perf_counter()
        value = action(*args, **kwargs)
        stages[name] = time.perf_counter() - begun
        return value

    report = stage("report data", report_data, result, run_id="20261124T000000Z",
                   started="2026-11-24T00:00:00+00:00", finished="2026-11-24T00:10:00+00:00",
                   source=SourceInfo(kind="pubmed", detail="benchmark"), requests={},
                   problems=[])
    report["changes"] = stage("changes", compute_changes, copy.deepcopy(report), report)
    view = stage("view model", report_view, report, {d.document.id: d.text for d in result.documents},
                 {d.document.id: d.findings for d in result.documents})
    env, sizes = template_env(), {}
    for fmt in ("json", "csv", "html"):  # write_run's writers one at a time, to see each cost
        run = stage(f"write {fmt}", write_run, folder / "reports", fmt, report, view, env,
                    formats=(fmt,))
        sizes |= {p.name: p.stat().st_size / MB for p in sorted(run.iterdir())}
    rows = sum(len(c.records) for d in result.documents for c in d.claims)
    return RenderFigures(report["summary"]["claims"], rows, prepare, stages, sizes)
