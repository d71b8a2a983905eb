"""assess_claim on realistic claims against the real library records."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence_tracker.claims import VERDICTS, Claim, CuratedEvidence, Override
from evidence_tracker.grading import STANDARDS_NOTE, assess_claim
from evidence_tracker.pubmed.library import LibrarySource

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
DN = '("Dry Needling"[mh] OR "dry needling"[tiab])'


@pytest.fixture(scope="module")
def library():
    return LibrarySource([SHARED / "data" / "dry-needling-library.xml"])


def found(library, query):
    return list(library.fetch(library.search(query).pmids).values())


def claim(quote, kind="mechanism", outcome="", **extra):
    return Claim(id="c1", quote=quote, kind=kind, intervention="dry needling", outcome=outcome,
                 **extra)


def test_end_plate_claim_from_rat_work_is_not_supported(library):
    records = found(library, '"dry needling" AND (end-plate OR "spontaneous electrical activity")')
    assert [r.pmid for r in records] == ["28592980"]
    result = assess_claim(claim("Normalizes abnormal motor end-plate activity",
                                outcome="motor end-plate activity"), records)
    assert result.verdict == "untested"
    assert result.evidence_level == 5
    assert result.overclaim == ("overclaim.strong_without_high_level", "overclaim.mechanism_only")
    assert (result.wording.strength, result.wording.cue) == ("strong", "normalizes")
    assert result.basis[0].rule == "verdict.untested.no_human_study"
    assert result.basis[0].pmids == ("28592980",) and result.basis[0].levels == (5,)


def test_blood_flow_claim_from_one_uncontrolled_study_is_insufficient(library):
    records = found(library, f'{DN} AND ("blood flow"[tiab] OR circulation[tiab])')
    result = assess_claim(claim("Improves local blood circulation", outcome="local blood flow"),
                          records)
    assert result.verdict == "insufficient"
    assert result.basis[0].rule == "verdict.insufficient.low_levels"
    assert result.overclaim == ("overclaim.causal_from_observational",)
    assert result.wording.strength == "moderate"


def test_pain_claim_backed_by_caveated_reviews_is_only_partly_supported(library):
    result = assess_claim(claim("Dry needling reduces low back pain", kind="efficacy",
                                outcome="low back pain"), found(library, DN))
    assert result.verdict == "partly_supported"
    assert result.evidence_level == 1
    assert result.standards_note == ""
    assert "17578978" not in result.basis[0].pmids


def test_comparative_promise_without_head_to_head_trial(library):
    result = assess_claim(claim("Achieve results in fewer sessions", kind="comparative",
                                outcome="number of treatment sessions",
                                comparator="conventional physiotherapy"), found(library, DN))
    assert result.verdict == "untested"
    assert "overclaim.comparative_without_head_to_head" in result.overclaim
    assert result.standards_note == STANDARDS_NOTE


def test_head_to_head_trial_showing_equal_effect_contradicts_superiority(library):
    result = assess_claim(claim("Better outcomes than manual therapy for neck pain",
                                kind="comparative", outcome="neck pain",
                                comparator="manual therapy"), found(library, DN))
    stances = {s.pmid: s.automatic for s in result.stances}
    assert stances["26640708"] == "contradicts"  # "all effective"; OMT better on some outcomes
    assert result.verdict == "not_supported"
    assert "overclaim.comparative_without_head_to_head" not in result.overclaim


def test_retracted_record_is_excluded_and_listed():
    from evidence_tracker.pubmed.parse import read_article_file

    records = read_article_file(SHARED / "data" / "dry-needling-library.xml")
    retracted = [r for r in records if r.pmid == "17578978"]
    result = assess_claim(Claim(id="c", quote="Celecoxib decreases postoperative pain",
                                kind="efficacy", intervention="celecoxib",
                                outcome="postoperative pain"), retracted)
    assert result.verdict == "untested"
    assert result.basis[-1].rule == "verdict.excluded.retracted"
    assert result.basis[-1].pmids == ("17578978",)


def test_curated_stance_wins_and_both_are_shown(library):
    records = found(library, f'{DN} AND ("blood flow"[tiab])')
    curated = (CuratedEvidence(pmid="23206963", stance="not_relevant", note="healthy people"),)
    result = assess_claim(claim("Improves local blood circulation", outcome="blood flow",
                                evidence=curated), records)
    [stance] = result.stances
    assert (stance.automatic, stance.curated, stance.effective) == (
        "supports", "not_relevant", "not_relevant")
    assert result.verdict == "untested"


def test_override_replaces_verdict_and_keeps_the_computed_one(library):
    records = found(library, f'{DN} AND ("blood flow"[tiab])')
    override = Override(verdict="not_supported", reason="healthy volunteers only", reviewer="AB")
    result = assess_claim(claim("Improves local blood circulation", outcome="blood flow",
                                override=override), records)
    assert (result.verdict, result.computed_verdict) == ("not_supported", "insufficient")
    assert result.basis[0].rule == "verdict.override"
    assert "healthy volunteers only" in result.basis[0].sentences[0]
    assert result.basis[1].rule == "verdict.insufficient.low_levels"


def test_not_checked_when_pubmed_failed():
    result = assess_claim(claim("Improves local blood circulation"), [], checked=False,
                          reason="PubMed timed out after 3 retries")
    assert result.verdict == "not_checked"
    assert result.basis[0].sentences == ("PubMed timed out after 3 retries",)
    assert result.to_dict()["verdict"] == "not_checked"


def test_every_seed_claim_gets_one_verdict_with_a_basis(library):
    from evidence_tracker.claimfile import load_claim_file

    [loaded] = load_claim_file(Path(__file__).resolve().parents[1] / "claims"
                               / "dry-needling-evidence-based-truth.yaml")
    for seed in loaded.document.claims:
        result = assess_claim(seed, found(library, seed.query))
        assert result.verdict in VERDICTS and result.basis, seed.id
        if seed.kind == "mechanism":
            assert result.verdict != "supported", seed.id


def test_lasting_relief_is_not_backed_by_short_term_findings(library):
    result = assess_claim(claim("bridges the gap between assessment and lasting pain relief",
                                kind="efficacy", outcome="long-term pain relief"),
                          found(library, f'{DN} AND ("low back pain"[tiab])'))
    stances = {s.pmid: (s.automatic, s.rule) for s in result.stances}
    assert stances["36399082"] == ("inconclusive", "stance.short_term_only")
    assert stances["28690077"] == ("inconclusive", "stance.outcome_clauses")  # "remains unclear"
    assert result.verdict == "insufficient"
    assert result.standards_note == STANDARDS_NOTE
    assert "overclaim.strong_without_high_level" in result.overclaim


def test_stance_is_read_from_the_clauses_naming_the_outcome(library):
    result = assess_claim(claim("Restores muscle length and function", kind="efficacy",
                                outcome="range of motion"), found(library, DN))
    by_pmid = {s.pmid: s for s in result.stances}
    rom = by_pmid["33066556"]  # reduced pain; "No effect on cervical range of motion"
    assert (rom.automatic, rom.rule) == ("contradicts", "stance.outcome_clauses")
    assert rom.rationale == ("No effect on cervical range of motion of dry needling against "
                             "either comparative group was found.",)
    assert result.verdict == "mixed"
    assert rom.rationale[0] in result.basis[0].sentences


def test_curated_pmid_the_search_missed_is_shown_not_counted(library):
    curated = (CuratedEvidence(pmid="25477053", stance="contradicts", note="critique"),)
    result = assess_claim(claim("Deactivates active and latent trigger points",
                                outcome="trigger point activity", evidence=curated),
                          found(library, f'{DN} AND "trigger point"[tiab]'))
    row = result.stances[-1]
    assert (row.pmid, row.curated, row.rule) == ("25477053", "contradicts",
                                                 "stance.curated_not_retrieved")
    assert "25477053" not in result.basis[0].pmids
    assert result.verdict == "untested"


def test_safety_claim_counts_harm_reports_not_efficacy_reviews(library):
    result = assess_claim(claim("Dry needling is safe", kind="safety", outcome="adverse events"),
                          found(library, DN))
    counted = {s.pmid: s.effective for s in result.stances if s.effective != "not_relevant"}
    assert counted["35420007"] == counted["33948398"] == "contradicts"  # pneumothorax reports
    assert counted["25125935"] == "supports"  # "appeared to be a safe treatment"
    assert "28860848" not in counted  # efficacy meta-analysis that merely lists adverse events
    assert result.verdict in ("insufficient", "mixed")
    assert "overclaim.causal_from_observational" not in result.overclaim


def test_hedged_wording_is_not_flagged_as_strong(library):
    records = found(library, '"dry needling" AND (end-plate OR "spontaneous electrical activity")')
    result = assess_claim(claim("May reduce end-plate noise in animal models",
                                outcome="end-plate activity"), records)
    assert result.wording.strength == "hedged"
    assert "overclaim.strong_without_high_level" not in result.overclaim


def test_assessment_to_dict_is_json_ready(library):
    import json

    result = assess_claim(claim("Improves local blood circulation", outcome="blood flow"),
                          found(library, f'{DN} AND ("blood flow"[tiab])'))
    data = json.loads(json.dumps(result.to_dict()))
    assert data["verdict"] == "insufficient" and data["evidence_level"] == 4
    assert data["basis"][0]["rule"] == "verdict.insufficient.low_levels"
    assert data["wording"]["strength"] == "moderate" and "grades" not in data
