"""One text's parse, put together from the Rasa parse results of its chunks.

Rasa-free: :class:`bot.rasa_ext.parser.ScopeParser` runs the model (that part reaches into
Rasa's internals, so it lives with the other extensions); this module cuts a text into the
pieces the model sees and turns their results back into one :class:`Parse` whose entities
and evidence point into the text as the user gave it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from bot.domain.signals import Signals, passing_keys
from bot.language.mentions import RESOLVER_NAME
from bot.language.text import OffsetMap, chunk_offsets, chunks, clean, clean_spans, truncate


@dataclass
class Parse:
    """One text's parse. ``entities`` are the resolver's, with offsets into ``text`` as given
    (not into the cleaned chunks the model saw), and so is the evidence in ``signals``."""

    text: str
    intent: str | None
    intent_confidence: float
    entities: list[dict[str, Any]] = field(default_factory=list)
    signals: Signals = field(default_factory=Signals)
    truncated: bool = False


def resolved_entities(parse_data: dict[str, Any]) -> list[dict[str, Any]]:
    """The resolver's canonical entities from a Rasa parse result (raw ones are ignored)."""
    return [e for e in parse_data.get("entities", []) if e.get("extractor") == RESOLVER_NAME]


def in_source(entity: dict[str, Any], text: str, offsets: OffsetMap) -> dict[str, Any]:
    """``entity`` (found in a cleaned chunk) with ``start``/``end``/``text`` in ``text``.

    Where cleaning normalised characters ("ﬁ" for "fi", a full-width letter) the span
    covers the characters the user typed, so ``text[start:end]`` is always the quote.
    """
    start, end = entity.get("start"), entity.get("end")
    if not isinstance(start, int) or not isinstance(end, int):
        return entity
    start, end = offsets.span(start, end)
    return {**entity, "start": start, "end": end, "text": text[start:end]}


def combine(text: str, datas: list[dict[str, Any]], truncated: bool,
             maps: list[OffsetMap] | None = None) -> Parse:
    """One :class:`Parse` from the parse results of a text's chunks (the first chunk's intent).

    ``maps`` gives, per chunk, where its characters are in ``text``; without it the chunks
    are taken to be ``text`` itself.
    """
    if not datas:
        return Parse(text, None, 0.0, truncated=truncated)
    signals = Signals()
    entities: list[dict[str, Any]] = []
    for i, data in enumerate(datas):
        found = resolved_entities(data)
        if maps is not None:
            found = [in_source(e, text, maps[i]) for e in found]
        entities.extend(found)
        signals = signals.merge(Signals.from_entities(found))
    # Counted over the whole text: a signal named once in each of two chunks is not passing.
    signals = replace(signals, passing=passing_keys(entities, text) & signals.signal_keys())
    intent = datas[0].get("intent") or {}
    return Parse(text, intent.get("name"), float(intent.get("confidence") or 0.0), entities, signals, truncated)


#: One text made ready for the model: (text, its chunks, each chunk's offsets in text, cut?).
Prepared = tuple[str, list[str], list[OffsetMap], bool]


def prepare(texts: list[str]) -> list[Prepared]:
    """Each text cleaned, cut to the longest length read, and split into chunks for the model."""
    prepared = []
    for text in texts:
        cleaned, to_text = clean_spans(text)
        cleaned, cut = truncate(cleaned)
        parts = chunks(cleaned)
        maps = [to_text.then(m) for m in chunk_offsets(cleaned, parts)]
        prepared.append((text, parts, maps, cut))
    return prepared


def pieces(text: str) -> list[str]:
    """The chunks the model reads of ``text``: :func:`prepare`'s, without the offset maps.

    For training, which quotes nothing: the relevance reader reads the whole corpus, and
    composing maps it never uses cost about 1 s of its 8 s there. ``clean`` gives the same text
    as ``clean_spans`` (a test in tests/unit/language checks it for awkward input).
    """
    cleaned, _cut = truncate(clean(text))
    return chunks(cleaned)


def assemble(prepared: list[Prepared], raw: list[dict[str, Any]]) -> list[Parse]:
    """One :class:`Parse` per prepared text from the parse results of all chunks, in order."""
    out, at = [], 0
    for text, parts, maps, cut in prepared:
        datas, at = raw[at:at + len(parts)], at + len(parts)
        out.append(combine(text, datas, cut, maps))
    return out
