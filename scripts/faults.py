"""`make faults`: break a real running cluster on purpose and write docs/reliability.md.

What runs: `scopebot cluster`'s pieces (nginx in front of two `scopebot run` replicas,
supervised and restarted), one separate action server, the machine's PostgreSQL and Redis
each behind a TCP proxy that this script owns, and the local fake Slack API. A fault is
injected while several conversations are in the middle of their turns; afterwards every
conversation finishes, and each turn is classified from what actually happened:

- *assessed*: answered 200 with an assessment;
- *refused visibly*: an error status, or the bot's apology asking to send it again;
- *lost silently*: assessed at the time, yet its signal is missing from the conversation's
  final assessment (the bot went on without it). This is the number that must be 0.

PostgreSQL and Redis are "stopped" by their proxy (tests/integration/fault_proxy.py, the
one the tests use) dropping every open connection and refusing new ones, and "restarted" by
letting connections through again, so the machine's shared servers, which other work uses,
are never stopped. Slack faults are answers of the fake Slack API.
Every request has a timeout and every wait a bound, so the run ends by itself.

    .venv/bin/python scripts/faults.py --write docs/reliability.md
"""

from __future__ import annotations

import argparse
import json
import os
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
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain.definitions import UNAVAILABLE  # noqa: E402
from bot.runtime.balancer import BalancerSettings, Nginx  # noqa: E402
from bot.runtime.cluster import Cluster, Replica, kill_group  # noqa: E402
from tests.integration import fake_slack  # noqa: E402
from tests.integration.fault_proxy import FaultProxy  # noqa: E402

PG = ("127.0.0.1", 5432)
REDIS = ("127.0.0.1", 6379)
SLACK_SECRET = "faults-" + uuid.uuid4().hex
#: Each turn adds one channel, so a turn that the conversation forgot shows in the end.
TURNS = [("We answer phone calls for an insurance company", "voice"), ("customers also email us", "email"),
         ("and we have live chat on the website", "chat"), ("we'd like WhatsApp too", "messaging"),
         ("also SMS reminders", "sms")]
CONVERSATIONS = 4
REQUEST_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, body: bytes, timeout: float = REQUEST_TIMEOUT, headers: Optional[dict] = None):
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")
    except OSError as exc:
        return 0, f"{type(exc).__name__}: {exc}"


