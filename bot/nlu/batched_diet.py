"""DIET that predicts a whole batch of messages in one TensorFlow call.

Rasa 3.6's ``DIETClassifier.process`` loops over the messages it is given and runs the
network once per message, so a batch of 64 descriptions costs 64 graph calls. Training,
model files and predictions are DIET's own; only ``process`` differs: it builds one
padded batch (the same code path training uses) and slices the outputs per message. The
Rasa server still hands it one message at a time, where nothing changes; `scopebot
classify` hands it many, where this is most of the speed-up.

Loading is also faster. Rasa builds DIET's weights before restoring them by running one
``model.fit`` step on a dummy batch, in graph mode: TensorFlow then traces the whole
training step (losses, CRFs, gradients, optimizer), which a profile showed to be about
80 % of the model's load time, and keeps that graph in memory for the life of the server,
although a loaded model never trains. Here that one step runs eagerly; the weights are
then restored from the model file exactly as before, and predictions still run as a
traced graph, so the outputs are identical (a test compares them).

Both are copies of Rasa 3.6 internals (``DIETClassifier.process``, ``RasaModel.load``). On
another Rasa release (:mod:`bot.config.rasa_release`) neither is used: the component is then
Rasa's own DIET, one message at a time and loaded Rasa's way, and says so once.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Dict, List, Optional

import numpy as np
import rasa.utils.tensorflow.crf
import tensorflow as tf
from keras import backend as keras_backend
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.diet_classifier import DIET, DIETClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow import layers
from rasa.utils.tensorflow.constants import (
    EMBEDDING_DIMENSION,
    LEARNING_RATE,
    REGULARIZATION_CONSTANT,
    RUN_EAGERLY,
    SCALE_LOSS,
)
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

from bot.config.rasa_release import WRITTEN_FOR, rasa_version, supported

logger = logging.getLogger(__name__)

#: Messages per TensorFlow call; bounds the padded batch's memory for very long inputs.
MAX_BATCH = 128

Outputs = Dict[str, Any]


@functools.lru_cache(maxsize=1)
def copies_apply() -> bool:
    """May the copied Rasa 3.6 internals run here? Warns once when the installed Rasa is another release."""
    release = rasa_version()
    if supported(release, WRITTEN_FOR):
        return True
    logger.warning("scopebot: batched DIET written for Rasa %s.x, but Rasa %s is installed; "
                   "using Rasa's own DIET prediction and loading", WRITTEN_FOR, release)
    return False


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


class DecodeOutsideTapeCRF(layers.CRF):
    """Rasa's CRF layer, whose Viterbi decoding is kept off the gradient tape.

    In training, DIET decodes each batch's tags only to report an F1 score; the loss is the
    CRF's log-likelihood, and integer tag ids carry no gradient. But the decoder branches
    (``tf.cond`` on the sequence length), and a branch built on tensors a tape watches makes
    TensorFlow build its gradient functions while tracing the training step: ``py-spy`` on
    ``rasa train`` put 34 of the 45 seconds spent tracing DIET's entity loss there
    (docs/performance.md). Decoding from ``tf.stop_gradient`` copies of the logits and the
    transition matrix gives the same forward values and the same (absent) gradients, so the
    trained weights are the same; only the tracing is shorter.
    """

    def call(self, logits: tf.Tensor, sequence_lengths: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        # A copy of rasa.utils.tensorflow.layers.CRF.call (Rasa 3.6) with both inputs of the
        # decoder wrapped in stop_gradient.
        predicted_ids, scores, _ = rasa.utils.tensorflow.crf.crf_decode(
            tf.stop_gradient(logits), tf.stop_gradient(self.transition_params), sequence_lengths)
        mask = tf.sequence_mask(sequence_lengths, maxlen=tf.shape(predicted_ids)[1],
                                dtype=predicted_ids.dtype)
        return predicted_ids * mask, scores * tf.cast(mask, tf.float32)


class PredictionBuiltDIET(DIET):
    """Rasa's ``DIET`` network, loaded for prediction without tracing its training step.

    The weights have to exist before ``load_weights`` can fill them, and Keras creates
    them (and the optimizer's slots the checkpoint also holds) on the first training
    step. Running that step eagerly skips tracing a training graph nobody will call again.
    Training is ``DIET``'s own (the Keras model is still named "DIET", so the weight files
    are the same) but for the CRF layers (:class:`DecodeOutsideTapeCRF`, same weights, shorter
    tracing), and a model loaded to be fine-tuned goes through Rasa's loading.
    """

    def _prepare_entity_recognition_layers(self) -> None:
        # A copy of RasaModel._prepare_entity_recognition_layers (Rasa 3.6) with the CRF
        # class replaced; the layer keeps the name Keras gives Rasa's ("crf", "crf_1", ...).
        for tag_spec in self._entity_tag_specs:
            name = tag_spec.tag_name
            self._tf_layers[f"embed.{name}.logits"] = layers.Embed(
                tag_spec.num_tags, self.config[REGULARIZATION_CONSTANT], f"logits.{name}")
            self._tf_layers[f"crf.{name}"] = DecodeOutsideTapeCRF(
                tag_spec.num_tags, self.config[REGULARIZATION_CONSTANT], self.config[SCALE_LOSS],
                name=keras_backend.unique_object_name("crf", zero_based=True))
            self._tf_layers[f"embed.{name}.tags"] = layers.Embed(
                self.config[EMBEDDING_DIMENSION], self.config[REGULARIZATION_CONSTANT], f"tags.{name}")

    @classmethod
    def load(
        cls,
        model_file_name: str,
        model_data_example: RasaModelData,
        predict_data_example: Optional[RasaModelData] = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> RasaModel:
        if finetune_mode:
            return super().load(model_file_name, model_data_example, predict_data_example, finetune_mode,
                                *args, **kwargs)
        config = kwargs.get("config", {})
        model = cls(*args, **kwargs)
        model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)), run_eagerly=True)
        model.fit(RasaBatchDataGenerator(model_data_example, batch_size=1), verbose=False)
        model.load_weights(model_file_name)
        # Back to the configured mode (graph unless `run_eagerly: true`), then trace the
        # prediction step once, as Rasa does, so the first user does not wait for it.
        model.run_eagerly = config.get(RUN_EAGERLY)
        if predict_data_example:
            model.run_inference(predict_data_example)
        return model


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class BatchedDIETClassifier(DIETClassifier):
    """``DIETClassifier`` whose ``process`` runs one network call per batch, not per message."""

    @staticmethod
    def model_class() -> type[RasaModel]:
        return PredictionBuiltDIET if copies_apply() else DIET

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
        if len(messages) <= 1 or not copies_apply():
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
