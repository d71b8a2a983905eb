"""Draft a claim file from a page: the sentences that make checkable claims, with a guessed kind,
PICO fields and a PubMed query.

Sentences come from pysbd over each line of the visible text. A sentence is kept when the
language rules flag it (urgency alone is pressure, not a claim) or when it names an effect,
a comparison, safety, an appeal to evidence or a patient's own experience. Hedged claims are
kept too: "may reduce pain" is still checkable. Every quote is a verbatim run of the original
file, so `check` accepts the draft unchanged.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from html import unescape

import pysbd
import yaml

from evidence_tracker.claims import Claim, text_sha256
from evidence_tracker.language.concepts import Concept, build_query, find_concepts
from evidence_tracker.language.engine import lint_text
from evidence_tracker.language.findings import Finding
from evidence_tracker.language.markup import extract
from evidence_tracker.language.rules import RuleSet
from evidence_tracker.language.source import SourceText, guess_format

_KIND_BY_CATEGORY = {"testimonial": "testimonial", "evidence_appeal": "evidence_appeal",
                     "unsupported_comparative": "comparative", "mechanism_as_fact": "mechanism",
                     "certainty": "efficacy", "vague_benefit": "efficacy", "hype": "efficacy"}
_KIND_ORDER = ("testimonial", "evidence_appeal", "comparative", "safety", "mechanism",
               "efficacy")
_SIGNALS = {  # kind -> words that make a sentence a checkable claim of that kind
    "testimonial": r"\b(?:I|I'm|I've|my|me)\b",
    "evidence_appeal": r"\b(?:research|studies|study|trials?|evidence|science|scientific\w*|"
                       r"proven|clinically|backed|shown|reviews?|NICE|WHO|FDA)\b",
    "comparative": r"\b(?:than|faster|quicker|sooner|fewer|unlike|instead of|alternative|"
                   r"superior|outperforms?|fails?|alone)\b",
    "safety": r"\b(?:safe\w*|side[- ]effects?|risks?|adverse|complications?|pneumothorax|"
              r"bruis\w*|soreness)\b",
    "mechanism": r"\b(?:trigger points?|blood|circulation|nervous system|nerves?|endorphins?|"
                 r"fascia\w*|inflammation|toxins|collagen|end[- ]?plate|sensiti[sz]\w+|"
                 r"release[sd]?|reset\w*|healing (?:response|process)|qi|meridians?)\b",
    "efficacy": r"\b(?:reduc\w+|reliev\w+|relief|improv\w+|increas\w+|eas(?:e|es|ing)|"
                r"help\w*|heal\w*|cur(?:e|es|ed)|treat\w*|restor\w+|prevent\w*|boost\w*|"
                r"recover\w*|results?|effective\w*|works?|benefits?|pain[- ]free)\b",
}
_SIGNAL = {kind: re.compile(p, re.I) for kind, p in _SIGNALS.items()}
_MARKERS = re.compile(r"[\s•▪◦●‣⁃*+-]*(?:\d{1,2}[.)]\s+)?")  # bullets before a sentence
_STOP = frozenset("a an and are as at be by for from has have in is it its of on or our so "
                  "that the their this to was we with you your can may will".split())


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def draft_claim_file(text: str, *, path: str, source: str, fmt: str | None = None,
                     rules: RuleSet | None = None) -> dict:
    """A draft claim file (plain data) for the page `text` read from `path`, whose claim file
    will name it `source`; quotes are verbatim runs of `text`."""
    fmt = fmt or guess_format(path, text)
    src = extract(text, fmt)
    findings = lint_text(text, path=path, fmt=fmt, rules=rules)
    topic = _topic(src.text)
    claims, seen = [], set()
    for start, end in sentences(src.text):
        claim = _claim(src, start, end, findings, topic, seen)
        if claim:
            claims.append(claim)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", path.replace("\\", "/").rsplit("/", 1)[-1])
    return {"id": stem.rsplit(".", 1)[0].strip("-").lower() or "document",
            "title": guess_title(text, fmt, src.text), "source": source,
            "sha256": text_sha256(text), "claims": claims}


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentences and bullets of visible `text` as (start, end): pysbd within each line."""
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        for span in _segmenter().segment(line.group()):
            start, end = line.start() + span.start, line.start() + span.end
            start = _MARKERS.match(text, start).end()
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                spans.append((start, end))
    return spans


def _claim(src: SourceText, start: int, end: int, findings: list[Finding], topic: str,
           seen: set[str]) -> dict | None:
    sentence = src.text[start:end]
    if sentence.rstrip("\"')”’ ").endswith("?") or len(sentence.split()) < 3:
        return None
    lo, hi = src.original_span(start, end)
    flags = [f for f in findings if f.start < hi and lo < f.end]
    kind = _kind(sentence, flags)
    quote = verbatim_quote(src, start, end)
    if not kind or not quote:
        return None
    claim = Claim(id=_unique_id(quote, seen), quote=quote, kind=kind,
                  **_pico(sentence, kind, topic))
    draft = {"id": claim.id, "quote": quote, "kind": kind}
    draft.update({k: getattr(claim, k) for k in ("population", "intervention", "comparator",
                                                   "outcome") if getattr(claim, k)})
    draft["query"] = build_query(claim)
    if flags:
        draft["notes"] = "flagged: " + ", ".join(dict.fromkeys(f.rule for f in flags))
    return draft


