"""The abstract's conclusion and its direction, from transparent cue rules.

The conclusion is the CONCLUSION(S) section of a structured abstract (or an interpretation /
discussion section when there is none); otherwise the last sentences of the abstract, starting
at a conclusion marker ("In conclusion", "Therefore", "Overall", ...) when one occurs among the
last three sentences, else the last two. Sentences keep PubMed's markup (the report sanitises);
cues match a plain view of them. They are the rationale shown for the record (as in SciFact).

Each cue has a polarity: favourable, unfavourable, inconclusive, or caveat (low quality, short
term, further research needed: honest doubts that do not reverse a finding). Direction is then:
favourable and unfavourable cues together -> mixed; unfavourable -> unfavourable; inconclusive
-> inconclusive; favourable -> favourable; caveats alone -> inconclusive; nothing -> unknown.
"""

from __future__ import annotations

import re

from evidence_tracker.grading.rules import Rule, cue, fired
from evidence_tracker.grading.text import fold, sentences
from evidence_tracker.records import Record

DIRECTIONS = ("favourable", "unfavourable", "inconclusive", "mixed", "unknown")

_CONCLUSION_LABEL = re.compile(r"conclusion|interpretation|implication|discussion|summary", re.I)
_ADMIN_LABEL = re.compile(r"registration|level of evidence|funding|keywords|copyright|trial",
                          re.I)
_MARKER = re.compile(r"^(in (conclusion|summary)|conclusions?\b|to conclude|overall|taken together|"
                     r"therefore|thus|hence|these (results|findings|data)|our (results|findings|"
                     r"data)|we conclude|the authors? concludes?|this (case|study|review))", re.I)


def _conclusion_section(record: Record):
    labelled = [s for s in record.abstract if _CONCLUSION_LABEL.search(s.category or s.label)]
    return labelled[-1] if labelled else None


def conclusion_of(record: Record) -> tuple[str, ...]:
    """Sentences of `record`'s conclusion (markup kept); () when the abstract is empty."""
    section = _conclusion_section(record)
    if section is not None:
        return sentences(section.text)
    body = [s for s in record.abstract if not _ADMIN_LABEL.search(s.label)]
    if not body:
        return ()
    found = sentences(body[-1].text)
    tail = found[-3:]
    for index, sentence in enumerate(tail):
        if _MARKER.match(fold(sentence)):
            return tail[index:]
    return found[-2:]


FAV, UNFAV, INCONCLUSIVE, CAVEAT = "favourable", "unfavourable", "inconclusive", "caveat"

