"""scripts/signal_oracle.py: each oracle replaces exactly the families it names, with the gold values."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

import pytest

from bot.config.paths import PROJECT_ROOT
from bot.domain.assessment import assess
from bot.domain.signals import Signals

_spec = importlib.util.spec_from_file_location("signal_oracle", PROJECT_ROOT / "scripts" / "signal_oracle.py")
signal_oracle = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(signal_oracle)

EXTRACTED = Signals(channels=frozenset({"voice"}), implied_channels=frozenset({"voice"}),
                    processes=frozenset({"billing_support"}), goals=frozenset({"analytics"}), sourcing="outsourced")
GOLD = {"channels": ["voice", "email"], "processes": ["finance_accounting"], "goals": [],
        "sourcing": "in_house", "complaints_program": False}


@dataclass
class Item:
    label: str
    source_kind: str
    borderline: bool = False


def test_no_family_leaves_the_signals_as_extracted():
    assert signal_oracle.with_gold(EXTRACTED, GOLD, ()) == EXTRACTED


def test_each_family_replaces_only_its_own_fields():
    channels = signal_oracle.with_gold(EXTRACTED, GOLD, ("channels",))
    assert channels.channels == {"voice", "email"} and channels.implied_channels == frozenset()
    assert channels.processes == EXTRACTED.processes and channels.sourcing == "outsourced"
    processes = signal_oracle.with_gold(EXTRACTED, GOLD, ("processes",))
    assert processes.processes == {"finance_accounting"} and processes.channels == EXTRACTED.channels
    sourcing = signal_oracle.with_gold(EXTRACTED, GOLD, ("sourcing",))
    assert sourcing.sourcing == "in_house" and sourcing.goals == EXTRACTED.goals
    goals = signal_oracle.with_gold(EXTRACTED, GOLD, ("goals",))
    assert goals.goals == frozenset() and goals.complaints_program is False


def test_the_oracles_change_the_answer_as_the_rulebook_says():
    """Outsourced analytics over voice is CX BPO; gold back-office work makes it BPO, unless gold says in-house."""
    assert assess(EXTRACTED).recommendation == "CX_BPO"
    assert assess(signal_oracle.with_gold(EXTRACTED, GOLD, ("processes",))).recommendation == "BPO"
    every = signal_oracle.with_gold(EXTRACTED, GOLD, signal_oracle.FAMILIES)
    assert assess(every).recommendation == "CONTACT_CENTER"  # in-house: never BPO; email makes it a contact center


def test_an_unknown_family_is_refused():
    with pytest.raises(ValueError, match="unknown signal family"):
        signal_oracle.with_gold(EXTRACTED, GOLD, ("channel",))


def test_the_in_house_detector_never_overrides_stated_outsourcing():
    unknown = Signals(channels=frozenset({"voice"}))
    assert signal_oracle.in_house_where(unknown, 0.8, 0.5).sourcing == "in_house"
    assert signal_oracle.in_house_where(unknown, 0.4, 0.5).sourcing is None
    assert signal_oracle.in_house_where(EXTRACTED, 0.99, 0.5).sourcing == "outsourced"


def test_accuracy_by_group_counts_each_group_apart():
    items = [Item("BPO", "press"), Item("BPO", "press", True), Item("CALL_CENTER", "rfp")]
    answers = ["BPO", "UNDETERMINED", "CALL_CENTER"]
    assert signal_oracle.grouped(items, answers, lambda it: it.source_kind) == {"press": (2, 0.5), "rfp": (1, 1.0)}
    assert signal_oracle.accuracy([]) == 0.0
