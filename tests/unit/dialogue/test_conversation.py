"""Multi-turn state: accumulation, corrections, short answers to the pending question."""

from __future__ import annotations

from bot.dialogue.conversation import State, answers_pending, option_payload, take_turn
from bot.domain.definitions import define
from bot.domain.questions import question_by_id


def ent(entity, value, role=None):
    e = {"entity": entity, "value": value, "extractor": "SignalResolver"}
    if role:
        e["role"] = role
    return e


def test_signals_accumulate_and_corrections_remove():
    t1 = take_turn(State(), "describe_operation", [ent("channel", "voice"), ent("channel", "chat")], "phone and chat")
    assert t1.assessment.recommendation == "CONTACT_CENTER" and t1.changed
    t2 = take_turn(t1.state, "inform", [ent("goal", "quality_assurance"), ent("sourcing", "outsourced")], "own QA")
    assert t2.assessment.recommendation == "CX_BPO"
    t3 = take_turn(t2.state, "correct", [ent("channel", "chat", "excluded")], "actually drop the chat")
    assert t3.state.signals.channels == {"voice"} and t3.assessment.recommendation == "CX_BPO"


def test_yes_and_no_answer_the_pending_question():
    t1 = take_turn(State(), "describe_operation", [ent("channel", "chat"), ent("channel", "email"),
                                                   ent("sourcing", "outsourced")], "chat and email")
    assert t1.state.pending == "back_office"
    t2 = take_turn(t1.state, "deny", [], "no")
    assert "back_office" in t2.state.answered and t2.state.pending == "cx_ownership"
    t3 = take_turn(t2.state, "affirm", [], "yes")
    assert t3.assessment.recommendation == "CX_BPO"


def test_both_answers_direction():
    s = State(take_turn(State(), "describe_operation", [ent("channel", "voice")], "phones").state.signals,
              pending="direction")
    t = take_turn(s, "inform", [], "both")
    assert t.state.signals.direction == "blended" and "direction" in t.state.answered


def test_an_answer_is_told_apart_from_noise_whatever_the_nlu_made_of_it():
    asked = State(pending="cx_ownership")
    assert answers_pending(asked, None, "just handle contacts")  # a button's words, typed
    assert answers_pending(asked, "nlu_fallback", "Just the contacts ")
    assert not answers_pending(asked, None, "purple elephants")
    assert not answers_pending(State(), None, "just handle contacts")  # nothing was asked
    assert answers_pending(State(pending="volume"), None, "around 2,500 a week")
    assert not answers_pending(State(pending="volume"), None, "quite a lot")


def test_number_answers_volume():
    t = take_turn(State(pending="volume"), "inform", [], "about 10k a month")
    assert t.state.signals.volume.amount == 10000 and t.state.signals.volume.period == "month"


def test_button_payload_sets_the_option():
    q = question_by_id("sourcing")
    assert option_payload(q, 1) == '/inform{"option": "sourcing:1"}'
    t = take_turn(State(), "inform", [], "", option="sourcing:1")
    assert t.state.signals.sourcing == "in_house" and "sourcing" in t.state.answered
    assert take_turn(State(), "inform", [], "", option="sourcing:9").state.signals.sourcing is None


def test_yes_to_back_office_asks_which():
    t = take_turn(State(pending="back_office"), "affirm", [], "yes")
    assert t.note and "Which" in t.note and t.state.pending == "back_office"


def test_nothing_new_is_reported_as_unchanged():
    t = take_turn(State(), "inform", [], "hmm")
    assert not t.changed


def test_state_round_trips_through_slots():
    t = take_turn(State(), "describe_operation", [ent("channel", "voice"), ent("process", "payroll_hr")], "x")
    slots = t.state.slots()
    assert State.from_slots(slots["scope_signals"], slots["pending_question"],
                            slots["answered_questions"]) == t.state


def test_definitions():
    assert "phone" in define(["CALL_CENTER"]).lower()
    both = define(["CALL_CENTER", "CONTACT_CENTER"])
    assert "nest" in both.lower()
    assert "omnichannel" in define([], integration_asked=True).lower()
    assert all(word in define([]) for word in ("call center", "contact center", "CX BPO", "BPO"))


