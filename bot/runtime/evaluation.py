"""`scopebot eval`: measured quality, written to ``docs/evaluation/`` for the docs to link.

Two levels:

1. NLU: ``rasa test nlu`` on the held-out set in ``heldout/nlu.yml`` (never trained on):
   intent report, per-extractor entity reports, confusion-matrix pictures.
2. Assessment: the whole chain (model -> resolver -> rulebook) on the labelled
   descriptions in ``heldout/assessment_cases.yml``, field by field.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.config.paths import PROJECT_ROOT, RESULTS_DIR
from bot.domain.assessment import assess

#: The held-out sets live outside tests/ and data/: never trained on, read by `scopebot eval`.
HELDOUT_DIR = PROJECT_ROOT / "heldout"
NLU_TEST = HELDOUT_DIR / "nlu.yml"
CASES = HELDOUT_DIR / "assessment_cases.yml"
REPORT_DIR = PROJECT_ROOT / "docs" / "evaluation"
SET_FIELDS = ("channels", "planned_channels", "excluded_channels", "processes", "goals")
SCALAR_FIELDS = ("recommendation", "confidence", "label_requested", "label_mismatch",
                 "omnichannel", "direction", "sourcing")
TARGETS = {"intent_macro_f1": 0.95, "entity_micro_f1": 0.92, "recommendation_accuracy": 0.95}


@dataclass
class CaseResult:
    id: str
    text: str
    expected: dict[str, Any]
    actual: dict[str, Any]

    @property
    def wrong_fields(self) -> list[str]:
        out = []
        for f, want in self.expected.items():
            got = self.actual.get(f)
            if f in SET_FIELDS:
                if sorted(want or []) != sorted(got or []):
                    out.append(f)
            elif want != got:
                out.append(f)
        return out


def load_cases(path: Path = CASES) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]


def evaluate_cases(parser, cases: list[dict[str, Any]]) -> list[CaseResult]:
    results = []
    for case in cases:
        record = assess(parser.parse(case["text"]).signals).to_record(case["text"])
        results.append(CaseResult(case["id"], case["text"], case["expect"], record))
    return results


def summarise_cases(results: list[CaseResult]) -> dict[str, Any]:
    fields: dict[str, dict[str, float]] = {}
    for f in SCALAR_FIELDS + SET_FIELDS:
        scored = [r for r in results if f in r.expected]
        if scored:
            ok = sum(f not in r.wrong_fields for r in scored)
            fields[f] = {"accuracy": ok / len(scored), "n": len(scored)}
    per_model: dict[str, dict[str, int]] = {}
    for r in results:
        want = r.expected["recommendation"]
        row = per_model.setdefault(want, {"n": 0, "correct": 0})
        row["n"] += 1
        row["correct"] += int(r.actual["recommendation"] == want)
    return {"cases": len(results), "fields": fields, "per_model": per_model}


def run_rasa_test_nlu(model: Path, out: Path) -> dict[str, Any]:
    from bot.runtime.childenv import rasa_bin, rasa_env

    if out.exists():
        shutil.rmtree(out)
    cmd = [rasa_bin(), "test", "nlu", "--nlu", str(NLU_TEST), "--model", str(model),
           "--out", str(out)]
    subprocess.run(cmd, cwd=PROJECT_ROOT, env=rasa_env(), check=True)
    intent = json.loads((out / "intent_report.json").read_text())
    entities = {}
    for report in sorted(out.glob("*_report.json")):
        if report.name == "intent_report.json":
            continue
        data = json.loads(report.read_text())
        name = report.name[: -len("_report.json")]
        entities[name] = data
    return {"intent": intent, "entities": entities}


def micro_f1(report: dict[str, Any]) -> float:
    avg = report.get("micro avg") or report.get("accuracy")
    if isinstance(avg, dict):
        return float(avg["f1-score"])
    return float(avg or 0.0)


def render_report(nlu: dict[str, Any] | None, summary: dict[str, Any],
                  failures: list[CaseResult], model: Path, realtext: list[str] | None = None) -> str:
    lines = ["# Evaluation report", "",
             f"Model: `{model.name}`. Produced by `make eval` (`scopebot eval --crossval`; "
             "`scopebot eval` alone reuses the last cross-validation in `results/`).", ""]
    lines += realtext or []
    lines += ["## Chat-style sets (written by the project; their error lists guided earlier tuning)", "",
              "The held-out NLU set `heldout/nlu.yml` and the labelled descriptions "
              "`heldout/assessment_cases.yml` are never trained on, but earlier sessions read their "
              "error lists, so these figures are upper bounds and do not predict real text.", ""]
    if nlu:
        intent = nlu["intent"]
        lines += ["### NLU (held-out set, `rasa test nlu`)", "",
                  "| metric | value | target |", "|---|---|---|",
                  f"| intent macro-F1 | {intent['macro avg']['f1-score']:.3f} | ≥ {TARGETS['intent_macro_f1']} |",
                  f"| intent accuracy | {intent['accuracy']:.3f} | |"]
        for name, rep in nlu["entities"].items():
            target = f"≥ {TARGETS['entity_micro_f1']}" if name == "SignalResolver" else ""
            lines.append(f"| entity micro-F1, {name} | {micro_f1(rep):.3f} | {target} |")
        lines += ["", "Intent F1 by intent:", "", "| intent | precision | recall | F1 | n |",
                  "|---|---|---|---|---|"]
        for k, v in sorted(intent.items()):
            if isinstance(v, dict) and "support" in v and not k.endswith("avg"):
                lines.append(f"| {k} | {v['precision']:.2f} | {v['recall']:.2f} | "
                             f"{v['f1-score']:.2f} | {v['support']} |")
        res = nlu["entities"].get("SignalResolver")
        if res:
            lines += ["", "Entity F1 by type (SignalResolver: merged, canonical output):", "",
                      "| entity | precision | recall | F1 | n |", "|---|---|---|---|---|"]
            for k, v in sorted(res.items()):
                if isinstance(v, dict) and "support" in v and not k.endswith("avg"):
                    lines.append(f"| {k} | {v['precision']:.2f} | {v['recall']:.2f} | "
                                 f"{v['f1-score']:.2f} | {v['support']} |")
        lines += ["", "![intent confusion matrix](intent_confusion_matrix.png)", "",
                  "![entity confusion matrix](SignalResolver_confusion_matrix.png)", ""]
    fields = summary["fields"]
    lines += ["### Assessment (whole chain, labelled chat-style descriptions)", "",
              f"{summary['cases']} descriptions.", "",
              "| field | accuracy | n | target |", "|---|---|---|---|"]
    for f, v in fields.items():
        target = f"≥ {TARGETS['recommendation_accuracy']}" if f == "recommendation" else ""
        lines.append(f"| {f} | {v['accuracy']:.3f} | {v['n']} | {target} |")
    lines += ["", "| expected model | correct / n |", "|---|---|"]
    for m, v in sorted(summary["per_model"].items()):
        lines.append(f"| {m} | {v['correct']} / {v['n']} |")
    if failures:
        lines += ["", "### Cases with a wrong recommendation", ""]
        for r in failures:
            lines.append(f"- `{r.id}` expected **{r.expected['recommendation']}**, got "
                         f"**{r.actual['recommendation']}**: {r.text[:160]}")
    return "\n".join(lines) + "\n"


def run_eval(model: Path, skip_nlu: bool = False, peer=None) -> int:
    from bot.rasa_ext.parser import ScopeParser
    from bot.runtime.realtext_eval import (
        buyer_text_scores,
        evaluate_splits,
        load_cv,
        render_buyer_texts,
        render_section,
        scopebot_predictor,
        write_errors,
    )

    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    nlu = None
    if not skip_nlu:
        out = RESULTS_DIR / "nlu"
        nlu = run_rasa_test_nlu(model, out)
        for png in ("intent_confusion_matrix.png", "SignalResolver_confusion_matrix.png",
                    "DIETClassifier_confusion_matrix.png", "BatchedDIETClassifier_confusion_matrix.png"):
            if (out / png).exists():
                shutil.copy(out / png, REPORT_DIR / png)
    parser = ScopeParser(model)
    ours = scopebot_predictor(parser)
    splits = evaluate_splits(ours, peer)
    write_errors(splits)
    realtext = render_section(splits, load_cv())
    realtext += render_buyer_texts(buyer_text_scores(ours), buyer_text_scores(peer) if peer else None)
    results = evaluate_cases(parser, load_cases())
    summary = summarise_cases(results)
    failures = [r for r in results if "recommendation" in r.wrong_fields]
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "assessment.json").write_text(json.dumps(
        {"summary": summary, "errors": [
            {"id": r.id, "text": r.text, "wrong": r.wrong_fields,
             "expected": r.expected, "actual": {k: r.actual.get(k) for k in r.expected}}
            for r in results if r.wrong_fields]}, indent=2))
    report = render_report(nlu, summary, failures, model, realtext)
    (REPORT_DIR / "report.md").write_text(report, encoding="utf-8")
    print(report)
    print(f"Report written to {(REPORT_DIR / 'report.md').relative_to(PROJECT_ROOT)}; "
          f"per-case errors in results/assessment.json")
    return 0
