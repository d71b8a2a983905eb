"""Structural detectors: morphology of the word classes, sentence shapes, and rules naming them."""

import pytest

from evidence_tracker.errors import BadInput
from evidence_tracker.language import lint_text, load_rules
from evidence_tracker.language.lexicon import in_class, verb_lemma
from evidence_tracker.language.rules import rule_set

RULES = load_rules()


@pytest.mark.parametrize("word, lemma, form", [
    ("reduces", "reduce", "s"), ("soothes", "soothe", "s"), ("re-energizes", "reenergise", "s"),
    ("stopped", "stop", "ed"), ("broken", "break", "ed"), ("releasing", "release", "ing"),
    ("kick-starts", "kickstart", "s"), ("rebalance", "rebalance", "base"),
])
def test_effect_verbs_are_read_in_any_form_spelling_and_prefix(word, lemma, form):
    assert verb_lemma(word) == (lemma, form)


def test_word_classes_take_nouns_in_any_number_and_leave_other_words_out():
    assert in_class("tendons", "physiology") and in_class("injuries", "outcomes")
    assert not in_class("parking", "outcomes") and verb_lemma("inserts") is None


@pytest.mark.parametrize("text, rule", [
    ("Our shockwave protocol re-energises tired tendons.", "mechanism.effect_claim"),
    ("After needling, the stiffness simply fades.", "certainty.outcome_claim"),
    ("Taping works better than rest.", "comparative.structure"),
    ("Launch pricing closes on Thursday, so order now.", "urgency.deadline"),
    ('"Two sessions and my ankle was back to normal." - Tom, 29', "testimonial.quoted"),
    ("Loved by elite athletes and recommended by leading surgeons.", "evidence_appeal.endorsement"),
])
def test_new_wording_is_caught_by_sentence_shape(text, rule):
    """Each detector on its own (a phrase rule may also catch the sentence in the full set)."""
    assert [f.rule for f in lint_text(text, rules=rule_set([RULES.by_id(rule)]))] == [rule]
    assert lint_text(text)


@pytest.mark.parametrize("text", [
    "Some trials suggest needling may reduce neck pain a little for a few weeks (Gattie 2017).",
    "It is not known whether shockwave repairs tendons.",
    "If the soreness lasts more than two days, tell your physiotherapist.",
    "Trials compared cupping with a sham procedure and found no clear difference.",
    "Physiotherapists use it alongside exercise and advice.",
    "You will feel a small pinch as the needle goes in.",
])
def test_hedged_negated_conditional_and_neutral_sentences_stay_clean(text):
    assert lint_text(text) == []


def test_a_rule_may_name_a_detector_and_an_unknown_one_is_named_in_the_error(tmp_path):
    extra = tmp_path / "mine.yaml"
    body = ("rules:\n  - id: mine.effects\n    category: hype\n    severity: info\n"
            "    message: Why.\n    suggestion: Plainly.\n    source: test\n    detector: {}\n")
    extra.write_text(body.format("outcome_effect"))
    rules = load_rules(extra)
    assert "mine.effects" in [f.rule for f in lint_text("Cupping soothes sore backs.", rules=rules)]
    extra.write_text(body.format("mind_reader"))
    with pytest.raises(BadInput, match=r"mine.yaml:8: rules\[0\].detector: 'mind_reader'"):
        load_rules(extra)


def test_the_cheap_first_look_of_effect_detectors_never_changes_a_finding(monkeypatch):
    """`_may_act` skips the clause analysis where no effect can be found; with it forced to
    say "maybe" everywhere, the findings on development pages must be the same."""
    from pathlib import Path

    from evidence_tracker.language import detectors

    pages = sorted((Path(__file__).parent / "lint_dev").glob("r4*"))[:60]
    assert len(pages) == 60

    def findings():
        detectors._effect_kind.cache_clear()
        return [(f.start, f.end, f.rule) for p in pages
                for f in lint_text(p.read_text(encoding="utf-8"), path=p.name)]

    fast = findings()
    monkeypatch.setattr(detectors, "_may_act", lambda *args: True)
    assert findings() == fast
    assert any(rule == "mechanism.effect_claim" for _, _, rule in fast)  # the path is exercised
