"""DIET's training batches flow through a tf.data pipeline without autotuning, so ``fit`` ends when the last epoch does.

Why: Rasa hands DIET's batches to Keras as a ``keras.utils.Sequence`` (its batch data
generator). Keras wraps that in a tf.data pipeline (``from_generator`` and a prefetch of one
batch) and, as for every pipeline, tf.data starts an autotuning thread with each iterator.
Those threads sleep between rounds, and the pause doubles up to a minute. Deleting an iterator
joins its thread, and on TensorFlow 2.12 the join sometimes waits out the sleep instead of
waking it.

In ``rasa train``, that meant Keras ``fit`` returning up to 39 s after DIET's last epoch had
finished, in four of nine timed runs. ``py-spy dump --native`` showed the main thread in
``RootDataset::Iterator::~Iterator``, waiting for that thread (docs/performance.md, "Where the
time goes", 6).

There is nothing to tune in this pipeline: the generator is sequential and the prefetch buffer
is fixed at one batch. So autotuning is switched off for the datasets Keras builds from a
``Sequence``. That gives the same batches in the same order, and the trained model is
byte-identical (tests/unit/rasa_ext/test_training_batches.py, and a full ``rasa train``
compared component by component).

Applied only by the training entry point (:mod:`bot.rasa_ext.rasa_cli`), as one
:class:`~bot.rasa_ext.guard.Patch`: written for the Keras that Rasa 3.6 pins, so on another Rasa
release line it is not applied and Keras's own method runs.
"""

from __future__ import annotations

from typing import Any, List

from bot.rasa_ext.guard import Patch, Target


def _without_autotuning() -> Any:
    """Fresh tf.data options (they are mutable) that only switch autotuning off."""
    import tensorflow as tf

    options = tf.data.Options()
    options.autotune.enabled = False
    return options


def sequence_dataset(self: Any) -> Any:
    """``KerasSequenceAdapter.get_dataset``: Keras's own dataset, with autotuning switched off."""
    from keras.engine.data_adapter import KerasSequenceAdapter

    return PATCH.original(KerasSequenceAdapter, "get_dataset")(self).with_options(_without_autotuning())


def _targets() -> List[Target]:
    from keras.engine.data_adapter import KerasSequenceAdapter

    return [(KerasSequenceAdapter, "get_dataset", sequence_dataset)]


PATCH = Patch("training batches without tf.data autotuning (fit ends with its last epoch)", _targets)


def install() -> bool:
    """Apply the patch (on Rasa 3.6.x only); True when it is in place."""
    return PATCH.install()


def uninstall() -> None:
    """Give Keras's ``KerasSequenceAdapter`` back its own ``get_dataset``."""
    PATCH.uninstall()
