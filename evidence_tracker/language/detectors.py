"""Structural detectors: claims recognised by the shape of a sentence rather than its wording.

Word lists of phrases miss every new idiom. These detectors read a sentence's structure over
broad word classes (`lexicon.yaml`): a treatment doing something to the body in the present
tense, a comparison with other care, a deadline next to a booking, a quoted first-person story,
several hype words at once. A rule names its detector (`detector:` in `rules.yaml`); the
detector's `gate` patterns feed the prefilter, so a detector only runs where its key word occurs,
and `context.survives` still silences hedged, negated and cited sentences.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from evidence_tracker.language import context, people, urgency
from evidence_tracker.language.prefilter import trie
from evidence_tracker.language.lexicon import (IRREGULAR, Tokens, in_class, lexicon, norm,
                                               raw_lexicon, span_tokens, tokens,
                                               unit_tokens, verb_lemma, word_at, words)

_DETERMINERS = frozenset("the a an your our their his her its these those this that no any".split())
_CONDITIONS = frozenset({"if", "unless", "whether", "once", "until"})  # "once soreness settles"
_ARTICLES = _DETERMINERS - {"these", "those", "this", "that", "no", "any"}  # "the result": a noun
# "the cuts are made", "stretches for your back": a noun
_NOUN_NEXT = frozenset({"are", "is", "were", "was", "have", "of", "for"})
_FIRST_PERSON = frozenset({"i", "i'm", "i've", "i'd", "i'll", "my", "me", "myself"})


def _index(toks: Tokens, at: int) -> int:
    return next((i for i, (_, pos) in enumerate(toks) if pos >= at), len(toks))


def _clause_tokens(text: str, unit: tuple[int, int], m: re.Match) -> tuple[Tokens, int]:
    lo, hi = context.clause(text, unit, m.start(), m.end())
    toks = span_tokens(text, unit, lo, hi)
    return toks, _index(toks, m.start())


def _finite(toks: Tokens, i: int, form: str) -> bool:
    """Whether the verb at `i`, in `form`, states what happens (not "to reduce", "the cuts")."""
    before = [w for w, _ in toks[max(0, i - 2):i] if not w.endswith("ly")]
    prev = before[-1] if before else ""
    if form == "s":  # "the cuts", "cuts are made", "pattern, triggers, sleep": a noun
        nxt = toks[i + 1][0] if i + 1 < len(toks) else ""
        listed = prev == "," and nxt == ","
        return prev not in _DETERMINERS and prev != "to" and nxt not in _NOUN_NEXT and not listed
    if form == "base":
        return (prev in {"will", "helps", "help", "that", "which", "they", "we"}
                or prev.endswith("'ll") or (prev == "to" and "help" in " ".join(before))
                or (prev.endswith("s") and len(prev) > 3 and not prev.endswith("ss")
                    and any(in_class(prev, c) for c in ("care", "agents", "physiology"))))
    if form == "ed":
        return prev in {"is", "are", "gets", "get", "becomes", "become"}
    return prev in {",", "by", "while", "is", "are", "keeps"}


def effect_kind(text: str, unit: tuple[int, int], m: re.Match) -> str | None:
    """The class (physiology, outcomes, abstract_goods) of what the verb at `m` is said to
    change, or None when it states no effect (three rules ask, so the answer is cached)."""
    return _effect_kind(text, unit, m.start(), m.end())


@lru_cache(maxsize=256)
def _effect_kind(text: str, unit: tuple[int, int], start: int, end: int) -> str | None:
    if not _may_act(text, unit, start):
        return None  # most body words and gate stems ("straight") have no verb to act on them
    lo, hi = context.clause(text, unit, start, end)
    toks = span_tokens(text, unit, lo, hi)
    i = _index(toks, start)
    if i >= len(toks) or _conditional(toks) or _DEFINITION.search(text, lo, hi):
        return None  # "if it hurts we stop"; "a treatment in which a practitioner moves a joint"
    word = toks[i][0]
    if _object_class(word):
        return _verb_before(text, toks, i)
    outcome_verb = verb_lemma(word, "outcome_verbs")
    if outcome_verb:  # "provides relief", "means faster recovery"
        prev = toks[i - 1][0] if i else ""
        if prev in _ARTICLES or (prev in ("this", "that") and outcome_verb[1] == "base"):
            return None  # "the result", "that result doesn't mean": a noun
        if not _care_before(toks, i) or _REPORTED.search(text, lo, hi):
            return None  # "pregnancy brings changes", "trials have produced mixed results"
        after = [w for w, _ in toks[i + 1:i + 6]]
        better = any(w in lexicon()["comparatives"] for w in after[:3])
        return "outcomes" if any(in_class(w, "outcome_results") or better and (
            in_class(w, "outcomes") or in_class(w, "physiology")) for w in after) else None
    found = verb_lemma(word)
    if not found or not _finite(toks, i, found[1]):
        return None
    before, after = toks[max(0, i - 8):i], _own_object(toks[i + 1:i + 10])
    if any(w in _FIRST_PERSON or w == "you" for w, _ in before[-2:]):
        return None  # "you release", "I reduced": the reader's or a patient's doing
    opens = i == 0 and found[1] == "s"  # "Reduces pain": a benefit bullet, the product implied
    pronouns = lexicon()["subject_pronouns"]
    agent = opens or any(in_class(w, "care") or in_class(w, "agents") or w in pronouns
                         for w, _ in before)
    candidates = []
    if agent and found[1] != "ed":  # "X reduces pain" (a passive's object is before it)
        candidates.append([w for w, _ in after])
    if found[1] == "ed" or _unit_agent(text, unit, toks[i][1]):
        candidates.append([w for w, _ in before[-3:]])  # "after needling, the ache melts away"
    for objects in candidates:
        for cls in ("physiology", "outcomes", "abstract_goods"):
            if any(in_class(w, cls) for w in objects):
                return cls
    return None


def _may_act(text: str, unit: tuple[int, int], start: int) -> bool:
    """A cheap first look for `_effect_kind` (its gate words are common; it finds an effect
    at few of them): False when the word at `start` is no effect verb and no body word, or
    is a body word with no unknown verb among the four words before it (`_verb_before`)."""
    word = word_at(text, start)
    kind = _gate_kind(word) if word else "verb"
    if kind != "noun":
        return kind == "verb"
    lo = max(unit[0], start - 64)  # four words, as a rule; too few and the full path decides
    before = words(text[lo:start])
    if lo > unit[0]:  # the window may cut its first word in two, and hold too few words
        before = before[1:]
        if len(before) < 4:
            return True
    return any(_unknown_verb(w) for w in before[-4:])


@lru_cache(maxsize=65536)
def _gate_kind(word: str) -> str:
    """"verb" (an effect or outcome verb), "noun" (a body or outcome word) or "" for `word`."""
    if verb_lemma(word, "outcome_verbs") or verb_lemma(word):
        return "verb"
    return "noun" if _object_class(word) else ""


def _own_object(after: Tokens) -> Tokens:
    """The words after a verb up to a second verb phrase ("it stretches and does not stop a
    joint moving": the joint is not what stretches)."""
    for k in range(len(after) - 1):
        if after[k][0] in {"and", "but", "so"} and after[k + 1][0] in _AUXILIARIES:
            return after[:k]
    return after


_AUXILIARIES = frozenset("does do did is are was were can will won't doesn't don't isn't "
                         "aren't cannot can't not it they".split())


def _care_before(toks: Tokens, i: int) -> bool:
    """Whether a treatment (or it/this) is the subject before the verb at `i`, or the verb
    opens the clause (a benefit bullet: "Provides lasting relief")."""
    pronouns = lexicon()["subject_pronouns"]
    return i == 0 or any(in_class(w, "care") or in_class(w, "agents") or w in pronouns
                         for w, _ in toks[max(0, i - 8):i])


@lru_cache(maxsize=1024)
def _conditional(toks: Tokens) -> bool:
    """Whether the clause `toks` is a condition ("if it hurts, we stop")."""
    return any(w in _CONDITIONS for w, _ in toks)


def _object_class(word: str) -> str | None:
    return next((c for c in ("physiology", "outcomes") if in_class(word, c)), None)


def lower_next(text: str, toks: Tokens, k: int) -> bool:
    """Whether the word after token `k` starts in lower case (prose, not a title)."""
    return k + 1 < len(toks) and text[toks[k + 1][1]].islower()


def _verb_before(text: str, toks: Tokens, j: int) -> str | None:
    """The class of the body word at `j` when a verb of any kind (not a neutral one such as
    "involves") acts on it with a treatment as subject, or opens the clause: "the filament
    interrupts the reflex", "- Curbs cravings". Verbs outside the lexicon are caught here."""
    for k in range(j - 1, max(-1, j - 5), -1):
        word = toks[k][0]
        if _unknown_verb(word) and not (k and text[toks[k][1]].isupper()):  # "Sports Injury Clinic"
            if k + 1 < len(toks) and toks[k + 1][0] in _AFTER_NOUN:
                return None  # "taping applications for the knee": a plural noun
            subject = [w for w, _ in toks[max(0, k - 3):k] if not w.endswith("ly")]
            if not subject:  # "- Curbs cravings", not a heading, "Adults see us for" or prose
                between = {w for w, _ in toks[k + 1:j]}
                return _object_class(toks[j][0]) if lower_next(text, toks, k) and not (
                    between & _OBJECT_PRONOUNS) and len(toks) <= _BULLET_WORDS else None
            if subject[-1] in {"it", "this", "we"} or (
                    in_class(subject[-1], "care") or in_class(subject[-1], "agents")):
                return _object_class(toks[j][0])
            return None
    return None


@lru_cache(maxsize=65536)
def _unknown_verb(word: str) -> bool:
    """Whether `word` reads as a verb in the third person: "-s", not a noun or function word
    of the lexicon, not a neutral verb of description."""
    if not word.endswith("s") or word.endswith(("ss", "us", "is", "'s")) or len(word) < 4:
        return False
    lex = lexicon()
    return not (word in lex["function_words"] or verb_lemma(word, "neutral_verbs")
                or any(in_class(word, c) for c in _NOUN_CLASSES))


_DEFINITION = re.compile(r"\b(?:in|during|by) which\b|\b(?:means|involves) (?:that )?(?:your|the|a) "
                         r"(?:physio\w*|therapist|practitioner|clinician|osteopath|chiropractor)\b",
                         re.I)  # "Mobilisation means your physiotherapist moves a joint slowly"
_BULLET_WORDS = 8  # a benefit bullet is short: "Styles range from relaxing..." is prose
_OBJECT_PRONOUNS = frozenset({"us", "you", "them", "me", "him", "her"})
_AFTER_NOUN = frozenset("for of in on with at from and or to by are were is have such like "
                        "including ,".split())  # "concepts such as meridians": a noun
_NOUN_CLASSES = ("physiology", "outcomes", "care", "agents", "people", "improvement",
                 "outcome_results", "endorsers", "commerce", "abstract_goods")


def _unit_agent(text: str, unit: tuple[int, int], at: int) -> bool:
    """Whether the sentence names a treatment before `at` (so a body change is its effect)."""
    lex = lexicon()
    return any(in_class(w, "care") or in_class(w, "agents") or w in lex["subject_pronouns"]
               for w, pos in unit_tokens(text, unit) if pos < at)


def physiology_effect(text: str, unit: tuple[int, int], m: re.Match) -> bool:
    """An effect on muscles, nerves, cells or blood stated as fact (a mechanism)."""
    return effect_kind(text, unit, m) == "physiology"


def outcome_effect(text: str, unit: tuple[int, int], m: re.Match) -> bool:
    """An effect on pain, sleep, recovery or function stated as fact (a certainty)."""
    return effect_kind(text, unit, m) == "outcomes"


def vague_effect(text: str, unit: tuple[int, int], m: re.Match) -> bool:
    """An effect on life, potential or wellbeing stated as fact (a vague benefit)."""
    return effect_kind(text, unit, m) == "abstract_goods"


def comparison(text: str, unit: tuple[int, int], m: re.Match) -> bool:
    """A comparison with other care ("faster than physio", "unlike pills") at `m`."""
    toks, i = _clause_tokens(text, unit, m)
    if i >= len(toks):
        return False
    word, after = toks[i][0], [w for w, _ in toks[i + 1:i + 5]]
    if _REPORTED.search(text, unit[0], unit[1]):
        return False  # "compared with exercise, the review found no difference": a finding
    if word == "unlike" and (_NEGATED.search(text, toks[i][1], unit[1])
                             or not _claims_more(unit_tokens(text, unit))):
        return False  # "unlike rigid tape, it stretches": a difference in kind, not in results
    if word == "than":
        return _than(toks, i, after)
    if any(w in lexicon()["controls"] for w in after):
        return False  # "compared with sham needling": how trials are described
    if word == "compared" and i and toks[i - 1][0] in {"was", "were", "been", "when", "is", "are"}:
        return False  # "when needling was compared with exercise": how a trial is described
    if word in ("compared", "instead"):
        if not after or after[0] not in {"to", "with", "of", "than"}:
            return False
        if word == "compared" and not _claims_more(unit_tokens(text, unit)):
            return False  # "Compared with other treatments" heads a section; it claims nothing
        after = after[1:]
    return any(in_class(w, "care") for w in after)


def _claims_more(toks: Tokens) -> bool:
    """Whether a sentence speaks of results: a comparative, an efficacy word, relief."""
    lex = lexicon()
    return any(w in lex["comparatives"] or w in _WORKS or in_class(w, "efficacy_words")
               or in_class(w, "outcome_results") for w, _ in toks)


_WORKS = frozenset("works work worked helps heals fixes treats cures addresses targets".split())


def _than(toks: Tokens, i: int, after: list[str]) -> bool:
    before = [w for w, _ in toks[max(0, i - 3):i]]
    if not before or (after and (after[0][0].isdigit() or after[0] in {"a", "an", "one", "ever"})):
        return False  # "more than 20 years", "longer than an hour", "than ever"
    adjective = before[-1]
    if adjective in _NOT_COMPARATIVE:
        return False
    efficacy = adjective in lexicon()["comparatives"] or in_class(adjective, "efficacy_words")
    if adjective in {"more", "less", "fewer"} or not efficacy and not adjective.endswith("er"):
        return False
    return adjective in {"better", "superior", "faster", "quicker"} or any(
        in_class(w, "care") for w in after)


_REPORTED = re.compile(r"\b(?:review|reviews|trials?|stud(?:y|ies)|meta-analys[ie]s|evidence)\b", re.I)
_NEGATED = re.compile(r"\b(?:not|isn't|aren't|doesn't|don't|no|never)\b", re.I)
_NOT_COMPARATIVE = frozenset("rather other whether further either neither together never however "
                             "over under after ever thinner thicker finer smaller larger bigger "
                             "shorter".split())  # "thinner than an injection needle": a size
_SIGNED = re.compile(r"""["'.!\s]{0,3}[—–-]\s*[A-Z]"""  # "..." — Name
                     r"""|\s*[—–-]?\s*(?:verified|[A-Z][a-z]+, \d\d\b)""")  # Name, 42
def quoted_testimonial(text: str, unit: tuple[int, int], m: re.Match) -> bool:
    """A star rating, or a quotation (or a block signed with a dash) in the first person,
    exclaiming or signed by a name."""
    if m.group().startswith("★"):  # a rating of the care itself, not of the parking
        words = [w for w, _ in unit_tokens(text, unit)]
        return len(m.group().strip()) >= 3 and any(
            w in _FIRST_PERSON or in_class(w, "outcomes") or in_class(w, "physiology")
            for w in words)
    if m.group() in "—–":  # a block signed "— Name": a story in the first person above it
        if not text[m.end():m.end() + 3].lstrip()[:1].isupper():
            return False  # "unclear – some heel pain ...": a dash inside a sentence
        if text[unit[0]:m.start()].rstrip(" \"'").endswith("?"):
            return False  # a reader's signed question: "Is it worth it?" — Jo, 46
        words = [w for w, pos in unit_tokens(text, unit) if pos < m.start()]
        return len(words) >= 4 and bool(_FIRST_PERSON & set(words))
    quoted = context.quotation(text, m.start())
    if quoted is None:
        return False
    words = [w for w, _ in tokens(text[quoted[0]:quoted[1]])]
    if len(words) < 4:
        return False  # scare quotes: "dry", "sham", "just part of it"
    signed = _SIGNED.match(text, quoted[1] + 1, quoted[1] + 40)
    health = any(in_class(w, "outcomes") or in_class(w, "physiology") for w in words)
    return bool(_FIRST_PERSON & set(words) or (signed or "!" in words) and health)


def hype_density(text: str, unit: tuple[int, int], m: re.Match) -> bool:
    """Two hype words in one sentence, or a rank claimed for a place ("London's leading")."""
    toks = unit_tokens(text, unit)
    i = _index(toks, m.start())
    if i < len(toks) and toks[i][0] in lexicon()["ranks"] and i > 0:
        owner = text[toks[i - 1][1]:toks[i - 1][1] + len(toks[i - 1][0])]
        named = owner[:1].isupper() and toks[i][0] not in {"first", "number", "no"}
        return owner.endswith(("'s", "’s")) and (in_class(owner, "rank_owners") or named)
    return len({norm(w) for w, _ in toks if in_class(w, "hype")}) >= 2


DETECTORS: dict[str, Callable[[str, tuple[int, int], re.Match], bool]] = {
    "physiology_effect": physiology_effect, "outcome_effect": outcome_effect,
    "comparison": comparison, "urgency": urgency.urgency, "quoted_testimonial": quoted_testimonial,
    "hype_density": hype_density, "vague_effect": vague_effect, **people.DETECTORS}


def gate(name: str) -> list[str]:
    """Patterns for the words where detector `name` may fire (they feed the prefilter); word
    lists become one trie-shaped pattern, which `re` matches a character at a time."""
    lex = raw_lexicon()
    if name in people.DETECTORS:
        return people.gates()[name]
    if name in ("physiology_effect", "outcome_effect", "vague_effect"):
        stems = _stems(lex["effect_verbs"] + lex["outcome_verbs"], cut=True)
        verbs = [rf"(?:re-?|super-?|turbo-?|over-?)?{trie(stems)}[a-z]*", trie(list(IRREGULAR))]
        if name == "vague_effect":
            return verbs  # reached from the verb only: a body word never makes a vague benefit
        return [*verbs, rf"{trie(_stems(lex['physiology'] + lex['outcomes']))}(?:s|es)?"]
    words = {"comparison": ["than", *lex["comparison_markers"]], "urgency": list(urgency.GATE),
             "hype_density": _stems([*lex["hype"], *lex["ranks"]])}
    if name == "quoted_testimonial":
        return ['"\\s*[A-Za-z]+', "★+", "[—–](?=[ \\t]*[A-Z])"]
    return [trie(words[name])]


def _stems(words: list[str] | tuple[str, ...], cut: bool = False) -> list[str]:
    """What every form of each word shares ("reduc" for reduce), with and without hyphens."""
    found = set()
    for word in words:
        word = word[:-1] if cut and len(word) > 4 and word[-1] in "ey" else word
        found |= {word, word.replace("-", "")}
    return sorted(found)
