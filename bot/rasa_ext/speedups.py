"""Targeted fixes for measured hot spots in Rasa 3.6's server, applied by ``bot.runtime.rasa_server``.

Both replace private methods, so they are one :class:`~bot.rasa_ext.guard.Patch`: applied only
on Rasa 3.6.x (elsewhere Rasa's own code runs and a warning says so), and undone by
:func:`uninstall` or around a ``with PATCH.applied():`` block.

Profiling the server under load (py-spy, see docs/performance.md) showed about half of
each turn spent in ``RemoteAction._validate_action_result``: it calls
``jsonschema.validate``, which re-checks the *schema itself* against its meta-schema
(draft 2020-12, slow in jsonschema 4.17) on every action call. The response is still
validated here, against the same schema, with a validator built once.

A second, smaller one: every turn the tracker store turns the conversation's stored events
back into objects, and for each one ``Event.resolve_by_type`` walks the whole tree of
event classes (about 60 of them) to find the class with that name. The lookup here keeps a
name -> class table, rebuilt when a name is missing (an event class imported later).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional, Type

from bot.rasa_ext.guard import Patch, Target


@lru_cache(maxsize=1)
def _action_response_validator():
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, not per call
    return cls(schema)


def _validate_action_result(self, result: Dict[str, Any]) -> bool:
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(_action_response_validator().iter_errors(result))
    if error is None:
        return True
    if isinstance(error, ValidationError):
        error.message += (". Failed to validate Action server response from API, make sure your response from "
                          f"the Action endpoint is valid. For more information about the format visit "
                          f"{DOCS_BASE_URL}/custom-actions")
    raise error


_event_classes: Dict[str, Any] = {}


def _event_table() -> Dict[str, Any]:
    """Rasa's own search order: the first class in ``all_subclasses(Event)`` wins."""
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    table: Dict[str, Any] = {}
    for cls in all_subclasses(Event):
        table.setdefault(cls.type_name, cls)
    return table


def resolve_event_type(type_name: str, default: Optional[Type[Any]] = None) -> Optional[Type[Any]]:
    """``Event.resolve_by_type`` with a table instead of a tree walk per event."""
    cls = _event_classes.get(type_name)
    if cls is None:
        _event_classes.clear()
        _event_classes.update(_event_table())
        cls = _event_classes.get(type_name)
    if cls is not None:
        return cls
    from rasa.shared.core.events import Event

    return PATCH.original(Event, "resolve_by_type")(type_name, default)  # "topic", the default, or Rasa's error


def _targets() -> List[Target]:
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    return [(RemoteAction, "_validate_action_result", _validate_action_result),
            (Event, "resolve_by_type", staticmethod(resolve_event_type))]


PATCH = Patch("speed-ups (action-response validation, event type lookup)", _targets)


def install() -> bool:
    """Apply both speed-ups (on Rasa 3.6.x only); True when they are in place."""
    return PATCH.install()


def uninstall() -> None:
    """Give Rasa back its own ``_validate_action_result`` and ``resolve_by_type``."""
    PATCH.uninstall()
