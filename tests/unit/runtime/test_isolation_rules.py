"""The rules behind channel isolation, abuse limits and retention, without a running bot."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from bot.runtime.childenv import action_env, action_token, ensure_action_token
from bot.runtime.profiles import Profile
from bot.runtime.retention import database_url, forget, purge, retention_days, secure_sqlite_file
from channels.identity import (
    channel_of,
    metadata_problem,
    rest_conversation_id,
    rest_sender_from_conversation,
    rest_token,
    sender_problem,
    token_accepted,
)
from channels.ratelimit import Buckets, RateLimits, Rule, client_key, parse_rules, trusted_proxies


@pytest.mark.parametrize("sender", ["web-" + "a" * 32, "slack:T1:C1:private:U1", "rest:x", "me"])
def test_every_rest_sender_lands_in_the_rest_namespace(sender):
    stored = rest_conversation_id(sender)
    assert channel_of(stored) == "rest" and rest_sender_from_conversation(stored) == sender


def test_sender_bounds():
    assert sender_problem("x" * 200) is None
    assert "200" in sender_problem("x" * 201)
    assert sender_problem("a\x00b") and sender_problem("") and sender_problem(5)


def test_metadata_bounds():
    assert metadata_problem(None) is None and metadata_problem({"a": "b", "n": 1.5, "t": True, "z": None}) is None
    assert metadata_problem({"a": [1]}) and metadata_problem("x") and metadata_problem({"k" * 65: 1})
    assert metadata_problem({f"k{i}": "v" * 500 for i in range(5)})  # over 2 KB in all


def test_rest_token():
    assert rest_token({}) == "" and token_accepted(None, "")
    with pytest.raises(ValueError):
        rest_token({"SCOPEBOT_REST_TOKEN": "short"})
    token = rest_token({"SCOPEBOT_REST_TOKEN": "t" * 24})
    assert token_accepted("Bearer " + "t" * 24, token) and token_accepted("bearer " + "t" * 24, token)
    assert not token_accepted(None, token) and not token_accepted("Bearer x", token)
    assert not token_accepted("t" * 24, token)


def test_a_bucket_allows_a_burst_then_refills():
    now = [0.0]
    buckets = Buckets(Rule(3, 30), clock=lambda: now[0])
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("a") == pytest.approx(10)
    assert buckets.take("b") == 0  # keys are independent
    now[0] = 25.0  # 25 s * 0.1/s = 2.5 tokens back (minus the one the refused attempt used)
    assert buckets.take("a") == 0


def test_buckets_forget_the_oldest_keys_first():
    buckets = Buckets(Rule(1, 60), max_keys=2)
    for key in ("a", "b", "c"):
        buckets.take(key)
    assert buckets.take("a") == 0  # "a" was forgotten, so it starts full again


def test_limits_from_the_environment():
    assert RateLimits.from_env({"SCOPEBOT_RATE_LIMIT": "off"}).check(conversation="x", client="y") is None
    assert parse_rules("")["conversation"] == Rule(60, 60)
    assert parse_rules("client=off")["client"] is None
    assert parse_rules("conversation=2/10")["conversation"] == Rule(2, 10)
    for bad in ("conversations=1/1", "conversation=0/10", "conversation=x"):
        with pytest.raises(ValueError):
            parse_rules(bad)
    limits = RateLimits(parse_rules("conversation=1/100"))
    assert limits.check(conversation="c") is None and limits.check(conversation="c") == 100


def test_client_key_trusts_forwarded_for_only_from_a_local_proxy():
    assert client_key("203.0.113.5", "1.2.3.4") == "203.0.113.5"
    assert client_key("127.0.0.1", "1.2.3.4, 198.51.100.2") == "198.51.100.2"
    assert client_key("::1", None) is None and client_key(None, None) is None


def test_client_key_trusts_forwarded_for_from_the_configured_proxies_only():
    ingress = trusted_proxies({"SCOPEBOT_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7"})
    # an ingress on another machine: its X-Forwarded-For is believed, nearest untrusted hop first
    assert client_key("10.1.2.3", "198.51.100.9", ingress) == "198.51.100.9"
    assert client_key("192.0.2.7", "203.0.113.1, 198.51.100.9, 10.4.4.4", ingress) == "198.51.100.9"
    # a client cannot pick its own key by sending the header: the proxy's appended hop wins
    assert client_key("10.1.2.3", "1.1.1.1, 198.51.100.9", ingress) == "198.51.100.9"
    # not a configured proxy: the peer itself, whatever the header says
    assert client_key("198.51.100.50", "1.1.1.1", ingress) == "198.51.100.50"
    assert client_key("10.1.2.3", "198.51.100.9") == "10.1.2.3", "no proxies configured: only loopback is trusted"
    assert client_key("10.1.2.3", None, ingress) is None  # the deployment's own process
    assert trusted_proxies({}) == ()


def test_a_bad_trusted_proxy_entry_is_named():
    with pytest.raises(ValueError, match="not-an-ip"):
        trusted_proxies({"SCOPEBOT_TRUSTED_PROXIES": "10.0.0.0/8,not-an-ip"})


def test_the_action_server_environment_is_an_allow_list():
    env = action_env({"PATH": "/bin", "PYTHONPATH": "/p", "SLACK_BOT_TOKEN": "xoxb", "DATABASE_URL": "postgresql://",
                      "SCOPEBOT_REST_TOKEN": "t", "LC_ALL": "C", "RASA_TELEMETRY_ENABLED": "false"})
    assert env == {"PATH": "/bin", "PYTHONPATH": "/p", "LC_ALL": "C", "RASA_TELEMETRY_ENABLED": "false",
                   "SANIC_HOST": "127.0.0.1"}
    assert action_env({"SCOPEBOT_ACTION_HOST": "0.0.0.0"})["SANIC_HOST"] == "0.0.0.0"
    # the one setting of ours the actions read themselves
    assert action_env({"SCOPEBOT_SESSION_IDLE_MINUTES": "5"})["SCOPEBOT_SESSION_IDLE_MINUTES"] == "5"
    # and the token it checks its callers against
    assert action_env({"SCOPEBOT_ACTION_TOKEN": "x" * 32})["SCOPEBOT_ACTION_TOKEN"] == "x" * 32


def test_each_run_gets_an_action_token_unless_one_is_given():
    env: dict = {}
    token = ensure_action_token(env)
    assert len(token) >= 32 and env["SCOPEBOT_ACTION_TOKEN"] == token
    assert ensure_action_token(env) == token, "one per run: the Rasa server and the action server share it"
    assert ensure_action_token({}) != token
    assert ensure_action_token({"SCOPEBOT_ACTION_TOKEN": "given-" + "y" * 20}) == "given-" + "y" * 20
    with pytest.raises(ValueError, match="SCOPEBOT_ACTION_TOKEN"):
        action_token({"SCOPEBOT_ACTION_TOKEN": "short"})
    endpoints = Profile.from_env({}).endpoints_yaml("http://x/webhook", Path("/tmp/x.db"), "SCOPEBOT_ACTION_TOKEN")
    assert "  token: ${SCOPEBOT_ACTION_TOKEN}" in endpoints and token not in endpoints



def test_retention_setting():
    assert retention_days({}) is None and retention_days({"SCOPEBOT_RETENTION_DAYS": "30"}) == 30
    for bad in ("0", "-1", "soon"):
        with pytest.raises(ValueError):
            retention_days({"SCOPEBOT_RETENTION_DAYS": bad})


def test_purge_and_forget_on_sqlite(tmp_path):
    db = tmp_path / "var" / "t.db"
    secure_sqlite_file(db)
    assert db.stat().st_mode & 0o777 == 0o600
    now = time.time()
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, timestamp FLOAT, data TEXT)")
        conn.executemany("INSERT INTO events (sender_id, timestamp, data) VALUES (?, ?, '{}')", [
            ("old", now - 50 * 86400), ("old", now - 40 * 86400),
            ("mixed", now - 50 * 86400), ("mixed", now - 3600), ("new", now)])
    url = database_url(Profile("embedded"), db)
    assert purge(url, 30) == 1
    assert forget(url, "new") == 1 and forget(url, "new") == 0
    with sqlite3.connect(db) as conn:
        left = conn.execute("SELECT sender_id, count(*) FROM events GROUP BY sender_id").fetchall()
    assert left == [("mixed", 2)]  # a conversation still in use keeps its old beginning
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    assert purge(database_url(Profile("embedded"), empty), 30) == 0  # no table yet
    missing = tmp_path / "missing.db"
    assert forget(database_url(Profile("embedded"), missing), "x") == 0 and not missing.exists()
