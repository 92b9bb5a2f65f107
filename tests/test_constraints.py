"""Weight constraints (numkeras.constraints), activity regularizers, and the penalties and
constraints of BatchNormalization / PReLU weights, checked against what Keras 3.15 computes
(tests/goldens/constraints_activity.json, written by
scripts/goldens/make_constraints_activity.py) and against finite differences."""

import json
import pathlib
import warnings

import numpy as np
import pytest

from numkeras import constraints, initializers, regularizers
from numkeras.errors import ConfigError, DeprecatedArgumentWarning
from numkeras.layers import BatchNormalization, Dense, Input, PReLU
from numkeras.models import Model, Sequential, load_model
from numkeras.optimizers import SGD, Adam
from numkeras.utils.gradcheck import numeric_gradient

GOLDEN = json.loads(
    (pathlib.Path(__file__).parent / "goldens" / "constraints_activity.json").read_text()
)
CASES = {case["name"]: case for case in GOLDEN["models"]}


@pytest.mark.parametrize("case", GOLDEN["constraints"], ids=lambda c: c["class_name"])
def test_constraints_project_as_keras(case):
    c = getattr(constraints, case["class_name"])(**case["config"])
    y = c(np.array(case["x"], "float32"))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, case["y"], rtol=1e-6, atol=1e-7)
    assert c.get_config() == case["keras_config"]
    assert constraints.deserialize(constraints.serialize(c)).get_config() == c.get_config()


def model_a():
    return Sequential(
        [
            Input((5,)),
            Dense(
                6,
                activation="relu",
                activity_regularizer=regularizers.L1(0.05),
                kernel_constraint=constraints.MaxNorm(0.8),
            ),
            Dense(
                4,
                activation="tanh",
                activity_regularizer=regularizers.L2(0.1),
                bias_constraint=constraints.NonNeg(),
                kernel_constraint=constraints.MinMaxNorm(0.2, 0.6, rate=0.5),
            ),
            Dense(1, kernel_constraint=constraints.UnitNorm(), activity_regularizer="l1l2"),
        ]
    )


def model_b():
    return Sequential(
        [
            Input((5,)),
            Dense(6, activity_regularizer=regularizers.L2(0.2)),
            BatchNormalization(
                gamma_constraint=constraints.NonNeg(),
                beta_regularizer=regularizers.L2(0.3),
                gamma_regularizer=regularizers.L1(0.1),
                beta_constraint=constraints.MaxNorm(0.05),
            ),
            PReLU(
                alpha_initializer=initializers.Constant(0.25),
                alpha_regularizer=regularizers.L2(0.5),
                alpha_constraint=constraints.NonNeg(),
            ),
            Dense(3, activation="softmax"),
        ]
    )


def model_c():
    inner = Sequential(
        [Input((5,)), Dense(4, activation="sigmoid", activity_regularizer="l2")], name="inner"
    )
    x = Input((5,))
    out = Dense(2, activity_regularizer=regularizers.L1(0.02))(inner(x))
    return Model(x, out)


BUILDERS = {"a": model_a, "b": model_b, "c": model_c}
OPTIMIZERS = {"sgd": SGD, "adam": Adam}
RATES = {"a_sgd": 0.1, "a_adam": 0.05, "b_sgd": 0.2, "c_sgd": 0.3}


def _compiled(case):
    model = BUILDERS[case["name"][0]]()
    model.set_weights([np.array(w, "float32") for w in case["weights"]])
    optimizer = OPTIMIZERS[case["optimizer"].split("_")[0]](RATES[case["name"]])
    model.compile(optimizer=optimizer, loss=case["loss"])
    return model


def _labels(case):
    y = np.array(case["y"], "float32")
    return y.astype("int64") if case["loss"].startswith("sparse") else y


@pytest.mark.parametrize("name", sorted(CASES))
def test_training_with_constraints_and_activity_penalties_matches_keras(name):
    case = CASES[name]
    model = _compiled(case)
    x, y = np.array(case["x"], "float32"), _labels(case)
    assert model.evaluate(x, y, batch_size=8, verbose=0) == pytest.approx(
        case["evaluate_before"], rel=1e-5
    )
    history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history
    np.testing.assert_allclose(history["loss"], case["fit_loss"], rtol=1e-5)
    assert model.train_on_batch(x[:4], y[:4]) == pytest.approx(case["train_on_batch"], rel=1e-5)
    assert model.evaluate(x, y, batch_size=3, verbose=0) == pytest.approx(
        case["evaluate_after"], rel=1e-5
    )
    for got, want in zip(model.get_weights(), case["weights_after"]):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("name", ["a_sgd", "b_sgd"])
