"""Experiment: which mentions the relevance reader may set aside, compared on the same models.

Why it exists: the reader (bot/language/relevance.py) scores every current channel, process and
goal of a long text, and sets aside the ones below its threshold. Whether a kind of mention
should be set aside at all is a rule beside the learned weights, and it can be judged without
retraining: the same trained model is read once per rule. The fifteenth session used this to
find, on cross-validation, that setting aside back-office processes cost labels, and to judge
that rule on blind batches before they were added (docs/error-analysis.md, "Fifteenth
session"). Aggregate figures only, never a text, so it can be pointed at a blind batch::

    .venv/bin/python scripts/reader_rules.py --eval cv                  # fold models of `make eval`
    .venv/bin/python scripts/reader_rules.py --eval file:new.jsonl      # a batch, before adding it
    .venv/bin/python scripts/reader_rules.py --eval file:new.jsonl --model models/X.tar.gz

A rule is one threshold per kind of mention: ``channel``, ``contact`` (a customer-contact
process), ``back_office`` (a back-office process) and ``goal``; ``0`` means never set aside.
The named rules below are the ones the session compared; ``--rule`` adds others
(``--rule mine=channel:0.5,contact:0.5,back_office:0.3,goal:0.5``). "product" is not a copy of
the bot's rule but the bot's own :meth:`RelevanceReader.threshold_for`, with the threshold the
model was trained with, so it cannot drift from what the bot runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Mapping, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.language.relevance import RelevanceReader  # noqa: E402  (after the path is set)

#: The bot's own rule, kept before any experiment replaces it, so "product" can put it back.
PRODUCT_THRESHOLD_FOR = RelevanceReader.threshold_for

KINDS = ("channel", "contact", "back_office", "goal")
#: The rules the fifteenth session compared. "product" (None) is the bot's own rule, unchanged.
RULES: dict[str, Optional[dict[str, float]]] = {
    "before": dict.fromkeys(KINDS, 0.5),
    "product": None,
    "none": dict.fromkeys(KINDS, 0.0),
}


def kind_of(entity: Mapping[str, Any]) -> str:
    from bot.domain.vocabulary import BACK_OFFICE_PROCESSES

    if entity.get("entity") == "process":
        return "back_office" if entity.get("value") in BACK_OFFICE_PROCESSES else "contact"
    return str(entity.get("entity"))


def use_rule(thresholds: Optional[Mapping[str, float]]) -> None:
    """Make every reader set aside by ``thresholds`` (per kind), or by the bot's own rule (None).

    Only :meth:`RelevanceReader.threshold_for` is replaced, so everything else about setting a
    mention aside (long texts only, current mentions only, the scores) stays the product's.
    """
    if thresholds is None:
        RelevanceReader.threshold_for = PRODUCT_THRESHOLD_FOR  # type: ignore[method-assign]
        return

    def threshold_for(self: RelevanceReader, entity: Mapping[str, Any]) -> float:
        return thresholds[kind_of(entity)]

    RelevanceReader.threshold_for = threshold_for  # type: ignore[method-assign]


def parse_rule(spec: str) -> tuple[str, dict[str, float]]:
    name, _, body = spec.partition("=")
    values = dict(part.split(":") for part in body.split(","))
    if set(values) != set(KINDS):
        raise SystemExit(f"--rule {spec!r}: give a threshold for each of {', '.join(KINDS)}")
    return name, {k: float(v) for k, v in values.items()}


def score_rules(rules: dict[str, Optional[dict[str, float]]], groups: list[tuple[Path, list]]) -> None:
    """Print label accuracy and exact channel sets per rule over (model, items) groups."""
    from bot.rasa_ext.parser import ScopeParser
    from bot.runtime import realtext
    from bot.runtime.realtext_eval import scopebot_predictor

    for name, thresholds in rules.items():
        use_rule(thresholds)
        total = realtext.Scores()
        for model, items in groups:  # the rule applies at parse time: each rule reads the texts again
            total.absorb(realtext.score(items, scopebot_predictor(ScopeParser(model))))
        print(f"{name:10s} {total.n} items  label accuracy {total.label_accuracy:.3f}  "
              f"exact channel sets {total.channel_accuracy:.3f}")


def main(argv: list[str] | None = None) -> int:
    from bot.config.paths import RESULTS_DIR
    from bot.runtime import realtext
    from bot.runtime.cli import ensure_model
    from bot.runtime.realtext import read_jsonl
    from bot.runtime.realtext_eval import FOLDS

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--eval", required=True, help="cv, or file:PATH (a labelled batch)")
    ap.add_argument("--model", help="model archive for file:PATH (default: the current one)")
    ap.add_argument("--rule", action="append", default=[], help="name=channel:T,contact:T,back_office:T,goal:T")
    args = ap.parse_args(argv)
    rules = dict(RULES)
    rules.update(parse_rule(spec) for spec in args.rule)
    if args.eval == "cv":
        items = realtext.load(("train", "dev"))
        groups = []
        for k in range(FOLDS):
            model = RESULTS_DIR / "crossval" / f"fold{k}.tar.gz"
            if not model.exists():
                raise SystemExit(f"{model} is missing: run `make eval` first")
            groups.append((model, [it for it in items if realtext.fold_of(it.source, FOLDS) == k]))
    elif args.eval.startswith("file:"):
        records = read_jsonl([args.eval[5:]])
        bad = realtext.malformed(records)
        if bad:
            raise SystemExit("\n".join(bad))
        model = Path(args.model) if args.model else ensure_model(quiet=True)
        groups = [(model, [realtext.item_from_dict(r, "batch") for r in records])]
    else:
        raise SystemExit("--eval is cv or file:PATH")
    score_rules(rules, groups)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
