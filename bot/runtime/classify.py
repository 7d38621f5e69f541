"""`scopebot classify`: the batch entry point, same model and same rules as the bot."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, TextIO

from bot.domain.assessment import Assessment, assess
from bot.views.render import render_text
from bot.views.view import build_view


class InputError(ValueError):
    """Bad input file: the message names the file and line."""


@dataclass(frozen=True)
class Item:
    line: int
    text: str


def read_items(source: str, stdin: TextIO = sys.stdin) -> list[Item]:
    """Descriptions from a file (``-`` = stdin), validated before any work starts.

    A ``.jsonl`` file holds one JSON object with a ``"text"`` string per line (blank lines
    are skipped); anything else is one description per line. Reading everything first
    means a bad line 900 fails in a second, not after 899 classifications.
    """
    name = "<stdin>" if source == "-" else source
    try:
        raw = stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror})") from None
    lines = raw.splitlines()
    is_jsonl = name.endswith(".jsonl") or (
        source == "-" and any(ln.strip() for ln in lines)
        and all(ln.lstrip().startswith("{") for ln in lines if ln.strip())
    )
    if not is_jsonl:
        return [Item(i, ln) for i, ln in enumerate(lines, 1)]
    items = []
    for i, ln in enumerate(lines, 1):
        if not ln.strip():
            continue
        try:
            obj = json.loads(ln)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}:{i}: invalid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise InputError(f'{name}:{i}: expected an object with a "text" string')
        items.append(Item(i, obj["text"]))
    return items


#: Descriptions parsed per run of the NLU graph: big enough that DIET's per-call cost
#: vanishes, small enough that results start streaming out quickly.
BATCH_SIZE = 64


def classify_batch(parser, items: list[Item]) -> list[tuple[dict, Assessment]]:
    results = []
    for item, parsed in zip(items, parser.parse_many([item.text for item in items])):
        if parsed.truncated:
            print(f"warning: line {item.line}: description cut at the length limit", file=sys.stderr)
        assessment = assess(parsed.signals)
        results.append((assessment.to_record(item.text), assessment))
    return results


def batches(items: list[Item], size: int = BATCH_SIZE) -> list[list[Item]]:
    return [items[start:start + size] for start in range(0, len(items), size)]


def classify_items(parser, items: list[Item]) -> Iterator[tuple[dict, Assessment]]:
    for batch in batches(items):
        yield from classify_batch(parser, batch)


# ----- several worker processes (machines with many cores) ----------------------------
_worker_parser = None


def _init_worker(model_path: str) -> None:
    global _worker_parser
    from bot.rasa_ext.parser import ScopeParser

    _worker_parser = ScopeParser(Path(model_path))


def _work(batch: list[Item]) -> list[tuple[dict, Assessment]]:
    return classify_batch(_worker_parser, batch)


def classify_parallel(model_path: Path, items: list[Item], workers: int) -> Iterator[tuple[dict, Assessment]]:
    """Same results, in input order, from ``workers`` processes that each load the model.

    Each process parses whole batches; on a multi-core machine more processes add the
    cores that TensorFlow leaves idle between batches. "spawn" keeps TensorFlow out of
    forked children.
    """
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(str(model_path),)) as pool:
        for results in pool.imap(_work, batches(items, BATCH_SIZE // 2)):
            yield from results


def worker_count(requested: int | None, n_items: int) -> int:
    """Processes to use: as asked, else one. Measured on two cores (docs/performance.md):
    one process predicting whole batches uses both cores through TensorFlow's own threads,
    and a second process only makes them compete."""
    return max(1, min(requested or 1, max(1, n_items)))


def write_records(results: Iterable[tuple[dict, Assessment]], fmt: str, out: TextIO) -> int:
    """Write each result as it comes (JSON Lines, or readable text), return the count."""
    count = 0
    for record, assessment in results:
        if fmt == "jsonl":
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            text = record["text"]
            head = text if len(text) <= 200 else text[:197] + "..."
            sep = "" if count == 0 else "\n" + "-" * 60 + "\n\n"
            out.write(f"{sep}> {head}\n\n{render_text(build_view(assessment, text))}\n")
        out.flush()
        count += 1
    return count
