"""Storage faults on the production profile, injected through proxies this test controls.

One bot (PostgreSQL + Redis + Slack against the fake Slack API) reaches the machine's
PostgreSQL and Redis only through :class:`FaultProxy`, so the database or Redis can be made
to refuse connections or to swallow them silently, and healed again, without touching the
shared servers. What must hold: the user hears plainly that nothing could be saved, nothing
of the failed turn is kept, the event loop keeps answering, and after recovery the
conversation goes on with every earlier turn, without a restart.
"""

from __future__ import annotations

import json
import signal
import threading
import time
import uuid
from dataclasses import dataclass

import pytest

from bot.rasa_ext.storage_faults import CANNOT_SAVE
from channels.slack import WILL_RETRY
from tests.integration.fake_slack import FakeSlack, dm_event, event_callback, slack_post
from tests.integration.fault_proxy import FaultProxy
from tests.integration.servers import Bot, assessment, post, start_bot
from tests.integration.test_production import PG, REDIS, _need, _pg, database_url  # noqa: F401 - fixture

pytestmark = pytest.mark.slow

SECRET = "faults-" + uuid.uuid4().hex


@dataclass
class Faulty:
    bot: Bot
    pg: FaultProxy
    redis: FaultProxy
    fake: FakeSlack
    database: str


@pytest.fixture(scope="module")
def faulty(trained_model, tmp_path_factory, database_url):  # noqa: F811 - the imported fixture
    _need(REDIS, "Redis")
    work = tmp_path_factory.mktemp("faults")
    pg, redis, fake = FaultProxy(PG).start(), FaultProxy(REDIS).start(), FakeSlack().start()
    database = database_url.rsplit("/", 1)[1]
    env = {"DATABASE_URL": f"postgresql://postgres@127.0.0.1:{pg.port}/{database}?application_name=scopebot-faults",
           "REDIS_URL": f"redis://127.0.0.1:{redis.port}/3",
           "SLACK_BOT_TOKEN": "xoxb-faults", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url,
           "SLACK_APP_TOKEN": ""}
    bot = start_bot(work / "unused.db", work / "bot.log", trained_model, env=env)
    try:
        yield Faulty(bot, pg, redis, fake, database)
    finally:
        pg.heal()
        redis.heal()
        alive = bot.proc.poll() is None
        bot.stop(signal.SIGTERM)
        for proxy in (pg, redis):
            proxy.stop()
        fake.stop()
    assert alive, "the bot must survive every fault"


def _rest(bot: Bot, sender: str, text: str, timeout: float = 60) -> tuple[int, list]:
    status, body = post(f"{bot.url}/webhooks/rest/webhook", json.dumps({"sender": sender, "message": text}).encode(),
                        timeout)
    return status, json.loads(body)


def _widget(bot: Bot, path: str, body: dict) -> tuple[int, dict, dict]:
    import urllib.error
    import urllib.request

    req = urllib.request.Request(f"{bot.url}/webhooks/web/{path}", data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "Origin": bot.url})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read()), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read()), dict(exc.headers)


def _user_texts(database: str, sender: str) -> list[str]:
    """The user messages stored for ``sender`` (a LIKE pattern), in order."""
    conn = _pg(database)
    with conn.cursor() as cur:
        cur.execute("SELECT data FROM events WHERE sender_id LIKE %s AND type_name = 'user' ORDER BY id", (sender,))
        texts = [json.loads(row[0]).get("text") for row in cur.fetchall()]
    conn.close()
    return texts


def _health_answers(bot: Bot) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(bot.url + "/", timeout=3) as resp:
            return resp.status == 200
    except OSError:
        return False


def test_libpq_parameters_from_the_url_reach_the_database(faulty):
    conn = _pg()
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'scopebot-faults'")
        assert cur.fetchone()[0] >= 1, "?application_name=... in DATABASE_URL was passed to libpq"
    conn.close()


@pytest.mark.parametrize("store", ["postgres", "redis"])
def test_storage_down_is_said_plainly_keeps_nothing_half_done_and_recovers(faulty, store):
    bot, proxy = faulty.bot, (faulty.pg if store == "postgres" else faulty.redis)
    me = f"down-{store}-{uuid.uuid4().hex[:8]}"
    assert _rest(bot, me, "We answer phone calls for a gym chain")[0] == 200
    web = _widget(bot, "conversations", {})[1]
    web_id = web["conversation_id"]
    assert _widget(bot, "message", {"conversation_id": web_id, "text": "We take phone calls for a bakery"})[0] == 200
    before = _user_texts(faulty.database, f"%:{me}")
    proxy.refuse()
    try:
        status, replies = _rest(bot, me, "we also run live chat")
        assert status == 503 and [r["text"] for r in replies] == [CANNOT_SAVE]
        status, body, headers = _widget(bot, "message", {"conversation_id": web_id, "text": "and emails too"})
        assert status == 503 and body["error"] == CANNOT_SAVE
        assert headers.get("Access-Control-Allow-Origin") == bot.url, "the widget can read the refusal"
        assert _health_answers(bot)
    finally:
        proxy.heal()
    assert _user_texts(faulty.database, f"%:{me}") == before, "nothing of the failed turn was stored"
    out = assessment(_rest(bot, me, "customers also email us")[1])  # no restart needed
    assert {"voice", "email"} <= set(out["channels"]) and "chat" not in out["channels"]
    assert _user_texts(faulty.database, f"%:{me}") == [*before, "customers also email us"]
    status, body, _ = _widget(bot, "message", {"conversation_id": web_id, "text": "we also answer emails"})
    assert status == 200
    card = [m for m in body["messages"] if m.get("assessment")][-1]["assessment"]
    assert {"voice", "email"} <= set(card["channels"]), "the widget conversation kept its first turn"


