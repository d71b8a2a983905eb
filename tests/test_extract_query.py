"""build_query: PubMed queries from a claim's PICO fields and quote, via the concept table."""

from evidence_tracker.claims import Claim
from evidence_tracker.language import build_query, concept_table, find_concepts
from evidence_tracker.pubmed.query import parse_query


def _claim(quote: str, **fields) -> Claim:
    return Claim(id="c", quote=quote, kind=fields.pop("kind", "efficacy"), **fields)


def test_intervention_and_outcome_blocks_are_anded():
    query = build_query(_claim("Improves local blood circulation", intervention="dry needling"))
    assert query == ('("Dry Needling"[mh] OR "dry needling"[tiab]'
                     ' OR "intramuscular stimulation"[tiab])'
                     ' AND ("Regional Blood Flow"[mh] OR "blood flow"[tiab] OR circulation[tiab]'
                     ' OR perfusion[tiab] OR oxygenation[tiab])')


def test_specific_condition_replaces_generic_pain():
    query = build_query(_claim("Cupping gives lasting relief of chronic neck pain"))
    assert query.startswith('("Cupping Therapy"[mh] OR cupping[tiab]) AND ("Neck Pain"[mh]')
    assert "Pain Measurement" not in query and "Chronic Pain" not in query


def test_comparator_block_only_for_comparative_claims():
    quote = "Shockwave works faster than exercise for plantar fasciitis"
    comparative = build_query(_claim(quote, kind="comparative"))
    efficacy = build_query(_claim(quote))
    assert '"Exercise Therapy"[mh]' in comparative and "Exercise Therapy" not in efficacy
    assert '"Fasciitis, Plantar"[mh]' in efficacy


def test_safety_claims_search_adverse_events():
    claim = _claim("Acupuncture is completely safe with no side effects", kind="safety")
    query = build_query(claim)
    assert query.startswith('("Acupuncture Therapy"[mh] OR acupuncture[tiab]) AND (')
    assert '"adverse event*"[tiab]' in query


def test_fallback_uses_key_phrases_in_tiab():
    query = build_query(_claim("Unlocks your body's hidden reserves of vitality"))
    assert query == 'unlocks[tiab] AND "hidden reserves"[tiab] AND vitality[tiab]'


def test_every_built_query_parses_and_every_concept_matches_its_own_terms():
    for concept in concept_table():
        claim = _claim(concept.tiab[0].replace("*", ""), kind="safety")
        parse_query(build_query(claim))
        assert concept in find_concepts(concept.tiab[0].replace("*", "")), concept.id
