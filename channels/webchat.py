"""The web widget's side of a conversation, as plain data: ids, origins, message views, history.

The Rasa channel (``channels/web.py``) is glue around these functions; keeping them free
of Rasa and Sanic means the rules that protect visitors (who may read which conversation,
which sites may call the bot, how long a message may be) are unit-tested directly.
"""

from __future__ import annotations

import re
import secrets
from typing import Any, Iterable, Optional
from urllib.parse import urlsplit

from bot.config import settings
from bot.views.card import assessment_card
from bot.views.view import AssessmentView
from channels.commands import BRIEF_PAYLOAD, RESTART_PAYLOAD

#: Longest message a visitor may send from the widget (characters): the limit of every
#: channel (bot.config.settings); widget.js refuses longer ones before sending (a test keeps them equal).
MAX_MESSAGE_CHARS = settings.MAX_MESSAGE_CHARS
#: Longest request body the widget endpoints read (bytes), whatever it contains: room for
#: a message at the limit even when every character is JSON-escaped (six bytes each).
MAX_BODY_BYTES = 6 * MAX_MESSAGE_CHARS + 4096

ID_PREFIX = "web-"
_ID_PATTERN = re.compile(r"^web-[A-Za-z0-9_-]{32}$")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}

#: The widget's own buttons, by the name the widget sends -> the message the bot receives.
#: The widget knows only the names, so the bot's intents are spelled in this one place.
COMMANDS: dict[str, str] = {"brief": BRIEF_PAYLOAD, "restart": RESTART_PAYLOAD}
BRIEF_FILENAME = "scope-brief.md"


# ----- conversation ids -------------------------------------------------------------------
def new_conversation_id() -> str:
    """192 random bits: knowing your own id tells you nothing about anyone else's."""
    return ID_PREFIX + secrets.token_urlsafe(24)


def valid_conversation_id(value: Any) -> bool:
    """Only ids this channel hands out are accepted, so a web visitor can never name a
    Slack or REST conversation (those ids have other shapes)."""
    return isinstance(value, str) and bool(_ID_PATTERN.match(value))


# ----- origins (CORS) ---------------------------------------------------------------------
def parse_origins(raw: Optional[str | Iterable[str]]) -> list[str]:
    """Configured origins from ``"https://a.com, https://b.com"`` or a list; ``*`` allows any."""
    if raw is None:
        return []
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    return [str(i).strip().rstrip("/") for i in items if str(i).strip()]


def origin_allowed(origin: Optional[str], own_origin: str, configured: Iterable[str]) -> bool:
    """May a page on ``origin`` call the bot? No ``Origin`` header means no browser page
    (curl, same-origin GET): allowed. Otherwise the bot's own origin, ``localhost`` on any
    port, and what the configuration lists."""
    if not origin:
        return True
    origin = origin.rstrip("/")
    configured = list(configured)
    if origin == own_origin.rstrip("/") or "*" in configured or origin in configured:
        return True
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and (parts.hostname or "") in _LOCAL_HOSTS


# ----- incoming messages ------------------------------------------------------------------
def message_problem(body: Any) -> Optional[tuple[int, str]]:
    """(status, reason) when a widget message body is unusable, else None.

    A body carries either the visitor's ``text`` or the name of one of the widget's
    ``command``s (see :data:`COMMANDS`), never both.
    """
    if not isinstance(body, dict):
        return 400, 'body must be a JSON object: {"conversation_id": "...", "text": "..."}'
    if not valid_conversation_id(body.get("conversation_id")):
        return 400, "unknown conversation id; ask POST /webhooks/web/conversations for one"
    if "command" in body:
        if "text" in body or body["command"] not in COMMANDS:
            return 400, f'"command" must be one of {sorted(COMMANDS)}, without "text"'
        return None
    text = body.get("text")
    if not isinstance(text, str):
        return 400, '"text" must be a string'
    if len(text) > MAX_MESSAGE_CHARS:
        return 413, settings.message_too_long(len(text))
    return None


def message_text(body: dict[str, Any]) -> str:
    """What the bot receives for a body that :func:`message_problem` accepted."""
    return COMMANDS[body["command"]] if "command" in body else body["text"]


# ----- what the widget draws --------------------------------------------------------------
def _buttons(raw: Any) -> list[dict[str, str]]:
    out = []
    for b in raw or []:
        if isinstance(b, dict) and b.get("payload"):
            out.append({"title": str(b.get("title") or b["payload"]), "payload": str(b["payload"])})
    return out


def bot_view(message: dict[str, Any]) -> Optional[dict[str, Any]]:
    """One bot message as the widget draws it, or None when it has nothing to show.

    ``assessment`` is the reply's custom payload unchanged (the assessment view, see
    :mod:`bot.views.view`); ``card`` is what the card shows, drawn from that view by :mod:`bot.views.card`.
    """
    custom = message.get("custom") if isinstance(message.get("custom"), dict) else {}
    text = str(message.get("text") or "")
    view: dict[str, Any] = {"role": "bot", "text": text, "buttons": _buttons(message.get("buttons"))}
    kind = custom.get("type")
    if kind == "assessment":
        shown = AssessmentView.from_payload(custom)
        view["assessment"] = {k: v for k, v in custom.items() if k != "type"}
        if not shown.compact:  # a compact reply (nothing new) is its text and buttons, no card
            view["card"] = assessment_card(shown)
    elif kind == "brief":
        view["brief"] = {"markdown": str(custom.get("markdown") or text), "filename": BRIEF_FILENAME}
        view["text"] = "Your scope brief is ready."
    elif not text and not view["buttons"]:
        return None
    return view


def _user_view(text: str, offered: list[dict[str, str]]) -> Optional[dict[str, Any]]:
    """A visitor's message in the history: a clicked answer shows as its button title;
    the widget's own commands (brief, restart) are not shown at all."""
    if text.startswith("/"):
        titles = [b["title"] for b in offered if b["payload"] == text]
        return {"role": "user", "text": titles[0]} if titles else None
    return {"role": "user", "text": text}


def history_from_events(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The visible conversation since the last restart, from tracker events (as dicts)."""
    shown: list[dict[str, Any]] = []
    offered: list[dict[str, str]] = []
    for event in events:
        kind = event.get("event")
        if kind == "restart":
            shown, offered = [], []
        elif kind == "user":
            view = _user_view(str(event.get("text") or ""), offered)
            if view:
                shown.append(view)
        elif kind == "bot":
            data = event.get("data") or {}
            view = bot_view({"text": event.get("text"), "buttons": data.get("buttons"), "custom": data.get("custom")})
            if view:
                shown.append(view)
                offered = view["buttons"] or offered
    return shown
