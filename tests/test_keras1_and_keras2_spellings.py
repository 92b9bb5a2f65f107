"""Keras 1 argument names that Keras 2 still took (the 2016 tutorials: `Dense(12,
init="uniform")`, `fit(nb_epoch=150)`, `Dropout(p=0.5)`), Keras 2's Sequential
`predict_classes` / `predict_proba`, and Keras 2's backend functions (`K.sqrt(K.mean(...))`
in custom metrics): each works, with one deprecation note."""

import numpy as np
import pytest

from numkeras import backend as K
from numkeras.errors import DeprecatedArgumentWarning
from numkeras.layers import Dense, Dropout, Input
from numkeras.models import Sequential


def test_keras1_layer_arguments_are_renamed():
    with pytest.warns(DeprecatedArgumentWarning, match="init"):
        layer = Dense(12, init="uniform", W_regularizer="l2", b_constraint="non_neg", bias=True)
    config = layer.get_config()
    assert config["kernel_initializer"]["class_name"] == "RandomUniform"
    assert config["kernel_regularizer"]["class_name"] == "L2"
    assert config["bias_constraint"]["class_name"] == "NonNeg"
    with pytest.warns(DeprecatedArgumentWarning, match="output_dim"):
        assert Dense(output_dim=3).units == 3
    with pytest.warns(DeprecatedArgumentWarning, match="rate"):
        assert Dropout(p=0.25).rate == 0.25


def test_the_2016_pima_tutorial_runs():
    rng = np.random.default_rng(7)
    x = rng.random((60, 8))
    y = (x.sum(axis=1) > 4).astype(int)
    model = Sequential()
    with pytest.warns(DeprecatedArgumentWarning):
        model.add(Dense(12, input_dim=8, init="uniform", activation="relu"))
    model.add(Dense(1, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    with pytest.warns(DeprecatedArgumentWarning, match="nb_epoch"):
        history = model.fit(x, y, nb_epoch=3, batch_size=10, verbose=0)
    assert len(history.history["loss"]) == 3
    with pytest.warns(DeprecatedArgumentWarning, match="predict_classes"):
        classes = model.predict_classes(x[:5])
    proba = model.predict(x[:5], verbose=0)
    np.testing.assert_array_equal(classes, (proba > 0.5).astype("int32"))
    with pytest.warns(DeprecatedArgumentWarning, match="predict_proba"):
        np.testing.assert_array_equal(model.predict_proba(x[:5]), proba)
    softmax = Sequential([Input((8,)), Dense(3, activation="softmax")])
    picked = softmax.predict_classes(x[:4])  # (the note shows once)
    np.testing.assert_array_equal(picked, softmax.predict(x[:4], verbose=0).argmax(axis=-1))


def test_keras2_backend_functions_in_a_custom_metric():
    def rmse(y_true, y_pred):
        return K.sqrt(K.mean(K.square(y_pred - y_true), axis=-1))

    model = Sequential([Input((2,)), Dense(1, kernel_initializer="zeros")])
    model.compile(optimizer="sgd", loss="mse", metrics=[rmse])
    x, y = np.ones((4, 2)), np.full((4, 1), 3.0)
    with pytest.warns(DeprecatedArgumentWarning, match="K.sqrt"):
        logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert logs["rmse"] == pytest.approx(3.0)
    a = np.array([[1.0, -2.0], [3.0, 4.0]])
    with pytest.warns(DeprecatedArgumentWarning):
        assert K.sum(a, axis=1).tolist() == [-1.0, 7.0]
        assert K.max(a, keepdims=True).shape == (1, 1)
        assert K.mean(a) == pytest.approx(1.5)
        assert K.concatenate([a, a]).shape == (2, 4)  # Keras 2's default axis=-1
        assert K.argmax(a).tolist() == [0, 1]
        assert K.clip(a, 0.0, 2.0).tolist() == [[1.0, 0.0], [2.0, 2.0]]
        assert K.std(a, axis=0).tolist() == [1.0, 3.0]
    with pytest.raises(AttributeError):
        K.no_such_function  # noqa: B018