def test_a_black_holed_database_never_freezes_the_bot(faulty):
    bot = faulty.bot
    me = f"blackhole-{uuid.uuid4().hex[:8]}"
    assert _rest(bot, me, "We answer phone calls for an insurer")[0] == 200
    faulty.pg.blackhole()
    result: dict = {}
    try:
        turn = threading.Thread(target=lambda: result.update(answer=_rest(bot, me, "we also take emails")))
        turn.start()
        time.sleep(1)
        for _ in range(3):  # the event loop answers while the turn waits on the database
            assert _health_answers(bot)
            time.sleep(1)
        turn.join(60)
        assert not turn.is_alive(), "the turn gave up on the database within its bound"
        status, replies = result["answer"]
        assert status == 503 and [r["text"] for r in replies] == [CANNOT_SAVE]
    finally:
        faulty.pg.heal()
    out = assessment(_rest(bot, me, "and live chat on the website")[1])
    assert {"voice", "chat"} <= set(out["channels"]) and "email" not in out["channels"]


def test_a_slack_message_that_could_not_be_stored_is_answered_on_slacks_retry(faulty):
    bot, fake = faulty.bot, faulty.fake
    channel, user = "D0FAULT", "U0PEGGY"
    event = json.dumps(event_callback(dm_event(channel, user, "We only take phone calls for our plumbing company."),
                                      f"Ev{uuid.uuid4().hex[:12].upper()}"))  # Redis outlives a run
    url = f"{bot.url}/webhooks/slack/events"
    faulty.pg.refuse()
    try:
        status, _, _ = slack_post(url, event, SECRET)
        assert status == 503, "Slack is told to send it again"
        [notice] = fake.wait_for("chat.postMessage", channel=channel, where=lambda c: c.params["text"] == WILL_RETRY)
    finally:
        faulty.pg.heal()
    status, _, _ = slack_post(url, event, SECRET, headers={"X-Slack-Retry-Num": "1",
                                                           "X-Slack-Retry-Reason": "http_error"})
    assert status == 200
    [reply] = fake.wait_for("chat.postMessage", channel=channel, where=lambda c: c.params["text"] != WILL_RETRY)
    assert reply.params["text"].startswith("Recommendation: call center")
    # a later retry of the now stored event changes nothing
    assert slack_post(url, event, SECRET, headers={"X-Slack-Retry-Num": "2"})[0] == 200
    time.sleep(1)
    assert len(fake.find("chat.postMessage", channel=channel)) == 2
    assert _user_texts(faulty.database, f"%{channel}%") == [
        "We only take phone calls for our plumbing company."]


def test_database_waits_are_bounded_connect_and_statement(database_url):  # noqa: F811 - the imported fixture
    """A server that accepts and never answers fails the connect in seconds; statements carry
    a server-side timeout. (Rasa's own engine would wait for ever on both.)"""
    from sqlalchemy.exc import OperationalError

    from bot.rasa_ext.tracker_store import CONNECT_TIMEOUT_S, ReconnectingSQLTrackerStore

    proxy = FaultProxy(PG).start()
    try:
        store = ReconnectingSQLTrackerStore(dialect="postgresql", host="127.0.0.1", port=proxy.port,
                                            db=database_url.rsplit("/", 1)[1], username="postgres",
                                            query={"application_name": "scopebot-bounded"})
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "10s"
            assert conn.exec_driver_sql("SHOW application_name").scalar() == "scopebot-bounded"
        store.engine.dispose()
        proxy.blackhole()
        started = time.monotonic()
        with pytest.raises(OperationalError, match="timeout"):
            store.engine.connect()
        assert time.monotonic() - started < CONNECT_TIMEOUT_S + 5
    finally:
        proxy.stop()


def test_tls_settings_reach_the_drivers(database_url):  # noqa: F811 - the imported fixture
    """The machine's PostgreSQL and Redis speak no TLS, so asking for it must fail, and say so:
    proof that ``sslmode`` and ``rediss://`` are acted on, not dropped."""
    from bot.runtime.profiles import Profile, check_services

    _need(REDIS, "Redis")
    ssl_off = _pg()
    with ssl_off.cursor() as cur:
        cur.execute("SHOW ssl")
        if cur.fetchone()[0] == "on":
            pytest.skip("this PostgreSQL speaks TLS; the refusal below cannot be shown")
    ssl_off.close()
    problems = check_services(Profile.from_env({"DATABASE_URL": database_url + "?sslmode=require",
                                                "REDIS_URL": f"rediss://{REDIS[0]}:{REDIS[1]}/3"}))
    assert len(problems) == 2, problems
    assert "DATABASE_URL" in problems[0] and "SSL" in problems[0]
    assert "REDIS_URL" in problems[1] and problems[1].startswith("cannot use Redis (TLS)")  # plain: fine below
    assert check_services(Profile.from_env({"DATABASE_URL": database_url + "?sslmode=prefer",
                                            "REDIS_URL": f"redis://{REDIS[0]}:{REDIS[1]}/3"})) == []
