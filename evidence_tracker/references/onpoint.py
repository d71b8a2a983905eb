"""Is a cited paper on point for the sentence that cites it? Does its conclusion support it?

Pure. A handout sentence has no claim record, so its intervention (the subject before the main
verb: "Dry needling" in "Dry needling reduces neck pain") and outcome (what follows the verb, up
to a comparator such as "compared with" or "than", plus a leading "For chronic low back pain,")
are read off the sentence. Whether the record addresses them is the grading package's relevance
rule (`grading.relevance.relevance_of`), so claims and references are judged alike; the paper's
conclusion direction is `grading.grade_record`'s. A record that addresses the sentence but
concludes against it ("unfavourable", e.g. a critique whose conclusion refutes the theory) does
not support it either.
"""

from __future__ import annotations

import re

from evidence_tracker.claims import Claim
from evidence_tracker.grading import RecordGrade
from evidence_tracker.grading.outcome import GENERIC, covers, outcome_terms
from evidence_tracker.grading.relevance import relevance_of
from evidence_tracker.grading.text import fold, words
from evidence_tracker.records import Record
from evidence_tracker.references.model import ClaimCheck, ClaimUse

_AUXILIARY = r"is|are|was|were|can|may|might|will|could|should|does|do|did|has|have|had|must"
_CLAIM_VERBS = (
    "reduces reduce increases increase improves improve deactivates deactivate gives give speeds "
    "speed relieves relieve decreases decrease normalizes normalises normalize restores restore "
    "eliminates eliminate releases release treats treat helps help works work causes cause "
    "produces produce enhances enhance promotes promote prevents prevent lowers lower boosts "
    "accelerates resolves resolve cures cure heals heal shortens outperforms leads lead results "
    "provides provide offers offer breaks break resets reset stimulates stimulate activates "
    "inactivates alleviates alleviate eases ease supports support achieves achieve induces "
    "decrease affects affect changes change"
).split()
_VERB = re.compile(rf"\b(?:{_AUXILIARY}|{'|'.join(_CLAIM_VERBS)})\b", re.I)
_LEAD = re.compile(r"^(?:for|in|among|after|during|when|following)\s+([^,]{3,80}),\s*", re.I)
_COMPARATOR = re.compile(r"\b(?:compared (?:with|to)|than|versus|vs\b|over|relative to|as well as|"
                         r"in the (?:short|long|medium)[- ]term|at follow-up)\b.*$", re.I)
_PRONOUN = re.compile(r"^(?:it|this|that|they|these|those|which|such|the technique|the method)\b", re.I)
_SAFETY = re.compile(r"\b(?:safe|safety|adverse|side effects?|risks?|harms?|complications?|injur\w*|"
                     r"pneumothora\w*)\b", re.I)
# "Hong (1994) reported that X ..." / "According to Hong, X ...": the claim is X.
_REPORTING = re.compile(r"^(?:.{0,80}?\b(?:reported|reports|showed|shows|found|finds|concluded|"
                        r"concludes|demonstrated|demonstrates|suggests|suggested|states|stated)"
                        r"\s+that\s+|according to [^,]{1,60},\s*)", re.I)
# Judgements about the outcome, not the outcome: "X is effective for heel pain", "Y are rare".
_EVALUATIVE = re.compile(r"\b(?:more|less|most|very|highly|effective(?:ly)?|efficacious|common|rare|"
                         r"better|superior|inferior|safe|useful|beneficial|helpful|proven|"
                         r"significant(?:ly)?|important|clinically|effects?|benefits?|outcomes?|results?)\b", re.I)
_SPLIT_INTERVENTION = re.compile(r"\s+(?:with|plus|combined with|and|or)\s+", re.I)


