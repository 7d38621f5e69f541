"""Fail closed when conversations cannot be read or saved.

Rasa wraps every tracker store in ``FailSafeTrackerStore``: when a read fails it hands the
processor an *empty* conversation, and when a save fails it keeps the turn in process memory
only. The bot then answers without context, and those turns never reach the database. Here
that wrapper is replaced by :class:`StrictTrackerStore`, which turns any storage error into
:class:`StorageUnavailable`. The turn stops there: nothing of it is stored (Rasa saves a turn
in one transaction at its end), and each channel answers with :data:`CANNOT_SAVE` instead of
replies that would be forgotten. The next message after recovery reads the full conversation.

Stores that do blocking network I/O inside their ``async`` methods (Rasa's SQL store) set
``io_in_thread = True``; their calls then run in a small thread pool of their own, so a slow
or black-holed database holds up one turn, never the event loop, and each call has an
overall bound (:data:`STORE_CALL_TIMEOUT_S`) on top of the driver's own timeouts.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from typing import Any, Awaitable, Callable, Iterable, List, Optional, TypeVar

from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.guard import Patch, Target

__all__ = ["CANNOT_SAVE", "StorageUnavailable", "StrictTrackerStore", "install", "recording", "request_failure",
           "storage_failure", "uninstall", "watch_request"]

logger = logging.getLogger(__name__)

CANNOT_SAVE = ("Sorry, I can't save our conversation right now, so I haven't taken in your last message. "
               "Everything before it is kept; please send it again in a minute.")
#: Longest a single read or save of a conversation may take before the turn gives up.
STORE_CALL_TIMEOUT_S = 15.0
#: Threads for blocking store calls (a call stuck on a dead connection holds one until it fails).
STORE_THREADS = 8

T = TypeVar("T")


class StorageUnavailable(RuntimeError):
    """The conversation store or the conversation lock cannot be used right now."""

    def __init__(self, what: str, cause: Optional[BaseException] = None) -> None:
        super().__init__(f"{what} unavailable: {cause!r}" if cause is not None else f"{what} unavailable")
        self.what = what


def storage_failure(exc: BaseException) -> Optional[StorageUnavailable]:
    """The :class:`StorageUnavailable` behind ``exc`` (itself, or a cause of it), else None."""
    seen = 0
    current: Optional[BaseException] = exc
    while current is not None and seen < 10:
        if isinstance(current, StorageUnavailable):
            return current
        current = current.__cause__ or current.__context__
        seen += 1
    return None


_executor: Optional[ThreadPoolExecutor] = None
_executor_lock = threading.Lock()
_thread_loops = threading.local()


def _store_executor() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=STORE_THREADS, thread_name_prefix="tracker-store")
        return _executor


def _run_in_this_thread(make: Callable[[], Awaitable[T]]) -> T:
    # Each worker thread keeps one event loop of its own to run the store's coroutine on.
    loop = getattr(_thread_loops, "loop", None)
    if loop is None:
        loop = _thread_loops.loop = asyncio.new_event_loop()
    return loop.run_until_complete(make())  # type: ignore[arg-type]


class StrictTrackerStore(TrackerStore):
    """The configured tracker store, failing closed: every error is a :class:`StorageUnavailable`.

    Built by :func:`install` in place of Rasa's ``FailSafeTrackerStore``; the rest of the
    ``TrackerStore`` logic (``get_or_create_tracker`` ...) runs on top of these four calls.
    """

    def __init__(self, inner: TrackerStore) -> None:
        self._inner = inner
        self._in_thread = bool(getattr(_innermost(inner), "io_in_thread", False))
        super().__init__(inner.domain, inner.event_broker)

    @property
    def domain(self) -> Any:
        return self._inner.domain

    @domain.setter
    def domain(self, domain: Any) -> None:
        self._inner.domain = domain

    async def _call(self, what: str, make: Callable[[], Awaitable[T]]) -> T:
        try:
            if self._in_thread:
                future = asyncio.get_running_loop().run_in_executor(_store_executor(), _run_in_this_thread, make)
                return await asyncio.wait_for(future, STORE_CALL_TIMEOUT_S)
            return await asyncio.wait_for(make(), STORE_CALL_TIMEOUT_S)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - any store error means "cannot use it now"
            first_line = (str(exc).strip().splitlines() or [""])[0]
            logger.error("Conversation store: %s failed (%s: %s); the turn is not kept",
                         what, type(exc).__name__, first_line)
            raise StorageUnavailable("conversation store", exc) from exc

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return await self._call("reading a conversation", lambda: self._inner.retrieve(sender_id))

    async def retrieve_full_tracker(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return await self._call("reading a conversation", lambda: self._inner.retrieve_full_tracker(sender_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._call("saving a conversation", lambda: self._inner.save(tracker))

    async def keys(self) -> Iterable[str]:
        return await self._call("listing conversations", lambda: self._inner.keys())


def _innermost(store: Any) -> Any:
    # Rasa may wrap a store in AwaitableTrackerStore; the flag lives on the real one.
    while hasattr(store, "_tracker_store"):
        store = store._tracker_store
    return store


def _create_tracker_store(store: Any, domain: Any) -> Any:
    """``Agent._create_tracker_store`` with :class:`StrictTrackerStore` where Rasa puts its fail-safe wrapper."""
    from rasa.core.tracker_store import InMemoryTrackerStore

    if store is not None:
        store.domain = domain
    else:
        store = InMemoryTrackerStore(domain)
    return StrictTrackerStore(store)


def _targets() -> List[Target]:
    from rasa.core.agent import Agent

    return [(Agent, "_create_tracker_store", staticmethod(_create_tracker_store))]


PATCH = Patch("fail-closed conversation store (Agent._create_tracker_store)", _targets)


def install() -> bool:
    """Make every Rasa agent in this process use :class:`StrictTrackerStore` (no silent fallback).

    Applied on Rasa 3.6.x only (:mod:`bot.rasa_ext.guard`); True when it is in place."""
    return PATCH.install()


def uninstall() -> None:
    PATCH.uninstall()


# ----- per-request record, for channels whose base class swallows the turn's exception -----------
_request_failures: ContextVar[Optional[List[StorageUnavailable]]] = ContextVar("scopebot_storage_failures",
                                                                               default=None)


def watch_request() -> None:
    """Start recording storage failures for the request being handled (a Sanic request middleware)."""
    _request_failures.set([])


def request_failure() -> Optional[StorageUnavailable]:
    """The storage failure recorded since :func:`watch_request` in this request, if any."""
    failures = _request_failures.get()
    return failures[0] if failures else None


def recording(on_new_message: Callable[[Any], Awaitable[Any]]) -> Callable[[Any], Awaitable[Any]]:
    """``on_new_message`` that also notes a storage failure for :func:`request_failure`."""
    async def handle(message: Any) -> Any:
        try:
            return await on_new_message(message)
        except Exception as exc:
            failure = storage_failure(exc)
            failures = _request_failures.get()
            if failure is not None and failures is not None:
                failures.append(failure)
            raise

    return handle
