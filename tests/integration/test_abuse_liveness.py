"""No message freezes the bot: pathological input, of the largest size a channel takes,
through every entry point, while a health check and another conversation keep going.

Once, one 3,935-character message (a run of newlines between two channel names) held the
whole Rasa server for 47 s: the health check timed out and every other visitor waited.
Each input here must get an answer (a real reply, or a refusal that names the limit), and
meanwhile ``GET /`` and a second conversation must each answer within
:data:`LIVENESS_S` seconds, every time. That bound is about liveness, not speed: on a busy
2-core machine a normal turn takes a second or two.

Entry points: ``scopebot classify`` (the CLI, one process for all inputs), REST, the web
widget's API, Slack (signed events against the fake Slack API) and short answers to each
follow-up question of bot/domain/questions.yml.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from bot.config.settings import MAX_CLASSIFY_CHARS, MAX_MESSAGE_CHARS
from bot.dialogue.conversation import State, take_turn
from bot.domain.questions import load_questions
from tests.integration.fake_slack import FakeSlack, dm_event, event_callback, slack_post
from tests.integration.servers import ROOT, Bot, post, start_bot

pytestmark = pytest.mark.slow

LIVENESS_S = 8.0
SECRET = "abuse-test-signing-secret-0123456789"
N = MAX_MESSAGE_CHARS


def _run(unit: str, size: int = N, head: str = "phone ", tail: str = " chat") -> str:
    """``unit`` repeated between two channel names, ``size`` characters in all."""
    body = unit * ((size - len(head) - len(tail)) // len(unit))
    return (head + body + tail).ljust(size, unit[0])[:size]


def _mixed(size: int = N) -> str:
    parts = ["We take phone calls and email for an online shop, about 5,000 a month.", "\n" * 50,
             "1" * 300, " " * 200, ",/&+" * 40, "**~~``##" * 30, "😀\u0301\u200b\u2028é" * 40,
             "<@U1|x" * 30, "and or nor " * 20]
    out, i = "", 0
    while len(out) < size:
        out += parts[i % len(parts)]
        i += 1
    return out[:size]


#: The largest message a channel takes, made of what once made regexes backtrack.
PATHOLOGICAL = {
    "newlines": _run("\n"),
    "spaces": _run(" "),
    "digits": _run("1", head="about ", tail="a"),
    "list punctuation": _run(", / & + "),
    "dots and commas": _run(".,", head="5"),
    "markup": _run("**`~~# <@a|"),
    "odd unicode": _run("e\u0301\u200b😀\u2028\u202e"),
    "mixed": _mixed(),
}
#: What each channel gets (REST all of them; the others share its code after their checks).
SOME = ("newlines", "digits", "markup", "mixed")
TOO_LONG = ("phone and chat. " * (N // 16 + 1))[:N] + "x"  # one character over


class Watch:
    """A health check and another conversation, in a loop, each timed."""

    def __init__(self, bot: Bot) -> None:
        self.bot, self.stop = bot, threading.Event()
        self.samples: list[tuple[str, float, str]] = []
        self.threads = [threading.Thread(target=self._health, daemon=True),
                        threading.Thread(target=self._talk, daemon=True)]

    def _timed(self, what: str, call) -> None:  # type: ignore[no-untyped-def]
        started = time.monotonic()
        try:
            outcome = call()
        except OSError as exc:
            outcome = repr(exc)
        self.samples.append((what, time.monotonic() - started, outcome))

    def _health(self) -> None:
        def check() -> str:
            with urllib.request.urlopen(self.bot.url + "/", timeout=60) as resp:
                return "ok" if resp.status == 200 else str(resp.status)

        while not self.stop.is_set():
            self._timed("GET /", check)
            time.sleep(0.5)

    def _talk(self) -> None:
        sender = f"bystander-{uuid.uuid4().hex[:8]}"
        turns = ["hi", "We answer phone and email for a bike shop", "mostly inbound", "about 2k a month"]

        def turn(i: int) -> str:
            body = json.dumps({"sender": sender, "message": turns[i % len(turns)]}).encode()
            status, text = post(f"{self.bot.url}/webhooks/rest/webhook", body, timeout=60)
            return "ok" if status == 200 and json.loads(text) else f"{status} {text[:80]}"

        i = 0
        while not self.stop.is_set():
            self._timed("another conversation", lambda at=i: turn(at))
            i += 1
            time.sleep(1.5)  # a person's pace: well under the per-conversation rate limit

    def __enter__(self) -> Watch:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=90)
        slow = [(what, round(s, 1), outcome) for what, s, outcome in self.samples
                if s > LIVENESS_S or outcome != "ok"]
        kinds = {what for what, _s, _o in self.samples}
        if exc[0] is None:  # the inputs' own failures come first
            assert kinds == {"GET /", "another conversation"}, self.samples
            assert not slow, f"the bot stopped answering others while it worked: {slow}"


def _texts(replies: list[dict]) -> list[str]:
    return [r.get("text") or "" for r in replies if r.get("text") or r.get("custom")]


# ----- REST and the widget, on the shared bot -------------------------------------------------
@pytest.mark.parametrize("kind", list(PATHOLOGICAL))
def test_rest_answers_pathological_input_and_others_keep_going(shared_bot, kind):
    text = PATHOLOGICAL[kind]
    assert len(text) == N
    with Watch(shared_bot):
        replies = shared_bot.send(f"abuse-{kind}-{uuid.uuid4().hex[:6]}", text, timeout=240)
    assert _texts(replies), f"no answer to {kind!r}: {replies}"


def test_rest_refuses_over_the_limit_naming_it(shared_bot):
    body = json.dumps({"sender": "abuse-long", "message": TOO_LONG}).encode()
    status, text = post(f"{shared_bot.url}/webhooks/rest/webhook", body)
    assert len(TOO_LONG) == N + 1 and status == 413 and f"{N:,}" in json.loads(text)["error"]


def _widget(bot: Bot, path: str, body: dict) -> tuple[int, dict]:
    status, text = post(f"{bot.url}/webhooks/web/{path}", json.dumps(body).encode(), timeout=240)
    return status, json.loads(text)


def test_widget_answers_pathological_input_and_refuses_over_the_limit(shared_bot):
    status, made = _widget(shared_bot, "conversations", {})
    conversation = made["conversation_id"]
    with Watch(shared_bot):
        for kind in SOME:
            status, answer = _widget(shared_bot, "message", {"conversation_id": conversation,
                                                            "text": PATHOLOGICAL[kind]})
            assert status == 200 and answer["messages"] and answer["messages"][0]["text"], (kind, answer)
    status, refused = _widget(shared_bot, "message", {"conversation_id": conversation, "text": TOO_LONG})
    assert status == 413 and f"limit is {N:,}" in refused["error"]


def test_pathological_answers_to_the_questions_the_bot_asks(shared_bot):
    """Over HTTP: whatever question the bot asks, the answer is a run of something."""
    sender = f"abuse-answers-{uuid.uuid4().hex[:6]}"
    shared_bot.send(sender, "We need a call center for phone and chat, for our shop.")
    with Watch(shared_bot):
        for kind in ("digits", "dots and commas", "list punctuation"):
            replies = shared_bot.send(sender, PATHOLOGICAL[kind][:2000], timeout=240)
            assert _texts(replies), (kind, replies)


@pytest.mark.parametrize("question", load_questions(), ids=lambda q: q.id)
def test_each_question_takes_a_pathological_short_answer(question):
    """The domain reads a reply as the answer to the question just asked (numbers for the
    volume, option words, yes/no): each question, each kind of run, gets a turn back."""
    for kind, text in PATHOLOGICAL.items():
        for answer in (text[:200], text):
            turn = take_turn(State(pending=question.id), "inform", [], answer)
            assert turn.assessment is not None, (question.id, kind)


# ----- Slack, on a bot of its own (the shared one has no Slack) --------------------------------
@pytest.fixture(scope="module")
def slack(trained_model, tmp_path_factory):
    fake = FakeSlack().start()
    work = tmp_path_factory.mktemp("abuse-slack")
    bot = start_bot(work / "trackers.db", work / "bot.log", trained_model, env={
        "SLACK_BOT_TOKEN": "xoxb-abuse", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url,
        "SLACK_APP_TOKEN": ""})
    yield bot, fake
    alive = bot.proc.poll() is None
    bot.stop(signal.SIGTERM)
    fake.stop()
    assert alive, "the bot must still be running after the abuse tests"


def test_slack_answers_pathological_input_and_refuses_over_the_limit(slack):
    bot, fake = slack
    url = f"{bot.url}/webhooks/slack/events"
    with Watch(bot):
        for i, kind in enumerate(SOME):
            channel = f"D0ABUSE{i}"
            status, _, elapsed = slack_post(url, json.dumps(event_callback(
                dm_event(channel, "U0ABUSE", PATHOLOGICAL[kind]))), SECRET)
            assert status == 200 and elapsed < LIVENESS_S, (kind, status, elapsed)
            assert fake.wait_for("chat.postMessage", channel=channel, timeout=240), kind
    status, _, _ = slack_post(url, json.dumps(event_callback(dm_event("D0ABUSEX", "U0ABUSE", TOO_LONG))), SECRET)
    [call] = fake.wait_for("chat.postMessage", channel="D0ABUSEX", timeout=60)
    assert status == 200 and f"limit is {N:,}" in call.params["text"]


# ----- the CLI ----------------------------------------------------------------------------------
def test_classify_answers_every_pathological_input(trained_model, tmp_path):
    lines = tmp_path / "abuse.jsonl"
    longest = _run("\n", MAX_CLASSIFY_CHARS)  # the most the CLI reads; the model sees two words
    texts = [*(PATHOLOGICAL[kind] for kind in SOME), TOO_LONG, longest, longest + "x" * 10]
    lines.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "bot.runtime.cli", "classify", "--model", str(trained_model),
                           "--file", str(lines), "--format", "jsonl"], cwd=ROOT, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = [json.loads(line) for line in proc.stdout.split("\n") if line]  # not splitlines(): U+2028 is text
    assert len(out) == len(texts) and all(r["recommendation"] for r in out)
    assert f"line {len(texts)}: description cut at the length limit" in proc.stderr, proc.stderr[-500:]


def test_the_inputs_really_are_at_the_limit():
    assert all(len(t) == N for t in PATHOLOGICAL.values())
    assert Path(__file__).name.startswith("test_")
