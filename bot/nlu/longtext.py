"""A long message as pieces for the NLU model, and the pieces' parses as one parse again.

The model's cost grows faster than the text (DIET attends over every pair of tokens), so
a pasted 20,000-character scope section parsed whole takes seconds and gigabytes. Parsed
in pieces of at most :data:`bot.config.settings.CHUNK_CHARS` characters, cut between sentences,
time grows with the length and memory stays that of one piece. ``scopebot classify``
(:mod:`bot.rasa_ext.parser`) and the Rasa server (:mod:`bot.rasa_ext.offload`) both cut text this way.

Plain Python, no Rasa import.
"""

from __future__ import annotations

from typing import Any

from bot.config.settings import CHUNK_CHARS
from bot.language.text import OffsetMap, chunk_offsets, chunks
from bot.nlu.parse import in_source


def pieces(text: str, size: int = CHUNK_CHARS) -> list[tuple[str, OffsetMap]]:
    """``text`` as (piece, where its characters are in ``text``); a short text is one piece, itself."""
    if len(text) <= size:
        return [(text, OffsetMap.identity(len(text)))]
    parts = chunks(text, size)
    return list(zip(parts, chunk_offsets(text, parts)))


def merge(text: str, parsed: list[dict[str, Any]], maps: list[OffsetMap]) -> dict[str, Any]:
    """One Rasa parse result for ``text`` from its pieces' results, in order.

    The intent (and its ranking) is the first piece's: it is where the user says what the
    message is. Entities come from every piece, with offsets and ``text`` in ``text``, so
    the evidence a signal shows is the user's own words in the message they sent.
    """
    merged = {**parsed[0], "text": text}
    merged["entities"] = [in_source(entity, text, where) for data, where in zip(parsed, maps)
                          for entity in data.get("entities", [])]
    return merged
