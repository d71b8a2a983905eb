"""Load and validate claim files (YAML, or CSV via pandas) into `Document` records.

Every problem in every file is collected in one pass and reported as one line
`path:line: field: what is wrong, what is expected`. A claim's `quote` must occur verbatim in the
source text (runs of whitespace may differ, since YAML folds lines); the loader records its line
and column. `sha256` is optional: when it no longer matches the source text, that is a warning
(the document changed since its claims were written), not an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import yaml

from evidence_tracker.claimvalidate import (CLAIM_FIELDS, Loaded, Problem, _Lines, _Validator,
                                            find_quote)
from evidence_tracker.errors import BadInput

MAX_FILE_BYTES = 5_000_000
CLAIM_FILE_SUFFIXES = (".yaml", ".yml", ".csv")
__all__ = ["CLAIM_FIELDS", "Loaded", "Problem", "find_claim_files", "find_quote",
           "load_claim_file"]


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings are `_Lines` that know where each key was written."""


def _construct_lines(loader: _LineLoader, node: yaml.MappingNode) -> _Lines:
    seen: dict[str, int] = {}
    for key in (k for k, _ in node.value if isinstance(k, yaml.ScalarNode)):
        if key.value in seen:  # PyYAML would keep the last of two equal keys silently
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key.value}' (first at line {seen[key.value]}), "
                "expected each key once", key.start_mark)
        seen[key.value] = key.start_mark.line + 1
    mapping = _Lines(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value
                         if isinstance(k, yaml.ScalarNode)}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_lines)
# Dates stay text: PyYAML's own date constructor raises a bare ValueError (no line) for
# "2026-13-45"; the validator checks dates and names the line.
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp",
                            lambda loader, node: loader.construct_scalar(node))


def find_claim_files(paths: Iterable[Path]) -> list[Path]:
    """Claim files named by `paths` (directories are searched one level deep, sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix.lower() in CLAIM_FILE_SUFFIXES)
        elif path.exists():
            found.append(path)
        else:
            raise BadInput(f"{path}:0: path: no such file or directory")
    return found


def load_claim_file(path: Path, *, known_rules: Iterable[str] = ()) -> list[Loaded]:
    """Load one claim file (a CSV may hold several documents); never raises on bad content."""
    try:
        data = path.read_bytes()
        if len(data) > MAX_FILE_BYTES:
            return [_fail(path, 0, "file", f"is {len(data)} bytes, expected at most "
                                            f"{MAX_FILE_BYTES} for a claim file")]
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [_fail(path, 0, "file", f"is not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return [_fail(path, 0, "file", f"cannot be read: {exc.strerror}")]
    if "\x00" in text:
        return [_fail(path, 0, "file", "is binary, expected a YAML or CSV claim file")]
    if path.suffix.lower() == ".csv":
        from evidence_tracker.claimcsv import documents_from_csv

        raws = documents_from_csv(path, text)
        if isinstance(raws, Problem):
            return [Loaded(str(path), None, "", (raws,))]
    else:
        raw = _parse_yaml(path, text)
        if isinstance(raw, Problem):
            return [Loaded(str(path), None, "", (raw,))]
        raws = [raw]
    return [_Validator(path, set(known_rules)).document(raw) for raw in raws]


def _fail(path: Path, line: int, field: str, message: str) -> Loaded:
    return Loaded(str(path), None, "", (Problem(str(path), line, field, message),))


def _parse_yaml(path: Path, text: str) -> Any:
    if not text.strip():
        return Problem(str(path), 1, "file", "is empty, expected a YAML mapping with id, title, "
                                              "source and claims")
    try:
        raw = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        # "found unexpected end of stream" points at the end; say where the quote was opened
        where = (f" ({exc.context} at line {exc.context_mark.line + 1})"
                 if exc.problem and exc.context and exc.context_mark else "")
        return Problem(str(path), line, "yaml",
                       f"syntax error: {exc.problem or exc.context}{where}")
    except yaml.YAMLError as exc:
        return Problem(str(path), 0, "yaml", f"syntax error: {exc}")
    if not isinstance(raw, dict):
        return Problem(str(path), 1, "file", "top level must be a mapping with id, title, "
                                              "source and claims")
    return raw
