"""Follow-up questions: catalogue conditions and ranking by whether they can change the model."""

from __future__ import annotations

import re

import pytest

from bot.domain.assessment import assess
from bot.domain.questions import MAX_QUESTIONS, QUESTIONS_PATH, load_questions
from bot.domain.signals import Signals


def ids(signals: Signals, answered=()) -> list[str]:
    return [q.id for q in assess(signals, answered=answered).questions]


def test_catalogue_matches_the_spec():
    assert [q.id for q in load_questions()] == [
        "channels", "back_office", "cx_ownership", "sourcing", "omnichannel", "direction",
        "volume", "future_channels", "priorities", "automation"]


def test_nothing_known_asks_channels_first():
    assert ids(Signals())[0] == "channels"


@pytest.mark.parametrize("signals", [
    Signals(), Signals(channels=frozenset({"voice"})),
    Signals(channels=frozenset({"voice", "chat", "email"}), goals=frozenset({"cost_reduction"})),
    Signals(processes=frozenset({"payroll_hr"})),
])
def test_never_more_than_three(signals):
    assert 1 <= len(ids(signals)) <= MAX_QUESTIONS


def test_decisive_questions_come_first():
    # Voice only: more channels would make it a contact center; back office would make it BPO.
    first = ids(Signals(channels=frozenset({"voice"}), direction="inbound"))
    assert first[:2] == ["channels", "back_office"]
    # Contact center with unknown sourcing: back office / ownership can change the model, omnichannel cannot.
    cc = ids(Signals(channels=frozenset({"chat", "email"})))
    assert cc == ["back_office", "cx_ownership", "sourcing"]
    # BPO: only sourcing (in-house would undo it) can change the model.
    assert ids(Signals(processes=frozenset({"data_entry"})))[0] == "sourcing"


def test_answered_questions_are_not_asked_again():
    assert "back_office" not in ids(Signals(channels=frozenset({"chat"})), answered=["back_office"])


def test_conditions_from_the_spec_table():
    two = Signals(channels=frozenset({"chat", "email"}), sourcing="outsourced")
    assert "omnichannel" in [q.id for q in assess(two, answered=["back_office", "cx_ownership"]).questions]
    integrated = Signals(channels=frozenset({"chat", "email"}), integration="integrated")
    assert "omnichannel" not in ids(integrated, answered=["back_office", "cx_ownership", "sourcing"])
    voice = Signals(channels=frozenset({"voice"}), sourcing="outsourced", processes=frozenset({"data_entry"}))
    assert "direction" in ids(voice, answered=["channels"])
    assert "cx_ownership" not in ids(Signals(channels=frozenset({"chat"}), goals=frozenset({"analytics"})))


def test_every_question_has_text_and_options_are_signals():
    for q in load_questions():
        assert q.text.endswith("?")
        for o in q.options:
            Signals.from_dict(o.signals)  # valid signal fields


def signal_entries(questions) -> list[tuple[str, dict]]:
    """Every hand-written set of signals in the catalogue, named by where it is."""
    out = []
    for q in questions:
        out += [(f"{q.id} what_if", answer) for answer in q.what_if]
        out += [(f"{q.id} option {o.title!r}", o.signals) for o in q.options]
        out += [(f"{q.id} {name}", getattr(q, name).signals) for name in ("on_yes", "on_no")
                if getattr(q, name) is not None]
    return out


def test_every_answer_in_the_catalogue_is_valid_signals():
    entries = signal_entries(load_questions())
    assert len(entries) >= 20  # what_if, options and yes/no answers of all ten questions
    for where, signals in entries:
        try:
            Signals.from_dict(signals)  # raises, naming the field or value, on a typo
        except ValueError as exc:
            pytest.fail(f"questions.yml, {where}: {exc}")


@pytest.mark.parametrize("typo", [
    ("{channels: [voice], voice_exclusive: true}", "{channel: [voice], voice_exclusive: true}"),
    ("on_yes: {goals: [quality_assurance, analytics]}", "on_yes: {goals: [quality_assurance, analytic]}"),
    ("      - {processes: [data_entry]}", "      - {processes: data_entry}"),
])
def test_a_typo_in_the_catalogue_fails_the_check(tmp_path, typo):
    before, after = typo
    text = QUESTIONS_PATH.read_text(encoding="utf-8")
    assert before in text
    broken = tmp_path / "questions.yml"
    broken.write_text(text.replace(before, after, 1), encoding="utf-8")
    with pytest.raises(ValueError):
        for _, signals in signal_entries(load_questions(broken)):
            Signals.from_dict(signals)


# ----- behaviour declared in questions.yml, checked at load ----------------------------------
def catalogue(**question) -> dict:
    return {"questions": [{"id": "q", "text": "Why?", **question}]}


@pytest.mark.parametrize("question, complaint", [
    ({"on_yess": {}}, "unknown keys ['on_yess']"),
    ({"about": "chanels"}, "about names no signal or fact: 'chanels'"),
    ({"reads": "volumes"}, "reads 'volumes'"),
    ({"on_yes": "ask"}, "on_yes must be a mapping"),
    ({"on_yes": {"ask": "Which?", "processes": ["data_entry"]}}, "ask takes a prompt and nothing else"),
    ({"when": ["no_chanel"]}, "unknown condition 'no_chanel'"),
    ({"options": [{"title": "A", "signal": {}}]}, "unknown keys ['signal']"),
])
def test_a_typo_in_the_catalogue_fails_at_load(question, complaint):
    from bot.domain.questions import CatalogueError, parse_questions

    with pytest.raises(CatalogueError, match=re.escape(complaint)):
        parse_questions(catalogue(**question))


def test_repeated_ids_fail_at_load():
    from bot.domain.questions import CatalogueError, parse_questions

    with pytest.raises(CatalogueError, match="repeat"):
        parse_questions({"questions": [{"id": "q", "text": "A?"}, {"id": "q", "text": "B?"}]})


def test_question_behaviour_comes_from_the_catalogue():
    from bot.domain.questions import question_by_id, settled_value

    back_office = question_by_id("back_office")
    assert back_office.on_yes.ask and back_office.on_yes.ask.startswith("Which ones?")
    assert back_office.on_no.signals == {} and back_office.on_no.ask is None
    assert question_by_id("volume").reads == "volume"
    assert question_by_id("sourcing").on_yes.signals == {"sourcing": "outsourced"}
    assert settled_value("back_office", Signals(processes=frozenset({"data_entry", "collections"}))) == {"data_entry"}
    ownership = question_by_id("cx_ownership")
    assert ownership.settled_by(Signals(), Signals(goals=frozenset({"analytics"})))
    assert not ownership.settled_by(Signals(), Signals(goals=frozenset({"cost_reduction"})))


def test_a_declared_prompt_is_what_the_conversation_says():
    from bot.dialogue.conversation import State, take_turn
    from bot.domain.questions import parse_questions, question_by_id

    parsed = parse_questions(catalogue(about="back_office", on_yes={"ask": "Which  ones,\n exactly?"}))
    assert parsed[0].on_yes.ask == "Which ones, exactly?"
    turn = take_turn(State(Signals(channels=frozenset({"chat"})), pending="back_office"), "affirm", [], "yes")
    assert turn.note == question_by_id("back_office").on_yes.ask and turn.state.pending == "back_office"
