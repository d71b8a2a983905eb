"""Evidence grading and verdicts: a pure core over `Record` and `Claim`, returning frozen data.

`grade_record` grades one PubMed record (design, CEBM 2011 level, species, conclusion and its
direction, retraction); `assess_claim` gives one claim its verdict, basis, overclaim flags,
wording strength and standards note. Every decision is a named rule with examples
(`ALL_RULE_TABLES`).
"""

from evidence_tracker.grading.assess import (AUTO_STANCES, STANDARDS_NOTE, Basis,
                                             ClaimAssessment, Stance, assess_claim)
from evidence_tracker.grading.comparison import COMPARISON_CUES
from evidence_tracker.grading.conclusion import DIRECTION_CUES, DIRECTIONS
from evidence_tracker.grading.design import DESIGN_RULES, DESIGNS, SPECIES
from evidence_tracker.grading.record import RecordGrade, grade_record
from evidence_tracker.grading.relevance import RELEVANCE_RULES
from evidence_tracker.grading.stance import STANCE_RULES
from evidence_tracker.grading.verdict import OVERCLAIM_RULES, VERDICT_RULES
from evidence_tracker.grading.wording import COMPARATIVE_CUES, STRENGTHS, WORDING_CUES, Wording

ALL_RULE_TABLES = {
    "design": DESIGN_RULES, "direction": DIRECTION_CUES, "wording": WORDING_CUES,
    "comparative": COMPARATIVE_CUES, "comparison": COMPARISON_CUES, "relevance": RELEVANCE_RULES,
    "stance": STANCE_RULES, "verdict": VERDICT_RULES, "overclaim": OVERCLAIM_RULES,
}

__all__ = ["ALL_RULE_TABLES", "AUTO_STANCES", "DESIGNS", "DIRECTIONS", "SPECIES", "STANDARDS_NOTE",
           "STRENGTHS", "Basis", "ClaimAssessment", "RecordGrade", "Stance", "Wording",
           "assess_claim", "grade_record"]
