"""Shared fixtures: one trained model per test session (cached across runs by fingerprint)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model for the current sources; trains it (once) when it does not exist yet.

    Generated training data is checked, not rewritten: a stale lookup file stops the run
    with a message, instead of being fixed behind the consistency test's back."""
    from bot.runtime.cli import ensure_model

    return ensure_model(quiet=True)


@pytest.fixture(scope="session")
def parser(trained_model):
    from bot.rasa_ext.parser import ScopeParser

    return ScopeParser(trained_model)


@pytest.fixture(scope="session")
def shared_bot(trained_model, tmp_path_factory):
    """One running bot (supervisor, action server, Rasa server) for every test module that
    only talks to it; modules that restart or kill the bot start their own."""
    from tests.integration.servers import start_bot

    work = tmp_path_factory.mktemp("shared-bot")
    running = start_bot(work / "trackers.db", work / "bot.log", trained_model)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def fake():
    """The local fake Slack Web API, one per test module (each module's bot posts to its own)."""
    from tests.integration.fake_slack import FakeSlack

    server = FakeSlack().start()
    yield server
    server.stop()
