"""Experiment: what does a lexicon or sense-check edit do out of fold, before anything is retrained?

Why it exists: an edit to ``bot/language/lexicon.yml`` or ``senses.yml`` is read at parse time,
so the `make eval` fold models (each trained without the sites it reads) can read the train +
dev texts again with the edit in place, in minutes instead of a forty-minute `make eval`. The
thirty-fifth session judged every sense check it added this way: first the answers of the
unchanged sources are saved, then, after the edit, only the texts whose words the edit can
touch (a regular expression) are read again and compared, text by text, with the gold and the
saved answers. A "fixed" text was wrong and is now right, a "broken" one the reverse; "moved"
went from one wrong answer to another. The same for exact channel sets.

The figures are an upper bound: the rules were written on these same texts, and DIET and the
relevance reader are not retrained (a retrained model can differ a little). The final word is
`make eval`. Train + dev only; the test split is never read::

    .venv/bin/python scripts/sense_probe.py baseline            # before the edit (after `make eval`)
    .venv/bin/python scripts/sense_probe.py compare 'called'     # after it: texts matching the pattern
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))  # document_reading: the fold models' out-of-fold reading

from bot.config.paths import RESULTS_DIR  # noqa: E402  (after the path is set)

BASELINE = RESULTS_DIR / "sense_probe_baseline.jsonl"


@dataclass
class Tally:
    """Label and channel-set changes between two readings of the same texts."""

    fixed: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    channels_fixed: list[str] = field(default_factory=list)
    channels_broken: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"labels: fixed {len(self.fixed)}, broken {len(self.broken)}, moved {len(self.moved)}; "
                f"exact channel sets: fixed {len(self.channels_fixed)}, broken {len(self.channels_broken)}")


def compare(gold: Mapping[str, Mapping[str, Any]], before: Mapping[str, Mapping[str, Any]],
            after: Iterable[tuple[str, Mapping[str, Any]]]) -> Tally:
    """Sort each re-read text by what changed. ``gold`` maps an id to ``{"label", "channels"}``;
    ``before`` and ``after`` hold records with ``recommendation`` and ``channels``."""
    tally = Tally()
    for item_id, new in after:
        old, truth = before[item_id], gold[item_id]
        was, now = old["recommendation"], new["recommendation"]
        if was != now:
            if now == truth["label"]:
                tally.fixed.append(item_id)
            elif was == truth["label"]:
                tally.broken.append(item_id)
            else:
                tally.moved.append(item_id)
        right = sorted(truth["channels"])
        had, has = sorted(old["channels"]) == right, sorted(new["channels"]) == right
        if has and not had:
            tally.channels_fixed.append(item_id)
        elif had and not has:
            tally.channels_broken.append(item_id)
    return tally


def _read(items: list[Any], folds: list[int]) -> list[dict[str, Any]]:
    """Each item's answer from the `make eval` fold model that never saw its site."""
    from document_reading import out_of_fold_records

    return out_of_fold_records(items, folds)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in ("baseline", "compare") or (args[0] == "compare" and len(args) != 2):
        print(__doc__, file=sys.stderr)
        return 2
    try:  # checked before the corpus and the fold models are loaded, so a typo costs nothing
        pattern = re.compile(args[1], re.IGNORECASE) if args[0] == "compare" else None
    except re.error as exc:
        print(f"sense_probe.py compare: not a regular expression: {args[1]!r} ({exc})", file=sys.stderr)
        return 2
    from document_reading import train_dev_folds

    items, folds = train_dev_folds()
    if args[0] == "baseline":
        records = _read(items, folds)
        BASELINE.parent.mkdir(parents=True, exist_ok=True)
        with BASELINE.open("w", encoding="utf-8") as out:
            for it, rec in zip(items, records):
                out.write(json.dumps({"id": it.id, "recommendation": rec["recommendation"],
                                      "channels": rec["channels"]}) + "\n")
        print(f"saved the out-of-fold answers to {len(records)} train + dev texts in {BASELINE}")
        return 0
    if not BASELINE.exists():
        raise SystemExit(f"{BASELINE} is missing: run `sense_probe.py baseline` before the edit")
    before = {row["id"]: row for row in map(json.loads, BASELINE.read_text(encoding="utf-8").splitlines())}
    assert pattern is not None
    chosen = [(it, k) for it, k in zip(items, folds) if pattern.search(it.text)]
    records = _read([it for it, _ in chosen], [k for _, k in chosen])
    gold = {it.id: {"label": it.label, "channels": it.gold["channels"]} for it, _ in chosen}
    tally = compare(gold, before, [(it.id, rec) for (it, _), rec in zip(chosen, records)])
    print(f"{len(chosen)} train + dev texts match; {tally.line()}")
    for name in ("fixed", "broken", "moved", "channels_fixed", "channels_broken"):
        ids = getattr(tally, name)
        if ids:
            print(f"  {name.replace('_', ' ')}: {' '.join(ids)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
