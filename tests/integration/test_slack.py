"""Slack end to end, offline: the real bot (Rasa + actions + trained model) behind
POST /webhooks/slack/events, a fake Slack Web API, and requests signed like Slack's."""

from __future__ import annotations

import json
import signal
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.domain.definitions import RESTARTED
from tests.integration.fake_slack import (
    BOT_ID,
    BOT_USER,
    TEAM,
    block_actions,
    dm_event,
    event_callback,
    mention_event,
    new_ts,
    slack_post,
    slash_command,
)
from tests.integration.servers import assessment, start_bot

pytestmark = pytest.mark.slow

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
#: The outbox's longest backoff in these tests (the default is 30 s), so an outage test takes seconds.
OUTBOX_MAX_WAIT_S = 2


@pytest.fixture(scope="module")
def bot(trained_model, tmp_path_factory, fake):
    work = tmp_path_factory.mktemp("slackbot")
    running = start_bot(work / "trackers.db", work / "bot.log", trained_model, env={
        "SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url,
        "SLACK_APP_TOKEN": "", "SCOPEBOT_SLACK_OUTBOX_MAX_WAIT_S": str(OUTBOX_MAX_WAIT_S)})
    yield running
    alive = running.proc.poll() is None
    running.stop(signal.SIGTERM)
    assert alive, "the bot must still be running after the Slack tests"
    log = running.log.read_text(errors="replace")
    assert "Traceback" not in log and "Slack background task failed" not in log, log[-3000:]


def events_url(bot) -> str:
    return f"{bot.url}/webhooks/slack/events"


def send_event(bot, event: dict, event_id: str | None = None, **kwargs) -> tuple[int, str, float]:
    return slack_post(events_url(bot), json.dumps(event_callback(event, event_id)), SECRET, **kwargs)


