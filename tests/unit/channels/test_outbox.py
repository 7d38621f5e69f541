"""The Slack outbox's rules on a real SQLite file (and PostgreSQL when it runs), without Rasa
or Slack: order per conversation, one post per row even with two workers, backoff and
Retry-After, permanent refusals, expiry logged without the text, and a restart picking up
what an earlier worker left. The end-to-end behaviour against the fake Slack API is in
tests/integration/test_slack.py and test_slack_outbox.py."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import stat
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import sqlalchemy as sa

from bot.runtime.outbox_store import forget_pending, outbox_store_from_env
from channels import outbox
from channels.outbox import Outbox, OutboxSettings, OutboxStore, Outcome

FAST = OutboxSettings(max_wait_s=0.2, base_s=0.05)


def sqlite_store(tmp_path: Path) -> OutboxStore:
    return OutboxStore(sa.engine.URL.create("sqlite", database=str(tmp_path / "outbox.db")))


class FlakySlack:
    """``send`` for the outbox: fails each text's first ``failures[text]`` tries, records what was posted."""

    def __init__(self, failures: Optional[Dict[str, int]] = None, transient: bool = True,
                 retry_after: Optional[float] = None, delay: float = 0.0) -> None:
        self.failures = dict(failures or {})
        self.transient, self.retry_after, self.delay = transient, retry_after, delay
        self.posted: List[str] = []
        self.tries: List[tuple[str, float]] = []

    async def __call__(self, payload: Dict[str, Any]) -> Outcome:
        text = payload["text"]
        self.tries.append((text, time.monotonic()))
        await asyncio.sleep(self.delay)
        if self.failures.get(text, 0) > 0:
            self.failures[text] -= 1
            return Outcome(False, self.transient, self.retry_after, "service_unavailable")
        self.posted.append(text)
        return Outcome(True)


def rows(*texts: str) -> List[Dict[str, Any]]:
    return [{"channel": "D0TEST", "text": t} for t in texts]