def _kind(sentence: str, flags: list[Finding]) -> str:
    """The claim kind of `sentence`, or "" when it makes no checkable claim."""
    flagged = {_KIND_BY_CATEGORY[f.category] for f in flags if f.category in _KIND_BY_CATEGORY}
    signals = {k for k, pattern in _SIGNAL.items() if pattern.search(sentence)}
    health = bool(find_concepts(sentence) or signals & {"efficacy", "mechanism"})
    if not flagged and not (health and signals and _statement(sentence)):
        return ""
    if "testimonial" in signals and not health and "testimonial" not in flagged:
        signals.discard("testimonial")
    return next((k for k in _KIND_ORDER if k in flagged | signals), "other")


def _statement(sentence: str) -> bool:
    """A sentence, not a heading: it ends like one or is long enough to say something."""
    return sentence.rstrip("\"')”’ ").endswith((".", "!", ":")) or len(sentence.split()) >= 6


def _pico(sentence: str, kind: str, topic: str) -> dict[str, str]:
    interventions = _labels(find_concepts(sentence, "intervention"))
    intervention = interventions[0] if interventions else topic
    conditions = _labels(find_concepts(sentence, "condition"))
    outcomes = _labels(find_concepts(sentence, "outcome"))
    comparators = [c for c in interventions if c != intervention]
    return {"intervention": intervention,
            "population": f"people with {', '.join(conditions)}" if conditions else "",
            "outcome": ", ".join(outcomes),
            "comparator": comparators[0] if kind == "comparative" and comparators else ""}


def _labels(concepts: list[Concept]) -> list[str]:
    specific = [c for c in concepts if not c.generic] or concepts
    return [c.label for c in specific]


def _topic(text: str) -> str:
    """The treatment the page is about: the intervention it names most often."""
    counts = Counter({c.label: len(c.pattern.findall(text))
                      for c in find_concepts(text, "intervention") if not c.generic})
    return counts.most_common(1)[0][0] if counts else ""


def verbatim_quote(src: SourceText, start: int, end: int) -> str:
    """The sentence `start`..`end` as it stands in the original file (entities and all); where
    a tag interrupts it, its first run of four words or more, else its longest run."""
    runs: list[list[int]] = []  # original [start, end) of runs no tag interrupts
    for vis, o_start, o_end, literal in src.pieces:
        width = (o_end - o_start) if literal else len(src.text[vis:vis + 1])
        if vis >= end or vis + max(width, 1) <= start:
            continue
        a = o_start + max(start - vis, 0) if literal else o_start
        b = o_start + min(end - vis, o_end - o_start) if literal else o_end
        if not literal and "\n" in src.text[vis:vis + 2]:
            runs.append([])  # a block break: a new run starts after it
        elif runs and runs[-1] and runs[-1][1] == a:
            runs[-1][1] = b
        else:
            runs.append([a, b])
    quotes = [" ".join(src.original[r[0]:r[1]].split()) for r in runs if r]
    first = next((q for q in quotes if len(q.split()) >= 4), "")
    best = (first or max(quotes, key=len, default="")).strip("\"“”")  # a quote, not its marks
    return best if len(best.split()) >= 3 else ""


def _unique_id(quote: str, seen: set[str]) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", quote.lower()) if w not in _STOP]
    base = "-".join(words[:5]) or "claim"
    claim_id, n = base, 2
    while claim_id in seen:
        claim_id, n = f"{base}-{n}", n + 1
    seen.add(claim_id)
    return claim_id


def guess_title(text: str, fmt: str, visible: str) -> str:
    """The page title: HTML `<title>` or first `<h1>`, Markdown's first heading, else line one."""
    patterns = {"html": r"<title[^>]*>(.*?)</title>|<h1[^>]*>(.*?)</h1>",
                "markdown": r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$"}
    m = re.search(patterns.get(fmt, r"(?!)"), text, re.I | re.S | re.M)
    if m:
        raw = next(g for g in m.groups() if g is not None)
        return " ".join(unescape(re.sub(r"<[^>]+>", " ", raw)).split())
    first = next((line.strip() for line in visible.splitlines() if line.strip()), "")
    return first[:200]


def to_yaml(draft: dict) -> str:
    """The draft claim file as YAML, with a header saying what to review."""
    header = ("# Draft claim file written by `evidence-tracker extract`. Review every claim: keep\n"
              "# the checkable ones, fix kind and PICO fields, refine each query, and add url,\n"
              "# publisher and retrieved (YYYY-MM-DD). Quotes are verbatim from the source.\n")
    return header + yaml.safe_dump(draft, sort_keys=False, allow_unicode=True, width=100)
