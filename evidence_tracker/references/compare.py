"""Compare what a citation says with the PubMed record, field by field, tolerating style.

Pure. Tolerated: case, accents, punctuation, "&"/"and", journal abbreviations (ISO or not, with or
without dots), a place qualifier like "(Oxford)", an omitted subtitle, page-range shorthand
("1905-17" = "1905-1917") and electronic page suffixes ("144-152.e2" = "144-152").

Thresholds (rapidfuzz `fuzz.ratio` on folded titles, 0-100):
- `SAME_TITLE` 90: at or above, the cited title is PubMed's title (spelling variants such as
  randomised/randomized, a dropped article or typo); below it the title is a mismatch.
- `ACCEPT_TITLE` 85: a record found by a title-word search is taken as the cited paper only at or
  above this similarity (and with one more field agreeing, see `identifies`); between the two the
  paper is found but its title is reported as a mismatch.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

from evidence_tracker.records import Record
from evidence_tracker.references.model import CitedWork, Mismatch

SAME_TITLE = 90
ACCEPT_TITLE = 85
_JOURNAL_FILLER = {"of", "the", "and", "for", "in", "on", "de", "la", "le", "der", "und", "y"}
_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")


def fold(text: str) -> str:
    """`text` in lower case, without accents, tags and punctuation, words single-spaced."""
    text = unicodedata.normalize("NFKD", re.sub(r"<[^>]+>", "", text or ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def surname(name: str) -> str:
    """The family name in "Tough EA", "Tough, E. A.", "Tough E.A." or "De Ridder E"."""
    if "," in name:
        return name.split(",")[0].strip()
    tokens = name.split()
    while len(tokens) > 1 and _INITIALS.match(tokens[-1]):
        tokens.pop()
    return " ".join(tokens)


def title_similarity(cited: str, pubmed: str) -> float:
    """0-100: how closely `cited` matches `pubmed`, allowing the subtitle to be left out."""
    a, b = fold(cited), fold(re.sub(r"^\[(.*)\]\.?$", r"\1", pubmed.strip()))
    main = fold(re.split(r"[:?]\s", pubmed, maxsplit=1)[0])
    return max(fuzz.ratio(a, b), fuzz.ratio(a, main) if len(main) > 20 else 0)


def same_author(cited: str, pubmed: str) -> bool:
    """True when the first authors' family names agree (first part of a double name suffices)."""
    a, b = fold(surname(cited)), fold(surname(pubmed))
    return bool(a) and (a == b or a.replace(" ", "") == b.replace(" ", "")
                        or a.split()[0] == b.split()[0] and len(a.split()[0]) > 3)


def _journal_words(name: str) -> list[str]:
    name = re.split(r"\s:\s", name)[0]  # "Evidence-based ... Medicine : eCAM"
    return [w for w in fold(re.sub(r"\([^)]*\)", " ", name)).split() if w not in _JOURNAL_FILLER]


def same_journal(cited: str, record: Record) -> bool:
    """True when `cited` names the record's journal, in full or abbreviated."""
    words = _journal_words(cited)
    for name in (record.journal, record.journal_iso):
        target = _journal_words(name)
        if words and len(words) == len(target) and all(t.startswith(w) for w, t in zip(words, target)):
            return True
        if name and fuzz.ratio(fold(cited), fold(name)) >= SAME_TITLE:
            return True
    return not (record.journal or record.journal_iso)


def page_range(pages: str) -> tuple[str, str]:
    """(first, last) page with shorthand expanded: "1905-17" -> ("1905", "1917")."""
    parts = [re.sub(r"\.e\d+$", "", p.strip()).lower() for p in re.split(r"[-–]", pages or "")]
    first, last = parts[0], parts[-1] if len(parts) > 1 else ""
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return first, last


def same_pages(cited: str, pubmed: str) -> bool:
    """True when first pages agree and, if both give one, last pages too."""
    (a_first, a_last), (b_first, b_last) = page_range(cited), page_range(pubmed)
    if a_first.lstrip("e") != b_first.lstrip("e"):
        return False
    return not (a_last and b_last) or a_last == b_last


def compare(cited: CitedWork, record: Record) -> tuple[Mismatch, ...]:
    """Each field the citation states that disagrees with the record, cited vs PubMed."""
    found = []
    if cited.title and title_similarity(cited.title, record.title) < SAME_TITLE:
        found.append(Mismatch("title", cited.title, record.title))
    if cited.authors and record.authors and not same_author(cited.authors[0], record.authors[0]):
        found.append(Mismatch("first_author", cited.authors[0], record.authors[0]))
    if cited.year and record.year and cited.year != str(record.year):
        found.append(Mismatch("year", cited.year, str(record.year)))
    if cited.journal and not same_journal(cited.journal, record):
        found.append(Mismatch("journal", cited.journal, record.journal_iso or record.journal))
    if cited.volume and record.volume and fold(cited.volume) != fold(record.volume):
        found.append(Mismatch("volume", cited.volume, record.volume))
    if cited.pages and record.pages and not same_pages(cited.pages, record.pages):
        found.append(Mismatch("pages", cited.pages, record.pages))
    if cited.doi and record.doi and cited.doi.lower() != record.doi.lower():
        found.append(Mismatch("doi", cited.doi, record.doi))
    if cited.pmid and cited.pmid != record.pmid:
        found.append(Mismatch("pmid", cited.pmid, record.pmid))
    return tuple(found)


def identifies(cited: CitedWork, record: Record) -> bool:
    """True when `record` is plausibly the paper `cited` means, even if some fields are wrong.

    Enough: a near-identical long title unless two other fields disagree; a similar title plus
    one more agreeing field (first author, year, or journal/volume/first page); or the
    journal/volume/first page plus the first author or the year.
    """
    similarity = title_similarity(cited.title, record.title) if cited.title else 0
    checks = {
        "author": (cited.authors and record.authors,
                   lambda: same_author(cited.authors[0], record.authors[0])),
        "year": (cited.year and record.year, lambda: cited.year == str(record.year)),
        "locator": (cited.volume and cited.pages, lambda: _same_locator(cited, record)),
    }
    agree = {name for name, (stated, test) in checks.items() if stated and test()}
    disagree = {name for name, (stated, _) in checks.items() if stated} - agree
    if similarity >= 95 and len(cited.title) >= 30 and (agree or len(disagree) < 2):
        return True
    if similarity >= ACCEPT_TITLE and (agree or not disagree):
        return True
    return "locator" in agree and bool(agree & {"author", "year"})


def _same_locator(cited: CitedWork, record: Record) -> bool:
    """Journal (when cited), volume and first page agree."""
    return (fold(cited.volume) == fold(record.volume)
            and page_range(cited.pages)[0].lstrip("e") == page_range(record.pages)[0].lstrip("e")
            and (not cited.journal or same_journal(cited.journal, record)))
