"""Load a trained Rasa model in this process and turn text into :class:`bot.domain.signals.Signals`.

Used by the batch CLI (``scopebot classify``) and the evaluation; the bot itself gets the
same entities from the Rasa server, so both paths share one model and one resolver.

It lives with the Rasa extensions because batch parsing runs the model's NLU graph directly
(``MessageProcessor.graph_runner``, one run for a whole batch), an internal of Rasa 3.6. On
another Rasa release that path is left out, with a warning, and every text goes through
Rasa's public ``Agent.parse_message`` instead: slower, same results.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import Any, Optional

from bot.config.paths import PROJECT_ROOT
from bot.nlu.parse import Parse, assemble, prepare
from bot.rasa_ext.guard import WRITTEN_FOR, rasa_version, supported

__all__ = ["ScopeParser"]

logger = logging.getLogger(__name__)


def _quiet_structlog() -> None:
    """Rasa 3.6 logs every parse result at debug level through structlog, on stdout;
    batch output (JSON Lines on stdout) must carry nothing else."""
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
                        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr))


class ScopeParser:
    """A loaded model; create once, then call :meth:`parse` many times."""

    def __init__(self, model_path: Path, rasa_release: Optional[str] = None) -> None:
        os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        for noisy in ("rasa", "tensorflow", "absl", "asyncio"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
        from rasa.core.agent import Agent  # heavy import, only when a model is needed

        _quiet_structlog()
        self._loop = asyncio.new_event_loop()
        # config.yml names the project's own spaCy pipeline by a path inside the checkout
        # (build/spacy/...), which spaCy resolves against the working directory: load from
        # the checkout so `scopebot classify` works from any directory.
        archive = str(Path(model_path).resolve())
        here = os.getcwd()
        os.chdir(PROJECT_ROOT)
        try:
            self.agent = Agent.load(archive)
        finally:
            os.chdir(here)
        self.model_path = model_path
        release = rasa_version() if rasa_release is None else rasa_release
        #: One NLU graph run per batch (Rasa 3.6 internals), or one public parse per text.
        self.batched = supported(release, WRITTEN_FOR)
        if not self.batched:
            logger.warning("scopebot: batch parsing written for Rasa %s.x, but Rasa %s is installed; "
                           "parsing one text at a time through Agent.parse_message", WRITTEN_FOR, release)

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
        if not self.batched:
            return [self.parse_raw(t) for t in texts]
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
        prepared = prepare(texts)
        pieces = [piece for _, parts, _, _ in prepared for piece in parts]
        raw: list[dict[str, Any]] = []
        for start in range(0, len(pieces), batch_size):
            raw.extend(self.parse_raw_many(pieces[start:start + batch_size]))
        return assemble(prepared, raw)
