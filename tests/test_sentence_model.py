"""The sentence model: what it adds to the rules on pages it was not trained on, where it must
stay quiet, and that the shipped weights are what training on the development set produces."""

from dataclasses import replace
from pathlib import Path

import pytest

from evidence_tracker.errors import BadInput
from evidence_tracker.language import lint_text, sentence_model, train
from evidence_tracker.language.engine import default_rules
from evidence_tracker.language.rules import CATEGORIES, load_rules, rule_set

DEV = Path(__file__).parent / "lint_dev"
FOLDS = 5

# a mechanism in words no rule knows
NEW_WORDING = "Each insertion quietens the overactive fibres and the whole area settles down."
# a page of plain marketing: two rule findings open the gate for the model
ADVERT = ("Dry needling is a clinically proven treatment for back pain. "
          "Book now, only 3 places left this week! "
          "{sentence}\n")


@pytest.fixture(scope="module")
def pages():
    return train.labelled_pages(DEV)


def _overlaps(a, b):
    return a[0] < b[1] and b[0] < a[1]


def _score(pages, model, rules):
    gold = found = right = hits = 0
    on_careful = []
    for page in pages:
        raw = (DEV / page.name).read_text("utf-8")
        spans = [(f.start, f.end) for f in lint_text(raw, path=page.name, rules=rules, model=model)]
        gold += len(page.gold)
        hits += sum(any(_overlaps(g, s) for s in spans) for g in page.gold)
        found += len(spans)
        right += sum(any(_overlaps(s, g) for g in page.gold) for s in spans)
        if page.careful:
            on_careful.append(len(spans))
    return hits / gold, right / max(found, 1), on_careful


def test_on_held_out_pages_the_model_adds_recall_and_keeps_precision(pages):
    """Five folds by page: the model of each fold never saw the pages it is scored on (the rules
    did, so the rules-only figure flatters them; the difference is the model's own)."""
    rules_only = rule_set([r for r in default_rules().rules if not r.model])
    totals = {"rules": [0.0, 0.0], "rules+model": [0.0, 0.0]}
    careful = []
    for k in range(FOLDS):
        held_out = [p for i, p in enumerate(pages) if i % FOLDS == k]
        model = train.fit([p for i, p in enumerate(pages) if i % FOLDS != k])
        for name, rules in (("rules", rules_only), ("rules+model", None)):
            recall, precision, on_careful = _score(held_out, model, rules)
            totals[name][0] += recall / FOLDS
            totals[name][1] += precision / FOLDS
            careful += on_careful if rules is None else []
    print("\nheld-out folds: " + ", ".join(f"{name} recall {r:.3f} precision {p:.3f}"
                                           for name, (r, p) in totals.items()))
    (r0, p0), (r1, p1) = totals["rules"], totals["rules+model"]
    assert r1 > r0 + 0.02 and p1 >= 0.90 and p1 >= p0 - 0.06
    assert max(careful) <= 1


def test_shipped_model_is_what_training_on_the_development_set_gives(pages):
    shipped = sentence_model.load_model()
    fresh = train.fit(pages, threshold=shipped.threshold)
    said = {(p.name, k) for p in pages for k in sentence_model.classify(p.text, p.units, shipped)}
    says = {(p.name, k) for p in pages for k in sentence_model.classify(p.text, p.units, fresh)}
    sentences = sum(len(p.units) for p in pages)
    assert len(said ^ says) <= 0.005 * sentences, (
        "retrain: python -m evidence_tracker.language.train tests/lint_dev "
        "-o evidence_tracker/language/sentence_model.json")
    assert set(shipped.classes) == {sentence_model.NONE, *CATEGORIES}


def test_model_flags_new_wording_on_a_promotional_page_with_its_category():
    text = ADVERT.format(sentence=NEW_WORDING)
    model_findings = [f for f in lint_text(text) if f.rule.endswith(".model")]
    assert [(f.rule, f.severity, f.text) for f in model_findings] == [
        ("mechanism_as_fact.model", "info", NEW_WORDING)]


@pytest.mark.parametrize("sentence", [
    "Each insertion may quieten the overactive fibres, some studies suggest.",
    "Does each insertion quieten the overactive fibres?",
    "Each insertion quietens the overactive fibres (Smith et al., 2019).",
])
def test_model_is_silent_on_hedged_questioning_and_cited_sentences(sentence):
    assert not [f for f in lint_text(ADVERT.format(sentence=sentence)) if f.rule.endswith(".model")]


def test_model_is_silent_on_a_page_the_rules_found_clean():
    text = NEW_WORDING + "\n"
    always = replace(sentence_model.load_model(), threshold=0.0)
    assert lint_text(text, model=always) == []


def test_model_rules_can_be_disabled_and_accepted_like_any_rule(tmp_path):
    text = ADVERT.format(sentence=NEW_WORDING)
    own = tmp_path / "rules.yaml"
    own.write_text("disable: [mechanism_as_fact.model]\n", "utf-8")
    assert "mechanism_as_fact.model" not in [f.rule for f in lint_text(text, rules=load_rules(own))]
    ignored = text.replace("Each", "<!-- evidence-tracker: ignore mechanism_as_fact.model "
                                   "-- our physiologist checked this -->\nEach")
    finding = next(f for f in lint_text(ignored, fmt="markdown") if f.rule.endswith(".model"))
    assert finding.accepted and finding.accept_reason == "our physiologist checked this"


def test_a_review_is_one_testimonial_finding_whichever_sentences_gave_it_away():
    text = ("★★★★★ \"Fixed in three sessions\"\nI had a knot under my shoulder blade for two "
            "years. I could feel it release straight away. My pain was completely gone!\n"
            "— Rachel\n\nBook today.\n")
    testimonials = [f for f in lint_text(text) if f.category == "testimonial"]
    assert len(testimonials) == 1
    assert "knot" in testimonials[0].text and "completely gone" in testimonials[0].text


def test_a_model_rule_with_a_pattern_is_bad_input(tmp_path):
    own = tmp_path / "rules.yaml"
    own.write_text("rules:\n  - id: mine.model\n    category: hype\n    severity: info\n"
                   "    model: true\n    message: m\n    suggestion: s\n    patterns: ['x']\n",
                   "utf-8")
    with pytest.raises(BadInput, match=r"rules.yaml:\d+: rules\[0\].patterns: a model rule"):
        load_rules(own)


def test_a_label_whose_quote_is_not_in_its_page_is_bad_input(tmp_path):
    (tmp_path / "page.txt").write_text("Dry needling is great.\n", "utf-8")
    (tmp_path / "labels.jsonl").write_text(
        '{"file": "page.txt", "quote": "is great", "category": "hype"}\n'
        '{"file": "page.txt", "quote": "is superb", "category": "hype"}\n', "utf-8")
    with pytest.raises(BadInput, match=r"labels.jsonl:2: quote: must occur exactly once in page.txt"):
        train.labelled_pages(tmp_path)
