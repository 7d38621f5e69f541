"""Block Kit for scopebot's replies (bot/views/blocks.py), without Rasa."""

from __future__ import annotations

import json
import re

from bot.domain.assessment import assess
from bot.domain.signals import Signals
from bot.views.blocks import (
    ANSWER_PREFIX,
    BRIEF_ACTION,
    answered_blocks,
    assessment_blocks,
    brief_blocks,
    home_view,
    payload_of,
    render_message,
    request_blocks,
    text_blocks,
)
from bot.views.brief import render_brief
from bot.views.replies import assessment_message, brief_message
from bot.views.view import AssessmentView, build_view


# ----- Block Kit -------------------------------------------------------------------------------------
def rasa_message(signals: Signals, user_text: str = "hi", note: str | None = None) -> dict:
    """The message actions/replies.py sends for an assessment, as Rasa hands it to a channel."""
    return assessment_message(build_view(assess(signals), user_text, [note] if note else []))


def kinds(blocks):
    return [b["type"] for b in blocks]


def test_assessment_blocks_have_model_confidence_signals_warning_and_buttons():
    msg = rasa_message(Signals(channels=frozenset({"chat", "email"}), processes=frozenset({"finance_accounting"}),
                               label_requested="CALL_CENTER"), note="Got it: finance & accounting.")
    fallback, blocks = render_message(msg, "slack:T1:D1")
    assert fallback == "Recommendation: BPO (high confidence)"
    assert kinds(blocks)[:3] == ["section", "header", "section"]
    assert blocks[0]["text"]["text"] == "Got it: finance &amp; accounting."
    assert blocks[1]["text"]["text"] == "Recommendation: BPO"
    assert "high" in blocks[2]["text"]["text"]
    dumped = json.dumps(blocks)
    assert ":warning: *Label check:* You asked for a call center" in dumped
    mrkdwn = [t["text"] for b in blocks for t in [b.get("text") or {}, *b.get("fields", []), *b.get("elements", [])]
              if t.get("type") == "mrkdwn"]
    assert not [t for t in mrkdwn if re.search(r"&(?!amp;|lt;|gt;)|<(?!@)", t)], "everything is escaped"
    fields = [f["text"] for b in blocks if b.get("fields") for f in b["fields"]]
    assert "*Channels*\nchat, email" in fields and "*Processes*\nfinance &amp; accounting" in fields
    answers = next(b for b in blocks if b.get("block_id") == "scopebot.answers")["elements"]
    assert [payload_of(b["action_id"]) for b in answers] == [o["payload"] for o in msg["buttons"]]
    assert all(b["value"] == "slack:T1:D1" for b in answers)
    brief = next(b for b in blocks if b.get("block_id") == "scopebot.more")["elements"][0]
    assert brief["action_id"] == BRIEF_ACTION and brief["value"] == "slack:T1:D1"
    assert len(blocks) <= 50


def test_undetermined_assessment_has_no_confidence_line():
    fallback, blocks = render_message(rasa_message(Signals()), "slack:T1:D1")
    assert blocks[0]["type"] == "header" and blocks[0]["text"]["text"] == "Not enough to go on yet"
    assert "Confidence" not in json.dumps(blocks)


def test_blocks_come_from_the_view_and_never_from_the_text():
    msg = rasa_message(Signals(channels=frozenset({"voice"}), sourcing="outsourced",
                               industries=frozenset({"utilities_energy"})))
    _, blocks = render_message({**msg, "text": "Recommendation: reworded entirely"}, "c")
    fields = [f["text"] for b in blocks if b.get("fields") for f in b["fields"]]
    assert "*Channels*\nphone" in fields and "*Sourcing*\noutsourced" in fields
    assert "*Industry*\nutilities &amp; energy" in fields
    assert render_message({**msg, "text": ""}, "c") == render_message(msg, "c")


def test_a_compact_view_shows_the_standing_answer_and_the_next_question():
    view = build_view(assess(Signals(channels=frozenset({"voice"}))), "ok", ["Nothing new."], compact=True)
    fallback, blocks = assessment_blocks(view, "c")
    assert fallback == "Recommendation: call center (medium confidence)"
    assert kinds(blocks)[:2] == ["section", "section"] and "header" not in kinds(blocks)
    assert blocks[0]["text"]["text"] == "Nothing new." and blocks[1]["text"]["text"] == f"*{fallback}*"
    assert any(b.get("block_id") == "scopebot.answers" for b in blocks)
    assert "*Why*" not in json.dumps(blocks) and "What I picked up" not in json.dumps(blocks)


