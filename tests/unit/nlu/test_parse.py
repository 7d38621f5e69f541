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


def test_training_reads_the_same_chunks_as_a_parse():
    """``pieces`` (training, no offset maps) cuts every text exactly as ``prepare`` (a parse) does."""
    from bot.language.text import CHUNK_CHARS, MAX_CHARS
    from bot.nlu.parse import pieces, prepare

    long_text = ". ".join(f"Sentence {i} about phone calls and e-mail" for i in range(CHUNK_CHARS // 10))
    texts = ["We take calls.", "  ﬁle  claims\u200b by\tphone\x07 and ｅｍａｉｌ  ", "caf\u0065\u0301 orders\n\n- chat",
             long_text, "x" * (MAX_CHARS + 500), ""]
    for text in texts:
        assert pieces(text) == prepare([text])[0][1]
