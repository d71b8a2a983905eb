"""Finding references, inline identifiers and the claims citing them in text, Markdown and HTML."""

from __future__ import annotations

from pathlib import Path

from evidence_tracker.references.blocks import guess_format, to_blocks
from evidence_tracker.references.extract import extract_references

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
DATA = Path(__file__).resolve().parent / "data"


def by_number(refs):
    return {r.number: r for r in refs}


def test_shared_handout_entries_lines_and_claims():
    refs = extract_references((SHARED / "handout-with-references.md").read_text(), path="h.md")
    assert [(r.number, r.line) for r in refs] == [(str(n), 12 + n) for n in range(1, 9)]
    numbered = by_number(refs)
    assert numbered["6"].cited.pmid == "29952980"
    assert numbered["3"].cited.doi == "10.1016/j.jmpt.2012.10.005"
    assert [(c.line, c.text) for c in numbered["4"].claims] == [
        (7, "Dry needling deactivates trigger points by normalizing motor end-plate activity.")]
    assert numbered["1"].claims == numbered["2"].claims  # "[1][2]" cites both
    assert numbered["8"].claims[0].line == 9


def test_own_handout_apa_entries_author_year_markers_and_inline_identifiers():
    refs = extract_references((DATA / "references-handout-styles.md").read_text(), path="x.md")
    entries = [r for r in refs if not r.inline]
    assert [r.line for r in entries] == [22, 27, 29, 31, 33, 35, 37, 39, 41, 43]
    gattie = entries[0]
    assert gattie.cited.doi == "10.2519/jospt.2017.7096" and gattie.cited.journal.startswith(
        "Journal of Orthopaedic")  # the wrapped, indented lines belong to one entry
    assert [c.line for c in gattie.claims] == [7]
    assert [c.line for c in entries[4].claims] == [12]  # narrative "Hong (1994) reported ..."
    assert [c.line for c in entries[7].claims] == [16]  # "(Reuben, Ekman and Charron, 2007)"
    inline = [(r.cited.pmid or r.cited.pmcid, r.line, r.claims[0].text) for r in refs if r.inline]
    assert inline == [
        ("PMC6590623", 9, "Trigger point dry needling can be explained within a pain "
                          "neuroscience paradigm."),
        ("33948398", 13, "Acupuncture can cause a pneumothorax.")]


def test_ranges_lists_and_trailing_markers():
    text = ("Needling helps [1-3]. It is safe [1, 4]. It is cheap. [5]\n\n"
            "References\n" + "".join(f"{n}. Author A. Title {n}. J Test. 2020;{n}:1-2.\n"
                                     for n in range(1, 6)))
    refs = by_number(extract_references(text))
    assert [c.text for c in refs["1"].claims] == ["Needling helps.", "It is safe."]
    assert [c.text for c in refs["3"].claims] == ["Needling helps."]
    assert [c.text for c in refs["5"].claims] == ["It is cheap."]


def test_numbered_list_without_heading_is_the_reference_list():
    text = ("Dry needling works [2].\n\n[1] Tough EA. A title. Eur J Pain. 2009;13(1):3-10.\n"
            "[2] Cagnie B. Another title. J Manipulative Physiol Ther. 2012;35(9):685-91.\n")
    refs = extract_references(text, fmt="text")
    assert [(r.number, r.line) for r in refs] == [("1", 3), ("2", 4)]
    assert refs[1].claims[0].text == "Dry needling works."


def test_unnumbered_plain_text_list_one_entry_per_line_and_wrapped_lines_joined():
    text = ("Bibliography:\n"
            "Tough EA, White AR. Acupuncture and dry needling. Eur J Pain.\n"
            "2009;13(1):3-10.\n"
            "Cagnie B, Barbe T. The influence of dry needling. J Manipulative Physiol Ther. "
            "2012;35(9):685-91.\n"
            "doi:10.1016/j.jmpt.2012.10.005\n")
    refs = extract_references(text, fmt="text")
    assert [(r.line, r.cited.year) for r in refs] == [(2, "2009"), (4, "2012")]
    assert refs[1].cited.doi == "10.1016/j.jmpt.2012.10.005"


