"""The scope brief and the plain-text rendering."""

from __future__ import annotations

from bot.domain.assessment import assess
from bot.domain.signals import Signals
from bot.views.brief import render_brief
from bot.views.render import render_text
from bot.views.replies import NOTHING_TO_BRIEF, brief_reply
from bot.views.view import build_view


def test_brief_for_cx_bpo_has_kpis_technology_and_open_questions():
    a = assess(Signals(channels=frozenset({"voice", "chat"}), goals=frozenset({"quality_assurance"})))
    md = render_brief(build_view(a))
    assert md.startswith("# Scope brief: CX BPO")
    for section in ("## Why", "## What is in scope", "## KPIs to track", "## Technology this implies",
                    "## Open questions"):
        assert section in md
    assert "NPS" in md and "QA scores" in md and "CCaaS" in md


def test_brief_for_bpo_with_calls_adds_contact_kpis():
    md = render_brief(build_view(assess(Signals(channels=frozenset({"voice"}),
                                     processes=frozenset({"finance_accounting", "billing_support"})))))
    assert "Cycle time" in md and "Abandon rate" in md and "ACD" in md and "RPA" in md


def test_brief_for_call_center_and_mismatch():
    md = render_brief(build_view(assess(Signals(channels=frozenset({"voice"}), voice_exclusive=True,
                                     label_requested="CONTACT_CENTER"))))
    assert "80%" in md and "## Label check" in md


def test_undetermined_brief_has_questions_but_no_kpis():
    md = render_brief(build_view(assess(Signals())))
    assert "KPIs" not in md and "Which channels" in md


def test_brief_request_before_any_description_asks_for_one():
    empty = brief_reply(build_view(assess(Signals())))
    assert empty == {"text": NOTHING_TO_BRIEF} and "custom" not in empty
    known = brief_reply(build_view(assess(Signals(channels=frozenset({"voice"})))))
    assert known["custom"]["type"] == "brief" and known["text"].startswith("# Scope brief")


def test_text_rendering_lists_signals_and_questions():
    view = build_view(assess(Signals(channels=frozenset({"chat", "email"}), label_requested="CALL_CENTER")))
    text = render_text(view)
    assert text.startswith("Recommendation: contact center (high confidence)")
    assert "Label check:" in text and "Channels: chat and email" in text
    # the questions close the text, numbered in the order the assessment ranked them
    asked = [f"{n}. {q.text}" for n, q in enumerate(view.questions, 1)]
    assert [q.id for q in view.questions] == ["back_office", "cx_ownership", "sourcing"]
    assert text.rstrip().endswith("Questions that could change the answer:\n" + "\n".join(asked))


def test_a_compact_view_is_the_standing_answer_and_the_next_question():
    view = build_view(assess(Signals(channels=frozenset({"chat", "email"}))), notes=["Nothing new."], compact=True)
    assert render_text(view) == ("Nothing new.\n\nRecommendation: contact center (high confidence)\n\n"
                                 f"Next question: {view.questions[0].text}")


def test_brief_reply_with_only_a_label_is_a_brief():
    assert brief_reply(build_view(assess(Signals(label_requested="CONTACT_CENTER"))))["custom"]["type"] == "brief"


def test_mentions_set_aside_are_shown_with_their_words_and_not_counted():
    from bot.domain.signals import Evidence
    from bot.views.card import assessment_card
    from bot.views.view import SET_ASIDE_GROUP

    s = Signals(channels=frozenset({"email"}),
                set_aside=(Evidence("channel:voice", "call our hotline", 10, 26),
                           Evidence("process:billing_support", "billing questions", 40, 57)))
    view = build_view(assess(s), "x")
    assert view.model == "CONTACT_CENTER"
    group = next(g for g in view.signals if g.name == SET_ASIDE_GROUP)
    assert [(c.value, c.state, c.quotes) for c in group.chips] == [
        ("voice", "context", ("call our hotline",)), ("billing_support", "context", ("billing questions",))]
    assert view.record["set_aside"][0]["text"] == "call our hotline"
    text = render_text(view)
    assert f'{SET_ASIDE_GROUP}: phone ("call our hotline") and billing support ("billing questions")' in text
    assert "not counted" in text
    card = assessment_card(view)
    assert any(c["state"] == "context" for g in card["signals"] for c in g["chips"])
    assert not build_view(assess(Signals(channels=frozenset({"email"})))).record["set_aside"]
