"""The website chat widget's channel: the script, a demo page and a small JSON API.

    GET  /webhooks/web/               demo company page with the widget on it
    GET  /webhooks/web/widget.js      the embeddable script (one <script> tag)
    POST /webhooks/web/conversations  -> {"conversation_id": "web-..."}  (random, unguessable)
    POST /webhooks/web/message        {"conversation_id", "text"} -> {"messages": [...]}
    POST /webhooks/web/history        {"conversation_id"} -> {"messages": [...]}

Conversation ids travel in request bodies, never in URLs, so they stay out of access
logs. Which sites may call the API is configuration (``SCOPEBOT_WEB_ORIGINS`` or
``allowed_origins`` in credentials.yml); the bot's own origin and localhost always may.
The decisions themselves live in :mod:`channels.webchat`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic_cors.core import SANIC_CORS_EVALUATED

from bot.domain.definitions import UNAVAILABLE
from bot.rasa_ext import action_faults
from bot.rasa_ext.storage_faults import CANNOT_SAVE, storage_failure
from channels import guard
from channels.webchat import (
    MAX_BODY_BYTES,
    bot_view,
    history_from_events,
    message_problem,
    message_text,
    new_conversation_id,
    origin_allowed,
    parse_origins,
    valid_conversation_id,
)

ASSETS = Path(__file__).resolve().parent / "web_assets"
ORIGINS_ENV = "SCOPEBOT_WEB_ORIGINS"

#: The demo page runs only our own script and loads nothing from elsewhere.
DEMO_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


class WebChatInput(InputChannel):
    """Rasa input channel for ``channels/web_assets/widget.js``."""

    @classmethod
    def name(cls) -> str:
        return "web"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> WebChatInput:
        credentials = credentials or {}
        origins = os.environ.get(ORIGINS_ENV)
        return cls(parse_origins(origins if origins else credentials.get("allowed_origins")))

    def __init__(self, allowed_origins: Optional[list[str]] = None) -> None:
        self.allowed_origins = list(allowed_origins or [])

    # ----- HTTP helpers --------------------------------------------------------------------
    def _cors(self, request: Request, resp: HTTPResponse) -> HTTPResponse:
        # Rasa's server-wide sanic-cors (configured by `--cors`, empty by default) would
        # otherwise rewrite these headers; this flag tells it they have been decided.
        setattr(request.ctx, SANIC_CORS_EVALUATED, "1")
        origin = request.headers.get("origin")
        if origin and origin_allowed(origin, _own_origin(request), self.allowed_origins):
            resp.headers["Access-Control-Allow-Origin"] = origin
            resp.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
            resp.headers["Access-Control-Allow-Headers"] = "Content-Type"
            resp.headers["Access-Control-Max-Age"] = "600"
        resp.headers["Vary"] = "Origin"
        resp.headers["Cache-Control"] = "no-store"
        return resp

    def _api(self, request: Request) -> tuple[Optional[dict[str, Any]], Optional[HTTPResponse]]:
        """The JSON body of an API call, or the response that refuses it."""
        origin = request.headers.get("origin")
        if not origin_allowed(origin, _own_origin(request), self.allowed_origins):
            return None, response.json({"error": "this site may not use the assistant"}, status=403)
        if len(request.body or b"") > MAX_BODY_BYTES:
            return None, response.json({"error": "request body too large"}, status=413)
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return None, response.json({"error": "body must be JSON"}, status=400)
        if not isinstance(body, dict):
            return None, response.json({"error": "body must be a JSON object"}, status=400)
        return body, None

    # ----- routes --------------------------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        web = Blueprint("scopebot_web", __name__)

        @web.middleware("response")
        async def answer_preflight(request: Request, resp: HTTPResponse) -> Optional[HTTPResponse]:
            # sanic-cors answers every OPTIONS request before any route runs; the answer
            # for the widget's endpoints is this channel's own origin policy.
            if request.method == "OPTIONS":
                return self._preflight(request)
            return None

        @web.route("/", methods=["GET"])
        async def demo(request: Request) -> HTTPResponse:
            return response.html(_asset("demo.html"), headers={
                "Content-Security-Policy": DEMO_CSP, "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer"})

        @web.route("/widget.js", methods=["GET"])
        async def widget(request: Request) -> HTTPResponse:
            return response.text(_asset("widget.js"), content_type="application/javascript; charset=utf-8",
                                 headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"})

        async def new_conversation(request: Request, body: dict[str, Any]) -> HTTPResponse:
            return response.json({"conversation_id": new_conversation_id()}, status=201)

        async def message(request: Request, body: dict[str, Any]) -> HTTPResponse:
            problem = message_problem(body)
            if problem:
                status, reason = problem
                return response.json({"error": reason}, status=status)
            collector = CollectingOutputChannel()
            action_faults.watch()
            await on_new_message(UserMessage(message_text(body), collector, body["conversation_id"],
                                             input_channel=self.name()))
            views = [v for v in (bot_view(m) for m in collector.messages) if v]
            if action_faults.action_failed(collector.messages):  # the action server is down
                views.append(bot_view({"text": UNAVAILABLE}))
            return response.json({"messages": views})

        async def history(request: Request, body: dict[str, Any]) -> HTTPResponse:
            conversation_id = body.get("conversation_id")
            if not valid_conversation_id(conversation_id):
                return response.json({"error": "unknown conversation id"}, status=400)
            tracker = await request.app.ctx.agent.tracker_store.retrieve(conversation_id)
            events = [e.as_dict() for e in tracker.events] if tracker else []
            return response.json({"messages": history_from_events(events)})

        for path, handler in (("/conversations", new_conversation), ("/message", message), ("/history", history)):
            web.add_route(self._api_route(handler), path, methods=["POST", "OPTIONS"], name=handler.__name__)

        return web

    def _api_route(self, handler: Callable[[Request, dict[str, Any]], Awaitable[HTTPResponse]]
                   ) -> Callable[[Request], Awaitable[HTTPResponse]]:
        """A JSON API endpoint: preflight, origin and body checks first, CORS headers on every answer."""
        async def route(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":
                return self._preflight(request)
            body, refused = self._api(request)
            if refused or body is None:
                return self._cors(request, refused or response.json({"error": "bad request"}, status=400))
            conversation = body.get("conversation_id")
            limited = guard.over_limit(request, conversation if valid_conversation_id(conversation) else None)
            if limited:
                return self._cors(request, limited)
            try:
                answer = await handler(request, body)
            except Exception as exc:  # the conversation store or lock is down: say so, with CORS
                if storage_failure(exc) is None:
                    raise
                answer = response.json({"error": CANNOT_SAVE}, status=503, headers={"Retry-After": "30"})
            return self._cors(request, answer)

        return route

    def _preflight(self, request: Request) -> HTTPResponse:
        origin = request.headers.get("origin")
        if not origin_allowed(origin, _own_origin(request), self.allowed_origins):
            return response.empty(status=403)
        return self._cors(request, response.empty(status=204))


def _own_origin(request: Request) -> str:
    """The origin this request reached the bot on (behind a proxy: what the proxy forwards)."""
    scheme = request.headers.get("x-forwarded-proto") or request.scheme
    return f"{scheme}://{request.host}"
