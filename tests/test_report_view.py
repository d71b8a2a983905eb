"""The report's view model (pure) and the run index's: labels, ordering, context, and rendering."""

from __future__ import annotations

import re

from markupsafe import escape

from evidence_tracker.claims import VERDICTS
from evidence_tracker.grading import STANDARDS_NOTE
from evidence_tracker.report.labels import RULE_DESCRIPTIONS
from evidence_tracker.report.render import template_env
from evidence_tracker.report.runs import history_lines, runs_view
from evidence_tracker.report.view import quote_context, report_view, short_title, when
from evidence_tracker.store import RunRow

TEXT = "Title line\n\nIntro sentence.\n  • Needling cures pain fast\n\n  • Second bullet\nEnd."


def record(pmid: str, level: int | None, year: int, retracted: bool = False,
           notices: tuple = (), title: str = "A study") -> dict:
    return {"pmid": pmid, "title": title, "journal": "J Test", "journal_iso": "J Test",
            "year": year, "level": level, "design": "rct", "species": "human",
            "direction": "favourable", "conclusion": ["It helped."], "retracted": retracted,
            "retraction_notices": list(notices)}


def stance(pmid: str, effective: str, curated: str = "", note: str = "") -> dict:
    return {"pmid": pmid, "automatic": "supports", "curated": curated, "effective": effective,
            "note": note}


def claim(cid: str = "cures-pain", **over) -> dict:
    base = {
        "id": cid, "quote": "Needling cures pain fast", "kind": "efficacy", "line": 4, "column": 5,
        "status": "checked", "reason": "", "query": "q", "query_built": False, "count": 5,
        "stale": False, "as_of": "", "phrases_not_found": [], "query_translation": "",
        "records": [record("1", 4, 2010), record("2", 1, 2015), record("3", 1, 2020),
                    record("4", 2, 2019, retracted=True, notices=("99", "bad\"id")),
                    record("5", 1, 2021, title="<i>Off</i> topic<script>x()</script>")],
        "stances": [stance("1", "supports"), stance("2", "mixed"), stance("3", "supports"),
                    stance("4", "supports"), stance("5", "not_relevant"),
                    stance("77", "contradicts", curated="contradicts", note="critique")],
        "curated_evidence": [{"pmid": "77", "stance": "contradicts", "note": "critique",
                              "reviewer": "AB", "date": "2026-01-02"}],
        "verdict": "partly_supported", "evidence_level": 1,
        "overclaim": ["overclaim.strong_without_high_level", "overclaim.brand_new_rule"],
        "basis": [{"rule": "verdict.partly_supported.caveats", "pmids": ["3", "2"],
                   "levels": [1, 1], "directions": ["favourable", "mixed"],
                   "stances": ["supports", "mixed"], "sentences": ["It helped."]},
                  {"rule": "overclaim.strong_without_high_level", "pmids": ["3"]},
                  {"rule": "verdict.excluded.retracted", "pmids": ["4"],
                   "sentences": ["PMID 4 is retracted and does not count."]}],
        "wording": {"strength": "strong", "rule": "wording.absolute", "cue": "cures"},
        "standards_note": "", "computed_verdict": "partly_supported", "override_reason": "",
        "notes": "Checked by hand.",
    }
    return base | over


def document(did: str, title: str, claims: list[dict], **over) -> dict:
    return {"id": did, "title": title, "url": "", "publisher": "", "retrieved": "",
            "source": f"sources/{did}.txt", "warnings": [], "claims": claims, "findings": [],
            "references": []} | over


