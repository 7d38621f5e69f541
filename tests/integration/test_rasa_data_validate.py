"""`rasa data validate` is clean: no errors and no warnings about the domain or data."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.runtime.childenv import rasa_bin, rasa_env

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def test_rasa_data_validate_is_clean():
    proc = subprocess.run([rasa_bin(), "data", "validate", "--fail-on-warnings"], cwd=ROOT, env=rasa_env(),
                          capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    rasa_warnings = [line for line in out.splitlines() if "UserWarning" in line and "rasa/shared" in line]
    assert not rasa_warnings, "\n".join(rasa_warnings)
