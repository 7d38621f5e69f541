"""Patches of Rasa's internals are applied on Rasa 3.6.x only, and put back exactly what they replaced."""

from __future__ import annotations

import logging

import pytest

from bot.rasa_ext import action_faults, guard, offload, speedups, storage_faults
from bot.rasa_ext.guard import Patch


@pytest.mark.parametrize("version, ok", [("3.6.21", True), ("3.6.0", True), ("3.6", True), ("3.7.0", False),
                                         ("3.5.17", False), ("4.0.0", False), ("3.60.1", False), ("13.6.1", False)])
def test_version_check_takes_the_release_line_only(version, ok):
    assert guard.supported(version, "3.6") is ok


def test_the_installed_rasa_is_the_line_the_patches_were_written_for():
    import rasa

    assert guard.rasa_version() == rasa.__version__
    assert guard.supported(rasa.__version__)  # else every patch is left out (and says so)


def _speedup_slots():
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    return RemoteAction.__dict__["_validate_action_result"], Event.__dict__["resolve_by_type"]


def test_speedups_install_and_uninstall_put_back_rasas_own_methods():
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    before = _speedup_slots()
    assert not speedups.PATCH.installed
    assert speedups.install() is True
    try:
        assert RemoteAction._validate_action_result is speedups._validate_action_result
        assert Event.resolve_by_type is speedups.resolve_event_type
        assert speedups.PATCH.original(Event, "resolve_by_type") is before[1].__func__
        assert speedups.install() is True  # a second install changes nothing
        assert RemoteAction._validate_action_result is speedups._validate_action_result
    finally:
        speedups.uninstall()
    after = _speedup_slots()
    assert after[0] is before[0] and after[1] is before[1]  # the very objects Rasa's classes held
    assert not speedups.PATCH.installed


def test_on_another_rasa_release_nothing_is_patched_and_a_warning_says_so(caplog):
    before = _speedup_slots()
    with caplog.at_level(logging.WARNING, logger="bot.rasa_ext.guard"):
        assert speedups.PATCH.install(version="3.7.2") is False
    assert _speedup_slots() == before and not speedups.PATCH.installed
    warning = caplog.records[-1]
    assert warning.levelno == logging.WARNING
    assert "speed-ups" in warning.getMessage() and "3.6.x" in warning.getMessage()
    assert "3.7.2" in warning.getMessage()


def test_applied_undoes_only_what_it_did():
    before = _speedup_slots()
    with speedups.PATCH.applied() as applied:
        assert applied and _speedup_slots() != before
    assert _speedup_slots() == before
    speedups.install()
    try:
        with speedups.PATCH.applied():
            pass
        assert speedups.PATCH.installed  # it was on before the block, so it stays on
    finally:
        speedups.uninstall()
    with speedups.PATCH.applied(version="2.8.0") as applied:
        assert applied is False and _speedup_slots() == before


@pytest.mark.parametrize("module, owner_path, attribute", [
    (offload, "rasa.core.processor.MessageProcessor", "parse_message"),
    (storage_faults, "rasa.core.agent.Agent", "_create_tracker_store"),
    (action_faults, "rasa.core.actions.action.RemoteAction", "run"),
])
def test_other_patches_install_and_uninstall_too(module, owner_path, attribute):
    import importlib

    where, _, name = owner_path.rpartition(".")
    owner = getattr(importlib.import_module(where), name)
    before = owner.__dict__[attribute]
    assert module.install() is True
    try:
        assert owner.__dict__[attribute] is not before
    finally:
        module.uninstall()
    assert owner.__dict__[attribute] is before


def test_an_inherited_attribute_is_removed_again_not_copied_down():
    class Base:
        def hello(self) -> str:
            return "base"

    class Child(Base):
        pass

    patch = Patch("test", lambda: [(Child, "hello", lambda self: "patched")])
    with patch.applied(version="3.6.1"):
        assert Child().hello() == "patched"
        assert patch.original(Child, "hello")(Child()) == "base"
    assert "hello" not in Child.__dict__ and Child().hello() == "base"


def test_one_version_check_for_the_patches_and_the_nlu_components_copies(monkeypatch, caplog):
    """bot.nlu.batched_diet copies Rasa 3.6 internals: on another release it is Rasa's own DIET."""
    from rasa.nlu.classifiers.diet_classifier import DIET, DIETClassifier

    from bot.config import rasa_release
    from bot.nlu import batched_diet

    assert guard.supported is rasa_release.supported and guard.WRITTEN_FOR == rasa_release.WRITTEN_FOR
    batched_diet.copies_apply.cache_clear()
    try:
        assert batched_diet.copies_apply() is True
        assert batched_diet.BatchedDIETClassifier.model_class() is batched_diet.PredictionBuiltDIET
        batched_diet.copies_apply.cache_clear()
        monkeypatch.setattr(batched_diet, "rasa_version", lambda: "3.7.1")
        with caplog.at_level(logging.WARNING, logger="bot.nlu.batched_diet"):
            assert batched_diet.copies_apply() is False
            batched_diet.copies_apply()  # said once, not per message
        assert caplog.text.count("Rasa 3.7.1 is installed") == 1
        assert batched_diet.BatchedDIETClassifier.model_class() is DIET
        # and process() is then DIETClassifier's own, whatever the batch size
        calls = []
        monkeypatch.setattr(DIETClassifier, "process", lambda self, messages: calls.append(len(messages)) or messages)
        stand_in = batched_diet.BatchedDIETClassifier.__new__(batched_diet.BatchedDIETClassifier)
        assert stand_in.process(["a", "b", "c"]) == ["a", "b", "c"] and calls == [3]
    finally:
        batched_diet.copies_apply.cache_clear()
