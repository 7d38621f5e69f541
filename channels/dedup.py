"""Remember which Slack deliveries were already handled, so a repeat does nothing.

Slack may deliver one event more than once (retries after a slow or failed response, and
occasionally plain duplicates); each carries the same ``event_id``. The store answers one
question atomically: "is this key new? (and remember it)". ``MemorySeenStore`` keeps the
keys of one process; with several Rasa processes behind a load balancer (the production
profile, ``REDIS_URL`` set) ``RedisSeenStore`` shares them through Redis.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from typing import Callable, Mapping, Optional, Protocol

__all__ = ["SeenStore", "MemorySeenStore", "RedisSeenStore", "seen_store_from_env"]

logger = logging.getLogger(__name__)


class SeenStore(Protocol):
    def first_time(self, key: str) -> bool:
        """True the first time ``key`` is offered (within the store's memory), else False."""
        ...


class MemorySeenStore:
    """In-process LRU set with a time-to-live: at most ``max_size`` keys, each kept ``ttl`` s."""

    def __init__(self, max_size: int = 10_000, ttl: float = 3600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if max_size < 1 or ttl <= 0:
            raise ValueError("max_size must be >= 1 and ttl > 0")
        self.max_size = max_size
        self.ttl = ttl
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        now = self._clock()
        with self._lock:
            self._expire(now)
            if key in self._seen:
                return False
            self._seen[key] = now + self.ttl
            while len(self._seen) > self.max_size:
                self._seen.popitem(last=False)
            return True

    def _expire(self, now: float) -> None:
        # Insertion order is expiry order (same ttl for every key), so stop at the first live one.
        while self._seen:
            key, expires = next(iter(self._seen.items()))
            if expires > now:
                break
            del self._seen[key]

    def __len__(self) -> int:
        with self._lock:
            self._expire(self._clock())
            return len(self._seen)


class RedisSeenStore:
    """The same question answered by Redis (``SET key 1 NX EX ttl``), so every replica
    behind a load balancer agrees on what was already handled. If Redis cannot be reached
    for a moment, this replica falls back to its own memory rather than failing the event."""

    def __init__(self, client, ttl: float = 3600.0, prefix: str = "scopebot:slack:seen:") -> None:
        self.client = client
        self.ttl = int(ttl)
        self.prefix = prefix
        self._fallback = MemorySeenStore(ttl=ttl)

    @classmethod
    def from_url(cls, url: str, **kwargs) -> RedisSeenStore:
        import redis

        return cls(redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2), **kwargs)

    def first_time(self, key: str) -> bool:
        import redis

        try:
            return bool(self.client.set(self.prefix + key, "1", nx=True, ex=self.ttl))
        except redis.RedisError as exc:
            logger.warning("Redis duplicate filter unavailable (%s); using this process's memory", exc)
            return self._fallback.first_time(key)


def seen_store_from_env(env: Optional[Mapping[str, str]] = None) -> SeenStore:
    """Redis when ``REDIS_URL`` is set (the production profile), else this process's memory."""
    env = os.environ if env is None else env
    url = (env.get("REDIS_URL") or "").strip()
    return RedisSeenStore.from_url(url) if url else MemorySeenStore()
