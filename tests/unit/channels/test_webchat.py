"""The web widget's rules without Rasa: ids, origins, message limits, card and history views."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.domain.assessment import assess
from bot.domain.signals import Signals
from bot.views.card import assessment_card
from bot.views.replies import assessment_message, brief_message
from bot.views.view import AssessmentView, build_view
from channels import webchat
from channels.webchat import (
    BRIEF_FILENAME,
    COMMANDS,
    MAX_MESSAGE_CHARS,
    bot_view,
    history_from_events,
    message_problem,
    message_text,
    new_conversation_id,
    origin_allowed,
    parse_origins,
    valid_conversation_id,
)

CONTACT_CENTER_BOUGHT_AS_CALL_CENTER = Signals(
    channels=frozenset({"voice", "chat", "email"}), excluded_channels=frozenset({"sms"}),
    planned_channels=frozenset({"messaging"}), label_requested="CALL_CENTER")


def message(signals: Signals, text: str = "we need a call center") -> dict:
    return assessment_message(build_view(assess(signals), text))


def card_of(msg: dict) -> dict:
    """The card a client draws for a reply: from its payload alone (the text is never read)."""
    return assessment_card(AssessmentView.from_payload(msg["custom"]))


# ----- ids ------------------------------------------------------------------------------------
def test_conversation_ids_are_random_and_only_our_own_shape_is_accepted():
    ids = {new_conversation_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(valid_conversation_id(i) for i in ids)
    assert all(re.fullmatch(r"web-[A-Za-z0-9_-]{32}", i) for i in ids)


@pytest.mark.parametrize("bad", [None, 5, "", "alice", "U024BE7LH", "web-short", "web-" + "a" * 31,
                                 "web-" + "a" * 33, "web-" + "a" * 31 + "/", "../web-" + "a" * 32, ["web-"]])
def test_foreign_or_made_up_ids_are_refused(bad):
    assert not valid_conversation_id(bad)


# ----- origins --------------------------------------------------------------------------------
@pytest.mark.parametrize("origin, configured, allowed", [
    (None, [], True),                                        # not a browser page
    ("https://bot.example.com", [], True),                   # the bot's own origin
    ("http://localhost:8000", [], True),
    ("http://127.0.0.1:5500", [], True),
    ("https://evil.example.net", [], False),
    ("https://www.shop.com", ["https://www.shop.com"], True),
    ("https://www.shop.com/", ["https://www.shop.com"], True),
    ("https://shop.com", ["https://www.shop.com"], False),
    ("http://localhost.evil.net", [], False),
    ("https://anything.io", ["*"], True),
    ("null", [], False),                                      # sandboxed iframes, file:// pages
])
def test_origin_policy(origin, configured, allowed):
    assert origin_allowed(origin, "https://bot.example.com", configured) is allowed


def test_origins_from_configuration():
    assert parse_origins(" https://a.com, https://b.com/ ,,") == ["https://a.com", "https://b.com"]
    assert parse_origins(["https://a.com"]) == ["https://a.com"]
    assert parse_origins(None) == [] and parse_origins("") == []


# ----- incoming messages ----------------------------------------------------------------------
def test_message_limits_and_shapes():
    cid = new_conversation_id()
    assert message_problem({"conversation_id": cid, "text": "hi"}) is None
    assert message_problem({"conversation_id": cid, "text": ""}) is None  # the bot answers empties itself
    assert message_problem({"conversation_id": cid, "text": "x" * MAX_MESSAGE_CHARS}) is None
    status, reason = message_problem({"conversation_id": cid, "text": "x" * (MAX_MESSAGE_CHARS + 1)})
    assert status == 413 and "limit is 20,000" in reason
    assert message_problem([])[0] == 400
    assert message_problem({"conversation_id": "alice", "text": "hi"})[0] == 400
    assert message_problem({"conversation_id": cid, "text": 5})[0] == 400


def test_widget_commands_travel_by_name_and_the_bot_gets_their_payload():
    cid = new_conversation_id()
    assert message_problem({"conversation_id": cid, "command": "brief"}) is None
    assert message_text({"conversation_id": cid, "command": "brief"}) == "/ask_brief"
    assert message_text({"conversation_id": cid, "command": "restart"}) == "/restart"
    assert message_text({"conversation_id": cid, "text": "hi"}) == "hi"
    for bad in ({"command": "/restart"}, {"command": "shutdown"}, {"command": None},
                {"command": "brief", "text": "hi"}):
        status, reason = message_problem({"conversation_id": cid, **bad})
        assert status == 400 and "brief" in reason and "restart" in reason


def test_the_widget_script_names_commands_and_never_spells_a_payload():
    script = (Path(webchat.__file__).parents[1] / "channels" / "web_assets" / "widget.js").read_text(encoding="utf-8")
    used = set(re.findall(r'\bcommand\("(\w+)"\)', script))
    assert used == set(COMMANDS)  # both buttons use a command the server knows, and no other
    for payload in COMMANDS.values():
        assert f'"{payload}' not in script


# ----- card -----------------------------------------------------------------------------------
def test_card_carries_model_mismatch_chips_reasons_and_questions():
    msg = message(CONTACT_CENTER_BOUGHT_AS_CALL_CENTER)
    card = card_of(msg)
    assert card["model"] == "CONTACT_CENTER" and card["model_title"] == "Contact center" and card["determined"]
    assert card["label_check"] and "call center" in card["label_check"].lower()
    groups = {g["name"]: g["chips"] for g in card["signals"]}
    assert {c["label"] for c in groups["Channels"]} == {"phone", "chat", "email"}
    assert [c["state"] for c in groups["Ruled out"]] == ["excluded"]
    assert [c["state"] for c in groups["Planned channels"]] == ["planned"]
    assert card["reasons"] == msg["custom"]["reasons"] and card["reasons"]
    assert [q["id"] for q in card["questions"]] == [q["id"] for q in msg["custom"]["follow_up_questions"]]


def test_card_for_nothing_found_is_undetermined():
    msg = message(Signals(), "")
    card = card_of(msg)
    assert card["model"] == "UNDETERMINED" and not card["determined"] and card["label_check"] is None
    assert card["questions"] and card["questions"][0]["id"] == "channels"


def test_text_only_signals_reach_the_card():
    msg = message(Signals(channels=frozenset({"voice"}), industries=frozenset({"healthcare"})))
    names = [g["name"] for g in card_of(msg)["signals"]]
    assert "Industry" in names and "Channels" in names


def test_label_check_of_a_stored_payload_without_the_views_fields_is_derived_from_the_record():
    record = {"type": "assessment", "label_mismatch": True, "label_requested": "CALL_CENTER",
              "recommendation": "BPO"}
    assert assessment_card(AssessmentView.from_payload(record))["label_check"] == (
        "You asked for a call center, but what you describe is a BPO.")
    assert AssessmentView.from_payload({"label_mismatch": False}).mismatch is None


def test_the_payload_round_trips_and_keeps_the_classify_fields():
    from bot.domain.assessment import RECORD_FIELDS
    from bot.views.view import VIEW_FIELDS

    view = build_view(assess(CONTACT_CENTER_BOUGHT_AS_CALL_CENTER), "we need a call center").with_notes("Noted.")
    payload = view.to_payload()
    assert tuple(payload) == ("type", *RECORD_FIELDS, *VIEW_FIELDS)
    assert AssessmentView.from_payload(payload) == view
    assert AssessmentView.from_payload(payload).to_payload() == payload


def test_notes_before_the_headline_reach_the_card():
    view = build_view(assess(Signals(channels=frozenset({"voice"}))), "").with_notes("Got it, dropping chat.")
    msg = assessment_message(view)
    assert msg["text"].startswith("Got it, dropping chat.\n\nRecommendation:")
    assert card_of(msg)["notes"] == ["Got it, dropping chat."]
    groups = {g["name"]: g["chips"] for g in card_of(message(Signals(channels=frozenset({"voice", "chat"}),
                                                                      integration="separate")))["signals"]}
    assert [c["label"] for c in groups["Omnichannel"]] == ["no, separate queues"]


# ----- views and history ----------------------------------------------------------------------
def test_bot_view_of_each_reply_kind():
    msg = message(CONTACT_CENTER_BOUGHT_AS_CALL_CENTER)
    view = bot_view(msg)
    assert view["assessment"]["recommendation"] == "CONTACT_CENTER" and "type" not in view["assessment"]
    assert view["card"]["model"] == "CONTACT_CENTER" and view["buttons"] == msg["buttons"]
    brief = bot_view(brief_message(build_view(assess(CONTACT_CENTER_BOUGHT_AS_CALL_CENTER))))
    assert brief["brief"]["filename"] == BRIEF_FILENAME
    assert brief["brief"]["markdown"].startswith("# Scope brief: contact center")
    assert bot_view({"text": "hello <b>", "buttons": None})["text"] == "hello <b>"  # text stays text
    assert bot_view({"text": "", "buttons": []}) is None


def _bot_event(msg: dict) -> dict:
    return {"event": "bot", "text": msg.get("text"),
            "data": {"buttons": msg.get("buttons"), "custom": msg.get("custom")}}


def test_history_shows_the_visible_conversation_since_the_last_restart():
    first = message(CONTACT_CENTER_BOUGHT_AS_CALL_CENTER)
    payload = first["buttons"][0]["payload"]
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "user", "text": "old conversation"},
        {"event": "bot", "text": "old reply", "data": {}},
        {"event": "restart"},
        {"event": "user", "text": "We need a call center for phone, chat and email"},
        {"event": "slot", "name": "x", "value": 1},
        _bot_event(first),
        {"event": "user", "text": payload},        # a clicked answer
        {"event": "user", "text": "/ask_brief"},   # the widget's own command: not shown
        _bot_event(brief_message(build_view(assess(CONTACT_CENTER_BOUGHT_AS_CALL_CENTER)))),
    ]
    shown = history_from_events(events)
    assert [m["role"] for m in shown] == ["user", "bot", "user", "bot"]
    assert shown[0]["text"].startswith("We need a call center")
    assert shown[1]["card"]["model"] == "CONTACT_CENTER"
    assert shown[2]["text"] == first["buttons"][0]["title"]
    assert "brief" in shown[3]
    assert not any(m.get("text") in ("old conversation", "old reply") for m in shown)


# ----- the user's words beside each signal ------------------------------------------------------------
def described(text: str, *found: tuple) -> dict:
    """The assessment message for ``text`` with entities ``(entity, value, words, role)``, spans as the
    resolver gives them."""
    entities = []
    for entity, value, words, *role in found:
        start = text.index(words)
        e = {"entity": entity, "value": value, "start": start, "end": start + len(words), "text": words}
        if role:
            e["role"] = role[0]
        entities.append(e)
    return assessment_message(build_view(assess(Signals.from_entities(entities)), text))


RING = "Ring us up or use live chat, WhatsApp next year, no email; one CRM; we're a bike shop"
RING_FOUND = [("channel", "voice", "Ring us up"), ("channel", "chat", "live chat"),
              ("channel", "messaging", "WhatsApp", "planned"), ("channel", "email", "email", "excluded"),
              ("integration", "integrated", "one CRM"), ("industry", "retail_ecommerce", "bike shop")]


def chips(card: dict) -> dict:
    return {(g["name"], c["value"]): c["quotes"] for g in card["signals"] for c in g["chips"]}


def test_card_chips_quote_the_words_each_signal_came_from():
    msg = described(RING, *RING_FOUND)
    card = card_of(msg)
    quotes = chips(card)
    assert quotes[("Channels", "voice")] == ["Ring us up"] and quotes[("Channels", "chat")] == ["live chat"]
    assert quotes[("Planned channels", "messaging")] == ["WhatsApp"]
    assert quotes[("Ruled out", "email")] == ["email"]
    assert quotes[("Omnichannel", "True")] == ["one CRM"]
    assert quotes[("Industry", "retail_ecommerce")] == ["bike shop"]


def test_quotes_come_from_the_evidence_not_from_the_text():
    msg = described(RING, *RING_FOUND)
    assert chips(card_of({**msg, "text": "Recommendation: contact center"}))[("Channels", "voice")] == ["Ring us up"]
    no_evidence = message(Signals(channels=frozenset({"voice", "chat"})))  # signals without words
    assert all(q == [] for q in chips(card_of(no_evidence)).values())
    junk = {**msg["custom"], "signal_groups": [{"name": "Channels", "chips": ["x", {"value": "voice"}]}, "y"]}
    assert chips(assessment_card(AssessmentView.from_payload(junk))) == {("Channels", "voice"): []}


def test_quotes_are_plain_data_and_long_ones_are_shortened():
    text = "We take <img src=x onerror=alert(1)> phone calls " + "and more " * 20
    [quote] = chips(card_of(described(text, ("channel", "voice", text))))[("Channels", "voice")]
    assert quote.startswith("We take <img src=x onerror=alert(1)>")  # the widget inserts it as text
    assert len(quote) <= 80 and quote.endswith("…")


def test_the_plain_text_lists_the_words_and_the_card_reads_values_unaffected():
    msg = described(RING, *RING_FOUND)
    assert '\n\nIn your words:\n- "Ring us up": phone\n- "live chat": chat\n' in msg["text"]
    assert '- "email": email (ruled out)' in msg["text"] and '- "WhatsApp": messaging (planned)' in msg["text"]
    groups = {g["name"]: g["chips"] for g in card_of(msg)["signals"]}
    assert [c["label"] for c in groups["Industry"]] == ["retail & e-commerce"]
    assert "Industry: retail & e-commerce" in msg["text"] and "retail_ecommerce" not in msg["text"]