def claim_parts(sentence: str) -> tuple[str, str]:
    """(intervention, outcome) read off a cited `sentence`; either may be empty."""
    text = _REPORTING.sub("", sentence.strip().rstrip(".!?"))
    lead = _LEAD.match(text)
    population = lead.group(1) if lead else ""
    text = text[lead.end():] if lead else text
    verb = _VERB.search(text)
    if not verb or verb.start() == 0:
        return "", " ".join(p for p in (population, text) if p)
    subject = re.sub(r"^(?:the|a|an)\s+", "", text[: verb.start()].strip(" ,"), flags=re.I)
    outcome = _EVALUATIVE.sub(" ", _COMPARATOR.sub("", text[verb.end():])).strip(" ,")
    intervention = "" if _PRONOUN.match(subject) else "; ".join(_variants(subject))
    return intervention, " ".join(p for p in (population, outcome) if p)


def _variants(subject: str) -> list[str]:
    """Each treatment named in `subject`, also by its last two words ("trigger point dry
    needling" is found as "dry needling"), so a record naming it differently still counts."""
    found = []
    for part in _SPLIT_INTERVENTION.split(subject):
        head = re.split(r"\s+(?:of|for|in|on|to|at)\s+", part, flags=re.I)[0].split()
        found += [" ".join(head), " ".join(head[-2:])]
    return list(dict.fromkeys(f for f in found if f))


def judge(claim: ClaimUse, record: Record, grade: RecordGrade | None) -> ClaimCheck:
    """Whether `record` addresses `claim` and does not conclude against it, with the finding."""
    intervention, outcome = claim_parts(claim.text)
    kind = "safety" if _SAFETY.search(claim.text) else "efficacy"
    findings = []
    if intervention and not _mentions_any(intervention.split("; "), record):
        findings.append(f"cited but does not address {_lower_first(intervention.split('; ')[0])}")
    else:
        # The intervention read off a sentence is too rough for the grader's exact-phrase test,
        # so only its outcome and harm rules are applied here.
        model = Claim(id="reference", quote=claim.text, kind=kind, outcome=outcome)
        relevant, rule = relevance_of(model, record)
        if rule == "relevance.outcome_absent" and _names_any_outcome(model, record):
            relevant = True  # a citation only has to touch its sentence, not cover all of it
        findings += [] if relevant else [_not_addressed(rule, outcome)]
    if grade is not None and grade.direction == "unfavourable" and kind != "safety":
        findings.append(_against(grade))
    return ClaimCheck(claim=claim, on_point=not findings, finding="; ".join(findings))


def _record_text(record: Record) -> str:
    return fold(" ".join((record.title, record.abstract_text, *record.mesh_terms, *record.keywords)))


def _names_any_outcome(model: Claim, record: Record) -> bool:
    """True when one of the claim's specific outcome words occurs in the record."""
    text = _record_text(record)
    return any(covers(term, text) for term in outcome_terms(model.outcome or model.quote)
               if term not in GENERIC)


def _mentions_any(phrases: list[str], record: Record) -> bool:
    """True when every word of one of `phrases` occurs in the record (first six letters)."""
    stems = {w[:6] for w in words(_record_text(record))}
    return any(all(w[:6] in stems for w in words(p)) for p in phrases if words(p))


def _not_addressed(rule: str, outcome: str) -> str:
    if rule == "relevance.outcome_absent":
        return f"cited but does not address {outcome or 'the claimed outcome'}"
    if rule == "relevance.harm_report_only_for_safety":
        return "cited but is a report of harms, not evidence of benefit"
    if rule == "relevance.safety_needs_harm_data":
        return "cited for safety but reports no harms or safety data"
    return f"cited but not relevant ({rule})"


def _lower_first(phrase: str) -> str:
    """"Dry needling" -> "dry needling", but "TENS" stays."""
    return phrase[:1].lower() + phrase[1:] if phrase[1:2].islower() else phrase


def _against(grade: RecordGrade) -> str:
    if "direction.refuted" in grade.direction_cues:
        return "a critique: its conclusion refutes the idea it is cited for"
    return "its conclusion is unfavourable to the claim"


def critique_of(grade: RecordGrade | None) -> str:
    """Why the graded paper reads as a critique (its conclusion refutes a theory), else ""."""
    if grade is not None and "direction.refuted" in grade.direction_cues:
        return "the conclusion refutes the theory or treatment (direction.refuted)"
    return ""
