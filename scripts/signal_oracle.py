"""Experiment: which reading loses the label, out of fold? Put each gold signal family in place of the extracted one.

Why it exists: the rulebook turns signals into a model, so a wrong label comes from a wrong
signal or a wrong rule. Replacing one family of extracted signals (channels, processes, goals,
sourcing) with the gold one, and nothing else, shows how many labels that family's reading
costs; with every family gold, what is left is the rules' own share. The seventh session did
this on the tuned-on texts; this script does it on grouped cross-validation's out-of-fold
signals (each item read by the `make eval` fold model that never saw its site), with:

- the engine's label accuracy by source kind, and on the items the labeller marked borderline
  against the others;
- the oracle table (one family gold at a time, then pairs, then all);
- a learned in-house detector (the twentieth session's lead: gold ``in_house`` is worth three
  points): a logistic regression over the text's words, fitted per fold on the other folds,
  sets ``sourcing: in_house`` above a threshold where the engine found no outsourcing.

Aggregate figures only, never a text; the test split is never read::

    .venv/bin/python scripts/signal_oracle.py            # after `make eval` (fold models)
"""

from __future__ import annotations

import dataclasses
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain.assessment import assess  # noqa: E402  (after the path is set)
from bot.domain.signals import Signals  # noqa: E402

#: The signal families an oracle can put in place, and the Signals fields each one sets.
FAMILIES = ("channels", "processes", "goals", "sourcing")
ORACLES: tuple[tuple[str, ...], ...] = (
    (), ("sourcing",), ("channels",), ("processes",), ("goals",), ("channels", "processes"),
    ("channels", "processes", "sourcing"), FAMILIES)


def with_gold(signals: Signals, gold: Mapping[str, Any], families: Sequence[str]) -> Signals:
    """``signals`` with the gold value of each of ``families`` in place of the extracted one.

    Gold channels are the whole channel set, so no channel is left implied by a label; gold
    goals bring the gold complaints-programme flag with them (it is an ownership goal).
    """
    change: dict[str, Any] = {}
    for family in families:
        if family not in FAMILIES:
            raise ValueError(f"unknown signal family {family!r}; known: {FAMILIES}")
        if family == "sourcing":
            change["sourcing"] = gold.get("sourcing")
        else:
            change[family] = frozenset(gold.get(family) or ())
    if "channels" in families:
        change["implied_channels"] = frozenset()
    if "goals" in families:
        change["complaints_program"] = bool(gold.get("complaints_program"))
    return dataclasses.replace(signals, **change)


def accuracy(pairs: Sequence[tuple[str, str]]) -> float:
    """Share of (answer, gold) pairs that agree (0.0 for none)."""
    return sum(a == g for a, g in pairs) / len(pairs) if pairs else 0.0


def grouped(items: Sequence[Any], answers: Sequence[str], key: Callable[[Any], str]) -> dict[str, tuple[int, float]]:
    """Label accuracy per group of items: group -> (items, accuracy), largest group first."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for item, answer in zip(items, answers):
        groups[key(item)].append((answer, item.label))
    return {g: (len(p), accuracy(p)) for g, p in sorted(groups.items(), key=lambda kv: -len(kv[1]))}


def in_house_where(signals: Signals, p_in_house: float, threshold: float) -> Signals:
    """``sourcing: in_house`` when the detector says so and the engine found no outsourcing."""
    if p_in_house > threshold and signals.sourcing != "outsourced":
        return dataclasses.replace(signals, sourcing="in_house")
    return signals


def main(argv: list[str] | None = None) -> int:
    # the same items, folds, out-of-fold reading and per-fold fitting as the document-reading experiment
    from document_reading import auc, doc_words, out_of_fold, out_of_fold_signals, regularisation_from, train_dev_folds

    c = regularisation_from(argv, __doc__, "the in-house detector")
    items, folds = train_dev_folds()
    signals = out_of_fold_signals(items, folds)
    gold = [it.label for it in items]
    engine = [assess(s).recommendation for s in signals]
    print(f"{len(items)} train + dev items, {len(set(folds))} folds grouped by source; "
          f"engine alone {accuracy(list(zip(engine, gold))):.3f}")

    print("\nby source kind (items, label accuracy):")
    for kind, (n, acc) in grouped(items, engine, lambda it: it.source_kind).items():
        print(f"  {kind:12} {n:5} {acc:.3f}")
    print("by the labeller's borderline mark:")
    for mark, (n, acc) in grouped(items, engine, lambda it: "borderline" if it.borderline else "clear").items():
        print(f"  {mark:12} {n:5} {acc:.3f}")

    print("\ngold in place of the extracted family (label accuracy):")
    for families in ORACLES:
        answers = [assess(with_gold(s, it.gold, families)).recommendation for s, it in zip(signals, items)]
        print(f"  {' + '.join(families) or 'none (the engine)':38} {accuracy(list(zip(answers, gold))):.3f}")

    def in_house(item: Any) -> bool:
        return item.gold.get("sourcing") == "in_house"

    gold_in_house = [in_house(it) for it in items]
    p = out_of_fold(items, folds, lambda it: doc_words(it.text, pairs=False), in_house, c)
    print(f"\nlearned in-house detector (words, C={c}): AUC {auc(gold_in_house, p):.3f} "
          f"({sum(gold_in_house)} gold in-house items)")
    for t in (0.3, 0.4, 0.5, 0.6, 0.7):
        changed = [in_house_where(s, pi, t) for s, pi in zip(signals, p)]
        answers = [assess(s).recommendation for s in changed]
        set_on = sum(new.sourcing != old.sourcing for new, old in zip(changed, signals))
        print(f"  above {t:.1f}: {accuracy(list(zip(answers, gold))):.3f} (in-house set on {set_on})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
