"""Where a match sits: its sentence or bullet, its clause, and what around it silences it.

Precision matters more than recall: a careful page says "may", "some studies suggest", "the
evidence is mixed", cites its sources and asks questions in headings, and none of that should
be flagged. A match is silenced by a hedge in its own clause (or in the line that introduces its
bullet list), a citation near its sentence, a question, or a negation just before it. Rules may
also demand that a match open a bullet, or that the bullet's list be introduced by some words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from evidence_tracker.language import prefilter

if TYPE_CHECKING:  # rules -> detectors -> context: only the type is needed here
    from evidence_tracker.language.rules import Rule

# Sentence and line breaks (text already has straight quotes). A single newline inside a wrapped
# paragraph (lower-case or comma before, lower-case after) does not break a sentence.
_BREAK = re.compile(r"""
    \n[ \t]*\n
  | \n(?:(?<![a-z,;]\n)|(?![ \t]*[a-z]))
  | (?<=[.!?…])(?P<close>["')\]]*)[ \t]+(?=["'(\[]?[A-Z0-9•★])
""", re.X)
_ABBREVIATION = re.compile(r"(?:\b(?:Dr|Mr|Mrs|Ms|Prof|St|vs|etc|e\.g|i\.e|al|approx|No|Fig|cf|"
                           r"Jr|Sr|Inc|Ltd)|\b[A-Z])\.$")
_MARKER = r"(?:[-*+•▪◦●‣⁃–]|\d{1,2}[.)])"
_LEAD = re.compile(rf"[ \t]*(?:{_MARKER}[ \t]+)?")
_BULLET_LINE = re.compile(rf"[ \t]*{_MARKER}[ \t]+\S")
_CLAUSE = re.compile(r"[;:—–]|\s-\s|,\s*(?=(?:but|while|whereas|although|though|yet|however)\b)"
                     r"|\bbut\b")
_HEDGES = (  # words that qualify a claim; each line one idea
    r"may|might|could(?!n)|can\ (?:help|sometimes|often|be\ helpful)|possibly|potentially",
    r"(?:it\ is|it's)\ possible|perhaps|probably|likely|unlikely",
    r"appears?|seems?|suggests?|suggested|suggesting|indicates?|indicated",
    r"some|a\ few\ (?:studies|trials|people|patients)|limited|mixed|modest|slight(?:ly)?",
    r"a\ little|small(?:er)?\ (?:effects?|benefits?|improvements?|studies|trials|differences?)",
    r"unclear|uncertain|unknown|not\ (?:yet\ |fully\ |been\ |well\ )?(?:clear|known|proven"
    r"|established|certain|confirmed|understood|shown|supported|demonstrated)",
    r"little\ (?:evidence|research)|no\ (?:[\w-]+\ )?evidence|insufficient|inconclusive|conflicting|debated|controversial",
    r"low[-\ ](?:quality|certainty)|short[-\ ]term|(?:is|are|remains?)\ (?:\w+\ )?(?:weak|poor|lacking|sparse|scant)",
    r"unnecessary|where\ possible|if\ possible|when\ appropriate|not\ enough|isn't\ enough|aren't\ enough"
    r"|for\ a\ (?:few|couple\ of)\ (?:hours|days|weeks)",
    r"(?<!once\ )(?<!previously\ )(?<!formerly\ )(?:thought|believed)|proposed|hypothes\w*"
    r"|theor(?:y|ies|ised|ized|etical)|ideas?",  # "once thought incurable" boasts
    r"claims?(?=\ that|\ to)|claimed|said\ to|reportedly|supposedly|purported\w*|alleged\w*",
    r"(?:others|proponents|practitioners|supporters|advocates|critics)\ (?:say|claim|believe|argue)",
    r"(?:a|the|an)\ (?:page|site|website|advert|ad|course|clinic|brochure|provider)\ (?:says|claims|promises)",
    r"in\ (?:one|a|an|the|two|three|several)\ (?:[\w-]+\ ){0,2}(?:trials?|stud(?:y|ies)|reviews?|surveys?)",
    r"according\ to\ (?:TCM|traditional|Chinese|ancient|tradition|\w+\ (?:theory|tradition|philosophy))",
    r"in\ (?:traditional\ )?(?:Chinese\ medicine|TCM)|traditionally|TCM\ (?:teaches|holds|says)"
    r"|(?:Chinese\ medicine|TCM|traditional|Ayurvedic)\ (?:perspective|view|point\ of\ view)",
    r"whether(?!\ you)|generally|usually|typically|mostly|tends?|sometimes|occasionally|in\ some"
    r"|for\ some",
    r"vary|varies|variable|individual\ results",
    r"aims?\ to|aimed|(?:the|our|main)\ goal\ (?:is|of)|intended\ to(?=\ \w)|designed\ to(?=\ \w)|hope|hoped",
    r"try|trying|we\ think|I\ think|hard\ to\ (?:tell|say|know)|(?:can't|cannot)\ (?:tell|say)",
    r"(?:one|another)(?:\ (?:idea|theory|explanation|possibility|suggestion))?\ is\ that",
    r"myths?|wary|beware|cautio\w+|sceptic\w*|skeptic\w*|overstat\w*|exaggerat\w*|misleading",
)
_VARIES = re.compile(r"\b(?:results|this|responses?|outcomes?|it|experiences?) (?:can |may |will |do )?"
                     r"(?:vary|varies|differ|differs)\b|\bindividual results\b|"
                     r"\bno (?:single|one)\b[^.!?]{0,60}\bfor (?:everyone|everybody|all)\b", re.I)
_HEDGE = re.compile(r"\b(?:" + "|".join(_HEDGES) + r")\b", re.I)
# `re` cannot skip ahead through a case-insensitive alternation; a trie of the literal text
# every hedge starts with can, and most sentences have none (`hedged` is the rules' hot path)
_HEDGE_GATE = re.compile(r"\b(?:" + prefilter.trie(sorted(prefilter.prefixes(_HEDGE.pattern, re.I)))
                         + ")", re.I)
_MODALS = frozenset({"may", "might", "could", "can", "possibly", "potentially", "perhaps",
                     "probably", "likely"})
# How often, not how sure: "usually" qualifies "mild soreness", but not a promise that a booster
# word makes ("patients typically feel significant relief within just a few visits").
_FREQUENCY = frozenset({"usually", "typically", "generally", "mostly", "tend", "tends"})
_BOOSTER = re.compile(r"\b(?:just|only|significant(?:ly)?|dramatic(?:ally)?|immediate(?:ly)?|"
                      r"instant(?:ly)?|rapid(?:ly)?|complete(?:ly)?|total(?:ly)?|huge|massive|"
                      r"amazing|incredible|remarkable|real|lasting|long-lasting|permanent(?:ly)?|much\ faster|far|"
                      r"faster|quicker|sooner|fewer)\b",
                      re.I)
_UNATTRIBUTED = re.compile(r"\b(?:can't|cannot|can\ not|couldn't)\ (?:honestly\ )?(?:tell|say|know)\b|"
                           r"\bno\ way\ (?:of\ knowing|to\ know)|\bhard\ to\ (?:say|know|tell)\b|"
                           r"\bwould\ have\ (?:got|gotten|improved|recovered|settled)\b|"
                           # a clinician's observation of others: "I've noticed that when ..., some"
                           r"\bI(?:'ve|\ have)?\ (?:noticed|seen|found|observed)\ that\ (?:when|if|many|"
                           r"most|some|people|patients|clients|a\ lot)\b|"
                           # a clinician's doubt or career: "still debated", "the people I see"
                           r"\b(?:debated|haven't\ clearly\ shown|not\ clearly\ shown|can't\ point\ to|"
                           r"(?:people|patients|clients)\ I\ see|I\ was\ taught|as\ a\ new\ graduate)\b",
                           re.I)
_REASONED = re.compile(r"\bearly[- ]bird\ price\b|\bratios?\b|\bif\ you\ feel\ (?:rushed|pressured|pushed)\b|\bto keep (?:the )?(?:groups?|class(?:es)?|numbers)\b",
                       re.I)
_THAN = re.compile(r"\bthan\b(?:\s+[\w']+){0,3}\s+$", re.I)
_PROMISE = re.compile(r"\b(?:you|we|so)\b(?:\s+\w+){0,3}\s+$", re.I)
_NEGATION = re.compile(r"(?:\b(?:not|no(?! doubt| question)|never|without|nor|cannot|neither|"
                       r"unlikely|un-?proven|myth|false|rather than)\b|n't\b)"
                       r"(?:(?!,? (?:and|but) (?:it|this|they|we|you)\b)[^.!?;:]){0,25}$",
                       re.I)  # "never normal and it is 100% treatable": the negation has ended
# "Surname AB, Surname CD. Title. Journal. 2010;42(6):1062-1071." and the like
_REFERENCE_ENTRY = re.compile(r"\b(?:19|20)\d\d\s?;\s?\d+(?:\(\d+\))?:\s?\d+|\bdoi:\s?10\.\d|"
                              r"^[A-Z][\w'-]+ [A-Z]{1,3}(?:, [A-Z][\w'-]+ [A-Z]{1,3})+[.,]", re.M)
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_DISCLAIMED = re.compile(r"(?:\b(?:not|never|nobody|no\ one|nothing)\b|n't\b|\bno\b(?=[^,]{0,30}\b(?:show|prove|find|found)))"
                         r"[^.!?;]{0,30}\b(?:promise|claim|"
                         r"guarantee|say|suggest|tell|show|shown|prove|proven|support|found|find)"
                         r"\w*\b", re.I)  # "does not show that", "didn't find anything that would"
_CITATION = re.compile(r"""
    \(\s*[A-Z][\w'-]+(?:\ et\ al\.?|\ (?:and|&)\ [A-Z][\w'-]+)?,?\ (?:19|20)\d\d[a-z]?\s*[;,)]
  | \(\s*(?:19|20)\d\d[a-z]?\s*[;)]  # "(2017)", not a list of years "(2021, 2022, 2023)"
  | \[\s*\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\s*\]
  | \b(?:a|one|the|this)\ (?:19|20)\d\d\ (?:study|trial|review|meta-analysis|systematic\ review)
  | \bdoi\b|doi\.org|pubmed|ncbi\.nlm|\bPMID\b|\bet\ al\b|cochrane|[¹²³⁴⁵⁶⁷⁸⁹⁰]
  | <sup>\s*\[?\d
""", re.I | re.X)
_DEBUNKED = re.compile(r"(?:myths?|false|fiction|claim)\s*(?:#?\d+\s*)?[:.\-–—]", re.I)
# "we may use:" over a list hedges which care is chosen, not what each item is said to do
_CHOICE = re.compile(r"\b(?:may|might|can|could)\s+(?:also\s+)?(?:use|offer|recommend|suggest|"
                     r"combine|add|try|choose|provide|apply)\b|"
                     r"\b(?:treatments?|programmes?|programs?|plans?|sessions?|care|options|approach)"
                     r"\s+(?:then\s+)?(?:may|might|can|could|usually|often|typically|generally|normally)"
                     r"\s+(?:also\s+)?(?:include|involve|combine)s?\b", re.I)
# "the common explanation that massage flushes out toxins doesn't hold up" refutes a claim;
# "No single type of exercise has been shown to be better" reports an absence of evidence
_REBUTTED = re.compile(r"\b(?:explanation|idea|claim|notion|belief|theory|suggestion|story)s? "
                       r"(?:is )?that\b[^.!?]{0,120}?\b(?:doesn't|does not|don't|do not|isn't|"
                       r"is not|aren't|are not)\s+(?:really\s+)?(?:hold up|stand up|supported|"
                       r"true|correct|accurate|backed)|\bno (?!doubt|question|wonder|longer|more)"
                       r"(?:[\w-]+ ){1,6}(?:has|have) (?:yet )?been (?:shown|proven|found|demonstrated)",
                       re.I)
_CHROME = re.compile(r"[ \t]*(?:tags|categories|category|filed under|posted in|related posts?)\s*:",
                     re.I)
_RHETORICAL = re.compile(r"(?:ready to|want to|tired of|sick of|fed up with)\b", re.I)
_QUESTION_LINE = re.compile(r"[ \t]*(?:Q|Question)\s*\d*\s*[:.]\s", re.I)
_NEAR = 200  # characters after a sentence where a citation still counts as "near"


def units(text: str) -> list[tuple[int, int]]:
    """Sentences, bullets and lines of `text` as (start, end), without markers or whitespace."""
    result, start = [], 0
    for m in _BREAK.finditer(text):
        end = m.end("close") if m.group("close") is not None else m.start()
        period = end - len(m["close"] or "")
        if m.group("close") is not None and _ABBREVIATION.search(text, max(0, end - 8), period):
            continue
        result.append(_trim(text, start, end))
        start = m.end()
    result.append(_trim(text, start, len(text)))
    return [u for u in result if u[1] > u[0]]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    start = _LEAD.match(text, start, end).end()
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def clause(text: str, unit: tuple[int, int], start: int, end: int) -> tuple[int, int]:
    """The clause of `unit` holding `start`..`end`: cut at ; : dashes and ", but"."""
    lo, hi = unit
    for m in _CLAUSE.finditer(text, *unit):
        if m.end() <= start:
            lo = m.end()
        elif m.start() >= end:
            hi = m.start()
            break
    return lo, hi


def survives(text: str, unit: tuple[int, int], start: int, end: int, rule: Rule) -> bool:
    """Whether the match `start`..`end` of `rule` in `unit` is a claim, not a hedged aside."""
    if rule.bullet_start and not _opens_line(text, unit, start):
        return False
    if rule.lead_in and not rule.lead_in.search(lead_in(text, unit)):
        return False
    if _CHROME.match(text, text.rfind("\n", 0, unit[0]) + 1):
        return False  # "Tags: cupping, recovery, evidence, Olympics": the page's furniture
    if (_asks(text, unit) or _quoted_question(text, start)) and rule.category != "urgency_pressure":
        return False  # a question asks; but "Why wait?" still pushes
    if rule.category == "testimonial" and _UNATTRIBUTED.search(text, unit[0], unit[1]):
        return False  # "my shoulder is better, but I can't tell whether it was the needling"
    if _reports_research(text, unit):
        return False  # its own citation or a reference entry; "Myth: it only masks the pain"
    if rule.category == "urgency_pressure" and _REASONED.search(text, unit[0], unit[1]):
        return False  # "early-bird price", "16 places to keep the tutor ratio low": information
    lo, hi = clause(text, unit, start, end)
    if lo > unit[0] and text[lo - 1] == ":":
        lo = unit[0]  # "several proposed effects: lifting the skin..." is hedged by its lead
    if rule.negatable and (_NEGATION.search(text, lo, start) or _DISCLAIMED.search(text, lo, start)):
        return False  # "not a cure"; "should not promise that it will cure"
    if not rule.hedgeable:
        return True
    # hype is hype whatever the modal: "could be the breakthrough you've been waiting for"
    modals = rule.category != "hype"
    boosted = bool(_BOOSTER.search(text, lo, hi))
    if _VARIES.search(text, unit[0], unit[1]):
        return False  # "..., though this varies a lot" qualifies the whole sentence
    after = hedged(text[end:hi], modals=rule.hedge_after and modals, boosted=boosted)
    return not (hedged(text[lo:start], modals, boosted) or after
                or hedged(_CHOICE.sub("", lead_in(text, unit)), modals) or cited(text, unit))


def _quoted_question(text: str, at: int) -> bool:
    """Whether `at` lies in a quoted question ("Will needling fix my neck?" is one we hear)."""
    quoted = quotation(text, at)
    return bool(quoted) and text[quoted[0]:quoted[1]].rstrip().endswith("?")


def _asks(text: str, unit: tuple[int, int]) -> bool:
    """Whether `unit` is a reader's question: it ends with "?" (unless it is a call to action
    such as "Ready to get rid of that pain for good?"), or its line is an FAQ's "Q:"."""
    if text[unit[0]:unit[1]].rstrip(" \"')").endswith("?"):
        return not _RHETORICAL.match(text, unit[0], unit[1])
    return bool(_QUESTION_LINE.match(text, text.rfind("\n", 0, unit[0]) + 1))


@lru_cache(maxsize=4096)
def _reports_research(text: str, unit: tuple[int, int]) -> bool:
    """Whether `unit` carries its own citation, lies on a reference-list line, or quotes a
    claim to refute it (asked once per sentence, not once per rule that matched in it)."""
    end = text.find("\n", unit[1])
    line = (text.rfind("\n", 0, unit[0]) + 1, len(text) if end < 0 else end)
    lo, hi = unit
    return bool(_CITATION.search(text, lo, hi) or _REFERENCE_ENTRY.search(text, *line)
                or _DEBUNKED.match(text, lo, hi) or _REBUTTED.search(text, lo, hi))


def hedged(text: str, modals: bool = True, boosted: bool = False) -> bool:
    """A hedge in `text` ("can" after "you", "we" or "so" is a promise, not a hedge); with
    `modals` false only words about the evidence count ("mixed", "limited"), not "may"; when
    `boosted` (the clause says "just", "significant"...) "usually" and the like do not count."""
    if not _HEDGE_GATE.search(text):
        return False
    for m in _HEDGE.finditer(text):
        word = m.group().lower().split()[0]
        if (word in _MODALS and not modals) or (word in _FREQUENCY and boosted):
            continue
        if word in ("could", "can") and (_THAN.search(text, 0, m.start())
                                         or text[:m.start()].rstrip().lower().endswith("never")):
            continue  # "than they could with manual therapy alone", "never could": no hedge
        if word != "can" or not _PROMISE.search(text, 0, m.start()):
            return True
    return False


def _opens_line(text: str, unit: tuple[int, int], start: int) -> bool:
    line_start = text.rfind("\n", 0, unit[0]) + 1
    return start == unit[0] and _LEAD.fullmatch(text, line_start, unit[0]) is not None


@lru_cache(maxsize=4096)  # asked by every rule that matched in the unit
def lead_in(text: str, unit: tuple[int, int]) -> str:
    """The line introducing the bullet list `unit` belongs to ("Benefits include:"), or ""."""
    line_start = text.rfind("\n", 0, unit[0]) + 1
    if not _BULLET_LINE.match(text, line_start):
        return ""
    pos = line_start
    for _ in range(60):  # a list longer than this has lost its lead-in anyway
        if pos <= 0:
            return ""
        prev = text.rfind("\n", 0, pos - 1) + 1
        line = text[prev:pos - 1]
        if line.strip() and not _BULLET_LINE.match(line):
            return line
        pos = prev
    return ""


def paragraph_end(text: str, at: int) -> int:
    """Where the paragraph holding offset `at` ends (a blank line or the end of `text`)."""
    end = text.find("\n\n", at)
    return len(text) if end < 0 else end


@lru_cache(maxsize=4096)  # asked by every rule that matched in the unit
def cited(text: str, unit: tuple[int, int]) -> bool:
    """Whether a citation follows `unit` within its paragraph, near enough to support it."""
    following = _SENTENCE_END.search(text, unit[1] + 1)  # the next sentence, not any later one
    near = min(unit[1] + _NEAR, paragraph_end(text, unit[1]),
               following.end() if following else len(text))
    return bool(_CITATION.search(text, unit[0], near))


def quotation(text: str, at: int) -> tuple[int, int] | None:
    """The quoted passage (without its quote marks) holding offset `at`, within its paragraph."""
    at += text.startswith('"', at)  # at an opening quote mark: look just inside it
    para_start = max(text.rfind("\n\n", 0, at), 0)
    para_end = text.find("\n\n", at)
    para_end = len(text) if para_end < 0 else para_end
    if text.count('"', para_start, at) % 2 == 0:
        return None
    open_at = text.rfind('"', para_start, at)
    close_at = text.find('"', at, para_end)
    return (open_at + 1, close_at) if close_at > 0 else None
