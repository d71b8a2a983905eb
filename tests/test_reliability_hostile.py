"""Hostile content (issue 8): script payloads in claim files, source pages, reference lists and
PubMed records (served by the fake NCBI) reach the report as text, never as markup.

The run goes through the CLI against the fake server. The report is then checked statically (no
payload script, no event-handler attribute, links only to PubMed or in-page anchors) and in
Debian's Chromium: no payload ran (`window.__pwned` unset, title unchanged, no dialog).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import yaml
from fake_eutils import FakeEutils
from markupsafe import escape as html_escape
from playwright.sync_api import sync_playwright
from test_reliability_helpers import LIBRARY, claims_by_id, latest_report, run_cli

from evidence_tracker.pubmed.library import LibrarySource

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PMID = "99000001"
MARK = "__pwned"


def payload(where: str) -> str:
    """Every markup trick at once; each sets `window.__pwned` to `where` if it ever runs."""
    js = f"window.{MARK}='{where}';document.title='pwned'"
    return (f"<script>{js}</script> <img src=x onerror=\"{js}\"> <svg onload=\"{js}\"></svg> "
            f"<a href=\"javascript:{js}\">click</a> \"><script>alert('{where}')</script> "
            f"</textarea></title><scr<script>ipt>alert(1)</script> <b><i>unclosed "
            f"<iframe srcdoc=\"<script>parent.{MARK}=1</script>\"></iframe> "
            f"<a href=\"data:text/html,<script>alert(1)</script>\">data</a>")


SOURCE = (f"Hostile page {payload('source')}\n"
          f"Dry needling cures <b onmouseover=\"window.{MARK}='quote'\">all</b> pain.\n"
          f"Dry needling is proven to be the best treatment.\n\n"
          f"References\n"
          f"1. Tough EA, White AR. {payload('reference')} Hostile needling review. Eur J Pain. "
          f"2009;13(1):3-10. doi:javascript:alert(1)\n"
          f"2. <img src=x onerror=\"window.{MARK}='ref-img'\"> Smith J. A trial. J Test. "
          f"2020;1:1-2. PMID: {PMID}\n"
          # a clean citation the fake's ECitMatch matches, so its answer is not an empty body
          f"3. Tough EA, White AR. Hostile needling review. Eur J Pain. 2009;13(1):3-10.\n")
QUOTE = f"Dry needling cures <b onmouseover=\"window.{MARK}='quote'\">all</b> pain."
HTML_SOURCE = (f"<html><head><title>Course</title><script>window.{MARK}='html'</script></head>"
               f"<body><p onclick=\"window.{MARK}='p'\">Dry needling cures everything.</p>"
               f"<a href=\"javascript:alert(1)\">more</a></body></html>\n")


def _claim_file() -> dict:
    return {
        "id": "hostile", "title": f"Hostile {payload('title')}",
        "publisher": payload("publisher"), "url": f"javascript:window.{MARK}='url'",
        "source": "sources/hostile.txt",
        "claims": [{
            "id": "cures-all-pain", "quote": QUOTE, "kind": "efficacy",
            "population": payload("population"), "outcome": payload("outcome"),
            "query": "hostile[tiab]", "notes": payload("notes"),
            "evidence": [{"pmid": PMID, "stance": "supports", "note": payload("note"),
                          "reviewer": payload("reviewer")}],
            "override": {"verdict": "insufficient", "reason": payload("override")},
        }],
        "accepted_flags": [{"rule": "hype.superlative", "quote": "best",
                            "reason": payload("accepted")}],
    }


def _hostile_record() -> bytes:
    """One real library article made hostile: title, abstract, journal, author, DOI, notice."""
    data = LIBRARY.read_bytes()
    head = data[:data.index(b"<PubmedArticleSet>")]
    article = re.search(rb"<PubmedArticle>.*?</PubmedArticle>", data, re.S).group().decode()
    article = re.sub(r"<PMID Version=\"1\">\d+</PMID>", f'<PMID Version="1">{PMID}</PMID>',
                     article, count=1)
    swaps = {
        r"<ArticleTitle>.*?</ArticleTitle>":
            f"<ArticleTitle>Hostile <i>needling</i> {escape(payload('record-title'))}"
            f"</ArticleTitle>",
        r"<AbstractText>.*?</AbstractText>":
            f"<AbstractText>{escape(payload('abstract'))} In conclusion, dry needling "
            f"reduces pain {escape(payload('conclusion'))}.</AbstractText>",
        r"<Title>.*?</Title>": f"<Title>{escape(payload('journal'))}</Title>",
        r"<LastName>White</LastName>": f"<LastName>{escape(payload('author'))}</LastName>",
        r"<PublicationType UI=\"D016454\">Review</PublicationType>":
            '<PublicationType UI="D016441">Retracted Publication</PublicationType>',
        r"<ArticleId IdType=\"pubmed\">\d+</ArticleId>":
            f'<ArticleId IdType="pubmed">{PMID}</ArticleId><ArticleId IdType="doi">'
            f"javascript:window.{MARK}='doi'</ArticleId>",
        r"<CitationSubset>IM</CitationSubset>":
            '<CitationSubset>IM</CitationSubset><CommentsCorrectionsList><CommentsCorrections '
            f'RefType="RetractionIn"><RefSource>{escape(payload("notice"))}</RefSource>'
            f"<PMID Version=\"1\">javascript:alert(1)</PMID></CommentsCorrections>"
            "</CommentsCorrectionsList>",
    }
    for pattern, replacement in swaps.items():
        article, n = re.subn(pattern, lambda _: replacement, article, count=1, flags=re.S)
        assert n == 1, pattern
    return head + b"<PubmedArticleSet>\n" + article.encode() + b"\n</PubmedArticleSet>\n"


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    """The reports folder of one CLI run over hostile claims, pages and PubMed records."""
    root = tmp_path_factory.mktemp("hostile")
    (root / "claims" / "sources").mkdir(parents=True)
    (root / "claims" / "sources" / "hostile.txt").write_text(SOURCE, encoding="utf-8")
    (root / "claims" / "sources" / "page.html").write_text(HTML_SOURCE, encoding="utf-8")
    (root / "claims" / "hostile.yaml").write_text(yaml.safe_dump(_claim_file()), "utf-8")
    (root / "claims" / "page.yaml").write_text(yaml.safe_dump({
        "id": "html-page", "title": "An HTML page", "source": "sources/page.html",
        "claims": [{"id": "cures", "quote": "Dry needling cures everything.",
                    "kind": "efficacy", "query": "hostile[tiab]"}]}), "utf-8")
    (root / "hostile.xml").write_bytes(_hostile_record())
    with FakeEutils(LibrarySource([root / "hostile.xml"])) as ncbi:
        result = run_cli("run", "--source", "pubmed", "--eutils-url", ncbi.url,
                         "--fail-on", "never", cwd=root, env={"NCBI_API_KEY": "hostile-key"})
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return root


class _Markup(HTMLParser):
    """Every script body, event-handler attribute, link and embedding tag in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts, self.handlers, self.links, self.embeds = [], [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        self.handlers += [(tag, k) for k, _ in attrs if k.startswith("on")]
        self.links += [v for k, v in attrs if k in ("href", "src", "action", "formaction")]
        if tag in ("img", "iframe", "object", "embed", "frame", "base", "form") or (
                tag == "meta" and ("http-equiv", "refresh") in attrs):
            self.embeds.append((tag, attrs))

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)

    def handle_endtag(self, tag):
        self._in_script = False


