"""The relevance reader fitted beside the training (bot/nlu/reader_training.py).

What must hold: the reader a child process fits is the one the component would fit inline,
byte for byte; it is used only for the very job it was fitted for (same settings, same files
with the same content); anything else (another job, a failed child, a file edited meanwhile)
falls back to fitting inline; and no child or file outlives its use.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.config.paths import PROJECT_ROOT
from bot.nlu import reader_training
from bot.nlu.reader_training import DEFAULTS, ReaderJob, fit, job_from_argv, start, take


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """A small corpus file: the first 40 train texts (both in-scope and context mentions)."""
    lines = (PROJECT_ROOT / "data/realtext/train.jsonl").read_text(encoding="utf-8").splitlines()[:40]
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def no_child_left():
    yield
    reader_training._discard()  # a failing test must not leave its child to the next one


def _job(corpus: Path, c: float = 1.0) -> ReaderJob:
    return ReaderJob.from_config({"corpus_files": [str(corpus)], "c": c})


def _config(tmp_path: Path, body: str, name: str = "config.yml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


READER_CONFIG = """
pipeline:
  - name: WhitespaceTokenizer
  - name: bot.nlu.mention_relevance.MentionRelevance
    corpus_files: [a.jsonl]
    c: 0.5
"""


# ----- which command lines train a reader, and with what job -------------------------------------
def test_job_from_the_default_config_of_the_working_directory(tmp_path: Path) -> None:
    _config(tmp_path, READER_CONFIG)
    job = job_from_argv(["train"], tmp_path)
    assert job == ReaderJob.from_config({"corpus_files": ["a.jsonl"], "c": 0.5})
    assert dict(job.settings) == {"c": 0.5, "threshold": DEFAULTS["threshold"]}


@pytest.mark.parametrize("argv", [["train", "nlu", "--config", "other.yml"], ["train", "-c", "other.yml"],
                                  ["train", "--config=other.yml", "--force"]])
def test_job_from_the_config_named_on_the_command_line(tmp_path: Path, argv: list[str]) -> None:
    _config(tmp_path, "pipeline: []\n")  # config.yml has no reader: only other.yml counts
    _config(tmp_path, READER_CONFIG, "other.yml")
    assert job_from_argv(argv, tmp_path) == ReaderJob.from_config({"corpus_files": ["a.jsonl"], "c": 0.5})


@pytest.mark.parametrize("argv", [["train", "core"], ["test"], ["run"], [], ["train", "--config", "missing.yml"]])
def test_no_job_where_no_reader_is_trained(tmp_path: Path, argv: list[str]) -> None:
    _config(tmp_path, READER_CONFIG)
    assert job_from_argv(argv, tmp_path) is None


def test_no_job_from_a_config_without_the_reader_or_unreadable(tmp_path: Path) -> None:
    _config(tmp_path, "pipeline:\n  - name: WhitespaceTokenizer\n")
    assert job_from_argv(["train"], tmp_path) is None
    _config(tmp_path, "pipeline: [unclosed\n")
    assert job_from_argv(["train"], tmp_path) is None


def test_the_project_config_trains_a_reader_on_train_and_dev() -> None:
    job = job_from_argv(["train"], PROJECT_ROOT)
    assert job is not None and job.files == tuple(DEFAULTS["corpus_files"])


def test_the_job_key_follows_settings_and_file_content(corpus: Path) -> None:
    key = _job(corpus).key()
    assert _job(corpus).key() == key
    assert _job(corpus, c=0.5).key() != key
    corpus.write_text(corpus.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert _job(corpus).key() != key


def test_rasa_cache_key_follows_the_language_files(corpus: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Rasa's training cache must not restore a reader fitted with other sense checks.

    The reader reads the corpus with the lexicon, senses and cues, none of which Rasa's graph
    sees; an edit to ``senses.yml`` alone once restored the stale reader from the cache.
    """
    from rasa.engine.training.fingerprinting import calculate_fingerprint_key

    from bot.nlu.mention_relevance import MentionRelevance

    senses = tmp_path / "senses.yml"
    senses.write_text("checks: []\n", encoding="utf-8")
    monkeypatch.setattr(reader_training, "PROJECT_ROOT", tmp_path)
    monkeypatch.setattr(reader_training, "READING_FILES", ("senses.yml",))
    config = {**DEFAULTS, "corpus_files": [str(corpus)]}

    def cache_key() -> str:
        return calculate_fingerprint_key(MentionRelevance, config, {})

    before = cache_key()
    assert cache_key() == before
    senses.write_text("checks: [{id: new}]\n", encoding="utf-8")
    assert cache_key() != before


