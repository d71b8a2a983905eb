"""The concept table (phrases → MeSH and [tiab] terms) and the PubMed query built from a claim.

The table is data (`concepts.yaml`). A query has one block per role: the intervention (the most
specific one named), the comparator (comparative claims only), the conditions, the outcomes and,
for safety claims, adverse events; blocks are joined by AND, the terms inside a block by OR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from evidence_tracker.claims import Claim

ROLES = ("intervention", "condition", "outcome", "safety")
_STOPWORDS = frozenset(
    "a an and are as at be been but by can could do does for from has have how if in into is it "
    "its may might more most no not of on or our over so such than that the their them these "
    "they this those to up us very was we were what when which while who will with without you "
    "your all any also just only other some many much often every each both after before "
    "about".split())


@dataclass(frozen=True)
class Concept:
    """One row of the concept table: what text names it (`pattern`) and its PubMed terms."""

    id: str
    role: str
    pattern: re.Pattern
    mesh: tuple[str, ...]
    tiab: tuple[str, ...]
    generic: bool = False
    label: str = ""

    def block(self) -> list[str]:
        """The concept's PubMed terms, MeSH first, each with its field tag."""
        return [f'"{m}"[mh]' for m in self.mesh] + [_tiab(t) for t in self.tiab]


@lru_cache(maxsize=1)
def concept_table() -> tuple[Concept, ...]:
    """The shipped concept table, in priority order (most specific intervention first)."""
    raw = yaml.safe_load(resources.files(__package__).joinpath("concepts.yaml").read_text("utf-8"))
    return tuple(Concept(id=c["id"], role=c["role"],
                         pattern=re.compile(r"\b(?:" + "|".join(c["match"]) + r")\b", re.I),
                         mesh=tuple(c.get("mesh") or ()), tiab=tuple(c.get("tiab") or ()),
                         generic=bool(c.get("generic")),
                         label=c.get("label") or c["id"].replace("_", " "))
                 for c in raw["concepts"])


def find_concepts(text: str, role: str | None = None) -> list[Concept]:
    """Concepts named in `text` (optionally only those of `role`), in table order."""
    return [c for c in concept_table()
            if (role is None or c.role == role) and c.pattern.search(text)]


def build_query(claim: Claim) -> str:
    """A PubMed query for `claim` from its PICO fields and quote; key [tiab] phrases as fallback."""
    interventions = find_concepts(claim.intervention, "intervention") or \
        find_concepts(claim.quote, "intervention")
    primary = interventions[:1]
    comparators = find_concepts(claim.comparator, "intervention")
    if not comparators and claim.kind == "comparative":
        comparators = [c for c in interventions[1:] if not c.generic][:1]
    context = f"{claim.population} {claim.outcome} {claim.quote}"
    blocks = [primary, [c for c in comparators if c not in primary]]
    blocks.append(_specific(find_concepts(f"{claim.population} {claim.quote}", "condition")))
    conditions = blocks[-1]
    outcomes = _specific(find_concepts(f"{claim.outcome} {claim.quote}", "outcome"))
    blocks.append([o for o in outcomes if not (o.generic and conditions)])
    if claim.kind == "safety":
        blocks.append(find_concepts(context, "safety"))
    parts = [_or([t for c in b for t in c.block()]) for b in blocks if b]
    return " AND ".join(parts) if parts else _fallback(claim)


def _specific(found: list[Concept]) -> list[Concept]:
    """Drop generic concepts ("pain") when a specific one of the same role was found."""
    specific = [c for c in found if not c.generic]
    return specific or found


def _or(terms: list[str]) -> str:
    unique = list(dict.fromkeys(terms))
    return unique[0] if len(unique) == 1 else "(" + " OR ".join(unique) + ")"


def _tiab(term: str) -> str:
    return f'"{term}"[tiab]' if " " in term or "-" in term else f"{term}[tiab]"


def _fallback(claim: Claim) -> str:
    """No known concept: AND together up to three key phrases of the quote as [tiab] terms."""
    text = claim.intervention or claim.quote
    words = [w.casefold() for w in re.findall(r"[A-Za-z][A-Za-z'-]*", text)]
    phrases, run = [], []
    for word in [*words, ""]:
        if word and word not in _STOPWORDS and len(word) > 2:
            run.append(word.strip("'-"))
        elif run:
            phrases.append(" ".join(run[-2:]))  # the head noun of a phrase comes last
            run = []
    phrases = list(dict.fromkeys(phrases))[:3]
    return " AND ".join(_tiab(p) for p in phrases) or _tiab(text.replace('"', "").strip() or "-")