async def until_empty(store: OutboxStore, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while store.pending() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert store.pending() == 0


def test_replies_go_out_in_order_per_conversation_and_a_stuck_one_holds_up_only_its_own(tmp_path):
    store, slack = sqlite_store(tmp_path), FlakySlack({"a1": 4})

    async def run() -> None:
        outbox = Outbox(store, slack, FAST)
        outbox.start()
        await outbox.enqueue("conv-a", rows("a1", "a2"))
        await outbox.enqueue("conv-b", rows("b1"))
        await outbox.enqueue("conv-a", rows("a3"))
        await until_empty(store)
        await outbox.stop()

    asyncio.run(run())
    assert slack.posted.index("b1") < slack.posted.index("a1"), "conv-b did not wait for conv-a's outage"
    assert [t for t in slack.posted if t.startswith("a")] == ["a1", "a2", "a3"]
    assert [t for t, _ in slack.tries if t == "a1"] == ["a1"] * 5 and slack.posted.count("a1") == 1


def test_two_workers_on_one_table_post_each_reply_once(tmp_path):
    store, slack = sqlite_store(tmp_path), FlakySlack(delay=0.02)
    texts = [f"m{i}" for i in range(12)]

    async def run() -> None:
        first, second = Outbox(store, slack, FAST), Outbox(OutboxStore(store.engine.url), slack, FAST)
        for i, text in enumerate(texts):
            await first.enqueue(f"conv-{i % 3}", rows(text))
        await asyncio.gather(first.run_once(), second.run_once(), first.run_once(), second.run_once())
        await until_empty(store)

    asyncio.run(run())
    assert sorted(slack.posted) == sorted(texts) and len(slack.posted) == len(texts)
    for conv in range(3):
        mine = [t for t in slack.posted if int(t[1:]) % 3 == conv]
        assert mine == sorted(mine, key=lambda t: int(t[1:]))


def test_retry_after_is_honoured_even_beyond_the_backoff_cap():
    settings = OutboxSettings(max_wait_s=1.0, base_s=0.5)
    assert 0.4 <= settings.backoff_s(1, None) <= 0.5
    assert settings.backoff_s(10, None) <= 1.0
    assert settings.backoff_s(1, 7.0) == 7.0
    assert settings.backoff_s(1, 10 ** 6) == 900.0, "a silly Retry-After is capped"


def test_a_rate_limited_post_waits_for_retry_after(tmp_path):
    store, slack = sqlite_store(tmp_path), FlakySlack({"r1": 1}, retry_after=1.0)

    async def run() -> None:
        outbox = Outbox(store, slack, FAST)
        outbox.start()
        await outbox.enqueue("conv", rows("r1"))
        await until_empty(store)
        await outbox.stop()

    asyncio.run(run())
    (_, first), (_, second) = slack.tries
    assert second - first >= 0.95


def test_a_permanent_refusal_is_dropped_reported_and_does_not_block_the_next_reply(tmp_path, caplog):
    store, slack = sqlite_store(tmp_path), FlakySlack({"secret words": 1}, transient=False)
    refused: List[str] = []

    async def on_refused(payload: Dict[str, Any], error: str) -> None:
        refused.append(error)

    async def run() -> None:
        outbox = Outbox(store, slack, FAST, on_refused)
        await outbox.enqueue("conv", rows("secret words", "next"))
        await outbox.run_once()

    with caplog.at_level(logging.ERROR, logger="channels.outbox"):
        asyncio.run(run())
    assert slack.posted == ["next"] and refused == ["service_unavailable"] and store.pending() == 0
    assert "refused" in caplog.text and "secret words" not in caplog.text


def test_an_expired_reply_is_logged_at_error_without_its_text(tmp_path, caplog):
    store, slack = sqlite_store(tmp_path), FlakySlack({"my private plans": 1000})

    async def run() -> None:
        outbox = Outbox(store, slack, OutboxSettings(expiry_s=0.5, max_wait_s=0.1, base_s=0.05))
        outbox.start()
        await outbox.enqueue("conv", rows("my private plans"))
        # the next reply of the conversation, written with a long expiry of its own, so that a
        # busy machine cannot expire it too while it waits behind the first one
        await asyncio.to_thread(store.add, "conv", rows("after it"), time.time(), 60.0)
        outbox.wake()
        await until_empty(store)
        await outbox.stop()

    with caplog.at_level(logging.INFO, logger="channels.outbox"):
        asyncio.run(run())
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "expired undelivered" in errors[0].getMessage()
    assert "my private plans" not in caplog.text and "D0TEST" in errors[0].getMessage()
    assert slack.posted == ["after it"]


def test_a_new_worker_posts_what_a_stopped_one_left_pending(tmp_path):
    store = sqlite_store(tmp_path)
    down = FlakySlack({"kept": 10 ** 6})

    async def before() -> None:
        outbox = Outbox(store, down, FAST)
        outbox.start()
        await outbox.enqueue("conv", rows("kept", "and this"))
        while len(down.tries) < 2:
            await asyncio.sleep(0.05)
        await outbox.stop()

    asyncio.run(before())
    assert down.posted == [] and store.pending() == 2
    up = FlakySlack()

    async def after() -> None:  # a new process: a new store object on the same file
        reopened = sqlite_store(tmp_path)
        outbox = Outbox(reopened, up, FAST)
        outbox.start()
        await until_empty(reopened)
        await outbox.stop()

    asyncio.run(after())
    assert up.posted == ["kept", "and this"]


def test_the_embedded_outbox_lives_beside_the_tracker_store_readable_by_its_owner_only(tmp_path):
    store = outbox_store_from_env({"SCOPEBOT_DB": str(tmp_path / "data" / "trackers.db")})
    path = tmp_path / "data" / "trackers-slack-outbox.db"
    assert Path(store.engine.url.database) == path.resolve()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_forget_deletes_only_that_conversations_waiting_replies(tmp_path):
    env = {"SCOPEBOT_DB": str(tmp_path / "trackers.db")}
    assert forget_pending("slack:T1:D1", env) == 0, "no outbox yet: nothing created, nothing deleted"
    assert not (tmp_path / "trackers-slack-outbox.db").exists()
    store = outbox_store_from_env(env)
    store.add("slack:T1:D1", rows("mine", "mine too"), time.time(), 60)
    store.add("slack:T1:D2", rows("theirs"), time.time(), 60)
    assert forget_pending("slack:T1:D1", env) == 2
    assert store.pending() == 1


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="SCOPEBOT_SLACK_OUTBOX_EXPIRY_S"):
        OutboxSettings.from_env({"SCOPEBOT_SLACK_OUTBOX_EXPIRY_S": "soon"})
    with pytest.raises(ValueError, match="SCOPEBOT_SLACK_OUTBOX_MAX_WAIT_S"):
        OutboxSettings.from_env({"SCOPEBOT_SLACK_OUTBOX_MAX_WAIT_S": "0"})
    assert OutboxSettings.from_env({"SCOPEBOT_SLACK_OUTBOX_EXPIRY_S": "60"}).expiry_s == 60.0


