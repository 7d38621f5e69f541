"""Knowing that a turn's custom action failed, instead of guessing it from an empty reply.

When the action server cannot be reached (or answers with an error), Rasa's
``MessageProcessor._run_action`` logs the exception and goes on as if the action had
returned nothing, so the channel gets a turn with no reply and no sign of what happened.
The channels used to read "no reply at all" as "the action server is down"; that confuses a
failure with a turn that legitimately says nothing, and misses a failure after which Rasa
still uttered something.

Here ``RemoteAction.run`` is wrapped (Rasa 3.6 only, undoable, :mod:`bot.rasa_ext.guard`):
a failure is noted for the turn being handled and then re-raised, so Rasa does exactly what
it did before. A channel calls :func:`watch` before it hands a message to Rasa and
:func:`action_failed` afterwards. Where the patch is not in place (another Rasa release),
:func:`action_failed` falls back to the old reading of an empty reply.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, List, Optional, Sequence

from bot.rasa_ext.guard import Patch, Target

__all__ = ["action_failed", "install", "uninstall", "watch"]

#: Names of the custom actions that failed in the turn being handled (None: not watching).
_failed: ContextVar[Optional[List[str]]] = ContextVar("scopebot_failed_actions", default=None)


def watch() -> None:
    """Start noting failed custom actions for the turn about to be handed to Rasa."""
    _failed.set([])


def failed_actions() -> List[str]:
    """The custom actions that failed since :func:`watch` (empty when none, or not watching)."""
    return list(_failed.get() or ())


def action_failed(replies: Sequence[Any]) -> bool:
    """Did a custom action of this turn fail? ``replies`` (what Rasa collected) is read only when
    the patch is not in place, as the old sign of it: no reply at all."""
    if PATCH.installed:
        return bool(_failed.get())
    return not replies


async def _run(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction

    try:
        return await PATCH.original(RemoteAction, "run")(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise  # the action declined to run (a form's validation): an answer, not a failure
    except Exception:
        failed = _failed.get()
        if failed is not None:
            failed.append(self.name())
        raise


def _targets() -> List[Target]:
    from rasa.core.actions.action import RemoteAction

    return [(RemoteAction, "run", _run)]


PATCH = Patch("failed custom actions noted per turn (RemoteAction.run)", _targets)


def install() -> bool:
    """Note every failed custom action of this process's turns (Rasa 3.6.x only)."""
    return PATCH.install()


def uninstall() -> None:
    PATCH.uninstall()
