"""The command line: parses flags, builds the concrete adapters, calls the library, maps errors.

No business logic lives here. Exit codes: 0 done, 1 findings at or above --fail-on,
2 bad input or usage, 3 PubMed unavailable, 4 internal error.
"""

from __future__ import annotations

import sys

import click

from evidence_tracker import __version__
from evidence_tracker.commands import EXIT_CODES_HELP
from evidence_tracker.errors import EXIT_INTERNAL, EvidenceTrackerError


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="evidence-tracker")
def cli() -> None:
    """Audit health and course marketing claims against PubMed."""


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; every `EvidenceTrackerError` becomes one line on stderr and its exit code."""
    _register_commands()
    try:
        code = cli.main(args=argv, prog_name="evidence-tracker", standalone_mode=False)
    except EvidenceTrackerError as exc:
        click.echo(f"evidence-tracker: {exc.slug}: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("evidence-tracker: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if exc.exit_code == 2 else exc.exit_code)
    except KeyboardInterrupt:
        click.echo("evidence-tracker: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the one place that turns a bug into a line, not a traceback
        click.echo(f"evidence-tracker: internal error: {type(exc).__name__}: {exc}"
                   " (run with EVIDENCE_TRACKER_DEBUG=1 for details)", err=True)
        if _debug():
            raise
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else 0)


def _debug() -> bool:
    import os

    return os.environ.get("EVIDENCE_TRACKER_DEBUG") == "1"


def _register_commands() -> None:
    """Attach each feature's commands; each lives beside the feature it drives."""
    for module_name, names in _COMMANDS:
        module = __import__(module_name, fromlist=names)
        for name in names:
            if name not in cli.commands:
                cli.add_command(getattr(module, name))


# (module, [click command objects]) — one line per feature.
_COMMANDS: list[tuple[str, list[str]]] = [
    ("evidence_tracker.commands", ["run", "check", "history", "show_config"]),
    ("evidence_tracker.references.cli", ["refs"]),
    ("evidence_tracker.language.cli", ["lint", "extract"]),
]
