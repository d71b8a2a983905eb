"""The reference checker's plain data: what a document cites, and what PubMed says about it."""

from __future__ import annotations

from dataclasses import dataclass, field

STATUSES = ("verified", "mismatch", "not_found", "ambiguous", "retracted",
            "expression_of_concern", "unchecked")
# Statuses that make `refs` exit 1 unless --fail-on says otherwise.
DEFAULT_FAIL_ON = ("retracted", "not_found", "mismatch")
# Fields a mismatch can name, in the order they are reported.
FIELDS = ("title", "first_author", "year", "journal", "volume", "pages", "doi", "pmid")


@dataclass(frozen=True)
class CitedWork:
    """The bibliographic fields a citation states; empty strings for what it leaves out."""

    authors: tuple[str, ...] = ()  # as written, e.g. "Tough EA" or "Tough, E. A."
    title: str = ""
    journal: str = ""
    year: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""

    @property
    def has_text(self) -> bool:
        """True when there is more to look up than identifiers."""
        return bool(self.title or (self.journal and self.volume))


@dataclass(frozen=True)
class ClaimUse:
    """A sentence of the document that cites a reference, with its 1-based `line`."""

    text: str
    line: int


@dataclass(frozen=True)
class Reference:
    """One thing the document cites: a reference-list entry or an inline identifier."""

    raw: str
    line: int
    cited: CitedWork
    number: str = ""  # "3" for "3." or "[3]"; empty for bullets and inline identifiers
    inline: bool = False  # an identifier in the body text, not in a reference list
    claims: tuple[ClaimUse, ...] = ()


@dataclass(frozen=True)
class Mismatch:
    """One field where the citation and PubMed disagree."""

    field: str
    cited: str
    pubmed: str

    def to_dict(self) -> dict:
        return {"field": self.field, "cited": self.cited, "pubmed": self.pubmed}


@dataclass(frozen=True)
class Candidate:
    """A PubMed record that might be the cited paper (listed for `ambiguous`)."""

    pmid: str
    title: str = ""
    first_author: str = ""
    year: str = ""

    def to_dict(self) -> dict:
        return {"pmid": self.pmid, "title": self.title, "first_author": self.first_author,
                "year": self.year}


@dataclass(frozen=True)
class ClaimCheck:
    """Whether the cited record addresses the claim it is cited for; `finding` says why not."""

    claim: ClaimUse
    on_point: bool | None  # None: not judged (the reference did not resolve)
    finding: str = ""

    def to_dict(self) -> dict:
        return {"text": self.claim.text, "line": self.claim.line, "on_point": self.on_point,
                "finding": self.finding}


@dataclass(frozen=True)
class ReferenceResult:
    """The verdict on one reference; `to_dict` is the `refs --format json` shape."""

    raw: str
    line: int
    status: str
    pmid: str = ""
    doi: str = ""
    mismatches: tuple[Mismatch, ...] = ()
    notice_pmid: str = ""
    candidates: tuple[Candidate, ...] = ()
    message: str = ""
    number: str = ""
    title: str = ""  # PubMed's title of the resolved record
    direction: str = ""  # the cited paper's conclusion direction (grading), if known
    conclusion: str = ""
    critique: str = ""  # why the cited paper reads as a critique, if it does
    failure: str = ""  # why PubMed could not answer (only with status "unchecked")
    claims: tuple[ClaimCheck, ...] = field(default=())

    @property
    def on_point(self) -> bool | None:
        """False when any claim it is cited for is not addressed; None when nothing was judged."""
        judged = [c.on_point for c in self.claims if c.on_point is not None]
        return all(judged) if judged else None

    def to_dict(self) -> dict:
        return {
            "raw": self.raw, "line": self.line, "status": self.status,
            "pmid": self.pmid or None, "doi": self.doi or None,
            "mismatches": [m.to_dict() for m in self.mismatches],
            "notice_pmid": self.notice_pmid or None,
            "candidates": [c.to_dict() for c in self.candidates],
            "message": self.message, "number": self.number or None,
            "title": self.title or None, "direction": self.direction or None,
            "conclusion": self.conclusion or None, "critique": self.critique or None,
            "on_point": self.on_point, "claims": [c.to_dict() for c in self.claims],
            "failure": self.failure or None,
        }
