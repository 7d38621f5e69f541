"""The cached action-response validator accepts and refuses exactly what Rasa's own does."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("response, valid", [
    ({"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "hi"}]}, True),
    ({"events": [], "responses": []}, True),
    ({"events": [{"event": "slot", "name": "x", "value": 1, "timestamp": None}], "responses": [{"text": "hi"}]}, True),
    ({"events": "not a list", "responses": []}, False),
    ({"events": [{"no_event_key": 1}], "responses": []}, False),
])
def test_same_verdict_as_rasa(response, valid):
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction

    from bot.rasa_ext import speedups

    def verdict(fn):
        try:
            return fn(RemoteAction.__new__(RemoteAction), response)
        except ValidationError:
            return False

    original = speedups.PATCH.original(RemoteAction, "_validate_action_result")  # Rasa's, patched or not
    assert verdict(original) is valid
    assert verdict(speedups._validate_action_result) is valid


def test_event_lookup_table_resolves_every_name_like_rasa():
    from rasa.shared.core.events import Event, UserUttered
    from rasa.shared.utils.common import all_subclasses

    from bot.rasa_ext import speedups

    original = speedups.PATCH.original(Event, "resolve_by_type")
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert len(names) > 20
    for name in names:
        assert speedups.resolve_event_type(name) is original(name)
    assert speedups.resolve_event_type("topic") is None
    assert speedups.resolve_event_type("no_such_event", UserUttered) is UserUttered
    with pytest.raises(ValueError):
        speedups.resolve_event_type("no_such_event")


def test_installed_lookup_round_trips_a_conversation():
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

    from bot.rasa_ext import speedups

    events = [UserUttered("hi", {"name": "greet", "confidence": 1.0}), SlotSet("channels", ["voice"]),
              ActionExecuted("action_listen")]
    with speedups.PATCH.applied() as applied:  # undone after, so the rest of the session runs Rasa's own
        assert applied and Event.resolve_by_type is speedups.resolve_event_type
        assert [Event.from_parameters(e.as_dict()) for e in events] == events
    assert Event.resolve_by_type is not speedups.resolve_event_type
