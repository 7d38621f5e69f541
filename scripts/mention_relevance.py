"""Experiment: a learned second reading of each mention ("is this in the buyer's scope?").

Why it exists: hand-written cue rules stopped moving unseen text at about 0.70 (each round's
fixes helped the probes and train/dev, never the frozen test split or a fresh blind batch).
This script measures a different reader: a logistic regression over the words around each
channel, process and goal mention that the rules kept, trained on the corpus's gold signal
sets (a kept mention is "in scope" when its value is in the item's gold set), which sets
aside mentions it scores below a threshold, in texts longer than the spec's "long
description" length only (``PASSING_MIN_WORDS``; chat lines are shorter).

It reads with the lexicon and the rules alone (no Rasa model), prints aggregate figures only
(base reading vs base + filter, and how many items each one alone gets right), and never
lists a text, so it can be pointed at the frozen test split or a blind batch::

    .venv/bin/python scripts/mention_relevance.py --eval cv            # grouped 5-fold CV over train+dev
    .venv/bin/python scripts/mention_relevance.py --eval split:test    # the frozen test split, once
    .venv/bin/python scripts/mention_relevance.py --eval file:new.jsonl   # a blind batch, before adding it
    .venv/bin/python scripts/mention_relevance.py --eval chat          # the chat-style assessment cases

The reader is the product's own (bot/language/relevance.py, run in the bot by the Rasa
component bot/nlu/mention_relevance.py); this script fits it the same way, without DIET, so
its effect can be seen apart from the model's. Results and the protocol they were measured
under are in docs/error-analysis.md ("Twelfth session").
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402  (after the path, so the script runs from anywhere)

from bot.domain.assessment import assess  # noqa: E402
from bot.language.lexicon import load_lexicon  # noqa: E402
from bot.language.mentions import resolve  # noqa: E402
from bot.language.relevance import GOLD_SETS, Example, RelevanceReader, train  # noqa: E402
from bot.nlu.parse import combine, prepare  # noqa: E402
from bot.runtime import realtext  # noqa: E402


@dataclass
class Reading:
    """One text as the rules read it: its chunks and each chunk's resolved entities."""

    item: realtext.Item
    prepared: Any
    entities: list[list[dict[str, Any]]]

    def examples(self) -> list[Example]:
        gold = {k: self.item.gold_set(k) for k in GOLD_SETS.values()}
        return [Example(part, ents, gold) for part, ents in zip(self.prepared[1], self.entities)]


def read(items: Iterable[realtext.Item]) -> list[Reading]:
    lexicon = load_lexicon()
    out = []
    for item in items:
        prepared = prepare([item.text])[0]
        out.append(Reading(item, prepared, [[m.to_entity() for m in resolve(part, [], lexicon)]
                                            for part in prepared[1]]))
    return out


def verdict(reading: Reading, reader: RelevanceReader | None) -> tuple[str, frozenset[str]]:
    text, parts, maps, cut = reading.prepared
    kept = []
    for part, chunk in zip(parts, reading.entities):
        drop = set(reader.set_aside(part, chunk)) if reader else set()
        kept.append({"entities": [e for i, e in enumerate(chunk) if i not in drop],
                     "intent": {"name": "describe_operation", "confidence": 1.0}})
    record = assess(combine(text, kept, cut, maps).signals).to_record(text)
    return record["recommendation"], frozenset(record["channels"])


def fit(readings: list[Reading], args: argparse.Namespace) -> RelevanceReader:
    return train([ex for r in readings for ex in r.examples()], c=args.c, threshold=args.threshold,
                 min_words=args.min_words)


def score(reader: RelevanceReader, readings: list[Reading]) -> Counter:
    tally: Counter = Counter()
    for r in readings:
        base, base_ch = verdict(r, None)
        new, new_ch = verdict(r, reader)
        tally[(base == r.item.label, new == r.item.label)] += 1
        gold_ch = r.item.gold_set("channels")
        tally["channels_base"] += base_ch == gold_ch
        tally["channels_filter"] += new_ch == gold_ch
    return tally


def report(name: str, tally: Counter) -> None:
    n = sum(v for k, v in tally.items() if isinstance(k, tuple))
    base = tally[(True, True)] + tally[(True, False)]
    new = tally[(True, True)] + tally[(False, True)]
    print(f"{name}: {n} items  label {base / n:.3f} -> {new / n:.3f} (fixed {tally[(False, True)]}, "
          f"broken {tally[(True, False)]})  channel sets {tally['channels_base'] / n:.3f} -> "
          f"{tally['channels_filter'] / n:.3f}")


def _items_of_file(path: str) -> list[realtext.Item]:
    with open(path, encoding="utf-8") as fh:
        return [realtext.item_from_dict(json.loads(line), "new") for line in fh if line.strip()]


def _chat_items() -> list[realtext.Item]:
    cases = yaml.safe_load((ROOT / "heldout" / "assessment_cases.yml").read_text(encoding="utf-8"))["cases"]
    return [realtext.Item(c["id"], "https://chat.invalid/" + c["id"], c["id"], "other", c["text"],
                          c["expect"]["recommendation"], {"channels": c["expect"].get("channels") or []},
                          False, "", "chat") for c in cases]


def main() -> int:
    from bot.domain.signals import PASSING_MIN_WORDS

    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--train", default="train,dev", help="corpus splits the reader learns from")
    ap.add_argument("--eval", default="cv", help="cv | split:NAME | file:PATH | chat")
    ap.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    ap.add_argument("--threshold", type=float, default=0.5, help="set a mention aside below this")
    ap.add_argument("--min-words", type=int, default=PASSING_MIN_WORDS, help="read only longer texts")
    args = ap.parse_args()
    training = read(realtext.load(tuple(args.train.split(","))))
    if args.eval == "cv":
        tally: Counter = Counter()
        for k in range(5):
            held = [r for r in training if realtext.fold_of(r.item.source) == k]
            tally.update(score(fit([r for r in training if realtext.fold_of(r.item.source) != k], args), held))
        report(f"grouped 5-fold CV over {args.train}", tally)
        return 0
    kind, _, what = args.eval.partition(":")
    items = (realtext.load((what,)) if kind == "split" else _items_of_file(what) if kind == "file"
             else _chat_items() if kind == "chat" else None)
    if items is None:
        ap.error(f"--eval {args.eval!r}: use cv, split:NAME, file:PATH or chat")
    report(args.eval, score(fit(training, args), read(items)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
