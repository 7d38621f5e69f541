"""Bolt inside Sanic (Rasa's web server): request/response adapters and a repeat filter.

No Rasa import here, so the signature checks and the repeat filter can be tested with a
bare ``AsyncApp``.
"""

from __future__ import annotations

import logging
from typing import Awaitable, Callable, Dict, List, Optional

from sanic.request import Request
from sanic.response import HTTPResponse
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from channels.dedup import SeenStore

logger = logging.getLogger("channels.slack")

__all__ = ["to_bolt_request", "to_sanic_response", "DropRepeats", "quiet_client_token_warning"]


def to_bolt_request(request: Request) -> AsyncBoltRequest:
    """The Sanic request as Bolt sees it: the raw body as text (the signature is computed over
    the exact bytes) and every header, lower-cased, with all its values.

    Raises ValueError when Bolt cannot parse the body (e.g. ``payload=`` that is not JSON).
    """
    headers: Dict[str, List[str]] = {}
    for key, value in request.headers.items():
        headers.setdefault(key.lower(), []).append(value)
    try:
        return AsyncBoltRequest(body=request.body.decode("utf-8", errors="replace"), query=request.query_string,
                                headers=headers)
    except (AttributeError, TypeError) as exc:  # JSON that is not an object (`[]`, `"x"`): Bolt's parser trips
        raise ValueError("the body is not a Slack request") from exc


def to_sanic_response(bolt: BoltResponse) -> HTTPResponse:
    """Bolt's answer as a Sanic response (status, body, headers; no cookies: no OAuth flow here)."""
    return HTTPResponse(body=bolt.body, status=bolt.status, headers=bolt.first_headers_without_set_cookie())


class DropRepeats(AsyncMiddleware):
    """Acknowledge and ignore Slack's retries and events already seen.

    Installed as Bolt's ``before_authorize`` middleware, so it runs after the signature check
    (a forged "retry" is still a 401) and before anything else.
    """

    def __init__(self, seen: SeenStore) -> None:
        self.seen = seen

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse,
                            next: Callable[[], Awaitable[BoltResponse]]) -> Optional[BoltResponse]:
        retry = req.headers.get("x-slack-retry-num")
        if retry:
            reason = (req.headers.get("x-slack-retry-reason") or ["?"])[0]
            logger.info("Slack retry %s (%s) dropped", retry[0], reason)
            return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
        body = req.body if isinstance(req.body, dict) else {}
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not self.seen.first_time(f"event:{event_id}"):
            logger.info("Slack event %s seen before, dropped", event_id)
            return BoltResponse(status=200, body="")
        return await next()


class _ClientTokenWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def quiet_client_token_warning() -> None:
    """Bolt reads SLACK_BOT_TOKEN by itself and then warns that the ``client=`` we pass (same
    token, our base URL and retry handlers) wins over it; that is intended, so hide the warning."""
    bolt_logger = logging.getLogger("slack_bolt.AsyncApp")
    if not any(isinstance(f, _ClientTokenWarning) for f in bolt_logger.filters):
        bolt_logger.addFilter(_ClientTokenWarning())
