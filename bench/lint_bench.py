"""Marketing-language lint speed: MB of source text per second through `language.lint_text`.

The corpus is the repository's own pages (the claim sources and the lint development set, in
text, Markdown and HTML). Three shapes: many pages linted one by one in one process, as a run
lints its documents; one large text document, where anything worse than linear in the length
would show; and the pages read from disk by `lint`'s own file path, one process per core.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from workloads import REPO

from evidence_tracker.language import default_rules, lint_text, sentence_model
from evidence_tracker.language.cli import lint_files

MB = 1e6
CORPUS_DIRS = (REPO / "claims" / "sources", REPO / "tests" / "lint_dev")
SUFFIXES = (".txt", ".md", ".html")


@dataclass(frozen=True)
class LintFigures:
    shape: str
    documents: int
    mb: float
    seconds: float
    findings: int

    @property
    def mb_per_second(self) -> float:
        return self.mb / self.seconds


def corpus_files() -> list[Path]:
    """Every page in `CORPUS_DIRS` (README and source lists excluded)."""
    return [p for d in CORPUS_DIRS if d.is_dir() for p in sorted(d.iterdir())
            if p.suffix in SUFFIXES and p.name.lower() not in ("readme.md", "sources.md")]


def corpus() -> list[tuple[str, str]]:
    """(path, text) of every page in `CORPUS_DIRS`."""
    return [(str(p.relative_to(REPO)), p.read_text(encoding="utf-8")) for p in corpus_files()]


def _lint_all(pages: list[tuple[str, str]], shape: str) -> LintFigures:
    rules = default_rules()
    started = time.perf_counter()
    findings = sum(len(lint_text(text, path=path, rules=rules)) for path, text in pages)
    seconds = time.perf_counter() - started
    size = sum(len(text.encode("utf-8")) for _, text in pages) / MB
    return LintFigures(shape, len(pages), size, seconds, findings)


def measure(target_mb: float = 2.0) -> list[LintFigures]:
    """Lint the corpus repeated to about `target_mb`, page by page and as one text document."""
    pages = corpus()
    size = sum(len(text.encode("utf-8")) for _, text in pages) / MB
    repeat = max(1, round(target_mb / size))
    default_rules()  # load and compile the rules, and the sentence model, outside the timing
    sentence_model.load_model().probabilities([frozenset()], {})
    one_page = "\n\n".join(text for path, text in pages if not path.endswith(".html"))
    big = [("large.txt", "\n\n".join([one_page] * max(1, round(target_mb / 2 / (len(one_page) / MB)))))]
    return [_lint_all(pages * repeat, "pages"), _lint_all(big, "one document"),
            _lint_processes(corpus_files() * repeat)]


def _lint_processes(files: list[Path]) -> LintFigures:
    """The pages as `evidence-tracker lint` reads them: from disk, one process per core."""
    jobs = os.cpu_count() or 1
    started = time.perf_counter()
    findings = len(lint_files(files, default_rules(), jobs))
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in files) / MB
    return LintFigures(f"files, {jobs} processes", len(files), size, seconds, findings)