def test_html_visible_text_ordered_list_sup_markers_and_link_targets():
    html = """<html><head><title>PMID: 1</title><script>var x = "[9] PMID: 2";</script></head>
<body><h1>Dry needling</h1>
<p>Dry needling reduces pain<sup>1,2</sup>. It increases
blood flow <a href="#r3">[3]</a>.</p>
<h2>References</h2>
<ol>
<li>Tough EA. Acupuncture and dry needling. Eur J Pain. 2009;13(1):3-10.</li>
<li>Cerezo-T&eacute;llez E. Effectiveness of dry needling. Pain. 2016;157(9):1905-17.</li>
<li>Cagnie B. The influence of dry needling.
  <a href="https://pubmed.ncbi.nlm.nih.gov/23206963/">PubMed</a></li>
</ol></body></html>"""
    refs = extract_references(html, path="page.html")
    assert [(r.number, r.line) for r in refs] == [("1", 7), ("2", 8), ("3", 9)]
    assert refs[1].cited.authors == ("Cerezo-Téllez E",)
    assert refs[2].cited.pmid == "23206963"
    assert [(c.line, c.text) for c in refs[2].claims] == [(3, "It increases blood flow.")]
    assert refs[0].claims[0].text == "Dry needling reduces pain."


def test_inline_identifier_matching_an_entry_adds_a_claim_instead_of_a_reference():
    text = ("Blood flow rises after needling (doi:10.1016/j.jmpt.2012.10.005).\n\n## References\n"
            "- Cagnie B. The influence of dry needling. J Manipulative Physiol Ther. "
            "2012;35(9):685-91. https://doi.org/10.1016/j.jmpt.2012.10.005\n")
    refs = extract_references(text, path="notes.md")
    assert len(refs) == 1 and refs[0].claims[0].text == "Blood flow rises after needling."


def test_markdown_links_emphasis_and_guessing_the_format():
    blocks = to_blocks("See **[Cagnie 2012](https://doi.org/10.1016/j.jmpt.2012.10.005)** "
                       "and [1](#ref1).", "markdown")
    assert blocks[0].text == "See Cagnie 2012 https://doi.org/10.1016/j.jmpt.2012.10.005 and [1]."
    assert guess_format("a.HTML", "") == "html" and guess_format("", "<!DOCTYPE html><p>") == "html"
    assert guess_format("notes.txt", "<p>") == "text" and guess_format("a.md", "") == "markdown"


def test_html_paragraph_entries_with_typed_numbers():
    html = ("<h2>References</h2><p>1. Tough EA. Acupuncture and dry needling. Eur J Pain. "
            "2009;13(1):3-10.</p>\n<ol><li>[2] Cagnie B. The influence. J Manipulative Physiol "
            "Ther. 2012;35(9):685-91.</li></ol>")
    refs = extract_references(html, fmt="html")
    assert [(r.number, r.line, r.cited.authors) for r in refs] == [
        ("1", 1, ("Tough EA",)), ("2", 2, ("Cagnie B",))]


def test_blank_line_separated_entries_are_one_paragraph_each():
    text = ("References\n\nTough EA, White AR. Acupuncture and dry needling in the management of "
            "myofascial trigger point pain.\nEur J Pain. 2009;13(1):3-10.\n\n"
            "Cagnie B, Barbe T. The influence of dry needling. J Manipulative Physiol Ther.\n"
            "2012;35(9):685-91.\n")
    refs = extract_references(text, fmt="text")
    assert [(r.line, r.cited.journal, r.cited.year) for r in refs] == [
        (3, "Eur J Pain", "2009"), (6, "J Manipulative Physiol Ther", "2012")]
