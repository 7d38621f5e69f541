"""Rasa graph component: sets aside the resolver's mentions that a learned reader scores as context.

Runs right after :class:`bot.nlu.signal_resolver.SignalResolver`. Training reads the real-text
corpus files named in its config (train and dev by default; cross-validation passes each
fold's own file), reads every text with the lexicon and the rules, fits
:mod:`bot.language.relevance` on the gold signal sets, and stores the weights in the model.
At run time it flags ``context`` the current channels, processes and goals of a long
message's resolver entities that score below the threshold: the assessment counts them for
nothing and shows them as set aside (:attr:`bot.domain.signals.Signals.set_aside`). Raw
extractor entities are left alone; they are what ``rasa test nlu`` scores per extractor and
nothing downstream reads them.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language.mentions import RESOLVER_NAME
from bot.language.relevance import RelevanceReader, flag_context
from bot.nlu import reader_training
from bot.nlu.reader_training import ReaderJob

logger = logging.getLogger(__name__)
WEIGHTS = "relevance.json"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True
)
class MentionRelevance(GraphComponent):
    """The learned reading of long texts (spec 3a: work in scope, or context)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return reader_training.defaults()

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """The job's key: what the fit reads besides Rasa's training data.

        Rasa's training cache fingerprints a component by its config, its class's source and its
        inputs from the graph. The reader learns from the corpus files and reads them with the
        lexicon, the sense checks, the cues and their code, none of which is in the graph, so
        without this an edit to ``senses.yml`` alone would restore the reader fitted with the old
        checks.
        """
        return ReaderJob.from_config(config).key()

    def __init__(self, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 reader: Optional[RelevanceReader] = None) -> None:
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self.reader = reader

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> MentionRelevance:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on the corpus files (``training_data`` is Rasa's; the gold sets are in the corpus).

        The training entry point may have started this very fit beside the rest of the training
        (:mod:`bot.nlu.reader_training`); its result is taken when it is for the same job.
        """
        job = ReaderJob.from_config(self._config)
        self.reader = reader_training.take(job) or reader_training.fit(job)
        with self._storage.write_to(self._resource) as directory:
            (directory / WEIGHTS).write_text(self.reader.to_json(), encoding="utf-8")
        logger.info("relevance reader trained on %s", self.reader.trained_on)
        return self._resource

    @classmethod
    def load(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> MentionRelevance:
        with model_storage.read_from(resource) as directory:
            reader = RelevanceReader.from_json((directory / WEIGHTS).read_text(encoding="utf-8"))
        return cls(config, model_storage, resource, reader)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text: Optional[str] = message.get(TEXT)
            entities = message.get(ENTITIES) or []
            if not text or self.reader is None or not self.reader.applies_to(text):
                continue
            resolved = [e for e in entities if e.get("extractor") == RESOLVER_NAME]
            flagged = iter(flag_context(self.reader, text, resolved))
            message.set(ENTITIES, [next(flagged) if e.get("extractor") == RESOLVER_NAME else e
                                   for e in entities])
        return messages
