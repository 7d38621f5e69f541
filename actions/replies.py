"""Sending replies through Rasa's dispatcher; the messages themselves come from bot.replies."""

from __future__ import annotations

from typing import Any, Dict, Optional

from rasa_sdk.executor import CollectingDispatcher

from bot.assessment import Assessment
from bot.replies import assessment_message, brief_reply


def _send(dispatcher: CollectingDispatcher, message: Dict[str, Any]) -> None:
    dispatcher.utter_message(text=message["text"], buttons=message.get("buttons") or [],
                             json_message=message.get("custom"))


def send_assessment(dispatcher: CollectingDispatcher, assessment: Assessment, text: str,
                    note: Optional[str] = None) -> None:
    _send(dispatcher, assessment_message(assessment, text, note))


def send_brief(dispatcher: CollectingDispatcher, assessment: Assessment) -> None:
    _send(dispatcher, brief_reply(assessment))