def test_layer_configs_as_keras(name):
    case = CASES[name]
    model = _compiled(case)
    for layer, want in zip(model.layers, case["config"]):
        got = layer.get_config()
        for key in want:
            if "regularizer" in key or "constraint" in key:
                assert got[key] == want[key], (layer.name, key)


def test_the_activity_penalty_gradient_matches_finite_differences():
    # one SGD(1.0) step moves the kernel by the gradient of the training loss (mse plus
    # the activity penalties); compare with finite differences of evaluate's loss, which
    # adds the same penalties (smooth L2 penalties here: L1's kink is checked by Keras's
    # numbers above)
    case = CASES["a_sgd"]
    x, y = np.array(case["x"], "float32")[:4], np.array(case["y"], "float32")[:4]
    model = Sequential(
        [
            Input((5,)),
            Dense(6, activation="tanh", activity_regularizer=regularizers.L2(0.3)),
            Dense(3, activity_regularizer=regularizers.L2(0.1)),
            Dense(1),
        ]
    )
    model.compile(optimizer=SGD(1.0), loss="mse")
    kernel = model.layers[0].kernel
    w0 = kernel.numpy()
    numeric = numeric_gradient(
        lambda: model.evaluate(x, y, batch_size=4, verbose=0), kernel.value, eps=1e-2
    )
    np.testing.assert_array_equal(kernel.numpy(), w0)
    model.train_on_batch(x, y)
    np.testing.assert_allclose(w0 - kernel.numpy(), numeric, rtol=1e-2, atol=1e-3)


def test_predict_has_no_penalty_and_linear_dense_keeps_its_bias_in_the_penalty():
    layer = Dense(2, activity_regularizer=regularizers.L1(1.0), bias_initializer="ones")
    model = Sequential([Input((3,)), layer, Dense(1)])
    assert not layer.defers_bias  # the penalty must see x @ kernel + bias
    model.compile(optimizer="sgd", loss="mse")
    x = np.zeros((4, 3), "float32")
    model.layers[1].set_weights([np.zeros((2, 1), "float32"), np.zeros(1, "float32")])
    # outputs of the regularized layer are the bias (1, 1): penalty 2 per row / 1 per batch
    assert model.evaluate(x, np.zeros((4, 1)), verbose=0) == pytest.approx(2.0)
    np.testing.assert_array_equal(model.predict(x, verbose=0), 0.0)


def test_constraints_apply_after_each_update_and_only_to_trained_weights():
    model = Sequential([Input((2,)), Dense(2, kernel_constraint="non_neg", use_bias=False)])
    model.compile(optimizer=SGD(10.0), loss="mse")
    model.set_weights([np.array([[0.1, 0.2], [0.3, 0.4]], "float32")])
    model.train_on_batch(np.ones((4, 2)), np.full((4, 2), -5.0))
    assert (model.get_weights()[0] >= 0).all() and (model.get_weights()[0] == 0).any()
    # set_weights itself is not constrained (as Keras)
    model.set_weights([np.full((2, 2), -1.0, "float32")])
    assert (model.get_weights()[0] == -1).all()
    model.layers[0].trainable = False
    model.compile(optimizer=SGD(10.0), loss="mse")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.train_on_batch(np.ones((4, 2)), np.zeros((4, 2)))
    assert (model.get_weights()[0] == -1).all()


def test_a_custom_constraint_and_names():
    class Clip(constraints.Constraint):
        def __call__(self, w):
            return np.clip(w, -0.01, 0.01)

    model = Sequential([Input((2,)), Dense(3, kernel_constraint=Clip())])
    model.compile(optimizer=SGD(1.0), loss="mse")
    model.train_on_batch(np.ones((2, 2)), np.ones((2, 3)))
    assert np.abs(model.layers[0].kernel.numpy()).max() <= 0.01
    assert isinstance(constraints.get("max_norm"), constraints.MaxNorm)
    assert isinstance(constraints.get("UnitNorm"), constraints.UnitNorm)
    assert constraints.get(None) is None
    with pytest.raises(ConfigError, match="Did you mean 'max_norm'"):
        constraints.get("max_nrm")
    with pytest.raises(ValueError):
        Dense(2, kernel_constraint=3)


def test_keras2_spellings_still_work():
    with pytest.warns(DeprecatedArgumentWarning, match="max_norm"):
        c = constraints.maxnorm(3)
    assert isinstance(c, constraints.MaxNorm) and c.max_value == 3


def test_files_keep_constraints_and_activity_regularizers(tmp_path):
    case = CASES["b_sgd"]
    model = _compiled(case)
    x = np.array(case["x"], "float32")
    for name in ("m.keras", "m.h5"):
        model.save(tmp_path / name)
        loaded = load_model(tmp_path / name)
        for a, b in zip(model.layers, loaded.layers):
            assert a.get_config() == b.get_config()
        np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
        y = _labels(case)
        assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))
