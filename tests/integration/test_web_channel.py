"""The widget's HTTP API on the real bot: assets, ids, CORS, limits, history isolation."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from channels.webchat import MAX_BODY_BYTES, MAX_MESSAGE_CHARS

pytestmark = pytest.mark.slow

EVIL = "https://evil.example.net"


def call(bot, path: str, body=None, origin: str | None = None, method: str = "POST",
         raw: bytes | None = None) -> tuple[int, dict, dict]:
    """(status, headers, JSON body or {}) of one request to /webhooks/web/<path>."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    headers = {"Content-Type": "application/json"}
    if origin:
        headers["Origin"] = origin
    req = urllib.request.Request(f"{bot.url}/webhooks/web/{path}", data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            status, hdrs, text = resp.status, dict(resp.headers), resp.read().decode()
    except urllib.error.HTTPError as exc:
        status, hdrs, text = exc.code, dict(exc.headers), exc.read().decode()
    try:
        parsed = json.loads(text) if text else {}
    except ValueError:
        parsed = {"_text": text}
    return status, hdrs, parsed


def new_id(bot) -> str:
    status, _, body = call(bot, "conversations", {})
    assert status == 201
    return body["conversation_id"]


def say(bot, cid: str, text: str) -> list[dict]:
    status, _, body = call(bot, "message", {"conversation_id": cid, "text": text})
    assert status == 200, body
    return body["messages"]


def test_widget_script_and_demo_page_are_served_with_safe_headers(shared_bot):
    with urllib.request.urlopen(f"{shared_bot.url}/webhooks/web/widget.js", timeout=30) as resp:
        assert resp.headers["Content-Type"].startswith("application/javascript")
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert b"attachShadow" in resp.read()
    with urllib.request.urlopen(f"{shared_bot.url}/webhooks/web/", timeout=30) as resp:
        page = resp.read().decode()
        assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
        assert '<script src="/webhooks/web/widget.js"' in page


def test_a_description_gets_an_assessment_view(shared_bot):
    cid = new_id(shared_bot)
    messages = say(shared_bot, cid, "We need a call center for chat and email, about 8k tickets a month")
    cards = [m for m in messages if m.get("card")]
    assert cards, messages
    card, record = cards[-1]["card"], cards[-1]["assessment"]
    assert card["model"] == record["recommendation"] == "CONTACT_CENTER"
    assert record["label_mismatch"] is True and card["label_check"]
    assert {"chat", "email"} <= set(record["channels"])
    text = "We need a call center for chat and email, about 8k tickets a month"
    assert record["evidence"] and all(text[e["start"]:e["end"]] == e["text"] for e in record["evidence"])
    chat = next(c for g in card["signals"] for c in g["chips"] if c["value"] == "chat")
    assert chat["quotes"] and all(q in text for q in chat["quotes"])


def test_a_later_message_is_credited_to_its_own_number(shared_bot):
    cid = new_id(shared_bot)
    say(shared_bot, cid, "hello")
    say(shared_bot, cid, "We need a call center.")
    messages = say(shared_bot, cid, "Customers reach us by live chat and email.")
    record = [m for m in messages if m.get("assessment")][-1]["assessment"]
    assert record["recommendation"] == "CONTACT_CENTER" and "voice" not in record["channels"]
    by_signal = {e["signal"]: e for e in record["evidence"]}
    assert by_signal["channel:chat"]["message"] == 2 and by_signal["label_requested:CALL_CENTER"]["message"] == 1


def test_the_widget_commands_fetch_the_brief_and_start_over(shared_bot):
    cid = new_id(shared_bot)
    say(shared_bot, cid, "We answer phone and email for a dental clinic")
    status, _, body = call(shared_bot, "message", {"conversation_id": cid, "command": "brief"})
    briefs = [m["brief"] for m in body.get("messages", []) if m.get("brief")]
    assert status == 200 and briefs and briefs[0]["markdown"].startswith("# Scope brief: contact center"), body
    status, _, body = call(shared_bot, "message", {"conversation_id": cid, "command": "restart"})
    assert status == 200 and any("cleared everything" in m["text"] for m in body["messages"]), body
    _, _, history = call(shared_bot, "history", {"conversation_id": cid})
    assert not [m for m in history["messages"] if m["role"] == "user"]  # nothing before the restart shows
    record = [m for m in say(shared_bot, cid, "we handle live chat") if m.get("assessment")][-1]["assessment"]
    assert record["channels"] == ["chat"]  # phone and email were forgotten


def test_ids_are_unguessable_and_history_is_per_conversation(shared_bot):
    a, b = new_id(shared_bot), new_id(shared_bot)
    assert a != b and a.startswith("web-") and len(a) == 36
    say(shared_bot, a, "We answer phone calls for a plumbing company")
    say(shared_bot, b, "Outsource our payroll please")
    _, _, hist_a = call(shared_bot, "history", {"conversation_id": a})
    _, _, hist_b = call(shared_bot, "history", {"conversation_id": b})
    texts_a = [m["text"] for m in hist_a["messages"] if m["role"] == "user"]
    texts_b = [m["text"] for m in hist_b["messages"] if m["role"] == "user"]
    assert texts_a == ["We answer phone calls for a plumbing company"]
    assert texts_b == ["Outsource our payroll please"]
    # an id nobody was given has no history; ids of other channels cannot even be asked for
    _, _, unknown = call(shared_bot, "history", {"conversation_id": "web-" + "A" * 32})
    assert unknown["messages"] == []
    shared_bot.send("rest-user-secret", "We only take phone calls")
    status, _, body = call(shared_bot, "history", {"conversation_id": "rest-user-secret"})
    assert status == 400 and "messages" not in body


def test_cors_follows_the_configuration(shared_bot):
    cid = new_id(shared_bot)
    status, headers, _ = call(shared_bot, "message", {"conversation_id": cid, "text": "hi"}, origin=EVIL)
    assert status == 403 and "Access-Control-Allow-Origin" not in headers
    status, _, _ = call(shared_bot, "message", None, origin=EVIL, method="OPTIONS")
    assert status == 403
    local = "http://localhost:8765"
    status, headers, _ = call(shared_bot, "message", None, origin=local, method="OPTIONS")
    assert status == 204 and headers["Access-Control-Allow-Origin"] == local
    status, headers, body = call(shared_bot, "message", {"conversation_id": cid, "text": "hi"}, origin=local)
    assert status == 200 and headers["Access-Control-Allow-Origin"] == local and body["messages"]


@pytest.mark.parametrize("raw, status", [
    (b"{not json", 400),
    (b"[]", 400),
    (json.dumps({"conversation_id": "alice", "text": "hi"}).encode(), 400),
    (json.dumps({"conversation_id": "web-" + "a" * 32, "text": 7}).encode(), 400),
    (json.dumps({"conversation_id": "web-" + "a" * 32, "text": "x" * (MAX_MESSAGE_CHARS + 1)}).encode(), 413),
    (b'{"pad": "' + b"x" * (MAX_BODY_BYTES + 1) + b'"}', 413),
])
def test_bad_requests_get_a_clear_4xx(shared_bot, raw, status):
    got, _, body = call(shared_bot, "message", raw=raw)
    assert got == status and body.get("error")


def test_a_refused_message_does_not_lose_the_conversation(shared_bot):
    cid = new_id(shared_bot)
    say(shared_bot, cid, "We answer phone and email for a dental clinic")
    assert call(shared_bot, "message", {"conversation_id": cid, "text": "y" * (MAX_MESSAGE_CHARS + 1)})[0] == 413
    cards = [m for m in say(shared_bot, cid, "we also handle live chat") if m.get("card")]
    assert {"voice", "email", "chat"} <= set(cards[-1]["assessment"]["channels"])


def test_allowed_origins_come_from_the_environment_first(monkeypatch):
    from channels.web import ORIGINS_ENV, WebChatInput

    monkeypatch.setenv(ORIGINS_ENV, "https://www.shop.com, https://help.shop.com")
    channel = WebChatInput.from_credentials({"allowed_origins": ["https://ignored.com"]})
    assert channel.allowed_origins == ["https://www.shop.com", "https://help.shop.com"]
    monkeypatch.setenv(ORIGINS_ENV, "")
    assert WebChatInput.from_credentials({"allowed_origins": ["https://a.com"]}).allowed_origins == ["https://a.com"]
    monkeypatch.delenv(ORIGINS_ENV)
    assert WebChatInput.from_credentials(None).allowed_origins == []
