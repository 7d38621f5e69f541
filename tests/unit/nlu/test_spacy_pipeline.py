"""The project's own spaCy pipeline splits words the way buyers write them."""

from __future__ import annotations

import pytest
import spacy

from bot.nlu.spacy_pipeline import build


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    return spacy.load(build(tmp_path_factory.mktemp("spacy") / "pipeline"))


@pytest.mark.parametrize("text, tokens", [
    ("chat+email", ["chat", "+", "email"]),
    ("The selected vendor(s) will", ["The", "selected", "vendor", "(", "s", ")", "will"]),
    ("agent(s).", ["agent", "(", "s", ")", "."]),
    ("~30k calls/month", ["~", "30k", "calls", "/", "month"]),
    ("AP/AR", ["AP", "/", "AR"]),
    ("function(arg1)", ["function(arg1", ")"]),  # only a short plural in brackets is split off
])
def test_tokens(nlp, text, tokens):
    assert [t.text for t in nlp(text)] == tokens


def test_slang_lemmas_survive_saving_and_loading(nlp):
    assert [t.lemma_ for t in nlp("DMs and convos, emailed")] == ["dm", "and", "conversation", ",", "email"]
