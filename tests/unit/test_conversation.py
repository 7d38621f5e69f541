"""Multi-turn state: accumulation, corrections, short answers to the pending question."""

from __future__ import annotations

from bot.conversation import State, option_payload, take_turn
from bot.definitions import define
from bot.questions import question_by_id


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
