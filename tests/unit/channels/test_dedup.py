"""The in-memory store that remembers which Slack deliveries were already handled."""

from __future__ import annotations

import pytest

from channels.dedup import MemorySeenStore


def test_first_time_only_once():
    seen = MemorySeenStore()
    assert seen.first_time("a") and not seen.first_time("a") and seen.first_time("b")


def test_entries_expire_after_the_ttl():
    now = [0.0]
    seen = MemorySeenStore(ttl=10, clock=lambda: now[0])
    assert seen.first_time("a")
    now[0] = 9.9
    assert not seen.first_time("a")
    now[0] = 10.1
    assert seen.first_time("a"), "forgotten after ten seconds"
    assert len(seen) == 1


def test_size_is_bounded_oldest_first():
    seen = MemorySeenStore(max_size=3)
    for key in "abcd":
        assert seen.first_time(key)
    assert len(seen) == 3
    assert seen.first_time("a"), "the oldest key was evicted"
    assert not seen.first_time("d")


def test_bad_store_settings():
    with pytest.raises(ValueError):
        MemorySeenStore(max_size=0)
