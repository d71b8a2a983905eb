"""Which records a claim's search found are relevant to the claim, before any of them counts.

A query casts a wide net, so a record counts only when (1) it names the claim's intervention
(`claim.intervention`, split on commas, semicolons and "or"; else the quoted phrases of
`claim.query`) in its title, abstract, MeSH or keywords; (2) it covers the claim's outcome: at
least half of the outcome's specific words (from `claim.outcome`, else from the quote; generic
words such as "pain" or "function" only count when nothing specific is left) occur, matched on
their first six letters, with a few synonyms ("circulation" ~ "blood flow"); and (3) harm
reports count only for safety claims, and safety claims count only records whose title or
conclusion is about harms or safety.
The first rule that rejects a record names why; `relevance.relevant` names why it was kept.
"""

from __future__ import annotations

import re

from evidence_tracker.claims import Claim
from evidence_tracker.grading.conclusion import conclusion_of
from evidence_tracker.grading.design import rec
from evidence_tracker.grading.rules import Rule, predicate
from evidence_tracker.grading.text import fold, words
from evidence_tracker.records import Record

# Claim verbs and vague qualifiers say nothing about which outcome a record must cover.
_FLUFF = frozenset(
    "abnormal local active latent deep research shows proven directly patients often dry needling "
    "needle needles technique treatment therapy physiotherapy physiotherapists evidence allows "
    "clinical trigger point points myofascial central peripheral primary driver".split()
)
_VERBS = frozenset(
    "normalizes normalises normalize restores restore improves improve reduces reduce deactivates "
    "eliminates increases decreases relieves helps help better faster fewer achieve break builds"
    .split()
)
# Words nearly every record in a pain library contains: alone they cannot make a record relevant.
GENERIC = frozenset("pain muscle muscles function activity chronic outcomes cases results symptoms "
                    "tissue dysfunction relief".split())
SYNONYMS = {"circulation": ("blood flow", "perfusion", "microcirculation"),
            "endplate": ("end plate", "spontaneous electrical activity"),
            "sensitization": ("sensitisation", "pressure pain threshold"),
            "pain": ("nocicept",)}
_HARM = re.compile(r"\b(adverse|pneumothora|complication|safety|safe|harm|injur|side effect)", re.I)
_QUOTED = re.compile(r'"([^"]+)"')


def _record_text(record: Record) -> str:
    parts = (record.title, record.abstract_text, " ".join(record.mesh_terms),
             " ".join(record.keywords))
    return fold(" ".join(parts))


def intervention_terms(claim: Claim) -> tuple[str, ...]:
    """Folded intervention phrases of `claim` (empty when it names none)."""
    source = claim.intervention or " ; ".join(_QUOTED.findall(claim.query))
    return tuple(t for t in (fold(p).strip() for p in re.split(r"[;,]| or ", source)) if t)


def outcome_terms(claim: Claim) -> tuple[str, ...]:
    """Key outcome words of `claim` (`outcome`, else the quote): specific words first, then
    generic ones, then the claim's verbs ("deactivates") when nothing else is left."""
    source = claim.outcome or claim.quote
    found = [w for w in dict.fromkeys(words(source)) if w not in _FLUFF and len(w) > 2]
    if "end plate" in fold(source):  # one concept, however it is hyphenated
        found = [w for w in found if w not in ("end", "plate")] + ["endplate"]
    nouns = [w for w in found if w not in _VERBS]
    specific = [w for w in nouns if w not in GENERIC]
    return tuple(specific or nouns or found)


def _covers(term: str, text: str) -> bool:
    stem = term[:6]
    if re.search(rf"\b{re.escape(stem)}", text):
        return True
    return any(alt in text for alt in SYNONYMS.get(term, ()))


def covers_outcome(terms: tuple[str, ...], text: str) -> bool:
    """True when at least half of outcome `terms` (and at least one) occur in folded `text`."""
    if not terms:
        return True
    hits = sum(_covers(term, text) for term in terms)
    return hits >= 1 and 2 * hits >= len(terms)


def _is_harm_record(record: Record) -> bool:
    return bool(_HARM.search(fold(record.title))) or "Case Reports" in record.publication_types


def relevance_of(claim: Claim, record: Record) -> tuple[bool, str]:
    """Whether `record` is relevant to `claim`, with the rule id that decided it."""
    text = _record_text(record)
    terms = intervention_terms(claim)
    if terms and not any(t in text for t in terms):
        return False, "relevance.intervention_absent"
    if claim.kind == "safety":
        if not _HARM.search(fold(record.title + " " + " ".join(conclusion_of(record)))):
            return False, "relevance.safety_needs_harm_data"
        return True, "relevance.relevant"
    if _is_harm_record(record):
        return False, "relevance.harm_report_only_for_safety"
    if not covers_outcome(outcome_terms(claim), text):
        return False, "relevance.outcome_absent"
    return True, "relevance.relevant"


def _claim(quote: str, kind: str = "efficacy", outcome: str = "") -> Claim:
    return Claim(id="c", quote=quote, kind=kind, intervention="dry needling", outcome=outcome)


_PAIN_SR = rec(title="Dry needling for neck pain: a systematic review")
_CASE = rec(title="Pneumothorax following dry needling", pt=("Case Reports",))


def _rejects(rule_id: str):
    return lambda pair: relevance_of(*pair)[1] == rule_id


RELEVANCE_RULES: tuple[Rule, ...] = (
    predicate("relevance.intervention_absent", "The record never names the claim's intervention",
              _rejects("relevance.intervention_absent"),
              fires=((_claim("Reduces pain"), rec(title="Celecoxib for knee surgery pain")),),
              quiet=((_claim("Reduces pain"), _PAIN_SR),)),
    predicate("relevance.outcome_absent", "The record does not cover the claim's outcome",
              _rejects("relevance.outcome_absent"),
              fires=((_claim("Normalizes abnormal motor end-plate activity"), _PAIN_SR),),
              quiet=((_claim("Improves local blood circulation"),
                      rec(title="Dry needling of the trapezius and muscle blood flow")),)),
    predicate("relevance.harm_report_only_for_safety", "Harm reports do not speak to benefit",
              _rejects("relevance.harm_report_only_for_safety"),
              fires=((_claim("Reduces chest pain"), _CASE),),
              quiet=((_claim("Dry needling is safe", kind="safety"), _CASE),)),
    predicate("relevance.safety_needs_harm_data", "Safety claims need records about harms",
              _rejects("relevance.safety_needs_harm_data"),
              fires=((_claim("Dry needling is safe", kind="safety"), _PAIN_SR),
                     (_claim("Dry needling is safe", kind="safety"),
                      rec(title="Dry needling for heel pain: a meta-analysis",
                          abstract="Adverse events were similar. Seven trials were pooled. "
                                   "Needling reduced heel pain.")),),
              quiet=((_claim("Dry needling is safe", kind="safety"), _CASE),)),
)
