"""Benchmark the running bot side by side with a stock `rasa init` bot, in one run.

For each bot, on this machine, in this order:
  * training from scratch (empty Rasa cache): `rasa init --no-prompt` for the stock bot,
    `rasa train` on the project's sources for scopebot;
  * server start-up: process start until the REST channel answers a message;
  * per-turn latency over REST (p50/p95/p99), throughput (turns/s) and errors, with 1, 8
    and 32 conversations at once; each conversation is a 5-turn script in the bot's domain;
  * resident memory (VmRSS, and the peak VmHWM) of the Rasa server and the action server.
The two bots are loaded alternately at each concurrency level so that drift in the
machine's speed hits both.

    .venv/bin/python bench/turns_vs_stock.py [--turns 240] [--write docs/performance.md]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.markdown import replace_block  # noqa: E402 - after the path set-up

MARK_BEGIN = "<!-- turns-bench:begin -->"
MARK_END = "<!-- turns-bench:end -->"
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}

STOCK_SCRIPT = ["hi", "I am feeling a bit sad", "yes", "that helped, thanks", "bye"]
SCOPE_SCRIPT = ["hi", "We answer phone calls and emails for an online furniture shop, about 5k a month",
                "mostly inbound", "we also run live chat on the website", "send me the brief"]
LEVELS = (1, 8, 32)


@dataclass
class Server:
    name: str
    proc: subprocess.Popen
    port: int
    startup_s: float
    script: list[str]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/rest/webhook"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_answer(url: str, proc: subprocess.Popen, timeout: float = 300) -> None:
    import urllib.request

    body = json.dumps({"sender": "bench-warmup", "message": "hi"}).encode()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - localhost
                if resp.status == 200 and json.loads(resp.read()):
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError("server did not answer in time")


def train_stock(workdir: Path) -> tuple[float, Path]:
    workdir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("rasa")), "init", "--no-prompt", "--init-dir", str(workdir)],
                   cwd=workdir.parent, env={**ENV, "RASA_CACHE_DIRECTORY": str(workdir.parent / "stock-cache")},
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, workdir / "models"


def train_ours(out: Path) -> tuple[float, Path]:
    """`rasa train` on the project's sources with an empty cache, run as `scopebot train` runs it
    (`bot.rasa_ext.rasa_cli`, with the fingerprint patch); the spaCy pipeline build, a one-off
    seconds-long step of `make train`, is done before timing."""
    from bot.nlu.spacy_pipeline import ensure_built
    from bot.runtime.childenv import rasa_train_cmd
    from bot.runtime.datasync import write as sync_lookups

    ensure_built()
    sync_lookups()
    t0 = time.perf_counter()
    subprocess.run([*rasa_train_cmd(), "--config", "config.yml", "--domain",
                    "domain.yml", "--data", "data", "--out", str(out), "--fixed-model-name", "bench"],
                   cwd=ROOT, env={**ENV, "PYTHONPATH": str(ROOT), "RASA_CACHE_DIRECTORY": str(out / "cache")},
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, out / "bench.tar.gz"


def start_stock(models: Path, workdir: Path, log: Path) -> Server:
    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(Path(sys.executable).with_name("rasa")), "run", "--model", str(models), "--port",
                             str(port)], cwd=workdir, env=ENV, stdout=open(log, "ab"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    server = Server("stock `rasa init` bot", proc, port, 0.0, STOCK_SCRIPT)
    wait_answer(server.url, proc)
    server.startup_s = time.perf_counter() - t0
    return server


def start_ours(model: Path, db: Path, log: Path) -> Server:
    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bot.runtime.cli", "run", "--model", str(model), "--port", str(port),
                             "--action-port", str(free_port())], cwd=ROOT,
                            env={**ENV, "SCOPEBOT_DB": str(db), "PYTHONPATH": str(ROOT)},
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT, start_new_session=True)
    server = Server("scopebot", proc, port, 0.0, SCOPE_SCRIPT)
    wait_answer(server.url, proc)
    server.startup_s = time.perf_counter() - t0
    return server


def stop(server: Server) -> None:
    import signal

    try:
        os.killpg(server.proc.pid, signal.SIGTERM)
        server.proc.wait(timeout=60)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        server.proc.kill()


# ----- load ------------------------------------------------------------------------------------
async def load(server: Server, concurrency: int, total_turns: int) -> dict:
    """``concurrency`` conversations at once, each running the bot's script turn by turn,
    until ``total_turns`` turns have been sent."""
    import aiohttp

    latencies: list[float] = []
    errors = 0
    remaining = total_turns
    lock = asyncio.Lock()

    async def take() -> bool:
        nonlocal remaining
        async with lock:
            if remaining <= 0:
                return False
            remaining -= 1
            return True

    async def conversation_worker(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        while True:
            sender = f"bench-{uuid.uuid4().hex[:12]}"
            for text in server.script:
                if not await take():
                    return
                t0 = time.perf_counter()
                try:
                    async with session.post(server.url, json={"sender": sender, "message": text}) as resp:
                        body = await resp.json(content_type=None)
                        ok = resp.status == 200 and bool(body)
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                    ok = False
                latencies.append(time.perf_counter() - t0)
                if not ok:
                    errors += 1

    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as session:
        t0 = time.perf_counter()
        await asyncio.gather(*(conversation_worker(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - t0
    ms = sorted(x * 1000 for x in latencies)

    def pct(p: float) -> float:
        return ms[min(len(ms) - 1, int(round(p * (len(ms) - 1))))]

    return {"concurrency": concurrency, "turns": len(ms), "errors": errors, "turns_per_s": len(ms) / elapsed,
            "p50_ms": statistics.median(ms), "p95_ms": pct(0.95), "p99_ms": pct(0.99)}


def memory_mb(pid: int) -> dict:
    """VmRSS and VmHWM (peak) of a process, in MB."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return out


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def processes_of(server: Server) -> dict[str, int]:
    """The Rasa server (and the action server) behind a bot's top process."""
    if server.name.startswith("stock"):
        return {"Rasa server": server.proc.pid}
    found = {}
    for child in children(server.proc.pid):
        cmd = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        if "bot.runtime.rasa_server" in cmd:
            found["Rasa server"] = child
        elif " actions" in cmd:
            found["action server"] = child
    return found


