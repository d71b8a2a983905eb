"""The local PubMed query engine: each operator and field on small hand-built records."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence_tracker.errors import BadInput
from evidence_tracker.pubmed.query import (
    QuerySyntaxError, matches, parse_query, search_records, validate_query,
)
from evidence_tracker.records import AbstractSection, Record

NEEDLING = Record(
    pmid="101", title="Dry needling of <i>trigger</i> points: a systematic review",
    abstract=(AbstractSection("Dry-needling reduced neck pain in 12 trials.", "RESULTS"),),
    authors=("Fernández-de-Las-Peñas C", "Tough EA"), journal="Journal of Pain Research",
    journal_iso="J Pain Res", year=2019, pub_date="2019 Mar 5", volume="12", pages="1899-1911",
    doi="10.2147/JPR.S154728", pmcid="PMC6590623",
    publication_types=("Journal Article", "Systematic Review"),
    mesh_terms=("Dry Needling", "Neck Pain", "Humans"), keywords=("myofascial pain",),
    language="eng",
)
RAT = Record(
    pmid="202", title="Acupuncture in rats", abstract=(AbstractSection("Needles in rat muscle."),),
    authors=("Liu QG",), journal="Evidence-based Complementary and Alternative Medicine : eCAM",
    journal_iso="Evid Based Complement Alternat Med", year=2017, pub_date="2017 Jan-Feb",
    volume="2017", pages="3938191", publication_types=("Journal Article",),
    mesh_terms=("Animals", "Rats"), language="chi",
)
CASE = Record(
    pmid="303", title="Pneumothorax after needling", authors=("Tough E", "Liu QG"),
    journal="Cureus", journal_iso="Cureus", year=2021, pub_date="2021",
    publication_types=("Case Reports", "Retracted Publication"),
)
TRIAL = Record(
    pmid="404", title="Needling versus sham: a meta-analysis", journal="Pain", year=2016,
    publication_types=("Randomized Controlled Trial",), mesh_terms=("Dry Needling",),
)
ALL = (NEEDLING, RAT, CASE, TRIAL)


def hits(query: str) -> set[str]:
    return {r.pmid for r in search_records(query, ALL)}


@pytest.mark.parametrize("query, expected", [
    ("needling AND rats", set()),
    ("needling and pain", {"101"}),
    ("needling OR rats", {"101", "202", "303", "404"}),
    ("needling NOT pneumothorax", {"101", "404"}),
    ("needling not pneumothorax", {"101", "404"}),
    ("needling pain", {"101"}),  # implicit AND
    # left to right, no precedence: (rats OR pneumothorax) AND needling
    ("rats OR pneumothorax AND needling", {"303"}),
    ("rats OR (pneumothorax AND needling)", {"202", "303"}),
    ("needling NOT (rats OR pneumothorax)", {"101", "404"}),
    ("((needling))", {"101", "303", "404"}),
])
def test_operators(query, expected):
    assert hits(query) == expected


@pytest.mark.parametrize("query, expected", [
    ('"dry needling"', {"101", "404"}),  # title, abstract or MeSH
    ("\u201cdry needling\u201d[ti]", {"101"}),  # typographic quotes pasted from a document
    ("dry-needling", {"101", "404"}),  # hyphen = phrase
    ('"needling dry"', set()),  # phrase = consecutive, in order
    ('"trigger points"', {"101"}),  # inline markup ignored
    ("needl*", {"101", "202", "303", "404"}),
    ("needle*", {"202"}),
    ("needle", set()),  # whole words only
    ('"trigger point*"', {"101"}),
    ("NEEDLES", {"202"}),
    ("myofascial", {"101"}),  # keywords are searched unfielded
    ("humans", {"101"}),  # so is MeSH
    ("101", {"101"}),  # a bare PMID
    ("10.2147/jpr.s154728", {"101"}),  # a bare DOI
])
def test_terms(query, expected):
    assert hits(query) == expected


@pytest.mark.parametrize("query, expected", [
    ("needling[ti]", {"101", "303", "404"}),
    ("trials[ti]", set()),
    ("trials[ab]", {"101"}),
    ("myofascial[ab]", set()),
    ("myofascial[tiab] AND trials[tiab]", {"101"}),
    ("humans[tiab]", set()),
    ("humans[tw]", {"101"}),
    ('"systematic review"[tw]', {"101"}),
    ("Dry Needling[mh]", {"101", "404"}),
    ('"dry needling"[mesh]', {"101", "404"}),
    ('"Dry Needling/methods"[mh]', {"101", "404"}),
    ("needling[mh]", set()),  # descriptor name, not a word in it
    ("neck*[mh]", {"101"}),
    ("Rats[majr]", {"202"}),
    ("Rats[mh:noexp]", {"202"}),
    ("Rats[MeSH Terms]", {"202"}),
    ("case reports[pt]", {"303"}),
    ("journal article[Publication Type]", {"101", "202"}),
    ("randomized controlled trial[pt]", {"404"}),
    ("clinical trial[pt]", {"404"}),  # PubMed includes the narrower types
    ("review[pt]", {"101"}),
    ("systematic review[pt]", {"101"}),
    ("journal[pt]", set()),
    ("Tough EA[au]", {"101"}),
    ("Tough E[au]", {"101", "303"}),
    ("Tough[au]", {"101", "303"}),
    ("Toug[au]", set()),
    ("Toug*[au]", {"101", "303"}),
    ("Fernandez-de-las-Penas C[au]", {"101"}),
    ("Liu QG[1au]", {"202"}),
    ("Tough[1au]", {"303"}),
    ("2019[dp]", {"101"}),
    ("2017:2019[dp]", {"101", "202"}),
    ("2019/03:2021[dp]", {"101", "303"}),
    ("2019/03/06:2030[dp]", {"303"}),
    ("2019/03/05[dp]", {"101"}),
    ('"2017"[dp] : "2019/02"[dp]', {"202"}),
    ("systematic[sb]", {"101", "404"}),  # by type, or by "meta-analysis" in the title
    ("medline[sb]", {"101", "202", "404"}),
    ("hasabstract[sb]", {"101", "202"}),
    ('"free full text"[sb]', {"101"}),
    ('"retracted publication"[sb]', {"303"}),
    ("10.2147/JPR.S154728[aid]", {"101"}),
    ("10.2147/jpr.s154728[doi]", {"101"}),
    ("PMC6590623[aid]", {"101"}),
    ("202[pmid]", {"202"}),
    ("202[all]", {"202"}),
    ("303[uid]", {"303"}),
    ("PMC6590623[pmcid]", {"101"}),
    ("6590623[pmcid]", {"101"}),
    ("J Pain Res[ta]", {"101"}),
    ("journal of pain research[ta]", {"101"}),
    ('"Evidence-based Complementary and Alternative Medicine"[ta]', {"202"}),
    # unquoted, "and" is an operator, as in PubMed
    ("Evidence-based Complementary and Alternative Medicine[ta]", set()),
    ("Pain Res[ta]", set()),
    ("12[vi]", {"101"}),
    ("1899[pg]", {"101"}),
    ("1899-911[pg]", {"101"}),
    ("1911[pg]", set()),
    ("english[la]", {"101"}),
    ("chi[la]", {"202"}),
    ("cureus[all]", {"303"}),
    ("Liu[all]", {"202", "303"}),
])
def test_fields(query, expected):
    assert hits(query) == expected


def test_matches_takes_a_parsed_query():
    node = parse_query("needling[ti] NOT rats")
    assert [matches(node, r) for r in ALL] == [True, False, True, True]


def test_rendering_parses_back_to_the_same_tree():
    query = 'dry needling[tiab] OR (neck pain[mh] NOT 2015:2020[dp]) Tough E[au] systematic[sb]'
    node = parse_query(query)
    assert str(node) == ('((("dry needling"[tiab] OR ("neck pain"[mh] NOT "2015:2020"[dp]))'
                         ' AND "Tough E"[au]) AND "systematic"[sb])')
    assert parse_query(str(node)) == node


@pytest.mark.parametrize("query, message", [
    ("", "empty query (at character 1)"),
    ("   ", "empty query (at character 1)"),
    ("(needling OR rats", "unbalanced parentheses: '(' is never closed (at character 1)"),
    ("needling) OR rats", "unbalanced parentheses: ')' without '(' (at character 9)"),
    ("needling AND", "operator AND has no term after it (at character 10)"),
    ("OR needling", "operator OR has no term before it (at character 1)"),
    ("a AND NOT b", "operator NOT follows operator AND with no term between (at character 7)"),
    ("a AND ()", "empty parentheses (at character 7)"),
    ("needling[xx]", "unknown field tag [xx] (known: [tiab] [ti] [ab] [tw] [mh] [pt] [au] [1au]"
                     " [dp] [sb] [aid] [doi] [pmid] [pmcid] [ta] [vi] [pg] [la] [all])"
                     " (at character 9)"),
    ('"dry needling', "unterminated quote (at character 1)"),
    ("[ti]", "field tag [ti] has no term before it (at character 1)"),
    ("needling[ti", "field tag '[' is never closed (at character 9)"),
    ("(a OR b)[ti]", "a field tag must follow a term, not ')' (at character 9)"),
    ("ne*dling", "'*' is only allowed at the end of a text term: 'ne*dling' (at character 1)"),
    ("123*[pmid]", "'*' is only allowed at the end of a text term: '123*' (at character 1)"),
    ("x AND 20x9[dp]", "bad date '20x9' in [dp]: expected YYYY, YYYY/MM, YYYY/MM/DD or FROM:TO"
                       " (at character 7)"),
    ("2020:2015[dp]", "date range '2020:2015' ends before it starts (at character 1)"),
    ("2020/13[dp]", "bad date '2020/13' in [dp]"),
    ("foo[sb]", "unknown subset 'foo'[sb] (known: free full text, hasabstract, medline,"
                " pubmed pmc, retracted publication, systematic) (at character 1)"),
    ('"--"[ti]', "term '--' has nothing to search for (at character 1)"),
    ("a : b", "':' has no term before it (at character 3)"),
    ('"a b"[tiab:~3]', "unknown field tag [tiab:~3]"),
])
def test_syntax_errors_say_what_and_where(query, message):
    with pytest.raises(QuerySyntaxError) as caught:
        validate_query(query)
    assert str(caught.value).startswith(message)
    assert isinstance(caught.value, BadInput)


def test_error_position_is_zero_based_attribute():
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query("pain AND (neck")
    assert caught.value.position == 9


def test_text_normalisation_keeps_comparisons_and_non_latin_letters():
    record = Record(pmid="505", title="Effect of <sup>β</sup>-blockers on pain",
                    abstract=(AbstractSection("Pain fell (p < 0.05), x > 3 in Peñas' cohort."),))
    assert search_records('"β blockers"[ti]', [record]) == [record]
    assert search_records('"p 0 05"[ab] AND "x 3"[ab] AND penas[ab]', [record]) == [record]


def test_query_engine_is_pure():
    """The engine runs inside the pure core: no I/O, network, storage or clock imports."""
    import ast

    import evidence_tracker.pubmed.query as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, (ast.Import, ast.ImportFrom))
                for alias in (node.names if isinstance(node, ast.Import)
                              else [ast.alias(node.module or "")])}
    assert not imported & {"requests", "sqlite3", "jinja2", "pandas", "datetime", "time", "os",
                           "pathlib", "io", "Bio"}
