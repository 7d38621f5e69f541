"""The learned relevance reader: what it learns from, what it sets aside, and what it never touches."""

from __future__ import annotations

import pytest

from bot.domain.signals import PASSING_MIN_WORDS
from bot.language.relevance import (
    FEATURES_VERSION,
    Example,
    RelevanceReader,
    TextView,
    document_features,
    features,
    flag_context,
    in_scope,
    labelled_mentions,
    mention_features,
    signal_of,
    train,
)

FILLER = " ".join(["The department will review every proposal received before the closing date."] * 8)


def _mention(text: str, words: str, entity: str, value: str, **extra: object) -> dict:
    start = text.index(words)
    return {"entity": entity, "value": value, "start": start, "end": start + len(words), "text": words,
            "extractor": "SignalResolver", **extra}


def _example(text: str, in_gold: bool) -> Example:
    ent = _mention(text, "email", "channel", "email")
    return Example(text, [ent], {"channels": frozenset({"email"} if in_gold else set())})


def _corpus() -> list[Example]:
    """Email answered by agents is scope; email in a reporter's by-line sentence is context."""
    scope = [f"Agents must answer every customer email within {n} hours. {FILLER}" for n in range(2, 22)]
    context = [f"The company said in an email to reporters that {n} jobs are affected. {FILLER}"
               for n in range(2, 22)]
    return [_example(t, True) for t in scope] + [_example(t, False) for t in context]


def test_features_read_the_sentence_around_the_mention_and_the_text():
    text = "Background first. Agents answer customer email promptly. Nothing else here."
    ent = _mention(text, "email", "channel", "email")
    f = features(TextView.of(text, [ent]), ent)
    assert f["L=customer"] == 1 and f["R=promptly"] == 1 and f["channel:email|L=answer"] == 1
    assert "L=background" not in f and "R=nothing" not in f  # other sentences are not the window
    assert f["D=background"] > 0  # ...but the text's vocabulary is there, faintly
    assert f["count=1"] == 1 and f["span=email"] == 1


def test_only_current_channels_processes_and_goals_are_scored():
    assert in_scope({"entity": "channel", "value": "email"})
    assert not in_scope({"entity": "channel", "value": "email", "role": "planned"})
    assert not in_scope({"entity": "industry", "value": "telecom"})
    xs, ys = labelled_mentions([_example("We answer email.", True), _example("We answer email.", False)])
    assert len(xs) == 2 and ys == [True, False]


def test_it_learns_scope_from_context_and_sets_aside_only_in_long_texts():
    reader = train(_corpus())
    assert reader.trained_on == {"texts": 40, "mentions": 40, "in_scope": 20}
    unseen_context = f"A spokesperson said in an email that the site will close. {FILLER}"
    unseen_scope = f"Agents must answer each customer email quickly. {FILLER}"
    ctx = [_mention(unseen_context, "email", "channel", "email")]
    scope = [_mention(unseen_scope, "email", "channel", "email")]
    assert reader.set_aside(unseen_context, ctx) == [0]
    assert reader.set_aside(unseen_scope, scope) == []
    assert flag_context(reader, unseen_context, ctx) == [{**ctx[0], "context": True}]
    assert flag_context(reader, unseen_scope, scope) == scope
    short = "A spokesperson said in an email that the site will close."
    assert len(short.split()) <= PASSING_MIN_WORDS
    assert reader.set_aside(short, [_mention(short, "email", "channel", "email")]) == []  # chat lines: untouched
    planned = [_mention(unseen_context, "email", "channel", "email", role="planned")]
    assert reader.set_aside(unseen_context, planned) == []
    assert flag_context(None, unseen_context, ctx) == ctx


def test_a_back_office_process_is_scored_but_never_set_aside():
    """The same context that sets an e-mail aside leaves a back-office process in scope."""
    text = f"The company said in an email to reporters that payroll jobs are affected. {FILLER}"
    email = _mention(text, "email", "channel", "email")
    payroll = _mention(text, "payroll", "process", "payroll_hr")
    support = _mention(text, "jobs", "process", "inbound_support")
    everything_context = RelevanceReader({}, bias=-5.0)  # scores every mention far below the threshold
    assert everything_context.set_aside(text, [email, payroll, support]) == [0, 2]
    assert in_scope(payroll) and labelled_mentions([Example(text, [payroll], {"processes": frozenset()})])[1] == [False]


