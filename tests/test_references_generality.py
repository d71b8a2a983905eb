"""Generality over every real record: correct citations in Vancouver, APA and Harvard style are
verified, each single wrong field is caught as that field, and made-up papers are not found."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from evidence_tracker.pubmed.library import LibrarySource
from evidence_tracker.records import Record
from evidence_tracker.references import check_references

LIBRARY = Path(__file__).resolve().parents[1] / "claims" / "library" / "dry-needling.xml"


@pytest.fixture(scope="module")
def library() -> LibrarySource:
    return LibrarySource([LIBRARY])


def _apa_name(author: str) -> str:
    family, _, initials = author.rpartition(" ")
    return f"{family}, {' '.join(i + '.' for i in initials)}" if family else author


def _title(record: Record) -> str:
    return re.sub(r"<[^>]+>", "", record.title).rstrip(".")


def vancouver(r: Record) -> str:
    names = ", ".join(r.authors[:3]) + (", et al." if len(r.authors) > 3 else ".")
    issue = f"({r.issue})" if r.issue else ""
    return (f"{names + ' ' if r.authors else ''}{_title(r)}. {r.journal_iso}. "
            f"{r.year};{r.volume}{issue}:{r.pages}.")


def apa(r: Record) -> str:
    names = ", ".join(_apa_name(a) for a in r.authors[:6])
    issue = f"({r.issue})" if r.issue else ""
    start = f"{names} ({r.year}). {_title(r)}." if names else f"{_title(r)}. ({r.year})."
    return f"{start} {r.journal or r.journal_iso}, {r.volume}{issue}, {r.pages}."


def harvard(r: Record) -> str:
    names = ", ".join(_apa_name(a) for a in r.authors[:3])
    issue = f"({r.issue})" if r.issue else ""
    start = f"{names} ({r.year}) '{_title(r)}'," if names else f"'{_title(r)}' ({r.year}),"
    return f"{start} {r.journal or r.journal_iso}, {r.volume}{issue}, pp. {r.pages}."


def ama_doi(r: Record) -> str:
    return f"{vancouver(r)} doi:{r.doi}" if r.doi else vancouver(r)


STYLES = {"vancouver": vancouver, "apa": apa, "harvard": harvard, "ama_doi": ama_doi}


def _shift_pages(pages: str) -> str:
    return re.sub(r"\d+", lambda m: str(int(m.group()) + 7), pages, count=1)


MUTATIONS = {
    "year": lambda r: dataclasses.replace(r, year=r.year - 2),
    "pages": lambda r: dataclasses.replace(r, pages=_shift_pages(r.pages)),
    "volume": lambda r: dataclasses.replace(r, volume=str(int(r.volume) + 3)),
    "first_author": lambda r: dataclasses.replace(r, authors=("Okafor N",) + r.authors[1:]),
    "title": lambda r: dataclasses.replace(r, title="Dry needling compared with placebo in "
                                                    "a cohort of volunteers: a pilot study"),
    "journal": lambda r: dataclasses.replace(r, journal="The Clinical Journal of Pain",
                                             journal_iso="Clin J Pain"),
}


def check(records: list[Record], style, source) -> list:
    text = "References\n" + "".join(f"{n}. {style(r)}\n" for n, r in enumerate(records, 1))
    return check_references(text, source)


@pytest.mark.parametrize("style", sorted(STYLES))
def test_correct_citations_are_verified(library, style):
    records = list(library.records)
    results = check(records, STYLES[style], library)
    got = [(r.pmid, r.status, [m.field for m in r.mismatches]) for r in results]
    expected = [(r.pmid, "retracted" if r.is_retracted else "verified", []) for r in records]
    assert got == expected


@pytest.mark.parametrize("field", sorted(MUTATIONS))
@pytest.mark.parametrize("style", sorted(STYLES))
def test_each_wrong_field_is_caught(library, style, field):
    records = [r for r in library.records if r.authors and r.volume.isdigit()
               and not r.is_retracted]
    results = check([MUTATIONS[field](r) for r in records], STYLES[style], library)
    got = [(r.pmid, r.status, [m.field for m in r.mismatches]) for r in results]
    assert got == [(r.pmid, "mismatch", [field]) for r in records]


@pytest.mark.parametrize("style", sorted(STYLES))
def test_made_up_papers_are_not_found(library, style):
    fake = [Record(pmid="", title=f"{topic} after dry needling in {group}: a randomized trial",
                   authors=(author, "Li W"), journal=journal, journal_iso=journal, year=year,
                   volume=str(volume), issue="2", pages=f"{page}-{page + 9}")
            for topic, group, author, journal, year, volume, page in [
                ("Grip strength", "climbers", "Hartley M", "J Hand Ther", 2019, 32, 210),
                ("Sleep quality", "nurses", "Okafor N", "Pain", 2016, 157, 1950),
                ("Scapular kinematics", "swimmers", "Brady S", "J Man Manip Ther", 2014, 22, 90),
                ("Jaw opening", "adolescents", "Liu L", "Arch Phys Med Rehabil", 2018, 99, 300)]]
    assert [r.status for r in check(fake, STYLES[style], library)] == ["not_found"] * 4


def test_a_wrong_doi_with_correct_text_is_a_doi_mismatch(library):
    records = [r for r in library.records if r.doi][:6]
    wrong = [dataclasses.replace(r, doi=r.doi + "9") for r in records]
    results = check(wrong, ama_doi, library)
    assert [(r.pmid, r.status, [m.field for m in r.mismatches]) for r in results] == [
        (r.pmid, "mismatch", ["doi"]) for r in records]
