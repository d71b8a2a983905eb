"""Benchmark inputs generated from the repository's own files, so a clean clone can run them.

The seed of everything is the shipped offline library (`claims/library/dry-needling.xml`, 24
real PubMed records) and the seed claim file. Synthetic records are the real `<PubmedArticle>`
bytes with a new PMID and a shifted publication year, so parsing, searching and grading see real
PubMed XML; synthetic claims are the seed claims with their query narrowed to a date window.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Iterator

import yaml

REPO = Path(__file__).resolve().parents[1]
LIBRARY = REPO / "claims" / "library" / "dry-needling.xml"
SEED_CLAIMS = REPO / "claims" / "dry-needling-evidence-based-truth.yaml"
SEED_TEXT = REPO / "claims" / "sources" / "dry-needling-evidence-based-truth.txt"
PUBMED_HEAD = (b'<?xml version="1.0" ?>\n'
               b'<!DOCTYPE PubmedArticleSet PUBLIC '
               b'"-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
               b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n')
FIRST_SYNTHETIC_PMID = 90_000_001  # above every real PMID today, so no clash with the seeds
YEAR_SPREAD = 10  # clone k is dated (k % YEAR_SPREAD) years earlier than its original

_ARTICLE = re.compile(rb"<PubmedArticle>.*?</PubmedArticle>", re.S)
_CITATION_PMID = re.compile(rb"(<MedlineCitation[^>]*>\s*<PMID[^>]*>)\d+(</PMID>)")
_ARTICLE_ID_PMID = re.compile(rb'(<ArticleId IdType="pubmed">)\d+(</ArticleId>)')
_PUB_YEAR = re.compile(rb"(<PubDate>\s*<Year>)(\d{4})(</Year>)")


def real_articles() -> list[bytes]:
    """The `<PubmedArticle>` elements of the shipped library, byte for byte."""
    return _ARTICLE.findall(LIBRARY.read_bytes())


def clone_article(article: bytes, pmid: int, years_earlier: int = 0) -> bytes:
    """`article` renumbered to `pmid` (citation and ArticleIdList) and dated `years_earlier`."""
    article = _CITATION_PMID.sub(rb"\g<1>%d\g<2>" % pmid, article, count=1)
    article = _ARTICLE_ID_PMID.sub(rb"\g<1>%d\g<2>" % pmid, article, count=1)
    return _PUB_YEAR.sub(lambda m: m.group(1) + b"%d" % (int(m.group(2)) - years_earlier)
                         + m.group(3), article, count=1)


def synthetic_articles(count: int, first_pmid: int = FIRST_SYNTHETIC_PMID) -> Iterator[bytes]:
    """`count` synthetic articles cycling through the real ones, PMIDs from `first_pmid`."""
    real = real_articles()
    for i in range(count):
        yield clone_article(real[i % len(real)], first_pmid + i,
                            (i // len(real)) % YEAR_SPREAD)


def article_set(articles: Iterator[bytes] | list[bytes]) -> bytes:
    """An efetch body (`PubmedArticleSet` under PubMed's DOCTYPE) holding `articles`."""
    return PUBMED_HEAD + b"<PubmedArticleSet>\n" + b"\n".join(articles) + b"\n</PubmedArticleSet>\n"


def write_library(folder: Path, copies: int) -> Path:
    """A library file of the 24 real records plus `copies - 1` renumbered copies of each."""
    real = real_articles()
    path = folder / f"library-{len(real) * copies}.xml"
    path.write_bytes(article_set(real + list(synthetic_articles(len(real) * (copies - 1)))))
    return path


def seed_claims() -> dict:
    """The seed claim file as plain YAML data."""
    return yaml.safe_load(SEED_CLAIMS.read_text(encoding="utf-8"))


def write_claims(folder: Path, documents: list[dict]) -> Path:
    """Claim files for `documents` (seed-shaped dicts) under `folder`, with the seed source text."""
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED_TEXT, folder / "sources" / SEED_TEXT.name)
    for document in documents:
        (folder / f"{document['id']}.yaml").write_text(
            yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return folder


def seed_workload(folder: Path) -> Path:
    """The 14 seed claims as shipped."""
    return write_claims(folder, [seed_claims()])


def windowed_claims(n_claims: int, *, first_year: int = 1998, last_year: int = 2023) -> list[dict]:
    """`n_claims` seed claims, each narrowed to a publication window (distinct queries)."""
    seed = seed_claims()
    searchable = [c for c in seed["claims"] if c.get("query")]
    windows = [(start, start + width) for width in (3, 5, 8, 12)
               for start in range(first_year, last_year - width + 1, 2)]
    claims = []
    for i in range(n_claims):
        claim = dict(searchable[i % len(searchable)])
        start, end = windows[(i // len(searchable)) * 7 % len(windows)]  # 7: spread widths
        claim["id"] = f"{claim['id']}-{start}-{end}"
        claim["query"] = f"({' '.join(claim['query'].split())}) AND {start}:{end}[dp]"
        claims.append(claim)
    return claims


def synthetic_workload(folder: Path, n_claims: int, per_document: int = 20) -> Path:
    """`n_claims` windowed claims in documents of `per_document` claims each."""
    seed, claims = seed_claims(), windowed_claims(n_claims)
    documents = [seed | {"id": f"synthetic-{k // per_document + 1:03d}",
                         "claims": claims[k:k + per_document]}
                 for k in range(0, n_claims, per_document)]
    return write_claims(folder, documents)
