"""The real bot over HTTP: multi-turn scoping, isolation, restarts, hostile input."""

from __future__ import annotations

import json
import signal

import pytest

from bot.domain.definitions import RESTARTED, STEER_BACK, define
from bot.views.replies import NOTHING_TO_BRIEF
from tests.integration.servers import assessment, post, start_bot

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bot(shared_bot):
    return shared_bot


def test_six_turns_reach_cx_bpo_then_a_correction_changes_it(bot):
    me = "six-turns"
    replies = bot.send(me, "hi")
    assert replies and "call center" in replies[0]["text"].lower()
    a = assessment(bot.send(me, "We run phone support for our online furniture store, around 4,000 calls a month."))
    assert a["recommendation"] == "CALL_CENTER" and a["channels"] == ["voice"]
    said = ["hi", "We run phone support for our online furniture store, around 4,000 calls a month.",
            "customers also reach us over live chat and email"]
    a = assessment(bot.send(me, said[2]))
    assert a["recommendation"] == "CONTACT_CENTER" and set(a["channels"]) == {"voice", "chat", "email"}
    evidence = {e["signal"]: e for e in a["evidence"]}
    assert evidence["channel:voice"]["message"] == 1 and evidence["channel:chat"]["message"] == 2
    for e in a["evidence"]:  # offsets into the message that said it, counted from the greeting
        assert said[e["message"]][e["start"]:e["end"]] == e["text"]
    a = assessment(bot.send(me, "we want an outsourcing partner to also own our QA program and CX analytics"))
    assert a["recommendation"] == "CX_BPO" and a["sourcing"] == "outsourced"
    assert {"quality_assurance", "analytics"} <= set(a["goals"])
    brief = [r for r in bot.send(me, "send me the brief") if r.get("custom", {}).get("type") == "brief"]
    assert brief and brief[0]["custom"]["markdown"].startswith("# Scope brief: CX BPO")
    a = assessment(bot.send(me, "sorry, I meant we keep it in-house, no outsourcing"))
    assert a["sourcing"] == "in_house" and a["recommendation"] == "CONTACT_CENTER"
    assert set(a["channels"]) == {"voice", "chat", "email"}


def test_interleaved_conversations_do_not_leak(bot):
    a1 = assessment(bot.send("alice", "We only take phone calls for our plumbing company."))
    b1 = assessment(bot.send("bob", "Outsource our payroll and bookkeeping please."))
    a2 = assessment(bot.send("alice", "and we also answer WhatsApp messages"))
    b2 = assessment(bot.send("bob", "customers email us about their invoices too"))
    assert a1["recommendation"] == "CALL_CENTER" and b1["recommendation"] == "BPO"
    assert a2["recommendation"] == "CONTACT_CENTER" and a2["processes"] == []
    assert set(a2["channels"]) == {"voice", "messaging"}
    assert b2["recommendation"] == "BPO" and "voice" not in b2["channels"]


#: A long description (79 words) that names the phone throughout and e-mail once, at the end.
EMAIL_IN_PASSING = (
    "Our county clerk's office is looking for a partner to run the public phone line. Residents call "
    "about court dates, fees, jury duty and record requests; last year the line took about 90,000 calls, "
    "and callers often waited more than ten minutes at peak times. The contractor will staff the phones "
    "from 8 a.m. to 6 p.m. on weekdays, transfer calls that need a clerk, and log every call in our case "
    "system. Agents also answer the occasional email.")


def test_a_verdict_resting_on_one_passing_word_is_medium_until_the_buyer_confirms_it(bot):
    a = assessment(bot.send("passing-yes", EMAIL_IN_PASSING))
    assert (a["recommendation"], a["confidence"]) == ("CONTACT_CENTER", "medium")
    assert any("email, which your description names only once" in r for r in a["reasons"])
    a = assessment(bot.send("passing-yes", "Yes, about a fifth of the contacts come in by email."))
    assert (a["recommendation"], a["confidence"]) == ("CONTACT_CENTER", "high")
    assert not any("names only once" in r for r in a["reasons"])
    a = assessment(bot.send("passing-no", EMAIL_IN_PASSING))
    a = assessment(bot.send("passing-no", "No, forget the email, it's all phone."))
    assert a["recommendation"] == "CALL_CENTER" and a["channels"] == ["voice"]
    a = assessment(bot.send("passing-drop", EMAIL_IN_PASSING))
    a = assessment(bot.send("passing-drop", "drop email"))  # what the reason tells the buyer to say
    assert a["recommendation"] == "CALL_CENTER" and a["channels"] == ["voice"]
    a = assessment(bot.send("passing-no", "We need a partner for phone and chat who also runs our QA program."))
    assert a["recommendation"] == "CX_BPO"
    a = assessment(bot.send("passing-no", "Actually we don't need the QA program."))
    assert a["recommendation"] == "CONTACT_CENTER" and "quality_assurance" not in a["goals"]


