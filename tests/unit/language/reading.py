"""How the probe-round tests read a text: the lexicon, the sense checks, the cue reader and the
rulebook, as the product does without DIET (one place, so the rounds read text the same way)."""

from __future__ import annotations

from bot.domain.assessment import assess
from bot.domain.signals import Signals
from bot.language.lexicon import load_lexicon
from bot.language.mentions import resolve


def record(text: str) -> dict:
    """The assessment record of ``text`` (``passing`` counted over the whole text)."""
    mentions = resolve(text, [], load_lexicon())
    return assess(Signals.from_entities([m.to_entity() for m in mentions], text=text)).to_record(text)
