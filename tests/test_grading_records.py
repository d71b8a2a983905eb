"""Grading of the 24 real PubMed records in ../shared/data and of records carrying markup.

Expected directions were set by reading each abstract's conclusion (see the comments); records
whose abstract was cut before its conclusion are "unknown" or judged on what is there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence_tracker.grading import DESIGNS, DIRECTIONS, SPECIES, grade_record
from evidence_tracker.pubmed.parse import read_article_file
from evidence_tracker.records import AbstractSection, CommentCorrection, Record

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"

# pmid: (design, level, species, direction, caveat voiced in the conclusion)
EXPECTED = {
    # "limited evidence deriving from one study" after a non-significant pooled result
    "18395479": ("meta_analysis", 1, "unknown", "inconclusive", True),
    "28860848": ("meta_analysis", 1, "human", "favourable", False),  # "effectively reduced"
    "23115475": ("narrative_review", 5, "unknown", "unknown", False),  # no conclusion sentence
    "31354339": ("narrative_review", 5, "human", "unknown", False),  # proposes integration only
    "28592980": ("animal", 5, "animal", "favourable", False),  # rat model, "more effective"
    "25477053": ("narrative_review", 5, "unknown", "unfavourable", False),  # theory "refuted"
    "27537209": ("rct", 2, "human", "unknown", False),  # abstract cut before the results
    # "all effective in reducing pain", but hyperalgesia fell "only ... in the OMT group"
    "26640708": ("rct", 2, "human", "mixed", False),
    "28690077": ("meta_analysis", 1, "human", "favourable", True),  # follow-up "remains unclear"
    "29952980": ("meta_analysis", 1, "unknown", "inconclusive", True),  # "not robust ... firm"
    "36399082": ("meta_analysis", 1, "human", "mixed", True),  # pain yes, disability "no evidence"
    "25125935": ("observational", 4, "human", "favourable", False),  # "appeared to be a safe"
    "35420007": ("case_report", 4, "human", "unfavourable", True),  # pneumothorax, adverse effects
    "33948398": ("case_report", 4, "human", "unfavourable", False),  # "serious complications"
    "8043247": ("rct", 2, "human", "mixed", False),  # lidocaine preferred: less soreness than DN
    "33609358": ("meta_analysis", 1, "human", "mixed", True),  # pain no, disability yes
    "26075156": ("narrative_review", 5, "unknown", "unknown", False),  # purpose statement only
    "23206963": ("case_series", 4, "human", "favourable", False),  # "enhances the blood flow"
    "36769852": ("systematic_review", 1, "human", "favourable", True),  # superior at short term
    "33292803": ("other", None, "unknown", "unknown", True),  # bibliometric: not about DN
    "37310441": ("systematic_review", 1, "unknown", "unknown", False),  # cut; about retractions
    "17578978": ("rct", 2, "human", "favourable", False),  # retracted (Reuben)
    "33066556": ("meta_analysis", 1, "unknown", "mixed", True),  # PPT yes, ROM "no effect"
    "28158962": ("meta_analysis", 1, "human", "mixed", False),  # long term "not significant"
}


@pytest.fixture(scope="module")
def grades():
    records = read_article_file(SHARED / "data" / "dry-needling-library.xml")
    return {r.pmid: grade_record(r) for r in records}


def test_every_library_record_has_an_expectation(grades):
    assert sorted(grades) == sorted(EXPECTED)


@pytest.mark.parametrize("pmid", sorted(EXPECTED))
def test_library_record_grade(grades, pmid):
    grade = grades[pmid]
    design, level, species, direction, caveat = EXPECTED[pmid]
    got = (grade.design, grade.level, grade.species, grade.direction, grade.caveat)
    assert got == (design, level, species, direction, caveat), grade.direction_cues
    assert grade.design in DESIGNS and grade.species in SPECIES and grade.direction in DIRECTIONS


def test_structured_conclusion_section_is_the_conclusion(grades):
    assert grades["28860848"].conclusion == (
        "MTrP needling effectively reduced the heel pain due to plantar fasciitis.",)
    assert len(grades["29952980"].conclusion) == 4


def test_unstructured_conclusion_starts_at_a_marker(grades):
    assert grades["18395479"].conclusion[0].startswith("In conclusion, there is limited evidence")
    assert grades["36769852"].conclusion == (grades["36769852"].conclusion[0],)
    assert grades["35420007"].conclusion[0].startswith("Conclusion The anatomical location")


def test_retracted_paper_is_flagged_and_not_a_notice(grades):
    grade = grades["17578978"]
    assert grade.retracted and not grade.is_retraction_notice
    assert sum(g.retracted for g in grades.values()) == 1


def test_retraction_notice_is_not_itself_retracted():
    notice = Record(pmid="21317393", title="Retraction notice",
                    publication_types=("Retraction of Publication",),
                    comments_corrections=(CommentCorrection("RetractionOf", "17578978"),))
    grade = grade_record(notice)
    assert grade.is_retraction_notice and not grade.retracted
    assert (grade.design, grade.level, grade.direction) == ("editorial", None, "unknown")


def test_retraction_in_and_concern_come_from_comments_corrections():
    record = Record(pmid="1", title="A randomized trial of needling",
                    comments_corrections=(CommentCorrection("RetractionIn", "99"),
                                          CommentCorrection("ExpressionOfConcernIn", "98")))
    grade = grade_record(record)
    assert grade.retracted and grade.retraction_notices == ("99",)
    assert grade.concern and grade.concern_notices == ("98",)


def test_markup_and_mathml_survive_conclusion_extraction():
    math = ('<math xmlns="http://www.w3.org/1998/Math/MathML"><msub><mi>V</mi><mo>.</mo>'
            "<mi>O</mi></msub></math>")
    text = (f"Uptake ({math}) rose. Shorter <i>TERT</i> length (r<sup>2</sup><0.25) was seen. "
            f"These results suggest that needling significantly reduced {math} in <i>vivo</i>.")
    record = Record(pmid="2", title="t", abstract=(AbstractSection(text=text),),
                    publication_types=("Randomized Controlled Trial",), mesh_terms=("Humans",))
    grade = grade_record(record)
    assert grade.conclusion == (
        f"These results suggest that needling significantly reduced {math} in <i>vivo</i>.",)
    assert grade.direction == "favourable"


def test_real_markup_samples_parse_and_grade():
    for name in ("pubmed4.xml", "pubmed6.xml"):
        for record in read_article_file(SHARED / "ncbi-samples" / "biopython" / name):
            grade = grade_record(record)
            assert grade.conclusion, record.pmid
            assert all(s in record.abstract_text for s in grade.conclusion)


def test_to_dict_is_plain_data(grades):
    data = grades["17578978"].to_dict()
    assert data["retracted"] is True and data["level"] == 2
    assert isinstance(data["conclusion"], tuple)


def test_record_without_abstract_has_no_conclusion_and_unknown_direction():
    grade = grade_record(Record(pmid="3", title="Dry needling: a randomized controlled trial"))
    got = (grade.design, grade.level, grade.conclusion, grade.direction)
    assert got == ("rct", 2, (), "unknown")


def test_admin_sections_are_not_the_conclusion():
    record = Record(pmid="4", title="A review", publication_types=("Review",), abstract=(
        AbstractSection("Dry needling was not effective for neck pain.", "RESULTS"),
        AbstractSection("PROSPERO CRD42020215781.", "REGISTRATION")))
    grade = grade_record(record)
    assert grade.conclusion == ("Dry needling was not effective for neck pain.",)
    assert grade.direction == "unfavourable"
