"""Claim records: the audited documents and the claims in them, as frozen plain data.

Loading and validation of claim files lives in `evidence_tracker.claimfile`; this module holds
only the model and its vocabularies so every other module can import it cheaply.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

CLAIM_KINDS = ("efficacy", "mechanism", "comparative", "safety", "evidence_appeal",
               "testimonial", "other")
STANCES = ("supports", "contradicts", "mixed", "not_relevant")
VERDICTS = ("supported", "partly_supported", "mixed", "not_supported", "insufficient",
            "untested", "not_checked")


@dataclass(frozen=True)
class CuratedEvidence:
    """A reviewer's judgement of one record for one claim; it wins over the automatic stance."""

    pmid: str
    stance: str
    note: str = ""
    reviewer: str = ""
    date: str = ""


@dataclass(frozen=True)
class Override:
    """A reviewer's verdict that replaces the computed one; `reason` is mandatory."""

    verdict: str
    reason: str
    reviewer: str = ""
    date: str = ""


@dataclass(frozen=True)
class AcceptedFlag:
    """A marketing-language flag the reviewer accepted (`rule` id, optional `quote`), with why."""

    rule: str
    reason: str
    quote: str = ""


@dataclass(frozen=True)
class Claim:
    """One checkable claim. `line`/`column` (1-based) locate `quote` in the source text."""

    id: str
    quote: str
    kind: str
    line: int = 0
    column: int = 0
    population: str = ""
    intervention: str = ""
    comparator: str = ""
    outcome: str = ""
    query: str = ""  # the curated PubMed query; empty means "build one"
    evidence: tuple[CuratedEvidence, ...] = ()
    override: Override | None = None
    notes: str = ""


@dataclass(frozen=True)
class Document:
    """One audited document and its claims. `source` is the text's path, `path` the claim file's."""

    id: str
    title: str
    source: str
    sha256: str
    claims: tuple[Claim, ...]
    path: str = ""
    url: str = ""
    publisher: str = ""
    retrieved: str = ""
    accepted_flags: tuple[AcceptedFlag, ...] = ()


def text_sha256(text: str) -> str:
    """The hex SHA-256 of `text` as UTF-8: how claim files pin the source they quote."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
