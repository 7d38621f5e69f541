"""The bot's reply messages as plain data, shared by the Rasa actions and the channel tests.

An assessment reply is one message: the text every client can show, buttons for the
first follow-up question, and a `custom` payload (`{"type": "assessment", ...}` with
exactly the fields of `scopebot classify`) that the Slack and web clients render from.
"""

from __future__ import annotations

from typing import Any, Optional

from bot.assessment import Assessment
from bot.brief import render_brief
from bot.conversation import option_payload
from bot.render import render_text


def assessment_message(assessment: Assessment, user_text: str, note: Optional[str] = None) -> dict[str, Any]:
    body = render_text(assessment)
    if note:
        body = f"{note}\n\n{body}"
    buttons = []
    if assessment.questions:
        first = assessment.questions[0]
        buttons = [{"title": o.title, "payload": option_payload(first, i)} for i, o in enumerate(first.options)]
    return {"text": body, "buttons": buttons,
            "custom": {"type": "assessment", **assessment.to_record(user_text)}}


NOTHING_TO_BRIEF = (
    "There's nothing to write up yet. Describe your support operation first: how customers "
    "reach you, the work involved and what you want to improve. The brief builds on that."
)


def brief_message(assessment: Assessment) -> dict[str, Any]:
    markdown = render_brief(assessment)
    return {"text": markdown, "custom": {"type": "brief", "markdown": markdown}}


def brief_reply(assessment: Assessment) -> dict[str, Any]:
    """The brief, or a prompt to describe the operation when nothing is known yet.

    A brief of an empty scope is a page of open questions that the chat already asks one at
    a time; a request for it (or a stray message read as one) gets told what is missing.
    """
    if assessment.signals.is_empty:
        return {"text": NOTHING_TO_BRIEF}
    return brief_message(assessment)
