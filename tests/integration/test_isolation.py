"""Channel isolation, abuse limits, retention and the internal ports, against the real bot.

Two bots: the session's ``shared_bot`` (default settings, as `make run` starts it) for what
every deployment must do, and ``guarded``, started here with a REST token, Slack (against
the fake Slack API), tight rate limits and a 30-day retention that is checked every second.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from actions.actions import UNKNOWN_OPTION
from channels.slack_pace import SLOW_DOWN
from tests.integration.fake_slack import TEAM, dm_event, event_callback, slack_post, slash_command
from tests.integration.procs import environ_of, listening_addresses, pids_with
from tests.integration.servers import ROOT, Bot, assessment, post, start_bot
from tests.integration.test_web_widget_browser import Visit, browser  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow

REST_TOKEN = "rest-token-" + uuid.uuid4().hex
SLACK_SECRET = "0b9c4f1e2d3a5b6c7d8e9f00aa11bb22"
SLACK_TOKEN = "xoxb-isolation-test-token"
#: Windows of an hour, so nothing refills while a test runs on a busy machine.
LIMITS = "conversation=4/3600,client=6/3600,slack_user=3/3600"


# ----- helpers ------------------------------------------------------------------------------------
def rest(bot: Bot, body: dict, token: str | None = None, headers: dict[str, str] | None = None,
         timeout: float = 120) -> tuple[int, dict | list, dict[str, str]]:
    import urllib.error
    import urllib.request

    hdrs = {"Content-Type": "application/json", **(headers or {})}
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(f"{bot.url}/webhooks/rest/webhook", data=json.dumps(body).encode(), headers=hdrs,
                                 method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read()), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}"), dict(exc.headers)


def web(bot: Bot, path: str, body: dict) -> tuple[int, dict, dict[str, str]]:
    import urllib.error
    import urllib.request

    req = urllib.request.Request(f"{bot.url}/webhooks/web/{path}", data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "Origin": "http://localhost:8000"})
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.status, json.loads(resp.read()), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}"), dict(exc.headers)


def events(db: Path, sender: str) -> list[dict]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)).fetchall()
    return [json.loads(r[0]) for r in rows]


def brief_of(replies: list[dict]) -> str | None:
    found = [r["custom"]["markdown"] for r in replies if isinstance(r.get("custom"), dict)
             and r["custom"].get("type") == "brief"]
    return found[-1] if found else None


def wait_until(check, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.5)
    return check()


# ----- the guarded bot ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def guarded(trained_model, tmp_path_factory, fake):
    work = tmp_path_factory.mktemp("guarded")
    bot = start_bot(work / "trackers.db", work / "bot.log", trained_model, wait=False, env={
        "SCOPEBOT_REST_TOKEN": REST_TOKEN, "SCOPEBOT_RATE_LIMIT": LIMITS, "SCOPEBOT_RETENTION_DAYS": "30",
        "SCOPEBOT_RETENTION_EVERY_S": "1", "SLACK_BOT_TOKEN": SLACK_TOKEN, "SLACK_SIGNING_SECRET": SLACK_SECRET,
        "SLACK_API_URL": fake.api_url, "SLACK_APP_TOKEN": "", "DATABASE_URL": "", "REDIS_URL": "",
        "SCOPEBOT_HOST": "127.0.0.1"})
    try:
        assert wait_until(lambda: bot.proc.poll() is None and _answers(bot), timeout=300), bot.log.read_text()[-3000:]
        yield bot
    finally:
        alive = bot.proc.poll() is None
        bot.stop(signal.SIGTERM)
    assert alive, "the guarded bot must survive its tests"
    assert "Traceback" not in bot.log.read_text(errors="replace"), bot.log.read_text(errors="replace")[-3000:]


def _answers(bot: Bot) -> bool:
    try:
        return rest(bot, {"sender": "__ping__", "message": "hello"}, REST_TOKEN, timeout=30)[0] == 200
    except OSError:
        return False


def slack_dm(bot: Bot, channel: str, user: str, text: str) -> int:
    body = json.dumps(event_callback(dm_event(channel, user, text)))
    return slack_post(f"{bot.url}/webhooks/slack/events", body, SLACK_SECRET)[0]


# ----- channel isolation (default settings) ----------------------------------------------------------
def test_rest_cannot_read_a_widget_conversation(shared_bot):
    status, created, _ = web(shared_bot, "conversations", {})
    visitor = created["conversation_id"]
    status, answer, _ = web(shared_bot, "message", {"conversation_id": visitor,
                                                    "text": "We answer phone calls for a dental clinic"})
    assert status == 200 and answer["messages"]
    before = web(shared_bot, "history", {"conversation_id": visitor})[1]["messages"]

    replies = shared_bot.send(visitor, "/ask_brief")
    assert brief_of(replies) is None, "REST must not reach the widget visitor's brief"
    assert "dental" not in json.dumps(replies).lower()
    assert all(r.get("recipient_id") == visitor for r in replies)  # replies name the client's own sender
    assert web(shared_bot, "history", {"conversation_id": visitor})[1]["messages"] == before
    assert events(shared_bot.db, f"rest:{visitor}"), "the REST message lives in the REST namespace"


def test_rest_cannot_claim_a_slack_id_or_another_channel(shared_bot):
    slack_id = f"slack:{TEAM}:C0OPEN:private:U0VICTIM"
    status, replies, _ = rest(shared_bot, {"sender": slack_id, "message": "We run chat support for a bakery",
                                           "input_channel": "slack"})
    assert status == 200 and assessment(replies)
    assert not events(shared_bot.db, slack_id)
    users = [e for e in events(shared_bot.db, f"rest:{slack_id}") if e["event"] == "user"]
    assert users and {e["input_channel"] for e in users} == {"rest"}


def test_long_senders_are_refused_clearly(shared_bot):
    status, body, _ = rest(shared_bot, {"sender": "s" * 256, "message": "hello"})
    assert status == 400 and "200 characters" in body["error"]
    status, body, _ = rest(shared_bot, {"sender": "bad\nsender", "message": "hello"})
    assert status == 400 and "control characters" in body["error"]
    assert rest(shared_bot, {"sender": "s" * 200, "message": "hello"})[0] == 200


@pytest.mark.parametrize("metadata, reason", [
    ({"blob": "x" * 3000}, "512 characters"),
    ({"nested": {"a": 1}}, "string, number, boolean or null"),
    ([1, 2], "JSON object"),
    ({f"k{i}": i for i in range(40)}, "16 fields"),
])
def test_metadata_is_bounded_and_flat(shared_bot, metadata, reason):
    status, body, _ = rest(shared_bot, {"sender": "meta-bad", "message": "hello", "metadata": metadata})
    assert status == 400 and reason in body["error"]


def test_small_flat_metadata_is_kept(shared_bot):
    sender = f"meta-{uuid.uuid4().hex[:8]}"
    status, _, _ = rest(shared_bot, {"sender": sender, "message": "hello", "metadata": {"page": "/pricing", "n": 2}})
    assert status == 200
    [user] = [e for e in events(shared_bot.db, f"rest:{sender}") if e["event"] == "user"]
    assert user["metadata"]["page"] == "/pricing"


def test_a_hand_typed_option_gets_a_clear_reply_and_keeps_the_conversation(shared_bot):
    me = f"opt-{uuid.uuid4().hex[:8]}"
    assert assessment(shared_bot.send(me, "We take phone calls and emails for an online shop"))
    for bad in ('/inform{"option": 5}', '/inform{"option": ["a"]}', '/inform{"option": {"x": 1}}',
                '/inform{"option": "zz:9"}'):
        replies = shared_bot.send(me, bad)
        assert [r.get("text") for r in replies] == [UNKNOWN_OPTION], replies
    brief = brief_of(shared_bot.send(me, "/ask_brief"))
    assert brief and "email" in brief.lower()


def test_default_limits_leave_a_brisk_visitor_alone(shared_bot):
    me = f"brisk-{uuid.uuid4().hex[:8]}"
    for text in ("We answer phone calls for a bank", "also email", "about 5k a month", "mostly inbound",
                 "yes", "/ask_brief"):
        assert shared_bot.send(me, text)


# ----- the guarded bot: REST token, limits, Slack, retention, forget, ports ---------------------
def test_rest_needs_the_token_when_one_is_set(guarded):
    body = {"sender": "tok", "message": "hello"}
    assert rest(guarded, body)[0] == 401
    assert rest(guarded, body, token="wrong-" + REST_TOKEN)[0] == 401
    status, replies, _ = rest(guarded, body, token=REST_TOKEN)
    assert status == 200 and replies


def test_rest_conversation_and_client_limits_answer_429(guarded):
    me = f"burst-{uuid.uuid4().hex[:6]}"
    client = {"X-Forwarded-For": "198.51.100.7"}
    statuses = [rest(guarded, {"sender": me, "message": "hello"}, REST_TOKEN, client)[0] for _ in range(4)]
    assert statuses == [200] * 4
    status, body, headers = rest(guarded, {"sender": me, "message": "hello"}, REST_TOKEN, client)
    assert status == 429 and int(headers["Retry-After"]) >= 1 and "wait" in body["error"]
    assert len([e for e in events(guarded.db, f"rest:{me}") if e["event"] == "user"]) == 4  # the 5th never ran

    # the same client in a fresh conversation: 6 requests in all (the refused one counts), then refused
    assert rest(guarded, {"sender": me + "-b", "message": "hello"}, REST_TOKEN, client)[0] == 200
    status, _, headers = rest(guarded, {"sender": me + "-c", "message": "hello"}, REST_TOKEN, client)
    assert status == 429 and int(headers["Retry-After"]) > 60
    # somebody else is still answered
    other = rest(guarded, {"sender": me + "-d", "message": "hello"}, REST_TOKEN, {"X-Forwarded-For": "192.0.2.1"})
    assert other[0] == 200


def test_widget_limit_answers_429_with_cors(guarded):
    visitor = web(guarded, "conversations", {})[1]["conversation_id"]
    for _ in range(4):
        assert web(guarded, "message", {"conversation_id": visitor, "text": "hello"})[0] == 200
    status, body, headers = web(guarded, "message", {"conversation_id": visitor, "text": "hello"})
    assert status == 429 and int(headers["Retry-After"]) >= 1 and "wait" in body["error"]
    assert headers.get("Access-Control-Allow-Origin") == "http://localhost:8000"


def test_a_visitor_over_the_limit_is_told_to_wait_in_the_widget(guarded, browser):  # noqa: F811
    context = browser.new_context()
    try:
        visit = Visit(context.new_page(), f"{guarded.url}/webhooks/web/")
        visit.open()
        page, errors = visit.page, visit.page.locator(".msg.error")
        sent = 0
        while not errors.count() and sent < 6:  # the conversation's limit is 4 messages
            sent += 1
            replies = page.locator(".msg.bot, .card").count()
            page.locator("#scopebot-input").fill(f"hello {sent}")
            page.locator("button.send").click()
            page.wait_for_function(
                "n => { const r = document.querySelector('scopebot-widget').shadowRoot; return "
                "r.querySelectorAll('.msg.bot, .card').length > n || r.querySelector('.msg.error'); }", arg=replies)
        assert errors.count() == 1 and "wait" in errors.first.inner_text()
        assert sent == 5  # four answered, the fifth refused
    finally:
        context.close()


def test_a_slack_user_over_the_rate_hears_it_once(guarded, fake):
    channel, user = "D0FLOOD", "U0FLOOD"
    for n in range(6):
        assert slack_dm(guarded, channel, user, f"hello number {n}") == 200
    assert wait_until(lambda: any(SLOW_DOWN.split(".")[0] in (c.params.get("text") or "")
                                  for c in fake.find("chat.postMessage", channel=channel)))
    time.sleep(2)  # let every message of the flood be handled
    texts = [c.params.get("text") or "" for c in fake.find("chat.postMessage", channel=channel)]
    notices = [t for t in texts if t.startswith(SLOW_DOWN.split(".")[0])]
    assert len(notices) == 1, texts
    assert len(texts) - len(notices) >= 3  # the first three messages were answered
    assert slack_dm(guarded, "D0CALM", "U0CALM", "We answer chat for a hotel") == 200  # others are not held up
    assert wait_until(lambda: fake.find("chat.postMessage", channel="D0CALM"))


def test_a_slack_json_body_that_is_not_an_object_is_a_400(guarded):
    for body in ("[]", '"x"', "5"):
        status, text, _ = slack_post(f"{guarded.url}/webhooks/slack/events", body, SLACK_SECRET)
        assert status == 400 and "Traceback" not in text
    assert "AttributeError" not in guarded.log.read_text(errors="replace")


def test_rest_cannot_reach_a_private_slack_conversation(guarded, fake):
    channel, user = "C0SECRET", "U0OWNER"
    body = slash_command("-p We answer phone calls for a law firm", channel, user, fake.response_url())
    assert slack_post(f"{guarded.url}/webhooks/slack/events", body, SLACK_SECRET,
                      content_type="application/x-www-form-urlencoded")[0] == 200
    fake.wait_for("chat.postEphemeral", channel=channel)
    private = f"slack:{TEAM}:{channel}:private:{user}"
    assert events(guarded.db, private)
    status, replies, _ = rest(guarded, {"sender": private, "message": "/ask_brief"}, REST_TOKEN)
    assert status == 200 and brief_of(replies) is None and "law" not in json.dumps(replies).lower()


def test_old_conversations_are_deleted_and_recent_ones_kept(guarded):
    old, recent = f"old-{uuid.uuid4().hex[:6]}", f"recent-{uuid.uuid4().hex[:6]}"
    for me in (old, recent):
        assert rest(guarded, {"sender": me, "message": "We run email support for a gym"}, REST_TOKEN)[0] == 200
    with sqlite3.connect(guarded.db) as conn:  # as if the old one had been idle for 40 days
        conn.execute("UPDATE events SET timestamp = timestamp - 40 * 86400 WHERE sender_id = ?", (f"rest:{old}",))
    assert wait_until(lambda: not events(guarded.db, f"rest:{old}"), timeout=20)
    assert events(guarded.db, f"rest:{recent}")


def test_forget_deletes_a_conversation_everywhere(guarded):
    me = f"forget-{uuid.uuid4().hex[:6]}"
    assert rest(guarded, {"sender": me, "message": "We answer phone calls for a vet"}, REST_TOKEN)[0] == 200
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "SCOPEBOT_DB": str(guarded.db)}
    out = subprocess.run([sys.executable, "-m", "bot.runtime.cli", "forget", f"rest:{me}"], cwd=ROOT,
                         capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0 and "deleted" in out.stdout, out.stderr
    assert not events(guarded.db, f"rest:{me}")
    status, replies, _ = rest(guarded, {"sender": me, "message": "/ask_brief"}, REST_TOKEN)
    assert status == 200 and brief_of(replies) is None  # a fresh start: nothing known
    again = subprocess.run([sys.executable, "-m", "bot.runtime.cli", "forget", "rest:nobody-here"], cwd=ROOT,
                           capture_output=True, text=True, env=env, timeout=60)
    assert again.returncode == 0 and "nothing deleted" in again.stdout


def test_the_sqlite_file_is_private(guarded):
    assert guarded.db.stat().st_mode & 0o777 == 0o600


def test_the_action_server_listens_on_loopback_and_sees_no_secret(guarded):
    assert listening_addresses(guarded.action_port) == {"0100007F"}  # 127.0.0.1 only
    assert listening_addresses(guarded.port) == {"0100007F"}  # SCOPEBOT_HOST, as replicas use it
    [pid] = pids_with("actions.server", "--port", str(guarded.action_port))
    environ = environ_of(pid)
    for secret in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SCOPEBOT_REST_TOKEN", "DATABASE_URL", "REDIS_URL"):
        assert secret not in environ
    assert SLACK_TOKEN not in json.dumps(environ) and REST_TOKEN not in json.dumps(environ)
    # and it still runs the actions: an assessment comes back
    status, replies, _ = rest(guarded, {"sender": "acts", "message": "We take phone calls for a shop"}, REST_TOKEN)
    assert status == 200 and assessment(replies)


def test_the_action_server_answers_only_its_rasa_server(guarded):
    """`scopebot run` gave this run's action server a random token that only its Rasa server
    knows: calls without it (or with another) are refused before any action runs, the health
    check stays open, turns still get their assessment, and the token is in no log or file."""
    base = f"http://127.0.0.1:{guarded.action_port}"
    call = json.dumps({"next_action": "action_assess", "sender_id": "intruder", "version": "3.6.0", "domain": {},
                       "tracker": {"sender_id": "intruder", "slots": {}, "latest_message": {}, "events": []}}).encode()
    assert post(f"{base}/webhook", call)[0] == 401
    assert post(f"{base}/webhook", b"")[0] == 401, "the empty POST that used to answer 200"
    assert post(f"{base}/webhook?token=guessed-{uuid.uuid4().hex}", call)[0] == 401
    assert _get(f"{base}/actions")[0] == 401
    assert _get(f"{base}/health")[0] == 200
    [pid] = pids_with("actions.server", "--port", str(guarded.action_port))
    token = environ_of(pid)["SCOPEBOT_ACTION_TOKEN"]
    assert len(token) >= 32
    status, listed = _get(f"{base}/actions?token={token}")
    assert status == 200 and "action_assess" in listed
    status, replies, _ = rest(guarded, {"sender": "acts-2", "message": "We take phone calls for a shop"}, REST_TOKEN)
    assert status == 200 and assessment(replies)
    assert token not in guarded.log.read_text(errors="replace")
    endpoints = (ROOT / "var" / f"endpoints.runtime-{guarded.port}.yml").read_text()
    assert "token: ${SCOPEBOT_ACTION_TOKEN}" in endpoints and token not in endpoints


def _get(url: str) -> tuple[int, str]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_a_weak_rest_token_stops_the_start(trained_model, tmp_path):
    out = subprocess.run([sys.executable, "-m", "bot.runtime.cli", "run", "--model", str(trained_model)], cwd=ROOT,
                         capture_output=True, text=True, timeout=60,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "SCOPEBOT_REST_TOKEN": "short",
                              "SCOPEBOT_DB": str(tmp_path / "x.db")})
    assert out.returncode == 2 and "SCOPEBOT_REST_TOKEN" in out.stderr
