"""One turn at a time per conversation, across every replica: an atomic Redis lock.

Rasa's ``RedisLockStore`` reads a JSON "ticket lock", changes it in Python and writes it
back (GET then SET), so two replicas can both see the lock free and run two turns of one
conversation at once; the turns then both append their events and the stored conversation
interleaves or repeats them. This store takes the lock with one atomic ``SET key token NX
PX lifetime`` and gives it back with a compare-and-delete script (only the holder's token
deletes it), renewing the expiry while a long turn runs so it never lapses under it.

Within one process, turns of the same conversation also queue on an ``asyncio.Lock`` first,
so they are served in arrival order and only one of them polls Redis. Redis calls use
``redis.asyncio`` with short timeouts: Redis down or black-holed delays a turn by at most a
few seconds and never blocks the event loop; it then fails with :class:`StorageUnavailable`
(a 503 on REST and in the widget), and the next turn after Redis is back works again.

Selected by ``bot.runtime.profiles`` (``lock_store: type: bot.rasa_ext.lock_store.AtomicRedisLockStore``).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Dict, Optional

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore

from bot.rasa_ext.storage_faults import StorageUnavailable

logger = logging.getLogger(__name__)

__all__ = ["AtomicRedisLockStore", "RELEASE_SCRIPT", "RENEW_SCRIPT"]

#: Delete the key only when it still holds our token (another turn may own it after expiry).
RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
#: Extend the expiry only when the key still holds our token.
RENEW_SCRIPT = ("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) "
                "else return 0 end")
REDIS_TIMEOUT_S = 2.0
#: How long a turn waits for another replica's turn of the same conversation before giving up.
WAIT_LIMIT_S = 120.0


class AtomicRedisLockStore(LockStore):
    def __init__(self, endpoint_config: Any = None, *, host: str = "localhost", port: int = 6379, db: int = 0,
                 username: Optional[str] = None, password: Optional[str] = None, use_ssl: bool = False,
                 ssl_ca_certs: Optional[str] = None, key_prefix: str = "scopebot",
                 poll_s: float = 0.05, client: Any = None) -> None:
        kwargs: Dict[str, Any] = dict(endpoint_config.kwargs) if endpoint_config is not None else {}
        if endpoint_config is not None and endpoint_config.url:
            kwargs.setdefault("host", endpoint_config.url)
        self.host = str(kwargs.get("host", host))
        self.port = int(kwargs.get("port", port))
        self.db = int(kwargs.get("db", db))
        self.username = kwargs.get("username", username) or None
        self.password = kwargs.get("password", password) or None
        self.use_ssl = _truthy(kwargs.get("use_ssl", use_ssl))
        self.ssl_ca_certs = kwargs.get("ssl_ca_certs", ssl_ca_certs) or None
        self.prefix = f"{kwargs.get('key_prefix', key_prefix)}:lock:"
        self.poll_s = poll_s
        self._client = client
        self._local: Dict[str, asyncio.Lock] = {}
        super().__init__()

    # ----- Redis --------------------------------------------------------------------------------
    @property
    def client(self) -> Any:
        if self._client is None:  # created on first use, inside the server's event loop
            import redis.asyncio as aioredis

            extra: Dict[str, Any] = {"ssl": True, "ssl_ca_certs": self.ssl_ca_certs} if self.use_ssl else {}
            self._client = aioredis.Redis(host=self.host, port=self.port, db=self.db, username=self.username,
                                          password=self.password, socket_connect_timeout=REDIS_TIMEOUT_S,
                                          socket_timeout=REDIS_TIMEOUT_S, retry_on_timeout=False, **extra)
        return self._client

    async def _redis(self, what: str, call: Any) -> Any:
        import redis

        try:
            return await asyncio.wait_for(call, REDIS_TIMEOUT_S * 2)
        except (redis.RedisError, OSError, asyncio.TimeoutError) as exc:
            logger.error("Conversation lock: %s failed (%s)", what, type(exc).__name__)
            raise StorageUnavailable("conversation lock", exc) from exc

    # ----- the lock Rasa uses: `async with lock_store.lock(conversation_id)` ----------------------
    @asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncIterator[TicketLock]:
        local = self._local.setdefault(conversation_id, asyncio.Lock())
        try:
            async with local:
                token = await self._acquire(conversation_id, lock_lifetime)
                renewer = asyncio.ensure_future(self._keep_alive(conversation_id, token, lock_lifetime))
                try:
                    yield TicketLock(conversation_id)
                finally:
                    renewer.cancel()
                    await self._release(conversation_id, token)
        finally:
            if not local.locked() and self._local.get(conversation_id) is local and not _has_waiters(local):
                del self._local[conversation_id]

    async def _acquire(self, conversation_id: str, lifetime: float) -> str:
        token = uuid.uuid4().hex
        key = self.prefix + conversation_id
        deadline = time.monotonic() + WAIT_LIMIT_S
        while True:
            if await self._redis("taking the lock", self.client.set(key, token, nx=True, px=int(lifetime * 1000))):
                return token
            if time.monotonic() > deadline:
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            await asyncio.sleep(self.poll_s)

    async def _keep_alive(self, conversation_id: str, token: str, lifetime: float) -> None:
        key = self.prefix + conversation_id
        try:
            while True:
                await asyncio.sleep(lifetime / 3)
                await self.client.eval(RENEW_SCRIPT, 1, key, token, int(lifetime * 1000))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the lock then lapses on its own expiry
            logger.warning("Conversation lock: renewing failed (%s)", type(exc).__name__)

    async def _release(self, conversation_id: str, token: str) -> None:
        try:
            await self._redis("releasing the lock",
                              self.client.eval(RELEASE_SCRIPT, 1, self.prefix + conversation_id, token))
        except StorageUnavailable:
            pass  # the key expires by itself after the lifetime

    # ----- Rasa's ticket-lock interface (not used by this store's `lock`) --------------------------
    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        return None

    def delete_lock(self, conversation_id: str) -> None:
        return None

    def save_lock(self, lock: TicketLock) -> None:
        return None


def _has_waiters(lock: asyncio.Lock) -> bool:
    waiters = getattr(lock, "_waiters", None)
    return bool(waiters)


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")
