"""Which records a claim's search found are relevant to the claim, before any of them counts.

A query casts a wide net, so a record counts only when (1) it names the claim's intervention
(`claim.intervention`, split on commas, semicolons and "or"; else the quoted phrases of
`claim.query`) in its title, abstract, MeSH or keywords; (2) it covers the claim's outcome: at
least half of the outcome's key terms occur (see `outcome.py`); and (3) harm reports count only for
safety claims, and safety claims count only records whose title or conclusion is about harms or
safety; (4) comparative claims count only head-to-head evidence: a trial or review (level 1-2) that
names one of `claim.comparator`'s items. The first rule that rejects a record names why;
`relevance.relevant` names why it was kept.
"""

from __future__ import annotations

import re
from functools import lru_cache

from evidence_tracker.claims import Claim
from evidence_tracker.grading.conclusion import conclusion_of
from evidence_tracker.grading.design import TRIAL_DESIGNS, design_of, rec
from evidence_tracker.grading.outcome import covers_outcome, outcome_terms
from evidence_tracker.grading.rules import Rule, predicate
from evidence_tracker.grading.text import fold
from evidence_tracker.records import Record

_HARM = re.compile(r"\b(adverse|pneumothora|complication|safety|safe|harm|injur|side effect)", re.I)
_QUOTED = re.compile(r'"([^"]+)"')


# Per record, not per text: a run asks about the same record for every claim that found it.
@lru_cache(maxsize=4096)
def _record_text(record: Record) -> str:
    parts = (record.title, record.abstract_text, " ".join(record.mesh_terms),
             " ".join(record.keywords))
    return fold(" ".join(parts))


def intervention_terms(claim: Claim) -> tuple[str, ...]:
    """Folded intervention phrases of `claim` (empty when it names none)."""
    source = claim.intervention or " ; ".join(_QUOTED.findall(claim.query))
    return tuple(t for t in (fold(p).strip() for p in re.split(r"[;,]| or ", source)) if t)


@lru_cache(maxsize=4096)
def _is_harm_record(record: Record) -> bool:
    return bool(_HARM.search(fold(record.title))) or "Case Reports" in record.publication_types


_VAGUE = re.compile(r"\b(other|conventional|traditional|usual|standard)\b")
_SAME_CARE = {"physiotherapy": "physical therapy", "physical therapy": "physiotherapy"}


def comparator_terms(claim: Claim) -> tuple[str, ...]:
    """Folded comparator phrases of `claim` ("other physiotherapy" -> "physiotherapy", and
    "physical therapy", its other spelling)."""
    parts = (fold(_VAGUE.sub(" ", fold(c))).strip(" )")
             for c in re.split(r"[;,(]| and | or ", claim.comparator))
    terms = [p for p in parts if p]
    return tuple(dict.fromkeys(terms + [_SAME_CARE[t] for t in terms if t in _SAME_CARE]))


@lru_cache(maxsize=4096)
def _trial_text(record: Record) -> str:
    """Folded title and abstract of a level 1-2 trial or review; "" for any other record."""
    rule = design_of(record)[0]
    if rule.value in TRIAL_DESIGNS and (rule.level or 9) <= 2:
        return fold(record.title + " " + record.abstract_text)
    return ""


def head_to_head(claim: Claim, record: Record) -> bool:
    """True when `record` is a level 1-2 trial or review naming one of the claim's comparators."""
    text = _trial_text(record)
    return bool(text) and any(re.search(rf"\b{re.escape(c)}", text)
                              for c in comparator_terms(claim))


def relevance_of(claim: Claim, record: Record, comparative: bool = False) -> tuple[bool, str]:
    """Whether `record` is relevant to `claim`, with the rule id that decided it; a
    `comparative` claim needs head-to-head evidence."""
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
    if not covers_outcome(outcome_terms(claim.outcome or claim.quote), text):
        return False, "relevance.outcome_absent"
    if comparative and not head_to_head(claim, record):
        return False, "relevance.not_head_to_head"
    return True, "relevance.relevant"


def _claim(quote: str, kind: str = "efficacy", outcome: str = "", comparator: str = "") -> Claim:
    return Claim(id="c", quote=quote, kind=kind, intervention="dry needling", outcome=outcome,
                 comparator=comparator)


_PAIN_SR = rec(title="Dry needling for neck pain: a systematic review")
_CASE = rec(title="Pneumothorax following dry needling", pt=("Case Reports",))


def _rejects(rule_id: str):
    return lambda pair: relevance_of(*pair, pair[0].kind == "comparative")[1] == rule_id


_VS_MT = _claim("Better than manual therapy", kind="comparative", outcome="neck pain",
                comparator="manual therapy")


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
    predicate("relevance.not_head_to_head", "A comparative claim needs a level 1-2 trial or "
              "review against its comparator", _rejects("relevance.not_head_to_head"),
              fires=((_VS_MT, rec(title="Dry needling versus sham for neck pain: an RCT",
                                  pt=("Randomized Controlled Trial",))),),
              quiet=((_VS_MT, rec(title="Dry needling versus manual therapy for neck pain",
                                  pt=("Randomized Controlled Trial",))),)),
)
