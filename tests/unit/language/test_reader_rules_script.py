"""scripts/reader_rules.py: the per-kind set-aside rules it compares behave as named."""

from __future__ import annotations

import importlib.util

import pytest

from bot.config.paths import PROJECT_ROOT
from bot.domain.signals import PASSING_MIN_WORDS
from bot.language.relevance import RelevanceReader

_spec = importlib.util.spec_from_file_location("reader_rules", PROJECT_ROOT / "scripts" / "reader_rules.py")
reader_rules = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reader_rules)

TEXT = "The company said in an email to reporters that payroll and support jobs are affected. " * 5


def _mention(words: str, entity: str, value: str) -> dict:
    start = TEXT.index(words)
    return {"entity": entity, "value": value, "start": start, "end": start + len(words)}


MENTIONS = [_mention("email", "channel", "email"), _mention("payroll", "process", "payroll_hr"),
            _mention("support", "process", "inbound_support")]


def test_kinds_split_processes_into_contact_and_back_office_work():
    assert [reader_rules.kind_of(m) for m in MENTIONS] == ["channel", "back_office", "contact"]
    assert reader_rules.kind_of({"entity": "goal", "value": "csat"}) == "goal"


def test_the_product_rule_is_the_one_the_bot_runs(monkeypatch):
    """Scored far below every threshold: the product's own reader and the script's "product"
    rule set aside the same mentions, even right after another rule ran; "before" also the
    back-office one; "none" nothing."""
    assert len(TEXT.split()) > PASSING_MIN_WORDS
    reader = RelevanceReader({}, bias=-5.0)
    product = reader.set_aside(TEXT, MENTIONS)
    monkeypatch.setattr(RelevanceReader, "threshold_for", RelevanceReader.threshold_for)  # restored after the test
    seen = {}
    for name, thresholds in reader_rules.RULES.items():
        reader_rules.use_rule(thresholds)
        seen[name] = reader.set_aside(TEXT, MENTIONS)
    assert seen == {"product": product, "before": [0, 1, 2], "none": []} and product == [0, 2]
    assert list(reader_rules.RULES).index("before") < list(reader_rules.RULES).index("product")


def test_the_product_rule_keeps_the_bot_s_threshold_whatever_it_is(monkeypatch):
    """Not a copy of 0.5: with the reader trained at another threshold, "product" uses that one."""
    monkeypatch.setattr(RelevanceReader, "threshold_for", RelevanceReader.threshold_for)  # restored after the test
    reader = RelevanceReader({}, bias=0.0, threshold=0.6)  # every mention scored 0.5
    reader_rules.use_rule(reader_rules.RULES["before"])
    assert reader.set_aside(TEXT, MENTIONS) == []
    reader_rules.use_rule(reader_rules.RULES["product"])
    assert reader.set_aside(TEXT, MENTIONS) == [0, 2]


def test_a_rule_must_give_every_kind():
    assert reader_rules.parse_rule("x=channel:0.5,contact:0.4,back_office:0,goal:0.5") == (
        "x", {"channel": 0.5, "contact": 0.4, "back_office": 0.0, "goal": 0.5})
    with pytest.raises(SystemExit, match="each of"):
        reader_rules.parse_rule("x=channel:0.5")
