"""The production profile on the machine's PostgreSQL and Redis: persistence, two replicas,
faults, security defaults. On a laptop without those services these tests skip and say
why; with CI=true a missing service is a failure."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.domain.definitions import UNAVAILABLE
from tests.integration.nginx_front import need_nginx, wait_listening
from tests.integration.servers import ROOT, assessment, free_port, post, start_bot, wait_ready

pytestmark = pytest.mark.slow

PG = ("127.0.0.1", 5432)
REDIS = ("127.0.0.1", 6379)


def _listening(addr) -> bool:
    try:
        with socket.create_connection(addr, timeout=2):
            return True
    except OSError:
        return False


def _need(addr, name: str) -> None:
    if not _listening(addr):
        reason = f"{name} is not running on {addr[0]}:{addr[1]}"
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI=true: the production tests must run)")
        pytest.skip(reason)


def _pg(dbname: str = "postgres"):
    import psycopg2

    conn = psycopg2.connect(host=PG[0], port=PG[1], dbname=dbname, user="postgres", connect_timeout=5)
    conn.autocommit = True
    return conn


@pytest.fixture(scope="module")
def database_url():
    _need(PG, "PostgreSQL")
    name = f"scopebot_test_{uuid.uuid4().hex[:10]}"
    conn = _pg()
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    yield f"postgresql://postgres@{PG[0]}:{PG[1]}/{name}"
    conn = _pg()
    with conn.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    conn.close()


@pytest.fixture(scope="module")
def redis_url():
    _need(REDIS, "Redis")
    return f"redis://{REDIS[0]}:{REDIS[1]}/3"


#: Slack's signing secret for the replicas (Slack is on in them, posting to the module's fake API).
REPLICA_SLACK_SECRET = "rep-" + uuid.uuid4().hex


@pytest.fixture(scope="module")
def production_env(database_url, redis_url, fake):
    return {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "SLACK_BOT_TOKEN": "xoxb-replicas",
            "SLACK_SIGNING_SECRET": REPLICA_SLACK_SECRET, "SLACK_API_URL": fake.api_url, "SLACK_APP_TOKEN": ""}


def _events_of(database_url: str, sender: str) -> int:
    conn = _pg(database_url.rsplit("/", 1)[1])
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM events WHERE sender_id = %s", (sender,))
        count = cur.fetchone()[0]
    conn.close()
    return count


# ----- two replicas -------------------------------------------------------------------------
class Replicas(list):
    """[replica a, replica b]; b uses a separately started action server (``actions``) so a
    test can take that down while b keeps running."""

    actions: subprocess.Popen
    action_port: int
    work: Path


@pytest.fixture(scope="module")
def replicas(trained_model, tmp_path_factory, production_env):
    work = tmp_path_factory.mktemp("replicas")
    group = Replicas()
    group.work, group.action_port = work, free_port()
    group.actions = _start_actions(group.action_port, work / "actions.log")
    try:
        group.append(start_bot(work / "unused-a.db", work / "a.log", trained_model, env=production_env, wait=False))
        group.append(start_bot(work / "unused-b.db", work / "b.log", trained_model, env={
            **production_env, "SCOPEBOT_ACTION_URL": f"http://127.0.0.1:{group.action_port}/webhook"}, wait=False))
        for bot in group:
            wait_ready(bot, timeout=420)  # two models loading at once on two cores
        yield group
    finally:
        for bot in group:
            bot.stop()
        if group.actions.poll() is None:
            _kill_group(group.actions)


def test_conversations_live_in_postgres(replicas, database_url):
    a, _ = replicas
    me = f"pg-{uuid.uuid4().hex[:8]}"
    assert assessment(a.send(me, "We run phone support for a bank"))["channels"] == ["voice"]
    assert _events_of(database_url, f"rest:{me}") > 0
    assert not a.db.exists()  # nothing went to SQLite


def test_alternate_turns_on_two_replicas_keep_every_signal(replicas, database_url):
    a, b = replicas
    me = f"alt-{uuid.uuid4().hex[:8]}"
    turns = ["We answer phone calls for an insurance company", "customers also email us",
             "and we have live chat on the website", "we'd like WhatsApp too", "also SMS reminders"]
    adds = ["voice", "email", "chat", "messaging", "sms"]
    events_before = 0
    for i, text in enumerate(turns):
        replies = (a if i % 2 == 0 else b).send(me, text)
        # each replica sees what the other one stored: the channels so far, plus this one
        assert set(assessment(replies)["channels"]) == set(adds[:i + 1]), (i, text)
        events_now = _events_of(database_url, f"rest:{me}")
        assert events_now > events_before  # every turn landed in the shared store
        events_before = events_now
    final = assessment(replies)
    assert {"voice", "email", "chat", "messaging", "sms"} <= set(final["channels"])
    assert final["recommendation"] == "CONTACT_CENTER"


def test_rest_senders_are_bounded_and_namespaced_on_postgres(replicas, database_url):
    a, _ = replicas
    status, body = post(f"{a.url}/webhooks/rest/webhook", json.dumps({"sender": "p" * 256, "message": "hi"}).encode())
    assert status == 400 and "200 characters" in body  # was a 500 from PostgreSQL (the column holds 255)
    longest = "p" * 200
    assert assessment(a.send(longest, "We answer phone calls for a bank"))
    assert _events_of(database_url, f"rest:{longest}") > 0


def test_forget_and_retention_delete_from_postgres_and_redis(replicas, database_url, redis_url, production_env):
    import redis

    from bot.runtime.profiles import Profile
    from bot.runtime.retention import database_url as store_url
    from bot.runtime.retention import purge

    a, _ = replicas
    gone, old, kept = (f"{kind}-{uuid.uuid4().hex[:8]}" for kind in ("forget", "old", "kept"))
    for me in (gone, old, kept):
        assert a.send(me, "We answer email for a school")
    lock = redis.Redis.from_url(redis_url)
    lock.set(f"scopebot:lock:rest:{gone}", "left behind")
    out = subprocess.run([sys.executable, "-m", "bot.runtime.cli", "forget", f"rest:{gone}"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60,
                         env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **production_env})
    assert out.returncode == 0 and "deleted" in out.stdout, out.stderr
    assert _events_of(database_url, f"rest:{gone}") == 0 and not lock.exists(f"scopebot:lock:rest:{gone}")
    assert not [r for r in a.send(gone, "/ask_brief") if (r.get("custom") or {}).get("type") == "brief"]

    conn = _pg(database_url.rsplit("/", 1)[1])
    with conn.cursor() as cur:
        cur.execute("UPDATE events SET timestamp = timestamp - 40 * 86400 WHERE sender_id = %s", (f"rest:{old}",))
    conn.close()
    assert purge(store_url(Profile.from_env(production_env), Path("unused.db")), 30) >= 1
    assert _events_of(database_url, f"rest:{old}") == 0 and _events_of(database_url, f"rest:{kept}") > 0


def test_the_action_server_gets_no_database_or_redis_url(replicas):
    from tests.integration.procs import environ_of, listening_addresses, pids_with

    a, _ = replicas
    [pid] = pids_with("actions.server", "--port", str(a.action_port))
    environ = environ_of(pid)
    assert not {"DATABASE_URL", "REDIS_URL", "SCOPEBOT_DB_PASSWORD", "SCOPEBOT_REDIS_PASSWORD"} & set(environ)
    assert listening_addresses(a.action_port) == {"0100007F"}


def _balanced(backends: list[str], prefix: Path):
    """Real nginx (the config `scopebot cluster` renders) in front of ``backends``; returns (url, stop)."""
    from bot.runtime.balancer import BalancerSettings, Nginx

    need_nginx()
    port = free_port()
    nginx = Nginx(prefix, [b.split("//", 1)[1] for b in backends], BalancerSettings(listen=f"127.0.0.1:{port}"))
    nginx.start()
    wait_listening(port)
    return f"http://127.0.0.1:{port}", nginx.stop


def test_fifty_simultaneous_conversations_over_both_replicas_do_not_leak(replicas, tmp_path):
    a, b = replicas
    url, stop = _balanced([a.url, b.url], tmp_path / "nginx")
    run = uuid.uuid4().hex[:6]
    extra = {0: ("customers also email us", "email"), 1: ("we also run live chat", "chat")}

    def converse(i: int):
        me = f"many-{run}-{i}"
        said, channel = extra[i % 2]
        turns = ["We only take phone calls for our clinic", said]
        out = None
        for text in turns:
            status, body = post(f"{url}/webhooks/rest/webhook", json.dumps({"sender": me, "message": text}).encode())
            assert status == 200, body
            out = assessment(json.loads(body))
        return i, channel, out

    try:
        with ThreadPoolExecutor(50) as pool:
            results = list(pool.map(converse, range(50)))
    finally:
        stop()
    for i, channel, out in results:
        assert out is not None, i
        assert set(out["channels"]) == {"voice", channel}, (i, out["channels"])


# ----- faults --------------------------------------------------------------------------------
def _turn(url: str, sender: str, text: str) -> list[dict]:
    status, body = post(f"{url}/webhooks/rest/webhook", json.dumps({"sender": sender, "message": text}).encode())
    assert status == 200, body
    return json.loads(body)


def _until_refused(port: int, timeout: float = 60) -> None:
    """Wait until nothing listens on ``port``. A process killed with -9 keeps its listening
    socket until the kernel has torn it down; a request that lands in that moment was
    accepted, so nginx cannot tell that the turn never ran and (rightly) does not repeat it."""
    deadline = time.monotonic() + timeout
    while _listening(("127.0.0.1", port)) and time.monotonic() < deadline:
        time.sleep(0.1)


def test_sigkill_of_a_replica_behind_nginx_loses_no_turn_and_its_restart_resumes(replicas, trained_model,
                                                                                  production_env, tmp_path):
    url, stop = _balanced([replicas[0].url, replicas[1].url], tmp_path / "nginx")
    me = f"kill-{uuid.uuid4().hex[:8]}"
    try:
        _turn(url, me, "We take phone calls and emails for a travel agency")
        replicas[0].stop(signal.SIGKILL)  # the whole replica: supervisor, Rasa and action server
        _until_refused(replicas[0].port)
        for text in ("we also do live chat", "and we answer on WhatsApp"):  # nginx skips the dead one
            out = assessment(_turn(url, me, text))
        assert {"voice", "email", "chat", "messaging"} <= set(out["channels"])
    finally:
        stop()
        if replicas[0].proc.poll() is not None:
            replicas[0] = start_bot(replicas.work / "unused-a.db", replicas.work / "a2.log", trained_model,
                                    env=production_env)
    a = assessment(replicas[0].send(me, "customers text us by SMS too"))  # from PostgreSQL, on the restarted one
    assert {"voice", "email", "chat", "messaging", "sms"} <= set(a["channels"])


def _established(port: int) -> int:
    """Open TCP connections to ``port`` on this machine (nginx keeps none to the replicas
    between requests, so one means a request in flight)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "01" and int(fields[1].split(":")[1], 16) == port:  # 01: ESTABLISHED
                count += 1
    return count