def test_a_bad_outbox_setting_stops_the_start_with_a_clear_message(tmp_path):
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    model = tmp_path / "scopebot-unused.tar.gz"
    model.touch()  # never loaded: the settings are checked first
    done = subprocess.run([sys.executable, "-m", "bot.runtime.cli", "run", "--model", str(model)], cwd=root,
                          capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root), "RASA_TELEMETRY_ENABLED": "false",
                               "SCOPEBOT_DB": str(tmp_path / "t.db"), "SCOPEBOT_SLACK_OUTBOX_MAX_WAIT_S": "-1"})
    assert done.returncode == 2 and "SCOPEBOT_SLACK_OUTBOX_MAX_WAIT_S" in done.stderr, done.stderr


def _postgres_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
        return True
    except OSError:
        return False


def test_the_production_outbox_lives_in_postgres_and_keeps_the_rules(tmp_path):
    if not _postgres_up():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not running on 127.0.0.1:5432 (CI=true: this test must run)")
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    import psycopg2

    name = f"scopebot_outbox_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=5)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    try:
        store = outbox_store_from_env({"DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{name}?sslmode=disable"})
        assert store.engine.dialect.name == "postgresql"
        slack = FlakySlack({"p1": 2}, delay=0.01)

        async def run() -> None:
            first, second = Outbox(store, slack, FAST), Outbox(OutboxStore(store.engine.url), slack, FAST)
            await first.enqueue("conv", rows("p1", "p2", "p3"))
            await first.enqueue("other", rows("o1"))
            first.start()
            second.start()
            await until_empty(store)
            await first.stop()
            await second.stop()

        asyncio.run(run())
        assert [t for t in slack.posted if t.startswith("p")] == ["p1", "p2", "p3"] and len(slack.posted) == 4
        store.engine.dispose()
    finally:
        admin.cursor().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


def _start_replica(url: Any, start: Any, stores: List[OutboxStore], errors: List[BaseException]) -> None:
    start.wait()
    try:
        stores.append(OutboxStore(url))
    except Exception as exc:  # noqa: BLE001 - the test reports any failure
        errors.append(exc)


def test_replicas_starting_together_all_get_the_postgres_table():
    """PostgreSQL's check-then-create is not atomic: replicas that start at once race to create
    the table, and the losers must take the winner's table, not fail to start."""
    if not _postgres_up():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not running on 127.0.0.1:5432 (CI=true: this test must run)")
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    import threading

    import psycopg2

    admin = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=5)
    admin.autocommit = True
    try:
        for _ in range(3):  # the race is one of timing: several fresh databases, eight replicas each
            name = f"scopebot_outbox_{uuid.uuid4().hex[:8]}"
            admin.cursor().execute(f'CREATE DATABASE "{name}"')
            url = sa.engine.URL.create("postgresql", username="postgres", host="127.0.0.1", port=5432,
                                       database=name)
            start, stores, errors = threading.Barrier(8), [], []
            threads = [threading.Thread(target=_start_replica, args=(url, start, stores, errors)) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            try:
                assert errors == [] and len(stores) == 8
                stores[0].add("conv", rows("one"), time.time(), 60.0)
                assert stores[-1].pending() == 1
            finally:
                for store in stores:
                    store.engine.dispose()
                admin.cursor().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                                       (name,))
                admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        admin.close()


def test_the_channel_gets_its_table_from_the_runtime(tmp_path):
    """channels.outbox knows no profile: the runtime installs the factory, and without one there is no table."""
    assert outbox.configured_store() is None
    made = []
    outbox.use_store(lambda: made.append(1) or outbox_store_from_env({"SCOPEBOT_DB": str(tmp_path / "t.db")}))
    try:
        store = outbox.configured_store()
        assert made == [1] and isinstance(store, OutboxStore)
        assert Path(store.engine.url.database) == (tmp_path / "t-slack-outbox.db").resolve()
    finally:
        outbox.use_store(None)
    assert outbox.configured_store() is None
