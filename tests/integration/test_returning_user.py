"""A returning user over REST: a message that adds nothing still shows the standing answer,
and after the idle time a new session starts from what was known and says so."""

from __future__ import annotations

import time

import pytest

from bot.dialogue.conversation import NOTHING_NEW, RESUMED
from tests.integration.servers import assessment, start_bot

pytestmark = pytest.mark.slow

DESCRIPTION = "We answer phone calls and live chat for our bike shop."
#: The idle time of the bot that tests sessions: short enough to wait out in a test.
IDLE_SECONDS = 3


def texts(replies: list[dict]) -> str:
    return "\n\n".join(r["text"] for r in replies if r.get("text"))


def test_a_message_that_adds_nothing_shows_the_standing_answer_and_the_next_question(shared_bot):
    me = "nothing-new"
    first = assessment(shared_bot.send(me, DESCRIPTION))
    assert first["recommendation"] == "CONTACT_CENTER" and not first["compact"]
    replies = shared_bot.send(me, DESCRIPTION)  # the same operation described again
    again = assessment(replies)
    assert again["compact"] and again["recommendation"] == first["recommendation"]
    assert again["notes"] == [NOTHING_NEW] and set(again["channels"]) == {"voice", "chat"}
    shown = texts(replies)
    question = again["follow_up_questions"][0]["text"]
    assert shown.startswith(f"{NOTHING_NEW}\n\nRecommendation: contact center ({again['confidence']} confidence)")
    assert shown.endswith(f"Next question: {question}")
    assert "Why:" not in shown and "What I picked up" not in shown
    buttons = [b for r in replies for b in r.get("buttons") or []]
    assert buttons == again["answers"]


@pytest.fixture(scope="module")
def idle_bot(trained_model, tmp_path_factory):
    work = tmp_path_factory.mktemp("idle-bot")
    running = start_bot(work / "trackers.db", work / "bot.log", trained_model,
                        env={"SCOPEBOT_SESSION_IDLE_MINUTES": str(IDLE_SECONDS / 60)})
    yield running
    running.stop()


def test_after_the_idle_time_a_new_session_keeps_the_signals_and_says_so(idle_bot):
    me = "returning"
    assert assessment(idle_bot.send(me, DESCRIPTION))["recommendation"] == "CONTACT_CENTER"
    quick = assessment(idle_bot.send(me, DESCRIPTION))  # within the idle time: the same session
    assert quick["notes"] == [NOTHING_NEW]
    time.sleep(IDLE_SECONDS + 1)
    replies = idle_bot.send(me, DESCRIPTION)  # days later, in the same DM
    back = assessment(replies)
    assert back["notes"] == [RESUMED, NOTHING_NEW] and back["compact"]
    assert back["recommendation"] == "CONTACT_CENTER" and set(back["channels"]) == {"voice", "chat"}
    assert texts(replies).startswith(RESUMED)
    # The next message belongs to the new session: no second welcome.
    more = assessment(idle_bot.send(me, "customers also email us"))
    assert more["notes"] == [] and set(more["channels"]) == {"voice", "chat", "email"}


def test_a_greeting_after_the_break_does_not_hide_it(idle_bot):
    me = "returning-with-hello"
    assessment(idle_bot.send(me, DESCRIPTION))
    time.sleep(IDLE_SECONDS + 1)
    assert assessment(idle_bot.send(me, "hi")) is None  # a greeting is answered as one
    news = assessment(idle_bot.send(me, "we also answer email now"))
    assert news["notes"] == [RESUMED] and not news["compact"]
    assert set(news["channels"]) == {"voice", "chat", "email"}


def test_start_over_is_not_a_returning_session(idle_bot):
    me = "fresh-start"
    assessment(idle_bot.send(me, DESCRIPTION))
    idle_bot.send(me, "start over")
    time.sleep(IDLE_SECONDS + 1)
    fresh = assessment(idle_bot.send(me, "We only take phone calls."))
    assert fresh["notes"] == [] and fresh["channels"] == ["voice"]
