"""Rasa graph component: merges extractor duplicates into canonical signals.

Runs after DIET, the lookup-table extractor and ``EntitySynonymMapper``. It appends one
entity per real mention, tagged ``extractor: SignalResolver``, with a canonical value
and, where the wording says so, ``role: excluded`` / ``role: planned``. The raw
extractor entities stay in the message so ``rasa test nlu`` can score each extractor;
everything downstream reads only the resolver's entities. The logic is in
:mod:`bot.language.mentions`, which has no Rasa dependency.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language.lexicon import load_lexicon
from bot.language.mentions import RESOLVER_NAME, resolve

TOKENS = "text_tokens"
#: Messages of these intents carry no scope: "how do I reset my iPhone" names no channel.
NO_SCOPE_INTENTS = {"greet", "goodbye", "thanks", "bot_challenge", "help", "restart",
                    "out_of_scope", "ask_brief", "affirm", "deny"}
#: ...but only when DIET is sure of the intent; otherwise the signals are kept.
NO_SCOPE_MIN_CONFIDENCE = 0.8


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class SignalResolver(GraphComponent, EntityExtractorMixin):
    """Canonical, de-duplicated signals with negation and plans marked."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {}

    def __init__(self, config: Dict[str, Any]) -> None:
        self._config = config
        self._lexicon = load_lexicon()

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SignalResolver:
        return cls(config)

    @property
    def name(self) -> str:  # what `rasa test nlu` and the entity `extractor` field show
        return RESOLVER_NAME

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text: Optional[str] = message.get(TEXT)
            if not text:
                continue
            raw = [e for e in message.get(ENTITIES, []) if e.get("extractor") != RESOLVER_NAME]
            intent = message.get(INTENT) or {}
            if (intent.get(INTENT_NAME_KEY) in NO_SCOPE_INTENTS
                    and float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0) >= NO_SCOPE_MIN_CONFIDENCE):
                message.set(ENTITIES, raw)
                continue
            lemmas = self._lemmas(message, raw)
            resolved = [m.to_entity() for m in resolve(text, raw, self._lexicon, lemmas)]
            message.set(ENTITIES, raw + resolved)
        return messages

    @staticmethod
    def _lemmas(message: Message, raw: List[Dict[str, Any]]) -> Dict[tuple, List[str]]:
        tokens = message.get(TOKENS) or []
        spans: Dict[tuple, List[str]] = {}
        for ent in raw:
            start, end = ent.get("start"), ent.get("end")
            if isinstance(start, int) and isinstance(end, int):
                spans[(start, end)] = [
                    (t.lemma or t.text).lower() for t in tokens if t.start >= start and t.end <= end
                ]
        return spans
