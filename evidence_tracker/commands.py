"""The audit commands: `run`, `check`, `history`, `show-config`. Flags in, library calls out."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any, Callable

import click

from evidence_tracker.config import FAIL_ON_CHOICES, Settings, load_settings
from evidence_tracker.errors import EXIT_BAD_INPUT, EXIT_OK

EXIT_CODES_HELP = """\b
Exit codes:
  0  done, nothing at or above --fail-on
  1  findings at or above --fail-on
  2  bad input or usage (message names file, line and field)
  3  PubMed was unavailable for (part of) the run: affected claims are
     "not checked" (or answered from an older cached copy, marked stale)
  4  internal error"""

log = logging.getLogger("evidence_tracker")


def setup_logging(verbose: int, quiet: bool) -> None:
    """Logs go to stderr; default WARNING, `-v` INFO, `-vv` DEBUG, `-q` errors only."""
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("evidence-tracker: %(levelname)s: %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False


def source_options(func: Callable) -> Callable:
    """Flags shared by every command that talks to PubMed."""
    options = [
        click.option("--config", "config_file", type=click.Path(dir_okay=False),
                     help="TOML config file (default: ./evidence-tracker.toml if present)."),
        click.option("--source", type=click.Choice(["auto", "pubmed", "library"]),
                     help="auto (default): live PubMed if it answers, else the offline library."),
        click.option("--eutils-url", help="E-utilities base URL (env EVIDENCE_TRACKER_EUTILS_URL)."),
        click.option("--library", multiple=True,
                     help="PubMed XML / MEDLINE files or folders for offline audits."),
        click.option("--email", help="Contact email sent to NCBI (env NCBI_EMAIL)."),
        click.option("--cache", help="SQLite cache of PubMed answers (default OUT/pubmed-cache.sqlite)."),
        click.option("--refresh", is_flag=True, default=None, help="Ignore cached searches for this run."),
        click.option("--offline", is_flag=True, default=None, help="Answer only from the cache and the library."),
        click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug)."),
        click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def settings_from(flags: dict[str, Any]) -> Settings:
    """Merge command flags with config file and environment (see `evidence_tracker.config`)."""
    setup_logging(flags.pop("verbose", 0) or 0, bool(flags.pop("quiet", False)))
    config_file = flags.pop("config_file", None)
    return load_settings(flags, config_file=config_file)


class Progress:
    """A tqdm bar on a terminal once more than `few` searches ran; silent under cron, CI, -q."""

    def __init__(self, enabled: bool, few: int = 5) -> None:
        self.enabled, self.few, self.done, self.bar, self.total = enabled, few, 0, None, None

    def factory(self, searches: int):
        """The runner's progress hook for about `searches` searches: called once per search."""
        self.total = searches
        return self.update

    def update(self, _query: str) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)
        elif self.enabled and self.done > self.few:
            from tqdm import tqdm

            self.bar = tqdm(desc="searching PubMed", unit="query", file=sys.stderr,
                            leave=False, initial=self.done, total=self.total)

    def close(self) -> None:
        """Clear the bar before the summary is printed."""
        if self.bar is not None:
            self.bar.close()


def _quiet() -> bool:
    return log.getEffectiveLevel() > logging.WARNING


@click.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-o", "--out", help="Where runs are written (default: reports/).")
@click.option("--fail-on", multiple=True, type=click.Choice(FAIL_ON_CHOICES),
              help="What makes the run exit 1 (repeatable; default: retracted).")
@click.option("--rules", help="An extra language-rules YAML file.")
@click.option("--keep-reports", type=int,
              help="Runs whose whole report the run store keeps (default: 60; older runs keep "
                   "their counts for history and the trend).")
@source_options
def run(paths: tuple[str, ...], **flags: Any) -> int:
    """Audit every claim file under PATHS (default: claims/) and write the evidence report."""
    from evidence_tracker.runner import run_audit

    flags["claims"] = paths or None
    settings = settings_from(flags)
    progress = Progress(sys.stderr.isatty() and not _quiet())
    try:
        outcome = run_audit(settings, echo=lambda line: click.echo(line, err=True),
                            progress_factory=progress.factory)
    finally:
        progress.close()
    log.info("PubMed requests: %s", outcome.report["requests"] or "none (offline)")
    if not _quiet():  # with -q the exit code says how it went; only errors were printed
        _print_summary(outcome)
    return outcome.exit_code


def _print_summary(outcome) -> None:
    """The offline notice, why the run exits 1 (first 20 reasons) and the one-line summary."""
    summary, source = outcome.report["summary"], outcome.report["source"]
    if source["kind"] != "pubmed":
        click.echo("evidence-tracker: offline audit against the local library "
                   f"({source['detail']}); PubMed was not queried", err=True)
    for reason in outcome.reasons[:20]:
        click.echo(f"evidence-tracker: {reason}", err=True)
    if len(outcome.reasons) > 20:
        click.echo(f"evidence-tracker: … and {len(outcome.reasons) - 20} more", err=True)
    verdicts = ", ".join(f"{k} {v}" for k, v in summary["verdicts"].items() if v)
    click.echo(f"evidence-tracker: {summary['claims']} claims in {summary['documents']} "
               f"documents ({verdicts or 'none'}); report: {outcome.folder / 'index.html'}",
               err=True)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--rules", help="An extra language-rules YAML file (to validate accepted_flags).")
def check(paths: tuple[str, ...], rules: str | None) -> int:
    """Validate claim files: every problem in one pass, one line each; exit 2 on errors."""
    from evidence_tracker.language import load_rules, rule_ids
    from evidence_tracker.runner import load_documents

    known = rule_ids(load_rules(Path(rules) if rules else None))
    loaded, problems = load_documents([Path(p) for p in paths or ("claims",)], known)
    for line in problems:
        click.echo(line)
    errors = sum(len(item.errors) for item in loaded)
    claims = sum(len(item.document.claims) for item in loaded if item.document)
    click.echo(f"{len(loaded)} documents, {claims} claims, {errors} errors", err=True)
    return EXIT_BAD_INPUT if errors or not loaded else EXIT_OK


@click.command()
@click.option("-o", "--out", help="Where runs are written (default: reports/).")
@click.option("--store", help="The run store (default: OUT/evidence-tracker.sqlite).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False))
def history(**flags: Any) -> int:
    """List every stored run with its source and counts, oldest first."""
    from evidence_tracker.report.runs import history_lines
    from evidence_tracker.store import RunStore

    settings = load_settings(flags, config_file=flags.pop("config_file", None))
    if not settings.store_path.exists():
        click.echo(f"no runs yet in {settings.store_path}", err=True)
        return EXIT_OK
    store = RunStore(settings.store_path)
    try:
        lines = history_lines(store.runs())
    finally:
        store.close()
    for line in lines or ["no runs yet"]:
        click.echo(line)
    return EXIT_OK


@click.command("show-config")
@click.option("-o", "--out")
@source_options
def show_config(**flags: Any) -> int:
    """Print the merged settings (defaults < file < environment < flags), secrets redacted."""
    settings = settings_from(flags)
    click.echo(json.dumps(settings.redacted(), indent=2))
    return EXIT_OK
