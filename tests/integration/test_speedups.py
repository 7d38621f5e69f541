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

    from channels import speedups

    def verdict(fn):
        try:
            return fn(RemoteAction.__new__(RemoteAction), response)
        except ValidationError:
            return False

    original = RemoteAction._validate_action_result
    assert verdict(original) is valid
    assert verdict(speedups._validate_action_result) is valid