# ----- report ----------------------------------------------------------------------------------
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--turns", type=int, default=240, help="turns sent per bot and concurrency level")
    ap.add_argument("--write", help="update this Markdown file between the bench markers")
    ap.add_argument("--model", help="serve this scopebot model instead of the freshly trained one")
    args = ap.parse_args()

    from bench.classify_throughput import machine

    work = Path(tempfile.mkdtemp(prefix="scopebot-bench-"))
    result: dict = {"machine": machine(), "turns": args.turns}
    try:
        stock_train_s, stock_models = train_stock(work / "stockbot")
        our_train_s, our_model = train_ours(work / "ours")
        result["training_s"] = {"stock": stock_train_s, "scopebot": our_train_s}
        print(f"training: stock {stock_train_s:.0f} s, scopebot {our_train_s:.0f} s", flush=True)
        model = Path(args.model) if args.model else our_model

        stock = start_stock(stock_models, work / "stockbot", work / "stock.log")
        ours = start_ours(model, work / "ours.db", work / "ours.log")
        result["startup_s"] = {"stock": stock.startup_s, "scopebot": ours.startup_s}
        print(f"start-up: stock {stock.startup_s:.1f} s, scopebot {ours.startup_s:.1f} s", flush=True)
        result["load"] = {"stock": [], "scopebot": []}
        for server in (stock, ours):  # warm-up: first turns trace TensorFlow graphs
            asyncio.run(load(server, 2, 20))
        for level in LEVELS:
            for key, server in (("stock", stock), ("scopebot", ours)):
                r = asyncio.run(load(server, level, args.turns))
                result["load"][key].append(r)
                print(f"{key:9s} c={level:2d}: {r['turns_per_s']:.1f} turns/s, p50 {r['p50_ms']:.0f} ms, "
                      f"p95 {r['p95_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms, errors {r['errors']}", flush=True)
        result["memory_mb"] = {"stock": {n: memory_mb(p) for n, p in processes_of(stock).items()},
                               "scopebot": {n: memory_mb(p) for n, p in processes_of(ours).items()}}
        stop(stock)
        stop(ours)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, indent=2))
    if args.write:
        write(Path(args.write), result)
    return 0


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "n/a"