def test_what_the_reader_sets_aside_is_shown_with_its_words_and_can_be_brought_back(bot):
    """A pasted provider catalogue: the mentions the model's reader takes for background are in
    the payload's ``set_aside`` and on the card as their own group, with the buyer's words; naming
    one of them in a short message puts it in scope and off that list."""
    from bot.views.view import SET_ASIDE_GROUP
    from tests.integration.test_nlu_model import CATALOGUE

    me = "set-aside"
    a = assessment(bot.send(me, CATALOGUE))
    assert a["set_aside"], "the catalogue's services should be read as background"
    for e in a["set_aside"]:
        assert CATALOGUE[e["start"]:e["end"]] == e["text"] and e["message"] == 0
    in_scope = {f"channel:{c}" for c in a["channels"]} | {f"process:{p}" for p in a["processes"]}
    assert not in_scope & {e["signal"] for e in a["set_aside"]}
    group = next(g for g in a["signal_groups"] if g["name"] == SET_ASIDE_GROUP)
    assert {c["state"] for c in group["chips"]} == {"context"} and all(c["quotes"] for c in group["chips"])
    first = next(e for e in a["set_aside"] if e["signal"].startswith("channel:"))
    kind, _, value = first["signal"].partition(":")
    a = assessment(bot.send(me, f"Actually {first['text']} is part of what we need."))
    assert value in a["channels"]
    assert first["signal"] not in {e["signal"] for e in a["set_aside"]}


def asked(a: dict) -> str:
    """The id of the question the bot asks first, the one a short reply answers."""
    return a["follow_up_questions"][0]["id"]


def test_short_answers_settle_the_question_just_asked(bot):
    me = "short-answers"
    a = assessment(bot.send(me, "We answer phone and email for a dental clinic and want a partner to run it."))
    assert a["recommendation"] == "CONTACT_CENTER" and asked(a) == "back_office"
    a = assessment(bot.send(me, "no"))
    assert "back_office" not in [q["id"] for q in a["follow_up_questions"]] and asked(a) == "cx_ownership"
    # a button's words, typed: the NLU is unsure of them, the pending question is not
    a = assessment(bot.send(me, "just handle contacts"))
    assert a["recommendation"] == "CONTACT_CENTER" and asked(a) == "omnichannel"
    a = assessment(bot.send(me, "separate teams"))
    assert a["omnichannel"] is False and asked(a) == "direction"
    replies = bot.send(me, "both")
    a = assessment(replies)
    assert a["direction"] == "blended" and asked(a) == "volume"
    assert {"signal": "direction:blended", "text": "both", "start": 0, "end": 4, "message": 4} in a["evidence"]
    replies = bot.send(me, "about 10k a month")
    a = assessment(replies)
    assert "volume" not in [q["id"] for q in a["follow_up_questions"]]
    assert any(e["signal"] == "volume:10000" and e["text"] == "10k" for e in a["evidence"])
    assert "Volume: 10,000 a month" in "\n".join(r.get("text") or "" for r in replies)
    assert a["channels"] == ["email", "voice"] and a["sourcing"] == "outsourced"  # nothing lost on the way


def test_start_over_forgets_everything(bot):
    me = "start-over"
    assert assessment(bot.send(me, "We answer phone and email for a dental clinic."))["channels"] == ["email", "voice"]
    replies = bot.send(me, "start over")
    assert [r.get("text") for r in replies] == [RESTARTED] and not assessment(replies)
    a = assessment(bot.send(me, "customers reach us over live chat"))
    assert a["channels"] == ["chat"] and a["processes"] == [] and a["goals"] == []
    assert {e["message"] for e in a["evidence"]} == {0}  # numbering starts again too


@pytest.mark.parametrize("question, models", [
    ("what is a contact center?", ["CONTACT_CENTER"]),
    ("what's the difference between a call center and a BPO?", ["CALL_CENTER", "BPO"]),
])
def test_definition_questions_are_answered_and_keep_the_scope(bot, question, models):
    me = f"define-{len(models)}"
    bot.send(me, "We answer phone calls for a plumber.")
    replies = bot.send(me, question)
    assert "\n\n".join(r["text"] for r in replies) == define(models)
    a = assessment(bot.send(me, "and we answer email too"))
    assert a["channels"] == ["email", "voice"]


