"""Abuse limits: how many messages one conversation, one client and one Slack user may send.

Each limit is a token bucket: ``N per S seconds`` allows a burst of N messages and then
one more every S/N seconds. A refused request learns when the next one will be accepted
(HTTP 429 with ``Retry-After``; in Slack, a short polite reply). The defaults are far above
what a person typing ever sends, so only scripts meet them::

    SCOPEBOT_RATE_LIMIT=off                                  # load tests (make bench)
    SCOPEBOT_RATE_LIMIT="conversation=60/60,client=600/60,slack_user=30/60"   # the defaults

Buckets live in this process's memory (bounded: the least recently used keys are forgotten
first), so with several replicas each one applies the limits to what it receives.

The client is the peer's address. Behind a reverse proxy on the same machine (a loopback
peer), it is the last address the proxy appended to ``X-Forwarded-For``; a loopback peer
without that header is a process on this machine (a test, a script) and has no client limit.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from ipaddress import ip_address
from typing import Callable, Mapping, Optional

__all__ = ["Rule", "Buckets", "RateLimits", "client_key", "RATE_LIMIT_ENV", "DEFAULT_RULES"]

RATE_LIMIT_ENV = "SCOPEBOT_RATE_LIMIT"
KINDS = ("conversation", "client", "slack_user")


@dataclass(frozen=True)
class Rule:
    """``count`` messages per ``seconds``."""

    count: int
    seconds: float

    @classmethod
    def parse(cls, text: str) -> Rule:
        count, _, seconds = text.partition("/")
        try:
            rule = cls(int(count), float(seconds))
        except ValueError:
            raise ValueError(f"a rate limit looks like 60/60 (messages/seconds), not {text!r}") from None
        if rule.count < 1 or not rule.seconds > 0:
            raise ValueError(f"a rate limit needs at least 1 message per a positive time, not {text!r}")
        return rule


DEFAULT_RULES: dict[str, Rule] = {"conversation": Rule(60, 60), "client": Rule(600, 60), "slack_user": Rule(30, 60)}


class Buckets:
    """One token bucket per key; at most ``max_keys`` are kept (least recently used dropped)."""

    def __init__(self, rule: Rule, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.rule = rule
        self.max_keys = max_keys
        self._clock = clock
        self._rate = rule.count / rule.seconds
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, when)
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when ``key`` may go ahead (and count it), else seconds until it may."""
        now = self._clock()
        with self._lock:
            tokens, when = self._buckets.pop(key, (float(self.rule.count), now))
            tokens = min(float(self.rule.count), tokens + (now - when) * self._rate)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / self._rate
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            return wait


class RateLimits:
    """The limits of one process, from ``SCOPEBOT_RATE_LIMIT`` (None for a kind: no limit)."""

    def __init__(self, rules: Mapping[str, Optional[Rule]]) -> None:
        self.buckets = {kind: Buckets(rule) for kind, rule in rules.items() if rule is not None}

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> RateLimits:
        return cls(parse_rules(env.get(RATE_LIMIT_ENV)))

    def check(self, **keys: Optional[str]) -> Optional[int]:
        """None when every named key (``conversation=``, ``client=``, ``slack_user=``) is within its
        limit, else the whole seconds to wait (for ``Retry-After``). Keys that are None are skipped."""
        wait = 0.0
        for kind, key in keys.items():
            buckets = self.buckets.get(kind)
            if buckets is not None and key:
                wait = max(wait, buckets.take(key))
        return max(1, math.ceil(wait)) if wait > 0 else None


def parse_rules(raw: Optional[str]) -> dict[str, Optional[Rule]]:
    """``off``, empty (the defaults) or ``kind=N/S,...`` (unnamed kinds keep their defaults)."""
    text = (raw or "").strip().lower()
    if text in ("off", "false", "0", "no"):
        return {kind: None for kind in KINDS}
    rules: dict[str, Optional[Rule]] = dict(DEFAULT_RULES)
    for part in filter(None, (p.strip() for p in text.split(","))):
        kind, _, value = part.partition("=")
        if kind.strip() not in KINDS:
            raise ValueError(f"{RATE_LIMIT_ENV}: unknown limit {kind.strip()!r} (known: {', '.join(KINDS)})")
        rules[kind.strip()] = None if value.strip() == "off" else Rule.parse(value.strip())
    return rules


def client_key(peer: Optional[str], forwarded_for: Optional[str]) -> Optional[str]:
    """The address to count a request against (None: a local process, no client limit)."""
    if not peer:
        return None
    try:
        local = ip_address(peer.strip("[]")).is_loopback
    except ValueError:
        local = False
    if not local:
        return peer
    hops = [h.strip() for h in (forwarded_for or "").split(",") if h.strip()]
    return hops[-1] if hops else None
