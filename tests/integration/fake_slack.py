"""A local stand-in for Slack: the Web API the bot calls, and requests signed like Slack's.

``FakeSlack`` serves ``/api/<method>`` on 127.0.0.1, records every call (including failed
ones) and answers auth.test, chat.postMessage, chat.update, chat.postEphemeral and
views.publish the way Slack does. It can be told to fail the next call(s) of a method,
e.g. with 429 + Retry-After. ``/respond/<id>`` stands in for interaction response URLs.
The payload builders produce bodies shaped like Slack's real ones.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional

TEAM = "T0SCOPE"
BOT_USER = "U0SCOPEBOT"
BOT_ID = "B0SCOPEBOT"
APP_ID = "A0SCOPE"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    path: str = ""
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)

    def dump(self) -> str:
        """Everything the bot sent, as one string (to look for unescaped text)."""
        return json.dumps(self.params, ensure_ascii=False)


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._failures: dict[str, list[tuple[Optional[str], int, dict[str, Any], dict[str, str]]]] = {}
        #: (method, channel) -> (until, status, body, headers): every matching call fails until then.
        self._outages: dict[tuple[str, Optional[str]], tuple[float, int, dict[str, Any], dict[str, str]]] = {}
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                status, body, headers = fake.handle(self.path, dict(self.headers.items()), raw)
                if status == 0:  # a dropped connection: close without answering
                    self.close_connection = True
                    return
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- lifecycle ------------------------------------------------------------------------
    def start(self) -> FakeSlack:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def response_url(self) -> str:
        return f"{self.url}/respond/{uuid.uuid4().hex}"

    # --- behaviour ---------------------------------------------------------------------------
    def fail_next(self, method: str, status: int = 429, error: str = "ratelimited", retry_after: Optional[int] = 1,
                  times: int = 1, channel: Optional[str] = None) -> None:
        """Answer the next ``times`` calls of ``method`` (to ``channel``, if given) with ``status``
        and ``error`` (status 0: drop the connection without answering)."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        with self._lock:
            self._failures.setdefault(method, []).extend(
                [(channel, status, {"ok": False, "error": error}, headers)] * times)

    def fail_for(self, method: str, seconds: float, status: int = 503, error: str = "service_unavailable",
                 channel: Optional[str] = None) -> None:
        """Answer every call of ``method`` (to ``channel``, if given) with ``status`` for the next
        ``seconds``: an outage measured in time rather than in calls."""
        with self._lock:
            self._outages[(method, channel)] = (time.monotonic() + seconds, status, {"ok": False, "error": error}, {})

    def clear_failures(self) -> None:
        """Forget queued failures and outages: the API is healthy from now on."""
        with self._lock:
            self._failures.clear()
            self._outages.clear()

    def handle(self, path: str, headers: dict[str, str], raw: str) -> tuple[int, dict[str, Any], dict[str, str]]:
        if path.startswith("/respond/"):
            method = "response_url"
        elif path.startswith("/api/"):
            method = path[len("/api/"):].split("?")[0]
        else:
            return 404, {"ok": False, "error": "unknown_path"}, {}
        ctype = headers.get("Content-Type") or headers.get("content-type") or ""
        if "json" in ctype:
            params = json.loads(raw or "{}")
        else:
            params = {k: v[-1] for k, v in urllib.parse.parse_qs(raw).items()}
        call = Call(method, params, headers, path)
        failure = None
        with self._lock:
            outage = self._outages.get((method, params.get("channel"))) or self._outages.get((method, None))
            if outage is not None and outage[0] > time.monotonic():
                failure = outage[1:]
            queued = [] if failure is not None else self._failures.get(method) or []
            for i, (channel, *_rest) in enumerate(queued):
                if channel is None or channel == params.get("channel"):
                    failure = queued.pop(i)[1:]
                    break
        if failure is not None:
            call.status, call.response, extra = failure
        else:
            call.response, extra = self._answer(method, params), {}
        with self._lock:
            self.calls.append(call)
        return call.status, call.response, extra

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        ts = f"{1700000000 + next(self._ts)}.000100"
        if method == "auth.test":
            return {"ok": True, "url": "https://scopebot-test.slack.com/", "team": "Scope test", "user": "scopebot",
                    "team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID, "is_enterprise_install": False}
        if method == "chat.postMessage":
            message = {"type": "message", "user": BOT_USER, "bot_id": BOT_ID, "ts": ts,
                       "text": params.get("text"), "blocks": params.get("blocks") or []}
            if params.get("thread_ts"):
                message["thread_ts"] = params["thread_ts"]
            return {"ok": True, "channel": params.get("channel"), "ts": ts, "message": message}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method == "chat.update":
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts"), "text": params.get("text")}
        if method == "views.publish":
            return {"ok": True, "view": {"id": "V0HOME", **(params.get("view") or {})}}
        if method == "response_url":
            return {"ok": True}
        return {"ok": False, "error": "unknown_method"}

    # --- inspection ------------------------------------------------------------------------------
    def find(self, method: Optional[str] = None, ok: Optional[bool] = True, **params: Any) -> list[Call]:
        with self._lock:
            calls = list(self.calls)
        return [c for c in calls if (method is None or c.method == method)
                and (ok is None or (c.status == 200 and c.response.get("ok")) == ok)
                and all(c.params.get(k) == v for k, v in params.items())]

    def wait_for(self, method: Optional[str] = None, count: int = 1, timeout: float = 90, ok: Optional[bool] = True,
                 where: Optional[Callable[[Call], bool]] = None, **params: Any) -> list[Call]:
        """Poll until at least ``count`` matching calls were recorded; fail with what was seen."""
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.find(method, ok, **params) if where is None or where(c)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                seen = [(c.method, c.status, {k: c.params.get(k) for k in ("channel", "thread_ts", "ts", "user")})
                        for c in self.find(ok=None)]
                raise AssertionError(f"expected {count} x {method} {params}, got {len(found)}; calls: {seen}")
            time.sleep(0.1)


# ----- requests as Slack sends them ---------------------------------------------------------------
def signature(secret: str, timestamp: int | str, body: str) -> str:
    """Slack's request signature: v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}")."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def slack_post(url: str, body: str, secret: Optional[str], content_type: str = "application/json",
               timestamp: Optional[int] = None, sign_with: Optional[str] = None,
               headers: Optional[dict[str, str]] = None, timeout: float = 30) -> tuple[int, str, float]:
    """POST ``body`` signed with ``secret`` (or ``sign_with``); ``(status, body, seconds)``.
    ``secret=None`` sends no signature headers at all."""
    hdrs = {"Content-Type": content_type, "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)"}
    if secret is not None:
        ts = int(time.time()) if timestamp is None else timestamp
        hdrs["X-Slack-Request-Timestamp"] = str(ts)
        hdrs["X-Slack-Signature"] = signature(sign_with or secret, ts, body)
    hdrs.update(headers or {})
    req = urllib.request.Request(url, data=body.encode(), headers=hdrs, method="POST")
    start = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode(), time.monotonic() - start
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), time.monotonic() - start


_ts_counter = itertools.count(1)


def new_ts() -> str:
    """A message timestamp like Slack's ("1700000000.123456"), unique in this run."""
    return f"{int(time.time())}.{next(_ts_counter):06d}"


def event_callback(event: dict[str, Any], event_id: Optional[str] = None) -> dict[str, Any]:
    return {
        "token": "legacy-verification-token", "team_id": TEAM, "context_team_id": TEAM, "api_app_id": APP_ID,
        "event": event, "type": "event_callback", "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "authorizations": [{"enterprise_id": None, "team_id": TEAM, "user_id": BOT_USER, "is_bot": True,
                            "is_enterprise_install": False}],
        "is_ext_shared_channel": False, "event_context": f"4-{uuid.uuid4().hex}",
    }


