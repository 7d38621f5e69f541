"""Experiment: can a reading of the whole text tell a buyer's scope from background?

Why it exists: on grouped cross-validation the largest error cells are gold UNDETERMINED texts
(news on offshoring, market explainers, opinion posts, a vendor's own pages) read as a model,
and gold BPO texts whose back-office queue the rules miss. The eighteenth session's note
proposed a learned document-kind reading as the next step. This script measures that idea
before anyone builds it into the bot, on the same out-of-fold answers `make eval` scores:

- ``und_gate``: a logistic regression over the text's words (and word pairs) estimates whether
  the gold label is UNDETERMINED; above a threshold, a long text's answer becomes UNDETERMINED;
- ``cue_gate``: the same from a dozen style cues (rates of we/our, I/my, you, modal verbs,
  contractor words, reporting verbs, generic market words, years, percentages, questions);
- ``back_office``: the words estimate whether the gold label is BPO; above a threshold, an
  answer that is not BPO becomes BPO (the upper bound of a learned back-office detector,
  since it does not have to name the process);
- ``stacker``: one logistic regression over the engine's answer (model, confidence, signals,
  set-aside kinds) plus the text's words predicts the label outright (the ceiling of any
  re-reading of the engine's output with these features).

Every learned part is fitted per fold on the other folds' items (train + dev, grouped by
source, as `make eval` folds them), so each figure is out-of-fold. Aggregate figures only,
never a text; the test split is never read::

    .venv/bin/python scripts/document_reading.py            # after `make eval` (fold models)
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain.signals import PASSING_MIN_WORDS  # noqa: E402  (after the path is set)
from bot.language.relevance import words  # noqa: E402  (the relevance reader's own word split)

UND, BPO = "UNDETERMINED", "BPO"
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
#: Style cues of a buyer's own scope (we need, the contractor shall) against background
#: (reporting verbs, the market in general, history); each is a rate per 100 words.
CUES: dict[str, frozenset[str]] = {name: frozenset(listed.split()) for name, listed in {
    "we": "we our us ours", "i": "i my me i'm i've", "you": "you your", "they": "they their them",
    "modal": "shall must will should", "need": "need needs looking require requires requirement seeking want",
    "party": "contractor vendor provider supplier bidder offeror proposer respondent",
    "reporting": "said says according reported announced told spokesperson stated",
    "generic": "companies firms businesses industry market sector many most organisations organizations",
    "past": "was were had did used", "client": "client clients client's",
}.items()}
Features = dict[str, float]


def doc_words(text: str, pairs: bool = True) -> Features:
    """The text's words (and adjacent word pairs), each present or not."""
    ws = words(text)
    f = {"w=" + w: 1.0 for w in ws}
    if pairs:
        f.update({f"p={a}_{b}": 1.0 for a, b in zip(ws, ws[1:])})
    return f


def cue_rates(text: str) -> Features:
    """Rates per 100 words of each cue family, of years, percent signs and questions, and the length."""
    ws = words(text)
    n = max(len(ws), 1)
    f = {name: 100.0 * sum(w in family for w in ws) / n for name, family in CUES.items()}
    f.update(years=100.0 * len(_YEAR.findall(text)) / n, percent=100.0 * text.count("%") / n,
             questions=100.0 * text.count("?") / n, log_words=math.log(n))
    return f


def engine_features(record: Mapping[str, Any]) -> Features:
    """What the engine answered: model, confidence, signals, the kinds of mention it set aside."""
    f = {"model=" + record["recommendation"]: 1.0, f"conf={record['recommendation']}/{record['confidence']}": 1.0,
         f"channels={len(record['channels'])}": 1.0}
    for kind in ("channels", "processes", "goals"):
        f.update({f"{kind}={v}": 1.0 for v in record[kind]})
    f.update({"aside=" + e["signal"].split(":")[0]: 1.0 for e in record["set_aside"]})
    return f


def is_long(text: str) -> bool:
    """The bot's long-description length: shorter texts are chat lines, where every word is meant."""
    return len(text.split()) > PASSING_MIN_WORDS


def gate_to_undetermined(answer: str, text: str, p_und: float, threshold: float) -> str:
    return UND if p_und > threshold and is_long(text) else answer


def promote_to_bpo(answer: str, record: Mapping[str, Any], p_bpo: float, threshold: float) -> str:
    """BPO when the words say so strongly, unless the buyer keeps the work in house (spec 3)."""
    return BPO if p_bpo > threshold and record.get("sourcing") != "in_house" else answer


