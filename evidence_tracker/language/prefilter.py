"""A fast first pass: which rules could match where, from the literal text their matches start with.

Python's `re` tries every alternative of a big pattern at every position, which is too slow for
a few hundred alternatives. Instead, the literal prefixes every match of a rule must start with
are read from the parsed pattern, merged into one trie-shaped pattern (`re` walks a trie one
character at a time), and only the rules whose prefix occurs are run, only on those sentences.
The prefixes are sound, never guessed: a rule whose matches may start with anything (a prefix
cannot be derived) is simply run everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

try:  # the parser behind `re`, public as sre_parse until 3.11 and re._parser since
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse  # type: ignore[no-redef]

_LENGTH = 8  # longest prefix kept; long enough to tell "the treatment" from "the"
_MAX = 4000  # more prefixes than this for one rule: keep shorter ones
_MEMO = 200_000  # heads remembered per prefilter (a few MB at most)
_C = sre_parse  # opcodes live on the parser module's constants


@dataclass(frozen=True, eq=False)  # hashed by identity, for the cache
class Prefilter:
    """`pattern` finds positions where some rule may start; `rules_by_prefix` says which
    (a prefix's rules include those of every shorter prefix it starts with)."""

    pattern: re.Pattern
    rules_by_prefix: dict[str, frozenset[int]]
    everywhere: frozenset[int]  # rules without a usable prefix

    heads: dict[str, frozenset[int]] = field(default_factory=dict)  # memo of `_rules_at`

    def candidates(self, text: str) -> dict[int, frozenset[int]]:
        """Start offset -> indices of the rules that may match there."""
        hits: dict[int, frozenset[int]] = {}
        lower, heads, rules_at = text.lower(), self.heads, self._rules_at
        if len(lower) != len(text):  # "İ" lowers to two characters: offsets would drift
            lower = None
        for start in (m.start() for m in self.pattern.finditer(text)):
            head = (lower[start:start + _LENGTH] if lower is not None
                    else text[start:start + _LENGTH].lower())
            found = heads.get(head)
            if found is None:
                found = rules_at(head)
            if found:
                hits[start] = found
        return hits

    def _rules_at(self, head: str) -> frozenset[int]:
        """Rules with a prefix that `head` (the lower-cased text at a position) starts with:
        those of its longest known prefix, which already hold the shorter ones' (see `build`);
        remembered up to `_MEMO` heads, as a plain dict is the hot path of a lint run."""
        by_prefix = self.rules_by_prefix
        rules = next((by_prefix[head[:k]] for k in range(len(head), 0, -1)
                      if head[:k] in by_prefix), frozenset())
        if len(self.heads) < _MEMO:
            self.heads[head] = rules
        return rules


def build(patterns: list[str], flags: int) -> Prefilter:
    """A prefilter for `patterns` (one per rule, in rule order) compiled with `flags`."""
    by_prefix: dict[str, set[int]] = {}
    everywhere = set()
    for index, pattern in enumerate(patterns):
        found = prefixes(pattern, flags)
        if found is None:
            everywhere.add(index)
            continue
        for prefix in found:
            by_prefix.setdefault(prefix, set()).add(index)
    shape = trie(sorted(by_prefix)) if by_prefix else "(?!)"
    closed = {p: frozenset().union(*(by_prefix.get(p[:k], ()) for k in range(1, len(p) + 1)))
              for p in by_prefix}  # each prefix's rules and those of its own shorter prefixes
    return Prefilter(re.compile(rf"(?<!\w)(?=(?:{shape}))", re.I), closed, frozenset(everywhere))


def prefixes(pattern: str, flags: int) -> set[str] | None:
    """Lower-case strings one of which starts every match of `pattern`; None if unknown."""
    try:
        tree = sre_parse.parse(pattern, flags)
        found = {p for p, _ in _sequence(list(tree))}
    except Exception:  # noqa: BLE001 - an unreadable tree only costs speed, never a match
        return None
    return None if "" in found else found


def _sequence(items: list) -> set[tuple[str, bool]]:
    """(prefix, still open) pairs for a sequence of parsed items."""
    current = {("", True)}
    for item in items:
        options = _item(*item)
        grown = set()
        for prefix, open_ in current:
            if not open_:
                grown.add((prefix, False))
                continue
            for text, complete in options:
                joined = prefix + text
                grown.add((joined[:_LENGTH], complete and len(joined) < _LENGTH))
        current = grown if len(grown) <= _MAX else _shorten(grown)
    return current


def _shorten(found: set[tuple[str, bool]]) -> set[tuple[str, bool]]:
    """`found` cut to the longest prefixes that number at most `_MAX` (closed: a cut prefix is
    still sound, only less selective). Cutting straight to 3 characters made "the " and "an"
    candidates for the biggest rules, a quarter of a lint run's work."""
    for size in range(_LENGTH - 1, 2, -1):
        cut = {(p[:size], False) for p, _ in found}
        if len(cut) <= _MAX:
            return cut
    return {(p[:3], False) for p, _ in found}


def _item(op, arg) -> set[tuple[str, bool]]:
    if op is _C.LITERAL:
        return {(chr(arg).lower(), True)}
    if op is _C.CATEGORY and arg is _C.CATEGORY_DIGIT:
        return {(d, True) for d in "0123456789"}
    if op is _C.IN:
        chars = _charset(arg)
        return {(c, True) for c in chars} if chars else {("", False)}
    if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
        return {("", True)}  # zero width: ignoring the condition stays sound
    if op is _C.SUBPATTERN:
        return _sequence(list(arg[-1]))
    if op is _C.BRANCH:
        return set().union(*(_sequence(list(b)) for b in arg[1]))
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT):
        low, high, sub = arg
        # at most once ("(?:the )?"): what follows still extends the prefix ("the most")
        once = {(p, complete and high == 1) for p, complete in _sequence(list(sub))}
        return once | {("", True)} if low == 0 else once
    return {("", False)}


def _charset(arg) -> set[str]:
    """The characters of a small positive character class, or an empty set."""
    chars: set[str] = set()
    for op, value in arg:
        if op is _C.LITERAL:
            chars.add(chr(value).lower())
        elif op is _C.RANGE and value[1] - value[0] < 12:
            chars |= {chr(c).lower() for c in range(value[0], value[1] + 1)}
        elif op is _C.CATEGORY and value is _C.CATEGORY_DIGIT:
            chars |= set("0123456789")
        else:
            return set()
    return chars


def trie(words: list[str]) -> str:
    """One pattern matching any of the literal `words`, shaped as a trie so `re` tests a
    character at a time (also used by `detectors` for its word-class gates)."""
    tree: dict = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _emit(tree)


def _emit(node: dict) -> str:
    branches = [re.escape(ch) + _emit(child) for ch, child in sorted(node.items()) if ch]
    if "" in node:
        return "" if not branches else "(?:" + "|".join(branches) + ")?"
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
