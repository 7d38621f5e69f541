"""Input hygiene and evidence offsets: what the parser sees, and where each character came from."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from bot.domain.assessment import assess
from bot.language.mentions import RESOLVER_NAME
from bot.language.text import CHUNK_CHARS, LONGER_IN_LOWERCASE, OffsetMap, chunk_offsets, chunks, clean, clean_spans
from bot.rasa_ext.parser import ScopeParser

AWKWARD = [
    "  We\ttake  phone\u00a0calls\x07 and ﬁle e\u0301mails ＡＢＣ ½  ",
    "\u1100\u1161\u11a8 call us",          # Hangul jamo compose with each other
    "a\u0b47\u0b3e b",                      # an Indic vowel pair that composes
    "e\u0323\u0307 x",                      # marks reordered by normalisation
    "em\u00adail and chat\u200b",           # soft hyphen and zero-width space are dropped
    "\ufeffline one\r\nline two\u2028three",
    "\u0130STASYON \u00e7a\u011fr\u0131 merkezi: phone calls",  # a capital dotted I lowercases to two characters
    "", "   ", "\x00",
]


def _fuzz(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = list("ab .\n\t ,!?") + ["\u00a0", "ﬁ", "e\u0301", "\u0301", "Ａ", "½", "\u200b", "\x07", "\u1100",
                                         "\u1161", "\u11a8", "\u0b47", "\u0b3e", "\u3000", "é", "\u2028", "\ufeff",
                                         "\U0001F600", "\u0323\u0307", "ǅ", "㎏", "\r", "\u0130"]
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(n)]


def _check_clean_spans(text: str) -> None:
    cleaned, offsets = clean_spans(text)
    assert cleaned == clean(text), text
    assert len(offsets.spans) == len(cleaned)
    for ch, (start, end) in zip(cleaned, offsets.spans):
        assert 0 <= start < end <= len(text)
        source = unicodedata.normalize("NFKC", text[start:end]).translate(LONGER_IN_LOWERCASE)
        # a collapsed run of blanks covers what was dropped inside it ("\t\u200b\t")
        assert ch in source or (ch == " " and any(c.isspace() for c in source)), (text, ch, text[start:end])
    starts = [s for s, _ in offsets.spans]
    assert starts == sorted(starts), text


@pytest.mark.parametrize("text", AWKWARD)
def test_clean_spans_cleans_exactly_like_clean_and_knows_where_each_character_came_from(text):
    _check_clean_spans(text)


def test_clean_spans_on_random_awkward_text():
    for text in _fuzz(7, 3000):
        _check_clean_spans(text)


def test_cleaned_text_keeps_its_length_when_lowercased():
    """Rasa lowercases before tokenising; a text that grows there shifts every token after the
    growth, and DIET reads its features off the wrong words."""
    text = "\u0130STANBUL hotline: phone calls and e-mails"
    cleaned, offsets = clean_spans(text)
    assert len(cleaned.lower()) == len(cleaned) and cleaned == clean(text)
    start = cleaned.index("phone")
    assert text[slice(*offsets.span(start, start + len("phone calls")))] == "phone calls"
    assert text[slice(*offsets.span(0, 8))] == "\u0130STANBUL"  # evidence quotes the user's own letters


def test_plain_text_maps_to_itself():
    cleaned, offsets = clean_spans("We take phone calls.")
    assert offsets == OffsetMap.identity(len(cleaned))
    assert offsets.span(8, 13) == (8, 13)


@pytest.mark.parametrize("seed", range(40))
def test_chunks_are_aligned_with_the_cleaned_text(seed):
    rng = random.Random(seed)
    words = ["We", "take", "phone", "calls.", "Chat!", "email;", "\n", "\n\n", "x" * 70, "ok?"]
    text = clean(" ".join(rng.choice(words) for _ in range(rng.randint(1, 400))))
    size = rng.choice([25, 60, 200, CHUNK_CHARS])
    pieces = chunks(text, size)
    maps = chunk_offsets(text, pieces)
    assert len(maps) == len(pieces)
    for piece, offsets in zip(pieces, maps):
        for i, ch in enumerate(piece):
            start, end = offsets.spans[i]
            assert text[start:end] == ch or (ch.isspace() and text[start:end].isspace())
        words_in_piece = re.finditer(r"\S+", piece)
        for m in words_in_piece:
            assert text[slice(*offsets.span(m.start(), m.end()))] == m.group()


# ----- through the real parse_many, with a stand-in for the NLU model ---------------------------------
WORDS = {"phone": "voice", "live chat": "chat", "email": "email", "whatsapp": "messaging"}


def _resolver_output(piece: str) -> dict:
    """What the model's SignalResolver returns for ``piece``: the listed channel words, with spans."""
    found = [{"entity": "channel", "value": WORDS[m.group().lower()], "start": m.start(), "end": m.end(),
              "text": m.group(), "extractor": RESOLVER_NAME}
             for m in re.finditer("|".join(WORDS), piece, flags=re.IGNORECASE)]
    return {"text": piece, "intent": {"name": "describe_operation", "confidence": 0.9}, "entities": found}


@pytest.fixture
def parser() -> ScopeParser:
    stand_in = ScopeParser.__new__(ScopeParser)  # no model: parse_raw_many is replaced below
    seen: list[str] = []

    def parse_raw_many(texts: list[str]) -> list[dict]:
        seen.extend(texts)
        return [_resolver_output(t) for t in texts]

    stand_in.parse_raw_many = parse_raw_many  # type: ignore[method-assign]
    stand_in.seen = seen  # type: ignore[attr-defined]
    return stand_in


def test_offsets_point_into_the_text_as_given_across_chunks_and_normalisation(parser):
    filler = "Our team of agents handles many routine questions every day.\n\n" * 30
    text = ("\ufeff  Customers ring the ｐｈｏｎｅ\tline. " + filler + "We also run LIVE\u00a0CHAT for "
            "returns. " + filler + "E\u00admail tickets \x07 too; WhatsApp next year.")
    [parse] = parser.parse_many([text])
    assert len(parser.seen) >= 3, "the text was long enough to be parsed in chunks"
    record = assess(parse.signals).to_record(text)
    quotes = {e["signal"]: e for e in record["evidence"]}
    assert set(quotes) == {"channel:voice", "channel:chat", "channel:email", "channel:messaging"}
    for e in record["evidence"]:
        assert text[e["start"]:e["end"]] == e["text"] and e["message"] == 0
    assert quotes["channel:voice"]["text"] == "ｐｈｏｎｅ"           # what the user typed, not "phone"
    assert quotes["channel:chat"]["text"] == "LIVE\u00a0CHAT"
    assert quotes["channel:email"]["text"] == "E\u00admail"
    assert quotes["channel:messaging"]["text"] == "WhatsApp"
    assert all(text[e["start"]:e["end"]] == e["text"] for e in parse.entities)


def test_a_short_clean_text_is_parsed_as_it_is(parser):
    [parse] = parser.parse_many(["phone and email"])
    assert parser.seen == ["phone and email"]
    assert [(e["start"], e["end"], e["text"]) for e in parse.entities] == [(0, 5, "phone"), (10, 15, "email")]
