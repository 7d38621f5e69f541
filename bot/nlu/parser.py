"""Load a trained Rasa model and turn text into :class:`bot.signals.Signals`.

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

from bot.mentions import RESOLVER_NAME
from bot.signals import Signals
from bot.text import chunks, clean, truncate


@dataclass
class Parse:
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

    def parse(self, text: str) -> Parse:
        cleaned, cut = truncate(clean(text))
        pieces = chunks(cleaned)
        if not pieces:
            return Parse(text, None, 0.0, truncated=cut)
        signals = Signals()
        entities: list[dict[str, Any]] = []
        first: dict[str, Any] | None = None
        for piece in pieces:
            data = self.parse_raw(piece)
            first = first or data
            found = resolved_entities(data)
            entities.extend(found)
            signals = signals.merge(Signals.from_entities(found))
        intent = (first or {}).get("intent") or {}
        return Parse(text, intent.get("name"), float(intent.get("confidence") or 0.0),
                     entities, signals, cut)
