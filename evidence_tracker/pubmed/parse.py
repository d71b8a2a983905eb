"""Turn E-utilities bodies into plain data, always through Biopython's Entrez parser.

Every body goes through `read_xml`, which refuses what must not reach the parser: non-XML (HTML,
JSON, empty), an `eFetchResult` error envelope (its DTD is not bundled, so the parser would hide
NCBI's message behind a download attempt), DTDs Biopython does not bundle (no network fetch is ever
triggered by a response), and internal entity declarations (no entity expansion).
"""

from __future__ import annotations

import gc
import io
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator
from xml.parsers import expat

from Bio import Entrez, Medline
from Bio.Entrez import Parser as EntrezParser

from evidence_tracker.errors import MalformedResponse, PubMedErrorResponse
from evidence_tracker.records import AbstractSection, CommentCorrection, Record, SearchResult

_BUNDLED_DTDS = Path(EntrezParser.__file__).parent / "DTDs"
_ERROR = re.compile(rb"<ERROR>(.*?)(?:</ERROR>|$)", re.S)


def _describe(body: bytes) -> str:
    head = body[:200].decode("utf-8", "replace").strip().replace("\n", " ")
    return head[:120] or "empty body"


def _error_text(raw: bytes) -> str:
    import html

    return " ".join(html.unescape(raw.decode("utf-8", "replace")).split())


class _PrologRead(Exception):
    """Raised from expat's handlers to stop once the DOCTYPE or the first element is seen."""


def _doctype(body: bytes) -> tuple[str, bool] | None:
    """The DOCTYPE's system id and whether an internal subset follows, as expat reads them.

    Expat (not a regex over the first bytes) so padding, comments, quoting and UTF-16 cannot
    hide a DOCTYPE from the check; it loads no external entity or DTD while doing so.
    """
    found: list[tuple[str, bool]] = []

    def doctype(_name, system_id, _public_id, internal_subset):
        found.append((system_id or "", bool(internal_subset)))
        raise _PrologRead

    def element(*_):
        raise _PrologRead

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler, parser.StartElementHandler = doctype, element
    try:
        parser.Parse(body, True)
    except (_PrologRead, expat.ExpatError):  # broken XML: Entrez.read names the error
        pass
    return found[0] if found else None


def check_body(body: bytes) -> None:
    """Raise the typed failure for a body that is not parseable E-utilities XML."""
    start = body.lstrip()[:400]
    if not start:
        raise MalformedResponse("NCBI sent an empty body")
    if not start.startswith(b"<?xml") and not start.startswith(b"<"):
        raise MalformedResponse(f"NCBI sent non-XML: {_describe(body)}")
    if b"<html" in start.lower() or b"<!doctype html" in start.lower():
        raise MalformedResponse(f"NCBI sent an HTML page instead of XML: {_describe(body)}")
    if b"<eFetchResult" in body[:1000]:
        match = _ERROR.search(body)
        text = _error_text(match.group(1)) if match else _describe(body)
        raise PubMedErrorResponse(f"NCBI efetch error: {text}")
    doctype = _doctype(body)
    if doctype and doctype[1]:
        raise MalformedResponse("refusing XML with an internal DTD subset (entity declarations)")
    if doctype:
        dtd_name = doctype[0].rsplit("/", 1)[-1]
        if not dtd_name or not (_BUNDLED_DTDS / dtd_name).is_file():
            raise MalformedResponse(f"XML names a DTD Biopython does not bundle: {dtd_name}")
    if b"<!ENTITY" in body:
        raise MalformedResponse("refusing XML with entity declarations")


def read_xml(body: bytes) -> Any:
    """Parse one E-utilities XML body with `Bio.Entrez.read`, translating every failure."""
    check_body(body)
    try:
        return Entrez.read(io.BytesIO(body), validate=True)
    except RuntimeError as exc:  # an <ERROR> element, raised by Biopython with NCBI's text
        raise PubMedErrorResponse(f"NCBI error: {' '.join(str(exc).split())}") from exc
    except (EntrezParser.CorruptedXMLError, EntrezParser.NotXMLError) as exc:
        raise MalformedResponse(f"NCBI sent broken XML: {' '.join(str(exc).split())[:200]}") from exc
    except (ValueError, EntrezParser.ValidationError) as exc:
        raise MalformedResponse(f"unexpected XML from NCBI: {str(exc)[:200]}") from exc


