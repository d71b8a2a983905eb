"""Words the HTML report shows for the data's ids: verdicts, levels, rules, categories, statuses.

Data only (plus one lookup), so a wording change never touches a template. Every id keeps its
own text as a fallback, and rule descriptions come from the rule tables themselves.
"""

from __future__ import annotations

from evidence_tracker.grading import ALL_RULE_TABLES, STANDARDS_NOTE

VERDICT_LABELS = {
    "supported": "Supported", "partly_supported": "Partly supported", "mixed": "Mixed",
    "not_supported": "Not supported", "insufficient": "Insufficient evidence",
    "untested": "Untested", "not_checked": "Not checked",
}
LEVEL_LABELS = {1: "1 · systematic review of RCTs", 2: "2 · RCT",
                3: "3 · non-randomised controlled", 4: "4 · case series / case-control",
                5: "5 · mechanism-based"}
SOURCE_LABELS = {"pubmed": "live PubMed", "library": "offline library"}
OVERCLAIM_LABELS = {
    "overclaim.strong_without_high_level": "strong wording, weaker evidence",
    "overclaim.mechanism_only": "benefit claimed from lab or animal work",
    "overclaim.causal_from_observational": "cause claimed from observational studies",
    "overclaim.comparative_without_head_to_head": "comparison never tested head to head",
}
KIND_LABELS = {"evidence_appeal": "appeal to evidence"}
CATEGORY_LABELS = {
    "evidence_appeal": "appeal to evidence", "certainty": "false certainty", "hype": "hype",
    "testimonial": "testimonial", "urgency_pressure": "pressure or urgency",
    "unsupported_comparative": "unbacked comparison", "mechanism_as_fact": "mechanism as fact",
    "vague_benefit": "vague benefit",
}
STANCE_LABELS = {"not_relevant": "not relevant"}
STANCE_CSS = {"supports": "good", "contradicts": "bad", "mixed": "warn", "inconclusive": "warn"}
DIRECTION_LABELS = {"unknown": "unclear"}
SPECIES_LABELS = {"mixed": "human and animal", "unknown": "species not stated"}
DIRECTION_CSS = {"favourable": "good", "unfavourable": "bad", "mixed": "warn",
                 "inconclusive": "warn"}
DESIGN_LABELS = {"rct": "RCT", "meta_analysis": "meta-analysis", "in_vitro": "in vitro"}
REFERENCE_STATUS = {  # status: (label, css)
    "verified": ("verified", "good"), "mismatch": ("details differ", "warn"),
    "not_found": ("not found in PubMed", "bad"), "ambiguous": ("ambiguous", "warn"),
    "retracted": ("retracted", "bad"), "expression_of_concern": ("expression of concern", "warn"),
    "unchecked": ("not checked", "muted"),
}
BASIS_LABELS = {  # basis rules that are no table's rule; their sentences say the specifics
    "verdict.not_checked": "PubMed could not be searched, so there is no verdict",
    "verdict.override": "A reviewer set this verdict",
    "verdict.excluded.retracted": "Retracted records do not count",
}
NOTES = {  # a long note many claims carry, listed once: its (anchor, heading, the claims' banner)
    STANDARDS_NOTE: ("note-standards", "Advertising standards for health claims",
                     "No supporting level 1-2 human trial evidence was found: short of UK and US "
                     "advertising standards for health claims"),
}
EXPLAINED_BY_SENTENCES = ("verdict.override", "verdict.excluded.retracted")
RULE_DESCRIPTIONS = {rule.id: rule.description
                     for table in ALL_RULE_TABLES.values() for rule in table} | BASIS_LABELS


def words(value: object, table: dict | None = None, *, capital: bool = False) -> str:
    """`value` as `table` names it, else with underscores turned into spaces."""
    text = (table or {}).get(value) or str(value or "").replace("_", " ")
    return text[:1].upper() + text[1:] if capital else text

