"""`scopebot` commands without a model: what ensure_model may and may not write."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu import spacy_pipeline
from bot.runtime import cli, datasync


@pytest.fixture()
def generated(tmp_path, monkeypatch) -> dict[Path, str]:
    """Two generated files in a scratch folder, and an existing model, so nothing trains."""
    files = {tmp_path / "lookups.yml": "fresh lookups\n", tmp_path / "synonyms.yml": "fresh synonyms\n"}
    model = tmp_path / "scopebot-test.tar.gz"
    model.write_bytes(b"model")
    monkeypatch.setattr(datasync, "_generated", lambda: dict(files))
    monkeypatch.setattr(spacy_pipeline, "ensure_built", lambda: None)
    monkeypatch.setattr(cli, "current_model_path", lambda: model)
    monkeypatch.setattr(cli, "PROJECT_ROOT", tmp_path)
    return files


def test_a_stale_generated_file_stops_the_check_and_stays_as_it_was(generated):
    lookups, synonyms = generated
    lookups.write_text("edited by hand\n", encoding="utf-8")
    synonyms.write_text(generated[synonyms], encoding="utf-8")
    with pytest.raises(cli.StaleData, match=r"lookups\.yml .*scopebot sync-data"):
        cli.ensure_model(quiet=True)
    assert lookups.read_text(encoding="utf-8") == "edited by hand\n"
    assert not datasync.in_sync() and datasync.stale() == [lookups]


def test_a_missing_generated_file_is_created_and_the_model_found(generated):
    lookups, synonyms = generated
    synonyms.write_text(generated[synonyms], encoding="utf-8")
    synonyms_mtime = synonyms.stat().st_mtime_ns
    assert cli.ensure_model(quiet=True).name == "scopebot-test.tar.gz"
    assert lookups.read_text(encoding="utf-8") == generated[lookups]
    assert synonyms.stat().st_mtime_ns == synonyms_mtime  # an up-to-date file is not touched


def test_the_developer_commands_regenerate_stale_files(generated):
    lookups, _ = generated
    lookups.write_text("edited by hand\n", encoding="utf-8")
    cli.ensure_model(quiet=True, sync_data=True)
    assert datasync.in_sync()