def test_a_replica_killed_during_a_slack_turn_loses_nothing_and_answers_once(replicas, trained_model, production_env,
                                                                            redis_url, fake, tmp_path):
    """A Slack direct message reaches a replica through nginx, which claims the event and starts
    the turn (held here at the conversation lock, so the kill surely lands inside it), and the
    replica is killed -9 before it answered. nginx answers Slack 502, so Slack retries: at once
    (the dead replica's claim has not lapsed yet: 503, try later, rather than a 200 that would
    end Slack's retries), then a minute later, when the surviving replica handles it. The user
    gets exactly one reply, and the message is stored once."""
    import redis

    from channels.delivery import LEASE_S
    from tests.integration.fake_slack import dm_event, event_callback, slack_post

    url, stop = _balanced([replicas[0].url, replicas[1].url], tmp_path / "nginx")
    channel, event_id = f"D0K{uuid.uuid4().hex[:8].upper()}", f"Ev{uuid.uuid4().hex[:12].upper()}"
    body = json.dumps(event_callback(dm_event(channel, "U0KILL", "We only take phone calls for our plumbing company."),
                                     event_id))
    store = redis.Redis.from_url(redis_url)
    lock = f"scopebot:lock:slack:T0SCOPE:{channel}"
    claim = f"scopebot:slack:claim:event:{event_id}"
    victim = None
    try:
        store.set(lock, "held-by-the-test", px=120_000)
        with ThreadPoolExecutor(1) as pool:
            first = pool.submit(slack_post, f"{url}/webhooks/slack/events", body, REPLICA_SLACK_SECRET)
            deadline = time.monotonic() + 10
            while not store.exists(claim) and time.monotonic() < deadline:
                time.sleep(0.01)
            [victim] = [i for i, r in enumerate(replicas) if _established(r.port)]
            replicas[victim].stop(signal.SIGKILL)  # mid-turn: claimed, waiting for the conversation's lock
            status, _, _ = first.result()
        assert status >= 500, "the killed replica's delivery must look failed to Slack, so that it retries"
        store.delete(lock)
        _until_refused(replicas[victim].port)
        retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
        status, text, _ = slack_post(f"{url}/webhooks/slack/events", body, REPLICA_SLACK_SECRET, headers=retry)
        # The dead replica's claim holds for LEASE_S: not acknowledged, so Slack comes back later.
        assert status == 503, (status, text)
        assert not fake.find("chat.postMessage", channel=channel)
        time.sleep(LEASE_S + 2)  # Slack's second retry comes a minute after the first
        retry = {"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_error"}
        status, text, _ = slack_post(f"{url}/webhooks/slack/events", body, REPLICA_SLACK_SECRET, headers=retry)
        assert status == 200, text
        [reply] = fake.wait_for("chat.postMessage", channel=channel, timeout=120)
        assert reply.params["text"].startswith("Recommendation: call center")
        time.sleep(3)
        assert len(fake.find("chat.postMessage", channel=channel)) == 1, "exactly one reply"
    finally:
        stop()
        store.delete(lock)
        if victim is not None and replicas[victim].proc.poll() is not None:
            env = dict(production_env)
            if victim == 1:
                env["SCOPEBOT_ACTION_URL"] = f"http://127.0.0.1:{replicas.action_port}/webhook"
            replicas[victim] = start_bot(replicas.work / f"unused-{'ab'[victim]}.db",
                                         replicas.work / f"{'ab'[victim]}-slack.log", trained_model, env=env)
    conn = _pg(production_env["DATABASE_URL"].rsplit("/", 1)[1])
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM events WHERE sender_id = %s AND type_name = 'user'",
                    (f"slack:T0SCOPE:{channel}",))
        assert cur.fetchone()[0] == 1, "the message was stored once"
    conn.close()


