"""The offline library: loading PubMed XML and MEDLINE files, and searching the real records."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from evidence_tracker.errors import BadInput
from evidence_tracker.pubmed.interface import Citation, CitationMatch
from evidence_tracker.pubmed.library import LibrarySource
from evidence_tracker.pubmed.query import QuerySyntaxError

REPO = Path(__file__).resolve().parents[1]
LIBRARY_XML = REPO / "claims" / "library" / "dry-needling.xml"
LIBRARY_NBIB = REPO / ".." / "shared" / "data" / "dry-needling-library.nbib"

SYSTEMATIC_DRY_NEEDLING = ("36399082", "33609358", "33066556", "29952980", "28690077",
                           "28860848", "28158962", "18395479")
QUERIES = {
    '"dry needling"[tiab] AND systematic[sb]': SYSTEMATIC_DRY_NEEDLING,
    "17578978[pmid]": ("17578978",),
    "10.1016/j.jmpt.2012.10.005[aid]": ("23206963",),
    "2015:2016[dp]": ("27537209", "26640708", "26075156", "25477053"),
    "pneumothora*[ti]": ("35420007", "33948398"),
    "trigger point*[ti] AND 2017:3000[dp]": ("33066556", "31354339", "28690077", "28860848",
                                             "28158962"),
    '"Retracted Publication"[pt]': ("17578978",),
    "Cagnie B[1au]": ("23206963",),
    "Pain[ta]": ("37310441", "27537209"),
    '"low back pain"[tiab] OR neck pain[tiab]': ("36399082", "33066556", "29952980", "28690077",
                                                 "27537209", "26640708"),
    "dry needling[ti] NOT (review[pt] OR systematic[sb] OR pneumothora*)": (
        "28592980", "27537209", "26640708", "25125935", "23206963", "8043247"),
}


@pytest.fixture(scope="module")
def xml_library() -> LibrarySource:
    return LibrarySource([LIBRARY_XML])


@pytest.fixture(scope="module")
def nbib_library() -> LibrarySource:
    return LibrarySource([LIBRARY_NBIB])


def test_loads_all_real_records_most_recent_first(xml_library):
    records = xml_library.records
    assert len(records) == 24
    keys = [(-r.year, -int(r.pmid)) for r in records]
    assert keys == sorted(keys)


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_real_queries_on_xml(xml_library, query):
    result = xml_library.search(query)
    assert result.pmids == QUERIES[query]
    assert result.count == len(QUERIES[query])
    assert result.query == query


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_medline_export_finds_the_same_records(nbib_library, query):
    assert nbib_library.search(query).pmids == QUERIES[query]


def test_medline_and_xml_hold_the_same_pmids(xml_library, nbib_library):
    assert {r.pmid for r in nbib_library.records} == {r.pmid for r in xml_library.records}


def test_retmax_limits_pmids_not_count(xml_library):
    result = xml_library.search('"dry needling"[tiab] AND systematic[sb]', retmax=3)
    assert result.count == len(SYSTEMATIC_DRY_NEEDLING)
    assert result.pmids == SYSTEMATIC_DRY_NEEDLING[:3]
    assert xml_library.search("needling", retmax=0).pmids == ()


def test_search_reports_translation_and_terms_not_found(xml_library):
    result = xml_library.search("needling[ti] AND zzyzx[tiab]")
    assert (result.count, result.pmids) == (0, ())
    assert result.query_translation == '("needling"[ti] AND "zzyzx"[tiab])'
    assert result.phrases_not_found == ('"zzyzx"[tiab]',)


def test_search_syntax_error_is_bad_input(xml_library):
    message = r"operator AND has no term after it \(at character 10\)"
    with pytest.raises(QuerySyntaxError, match=message):
        xml_library.search("needling AND")


def test_fetch_returns_known_pmids_only(xml_library):
    found = xml_library.fetch(["23206963", " 17578978 ", "1"])
    assert sorted(found) == ["17578978", "23206963"]
    assert found["17578978"].is_retracted
    assert found["23206963"].doi == "10.1016/j.jmpt.2012.10.005"


@pytest.mark.parametrize("citation, pmids", [
    (Citation("k", journal="J Manipulative Physiol Ther", year="2012", volume="35",
              first_page="685", author="Cagnie B"), ("23206963",)),
    (Citation("k", journal="journal of manipulative & physiological therapeutics", year="2012"),
     ("23206963",)),
    (Citation("k", volume="35", first_page="685"), ("23206963",)),
    (Citation("k", journal="Anesth Analg", year="2007", author="Reuben"), ("17578978",)),
    (Citation("k", journal="J Man Manip Ther", year="2012"), ()),  # wrong year
    (Citation("k", journal="J Pain Res", year="2017", author="Smith"), ()),  # wrong author
    (Citation("k", journal="Pain", year="2023"), ("37310441",)),
    (Citation("k", journal="J Clin Med", volume="12", first_page="1205"), ("36769852",)),
    (Citation("k", journal="Pain"), ()),  # too little to match
    (Citation("k", year="2017", author="He C"), ()),
    (Citation("k", journal="Pain", year="2016:2023"), ()),  # a year is a year, not a range
    (Citation("k", journal="Pain", year="twenty"), ()),
])
def test_match_citations(xml_library, citation, pmids):
    assert xml_library.match_citations([citation]) == {"k": CitationMatch("k", pmids)}


TWIN_RECORDS = """PMID- 1001
TI  - First paper
TA  - J Twin Stud
JT  - Journal of Twin Studies
DP  - 2020 Mar
VI  - 4
PG  - 10-20
AU  - Doe J