def write(path: Path, r: dict) -> None:
    stock, ours = r["load"]["stock"], r["load"]["scopebot"]
    rows = []
    for s, o in zip(stock, ours):
        rows.append(f"| {s['concurrency']} | stock | {s['p50_ms']:.0f} | {s['p95_ms']:.0f} | {s['p99_ms']:.0f} "
                    f"| {s['turns_per_s']:.1f} | {s['errors']} |")
        rows.append(f"| {o['concurrency']} | **scopebot** | {o['p50_ms']:.0f} | {o['p95_ms']:.0f} | "
                    f"{o['p99_ms']:.0f} | {o['turns_per_s']:.1f} | {o['errors']} |")
    p95_ratio = ours[0]["p95_ms"] / stock[0]["p95_ms"]
    tput_ratio = ours[-1]["turns_per_s"] / stock[-1]["turns_per_s"]
    mem = r["memory_mb"]
    rasa_mem = mem["scopebot"].get("Rasa server", {}).get("VmHWM", 0)
    mem_rows = [f"| {bot} | {name} | {m.get('VmRSS', 0):.0f} | {m.get('VmHWM', 0):.0f} |"
                for bot, procs in mem.items() for name, m in procs.items()]

    def verdict(ok: bool) -> str:
        return "met" if ok else "**missed**"

    block = "\n".join([
        MARK_BEGIN,
        "### Per-turn latency, throughput, start-up, memory and training, against a stock bot",
        "",
        f"Machine: {r['machine']}. Command: `.venv/bin/python bench/turns_vs_stock.py --turns {r['turns']} "
        "--write docs/performance.md` (`make bench`). Both bots were trained and served on this machine in the "
        "same run: the stock bot is `rasa init --no-prompt` (its default pipeline and policies, incl. TED), "
        "scopebot is `scopebot run` (supervisor, Rasa server, action server; SQLite). Each conversation is a "
        f"5-turn script in the bot's own domain; {r['turns']} turns per bot and level, over REST.",
        "",
        "| conversations at once | bot | p50 ms | p95 ms | p99 ms | turns/s | errors |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        "| | stock | scopebot |",
        "|---|---|---|",
        f"| training from scratch (empty cache) | {r['training_s']['stock']:.0f} s | "
        f"{r['training_s']['scopebot']:.0f} s |",
        f"| start-up until the first REST reply | {r['startup_s']['stock']:.1f} s | "
        f"{r['startup_s']['scopebot']:.1f} s |",
        "",
        "| bot | process | RSS MB after the load | peak RSS MB |",
        "|---|---|---|---|",
        *mem_rows,
        "",
        "Targets (ratios to the stock bot in the same run):",
        "",
        f"- p95 at 1 conversation ≤ 1.3× the stock bot's: {_ratio(ours[0]['p95_ms'], stock[0]['p95_ms'])} — "
        f"{verdict(p95_ratio <= 1.3)};",
        f"- throughput at 32 conversations ≥ 1.25× the stock bot's, zero errors: "
        f"{_ratio(ours[-1]['turns_per_s'], stock[-1]['turns_per_s'])}, {ours[-1]['errors']} errors — "
        f"{verdict(tput_ratio >= 1.25 and ours[-1]['errors'] == 0)};",
        f"- Rasa server memory ≤ 1.5 GB: {rasa_mem:.0f} MB peak — {verdict(0 < rasa_mem <= 1536)};",
        f"- training from scratch ≤ 3 minutes: {r['training_s']['scopebot']:.0f} s — "
        f"{verdict(r['training_s']['scopebot'] <= 180)}.",
        MARK_END,
    ])
    replace_block(path, MARK_BEGIN, MARK_END, block)


if __name__ == "__main__":
    sys.exit(main())