#: Words a model may be unable to place; which of them falls back moves with each retraining.
UNPLACEABLE = ["just handle contacts", "purple monkey dishwasher", "qwzx plmk vbnr", "the the the",
               "banana helicopter", "zxcvbnm", "lorem ipsum dolor"]


def test_the_fallback_steers_back_and_keeps_nothing(bot, parser):
    me = "fallback"
    # words the model cannot place (asked of the same model), with no question pending
    unplaced = [m for m in UNPLACEABLE if parser.parse_raw(m)["intent"]["name"] == "nlu_fallback"]
    assert unplaced, "the model places every candidate; add one it cannot"
    assert [r.get("text") for r in bot.send(me, unplaced[0])] == [STEER_BACK]
    a = assessment(bot.send(me, "We answer phone calls for a plumber."))
    assert a["channels"] == ["voice"] and {e["message"] for e in a["evidence"]} == {1}


def test_brief_before_any_description_says_what_is_missing(bot):
    me = "early-brief"
    replies = bot.send(me, "send me the brief")
    assert [r["text"] for r in replies] == [NOTHING_TO_BRIEF]
    assert not any(r.get("custom") for r in replies)
    assessment(bot.send(me, "We answer phone calls for a dental clinic."))
    brief = [r for r in bot.send(me, "send me the brief") if r.get("custom", {}).get("type") == "brief"]
    assert brief and brief[0]["custom"]["markdown"].startswith("# Scope brief: call center")


@pytest.mark.parametrize("message", [
    "", "   ", "x" * 20_000, "\U0001F600\U0001F680\U0001F44D", "Wir brauchen Hilfe beim Kundenservice, bitte.",
    "<script>alert('x')</script><img src=x onerror=alert(1)>", "\u0000\u0001 control chars",
])
def test_bad_input_gets_a_reply_and_adds_nothing(bot, message):
    me = f"bad-{abs(hash(message)) % 10_000}"
    before = assessment(bot.send(me, "We answer phone and email for a dental clinic."))
    assert before["recommendation"] == "CONTACT_CENTER"
    replies = bot.send(me, message)
    texts = [r["text"] for r in replies if (r.get("text") or "").strip()]
    assert texts, "every message gets a readable reply"
    assert all("<script>" not in t and "onerror" not in t for t in texts)
    after = assessment(bot.send(me, "we also handle chat"))
    assert after["channels"] == ["chat", "email", "voice"]  # exactly: the bad input added no signal
    for field in ("processes", "goals", "planned_channels", "excluded_channels", "sourcing", "direction"):
        assert after[field] == before[field], field


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"sender": "x"}', b'{"message": 5, "sender": "x"}'])
def test_malformed_rest_body_is_a_400_with_a_reason(bot, body):
    status, text = post(f"{bot.url}/webhooks/rest/webhook", body)
    assert status == 400 and json.loads(text)["error"]


def test_conversation_survives_a_server_restart(trained_model, tmp_path):
    db = tmp_path / "restart.db"
    first = start_bot(db, tmp_path / "a.log", trained_model)
    try:
        a = assessment(first.send("survivor", "We answer Instagram DMs and email for our shoe store."))
        assert a["recommendation"] == "CONTACT_CENTER"
    finally:
        first.stop(signal.SIGKILL)
    second = start_bot(db, tmp_path / "b.log", trained_model)
    try:
        a = assessment(second.send("survivor", "we also take phone calls"))
        assert set(a["channels"]) == {"social", "email", "voice"}
    finally:
        second.stop()


def test_supervisor_exits_non_zero_when_a_server_dies(trained_model, tmp_path):
    import os
    import subprocess
    import time

    running = start_bot(tmp_path / "die.db", tmp_path / "die.log", trained_model)
    try:
        pids = subprocess.run(["pgrep", "-f", f"actions.server --port {running.action_port}"],
                              capture_output=True, text=True).stdout.split()
        assert pids, "action server process not found"
        for pid in pids:
            os.kill(int(pid), signal.SIGKILL)
        deadline = time.monotonic() + 60
        while running.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert running.proc.returncode not in (None, 0)
        assert "action server exited" in running.log.read_text()
        # ...and it took the Rasa server down with it: the port no longer answers.
        assert not _port_open(running.port)
    finally:
        running.stop(signal.SIGKILL)


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0
