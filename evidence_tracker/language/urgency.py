"""The urgency detector: a deadline or dwindling stock next to a booking or buying word.

"Ends Friday", "only 3 places left", "filling fast": each cue alone is information, beside
"book", "order" or "offer" it is pressure. The word classes live in `lexicon.yaml`.
"""

from __future__ import annotations

import re

from evidence_tracker.language.lexicon import in_class, lexicon, unit_tokens

# words where the detector may fire (the prefilter's gate)
GATE = ("end", "ends", "expire", "expires", "close", "closes", "until", "till", "finishes", "only",
        "just", "last", "left", "remaining", "fast", "quickly", "out", "hurry", "full", "booked",
        "ahead", "flash", "deadline", "countdown", "week", "month", "weekend", "today")
_TIME = frozenset({"midnight", "soon", "week", "weekend", "month", "days", "hours"})


def urgency(text: str, unit: tuple[int, int], m: re.Match) -> bool:
    """A deadline or dwindling stock next to a booking or buying word, in the sentence of `m`."""
    toks = unit_tokens(text, unit)
    words = [w for w, _ in toks]
    lex = lexicon()
    commerce = any(in_class(w, "commerce") for w in words)
    if re.search(r"\b(?:ends|closes|expires) in \d+[:h]", text[unit[0]:unit[1]], re.I):
        return True  # a countdown needs no booking word beside it
    return commerce and any(_pressure(words, k, lex) for k in range(len(words)))


def _pressure(words: list[str], k: int, lex: dict) -> bool:
    """Whether `words[k]` starts a deadline or scarcity cue."""
    w, nxt = words[k], words[k + 1:k + 6]
    prev = words[k - 1] if k else ""
    time = lex["weekdays"] | lex["weak_pressure"] | _TIME
    if w in {"end", "ends", "expire", "expires", "close", "closes", "until", "till", "finishes"}:
        return any(x in time or x[:1].isdigit() for x in nxt)
    if w in {"only", "just", "last"}:  # "only 10 places", "we only take on 10 families"
        return bool(nxt) and (nxt[0] in {"few", "handful", "chance"}
                              or w != "last" and any(x[:1].isdigit() for x in nxt[:4]))
    if w in {"full", "booked"}:
        return prev in {"almost", "nearly", "fully", "virtually", "practically"} or (
            nxt[:1] == ["up"])
    if w in {"left", "remaining"}:
        return prev[:1].isdigit() or prev in {"few", "stock", "places", "spots", "slots"}
    if w in {"fast", "quickly", "out", "ahead", "flash"}:
        return prev in {"going", "selling", "filling", "sell", "fill", "go", "up", "sold",
                        "running", "book", "books", "booked", "booking", "weeks", "months", "a"}
    if w in {"hurry", "deadline", "countdown"}:
        return True
    return w in {"week", "month", "weekend", "today"} and bool(nxt) and nxt[0] == "only"


__all__ = ["GATE", "urgency"]
