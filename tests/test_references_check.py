"""`check_references` end to end over the offline library (the 24 real records), with fakes for
what the library cannot show: retraction notices, expressions of concern, PubMed failures."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from evidence_tracker.errors import PubMedUnavailable
from evidence_tracker.pubmed.library import LibrarySource
from evidence_tracker.records import CommentCorrection
from evidence_tracker.references import check_references

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared" / "data"
DATA = REPO / "tests" / "data"


@pytest.fixture(scope="module")
def library() -> LibrarySource:
    return LibrarySource([REPO / "claims" / "library" / "dry-needling.xml"])


class Recording:
    """Delegates to `inner`, records every call, and can fail or rewrite chosen answers."""

    def __init__(self, inner, *, fail: tuple[str, ...] = (), records: dict | None = None):
        self.inner, self.fail, self.extra = inner, fail, records or {}
        self.calls: list[tuple[str, object]] = []

    def info(self):
        return self.inner.info()

    def _call(self, name, arg, answer):
        self.calls.append((name, arg))
        if name in self.fail:
            raise PubMedUnavailable("read timeout after 30 s", advice="try again later")
        return answer()

    def search(self, query, *, retmax=100):
        return self._call("search", query, lambda: self.inner.search(query, retmax=retmax))

    def fetch(self, pmids):
        pmids = list(pmids)

        def answer():
            found = dict(self.inner.fetch(pmids))
            found.update({p: r for p, r in self.extra.items() if p in pmids})
            return found
        return self._call("fetch", pmids, answer)

    def match_citations(self, citations):
        citations = list(citations)
        return self._call("ecitmatch", citations, lambda: self.inner.match_citations(citations))


def assert_matches_key(results, key, *, by):
    got = {str(getattr(r, by)): r for r in results}
    assert len(results) == len(key)
    for expected in key:
        result = got[str(expected[by if by != "number" else "ref"])]
        assert (result.status, result.pmid or None) == (expected["status"], expected["pmid"]), expected
        assert sorted(m.field for m in result.mismatches) == sorted(expected.get("fields", []))


def test_shared_handout_is_checked_exactly_per_its_answer_key(library):
    text = (SHARED / "handout-with-references.md").read_text()
    results = check_references(text, library, path="handout-with-references.md")
    key = json.loads((SHARED / "handout-with-references.answers.json").read_text())
    assert_matches_key(results, key, by="number")
    year = results[1].mismatches[0]
    assert (year.field, year.cited, year.pubmed) == ("year", "2014", "2016")
    assert results[6].mismatches[0].pubmed.startswith("Evidence for Dry Needling in the Management")


def test_critique_cited_as_support_is_verified_but_flagged(library):
    text = (SHARED / "handout-with-references.md").read_text()
    quintner = check_references(text, library)[3]
    assert quintner.status == "verified" and quintner.direction == "unfavourable"
    assert quintner.critique and quintner.on_point is False
    assert "does not address dry needling" in quintner.claims[0].finding
    assert "critique" in quintner.claims[0].finding
    cagnie = check_references(text, library)[2]
    assert cagnie.on_point is True and cagnie.direction == "favourable"


def test_own_styles_handout_is_checked_per_its_answer_key(library):
    text = (DATA / "references-handout-styles.md").read_text()
    results = check_references(text, library, path="references-handout-styles.md")
    key = json.loads((DATA / "references-handout-styles.answers.json").read_text())
    assert_matches_key(results, key, by="line")
    assert not any(r.status == "retracted" for r in results if r.pmid != "17578978")


def test_vancouver_errors_handout_is_checked_per_its_answer_key(library):
    text = (DATA / "references-handout-vancouver-errors.txt").read_text()
    results = check_references(text, library, path="references-handout-vancouver-errors.txt")
    key = json.loads((DATA / "references-handout-vancouver-errors.answers.json").read_text())
    assert_matches_key(results, key, by="number")
    assert [c.claim.line for c in results[10].claims] == [13]  # "[9][11]"
    assert [c.claim.line for c in results[2].claims] == [8]  # "(3,4)"


def test_on_point_findings_name_what_is_not_addressed(library):
    results = check_references((SHARED / "handout-with-references.md").read_text(), library)
    findings = {r.number: [c.finding for c in r.claims] for r in results}
    assert findings["1"] == ["cited but does not address neck pain intensity"]
    assert findings["3"] == findings["6"] == findings["7"] == findings["8"] == [""]
    assert findings["5"] == [""] and results[4].on_point is None  # not found: not judged


def test_requests_are_batched(library):
    source = Recording(library)
    check_references((SHARED / "handout-with-references.md").read_text(), source)
    kinds = [name for name, _ in source.calls]
    # one DOI search, one ECitMatch, one fetch for identifiers and ECitMatch hits, then per
    # search stage (3 title variants, then journal/volume/page) one search and at most one
    # fetch, only for what ECitMatch missed: the wrong year (2) and the fabricated paper (5)
    assert kinds[:3] == ["search", "ecitmatch", "fetch"]
    assert kinds.count("ecitmatch") == 1 and kinds.count("search") == 5
    assert kinds.count("fetch") <= 4
    assert {"23206963", "29952980", "28690077", "17578978"} <= set(source.calls[2][1])


def test_dois_are_or_ed_into_one_search_and_the_found_doi_is_rechecked(library):
    text = "\n".join(f"{n}. doi:{doi}" for n, doi in enumerate(
        ["10.2519/jospt.2017.7096", "10.3390/JCM9103300", "10.1093/ptj/pzab068x"], 1))
    source = Recording(library)
    results = check_references("References\n" + text, source)
    searches = [q for name, q in source.calls if name == "search"]
    assert len(searches) == 1 and searches[0].count("[aid]") == 3 and " OR " in searches[0]
    assert [r.status for r in results] == ["verified", "verified", "not_found"]
    assert results[2].message == "DOI 10.1093/ptj/pzab068x is not in the offline library"


def test_pmcid_and_unknown_pmid(library):
    results = check_references("References\n1. PMCID: PMC3201653\n2. PMID: 99999999\n", library)
    assert [(r.status, r.pmid) for r in results] == [("verified", "23115475"),
                                                     ("not_found", "99999999")]


def test_retraction_notice_pmid_and_the_notice_itself_is_not_retracted(library):
    hu = library.fetch(["29952980"])["29952980"]
    retracted = dataclasses.replace(hu, comments_corrections=(
        CommentCorrection("RetractionIn", "40000001", "Medicine. 2025;104:e1"),))
    notice = dataclasses.replace(hu, pmid="40000001", title="Retraction notice",
                                 publication_types=("Retraction of Publication",),
                                 comments_corrections=(CommentCorrection("RetractionOf", "29952980"),))
    source = Recording(library, records={"29952980": retracted, "40000001": notice})
    results = check_references("References\n1. PMID: 29952980\n2. PMID: 40000001\n", source)
    assert (results[0].status, results[0].notice_pmid) == ("retracted", "40000001")
    assert results[1].status == "verified" and "retraction notice" in results[1].message


def test_expression_of_concern(library):
    cagnie = library.fetch(["23206963"])["23206963"]
    flagged = dataclasses.replace(cagnie, comments_corrections=(
        CommentCorrection("ExpressionOfConcernIn", "40000002"),))
    source = Recording(library, records={"23206963": flagged})
    result = check_references("References\n1. PMID: 23206963\n", source)[0]
    assert (result.status, result.notice_pmid) == ("expression_of_concern", "40000002")


def test_two_records_fitting_equally_are_ambiguous(library):
    liu = library.fetch(["28690077"])["28690077"]
    twin = dataclasses.replace(liu, pmid="40000003")

    class Twins(Recording):
        def match_citations(self, citations):
            answer = super().match_citations(citations)
            return {k: dataclasses.replace(m, pmids=m.pmids + ("40000003",)) if "28690077" in
                    m.pmids else m for k, m in answer.items()}
    source = Twins(library, records={"40000003": twin})
    text = (SHARED / "handout-with-references.md").read_text()
    result = check_references(text, source)[6]
    assert result.status == "ambiguous"
    assert [c.pmid for c in result.candidates] == ["28690077", "40000003"]


@pytest.mark.parametrize("failing", ["fetch", "search", "ecitmatch"])
def test_pubmed_failure_is_unchecked_never_not_found(library, failing):
    source = Recording(library, fail=(failing,))
    results = check_references((SHARED / "handout-with-references.md").read_text(), source)
    statuses = {r.number: r.status for r in results}
    assert "not_found" not in statuses.values() or failing == "ecitmatch"
    assert statuses["5"] == "unchecked"  # the fabricated paper: unknown while PubMed is down
    unchecked = [r for r in results if r.status == "unchecked"]
    assert all(r.failure == "read timeout after 30 s" for r in unchecked)
    if failing == "fetch":
        assert set(statuses.values()) == {"unchecked"}


def test_books_and_empty_entries_are_not_looked_up(library):
    source = Recording(library)
    results = check_references(
        "References\n1. Travell JG, Simons DG. Myofascial Pain and Dysfunction: The Trigger "
        "Point Manual. Baltimore: Williams & Wilkins; 1983. ISBN 0683083678.\n2. Ibid.\n", source)
    assert [r.status for r in results] == ["unchecked", "unchecked"]
    assert "not a journal article" in results[0].message and not results[0].failure
    assert source.calls == []


def test_to_dict_has_the_json_shape(library):
    result = check_references((SHARED / "handout-with-references.md").read_text(), library)[1]
    data = result.to_dict()
    assert {"raw", "line", "status", "pmid", "doi", "mismatches", "notice_pmid", "candidates",
            "message"} <= data.keys()
    assert data["mismatches"] == [{"field": "year", "cited": "2014", "pubmed": "2016"}]
    assert data["line"] == 14 and data["notice_pmid"] is None and data["candidates"] == []
    json.dumps(data)


def test_core_modules_import_no_edges():
    """Only `cli.py` may build adapters; the rest talks to PubMed through the protocol only."""
    import ast

    forbidden = {"requests", "sqlite3", "jinja2", "pandas", "datetime", "time", "os", "http",
                 "socket", "click", "evidence_tracker.sources", "evidence_tracker.commands",
                 "evidence_tracker.pubmed.eutils", "evidence_tracker.pubmed.library"}
    for path in (REPO / "evidence_tracker" / "references").glob("*.py"):
        if path.name == "cli.py":
            continue
        tree = ast.parse(path.read_text())
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert not {m for m in names if m in forbidden or m.split(".")[0] in forbidden}, path.name


def test_a_cited_pmid_wins_over_what_the_locator_matches(library):
    entry = ("References\n1. The influence of dry needling of the trapezius muscle on muscle "
             "blood flow and oxygenation. Arch Phys Med Rehabil. 2018;99(1):144-152. "
             "PMID: 23206963\n")
    [result] = check_references(entry, library)
    assert (result.status, result.pmid) == ("mismatch", "23206963")
    assert [m.field for m in result.mismatches] == ["year", "journal", "volume", "pages"]


def test_an_erratum_echoing_the_title_does_not_make_a_citation_ambiguous(library):
    reuben = library.fetch(["17578978"])["17578978"]
    erratum = dataclasses.replace(reuben, pmid="40000004", comments_corrections=(),
                                  publication_types=("Published Erratum",))

    class WithErratum(Recording):
        def match_citations(self, citations):
            return {k: dataclasses.replace(m, pmids=m.pmids + ("40000004",))
                    for k, m in super().match_citations(citations).items()}
    source = WithErratum(library, records={"40000004": erratum})
    text = (SHARED / "handout-with-references.md").read_text()
    result = check_references(text, source)[7]
    assert (result.status, result.pmid) == ("retracted", "17578978")
