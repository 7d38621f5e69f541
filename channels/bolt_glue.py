"""Bolt inside Sanic (Rasa's web server): request/response adapters and a repeat filter.

No Rasa import here, so the signature checks and the repeat filter can be tested with a
bare ``AsyncApp``.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Set

from sanic.request import Request
from sanic.response import HTTPResponse
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from channels.delivery import Claims, Delivery

logger = logging.getLogger("channels.slack")

__all__ = ["to_bolt_request", "to_sanic_response", "DropRepeats", "ServerErrorRetry", "quiet_client_token_warning",
           "retry_after_s"]

#: Server errors of the Web API worth another try (a gateway or Slack itself restarting).
RETRIED_STATUSES = frozenset({500, 502, 503, 504})
#: Longest wait between two tries, whatever Retry-After asks for.
MAX_RETRY_WAIT_S = 30.0


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
    """Claim each event before it runs; acknowledge and ignore a repeat of one that was stored
    or is running in this process (see :mod:`channels.delivery`). A retry of a delivery that
    never completed is handled like a first delivery. A repeat of an event another replica
    holds unfinished is answered 503: if that replica died mid-turn, a 200 would end Slack's
    retries and lose the message, while Slack's next retry (a minute later) finds the claim
    finished (dropped then) or lapsed (handled here). The claim travels in ``context["delivery"]``.

    Installed as Bolt's ``before_authorize`` middleware, so it runs after the signature check
    (a forged "retry" is still a 401) and before anything else.
    """

    def __init__(self, claims: Claims) -> None:
        self.claims = claims
        #: Events whose turn runs in this process (their claims are ours and alive).
        self.running: Set[str] = set()

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse,
                            next: Callable[[], Awaitable[BoltResponse]]) -> Optional[BoltResponse]:
        body = req.body if isinstance(req.body, dict) else {}
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not event_id:
            return await next()
        retry = (req.headers.get("x-slack-retry-num") or ["0"])[0]
        token = await self.claims.claim(f"event:{event_id}")
        if token is None:
            if event_id in self.running or await self.claims.is_done(f"event:{event_id}"):
                logger.info("Slack event %s (retry %s) is running here or done already; dropped", event_id, retry)
                return BoltResponse(status=200, body="")
            logger.warning("Slack event %s (retry %s) is claimed by another replica that has not stored it yet; "
                           "answered 503 so that Slack tries again later", event_id, retry)
            return BoltResponse(status=503, body="being handled by another replica; retry later")
        if retry != "0":
            reason = (req.headers.get("x-slack-retry-reason") or ["?"])[0]
            logger.info("Slack retry %s (%s) of event %s, whose earlier delivery did not complete: handling it",
                        retry, reason, event_id)
        self.running.add(event_id)
        req.context["delivery"] = Delivery(self.claims, event_id, token, int(retry) if retry.isdigit() else 0,
                                           on_end=lambda: self.running.discard(event_id))
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


class ServerErrorRetry(AsyncRetryHandler):
    """Retry Web API calls that got a 5xx: wait what ``Retry-After`` asks (capped), else back
    off exponentially with jitter (0.5 s, 1 s, 2 s ...). The SDK's own handler retries only
    500 and 503, ignores ``Retry-After`` on them, and never a gateway's 502 or 504."""

    def __init__(self, max_retry_count: int = 3, base_s: float = 0.5) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.base_s = base_s

    async def _can_retry_async(self, *, state: RetryState, request: HttpRequest,
                               response: Optional[HttpResponse] = None, error: Optional[Exception] = None) -> bool:
        return response is not None and response.status_code in RETRIED_STATUSES

    async def prepare_for_next_attempt_async(self, *, state: RetryState, request: HttpRequest,
                                             response: Optional[HttpResponse] = None,
                                             error: Optional[Exception] = None) -> None:
        state.next_attempt_requested = True
        await asyncio.sleep(self.wait_s(state.current_attempt, response))
        state.increment_current_attempt()

    def wait_s(self, attempt: int, response: Optional[HttpResponse]) -> float:
        asked = retry_after_s(response.headers if response is not None else None)
        if asked is not None:
            return min(asked, MAX_RETRY_WAIT_S)
        return min(self.base_s * (2 ** attempt) + random.random() * self.base_s, MAX_RETRY_WAIT_S)


def retry_after_s(headers: Optional[Mapping[str, Any]]) -> Optional[float]:
    """Seconds a ``Retry-After`` header asks for (header names in any case, values as a string
    or a list of them, as the SDK's two response types carry them); None when absent or not
    a number of seconds."""
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    value = lowered.get("retry-after")
    value = value[0] if isinstance(value, list) and value else value
    if isinstance(value, str) and value.strip().isdigit():
        return float(value.strip())
    return None
