"""fit / evaluate / train_on_batch against real Keras 3 (goldens from
scripts/goldens/make_training.py)."""

import json
import pathlib

import numpy as np
import pytest

from numkeras import layers, optimizers
from numkeras.layers import Dense, Input
from numkeras.models import Sequential

GOLD = {
    c["name"]: c
    for c in json.loads(
        (pathlib.Path(__file__).parents[1] / "goldens" / "training.json").read_text()
    )["cases"]
}


def build(name):
    if name == "bce_adam":
        m = Sequential([Input((4,)), Dense(6, activation="relu"), Dense(1, activation="sigmoid")])
        return m, optimizers.Adam(0.01), "binary_crossentropy", ["accuracy"]
    if name == "scce_sgd_momentum":
        m = Sequential(
            [
                Input((5,)),
                Dense(8, activation="tanh"),
                layers.LeakyReLU(0.2),
                Dense(3, activation="softmax"),
            ]
        )
        return (
            m,
            optimizers.SGD(0.05, momentum=0.9),
            "sparse_categorical_crossentropy",
            ["accuracy"],
        )
    if name == "mse_rmsprop":
        m = Sequential([Input((3,)), Dense(5, activation="elu"), Dense(2)])
        return m, optimizers.RMSprop(0.01), "mse", ["mae"]
    raise KeyError(name)


@pytest.mark.parametrize("name", ["bce_adam", "scce_sgd_momentum", "mse_rmsprop"])
def test_fit_history_matches_keras(name):
    gold = GOLD[name]
    model, opt, loss, metrics = build(name)
    model.set_weights([np.array(w, "float32") for w in gold["weights0"]])
    model.compile(optimizer=opt, loss=loss, metrics=metrics)
    x, y = np.array(gold["x"], "float32"), np.array(gold["y"])
    hist = model.fit(
        x,
        y,
        batch_size=gold["batch_size"],
        epochs=gold["epochs"],
        shuffle=False,
        verbose=0,
        validation_split=gold["validation_split"],
    )
    assert sorted(hist.history) == sorted(gold["history"])
    for key, values in gold["history"].items():
        np.testing.assert_allclose(hist.history[key], values, rtol=1e-5, atol=1e-6, err_msg=key)
    for w, g in zip(model.get_weights(), gold["weights"]):
        np.testing.assert_allclose(w, np.array(g), rtol=1e-5, atol=1e-6)
    ev = model.evaluate(x, y, verbose=0, return_dict=True)
    for key, value in gold["evaluate"].items():
        np.testing.assert_allclose(ev[key], value, rtol=1e-5, atol=1e-6)


def test_train_and_test_on_batch_match_keras():
    gold = GOLD["train_on_batch"]
    model = Sequential([Input((4,)), Dense(3, activation="relu"), Dense(1, activation="sigmoid")])
    model.set_weights([np.array(w, "float32") for w in gold["weights0"]])
    model.compile(optimizer=optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    x, y = np.array(gold["x"], "float32"), np.array(gold["y"], "float32")
    results = [model.train_on_batch(x, y) for _ in range(3)]
    np.testing.assert_allclose(results, gold["train_on_batch"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.test_on_batch(x, y), gold["test_on_batch"], rtol=1e-5)
    for w, g in zip(model.get_weights(), gold["weights"]):
        np.testing.assert_allclose(w, np.array(g), rtol=1e-5, atol=1e-6)
