"""The claim's outcome as key terms, and the parts of a conclusion that speak to it.

Terms come from `claim.outcome` (else the quote): multi-word concepts stay whole ("range of
motion", "long term"), claim verbs and vague qualifiers go, and generic words ("pain", "function")
are used only when nothing specific is left. A term matches on its first six letters (whole word
when shorter, whole phrase when several), or on a listed synonym (regex) ("circulation" ~ "blood
flow", "range of motion" ~ "ROM"). A conclusion often judges several outcomes ("reduced pain; no
effect on disability"), so the stance on a claim is read from the clauses that name its outcome,
when any do.
"""

from __future__ import annotations

import re
from functools import lru_cache

from evidence_tracker.grading.text import fold, plain, words

PHRASES = ("long term", "short term", "range of motion", "blood flow", "end plate",
           "pressure pain threshold", "quality of life", "number of treatment sessions",
           "low back pain", "neck pain", "heel pain", "shoulder pain")
SYNONYMS = {
    "circulation": ("blood flow", "perfusion", "microcirculation"),
    "blood flow": ("circulation", "perfusion"),
    "end plate": ("endplate", "spontaneous electrical activit"),
    "sensitization": ("sensitisation", "pressure pain threshold", "hyperalgesia"),
    "range of motion": ("rom",),
    "long term": (r"(?<!short term )follow up",
                  r"\d+ months", "lasting", "sustained"),
    "disability": ("disabilit",),
    "low back pain": ("lbp", "lumbar pain", "back pain"),
    "neck pain": ("cervical pain", "neck disability"),
    "heel pain": ("plantar fasci",),
}
# Claim verbs and vague qualifiers say nothing about which outcome a record must cover.
FLUFF = frozenset(
    "abnormal local active latent deep research shows proven directly patients often dry needling "
    "needle needles technique treatment therapy physiotherapy physiotherapists evidence allows "
    "clinical trigger point points myofascial central peripheral primary driver low high".split())
VERBS = frozenset(
    "normalizes normalises normalize restores restore improves improve reduces reduce deactivates "
    "eliminates increases decreases relieves helps help better faster fewer achieve break builds"
    .split())
# Words nearly every record in a pain library contains: alone they cannot make a record relevant.
GENERIC = frozenset("pain muscle muscles function activity chronic outcomes cases results symptoms "
                    "tissue dysfunction relief".split())
# "but" is not a clause break here: "favoured at 12 months, but not significant" is one finding.
_CLAUSE = re.compile(r";|,? \b(?:however|whereas|while)\b", re.I)


@lru_cache(maxsize=1024)  # a claim's outcome, asked again for every record its search found
def outcome_terms(source: str) -> tuple[str, ...]:
    """Key outcome terms of `source` (a claim's outcome or quote), most specific kind first."""
    folded = fold(source)
    phrases = [p for p in PHRASES if re.search(rf"\b{p}\b", folded)]
    for phrase in phrases:
        folded = folded.replace(phrase, " ")
    found = [w for w in dict.fromkeys(words(folded)) if w not in FLUFF and len(w) > 2]
    nouns = phrases + [w for w in found if w not in VERBS]
    specific = [w for w in nouns if w not in GENERIC]
    return tuple(specific or nouns or found)


def covers(term: str, folded: str) -> bool:
    """True when `term` (or a synonym) occurs in `folded` text."""
    if " " in term or len(term) <= 5:  # whole phrase or short word: "back" is not "background"
        pattern = rf"\b{re.escape(term)}s?\b"
    else:
        pattern = rf"\b{re.escape(term[:6])}"
    if re.search(pattern, folded):
        return True
    return any(re.search(rf"\b{alt}", folded) for alt in SYNONYMS.get(term, ()))


def covers_outcome(terms: tuple[str, ...], folded: str) -> bool:
    """True when at least half of outcome `terms` (and at least one) occur in `folded` text."""
    if not terms:
        return True
    hits = sum(covers(term, folded) for term in terms)
    return hits >= 1 and 2 * hits >= len(terms)


def focus(terms: tuple[str, ...], conclusion: tuple[str, ...]) -> tuple[str, ...]:
    """The clauses of `conclusion` (plain text) that name one of the outcome `terms`."""
    clauses = (c.strip() for s in conclusion for c in _CLAUSE.split(plain(s)) if c)
    return tuple(c for c in clauses if c and any(covers(t, fold(c)) for t in terms))