def blocks_text(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def header(call) -> str:
    heads = [b["text"]["text"] for b in call.params.get("blocks") or [] if b.get("type") == "header"]
    return heads[0] if heads else ""


def answer_buttons(blocks: list[dict]) -> tuple[str, list[dict]]:
    for b in blocks:
        if b.get("type") == "actions" and b.get("block_id") == "scopebot.answers":
            return b["block_id"], b["elements"]
    return "", []


def brief_button(blocks: list[dict]) -> tuple[str, dict]:
    for b in blocks:
        for e in b.get("elements", []) if b.get("type") == "actions" else []:
            if e["action_id"] == "scopebot.brief":
                return b["block_id"], e
    raise AssertionError(f"no brief button in {blocks_text(blocks)[:500]}")


def posts(fake, channel: str, **params) -> list:
    return fake.find("chat.postMessage", channel=channel, **params)


def message_of(call) -> dict:
    """The message Slack stored for a chat.postMessage call (as a block_actions payload carries it)."""
    return call.response["message"]


# ----- tests ------------------------------------------------------------------------------------
def test_url_verification_answers_the_challenge(bot):
    body = json.dumps({"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"})
    status, text, _ = slack_post(events_url(bot), body, SECRET)
    assert status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in text


def test_a_direct_message_gets_an_assessment_with_blocks(bot, fake):
    event = dm_event("D0DM1", "U0ALICE", "We need a call center to handle chat and email.")
    status, _, elapsed = send_event(bot, event)
    assert status == 200 and elapsed < 3
    [call] = fake.wait_for("chat.postMessage", channel="D0DM1")
    assert fake.find("auth.test"), "Bolt checks the token with auth.test"
    assert call.headers.get("Authorization") == "Bearer xoxb-test-token"
    assert "thread_ts" not in call.params or call.params["thread_ts"] is None
    blocks = call.params["blocks"]
    assert header(call) == "Recommendation: contact center"
    assert call.params["text"].startswith("Recommendation: contact center")
    dumped = blocks_text(blocks)
    assert "Label check" in dumped and ":warning:" in dumped  # asked for a call center, described a contact center
    assert "*Why*" in dumped and "*Channels*" in dumped
    assert any(b.get("fields") for b in blocks), "signals as section fields"
    _, buttons = answer_buttons(blocks)
    assert buttons and all(b["action_id"].startswith('scopebot.answer:/inform{"option": "') for b in buttons)
    assert all(b["value"] == f"slack:{TEAM}:D0DM1" for b in buttons)
    brief_button(blocks)


def test_a_mention_is_answered_in_its_thread_and_a_reply_there_continues_it(bot, fake):
    channel, root = "C0PLUMB", new_ts()
    text = f"<@{BOT_USER}> We only take phone calls for our plumbing company."
    assert send_event(bot, mention_event(channel, "U0BOB", text, ts=root))[0] == 200
    # Slack also delivers the same message as message.channels: it must not get a second reply.
    duplicate = dm_event(channel, "U0BOB", text, ts=root, channel_type="channel")
    assert send_event(bot, duplicate)[0] == 200
    [first] = fake.wait_for("chat.postMessage", channel=channel)
    assert first.params["thread_ts"] == root
    assert header(first) == "Recommendation: call center"

    reply = mention_event(channel, "U0BOB", f"<@{BOT_USER}> and we also answer WhatsApp messages",
                          thread_ts=root)
    assert send_event(bot, reply)[0] == 200
    calls = fake.wait_for("chat.postMessage", count=2, channel=channel)
    time.sleep(0.5)
    calls = posts(fake, channel)
    assert len(calls) == 2, "one reply per mention, none for the duplicate message event"
    assert all(c.params["thread_ts"] == root for c in calls)
    second = calls[1]
    assert header(second) == "Recommendation: contact center"
    assert "WhatsApp" in blocks_text(second.params["blocks"]) or "messaging" in blocks_text(second.params["blocks"])
    assert "phone" in blocks_text(second.params["blocks"]), "the thread kept what the first mention said"


def test_scope_command_acks_at_once_then_posts_in_a_thread(bot, fake):
    channel = "C0SCOPE"
    body = slash_command("We answer phone and email for a dental clinic and want a partner to run it.",
                         channel, "U0CAROL", fake.response_url())
    status, text, elapsed = slack_post(events_url(bot), body, SECRET, content_type="application/x-www-form-urlencoded")
    assert status == 200 and elapsed < 3, (status, text, elapsed)
    root, answer = fake.wait_for("chat.postMessage", count=2, channel=channel)
    assert "asked me to scope" in blocks_text(root.params["blocks"]) and "dental clinic" in blocks_text(
        root.params["blocks"])
    assert answer.params["thread_ts"] == root.response["ts"]
    assert header(answer).startswith("Recommendation: ")

    # a mention in that thread continues the /scope conversation
    follow = mention_event(channel, "U0CAROL", f"<@{BOT_USER}> customers also reach us over live chat",
                           thread_ts=root.response["ts"])
    send_event(bot, follow)
    third = fake.wait_for("chat.postMessage", count=3, channel=channel)[2]
    assert third.params["thread_ts"] == root.response["ts"]
    fields = blocks_text(third.params["blocks"])
    assert "phone" in fields and "email" in fields and "chat" in fields


def test_scope_private_and_empty(bot, fake):
    channel = "C0PRIV"
    body = slash_command("-p We only take phone calls for a solar installer.", channel, "U0DAVE", fake.response_url())
    status, _, elapsed = slack_post(events_url(bot), body, SECRET, content_type="application/x-www-form-urlencoded")
    assert status == 200 and elapsed < 3
    [eph] = fake.wait_for("chat.postEphemeral", channel=channel)
    assert eph.params["user"] == "U0DAVE" and header(eph) == "Recommendation: call center"
    assert not posts(fake, channel), "a private /scope posts nothing in the channel"

    # a click in the ephemeral answer: replaced through the response URL, answered ephemerally again
    block_id, buttons = answer_buttons(eph.params["blocks"])
    assert buttons and buttons[0]["value"] == f"slack:{TEAM}:{channel}:private:U0DAVE"
    response_url = fake.response_url()
    body = block_actions("U0DAVE", channel, {"ts": eph.response["message_ts"]}, buttons[0], block_id, response_url,
                         ephemeral=True)
    assert slack_post(events_url(bot), body, SECRET, content_type="application/x-www-form-urlencoded")[0] == 200
    [replaced] = fake.wait_for("response_url", where=lambda c: response_url.endswith(c.path))
    assert replaced.params["replace_original"] is True
    assert "actions" not in [b["type"] for b in replaced.params["blocks"]]
    assert buttons[0]["text"]["text"] in blocks_text(replaced.params["blocks"])
    second = fake.wait_for("chat.postEphemeral", count=2, channel=channel)[1]
    assert second.params["user"] == "U0DAVE" and header(second).startswith("Recommendation: ")
    assert not posts(fake, channel)

    status, text, _ = slack_post(events_url(bot), slash_command("", channel, "U0DAVE", fake.response_url()), SECRET,
                                 content_type="application/x-www-form-urlencoded")
    assert status == 200 and "/scope" in text  # usage, shown only to the caller


def test_a_button_click_continues_the_conversation_and_updates_the_message(bot, fake):
    channel, user = "D0CLICK", "U0ERIN"
    send_event(bot, dm_event(channel, user, "We take inbound and outbound calls for a solar installer."))
    [first] = fake.wait_for("chat.postMessage", channel=channel)
    block_id, buttons = answer_buttons(first.params["blocks"])
    assert buttons, blocks_text(first.params["blocks"])
    button = buttons[0]
    question = button["action_id"].split('"option": "')[1].split(":")[0]

    body = block_actions(user, channel, message_of(first), button, block_id, fake.response_url())
    status, _, elapsed = slack_post(events_url(bot), body, SECRET, content_type="application/x-www-form-urlencoded")
    assert status == 200 and elapsed < 3

    [update] = fake.wait_for("chat.update", channel=channel)
    assert update.params["ts"] == first.response["ts"]
    assert not [b for b in update.params["blocks"] if b["type"] == "actions"], "no buttons after the answer"
    assert button["text"]["text"] in blocks_text(update.params["blocks"]) and f"<@{user}>" in blocks_text(
        update.params["blocks"])

    second = fake.wait_for("chat.postMessage", count=2, channel=channel)[1]
    assert header(second).startswith("Recommendation: ")
    _, next_buttons = answer_buttons(second.params["blocks"])
    assert all(f'"option": "{question}:' not in b["action_id"] for b in next_buttons), "the question was answered"

    # the brief button posts the brief of the same conversation
    block_id, brief = brief_button(second.params["blocks"])
    body = block_actions(user, channel, message_of(second), brief, block_id, fake.response_url())
    assert slack_post(events_url(bot), body, SECRET, content_type="application/x-www-form-urlencoded")[0] == 200
    third = fake.wait_for("chat.postMessage", count=3, channel=channel)[2]
    assert header(third).startswith("Scope brief: call center")
    dumped = blocks_text(third.params["blocks"])
    assert "*Why*" in dumped and "**" not in dumped and "## " not in dumped
    assert len(fake.find("chat.update", channel=channel)) == 1, "the brief button does not change the message"


@pytest.mark.parametrize("case", ["forged", "stale", "missing"])
def test_bad_signatures_are_rejected_and_nothing_runs(bot, fake, case):
    channel = f"D0BAD{case.upper()}"
    body = json.dumps(event_callback(dm_event(channel, "U0MALLORY", "We need a call center for phone support.")))
    kwargs = {"forged": {"sign_with": "not-the-secret"}, "stale": {"timestamp": int(time.time()) - 6 * 60},
              "missing": {}}[case]
    status, _, _ = slack_post(events_url(bot), body, None if case == "missing" else SECRET, **kwargs)
    assert status == 401
    assert not [c for c in fake.find(ok=None) if channel in c.dump()]


RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}


