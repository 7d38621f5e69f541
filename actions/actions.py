"""The custom actions named in domain.yml. Each reads the tracker, calls ``bot``, replies."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import send_assessment, send_brief
from bot.config.settings import session_idle_minutes
from bot.dialogue.conversation import State, answers_pending, current, is_known_option, new_session, take_turn
from bot.domain.definitions import RESTARTED, STEER_BACK, define
from bot.language.mentions import RESOLVER_NAME
from bot.views.view import build_view, turn_view

#: Read once at start, so a bad value stops the action server instead of every turn.
IDLE_MINUTES = session_idle_minutes()

UNKNOWN_OPTION = ("I couldn't read that answer: it isn't one of the buttons I offered. "
                  "Pick a button, or just type your answer.")


def _state(tracker: Tracker) -> State:
    return State.from_slots(tracker.get_slot("scope_signals"), tracker.get_slot("pending_question"),
                            tracker.get_slot("answered_questions"))


def _resolved(tracker: Tracker) -> List[Dict[str, Any]]:
    return [e for e in tracker.latest_message.get("entities", []) if e.get("extractor") == RESOLVER_NAME]


def _message_number(tracker: Tracker) -> int:
    """The latest user message's number in the conversation, from 0: the ``message`` of its
    evidence. Counted from the events rather than kept in a slot, so messages that other
    actions answer (a greeting, a definition) are counted too; "start over" (Rasa's
    ``restart`` event) begins a new conversation, and numbering starts again."""
    count = 0
    for event in tracker.events:
        kind = event.get("event")
        if kind == "restart":
            count = 0
        elif kind == "user":
            count += 1
    return max(0, count - 1)


def _idle_break(tracker: Tracker) -> bool:
    """Did the latest message come after an idle break since the last assessment turn?

    The last assessment turn is the last ``scope_signals`` slot event (since the last
    restart); the break is the silence between that turn's last event and the user's next
    message, so a greeting after the break does not hide it from the description after it.
    """
    last_turn: Optional[int] = None
    for i, event in enumerate(tracker.events):
        if event.get("event") == "restart":
            last_turn = None
        elif event.get("event") == "slot" and event.get("name") == "scope_signals":
            last_turn = i
    if last_turn is None:
        return False
    later = tracker.events[last_turn:]
    first_user = next((i for i, e in enumerate(later) if e.get("event") == "user"), None)
    if first_user is None or first_user == 0:
        return False
    return new_session(later[first_user - 1].get("timestamp"), later[first_user].get("timestamp"), IDLE_MINUTES)


def _slot_events(state: State) -> List[Dict[str, Any]]:
    return [SlotSet(name, value) for name, value in state.slots().items()]


class ActionAssess(Action):
    """Fold the message into the scope and reply with the updated assessment."""

    def name(self) -> str:
        return "action_assess"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        message = tracker.latest_message
        option = next((e.get("value") for e in message.get("entities", []) if e.get("entity") == "option"), None)
        if option is not None and not is_known_option(option):
            # Only the bot's own buttons send options, always "<question>:<n>" of a real
            # question; anything else was typed by hand (`/inform{"option": 5}`): say so
            # and keep every slot as it was.
            dispatcher.utter_message(text=UNKNOWN_OPTION)
            return []
        intent = (message.get("intent") or {}).get("name")
        text = message.get("text") or ""
        turn = take_turn(_state(tracker), intent, _resolved(tracker), text, option=option,
                         message=_message_number(tracker), resumed=_idle_break(tracker))
        send_assessment(dispatcher, turn_view(turn, text))
        return _slot_events(turn.state)


class ActionScopeBrief(Action):
    def name(self) -> str:
        return "action_scope_brief"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        send_brief(dispatcher, build_view(current(_state(tracker))))
        return []


class ActionDefineModel(Action):
    def name(self) -> str:
        return "action_define_model"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        found = _resolved(tracker)
        models = [e["value"] for e in found if e["entity"] == "model"]
        integration = any(e["entity"] == "integration" for e in found)
        dispatcher.utter_message(text=define(models, integration_asked=integration))
        return []


class ActionFallbackOrAssess(Action):
    """Low NLU confidence: if the message still carried signals, or answers the question
    asked last, use it; else steer back."""

    def name(self) -> str:
        return "action_fallback_or_assess"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        if _resolved(tracker) or answers_pending(_state(tracker), None, text):
            return ActionAssess().run(dispatcher, tracker, domain)
        dispatcher.utter_message(text=STEER_BACK)
        return []


class ActionRestart(Action):
    """The `restart` intent: forget the whole conversation (Rasa's reset) and say so."""

    def name(self) -> str:
        return "action_restart"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        dispatcher.utter_message(text=RESTARTED)
        return [Restarted()]
