"""Request safety without Rasa: Bolt's signature check with our repeat filter, the dedup
store, and the settings/credentials that switch Slack on."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time

import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.request.async_request import AsyncBoltRequest

from bot import supervisor
from bot.settings import DEFAULT_SLACK_API_URL, SlackSettings, load_env
from channels.bolt_glue import DropRepeats
from channels.dedup import MemorySeenStore

SECRET = "unit-test-signing-secret"


# ----- dedup store ----------------------------------------------------------------------------------
def test_first_time_only_once():
    seen = MemorySeenStore()
    assert seen.first_time("a") and not seen.first_time("a") and seen.first_time("b")


def test_entries_expire_after_the_ttl():
    now = [0.0]
    seen = MemorySeenStore(ttl=10, clock=lambda: now[0])
    assert seen.first_time("a")
    now[0] = 9.9
    assert not seen.first_time("a")
    now[0] = 10.1
    assert seen.first_time("a"), "forgotten after ten seconds"
    assert len(seen) == 1


def test_size_is_bounded_oldest_first():
    seen = MemorySeenStore(max_size=3)
    for key in "abcd":
        assert seen.first_time(key)
    assert len(seen) == 3
    assert seen.first_time("a"), "the oldest key was evicted"
    assert not seen.first_time("d")


def test_bad_store_settings():
    with pytest.raises(ValueError):
        MemorySeenStore(max_size=0)


# ----- Bolt with the repeat filter -------------------------------------------------------------------
def signed(body: str, secret: str = SECRET, ts: int | None = None, **extra: str) -> AsyncBoltRequest:
    ts = int(time.time()) if ts is None else ts
    sig = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    headers = {"content-type": ["application/json"], "x-slack-request-timestamp": [str(ts)],
               "x-slack-signature": [sig], **{k: [v] for k, v in extra.items()}}
    return AsyncBoltRequest(body=body, headers=headers)


def event_body(event_id: str, text: str = "hello") -> str:
    return json.dumps({"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": event_id,
                       "event": {"type": "message", "channel": "D1", "channel_type": "im", "user": "U1",
                                 "text": text, "ts": "1.1"}})


@pytest.fixture
def app_and_events(monkeypatch):
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)

    async def authorize(**_kwargs):
        return AuthorizeResult(enterprise_id=None, team_id="T1", bot_user_id="UBOT", bot_id="BBOT",
                               bot_token="xoxb-unit")

    received = []
    app = AsyncApp(signing_secret=SECRET, authorize=authorize, before_authorize=DropRepeats(MemorySeenStore()))

    @app.event("message")
    async def on_message(event):
        received.append(event["text"])

    return app, received


def dispatch(app, request):
    async def run():
        resp = await app.async_dispatch(request)
        await asyncio.sleep(0.05)  # let the listener (started after the ack) run
        return resp

    return asyncio.run(run())


def test_a_signed_event_is_handled_once(app_and_events):
    app, received = app_and_events
    assert dispatch(app, signed(event_body("Ev1"))).status == 200
    assert dispatch(app, signed(event_body("Ev1"))).status == 200
    assert received == ["hello"]


def test_retries_are_acknowledged_and_dropped(app_and_events):
    app, received = app_and_events
    resp = dispatch(app, signed(event_body("Ev2"), **{"x-slack-retry-num": "1", "x-slack-retry-reason": "timeout"}))
    assert resp.status == 200 and received == []


@pytest.mark.parametrize("request_factory", [
    lambda: signed(event_body("Ev3"), secret="forged"),
    lambda: signed(event_body("Ev3"), ts=int(time.time()) - 301),
    lambda: AsyncBoltRequest(body=event_body("Ev3"), headers={"content-type": ["application/json"]}),
    lambda: _tampered(),
], ids=["forged", "stale", "missing", "tampered"])
def test_bad_signatures_are_401_and_nothing_runs(app_and_events, request_factory):
    app, received = app_and_events
    assert dispatch(app, request_factory()).status == 401
    assert received == []
    # a forged request does not burn the event id either
    assert dispatch(app, signed(event_body("Ev3"))).status == 200 and received == ["hello"]


def _tampered() -> AsyncBoltRequest:
    good = signed(event_body("Ev3", "hello"))
    return AsyncBoltRequest(body=event_body("Ev3", "tampered"), headers=good.headers)


# ----- settings and the runtime credentials ---------------------------------------------------------------
def test_settings_from_env():
    s = SlackSettings.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s",
                                "SLACK_API_URL": "http://127.0.0.1:9/api"})
    assert s.enabled and not s.socket_mode and s.api_url == "http://127.0.0.1:9/api/"
    assert s.status_line() == "Slack: on (POST /webhooks/slack/events)"
    off = SlackSettings.from_env({"SLACK_BOT_TOKEN": "xoxb-1"})
    assert not off.enabled and off.api_url == DEFAULT_SLACK_API_URL
    assert off.status_line() == "Slack: off (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)"
    sock = SlackSettings.from_env({"SLACK_BOT_TOKEN": "x", "SLACK_SIGNING_SECRET": "s", "SLACK_APP_TOKEN": "xapp"})
    assert sock.socket_mode and "Socket Mode" in sock.status_line()


def test_dotenv_fills_only_what_is_unset(tmp_path, monkeypatch):
    env = tmp_path / ".env"
    env.write_text("SCOPEBOT_UNIT_A=from-file\nSCOPEBOT_UNIT_B=from-file\n")
    monkeypatch.setenv("SCOPEBOT_UNIT_A", "from-env")
    monkeypatch.delenv("SCOPEBOT_UNIT_B", raising=False)
    assert load_env(env)
    import os

    assert os.environ["SCOPEBOT_UNIT_A"] == "from-env" and os.environ["SCOPEBOT_UNIT_B"] == "from-file"
    monkeypatch.delenv("SCOPEBOT_UNIT_B")
    assert not load_env(tmp_path / "missing.env")


def test_runtime_credentials_add_the_slack_channel_only_when_configured(tmp_path, monkeypatch):
    import yaml

    monkeypatch.setattr(supervisor, "VAR_DIR", tmp_path)
    off = supervisor.runtime_credentials(5999, SlackSettings())
    assert off == supervisor.PROJECT_ROOT / "credentials.yml"
    on = supervisor.runtime_credentials(5999, SlackSettings(bot_token="xoxb-secret", signing_secret="shh"))
    assert on == tmp_path / "credentials.runtime-5999.yml"
    data = yaml.safe_load(on.read_text())
    assert "channels.rest.ValidatingRestInput" in data and "channels.slack.SlackInput" in data
    assert "xoxb-secret" not in on.read_text() and "shh" not in on.read_text(), "no secrets on disk"


def test_the_manifest_matches_what_the_channel_serves():
    import yaml

    from bot.paths import PROJECT_ROOT
    from bot.settings import SLACK_EVENTS_PATH

    m = yaml.safe_load((PROJECT_ROOT / "slack" / "manifest.yml").read_text())
    assert set(m["oauth_config"]["scopes"]["bot"]) == {"app_mentions:read", "chat:write", "im:history", "im:read",
                                                       "im:write", "commands"}
    settings = m["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im", "app_home_opened"}
    [command] = m["features"]["slash_commands"]
    assert command["command"] == "/scope"
    urls = [settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"], command["url"]]
    assert all(u.endswith(SLACK_EVENTS_PATH) for u in urls) and settings["interactivity"]["is_enabled"]
    assert m["features"]["app_home"]["home_tab_enabled"]
