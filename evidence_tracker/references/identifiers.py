"""PMIDs, PMCIDs and DOIs in free text, and the PubMed / doi.org URLs that carry them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

_PATTERNS = {
    "doi": re.compile(r"(?:https?://(?:dx\.)?doi\.org/|\bdoi\s*:?\s*)?(10\.\d{4,9}/[^\s\"<>]+)", re.I),
    "pmid": re.compile(r"(?:\bPMID\s*:?\s*|pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)"
                       r"(\d{1,9})\b", re.I),
    "pmcid": re.compile(r"(?:\bPMCID\s*:?\s*|/pmc/articles/|pmc\.ncbi\.nlm\.nih\.gov/articles/)?"
                        r"\b(PMC\d{3,9})\b", re.I),
}
# Link text around identifiers that carries nothing else worth parsing.
_URL = re.compile(r"https?://\S+|\bwww\.\S+")
_LABELS = re.compile(r"\b(?:Available (?:from|at)|Retrieved from|\[?PubMed\]?|\[?PMC free article\]?"
                     r"|\[?Google Scholar\]?|\[?CrossRef\]?)\s*:?", re.I)


@dataclass(frozen=True)
class Identifier:
    """One identifier: `kind` is "doi", "pmid" or "pmcid"; `start`/`end` span the whole mention."""

    kind: str
    value: str
    start: int
    end: int


def clean_doi(doi: str) -> str:
    """`doi` without URL escapes and trailing punctuation that belongs to the sentence."""
    doi = unquote(doi).strip()
    while doi and doi[-1] in ".,;:]'\"" or (doi.endswith(")") and doi.count("(") < doi.count(")")):
        doi = doi[:-1]
    return doi


def find_identifiers(text: str) -> list[Identifier]:
    """Every DOI, PMID and PMCID mentioned in `text`, in reading order, without overlaps."""
    found: list[Identifier] = []
    for kind, pattern in _PATTERNS.items():
        for match in pattern.finditer(text):
            value = match.group(1)
            value = clean_doi(value) if kind == "doi" else value.upper()
            end = match.start(1) + len(value) if kind == "doi" else match.end()
            if not any(i.start < end and match.start() < i.end for i in found):
                found.append(Identifier(kind, value, match.start(), end))
    return sorted(found, key=lambda i: i.start)


def strip_identifiers(text: str) -> str:
    """`text` without identifiers, URLs and database link labels, for parsing the rest."""
    for ident in reversed(find_identifiers(text)):
        start, end = ident.start, ident.end
        token_start = text.rfind(" ", 0, start) + 1
        if re.match(r"https?://|www\.", text[token_start:start]):  # drop the whole URL
            start, end = token_start, len(text) if text.find(" ", end) < 0 else text.find(" ", end)
        text = text[:start] + " " + text[end:]
    text = _LABELS.sub(" ", _URL.sub(" ", text))
    text = re.sub(r"\b(?:PMID|PMCID|doi)\s*:?\s*(?=[.;,\s]|$)", " ", text, flags=re.I)
    return re.sub(r"\s+([.,;])", r"\1", " ".join(text.split()))