def parse_search(body: bytes, query: str) -> SearchResult:
    """Parse an esearch body; an ErrorList (PhraseNotFound) is a valid zero-hit answer."""
    data = read_xml(body)
    if "Count" not in data or "IdList" not in data:
        raise MalformedResponse("esearch answer without Count or IdList")
    errors = data.get("ErrorList", {}) or {}
    warnings = data.get("WarningList", {}) or {}
    return SearchResult(
        query=query,
        count=int(data["Count"]),
        pmids=tuple(str(pmid) for pmid in data["IdList"]),
        query_translation=str(data.get("QueryTranslation", "")),
        phrases_not_found=tuple(str(p) for p in errors.get("PhraseNotFound", [])),
        warnings=tuple(
            str(w) for key in ("QuotedPhraseNotFound", "PhraseIgnored", "OutputMessage")
            for w in warnings.get(key, [])
        ),
    )


def history_keys(body: bytes) -> tuple[str, str]:
    """WebEnv and QueryKey of an esearch (usehistory=y) or epost answer."""
    data = read_xml(body)
    return str(data.get("WebEnv", "")), str(data.get("QueryKey", ""))


@contextmanager
def _tree_freed_after() -> Iterator[None]:
    """Pause the cyclic garbage collector while a parse tree is built and read, then free it.

    Every element `Bio.Entrez` builds refers to itself (a bound `store` method), so a parsed
    batch is cyclic garbage once read. Left to the collector, the tree is promoted to the oldest
    generation and freed only by full collections, which also walk every record the run keeps:
    several batches stayed in memory, and 20,000 kept records parsed at half speed. With the
    collector paused the tree stays in the youngest generation, and collecting that frees it.
    """
    if not gc.isenabled():  # the caller manages the collector
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def parse_articles(body: bytes) -> list[Record]:
    """Parse an efetch `PubmedArticleSet` body (HTTP 200 with an empty set is a valid answer)."""
    with _tree_freed_after():
        data = read_xml(body)
        if not isinstance(data, dict) or "PubmedArticle" not in data:
            raise MalformedResponse("efetch answer is not a PubmedArticleSet")
        records = [record_from_entrez(article) for article in data["PubmedArticle"]]
        del data  # unreachable before the collection
    return records


def read_article_file(path: Path) -> list[Record]:
    """Records from a PubMed XML file (an efetch answer saved to disk)."""
    return parse_articles(Path(path).read_bytes())


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _year(pub_date: dict) -> int | None:
    found = re.search(r"\d{4}", str(pub_date.get("Year") or pub_date.get("MedlineDate") or ""))
    return int(found.group()) if found else None


def _pub_date_text(pub_date: dict) -> str:
    if "MedlineDate" in pub_date:
        return _text(pub_date["MedlineDate"])
    parts = (pub_date.get(k) for k in ("Year", "Season", "Month", "Day"))
    return " ".join(_text(p) for p in parts if p)


def _author_name(author: dict) -> str:
    if "CollectiveName" in author:
        return _text(author["CollectiveName"])
    return " ".join(p for p in (_text(author.get("LastName")), _text(author.get("Initials"))) if p)


def _ids(pubmed_data: dict, article: dict) -> dict[str, str]:
    ids = {str(i.attributes.get("IdType")): _text(i) for i in pubmed_data.get("ArticleIdList", [])}
    for loc in article.get("ELocationID", []):
        if loc.attributes.get("EIdType") == "doi":
            ids.setdefault("doi", _text(loc))
    return ids


def _abstract(article: dict) -> tuple[AbstractSection, ...]:
    texts = article.get("Abstract", {}).get("AbstractText", [])
    return tuple(
        AbstractSection(
            text=_text(t),
            label=_text(getattr(t, "attributes", {}).get("Label")),
            category=_text(getattr(t, "attributes", {}).get("NlmCategory")),
        )
        for t in texts
    )


def _corrections(citation: dict) -> tuple[CommentCorrection, ...]:
    return tuple(
        CommentCorrection(
            ref_type=_text(c.attributes.get("RefType")),
            pmid=_text(c.get("PMID")),
            source=_text(c.get("RefSource")),
        )
        for c in citation.get("CommentsCorrectionsList", [])
    )