def test_chat_texting_messaging_and_video_are_scored_but_never_set_aside():
    """Phone, e-mail and social media named in passing can be set aside; the four channels a
    text names mostly because someone answers on them never are."""
    text = f"The firm said in an email and on its phones, chat, SMS, WhatsApp and video, that sites close. {FILLER}"
    named = [_mention(text, w, "channel", v) for w, v in (("email", "email"), ("phones", "voice"),
             ("chat", "chat"), ("SMS", "sms"), ("WhatsApp", "messaging"), ("video", "video"))]
    everything_context = RelevanceReader({}, bias=-5.0)
    assert everything_context.set_aside(text, named) == [0, 1]
    assert all(in_scope(m) for m in named)


def test_stored_weights_score_the_same_and_another_version_is_refused():
    reader = train(_corpus())
    again = RelevanceReader.from_json(reader.to_json())
    text = f"A spokesperson said in an email that the site will close. {FILLER}"
    ent = _mention(text, "email", "channel", "email")
    f = features(TextView.of(text, [ent]), ent)
    assert again.probability(f) == pytest.approx(reader.probability(f), abs=1e-4)
    assert (again.threshold, again.min_words, again.trained_on) == (reader.threshold, reader.min_words,
                                                                    reader.trained_on)
    stale = reader.to_json().replace(f'"features_version": {FEATURES_VERSION}', '"features_version": 0')
    with pytest.raises(ValueError, match="retrain"):
        RelevanceReader.from_json(stale)


def test_training_needs_both_kinds_of_mention():
    with pytest.raises(ValueError, match="both"):
        train([_example(f"Agents answer email. {FILLER}", True)])


def test_a_word_of_the_text_can_mean_context_for_one_signal_and_scope_for_another():
    """The text's words are also read per signal, so one word need not weigh the same for every
    mention: here market talk sets the phone aside and keeps the e-mail, a staff roster the
    reverse, which words shared by all mentions cannot learn (the same sentence names both)."""
    line = "Callers use the phone and the email desk every day."

    def text_about(topic: str, n: int = 0) -> str:
        return f"{line} The {topic} covers {n or 'many'} regions. {FILLER}"

    def mentions(text: str) -> list[dict]:
        return [_mention(text, "phone", "channel", "voice"), _mention(text, "email", "channel", "email")]

    corpus = [Example(text_about(topic, n), mentions(text_about(topic, n)), {"channels": frozenset({kept})})
              for n in range(2, 22) for topic, kept in (("market report", "email"), ("staff roster", "voice"))]
    reader = train(corpus)
    market, roster = text_about("market report"), text_about("staff roster")
    assert "channel:voice|D=market" in features(TextView.of(market, mentions(market)), mentions(market)[0])
    assert reader.set_aside(market, mentions(market)) == [0]
    assert reader.set_aside(roster, mentions(roster)) == [1]


def test_scoring_a_whole_text_at_once_gives_each_mention_its_own_probability():
    """:meth:`RelevanceReader.scores` weighs the text's words once per text and once per signal;
    every score must still be the one :func:`features` and :meth:`probability` give alone, and
    :meth:`RelevanceReader.set_aside` must still name the right mentions around ones it skips."""
    reader = train(_corpus())
    text = (f"A spokesperson said in an email that the site will close. Agents answer each customer email "
            f"and phone call quickly, and may add chat later. {FILLER}")
    first, second = (text.index("email"), text.index("email", text.index("email") + 1))
    ents = [{**_mention(text, "email", "channel", "email"), "start": first, "end": first + 5},
            _mention(text, "chat", "channel", "chat", role="planned"),  # not scored: between the others
            {**_mention(text, "email", "channel", "email"), "start": second, "end": second + 5},
            _mention(text, "phone", "channel", "voice")]
    scored = [ents[0], ents[2], ents[3]]
    view = TextView.of(text, ents)
    for e in scored:  # the two parts share no key, so summing them apart loses or doubles nothing
        shared = set(document_features(view)) | set(document_features(view, signal_of(e)))
        assert not set(mention_features(view, e)) & shared
    alone = [reader.probability(features(view, e)) for e in scored]
    assert reader.scores(view, scored) == pytest.approx(alone, abs=1e-9)
    assert len(set(round(p, 6) for p in alone)) == 3  # the two e-mails differ: the comparison is not vacuous
    expected = [i for i, p in zip((0, 2, 3), alone) if p < reader.threshold]
    assert 0 < len(expected) < 3  # some set aside, some kept: the indexes are really checked
    assert reader.set_aside(text, ents) == expected
