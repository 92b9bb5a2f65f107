"""A call given no `training` passes each layer its own `call` default, as Keras 3 does:
augmentation layers augment (their default is True), Dropout does not (False), and a
user layer whose default is None receives None; `predict` and `training=False` never
augment."""

import numpy as np

import numkeras as keras
from numkeras import layers

X = np.arange(2 * 4 * 4 * 1, dtype="float32").reshape(2, 4, 4, 1)


class Spy(layers.Layer):
    seen: list = []

    def call(self, inputs, training=None):
        Spy.seen.append(training)
        return inputs


def test_a_model_called_without_training_uses_each_layers_default():
    keras.utils.set_random_seed(0)
    augment = keras.Sequential([keras.Input((4, 4, 1)), layers.RandomFlip("horizontal")])
    flipped = [augment(X) for _ in range(8)]
    assert any(not np.array_equal(f, X) for f in flipped)  # augments, as Keras 3's
    np.testing.assert_array_equal(augment(X, training=False), X)
    np.testing.assert_array_equal(augment.predict(X, verbose=0), X)

    dropout = keras.Sequential([keras.Input((4, 4, 1)), layers.Dropout(0.9)])
    np.testing.assert_array_equal(dropout(X), X)  # Dropout's default is False


def test_user_layer_default_none_is_passed_through():
    model = keras.Sequential([keras.Input((4, 4, 1)), Spy()])
    Spy.seen = []  # (building may call it once with training=False, to check its trace)
    model(X)
    Spy()(X)
    model(X, training=True)
    assert Spy.seen == [None, None, True]