def report(documents: list[dict], changes: dict | None = None, **over) -> dict:
    return {"run": {"id": "r2", "started": "2026-11-24T06:00:00+00:00",
                    "finished": "2026-11-24T06:00:09+00:00"},
            "tool": {"name": "evidence-tracker", "version": "0"},
            "source": {"kind": "library", "detail": "lib.xml", "stale": False, "as_of": "",
                       "notes": []},
            "pubmed_failures": [], "problems": [],
            "summary": {"documents": len(documents), "claims": 1, "checked": 1, "not_checked": 0,
                        "verdicts": {v: 0 for v in VERDICTS} | {"partly_supported": 1},
                        "overclaims": 1, "findings": {}, "references": {}},
            "documents": documents, "changes": changes or {"first_run": True}} | over


def assert_links_land(html: str) -> None:
    """Every in-page link of `html` has its target."""
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert targets and all(f'id="{t}"' in html for t in targets), targets


def test_short_title_keeps_the_first_clause_or_cuts_at_a_word():
    assert short_title("What Is Dry Needling? Evidence-Based Truth Every Physio Must Know") \
        == "What Is Dry Needling?"
    assert short_title("Dry needling for neck pain: what the evidence says") \
        == "Dry needling for neck pain"
    assert short_title("A very long title without any punctuation that goes on and on") \
        == "A very long title without any…"
    assert short_title("Short") == "Short"


def test_quote_context_at_the_recorded_place_with_neighbouring_lines():
    context = quote_context(TEXT, 4, 5, "Needling cures pain fast")
    assert context == {"previous": "Intro sentence.", "before": "• ",
                       "quote": "Needling cures pain fast", "after": "",
                       "next": "• Second bullet"}
    assert quote_context(TEXT, 99, 1, "Second bullet")["previous"] == "• Needling cures pain fast"
    assert quote_context(TEXT, 1, 1, "not there") is None
    long_line = "word " * 100
    assert quote_context(f"{long_line}\nQuote.", 2, 1, "Quote.")["previous"].endswith(" …")


def test_best_counted_evidence_first_retracted_struck_through_the_rest_folded():
    view = report_view(report([document("d", "Doc", [claim()])]), {"d": TEXT}, {})
    shown = view["claims"][0]
    assert [r["pmid"] for r in shown["records"]] == ["3", "2", "1", "4"]
    assert [r["retracted"] for r in shown["records"]] == [False, False, False, True]
    assert [r["href"] for r in shown["records"]] == ["#pmid-3", "#pmid-2", "#pmid-1", "#pmid-4"]
    assert shown["other_records"] == ["5"]
    assert [s["pmid"] for s in shown["unretrieved"]] == ["77"]
    assert shown["unretrieved"][0]["href"] == "https://pubmed.ncbi.nlm.nih.gov/77/"
    assert (shown["relevant_count"], shown["record_count"]) == (4, 5)
    assert shown["context"]["quote"] == "Needling cures pain fast"
    entries = {e["pmid"]: e for e in view["records"]}
    assert entries["4"]["notice_links"] == ["https://pubmed.ncbi.nlm.nih.gov/99/"]
    assert str(entries["5"]["title_html"]) == "<i>Off</i> topic"


def test_each_record_is_listed_once_in_pmid_order_with_its_conclusion_if_it_counts():
    second = claim("second", quote="Second bullet", line=6, column=5,
                   records=[record("3", 1, 2020), record("10", None, 2001), record("1", 4, 2010)],
                   stances=[stance("3", "not_relevant"), stance("10", "not_relevant"),
                            stance("1", "supports")])
    view = report_view(report([document("d", "Doc", [claim(), second])]), {"d": TEXT}, {})
    assert [e["pmid"] for e in view["records"]] == ["1", "2", "3", "4", "5", "10"]
    assert [e["anchor"] for e in view["records"]][:2] == ["pmid-1", "pmid-2"]
    assert [e["pmid"] for e in view["shown_records"]] == ["1", "2", "3", "4"]
    assert [e["pmid"] for e in view["other_records"]] == ["5", "10"]
    entries = {e["pmid"]: e for e in view["records"]}
    assert [str(s) for s in entries["3"]["conclusion_html"]] == ["It helped."]
    assert entries["10"]["conclusion_html"] == [] and entries["10"]["level"] == "none"
    assert view["claims"][1]["other_records"] == ["3", "10"]
    html = template_env().get_template("report.html").render(**view)
    assert html.count("A study") == 5  # five records titled so, two claims: once each
    assert html.count("It helped.") == 4  # the four records shown in an evidence table
    for pmid in entries:
        assert html.count(f'id="pmid-{pmid}"') == 1
    assert html.count('href="#pmid-1"') == 2 and html.count('href="#pmid-10"') == 0
    assert_links_land(html)


