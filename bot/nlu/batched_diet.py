"""DIET that predicts a whole batch of messages in one TensorFlow call.

Rasa 3.6's ``DIETClassifier.process`` loops over the messages it is given and runs the
network once per message, so a batch of 64 descriptions costs 64 graph calls. Training,
model files and predictions are DIET's own; only ``process`` differs: it builds one
padded batch (the same code path training uses) and slices the outputs per message. The
Rasa server still hands it one message at a time, where nothing changes; `scopebot
classify` hands it many, where this is most of the speed-up.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

#: Messages per TensorFlow call; bounds the padded batch's memory for very long inputs.
MAX_BATCH = 128

Outputs = Dict[str, Any]


def _slice(outputs: Outputs, index: int) -> Outputs:
    """Row ``index`` of every array in a (possibly nested) output dict, keeping a batch axis of 1."""
    out: Outputs = {}
    for key, value in outputs.items():
        if isinstance(value, np.ndarray) and value.ndim > 0:
            out[key] = value[index:index + 1]
        elif isinstance(value, dict):
            out[key] = _slice(value, index)
        else:
            out[key] = value
    return out


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class BatchedDIETClassifier(DIETClassifier):
    """``DIETClassifier`` whose ``process`` runs one network call per batch, not per message."""

    def _predict_many(self, messages: List[Message]) -> List[Optional[Outputs]]:
        if self.model is None:
            return [None] * len(messages)
        with_text = [i for i, m in enumerate(messages) if m.get(TEXT)]
        results: List[Optional[Outputs]] = [None] * len(messages)
        for start in range(0, len(with_text), MAX_BATCH):
            indices = with_text[start:start + MAX_BATCH]
            batch = [messages[i] for i in indices]
            model_data = self._create_model_data(batch, training=False)
            if model_data.is_empty():
                continue
            outputs = self.model.run_inference(model_data, batch_size=len(batch))
            for row, i in enumerate(indices):
                results[i] = _slice(outputs, row)
        return results

    def process(self, messages: List[Message]) -> List[Message]:
        if len(messages) <= 1:
            return super().process(messages)
        for message, out in zip(messages, self._predict_many(messages)):
            if self.component_config["intent_classification"]:
                label, label_ranking = self._predict_label(out)
                message.set("intent", label, add_to_output=True)
                message.set("intent_ranking", label_ranking, add_to_output=True)
            if self.component_config["entity_recognition"]:
                message.set("entities", self._predict_entities(out, message), add_to_output=True)
            if out and self._execution_context.should_add_diagnostic_data:
                message.add_diagnostic_data(self._execution_context.node_name, out.get("diagnostic_data"))
        return messages
