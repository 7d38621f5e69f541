"""The catalogue of operating models: what it holds, what loading refuses, who reads it."""

from __future__ import annotations

import copy

import pytest
import yaml

from bot.domain import operating_models
from bot.domain.assessment import assess
from bot.domain.definitions import define
from bot.domain.operating_models import CATALOGUE_PATH, MODELS, parse
from bot.domain.rulebook import RULEBOOK_PATH, load_rulebook, mismatch_message
from bot.domain.signals import Signals
from bot.domain.vocabulary import CANONICAL, label
from bot.views.brief import render_brief
from bot.views.view import build_view

RAW = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))


def test_the_four_models_narrowest_first():
    assert [m.id for m in MODELS] == ["CALL_CENTER", "CONTACT_CENTER", "CX_BPO", "BPO"]
    assert [m.breadth for m in MODELS] == sorted(m.breadth for m in MODELS)
    assert [label(m.id) for m in MODELS] == ["call center", "contact center", "CX BPO", "BPO"]
    assert label("UNDETERMINED") == "not determined yet"


def test_the_label_vocabulary_and_the_rulebook_use_the_catalogue():
    assert CANONICAL["model"] == tuple(m.id for m in MODELS)
    recommended = {r.recommend for r in load_rulebook().rules}
    assert {m.id for m in MODELS} <= recommended  # every model can be the answer


def without(field: str) -> dict:
    raw = copy.deepcopy(RAW)
    del raw["models"][1][field]
    return raw


def changed(field: str, value) -> dict:
    raw = copy.deepcopy(RAW)
    raw["models"][1][field] = value
    return raw


@pytest.mark.parametrize("raw, complaint", [
    (without("kpis"), "missing ['kpis']"),
    (changed("kpi", ["typo"]), "unknown ['kpi']"),
    (changed("technology", []), "non-empty list"),
    (changed("definition", "  "), "non-empty text"),
    (changed("breadth", 1), "share a breadth"),
    (changed("breadth", "wide"), "positive whole number"),
    (changed("id", "CALL_CENTER"), "share a id"),
    (changed("id", "UNDETERMINED"), "upper-case name other than"),
    ({"models": []}, "no models"),
    ({"model": RAW["models"]}, "one key"),
])
def test_a_broken_catalogue_is_refused_on_load(raw, complaint):
    with pytest.raises(ValueError, match=complaint.replace("[", r"\[").replace("]", r"\]")):
        parse(raw)


def test_a_rulebook_naming_an_unknown_model_is_refused(tmp_path):
    text = RULEBOOK_PATH.read_text(encoding="utf-8")
    broken = tmp_path / "rulebook.yml"
    broken.write_text(text.replace("recommend: CX_BPO", "recommend: CXBPO", 1), encoding="utf-8")
    with pytest.raises(ValueError, match="unknown model 'CXBPO'"):
        load_rulebook(broken)


def test_breadth_decides_whether_the_request_was_too_narrow_or_too_broad():
    narrow = mismatch_message("CALL_CENTER", "CONTACT_CENTER")
    broad = mismatch_message("BPO", "CONTACT_CENTER")
    book = load_rulebook()
    assert narrow == book.mismatch["narrower"].format(requested="call center", recommended="contact center")
    assert broad == book.mismatch["broader"].format(requested="BPO", recommended="contact center")
    assert mismatch_message("BPO", "UNDETERMINED") is None


def test_definitions_come_from_the_catalogue():
    contact = operating_models.model("CONTACT_CENTER")
    assert define(["CONTACT_CENTER"]).startswith(contact.definition)
    overview = define([])
    positions = [overview.index(m.definition) for m in MODELS]
    assert positions == sorted(positions)  # explained narrowest first


def test_the_brief_lists_the_catalogue_kpis_and_technology():
    a = assess(Signals(channels=frozenset({"voice"}), direction="inbound"))
    assert a.recommendation == "CALL_CENTER"
    brief = render_brief(build_view(a))
    call_center = operating_models.model("CALL_CENTER")
    for line in call_center.kpis + call_center.technology:
        assert f"- {line}\n" in brief
    # a BPO that also takes chat is measured as a contact center too
    bpo = render_brief(build_view(assess(Signals(channels=frozenset({"chat"}), processes=frozenset({"payroll_hr"}),
                                                 sourcing="outsourced"))))
    for line in operating_models.model("BPO").kpis + operating_models.model("CONTACT_CENTER").kpis:
        assert f"- {line}\n" in bpo
