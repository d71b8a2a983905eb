"""Marketing-language flags and claim extraction: rules as data over text with an offset map."""

from evidence_tracker.language.concepts import build_query, concept_table, find_concepts
from evidence_tracker.language.engine import check_examples, default_rules, lint_text
from evidence_tracker.language.findings import Finding, Segment, highlight_segments
from evidence_tracker.language.rules import (CATEGORIES, SEVERITIES, Rule, RuleSet, load_rules,
                                             rule_ids)

__all__ = ["CATEGORIES", "SEVERITIES", "Finding", "Rule", "RuleSet", "Segment", "build_query",
           "check_examples", "concept_table", "default_rules", "find_concepts",
           "highlight_segments", "lint_text", "load_rules", "rule_ids"]
