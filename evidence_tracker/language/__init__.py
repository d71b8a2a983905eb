"""Marketing-language flags and claim extraction: rules as data over text with an offset map."""

from evidence_tracker.language.concepts import build_query, concept_table, find_concepts

__all__ = ["build_query", "concept_table", "find_concepts"]
