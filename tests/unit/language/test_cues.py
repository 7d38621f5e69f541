"""The cue-word catalogue: what the mention reader reads, and what loading refuses."""

from __future__ import annotations

import copy

import pytest
import yaml

from bot.language import mentions
from bot.language.cues import CUES_PATH, Cues, load_cues, parse_cues

RAW = yaml.safe_load(CUES_PATH.read_text(encoding="utf-8"))


def test_the_catalogue_loads_and_the_reader_uses_it():
    cues = load_cues()
    assert isinstance(cues, Cues)
    assert mentions._NEGATION is cues.negation and mentions._PLANNED is cues.planned
    assert mentions._EXCLUSIVE is cues.exclusive and mentions._CAPACITY is cues.capacity
    assert "no" in cues.negation and ("no", "longer") in cues.negation_bigrams  # quoted, not YAML's false
    assert "100%" in cues.exclusive and "no-one" in cues.negation


def test_cue_words_change_what_the_reader_concludes():
    assert mentions.context_role("we do not answer phone calls", 17, 22) == "excluded"
    assert mentions.context_role("we plan to add phone calls", 15, 20) == "planned"
    assert mentions.context_role("we plan to outsource phone calls", 21, 26) is None  # hand-over


def _broken(**change):
    raw = copy.deepcopy(RAW)
    for name, value in change.items():
        if value is None:
            del raw[name]
        else:
            raw[name] = value
    return raw


@pytest.mark.parametrize("raw, message", [
    (_broken(negaton=["no"]), "unknown lists ['negaton']"),
    (_broken(weighed=None), "missing lists ['weighed']"),
    (_broken(weighed=[]), "weighed: a non-empty list"),
    (_broken(planned=["later", "Soon"]), "'Soon' is not a lowercase word"),
    (_broken(planned=["later", "next year"]), "'next year' is not a lowercase word"),
    (_broken(planned=["later", "later"]), "repeated ['later']"),
    (_broken(negation=[False, "not"]), "False is not a lowercase word"),  # a bare `no` in YAML
    (_broken(not_negation=[["not", "only", "just"]]), "every entry is a pair"),
    (["no"], "a mapping"),
])
def test_loading_refuses_a_broken_catalogue(raw, message):
    with pytest.raises(ValueError) as refused:
        parse_cues(raw)
    assert message in str(refused.value)