# ----- the child's reader, and when it is used -----------------------------------------------------
def test_the_child_fits_the_reader_the_component_would_fit(corpus: Path) -> None:
    job = _job(corpus)
    assert start(job)
    child = reader_training._child
    taken = take(job)
    assert taken is not None
    assert taken.to_json() == fit(job).to_json()
    assert taken.trained_on["texts"] == 40
    assert reader_training._child is None and not child.out.parent.exists()


def test_only_one_child_per_process(corpus: Path) -> None:
    assert start(_job(corpus))
    assert not start(_job(corpus, c=0.5))


def test_a_child_fitted_for_another_job_is_not_used(corpus: Path) -> None:
    assert start(_job(corpus, c=0.5))
    child = reader_training._child
    assert take(_job(corpus)) is None
    assert child.process.poll() is not None and not child.out.parent.exists()


def test_a_failed_child_falls_back(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    job = ReaderJob.from_config({"corpus_files": [str(tmp_path / "missing.jsonl")]})
    assert start(job)
    assert take(job) is None
    assert "failed" in caplog.text


def test_a_file_edited_during_the_training_falls_back(corpus: Path) -> None:
    job = _job(corpus)
    assert start(job)
    reader_training._child.process.wait()
    lines = corpus.read_text(encoding="utf-8").splitlines()
    corpus.write_text("\n".join(lines[:20]) + "\n", encoding="utf-8")
    assert take(job) is None


def test_a_child_nobody_takes_is_stopped_at_exit(corpus: Path) -> None:
    assert start(_job(corpus))
    child = reader_training._child
    reader_training._discard()
    assert child.process.poll() is not None and not child.out.parent.exists()
    assert take(_job(corpus)) is None


# ----- the Rasa component takes the child's reader ------------------------------------------------
def _train_component(tmp_path: Path, corpus: Path, name: str) -> tuple[str, object]:
    """The component trained as Rasa trains it: its stored weights, and its reader."""
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.nlu.mention_relevance import WEIGHTS, MentionRelevance

    (tmp_path / name).mkdir()
    storage = LocalModelStorage(tmp_path / name)
    resource = Resource(name)
    config = {**MentionRelevance.get_default_config(), "corpus_files": [str(corpus)]}
    component = MentionRelevance(config, storage, resource)
    component.train(TrainingData())
    with storage.read_from(resource) as directory:
        return (directory / WEIGHTS).read_text(encoding="utf-8"), component.reader


def test_the_component_stores_the_same_weights_with_and_without_a_child(
        tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inline, _ = _train_component(tmp_path, corpus, "inline")
    assert start(_job(corpus))

    def no_inline_fit(job: ReaderJob) -> None:
        raise AssertionError("the component fitted inline although the child's reader was there")

    monkeypatch.setattr(reader_training, "fit", no_inline_fit)
    beside, _ = _train_component(tmp_path, corpus, "beside")
    assert reader_training._child is None
    assert beside == inline
    assert json.loads(beside)["trained_on"]["texts"] == 40


# ----- the training entry point starts the child --------------------------------------------------
def test_the_training_entry_point_starts_the_fit_before_rasa_runs(
        tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import rasa.__main__

    from bot.rasa_ext import rasa_cli

    config = _config(tmp_path, f"pipeline:\n  - name: bot.nlu.mention_relevance.MentionRelevance\n"
                               f"    corpus_files: [{json.dumps(str(corpus))}]\n")
    seen: list[object] = []
    monkeypatch.setattr(rasa.__main__, "main", lambda: seen.append(reader_training._child))
    monkeypatch.setattr("sys.argv", ["rasa_cli", "train", "nlu", "--config", str(config)])
    try:
        rasa_cli.main()
    finally:
        rasa_cli.uninstall_patches()
    assert seen and seen[0] is not None and seen[0].job == _job(corpus)
    assert take(_job(corpus)).to_json() == fit(_job(corpus)).to_json()
