"""The run store: every run's report data in SQLite, so each report can say what changed.

One transaction per run: a run is visible only once it is complete, so a run that dies leaves
the store as it was. `sqlite3.Error` becomes `StoreError` naming the file. `":memory:"` works.
A full report.json is tens of MB for a big audit, so only the newest runs keep theirs; every
run keeps its summary and claim rows, which is all `history` and the trend need.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from evidence_tracker.errors import StoreError

SCHEMA_VERSION = 1

# Version 1. `report` is the run's report.json document (the source of truth for "what
# changed"); the other columns of `runs` and the `claim_results` rows are denormalised from it
# so `history` and later queries need not parse every report.
SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (
    version     INTEGER NOT NULL            -- the one row says which DDL version this file has
);
CREATE TABLE IF NOT EXISTS runs (
    run_id      TEXT PRIMARY KEY,           -- e.g. 20261124T020000Z
    started     TEXT NOT NULL,              -- ISO 8601, UTC
    finished    TEXT NOT NULL,
    source_kind TEXT NOT NULL,              -- pubmed | library
    stale       INTEGER NOT NULL DEFAULT 0, -- 1 when any answer came from an old cache entry
    summary     TEXT NOT NULL,              -- JSON: counts of verdicts, findings, references
    report      TEXT NOT NULL               -- JSON: the whole report.json; '' once pruned (only
                                            -- the newest `keep_reports` runs keep theirs)
);
CREATE TABLE IF NOT EXISTS documents (
    run_id      TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    document_id TEXT NOT NULL,
    sha256      TEXT NOT NULL,              -- of the source text as audited
    PRIMARY KEY (run_id, document_id)
);
CREATE TABLE IF NOT EXISTS claim_results (
    run_id      TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    document_id TEXT NOT NULL,
    claim_id    TEXT NOT NULL,
    status      TEXT NOT NULL,              -- checked | not_checked
    verdict     TEXT,
    pmids       TEXT NOT NULL,              -- JSON list of the PMIDs found
    PRIMARY KEY (run_id, document_id, claim_id)
);
"""


@dataclass(frozen=True)
class RunRow:
    """One stored run, as `history` and the run index show it."""

    run_id: str
    started: str
    finished: str
    source_kind: str
    stale: bool
    summary: dict


class RunStore:
    """SQLite-backed history of complete runs."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=10)
            self.db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"{self.path}: cannot open the run store: {exc}") from exc

    def _migrate(self) -> None:
        with self.db:
            self.db.executescript(SCHEMA)
            row = self.db.execute("SELECT version FROM schema_version").fetchone()
            if row is None:
                self.db.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
            elif row[0] > SCHEMA_VERSION:
                raise StoreError(f"{self.path}: store schema {row[0]} is newer than this "
                                 f"evidence-tracker understands ({SCHEMA_VERSION}); upgrade it")

    def close(self) -> None:
        self.db.close()

    def save_run(self, report: dict, summary: dict, keep_reports: int | None = None) -> None:
        """Store one complete run in a single transaction (all or nothing); then only the
        newest `keep_reports` runs (all, if None) keep their whole report."""
        run = report["run"]
        try:
            with self.db:
                self.db.execute(
                    "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (run["id"], run["started"], run["finished"], report["source"]["kind"],
                     int(bool(report["source"].get("stale"))), json.dumps(summary),
                     json.dumps(report)))
                for doc in report["documents"]:
                    self.db.execute("INSERT INTO documents VALUES (?, ?, ?)",
                                    (run["id"], doc["id"], doc.get("sha256", "")))
                    self.db.executemany(
                        "INSERT INTO claim_results VALUES (?, ?, ?, ?, ?, ?)",
                        [(run["id"], doc["id"], c["id"], c["status"], c.get("verdict"),
                          json.dumps(c["pmids"])) for c in doc["claims"]])
                if keep_reports is not None:
                    self.db.execute(
                        "UPDATE runs SET report = '' WHERE report != '' AND run_id NOT IN "
                        "(SELECT run_id FROM runs ORDER BY started DESC, run_id DESC LIMIT ?)",
                        (keep_reports,))
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot save run {run['id']}: {exc}") from exc

    def runs(self) -> list[RunRow]:
        """All complete runs, oldest first."""
        rows = self._query("SELECT run_id, started, finished, source_kind, stale, summary "
                           "FROM runs ORDER BY started, run_id")
        return [RunRow(r[0], r[1], r[2], r[3], bool(r[4]), json.loads(r[5])) for r in rows]

    def last_report(self, before: str | None = None) -> dict | None:
        """The report of the newest complete run that still has one (started before `before`,
        if given)."""
        sql = "SELECT report FROM runs WHERE report != ''"
        args: tuple = ()
        if before:
            sql, args = sql + " AND started < ?", (before,)
        rows = self._query(sql + " ORDER BY started DESC, run_id DESC LIMIT 1", args)
        return json.loads(rows[0][0]) if rows else None

    def has_run(self, run_id: str) -> bool:
        return bool(self._query("SELECT 1 FROM runs WHERE run_id = ?", (run_id,)))

    def _query(self, sql: str, args: tuple = ()) -> list[tuple]:
        try:
            with closing(self.db.cursor()) as cursor:
                return cursor.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot read the run store: {exc}") from exc
