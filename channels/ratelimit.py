"""Abuse limits: how many messages one conversation, one client and one Slack user may send.

Each limit is a token bucket: ``N per S seconds`` allows a burst of N messages and then
one more every S/N seconds. A refused request learns when the next one will be accepted
(HTTP 429 with ``Retry-After``; in Slack, a short polite reply). The defaults are far above
what a person typing ever sends, so only scripts meet them::

    SCOPEBOT_RATE_LIMIT=off                                  # load tests (make bench)
    SCOPEBOT_RATE_LIMIT="conversation=60/60,client=600/60,slack_user=30/60"   # the defaults

With ``REDIS_URL`` set (the production profile) the buckets live in Redis, so every replica
behind the load balancer draws on one budget per key: two replicas do not allow twice the
limit. Each take is one atomic Lua script on Redis's own clock; keys are hashed (no address or
conversation id is stored in the clear) and expire once their bucket would be full again. If
Redis cannot be reached, the replica falls back to its own memory for a few seconds (the
limits still hold, per process) rather than failing or stalling the message. Without Redis the
buckets live in this process's memory (bounded: the least recently used keys are forgotten
first).

The client is the peer's address. Behind a trusted reverse proxy it is the nearest address
in ``X-Forwarded-For`` that is not itself a trusted proxy (the header is read from the right,
where each proxy appends its peer, so a client cannot choose its own key by sending one).
Trusted are loopback peers (nginx on the same machine) and the addresses or networks in
``SCOPEBOT_TRUSTED_PROXIES`` (e.g. ``10.0.0.0/8`` for an ingress on another machine). A
trusted peer without that header is a process of the deployment itself (a test, a script)
and has no client limit.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from ipaddress import ip_address, ip_network
from typing import Callable, Mapping, Optional

__all__ = ["Rule", "Buckets", "RedisBuckets", "RateLimits", "client_key", "trusted_proxies", "RATE_LIMIT_ENV",
           "TRUSTED_PROXIES_ENV", "DEFAULT_RULES"]

logger = logging.getLogger(__name__)

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


#: One token bucket take, atomically, on Redis's clock (the replicas' clocks need not agree).
#: KEYS[1] the bucket; ARGV: capacity, refill per second, seconds to keep an idle bucket.
#: Returns the seconds to wait as a string (a Lua number would come back truncated to an integer).
_TAKE = """
local capacity, rate, keep = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'when')
local tokens = tonumber(saved[1]) or capacity
local when = tonumber(saved[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - when) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'when', tostring(now))
redis.call('EXPIRE', KEYS[1], keep)
return tostring(wait)
"""


class RedisBuckets:
    """:class:`Buckets` shared by every replica through Redis (same ``take``, same answers).

    The Redis calls are short and synchronous, like the duplicate filter's (:mod:`channels.dedup`):
    a local Redis answers in well under a millisecond. Timeouts are short, and after a failure the
    process uses its own :class:`Buckets` for :attr:`RETRY_AFTER_S` before trying Redis again, so
    an unreachable Redis costs at most one short wait now and then, never one per message.
    """

    RETRY_AFTER_S = 5.0

    def __init__(self, rule: Rule, client, kind: str, prefix: str = "scopebot:ratelimit:",
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rule = rule
        self.client = client
        self._prefix = f"{prefix}{kind}:"
        self._clock = clock
        self._rate = rule.count / rule.seconds
        # an idle bucket is full again after `seconds`; keep it a little longer, then let it go
        self._keep = max(1, math.ceil(rule.seconds * 2))
        self._fallback = Buckets(rule, clock=clock)
        self._redis_again_at = 0.0
        self._script = client.register_script(_TAKE)

    def _key(self, key: str) -> str:
        return self._prefix + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def take(self, key: str) -> float:
        """0 when ``key`` may go ahead (and count it), else seconds until it may."""
        import redis

        if self._clock() >= self._redis_again_at:
            try:
                return float(self._script(keys=[self._key(key)],
                                          args=[self.rule.count, repr(self._rate), self._keep]))
            except redis.RedisError as exc:
                self._redis_again_at = self._clock() + self.RETRY_AFTER_S
                logger.warning("Redis rate limits unavailable (%s); this process counts on its own "
                               "for %.0f s", type(exc).__name__, self.RETRY_AFTER_S)
        return self._fallback.take(key)


class RateLimits:
    """The limits, from ``SCOPEBOT_RATE_LIMIT`` (None for a kind: no limit): in this process's
    memory, or shared by every replica through Redis when ``REDIS_URL`` is set."""

    def __init__(self, rules: Mapping[str, Optional[Rule]], redis_url: Optional[str] = None) -> None:
        client = None
        if redis_url:
            import redis

            # one client (one connection pool) for every kind of limit
            client = redis.Redis.from_url(redis_url, socket_connect_timeout=0.5, socket_timeout=0.5)
        self.buckets: dict[str, Buckets | RedisBuckets] = {
            kind: RedisBuckets(rule, client, kind) if client is not None else Buckets(rule)
            for kind, rule in rules.items() if rule is not None}

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> RateLimits:
        return cls(parse_rules(env.get(RATE_LIMIT_ENV)), (env.get("REDIS_URL") or "").strip() or None)

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
