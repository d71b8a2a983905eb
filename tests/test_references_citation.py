"""Parsing one reference entry (every common style) and comparing its fields with PubMed's."""

from __future__ import annotations

import dataclasses

import pytest

from evidence_tracker.records import Record
from evidence_tracker.references.citation import parse_citation
from evidence_tracker.references.compare import (compare, identifies, page_range, same_journal,
                                                 surname, title_similarity)
from evidence_tracker.references.identifiers import find_identifiers, strip_identifiers

TOUGH_TITLE = ("Acupuncture and dry needling in the management of myofascial trigger point pain: "
               "a systematic review and meta-analysis of randomised controlled trials")

STYLES = {
    "vancouver": f"Tough EA, White AR, Cummings TM, Richards SH, Campbell JL. {TOUGH_TITLE}. "
                 "Eur J Pain. 2009;13(1):3-10.",
    "pubmed": f"Tough EA, White AR, Cummings TM, Richards SH, Campbell JL. {TOUGH_TITLE}. Eur J "
              "Pain. 2009 Jan;13(1):3-10. doi: 10.1016/j.ejpain.2008.02.006. Epub 2008 Apr 8. "
              "PMID: 18395479.",
    "ama": f"Tough EA, White AR, Cummings TM, et al. {TOUGH_TITLE}. Eur J Pain. "
           "2009;13(1):3-10. doi:10.1016/j.ejpain.2008.02.006",
    "apa": f"Tough, E. A., White, A. R., Cummings, T. M., Richards, S. H., & Campbell, J. L. "
           f"(2009). {TOUGH_TITLE}. European Journal of Pain, 13(1), 3–10. "
           "https://doi.org/10.1016/j.ejpain.2008.02.006",
    "harvard": f"Tough, E.A., White, A.R. and Cummings, T.M. (2009) '{TOUGH_TITLE}', European "
               "Journal of Pain, 13(1), pp. 3–10. doi:10.1016/j.ejpain.2008.02.006.",
    "harvard_colon": f"Tough EA, White AR (2009). {TOUGH_TITLE}. Eur J Pain 13(1): 3–10.",
    "chicago": f"Tough, Elizabeth A., and Adrian R. White. \"{TOUGH_TITLE}.\" European Journal of "
               "Pain 13, no. 1 (2009): 3–10.",
    "dotted": f"Tough E.A., White A.R. {TOUGH_TITLE}. Eur. J. Pain 2009;13:3-10.",
}


@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_style_yields_the_same_fields(style):
    cited = parse_citation(STYLES[style])
    assert surname(cited.authors[0]) == "Tough"
    assert cited.title.lower() == TOUGH_TITLE.lower()
    assert cited.journal.replace(".", "") in ("Eur J Pain", "European Journal of Pain")
    assert (cited.year, cited.volume, page_range(cited.pages)) == ("2009", "13", ("3", "10"))
    assert cited.doi in ("", "10.1016/j.ejpain.2008.02.006")


def test_pubmed_style_keeps_identifiers_and_ignores_the_epub_year():
    cited = parse_citation(STYLES["pubmed"])
    assert (cited.pmid, cited.doi, cited.year, cited.issue) == (
        "18395479", "10.1016/j.ejpain.2008.02.006", "2009", "1")


@pytest.mark.parametrize("text, expected", [
    ("Hu HT, Gao H. Is dry needling effective for low back pain?: A systematic review and "
     "PRISMA-compliant meta-analysis. Medicine (Baltimore). 2018 Jun;97(26):e11225.",
     ("Is dry needling effective for low back pain?: A systematic review and PRISMA-compliant "
      "meta-analysis", "Medicine (Baltimore)", "97", "e11225")),
    ("Liu QG, Liu L. Decreased spontaneous electrical activity. Evid Based Complement Alternat "
     "Med. 2017;2017:3938191.",
     ("Decreased spontaneous electrical activity", "Evid Based Complement Alternat Med", "2017",
      "3938191")),
    ("Hong, C. Z. (1994). Lidocaine injection versus dry needling to myofascial trigger point: "
     "The importance of the local twitch response. Am. J. Phys. Med. Rehabil., 73(4), 256–263.",
     ("Lidocaine injection versus dry needling to myofascial trigger point: The importance of "
      "the local twitch response", "Am. J. Phys. Med. Rehabil", "73", "256-263")),
    ("Bordino M, Ravizzotti E. Retracted articles in rehabilitation: just the tip of the iceberg? "
     "A bibliometric analysis. Arch Physiother. 2020;10(1):21.",
     ("Retracted articles in rehabilitation: just the tip of the iceberg? A bibliometric analysis",
      "Arch Physiother", "10", "21")),
])
def test_titles_with_question_marks_colons_and_dotted_journals(text, expected):
    cited = parse_citation(text)
    assert (cited.title, cited.journal, cited.volume, cited.pages) == expected


