"""Handle each Slack event once, and never lose one whose first delivery failed.

Slack resends an event (same ``event_id``, with ``X-Slack-Retry-Num``) when the first
delivery got no 200 in time: the bot was restarting, a replica died mid-request, or the bot
answered 5xx because it could not store the turn. Dropping every retry loses those messages;
marking an event "seen" before its turn ran does the same. So each event is *claimed*:

* ``claim`` succeeds for the first delivery, and for a repeat whose earlier claim was given
  back (the turn failed) or lapsed (the replica holding it died);
* a repeat after the turn was stored (claim finished), or while it runs in this process, is
  acknowledged and dropped;
* a repeat while another replica holds the claim is answered 503 (see ``DropRepeats``): that
  replica may have died with the turn (a 200 would end Slack's retries and lose the message),
  and Slack's next retry, a minute later, finds the claim either finished or lapsed.

A claim is ``run:<token>`` with a lease (``SET NX PX``), renewed while the turn runs;
``finish`` turns it into ``done`` for an hour, ``release`` deletes it. Both compare the token
first (a Lua script in Redis), so a delivery whose lease lapsed cannot undo a newer one.
:class:`MemoryClaims` serves one process (the embedded profile), :class:`RedisClaims` every
replica (``REDIS_URL``); if Redis fails, the replica falls back to its own memory.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from typing import Callable, Dict, List, Mapping, Optional, Protocol, Tuple

__all__ = ["Claims", "MemoryClaims", "RedisClaims", "Delivery", "claims_from_env"]

logger = logging.getLogger(__name__)

#: How long a claim survives without renewal (a replica that died frees its events after this).
LEASE_S = 45.0
#: How long a finished event is remembered (Slack stops retrying within about six minutes).
DONE_TTL_S = 3600.0

_FINISH = ("if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[1], 'done', 'PX', ARGV[2]) "
           "return 1 else return 0 end")
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
_RENEW = ("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) "
          "else return 0 end")


class Claims(Protocol):
    async def claim(self, key: str) -> Optional[str]:
        """A token when this caller now owns ``key``; None when it is running elsewhere or done."""
        ...

    async def renew(self, key: str, token: str) -> None: ...

    async def finish(self, key: str, token: str) -> None: ...

    async def release(self, key: str, token: str) -> None: ...

    async def is_done(self, key: str) -> bool:
        """True when ``key``'s turn was stored (finished), False while it runs or when unknown."""
        ...


class MemoryClaims:
    """Claims of one process: ``key -> (value, expires at)``, expired entries dropped on the way."""

    def __init__(self, lease: float = LEASE_S, done_ttl: float = DONE_TTL_S, max_size: int = 20_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.lease, self.done_ttl, self.max_size, self._clock = lease, done_ttl, max_size, clock
        self._items: Dict[str, Tuple[str, float]] = {}

    def _live(self, key: str) -> Optional[str]:
        item = self._items.get(key)
        if item is None:
            return None
        if item[1] <= self._clock():
            del self._items[key]
            return None
        return item[0]

    def _put(self, key: str, value: str, ttl: float) -> None:
        if len(self._items) >= self.max_size:
            now = self._clock()
            for old in [k for k, (_, expires) in self._items.items() if expires <= now]:
                del self._items[old]
            while len(self._items) >= self.max_size:  # still full: forget the oldest entry
                del self._items[next(iter(self._items))]
        self._items[key] = (value, self._clock() + ttl)

    async def claim(self, key: str) -> Optional[str]:
        if self._live(key) is not None:
            return None
        token = uuid.uuid4().hex
        self._put(key, f"run:{token}", self.lease)
        return token

    async def renew(self, key: str, token: str) -> None:
        if self._live(key) == f"run:{token}":
            self._put(key, f"run:{token}", self.lease)

    async def finish(self, key: str, token: str) -> None:
        if self._live(key) == f"run:{token}":
            self._put(key, "done", self.done_ttl)

    async def release(self, key: str, token: str) -> None:
        if self._live(key) == f"run:{token}":
            del self._items[key]

    async def is_done(self, key: str) -> bool:
        return self._live(key) == "done"


class RedisClaims:
    """The same claims in Redis, shared by every replica; this process's memory if Redis fails."""

    def __init__(self, client, lease: float = LEASE_S, done_ttl: float = DONE_TTL_S,  # noqa: ANN001
                 prefix: str = "scopebot:slack:claim:") -> None:
        self.client, self.prefix = client, prefix
        self.lease_ms, self.done_ms = int(lease * 1000), int(done_ttl * 1000)
        self._fallback = MemoryClaims(lease, done_ttl)

    @classmethod
    def from_url(cls, url: str, **kwargs) -> RedisClaims:  # noqa: ANN003
        import redis.asyncio as aioredis

        return cls(aioredis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2), **kwargs)

    async def _run(self, what: str, call, fallback):  # noqa: ANN001, ANN202 - fallback: a coroutine function
        import redis

        try:
            return await asyncio.wait_for(call, 5)
        except (redis.RedisError, OSError, asyncio.TimeoutError) as exc:
            logger.warning("Redis Slack claims unavailable for %s (%s); using this process's memory",
                           what, type(exc).__name__)
            return await fallback()

    async def claim(self, key: str) -> Optional[str]:
        token = uuid.uuid4().hex
        ok = await self._run("claim", self.client.set(self.prefix + key, f"run:{token}", nx=True, px=self.lease_ms),
                             lambda: self._fallback.claim(key))
        if isinstance(ok, str):  # the fallback's own token
            return ok
        return token if ok else None

    async def renew(self, key: str, token: str) -> None:
        await self._run("renew", self.client.eval(_RENEW, 1, self.prefix + key, f"run:{token}", self.lease_ms),
                        lambda: self._fallback.renew(key, token))

    async def finish(self, key: str, token: str) -> None:
        await self._run("finish", self.client.eval(_FINISH, 1, self.prefix + key, f"run:{token}", self.done_ms),
                        lambda: self._fallback.finish(key, token))

    async def release(self, key: str, token: str) -> None:
        await self._run("release", self.client.eval(_RELEASE, 1, self.prefix + key, f"run:{token}"),
                        lambda: self._fallback.release(key, token))

    async def is_done(self, key: str) -> bool:
        value = await self._run("state", self.client.get(self.prefix + key), lambda: self._fallback.is_done(key))
        return value is True or value in (b"done", "done")