def test_repeats_and_retries_of_a_stored_event_get_no_second_reply(bot, fake):
    channel, user = "D0REPEAT", "U0FRANK"
    event = dm_event(channel, user, "We answer phone and email for a dental clinic.")
    assert send_event(bot, event, event_id="Ev0REPEAT01")[0] == 200
    fake.wait_for("chat.postMessage", channel=channel)
    # the very same delivery again, then Slack's retry of it (as if our 200 had not reached Slack)
    assert send_event(bot, event, event_id="Ev0REPEAT01")[0] == 200
    assert send_event(bot, event, event_id="Ev0REPEAT01", headers=RETRY)[0] == 200
    # the same message under another event id is not answered twice either
    assert send_event(bot, event, event_id="Ev0REPEAT02")[0] == 200
    # our own message, another bot's message and an edit are not answered either
    send_event(bot, dm_event(channel, BOT_USER, "Recommendation: contact center", bot_id=BOT_ID))
    send_event(bot, dm_event(channel, "U0OTHER", "beep", bot_id="B0OTHER"))
    send_event(bot, dm_event(channel, user, "edited", subtype="message_changed"))
    # a sentinel in the same conversation: Rasa handles one conversation's messages in order
    send_event(bot, dm_event(channel, user, "customers also reach us over live chat"))
    fake.wait_for("chat.postMessage", count=2, channel=channel)
    time.sleep(0.5)
    calls = posts(fake, channel)
    assert len(calls) == 2, [header(c) for c in calls]