def _start_actions(port: int, log: Path) -> subprocess.Popen:
    out = open(log, "ab")
    proc = subprocess.Popen([sys.executable, "-m", "bot.runtime.cli", "actions", "--port", str(port)], cwd=ROOT,
                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).close()
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("action server did not start")


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


def test_action_server_down_gets_an_apology_then_the_conversation_resumes(replicas, fake):
    """REST, the widget and Slack each tell the user when the action server is down (the failed
    action is noted by bot.rasa_ext.action_faults, not guessed from an empty reply)."""
    from tests.integration.fake_slack import dm_event, event_callback, slack_post

    b = replicas[1]
    me = f"down-{uuid.uuid4().hex[:8]}"
    assert assessment(b.send(me, "We answer phone calls for a gym chain"))["channels"] == ["voice"]
    _kill_group(replicas.actions)
    replies = b.send(me, "we also answer emails")
    assert [r.get("text") for r in replies] == [UNAVAILABLE]
    status, body = post(f"{b.url}/webhooks/web/conversations", b"{}")
    web_id = json.loads(body)["conversation_id"]
    turn = {"conversation_id": web_id, "text": "We take phone calls for a bakery"}
    status, body = post(f"{b.url}/webhooks/web/message", json.dumps(turn).encode())
    assert status == 200 and [m["text"] for m in json.loads(body)["messages"]] == [UNAVAILABLE]
    channel = f"D0DN{uuid.uuid4().hex[:8].upper()}"
    event = event_callback(dm_event(channel, "U0DOWN", "We take phone calls for a bakery"),
                           f"Ev{uuid.uuid4().hex[:12].upper()}")
    status, text, _ = slack_post(f"{b.url}/webhooks/slack/events", json.dumps(event), REPLICA_SLACK_SECRET)
    assert status == 200, text
    [apology] = fake.wait_for("chat.postMessage", channel=channel, timeout=60)
    assert apology.params["text"] == UNAVAILABLE
    time.sleep(2)
    assert len(fake.find("chat.postMessage", channel=channel)) == 1, "the apology alone, once"
    replicas.actions = _start_actions(replicas.action_port, replicas.work / "actions.log")
    a = assessment(b.send(me, "and we run live chat"))
    assert "voice" in a["channels"] and "chat" in a["channels"]


