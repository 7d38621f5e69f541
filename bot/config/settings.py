"""Configuration from the environment, with `.env` (python-dotenv) filling what is unset."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

from bot.config.paths import PROJECT_ROOT

DOTENV_PATH = PROJECT_ROOT / ".env"

# ----- how much text is read (every channel and the CLI take their limits from here) ---------
#: Longest message a conversation takes on any channel (REST, the web widget, Slack), in
#: characters: a pasted RFP scope section fits. Longer ones are refused with a reply that
#: names this limit (413 over REST and from the widget's API), before any parsing.
MAX_MESSAGE_CHARS = 20_000
#: Longest description `scopebot classify` reads; beyond it the rest is cut, with a warning.
MAX_CLASSIFY_CHARS = 100_000
#: Text longer than this is parsed in pieces of at most this many characters, cut between
#: sentences, so the model's time and memory per piece stay bounded whatever the length.
CHUNK_CHARS = 1_500


def message_too_long(length: int, limit: int = MAX_MESSAGE_CHARS) -> str:
    """What a user is told when a message is over the limit (the same words on every channel)."""
    return (f"That message is {length:,} characters long; the limit is {limit:,}. "
            "Please shorten it or send it in parts.")
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
SLACK_EVENTS_PATH = "/webhooks/slack/events"


def load_env(path: Optional[Path] = None) -> bool:
    """Read ``.env`` into ``os.environ`` without overriding what is already set."""
    path = path or DOTENV_PATH
    if not path.is_file():
        return False
    from dotenv import load_dotenv

    return load_dotenv(path, override=False)


@dataclass(frozen=True)
class SlackSettings:
    bot_token: str = ""
    signing_secret: str = ""
    api_url: str = DEFAULT_SLACK_API_URL
    app_token: str = ""

    @property
    def enabled(self) -> bool:
        """Slack is on exactly when both the bot token and the signing secret are set."""
        return bool(self.bot_token and self.signing_secret)

    @property
    def socket_mode(self) -> bool:
        return self.enabled and bool(self.app_token)

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> SlackSettings:
        env = os.environ if environ is None else environ
        api_url = (env.get("SLACK_API_URL") or "").strip() or DEFAULT_SLACK_API_URL
        if not api_url.endswith("/"):
            api_url += "/"
        return cls(bot_token=(env.get("SLACK_BOT_TOKEN") or "").strip(),
                   signing_secret=(env.get("SLACK_SIGNING_SECRET") or "").strip(),
                   api_url=api_url, app_token=(env.get("SLACK_APP_TOKEN") or "").strip())

    def status_line(self) -> str:
        """What `scopebot run` prints about Slack."""
        if not self.enabled:
            return "Slack: off (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)"
        if self.socket_mode:
            return f"Slack: on (POST {SLACK_EVENTS_PATH}, and Socket Mode with SLACK_APP_TOKEN)"
        return f"Slack: on (POST {SLACK_EVENTS_PATH})"


#: Idle time after which a conversation starts a new session (keeping what it knew).
SESSION_IDLE_ENV = "SCOPEBOT_SESSION_IDLE_MINUTES"
DEFAULT_SESSION_IDLE_MINUTES = 24 * 60


def env_number(env: Mapping[str, str], name: str, unit: str, default: Optional[float],
               zero: str = "") -> Optional[float]:
    """A positive number of ``unit`` from ``env[name]``, or ``default`` when it is unset.

    ``zero`` says what 0 means where 0 is allowed ("never"); elsewhere 0 is refused. A bad value
    raises ValueError naming the variable and the unit, so the start stops with a reason."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number of {unit}, not {raw!r}") from None
    if value != value or value < 0 or (value == 0 and not zero):
        allowed = f"0 ({zero}) or a positive number" if zero else "a positive number"
        raise ValueError(f"{name} must be {allowed} of {unit}, not {raw!r}")
    return value


def session_idle_minutes(env: Optional[Mapping[str, str]] = None) -> float:
    """Minutes of silence after which a returning user starts a new session; 0 never does.

    Rasa's own session expiry (``domain.yml``) is part of the trained model, so the bot
    decides this itself, and a deployment can change it without retraining.
    """
    minutes = env_number(os.environ if env is None else env, SESSION_IDLE_ENV, "minutes",
                         float(DEFAULT_SESSION_IDLE_MINUTES), zero="never")
    assert minutes is not None
    return minutes