def test_a_retry_whose_first_delivery_failed_gets_the_reply(bot, fake):
    """The first delivery never reached the bot (it was restarting): Slack's retry is the
    only copy, so it must be handled, and handled once even when Slack sends two at once."""
    channel, user = "D0RETRY", "U0IVAN"
    event = dm_event(channel, user, "We only take phone calls for our plumbing company.")
    with ThreadPoolExecutor(2) as pool:  # retry 1 and retry 2 in flight together
        answers = list(pool.map(lambda n: send_event(bot, event, event_id="Ev0RETRY01",
                                                     headers={**RETRY, "X-Slack-Retry-Num": str(n)}), (1, 2)))
    assert [a[0] for a in answers] == [200, 200]
    [call] = fake.wait_for("chat.postMessage", channel=channel)
    assert header(call) == "Recommendation: call center"
    time.sleep(1.0)
    assert len(posts(fake, channel)) == 1, "two copies in flight, one reply"


def test_start_over_in_a_direct_message_forgets_what_was_said(bot, fake):
    channel, user = "D0AGAIN", "U0IVAN"
    send_event(bot, dm_event(channel, user, "We answer phone and email for a dental clinic."))
    fake.wait_for("chat.postMessage", channel=channel)
    send_event(bot, dm_event(channel, user, "start over"))
    fake.wait_for("chat.postMessage", count=2, channel=channel)
    send_event(bot, dm_event(channel, user, "customers reach us over live chat"))
    fake.wait_for("chat.postMessage", count=3, channel=channel)
    first, restarted, fresh = posts(fake, channel)
    assert "email" in blocks_text([b for b in first.params["blocks"] if b.get("fields")])
    assert restarted.params["text"] == RESTARTED
    assert header(fresh) == "Recommendation: contact center"
    picked_up = blocks_text([b for b in fresh.params["blocks"] if b.get("fields")])
    assert "chat" in picked_up and "email" not in picked_up and "phone" not in picked_up.lower()


def test_a_rate_limited_post_is_retried_after_retry_after(bot, fake):
    channel = "D0LIMIT"
    fake.fail_next("chat.postMessage", status=429, error="ratelimited", retry_after=1, channel=channel)
    send_event(bot, dm_event(channel, "U0GRACE", "We answer Instagram DMs and email for our shoe store."))
    [done] = fake.wait_for("chat.postMessage", channel=channel)
    [limited] = fake.find("chat.postMessage", ok=False, channel=channel)
    assert limited.status == 429
    assert done.at - limited.at >= 0.9, "waited for Retry-After"
    assert header(done) == "Recommendation: contact center"


def test_server_errors_and_dropped_connections_are_retried(bot, fake):
    channel = "D0FLAKY"
    fake.fail_next("chat.postMessage", status=0, retry_after=None, channel=channel)
    fake.fail_next("chat.postMessage", status=503, error="service_unavailable", retry_after=None, channel=channel)
    send_event(bot, dm_event(channel, "U0OSCAR", "We only take phone calls for our plumbing company."))
    [done] = fake.wait_for("chat.postMessage", channel=channel)
    assert [c.status for c in fake.find("chat.postMessage", ok=False, channel=channel)] == [0, 503]
    assert header(done) == "Recommendation: call center"


def test_gateway_errors_are_retried_honouring_retry_after(bot, fake):
    channel = "D0GATEWAY"
    fake.fail_next("chat.postMessage", status=502, error="bad_gateway", retry_after=None, channel=channel)
    fake.fail_next("chat.postMessage", status=504, error="gateway_timeout", retry_after=2, channel=channel)
    send_event(bot, dm_event(channel, "U0WENDY", "We only take phone calls for our plumbing company."))
    [done] = fake.wait_for("chat.postMessage", channel=channel)
    failed = fake.find("chat.postMessage", ok=False, channel=channel)
    assert [c.status for c in failed] == [502, 504]
    assert done.at - failed[1].at >= 1.9, "waited the 2 s Retry-After of the 504"
    assert header(done) == "Recommendation: call center"


