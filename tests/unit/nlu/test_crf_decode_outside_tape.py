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


def test_diet_builds_its_crf_heads_with_the_decode_outside_the_tape():
    method = PredictionBuiltDIET._prepare_entity_recognition_layers
    assert method.__qualname__.startswith("PredictionBuiltDIET.")  # overrides Rasa's
    assert "DecodeOutsideTapeCRF" in method.__code__.co_names
