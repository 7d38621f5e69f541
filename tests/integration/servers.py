"""Start the real bot (supervisor -> action server + Rasa server) for HTTP tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Bot:
    proc: subprocess.Popen
    port: int
    action_port: int
    db: Path
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def send(self, sender: str, message: str, timeout: float = 120) -> list[dict]:
        status, body = post(f"{self.url}/webhooks/rest/webhook",
                            json.dumps({"sender": sender, "message": message}).encode(), timeout)
        assert status == 200, (status, body[:500])
        return json.loads(body)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """SIGTERM: graceful stop through the supervisor. SIGKILL: crash the whole group
        (supervisor, Rasa server and action server) at once, like a power cut."""
        if sig == signal.SIGKILL:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def post(url: str, data: bytes, timeout: float = 120, content_type: str = "application/json") -> tuple[int, str]:
    req = urllib.request.Request(url, data=data, headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def start_bot(db: Path, log: Path, model: Path, port: int | None = None, action_port: int | None = None,
              timeout: float = 240, env: dict[str, str] | None = None, wait: bool = True) -> Bot:
    """Start ``scopebot run`` on ``model`` (the session's, so a run never retrains);
    ``env`` adds to (or, with "", blanks) the inherited environment."""
    port = port or free_port()
    action_port = action_port or free_port()
    env = {**os.environ, "SCOPEBOT_DB": str(db), "RASA_TELEMETRY_ENABLED": "false", **(env or {})}
    out = open(log, "ab")
    proc = subprocess.Popen([sys.executable, "-m", "bot.runtime.cli", "run", "--model", str(model), "--port", str(port),
                             "--action-port", str(action_port)], cwd=ROOT, env=env,
                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    bot = Bot(proc, port, action_port, db, log)
    if wait:
        wait_ready(bot, timeout)
    return bot


def wait_ready(bot: Bot, timeout: float = 240) -> Bot:
    """Block until ``bot`` answers a message (start several bots first, then wait: they load in parallel)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if bot.proc.poll() is not None:
            raise RuntimeError(f"bot exited with {bot.proc.returncode}; log:\n{bot.log.read_text()[-3000:]}")
        try:
            bot.send("__ping__", "hello", timeout=30)
            return bot
        except (OSError, AssertionError):
            time.sleep(1)
    bot.stop()
    raise RuntimeError(f"bot did not answer in {timeout}s; log:\n{bot.log.read_text()[-3000:]}")


def assessment(replies: list[dict]) -> dict | None:
    """The last `assessment` custom payload among the bot's replies."""
    found = [r["custom"] for r in replies if isinstance(r.get("custom"), dict)
             and r["custom"].get("type") == "assessment"]
    return found[-1] if found else None
