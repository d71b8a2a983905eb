"""Reference checker: are the papers a document cites real, accurately cited, unretracted and
on point? `check_references` is the entry point; `ReferenceResult.to_dict` the JSON shape."""

from evidence_tracker.references.check import check_references
from evidence_tracker.references.model import (DEFAULT_FAIL_ON, STATUSES, Candidate, ClaimCheck,
                                               Mismatch, ReferenceResult)

__all__ = ["DEFAULT_FAIL_ON", "STATUSES", "Candidate", "ClaimCheck", "Mismatch", "ReferenceResult",
           "check_references"]
