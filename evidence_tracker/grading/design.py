"""Study design, Oxford CEBM 2011 level and species of one PubMed record, as ordered rule tables.

Design comes from PubMed publication types first, then MeSH, then the title, then (where all of
those are silent) the abstract; the first rule that fires decides. Levels answer "does this
intervention help?" (CEBM 2011): 1 systematic review / meta-analysis, 2 randomised trial,
3 non-randomised controlled study or cohort, 4 case series, case report, case-control or other
uncontrolled human study, 5 mechanism-based reasoning (narrative reviews, animal and in-vitro
work); editorials, notices and meta-research get no level. Animal work is level 5 whatever its
design, because for claims about patients it is mechanism (Sumner et al., BMJ 2014).
"""

from __future__ import annotations

import re

from evidence_tracker.grading.rules import Rule, first, predicate
from evidence_tracker.grading.text import fold, plain
from evidence_tracker.records import AbstractSection, Record

DESIGNS = ("systematic_review", "meta_analysis", "rct", "controlled_trial", "observational",
           "case_series", "case_report", "narrative_review", "guideline", "animal", "in_vitro",
           "editorial", "other")
SPECIES = ("human", "animal", "mixed", "unknown")
STUDY_DESIGNS = frozenset(("systematic_review", "meta_analysis", "rct", "controlled_trial",
                           "observational", "case_series", "case_report"))
TRIAL_DESIGNS = frozenset(("systematic_review", "meta_analysis", "rct", "controlled_trial"))

ANIMAL_MESH = frozenset(("Animals", "Rats", "Mice", "Rabbits", "Dogs", "Cats", "Swine", "Sheep",
                         "Horses", "Cattle", "Primates", "Disease Models, Animal",
                         "Rats, Sprague-Dawley", "Rats, Wistar", "Mice, Inbred C57BL"))


def rec(title: str = "", pt: tuple = (), mesh: tuple = (), abstract: str = "") -> Record:
    """A minimal record for rule examples: `title`, publication types `pt`, `mesh`, `abstract`."""
    sections = (AbstractSection(text=abstract),) if abstract else ()
    return Record(pmid="0", title=title, publication_types=pt, mesh_terms=mesh, abstract=sections)


def _has_type(*names: str):
    return lambda r: any(t in names for t in r.publication_types)


def _has_mesh(*names: str):
    return lambda r: any(m in names for m in r.mesh_terms)


def _title(pattern: str):
    regex = re.compile(pattern, re.I)
    return lambda r: bool(regex.search(fold(r.title)))


def _text(pattern: str):
    regex = re.compile(pattern, re.I)
    return lambda r: bool(regex.search(fold(r.title + " " + r.abstract_text)))


def _any(*tests):
    return lambda r: any(t(r) for t in tests)


def _animal_only(r: Record) -> bool:
    return species_of(r) == "animal"


RCT_TYPES = ("Randomized Controlled Trial", "Equivalence Trial", "Pragmatic Clinical Trial")
TRIAL_TYPES = ("Controlled Clinical Trial", "Clinical Trial", "Clinical Trial, Phase I",
               "Clinical Trial, Phase II", "Clinical Trial, Phase III", "Clinical Trial, Phase IV")