PMID- 1002
TI  - Second paper
TA  - J Twin Stud
JT  - Journal of Twin Studies
DP  - 2020 Jun
VI  - 4
PG  - 30-40
AU  - Roe R
"""


def test_match_citations_ambiguous_and_by_key(tmp_path):
    path = tmp_path / "twins.nbib"
    path.write_text(TWIN_RECORDS, encoding="utf-8")
    source = LibrarySource([path])
    answer = source.match_citations([
        Citation("both", journal="Journal of Twin Studies", year="2020"),
        Citation("first", journal="J Twin Stud", year="2020", author="Doe"),
        Citation("second", volume="4", first_page="30"),
        Citation("none", volume="4", first_page="11"),
    ])
    assert answer["both"] == CitationMatch("both", ("1001", "1002"))
    assert answer["both"].ambiguous
    assert answer["first"].pmids == ("1001",) and not answer["first"].ambiguous
    assert answer["second"].pmids == ("1002",)
    assert answer["none"].pmids == ()


def test_info_and_as_of_come_from_the_files(tmp_path):
    first, second = tmp_path / "a.xml", tmp_path / "b.nbib"
    shutil.copy(LIBRARY_XML, first)
    shutil.copy(LIBRARY_NBIB, second)
    os.utime(first, (1_600_000_000, 1_600_000_000))  # 2020-09-13
    os.utime(second, (1_700_000_000, 1_700_000_000))  # 2023-11-14
    source = LibrarySource([tmp_path])
    info = source.info()
    assert (info.kind, info.detail, info.as_of) == ("library", "a.xml, b.nbib", "2023-11-14")
    assert source.search("17578978[pmid]").as_of == "2023-11-14"


MEDLINE_OVERRIDE = """PMID- 17578978
TI  - A replacement title about lidocaine
DP  - 2007 Jul
PT  - Journal Article

PMID- 99999999
TI  - An extra record
DP  - 2024
"""


def test_directory_loads_sorted_files_and_later_files_win(tmp_path):
    shutil.copy(LIBRARY_XML, tmp_path / "a-library.xml")
    (tmp_path / "b-extra.nbib").write_text(MEDLINE_OVERRIDE, encoding="utf-8")
    (tmp_path / "notes.md").write_text("not a library file", encoding="utf-8")
    source = LibrarySource([tmp_path])
    assert len(source.records) == 25
    assert source.fetch(["17578978"])["17578978"].title == "A replacement title about lidocaine"
    assert source.search("celecoxib").count == 0
    assert source.search("2024[dp]").pmids == ("99999999",)
    reverse = LibrarySource([tmp_path / "b-extra.nbib", tmp_path / "a-library.xml"])
    assert reverse.search("celecoxib").pmids == ("17578978",)


@pytest.mark.parametrize("name, content, message", [
    ("broken.xml", b"<PubmedArticleSet><PubmedArticle>", "not a PubMed XML file"),
    ("other.xml", b"<?xml version='1.0'?><eSearchResult><Count>1</Count></eSearchResult>",
     "not a PubMed XML file"),
    ("notes.txt", b"just some notes\nnothing here\n", "no PubMed records found"),
    ("latin1.nbib", "PMID- 1\nTI  - caf\xe9\n".encode("latin-1"), "MEDLINE file is not UTF-8"),
])
def test_unreadable_files_are_bad_input_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BadInput) as caught:
        LibrarySource([path])
    assert str(caught.value).startswith(f"{path}: {message}")
    assert "\n" not in str(caught.value)


def test_missing_path_and_empty_directory_are_bad_input(tmp_path):
    with pytest.raises(BadInput, match="nowhere.xml: library file or directory not found"):
        LibrarySource([tmp_path / "nowhere.xml"])
    with pytest.raises(BadInput, match="holds no .xml, .nbib, .txt or .medline file"):
        LibrarySource([tmp_path])
    with pytest.raises(BadInput, match="no library file given"):
        LibrarySource([])
