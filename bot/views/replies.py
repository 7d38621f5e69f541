"""The bot's reply messages as plain data, shared by the Rasa actions and the channel tests.

An assessment reply is one message built from one :class:`bot.views.view.AssessmentView`: the
plain text every client can show (:func:`bot.views.render.render_text`), the answers to the next
question as buttons, and the view itself as the `custom` payload (`{"type": "assessment",
...}`), from which the Slack and web clients draw their own layouts.
"""

from __future__ import annotations

from typing import Any

from bot.views.brief import render_brief
from bot.views.render import render_text
from bot.views.view import AssessmentView


def assessment_message(view: AssessmentView) -> dict[str, Any]:
    return {"text": render_text(view), "buttons": [a.to_dict() for a in view.answers],
            "custom": view.to_payload()}


NOTHING_TO_BRIEF = (
    "There's nothing to write up yet. Describe your support operation first: how customers "
    "reach you, the work involved and what you want to improve. The brief builds on that."
)


def brief_message(view: AssessmentView) -> dict[str, Any]:
    """The brief as Markdown text, with the view it came from, so that a client with a layout
    of its own (Slack's blocks) renders the brief from the view instead of parsing Markdown."""
    markdown = render_brief(view)
    return {"text": markdown, "custom": {"type": "brief", "markdown": markdown, "view": view.to_payload()}}


def brief_reply(view: AssessmentView) -> dict[str, Any]:
    """The brief, or a prompt to describe the operation when nothing is known yet.

    A brief of an empty scope is a page of open questions that the chat already asks one at
    a time; a request for it (or a stray message read as one) gets told what is missing.
    """
    if view.is_empty:
        return {"text": NOTHING_TO_BRIEF}
    return brief_message(view)
