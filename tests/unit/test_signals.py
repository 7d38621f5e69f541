"""Signals from entities, and folding messages together across turns."""

from __future__ import annotations

from bot.signals import Signals, Volume


def ent(entity, value, role=None, **extra):
    e = {"entity": entity, "value": value, **extra}
    if role:
        e["role"] = role
    return e


def test_from_entities_sorts_roles_into_buckets():
    s = Signals.from_entities([
        ent("channel", "voice", exclusive=True), ent("channel", "email", "excluded"),
        ent("channel", "messaging", "planned"), ent("process", "payroll_hr"),
        ent("process", "collections", "excluded"), ent("goal", "csat"), ent("model", "CALL_CENTER"),
        ent("sourcing", "outsourced"), ent("volume", "5000", amount=5000.0, unit="calls", period="month"),
    ])
    assert s.channels == {"voice"} and s.excluded_channels == {"email"} and s.planned_channels == {"messaging"}
    assert s.processes == {"payroll_hr"} and s.excluded_processes == {"collections"}
    assert s.voice_exclusive and s.label_requested == "CALL_CENTER" and s.sourcing == "outsourced"
    assert s.volume == Volume(5000.0, "calls", "month") and s.volume.per_month == 5000.0


def test_unknown_types_and_values_are_ignored():
    s = Signals.from_entities([ent("channel", "pigeon"), ent("colour", "red"), ent("goal", "csat")])
    assert s.channels == frozenset() and s.goals == {"csat"}


def test_negation_beats_mention_in_one_message():
    s = Signals.from_entities([ent("channel", "voice"), ent("channel", "voice", "excluded")])
    assert s.channels == frozenset() and s.excluded_channels == {"voice"}


def test_merge_accumulates_and_corrections_remove():
    first = Signals.from_entities([ent("channel", "voice"), ent("channel", "chat"), ent("goal", "csat")])
    second = Signals.from_entities([ent("channel", "email"), ent("sourcing", "in_house")])
    merged = first.merge(second)
    assert merged.channels == {"voice", "chat", "email"} and merged.sourcing == "in_house"
    dropped = merged.merge(Signals.from_entities([ent("channel", "voice", "excluded")]))
    assert dropped.channels == {"chat", "email"} and dropped.excluded_channels == {"voice"}
    back = dropped.merge(Signals.from_entities([ent("channel", "voice")]))
    assert "voice" in back.channels and "voice" not in back.excluded_channels
    assert back.goals == {"csat"}


def test_planned_then_current():
    s = Signals.from_entities([ent("channel", "messaging", "planned")])
    s = s.merge(Signals.from_entities([ent("channel", "messaging")]))
    assert s.channels == {"messaging"} and not s.planned_channels


def test_exclusive_voice_is_dropped_when_other_channels_arrive():
    s = Signals.from_entities([ent("channel", "voice", exclusive=True)])
    assert s.merge(Signals.from_entities([ent("channel", "chat")])).voice_exclusive is False


def test_dict_round_trip():
    s = Signals.from_entities([ent("channel", "voice"), ent("process", "complaints", program=True),
                               ent("volume", "10k", amount=10000.0, unit="tickets", period="week")])
    assert Signals.from_dict(s.to_dict()) == s
    assert Signals.from_dict(None) == Signals()
