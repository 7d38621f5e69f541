"""The message limits live in bot.config.settings, and every channel uses the same ones."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.config import settings
from bot.language import text
from channels import rest, webchat

ROOT = Path(__file__).resolve().parents[3]


def test_every_channel_takes_the_limit_from_settings():
    assert rest.MAX_MESSAGE_CHARS == webchat.MAX_MESSAGE_CHARS == settings.MAX_MESSAGE_CHARS == 20_000
    assert text.CHUNK_CHARS == settings.CHUNK_CHARS and text.MAX_CHARS == settings.MAX_CLASSIFY_CHARS
    widget = (ROOT / "channels/web_assets/widget.js").read_text(encoding="utf-8")
    assert int(re.search(r"var MAX_CHARS = (\d+);", widget).group(1)) == settings.MAX_MESSAGE_CHARS


def test_a_widget_message_at_the_limit_fits_in_a_request_body_even_fully_escaped():
    body = json.dumps({"conversation_id": "web-" + "a" * 32, "text": "\x01" * settings.MAX_MESSAGE_CHARS})
    assert len(body.encode()) <= webchat.MAX_BODY_BYTES


def test_refusals_name_the_limit():
    status, reason = rest.body_problem(json.dumps({"sender": "s", "message": "x" * 20_001}).encode())
    assert status == 413 and "20,000" in reason
    assert rest.body_problem(json.dumps({"sender": "s", "message": "x" * 20_000}).encode()) is None
    assert "20,000" in settings.message_too_long(25_000) and "25,000" in settings.message_too_long(25_000)
