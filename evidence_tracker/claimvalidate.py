"""Validate one raw claim-file mapping into a `Document`, collecting every problem.

Each problem is one line `path:line: field: what is wrong, what is expected`. Raw mappings are
`_Lines` (they remember the line of each key), produced by the YAML and CSV readers.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from evidence_tracker.claims import (CLAIM_KINDS, STANCES, VERDICTS, AcceptedFlag, Claim,
                                     CuratedEvidence, Document, Override, text_sha256)
from evidence_tracker.errors import BadInput

DOC_FIELDS = ("id", "title", "url", "publisher", "retrieved", "source", "sha256", "claims",
              "accepted_flags", "notes")
CLAIM_FIELDS = ("id", "quote", "kind", "population", "intervention", "comparator", "outcome",
                "query", "evidence", "override", "notes")
EVIDENCE_FIELDS = ("pmid", "stance", "note", "reviewer", "date")
OVERRIDE_FIELDS = ("verdict", "reason", "reviewer", "date")
FLAG_FIELDS = ("rule", "reason", "quote")
_PMID = re.compile(r"[1-9]\d{0,8}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")



@dataclass(frozen=True)
class Problem:
    """One validation problem; `severity` "error" blocks the document, "warning" does not."""

    path: str
    line: int
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}: {self.field}: {prefix}{self.message}"


@dataclass(frozen=True)
class Loaded:
    """A claim file's outcome: the document (None when it has errors), its text and problems."""

    path: str
    document: Document | None
    text: str
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")


class _Lines(dict):
    """A mapping that remembers the line of each key (and of itself) in the claim file."""

    line = 0
    key_lines: dict


def _kind(value: Any) -> str:
    """What a YAML value is, in the claim file's words (never an internal class name)."""
    for kind, name in ((dict, "mapping"), (list, "list"), (str, "string"), (bool, "boolean"),
                       (int, "number"), (float, "number")):
        if isinstance(value, kind):
            return name
    return "null" if value is None else type(value).__name__


def _line(mapping: Any, key: str | None = None) -> int:
    if key is not None and hasattr(mapping, "key_lines") and key in mapping.key_lines:
        return mapping.key_lines[key]
    return getattr(mapping, "line", 0)


