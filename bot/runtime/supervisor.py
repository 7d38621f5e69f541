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
from typing import IO, Optional

from bot.config.paths import PROJECT_ROOT
from bot.config.settings import SlackSettings, load_env
from bot.runtime.childenv import ACTION_TOKEN_ENV, action_env, action_token, ensure_action_token
from bot.runtime.profiles import Profile, ProfileError, check_services
from bot.runtime.retention import RetentionWorker, database_url, purge_interval, retention_days, secure_sqlite_file
from bot.runtime.security import ServerSecurity
from channels.identity import rest_token
from channels.outbox import OutboxSettings
from channels.ratelimit import RateLimits, trusted_proxies

VAR_DIR = PROJECT_ROOT / "var"
STARTUP_TIMEOUT = 180.0


def tracker_db() -> Path:
    """SQLite file of the embedded tracker store (SCOPEBOT_DB overrides var/scopebot.db)."""
    return Path(os.environ.get("SCOPEBOT_DB") or VAR_DIR / "scopebot.db").resolve()


def runtime_endpoints(action_port: int, profile: Optional[Profile] = None, action_url: Optional[str] = None,
                      tag: Optional[str] = None) -> Path:
    """This run's endpoints.yml (under var/): the profile's stores, the action server URL, and
    the action server's token. Without ``action_url`` this process starts the action server
    itself, so it makes the run's token here (unless SCOPEBOT_ACTION_TOKEN is set); an action
    server elsewhere gets the token only if SCOPEBOT_ACTION_TOKEN is set on both sides."""
    VAR_DIR.mkdir(exist_ok=True)
    profile = profile or Profile.from_env()
    db = tracker_db()
    if profile.name == "embedded":
        secure_sqlite_file(db)  # mode 0600: conversations are nobody else's business on this machine
    token = action_token() if action_url else ensure_action_token()
    text = profile.endpoints_yaml(action_url or f"http://localhost:{action_port}/webhook", db,
                                  ACTION_TOKEN_ENV if token else None)
    path = VAR_DIR / f"endpoints.runtime-{tag or action_port}.yml"
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
    from bot.runtime.childenv import rasa_env

    return rasa_env()


def start_action_server(port: int, host: str = "", log: Optional[IO[bytes]] = None) -> subprocess.Popen:
    """The action server (``actions.server``: ``rasa run actions`` without the known library
    warnings), on loopback unless ``host`` (or SCOPEBOT_ACTION_HOST) says otherwise, with only
    the environment it needs (:mod:`bot.runtime.childenv`); ``log`` receives its output instead of the terminal."""
    return subprocess.Popen([sys.executable, "-m", "actions.server", "--port", str(port)],
                            cwd=PROJECT_ROOT, env=action_env(_env(), host), stdout=log, stderr=log)


def start_rasa(model: Path, port: int, endpoints: Path, extra: Optional[list[str]] = None,
               credentials: Optional[Path] = None, env: Optional[dict[str, str]] = None,
               log: Optional[IO[bytes]] = None) -> subprocess.Popen:
    """``rasa run`` through ``bot.runtime.rasa_server``, which adds the API token from the
    environment in-process, so it never shows up in a process list."""
    cmd = [sys.executable, "-m", "bot.runtime.rasa_server", "--model", str(model), "--port", str(port),
           "--endpoints", str(endpoints), "--credentials", str(credentials or PROJECT_ROOT / "credentials.yml"),
           *(extra or [])]
    return subprocess.Popen(cmd, cwd=PROJECT_ROOT, env={**_env(), **(env or {})}, stdout=log, stderr=log)


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


def _refuse(message: str) -> int:
    print(f"scopebot: {message}", file=sys.stderr, flush=True)
    return 2


def run_bot(model: Path, port: int = 5005, action_port: int = 5055, action_url: Optional[str] = None,
            host: str = "0.0.0.0") -> int:
    """Serve the bot until Ctrl-C/SIGTERM or until a process it supervises dies.

    ``action_url``: use an action server that runs elsewhere (``scopebot actions``) instead
    of starting one; then only the Rasa server is supervised, and while that action server
    is down users get an apology instead of an assessment.
    """
    load_env()
    try:
        profile = Profile.from_env()
        security = ServerSecurity.from_env()
        keep_days, purge_every = retention_days(), purge_interval()
        rest_token()
        action_token()
        OutboxSettings.from_env()
        RateLimits.from_env()
        trusted_proxies()
    except (ProfileError, ValueError) as exc:
        return _refuse(str(exc))
    problems = check_services(profile)
    if problems:
        for problem in problems:
            print(f"scopebot: {problem}", file=sys.stderr)
        return _refuse("not starting: the production profile's services must be reachable "
                       "(unset DATABASE_URL and REDIS_URL for the embedded profile)")
    slack = SlackSettings.from_env()
    endpoints = runtime_endpoints(action_port, profile, action_url, tag=str(port))
    credentials = runtime_credentials(port, slack)
    actions = None if action_url else start_action_server(action_port)
    rasa = start_rasa(model, port, endpoints, extra=["--interface", host], credentials=credentials,
                      env={**profile.child_env(), **security.child_env()})
    stopping = {"flag": False}

    def on_signal(signum, _frame):
        stopping["flag"] = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    supervised = [("Rasa server", rasa)] + ([("action server", actions)] if actions else [])
    retention: Optional[RetentionWorker] = None
    try:
        if actions and not wait_http(f"http://localhost:{action_port}/health", actions):
            print("scopebot: the action server did not start", file=sys.stderr)
            return 1
        if not wait_http(f"http://localhost:{port}/", rasa):
            print("scopebot: the Rasa server did not start", file=sys.stderr)
            return 1
        if keep_days is not None:  # after Rasa is up: it creates the tables the purge reads
            retention = RetentionWorker(database_url(profile, tracker_db()), keep_days, purge_every).start()
        print(f"\nscopebot is up (model {model.name}).\n"
              f"  Storage: {profile.describe(tracker_db())}\n"
              f"  REST:  POST http://localhost:{port}/webhooks/rest/webhook "
              '{"sender": "me", "message": "We take phone and chat for our shop"}\n'
              f"  Web:   http://localhost:{port}/webhooks/web/ (demo page with the chat widget)\n"
              f"  Shell: make shell\n"
              f"  {slack.status_line()}\n"
              f"  {security.status_line()}\n"
              f"  Actions: {action_url or f'http://localhost:{action_port}/webhook'}. "
              "Ctrl-C stops what this command started.\n",
              flush=True)
        while not stopping["flag"]:
            for name, proc in supervised:
                if proc.poll() is not None:
                    print(f"scopebot: the {name} exited (code {proc.returncode}); stopping.", file=sys.stderr)
                    return proc.returncode or 1
            time.sleep(0.5)
        return 0
    finally:
        if retention is not None:
            retention.stop()
        stop(*(p for _, p in supervised))


def run_actions(port: int = 5055, host: str = "") -> int:
    """Only an action server (for deployments that run action servers apart from Rasa). It
    checks SCOPEBOT_ACTION_TOKEN when set (give the Rasa side the same value)."""
    try:
        token = action_token()
    except ValueError as exc:
        return _refuse(str(exc))
    if not token:
        print(f"scopebot actions: {ACTION_TOKEN_ENV} is not set, so /webhook answers anyone who can reach "
              "this port; set it here and for `scopebot run --action-url ...`", file=sys.stderr, flush=True)
    actions = start_action_server(port, host)
    try:
        return actions.wait()
    except KeyboardInterrupt:
        return 130
    finally:
        stop(actions)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_bot(Path(sys.argv[1])))
