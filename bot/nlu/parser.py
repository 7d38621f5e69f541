"""Load a trained Rasa model and turn text into :class:`bot.domain.signals.Signals`.

Used by the batch CLI (``scopebot classify``) and the evaluation; the bot itself gets
the same entities from the Rasa server, so both paths share one model and one resolver.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.domain.signals import Signals
from bot.language.mentions import RESOLVER_NAME
from bot.language.text import OffsetMap, chunk_offsets, chunks, clean_spans, truncate


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


def _quiet_structlog() -> None:
    """Rasa 3.6 logs every parse result at debug level through structlog, on stdout;
    batch output (JSON Lines on stdout) must carry nothing else."""
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
                        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr))


class ScopeParser:
    """A loaded model; create once, then call :meth:`parse` many times."""

    def __init__(self, model_path: Path) -> None:
        os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        for noisy in ("rasa", "tensorflow", "absl", "asyncio"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
        from rasa.core.agent import Agent  # heavy import, only when a model is needed

        _quiet_structlog()
        self._loop = asyncio.new_event_loop()
        self.agent = Agent.load(str(model_path))
        self.model_path = model_path

    def parse_raw(self, text: str) -> dict[str, Any]:
        return self._loop.run_until_complete(self.agent.parse_message(text))

    def parse_raw_many(self, texts: list[str]) -> list[dict[str, Any]]:
        """Rasa parse results for many texts from one run of the NLU graph.

        Every component's ``process`` gets the whole list, so the per-run overhead is paid
        once and DIET (``BatchedDIETClassifier``) predicts the batch in one network call.
        The results equal :meth:`parse_raw`'s for each text (a test checks it).
        """
        if not texts:
            return []
        from rasa.core.channels.channel import UserMessage
        from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
        from rasa.shared.core.trackers import DialogueStateTracker

        processor = self.agent.processor
        messages = [UserMessage(t, sender_id="classify") for t in texts]
        tracker = DialogueStateTracker.from_events("classify", [])
        target = processor.model_metadata.nlu_target
        results = processor.graph_runner.run(
            inputs={PLACEHOLDER_MESSAGE: messages, PLACEHOLDER_TRACKER: tracker}, targets=[target])
        parsed = []
        for text, message in zip(texts, results[target]):
            data = {"text": text, "intent": {"name": None, "confidence": 0.0}, "entities": []}
            data.update(message.as_dict(only_output_properties=True))
            parsed.append(data)
        return parsed

    def parse(self, text: str) -> Parse:
        return self.parse_many([text])[0]

    def parse_many(self, texts: list[str], batch_size: int = 64) -> list[Parse]:
        """:class:`Parse` per text, in order; long texts are cut into chunks that are parsed in
        the same batches as everything else and merged back into their text's signals."""
        prepared = []
        for text in texts:
            cleaned, to_text = clean_spans(text)
            cleaned, cut = truncate(cleaned)
            parts = chunks(cleaned)
            maps = [to_text.then(m) for m in chunk_offsets(cleaned, parts)]
            prepared.append((text, parts, maps, cut))
        pieces = [piece for _, parts, _, _ in prepared for piece in parts]
        raw: list[dict[str, Any]] = []
        for start in range(0, len(pieces), batch_size):
            raw.extend(self.parse_raw_many(pieces[start:start + batch_size]))
        out, at = [], 0
        for text, parts, maps, cut in prepared:
            datas, at = raw[at:at + len(parts)], at + len(parts)
            out.append(_combine(text, datas, cut, maps))
        return out


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


def _combine(text: str, datas: list[dict[str, Any]], truncated: bool,
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
    intent = datas[0].get("intent") or {}
    return Parse(text, intent.get("name"), float(intent.get("confidence") or 0.0), entities, signals, truncated)