# ----- the system under test ---------------------------------------------------------------------------------
@dataclass
class Rig:
    model: Path
    work: Path
    database: str = ""
    pg: FaultProxy = field(default_factory=lambda: FaultProxy(PG))
    redis: FaultProxy = field(default_factory=lambda: FaultProxy(REDIS))
    slack: fake_slack.FakeSlack = field(default_factory=fake_slack.FakeSlack)
    action_port: int = field(default_factory=free_port)
    actions: Optional[subprocess.Popen] = None
    cluster: Optional[Cluster] = None
    url: str = ""
    action_token: str = field(default_factory=lambda: uuid.uuid4().hex)
    _stop: threading.Event = field(default_factory=threading.Event)

    def env(self) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
                "TF_CPP_MIN_LOG_LEVEL": "3", "SCOPEBOT_RATE_LIMIT": "off",
                "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{self.pg.port}/{self.database}",
                "REDIS_URL": f"redis://127.0.0.1:{self.redis.port}/5",
                "SLACK_BOT_TOKEN": "xoxb-faults", "SLACK_SIGNING_SECRET": SLACK_SECRET,
                "SLACK_API_URL": self.slack.api_url, "SLACK_APP_TOKEN": "",
                # the separate action server and every replica share one token (as deployed apart)
                "SCOPEBOT_ACTION_TOKEN": self.action_token}

    def start(self) -> None:
        import psycopg2

        self.database = f"scopebot_faults_{uuid.uuid4().hex[:8]}"
        conn = psycopg2.connect(host=PG[0], port=PG[1], user="postgres", dbname="postgres", connect_timeout=5)
        conn.autocommit = True
        conn.cursor().execute(f'CREATE DATABASE "{self.database}"')
        conn.close()
        self.pg.start()
        self.redis.start()
        self.slack.start()
        self.start_actions()
        port = free_port()
        replicas = [Replica(free_port(), self.action_port), Replica(free_port(), self.action_port)]
        model, action_url = str(self.model), f"http://127.0.0.1:{self.action_port}/webhook"

        def command(replica_port: int, _action_port: int) -> list[str]:
            return [sys.executable, "-m", "bot.runtime.cli", "run", "--model", model, "--port", str(replica_port),
                    "--action-url", action_url, "--host", "127.0.0.1"]

        nginx = Nginx(self.work / "nginx", [r.address for r in replicas],
                      BalancerSettings(listen=f"127.0.0.1:{port}"))
        self.cluster = Cluster(command, replicas, nginx, env=self.env(), say=lambda line: print(line, flush=True))
        self.url = f"http://127.0.0.1:{port}"
        if not self.cluster.start(timeout=600):
            raise RuntimeError("the replicas did not start")
        threading.Thread(target=self.cluster.serve, args=(self._stop.is_set,), daemon=True).start()
        self.wait_ready()
        if not wait(lambda: _answers(f"{self.url}/"), 30):  # nginx binds a moment after it starts
            raise RuntimeError("nginx did not answer")

    def start_actions(self) -> None:
        log = open(self.work / "actions.log", "ab")
        command = [sys.executable, "-m", "bot.runtime.cli", "actions", "--port", str(self.action_port)]
        self.actions = subprocess.Popen(command,
                                        cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        wait(lambda: _answers(f"http://127.0.0.1:{self.action_port}/health"), 180)

    def wait_ready(self, timeout: float = 600) -> float:
        """Seconds until every replica answers again (a restart loads the model)."""
        started = time.monotonic()
        ok = wait(lambda: all(_answers(f"http://{r.address}/") for r in self.cluster.replicas), timeout)
        return time.monotonic() - started if ok else float("nan")

    def stop(self) -> None:
        self._stop.set()
        if self.cluster is not None:
            self.cluster.stop()
        if self.actions is not None:
            kill_group(self.actions)
        self.slack.stop()
        self.pg.stop()
        self.redis.stop()
        if self.database:
            import psycopg2

            conn = psycopg2.connect(host=PG[0], port=PG[1], user="postgres", dbname="postgres", connect_timeout=5)
            conn.autocommit = True
            cur = conn.cursor()
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (self.database,))
            cur.execute(f'DROP DATABASE IF EXISTS "{self.database}"')
            conn.close()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3):
            return True
    except OSError:
        return False


