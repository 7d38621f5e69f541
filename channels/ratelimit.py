"""Abuse limits: how many messages one conversation, one client and one Slack user may send.

Each limit is a token bucket: ``N per S seconds`` allows a burst of N messages and then
one more every S/N seconds. A refused request learns when the next one will be accepted
(HTTP 429 with ``Retry-After``; in Slack, a short polite reply). The defaults are far above
what a person typing ever sends, so only scripts meet them::

    SCOPEBOT_RATE_LIMIT=off                                  # load tests (make bench)
    SCOPEBOT_RATE_LIMIT="conversation=60/60,client=600/60,slack_user=30/60"   # the defaults

Buckets live in this process's memory (bounded: the least recently used keys are forgotten
first), so with several replicas each one applies the limits to what it receives.

The client is the peer's address. Behind a trusted reverse proxy it is the nearest address
in ``X-Forwarded-For`` that is not itself a trusted proxy (the header is read from the right,
where each proxy appends its peer, so a client cannot choose its own key by sending one).
Trusted are loopback peers (nginx on the same machine) and the addresses or networks in
``SCOPEBOT_TRUSTED_PROXIES`` (e.g. ``10.0.0.0/8`` for an ingress on another machine). A
trusted peer without that header is a process of the deployment itself (a test, a script)
and has no client limit.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from ipaddress import ip_address, ip_network
from typing import Callable, Mapping, Optional

__all__ = ["Rule", "Buckets", "RateLimits", "client_key", "trusted_proxies", "RATE_LIMIT_ENV",
           "TRUSTED_PROXIES_ENV", "DEFAULT_RULES"]

RATE_LIMIT_ENV = "SCOPEBOT_RATE_LIMIT"
TRUSTED_PROXIES_ENV = "SCOPEBOT_TRUSTED_PROXIES"
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


def trusted_proxies(env: Mapping[str, str] = os.environ) -> tuple:
    """The networks of ``SCOPEBOT_TRUSTED_PROXIES`` (comma-separated addresses or CIDRs).
    Raises ValueError naming the bad entry, so a typo stops the start instead of trusting nobody."""
    nets = []
    for entry in (env.get(TRUSTED_PROXIES_ENV) or "").split(","):
        if entry.strip():
            try:
                nets.append(ip_network(entry.strip(), strict=False))
            except ValueError:
                raise ValueError(f"{TRUSTED_PROXIES_ENV}: {entry.strip()!r} is not an address or a network") from None
    return tuple(nets)


def _trusted(address: str, proxies: tuple) -> bool:
    try:
        ip = ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return ip.is_loopback or any(ip.version == net.version and ip in net for net in proxies)


def client_key(peer: Optional[str], forwarded_for: Optional[str], proxies: tuple = ()) -> Optional[str]:
    """The address to count a request against (None: a process of the deployment, no client limit)."""
    if not peer:
        return None
    if not _trusted(peer, proxies):
        return peer
    hops = [h.strip() for h in (forwarded_for or "").split(",") if h.strip()]
    for hop in reversed(hops):  # the nearest hop a trusted proxy did not add itself
        if not _trusted(hop, proxies):
            return hop
    return hops[0] if hops else None
