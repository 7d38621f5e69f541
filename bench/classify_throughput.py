"""Benchmark `scopebot classify`: descriptions per second after the model has loaded.

Measured side by side in one run:
  * scopebot: text -> Rasa NLU -> SignalResolver -> rulebook -> JSON record;
  * peer: the same Rasa model's bare ``parse_message`` (what any Rasa NLU client pays),
    so the cost of the project's own layer (chunking, resolving, assessing) is visible.
Inputs are the labelled descriptions of heldout/assessment_cases.yml, cycled.

    .venv/bin/python bench/classify_throughput.py [--n 400] [--write docs/performance.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.markdown import replace_block  # noqa: E402 - after the path set-up

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

MARK_BEGIN = "<!-- classify-bench:begin -->"
MARK_END = "<!-- classify-bench:end -->"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}"


def timed(fn, items) -> list[float]:
    out = []
    for text in items:
        t0 = time.perf_counter()
        fn(text)
        out.append(time.perf_counter() - t0)
    return out


def summary(lat: list[float]) -> dict:
    lat_ms = sorted(x * 1000 for x in lat)
    return {"per_second": len(lat) / sum(lat), "p50_ms": statistics.median(lat_ms),
            "p95_ms": lat_ms[int(0.95 * (len(lat_ms) - 1))], "n": len(lat)}


def cli_run(model: Path, texts: list[str], n: int, workers: int) -> dict:
    """`scopebot classify --file F --stats --workers N` on n descriptions: the CLI's own
    count of descriptions per second after its model has loaded, and the whole run's time."""
    import re
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for i in range(n):
            f.write(json.dumps({"text": texts[i % len(texts)]}) + "\n")
    cmd = [sys.executable, "-m", "bot.runtime.cli", "classify", "--file", f.name, "--workers", str(workers),
           "--model", str(model), "--stats"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - t0
    Path(f.name).unlink()
    assert len(proc.stdout.splitlines()) == n
    rate = float(re.search(r"\(([0-9.]+)/s;", proc.stderr).group(1))
    return {"workers": workers, "n": n, "wall_s": elapsed, "per_second": rate}


def batched(parser, items: list[str]) -> dict:
    """In-process `classify` path: batches of BATCH_SIZE through one graph run each."""
    from bot.runtime.classify import Item, classify_items

    t0 = time.perf_counter()
    for record, _ in classify_items(parser, [Item(i, t) for i, t in enumerate(items, 1)]):
        json.dumps(record)
    elapsed = time.perf_counter() - t0
    return {"per_second": len(items) / elapsed, "n": len(items)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--model", help="model archive (default: the current one, trained if needed)")
    ap.add_argument("--write", help="update this Markdown file between the bench markers")
    args = ap.parse_args()

    from bot.domain.assessment import assess
    from bot.rasa_ext.parser import ScopeParser
    from bot.runtime.cli import ensure_model
    from bot.runtime.evaluation import load_cases

    model = Path(args.model) if args.model else ensure_model(quiet=True)
    t0 = time.perf_counter()
    parser = ScopeParser(model)
    load_s = time.perf_counter() - t0
    texts = [c["text"] for c in load_cases()]
    items = [texts[i % len(texts)] for i in range(args.n)]
    for text in texts[:10]:  # warm-up: the first calls trace TensorFlow graphs
        parser.parse(text)
    parser.parse_many(texts[:64])

    def ours(text: str) -> None:
        json.dumps(assess(parser.parse(text).signals).to_record(text))

    peer = summary(timed(parser.parse_raw, items))
    mine = summary(timed(ours, items))
    result = {"machine": machine(), "model": model.name, "model_load_s": load_s,
              "scopebot": mine, "peer_bare_rasa_parse": peer, "batched": batched(parser, items),
              "cli": [cli_run(model, texts, 2 * args.n, w) for w in (1, 2)]}
    print(json.dumps(result, indent=2))
    if args.write:
        write(Path(args.write), result)
    return 0


def write(path: Path, r: dict) -> None:
    m, p, b = r["scopebot"], r["peer_bare_rasa_parse"], r["batched"]
    best = max(r["cli"], key=lambda c: c["per_second"])
    verdict = "met" if best["per_second"] >= 50 else "missed"
    cli_rows = [f"| `scopebot classify --file F --workers {c['workers']}` ({c['n']} descriptions) "
                f"| {c['per_second']:.1f} | whole run {c['wall_s']:.0f} s |" for c in r["cli"]]
    block = "\n".join([
        MARK_BEGIN,
        "### `scopebot classify` throughput",
        "",
        f"Machine: {r['machine']}. Model `{r['model']}`, loaded in {r['model_load_s']:.1f} s. "
        f"Command: `.venv/bin/python bench/classify_throughput.py --n {m['n']} --write docs/performance.md` "
        "(`make bench`). Inputs: the 80 labelled descriptions, cycled.",
        "",
        "One message at a time (what the bot does per turn), same run, same model:",
        "",
        "| pipeline | descriptions/s | p50 ms | p95 ms |",
        "|---|---|---|---|",
        f"| scopebot: parse + resolve + rulebook + JSON | {m['per_second']:.1f} | {m['p50_ms']:.1f} "
        f"| {m['p95_ms']:.1f} |",
        f"| peer: bare Rasa `parse_message` | {p['per_second']:.1f} | {p['p50_ms']:.1f} | {p['p95_ms']:.1f} |",
        "",
        f"Overhead of the project's own layer: {(m['p50_ms'] - p['p50_ms']):.1f} ms per description at p50.",
        "",
        "Batch mode (what `scopebot classify` does): batches of 64 descriptions go through one run of the",
        "NLU graph, and `BatchedDIETClassifier` predicts each batch in one TensorFlow call.",
        "",
        "| batch path | descriptions/s after the model has loaded | |",
        "|---|---|---|",
        f"| in-process `classify_items` | {b['per_second']:.1f} | (loaded once) |",
        *cli_rows,
        "",
        "CLI rates are what `--stats` reports: descriptions divided by the seconds from the model being "
        "loaded to the last record written (with `--workers 2` the workers load their models inside that "
        "time, so the figure includes it). "
        f"Target ≥ 50/s after the model has loaded: **{verdict}** ({best['per_second']:.1f}/s at best).",
        MARK_END,
    ])
    replace_block(path, MARK_BEGIN, MARK_END, block)


if __name__ == "__main__":
    sys.exit(main())