def test_replies_wait_out_a_long_slack_outage_and_arrive_once_in_order(bot, fake):
    """Slack answers 503 to eight posts in a row, twice the four tries a reply used to get
    before it was dropped. The reply is kept in the outbox and posted once Slack is back; a
    reply to the next message, sent during the outage, comes after it, not before."""
    channel, user = "D0OUTAGE", "U0KARL"
    fake.fail_next("chat.postMessage", status=503, error="service_unavailable", retry_after=None, times=8,
                   channel=channel)
    status, _, elapsed = send_event(bot, dm_event(channel, user, "We only take phone calls for our plumbing company."))
    assert status == 200 and elapsed < 3, "the event is still acknowledged at once"
    fake.wait_for("chat.postMessage", ok=False, count=5, channel=channel, timeout=60)  # past the old budget
    assert send_event(bot, dm_event(channel, user, "and we also answer WhatsApp messages"))[0] == 200
    first, second = fake.wait_for("chat.postMessage", count=2, channel=channel, timeout=120)
    time.sleep(2 * OUTBOX_MAX_WAIT_S)
    assert len(posts(fake, channel)) == 2, "each reply exactly once"
    failed = fake.find("chat.postMessage", ok=False, channel=channel)
    assert len(failed) == 8 and all(c.params["text"] == first.params["text"] for c in failed), \
        "only the first reply was tried during the outage: the second waited its turn"
    assert header(first) == "Recommendation: call center"
    assert header(second) == "Recommendation: contact center" and "phone" in blocks_text(second.params["blocks"])
    assert first.at < second.at


def test_a_retry_after_longer_than_the_outbox_backoff_is_honoured(bot, fake):
    channel = "D0PATIENT"
    fake.fail_next("chat.postMessage", status=429, error="ratelimited", retry_after=3, times=2, channel=channel)
    send_event(bot, dm_event(channel, "U0LENA", "We only take phone calls for our plumbing company."))
    [done] = fake.wait_for("chat.postMessage", channel=channel, timeout=60)
    limited = fake.find("chat.postMessage", ok=False, channel=channel)
    assert [c.status for c in limited] == [429, 429]
    assert limited[1].at - limited[0].at >= 2.9 and done.at - limited[1].at >= 2.9, \
        f"Retry-After: 3 asks for more than the {OUTBOX_MAX_WAIT_S} s backoff cap"
    assert header(done) == "Recommendation: call center"


def test_a_failed_post_is_logged_and_the_conversation_goes_on(bot, fake):
    channel = "D0AUTH"
    fake.fail_next("chat.postMessage", status=200, error="invalid_auth", retry_after=None, channel=channel)
    send_event(bot, dm_event(channel, "U0HEIDI", "We only take phone calls for our plumbing company."))
    fake.wait_for("chat.postMessage", ok=False, channel=channel)
    send_event(bot, dm_event(channel, "U0HEIDI", "and we also answer WhatsApp messages"))
    [call] = fake.wait_for("chat.postMessage", channel=channel)
    assert header(call) == "Recommendation: contact center"
    assert "phone" in blocks_text(call.params["blocks"]), "the first message was kept although its reply was lost"


def test_user_text_is_escaped(bot, fake):
    channel = "C0ESCAPE"
    body = slash_command("<!channel> <script>alert(1)</script> we need phone & email support for our bakery",
                         channel, "U0IVAN", fake.response_url())
    slack_post(events_url(bot), body, SECRET, content_type="application/x-www-form-urlencoded")
    root, answer = fake.wait_for("chat.postMessage", count=2, channel=channel)
    echoed = blocks_text(root.params["blocks"])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in echoed and "phone &amp; email" in echoed
    for call in fake.find(ok=None):
        if channel in call.dump():
            assert "<script>" not in call.dump() and "<!channel>" not in call.dump()


def test_app_home_is_published(bot, fake):
    event = {"type": "app_home_opened", "user": "U0JUDY", "channel": "D0HOME", "tab": "home",
             "event_ts": new_ts()}
    assert send_event(bot, event)[0] == 200
    [call] = fake.wait_for("views.publish", user_id="U0JUDY")
    assert call.params["view"]["type"] == "home" and call.params["view"]["blocks"]


def test_slack_health_and_rest_still_work(bot):
    with urllib.request.urlopen(f"{bot.url}/webhooks/slack/", timeout=10) as resp:
        assert json.loads(resp.read())["status"] == "ok"
    replies = bot.send("rest-user", "We answer phone and email for a dental clinic.")
    assert assessment(replies)["recommendation"] == "CONTACT_CENTER"


def test_unparseable_form_is_a_400_not_a_500(bot):
    status, text, _ = slack_post(events_url(bot), urllib.parse.urlencode({"payload": "{not json"}), SECRET,
                              content_type="application/x-www-form-urlencoded")
    assert (status, text) == (400, "bad request")
