"""Bolt's signature check together with our repeat filter (``DropRepeats``), without Rasa."""

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

from channels.bolt_glue import DropRepeats
from channels.dedup import MemorySeenStore

SECRET = "unit-test-signing-secret"


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
