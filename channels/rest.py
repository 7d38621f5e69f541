"""The REST channel with input checks: a malformed body gets a 4xx that says why.

Rasa's stock ``RestInput`` answers a body that is not an object, or lacks a string
``message``, with a 500 or with an empty 200. This subclass keeps the same URL
(``POST /webhooks/rest/webhook``) and response format, and refuses bad bodies first.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Optional, Tuple

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from bot.config import settings
from bot.domain.definitions import UNAVAILABLE
from bot.rasa_ext import action_faults
from bot.rasa_ext.storage_faults import CANNOT_SAVE, recording, request_failure, watch_request
from channels import guard
from channels.identity import metadata_problem, rest_conversation_id, rest_sender_from_conversation, sender_problem

#: Longest message accepted over REST (characters, from bot.config.settings); longer bodies get 413.
MAX_MESSAGE_CHARS = settings.MAX_MESSAGE_CHARS


def body_problem(raw: bytes) -> Optional[Tuple[int, str]]:
    """(status, reason) when the body cannot be a message, else None."""
    try:
        data: Any = json.loads(raw or b"")
    except (ValueError, UnicodeDecodeError):
        return 400, 'body must be JSON: {"sender": "...", "message": "..."}'
    if not isinstance(data, dict):
        return 400, "body must be a JSON object"
    sender, message = data.get("sender"), data.get("message")
    reason = sender_problem(sender)
    if reason:
        return 400, reason
    if not isinstance(message, str):
        return 400, '"message" must be a string'
    if len(message) > MAX_MESSAGE_CHARS:
        return 413, f'"message" is longer than the limit of {MAX_MESSAGE_CHARS:,} characters'
    reason = metadata_problem(data.get("metadata"))
    if reason:
        return 400, reason
    return None


class ValidatingRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    async def _extract_sender(self, req: Request) -> Optional[str]:
        # The client names its conversation only inside the REST namespace (channels.identity).
        return rest_conversation_id(req.json["sender"])

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()  # never what the body claims: "input_channel": "slack" is not Slack

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        bp = super().blueprint(recording(on_new_message))

        @bp.middleware("request")
        async def refuse_bad_bodies(request: Request):  # type: ignore[no-untyped-def]
            watch_request()
            action_faults.watch()
            if request.method == "POST" and request.path.rstrip("/").endswith("/webhook"):
                refused = guard.unauthorized(request)
                if refused:
                    return refused
                problem = body_problem(request.body)
                if problem:
                    status, reason = problem
                    return response.json({"error": reason}, status=status)
                return guard.over_limit(request, rest_conversation_id(request.json["sender"]))
            return None

        @bp.middleware("response")
        async def never_silent(request: Request, resp):  # type: ignore[no-untyped-def]
            # Rasa answers what it collected (or `[]`) whatever failed. The conversation store
            # or lock down: 503, and no replies from a turn that was not kept.
            if request.method == "POST" and resp is not None and request_failure() is not None:
                recipient = (json.loads(request.body or b"{}") or {}).get("sender")
                return response.json([{"recipient_id": recipient, "text": CANNOT_SAVE}], status=503,
                                     headers={"Retry-After": "30"})
            if request.method == "POST" and resp is not None and resp.status == 200:
                messages = _as_client_sees_it(resp)
                if messages is None:
                    return None
                # A custom action failed (the action server is down): Rasa answers what it
                # collected, often nothing; the user is told, after whatever was said.
                if action_faults.action_failed(messages):
                    recipient = (json.loads(request.body or b"{}") or {}).get("sender")
                    messages.append({"recipient_id": recipient, "text": UNAVAILABLE})
                return response.json(messages, status=resp.status)
            return None

        return bp


def _as_client_sees_it(resp) -> Optional[list]:  # type: ignore[no-untyped-def]
    """Rasa's replies as the client sees them: each names the client's own ``sender``, not the
    namespaced id Rasa stores. None when the body is not a JSON list (a ``?stream=true`` reply)."""
    try:
        messages = json.loads(resp.body)
    except (ValueError, TypeError):
        return None  # a stream (?stream=true) or not JSON: leave it alone
    if not isinstance(messages, list):
        return None
    for message in messages:
        if isinstance(message, dict) and isinstance(message.get("recipient_id"), str):
            message["recipient_id"] = rest_sender_from_conversation(message["recipient_id"])
    return messages
