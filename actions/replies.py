"""How an assessment or a brief is sent: text for every client, a custom payload for UIs."""

from __future__ import annotations

from typing import Any, Optional

from rasa_sdk.executor import CollectingDispatcher

from bot.assessment import Assessment
from bot.brief import render_brief
from bot.conversation import option_payload
from bot.render import render_text


def assessment_payload(assessment: Assessment, text: str) -> dict[str, Any]:
    """`{"type": "assessment", ...}` with exactly the fields of `scopebot classify`."""
    return {"type": "assessment", **assessment.to_record(text)}


def send_assessment(dispatcher: CollectingDispatcher, assessment: Assessment, text: str,
                    note: Optional[str] = None) -> None:
    body = render_text(assessment)
    if note:
        body = f"{note}\n\n{body}"
    buttons = []
    if assessment.questions:
        first = assessment.questions[0]
        buttons = [{"title": o.title, "payload": option_payload(first, i)}
                   for i, o in enumerate(first.options)]
    dispatcher.utter_message(text=body, buttons=buttons,
                             json_message=assessment_payload(assessment, text))


def send_brief(dispatcher: CollectingDispatcher, assessment: Assessment) -> None:
    markdown = render_brief(assessment)
    dispatcher.utter_message(text=markdown, json_message={"type": "brief", "markdown": markdown})
