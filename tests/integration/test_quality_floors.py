"""Quality floors on the trained model: real text first, the chat-style cases second.

Floors live in tests/quality_floors.yml (measured figure minus a small margin). The real-text
test split is frozen and never tuned on; the test only reads its aggregate figures, never
prints which items failed, so nobody tunes on its errors through CI logs either.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.keyword_baseline import channels, classify
from bot.runtime.evaluation import evaluate_cases, load_cases, summarise_cases
from bot.runtime.realtext import load, score
from bot.runtime.realtext_eval import buyer_text_scores, peer_predictor, scopebot_predictor

FLOORS = yaml.safe_load((Path(__file__).parents[1] / "quality_floors.yml").read_text(encoding="utf-8"))

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def realtext_test_scores(parser):
    items = load(["test"])
    return score(items, scopebot_predictor(parser)), score(items, peer_predictor(classify, channels))


def test_realtext_label_accuracy_floor(realtext_test_scores):
    ours, _ = realtext_test_scores
    assert ours.label_accuracy >= FLOORS["realtext_test"]["label_accuracy"], ours.summary()


def test_realtext_channel_set_floor(realtext_test_scores):
    ours, _ = realtext_test_scores
    assert ours.channel_accuracy >= FLOORS["realtext_test"]["channel_set_accuracy"], ours.summary()


def test_realtext_beats_the_keyword_baseline(realtext_test_scores):
    ours, keywords = realtext_test_scores
    margin = ours.label_accuracy - keywords.label_accuracy
    assert margin >= FLOORS["realtext_test"]["points_over_keywords"], (ours.summary(), keywords.summary())


def test_chat_style_cases_floor(parser):
    summary = summarise_cases(evaluate_cases(parser, load_cases()))
    accuracy = summary["fields"]["recommendation"]["accuracy"]
    assert accuracy >= FLOORS["chat_style_cases"]["recommendation_accuracy"], summary["per_model"]


def test_blind_buyer_texts_floor(parser):
    """The 150 hand-written buyer texts nobody tuned on (heldout/buyer_texts.jsonl), aggregate only."""
    scores = buyer_text_scores(scopebot_predictor(parser))
    assert scores["label_accuracy"] >= FLOORS["blind_buyer_texts"]["label_accuracy"], scores
