"""The environments of the processes scopebot starts: Rasa's, and what the action server may see.

Every command that starts Rasa (``scopebot train``/``run``, the supervisor, the evaluations)
takes :func:`rasa_env` and :func:`rasa_bin` from here, so none of them imports the CLI for it
(they used to, and the CLI imported them back: an import cycle).

The action server only runs the domain code (``actions/`` -> ``bot``): it needs no
database, no Redis and no Slack or API secret. Handing it the whole environment (where
``.env`` has put SLACK_BOT_TOKEN, DATABASE_URL with its password, ...) would put those
secrets within reach of anything that runs there. So it gets an allow-list: the basics a
Python process needs, locale, Rasa/TensorFlow/Sanic tuning, and of ours only the settings the
actions read (the session idle time).

It listens on loopback unless ``SCOPEBOT_ACTION_HOST`` says otherwise (an action server on
another machine than Rasa needs ``0.0.0.0`` and a private network in between).

It also answers only Rasa: ``SCOPEBOT_ACTION_TOKEN`` (the one secret it is given) must come
with every call (Rasa sends it as ``?token=``, from ``action_endpoint: token:``), because
anything on the machine, or the network when it listens wider, could otherwise run actions
and read what they return. ``scopebot run`` makes a random one for each run unless it is set.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Mapping, MutableMapping

from bot.config.paths import PROJECT_ROOT

__all__ = ["action_env", "ACTION_HOST_ENV", "DEFAULT_ACTION_HOST", "ACTION_TOKEN_ENV", "action_token",
           "ensure_action_token", "rasa_bin", "rasa_env", "rasa_train_cmd"]

ACTION_HOST_ENV = "SCOPEBOT_ACTION_HOST"
DEFAULT_ACTION_HOST = "127.0.0.1"
ACTION_TOKEN_ENV = "SCOPEBOT_ACTION_TOKEN"
MIN_ACTION_TOKEN_CHARS = 16

_KEEP = {"PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP",
         "VIRTUAL_ENV", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "LOG_LEVEL", "LOG_LEVEL_LIBRARIES"}
_KEEP_PREFIXES = ("LC_", "PYTHON", "RASA_", "TF_", "ACTION_SERVER_")
#: Settings of ours that the actions themselves read (no secret among them).
_KEEP |= {"SCOPEBOT_SESSION_IDLE_MINUTES"}
#: ...and the token it checks callers against.
_KEEP |= {ACTION_TOKEN_ENV}


def action_env(env: Mapping[str, str] = os.environ, host: str = "") -> dict[str, str]:
    """The action server's environment: the allow-listed part of ``env``, listening on ``host``
    (default: ``SCOPEBOT_ACTION_HOST``, else loopback)."""
    kept = {k: v for k, v in env.items() if k in _KEEP or k.startswith(_KEEP_PREFIXES)}
    # rasa_sdk binds to SANIC_HOST (its default is every interface).
    kept["SANIC_HOST"] = host or (env.get(ACTION_HOST_ENV) or "").strip() or DEFAULT_ACTION_HOST
    return kept


def rasa_env() -> dict[str, str]:
    """Environment for every Rasa process: no telemetry, project importable, quiet TF."""
    env = dict(os.environ)
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return env


def rasa_bin() -> str:
    return str(Path(sys.executable).with_name("rasa"))


def rasa_train_cmd() -> list[str]:
    """``rasa train`` as scopebot runs it: Rasa's command line with the training patch in place
    (:mod:`bot.rasa_ext.rasa_cli`); append the arguments of ``rasa train``."""
    return [sys.executable, "-m", "bot.rasa_ext.rasa_cli", "train"]


def action_token(env: Mapping[str, str] = os.environ) -> str:
    """The action server's token ("" when unset). Raises ValueError when it is too short to be
    a secret, so a weak token stops the start instead of guarding nothing."""
    token = (env.get(ACTION_TOKEN_ENV) or "").strip()
    if token and len(token) < MIN_ACTION_TOKEN_CHARS:
        raise ValueError(f"{ACTION_TOKEN_ENV} must be at least {MIN_ACTION_TOKEN_CHARS} characters "
                         "(e.g. `openssl rand -hex 24`), or unset for a random one per run")
    return token


def ensure_action_token(env: MutableMapping[str, str] = os.environ) -> str:
    """This run's token: ``SCOPEBOT_ACTION_TOKEN`` when set, else a random one put into ``env``,
    so the Rasa server and the action server this process starts both inherit it."""
    token = action_token(env)
    if not token:
        token = env[ACTION_TOKEN_ENV] = secrets.token_urlsafe(32)
    return token
