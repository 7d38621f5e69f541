"""The NLU pipeline with the real trained model: intents, canonical signals, roles, merging."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def resolver_entities(parser, text):
    data = parser.parse_raw(text)
    return data, [e for e in data["entities"] if e.get("extractor") == "SignalResolver"]


@pytest.mark.parametrize("text,intent", [
    ("hi there", "greet"),
    ("what's the difference between a call center and a contact center?", "ask_definition"),
    ("can you send me the scope brief", "ask_brief"),
    ("start over please", "restart"),
    ("are you a human?", "bot_challenge"),
    ("We run phone and email support for our furniture shop and want a partner to take it over.",
     "describe_operation"),
    ("actually drop the phone", "correct"),
])
def test_intents(parser, text, intent):
    assert parser.parse_raw(text)["intent"]["name"] == intent


def test_negated_channel_is_excluded(parser):
    s = parser.parse("We don't do phone support at all, only email and live chat.").signals
    assert s.channels == {"email", "chat"}
    assert s.excluded_channels == {"voice"}


def test_planned_channel_is_reported_apart(parser):
    s = parser.parse("Today it's just phone calls; next year we'll add WhatsApp.").signals
    assert s.channels == {"voice"} and s.planned_channels == {"messaging"}


def test_typos_and_slang_map_to_canonical_values(parser):
    s = parser.parse("ppl emial us or ping us on whatsap, some ring us too").signals
    assert {"email", "messaging", "voice"} <= s.channels


def test_duplicates_from_several_extractors_become_one_mention(parser):
    data, resolved = resolver_entities(parser, "We need a call center to handle chat and email.")
    raw_chat = [e for e in data["entities"] if e.get("extractor") != "SignalResolver" and e["value"] == "chat"]
    assert len({e["extractor"] for e in raw_chat}) >= 2, raw_chat  # the same word found twice...
    assert [e["value"] for e in resolved].count("chat") == 1  # ...is one mention
    spans = [(e["start"], e["end"]) for e in resolved]
    assert len(spans) == len(set(spans))
    for a in resolved:
        for b in resolved:
            if a is not b:
                assert a["end"] <= b["start"] or b["end"] <= a["start"], (a, b)
    # the "call" inside "call center" is the label's word, not a phone channel
    assert {(e["entity"], e["value"]) for e in resolved} == {
        ("model", "CALL_CENTER"), ("channel", "chat"), ("channel", "email")}


def test_every_resolved_value_is_canonical(parser):
    from bot.domain.vocabulary import CANONICAL

    text = ("We're an insurer: 20k claims a month, calls and emails, we'd like a nearshore partner to "
            "own QA and reporting and cut handle time, with a chatbot for FNOL.")
    _, resolved = resolver_entities(parser, text)
    assert resolved
    for e in resolved:
        if e["entity"] != "volume":
            assert e["value"] in CANONICAL[e["entity"]], e


def test_batched_parsing_equals_one_message_at_a_time(parser):
    """`scopebot classify` parses batches (one DIET call per batch); the results must be the
    ones the bot gets for each message alone, including long texts cut into chunks."""
    import yaml

    from bot.config.paths import PROJECT_ROOT

    cases = yaml.safe_load((PROJECT_ROOT / "heldout/assessment_cases.yml").read_text(encoding="utf-8"))
    texts = [c["text"] for c in (cases["cases"] if isinstance(cases, dict) else cases)][:40]
    texts += ["", "hi", " ".join(texts[:12])]  # empty, chit-chat, and one long enough to be chunked

    def key(data):
        ents = sorted(str((e["entity"], e["start"], e["end"], e.get("value"), e.get("role"), e.get("extractor")))
                      for e in data["entities"])
        return data["intent"]["name"], round(data["intent"]["confidence"], 3), ents

    batched = parser.parse_raw_many(texts[:-1])
    assert [key(b) for b in batched] == [key(parser.parse_raw(t)) for t in texts[:-1]]
    many = parser.parse_many(texts)
    one = [parser.parse(t) for t in texts]
    assert [(p.intent, p.signals) for p in many] == [(p.intent, p.signals) for p in one]

    # On a Rasa release the batch path was not written for, the parser falls back to Rasa's
    # public parse, one text at a time, with the same results.
    parser.batched = False
    try:
        assert [key(b) for b in parser.parse_raw_many(texts[:-1])] == [key(b) for b in batched]
        assert [(p.intent, p.signals) for p in parser.parse_many(texts)] == [(p.intent, p.signals) for p in many]
    finally:
        parser.batched = True


def test_eager_weight_building_predicts_exactly_like_rasas_own_loading(parser, trained_model, monkeypatch):
    """The model is loaded without tracing DIET's training step (bot/nlu/batched_diet.py);
    a parser loaded the way Rasa itself loads DIET must give the very same outputs."""
    from rasa.nlu.classifiers.diet_classifier import DIET

    from bot.nlu.batched_diet import BatchedDIETClassifier
    from bot.rasa_ext.parser import ScopeParser
    from bot.runtime.evaluation import load_cases

    monkeypatch.setattr(BatchedDIETClassifier, "model_class", staticmethod(lambda: DIET))
    stock = ScopeParser(trained_model)

    texts = [c["text"] for c in load_cases()][:30]
    texts += ["hi", "what is a contact center?", "no, drop the email"]

    def outputs(data):
        ranking = [(r["name"], r["confidence"]) for r in data["intent_ranking"]]
        ents = sorted(str(sorted(e.items())) for e in data["entities"])
        return ranking, ents

    assert [outputs(stock.parse_raw(t)) for t in texts] == [outputs(parser.parse_raw(t)) for t in texts]


def test_on_another_rasa_release_the_batch_path_is_left_out_and_says_so(trained_model, caplog):
    from bot.rasa_ext.parser import ScopeParser

    with caplog.at_level("WARNING", logger="bot.rasa_ext.parser"):
        other = ScopeParser(trained_model, rasa_release="3.7.2")
    assert other.batched is False
    assert "written for Rasa 3.6.x, but Rasa 3.7.2 is installed" in caplog.text
    assert other.parse("We answer phone calls and emails").signals.channels == frozenset({"voice", "email"})


# ----- the learned relevance reader (bot/language/relevance.py) inside the model -------------
CATALOGUE = ("The centre opened in Halifax in 2009 with a small bilingual team. Services at the site include "
             "sales, customer care, retention and back office, but its main strength is technical support, "
             "delivered over voice, chat, email and, more recently, social media. More than 400 agents now work "
             "there across three shifts, and the operator says it plans to hire another hundred people next "
             "year as new clients sign up for its services in the region.")


def _stored_reader(model):
    import tarfile

    from bot.language.relevance import RelevanceReader

    with tarfile.open(model) as archive:
        name = next(n for n in archive.getnames() if n.endswith("/relevance.json"))
        return RelevanceReader.from_json(archive.extractfile(name).read().decode("utf-8"))


def test_the_model_sets_aside_what_its_reader_scores_as_context_in_long_texts_only(parser, trained_model):
    """The reader stored in the model is the one that runs: in a long text, exactly the mentions
    it scores as context are flagged in the parse, counted for nothing and shown as set aside
    with their words; a chat-length line with the same words keeps every one of them."""
    from bot.language.lexicon import load_lexicon
    from bot.language.mentions import resolve

    reader = _stored_reader(trained_model)
    assert reader.trained_on["texts"] > 1000 and reader.applies_to(CATALOGUE)
    lexical = [m.to_entity() for m in resolve(CATALOGUE, [], load_lexicon())]
    aside = {(lexical[i]["entity"], lexical[i]["start"]) for i in reader.set_aside(CATALOGUE, lexical)}
    assert aside, "the reader sets nothing aside in a provider's catalogue of services"
    _, resolved = resolver_entities(parser, CATALOGUE)
    flagged = [i for i, e in enumerate(resolved) if e.get("context")]
    assert flagged and reader.set_aside(CATALOGUE, [{k: v for k, v in e.items() if k != "context"}
                                                    for e in resolved]) == flagged
    parsed = parser.parse(CATALOGUE).signals
    shown = {e.signal for e in parsed.set_aside}
    assert shown and not shown & parsed.signal_keys()
    assert all(CATALOGUE[e.start:e.end] == e.text for e in parsed.set_aside)

    line = "Services at the site include sales, customer care and retention, delivered over voice, chat and email."
    assert not reader.applies_to(line)
    s = parser.parse(line).signals
    assert s.channels == {"voice", "chat", "email"} and s.set_aside == ()
    assert "retention" in s.processes | s.goals  # retention work or the retention goal: DIET picks the sense
