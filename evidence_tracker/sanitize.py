"""Make untrusted inline markup (PubMed titles, abstracts, page text) safe to show.

PubMed titles and abstracts carry real HTML and MathML (`<i>`, `<sub>`, `<math>`). We keep a small
allow-list of inline tags with no attributes and drop everything else (the text of unknown tags
stays; scripts and styles go with their content), using nh3 (the Ammonia sanitiser).
"""

from __future__ import annotations

import re

import nh3
from markupsafe import Markup

ALLOWED_TAGS = {"i", "b", "sub", "sup", "em", "strong", "u"}
_MATHML = re.compile(r"<math\b.*?</math>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")


def _math_as_text(match: re.Match) -> str:
    # Ammonia drops MathML with its content; keep the formula readable as plain text instead.
    return " ".join(_TAG.sub(" ", match.group()).split())


def safe_inline(text: str) -> Markup:
    """`text` with only allow-listed inline tags kept, as Markup the templates print as is."""
    text = _MATHML.sub(_math_as_text, text or "")
    return Markup(nh3.clean(text, tags=ALLOWED_TAGS, attributes={}, url_schemes=set(),
                            link_rel=None, strip_comments=True))
