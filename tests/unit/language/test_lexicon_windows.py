"""``Lexicon.find`` maps a text once and slices it, instead of normalising every window anew.

The shortcut is only right if slicing the mapped text and then squeezing spaces (``_squeeze``,
the end of ``normalise``) gives exactly ``normalise`` of the sliced words, for every window the
matcher looks at; where lowercasing changes a text's length or depends on context, the matcher
must fall back to ``normalise``.
"""

from __future__ import annotations

import pytest

from bot.language.lexicon import (
    MAX_FORM_WORDS,
    Lexicon,
    _squeeze,
    _window_text,
    load_lexicon,
    normalise,
)

TEXTS = [
    "Callers ring our help-desk (24/7) about AP/AR, lockbox/remittance and e-mail follow-ups.",
    "Our clients\u2019 calls \u2018escalate\u2019 to tier-2 support_team -- see 3.1 a) below; 50% inbound",
    "  Back   office:\tpayment posting & cash application\n- chargebacks / returns processing  ",
    "HOW IT WORKS: IT, HR and finance; phone-only inbound/outbound sales; Caf\u00e9 d\u00e9j\u00e0 vu",
    "Stra\u00dfe \u00c5ngstr\u00f6m \u00c9COLE \u00d8resund \u0130stanbul callers phone the office",
    "\u039f\u0394\u039f\u03a3 \u0391\u0398\u0397\u039d\u0391\u03a3 call centre, "
    "\u03c3\u03c5\u03bd\u03b5\u03c1\u03b3\u03ac\u03c4\u03b5\u03c2 by e-mail",
]


@pytest.mark.parametrize("text", TEXTS)
def test_every_window_key_is_normalise_of_the_window(text):
    mapped = _window_text(text)
    tokens = Lexicon._tokens(text, load_lexicon().match_index)
    assert tokens
    for i in range(len(tokens)):
        for size in range(1, min(MAX_FORM_WORDS, len(tokens) - i) + 1):
            start, end = tokens[i][0], tokens[i + size - 1][1]
            expected = normalise(text[start:end])
            if mapped is not None:
                assert _squeeze(mapped[start:end]) == expected


def test_texts_that_lowercase_differently_are_not_sliced():
    assert _window_text("\u0130stanbul") is None  # "İ" lowercases to two characters
    assert _window_text("\u039f\u0394\u039f\u03a3 call") is None  # a capital sigma depends on the next letter
    assert _window_text("Caf\u00e9 phone") is not None


@pytest.mark.parametrize("text", TEXTS)
def test_find_reads_the_same_forms_either_way(text, monkeypatch):
    lexicon = load_lexicon()
    fast = lexicon.find(text)
    monkeypatch.setattr("bot.language.lexicon._window_text", lambda _text: None)
    assert lexicon.find(text) == fast
    assert fast  # every text names at least one form
