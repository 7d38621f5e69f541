"""Settings read from the environment and ``.env``, and the Slack app manifest they must match."""

from __future__ import annotations

import os

import pytest
import yaml

from bot.config.paths import PROJECT_ROOT
from bot.config.settings import (
    DEFAULT_SESSION_IDLE_MINUTES,
    DEFAULT_SLACK_API_URL,
    SESSION_IDLE_ENV,
    SLACK_EVENTS_PATH,
    SlackSettings,
    load_env,
    session_idle_minutes,
)


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
    assert os.environ["SCOPEBOT_UNIT_A"] == "from-env" and os.environ["SCOPEBOT_UNIT_B"] == "from-file"
    monkeypatch.delenv("SCOPEBOT_UNIT_B")
    assert not load_env(tmp_path / "missing.env")


def test_the_manifest_matches_what_the_channel_serves():
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


def test_session_idle_minutes():
    assert session_idle_minutes({}) == DEFAULT_SESSION_IDLE_MINUTES == 1440
    assert session_idle_minutes({SESSION_IDLE_ENV: " "}) == 1440
    assert session_idle_minutes({SESSION_IDLE_ENV: "0.5"}) == 0.5
    assert session_idle_minutes({SESSION_IDLE_ENV: "0"}) == 0


@pytest.mark.parametrize("bad", ["soon", "-5", "nan"])
def test_a_bad_idle_time_fails_loudly(bad):
    with pytest.raises(ValueError, match=SESSION_IDLE_ENV):
        session_idle_minutes({SESSION_IDLE_ENV: bad})


def test_env_number_names_the_variable_the_unit_and_what_zero_means():
    from bot.config.settings import env_number

    assert env_number({}, "X", "days", None) is None
    assert env_number({"X": " 2.5 "}, "X", "days", None) == 2.5
    with pytest.raises(ValueError, match=r"X must be a positive number of days, not '0'"):
        env_number({"X": "0"}, "X", "days", 1.0)
    assert env_number({"X": "0"}, "X", "minutes", 1.0, zero="never") == 0
    with pytest.raises(ValueError, match=r"X must be 0 \(never\) or a positive number of minutes, not '-1'"):
        env_number({"X": "-1"}, "X", "minutes", 1.0, zero="never")
    with pytest.raises(ValueError, match="X must be a number of seconds, not 'soon'"):
        env_number({"X": "soon"}, "X", "seconds", 1.0)
