"""The offline PubMed source: records from local PubMed XML and MEDLINE files, searched locally.

It answers the same `PubMedSource` questions as the live client, with the query engine of
`evidence_tracker.pubmed.query` (see there for the supported PubMed syntax and its limits).
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Iterable, Mapping

from evidence_tracker.errors import BadInput, PubMedFailure
from evidence_tracker.pubmed import parse, query
from evidence_tracker.pubmed.interface import Citation, CitationMatch
from evidence_tracker.records import Record, SearchResult, SourceInfo

XML_SUFFIXES = (".xml",)
MEDLINE_SUFFIXES = (".nbib", ".txt", ".medline")


def library_files(paths: Iterable[str | Path]) -> list[Path]:
    """The library files named by `paths`: files as given, directories' PubMed files sorted."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            inside = sorted(p for p in path.iterdir()
                            if p.is_file() and p.suffix.lower() in XML_SUFFIXES + MEDLINE_SUFFIXES)
            if not inside:
                raise BadInput(
                    f"{path}: library directory holds no .xml, .nbib, .txt or .medline file")
            found += inside
        elif path.is_file():
            found.append(path)
        else:
            raise BadInput(f"{path}: library file or directory not found")
    return found


def read_library_file(path: Path) -> list[Record]:
    """Records from one PubMed XML (`PubmedArticleSet`) or MEDLINE text file at `path`."""
    try:
        body = path.read_bytes()
        if body.lstrip()[:1] == b"<":  # sniffed, so an XML export saved as .txt still loads
            records = parse.parse_articles(body)
        else:
            records = list(parse.parse_medline(body.decode("utf-8-sig").splitlines(keepends=True)))
    except OSError as exc:
        raise BadInput(f"{path}: cannot read library file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path}: MEDLINE file is not UTF-8 text (byte {exc.start})") from exc
    except PubMedFailure as exc:
        raise BadInput(f"{path}: not a PubMed XML file (PubmedArticleSet): {exc}") from exc
    except ValueError as exc:  # Bio.Medline on malformed continuation lines
        raise BadInput(f"{path}: not a MEDLINE (PubMed format) file: {exc}") from exc
    if not records:
        raise BadInput(
            f"{path}: no PubMed records found (expected PubmedArticleSet XML or MEDLINE text)")
    return records


def _newest_mtime(files: Iterable[Path]) -> str:
    newest = max(f.stat().st_mtime for f in files)
    return datetime.datetime.fromtimestamp(newest, datetime.timezone.utc).date().isoformat()


def _recent_first(ix: query.IndexedRecord) -> tuple[int, int]:
    """PubMed's default order, approximated: newest publication year, then highest PMID."""
    pmid = ix.record.pmid
    return (-(ix.record.year or 0), -int(pmid) if pmid.isdigit() else 0)


class LibrarySource:
    """A `PubMedSource` over local files; later files win when two hold the same PMID."""

    def __init__(self, paths: Iterable[str | Path]) -> None:
        self.files = tuple(library_files(paths))
        if not self.files:
            raise BadInput("no library file given (expected PubMed XML or MEDLINE files)")
        by_pmid: dict[str, Record] = {}
        for path in self.files:
            by_pmid.update((r.pmid, r) for r in read_library_file(path))
        self._by_pmid = by_pmid
        self._indexed = sorted((query.index(r) for r in by_pmid.values()), key=_recent_first)
        self.as_of = _newest_mtime(self.files)

    @property
    def records(self) -> tuple[Record, ...]:
        """Every record in the library, most recent first."""
        return tuple(ix.record for ix in self._indexed)

    def info(self) -> SourceInfo:
        """Kind "library", the file names as detail, the newest file date as `as_of`."""
        detail = ", ".join(path.name for path in self.files)
        return SourceInfo(kind="library", detail=detail, as_of=self.as_of)

    def search(self, query_text: str, *, retmax: int = 100) -> SearchResult:
        """Run `query_text` over the library; the first `retmax` PMIDs, most recent first."""
        node = query.parse_query(query_text)
        hits = [ix.record.pmid for ix in self._indexed if node.test(ix)]
        return SearchResult(
            query=query_text,
            count=len(hits),
            pmids=tuple(hits[: max(retmax, 0)]),
            query_translation=str(node),
            phrases_not_found=self._terms_not_found(node) if not hits else (),
            as_of=self.as_of,
        )

    def _terms_not_found(self, node: query.Node) -> tuple[str, ...]:
        """Terms that match no record at all, like esearch's PhraseNotFound (a typo shows)."""
        return tuple(str(leaf) for leaf in query.leaves(node)
                     if not any(leaf.test(ix) for ix in self._indexed))

    def fetch(self, pmids: Iterable[str]) -> Mapping[str, Record]:
        """The records of `pmids` the library holds; unknown PMIDs are absent."""
        wanted = (str(p).strip() for p in pmids)
        return {pmid: self._by_pmid[pmid] for pmid in wanted if pmid in self._by_pmid}

    def match_citations(self, citations: Iterable[Citation]) -> Mapping[str, CitationMatch]:
        """ECitMatch computed locally: every given field must match; empty fields are wildcards."""
        return {c.key: CitationMatch(c.key, self._match(c)) for c in citations}

    def _match(self, citation: Citation) -> tuple[str, ...]:
        node = citation_query(citation)
        if node is None:
            return ()
        return tuple(sorted(ix.record.pmid for ix in self._indexed if node.test(ix)))


def citation_query(citation: Citation) -> query.Node | None:
    """The query a `citation` stands for, or None when it names too little to match safely.

    ECitMatch needs enough to pin one paper: journal and year, or volume and first page.
    """
    fields = (("ta", citation.journal), ("dp", citation.year), ("vi", citation.volume),
              ("pg", citation.first_page), ("1au", citation.author))
    given = {tag: value.strip() for tag, value in fields if value and value.strip()}
    if not ({"ta", "dp"} <= given.keys() or {"vi", "pg"} <= given.keys()):
        return None
    if "dp" in given and not re.fullmatch(r"\d{4}", given["dp"]):
        return None  # ECitMatch takes a year; anything else cannot match
    try:
        terms = [query.term(tag, value) for tag, value in given.items()]
    except query.QuerySyntaxError:  # e.g. a year that is not a year: it matches nothing
        return None
    node = terms[0]
    for other in terms[1:]:
        node = query.Bool("AND", node, other)
    return node
