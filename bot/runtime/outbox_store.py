"""Where the Slack outbox's table lives: the runtime's half of ``channels.outbox``.

The table sits where the conversations are: the production profile's PostgreSQL (with its
libpq parameters and the tracker store's timeouts), else a SQLite file beside the tracker
store's. That choice needs the deployment profile, which belongs to the runtime layer, so it
is made here and handed to the channel with ``channels.outbox.use_store``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

from bot.rasa_ext.tracker_store import libpq_defaults
from bot.runtime.profiles import Profile
from bot.runtime.retention import database_url, secure_sqlite_file
from bot.runtime.supervisor import tracker_db
from channels.outbox import OutboxStore

__all__ = ["outbox_store_from_env", "forget_pending"]


def outbox_store_from_env(env: Mapping[str, str] = os.environ) -> OutboxStore:
    """The outbox table where the conversations are: the production profile's PostgreSQL
    (``DATABASE_URL``, with its libpq parameters and the tracker store's timeouts), else a
    SQLite file beside the tracker store's (``<tracker db>-slack-outbox.db``, mode 0600)."""
    profile = Profile.from_env(env)
    if profile.postgres is not None:
        params = dict(profile.postgres.params)
        url = database_url(profile, Path("unused")).update_query_dict(params)
        return OutboxStore(url, connect_args=libpq_defaults(params))
    path = _sqlite_path(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    secure_sqlite_file(path)
    return OutboxStore(database_url(profile, path), connect_args={"timeout": 10})


def _sqlite_path(env: Mapping[str, str]) -> Path:
    tracker = Path(env.get("SCOPEBOT_DB") or tracker_db()).resolve()
    return tracker.with_name(f"{tracker.stem}-slack-outbox.db")


def forget_pending(conversation: str, env: Mapping[str, str] = os.environ) -> int:
    """Delete the replies still waiting for Slack in ``conversation``: they hold what the bot
    said about the user's business, so ``scopebot forget`` removes them with the rest."""
    if Profile.from_env(env).postgres is None and not _sqlite_path(env).exists():
        return 0  # no Slack reply ever waited here
    store = outbox_store_from_env(env)
    try:
        return store.forget(conversation)
    finally:
        store.engine.dispose()
