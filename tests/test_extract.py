"""`evidence-tracker extract`: a draft claim file the loader accepts unchanged, finding the
labelled checkable claims of the seed and the development set."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from evidence_tracker.claimfile import find_quote, load_claim_file
from evidence_tracker.cli import main
from evidence_tracker.language.extract import draft_claim_file, guess_title

REPO = Path(__file__).resolve().parents[1]
SEED_SOURCE = REPO / "claims" / "sources" / "dry-needling-evidence-based-truth.txt"
SEED_CLAIMS = REPO / "claims" / "dry-needling-evidence-based-truth.yaml"
DEV = Path(__file__).parent / "lint_dev"
TARGET = 0.90
NOT_CLAIMS = {"urgency_pressure", "hype"}  # pressure and puffery are flags, not checkable claims


def _recall(path: Path, quotes: list[str]) -> tuple[int, list[str]]:
    text = path.read_text(encoding="utf-8")
    draft = draft_claim_file(text, path=path.name, source=path.name)
    spans = []
    for claim in draft["claims"]:
        start = find_quote(text, claim["quote"])
        assert start is not None, claim["quote"]
        spans.append((start, start + len(claim["quote"])))
    missed = [q for q in quotes
              if not any(a < text.index(q) + len(q) and text.index(q) < b for a, b in spans)]
    return len(quotes) - len(missed), missed


def test_extract_finds_the_curated_seed_claims():
    quotes = [c["quote"] for c in yaml.safe_load(SEED_CLAIMS.read_text())["claims"]]
    found, missed = _recall(SEED_SOURCE, quotes)
    print(f"\nextract on the seed: {found}/{len(quotes)} curated claims")
    assert found / len(quotes) >= TARGET, missed


def test_extract_finds_the_labelled_checkable_claims_of_the_development_set():
    by_file = defaultdict(list)
    for line in (DEV / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        if label["category"] not in NOT_CLAIMS:
            by_file[label["file"]].append(label["quote"])
    results = [_recall(DEV / name, quotes) for name, quotes in sorted(by_file.items())]
    found, total = sum(r[0] for r in results), sum(map(len, by_file.values()))
    print(f"\nextract on the development set: {found}/{total} labelled checkable claims")
    assert found / total >= TARGET, [m for r in results for m in r[1]]


def test_draft_guesses_kind_pico_and_query():
    text = ("Cupping at Lotus\n\nCupping improves circulation in people with neck pain.\n"
            "Studies show cupping works.\n\"My shoulder pain was gone after one session!\"\n"
            "Cupping is faster than massage for back pain.\nThe cups stay on for ten minutes.\n")
    draft = draft_claim_file(text, path="cupping.txt", source="cupping.txt")
    claims = {c["quote"]: c for c in draft["claims"]}
    mechanism = claims["Cupping improves circulation in people with neck pain."]
    assert (mechanism["kind"], mechanism["intervention"], mechanism["population"],
            mechanism["outcome"]) == ("mechanism", "cupping", "people with neck pain", "blood flow")
    assert mechanism["query"].startswith(
        '("Cupping Therapy"[mh] OR cupping[tiab]) AND ("Neck Pain"')
    assert claims["Studies show cupping works."]["kind"] == "evidence_appeal"
    assert claims["My shoulder pain was gone after one session!"]["kind"] == "testimonial"
    comparative = claims["Cupping is faster than massage for back pain."]
    assert (comparative["kind"], comparative["comparator"]) == ("comparative", "massage")
    assert "The cups stay on for ten minutes." not in claims
    assert (draft["id"], draft["title"]) == ("cupping", "Cupping at Lotus")


@pytest.mark.parametrize("text, fmt, title", [
    ("<html><head><title>Dry &amp; Wet</title></head><h1>H</h1></html>", "html", "Dry & Wet"),
    ("<h1>Only <em>heading</em></h1>", "html", "Only heading"),
    ("intro\n\n## Second level\n", "markdown", "Second level"),
])
def test_title_guess(text, fmt, title):
    assert guess_title(text, fmt, "") == title


def test_cli_writes_a_draft_that_check_accepts_unchanged(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sources").mkdir()
    for name in ("dn-clinic-advert.html", "iastm-advert.md", "kinesio-taping.txt"):
        shutil.copy(DEV / name, tmp_path / "sources" / name)
        out = tmp_path / f"{Path(name).stem}.yaml"
        with pytest.raises(SystemExit) as exit_info:
            main(["extract", f"sources/{name}", "-o", str(out)])
        assert exit_info.value.code == 0
        [loaded] = load_claim_file(out)
        assert loaded.errors == () and len(loaded.document.claims) >= 5, loaded.problems
        assert loaded.document.source.endswith(f"sources/{name}")
    assert "claims drafted in" in capsys.readouterr().err


def test_cli_prints_yaml_to_stdout(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("page.txt").write_text("Dry needling reduces neck pain.\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["extract", "page.txt"])
    draft = yaml.safe_load(capsys.readouterr().out)
    assert draft["source"] == "page.txt" and draft["claims"][0]["kind"] == "efficacy"
