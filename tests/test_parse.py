"""Every E-utilities body goes through Biopython's parser; real samples, real failure bodies."""

from __future__ import annotations

import pytest
from Bio.Entrez import Parser as EntrezParser

from evidence_tracker.errors import MalformedResponse, PubMedErrorResponse
from evidence_tracker.pubmed.parse import (parse_articles, parse_medline, parse_search,
                                           read_article_file, read_xml)
from tests.conftest import REPO, SHARED

SAMPLES = SHARED / "ncbi-samples" / "biopython"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def test_article_without_abstract_and_season_date():
    first, second = parse_articles(sample("pubmed1.xml"))
    assert first.pmid == "12091962" and first.abstract == ()
    assert first.year == 1990 and first.pub_date == "1990 Spring"
    assert first.publication_types == ("Journal Article", "Review")
    assert len(first.mesh_terms) == 19
    assert second.doi == "10.1016/0005-2795(76)90109-4"


def test_structured_abstract_html_title_and_identifiers():
    [record] = parse_articles(sample("pubmed4.xml"))
    assert record.pmid == "27797938"
    assert "<i>TERT</i>" in record.title  # kept as PubMed sent it; the report sanitises
    assert [s.label for s in record.abstract] == ["OBJECTIVE", "DESIGN", "RESULTS", "CONCLUSIONS"]
    assert record.doi == "10.1136/gutjnl-2016-312510" and record.pmcid == "PMC5442267"
    assert "Observational Study" in record.publication_types
    assert ("CommentIn", "27920200") in {(c.ref_type, c.pmid) for c in record.comments_corrections}
    assert record.journal_iso == "Gut" and record.volume == "66" and record.pages == "1116-1122"


def test_nlm_category_mathml_and_collective_author():
    [five] = parse_articles(sample("pubmed5.xml"))
    assert five.abstract[0].label == "OBJECTIVES" and five.abstract[0].category == "OBJECTIVE"
    [six] = parse_articles(sample("pubmed6.xml"))
    assert "<math" in six.abstract_text
    [seven] = parse_articles(sample("pubmed7.xml"))
    assert seven.authors[-1] == "Canadian Respiratory Research Network"


def test_search_with_hits_and_zero_hits_with_error_list():
    hits = parse_search(sample("esearch1.xml"), "biopython")
    assert hits.count == 63 and len(hits.pmids) == 20 and hits.pmids[0] == "41282813"
    none = parse_search(sample("esearch8.xml"), "abcXYZ")
    assert none.count == 0 and none.pmids == () and none.phrases_not_found == ("abcXYZ",)
    assert "No items found." in none.warnings


@pytest.mark.parametrize("body, kind, text", [
    (sample("epost2.xml"), PubMedErrorResponse, "Invalid db name specified: nothing"),
    (sample("einfo4.xml"), MalformedResponse, "broken XML"),
    (sample("pubmed3.html"), MalformedResponse, "HTML page instead of XML"),
    (b"", MalformedResponse, "empty body"),
    (b'{"error":"API rate limit exceeded","count":"5","limit":"3"}', MalformedResponse, "non-XML"),
    (b'<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eEfetchResult PUBLIC "-//NLM//DTD efetch'
     b' 20131226//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20131226/efetch.dtd">\n'
     b"<eFetchResult>\n\t<ERROR>ID list is empty! Possibly it has no correct IDs.</ERROR>\n"
     b"</eFetchResult>", PubMedErrorResponse, "ID list is empty! Possibly it has no correct IDs."),
    (b'<?xml version="1.0"?>\n<!DOCTYPE x SYSTEM "https://eutils.ncbi.nlm.nih.gov/evil.dtd">\n<x/>',
     MalformedResponse, "does not bundle: evil.dtd"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<x>&a;</x>', MalformedResponse,
     "internal DTD subset"),
])
def test_failure_bodies_become_typed_errors_with_ncbi_text(body, kind, text, monkeypatch):
    monkeypatch.setattr(EntrezParser, "urlopen", lambda *a, **k: pytest.fail("network used"))
    with pytest.raises(kind) as info:
        read_xml(body)
    assert text in str(info.value)


def test_empty_article_set_is_a_valid_empty_answer():
    body = (b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle,'
            b' 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
            b"<PubmedArticleSet></PubmedArticleSet>")
    assert parse_articles(body) == []


def test_xml_library_and_medline_export_agree():
    xml = {r.pmid: r for r in read_article_file(REPO / "claims" / "library" / "dry-needling.xml")}
    lines = (SHARED / "data" / "dry-needling-library.nbib").read_text(encoding="utf-8").splitlines()
    medline = {r.pmid: r for r in parse_medline(lines)}
    assert set(xml) == set(medline) and len(xml) == 24
    for pmid, record in xml.items():
        assert medline[pmid].title.rstrip(".") == record.title.rstrip("."), pmid
        assert medline[pmid].year == record.year
        assert medline[pmid].publication_types == record.publication_types
        assert not any(m.startswith("*") for m in medline[pmid].mesh_terms)
    assert xml["17578978"].is_retracted and medline["17578978"].is_retracted
