"""A durable outbox for the bot's Slack replies: a reply Slack cannot take now is kept and posted later.

Why: the conversation is stored by Rasa before its replies are posted, so when the Slack Web
API is down for longer than a few in-call retries, the user's turn is safe but the answer is
not; without this it is dropped and the user is never told. So every reply of a conversation
is first written to a table, then posted from there:

* **Stored before posting.** ``enqueue`` writes a turn's replies in one transaction (their
  ids give the order), then wakes the worker. Rows live in SQLite beside the tracker store
  (embedded profile) or in the tracker store's PostgreSQL database (production profile), so
  a restarted process, or another replica, picks up whatever is pending.
* **In order per conversation.** Only the oldest pending row of a conversation may be posted;
  the next one waits until it is delivered, given up on, or expired.
* **At most once.** A row is *claimed* (an ``UPDATE ... WHERE claimed_until <= now`` that
  only one worker can win) before it is posted, and deleted once Slack accepted it. A claim
  lapses after :data:`CLAIM_S` only when its holder died in the middle of a post; that row
  is then posted again, which is the one case where Slack may show it twice (Slack's Web API
  has no idempotency key to prevent that).
* **Retried with backoff.** A transient failure (429, 5xx, connection error, timeout) puts the
  row back with ``next_at`` ``base * 2**n`` later (capped at ``max_wait_s``, with jitter), or
  later still when Slack's ``Retry-After`` asks for more. A permanent refusal
  (``channel_not_found``, ``invalid_auth``...) is logged and the row dropped: retrying it
  cannot help, and it must not hold up the conversation's later replies.
* **Expiry.** A row still undelivered ``expiry_s`` after it was written is dropped and logged
  at ERROR level, without the message text (it is what the user typed about their business).

Delivered, refused and expired rows are deleted, so the table holds only what is pending.
No Slack import here: the caller passes ``send``, which posts one payload and says how it went.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import time
import uuid
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Sequence

from bot.config.settings import env_number

__all__ = ["Outcome", "OutboxSettings", "OutboxStore", "Outbox", "use_store", "configured_store"]

logger = logging.getLogger(__name__)

TABLE = "scopebot_slack_outbox"
#: How long a claimed row may take to be posted before another worker may take it (the Web
#: API client's own timeout is 30 s, so a live holder always finishes well within this).
CLAIM_S = 90.0
#: Longest wait between two polls of the table: rows written by another replica, or whose
#: backoff ended, are noticed within this.
POLL_S = 2.0
#: Longest wait any ``Retry-After`` is honoured for (a misbehaving header must not park a reply for days).
MAX_RETRY_AFTER_S = 900.0
#: Rows handled per poll (each conversation's head only).
BATCH = 50

EXPIRY_ENV = "SCOPEBOT_SLACK_OUTBOX_EXPIRY_S"
MAX_WAIT_ENV = "SCOPEBOT_SLACK_OUTBOX_MAX_WAIT_S"


@dataclass(frozen=True)
class Outcome:
    """How one post went: delivered; or failed, ``transient`` (worth another try, after at
    least ``retry_after`` seconds when Slack said so) or permanent. ``error`` is Slack's error
    code or the exception's class name, never message text."""

    delivered: bool
    transient: bool = False
    retry_after: Optional[float] = None
    error: str = ""


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    value = env_number(env, name, "seconds", default)
    assert value is not None
    return value


@dataclass(frozen=True)
class OutboxSettings:
    #: How long an undelivered reply is kept trying (a day: a reply that late still answers
    #: the user's question; older than that it would only confuse).
    expiry_s: float = 86_400.0
    #: Longest backoff between two tries: once Slack is back, a pending reply is posted within this.
    max_wait_s: float = 30.0
    #: First backoff; it doubles with each failed try.
    base_s: float = 0.5

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> OutboxSettings:
        return cls(expiry_s=_seconds(env, EXPIRY_ENV, cls.expiry_s),
                   max_wait_s=_seconds(env, MAX_WAIT_ENV, cls.max_wait_s))

    def backoff_s(self, attempts: int, retry_after: Optional[float]) -> float:
        """The wait after the ``attempts``-th failed try: exponential with jitter, capped, and
        never shorter than what Slack's ``Retry-After`` asked for."""
        wait = min(self.base_s * 2 ** max(0, attempts - 1), self.max_wait_s) * random.uniform(0.8, 1.0)
        if retry_after is not None:
            wait = max(wait, min(retry_after, MAX_RETRY_AFTER_S))
        return wait


@dataclass(frozen=True)
class Row:
    id: int
    conversation: str
    payload: Dict[str, Any]
    created_at: float
    expires_at: float
    attempts: int