@pytest.mark.parametrize("variable, url", [
    ("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/scopebot"),
    ("REDIS_URL", "redis://127.0.0.1:1/0"),
])
def test_unreachable_service_at_start_is_a_clear_error_within_seconds(trained_model, variable, url, request):
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    if variable == "REDIS_URL":
        env["DATABASE_URL"] = request.getfixturevalue("database_url")
    else:
        env.pop("REDIS_URL", None)
    env[variable] = url
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "bot.runtime.cli", "run", "--model", str(trained_model),
                           "--port", str(free_port()), "--action-port", str(free_port())],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert time.monotonic() - started < 30
    assert variable in proc.stderr and "127.0.0.1:1" in proc.stderr


def _restart_postgres() -> None:
    if shutil.which("pg_ctlcluster") and shutil.which("pg_lsclusters"):
        version, cluster = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True,
                                          check=True).stdout.split()[:2]
        subprocess.run(["pg_ctlcluster", version, cluster, "restart"], check=True, timeout=120)
    else:
        subprocess.run(["service", "postgresql", "restart"], check=True, timeout=120)
    deadline = time.monotonic() + 60
    while not _listening(PG) and time.monotonic() < deadline:
        time.sleep(0.5)


def test_bot_reconnects_after_postgres_restarts(replicas):
    if not (shutil.which("pg_ctlcluster") or shutil.which("service")) or os.geteuid() != 0:
        pytest.skip("cannot restart PostgreSQL on this machine (needs root and pg_ctlcluster or service)")
    a, _ = replicas
    me = f"pgrestart-{uuid.uuid4().hex[:8]}"
    a.send(me, "We handle phone calls for a utility company")
    _restart_postgres()
    time.sleep(2)
    out = assessment(a.send(me, "customers email us as well"))
    assert {"voice", "email"} <= set(out["channels"])


