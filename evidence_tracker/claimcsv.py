"""Claims kept in a spreadsheet: one CSV row per claim, read with pandas.

Columns use the claim file's field names. Document fields (`document` — the document id —
`title`, `source`, `url`, `publisher`, `retrieved`, `sha256`) may repeat on every row or appear
only on a document's first row; rows sharing a `document` form one document. Curated evidence is
one cell: `pmid:stance[:note]` entries separated by `;`. An override uses `override_verdict`,
`override_reason`, `override_reviewer`, `override_date`. Line numbers are the row's line in the
file (header = line 1), exact unless a cell spans several lines.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from evidence_tracker.claimvalidate import CLAIM_FIELDS, Problem, _Lines

DOCUMENT_COLUMNS = ("document", "title", "source", "url", "publisher", "retrieved", "sha256")
OVERRIDE_COLUMNS = ("override_verdict", "override_reason", "override_reviewer", "override_date")
CSV_COLUMNS = DOCUMENT_COLUMNS + tuple(f for f in CLAIM_FIELDS if f != "override") + OVERRIDE_COLUMNS


def _mapping(values: dict, line: int) -> _Lines:
    mapping = _Lines(values)
    mapping.line = line
    mapping.key_lines = {key: line for key in values}
    return mapping


def _evidence(cell: str, line: int) -> list:
    entries = []
    for part in filter(None, (p.strip() for p in cell.split(";"))):
        pmid, _, rest = part.partition(":")
        stance, _, note = rest.partition(":")
        entries.append(_mapping({"pmid": pmid.strip(), "stance": stance.strip(),
                                 "note": note.strip()}, line))
    return entries


def _claim(row: dict, line: int) -> _Lines:
    claim = {k: row[k] for k in row if k not in DOCUMENT_COLUMNS + OVERRIDE_COLUMNS and row[k]}
    if "evidence" in claim:
        claim["evidence"] = _evidence(claim["evidence"], line)
    override = {k.removeprefix("override_"): row[k] for k in OVERRIDE_COLUMNS if row.get(k)}
    if override:
        claim["override"] = _mapping(override, line)
    return _mapping(claim, line)


def documents_from_csv(path: Path, text: str) -> list[_Lines] | Problem:
    """Raw document mappings from CSV `text`, ready for the claim file validator."""
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        detail = " ".join(str(exc).split())
        return Problem(str(path), 1, "csv", f"cannot be parsed as CSV: {detail}")
    unknown = [c for c in frame.columns if c not in CSV_COLUMNS]
    if unknown:
        return Problem(str(path), 1, unknown[0], f"unknown column, expected columns from "
                                                 f"{', '.join(CSV_COLUMNS)}")
    if "document" not in frame.columns or frame.empty:
        return Problem(str(path), 1, "document", "is missing, expected a 'document' column and "
                                                 "at least one claim row")
    documents: dict[str, _Lines] = {}
    for index, row in enumerate(frame.to_dict("records")):
        line = index + 2
        doc_id = row["document"].strip()
        doc = documents.setdefault(doc_id, _mapping({"id": doc_id, "claims": []}, line))
        for column in DOCUMENT_COLUMNS[1:]:
            if row.get(column) and column not in doc:
                doc[column] = row[column].strip()
                doc.key_lines[column] = line
        doc["claims"].append(_claim(row, line))
    return list(documents.values())
