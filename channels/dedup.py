"""Remember which Slack deliveries were already handled, so a repeat does nothing.

Slack may deliver one event more than once (retries after a slow or failed response, and
occasionally plain duplicates); each carries the same ``event_id``. The store answers one
question atomically: "is this key new? (and remember it)". ``MemorySeenStore`` keeps the
keys of one process; with several Rasa processes behind a load balancer, swap in a shared
store with the same method, e.g. Redis ``SET key 1 NX EX ttl`` returning whether it was set.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable, Protocol

__all__ = ["SeenStore", "MemorySeenStore"]


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