# ----- security defaults ---------------------------------------------------------------------
API_TOKEN = "tok-" + uuid.uuid4().hex
SLACK_SECRET = "sec-" + uuid.uuid4().hex
SLACK_TOKEN = "xoxb-" + uuid.uuid4().hex


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_http_api_is_off_by_default(shared_bot):
    assert _get(f"{shared_bot.url}/conversations/alice/tracker") == 404
    assert _get(f"{shared_bot.url}/status") == 404


def test_api_needs_its_token_bodies_are_capped_and_no_secret_is_logged(trained_model, tmp_path):
    log = tmp_path / "bot.log"
    bot = start_bot(tmp_path / "s.db", log, trained_model, env={
        "SCOPEBOT_ENABLE_API": "true", "SCOPEBOT_API_TOKEN": API_TOKEN,
        "SLACK_BOT_TOKEN": SLACK_TOKEN, "SLACK_SIGNING_SECRET": SLACK_SECRET,
        "SLACK_API_URL": "http://127.0.0.1:9/api/", "SLACK_APP_TOKEN": ""})
    try:
        bot.send("secure-1", "We answer phone calls for a pharmacy")
        assert _get(f"{bot.url}/conversations/secure-1/tracker") == 401
        assert _get(f"{bot.url}/conversations/secure-1/tracker?token=wrong-token-value") == 401
        assert _get(f"{bot.url}/conversations/secure-1/tracker?token={API_TOKEN}") == 200
        status, _ = post(f"{bot.url}/webhooks/rest/webhook", b'{"sender": "x", "message": "' + b"a" * 2_000_000
                         + b'"}')
        assert status == 413
        ps = subprocess.run(["ps", "axww", "-o", "args"], capture_output=True, text=True).stdout
        assert API_TOKEN not in ps
    finally:
        bot.stop()
    text = log.read_text(errors="replace")
    for secret in (API_TOKEN, SLACK_SECRET, SLACK_TOKEN):
        assert secret not in text
    for endpoints in (ROOT / "var").glob("endpoints.runtime-*.yml"):
        assert API_TOKEN not in endpoints.read_text()


