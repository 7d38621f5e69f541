"""The training-batches patch switches tf.data autotuning off and changes nothing else.

Keras must still build the same dataset (same batches, same order) from a ``Sequence``, call
the sequence's ``on_epoch_end`` as often (Rasa's generator grows its batch size and reshuffles
there), and train to the same weights, bit for bit. Rasa's batch generator must be the kind of
input the patched adapter handles, and the training entry point must install the patch.
"""

from __future__ import annotations

import numpy as np
import pytest

from bot.rasa_ext import rasa_cli, training_batches


def _sequence_class():
    import tensorflow as tf

    class Batches(tf.keras.utils.Sequence):
        """Four batches that, like Rasa's generator, reshuffle with their own seed after each epoch."""

        def __init__(self) -> None:
            rng = np.random.default_rng(7)
            self.x = rng.normal(size=(48, 5)).astype("float32")
            self.y = (self.x.sum(axis=1, keepdims=True) > 0).astype("float32")
            self.order = np.arange(48)
            self.epochs_ended = 0
            self._rng = np.random.default_rng(11)

        def __len__(self) -> int:
            return 4

        def __getitem__(self, i: int):
            rows = self.order[i * 12:(i + 1) * 12]
            return self.x[rows], self.y[rows]

        def on_epoch_end(self) -> None:
            self.epochs_ended += 1
            self.order = self._rng.permutation(48)

    return Batches


def _dataset(sequence):
    from keras.engine.data_adapter import KerasSequenceAdapter

    return KerasSequenceAdapter(sequence, shuffle=False).get_dataset()


def _batches(dataset):
    return [tuple(part.numpy() for part in batch) for batch in dataset]


def test_the_patch_switches_autotuning_off_and_yields_the_same_batches():
    Batches = _sequence_class()
    own = _dataset(Batches())
    assert own.options().autotune.enabled is not False  # Keras's default: autotuning on
    with training_batches.PATCH.applied() as done:
        assert done
        patched = _dataset(Batches())
    assert patched.options().autotune.enabled is False
    expected, got = _batches(own), _batches(patched)
    assert len(got) == len(expected) == 4
    for (x1, y1), (x2, y2) in zip(expected, got):
        np.testing.assert_array_equal(x1, x2)
        np.testing.assert_array_equal(y1, y2)


def _fit(patch: bool):
    import tensorflow as tf

    tf.keras.utils.set_random_seed(3)
    model = tf.keras.Sequential([tf.keras.layers.Dense(4, activation="relu", input_shape=(5,)),
                                 tf.keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    sequence = _sequence_class()()
    if patch:
        with training_batches.PATCH.applied():
            model.fit(sequence, epochs=3, verbose=0, shuffle=False)
    else:
        model.fit(sequence, epochs=3, verbose=0, shuffle=False)
    return model.get_weights(), sequence.epochs_ended


def test_fit_trains_to_the_same_weights_with_the_patch():
    own_weights, own_epochs = _fit(patch=False)
    weights, epochs = _fit(patch=True)
    assert epochs == own_epochs == 3  # Keras calls on_epoch_end after every epoch, the last one too
    assert len(weights) == len(own_weights)
    for ours, theirs in zip(weights, own_weights):
        np.testing.assert_array_equal(ours, theirs)


def test_rasas_batch_generator_goes_through_the_patched_adapter():
    import tensorflow as tf
    from keras.engine.data_adapter import KerasSequenceAdapter, select_data_adapter
    from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator

    assert issubclass(RasaBatchDataGenerator, tf.keras.utils.Sequence)
    assert select_data_adapter(_sequence_class()(), None) is KerasSequenceAdapter


def test_the_patch_is_undone_exactly():
    from keras.engine.data_adapter import GeneratorDataAdapter, KerasSequenceAdapter

    with training_batches.PATCH.applied():
        assert KerasSequenceAdapter.get_dataset is training_batches.sequence_dataset
    assert "get_dataset" not in KerasSequenceAdapter.__dict__
    assert KerasSequenceAdapter.get_dataset is GeneratorDataAdapter.get_dataset


def test_the_training_entry_point_installs_its_patches():
    from bot.rasa_ext import fingerprints, shared_importer

    try:
        names = rasa_cli.install_patches()
        assert names == [fingerprints.PATCH.name, training_batches.PATCH.name, shared_importer.PATCH.name]
        assert training_batches.PATCH.installed and fingerprints.PATCH.installed and shared_importer.PATCH.installed
    finally:
        rasa_cli.uninstall_patches()
    assert not (training_batches.PATCH.installed or fingerprints.PATCH.installed or shared_importer.PATCH.installed)


@pytest.mark.parametrize("version", ["3.7.0", "4.0.1"])
def test_not_applied_on_another_rasa_release(version):
    from keras.engine.data_adapter import KerasSequenceAdapter

    with training_batches.PATCH.applied(version) as done:
        assert not done
        assert "get_dataset" not in KerasSequenceAdapter.__dict__
