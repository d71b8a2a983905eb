"""`evidence-tracker lint` and `evidence-tracker extract`: files in, findings or a draft out.

The edge of the language package: reads files (UTF-8, or the charset an HTML page declares;
refusing binary or undeclared non-UTF-8 ones with one line naming the file), loads the rules,
picks the output format, and turns findings into an exit code.
"""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path

import click

from evidence_tracker.errors import EXIT_FINDINGS, EXIT_OK, BadInput

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".mdown", ".html", ".htm", ".xhtml")
MAX_BYTES = 20_000_000


def read_source(path: Path) -> str:
    """The text of `path` as the claim loader sees it (UTF-8, CRLF as LF); BadInput otherwise."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{path}:0: file: cannot be read ({exc.strerror})") from exc
    if len(data) > MAX_BYTES:
        raise BadInput(f"{path}:0: file: is {len(data)} bytes, expected at most {MAX_BYTES}")
    if b"\x00" in data:
        raise BadInput(f"{path}:0: file: is binary, expected text, Markdown or HTML")
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        declared = _declared_charset(data)
        if declared:  # a saved web page in windows-1252 says so in its <meta>
            return data.decode(declared, errors="replace").replace("\r\n", "\n")
        line = data[:exc.start].count(b"\n") + 1
        raise BadInput(f"{path}:{line}: file: is not UTF-8 text ({exc.reason} at byte "
                       f"{exc.start}) and declares no other charset") from exc


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def _declared_charset(data: bytes) -> str | None:
    """The codec an HTML page declares in its first 4 KB (`<meta charset>`), if Python has it."""
    m = _CHARSET.search(data[:4096])
    if not m:
        return None
    try:
        return codecs.lookup(m.group(1).decode("ascii")).name
    except LookupError:
        return None


def expand(paths: tuple[str, ...]) -> list[Path]:
    """Files named by `paths`; directories give their text, Markdown and HTML files, sorted."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*")
                            if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
        elif path.exists():
            found.append(path)
        else:
            raise BadInput(f"{path}:0: path: no such file or directory")
    return found


def lint_files(files: list[Path], rules, jobs: int = 1) -> list:
    """The findings of `files`, in order, linted by `jobs` processes when there are several
    files (each process reads and lints whole files; the first bad file's error is raised)."""
    if jobs < 2 or len(files) < 2:
        return [f for path in files for f in _lint_file(path, rules)]
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, min(16, len(files) // (jobs * 4)))  # pages take milliseconds: hand out batches
    with ProcessPoolExecutor(jobs, initializer=_set_worker_rules, initargs=(rules,)) as pool:
        return [f for found in pool.map(_lint_file, files, chunksize=chunk) for f in found]


_WORKER_RULES = None  # the rules a worker process lints with (set once when it starts)


def _set_worker_rules(rules) -> None:
    global _WORKER_RULES
    _WORKER_RULES = rules


def _lint_file(path: Path, rules=None) -> list:
    from evidence_tracker.language import lint_text

    return lint_text(read_source(path), path=str(path),
                     rules=_WORKER_RULES if rules is None else rules)


def _rules(rules_file: str | None):
    """The shipped rules, plus the user's file whose examples must behave as they say."""
    from evidence_tracker.language import check_examples, load_rules

    rules = load_rules(Path(rules_file) if rules_file else None)
    problems = check_examples(rules) if rules_file else []
    if problems:
        raise BadInput(f"{rules_file}: examples: {problems[0]}")
    return rules


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text",
              show_default=True, help="Output format.")
@click.option("--fail-on", type=click.Choice(["info", "warning", "error", "never"]),
              default="error", show_default=True,
              help="Exit 1 when an open finding reaches this severity.")
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False),
              help="An extra rules YAML file: adds, replaces or disables rules.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Processes linting files at once (default: one per CPU core, at most 8).")
def lint(paths: tuple[str, ...], fmt: str, fail_on: str, rules_file: str | None,
         jobs: int | None) -> int:
    """Flag marketing language (evidence appeals, certainty, hype, testimonials, pressure,
    comparisons, mechanisms as fact, vague benefits) in text, Markdown or HTML files.

    Silence one flag with a reason: <!-- evidence-tracker: ignore RULE -- reason --> before
    the paragraph, list or heading it applies to (Markdown and HTML).
    """
    from evidence_tracker.language.formats import FORMATS, reaches, summary

    rules = _rules(rules_file)
    files = expand(paths)
    findings = lint_files(files, rules, jobs or min(os.cpu_count() or 1, 8))
    click.echo(FORMATS[fmt].render(findings, rules), nl=False)
    click.echo(summary(findings, len(files)), err=True)
    return EXIT_FINDINGS if any(reaches(f, fail_on) for f in findings) else EXIT_OK


@click.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the draft claim file here (default: stdout).")
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False),
              help="An extra rules YAML file, used to spot flagged sentences.")
def extract(path: str, output: str | None, rules_file: str | None) -> int:
    """Draft a claim file (YAML) from a page: its checkable claims with kind, PICO and query."""
    from evidence_tracker.language.extract import draft_claim_file, to_yaml

    source = Path(path)
    text = read_source(source)
    base = Path(output).resolve().parent if output else Path.cwd()
    relative = Path(os.path.relpath(source.resolve(), base)).as_posix()
    draft = draft_claim_file(text, path=str(source), source=relative, rules=_rules(rules_file))
    rendered = to_yaml(draft)
    if output:
        _write(Path(output), rendered)
        click.echo(f"{len(draft['claims'])} claims drafted in {output}", err=True)
    else:
        click.echo(rendered, nl=False)
    return EXIT_OK


def _write(path: Path, text: str) -> None:
    """Write atomically: a temporary file beside `path`, then a rename."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        raise BadInput(f"{path}:0: output: cannot be written ({exc.strerror})") from exc