# ----- evidence across turns ---------------------------------------------------------------------
def spoken(entity, value, text, words, role=None):
    e = ent(entity, value, role)
    start = text.index(words)
    return {**e, "start": start, "end": start + len(words), "text": words}


def evidence(turn):
    return {e["signal"]: (e["text"], e["message"]) for e in turn.assessment.to_record("")["evidence"]}


def test_each_signal_is_credited_to_the_message_that_said_it():
    t1 = take_turn(State(), "describe_operation", [spoken("channel", "voice", "ring us up", "ring us up")],
                   "ring us up", message=0)
    t2 = take_turn(t1.state, "inform", [spoken("channel", "chat", "hi again, live chat too", "live chat")],
                   "hi again, live chat too", message=2)
    assert evidence(t2) == {"channel:voice": ("ring us up", 0), "channel:chat": ("live chat", 2)}
    t3 = take_turn(t2.state, "correct", [spoken("channel", "voice", "drop the phone", "phone", "excluded")],
                   "drop the phone", message=3)
    assert evidence(t3) == {"channel:chat": ("live chat", 2), "excluded_channel:voice": ("phone", 3)}


def test_the_same_description_twice_is_still_nothing_new():
    text = "We take phone and chat"
    found = [spoken("channel", "voice", text, "phone"), spoken("channel", "chat", text, "chat")]
    t1 = take_turn(State(), "describe_operation", found, text, message=0)
    t2 = take_turn(t1.state, "describe_operation", found, text, message=1)
    assert t1.changed and not t2.changed
    assert t2.state == t1.state and t2.state.signals.evidence == t1.state.signals.evidence


def test_evidence_survives_the_slots():
    t = take_turn(State(), "describe_operation", [spoken("channel", "voice", "ring us up", "ring us up")],
                  "ring us up", message=4)
    slots = t.state.slots()
    back = State.from_slots(slots["scope_signals"], slots["pending_question"], slots["answered_questions"])
    assert back.signals.evidence == t.state.signals.evidence and back.signals.evidence[0].message == 4


def test_short_answers_and_clicks_are_their_own_evidence():
    phones = take_turn(State(), "describe_operation", [spoken("channel", "voice", "phones", "phones")], "phones")
    both = take_turn(State(phones.state.signals, pending="direction"), "inform", [], "  both ", message=1)
    assert evidence(both)["direction:blended"] == ("both", 1)
    assert both.state.signals.evidence_for("direction:blended").start == 2
    volume = take_turn(State(pending="volume"), "inform", [], "about 10k a month", message=2)
    assert evidence(volume) == {"volume:10000": ("10k", 2)}
    clicked = take_turn(State(), "inform", [], '/inform{"option": "sourcing:1"}', option="sourcing:1", message=3)
    title = question_by_id("sourcing").options[1].title
    assert evidence(clicked) == {"sourcing:in_house": (title, 3)}


def test_a_call_center_label_implies_voice_until_channels_are_named():
    text = "We need a call center."
    t1 = take_turn(State(), "describe_operation", [spoken("model", "CALL_CENTER", text, "call center")], text)
    rec = t1.assessment.to_record(text)
    assert (rec["recommendation"], rec["confidence"], rec["channels"]) == ("CALL_CENTER", "medium", ["voice"])
    assert t1.state.pending == "channels" and not t1.state.signals.channels, "the guess is not stored"
    t2 = take_turn(t1.state, "inform", [spoken("channel", "chat", "chat and email", "chat"),
                                        spoken("channel", "email", "chat and email", "email")],
                   "chat and email", message=1)
    rec2 = t2.assessment.to_record("chat and email")
    assert rec2["channels"] == ["chat", "email"] and rec2["recommendation"] == "CONTACT_CENTER"
    assert rec2["label_mismatch"] and "channel:voice" not in evidence(t2) and "channels" in t2.state.answered
    t3 = take_turn(t2.state, "inform", [spoken("channel", "voice", "and phones", "phones")], "and phones", message=2)
    assert evidence(t3)["channel:voice"] == ("phones", 2)