def _page(root: Path) -> str:
    return (root / "reports" / "latest" / "index.html").read_text(encoding="utf-8")


def test_the_payloads_reached_the_report_as_data(hostile_report):
    report = latest_report(hostile_report)
    claim = claims_by_id(report)["cures-all-pain"]
    assert [r["pmid"] for r in claim["records"]] == [PMID]
    assert claim["records"][0]["retracted"] and "record-title" in claim["records"][0]["title"]
    refs = next(d for d in report["documents"] if d["id"] == "hostile")["references"]
    assert len(refs) == 3 and "<script>" in refs[0]["raw"]
    page = _page(hostile_report)
    for where in ("title", "publisher", "source", "notes", "note", "reviewer", "override",
                  "accepted", "reference"):
        assert str(html_escape(f"<script>window.{MARK}='{where}'")) in page, where
    assert "Hostile <i>needling</i>" in page  # the allow-listed inline tag survives


def test_report_html_has_no_active_payload(hostile_report):
    markup = _Markup()
    markup.feed(_page(hostile_report))
    assert markup.scripts and not any(MARK in s or "alert(" in s for s in markup.scripts)
    assert markup.handlers == [] and markup.embeds == []
    allowed = re.compile(r"#[\w.-]*|https://pubmed\.ncbi\.nlm\.nih\.gov/\d+/|https://doi\.org/\S+")
    assert markup.links and all(allowed.fullmatch(link) for link in markup.links), markup.links
    assert f"https://pubmed.ncbi.nlm.nih.gov/{PMID}/" in markup.links


def test_no_payload_runs_in_a_browser(hostile_report):
    url = (hostile_report / "reports" / "latest" / "index.html").resolve().as_uri()
    dialogs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(url, wait_until="load")
            title = page.title()
            page.eval_on_selector_all("details", "els => els.forEach(d => d.open = true)")
            page.mouse.move(10, 10)
            for element in page.query_selector_all("main *")[:400]:
                element.dispatch_event("mouseover")
            page.wait_for_timeout(200)
            pwned = page.evaluate(f"() => [window.{MARK}, document.title]")
            schemes = page.eval_on_selector_all("a[href]", "as => as.map(a => a.protocol)")
        finally:
            browser.close()
    assert pwned == [None, title] and title != "pwned" and dialogs == []
    assert set(schemes) <= {"https:", "file:"}
