"""The multi-turn test stories in tests/test_stories.yml, run by `rasa test core`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.runtime.childenv import rasa_bin, rasa_env

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def test_rasa_test_stories_pass(trained_model, tmp_path):
    proc = subprocess.run([rasa_bin(), "test", "core", "--stories", "tests/test_stories.yml", "--model",
                           str(trained_model), "--out", str(tmp_path), "--fail-on-prediction-errors"],
                          cwd=ROOT, env=rasa_env(), capture_output=True, text=True, timeout=900)
    failed = tmp_path / "failed_test_stories.yml"
    detail = failed.read_text()[-3000:] if failed.exists() else (proc.stdout + proc.stderr)[-3000:]
    assert proc.returncode == 0, detail
    assert grep_story_count(ROOT / "tests" / "test_stories.yml") >= 15


def grep_story_count(path: Path) -> int:
    return sum(1 for line in path.read_text().splitlines() if line.lstrip().startswith("- story:"))