DIRECTION_CUES: tuple[Rule, ...] = (
    cue("direction.significant_benefit", "A significant improvement or reduction is reported",
        r"\b(statistically )?significant(ly)? (greater |better |more )?(reduc|decreas|improv|"
        r"increas|effect|benefit|lower|relie)\w*", value=FAV, negatable=True,
        fires=("MTrP needling significantly reduced the VAS score",
               "provides a statistically significant effect on functional outcomes"),
        quiet=("the treatment effect was not statistically significant",
               "no significant effect on pain was found")),
    cue("direction.effective", "The intervention is called effective or superior",
        r"\b(more |highly |clinically |equally )?effective(ly)?\b(?! ?ness)|\bsuperior to\b|"
        r"\bmore effective\b", value=FAV, negatable=True,
        fires=("MTrP needling effectively reduced the heel pain",
               "DN is superior to sham/no intervention"),
        quiet=("needling was not found to be significantly superior to placebo",
               "dry needling was not effective", "cost-effectiveness was not assessed")),
    cue("direction.improves", "An outcome improved, decreased or was relieved after treatment",
        r"\b(improve[sd]?|reduce[sd]?|decrease[sd]?|relieve[sd]?|alleviate[sd]?|enhance[sd]?)\b"
        r"(?! (awareness|understanding|knowledge|our))", value=FAV, negatable=True,
        fires=("dry needling enhances the blood flow", "Cervical ROM improved in both groups"),
        quiet=("dry needling did not improve disability", "the improvement was small",
               "it is imperative that we improve awareness")),
    cue("direction.recommended", "The authors recommend the treatment",
        r"\b(could|should|can|is|are) (be )?recommended\b", value=FAV, negatable=True,
        fires=("dry needling could be recommended to relieve pain",),
        quiet=("dry needling cannot be recommended",)),
    cue("direction.safe", "The treatment is called safe",
        r"\b(appears?|appeared|is|was|be|are) (to be )?(a |relatively |very )?safe\b",
        value=FAV, negatable=True,
        fires=("TrP-DN appeared to be a safe treatment",),
        quiet=("practices which are typically regarded as safe", "it is not safe")),
    cue("direction.no_significant_difference", "No significant difference or effect",
        r"\bno (statistically )?significant (difference|effect|improvement|change|benefit)s?\b|"
        r"\bnot (statistically )?significant(ly)?\b|\bno differences?\b|\bdid not differ\b",
        value=UNFAV,
        fires=("the treatment effect was not statistically significant",
               "No differences in comparison with other interventions were observed"),
        quiet=("a significant difference favoured dry needling",)),
    cue("direction.not_superior", "Not superior, not better, no better than the comparison",
        r"\bnot (\w+ ){0,4}(superior|better|more effective)\b|\bno (more effective|better) than\b",
        value=UNFAV,
        fires=("needling was not found to be significantly superior to placebo",
               "dry needling is not statistically better than other interventions"),
        quiet=("dry needling is superior to sham",)),
    cue("direction.no_effect", "No effect, ineffective, no evidence that it works",
        r"\bno (\w+ )?effects? (on|of)\b|\bineffective\b|\bnot effective\b|"
        r"\bno evidence (that|of)\b|"
        r"\bdid not (improve|reduce|decrease|change)\b|\bhad no effect\b",
        value=UNFAV,
        fires=("No effect on cervical range of motion was found",
               "There is no evidence that dry needling improves disability"),
        quiet=("dry needling had an effect on pain",)),
    cue("direction.only_comparator_improved", "Only another group (not the needling group) "
        "improved on some outcome", r"\bonly (observed|seen|found|significant) (in|for) the "
        r"(?!dn|dry needling|needling|dn s|intervention)\w+ group\b", value=UNFAV,
        fires=("Reduction in mechanical hyperalgesia was only observed in the OMT group",),
        quiet=("improvement was only observed in the dry needling group",)),
    cue("direction.refuted", "The theory or treatment is refuted or lacks any scientific basis",
        r"\brefuted\b|\bno scientific basis\b|\bdisproved\b|\bnot supported by (the )?evidence\b",
        value=UNFAV, fires=("the theory of MPS caused by TrPs has been refuted",),
        quiet=("the theory is supported by evidence",)),
    cue("direction.harm", "A harm is reported: pneumothorax, complications, adverse effects",
        r"\b(pneumothora(x|ces)|serious complications?|adverse (events?|effects?)|high risk|"
        r"soreness|injur(y|ies))\b", value=UNFAV, negatable=True,
        fires=("the potential adverse effects of dry needling",
               "rare but potentially serious complications"),
        quiet=("no serious adverse events were reported", "dry needling reduced pain")),
    cue("direction.insufficient_evidence", "Evidence is limited, insufficient or inconclusive",
        r"\b(limited|insufficient|inconclusive|conflicting|inadequate) (evidence|data|results)\b|"
        r"\binconclusive\b|\bno firm conclusions?\b|\bnot robust\b|\bcannot be (drawn|made)\b|"
        r"\black (of|in) (\w+ ){0,2}(evidence|literature)\b|\bremains? controversial\b",
        value=INCONCLUSIVE,
        fires=("there is limited evidence deriving from one study",
               "all current evidence is not robust to draw a firm conclusion"),
        quiet=("moderate evidence showed that dry needling reduced pain",)),
    cue("direction.low_quality", "Low or very low quality / certainty, high risk of bias",
        r"\b(very )?low (quality|certainty)\b|\blow quality\b|\b(high|unclear) risk of bias\b|"
        r"\bpilot\b", value=CAVEAT,
        fires=("Very low-quality evidence suggested", "the overall high risk of bias of studies"),
        quiet=("high-quality trials showed",)),
    cue("direction.short_term", "Effects only short term or immediately after treatment",
        r"\bshort (term|time)\b|\bimmediately after\b|\bpost ?intervention\b",
        value=CAVEAT, fires=("for pain reduction at short-term", "at post-intervention"),
        quiet=("at 12-month follow-up",)),
    cue("direction.further_research", "Further research or better trials are needed",
        r"\b(further|future|more) (\w+ ){0,4}(research|studies|trials|rcts)\b[^.]*\b(needed|"
        r"required|warranted)\b|\bquestions remain\b", value=CAVEAT,
        fires=("Future RCTs with rigorous methodologies are required",
               "questions remain as to its effectiveness"),
        quiet=("Previous trials were included",)),
    cue("direction.uncertain", "Part of the finding remains unclear or uncertain",
        r"\b(remains?|still) (\w+ )?(unclear|uncertain|unknown)\b|\buncertain\b",
        value=CAVEAT, fires=("its follow-up effects still remains unclear",),
        quiet=("the effect was clear",)),
    cue("direction.small_effect", "Effect sizes are small or moderate to small",
        r"\b(small|modest|moderate ?to ?small|trivial) (effects?|effect sizes?|improvements?)\b|"
        r"\beffect sizes are (moderate ?to ?)?small\b", value=CAVEAT,
        fires=("effect sizes are moderate to small",), quiet=("a large effect",)),
)


def direction_of(conclusion: tuple[str, ...]) -> tuple[str, tuple[str, ...], bool]:
    """Direction of a `conclusion`, the cue rule ids that fired, and whether a caveat fired."""
    hits = [rule for sentence in conclusion for rule, _ in fired(DIRECTION_CUES, sentence)]
    ids = tuple(dict.fromkeys(rule.id for rule in hits))
    kinds = {rule.value for rule in hits}
    caveat = CAVEAT in kinds or INCONCLUSIVE in kinds
    if FAV in kinds and UNFAV in kinds:
        return "mixed", ids, caveat
    for kind in (UNFAV, INCONCLUSIVE, FAV):
        if kind in kinds:
            return kind, ids, caveat
    return ("inconclusive" if caveat else "unknown"), ids, caveat
