"""A Slack reply pending in the outbox survives the bot dying: the real bot is killed (-9,
the whole process group) while Slack's API is down and its reply waits in the outbox; a new
bot on the same data folder posts it, once, when Slack is back."""

from __future__ import annotations

import json
import signal
import sqlite3
import time

import pytest

from tests.integration.fake_slack import dm_event, event_callback, slack_post
from tests.integration.servers import start_bot

pytestmark = pytest.mark.slow

SECRET = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"


def test_a_reply_pending_when_the_bot_dies_is_posted_once_after_the_restart(trained_model, tmp_path, fake):
    channel = "D0RESTART"
    env = {"SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url,
           "SLACK_APP_TOKEN": "", "SCOPEBOT_SLACK_OUTBOX_MAX_WAIT_S": "1"}
    db, outbox = tmp_path / "trackers.db", tmp_path / "trackers-slack-outbox.db"
    fake.fail_for("chat.postMessage", 600, channel=channel)  # Slack down for longer than this test
    bot = start_bot(db, tmp_path / "bot.log", trained_model, env=env)
    try:
        event = event_callback(dm_event(channel, "U0MAX", "We only take phone calls for our plumbing company."))
        status, _, elapsed = slack_post(f"{bot.url}/webhooks/slack/events", json.dumps(event), SECRET)
        assert status == 200 and elapsed < 3
        fake.wait_for("chat.postMessage", ok=False, count=2, channel=channel, timeout=60)
        bot.stop(signal.SIGKILL)  # a power cut while the reply waits for Slack
        with sqlite3.connect(outbox) as conn:
            assert conn.execute("SELECT count(*) FROM scopebot_slack_outbox").fetchone()[0] == 1
        assert not fake.find("chat.postMessage", channel=channel)

        fake.clear_failures()  # Slack is back; so is the bot, on the same data folder
        bot = start_bot(db, tmp_path / "bot-2.log", trained_model, env=env)
        [call] = fake.wait_for("chat.postMessage", channel=channel, timeout=120)
        assert call.params["text"].startswith("Recommendation: call center")
        time.sleep(3)
        assert len(fake.find("chat.postMessage", channel=channel)) == 1, "posted once"
        with sqlite3.connect(outbox) as conn:
            assert conn.execute("SELECT count(*) FROM scopebot_slack_outbox").fetchone()[0] == 0
    finally:
        bot.stop()
    log = (tmp_path / "bot-2.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
    assert "plumbing" not in log, "no message text in the logs"