def said(text: str, *found: tuple, message: int = 0) -> Signals:
    entities = []
    for entity, value, words, *role in found:
        start = text.index(words)
        entities.append({"entity": entity, "value": value, "start": start, "end": start + len(words), "text": words,
                         **({"role": role[0]} if role else {})})
    return Signals.from_entities(entities, message=message)


def picked_up_fields(blocks) -> list[str]:
    return [f["text"] for b in blocks if b.get("fields") for f in b["fields"]]


def test_each_signal_shows_the_users_words():
    text = "Ring us up or use live chat, no email, we keep it in-house"
    msg = rasa_message(said(text, ("channel", "voice", "Ring us up"), ("channel", "chat", "live chat"),
                            ("channel", "email", "email", "excluded"), ("sourcing", "in_house", "in-house")), text)
    _, blocks = render_message(msg, "c")
    fields = picked_up_fields(blocks)
    assert '*Channels*\nchat ("live chat"), phone ("Ring us up")' in fields
    assert '*Ruled out*\nemail ("email")' in fields and '*Sourcing*\nin-house ("in-house")' in fields


def test_quoted_words_are_escaped_for_mrkdwn():
    text = "<!channel> hotline & <https://evil.example|click> here"
    msg = rasa_message(said(text, ("channel", "voice", "<!channel> hotline & <https://evil.example|click>")), text)
    _, blocks = render_message(msg, "c")
    [channels] = [f for f in picked_up_fields(blocks) if f.startswith("*Channels*")]
    assert channels == '*Channels*\nphone ("&lt;!channel&gt; hotline &amp; &lt;https://evil.example|click&gt;")'
    dumped = json.dumps(blocks)
    assert "<!channel>" not in dumped and "<https://evil" not in dumped


def test_label_warning_of_a_stored_payload_without_the_view_is_derived_from_the_record():
    msg = rasa_message(Signals(channels=frozenset({"chat"}), label_requested="CALL_CENTER"))
    old = {k: v for k, v in msg["custom"].items() if k != "label_check"}
    _, blocks = assessment_blocks(AssessmentView.from_payload(old), "c")
    assert "You asked for a call center, but what you describe is a contact center." in json.dumps(blocks)


def test_button_limits_are_respected():
    buttons = [{"title": "x" * 200, "payload": "/inform" + "{}" * 200}, {"title": "ok", "payload": "/affirm"},
               {"title": "dup", "payload": "/affirm"}]
    _, blocks = text_blocks("Pick one", buttons, "c")
    [answers] = [b for b in blocks if b["type"] == "actions"]
    assert [e["action_id"] for e in answers["elements"]] == [ANSWER_PREFIX + "/affirm"]


def _brief_view(**signals) -> AssessmentView:
    return build_view(assess(Signals(**signals)))


def test_brief_blocks():
    view = _brief_view(channels=frozenset({"voice"}), voice_exclusive=True, label_requested="CONTACT_CENTER")
    fallback, blocks = brief_blocks(view)
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": "Scope brief: call center",
                                                    "emoji": True}}
    assert fallback == "Scope brief: call center"
    body = "\n".join(b["text"]["text"] for b in blocks[1:])
    assert "*Label check*" in body and "*KPIs to track*" in body and "**" not in body and "##" not in body
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks[1:])


def test_brief_blocks_say_what_the_markdown_brief_says():
    """Two renderings of one structured brief: every heading and bullet of the Markdown is in the blocks."""
    view = _brief_view(channels=frozenset({"voice", "chat"}), processes=frozenset({"payroll_hr"}),
                       label_requested="CALL_CENTER")
    md = render_brief(view)
    _, blocks = brief_blocks(view)
    body = "\n".join(b["text"]["text"] for b in blocks[1:])
    headings = [line[3:] for line in md.splitlines() if line.startswith("## ")]
    bullets = [line[2:] for line in md.splitlines() if line.startswith("- ")]
    assert len(headings) >= 5 and len(bullets) >= 5
    assert all(f"*{h}*" in body for h in headings)
    assert all(f"• {b}" in body for b in bullets)


