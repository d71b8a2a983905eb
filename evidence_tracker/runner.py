"""The `run` job at the edge: load claim files, audit, write the report, record the run.

Order matters for crash safety: the run folder is written to a temp folder and renamed into
place, then the run is stored in one transaction, then `latest` and the run index are switched.
A run killed at any point leaves the previous report, `latest` and the store intact.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from evidence_tracker.clock import utc_now
from evidence_tracker.claimfile import Loaded, find_claim_files, load_claim_file
from evidence_tracker.config import Settings
from evidence_tracker.errors import (EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK,
                                     EXIT_PUBMED_UNAVAILABLE, BadInput)
from evidence_tracker.language import CATEGORIES, load_rules, rule_ids
from evidence_tracker.pipeline import DocumentInput, audit
from evidence_tracker.report.changes import compute_changes
from evidence_tracker.report.data import report_data
from evidence_tracker.report.render import (atomic_write_text, point_latest, template_env,
                                            write_run)
from evidence_tracker.report.runs import runs_view
from evidence_tracker.report.view import report_view
from evidence_tracker.sources import open_source
from evidence_tracker.store import RunStore
from evidence_tracker.thresholds import threshold_findings

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]



@dataclass(frozen=True)
class RunOutcome:
    """What the CLI needs to finish: the report, where it went, the exit code and why."""

    report: dict
    folder: Path
    exit_code: int
    reasons: tuple[str, ...]


def load_documents(paths: list[Path], known_rules: set[str]) -> tuple[list[Loaded], list[str]]:
    """Every claim file under `paths`, loaded; returns them and every problem as one line each."""
    known = set(known_rules) | set(CATEGORIES)  # an accepted flag may name a whole category
    loaded = [item for path in find_claim_files(paths)
              for item in load_claim_file(path, known_rules=known)]
    return loaded, [str(p) for item in loaded for p in item.problems]


def _run_id(now: datetime, out: Path, store: RunStore) -> str:
    base = now.strftime("%Y%m%dT%H%M%SZ")
    run_id, n = base, 1
    while (out / run_id).exists() or store.has_run(run_id):
        n += 1
        run_id = f"{base}-{n}"
    return run_id


def _exit_code(report: dict, settings: Settings, bad_input: bool) -> tuple[int, list[str]]:
    if bad_input:
        return EXIT_BAD_INPUT, ["some claim files have errors (see above)"]
    source = report["source"]
    if source["kind"] == "pubmed" and (report["pubmed_failures"] or source["stale"]):
        # stale: PubMed failed and older cached answers or records stood in
        return EXIT_PUBMED_UNAVAILABLE, report["pubmed_failures"] or list(source["notes"])
    findings = threshold_findings(report, settings.fail_on)
    return (EXIT_FINDINGS if findings else EXIT_OK), findings


def _check_writable(out: Path) -> None:
    """Fail as bad input before any PubMed request when reports cannot be written to `out`."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        raise BadInput(f"{out}:0: out: cannot write reports there ({exc.strerror or exc}), "
                       "expected a writable folder (-o/--out)") from None


def run_audit(settings: Settings, *, clock: Clock = utc_now, echo: Callable[[str], None] = print,
              progress_factory=None) -> RunOutcome:
    """Audit every claim file named in `settings` and publish the run under `settings.out`."""
    started = clock()
    _check_writable(Path(settings.out))
    rules = load_rules(Path(settings.rules) if settings.rules else None)
    loaded, problems = load_documents([Path(p) for p in settings.claims], rule_ids(rules))
    for line in problems:
        echo(line)
    inputs = [DocumentInput(item.document, item.text, tuple(str(p) for p in item.problems))
              for item in loaded if item.document is not None]
    out = Path(settings.out)
    store = RunStore(settings.store_path)
    try:
        with open_source(settings) as opened:
            queries = {c.query or c.id for d in inputs for c in d.document.claims}
            progress = progress_factory(len(queries)) if progress_factory else (lambda _: None)
            result = audit(inputs, opened.source, retmax=settings.retmax, rules=rules,
                           progress=progress)
            requests = opened.stats()
            info = opened.info()
        for line in result.problems:
            echo(line)
        run_id = _run_id(started, out, store)
        report = report_data(result, run_id=run_id, started=started.isoformat(timespec="seconds"),
                             finished=clock().isoformat(timespec="seconds"), source=info,
                             requests=requests, problems=problems + list(result.problems))
        report["changes"] = compute_changes(store.last_report(), report)
        view = report_view(report, {d.document.id: d.text for d in result.documents},
                           {d.document.id: d.findings for d in result.documents})
        env = template_env()
        folder = write_run(out, run_id, report, view, env)
        store.save_run(report, report["summary"], keep_reports=settings.keep_reports)
        point_latest(out, run_id)
        atomic_write_text(out / "index.html",
                          env.get_template("runs.html").render(**runs_view(store.runs())))
    finally:
        store.close()
    bad_input = any(item.errors for item in loaded) or not loaded or bool(result.problems)
    code, reasons = _exit_code(report, settings, bad_input)
    return RunOutcome(report, folder, code, tuple(reasons))
