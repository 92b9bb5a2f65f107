"""Arguments at the edges of fit / evaluate, as Keras 3 (and Keras 2) take them."""

import numpy as np
import pytest

from numkeras import callbacks, layers, models, optimizers
from numkeras.errors import NumkerasWarning, ShapeError

rng = np.random.default_rng(1)
X = rng.normal(size=(10, 4)).astype("float32")
Y = rng.normal(size=(10, 3)).astype("float32")


def model():
    m = models.Sequential([layers.Input((4,)), layers.Dense(3, kernel_initializer="ones")])
    m.compile(optimizer=optimizers.SGD(0.1), loss="mse")
    return m


def test_evaluate_refuses_an_unknown_keyword_as_a_value_error_and_a_type_error():
    with pytest.raises(ValueError, match="foo") as info:
        model().evaluate(X, Y, foo=1, verbose=0)
    assert isinstance(info.value, TypeError)  # (tf_keras raises TypeError there)


def test_evaluate_on_zero_rows_is_an_error_not_a_loss_of_zero():
    with pytest.raises(ValueError, match="0 samples"):
        model().evaluate(np.zeros((0, 4), "float32"), np.zeros((0, 3), "float32"), verbose=0)


def test_a_batch_size_beside_a_generator_is_ignored_with_a_warning():
    def batches():
        while True:
            yield X[:5], Y[:5]

    m = model()
    before = m.get_weights()[0].copy()
    with pytest.warns(NumkerasWarning, match="batch_size=4 is ignored"):
        m.fit(batches(), batch_size=4, steps_per_epoch=2, verbose=0)
    assert not np.array_equal(m.get_weights()[0], before)  # it trained
    with pytest.raises(ValueError, match="do not pass `y`"):
        m.fit(batches(), Y, steps_per_epoch=2, verbose=0)


def test_a_scalar_sample_weight_is_a_shape_error_naming_the_expected_shape():
    with pytest.raises(ShapeError, match=r"shape \(10,\).*2\.0"):
        model().fit(X, Y, sample_weight=2.0, verbose=0)


def test_a_one_element_sample_weight_list_is_unwrapped_for_a_single_output():
    w = np.arange(10.0)
    a, b = model(), model()
    a.fit(X, Y, sample_weight=[w], batch_size=4, shuffle=False, verbose=0)
    b.fit(X, Y, sample_weight=w, batch_size=4, shuffle=False, verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)


def test_string_class_labels_are_a_value_error_as_in_keras():
    clf = models.Sequential([layers.Input((4,)), layers.Dense(3, activation="softmax")])
    clf.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="numeric class labels") as info:
        clf.evaluate(X[:5], np.array(["a", "b", "a", "b", "a"]), verbose=0)
    assert isinstance(info.value, TypeError)  # (what numkeras raised before)


def test_callbacks_see_verbose_as_given_auto_included():
    cb = callbacks.Callback()
    m = model()
    m.predict(X, callbacks=[cb])
    assert cb.params == {"verbose": "auto", "epochs": 1, "steps": 1}  # as Keras 3
    m.fit(X, Y, epochs=2, verbose=2, callbacks=[cb])
    assert cb.params == {"verbose": 2, "epochs": 2, "steps": 1}
    with pytest.raises(ValueError, match="verbose"):
        m.predict(X, verbose=3)
