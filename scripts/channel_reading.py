"""Experiment: which channels does the engine misread, out of fold, and does the keyword script know better?

Why it exists: the out-of-fold oracle (``signal_oracle.py``) puts a third of the lost labels on
channel reading. Channels are a small closed set, so the loss can be split per channel: for each
one, how often the engine adds it where the gold has none (over-reading) and misses it where the
gold has it (under-reading), what putting the gold value of that one channel in place costs or
buys, and whether the keyword script, whose errors come from a different reading, is right where
the two disagree. If it is, a per-channel combination (the engine's reading, or the script's,
or either, or both) would be a cheap lever; this script measures that before anything is built.

The same items, folds and fold models as ``signal_oracle.py`` (run `make eval` first); aggregate
figures only, the test split is never read::

    .venv/bin/python scripts/channel_reading.py
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.keyword_baseline import channels as keyword_channels  # noqa: E402  (after the path is set)
from bot.domain.assessment import assess  # noqa: E402
from bot.domain.signals import Signals  # noqa: E402

#: How the engine's and the keyword script's readings of one channel may be combined.
COMBINERS: dict[str, Callable[[bool, bool], bool]] = {
    "engine": lambda ours, peer: ours,
    "keywords": lambda ours, peer: peer,
    "either": lambda ours, peer: ours or peer,
    "both": lambda ours, peer: ours and peer,
}


def gold_channels(gold: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(gold.get("channels") or ())


def confusion(found: Sequence[frozenset[str]], gold: Sequence[frozenset[str]], channel: str) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) of one channel over all items."""
    tp = sum(channel in f and channel in g for f, g in zip(found, gold))
    fp = sum(channel in f and channel not in g for f, g in zip(found, gold))
    fn = sum(channel not in f and channel in g for f, g in zip(found, gold))
    return tp, fp, fn


def with_channel(signals: Signals, channel: str, present: bool) -> Signals:
    """``signals`` (as the text stated them) with one channel set or removed, and nothing else changed."""
    signals = signals.stated()
    channels = set(signals.channels)
    (channels.add if present else channels.discard)(channel)
    return dataclasses.replace(signals, channels=frozenset(channels))


def combined(signals: Signals, peer: frozenset[str], choice: Mapping[str, str]) -> Signals:
    """``signals`` with each channel in ``choice`` decided by that combiner of engine and keywords."""
    out = signals
    for channel, how in choice.items():
        out = with_channel(out, channel, COMBINERS[how](channel in signals.channels, channel in peer))
    return out


def scored(signals: Signals) -> frozenset[str]:
    """The channel set `make eval` scores: what was named, else the one a voice-only label implies."""
    return signals.stated().with_implied_channels().channels


def main(argv: list[str] | None = None) -> int:
    from document_reading import out_of_fold_signals, train_dev_folds

    items, folds = train_dev_folds()
    signals = out_of_fold_signals(items, folds)
    gold = [gold_channels(it.gold) for it in items]
    labels = [it.label for it in items]
    peer = [frozenset(keyword_channels(it.text)) for it in items]
    ours = [scored(s) for s in signals]
    n = len(items)

    def label_acc(sigs: Sequence[Signals]) -> float:
        return sum(assess(s).recommendation == g for s, g in zip(sigs, labels)) / n

    def set_acc(found: Sequence[frozenset[str]]) -> float:
        return sum(f == g for f, g in zip(found, gold)) / n

    print(f"{n} train + dev items, out of fold; label {label_acc(signals):.3f}, exact channel sets "
          f"{set_acc(ours):.3f} (keywords {set_acc(peer):.3f})")
    everything = sorted(set().union(*gold, *ours, *peer))
    print("\nper channel: gold items | engine TP FP FN | keywords TP FP FN | disagreements: engine right / "
          "keywords right | label with this channel gold | exact sets with it gold")
    for ch in everything:
        e, k = confusion(ours, gold, ch), confusion(peer, gold, ch)
        disagree = [(ch in o, ch in p, ch in g) for o, p, g in zip(ours, peer, gold) if (ch in o) != (ch in p)]
        e_right = sum(o == g for o, _, g in disagree)
        oracle = [with_channel(s, ch, ch in g) for s, g in zip(signals, gold)]
        fixed_sets = [(o - {ch}) | ({ch} & g) for o, g in zip(ours, gold)]
        print(f"  {ch:10} {sum(ch in g for g in gold):5} | {e[0]:4} {e[1]:4} {e[2]:4} | {k[0]:4} {k[1]:4} {k[2]:4} | "
              f"{e_right:4} / {len(disagree) - e_right:4} | {label_acc(oracle):.3f} | {set_acc(fixed_sets):.3f}")

    print("\none channel decided by a combiner, the rest by the engine (label / exact channel sets):")
    for ch in everything:
        cells = []
        for how in COMBINERS:
            sigs = [combined(s, p, {ch: how}) for s, p in zip(signals, peer)]
            cells.append(f"{how} {label_acc(sigs):.3f}/{set_acc([scored(s) for s in sigs]):.3f}")
        print(f"  {ch:10} " + "  ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
