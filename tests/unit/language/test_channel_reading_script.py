"""scripts/channel_reading.py: per-channel counts, one-channel oracles and combiners change only that channel."""

from __future__ import annotations

import importlib.util

import pytest

from bot.config.paths import PROJECT_ROOT
from bot.domain.signals import Signals

_spec = importlib.util.spec_from_file_location("channel_reading", PROJECT_ROOT / "scripts" / "channel_reading.py")
channel_reading = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(channel_reading)


def test_confusion_counts_one_channel():
    found = [frozenset({"voice"}), frozenset({"voice", "email"}), frozenset()]
    gold = [frozenset({"voice"}), frozenset({"email"}), frozenset({"voice"})]
    assert channel_reading.confusion(found, gold, "voice") == (1, 1, 1)
    assert channel_reading.confusion(found, gold, "email") == (1, 0, 0)


def test_with_channel_sets_or_removes_only_that_channel():
    s = Signals(channels=frozenset({"voice", "chat"}), processes=frozenset({"billing_support"}))
    assert channel_reading.with_channel(s, "voice", False).channels == {"chat"}
    assert channel_reading.with_channel(s, "email", True).channels == {"voice", "chat", "email"}
    assert channel_reading.with_channel(s, "email", True).processes == s.processes


def test_scored_is_what_make_eval_scores_including_a_label_implied_voice():
    label_only = Signals(label_requested="CALL_CENTER")
    assert channel_reading.scored(label_only) == {"voice"}
    assert channel_reading.scored(Signals(channels=frozenset({"chat"}))) == {"chat"}


@pytest.mark.parametrize("how,engine,peer,expected", [
    ("engine", True, False, True), ("keywords", True, False, False),
    ("either", False, True, True), ("both", True, False, False), ("both", True, True, True),
])
def test_combiners(how, engine, peer, expected):
    s = Signals(channels=frozenset({"voice"} if engine else ()) | {"chat"})
    out = channel_reading.combined(s, frozenset({"voice"} if peer else ()), {"voice": how})
    assert ("voice" in out.channels) is expected and "chat" in out.channels
