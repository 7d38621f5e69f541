"""One text's parse put together from its chunks: signals, evidence, passing mentions."""

from __future__ import annotations

from bot.domain.signals import PASSING_MIN_WORDS
from bot.language.mentions import RESOLVER_NAME
from bot.nlu.parse import combine

FILLER = " ".join(["word"] * PASSING_MIN_WORDS)


def chunk(*mentions: tuple[str, str]) -> dict:
    return {"intent": {"name": "describe_operation", "confidence": 0.9},
            "entities": [{"entity": k, "value": v, "extractor": RESOLVER_NAME} for k, v in mentions]}


def test_mentions_are_counted_over_the_whole_text_not_per_chunk():
    text = f"phone and email. {FILLER} email again."
    parse = combine(text, [chunk(("channel", "voice"), ("channel", "email")), chunk(("channel", "email"))], False)
    assert parse.signals.channels == {"voice", "email"}
    assert parse.signals.passing == {"channel:voice"}


def test_a_short_text_has_nothing_in_passing():
    parse = combine("phone and email", [chunk(("channel", "voice"), ("channel", "email"))], False)
    assert parse.signals.passing == frozenset()
