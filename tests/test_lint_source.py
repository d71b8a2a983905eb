"""Visible text of plain text, Markdown and HTML, and the map back to the original characters."""

import pytest

from evidence_tracker.language import lint_text
from evidence_tracker.language.markup import extract
from evidence_tracker.language.source import guess_format


def _roundtrip(original: str, fmt: str, phrase: str) -> str:
    """The original text under the visible `phrase`."""
    src = extract(original, fmt)
    start = src.text.index(phrase)
    lo, hi = src.original_span(start, start + len(phrase))
    return original[lo:hi]


def test_plain_text_maps_one_to_one():
    text = "Line one.\nDry needling releases trigger points.\n"
    src = extract(text, "text")
    assert src.text == text and _roundtrip(text, "text", "releases") == "releases"
    assert src.line_col(text.index("releases")) == (2, 14)


def test_html_hides_markup_scripts_and_head_and_decodes_entities():
    html = ("<html><head><title>T</title><style>p{}</style></head><body>\n"
            "<script>var hype = 'revolutionary';</script>\n"
            "<p>It&rsquo;s <strong>fast</strong>&nbsp;relief &amp; more</p><ul><li>One</li></ul>"
            "</body></html>")
    src = extract(html, "html")
    assert "revolutionary" not in src.text and "p{}" not in src.text and "T" not in src.text
    assert "It’s fast relief & more" in src.text and "\n• One" in src.text
    assert _roundtrip(html, "html", "It’s fast") == "It&rsquo;s <strong>fast"
    assert _roundtrip(html, "html", "fast relief") == "fast</strong>&nbsp;relief"


def test_markdown_drops_markup_but_keeps_list_markers():
    md = ("---\ntitle: x\n---\n# Heading here\n\nThe **tape** lifts [the skin](http://x.org) "
          "and `code`.\n\n- Reduces pain\n")
    src = extract(md, "markdown")
    assert "title: x" not in src.text and "#" not in src.text and "http" not in src.text
    assert "The tape lifts the skin and code." in src.text and "- Reduces pain" in src.text
    assert _roundtrip(md, "markdown", "tape lifts the skin") == "tape** lifts [the skin"


def test_findings_point_at_the_original_line_column_and_offsets():
    html = "<p>Welcome.</p>\n<ul>\n  <li>Improves <em>local</em> blood circulation</li>\n</ul>"
    [finding] = lint_text(html, path="page.html")
    assert html[finding.start:finding.end] == "Improves <em>local</em> blood circulation"
    assert (finding.line, finding.column) == (3, 7)
    assert (finding.end_line, finding.end_column) == (3, 47)  # the last character, 1-based
    assert finding.text == "Improves local blood circulation"


@pytest.mark.parametrize("path, text, fmt", [
    ("a.md", "", "markdown"), ("b.HTM", "", "html"), ("c.txt", "<html>", "text"),
    ("", "<!DOCTYPE html><p>x</p>", "html"), ("notes", "plain", "text"),
])
def test_format_is_guessed_from_suffix_then_content(path, text, fmt):
    assert guess_format(path, text) == fmt
