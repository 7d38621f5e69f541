"""The checks the REST and widget endpoints run before a message reaches Rasa, as Sanic glue.

The rules themselves are in :mod:`channels.identity` (whose conversation, which token) and
:mod:`channels.ratelimit` (how many messages); this module applies them to a request and
shapes the refusals: 401 for a missing REST token, 429 with ``Retry-After`` for too many
messages. One set of limits serves the whole process, so a client's REST and widget
messages count against the same budget.
"""

from __future__ import annotations

import functools
from typing import Optional

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.identity import rest_token, token_accepted
from channels.ratelimit import RateLimits, client_key, trusted_proxies

__all__ = ["limits", "client_of", "too_many", "unauthorized", "over_limit"]

TOO_MANY = "Too many messages in a short time; please wait {seconds} s and try again."


@functools.lru_cache(maxsize=1)
def limits() -> RateLimits:
    """This process's limits, read once from ``SCOPEBOT_RATE_LIMIT``."""
    return RateLimits.from_env()


@functools.lru_cache(maxsize=1)
def proxies() -> tuple:
    """The reverse proxies whose ``X-Forwarded-For`` is believed, read once (``SCOPEBOT_TRUSTED_PROXIES``)."""
    return trusted_proxies()


def client_of(request: Request) -> Optional[str]:
    return client_key(request.ip, request.headers.get("x-forwarded-for"), proxies())


def too_many(seconds: int) -> HTTPResponse:
    return response.json({"error": TOO_MANY.format(seconds=seconds), "retry_after": seconds}, status=429,
                         headers={"Retry-After": str(seconds)})


def unauthorized(request: Request) -> Optional[HTTPResponse]:
    """401 when REST needs a token (``SCOPEBOT_REST_TOKEN``) and the request lacks it."""
    if token_accepted(request.headers.get("authorization"), rest_token()):
        return None
    return response.json({"error": "this endpoint needs 'Authorization: Bearer <SCOPEBOT_REST_TOKEN>'"},
                         status=401, headers={"WWW-Authenticate": 'Bearer realm="scopebot"'})


def over_limit(request: Request, conversation: Optional[str]) -> Optional[HTTPResponse]:
    """429 with ``Retry-After`` when the conversation or the client is over its limit (and count it)."""
    wait = limits().check(conversation=conversation, client=client_of(request))
    return too_many(wait) if wait else None
