"""The report's records: each record's details once, in an appendix, and short per-claim rows.

A record that twenty claims found is described once (title, journal, design, level, species,
conclusion and its direction, retraction); each claim's evidence table keeps only what is about
that claim (its stance on the claim, who set it) and links to the record's entry by PMID. Pure:
plain dicts in, plain dicts out. Untrusted markup (PubMed titles, abstracts) is sanitised here.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

from evidence_tracker.report.labels import (DESIGN_LABELS, DIRECTION_CSS, DIRECTION_LABELS,
                                            SPECIES_LABELS, STANCE_CSS, STANCE_LABELS, words)
from evidence_tracker.sanitize import safe_inline

_DIGITS = re.compile(r"\d{1,9}")
_NOT_IN_ID = re.compile(r"[^\w.-]")

Linker = Callable[[str], str]


def pubmed_url(pmid: object) -> str:
    """A PubMed link for a validated PMID, else an inert fragment link."""
    text = str(pmid or "")
    return f"https://pubmed.ncbi.nlm.nih.gov/{text}/" if _DIGITS.fullmatch(text) else "#"


def record_anchor(pmid: object) -> str:
    """The id of `pmid`'s entry in the records appendix, e.g. `pmid-12345`."""
    return "pmid-" + _NOT_IN_ID.sub("-", str(pmid))


def _entry(record: dict, bears: bool) -> dict:
    """`record`'s details as the appendix lists them; its conclusion only if it `bears`."""
    title = safe_inline(record["title"])
    species = record.get("species")
    return {
        "pmid": record["pmid"], "anchor": record_anchor(record["pmid"]),
        "url": pubmed_url(record["pmid"]), "title_html": title,
        "source": " ".join(str(x) for x in (record.get("journal_iso") or record.get("journal"),
                                             record.get("year")) if x),
        "design_label": words(record.get("design"), DESIGN_LABELS, capital=True),
        "level": record.get("level") or "none",
        "species": words(species, SPECIES_LABELS) if species and species != "human" else "",
        "direction_label": words(record.get("direction") or "unknown", DIRECTION_LABELS),
        "direction_css": DIRECTION_CSS.get(record.get("direction"), "muted"),
        "bears": bears,
        "conclusion_html": [safe_inline(s) for s in record.get("conclusion", ())] if bears else [],
        "retracted": bool(record["retracted"]),
        "notice_links": [pubmed_url(p) for p in record.get("retraction_notices", [])
                         if _DIGITS.fullmatch(str(p))],
    }


def _pmid_order(pmid: str) -> tuple:
    return (0, int(pmid), "") if _DIGITS.fullmatch(pmid) else (1, 0, pmid)


def _shown(record: dict, stance: dict) -> bool:
    """Whether a claim's evidence table shows `record`: it bears on the claim, or is retracted."""
    return bool(record["retracted"]) or stance.get("effective", "") != "not_relevant"


def records_appendix(claims: Iterable[dict]) -> list[dict]:
    """One entry per PMID that any of `claims` found, in PMID order (so print readers find it).

    A record no claim's evidence table shows is listed without its conclusion: nothing rests
    on it, and with a thousand claims such records are most of the appendix.
    """
    first: dict[str, dict] = {}
    bears: set[str] = set()
    for claim in claims:
        stances = {s["pmid"]: s for s in claim.get("stances", [])}
        for record in claim["records"]:
            first.setdefault(record["pmid"], record)
            if _shown(record, stances.get(record["pmid"], {})):
                bears.add(record["pmid"])
    return [_entry(first[p], p in bears) for p in sorted(first, key=_pmid_order)]


def linker(entries: Iterable[dict]) -> Linker:
    """A function giving a PMID's link: its appendix entry if it has one, else PubMed."""
    anchors = {e["pmid"]: "#" + e["anchor"] for e in entries}
    return lambda pmid: anchors.get(pmid) or pubmed_url(pmid)


def _record_order(record: dict) -> tuple:
    """Best evidence first: not retracted, lowest CEBM level, newest."""
    return (record["retracted"], record.get("level") or 9, -(record.get("year") or 0))


def _row(entry: dict, stance: dict) -> dict:
    """What a claim's evidence table shows of one record: the record in brief, and its stance."""
    effective = stance.get("effective", "")
    return {
        "pmid": entry["pmid"], "href": "#" + entry["anchor"], "retracted": entry["retracted"],
        "design_label": entry["design_label"], "level": entry["level"],
        "direction_label": entry["direction_label"],
        "stance_label": words(effective, STANCE_LABELS) or "—",
        "stance_css": STANCE_CSS.get(effective, "muted"),
        "curated": stance.get("curated", ""),
        "automatic_label": words(stance.get("automatic"), STANCE_LABELS),
    }


def claim_evidence(claim: dict, entries: dict[str, dict], link: Linker) -> dict:
    """`claim`'s records split into those that count (plus retracted ones) and the rest."""
    stances = {s["pmid"]: s for s in claim.get("stances", [])}
    records = sorted(claim["records"], key=_record_order)
    found = {r["pmid"] for r in records}
    shown = {r["pmid"] for r in records if _shown(r, stances.get(r["pmid"], {}))}
    return {"records": [_row(entries[r["pmid"]], stances.get(r["pmid"], {})) for r in records
                        if r["pmid"] in shown],
            "other_records": sorted(found - shown, key=_pmid_order),
            "unretrieved": [s | {"href": link(s["pmid"])} for s in stances.values()
                            if s["pmid"] not in found]}
