"""`use_ema=True` (the weights' moving average) and `callbacks.SwapEMAWeights`, against
Keras 3.15 (tests/goldens/ema.json, from scripts/goldens/make_ema.py): the history (with
evaluation on the averaged weights where swapped), the weights `fit` leaves (the averages)
and the optimizer's variables in Keras's order and names."""

import json
import pathlib

import numpy as np
import pytest

from numkeras import optimizers
from numkeras.callbacks import SwapEMAWeights
from numkeras.errors import ConfigError
from numkeras.layers import Dense, Input
from numkeras.models import Sequential, load_model

GOLDEN = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "ema.json").read_text())


def _model(case):
    model = Sequential([Input((4,)), Dense(3, activation="tanh"), Dense(1)])
    model.set_weights([np.array(w, "float32") for w in GOLDEN["weights"]])
    model.compile(optimizer=getattr(optimizers, case["optimizer"])(**case["kwargs"]), loss="mse")
    return model


def _data(name):
    return np.array(GOLDEN[name], "float32")


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=lambda c: c["name"])
def test_fit_with_ema_matches_keras(case):
    model = _model(case)
    callbacks = [SwapEMAWeights(swap_on_epoch=case["swap"] == 2)] if case["swap"] else []
    history = model.fit(
        _data("x"),
        _data("y"),
        batch_size=4,
        epochs=3,
        shuffle=False,
        verbose=0,
        validation_data=(_data("x_val"), _data("y_val")),
        callbacks=callbacks,
    ).history
    for key, values in case["history"].items():
        np.testing.assert_allclose(history[key], values, rtol=1e-5, err_msg=key)
    for got, want in zip(model.get_weights(), case["weights_after"]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
    variables = model.optimizer.variables
    # (Keras prefixes the model's and layers' auto names: compare "<weight>_<slot>")
    assert [v.name.split("_")[-2:] for v in variables] == [
        name.split("_")[-2:] for name, _ in case["optimizer_variables"]
    ]
    for v, (name, want) in zip(variables, case["optimizer_variables"]):
        np.testing.assert_allclose(v.numpy(), want, rtol=1e-5, atol=1e-7, err_msg=name)


def test_ema_state_is_saved_and_restored(tmp_path):
    case = GOLDEN["cases"][1]
    model = _model(case)
    model.fit(_data("x"), _data("y"), batch_size=4, epochs=1, shuffle=False, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    assert loaded.optimizer.use_ema and loaded.optimizer.ema_overwrite_frequency == 3
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_arguments_are_checked_and_swapping_needs_ema():
    with pytest.raises(ConfigError, match="ema_momentum"):
        optimizers.SGD(use_ema=True, ema_momentum=1.5)
    with pytest.raises(ConfigError, match="ema_overwrite_frequency"):
        optimizers.SGD(use_ema=True, ema_overwrite_frequency=-2)
    model = Sequential([Input((4,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ConfigError, match="use_ema=True"):
        model.fit(
            np.ones((4, 4)),
            np.ones((4, 1)),
            verbose=0,
            validation_split=0.5,
            callbacks=[SwapEMAWeights()],
        )


def test_predict_with_swapped_weights_then_restored():
    case = GOLDEN["cases"][0]
    model = _model(case)
    model.fit(_data("x"), _data("y"), batch_size=4, epochs=1, shuffle=False, verbose=0)
    model.train_on_batch(_data("x")[:4], _data("y")[:4])  # weights and averages now differ
    before = model.get_weights()
    averages = [a.copy() for _, a in model.optimizer._ema_pairs()]
    out = model.predict(_data("x"), verbose=0, callbacks=[SwapEMAWeights()])
    twin = Sequential([Input((4,)), Dense(3, activation="tanh"), Dense(1)])
    twin.set_weights(averages)
    np.testing.assert_allclose(out, twin.predict(_data("x"), verbose=0), rtol=1e-6)
    for got, want in zip(model.get_weights(), before):
        np.testing.assert_array_equal(got, want)
