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

from channels.bolt_glue import DropRepeats, ServerErrorRetry
from channels.delivery import MemoryClaims

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


def make_app(claims: MemoryClaims, received: list) -> AsyncApp:
    """One replica's Bolt app with our repeat filter; replicas that share ``claims`` stand in
    for replicas sharing Redis."""

    async def authorize(**_kwargs):
        return AuthorizeResult(enterprise_id=None, team_id="T1", bot_user_id="UBOT", bot_id="BBOT",
                               bot_token="xoxb-unit")

    app = AsyncApp(signing_secret=SECRET, authorize=authorize, before_authorize=DropRepeats(claims))

    @app.event("message")
    async def on_message(event, context):
        received.append(event["text"])
        if event["text"] == "stored":
            await context["delivery"].finish()
        elif event["text"] == "fails":
            await context["delivery"].release()
        else:
            deliveries.append(context["delivery"])

    deliveries: list = []
    app.deliveries = deliveries
    return app


@pytest.fixture
def app_and_events(monkeypatch):
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    received: list = []
    return make_app(MemoryClaims(), received), received


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


RETRY = {"x-slack-retry-num": "1", "x-slack-retry-reason": "http_error"}


def test_a_retry_whose_first_delivery_never_arrived_is_handled(app_and_events):
    app, received = app_and_events
    assert dispatch(app, signed(event_body("Ev2"), **RETRY)).status == 200
    assert received == ["hello"]


def test_a_retry_after_a_failed_turn_is_handled_and_after_a_stored_one_dropped(app_and_events):
    app, received = app_and_events
    dispatch(app, signed(event_body("Ev4", "fails")))
    dispatch(app, signed(event_body("Ev4", "fails"), **RETRY))
    assert received == ["fails", "fails"], "the claim was given back, so the retry ran"
    dispatch(app, signed(event_body("Ev5", "stored")))
    dispatch(app, signed(event_body("Ev5", "stored"), **RETRY))
    assert received == ["fails", "fails", "stored"]


def test_a_repeat_held_unfinished_by_another_replica_gets_503_so_slack_comes_back(monkeypatch):
    """Replica one took the event and has not stored it (it may have died mid-turn): replica
    two must not acknowledge Slack's retry, or Slack stops retrying and the message is lost."""
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    shared, received = MemoryClaims(), []
    one, two = make_app(shared, received), make_app(shared, received)
    assert dispatch(one, signed(event_body("Ev7"))).status == 200
    assert dispatch(one, signed(event_body("Ev7"), **RETRY)).status == 200, "running here: dropped"
    assert dispatch(two, signed(event_body("Ev7"), **RETRY)).status == 503
    assert received == ["hello"]
    asyncio.run(one.deliveries[0].finish())
    assert dispatch(two, signed(event_body("Ev7"), **RETRY)).status == 200, "stored: dropped"
    assert received == ["hello"]


def test_claims_lapse_when_their_holder_dies_and_only_the_holder_ends_them():
    now = [0.0]
    claims = MemoryClaims(lease=45, done_ttl=3600, clock=lambda: now[0])

    async def run():
        token = await claims.claim("event:Ev9")
        assert token and await claims.claim("event:Ev9") is None, "running elsewhere: dropped"
        now[0] = 46.0  # the holder died without renewing
        newer = await claims.claim("event:Ev9")
        assert newer and newer != token
        await claims.release("event:Ev9", token)  # a stale holder cannot give back the newer claim
        assert await claims.claim("event:Ev9") is None
        await claims.finish("event:Ev9", newer)
        now[0] = 46.0 + 3599
        assert await claims.claim("event:Ev9") is None, "done: repeats dropped for an hour"

    asyncio.run(run())


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


def test_server_error_waits_follow_retry_after_or_back_off_capped():
    from slack_sdk.http_retry.response import HttpResponse

    retry = ServerErrorRetry(base_s=0.5)
    asked = HttpResponse(status_code=503, headers={"Retry-After": ["3"]})
    assert retry.wait_s(0, asked) == 3.0
    assert retry.wait_s(0, HttpResponse(status_code=503, headers={"retry-after": ["86400"]})) == 30.0
    plain = HttpResponse(status_code=502, headers={})
    assert 0.5 <= retry.wait_s(0, plain) < 1.0 and 1.0 <= retry.wait_s(1, plain) < 1.5
    assert retry.wait_s(10, plain) == 30.0
