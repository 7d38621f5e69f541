"""`scopebot shell` as a user runs it: a real subprocess on the trained model, lines on stdin."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.integration.servers import ROOT, free_port

pytestmark = pytest.mark.slow

LINES = [
    "We need a call center for our utility company, phone and chat, 5k calls a month",
    "2",  # the second answer offered: Payroll / HR
    "quit",
]


@pytest.fixture(scope="module")
def session(trained_model, tmp_path_factory):
    work = tmp_path_factory.mktemp("shell")
    log = ROOT / "var" / "shell.log"
    start = log.stat().st_size if log.exists() else 0
    env = {**os.environ, "SCOPEBOT_DB": str(work / "shell.db"), "RASA_TELEMETRY_ENABLED": "false"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    proc = subprocess.run([sys.executable, "-m", "bot.runtime.cli", "shell", "--model", str(trained_model),
                           "--action-port", str(free_port())], input="\n".join(LINES) + "\n", cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=400)
    with open(log, encoding="utf-8", errors="replace") as f:
        f.seek(start)
        server_log = f.read()
    return proc, server_log


def test_the_shell_shows_the_text_then_its_answers_and_no_payload(session):
    proc, _ = session
    out = proc.stdout
    assert proc.returncode == 0, proc.stderr[-2000:]
    first = out.index("Recommendation: contact center (high confidence)")
    answers = out.index("Answers (type the number, or answer in your own words):\n  1. Finance & accounting\n"
                        "  2. Payroll / HR\n")
    assert first < out.index("Questions that could change the answer:") < answers
    assert "(you picked: Payroll / HR)" in out
    assert "Recommendation: BPO (high confidence)" in out[answers:]
    assert "- Processes: payroll / HR" in out[answers:]
    for noise in ("Custom json", '"type": "assessment"', "[debug]", "Buttons:"):
        assert noise not in out


def test_signal_names_are_words(session):
    out = session[0].stdout
    assert "- Industry: utilities & energy" in out and "utilities energy" not in out
    assert "utilities_energy" not in out and "- Volume: 5,000 calls a month" in out


def test_no_warnings_in_the_terminal_or_the_servers_log(session):
    proc, server_log = session
    terminal = proc.stdout + proc.stderr
    assert "Warning" not in terminal and "W036" not in terminal
    assert "Rasa server is up and running" in server_log  # the log is the servers' own
    assert "W036" not in server_log and "DeprecationWarning" not in server_log
    assert "MovedIn20Warning" not in server_log
