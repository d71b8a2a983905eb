"""What the rules flag and what they leave alone: hedges, negation, citations, questions, spans,
suppression with a reason, reviewer-accepted flags, and the highlight runs for the report."""

import pytest

from evidence_tracker.claims import AcceptedFlag
from evidence_tracker.errors import BadInput
from evidence_tracker.language import Finding, highlight_segments, lint_text


def _rules(text: str, **kw) -> list[str]:
    return [f.rule for f in lint_text(text, **kw)]


@pytest.mark.parametrize("text", [
    "Dry needling may help some people with neck pain.",
    "Some studies suggest acupuncture can reduce headache frequency.",
    "The evidence is mixed, and effects are usually short-term.",
    "In some patients, shockwave reduces heel pain for a few months.",
    "Research shows a small short-term effect on neck pain (Gattie et al., 2017).",
    "Dry needling is a treatment in which a thin needle is inserted into a muscle.",
    "Does dry needling release trigger points?",
    "Dry needling is not a cure, and there is no evidence that it removes toxins.",
    "It is thought that needling may change how the nervous system processes pain.",
    "According to TCM, illness arises when the flow of Qi through the body is disrupted.",
    "Myth: cupping removes toxins. Fact: the marks are bruises.",
    "We want to help you avoid unnecessary surgery where possible.",
    "The evidence that cupping improves circulation is weak.",
    "Your physiotherapist will explain the treatment before you leave the room.",
    "In one trial, 45% of people improved with shockwave compared with 30% with sham (Rompe 2007).",
    "There is no agreed evidence that bones go out of alignment.",
    "Side effects are usually mild, such as bruising or soreness.",
    "Q: My running group swears massage helps you recover faster. Is that true?",
    'The common explanation that massage "flushes out toxins" does not hold up well.',
    "Approved by the Trust Patient Information Group.",
    "Avoid pressing directly on the spine.",
    '"Will needling fix my neck?" is one of the questions we hear most often.',
    "Compared with other treatments",
    "Tags: cupping, recovery, evidence, Olympics",
    "- gentle exercises and stretches for your lower back and legs",
    "Terms & conditions",
    "No single type of neck exercise has been shown to be better than others.",
    "I've noticed that when a passive treatment is the main event, some people rely on it.",
    "Mobilisation means your physiotherapist moves a joint in your spine slowly and repeatedly.",
    "The model I was taught on my course is still debated among researchers.",
    "I also hold off if the diagnosis is unclear – some heel pain comes from nerves.",
    '"Is there anything I should stop before the injection?" — Helen, 51',
])
def test_hedged_cited_neutral_negated_and_questions_are_not_flagged(text):
    assert _rules(text) == []


@pytest.mark.parametrize("text, rule", [
    ("Research shows that dry needling deactivates trigger points.",
     "evidence_appeal.research_shows"),
    ("Our revolutionary treatment works for everyone.", "hype.adjective"),
    ("Dry needling resets the nervous system.", "mechanism.nervous_system"),
    ("Book now - only 3 spots left!", "urgency.scarcity"),
    ("Cupping boosts the immune system.", "vague_benefit.wellbeing"),
    ("Shockwave gets results in fewer sessions than physiotherapy.", "comparative.fewer"),
])
def test_marketing_language_is_flagged_with_its_rule(text, rule):
    assert rule in _rules(text)


@pytest.mark.parametrize("text, rule", [
    # "typically" says how often, but "significant relief within just a few visits" is a promise
    ("Our patients typically feel significant relief within just a few visits.", "certainty.instant"),
    # a modal does not soften hype
    ("Shockwave could be the breakthrough you've been waiting for.", "hype.adjective"),
    # pressure is pressure when negated or asked
    ("Don't get left behind.", "urgency.pressure"),
    ("Why wait?", "urgency.pressure"),
    # a call to action phrased as a question is not a reader's question
    ("Ready to get rid of that pain for good?", "certainty.cure"),
    # "whether you..." introduces the reader, not a doubt
    ("Whether you run or sit at a desk, we will get you moving freely again.",
     "certainty.effect_as_fact"),
])
def test_frequency_words_modals_negation_and_questions_do_not_hide_marketing(text, rule):
    assert rule in _rules(text)


def test_research_shows_is_an_appeal_even_when_the_effect_is_hedged_but_not_when_cited():
    assert "evidence_appeal.research_shows" in _rules("Studies show that it can improve sleep.")
    assert _rules("Studies show that it can improve sleep [3].") == []


def test_a_hedged_lead_in_covers_its_bullet_list():
    assert _rules("Dry needling may:\n- Reduce pain\n- Improve range of motion\n") == []
    assert len(_rules("Dry needling:\n- Reduces pain\n- Improves range of motion\n")) == 2


def test_a_lead_in_choosing_care_does_not_hedge_what_each_item_is_said_to_do():
    """"We may use:" hedges which treatment is chosen; "may include" of benefits hedges them."""
    chosen = "Alongside exercise, we may use:\n- Manual therapy: mobilisation realigns the joint\n"
    assert _rules(chosen) != []
    assert _rules("Treatment may include:\n- Dry needling: needles release the trigger points\n")
    assert _rules("Benefits may include:\n- Reduces muscle tension\n") == []