def test_entry_that_is_only_an_identifier():
    cited = parse_citation("PMID: 29952980")
    assert cited.pmid == "29952980" and not cited.title and not cited.has_text


def test_identifiers_in_urls_and_labels():
    text = ("see https://doi.org/10.1016/S0140-6736(20)30183-5). https://pubmed.ncbi.nlm.nih.gov/"
            "18395479/ and PMCID: PMC3201653, www.ncbi.nlm.nih.gov/pmc/articles/PMC6590623/")
    found = [(i.kind, i.value) for i in find_identifiers(text)]
    assert found == [("doi", "10.1016/S0140-6736(20)30183-5"), ("pmid", "18395479"),
                     ("pmcid", "PMC3201653"), ("pmcid", "PMC6590623")]
    assert "http" not in strip_identifiers(text) and "PMC" not in strip_identifiers(text)


def record(**fields) -> Record:
    base = Record(pmid="27537209", title="Effectiveness of dry needling for chronic nonspecific "
                  "neck pain: a randomized, single-blinded, clinical trial.",
                  authors=("Cerezo-Téllez E", "Torres-Lacomba M"), journal="Pain",
                  journal_iso="Pain", year=2016, volume="157", issue="9", pages="1905-17",
                  doi="10.1097/j.pain.0000000000000591")
    return dataclasses.replace(base, **fields)


def test_shorthand_pages_accents_case_and_omitted_subtitle_are_tolerated():
    cited = parse_citation("Cerezo-Tellez, E., & Torres-Lacomba, M. (2016). EFFECTIVENESS OF DRY "
                           "NEEDLING FOR CHRONIC NONSPECIFIC NECK PAIN. Pain, 157(9), 1905–1917.")
    assert compare(cited, record()) == ()


def test_each_wrong_field_is_reported_cited_vs_pubmed():
    cited = parse_citation("Torres-Lacomba M, Cerezo-Téllez E. Dry needling for acute low back "
                           "pain in athletes. J Pain. 2014;158(9):1950-7.")
    fields = {m.field: (m.cited, m.pubmed) for m in compare(cited, record())}
    assert sorted(fields) == ["first_author", "journal", "pages", "title", "volume", "year"]
    assert fields["year"] == ("2014", "2016") and fields["pages"] == ("1950-7", "1905-17")


@pytest.mark.parametrize("cited, iso, full, same", [
    ("Eur J Pain", "Eur J Pain", "European Journal of Pain", True),
    ("European journal of pain", "Eur J Pain", "European Journal of Pain", True),
    ("J. Manipulative Physiol. Ther.", "J Manipulative Physiol Ther",
     "Journal of Manipulative & Physiological Therapeutics", True),
    ("Journal of Manipulative and Physiological Therapeutics", "J Manipulative Physiol Ther",
     "Journal of Manipulative & Physiological Therapeutics", True),
    ("Medicine", "Medicine (Baltimore)", "Medicine", True),
    ("Evidence-Based Complementary and Alternative Medicine", "Evid Based Complement Alternat Med",
     "Evidence-based Complementary and Alternative Medicine : eCAM", True),
    ("Pain", "Pain Res Treat", "Pain Research and Treatment", False),
    ("J Pain", "Pain", "Pain", False),
])
def test_journal_names_full_or_abbreviated(cited, iso, full, same):
    assert same_journal(cited, record(journal=full, journal_iso=iso)) is same


def test_title_similarity_thresholds():
    pubmed = record().title
    assert title_similarity("Effectiveness of dry needling for chronic nonspecific neck pain: a "
                            "randomised, single-blinded clinical trial", pubmed) >= 95
    assert title_similarity("Effectiveness of dry needling for chronic low back pain: a "
                            "randomized trial", pubmed) < 85


def test_identifies_needs_more_than_a_shared_locator_or_a_similar_title():
    shared_locator = parse_citation("Hartley M. Another paper entirely. Pain. 2019;157(9):1905-17.")
    assert not identifies(shared_locator, record())
    same_locator_and_author = parse_citation("Cerezo-Téllez E. Another title. Pain. "
                                             "2016;157(9):1905-17.")
    assert identifies(same_locator_and_author, record())
    similar_title_only = parse_citation("Smith J. Effectiveness of dry needling for chronic "
                                        "nonspecific neck pain. BMJ. 2001;3:1-2.")
    assert not identifies(similar_title_only, record())
