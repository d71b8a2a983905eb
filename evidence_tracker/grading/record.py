"""Grade one PubMed record: design, CEBM level, species, conclusion, direction, retraction."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache

from evidence_tracker.grading.conclusion import conclusion_of, direction_of
from evidence_tracker.grading.design import design_of, species_of
from evidence_tracker.records import RETRACTION_NOTICE, Record


@dataclass(frozen=True)
class RecordGrade:
    """What the grader concluded about one record, with the rule ids that decided it.

    `level` is the Oxford CEBM 2011 level for "does this intervention help?" (None for editorials,
    notices and meta-research). `caveat` is True when the conclusion itself voices doubts (low
    quality, short term, further research needed, inconclusive). A retracted paper keeps its
    grade for display but never counts as support; a retraction notice is not itself retracted.
    """

    pmid: str
    design: str
    level: int | None
    species: str
    direction: str
    conclusion: tuple[str, ...] = ()
    direction_cues: tuple[str, ...] = ()
    design_rule: str = ""
    caveat: bool = False
    retracted: bool = False
    retraction_notices: tuple[str, ...] = ()
    concern: bool = False
    concern_notices: tuple[str, ...] = ()
    is_retraction_notice: bool = False

    @property
    def human_study(self) -> bool:
        """A study in people (levels 1-4), the kind that can test a claim about patients."""
        return self.level is not None and self.level <= 4 and self.species != "animal"

    def to_dict(self) -> dict:
        # Every field is a str, int, bool or tuple of str: asdict's deep copy would only cost
        # (report.json holds a grade per claim and record: 20,000 of them for 1,000 claims).
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


# Grading is pure and a run grades the same record once per claim that found it.
@lru_cache(maxsize=4096)
def grade_record(record: Record) -> RecordGrade:
    """Grade `record` with the design, species and direction rule tables."""
    rule, design = design_of(record)
    species = species_of(record)
    level = 5 if species == "animal" and rule.level is not None else rule.level
    conclusion = conclusion_of(record)
    direction, cues, caveat = direction_of(conclusion)
    if level is None:  # editorials, notices, meta-research say nothing about an intervention
        direction = "unknown"
    return RecordGrade(
        pmid=record.pmid, design=design, level=level, species=species, direction=direction,
        conclusion=conclusion, direction_cues=cues, design_rule=rule.id, caveat=caveat,
        retracted=record.is_retracted, retraction_notices=record.retraction_notices,
        concern=bool(record.concern_notices), concern_notices=record.concern_notices,
        is_retraction_notice=RETRACTION_NOTICE in record.publication_types,
    )