def test_a_rasa_brief_message_is_drawn_from_its_view_not_its_markdown():
    view = _brief_view(channels=frozenset({"voice"}), voice_exclusive=True)
    message = brief_message(view)
    message["text"] = message["custom"]["markdown"] = "# Something else\n\n## Not the brief"
    fallback, blocks = render_message(message, "c")
    assert fallback == "Scope brief: call center"
    assert "Not the brief" not in json.dumps(blocks)


def test_a_brief_survives_its_payload_round_trip():
    view = _brief_view(channels=frozenset({"voice", "email"}), processes=frozenset({"finance_accounting"}),
                       label_requested="CALL_CENTER")
    again = AssessmentView.from_payload(brief_message(view)["custom"]["view"])
    assert render_brief(again) == render_brief(view)
    assert brief_blocks(again) == brief_blocks(view)


def test_brief_text_is_escaped():
    view = _brief_view(channels=frozenset({"voice"}))
    view = AssessmentView.from_payload({**view.to_payload(), "reasons": ["<!channel> & <http://x|y>"]})
    body = json.dumps(brief_blocks(view)[1])
    assert "<!channel>" not in body and "&lt;!channel&gt; &amp; &lt;http://x|y&gt;" in body


def test_long_text_is_split_into_sections():
    text = "\n\n".join(["word " * 500] * 4)
    _, blocks = text_blocks(text, None, "c")
    assert len(blocks) >= 4 and all(len(b["text"]["text"]) <= 3000 for b in blocks)


def test_plain_replies_and_empty_messages():
    fallback, blocks = render_message({"text": "Hi! Tell me about <your> operation & goals."}, "c")
    assert "&lt;your&gt;" in blocks[0]["text"]["text"] and "&amp;" in fallback
    assert render_message({"text": ""}, "c") is None
    # a brief without its view (a message stored before briefs carried one) is shown as its text
    old_brief = {"text": "Scope brief: BPO", "custom": {"type": "brief", "markdown": "# Scope brief: BPO"}}
    assert render_message(old_brief, "c")[0] == "Scope brief: BPO"
    assert render_message({"custom": {"type": "brief", "markdown": "# Scope brief: BPO"}}, "c") is None


def test_request_blocks_escape_the_users_text():
    fallback, blocks = request_blocks("U1", "<!channel> <script>alert(1)</script>\nline two & more")
    text = blocks[0]["text"]["text"]
    assert text.startswith("<@U1> asked me to scope this:")
    assert "&gt; &lt;!channel&gt; &lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&gt; line two &amp; more" in text
    assert "<script>" not in json.dumps(blocks) and "<!channel>" not in json.dumps(blocks)


def test_answered_blocks_drop_buttons_and_say_the_choice():
    _, blocks = render_message(rasa_message(Signals(channels=frozenset({"voice"}))), "c")
    updated = answered_blocks(blocks, "U9", "Phone <only>")
    assert "actions" not in kinds(updated)
    assert updated[-1]["elements"][0]["text"] == ":white_check_mark: <@U9> answered *Phone &lt;only&gt;*"
    assert updated[:-1] == [b for b in blocks if b["type"] != "actions"]


def test_home_view():
    view = home_view()
    assert view["type"] == "home" and view["blocks"][0]["type"] == "header"
    assert "/scope -p" in json.dumps(view)


def test_a_withdrawn_goal_is_shown_as_ruled_out_with_its_words():
    text = "Phone and chat, but we don't need QA"
    msg = rasa_message(said(text, ("channel", "voice", "Phone"), ("channel", "chat", "chat"),
                            ("goal", "quality_assurance", "QA", "excluded")), text)
    _, blocks = render_message(msg, "c")
    fields = picked_up_fields(blocks)
    assert '*Ruled out*\nquality assurance ("QA")' in fields
    assert not any(f.startswith("*Goals*") for f in fields)


def test_slack_shows_what_was_read_as_background_with_the_words():
    from bot.domain.signals import Evidence
    from bot.views.view import SET_ASIDE_GROUP

    s = Signals(channels=frozenset({"email"}), set_aside=(Evidence("channel:voice", "call our hotline", 10, 26),))
    payload = build_view(assess(s), "x").to_payload()
    _, blocks = assessment_blocks(AssessmentView.from_payload(payload), "c")  # as Slack gets it: via the payload
    text = json.dumps(blocks)
    assert SET_ASIDE_GROUP in text and 'phone (\\"call our hotline\\")' in text
