"""`scopebot run`: start the action server and the Rasa server, and keep them honest.

Open-source Rasa cannot run custom actions in-process, so two processes are needed.
This supervisor starts both, waits until both answer, prints where to talk to the bot,
stops both on Ctrl-C / SIGTERM, and exits non-zero as soon as either one dies.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Optional

from bot.paths import PROJECT_ROOT
from bot.settings import SlackSettings, load_env

VAR_DIR = PROJECT_ROOT / "var"
STARTUP_TIMEOUT = 180.0


def tracker_db() -> Path:
    """SQLite file of the embedded tracker store (SCOPEBOT_DB overrides var/scopebot.db)."""
    return Path(os.environ.get("SCOPEBOT_DB") or VAR_DIR / "scopebot.db").resolve()


def runtime_endpoints(action_port: int) -> Path:
    """endpoints.yml with this run's action server URL and tracker database (under var/)."""
    VAR_DIR.mkdir(exist_ok=True)
    db = tracker_db()
    db.parent.mkdir(parents=True, exist_ok=True)
    text = (PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8")
    text = text.replace("http://localhost:5055/webhook", f"http://localhost:{action_port}/webhook")
    text = text.replace("db: var/scopebot.db", f"db: {db}")
    path = VAR_DIR / f"endpoints.runtime-{action_port}.yml"
    path.write_text(text, encoding="utf-8")
    return path


#: The Slack input channel (channels/slack.py); it reads its secrets from the environment.
SLACK_CHANNEL = "channels.slack.SlackInput"


def runtime_credentials(port: int, slack: Optional[SlackSettings] = None) -> Path:
    """credentials.yml, plus the Slack channel when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set.

    With Slack on, this run's copy is written to var/credentials.runtime-<port>.yml. No secret
    goes into the file: the channel reads them from the environment (or .env) itself.
    """
    slack = slack if slack is not None else SlackSettings.from_env()
    base = PROJECT_ROOT / "credentials.yml"
    if not slack.enabled:
        return base
    VAR_DIR.mkdir(exist_ok=True)
    text = base.read_text(encoding="utf-8").rstrip("\n")
    text += ("\n\n# Slack (added by `scopebot run` because SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set):\n"
             "# events, slash commands and interactivity on POST /webhooks/slack/events.\n"
             f"{SLACK_CHANNEL}:\n")
    path = VAR_DIR / f"credentials.runtime-{port}.yml"
    path.write_text(text, encoding="utf-8")
    return path


def _env() -> dict[str, str]:
    from bot.cli import rasa_env

    return rasa_env()


def start_action_server(port: int) -> subprocess.Popen:
    from bot.cli import rasa_bin

    return subprocess.Popen([rasa_bin(), "run", "actions", "--actions", "actions", "--port", str(port)],
                            cwd=PROJECT_ROOT, env=_env())


def start_rasa(model: Path, port: int, endpoints: Path, extra: Optional[list[str]] = None,
               credentials: Optional[Path] = None) -> subprocess.Popen:
    from bot.cli import rasa_bin

    cmd = [rasa_bin(), "run", "--model", str(model), "--port", str(port), "--endpoints", str(endpoints),
           "--credentials", str(credentials or PROJECT_ROOT / "credentials.yml"), *(extra or [])]
    return subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=_env())


def wait_http(url: str, proc: subprocess.Popen, timeout: float = STARTUP_TIMEOUT) -> bool:
    """Poll ``url`` until it answers; False if the process died or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - localhost only
                if resp.status < 500:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def stop(*procs: subprocess.Popen) -> None:
    for p in procs:
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + 15
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()


def run_bot(model: Path, port: int = 5005, action_port: int = 5055) -> int:
    load_env()
    slack = SlackSettings.from_env()
    endpoints = runtime_endpoints(action_port)
    credentials = runtime_credentials(port, slack)
    actions = start_action_server(action_port)
    rasa = start_rasa(model, port, endpoints, credentials=credentials)
    stopping = {"flag": False}

    def on_signal(signum, _frame):
        stopping["flag"] = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        if not wait_http(f"http://localhost:{action_port}/health", actions):
            print("scopebot: the action server did not start", file=sys.stderr)
            return 1
        if not wait_http(f"http://localhost:{port}/", rasa):
            print("scopebot: the Rasa server did not start", file=sys.stderr)
            return 1
        print(f"\nscopebot is up (model {model.name}).\n"
              f"  REST:  POST http://localhost:{port}/webhooks/rest/webhook "
              '{"sender": "me", "message": "We take phone and chat for our shop"}\n'
              f"  Web:   http://localhost:{port}/webhooks/web/ (demo page with the chat widget)\n"
              f"  Shell: make shell\n"
              f"  {slack.status_line()}\n"
              f"  Conversations are kept in {tracker_db()}. Ctrl-C stops both servers.\n",
              flush=True)
        while not stopping["flag"]:
            for name, proc in (("action server", actions), ("Rasa server", rasa)):
                if proc.poll() is not None:
                    print(f"scopebot: the {name} exited (code {proc.returncode}); stopping.", file=sys.stderr)
                    return proc.returncode or 1
            time.sleep(0.5)
        return 0
    finally:
        stop(rasa, actions)


def run_shell(model: Path, action_port: int = 5055) -> int:
    from bot.cli import rasa_bin

    endpoints = runtime_endpoints(action_port)
    actions = start_action_server(action_port)
    try:
        if not wait_http(f"http://localhost:{action_port}/health", actions):
            print("scopebot: the action server did not start", file=sys.stderr)
            return 1
        return subprocess.call([rasa_bin(), "shell", "--model", str(model), "--endpoints", str(endpoints)],
                               cwd=PROJECT_ROOT, env=_env())
    finally:
        stop(actions)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_bot(Path(sys.argv[1])))
