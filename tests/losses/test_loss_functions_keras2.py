"""Keras 2's VAE examples: `from keras.losses import mse, binary_crossentropy` (module
names Keras 3 dropped, kept with one note) applied to the model's symbolic tensors
(`binary_crossentropy(inputs, outputs) * original_dim`, then `vae.add_loss(...)`): each
loss function records its per-sample values with `numkeras.ops`, the same values as on
arrays, and trains (tests/examples/test_keras2_examples.py runs both VAE scripts against
tf_keras 2.21)."""

import warnings

import numpy as np
import pytest

import numkeras
from numkeras import layers, losses, metrics
from numkeras.errors import DeprecatedArgumentWarning

FUNCTIONS = [
    "mean_squared_error",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error",
    "kl_divergence",
    "poisson",
    "hinge",
    "squared_hinge",
    "binary_crossentropy",
    "categorical_crossentropy",
]


def test_keras2_module_names_of_the_loss_functions_warn_once_and_resolve():
    with pytest.warns(DeprecatedArgumentWarning, match="mean_squared_error"):
        from numkeras.losses import mse
    assert mse is losses.mean_squared_error
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert losses.logcosh is losses.log_cosh
        assert losses.kullback_leibler_divergence is losses.kl_divergence
        assert metrics.MAE is losses.mean_absolute_error
        assert metrics.msle is losses.mean_squared_logarithmic_error
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        losses.nothing  # noqa: B018
    with pytest.raises(ImportError):
        from numkeras.metrics import bce  # noqa: F401 - Keras 2 had no bce attribute


@pytest.mark.parametrize("name", FUNCTIONS)
def test_a_loss_function_on_symbolic_tensors_gives_its_values_on_arrays(name):
    fn = getattr(losses, name)
    y_true = layers.Input((4,))
    x = layers.Input((3,))
    y_pred = layers.Dense(4, activation="softmax")(x)
    model = numkeras.Model([y_true, x], fn(y_true, y_pred))
    rng = np.random.default_rng(0)
    t = rng.uniform(size=(5, 4)).astype("float32")
    xs = rng.normal(size=(5, 3)).astype("float32")
    p = numkeras.Model(x, y_pred).predict(xs, verbose=0)
    got = model.predict([t, xs], verbose=0)
    assert got.shape == (5,)
    np.testing.assert_allclose(got, fn(t, p), rtol=1e-5, atol=1e-6)


def test_sparse_categorical_crossentropy_on_symbolic_labels():
    labels = layers.Input((1,), dtype="int32")
    x = layers.Input((3,))
    y_pred = layers.Dense(4, activation="softmax")(x)
    model = numkeras.Model([labels, x], losses.sparse_categorical_crossentropy(labels, y_pred))
    rng = np.random.default_rng(1)
    t = rng.integers(0, 4, (5, 1))
    xs = rng.normal(size=(5, 3)).astype("float32")
    p = numkeras.Model(x, y_pred).predict(xs, verbose=0)
    np.testing.assert_allclose(
        model.predict([t, xs], verbose=0),
        losses.sparse_categorical_crossentropy(t, p),
        rtol=1e-5,
    )


def test_a_loss_built_from_loss_functions_trains_through_add_loss():
    # the VAE's form: a reconstruction loss from the graph's input and output
    inputs = layers.Input((6,))
    outputs = layers.Dense(6, activation="sigmoid")(layers.Dense(2)(inputs))
    model = numkeras.Model(inputs, outputs)
    model.add_loss(numkeras.backend.mean(losses.binary_crossentropy(inputs, outputs) * 6))
    model.compile(optimizer="adam")
    x = np.random.default_rng(2).uniform(size=(16, 6)).astype("float32")
    p = model.predict(x, verbose=0)
    expected = np.mean(losses.binary_crossentropy(x, p) * 6)
    assert model.evaluate(x, verbose=0) == pytest.approx(float(expected), rel=1e-5)
    history = model.fit(x, epochs=3, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
