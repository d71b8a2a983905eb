"""Find the PubMed record each citation means, in few batched requests through `PubMedSource`.

Order of evidence: a cited PMID (efetch); a DOI (esearch `"<doi>"[aid]`, several OR-ed per
request, and the record's own DOI must equal the cited one, since PubMed may answer with another
paper); a PMCID (`[pmcid]`); then the text: ECitMatch on journal, year, volume, first page and
first author (which finds a paper cited with a wrong title), then esearch on title words with the
first author and year, then with only one of them, then on title words alone, then on journal,
volume and first page. A record found by
text is accepted only when `compare.identifies` says it is the cited paper (title similarity
`compare.ACCEPT_TITLE` plus one more field, or journal/volume/page plus author or year).

Each stage runs its lookups for every pending citation together and fetches all new candidate
records in one `fetch`. A `PubMedFailure` marks the citations it concerned as unchecked, never as
not found.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from evidence_tracker.errors import PubMedFailure
from evidence_tracker.pubmed.interface import Citation, PubMedSource
from evidence_tracker.records import Record
from evidence_tracker.references.compare import fold, identifies, page_range, surname, title_similarity
from evidence_tracker.references.model import CitedWork

IDS_PER_QUERY = 20  # DOIs / PMCIDs OR-ed into one esearch
TITLES_PER_QUERY = 5  # title searches OR-ed into one esearch
NOTICE_TYPES = frozenset({"Retraction of Publication", "Published Erratum", "Expression of Concern"})
_STOP = frozenset("""a an and are as at be by for from in into is of on or the to with without
versus vs via its their than after before during between among effect effects study trial""".split())


@dataclass
class Resolution:
    """What the lookups found for one citation: `records` (one, or several when ambiguous)."""

    records: tuple[Record, ...] = ()
    via: str = ""  # "pmid", "doi", "pmcid", "ecitmatch" or "search"
    failure: str = ""  # why PubMed could not answer (then the citation is unchecked)
    notes: list[str] = field(default_factory=list)
    where: str = "PubMed"  # or "the offline library", for messages


def resolve(cited: list[CitedWork], source: PubMedSource) -> list[Resolution]:
    """One `Resolution` per citation in `cited`, same order."""
    return _Resolver(cited, source).run()


def ecitmatch_author(name: str) -> str:
    """"Tough, E. A." or "Tough EA" -> "Tough EA", the form ECitMatch takes."""
    family = surname(name)
    initials = re.sub(r"[^A-Z]", "", name[len(family):]) if name.startswith(family) else ""
    return f"{family} {initials}".strip()


def plain_name(text: str) -> str:
    """`text` without accents, dots, quotes or brackets, for query terms ("Eur. J." -> "Eur J")."""
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[.\"\[\]()]", " ", text).split())


def title_words(title: str, limit: int = 8) -> list[str]:
    """Distinctive words of `title` to search [ti] with (no stop words, no -ise/-ize words)."""
    chosen = [w for w in fold(title).split() if w not in _STOP and len(w) > 2
              and not re.search(r"i[sz](?:e|ed|es|ing|ation)s?$", w)]
    return list(dict.fromkeys(chosen))[:limit]


class _Resolver:
    def __init__(self, cited: list[CitedWork], source: PubMedSource) -> None:
        self.cited, self.source = cited, source
        self.where = "PubMed" if source.info().kind == "pubmed" else "the offline library"
        self.found = [Resolution(where=self.where) for _ in cited]
        self.records: dict[str, Record] = {}
        self.failures: dict[int, str] = {}

    def run(self) -> list[Resolution]:
        candidates = self._identifier_stage()
        for index, pmids in self._ecitmatch_stage().items():
            candidates.setdefault(index, set()).update(pmids)
        self._fetch({p for pmids in candidates.values() for p in pmids}, list(candidates))
        for index in range(len(self.cited)):
            self._settle(index, candidates.get(index, set()))
        for variant in ("author+year", "author|year", "title", "locator"):
            self._search_stage(variant)
        for index, failure in self.failures.items():
            if not self.found[index].records:
                self.found[index].failure = failure
        return self.found

    def _fail(self, indexes, exc: PubMedFailure) -> None:
        for index in indexes:
            self.failures.setdefault(index, exc.reason or str(exc))

    def _search(self, query: str, indexes: list[int], retmax: int) -> tuple[str, ...]:
        try:
            return self.source.search(query, retmax=retmax).pmids
        except PubMedFailure as exc:
            self._fail(indexes, exc)
            return ()

    def _fetch(self, pmids: set[str], indexes: list[int]) -> None:
        missing = sorted(p for p in pmids if p not in self.records)
        if not missing:
            return
        try:
            self.records.update(self.source.fetch(missing))
        except PubMedFailure as exc:
            self._fail(indexes, exc)

    def _identifier_stage(self) -> dict[int, set[str]]:
        """Cited PMIDs as they are; DOIs and PMCIDs through batched esearches."""
        candidates: dict[int, set[str]] = {}
        for index, cited in enumerate(self.cited):
            if cited.pmid:
                candidates[index] = {cited.pmid}
        for kind, tag in (("doi", "aid"), ("pmcid", "pmcid")):
            wanted = [(i, getattr(c, kind)) for i, c in enumerate(self.cited)
                      if getattr(c, kind) and not c.pmid and '"' not in getattr(c, kind)]
            for start in range(0, len(wanted), IDS_PER_QUERY):
                chunk = wanted[start: start + IDS_PER_QUERY]
                query = " OR ".join(f'"{value}"[{tag}]' for _, value in chunk)
                pmids = self._search(query, [i for i, _ in chunk], retmax=3 * len(chunk))
                for index, _ in chunk:
                    candidates.setdefault(index, set()).update(pmids)
        return candidates

    def _ecitmatch_stage(self) -> dict[int, set[str]]:
        """ECitMatch for every citation with a journal and year or volume and page."""
        citations = [self._citation(i, c) for i, c in enumerate(self.cited)
                     if (c.journal and c.year) or (c.volume and c.pages)]
        if not citations:
            return {}
        try:
            matches = self.source.match_citations(citations)
        except PubMedFailure as exc:
            self._fail([int(c.key) for c in citations], exc)
            return {}
        return {int(key): set(match.pmids) for key, match in matches.items() if match.pmids}

    @staticmethod
    def _citation(index: int, cited: CitedWork) -> Citation:
        author = ecitmatch_author(cited.authors[0]) if cited.authors else ""
        return Citation(key=str(index), journal=plain_name(cited.journal), year=cited.year,
                        volume=cited.volume, first_page=page_range(cited.pages)[0], author=author)

    def _settle(self, index: int, pmids: set[str]) -> None:
        """Pick the record an identifier names, else the records the text identifies."""
        cited, found = self.cited[index], self.found[index]
        records = [self.records[p] for p in sorted(pmids) if p in self.records]
        for kind in ("pmid", "doi", "pmcid"):
            value = getattr(cited, kind).lower()
            if value:
                exact = [r for r in records if getattr(r, kind).lower() == value]
                if exact:
                    found.records, found.via = (exact[0],), kind
                    return
                if index not in self.failures:  # unknown only when PubMed answered
                    found.notes.append(f"{kind.upper()} {getattr(cited, kind)} is not in "
                                       f"{self.where}")
        self._accept(index, records, "ecitmatch")

    def _accept(self, index: int, records: list[Record], via: str) -> None:
        cited, found = self.cited[index], self.found[index]
        good = [r for r in records if identifies(cited, r)]
        articles = [r for r in good if not NOTICE_TYPES.intersection(r.publication_types)]
        good = articles or good  # "Erratum to: <title>" and notices echo the cited title
        if len(good) > 1 and cited.title:
            best = max(title_similarity(cited.title, r.title) for r in good)
            good = [r for r in good if title_similarity(cited.title, r.title) >= best - 2]
        if good:
            found.records, found.via = tuple(good), via
            return
        for record in records:
            if cited.title and title_similarity(cited.title, record.title) >= 95:
                note = (f"PMID {record.pmid} has this title, but its authors, year or journal "
                        f"differ too much to be the cited paper")
                if note not in found.notes:
                    found.notes.append(note)

    def _search_stage(self, variant: str) -> None:
        """One OR-ed search per few pending citations, then one fetch for the stage."""
        pending = [i for i, c in enumerate(self.cited)
                   if not self.found[i].records and self._title_query(c, variant)]
        hits: dict[int, tuple[str, ...]] = {}
        for start in range(0, len(pending), TITLES_PER_QUERY):
            chunk = pending[start: start + TITLES_PER_QUERY]
            query = " OR ".join(f"({self._title_query(self.cited[i], variant)})" for i in chunk)
            pmids = self._search(query, chunk, retmax=20 * len(chunk))
            hits.update((i, pmids) for i in chunk)
        self._fetch({p for pmids in hits.values() for p in pmids}, list(hits))
        for index, pmids in hits.items():
            self._accept(index, [self.records[p] for p in pmids if p in self.records], "search")

    @staticmethod
    def _title_query(cited: CitedWork, variant: str) -> str:
        """The esearch term for one `variant` of the title search ("" when it does not apply).

        "locator" is journal, volume and first page: it finds a paper cited with a wrong title
        and a wrong year or author, which ECitMatch (all fields must agree) misses.
        """
        if variant == "locator":
            first_page = page_range(cited.pages)[0]
            journal = plain_name(cited.journal)
            if not (journal and cited.volume.isalnum() and first_page.isalnum()):
                return ""
            return f'"{journal}"[ta] AND {cited.volume}[vi] AND {first_page}[pg]'
        if len(title_words(cited.title)) < 2:
            return ""
        words = " AND ".join(f"{w}[ti]" for w in title_words(cited.title))
        family = plain_name(surname(cited.authors[0])) if cited.authors else ""
        author = f'"{family}"[1au]' if family else ""
        year = f"{cited.year}[dp]" if cited.year else ""
        if variant == "author+year":
            return " AND ".join(p for p in (words, author, year) if p) if author and year else ""
        if variant == "author|year":
            parts = [f"{words} AND {p}" for p in (author, year) if p]
            return " OR ".join(f"({p})" for p in parts) if parts else ""
        return words