def claims_from_env(env: Optional[Mapping[str, str]] = None) -> Claims:
    """Redis when ``REDIS_URL`` is set (the production profile), else this process's memory."""
    env = os.environ if env is None else env
    url = (env.get("REDIS_URL") or "").strip()
    return RedisClaims.from_url(url) if url else MemoryClaims()


class Delivery:
    """One claimed Slack event on its way through a turn.

    ``stored`` resolves once the turn's fate is known: True when Rasa stored it (a repeat is
    then dropped), False when it failed (the claim is given back, so Slack's retry runs it).
    The HTTP route waits for it briefly and answers Slack 503 on failure, so Slack retries.
    """

    def __init__(self, claims: Claims, event_id: str, token: str, retry_num: int = 0,
                 on_end: Optional[Callable[[], None]] = None) -> None:
        self.claims = claims
        self._on_end = on_end
        self.event_id = event_id
        self.retry_num = retry_num
        self._held: List[Tuple[str, str]] = [(f"event:{event_id}", token)]
        self.stored: asyncio.Future = asyncio.get_running_loop().create_future()
        #: Set by the HTTP route when it answered 200 before the turn's fate was known.
        self.acked = False
        self.failing = False
        self._renewer: Optional[asyncio.Task] = None

    async def also(self, key: str) -> bool:
        """Claim one more key for this delivery (the same message under another event id)."""
        token = await self.claims.claim(key)
        if token is None:
            return False
        self._held.append((key, token))
        return True

    def keep_alive(self) -> None:
        if self._renewer is None:
            self._renewer = asyncio.ensure_future(self._renew_forever())

    async def _renew_forever(self) -> None:
        lease = getattr(self.claims, "lease", None) or LEASE_S
        while True:
            await asyncio.sleep(lease / 3)
            for key, token in self._held:
                await self.claims.renew(key, token)

    async def finish(self) -> None:
        await self._end(True)

    async def release(self) -> bool:
        """Give the event back; True when the HTTP route will answer Slack with a 5xx (a retry comes)."""
        return await self._end(False)

    async def _end(self, stored: bool) -> bool:
        if self._renewer is not None:
            self._renewer.cancel()
        if self._on_end is not None:
            self._on_end()
        # Decided before any await: the route, once it sees `failing`, waits for the 503.
        self.failing = retry_coming = not stored and not self.acked
        for key, token in self._held:  # given back before Slack can hear about it and retry
            await (self.claims.finish(key, token) if stored else self.claims.release(key, token))
        if not self.stored.done():
            self.stored.set_result(stored)
        return retry_coming

    async def answer_status(self, wait_s: float) -> int:
        """The HTTP status for Slack: 503 when the turn failed within ``wait_s`` (Slack will
        retry), else 200 (stored, or still running: its own reply or apology will follow)."""
        try:
            stored = await asyncio.wait_for(asyncio.shield(self.stored), wait_s)
        except asyncio.TimeoutError:
            if not self.failing:
                self.acked = True
                return 200
            stored = await asyncio.shield(self.stored)  # failing right now: its claims are being given back
        return 200 if stored else 503
