"""One exception base for every failure the CLI can report; each kind has a slug and exit code.

Findings (exit 1) are not failures and never raise: see `evidence_tracker.cli`.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_PUBMED_UNAVAILABLE = 3
EXIT_INTERNAL = 4


class EvidenceTrackerError(Exception):
    """Base of every error we report as one line; `slug` names the kind, `exit_code` the status."""

    slug = "error"
    exit_code = EXIT_INTERNAL


class BadInput(EvidenceTrackerError):
    """A user-supplied file, flag or setting is wrong; the message names file, line and field."""

    slug = "bad-input"
    exit_code = EXIT_BAD_INPUT


class ConfigError(BadInput):
    slug = "config"


class StoreError(EvidenceTrackerError):
    """The SQLite run store or cache could not be used; the message names the file."""

    slug = "store"


class PubMedFailure(EvidenceTrackerError):
    """Base for everything that stops PubMed from answering one request.

    A claim whose search raised this is "not checked" with `reason`, never "no evidence".
    """

    slug = "pubmed"
    exit_code = EXIT_PUBMED_UNAVAILABLE

    def __init__(self, reason: str, *, advice: str = "") -> None:
        super().__init__(reason + (f" ({advice})" if advice else ""))
        self.reason = reason
        self.advice = advice


class PubMedUnavailable(PubMedFailure):
    """Transport-level failure: timeout, connection error, 429/5xx after retries, budget spent."""

    slug = "pubmed-unavailable"


class PubMedErrorResponse(PubMedFailure):
    """NCBI answered, but with an error (an `<ERROR>` element, an eFetchResult, a 4xx)."""

    slug = "pubmed-error"


class MalformedResponse(PubMedFailure):
    """NCBI's body was not the XML we asked for (HTML, JSON, truncated, empty)."""

    slug = "pubmed-malformed"
