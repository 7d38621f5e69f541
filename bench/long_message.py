"""Measure one long message on the running bot: its time, what others wait meanwhile, memory.

Starts the bot (``scopebot run``, the current model), then, while a few other visitors
keep talking to it and a health check polls ``GET /``, sends one pasted scope section of
20,000 characters (the largest message a channel takes) over REST. Reports:

  * how long that message took to answer;
  * the p50/p95/max latency of the other conversations' turns and of the health check
    while it was being processed, next to the same figures with no long message;
  * the Rasa server's resident memory before, and its peak (VmHWM) after.

    .venv/bin/python bench/long_message.py [--others 4] [--write docs/performance.md]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.markdown import replace_block  # noqa: E402 - after the path set-up
from bot.config.settings import MAX_MESSAGE_CHARS  # noqa: E402
from tests.integration.servers import Bot, post, start_bot  # noqa: E402

MARK_BEGIN = "<!-- long-message-bench:begin -->"
MARK_END = "<!-- long-message-bench:end -->"
SHORT_TURNS = ["hi", "We answer phone calls and emails for an online furniture shop, about 5k a month",
               "mostly inbound", "we also run live chat on the website"]
#: Sentences of the kind an RFP scope section has; repeated (numbered) up to the limit.
SCOPE_SENTENCES = [
    "The provider shall staff an inbound voice queue for customer enquiries from 8am to 8pm on weekdays.",
    "Email and web chat contacts must be answered within the service levels set out in Annex B.",
    "Outbound calls are made to customers whose orders are delayed by more than two days.",
    "Back-office tasks include invoice processing, order amendments and refunds to customers.",
    "The supplier will report monthly on first-contact resolution, handle time and customer satisfaction.",
    "WhatsApp messaging is planned for the second year of the contract and is not in scope now.",
    "We expect around 40,000 contacts a month across all channels, with peaks in November and December.",
    "Quality assurance covers call recording, scoring of a sample of interactions and coaching of agents.",
]


def scope_section(size: int = MAX_MESSAGE_CHARS) -> str:
    out, i = [], 0
    while sum(len(s) + 1 for s in out) < size:
        out.append(f"{i + 1}. {SCOPE_SENTENCES[i % len(SCOPE_SENTENCES)]}")
        i += 1
    return "\n".join(out)[:size].rsplit(" ", 1)[0]


def rasa_server_pid(bot: Bot) -> int:
    for status in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            cmd = status.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"bot.runtime.rasa_server" in cmd and str(bot.port).encode() in cmd:
            return int(status.parent.name)
    raise RuntimeError("Rasa server process not found")


def memory_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(field)


class Load:
    """Other visitors talking (each its own conversation) and a health check, in threads."""

    def __init__(self, bot: Bot, others: int) -> None:
        self.bot, self.stop = bot, threading.Event()
        self.turns: list[tuple[float, float]] = []  # (finished at, seconds)
        self.health: list[tuple[float, float]] = []
        self.errors = 0
        self.threads = [threading.Thread(target=self._talk, daemon=True) for _ in range(others)]
        self.threads.append(threading.Thread(target=self._check, daemon=True))

    def _talk(self) -> None:
        sender, i = f"bench-{uuid.uuid4().hex[:8]}", 0
        while not self.stop.is_set():
            started = time.monotonic()
            body = json.dumps({"sender": sender, "message": SHORT_TURNS[i % len(SHORT_TURNS)]}).encode()
            status, _ = post(f"{self.bot.url}/webhooks/rest/webhook", body, timeout=120)
            self.turns.append((time.monotonic(), time.monotonic() - started))
            self.errors += status != 200
            i += 1

    def _check(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                urllib.request.urlopen(self.bot.url + "/", timeout=60).read()
            except OSError:
                self.errors += 1
            self.health.append((time.monotonic(), time.monotonic() - started))
            time.sleep(0.25)

    def __enter__(self) -> Load:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=150)


def summary(samples: list[tuple[float, float]], start: float, end: float) -> dict[str, float]:
    """Latency figures (ms) of the samples that finished between ``start`` and ``end``."""
    values = sorted(s for at, s in samples if start <= at <= end)
    if not values:
        return {"n": 0, "p50": 0.0, "p95": 0.0, "max": 0.0}
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return {"n": len(values), "p50": statistics.median(values) * 1000, "p95": p95 * 1000,
            "max": values[-1] * 1000}


def run(others: int, baseline_s: float) -> dict[str, object]:
    from bot.runtime.cli import ensure_model

    model = ensure_model(quiet=True)
    with tempfile.TemporaryDirectory() as work:
        bot = start_bot(Path(work) / "trackers.db", Path(work) / "bot.log", model)
        try:
            pid = rasa_server_pid(bot)
            bot.send("warm-up", SHORT_TURNS[1])
            rss_before = memory_mb(pid, "VmRSS")
            text = scope_section()
            with Load(bot, others) as load:
                time.sleep(2)
                quiet_start = time.monotonic()
                time.sleep(baseline_s)
                quiet_end = long_start = time.monotonic()
                replies = bot.send(f"bench-long-{uuid.uuid4().hex[:8]}", text, timeout=300)
                long_end = time.monotonic()
                time.sleep(1)
            peak = memory_mb(pid, "VmHWM")
            return {
                "chars": len(text), "seconds": long_end - long_start, "replies": len(replies),
                "others": others, "errors": load.errors,
                "quiet_turns": summary(load.turns, quiet_start, quiet_end),
                "busy_turns": summary(load.turns, long_start, long_end),
                "quiet_health": summary(load.health, quiet_start, quiet_end),
                "busy_health": summary(load.health, long_start, long_end),
                "rss_before_mb": rss_before, "peak_mb": peak,
            }
        finally:
            bot.stop()


def markdown(r: dict) -> str:
    rows = [("other conversations' turns", r["quiet_turns"], r["busy_turns"]),
            ("health check `GET /`", r["quiet_health"], r["busy_health"])]
    lines = [
        MARK_BEGIN,
        "### One 20,000-character message among other conversations",
        "",
        f"`bench/long_message.py`: a pasted scope section of {r['chars']:,} characters (the largest message a "
        f"channel takes) sent over REST while {r['others']} other conversations keep talking and a health "
        "check polls `GET /` every 0.25 s; the same load without the long message for comparison.",
        "",
        f"- The long message was answered in **{r['seconds']:.1f} s** ({r['replies']} replies).",
        f"- Rasa server memory: {r['rss_before_mb']:.0f} MB resident before, peak {r['peak_mb']:.0f} MB "
        f"(**+{r['peak_mb'] - r['rss_before_mb']:.0f} MB**).",
        f"- Failed requests: {r['errors']}.",
        "",
        "| latency (ms) | without it: p50 / p95 / max (n) | while it is processed: p50 / p95 / max (n) |",
        "|---|---|---|",
    ]
    for name, quiet, busy in rows:
        lines.append(f"| {name} | {quiet['p50']:.0f} / {quiet['p95']:.0f} / {quiet['max']:.0f} ({quiet['n']}) | "
                     f"{busy['p50']:.0f} / {busy['p95']:.0f} / {busy['max']:.0f} ({busy['n']}) |")
    lines.append(MARK_END)
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--others", type=int, default=4, help="other conversations talking meanwhile")
    ap.add_argument("--baseline", type=float, default=10.0, help="seconds of load without the long message")
    ap.add_argument("--write", type=Path, help="put the results into this Markdown file")
    args = ap.parse_args()
    result = run(args.others, args.baseline)
    print(json.dumps(result, indent=2))
    block = markdown(result)
    print(block)
    if args.write:
        replace_block(args.write, MARK_BEGIN, MARK_END, block)


if __name__ == "__main__":
    main()