def record_from_entrez(article: dict) -> Record:
    """Map one `PubmedArticle` (as `Bio.Entrez.read` returns it) onto a `Record`."""
    citation, pubmed_data = article["MedlineCitation"], article.get("PubmedData", {})
    art = citation["Article"]
    journal = art.get("Journal", {})
    pub_date = journal.get("JournalIssue", {}).get("PubDate", {})
    ids = _ids(pubmed_data, art)
    return Record(
        pmid=_text(citation["PMID"]),
        title=_text(art.get("ArticleTitle")),
        abstract=_abstract(art),
        authors=tuple(_author_name(a) for a in art.get("AuthorList", [])),
        journal=_text(journal.get("Title")),
        journal_iso=_text(journal.get("ISOAbbreviation")),
        year=_year(pub_date),
        pub_date=_pub_date_text(pub_date),
        volume=_text(journal.get("JournalIssue", {}).get("Volume")),
        issue=_text(journal.get("JournalIssue", {}).get("Issue")),
        pages=_text(art.get("Pagination", {}).get("MedlinePgn")),
        doi=ids.get("doi", ""),
        pmcid=ids.get("pmc", ""),
        publication_types=tuple(_text(p) for p in art.get("PublicationTypeList", [])),
        mesh_terms=tuple(_text(m["DescriptorName"]) for m in citation.get("MeshHeadingList", [])),
        keywords=tuple(_text(k) for group in citation.get("KeywordList", []) for k in group),
        comments_corrections=_corrections(citation),
        language=", ".join(_text(x) for x in art.get("Language", [])),
    )


# MEDLINE text ("PubMed format" export), parsed by Bio.Medline.
_MEDLINE_CORRECTIONS = {"RIN": "RetractionIn", "ROF": "RetractionOf", "EIN": "ErratumIn",
                        "ECI": "ExpressionOfConcernIn", "CIN": "CommentIn", "UIN": "UpdateIn"}
_PMID_IN = re.compile(r"PMID:\s*(\d+)")


def _as_list(value: str | list[str] | None) -> list[str]:
    """Bio.Medline gives single-valued tags as str and repeatable ones as list."""
    return [value] if isinstance(value, str) else list(value or [])


def _medline_ids(entry: dict) -> dict[str, str]:
    ids = {}
    for value in _as_list(entry.get("AID")) + _as_list(entry.get("LID")):
        found = re.match(r"(\S+)\s+\[(\w+)\]", value)
        if found:
            ids.setdefault(found.group(2), found.group(1))
    if entry.get("PMC"):
        ids["pmc"] = entry["PMC"]
    return ids


def _medline_record(entry: dict) -> Record:
    ids = _medline_ids(entry)
    corrections = tuple(
        CommentCorrection(ref_type=kind, pmid=(_PMID_IN.search(v) or [None, ""])[1], source=v)
        for tag, kind in _MEDLINE_CORRECTIONS.items() for v in _as_list(entry.get(tag))
    )
    abstract = entry.get("AB", "")
    return Record(
        pmid=entry.get("PMID", ""),
        title=entry.get("TI", ""),
        abstract=(AbstractSection(text=abstract),) if abstract else (),
        authors=tuple(_as_list(entry.get("AU"))),
        journal=entry.get("JT", ""),
        journal_iso=entry.get("TA", ""),
        year=_year({"Year": entry.get("DP", "")}),
        pub_date=entry.get("DP", ""),
        volume=entry.get("VI", ""),
        issue=entry.get("IP", ""),
        pages=entry.get("PG", ""),
        doi=ids.get("doi", ""),
        pmcid=ids.get("pmc", ""),
        publication_types=tuple(_as_list(entry.get("PT"))),
        mesh_terms=tuple(m.split("/")[0].strip().strip("*") for m in _as_list(entry.get("MH"))),
        keywords=tuple(_as_list(entry.get("OT"))),
        comments_corrections=corrections,
        language=", ".join(_as_list(entry.get("LA"))),
    )


def parse_medline(lines: Iterable[str]) -> Iterator[Record]:
    """Records from MEDLINE text ("PubMed format"); structured abstracts arrive as one section."""
    # Bio.Medline needs line endings to see the blank line between records.
    ended = (line if line.endswith("\n") else line + "\n" for line in lines)
    for entry in Medline.parse(ended):
        if entry.get("PMID"):
            yield _medline_record(entry)
