"""What `scopebot shell` prints for the bot's replies, and how a typed number picks an answer."""

from __future__ import annotations

import io

from bot.domain.assessment import assess
from bot.domain.signals import Signals
from bot.runtime.shell import chosen, show
from bot.views.replies import assessment_message
from bot.views.view import build_view


def rest_replies() -> list[dict]:
    """An assessment as the REST channel returns it: text and buttons, then the payload apart."""
    msg = assessment_message(build_view(assess(Signals(channels=frozenset({"voice"}))), "we take calls"))
    return [{"recipient_id": "me", "text": msg["text"], "buttons": msg["buttons"]},
            {"recipient_id": "me", "custom": msg["custom"]}]


def test_text_then_numbered_answers_and_no_payload():
    out = io.StringIO()
    offered = show(rest_replies(), out)
    printed = out.getvalue()
    assert printed.index("Recommendation: call center") < printed.index("Answers (type the number")
    assert "  1. Phone only\n  2. Phone plus digital channels\n  3. Digital only\n" in printed
    assert '"type"' not in printed and "payload" not in printed
    assert [o["title"] for o in offered] == ["Phone only", "Phone plus digital channels", "Digital only"]


def test_debug_adds_the_payload():
    out = io.StringIO()
    show(rest_replies(), out, debug=True)
    assert '[debug] payload:\n{\n  "type": "assessment"' in out.getvalue()


def test_a_number_picks_an_offered_answer_and_anything_else_is_text():
    offered = [{"title": "Inbound", "payload": "/a"}, {"title": "Outbound", "payload": "/b"}]
    assert chosen("2", offered) == offered[1]
    assert chosen("3", offered) is None and chosen("0", offered) is None
    assert chosen("about 2000 calls", offered) is None and chosen("1", []) is None