def test_slack_duplicates_are_dropped_across_replicas(redis_url):
    """Each replica builds its duplicate filter from REDIS_URL; a delivery handled by one
    replica is a duplicate for the other. Without Redis, a replica still filters alone."""
    from channels.dedup import MemorySeenStore, RedisSeenStore, seen_store_from_env

    first, second = seen_store_from_env({"REDIS_URL": redis_url}), seen_store_from_env({"REDIS_URL": redis_url})
    assert isinstance(first, RedisSeenStore) and isinstance(second, RedisSeenStore)
    event_id = f"Ev{uuid.uuid4().hex}"
    assert first.first_time(event_id) is True
    assert second.first_time(event_id) is False and first.first_time(event_id) is False
    assert 0 < first.client.ttl(first.prefix + event_id) <= 3600  # forgotten after an hour

    assert isinstance(seen_store_from_env({}), MemorySeenStore)
    down = RedisSeenStore.from_url("redis://127.0.0.1:1/0")
    assert down.first_time(event_id) is True and down.first_time(event_id) is False


def test_rate_limits_are_shared_by_replicas_through_redis(redis_url):
    """Two replicas built from the same REDIS_URL draw on one budget per key, so N replicas no
    longer allow N times the limit; keys are hashed and expire; without Redis each process
    still limits on its own, and an unreachable Redis neither raises nor stalls a message."""
    import redis

    from channels.ratelimit import RATE_LIMIT_ENV, Buckets, RateLimits, RedisBuckets

    env = {"REDIS_URL": redis_url, RATE_LIMIT_ENV: "conversation=3/60,client=off,slack_user=off"}
    first, second = RateLimits.from_env(env), RateLimits.from_env(env)
    assert isinstance(first.buckets["conversation"], RedisBuckets)
    me = f"rest:limit-{uuid.uuid4().hex}"
    answers = [first.check(conversation=me), second.check(conversation=me), first.check(conversation=me)]
    assert answers == [None, None, None]
    assert second.check(conversation=me) == 20 and first.check(conversation=me) == 20  # 1 per 20 s
    assert first.check(conversation=me + "-other") is None  # another conversation has its own budget

    client = redis.Redis.from_url(redis_url)
    keys = [k.decode() for k in client.keys("scopebot:ratelimit:conversation:*")]
    assert keys and not any(me in k for k in keys)  # hashed, not the conversation id
    # only this test's own keys: other tests' keys may expire between KEYS and TTL (TTL -2)
    mine = [first.buckets["conversation"]._key(c) for c in (me, me + "-other")]
    assert set(mine) <= set(keys)
    assert all(0 < client.ttl(k) <= 120 for k in mine)  # 2 x the 60 s window, then gone

    assert isinstance(RateLimits.from_env({RATE_LIMIT_ENV: "conversation=3/60"}).buckets["conversation"], Buckets)
    down = RateLimits.from_env({**env, "REDIS_URL": "redis://127.0.0.1:1/0"})
    started = time.monotonic()
    assert [down.check(conversation=me) for _ in range(4)] == [None, None, None, 20]
    assert time.monotonic() - started < 2


# ----- the conversation lock and Slack claims, shared by replicas through Redis ---------------------
def test_concurrent_turns_of_one_conversation_on_two_replicas_are_stored_once_in_order(replicas, database_url):
    """Six messages of one conversation sent at the same moment, three to each replica: the
    Redis lock lets one turn run at a time, so each message is stored once and each turn's
    events (user message, actions, bot replies, listen) stay together."""
    a, b = replicas
    me = f"race-{uuid.uuid4().hex[:8]}"
    assert a.send(me, "We answer phone calls for a hotel group")
    texts = ["customers also email us", "we run live chat on the website", "we'd like WhatsApp too",
             "also SMS reminders", "we handle billing questions", "and we want to cut costs"]
    barrier = threading.Barrier(len(texts))

    def send(i: int):
        barrier.wait()
        return (a if i % 2 == 0 else b).send(me, texts[i])

    with ThreadPoolExecutor(len(texts)) as pool:
        answers = list(pool.map(send, range(len(texts))))
    assert all(answers)
    conn = _pg(database_url.rsplit("/", 1)[1])
    with conn.cursor() as cur:
        cur.execute("SELECT type_name, action_name, data FROM events WHERE sender_id = %s ORDER BY id", (f"rest:{me}",))
        rows = cur.fetchall()
    conn.close()
    users = [json.loads(data)["text"] for kind, _, data in rows if kind == "user"]
    assert sorted(users) == sorted(["We answer phone calls for a hotel group", *texts]), users
    assert len(set(json.loads(data)["timestamp"] for *_, data in rows)) == len(rows), "no event stored twice"
    first_user = next(i for i, (kind, *_) in enumerate(rows) if kind == "user")
    turns, current = [], []
    for kind, action, _ in rows[first_user:]:
        if kind == "user" and current:
            turns.append(current)
            current = []
        current.append((kind, action))
    turns.append(current)
    assert len(turns) == len(users)
    for turn in turns:  # one whole turn after another, never two mixed
        assert turn[-1] == ("action", "action_listen"), turn
        assert [k for k, _ in turn].count("user") == 1 and turn.count(("action", "action_listen")) == 1, turn


