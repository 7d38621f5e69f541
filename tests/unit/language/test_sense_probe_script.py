"""scripts/sense_probe.py: a re-read text is fixed, broken or moved against the gold and the saved answer."""

from __future__ import annotations

import importlib.util
import sys

from bot.config.paths import PROJECT_ROOT

_spec = importlib.util.spec_from_file_location("sense_probe", PROJECT_ROOT / "scripts" / "sense_probe.py")
sense_probe = importlib.util.module_from_spec(_spec)
sys.modules["sense_probe"] = sense_probe  # its dataclass looks its module up by name
_spec.loader.exec_module(sense_probe)


def _rec(label: str, channels: list[str]) -> dict:
    return {"recommendation": label, "channels": channels}


def test_labels_are_sorted_by_what_changed():
    gold = {"a": {"label": "CALL_CENTER", "channels": ["voice"]}, "b": {"label": "BPO", "channels": []},
            "c": {"label": "UNDETERMINED", "channels": []}, "d": {"label": "BPO", "channels": []}}
    before = {"a": _rec("CONTACT_CENTER", ["chat", "voice"]), "b": _rec("BPO", []),
              "c": _rec("CALL_CENTER", ["voice"]), "d": _rec("BPO", [])}
    after = [("a", _rec("CALL_CENTER", ["voice"])), ("b", _rec("UNDETERMINED", [])),
             ("c", _rec("CONTACT_CENTER", ["email"])), ("d", _rec("BPO", []))]
    tally = sense_probe.compare(gold, before, after)
    assert (tally.fixed, tally.broken, tally.moved) == (["a"], ["b"], ["c"])
    assert (tally.channels_fixed, tally.channels_broken) == (["a"], [])
    assert tally.line() == ("labels: fixed 1, broken 1, moved 1; exact channel sets: fixed 1, broken 0")


def test_channel_sets_compare_as_sets():
    gold = {"a": {"label": "CONTACT_CENTER", "channels": ["voice", "email"]}}
    tally = sense_probe.compare(gold, {"a": _rec("CONTACT_CENTER", ["email"])},
                                [("a", _rec("CONTACT_CENTER", ["email", "voice"]))])
    assert (tally.fixed, tally.channels_fixed) == ([], ["a"])


def test_usage_without_a_command():
    assert sense_probe.main([]) == 2
    assert sense_probe.main(["compare"]) == 2


def test_an_invalid_pattern_gets_one_line(capsys):
    assert sense_probe.main(["compare", "call(ed"]) == 2
    err = capsys.readouterr().err
    assert "not a regular expression" in err and "call(ed" in err and "Traceback" not in err
