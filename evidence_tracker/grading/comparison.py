"""Stance of a head-to-head record on a comparative claim ("better", "faster", "fewer sessions").

A record can favour the intervention in general yet show it merely equal to the comparator; for
a claim of superiority the comparison is what matters. Cues over the record's conclusion:
superiority over an active comparator supports; equivalence, "no differences" against other
treatments, or the comparator doing better contradicts; both -> mixed; neither -> inconclusive.
Superiority over sham, placebo or no treatment is not superiority over other care.
"""

from __future__ import annotations

from evidence_tracker.grading.rules import Rule, cue, fired

COMPARISON_CUES: tuple[Rule, ...] = (
    cue("comparison.superior", "The intervention beats an active comparator",
        r"\b(superior to|more effective than|better than|outperform\w*)\b"
        r"(?! (sham|placebo|no (intervention|treatment)|waiting list|control))",
        value="supports", negatable=True,
        fires=("DN was more effective than acupuncture in alleviating pain",),
        quiet=("DN is superior to sham/no intervention", "not superior to manual therapy")),
    cue("comparison.equivalent", "Equal to, no different from, or not better than other care",
        r"\b(equally effective|equal to|similar (to|with)|comparable (to|with)|no (statistically "
        r"significant )?differences?|all effective|not (\w+ ){0,3}(superior|better)|but not when "
        r"compared)\b", value="contradicts",
        fires=("equally effective to other interventions for pain reduction",
               "The three interventions are all effective in reducing pain intensity",
               "a significant effect on function, but not when compared to other treatments"),
        quiet=("DN was more effective than acupuncture",)),
    cue("comparison.comparator_better", "Only the comparator group improved, or it is recommended",
        r"\bonly (observed|seen|found|clinically relevant) (in|for) the (?!dn|dry needling)\w+ "
        r"group\b|\b(injection|manual therapy|exercise)\b[^.]* is recommended\b",
        value="contradicts",
        fires=("Reduction in hyperalgesia was only observed in the OMT group",),
        quiet=("improvement was only observed in the dry needling group",)),
)


def comparison_stance(conclusion: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """Stance of a head-to-head record's `conclusion` on superiority, and the cue ids that fired."""
    hits = [rule for sentence in conclusion for rule, _ in fired(COMPARISON_CUES, sentence)]
    kinds = {rule.value for rule in hits}
    ids = tuple(dict.fromkeys(rule.id for rule in hits))
    if len(kinds) == 2:
        return "mixed", ids
    return (kinds.pop() if kinds else "inconclusive"), ids