def out_of_fold(items: Sequence[Any], folds: Sequence[int], featurise: Callable[[Any], Features],
                target: Callable[[Any], Any], c: float, proba: bool = True) -> list[Any]:
    """Per fold, fit on the other folds' items and predict this fold's (probability of True, or a label)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    out: list[Any] = [None] * len(items)
    feats = [featurise(it) for it in items]
    for k in sorted(set(folds)):
        train = [i for i, f in enumerate(folds) if f != k]
        held = [i for i, f in enumerate(folds) if f == k]
        vectorizer = DictVectorizer()
        x = vectorizer.fit_transform([feats[i] for i in train])
        model = LogisticRegression(C=c, max_iter=3000).fit(x, [target(items[i]) for i in train])
        xh = vectorizer.transform([feats[i] for i in held])
        guesses = model.predict_proba(xh)[:, list(model.classes_).index(True)] if proba else model.predict(xh)
        for i, g in zip(held, guesses):
            out[i] = float(g) if proba else str(g)
    return out


def auc(labels: Sequence[bool], scores: Sequence[float]) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, scores))


def regularisation_from(argv: list[str] | None, doc: str, what: str) -> float:
    """The ``--c`` option (inverse regularisation strength of ``what``) of an experiment's command line."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--c", type=float, default=0.3, help=f"inverse regularisation strength of {what}")
    return float(ap.parse_args(argv).c)


def train_dev_folds() -> tuple[list[Any], list[int]]:
    """The train + dev items, and the fold of each, grouped by source as `make eval` folds them."""
    from bot.runtime import realtext
    from bot.runtime.realtext_eval import FOLDS

    items = realtext.load(("train", "dev"))
    return items, [realtext.fold_of(it.source, FOLDS) for it in items]


def out_of_fold_signals(items: list[Any], folds: list[int]) -> list[Any]:
    """Each item's signals from the `make eval` fold model that never saw its source."""
    from bot.config.paths import RESULTS_DIR
    from bot.domain.signals import Signals
    from bot.rasa_ext.parser import ScopeParser

    out: list[Signals] = [Signals()] * len(items)
    for k in sorted(set(folds)):
        model = RESULTS_DIR / "crossval" / f"fold{k}.tar.gz"
        if not model.exists():
            raise SystemExit(f"{model} is missing: run `make eval` first")
        held = [i for i, f in enumerate(folds) if f == k]
        for i, parse in zip(held, ScopeParser(model).parse_many([items[i].text for i in held])):
            out[i] = parse.signals
    return out


def out_of_fold_records(items: list[Any], folds: list[int]) -> list[dict[str, Any]]:
    """The engine's answer to each item, as `make eval` scores it, from the fold model that never saw its source."""
    from bot.domain.assessment import assess

    return [dict(assess(s).to_record(it.text)) for s, it in zip(out_of_fold_signals(items, folds), items)]


def main(argv: list[str] | None = None) -> int:
    c = regularisation_from(argv, __doc__, "the word models")
    items, folds = train_dev_folds()
    records = out_of_fold_records(items, folds)
    gold = [it.label for it in items]

    def accuracy(answers: Sequence[str]) -> str:
        return f"{sum(a == g for a, g in zip(answers, gold)) / len(gold):.3f}"

    engine = [r["recommendation"] for r in records]
    print(f"{len(items)} items, {len(set(folds))} folds grouped by source; engine alone {accuracy(engine)}")
    und_words = out_of_fold(items, folds, lambda it: doc_words(it.text), lambda it: it.label == UND, c)
    und_cues = out_of_fold(items, folds, lambda it: cue_rates(it.text), lambda it: it.label == UND, 1.0)
    bpo_words = out_of_fold(items, folds, lambda it: doc_words(it.text), lambda it: it.label == BPO, c)
    is_und, is_bpo = [g == UND for g in gold], [g == BPO for g in gold]
    for name, probs in (("und_gate", und_words), ("cue_gate", und_cues)):
        cells = [f"t={t}: " + accuracy([gate_to_undetermined(a, it.text, p, t)
                                         for a, it, p in zip(engine, items, probs)]) for t in (0.5, 0.6, 0.7, 0.8)]
        print(f"{name:12s} AUC for gold {UND} {auc(is_und, probs):.3f}   " + "   ".join(cells))
    cells = [f"t={t}: {accuracy([promote_to_bpo(a, r, p, t) for a, r, p in zip(engine, records, bpo_words)])}"
             for t in (0.6, 0.7, 0.8, 0.9)]
    print(f"{'back_office':12s} AUC for gold {BPO} {auc(is_bpo, bpo_words):.3f}   " + "   ".join(cells))

    def answer_and_words(pair: tuple[Any, Mapping[str, Any]]) -> Features:
        return {**engine_features(pair[1]), **{k: 0.3 for k in doc_words(pair[0].text, pairs=False)}}

    stacked = out_of_fold(list(zip(items, records)), folds, answer_and_words, lambda pair: pair[0].label,
                          c, proba=False)
    confusion = Counter((g, a) for g, a in zip(gold, engine) if g != a)
    print(f"{'stacker':12s} {accuracy(stacked)}   largest engine error cells: "
          + ", ".join(f"{g}->{a} {n}" for (g, a), n in confusion.most_common(4)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