def test_a_delay_in_noticing_a_change_and_a_once_held_belief_read_as_what_they_are():
    assert _rules("It can take several weeks before you notice a difference.") == []
    assert "certainty.effect_bullet" in _rules(
        "Benefits:\n- Resolves chronic conditions once thought to be permanent\n")
    assert _rules("Benefits:\n- Resolves chronic conditions thought to be permanent\n") == []


def test_a_finding_spans_the_whole_sentence_or_bullet():
    text = "Intro line.\n  • Restores muscle length and function\nThis is why it works."
    [finding] = lint_text(text)
    assert text[finding.start:finding.end] == "Restores muscle length and function"
    assert finding.category == "certainty" and finding.severity == "warning"


def test_a_testimonial_spans_its_quotation():
    text = 'Reviews\n\n"I was in agony. After two sessions my back pain was gone." - Jo'
    [finding] = lint_text(text)
    assert finding.text == "I was in agony. After two sessions my back pain was gone."


MARKDOWN = """Intro.

<!-- evidence-tracker: ignore hype.adjective -- the clinic's registered slogan -->
Our revolutionary clinic.

Our revolutionary team.
"""


def test_inline_ignore_comment_accepts_flags_in_the_next_block_only():
    first, second = lint_text(MARKDOWN, path="page.md")
    assert first.accepted and first.accept_reason == "the clinic's registered slogan"
    assert not second.accepted and second.rule == "hype.adjective"


@pytest.mark.parametrize("comment, message", [
    ("<!-- evidence-tracker: ignore hype.adjective -->", "page.md:1: evidence-tracker ignore "
     "comment: reason missing"),
    ("<!-- evidence-tracker: ignore hype.adjectiv -- because -->", "unknown rule 'hype.adjectiv'"),
])
def test_ignore_comment_without_reason_or_with_unknown_rule_is_bad_input(comment, message):
    with pytest.raises(BadInput, match=message):
        lint_text(comment + "\nRevolutionary.", path="page.md")


def test_accepted_flags_from_the_claim_file_mark_matching_findings():
    text = "A revolutionary method. A revolutionary tool."
    flag = AcceptedFlag(rule="hype.adjective", reason="brand name", quote="revolutionary tool")
    findings = lint_text(text, accepted=[flag])
    assert [(f.accepted, f.accept_reason) for f in findings] == [(False, ""), (True, "brand name")]
    category_wide = AcceptedFlag(rule="hype", reason="house style")
    assert all(f.accepted for f in lint_text(text, accepted=[category_wide]))


def _finding(start, end, severity="warning", accepted=False) -> Finding:
    return Finding("f", start, end, 1, start + 1, "r.x", "hype", severity, "m", "s", "t",
                   accepted=accepted)


def test_highlight_segments_cover_the_text_in_order_without_overlap():
    text = "0123456789"
    low, high = _finding(2, 8, "info"), _finding(4, 6, "error")
    segments = highlight_segments(text, [low, high])
    assert "".join(s.text for s in segments) == text
    assert [(s.text, s.finding) for s in segments] == [
        ("01", None), ("23", low), ("45", high), ("67", low), ("89", None)]


def test_highlight_prefers_open_findings_and_handles_no_findings():
    text = "abcdef"
    accepted, open_ = _finding(0, 4, "error", accepted=True), _finding(2, 6, "info")
    segments = highlight_segments(text, [accepted, open_])
    assert [(s.text, s.finding) for s in segments] == [("ab", accepted), ("cdef", open_)]
    assert [(s.text, s.finding) for s in highlight_segments(text, [])] == [("abcdef", None)]


def test_finding_to_dict_has_the_json_fields():
    [finding] = lint_text("Dry needling is scientifically backed.", path="x.txt")
    data = finding.to_dict()
    assert {"file", "start", "end", "line", "column", "rule", "category", "severity", "message",
            "suggestion", "text", "accepted", "accept_reason"} <= set(data)
    assert data["file"] == "x.txt" and data["severity"] == "error"


def test_a_heading_and_the_paragraph_under_it_making_one_claim_are_one_finding():
    text = ("## Flushes out toxins\n\nThe suction draws toxins out of the muscle and flushes them "
            "away.\n\n## Booking\n\nCall us on 0113 000 0000.\n")
    findings = lint_text(text, fmt="markdown")
    assert [(f.category, f.text) for f in findings] == [
        ("mechanism_as_fact", "Flushes out toxins The suction draws toxins out of the muscle and "
                              "flushes them away.")]
    separate = lint_text("Dry needling flushes out toxins. We are open on Saturdays.\n\n"
                         "The suction draws toxins out of the muscle.\n")
    assert len(separate) == 2  # sentences of prose are not headings


def test_a_numbered_line_over_a_paragraph_is_a_heading_but_numbered_items_are_not():
    text = ("3. Breaks down scar tissue\n\nCross-fibre friction breaks down adhesions and "
            "realigns the collagen fibres.\n")
    assert len(lint_text(text)) == 1
    listed = "1. Breaks down scar tissue\n2. Realigns collagen fibres\n"
    assert len(lint_text(listed)) == 2
