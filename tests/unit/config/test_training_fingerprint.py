"""Which files name the model: whatever training reads retrains, and nothing else does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config.paths import PROJECT_ROOT, TRAINING_INPUTS, training_fingerprint


@pytest.fixture()
def sources(tmp_path: Path) -> Path:
    """A copy of the training inputs and of the corpus files, to edit freely."""
    for name in TRAINING_INPUTS:
        src = PROJECT_ROOT / name
        if src.is_dir():
            shutil.copytree(src, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize("name", ["data/realtext/train.jsonl", "data/realtext/dev.jsonl",
                                  "data/nlu/realtext.yml", "bot/language/relevance.py", "config.yml",
                                  # the reader learns from the corpus as the lexicon and resolver read it
                                  "bot/language/lexicon.yml", "bot/language/mentions.py"])
def test_what_training_reads_retrains(sources: Path, name: str):
    before = training_fingerprint(sources)
    with open(sources / name, "a", encoding="utf-8") as fh:
        fh.write("\n")
    assert training_fingerprint(sources) != before


@pytest.mark.parametrize("name", ["data/realtext/test.jsonl", "data/realtext/test.lock",
                                  "data/realtext/second_pass.jsonl"])
def test_the_test_split_and_the_second_pass_never_retrain(sources: Path, name: str):
    before = training_fingerprint(sources)
    with open(sources / name, "a", encoding="utf-8") as fh:
        fh.write("\n")
    assert training_fingerprint(sources) == before
