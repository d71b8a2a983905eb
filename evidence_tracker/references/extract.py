"""Find what a document cites: its reference list, inline identifiers, and the claims citing them.

Pure: text in, `Reference` records out. The reference list is the section under a heading such as
"References" or "Bibliography"; without one, a trailing numbered list of citation-like items.
Inline markers ("[3]", "[1][2]", "[1-3]", "<sup>2</sup>", "(Gattie et al., 2017)") link entries
to the sentence they sit in; identifiers in the body text (PMID, PMCID, DOI, PubMed and doi.org
URLs) become references of their own, or add a claim to the entry carrying the same identifier.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache

import pysbd

from evidence_tracker.references.blocks import REFERENCE_HEADING, Block, guess_format, to_blocks
from evidence_tracker.references.citation import parse_citation
from evidence_tracker.references.compare import fold, surname
from evidence_tracker.references.identifiers import find_identifiers
from evidence_tracker.references.model import CitedWork, ClaimUse, Reference

# "[3]", "[1-3]", "[1, 2]", "[^3]" and Vancouver's "(1,2)" (a lone "(2)" is too often a list).
_NUMERIC = re.compile(r"\[\^?(\d{1,3}(?:\s*[-–,]\s*\d{1,3})*)\]|"
                      r"(?<=\w)\s?\((\d{1,3}(?:\s*[-–,]\s*\d{1,3})+|\d{1,3}(?=\)[.,;]))\)")
_AUTHOR_YEAR = re.compile(
    r"(?P<name>[A-Z][\w'’\-]+(?:\s+(?:van|von|de|der|den)\s+[A-Z][\w'’\-]+)?)"
    r"(?:\s+et\s+al\.?|\s*(?:,|and|&)\s*[A-Z][\w'’\-]+(?:\s*(?:,|and|&)\s*[A-Z][\w'’\-]+)*)?"
    r",?\s*\(?(?P<year>(?:19|20)\d{2}[a-z]?)\)?")
_PARENTHESIS = re.compile(r"\(([^()]*?(?:19|20)\d{2}[a-z]?[^()]*)\)")
_NARRATIVE = re.compile(r"[A-Z][\w'’\-]+(?:\s+et\s+al\.?|\s+(?:and|&)\s+[A-Z][\w'’\-]+)?"
                        r"\s+\((?:19|20)\d{2}[a-z]?\)")
_ENTRY_START = re.compile(r"^(?:[A-ZÀ-Þ][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)?,?\s+(?:[A-Z]\.|[A-Z]{1,3}\b)"
                          r"|PMID|PMCID|doi|https?://)")
_IDENTIFIER_START = re.compile(r"^(?:PMID|PMCID|doi|https?://)", re.I)


@dataclasses.dataclass(frozen=True)
class _Marker:
    """A citation marker in the body: entry `keys` ("3", or "gattie|2017") and its sentence."""

    keys: tuple[str, ...]
    claim: ClaimUse


def extract_references(text: str, *, path: str = "", fmt: str | None = None) -> list[Reference]:
    """Every reference `text` cites, in document order, with the claim sentences citing it."""
    blocks = to_blocks(text, fmt or guess_format(path, text))
    section = _reference_section(blocks)
    entries = _entries([blocks[i] for i in section])
    body = [b for i, b in enumerate(blocks) if i not in section and not b.heading]
    markers = [m for block in body for m in _markers(block)]
    entries = _link_markers(entries, markers)
    return _add_inline(entries, body)


def _reference_section(blocks: list[Block]) -> set[int]:
    """Indexes of the blocks that form the reference list(s)."""
    chosen: set[int] = set()
    for index, block in enumerate(blocks):
        if block.heading and REFERENCE_HEADING.match(block.text):
            for after in range(index + 1, len(blocks)):
                if blocks[after].heading and blocks[after].heading <= block.heading:
                    break
                chosen.add(after)
    if chosen:
        return chosen
    # No heading: a trailing run of numbered items that read like citations.
    tail: list[int] = []
    for index in range(len(blocks) - 1, -1, -1):
        if not (blocks[index].number and re.search(r"(?:19|20)\d{2}|PMID|doi", blocks[index].text)):
            break
        tail.append(index)
    return set(tail) if len(tail) >= 2 else set()


def _entries(blocks: list[Block]) -> list[Reference]:
    blocks = [b for b in blocks if not b.heading]
    # Blank lines between unnumbered entries make each paragraph one entry; a single paragraph
    # is a list without blank lines, split where a line opens like a new entry.
    split = sum(1 for b in blocks if not (b.number or b.bullet)) == 1
    entries = []
    for block in blocks:
        whole = block.number or block.bullet or not split
        groups = [list(block.pieces)] if whole else _split_lines(block)
        for pieces in groups:
            raw = block.sep.join(text for _, text in pieces).replace("\n", " ").strip()
            if raw:
                entries.append(Reference(raw=raw, line=pieces[0][0], number=block.number,
                                         cited=parse_citation(raw)))
    if entries and not any(e.number for e in entries):
        # Unnumbered lists cited by "[n]" are cited by position.
        entries = [dataclasses.replace(e, number=str(i)) for i, e in enumerate(entries, 1)]
    return entries


def _split_lines(block: Block) -> list[list[tuple[int, str]]]:
    """An unnumbered paragraph of the list: a new entry starts where a line opens like one."""
    groups: list[list[tuple[int, str]]] = []
    for line, text in block.pieces:
        previous = groups[-1][-1][1] if groups else ""
        # A DOI or URL line ends the entry above it, unless the list is one of bare identifiers.
        starts = _ENTRY_START.match(text) and (not _IDENTIFIER_START.match(text)
                                               or _IDENTIFIER_START.match(previous))
        if not groups or (starts and re.search(r"[.)\d]$", previous)):
            groups.append([(line, text)])
        else:
            groups[-1].append((line, text))
    return groups


@lru_cache(maxsize=1)  # built on first use: nothing is done at import time
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


@lru_cache(maxsize=64)  # markers and inline identifiers split the same blocks
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    return tuple((span.start, span.end) for span in _segmenter().segment(text.replace("\n", " ")))


def _claim_at(block: Block, spans: tuple[tuple[int, int], ...], offset: int,
              trailing: bool = True) -> ClaimUse:
    """The sentence holding `offset`; a `trailing` marker ("... needling. [4]") opening a
    sentence belongs to the one before (a narrative "Hong (1994) found" does not)."""
    index = next((i for i, (s, e) in enumerate(spans) if s <= offset < e), len(spans) - 1)
    start, end = spans[index]
    if trailing and index and not _strip_markers(block.text[start:offset]).strip():
        start, end = spans[index - 1]
    return ClaimUse(text=_strip_markers(block.text[start:end]), line=block.line_at(start))


@lru_cache(maxsize=512)  # many markers share one sentence
def _strip_markers(sentence: str) -> str:
    sentence = _NUMERIC.sub("", sentence)
    sentence = _PARENTHESIS.sub(lambda m: "" if _AUTHOR_YEAR.search(m.group(1)) else m.group(), sentence)
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(sentence.split()))


def _markers(block: Block) -> list[_Marker]:
    spans = _sentences(block.text)
    found = []
    for match in _NUMERIC.finditer(block.text):
        numbers = match.group(1) or match.group(2)
        found.append(_Marker(_expand(numbers), _claim_at(block, spans, match.start())))
    for pattern, trailing in ((_PARENTHESIS, True), (_NARRATIVE, False)):
        for match in pattern.finditer(block.text):
            keys = tuple(_author_year_key(m) for m in _AUTHOR_YEAR.finditer(match.group(0)))
            if keys:
                found.append(_Marker(keys, _claim_at(block, spans, match.start(), trailing)))
    return found


def _expand(numbers: str) -> tuple[str, ...]:
    """"1-3, 5" -> ("1", "2", "3", "5")."""
    keys: list[str] = []
    for part in re.split(r"\s*,\s*", numbers):
        bounds = [int(n) for n in re.split(r"\s*[-–]\s*", part)]
        low, high = bounds[0], bounds[-1]
        keys.extend(str(n) for n in (range(low, high + 1) if 0 <= high - low < 50 else [low]))
    return tuple(keys)


def _author_year_key(match: re.Match) -> str:
    return f"{fold(match.group('name')).replace(' ', '')}|{match.group('year')[:4]}"


def _entry_keys(entry: Reference) -> set[str]:
    keys = {entry.number} if entry.number else set()
    if entry.cited.authors and entry.cited.year:
        keys.add(f"{fold(surname(entry.cited.authors[0])).replace(' ', '')}|{entry.cited.year}")
    return keys


def _link_markers(entries: list[Reference], markers: list[_Marker]) -> list[Reference]:
    linked = []
    for entry in entries:
        keys = _entry_keys(entry)
        claims = [m.claim for m in markers if keys.intersection(m.keys)]
        linked.append(dataclasses.replace(entry, claims=_unique(claims)))
    return linked


def _unique(claims: list[ClaimUse]) -> tuple[ClaimUse, ...]:
    return tuple(dict.fromkeys(claims))


def _add_inline(entries: list[Reference], body: list[Block]) -> list[Reference]:
    """Identifiers in the body: a claim for the entry with that identifier, else a reference."""
    entries, inline = list(entries), {}
    for block in body:
        spans = _sentences(block.text)
        for ident in find_identifiers(block.text):
            claim = _claim_at(block, spans, ident.start)
            claim = dataclasses.replace(claim, text=_without_identifiers(claim.text))
            key = (ident.kind, ident.value.lower())
            owner = next((i for i, e in enumerate(entries) if _has_identifier(e.cited, key)), None)
            if owner is not None:
                entries[owner] = _with_claim(entries[owner], claim)
            elif key in inline:
                inline[key] = _with_claim(inline[key], claim)
            else:
                inline[key] = _with_claim(Reference(
                    raw=block.text[ident.start: ident.end], line=block.line_at(ident.start),
                    cited=CitedWork(**{ident.kind: ident.value}), inline=True), claim)
    return sorted(entries + list(inline.values()), key=lambda ref: ref.line)


def _with_claim(ref: Reference, claim: ClaimUse) -> Reference:
    return dataclasses.replace(ref, claims=_unique([*ref.claims, claim])) if claim.text else ref


def _has_identifier(cited: CitedWork, key: tuple[str, str]) -> bool:
    return getattr(cited, key[0]).lower() == key[1]


def _without_identifiers(sentence: str) -> str:
    for ident in reversed(find_identifiers(sentence)):
        sentence = sentence[: ident.start] + sentence[ident.end:]
    sentence = re.sub(r"\(\s*[,;]?\s*\)|\[\s*\]", "", sentence)
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(sentence.split()))
