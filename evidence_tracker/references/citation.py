"""Parse one reference-list entry into its fields (Vancouver, AMA, APA, Harvard, Chicago).

The parser finds the anchors every style has — identifiers, the year, the volume(issue):pages
locator, a quoted title — and splits what is left into authors, title and journal. Real handouts
are messy, so each step falls back rather than fails: a field it cannot find stays empty and is
then neither searched for nor compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evidence_tracker.references.identifiers import find_identifiers, strip_identifiers
from evidence_tracker.references.model import CitedWork

MAX_ENTRY = 3000  # characters: longer "entries" are not citations, and parsing stays linear
_YEAR = r"(?:19|20)\d{2}"
_PAGE = r"[A-Za-z]{0,4}\d{1,9}[A-Za-z]?(?:\.e\d{1,4})?"  # "e11225", "pzab068", "S12"
_PAGES = rf"{_PAGE}(?:\s*-\s*{_PAGE})?"
_MONTH = r"[A-Z][a-z]{2,8}\.?(?:[-/][A-Z][a-z]{2,8}\.?)?(?:\s+\d{1,2})?"
# Vancouver / AMA: "2014;157(9):1905-17", "2009 Jan;13(1):3-10", "2019;12:1899".
_VANCOUVER = re.compile(
    rf"(?<!\d)(?P<year>{_YEAR})[a-z]?(?:\s+{_MONTH})?\s*;\s*(?P<volume>[A-Za-z]?\d{{1,6}}[A-Za-z]?)?"
    rf"\s*(?:\((?P<issue>[^)]{{1,25}})\))?\s*(?::\s*(?P<pages>{_PAGES}))?")
# APA / Harvard: ", 13(1), 3-10" or ", 13(1), pp. 3-10" or ", 97(26), e11225" or ", 10, Article 21".
_COMMA_LOCATOR = re.compile(
    rf",\s*(?:vol\.\s*)?(?P<volume>\d{{1,6}})\s*(?:\((?P<issue>[^)]{{1,25}})\)|,\s*no\.\s*(?P<no>\w+))?"
    rf"\s*,\s*(?:(?:pp?\.|[Aa]rticle(?:\s+No\.?)?)\s*)?(?P<pages>{_PAGES})\b")
# Harvard variant with a colon: "13(1): 3-10" / "13: 3-10"; Chicago: "13, no. 1 (2009): 3-10".
_COLON_LOCATOR = re.compile(
    rf"(?<!\d)(?P<volume>\d{{1,6}})\s*(?:\((?P<issue>[^)]{{1,25}})\)|,\s*no\.\s*(?P<no>\w+))?\s*"
    rf"(?:\((?P<year>{_YEAR})[a-z]?\))?\s*:\s*(?:pp?\.\s*)?(?P<pages>{_PAGES})\b")
_PAREN_YEAR = re.compile(rf"\(\s*(?P<year>{_YEAR})[a-z]?(?:,\s*[A-Za-z]+\.?(?:\s+\d{{1,2}})?)?\s*\)\.?")
_BARE_YEAR = re.compile(rf"(?<![\d/.-])(?P<year>{_YEAR})[a-z]?(?![\d/-])")
_NOT_PUBLICATION_YEAR = re.compile(r"(?:Epub|cited|accessed|retrieved|updated)\s*(?:on\s*)?$", re.I)
# A quoted title (Harvard, Chicago); an apostrophe inside ("Parkinson's") does not close it.
_QUOTED = re.compile(r"(?<!\w)(?:'(?P<a>[^']{15,}?(?:'\w[^']*?)*)'(?=[\s,.;:]|$)|\"(?P<b>[^\"]{15,}?)\""
                     r"|“(?P<c>[^”]{15,}?)”|‘(?P<d>[^’]{15,}?(?:’\w[^’]*?)*)’(?=[\s,.;:]|$))")
# A sentence boundary: not after a lone capital (an initial, "J. Pain"), followed by a capital,
# a digit or an opening quote/bracket.
_BOUNDARY = re.compile(r"(?<![\s.][A-Z])(?<!^[A-Z])[.?!]\s+(?=[A-Z0-9\"“‘'(\[])")
_INITIALS = r"(?:[A-Z]\.?\s?-?){1,4}"
_VANCOUVER_AUTHOR = re.compile(rf"^(?:(?:van|von|de|der|den|da|del|la|le|di)\s+)*"
                               rf"[A-ZÀ-Þ][\w'’\-]*(?:\s+[\w'’\-]+){{0,3}}\s+{_INITIALS}$")
_APA_AUTHOR = re.compile(rf"([A-ZÀ-Þa-z][\w'’\- ]*?),\s+({_INITIALS})(?=,|\s|$)")
_ET_AL = re.compile(r",?\s*\bet\s*al\b\.?", re.I)


@dataclass(frozen=True)
class _Anchors:
    """What the year and locator split off: `head` holds the title and journal, and the authors
    too unless `authors` (APA/Harvard: the text before "(2009)") is known already."""

    head: str
    fields: dict
    authors: str | None = None
    has_journal: bool = True


def parse_citation(text: str) -> CitedWork:
    """The fields of the reference `text` (one list entry without its number)."""
    text = text[:MAX_ENTRY]
    ids = {i.kind: i.value for i in reversed(find_identifiers(text))}
    anchors = _locate(_normalise(strip_identifiers(text)))
    head, authors = anchors.head, anchors.authors
    quoted = _QUOTED.search(head)
    if quoted:
        title = next(group for group in quoted.groups() if group)
        authors = head[: quoted.start()] if authors is None else authors
        journal = head[quoted.end():]
    else:
        authors, rest = _split_authors(head) if authors is None else (authors, head)
        title, journal = _split_title(rest, has_journal=anchors.has_journal)
    fields = {k: _clean(v) for k, v in {**anchors.fields, "title": title}.items() if v}
    return CitedWork(authors=parse_authors(authors), journal=_clean(journal),
                     doi=ids.get("doi", ""), pmid=ids.get("pmid", ""), pmcid=ids.get("pmcid", ""),
                     **fields)


def _normalise(text: str) -> str:
    text = re.sub(r"[‐‑‒–—−]", "-", text.replace("\u00a0", " "))
    text = re.sub(r"\s*-\s*(?=\d)", "-", text)
    text = re.sub(r"\[(?:Epub ahead of print|Internet|published online[^\]]*)\]", " ", text, flags=re.I)
    text = re.sub(r"\bEpub\s+(?:ahead of print\s*)?(?:\d{4}[^.]*)?\.?", " ", text, flags=re.I)
    return " ".join(text.split()).strip()


def _clean(value: str) -> str:
    return " ".join(value.split()).strip(" ,.;:*_")


def _locate(body: str) -> _Anchors:
    """Find the year, volume, issue and pages; what precedes them is the head."""
    paren = _PAREN_YEAR.search(body)
    if paren and _looks_like_authors(body[: paren.start()]):  # APA / Harvard
        rest = body[paren.end():]
        loc = _COMMA_LOCATOR.search(rest) or _COLON_LOCATOR.search(rest)
        return _Anchors(rest[: loc.start()] if loc else rest,
                        {**_locator_fields(loc), "year": paren.group("year")},
                        authors=body[: paren.start()], has_journal=bool(loc))
    vancouver = _VANCOUVER.search(body)
    if vancouver and not _NOT_PUBLICATION_YEAR.search(body[: vancouver.start()]):
        return _Anchors(body[: vancouver.start()],
                        {**_locator_fields(vancouver), "year": vancouver.group("year")})
    loc = _COLON_LOCATOR.search(body) or _COMMA_LOCATOR.search(body)
    head = body[: loc.start()] if loc else body
    year = (loc.group("year") if loc and "year" in loc.groupdict() else "") or _last_year(head)
    head = re.sub(r"\(\s*\)", " ", _BARE_YEAR.sub(" ", head) if year else head)
    return _Anchors(head, {**_locator_fields(loc), "year": year or ""}, has_journal=bool(loc))


def _locator_fields(match: re.Match | None) -> dict:
    if not match:
        return {}
    groups = match.groupdict()
    return {"volume": groups.get("volume") or "", "pages": groups.get("pages") or "",
            "issue": groups.get("issue") or groups.get("no") or ""}


def _last_year(text: str) -> str:
    years = [m for m in _BARE_YEAR.finditer(text)
             if not _NOT_PUBLICATION_YEAR.search(text[: m.start()])]
    return years[-1].group("year") if years else ""


def _looks_like_authors(text: str) -> bool:
    text = _ET_AL.sub("", text).strip(" .,")
    return bool(text) and (bool(_APA_AUTHOR.search(text)) or _vancouver_authors(text))


def _vancouver_authors(text: str) -> bool:
    parts = [p.strip() for p in re.split(r",|;|\band\b|&", _ET_AL.sub("", text)) if p.strip()]
    return bool(parts) and all(_VANCOUVER_AUTHOR.match(p) for p in parts[:3])


def _split_authors(head: str) -> tuple[str, str]:
    """(authors, the rest): authors end at the first boundary after an author-like prefix."""
    for match in re.finditer(r"\.\s+|:\s+", head):
        prefix = head[: match.start()]
        if _looks_like_authors(prefix) or _ET_AL.search(prefix[-8:] + "."):
            return prefix, head[match.end():]
    return "", head


def _split_title(rest: str, *, has_journal: bool) -> tuple[str, str]:
    """(title, journal): the journal is the last sentence before the locator."""
    rest = rest.strip(" ,")
    if not has_journal:
        return _clean(rest.split(". ")[0] if ". " in rest else rest), ""
    boundaries = list(_BOUNDARY.finditer(rest.rstrip(". ")))
    if not boundaries:
        title, _, journal = rest.rpartition(",")
        return (_clean(title), journal) if title else (_clean(rest), "")
    # Dotted abbreviations ("Eur. J. Pain") look like one-word sentences: keep them in the journal.
    while len(boundaries) > 1 and re.fullmatch(
            r"[A-Z][a-z]{0,11}(?:\.?\s[A-Z][a-z]{0,11}){0,2}",
            rest[boundaries[-2].end(): boundaries[-1].start()]):
        boundaries.pop()
    last = boundaries[-1]
    title = rest[: last.start() + (1 if rest[last.start()] in "?!" else 0)]
    return _clean(title), rest[last.end():]


def parse_authors(text: str) -> tuple[str, ...]:
    """Author names as written ("Tough EA", "Tough, E. A." -> "Tough E A"); "et al." dropped."""
    text = _ET_AL.sub("", text).strip(" .,")
    if not text:
        return ()
    apa = [f"{s.strip()} {i.strip()}" for s, i in _APA_AUTHOR.findall(text)
           if not re.fullmatch(r"(?:and|&)\s*", s.strip())]
    if apa and not _vancouver_authors(text):
        return tuple(re.sub(r"^(?:and|&)\s+", "", a) for a in apa)
    parts = re.split(r",|;|\s+and\s+|\s*&\s*", text)
    return tuple(p.strip() for p in parts if p.strip())
