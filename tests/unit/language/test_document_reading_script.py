"""scripts/document_reading.py: its readings are fitted out of fold and change answers only as named."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

import pytest

from bot.config.paths import PROJECT_ROOT
from bot.domain.signals import PASSING_MIN_WORDS

_spec = importlib.util.spec_from_file_location("document_reading", PROJECT_ROOT / "scripts" / "document_reading.py")
document_reading = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(document_reading)

LONG = "analysts said the market for outsourced support grew again this year " * 8
SHORT = "we need phone support"


@dataclass
class Text:
    text: str
    label: str


def test_the_undetermined_gate_touches_long_texts_above_its_threshold_only():
    assert len(LONG.split()) > PASSING_MIN_WORDS >= len(SHORT.split())
    gate = document_reading.gate_to_undetermined
    assert gate("CALL_CENTER", LONG, 0.9, 0.8) == "UNDETERMINED"
    assert gate("CALL_CENTER", LONG, 0.7, 0.8) == "CALL_CENTER"
    assert gate("CALL_CENTER", SHORT, 0.99, 0.8) == "CALL_CENTER"


def test_promotion_to_bpo_respects_in_house_sourcing():
    promote = document_reading.promote_to_bpo
    assert promote("CALL_CENTER", {"sourcing": "outsourced"}, 0.95, 0.9) == "BPO"
    assert promote("CALL_CENTER", {"sourcing": None}, 0.5, 0.9) == "CALL_CENTER"
    assert promote("CALL_CENTER", {"sourcing": "in_house"}, 0.99, 0.9) == "CALL_CENTER"


def test_cue_rates_count_per_hundred_words():
    rates = document_reading.cue_rates("We need a vendor. Analysts said 40% of firms did it in 2019?")
    n = 13  # words as the script counts them: 40 and 2019 are words, % and ? are not
    assert rates["we"] == pytest.approx(100 / n) and rates["need"] == pytest.approx(100 / n)
    assert rates["reporting"] == pytest.approx(100 / n) and rates["years"] == pytest.approx(100 / n)
    assert rates["percent"] == pytest.approx(100 / n) and rates["questions"] == pytest.approx(100 / n)
    assert rates["modal"] == 0.0


def test_engine_features_name_the_answer_and_what_was_set_aside():
    record = {"recommendation": "BPO", "confidence": "medium", "channels": ["voice"], "processes": ["payroll_hr"],
              "goals": [], "set_aside": [{"signal": "channel:email"}]}
    assert document_reading.engine_features(record) == {
        "model=BPO": 1.0, "conf=BPO/medium": 1.0, "channels=1": 1.0, "channels=voice": 1.0,
        "processes=payroll_hr": 1.0, "aside=channel": 1.0}


def test_out_of_fold_never_learns_from_the_fold_it_predicts():
    """Each fold's words are its own: a word seen only in fold k says nothing when fold k is
    predicted, so an item is scored from what the other folds taught."""
    items = [Text(f"common words plus marker{k} text {j}", "UNDETERMINED" if j % 2 else "BPO")
             for k in range(3) for j in range(6)]
    folds = [k for k in range(3) for _ in range(6)]
    leaky = [Text(f"{it.text} gold{it.label}", it.label) for it in items]  # the label written in the text
    probs = document_reading.out_of_fold(leaky, folds, lambda it: document_reading.doc_words(it.text),
                                         lambda it: it.label == "UNDETERMINED", c=10.0)
    assert all(0.0 < p < 1.0 for p in probs)
    # the gold word is in every fold, so out of fold it still separates the labels...
    und = [p for p, it in zip(probs, items) if it.label == "UNDETERMINED"]
    bpo = [p for p, it in zip(probs, items) if it.label == "BPO"]
    assert min(und) > max(bpo)
    # ...while words that only one fold has (here: its label, spelled its own way) are unknown
    # when that fold is predicted: every item of a fold gets the same score
    own = [Text(f"fold{'abc'[k]}{it.label.lower()}", it.label) for k, it in zip(folds, items)]
    probs = document_reading.out_of_fold(own, folds, lambda it: document_reading.doc_words(it.text),
                                         lambda it: it.label == "UNDETERMINED", c=10.0)
    for k in range(3):
        assert len({round(p, 9) for p, f in zip(probs, folds) if f == k}) == 1
    labels = document_reading.out_of_fold(leaky, folds, lambda it: document_reading.doc_words(it.text),
                                          lambda it: it.label, c=10.0, proba=False)
    assert labels == [it.label for it in items]
