"""How long conversations are kept, and deleting one on request.

Conversations hold what visitors typed about their business, so they are not kept
forever: with ``SCOPEBOT_RETENTION_DAYS=N`` a conversation whose latest event is older than
N days is deleted, whole (deleting only its old events would leave a conversation without
its beginning). ``scopebot run`` purges once the bot is up and then every hour.

``scopebot forget <conversation id>`` deletes one conversation everywhere it lives: its
events in the tracker store (SQLite or PostgreSQL) and its lock in Redis.

Plain SQL over SQLAlchemy on Rasa's ``events`` table (``sender_id``, ``timestamp``); no
Rasa import, so the supervisor can run it without loading Rasa.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Any, Mapping, Optional

from bot.config.settings import env_number
from bot.runtime.profiles import Profile

__all__ = ["RETENTION_ENV", "retention_days", "database_url", "purge", "forget", "secure_sqlite_file",
           "RetentionWorker"]

logger = logging.getLogger(__name__)

RETENTION_ENV = "SCOPEBOT_RETENTION_DAYS"
#: How often the purge runs (seconds); ``SCOPEBOT_RETENTION_EVERY_S`` shortens it for tests.
PURGE_EVERY_S = 3600.0
EVERY_ENV = "SCOPEBOT_RETENTION_EVERY_S"
#: The Redis lock store's key prefix, as ``bot.runtime.profiles`` configures it ("scopebot").
LOCK_KEY_PREFIX = "scopebot:lock:"


def retention_days(env: Mapping[str, str] = os.environ) -> Optional[float]:
    """Days to keep a conversation after its last event; None keeps them all (unset)."""
    return env_number(env, RETENTION_ENV, "days", None)


def purge_interval(env: Mapping[str, str] = os.environ) -> float:
    raw = (env.get(EVERY_ENV) or "").strip()
    try:
        return max(1.0, float(raw)) if raw else PURGE_EVERY_S
    except ValueError:
        raise ValueError(f"{EVERY_ENV} must be a number of seconds, not {raw!r}") from None


def database_url(profile: Profile, sqlite_path: Path) -> Any:
    """The tracker store's database as a SQLAlchemy URL (the password stays out of any string)."""
    import sqlalchemy as sa

    if profile.postgres is None:
        return sa.engine.URL.create("sqlite", database=str(sqlite_path))
    pg = profile.postgres
    return sa.engine.URL.create("postgresql", username=pg.username, password=pg.password, host=pg.host,
                                port=pg.port, database=pg.db)


def _engine(url: Any) -> Any:
    import sqlalchemy as sa

    args = {"connect_timeout": 10} if url.get_backend_name() == "postgresql" else {"timeout": 10}
    return sa.create_engine(url, connect_args=args, poolclass=sa.pool.NullPool)


def _has_events(engine: Any) -> bool:
    import sqlalchemy as sa

    return sa.inspect(engine).has_table("events")


def _missing_sqlite(url: Any) -> bool:
    """An SQLite file that does not exist holds no conversation (and connecting would create it)."""
    return url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file()


def purge(url: Any, days: float, now: Optional[float] = None) -> int:
    """Delete every conversation whose latest event is older than ``days``; how many were deleted."""
    import sqlalchemy as sa

    cutoff = (time.time() if now is None else now) - days * 86400
    if _missing_sqlite(url):
        return 0
    engine = _engine(url)
    try:
        if not _has_events(engine):
            return 0
        with engine.begin() as conn:
            old = [row[0] for row in conn.execute(sa.text(
                "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"),
                {"cutoff": cutoff})]
            for sender in old:
                conn.execute(sa.text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender})
        return len(old)
    finally:
        engine.dispose()


def forget(url: Any, conversation_id: str, redis: Optional[Any] = None) -> int:
    """Delete one conversation (its events and its Redis lock); how many events were deleted."""
    import sqlalchemy as sa

    deleted = 0
    engine = None if _missing_sqlite(url) else _engine(url)
    try:
        if engine is not None and _has_events(engine):
            with engine.begin() as conn:
                deleted = conn.execute(sa.text("DELETE FROM events WHERE sender_id = :sender"),
                                       {"sender": conversation_id}).rowcount
    finally:
        if engine is not None:
            engine.dispose()
    if redis is not None:
        redis.delete(LOCK_KEY_PREFIX + conversation_id)
    return deleted


def redis_client(profile: Profile) -> Optional[Any]:
    """A client for the profile's Redis (locks), or None without one."""
    if profile.redis is None:
        return None
    import redis

    r = profile.redis
    return redis.Redis(host=r.host, port=r.port, db=r.db, password=r.password, socket_connect_timeout=5,
                       socket_timeout=5)


def secure_sqlite_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only (0600), or tighten an existing one.
    SQLite gives its journal files the database file's permissions, so they follow."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


class RetentionWorker:
    """Purges old conversations now and then every ``every`` seconds, in a daemon thread, so a
    slow database never holds up the supervisor's watch over its processes."""

    def __init__(self, url: Any, days: float, every: float = PURGE_EVERY_S) -> None:
        self.url, self.days, self.every = url, days, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scopebot-retention", daemon=True)

    def start(self) -> RetentionWorker:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                count = purge(self.url, self.days)
                if count:
                    print(f"scopebot: deleted {count} conversation(s) idle for more than {self.days:g} days "
                          f"({RETENTION_ENV})", flush=True)
            except Exception as exc:  # noqa: BLE001 - a failed purge is retried next time, never fatal
                logger.warning("retention purge failed: %s", exc.__class__.__name__)
                print(f"scopebot: the retention purge failed ({exc.__class__.__name__}); retrying later",
                      flush=True)
            self._stop.wait(self.every)