def test_message_number_counts_user_messages_since_the_last_restart():
    from rasa_sdk import Tracker

    from actions.actions import _message_number

    def tracker(events):
        return Tracker("u", {}, {"text": "x"}, events, False, None, {}, None)

    user = {"event": "user", "text": "x"}
    assert _message_number(tracker([{"event": "action", "name": "action_session_start"}, user])) == 0
    assert _message_number(tracker([user, {"event": "bot"}, user, {"event": "slot"}, user])) == 2
    assert _message_number(tracker([user, user, {"event": "restart"}, user])) == 0
    assert _message_number(tracker([])) == 0


# ----- returning users ---------------------------------------------------------------------------
def test_a_new_session_starts_only_after_the_idle_time():
    from bot.dialogue.conversation import new_session

    assert new_session(1000.0, 1000.0 + 61, 1) and not new_session(1000.0, 1000.0 + 59, 1)
    assert not new_session(1000.0, 1e9, 0) and not new_session(None, 1000.0, 1)


def test_a_resumed_turn_keeps_the_signals_but_not_the_pending_question():
    from bot.dialogue.conversation import RESUMED
    from bot.domain.signals import Signals
    from bot.views.view import turn_view

    known = State(Signals(channels=frozenset({"chat", "email"})), pending="back_office")
    turn = take_turn(known, "affirm", [], "yes", resumed=True)
    assert turn.resumed and turn.state.signals.channels == {"chat", "email"}
    assert "back_office" not in turn.state.answered and turn.note is None  # "yes" answered nothing old
    view = turn_view(turn, "yes")
    assert view.notes[0] == RESUMED and view.compact
    assert not take_turn(State(), "greet", [], "hi", resumed=True).resumed  # nothing known: nothing to resume


def test_confirming_a_word_named_once_in_a_long_description_raises_the_confidence():
    long_text = " ".join(["word"] * 80)
    t1 = take_turn(State(), "describe_operation",
                   [ent("channel", "voice"), ent("channel", "voice"), ent("channel", "email")], long_text)
    assert (t1.assessment.recommendation, t1.assessment.confidence) == ("CONTACT_CENTER", "medium")
    assert any("names only once" in r for r in t1.assessment.reasons)
    t2 = take_turn(t1.state, "inform", [ent("channel", "email")], "yes, customers email us every day")
    assert (t2.assessment.recommendation, t2.assessment.confidence) == ("CONTACT_CENTER", "high")
    assert t2.changed and not t2.adds_nothing
    assert not any("names only once" in r for r in t2.assessment.reasons)


def test_a_wrong_ownership_goal_can_be_dropped_in_the_conversation():
    t1 = take_turn(State(), "describe_operation", [ent("channel", "voice"), ent("channel", "chat"),
                                                   ent("goal", "quality_assurance")], "phone and chat, they run QA")
    assert t1.assessment.recommendation == "CX_BPO"
    t2 = take_turn(t1.state, "correct", [ent("goal", "quality_assurance", "excluded")], "we don't need QA")
    assert t2.assessment.recommendation == "CONTACT_CENTER" and t2.changed
    assert "quality_assurance" not in t2.state.signals.goals


# ----- mentions read as background -------------------------------------------------------------------
def test_a_message_whose_mentions_were_all_set_aside_is_news_and_a_later_message_can_bring_one_back():
    """A pasted catalogue whose every mention the reader took for background still gets a full
    answer that shows what was set aside (not the short "nothing new" one), and the buyer can
    then say which of it is theirs."""
    text = "Their brochure lists phone answering and billing support among the services they sell."
    aside = [{**spoken("channel", "voice", text, "phone answering"), "context": True},
             {**spoken("process", "billing_support", text, "billing support"), "context": True}]
    first = take_turn(State(), "describe_operation", aside, text)
    assert first.changed and first.state.signals.is_empty
    assert [e["signal"] for e in first.assessment.to_record(text)["set_aside"]] == [
        "channel:voice", "process:billing_support"]
    slots = first.state.slots()
    kept = State.from_slots(slots["scope_signals"], slots["pending_question"], slots["answered_questions"])
    assert len(kept.signals.set_aside) == 2
    again = take_turn(kept, "describe_operation", aside, text, message=1)
    assert not again.changed  # the same paste twice adds nothing
    back = take_turn(kept, "inform", [spoken("channel", "voice", "phone is ours", "phone")], "phone is ours",
                     message=1)
    assert back.state.signals.channels == {"voice"}
    assert [e.signal for e in back.state.signals.set_aside] == ["process:billing_support"]
