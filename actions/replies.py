"""Sending replies through Rasa's dispatcher; the messages themselves come from bot.views.replies."""

from __future__ import annotations

from typing import Any, Dict

from rasa_sdk.executor import CollectingDispatcher

from bot.views.replies import assessment_message, brief_reply
from bot.views.view import AssessmentView


def _send(dispatcher: CollectingDispatcher, message: Dict[str, Any]) -> None:
    dispatcher.utter_message(text=message["text"], buttons=message.get("buttons") or [],
                             json_message=message.get("custom"))


def send_assessment(dispatcher: CollectingDispatcher, view: AssessmentView) -> None:
    _send(dispatcher, assessment_message(view))


def send_brief(dispatcher: CollectingDispatcher, view: AssessmentView) -> None:
    _send(dispatcher, brief_reply(view))