def dm_event(channel: str, user: str, text: str, ts: Optional[str] = None, **extra: Any) -> dict[str, Any]:
    ts = ts or new_ts()
    return {"client_msg_id": str(uuid.uuid4()), "type": "message", "text": text, "user": user, "ts": ts,
            "team": TEAM, "channel": channel, "event_ts": ts, "channel_type": "im", **extra}


def mention_event(channel: str, user: str, text: str, ts: Optional[str] = None, thread_ts: Optional[str] = None
                  ) -> dict[str, Any]:
    ts = ts or new_ts()
    event = {"client_msg_id": str(uuid.uuid4()), "type": "app_mention", "text": text, "user": user, "ts": ts,
             "team": TEAM, "channel": channel, "event_ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def slash_command(text: str, channel: str, user: str, response_url: str, command: str = "/scope") -> str:
    return urllib.parse.urlencode({
        "token": "legacy-verification-token", "team_id": TEAM, "team_domain": "scopebot-test",
        "channel_id": channel, "channel_name": "directmessage" if channel.startswith("D") else "general",
        "user_id": user, "user_name": user.lower(), "command": command, "text": text, "api_app_id": APP_ID,
        "is_enterprise_install": "false", "response_url": response_url,
        "trigger_id": f"{int(time.time())}.1.{uuid.uuid4().hex[:12]}",
    })


def block_actions(user: str, channel: str, message: dict[str, Any], button: dict[str, Any], block_id: str,
                  response_url: str, ephemeral: bool = False) -> str:
    """The form body of a button click: ``payload=<json>``. Clicks in ephemeral messages carry
    no ``message`` (Slack does not send it), only the container's ``message_ts``."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": APP_ID, "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel,
                      "is_ephemeral": ephemeral},
        "trigger_id": f"{int(time.time())}.1.{uuid.uuid4().hex[:12]}",
        "team": {"id": TEAM, "domain": "scopebot-test"}, "enterprise": None, "is_enterprise_install": False,
        "channel": {"id": channel, "name": "directmessage" if channel.startswith("D") else "general"},
        "message": None if ephemeral else message, "state": {"values": {}}, "response_url": response_url,
        "actions": [{"action_id": button["action_id"], "block_id": block_id, "text": button["text"],
                     "value": button.get("value"), "type": "button", "action_ts": f"{time.time():.6f}"}],
    }
    if ephemeral:
        del payload["message"]
    return urllib.parse.urlencode({"payload": json.dumps(payload)})
