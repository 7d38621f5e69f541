"""Targeted fixes for measured hot spots in Rasa 3.6's server, applied by ``channels.rasa_server``.

Profiling the server under load (py-spy, see docs/performance.md) showed about half of
each turn spent in ``RemoteAction._validate_action_result``: it calls
``jsonschema.validate``, which re-checks the *schema itself* against its meta-schema
(draft 2020-12, slow in jsonschema 4.17) on every action call. The response is still
validated here, against the same schema, with a validator built once.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict


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


def install() -> None:
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result