DESIGN_RULES: tuple[Rule, ...] = (
    predicate("design.notice", "Publisher notices (retraction, erratum, concern) are not studies",
              _has_type("Retraction of Publication", "Published Erratum", "Expression of Concern"),
              value="editorial", fires=(rec(pt=("Retraction of Publication",)),),
              quiet=(rec(pt=("Retracted Publication", "Randomized Controlled Trial")),)),
    predicate("design.editorial", "Editorials, comments, letters and news carry no level",
              _has_type("Editorial", "Comment", "Letter", "News", "Newspaper Article"),
              value="editorial", fires=(rec(pt=("Letter",)), rec(pt=("Editorial",))),
              quiet=(rec(pt=("Journal Article", "Review")),)),
    predicate("design.guideline", "Practice guidelines and consensus statements",
              _any(_has_type("Guideline", "Practice Guideline", "Consensus Development Conference"),
                   _title(r"\b(clinical practice guideline|consensus statement)\b")),
              value="guideline", level=5, fires=(rec(pt=("Practice Guideline",)),),
              quiet=(rec(title="Guideline adherence in physiotherapy: a cohort study"),)),
    predicate("design.animal", "Animal-only work (MeSH or species words) counts as mechanism",
              _animal_only, value="animal", level=5,
              fires=(rec(mesh=("Animals", "Rats")), rec(title="Dry needling in model rats")),
              quiet=(rec(mesh=("Humans", "Animals")), rec(title="Dry needling for neck pain"))),
    predicate("design.in_vitro", "Cell, tissue or cadaver work outside a living patient",
              _any(_has_mesh("In Vitro Techniques", "Cadaver", "Cells, Cultured"),
                   _title(r"\b(in vitro|cell culture|cadaver(ic)?)\b")),
              value="in_vitro", level=5,
              fires=(rec(title="Needle penetration in a cadaver study"),),
              quiet=(rec(title="Dry needling in vivo: a randomized trial"),)),
    predicate("design.meta_research", "Bibliometric or meta-research studies are not evidence",
              _title(r"\b(bibliometric|scientometric)\b"), value="other",
              fires=(rec(title="Retracted articles: a bibliometric analysis", pt=("Review",)),),
              quiet=(rec(title="A systematic review of dry needling"),)),
    predicate("design.meta_analysis", "Meta-analysis (publication type or title)",
              _any(_has_type("Meta-Analysis", "Network Meta-Analysis"),
                   _title(r"\bmeta (analysis|analyses)\b")),
              value="meta_analysis", level=1,
              fires=(rec(pt=("Meta-Analysis",)),
                     rec(title="A systematic review and meta-analysis")),
              quiet=(rec(pt=("Systematic Review",)), rec(title="A narrative review"))),
    predicate("design.systematic_review", "Systematic or umbrella review (type or title)",
              _any(_has_type("Systematic Review"),
                   _title(r"\b(systematic (literature )?review|umbrella review|overview of "
                          r"(systematic )?reviews|cochrane review)\b")),
              value="systematic_review", level=1,
              fires=(rec(pt=("Systematic Review",)),
                     rec(title="An umbrella review", pt=("Review",))),
              quiet=(rec(pt=("Review",), title="Current perspectives"),)),
    predicate("design.rct", "Randomised controlled trial (type or title)",
              _any(_has_type(*RCT_TYPES), _title(r"(?<!non )\brandomi[sz]ed\b.*\b(trial|study)\b")),
              value="rct", level=2,
              fires=(rec(pt=("Randomized Controlled Trial",)),
                     rec(title="A randomized, single-blinded, clinical trial")),
              quiet=(rec(pt=("Clinical Trial",)), rec(title="A non-randomized controlled trial"))),
    predicate("design.controlled_trial", "Non-randomised controlled or unspecified clinical trial",
              _any(_has_type(*TRIAL_TYPES), _title(r"\b(controlled|clinical) trial\b")),
              value="controlled_trial", level=3,
              fires=(rec(pt=("Controlled Clinical Trial",)), rec(title="A controlled trial")),
              quiet=(rec(pt=("Journal Article",), title="A survey"),)),
    predicate("design.cohort", "Cohort or prospective follow-up study with a comparison group",
              _any(_has_mesh("Cohort Studies", "Prospective Studies", "Longitudinal Studies"),
                   _title(r"\bcohort\b")),
              value="observational", level=3,
              fires=(rec(mesh=("Cohort Studies",)), rec(title="A prospective cohort study")),
              quiet=(rec(title="A prospective survey of physiotherapists"),)),
    predicate("design.observational", "Case-control, cross-sectional, survey, other observational",
              _any(_has_type("Observational Study"),
                   _has_mesh("Case-Control Studies", "Cross-Sectional Studies",
                             "Retrospective Studies", "Surveys and Questionnaires"),
                   _title(r"\b(case control|cross sectional|survey|retrospective|registry)\b")),
              value="observational", level=4,
              fires=(rec(pt=("Observational Study",)), rec(title="A prospective survey")),
              quiet=(rec(title="A randomized trial"),)),
    predicate("design.case_series", "Case series",
              _title(r"\b(case series|series of (cases|patients))\b"), value="case_series", level=4,
              fires=(rec(title="Dry needling in 12 athletes: a case series"),),
              quiet=(rec(title="A case report"),)),
    predicate("design.case_report", "Case report (type or title)",
              _any(_has_type("Case Reports"), _title(r"\b(case report|case study)\b")),
              value="case_report", level=4,
              fires=(rec(pt=("Case Reports",)), rec(title="Pneumothorax: a case report")),
              quiet=(rec(pt=("Journal Article",), title="A randomized trial"),)),
    predicate("design.narrative_review", "Review, commentary or perspective that is not systematic",
              _any(_has_type("Review"),
                   _title(r"\b(review|commentary|perspectives?|critical evaluation|critique|"
                          r"overview|update)\b"),
                   _text(r"\bwe (have )?(critically )?(review|examined the evidence|"
                         r"summari[sz]e)")),
              value="narrative_review", level=5,
              fires=(rec(pt=("Review",)), rec(title="A critical evaluation of trigger points")),
              quiet=(rec(title="Dry needling and blood flow", pt=("Journal Article",)),)),
    predicate("design.uncontrolled_human", "Single-group experiment in people (abstract only)",
              _text(r"\b(\w+ (healthy )?(participants|volunteers|subjects) (participated|were "
                    r"recruited|were included)|single group|pre post|before and after)\b"),
              value="case_series", level=4,
              fires=(rec(abstract="Twenty healthy participants participated in this study."),),
              quiet=(rec(abstract="Trigger points are sources of nociception."),)),
)

OTHER = predicate("design.other", "Nothing above fired: design unknown, no level", lambda r: True,
                  value="other", fires=(rec(),), quiet=())


def design_of(record: Record) -> tuple[Rule, str]:
    """The design rule that classifies `record` (falls back to `design.other`)."""
    found = first(DESIGN_RULES, record)
    return (found[0], found[0].value) if found else (OTHER, "other")


_ANIMAL_WORDS = re.compile(r"\b(rats?|mice|mouse|rabbits?|dogs?|cats?|pigs?|swine|sheep|horses?|"
                           r"murine|porcine|canine|equine|rodents?|animal model)\b", re.I)
_HUMAN_WORDS = re.compile(r"\b(patients?|participants?|people|persons?|volunteers?|men|women|"
                          r"adults?|children|athletes|humans?|subjects with)\b", re.I)


def species_of(record: Record) -> str:
    """human, animal, mixed or unknown: MeSH check tags first, species words when MeSH is silent."""
    mesh = set(record.mesh_terms)
    human, animal = "Humans" in mesh, bool(mesh & ANIMAL_MESH)
    if not (human or animal):
        text = plain(record.title + " " + record.abstract_text)
        human, animal = bool(_HUMAN_WORDS.search(text)), bool(_ANIMAL_WORDS.search(text))
    if human and animal:
        return "mixed"
    return "human" if human else "animal" if animal else "unknown"
