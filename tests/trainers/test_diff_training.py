"""The training loop's finer points against real Keras 3: each scenario of
scripts/goldens/make_diff_training.py runs here on numkeras and must give Keras's
numbers, key names and key order (goldens in tests/goldens/diff_training.json)."""

import warnings

import numpy as np
import pytest

import numkeras

from ..differential import goldens, scenario_script

GOLD = goldens("diff_training")["cases"]
SCEN = scenario_script("make_diff_training")


def assert_same(got, want, where="result"):
    """Same structure, same dict key order, numbers to float32 tolerance."""
    if (
        isinstance(want, list)
        and want
        and all(isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) for p in want)
    ):
        assert isinstance(got, list), f"{where}: expected a dict, got {got!r}"
        assert [k for k, _ in got] == [k for k, _ in want], f"{where}: keys"
        for (k, g), (_, w) in zip(got, want):
            assert_same(g, w, f"{where}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{where}: {got!r} vs {want!r}"
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same(g, w, f"{where}[{i}]")
    elif isinstance(want, str):
        assert got == want, where
    else:
        assert got == pytest.approx(want, rel=2e-5, abs=1e-6), where


@pytest.mark.parametrize("scenario", SCEN.SCENARIOS, ids=lambda f: f.__name__)
def test_matches_keras(scenario):
    numkeras.utils.set_random_seed(0)
    assert_same(SCEN.plain(scenario(numkeras)), GOLD[scenario.__name__], scenario.__name__)


def test_metrics_names_follow_the_order_of_the_returned_list():
    x, y = SCEN.data()
    model = SCEN.two_outputs(numkeras)
    model.compile(
        optimizer="sgd",
        loss=["mse", "binary_crossentropy"],
        metrics={"a": "mae", "b": ["accuracy", "AUC"]},
    )
    scores = model.evaluate(x, [y, y], verbose=0)
    logs = model.evaluate(x, [y, y], verbose=0, return_dict=True)
    assert model.metrics_names == ["loss", "a_loss", "b_loss", "a_mae", "b_AUC", "b_accuracy"]
    assert dict(zip(model.metrics_names, scores)) == logs


def test_a_metric_name_shared_by_two_metrics_is_listed_once():
    # Keras 3 returns `mae`'s value twice here (5 values for 4 keys); numkeras one per key
    x, y = SCEN.data()
    model = SCEN.small(numkeras)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae", "mae", "acc"])
    scores = model.evaluate(x, y, verbose=0)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert model.metrics_names == ["loss", "mae", "acc", "mae_1"]
    assert scores == [logs[k] for k in model.metrics_names]


def test_a_metrics_list_of_another_length_applies_to_every_output():
    # Keras 2's meaning; Keras 3 raises "tuple arity mismatch" here
    x, y = SCEN.data()
    model = SCEN.two_outputs(numkeras)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    logs = model.evaluate(x, [y, y], verbose=0, return_dict=True)
    assert list(logs) == ["a_loss", "a_mae", "b_loss", "b_mae", "loss"]


def test_validation_freq_must_be_an_int_or_a_list():
    x, y = SCEN.data()
    model = SCEN.small(numkeras)
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="validation_freq"):
        model.fit(x, y, epochs=1, verbose=0, validation_data=(x, y), validation_freq="2")
    history = model.fit(x, y, epochs=3, verbose=0, validation_data=(x, y), validation_freq=(2,))
    assert len(history.history["val_loss"]) == 1
    assert np.float32(history.history["loss"][0]).dtype == np.float32


def test_a_diverging_fit_warns_nothing_and_terminate_on_nan_stops_it():
    # Keras computes NaN/inf silently; numkeras used to emit NumPy's RuntimeWarning
    # ("invalid value encountered in matmul") from the batch that went bad
    x, y = SCEN.data()
    y[5] = np.inf
    model = SCEN.small(numkeras)
    model.compile(optimizer="sgd", loss="mse")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = model.fit(
            x,
            y,
            epochs=3,
            batch_size=4,
            shuffle=False,
            verbose=0,
            validation_data=(x, y),
            callbacks=[numkeras.callbacks.TerminateOnNaN()],
        )
    assert history.epoch == [0] and model.stop_training


def test_metrics_after_fit_are_listed_as_model_metrics():
    x, y = SCEN.data()
    model = SCEN.small(numkeras)
    model.compile(optimizer="sgd", loss="mse", metrics=["mse", "accuracy"])
    model.fit(x, y, epochs=1, verbose=0)
    assert list(model.get_metrics_result()) == ["loss", "mse", "accuracy"]


def test_two_outputs_of_one_nested_model_log_a_loss_each():
    """The 2017 ACGAN's combined model: both outputs come from the discriminator, so both
    are named after it. Keras 3 logs one `<name>_loss` (its list repeats one value);
    Keras 2 named them apart. numkeras logs each: `<name>_loss`, `<name>_1_loss`."""
    layers = numkeras.layers
    i = numkeras.Input((4,))
    f = layers.Dense(3)(i)
    outs = [layers.Dense(1)(f), layers.Dense(4, activation="softmax")(f)]
    d = numkeras.Model(i, outs, name="discriminator")
    z = numkeras.Input((2,))
    fake, aux = d(layers.Dense(4)(z))
    combined = numkeras.Model(z, [fake, aux])
    combined.compile("sgd", loss=["mse", "sparse_categorical_crossentropy"])
    x, y1, y2 = np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), np.arange(4)
    total, first, second = combined.train_on_batch(x, [y1, y2])
    assert combined.metrics_names == ["loss", "discriminator_loss", "discriminator_1_loss"]
    assert total == pytest.approx(first + second) and first != second
    logs = combined.evaluate(x, [y1, y2], verbose=0, return_dict=True)
    assert sorted(logs) == ["discriminator_1_loss", "discriminator_loss", "loss"]