def test_the_lock_is_atomic_and_only_its_holder_releases_it(redis_url):
    import asyncio

    from bot.rasa_ext.lock_store import RELEASE_SCRIPT, AtomicRedisLockStore

    host, port_db = redis_url.split("//", 1)[1].split(":")
    port, db = (int(x) for x in port_db.split("/"))
    conversation = f"lock-{uuid.uuid4().hex[:8]}"

    async def run() -> list[str]:
        replicas = [AtomicRedisLockStore(host=host, port=port, db=db, poll_s=0.01) for _ in range(2)]
        inside, seen = [0], []

        async def turn(store: AtomicRedisLockStore, n: int) -> None:
            async with store.lock(conversation, lock_lifetime=5):
                inside[0] += 1
                seen.append(f"in{inside[0]}")
                await asyncio.sleep(0.02)
                inside[0] -= 1

        await asyncio.gather(*(turn(replicas[n % 2], n) for n in range(20)))
        key = replicas[0].prefix + conversation
        assert await replicas[0].client.exists(key) == 0, "released after the last turn"
        await replicas[1].client.set(key, "someone-else", px=5000)
        assert await replicas[0].client.eval(RELEASE_SCRIPT, 1, key, "my-stale-token") == 0
        assert await replicas[0].client.get(key) == b"someone-else", "a stale holder cannot free another's lock"
        await replicas[1].client.delete(key)
        for store in replicas:
            await store.client.close()
        return seen

    assert asyncio.run(run()) == ["in1"] * 20, "never two turns inside at once"


def test_redis_acl_users_are_used_and_a_wrong_password_is_a_storage_error(redis_url):
    import asyncio

    import redis

    from bot.rasa_ext.lock_store import AtomicRedisLockStore
    from bot.rasa_ext.storage_faults import StorageUnavailable

    admin = redis.Redis.from_url(redis_url)
    user, password = f"scopebot-test-{uuid.uuid4().hex[:6]}", uuid.uuid4().hex
    admin.acl_setuser(user, enabled=True, passwords=[f"+{password}"], keys=["scopebot:*"],
                      commands=["+select", "+set", "+get", "+eval", "+pexpire", "+del", "+exists"])
    host, port_db = redis_url.split("//", 1)[1].split(":")
    port, db = (int(x) for x in port_db.split("/"))

    async def turn(secret: str) -> None:
        store = AtomicRedisLockStore(host=host, port=port, db=db, username=user, password=secret)
        try:
            async with store.lock(f"acl-{uuid.uuid4().hex[:6]}"):
                pass
        finally:
            await store.client.close()

    try:
        asyncio.run(turn(password))
        with pytest.raises(StorageUnavailable):
            asyncio.run(turn("wrong-" + password))
    finally:
        admin.acl_deluser(user)


def test_slack_claims_are_shared_across_replicas(redis_url):
    import asyncio

    from channels.delivery import MemoryClaims, RedisClaims, claims_from_env

    async def run() -> None:
        first, second = claims_from_env({"REDIS_URL": redis_url}), claims_from_env({"REDIS_URL": redis_url})
        assert isinstance(first, RedisClaims) and isinstance(second, RedisClaims)
        key = f"event:Ev{uuid.uuid4().hex}"
        token = await first.claim(key)
        assert token and await second.claim(key) is None, "running on the other replica: dropped"
        await first.release(key, token)
        again = await second.claim(key)
        assert again, "given back after a failed turn: the retry runs"
        await second.finish(key, again)
        assert await first.claim(key) is None, "stored: dropped"
        assert 0 < await first.client.pttl(first.prefix + key) <= 3600_000
        down = RedisClaims.from_url("redis://127.0.0.1:1/0")
        assert await down.claim(key) and await down.claim(key) is None, "Redis down: this replica's memory"
        for claims in (first, second, down):
            await claims.client.close()
        assert isinstance(claims_from_env({}), MemoryClaims)

    asyncio.run(run())