def test_overclaims_and_basis_in_words_with_their_ids_kept():
    shown = report_view(report([document("d", "Doc", [claim()])]), {"d": TEXT}, {})["claims"][0]
    known, new = shown["overclaims"]
    assert known["label"] == "strong wording, weaker evidence"
    assert known["href"] == "#rule-overclaim.strong_without_high_level"
    assert new["label"] == "brand new rule" and new["href"] == "#rule-overclaim.brand_new_rule"
    assert [b["rule"] for b in shown["basis"]] == ["verdict.partly_supported.caveats",
                                                  "verdict.excluded.retracted"]
    assert shown["basis"][0]["label"].startswith("Favourable level 1-2 evidence")
    assert shown["basis"][0]["detail"] == []
    assert shown["basis"][1]["detail"] == ["PMID 4 is retracted and does not count."]
    assert [(e["pmid"], e["href"], e["in_table"]) for e in shown["basis"][0]["evidence"]] == \
        [("3", "#pmid-3", True), ("2", "#pmid-2", True)]
    assert (shown["verdict_label"], shown["verdict_css"]) == ("Partly supported",
                                                             "verdict-partly-supported")


def test_documents_get_short_distinct_labels_and_changes_name_claims_by_quote():
    down = claim("down", status="not_checked", reason="PubMed search failed: timeout",
                 verdict="not_checked", records=[], stances=[])
    other = claim("other", status="not_checked", reason="PubMed search failed: timeout",
                  verdict="not_checked", records=[], stances=[], quote="Second bullet")
    changes = {"previous_run": "r1", "first_run": False, "nothing_changed": False,
               "new_records": [], "claims_added": [], "claims_removed": [],
               "verdict_changes": [{"document_id": "a", "claim_id": "down",
                                    "before": "supported", "after": "not_checked"}],
               "references_changed": [{"document_id": "b", "raw": "Ref", "before": "verified",
                                       "after": "retracted", "newly_retracted": True}],
               "documents_changed": [],
               "not_checked": [{"document_id": "a", "claim_id": c, "reason": "PubMed search "
                                "failed: timeout"} for c in ("down", "other")]}
    data = report([document("a", "Same title: one", [down, other]),
                   document("b", "Same title: two", [])], changes,
                  pubmed_failures=["timeout", "timeout", "refused"])
    view = report_view(data, {"a": TEXT}, {})
    assert [d["label"] for d in view["documents"]] == ["Same title (1)", "Same title (2)"]
    moved = view["changes"]["verdict_changes"][0]
    assert (moved["label"], moved["anchor"]) == ("Needling cures pain fast", "claim-a-down")
    assert (moved["before_v"]["label"], moved["after_v"]["label"]) == ("Supported", "Not checked")
    assert view["changes"]["references_changed"][0]["after_label"] == "retracted"
    (group,) = view["changes"]["not_checked_by_reason"]
    assert [c["label"] for c in group["claims"]] == ["Needling cures pain fast", "Second bullet"]
    assert view["pubmed_failures"] == ["timeout", "refused"]
    html = template_env().get_template("report.html").render(**view)
    assert html.count("<article") == 2 and "Same title (2)" in html
    assert view["records"] == [] and 'id="records' not in html
    assert_links_land(html)


