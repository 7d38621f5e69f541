"""DIET's CRF layer with its decoding kept off the gradient tape computes what Rasa's computes.

Same tags and confidences, same loss, and the same gradients for the logits and the transition
matrix under a tape that also records the decoding (as DIET's training step does), so the
trained weights cannot differ; only TensorFlow's tracing is shorter.
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from rasa.utils.tensorflow import layers

from bot.nlu.batched_diet import DecodeOutsideTapeCRF, PredictionBuiltDIET


def _pair(num_tags: int = 5):
    rasa_crf = layers.CRF(num_tags, 0.002, scale_loss=False)
    ours = DecodeOutsideTapeCRF(num_tags, 0.002, scale_loss=False)
    rng = np.random.default_rng(3)
    logits = tf.constant(rng.normal(size=(4, 7, num_tags)), dtype=tf.float32)
    lengths = tf.constant([7, 3, 1, 5], dtype=tf.int32)
    rasa_crf(logits, lengths)
    ours(logits, lengths)
    ours.transition_params.assign(rasa_crf.transition_params)
    tags = tf.constant(rng.integers(0, num_tags, size=(4, 7)), dtype=tf.int32)
    return rasa_crf, ours, logits, lengths, tags


def _step(crf, logits, lengths, tags):
    """What DIET's entity loss does with a CRF: decode (for the F1 score), then the loss."""
    with tf.GradientTape() as tape:
        tape.watch(logits)
        ids, scores = crf(logits, lengths)
        loss = tf.reduce_mean(crf.loss(logits, tags, lengths))
    return (ids, scores, loss, *tape.gradient(loss, [logits, crf.transition_params]))


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "traced"])
def test_same_outputs_loss_and_gradients_as_rasas_crf(traced):
    rasa_crf, ours, logits, lengths, tags = _pair()
    step = tf.function(_step) if traced else _step
    theirs = step(rasa_crf, logits, lengths, tags)
    mine = step(ours, logits, lengths, tags)
    assert len(mine) == len(theirs) == 5  # tags, confidences, loss, two gradients
    for a, b in zip(mine, theirs):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def _entity_layers(prepare) -> dict:
    """The layers a DIET's ``_prepare_entity_recognition_layers`` builds for an entity and a role head."""
    from types import SimpleNamespace

    from rasa.nlu.extractors.extractor import EntityTagSpec
    from rasa.utils.tensorflow.constants import EMBEDDING_DIMENSION, REGULARIZATION_CONSTANT, SCALE_LOSS

    specs = [EntityTagSpec("entity", {0: "O", 1: "channel", 2: "process"}, {"O": 0, "channel": 1, "process": 2}, 3),
             EntityTagSpec("role", {0: "O", 1: "planned"}, {"O": 0, "planned": 1}, 2)]
    model = SimpleNamespace(_entity_tag_specs=specs, _tf_layers={},
                            config={REGULARIZATION_CONSTANT: 0.002, SCALE_LOSS: True, EMBEDDING_DIMENSION: 20})
    prepare(model)
    return model._tf_layers


def test_diet_builds_rasas_entity_heads_but_for_the_crf_class():
    from rasa.nlu.classifiers.diet_classifier import DIET

    ours = _entity_layers(PredictionBuiltDIET._prepare_entity_recognition_layers)
    rasas = _entity_layers(DIET._prepare_entity_recognition_layers)
    assert PredictionBuiltDIET._prepare_entity_recognition_layers is not DIET._prepare_entity_recognition_layers
    assert list(ours) == list(rasas) == ["embed.entity.logits", "crf.entity", "embed.entity.tags",
                                         "embed.role.logits", "crf.role", "embed.role.tags"]
    for key, layer in ours.items():
        theirs = rasas[key]
        if key.startswith("crf."):
            assert type(layer) is DecodeOutsideTapeCRF and type(theirs) is layers.CRF
            assert (layer.num_tags, layer.scale_loss) == (theirs.num_tags, theirs.scale_loss)
            # Keras numbers layer names per process ("crf", "crf_1", ...): ours take the same stem
            assert layer.name.split("_")[0] == theirs.name.split("_")[0] == "crf"
        else:
            assert type(layer) is type(theirs) and layer.name == theirs.name
