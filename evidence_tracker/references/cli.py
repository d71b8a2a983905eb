"""`evidence-tracker refs PATH`: check a document's references. Flags in, library calls out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from evidence_tracker.commands import settings_from, source_options
from evidence_tracker.errors import (EXIT_FINDINGS, EXIT_OK, EXIT_PUBMED_UNAVAILABLE, BadInput)
from evidence_tracker.references.blocks import FORMATS as INPUT_FORMATS
from evidence_tracker.references.check import check_references
from evidence_tracker.references.model import DEFAULT_FAIL_ON, STATUSES, ReferenceResult
from evidence_tracker.references.render import FORMATS, summary
from evidence_tracker.sources import open_source

FAIL_ON = (*STATUSES, "off_point", "none")


def read_document(path: str) -> str:
    """The text at `path` ("-" for standard input); `BadInput` naming the file otherwise."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: is a directory, expected a text, Markdown or HTML file") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        line = Path(path).read_bytes()[: exc.start].count(b"\n") + 1
        raise BadInput(f"{path}:{line}: not UTF-8 text (byte {exc.start})") from None


def exit_code(results: list[ReferenceResult], fail_on: tuple[str, ...]) -> int:
    """3 when PubMed failed for any reference, else 1 for findings in `fail_on`, else 0."""
    if any(r.failure for r in results):
        return EXIT_PUBMED_UNAVAILABLE
    if "none" in fail_on:
        return EXIT_OK
    failing = any(r.status in fail_on or ("off_point" in fail_on and r.on_point is False)
                  for r in results)
    return EXIT_FINDINGS if failing else EXIT_OK


@click.command()
@click.argument("path")
@click.option("--format", "out_format", type=click.Choice(sorted(FORMATS)), default="text",
              show_default=True, help="Output: text for people, json (a list) for tools.")
@click.option("--input-format", type=click.Choice(INPUT_FORMATS),
              help="How to read PATH (default: from its suffix: .md Markdown, .html HTML, else text).")
@click.option("--fail-on", multiple=True, type=click.Choice(FAIL_ON),
              help="Statuses that make the exit code 1 (repeatable, replaces the default "
                   f"{', '.join(DEFAULT_FAIL_ON)}); off_point: a reference that does not address "
                   "the claim citing it; none: never exit 1.")
@source_options
def refs(path: str, out_format: str, input_format: str | None, fail_on: tuple[str, ...],
         **flags: Any) -> int:
    """Check the references PATH cites: real, accurately cited, unretracted, on point.

    Exit 0 all fine, 1 a reference is retracted, not found or mis-cited (see --fail-on),
    2 bad input, 3 PubMed was unavailable for some reference.
    """
    text = read_document(path)
    settings = settings_from(flags)
    with open_source(settings, notify=lambda line: click.echo(f"evidence-tracker: {line}",
                                                              err=True)) as opened:
        results = check_references(text, opened.source, path=path, fmt=input_format)
    click.echo(FORMATS[out_format](results, path))
    click.echo(f"evidence-tracker: {summary(results)}", err=True)
    return exit_code(results, fail_on or DEFAULT_FAIL_ON)