class _Validator:
    """Checks one raw document mapping, collecting every problem before giving up."""

    def __init__(self, path: Path, known_rules: set[str]) -> None:
        self.path, self.known_rules, self.problems = path, known_rules, []

    def problem(self, where: Any, key: str | None, field: str, message: str,
                severity: str = "error") -> None:
        self.problems.append(Problem(str(self.path), _line(where, key), field, message, severity))

    def unknown_fields(self, mapping: dict, allowed: tuple[str, ...], prefix: str) -> None:
        for key in mapping:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.problem(mapping, key, f"{prefix}{key}",
                             f"unknown field{hint}; expected one of {', '.join(allowed)}")

    def string(self, mapping: dict, key: str, field: str, *, required: bool = False) -> str:
        value = mapping.get(key)
        if value is None or value == "":
            if required:
                self.problem(mapping, key if key in mapping else None, field,
                             "is missing, expected a non-empty string")
            return ""
        if isinstance(value, (dict, list)):
            self.problem(mapping, key, field, f"is a {_kind(value)}, expected a string")
            return ""
        return str(value).strip() if key != "quote" else str(value)

    def choice(self, mapping: dict, key: str, field: str, allowed: tuple[str, ...]) -> str:
        value = self.string(mapping, key, field, required=True)
        if value and value not in allowed:
            self.problem(mapping, key, field, f"'{value}' is not allowed, expected one of "
                                              f"{', '.join(allowed)}")
        return value

    def date(self, mapping: dict, key: str, field: str) -> str:
        value = mapping.get(key)
        text = value.isoformat() if hasattr(value, "isoformat") else self.string(mapping, key, field)
        if text and not _is_date(text):
            self.problem(mapping, key, field, f"'{text}' is not a date, expected YYYY-MM-DD")
        return text

    def items(self, mapping: dict, key: str, field: str) -> list:
        value = mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(mapping, key, field, f"is a {_kind(value)}, expected a list")
            return []
        return value

    def mapping(self, value: Any, parent: Any, key: str, field: str) -> dict | None:
        if not isinstance(value, dict):
            self.problem(parent, key, field, f"is a {_kind(value)}, expected a mapping")
            return None
        return value

    def document(self, raw: dict) -> Loaded:
        self.unknown_fields(raw, DOC_FIELDS, "")
        doc_id = self.string(raw, "id", "id", required=True)
        if doc_id and not _ID.fullmatch(doc_id):
            self.problem(raw, "id", "id", f"'{doc_id}' is not a simple id, expected letters, "
                                          "digits, '.', '_' or '-'")
        source_name = self.string(raw, "source", "source", required=True)
        text, source_path = self.source_text(raw, source_name)
        claims = self.claims(raw, text)
        flags = self.accepted_flags(raw)
        sha = self.string(raw, "sha256", "sha256")
        if sha and text is not None:
            actual = text_sha256(text)
            if sha.lower() != actual:
                self.problem(raw, "sha256", "sha256", f"source text changed since the claims were "
                             f"written (now {actual[:12]}…); re-check the quotes", "warning")
        document = Document(
            id=doc_id, title=self.string(raw, "title", "title", required=True),
            source=str(source_path or source_name), sha256=sha, claims=tuple(claims),
            path=str(self.path), url=self.string(raw, "url", "url"),
            publisher=self.string(raw, "publisher", "publisher"),
            retrieved=self.date(raw, "retrieved", "retrieved"), accepted_flags=tuple(flags),
        )
        problems = tuple(self.problems)
        ok = not any(p.severity == "error" for p in problems)
        return Loaded(str(self.path), document if ok else None, text or "", problems)

    def source_text(self, raw: dict, name: str) -> tuple[str | None, Path | None]:
        if not name:
            return None, None
        path = (self.path.parent / name)
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.problem(raw, "source", "source", f"cannot read '{name}' ({exc.strerror}), "
                         "expected a text file path relative to the claim file")
            return None, None
        try:
            return data.decode("utf-8-sig").replace("\r\n", "\n"), path
        except UnicodeDecodeError:
            self.problem(raw, "source", "source", f"'{name}' is not UTF-8 text")
            return None, None

    def claims(self, raw: dict, text: str | None) -> list[Claim]:
        entries = self.items(raw, "claims", "claims")
        if "claims" not in raw:
            self.problem(raw, None, "claims", "is missing, expected a list of claims")
        seen: dict[str, int] = {}
        claims = []
        for index, entry in enumerate(entries):
            field = f"claims[{index}]"
            entry = self.mapping(entry, raw, "claims", field)
            if entry is not None:
                claim = self.claim(entry, field, text)
                if claim.id in seen:
                    self.problem(entry, "id", f"{field}.id", f"duplicate claim id '{claim.id}' "
                                 f"(first at line {seen[claim.id]}), expected unique ids")
                seen.setdefault(claim.id, _line(entry, "id"))
                claims.append(claim)
        return claims

    def claim(self, entry: dict, field: str, text: str | None) -> Claim:
        self.unknown_fields(entry, CLAIM_FIELDS, f"{field}.")
        quote = self.string(entry, "quote", f"{field}.quote", required=True)
        line, column = self.locate(entry, field, quote, text)
        query = self.string(entry, "query", f"{field}.query")
        if query:
            self.check_query(entry, field, query)
        return Claim(
            id=self.string(entry, "id", f"{field}.id", required=True), quote=quote,
            kind=self.choice(entry, "kind", f"{field}.kind", CLAIM_KINDS), line=line,
            column=column, query=query, notes=self.string(entry, "notes", f"{field}.notes"),
            **{k: self.string(entry, k, f"{field}.{k}")
               for k in ("population", "intervention", "comparator", "outcome")},
            evidence=tuple(self.evidence(entry, field)), override=self.override(entry, field),
        )

    def locate(self, entry: dict, field: str, quote: str, text: str | None) -> tuple[int, int]:
        if not quote or text is None:
            return 0, 0
        offset = find_quote(text, quote)
        if offset is None:
            self.problem(entry, "quote", f"{field}.quote", f"'{quote[:60]}' does not occur in the "
                         "source text, expected a verbatim quote")
            return 0, 0
        line = text.count("\n", 0, offset) + 1
        return line, offset - (text.rfind("\n", 0, offset) + 1) + 1

    def check_query(self, entry: dict, field: str, query: str) -> None:
        from evidence_tracker.pubmed.query import validate_query

        try:
            validate_query(query)
        except BadInput as exc:
            self.problem(entry, "query", f"{field}.query", str(exc))

    def evidence(self, entry: dict, field: str) -> list[CuratedEvidence]:
        result = []
        for index, item in enumerate(self.items(entry, "evidence", f"{field}.evidence")):
            name = f"{field}.evidence[{index}]"
            item = self.mapping(item, entry, "evidence", name)
            if item is None:
                continue
            self.unknown_fields(item, EVIDENCE_FIELDS, f"{name}.")
            pmid = self.string(item, "pmid", f"{name}.pmid", required=True)
            if pmid and not _PMID.fullmatch(pmid):
                self.problem(item, "pmid", f"{name}.pmid", f"'{pmid}' is not a PMID, expected "
                                                           "1 to 9 digits")
            result.append(CuratedEvidence(
                pmid=pmid, stance=self.choice(item, "stance", f"{name}.stance", STANCES),
                note=self.string(item, "note", f"{name}.note"),
                reviewer=self.string(item, "reviewer", f"{name}.reviewer"),
                date=self.date(item, "date", f"{name}.date")))
        return result

    def override(self, entry: dict, field: str) -> Override | None:
        if entry.get("override") is None:
            return None
        item = self.mapping(entry["override"], entry, "override", f"{field}.override")
        if item is None:
            return None
        name = f"{field}.override"
        self.unknown_fields(item, OVERRIDE_FIELDS, f"{name}.")
        return Override(verdict=self.choice(item, "verdict", f"{name}.verdict", VERDICTS),
                        reason=self.string(item, "reason", f"{name}.reason", required=True),
                        reviewer=self.string(item, "reviewer", f"{name}.reviewer"),
                        date=self.date(item, "date", f"{name}.date"))

    def accepted_flags(self, raw: dict) -> list[AcceptedFlag]:
        result = []
        for index, item in enumerate(self.items(raw, "accepted_flags", "accepted_flags")):
            name = f"accepted_flags[{index}]"
            item = self.mapping(item, raw, "accepted_flags", name)
            if item is None:
                continue
            self.unknown_fields(item, FLAG_FIELDS, f"{name}.")
            rule = self.string(item, "rule", f"{name}.rule", required=True)
            if rule and self.known_rules and rule not in self.known_rules:
                close = difflib.get_close_matches(rule, sorted(self.known_rules), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.problem(item, "rule", f"{name}.rule", f"unknown rule '{rule}'{hint}")
            result.append(AcceptedFlag(rule=rule,
                                       reason=self.string(item, "reason", f"{name}.reason",
                                                          required=True),
                                       quote=self.string(item, "quote", f"{name}.quote")))
        return result


def _is_date(text: str) -> bool:
    try:
        return bool(_DATE.fullmatch(text)) and bool(date.fromisoformat(text))
    except ValueError:
        return False


def find_quote(text: str, quote: str) -> int | None:
    """Offset of `quote` in `text`, exact first, then allowing runs of whitespace to differ."""
    offset = text.find(quote)
    if offset >= 0:
        return offset
    words = quote.split()
    if not words:
        return None
    found = re.search(r"\s+".join(map(re.escape, words)), text)
    return found.start() if found else None