class OutboxStore:
    """The table, over SQLAlchemy Core (blocking: :class:`Outbox` calls it from a thread)."""

    def __init__(self, url: Any, connect_args: Optional[Dict[str, Any]] = None) -> None:
        import sqlalchemy as sa

        self.engine = sa.create_engine(url, connect_args=connect_args or {}, pool_pre_ping=True)
        meta = sa.MetaData()
        self.table = sa.Table(
            TABLE, meta,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("conversation", sa.String(255), nullable=False, index=True),
            sa.Column("payload", sa.Text, nullable=False),
            sa.Column("created_at", sa.Float, nullable=False),
            sa.Column("expires_at", sa.Float, nullable=False),
            sa.Column("next_at", sa.Float, nullable=False),
            sa.Column("claimed_until", sa.Float, nullable=False, default=0.0),
            sa.Column("claimed_by", sa.String(64), nullable=True),
            sa.Column("attempts", sa.Integer, nullable=False, default=0),
            sa.Column("last_error", sa.String(64), nullable=True),
        )
        try:
            meta.create_all(self.engine, checkfirst=True)
        except sa.exc.DBAPIError:
            # Replicas that start together race here: PostgreSQL's check-then-create is not
            # atomic, so the losers' CREATE fails on the catalogue's unique index once the
            # winner's table is committed. That table is the one wanted; anything else is not.
            if not sa.inspect(self.engine).has_table(TABLE):
                raise

    def add(self, conversation: str, payloads: Sequence[Dict[str, Any]], now: float, expiry_s: float) -> None:
        with self.engine.begin() as conn:
            for payload in payloads:  # one by one: the ids keep the replies' order
                conn.execute(self.table.insert().values(
                    conversation=conversation, payload=json.dumps(payload), created_at=now,
                    expires_at=now + expiry_s, next_at=now, claimed_until=0.0, attempts=0))

    def claim_due(self, worker: str, now: float, limit: int = BATCH) -> List[Row]:
        """Claim the oldest row of each conversation that is due and free; the rows won."""
        import sqlalchemy as sa

        t = self.table
        heads = sa.select(sa.func.min(t.c.id)).group_by(t.c.conversation).scalar_subquery()
        query = (sa.select(t.c.id, t.c.conversation, t.c.payload, t.c.created_at, t.c.expires_at, t.c.attempts)
                 .where(t.c.id.in_(heads), t.c.next_at <= now, t.c.claimed_until <= now)
                 .order_by(t.c.id).limit(limit))
        won = []
        with self.engine.begin() as conn:
            candidates = conn.execute(query).all()
        for c in candidates:
            with self.engine.begin() as conn:
                taken = conn.execute(t.update().where(t.c.id == c.id, t.c.claimed_until <= now)
                                     .values(claimed_until=now + CLAIM_S, claimed_by=worker)).rowcount
            if taken == 1:
                won.append(Row(c.id, c.conversation, json.loads(c.payload), c.created_at, c.expires_at, c.attempts))
        return won

    def done(self, row_id: int, worker: str) -> None:
        """Delivered, refused or expired: the row goes (its text with it)."""
        with self.engine.begin() as conn:
            conn.execute(self.table.delete().where(self.table.c.id == row_id, self.table.c.claimed_by == worker))

    def later(self, row_id: int, worker: str, next_at: float, error: str) -> None:
        t = self.table
        with self.engine.begin() as conn:
            conn.execute(t.update().where(t.c.id == row_id, t.c.claimed_by == worker).values(
                next_at=next_at, claimed_until=0.0, claimed_by=None, attempts=t.c.attempts + 1,
                last_error=error[:64]))

    def next_due(self) -> Optional[float]:
        """When the earliest pending row becomes due (None: nothing pending)."""
        import sqlalchemy as sa

        t = self.table
        heads = sa.select(sa.func.min(t.c.id)).group_by(t.c.conversation).scalar_subquery()
        pair = (t.c.next_at, t.c.claimed_until)  # two-argument max() is SQLite's greatest()
        latest = sa.func.max(*pair) if self.engine.dialect.name == "sqlite" else sa.func.greatest(*pair)
        with self.engine.begin() as conn:
            return conn.execute(sa.select(sa.func.min(latest)).where(t.c.id.in_(heads))).scalar()

    def forget(self, conversation: str) -> int:
        """Delete ``conversation``'s waiting replies (``scopebot forget``); how many there were."""
        with self.engine.begin() as conn:
            return conn.execute(self.table.delete().where(self.table.c.conversation == conversation)).rowcount

    def pending(self) -> int:
        import sqlalchemy as sa

        with self.engine.begin() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(self.table)).scalar() or 0)


