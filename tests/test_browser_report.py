"""The HTML report in a real browser: Debian's Chromium, headless, driven by Playwright.

Two offline runs of the shipped claims (clock injected) go into a temp dir; the tests then open
the newest report and the run index, and assert on the DOM: rows, filters, sorting, keyboard
focus on flags, no console errors, no request but the file itself, readable without JavaScript.
Screenshots go to test-artifacts/ (gitignored); `report.png` there is the README's picture.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest
from Bio import Entrez
from playwright.sync_api import sync_playwright

from evidence_tracker.config import Settings
from evidence_tracker.runner import run_audit
from tests.conftest import REPO

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "test-artifacts"
HANDOUT = "handout-dry-needling-neck-low-back"
SEED = "dry-needling-evidence-based-truth"


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """Two offline runs of the shipped claims a day apart; returns the reports folder."""
    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(REPO / "claims", root / "claims")
    settings = Settings(claims=(str(root / "claims"),), out=str(root / "reports"),
                        source="library", library=(str(root / "claims" / "library"),))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Entrez, "local_cache", str(root / "entrez-cache"))
        for day in (23, 24):
            when = datetime(2026, 11, day, 6, 0, tzinfo=timezone.utc)
            run_audit(settings, clock=lambda: when, echo=lambda _: None)
    return root / "reports"


@pytest.fixture(scope="module")
def report(reports) -> dict:
    return json.loads((reports / "latest" / "report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def open_page(browser, path: Path, javascript: bool = True):
    """A page on `path` that records console errors and every request, and blocks the network."""
    context = browser.new_context(viewport={"width": 1280, "height": 1500},
                                  java_script_enabled=javascript)
    page = context.new_page()
    page.errors, page.requests = [], []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: page.requests.append(r.url))
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                  else route.abort())
    page.goto(path.resolve().as_uri())
    return page


@pytest.fixture()
def page(browser, reports):
    page = open_page(browser, reports / "latest" / "index.html")
    yield page
    page.context.close()


def visible_rows(page) -> list[dict]:
    return page.eval_on_selector_all(
        "#claims-table tbody tr:not([hidden])",
        "rows => rows.map(r => ({verdict: r.dataset.verdict, kind: r.dataset.kind,"
        " document: r.dataset.document, rank: +r.cells[3].dataset.value,"
        " records: +r.cells[6].dataset.value}))")


def all_claims(report: dict) -> list[dict]:
    return [c | {"document": d["id"]} for d in report["documents"] for c in d["claims"]]


def test_summary_table_has_one_row_per_claim_linking_to_its_details(page, report):
    claims = all_claims(report)
    assert len(claims) == 19
    links = page.eval_on_selector_all("#claims-table tbody tr td:first-child a",
                                      "links => links.map(a => a.getAttribute('href'))")
    assert links == [f"#claim-{c['document']}-{c['id']}" for c in claims]
    for href in links:
        assert page.locator(f"article{href}").count() == 1
    assert page.locator("#claims-table tbody tr").first.locator("td").nth(1).inner_text() \
        == "What Is Dry Needling?"
    assert "Select a column heading" in page.locator("#claims-table caption").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"))


def test_filters_by_verdict_kind_and_document(page, report):
    claims = all_claims(report)
    verdict, _ = Counter(c["verdict"] for c in claims).most_common(1)[0]
    page.select_option("select[data-filter=verdict]", verdict)
    rows = visible_rows(page)
    assert len(rows) == sum(c["verdict"] == verdict for c in claims) > 1
    assert {r["verdict"] for r in rows} == {verdict}
    assert page.inner_text("#filter-status") == f"Showing {len(rows)} of 19 claims."
    page.select_option("select[data-filter=verdict]", "")
    page.select_option("select[data-filter=kind]", "comparative")
    page.select_option("select[data-filter=document]", HANDOUT)
    rows = visible_rows(page)
    expected = [c for c in claims if c["kind"] == "comparative" and c["document"] == HANDOUT]
    assert len(rows) == len(expected) == 2
    assert {(r["kind"], r["document"]) for r in rows} == {("comparative", HANDOUT)}
    page.select_option("select[data-filter=kind]", "")
    page.select_option("select[data-filter=document]", "")
    assert len(visible_rows(page)) == 19


def test_sorting_by_keyboard_and_click(page):
    button = page.locator("#claims-table th button", has_text="Verdict")
    button.focus()
    page.keyboard.press("Enter")
    ranks = [r["rank"] for r in visible_rows(page)]
    assert ranks == sorted(ranks) and ranks[0] < ranks[-1]
    assert page.get_attribute("#claims-table th:nth-child(4)", "aria-sort") == "ascending"
    button.click()
    assert [r["rank"] for r in visible_rows(page)] == sorted(ranks, reverse=True)
    page.locator("#claims-table th button", has_text="Records").click()
    records = [r["records"] for r in visible_rows(page)]
    assert records == sorted(records) and records[0] < records[-1]
    assert page.get_attribute("#claims-table th:nth-child(4)", "aria-sort") is None


def test_flags_are_reached_with_tab_and_show_their_message(page, report):
    findings = {d["id"]: d["findings"] for d in report["documents"]}[SEED]
    page.focus(f"#doc-{SEED}-flags + p > a[href='#rules-h']")  # the last link before the text
    for _ in range(2):
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("document.activeElement")
        assert focused.evaluate("e => e.matches('mark.flag[tabindex=\"0\"]')")
        tip = page.locator(f"#{focused.get_attribute('aria-describedby')}")
        assert tip.is_visible()
        words = focused.evaluate("e => e.firstChild.textContent")
        assert any(f["message"] in tip.inner_text() and words in f["text"] for f in findings)
    page.locator("body").click(position={"x": 5, "y": 5})
    assert not page.locator("mark.flag .tip").first.is_visible()
    page.locator("mark.flag").first.focus()
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(f"#doc-{SEED}-flags").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "report-flag-focus.png"))


def test_report_reads_like_its_data(page, report):
    handout = {d["id"]: d for d in report["documents"]}[HANDOUT]
    retracted = page.locator(f"#claim-{HANDOUT}-celecoxib-acl-recovery tr.retracted td a")
    assert retracted.evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    entry = page.locator(f"#records tr{retracted.get_attribute('href')}.retracted")
    assert entry.locator("cite").evaluate("e => getComputedStyle(e).textDecorationLine") \
        == "line-through"
    assert "Retracted." in entry.inner_text()
    statuses = page.eval_on_selector_all(f"#doc-{HANDOUT} table.references td:nth-child(3) .chip",
                                         "chips => chips.map(c => c.textContent)")
    assert len(statuses) == len(handout["references"]) and "retracted" in statuses
    legend = page.locator(f"#doc-{SEED} ul.legend li").all_inner_texts()
    assert sum(int(t.rsplit(" ", 1)[1]) for t in legend) == \
        sum(not f["accepted"] for f in {d["id"]: d for d in report["documents"]}[SEED]["findings"])
    first = all_claims(report)[0]
    overclaim = page.locator("#claims-table tbody tr").first.locator("td:nth-child(6) .chip")
    assert first["overclaim"] and "overclaim." not in overclaim.first.inner_text()
    rule = page.locator(f"#claim-{first['document']}-{first['id']} a.rule").first
    assert rule.inner_text() == first["overclaim"][0]
    assert page.locator(f"dt[id='{rule.get_attribute('href')[1:]}']").is_visible()
    assert page.locator(f"#claim-{SEED}-deactivates-trigger-points mark.quote").inner_text() \
        == "Deactivates active and latent trigger points"


def test_a_claims_pmid_reaches_the_records_entry_by_keyboard(page, report):
    claim = next(c for c in all_claims(report) if c["document"] == SEED
                 and c["id"] == "deactivates-trigger-points")
    shown = page.locator(f"#claim-{SEED}-deactivates-trigger-points table.evidence tbody tr")
    assert shown.count() >= 1
    link = shown.first.locator("td a")
    pmid = link.inner_text().removeprefix("PMID ")
    record = next(r for r in claim["records"] if r["pmid"] == pmid)
    link.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == f"#pmid-{pmid}"
    entry = page.locator(f"#pmid-{pmid}")
    assert entry.evaluate("e => e.matches(':target') && e.closest('section').id") == "records"
    assert entry.locator("cite").inner_text() == record["title"]
    assert entry.evaluate("e => { const r = e.getBoundingClientRect();"
                          " return r.top >= 0 && r.top < innerHeight; }")
    page.keyboard.press("Tab")  # keyboard focus goes on from the entry, to its PubMed link
    assert page.evaluate("document.activeElement.href") == f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-record-entry.png"))


def test_every_record_once_and_every_fragment_link_has_its_target(page, report):
    pmids = {r["pmid"] for c in all_claims(report) for r in c["records"]}
    ids = page.eval_on_selector_all("#records [id^='pmid-']", "es => es.map(e => e.id)")
    assert sorted(ids) == sorted(f"pmid-{p}" for p in pmids)
    titles = {r["title"] for c in all_claims(report) for r in c["records"]}
    listed = page.locator("#records").inner_text()
    claims = "".join(page.locator("article.claim").all_inner_texts())
    assert all(listed.count(t) == 1 and t not in claims for t in titles)
    dangling = page.eval_on_selector_all(
        "a[href^='#']", "as => as.map(a => a.getAttribute('href'))"
        ".filter(h => h.length > 1 && !document.getElementById(h.slice(1)))")
    assert dangling == []


def test_landmarks_and_heading_order(page):
    levels = page.eval_on_selector_all("h1, h2, h3, h4, h5, h6", "hs => hs.map(h => +h.tagName[1])")
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:]))
    for landmark in ("body > header", "main#main", "body > footer", "nav[aria-label]"):
        assert page.locator(landmark).count() == 1
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    assert page.locator("a.skip").is_visible()


def test_no_console_errors_and_no_request_but_the_file(page, reports):
    page.select_option("select[data-filter=verdict]", "mixed")
    page.locator("#claims-table th button", has_text="Level").click()
    page.locator("mark.flag").first.focus()
    page.locator("details > summary").first.click()
    assert page.errors == []
    assert page.requests == [(reports / "latest" / "index.html").resolve().as_uri()]


def test_readable_without_javascript(browser, reports, report):
    page = open_page(browser, reports / "latest" / "index.html", javascript=False)
    try:
        assert page.locator("#claims-table tbody tr:visible").count() == 19
        assert not page.locator("#filters").is_visible()
        assert "Select a column heading" not in page.locator("#claims-table caption").inner_text()
        assert page.locator("article.claim").count() == 19
        assert page.locator("mark.flag").count() > 0
        assert page.locator("mark.flag .tip").first.is_hidden()
        assert page.errors == []
    finally:
        page.context.close()


def test_print_hides_controls(page):
    page.emulate_media(media="print")
    assert not page.locator("#filters").is_visible()
    assert not page.locator("nav.toc").is_visible()
    assert page.locator("article.claim").first.is_visible()
    assert page.locator("#records table.records").is_visible()
    assert page.locator("#rules dl.rules").is_visible()


def test_run_index_has_a_trend_and_a_row_per_run(browser, reports):
    page = open_page(browser, reports / "index.html")
    try:
        rows = page.locator("table.runs tbody tr")
        assert rows.count() == 2
        assert rows.first.locator("td").first.inner_text().startswith("2026-11-24 06:00 UTC")
        for href in rows.locator("td:first-child a").evaluate_all("a => a.map(x => x.href)"):
            assert Path(href.removeprefix("file://")).is_file()
        polylines = page.locator("svg.trend polyline")
        assert polylines.count() == 7
        assert all(len(p.split()) == 2 for p in polylines.evaluate_all(
            "ps => ps.map(p => p.getAttribute('points'))"))
        assert "2 runs" in page.locator("svg.trend title").text_content()
        assert page.errors == [] and len(page.requests) == 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "run-index.png"))
    finally:
        page.context.close()