def test_report_renders_and_prints_the_labels_not_the_ids():
    data = report([document("d", "Doc", [claim(standards_note=STANDARDS_NOTE)])])
    html = template_env().get_template("report.html").render(**report_view(data, {"d": TEXT}, {}))
    assert '<dt id="rule-overclaim.strong_without_high_level">' in html
    assert html.count(escape(RULE_DESCRIPTIONS["overclaim.strong_without_high_level"])) == 1
    assert ">strong wording, weaker evidence</span>" in html
    assert html.count(STANDARDS_NOTE) == 1 and '(<a href="#note-standards">why</a>)' in html
    assert '<tr class="retracted">' in html and '<tr id="pmid-4" class="retracted">' in html
    assert "/99/" in html and "gov/bad" not in html
    assert '<mark class="quote">Needling cures pain fast</mark>' in html
    assert "<script>x()" not in html and "This is the first run" in html
    assert when("2026-11-24T06:00:00+00:00") == "2026-11-24 06:00 UTC"
    assert when("yesterday") == "yesterday"


def run_row(run_id: str, verdicts: dict) -> RunRow:
    summary = {"claims": sum(verdicts.values()), "verdicts": verdicts, "overclaims": 2,
               "findings": {"warning": 3}, "references": {"verified": 2, "retracted": 1}}
    return RunRow(run_id, f"2026-11-2{run_id[-1]}T06:00:00+00:00", "", "library", False, summary)


def test_run_index_counts_every_verdict_and_scales_the_trend():
    rows = [run_row("r1", {"mixed": 4, "supported": 1}), run_row("r2", {"mixed": 2})]
    view = runs_view(rows)
    assert [k for k, _ in view["verdict_keys"]] == list(VERDICTS)
    assert [r["run_id"] for r in view["runs"]] == ["r2", "r1"]
    assert view["runs"][0]["reference_problems"] == 1 and view["runs"][0]["findings"] == 3
    trend = view["trend"]
    assert trend["top"] == 4 and [t["value"] for t in trend["y_ticks"]] == [0, 2, 4]
    mixed = next(s for s in trend["series"] if s["label"] == "mixed")
    (x1, y1), (x2, y2) = mixed["points"]
    assert x1 < x2 and y1 == trend["pad"] and y2 > y1
    assert [x["text"] for x in trend["x_labels"]] == ["2026-11-21", "2026-11-22"]
    assert "mixed=4" in history_lines(rows)[0]
    html = template_env().get_template("runs.html").render(**view)
    assert html.count("<polyline") == len(VERDICTS)
    assert '"r1/index.html"' in html and '"r2/index.html"' in html


def test_csv_cells_that_would_run_as_formulas_are_quoted(tmp_path):
    from evidence_tracker.report.render import _safe_frame, claims_frame

    report = {"documents": [{"id": "d", "claims": [{
        "id": "c", "kind": "efficacy", "quote": "=HYPERLINK(\"http://x\")", "line": 1,
        "status": "checked", "reason": "", "verdict": "supported", "evidence_level": 2,
        "overclaim": [], "query": "-1+1", "count": 3, "pmids": ["1"], "stale": False}]}]}
    row = _safe_frame(claims_frame(report)).iloc[0]
    assert row["quote"] == "'=HYPERLINK(\"http://x\")" and row["query"] == "'-1+1"
    assert row["evidence_level"] == 2 and row["claim_id"] == "c"


def test_leftover_temp_folders_of_killed_runs_are_swept(tmp_path):
    import os

    from evidence_tracker.report.render import sweep_leftovers

    old, new, run = tmp_path / ".20260101T000000Z-abc", tmp_path / ".20260102T000000Z-def", \
        tmp_path / "20260101T000000Z"
    for folder in (old, new, run):
        folder.mkdir()
    os.utime(old, (0, 0))
    sweep_leftovers(tmp_path)
    assert not old.exists() and new.exists() and run.exists()
