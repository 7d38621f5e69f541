"""Whose conversation is this? Each channel's conversation ids live in a namespace of their own.

Rasa keys every conversation by one string, whichever channel it came from. If a REST
client could send any string, it could name a widget visitor's id or a Slack thread's id
and read (or rewrite) that conversation. So every channel owns a prefix, and only that
channel ever produces ids with it:

- REST: ``rest:<sender>``; the client's ``sender`` is always put under ``rest:``, so
  ``{"sender": "web-..."}`` or ``{"sender": "slack:..."}`` over REST is a new REST
  conversation of that name, never the widget's or Slack's;
- the widget: ``web-<192 random bits>``, handed out by the server (``channels.webchat``);
- Slack: ``slack:<team>:<channel>...``, built only from requests whose Slack signature was
  verified (``channels.slack``); no other channel can produce the prefix.

REST can also require a bearer token (``SCOPEBOT_REST_TOKEN``) for when the port is
reachable from outside, and its optional ``metadata`` is bounded and flat, because Rasa
stores it with every message.
"""

from __future__ import annotations

import hmac
import json
import os
from typing import Any, Mapping, Optional

__all__ = ["REST_PREFIX", "WEB_PREFIX", "SLACK_PREFIX", "MAX_REST_SENDER_CHARS", "rest_conversation_id",
           "rest_sender_from_conversation", "sender_problem", "metadata_problem", "rest_token",
           "token_accepted", "REST_TOKEN_ENV", "MIN_REST_TOKEN_CHARS", "channel_of"]

REST_PREFIX = "rest:"
WEB_PREFIX = "web-"
SLACK_PREFIX = "slack:"

#: Rasa's SQL tracker store keeps sender ids in a 255-character column; with the prefix,
#: a REST sender must stay well inside it (PostgreSQL refuses longer values with an error).
MAX_REST_SENDER_CHARS = 200
#: Metadata travels with every stored message: a handful of short, flat fields at most.
MAX_METADATA_BYTES = 2048
MAX_METADATA_KEYS = 16
MAX_METADATA_KEY_CHARS = 64
MAX_METADATA_VALUE_CHARS = 512

REST_TOKEN_ENV = "SCOPEBOT_REST_TOKEN"
MIN_REST_TOKEN_CHARS = 16


def rest_conversation_id(sender: str) -> str:
    """The stored id of a REST client's conversation: always under ``rest:``."""
    return REST_PREFIX + sender


def rest_sender_from_conversation(conversation_id: str) -> str:
    """The client's own ``sender`` back from a stored REST id (what REST replies carry)."""
    return conversation_id[len(REST_PREFIX):] if conversation_id.startswith(REST_PREFIX) else conversation_id


def channel_of(conversation_id: str) -> Optional[str]:
    """Which channel produced ``conversation_id`` (None: none of ours, e.g. an old unprefixed id)."""
    for name, prefix in (("rest", REST_PREFIX), ("web", WEB_PREFIX), ("slack", SLACK_PREFIX)):
        if conversation_id.startswith(prefix):
            return name
    return None


def sender_problem(sender: Any) -> Optional[str]:
    """Why a REST ``sender`` cannot be used, or None."""
    if not isinstance(sender, str) or not sender.strip():
        return '"sender" must be a non-empty string'
    if len(sender) > MAX_REST_SENDER_CHARS:
        return f'"sender" is longer than {MAX_REST_SENDER_CHARS} characters'
    if not sender.isprintable():
        return '"sender" must not contain control characters'
    return None


def metadata_problem(metadata: Any) -> Optional[str]:
    """Why REST ``metadata`` cannot be stored, or None. Absent (or null) is fine; otherwise
    a flat object of at most 16 fields whose values are short strings, numbers, booleans or null."""
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        return '"metadata" must be a JSON object'
    if len(metadata) > MAX_METADATA_KEYS:
        return f'"metadata" may have at most {MAX_METADATA_KEYS} fields'
    for key, value in metadata.items():
        if len(key) > MAX_METADATA_KEY_CHARS:
            return f'"metadata" field names may be at most {MAX_METADATA_KEY_CHARS} characters'
        if value is not None and not isinstance(value, (str, int, float, bool)):
            return f'"metadata" field {key[:MAX_METADATA_KEY_CHARS]!r} must be a string, number, boolean or null'
        if isinstance(value, str) and len(value) > MAX_METADATA_VALUE_CHARS:
            return f'"metadata" values may be at most {MAX_METADATA_VALUE_CHARS} characters'
    if len(json.dumps(metadata, ensure_ascii=False).encode("utf-8")) > MAX_METADATA_BYTES:
        return f'"metadata" may be at most {MAX_METADATA_BYTES} bytes'
    return None


def rest_token(env: Mapping[str, str] = os.environ) -> str:
    """The REST bearer token ("" when REST is open). Raises ValueError when it is too short
    to be a secret, so a weak token stops the start instead of guarding nothing."""
    token = (env.get(REST_TOKEN_ENV) or "").strip()
    if token and len(token) < MIN_REST_TOKEN_CHARS:
        raise ValueError(f"{REST_TOKEN_ENV} must be at least {MIN_REST_TOKEN_CHARS} characters "
                         "(e.g. `openssl rand -hex 24`), or unset to leave REST open")
    return token


def token_accepted(authorization: Optional[str], token: str) -> bool:
    """Does the ``Authorization`` header carry ``Bearer <token>``? Always True without a token.
    Compared in constant time, so the answer's timing says nothing about the secret."""
    if not token:
        return True
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