class Outbox:
    """The worker: posts due rows, oldest first per conversation, until none is left."""

    def __init__(self, store: OutboxStore, send: Callable[[Dict[str, Any]], Awaitable[Outcome]],
                 settings: Optional[OutboxSettings] = None,
                 on_refused: Optional[Callable[[Dict[str, Any], str], Awaitable[None]]] = None) -> None:
        self.store = store
        self.send = send
        self.on_refused = on_refused
        self.settings = settings or OutboxSettings()
        self.worker = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._wake: Optional[asyncio.Event] = None
        self._task: Optional[asyncio.Task] = None

    async def enqueue(self, conversation: str, payloads: Sequence[Dict[str, Any]]) -> None:
        """Store a turn's replies (raises when the table cannot be written), then post them."""
        if not payloads:
            return
        await asyncio.to_thread(self.store.add, conversation, list(payloads), time.time(), self.settings.expiry_s)
        self.wake()

    def wake(self) -> None:
        if self._wake is not None:
            self._wake.set()

    def start(self) -> None:
        """Start the worker on the running loop; rows left by an earlier run are posted first."""
        if self._task is None:
            self._wake = asyncio.Event()
            self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            self._wake.clear()
            try:
                await self.run_once()
                due = await asyncio.to_thread(self.store.next_due)
                pause = POLL_S if due is None else min(POLL_S, max(0.05, due - time.time()))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the table unreachable for a moment: try again soon
                logger.warning("Slack outbox unavailable (%s); trying again in %.0f s", type(exc).__name__, POLL_S)
                pause = POLL_S
            try:
                await asyncio.wait_for(self._wake.wait(), pause)
            except asyncio.TimeoutError:
                pass

    async def run_once(self) -> int:
        """Post every due row (each conversation's in order); the number of rows handled."""
        handled = 0
        while True:
            rows = await asyncio.to_thread(self.store.claim_due, self.worker, time.time())
            if not rows:
                return handled
            results = await asyncio.gather(*(self._deliver(row) for row in rows))
            handled += len(rows)
            if not any(results):  # nothing freed a next row: the rest waits for its backoff
                return handled

    async def _deliver(self, row: Row) -> bool:
        """Post one claimed row; True when it left the table (so its conversation's next row is due)."""
        now = time.time()
        if now >= row.expires_at:
            self._expired(row, now)
            await asyncio.to_thread(self.store.done, row.id, self.worker)
            return True
        try:
            outcome = await self.send(row.payload)
        except Exception as exc:  # noqa: BLE001 - a bug in send must not stop the worker
            logger.exception("Slack outbox: posting reply %s failed unexpectedly", row.id)
            outcome = Outcome(False, transient=True, error=type(exc).__name__)
        if outcome.delivered:
            await asyncio.to_thread(self.store.done, row.id, self.worker)
            if row.attempts:
                logger.info("Slack outbox: reply %s delivered after %d failed tries (%.0f s late)",
                            row.id, row.attempts, time.time() - row.created_at)
            return True
        if not outcome.transient:
            logger.error("Slack outbox: reply %s to channel %s refused by Slack (%s); not retried",
                         row.id, row.payload.get("channel"), outcome.error)
            await asyncio.to_thread(self.store.done, row.id, self.worker)
            if self.on_refused is not None:
                await self.on_refused(row.payload, outcome.error)
            return True
        wait = self.settings.backoff_s(row.attempts + 1, outcome.retry_after)
        if time.time() + wait >= row.expires_at:
            self._expired(row, time.time(), outcome.error)
            await asyncio.to_thread(self.store.done, row.id, self.worker)
            return True
        logger.warning("Slack outbox: reply %s not posted (%s, try %d); next try in %.1f s",
                       row.id, outcome.error, row.attempts + 1, wait)
        await asyncio.to_thread(self.store.later, row.id, self.worker, time.time() + wait, outcome.error)
        return False

    def _expired(self, row: Row, now: float, error: str = "") -> None:
        logger.error("Slack outbox: reply %s to channel %s expired undelivered after %.0f s and %d tries%s; "
                     "the user did not get it", row.id, row.payload.get("channel"), now - row.created_at,
                     row.attempts + (1 if error else 0), f" (last error {error})" if error else "")


#: How the Slack channel finds its outbox table. Where the table lives depends on the
#: deployment profile, which the runtime layer knows and the channels layer must not import,
#: so the runtime installs the factory (``bot.runtime.rasa_server``) before Rasa builds its
#: channels. Without one the channel posts directly, with in-call retries only.
_store_factory: Optional[Callable[[], OutboxStore]] = None


def use_store(factory: Optional[Callable[[], OutboxStore]]) -> None:
    """Install (or, with None, remove) the factory of the outbox table."""
    global _store_factory
    _store_factory = factory


def configured_store() -> Optional[OutboxStore]:
    """The outbox table the runtime configured, or None when it configured none."""
    return _store_factory() if _store_factory is not None else None
