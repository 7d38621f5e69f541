"""A failed custom action is noted for its turn (and Rasa still handles it as before); a rejection is not a failure."""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Iterator

import pytest

from bot.rasa_ext import action_faults
from tests.ports import free_port


class _Rejects(BaseHTTPRequestHandler):
    """An action server that declines every action (HTTP 400, as the Rasa SDK does for a rejection)."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"action_name": "action_assess", "error": "not now"}).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def rejecting_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Rejects)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/webhook"
    server.shutdown()


@pytest.fixture()
def patched() -> Iterator[None]:
    assert action_faults.install() is True
    yield
    action_faults.uninstall()


def _run_remote_action(url: str) -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    action = RemoteAction("action_assess", EndpointConfig(url))
    asyncio.run(action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}),
                           DialogueStateTracker("t", []), Domain.empty()))


def test_an_unreachable_action_server_is_noted_and_the_error_still_reaches_rasa(patched):
    action_faults.watch()
    from rasa.shared.exceptions import RasaException

    with pytest.raises(RasaException):  # Rasa's processor catches this and goes on, as before the patch
        _run_remote_action(f"http://127.0.0.1:{free_port()}/webhook")
    assert action_faults.failed_actions() == ["action_assess"]
    assert action_faults.action_failed([]) is True
    assert action_faults.action_failed([{"text": "something Rasa said anyway"}]) is True


def test_a_rejected_action_is_not_a_failure(patched, rejecting_server):
    from rasa.core.actions.action import ActionExecutionRejection

    action_faults.watch()
    with pytest.raises(ActionExecutionRejection):
        _run_remote_action(rejecting_server)
    assert action_faults.failed_actions() == []
    assert action_faults.action_failed([]) is False, "an empty reply is not a failure once failures are noted"


def test_failures_are_noted_only_for_a_watched_turn(patched):
    action_faults.watch()
    assert action_faults.failed_actions() == []

    from rasa.shared.exceptions import RasaException

    def other_turn() -> list:
        with pytest.raises(RasaException):
            _run_remote_action(f"http://127.0.0.1:{free_port()}/webhook")
        return action_faults.failed_actions()

    import contextvars

    fresh = contextvars.Context()  # a turn that never called watch()
    assert fresh.run(other_turn) == []
    assert action_faults.failed_actions() == [], "another turn's failure is not this turn's"


def test_without_the_patch_an_empty_reply_is_read_as_a_failure():
    assert not action_faults.PATCH.installed
    assert action_faults.action_failed([]) is True
    assert action_faults.action_failed([{"text": "hi"}]) is False