def wait(check: Callable[[], bool], timeout: float, every: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return False


def _group_member(pgid: int, needle: str) -> Optional[int]:
    """A process of group ``pgid`` whose command line contains ``needle``."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
            if os.getpgid(int(proc.name)) == pgid and needle in cmdline:
                return int(proc.name)
        except (OSError, ProcessLookupError):
            continue
    return None


# ----- conversations under a fault ---------------------------------------------------------------------------
@dataclass
class Turn:
    status: int
    channels: Optional[list[str]]
    apology: bool


def rest_turn(url: str, sender: str, text: str) -> Turn:
    status, body = post(f"{url}/webhooks/rest/webhook", json.dumps({"sender": sender, "message": text}).encode())
    channels, apology = None, False
    if status == 200:
        replies = json.loads(body)
        apology = any(r.get("text") == UNAVAILABLE for r in replies)
        found = [r["custom"] for r in replies if isinstance(r.get("custom"), dict)
                 and r["custom"].get("type") == "assessment"]
        channels = found[-1]["channels"] if found else None
    return Turn(status, channels, apology)


@dataclass
class Row:
    fault: str
    how: str
    sent: int = 0
    assessed: int = 0
    refused: int = 0
    lost: int = 0
    recovery: str = ""
    note: str = ""
    #: how the refused turns were refused ("503", "apology", "no answer"...), and replies
    #: that were neither an assessment nor an apology (what the bot said instead).
    refusals: dict[str, int] = field(default_factory=dict)
    other: int = 0

    def refused_text(self) -> str:
        detail = ", ".join(f"{k} ×{v}" for k, v in sorted(self.refusals.items()))
        return f"{self.refused} ({detail})" if detail else str(self.refused)


def under_fault(rig: Rig, fault: str, how: str, inject: Callable[[], None], recover: Callable[[], str]) -> Row:
    """Turn 1 before the fault, turns 2-3 during it, recovery, turns 4-5 after it."""
    row = Row(fault, how)
    senders = [f"fault-{uuid.uuid4().hex[:8]}" for _ in range(CONVERSATIONS)]
    log: dict[str, list[Turn]] = {s: [] for s in senders}

    def run(turns: range) -> None:
        def one(sender: str) -> None:
            for i in turns:
                log[sender].append(rest_turn(rig.url, sender, TURNS[i][0]))
        with ThreadPoolExecutor(CONVERSATIONS) as pool:
            list(pool.map(one, senders))

    run(range(0, 1))
    inject()
    run(range(1, 3))
    row.recovery = recover()
    run(range(3, 5))
    for sender in senders:
        final = next((t.channels for t in reversed(log[sender]) if t.channels is not None), None) or []
        for i, turn in enumerate(log[sender]):
            row.sent += 1
            if turn.status == 200 and turn.channels is not None and not turn.apology:
                row.assessed += 1
                if TURNS[i][1] not in final:
                    row.lost += 1
            elif turn.status == 200 and not turn.apology:
                row.other += 1  # answered, but not with an assessment (not a fault's doing)
            else:
                row.refused += 1
                kind = "apology" if turn.apology else ("no answer" if turn.status == 0 else str(turn.status))
                row.refusals[kind] = row.refusals.get(kind, 0) + 1
    print(f"{fault}: {row}", flush=True)
    return row


def kill_rasa(rig: Rig) -> Row:
    replica = rig.cluster.replicas[0]

    def inject() -> None:
        pid = _group_member(replica.proc.pid, "bot.runtime.rasa_server")
        if pid:
            os.kill(pid, signal.SIGKILL)

    return under_fault(rig, "kill -9 of a Rasa server", "SIGKILL to one replica's Rasa process; the cluster "
                       "restarts the replica", inject, lambda: f"{rig.wait_ready():.0f} s until both replicas "
                       "answer again")


def kill_replica(rig: Rig) -> Row:
    replica = rig.cluster.replicas[1]
    return under_fault(rig, "kill -9 of one replica behind nginx", "SIGKILL to the replica's whole process group",
                       lambda: kill_group(replica.proc),
                       lambda: f"{rig.wait_ready():.0f} s until it answers again")


def kill_actions(rig: Rig) -> Row:
    def recover() -> str:
        time.sleep(5)
        started = time.monotonic()
        rig.start_actions()
        return f"restarted after 5 s; up {time.monotonic() - started:.0f} s later"

    return under_fault(rig, "kill -9 of the action server", "SIGKILL, restarted by this script 5 s later "
                       "(systemd or Kubernetes would)", lambda: kill_group(rig.actions), recover)


def outage(rig: Rig, name: str, proxy: FaultProxy) -> Row:
    def recover() -> str:
        time.sleep(5)
        proxy.heal()
        started = time.monotonic()
        ok = wait(lambda: rest_turn(rig.url, f"probe-{uuid.uuid4().hex[:6]}", TURNS[0][0]).channels is not None, 120, 1)
        return f"down 5 s+; first good turn {time.monotonic() - started:.0f} s after it was back" if ok else \
            "no good turn within 120 s after it was back"

    return under_fault(rig, f"{name} stopped, then restarted", f"the {name} TCP proxy dropped every connection and "
                       "refused new ones, then passed them again after the turns during the outage", proxy.refuse,
                       recover)


#: The second message: its reply must come after the first one's.
SLACK_FOLLOW_UP = "we'd like WhatsApp too"


def slack_fault(rig: Rig, name: str, how: str, inject: Callable[[str], None], bound_s: float,
                outage_s: Optional[float] = None) -> Row:
    """Two direct messages while the fake Slack API fails posts as ``inject`` says (for
    ``outage_s`` seconds, or a number of posts): the first one's reply meets the fault; the
    second is sent once the first post has failed, so its reply must wait its turn. Each reply
    must arrive exactly once, in order, within ``bound_s``."""
    channel, user = "D0F" + uuid.uuid4().hex[:8].upper(), "U0F" + uuid.uuid4().hex[:6].upper()
    inject(channel)
    back_at = time.monotonic() + outage_s if outage_s else None
    url = f"{rig.url}/webhooks/slack/events"

    def say(text: str) -> tuple[int, float]:
        event = fake_slack.event_callback(fake_slack.dm_event(channel, user, text))
        status, _body, seconds = fake_slack.slack_post(url, json.dumps(event), SLACK_SECRET)
        return status, seconds

    acks = [say(TURNS[0][0])]
    wait(lambda: bool(rig.slack.find("chat.postMessage", ok=None, channel=channel)), 60, 0.2)
    acks.append(say(SLACK_FOLLOW_UP))
    wait(lambda: len(rig.slack.find("chat.postMessage", channel=channel)) >= 2, bound_s, 0.5)
    time.sleep(2)  # a duplicate would show up now
    posted = rig.slack.find("chat.postMessage", channel=channel)
    failed = rig.slack.find("chat.postMessage", ok=False, channel=channel)
    # In order: the first reply delivered is the one whose posts failed (the same payload, retried).
    first_reply = json.dumps(failed[0].params if failed else posted[0].params if posted else None, sort_keys=True)
    in_order = len(posted) == 2 and json.dumps(posted[0].params, sort_keys=True) == first_reply \
        and json.dumps(posted[1].params, sort_keys=True) != first_reply
    delivered = min(len(posted), 2)
    row = Row(name, how, sent=2, assessed=delivered, lost=2 - delivered)
    ack = ", ".join(f"{status} in {seconds:.1f} s" for status, seconds in acks)
    late = ""
    if failed and posted:  # the API is back after its last failure (a count) or when the outage ends
        back = back_at if back_at is not None else failed[-1].at
        late = f"; the first reply {posted[0].at - back:.0f} s after the API was back"
    row.recovery = (f"events acknowledged {ack}; {len(failed)} failed post(s){late}; " +
                    (f"both replies posted, {'in order' if in_order else '**out of order**'}, "
                     f"{'once each' if len(posted) == 2 else f'**{len(posted)} posts**'}" if delivered == 2 else
                     f"{delivered} of 2 replies posted within {bound_s:.0f} s"))
    if delivered < 2:
        row.note = "the user got no answer and was not told"
    elif not in_order or len(posted) != 2:
        row.lost += 1
    print(f"{name}: {row}", flush=True)
    return row


def slack_faults(rig: Rig) -> list[Row]:
    """The Slack rows, run side by side (each on its own channel): they mostly wait."""
    fails = rig.slack.fail_next
    cases = [
        ("Slack API 5xx", "the fake Slack API answers chat.postMessage with 503 2x",
         lambda ch: fails("chat.postMessage", status=503, error="service_unavailable", retry_after=None, times=2,
                          channel=ch), 90),
        ("Slack API 429", "the fake Slack API answers chat.postMessage with 429 + Retry-After: 1, 1x",
         lambda ch: fails("chat.postMessage", status=429, error="ratelimited", retry_after=1, times=1,
                          channel=ch), 90),
        ("Slack API 5xx for longer", "the fake Slack API answers chat.postMessage with 503 8x (the old retry "
         "budget was 4 posts)", lambda ch: fails("chat.postMessage", status=503, error="service_unavailable",
                                                  retry_after=None, times=8, channel=ch), 240),
        ("Slack API down for 3 minutes", "the fake Slack API answers every chat.postMessage with 503 for 180 s",
         lambda ch: rig.slack.fail_for("chat.postMessage", 180, channel=ch), 300, 180),
    ]
    with ThreadPoolExecutor(len(cases)) as pool:
        return list(pool.map(lambda case: slack_fault(rig, *case), cases))


# ----- load and bad inputs ----------------------------------------------------------------------------------
def load(rig: Rig, conversations: int = 16, turns: int = 3) -> dict:
    times: list[float] = []
    errors = 0

    def one(i: int) -> None:
        nonlocal errors
        sender = f"load-{uuid.uuid4().hex[:8]}"
        for t in range(turns):
            started = time.monotonic()
            turn = rest_turn(rig.url, sender, TURNS[t][0])
            times.append(time.monotonic() - started)
            if turn.channels is None:
                errors += 1

    started = time.monotonic()
    with ThreadPoolExecutor(conversations) as pool:
        list(pool.map(one, range(conversations)))
    times.sort()
    return {"conversations": conversations, "turns": len(times), "errors": errors,
            "p95": times[int(0.95 * (len(times) - 1))], "seconds": time.monotonic() - started}


def bad_inputs(rig: Rig) -> list[dict]:
    web = f"{rig.url}/webhooks/web"

    def widget_id() -> str:
        status, body = post(f"{web}/conversations", b"{}")
        return json.loads(body)["conversation_id"] if status in (200, 201) else "none"

    def rest(text: str) -> Callable[[], tuple[int, str]]:
        return lambda: post(f"{rig.url}/webhooks/rest/webhook",
                            json.dumps({"sender": f"bad-{uuid.uuid4().hex[:6]}", "message": text}).encode())

    def raw(path: str, body: bytes) -> Callable[[], tuple[int, str]]:
        return lambda: post(f"{rig.url}{path}", body)

    cases: list[tuple[str, Callable[[], tuple[int, str]]]] = [
        ("REST: 20,000 digits", rest("1" * 20_000)),
        ("REST: 20,000 spaces and punctuation", rest(" ,;." * 5_000)),
        ("REST: 20,000 odd unicode (combining marks, RTL, zero-width)", rest("a\u0301\u200f\u200b\u05d0" * 4_000)),
        ("REST: 19,000 characters of RFP-like text", rest(("We answer phone calls and emails. " * 560)[:19_000])),
        ("REST: 95,000 characters of plain text", rest(("We answer phone calls and emails. " * 2_800)[:95_000])),
        ("REST: 2 MB body", raw("/webhooks/rest/webhook", b'{"sender":"x","message":"' + b"a" * 2_000_000 + b'"}')),
        ("REST: invalid JSON", raw("/webhooks/rest/webhook", b"{not json")),
        ("REST: sender of 256 characters", lambda: post(f"{rig.url}/webhooks/rest/webhook", json.dumps(
            {"sender": "s" * 256, "message": "hello"}).encode())),
        ('REST: /inform{"option": 5}', rest('/inform{"option": 5}')),
        ("Slack: JSON body []", lambda: fake_slack.slack_post(f"{rig.url}/webhooks/slack/events", "[]",
                                                              SLACK_SECRET)[:2]),
        ("widget: 3,900 newlines between two channel names", lambda: post(f"{web}/message", json.dumps(
            {"conversation_id": widget_id(), "text": "phone" + "\n" * 3_900 + "email"}).encode())),
        ("REST: 20,000 newlines between two channel names", rest("phone" + "\n" * 19_990 + "email")),
    ]
    results = []
    for name, send in cases:
        probe_worst, stop = [0.0], threading.Event()
        watcher = threading.Thread(target=_health_probe, args=(rig.url, stop, probe_worst), daemon=True)
        watcher.start()
        started = time.monotonic()
        status, body = send()
        took = time.monotonic() - started
        other = rest_turn(rig.url, f"other-{uuid.uuid4().hex[:6]}", TURNS[1][0])
        stop.set()
        watcher.join(10)
        row = {"input": name, "status": status, "seconds": took, "health_worst": probe_worst[0],
               "other_ok": other.channels is not None, "answer": body[:120].replace("\n", " ")}
        if status == 0 or not rig.wait_ready(30):
            row["note"] = "no answer in time: the replicas were killed and restarted to go on"
            for replica in rig.cluster.replicas:
                kill_group(replica.proc)
            rig.wait_ready()
        print(row, flush=True)
        results.append(row)
    return results


def _health_probe(url: str, stop: threading.Event, worst: list[float]) -> None:
    """GET / every 0.5 s until ``stop``; the slowest answer goes to worst[0] (a timeout counts 30 s)."""
    while not stop.is_set():
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"{url}/", timeout=30):
                pass
        except OSError:
            pass
        worst[0] = max(worst[0], time.monotonic() - started)
        time.sleep(0.5)


# ----- the report ------------------------------------------------------------------------------------------------
def report(rows: list[Row], held: dict, bad: list[dict], seconds: float) -> str:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Reliability: faults injected, bad inputs, load held",
        "",
        f"Generated by `make faults` (`scripts/faults.py`) on {when}, in {seconds / 60:.0f} minutes on this",
        "machine's 2 cores. Everything below was measured on real processes: nginx in front of two",
        "`scopebot run` replicas (supervised by the cluster), a separate action server, the machine's",
        "PostgreSQL and Redis (each behind a TCP proxy the script owns, so \"stopped\" means the proxy",
        "dropped every connection and refused new ones; the shared servers themselves were never",
        "stopped), and the local fake Slack API. Rerun it after changes; nothing here is typed by hand.",
        "",
        "## Faults",
        "",
        f"{CONVERSATIONS} REST conversations of five turns each, every turn adding one channel: turn 1",
        "before the fault, turns 2-3 during it, turns 4-5 after recovery. *Refused visibly*: an error",
        "status or the bot's \"please send that again\" apology. *Lost silently*: a turn that was",
        "answered with an assessment but whose channel is missing from the conversation's last",
        "assessment. Slack rows: two direct messages of one conversation, the second sent once the",
        "first reply's post has failed; each reply must be posted exactly once and in order (the",
        "outbox's default settings: backoff doubling from 0.5 s up to 30 s, replies kept for a day).",
        "",
        "*Other reply*: answered 200 with neither (the bot's reading of the message, not the fault).",
        "A 503 from nginx means the turn had reached a replica as it was killed: nginx does not send",
        "a POST that may have run to a second replica (docs/production.md), so the user is asked to",
        "send it again instead of having it run twice.",
        "",
        "| fault | how | turns | assessed | refused visibly | other reply | lost silently | recovery |",
        "|---|---|---:|---:|---|---:|---:|---|",
    ]
    for r in rows:
        lost = f"**{r.lost}**" if r.lost else "0"
        lines.append(f"| {r.fault} | {r.how} | {r.sent} | {r.assessed} | {r.refused_text()} | {r.other} | {lost} | "
                     f"{r.recovery}{'; ' + r.note if r.note else ''} |")
    lines += [
        "",
        "## Load held",
        "",
        f"{held['conversations']} conversations at once through nginx, {held['turns']} turns in "
        f"{held['seconds']:.0f} s: {held['errors']} without an assessment, p95 {held['p95']:.1f} s per turn.",
        "",
        "## Bad inputs",
        "",
        "Each sent through nginx while a health check polled `/` every 0.5 s; then one ordinary turn",
        "of another conversation. *Health worst*: the slowest health answer meanwhile.",
        "",
        "| input | status | seconds | health worst (s) | other conversation answered | what happened |",
        "|---|---:|---:|---:|---|---|",
    ]
    for b in bad:
        what = b.get("note") or b["answer"].replace("|", "\\|")[:90]
        lines.append(f"| {b['input']} | {b['status']} | {b['seconds']:.1f} | {b['health_worst']:.1f} | "
                     f"{'yes' if b['other_ok'] else '**no**'} | {what} |")
    return "\n".join(lines) + "\n"


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="write the report here (default: print it)")
    parser.add_argument("--model", type=Path, help="model archive (default: the current one, trained if needed)")
    args = parser.parse_args(argv)
    for addr, name in ((PG, "PostgreSQL"), (REDIS, "Redis")):
        if not _answers_tcp(addr):
            print(f"faults: {name} is not running on {addr[0]}:{addr[1]}", file=sys.stderr)
            return 2
    from bot.runtime.cli import ensure_model

    model = args.model or ensure_model(quiet=True)
    work = ROOT / "var" / f"faults-{uuid.uuid4().hex[:6]}"
    work.mkdir(parents=True)
    rig = Rig(model, work)
    started = time.monotonic()
    try:
        rig.start()
        held = load(rig)
        print(f"load: {held}", flush=True)
        rows = [kill_rasa(rig), kill_actions(rig), kill_replica(rig),
                outage(rig, "PostgreSQL", rig.pg), outage(rig, "Redis", rig.redis), *slack_faults(rig)]
        bad = bad_inputs(rig)
    finally:
        rig.stop()
    text = report(rows, held, bad, time.monotonic() - started)
    if args.write:
        args.write.write_text(text, encoding="utf-8")
        print(f"wrote {args.write}")
    else:
        print(text)
    return 0


def _answers_tcp(addr: tuple[str, int]) -> bool:
    try:
        socket.create_connection(addr, timeout=2).close()
        return True
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
