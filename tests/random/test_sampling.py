"""keras.io's VAE `Sampling` layer and the Keras 2 VAE example's `sampling` Lambda train
with the batch size read at run time (one trace for every batch size), with the
reparameterization gradient, and `.keras` files of the layer load both ways with Keras 3
(tests/goldens/random.json, scripts/goldens/make_random.py)."""

import json
import pathlib
import zipfile

import h5py
import numpy as np
import pytest

import numkeras
from numkeras import backend as K
from numkeras import layers, ops
from tests.random.sampling_models import define

GOLDENS = pathlib.Path(__file__).parents[1] / "goldens"
GOLD = json.loads((GOLDENS / "random.json").read_text())
KERAS_FILE = GOLDENS / "saving" / "keras_random_sampling.keras"
NUMKERAS_FILE = GOLDENS / "saving" / "numkeras_random_sampling.keras"

# (Keras 2's K functions note their Keras 3 spellings once each)
pytestmark = pytest.mark.filterwarnings("ignore::numkeras.errors.DeprecatedArgumentWarning")


def _data(n=64, seed=0):
    x = np.random.default_rng(seed).normal(0, 1, (n, 4)).astype("float32")
    return x, x


def _one_trace_for_every_batch(layer):
    """The layer's traces (numkeras.ops.trace.trace_for): each made with the batch size
    unknown (keyed by the sample shapes alone), none retried with a concrete batch."""
    assert layer._traces
    for key, trace in layer._traces.items():
        tag, signature = key
        assert isinstance(tag[0], bool), f"traced for a concrete batch: {key}"
        assert trace.graph._inputs_list[0].shape[0] is None


def test_the_sampling_layer_trains_with_fit():
    defs = define(numkeras)
    model = defs["sampling_model"]()
    model.compile(optimizer=numkeras.optimizers.Adam(0.02), loss="mse")
    x, y = _data()
    history = model.fit(x, y, batch_size=16, epochs=40, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.7 * losses[0]
    sampling = model.get_layer("z")
    _one_trace_for_every_batch(sampling)
    # 4 batches an epoch, one draw each, from the layer's SeedGenerator
    assert sampling.seed_generator.state.numpy().tolist() == [1337, 160]
    # a last batch of another size uses the same trace
    model.fit(x[:10], y[:10], batch_size=8, epochs=1, verbose=0)
    assert len(sampling._traces) == 1
    a, b = model.predict(x[:3], verbose=0), model.predict(x[:3], verbose=0)
    assert not np.allclose(a, b)  # a fresh epsilon on each call


def test_the_sampling_layer_has_the_reparameterization_gradient():
    sampling = define(numkeras)["Sampling"]()
    rng = np.random.default_rng(1)
    z_mean = rng.normal(size=(5, 2)).astype("float32")
    z_log_var = rng.normal(size=(5, 2)).astype("float32")
    out, cache = sampling.forward([z_mean, z_log_var])
    epsilon = (out - z_mean) / np.exp(0.5 * z_log_var)
    assert abs(epsilon.std() - 1) < 0.6  # (a standard normal draw)
    g = rng.normal(size=(5, 2)).astype("float32")
    g_mean, g_log_var = sampling.backward(cache, g.copy())
    np.testing.assert_allclose(g_mean, g, rtol=1e-6)
    np.testing.assert_allclose(g_log_var, g * 0.5 * np.exp(0.5 * z_log_var) * epsilon, rtol=1e-5)
    _one_trace_for_every_batch(sampling)


def test_the_sampling_gradient_with_a_fixed_epsilon(monkeypatch):
    """The draw replaced by a fixed epsilon: the model's gradients are those of the
    closed form z = z_mean + exp(0.5 * z_log_var) * epsilon, through the Dense layers."""
    from numkeras.random import draws

    eps = np.array([[0.3, -1.2], [0.7, 0.1], [-0.4, 2.0]], "float32")
    monkeypatch.setattr(draws.Normal, "_sample", lambda self, rng, shape, work: eps[: shape[0]])
    model = define(numkeras)["sampling_model"]()
    x = np.random.default_rng(2).normal(size=(3, 4)).astype("float32")
    wm, bm, wv, bv, wd, bd = model.get_weights()
    z_mean, z_log_var = x @ wm + bm, x @ wv + bv
    z = z_mean + np.exp(0.5 * z_log_var) * eps
    np.testing.assert_allclose(model.predict(x, verbose=0), z @ wd + bd, rtol=1e-5)
    # the gradient of sum(out) with respect to the z_log_var layer's bias
    model.compile(optimizer=numkeras.optimizers.SGD(1.0), loss="mse")
    y = np.zeros((3, 4), "float32")
    g_out = 2 * (z @ wd + bd - y) / y.size  # d mse / d out
    g_z = g_out @ wd.T
    g_bv = (g_z * 0.5 * np.exp(0.5 * z_log_var) * eps).sum(axis=0)
    g_bm = g_z.sum(axis=0)
    model.train_on_batch(x, y)
    np.testing.assert_allclose(bv - model.get_weights()[3], g_bv, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(bm - model.get_weights()[1], g_bm, rtol=1e-4, atol=1e-6)


def test_a_subclassed_model_with_the_sampling_layer_trains():
    Sampling = define(numkeras)["Sampling"]

    class VAE(numkeras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.mean, self.log_var = layers.Dense(2), layers.Dense(2)
            self.sampling, self.decoder = Sampling(), layers.Dense(4)

        def call(self, x):
            return self.decoder(self.sampling([self.mean(x), self.log_var(x)]))

    model = VAE()
    model.compile(optimizer=numkeras.optimizers.Adam(0.02), loss="mse")
    x, y = _data()
    losses = model.fit(x, y, batch_size=16, epochs=30, verbose=0).history["loss"]
    assert losses[-1] < 0.8 * losses[0]


def _keras2_sampling_model():
    latent_dim = 2

    def sampling(args):  # keras/examples/variational_autoencoder.py (2018), verbatim
        z_mean, z_log_var = args
        batch = K.shape(z_mean)[0]
        dim = K.int_shape(z_mean)[1]
        epsilon = K.random_normal(shape=(batch, dim))
        return z_mean + K.exp(0.5 * z_log_var) * epsilon

    inputs = layers.Input(shape=(4,))
    h = layers.Dense(8, activation="relu")(inputs)
    z_mean = layers.Dense(latent_dim, name="z_mean")(h)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(h)
    z = layers.Lambda(sampling, output_shape=(latent_dim,), name="z")([z_mean, z_log_var])
    return numkeras.Model(inputs, layers.Dense(4)(z)), sampling


def test_the_keras2_sampling_lambda_trains():
    model, sampling = _keras2_sampling_model()
    model.compile(optimizer=numkeras.optimizers.Adam(0.02), loss="mse")
    x, y = _data()
    losses = model.fit(x, y, batch_size=16, epochs=40, verbose=0).history["loss"]
    assert losses[-1] < 0.7 * losses[0]
    _one_trace_for_every_batch(model.get_layer("z"))
    a, b = model.predict(x[:3], verbose=0), model.predict(x[:3], verbose=0)
    assert not np.allclose(a, b)


def test_keras2_random_functions():
    x = layers.Input(shape=(3,))
    assert K.shape(x)[1] == 3 and isinstance(K.shape(x)[0], numkeras.ops.SymbolicDim)
    assert K.shape(np.zeros((2, 3))) == (2, 3)
    # Keras 2's int seed is a TensorFlow op seed: a new draw each call, the sequence fixed
    numkeras.utils.set_random_seed(3)
    first = [K.random_normal((4,), seed=1), K.random_normal((4,), seed=1)]
    assert not np.array_equal(first[0], first[1])
    numkeras.utils.set_random_seed(3)
    for want in first:
        np.testing.assert_array_equal(K.random_normal((4,), seed=1), want)
    u = K.random_uniform((10_000,), minval=1.0, maxval=2.0)
    assert u.min() >= 1.0 and u.max() < 2.0
    assert np.abs(K.truncated_normal((1000,), stddev=0.1)).max() <= 0.2 + 1e-6
    b = K.random_bernoulli((10_000,), p=0.25)
    assert set(np.unique(b).tolist()) == {0.0, 1.0} and abs(b.mean() - 0.25) < 0.02
    d = K.dropout(np.ones((100, 100), "float32"), 0.5)
    np.testing.assert_allclose(np.unique(d), [0.0, 2.0])


# -- .keras files both ways with Keras 3 ------------------------------------------------------
def _file_variables(path) -> dict:
    found = {}
    with zipfile.ZipFile(path) as z, z.open("model.weights.h5") as f, h5py.File(f) as h5:
        h5.visititems(
            lambda name, obj: (
                found.__setitem__(name, len(obj))
                if isinstance(obj, h5py.Group) and name.endswith("vars")
                else None
            )
        )
    return found


def test_a_keras_file_with_the_sampling_layer_loads_and_trains():
    defs = define(numkeras)
    model = numkeras.models.load_model(KERAS_FILE, custom_objects={"Sampling": defs["Sampling"]})
    x = np.array(GOLD["x"], "float32")
    # (the z_log_var layer makes the noise exp(-20) small: the prediction is deterministic)
    np.testing.assert_allclose(model.predict(x, verbose=0), GOLD["keras_prediction"], atol=1e-5)
    for got, want in zip(model.get_weights(), GOLD["weights"]):
        np.testing.assert_array_equal(got, np.array(want, "float32"))
    assert isinstance(model.get_layer("z").seed_generator, numkeras.random.SeedGenerator)
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()[0].copy()
    model.fit(x, x, verbose=0)
    assert not np.array_equal(model.get_weights()[0], before)


def test_numkeras_writes_the_sampling_layer_as_keras_does(tmp_path):
    """Keras saves no variable for a layer's SeedGenerator; numkeras's file has Keras's
    tree, and Keras loaded the committed numkeras file with the same predictions."""
    assert GOLD["keras_file_variables"]["layers/sampling/vars"] == 0
    assert GOLD["numkeras_file_variables"] == GOLD["keras_file_variables"]
    np.testing.assert_allclose(GOLD["keras_from_numkeras"], GOLD["numkeras_prediction"], atol=1e-5)
    assert np.isfinite(GOLD["keras_trains_numkeras"])
    numkeras.backend.clear_session(free_memory=False)
    defs = define(numkeras)
    model = defs["sampling_model"]()
    model.set_weights([np.array(w, "float32") for w in GOLD["weights"]])
    x = np.array(GOLD["x"], "float32")
    prediction = model.predict(x, verbose=0)
    np.testing.assert_allclose(prediction, GOLD["numkeras_prediction"], atol=1e-5)
    path = tmp_path / "m.keras"
    model.save(path)
    assert _file_variables(path) == GOLD["numkeras_file_variables"]
    with zipfile.ZipFile(path) as z, zipfile.ZipFile(NUMKERAS_FILE) as zg:
        assert json.loads(z.read("config.json")) == json.loads(zg.read("config.json"))
    back = numkeras.models.load_model(path, custom_objects={"Sampling": defs["Sampling"]})
    np.testing.assert_allclose(back.predict(x, verbose=0), prediction, atol=1e-5)


@pytest.mark.parametrize("seed", [None, 5])
def test_a_lambda_with_a_draw_round_trips(tmp_path, seed):
    def noisy(t):
        return t + 1e-9 * numkeras.random.normal(numkeras.ops.shape(t), seed=seed)

    x = layers.Input(shape=(3,))
    model = numkeras.Model(x, layers.Lambda(noisy)(layers.Dense(3)(x)))
    data = np.ones((2, 3), "float32")
    path = tmp_path / "m.keras"
    model.save(path)
    back = numkeras.models.load_model(path, custom_objects={"noisy": noisy})
    np.testing.assert_allclose(
        back.predict(data, verbose=0), model.predict(data, verbose=0), atol=1e-6
    )


def test_a_functional_model_reading_a_runtime_size_runs_but_has_no_keras_config(tmp_path):
    x = numkeras.Input((3,))
    model = numkeras.Model(x, x / ops.shape(x)[0])  # divides by the batch size
    np.testing.assert_allclose(model.predict(np.ones((4, 3)), verbose=0), 0.25)
    with pytest.raises(ValueError, match="unknown until the model runs"):
        model.save(tmp_path / "m.keras")
    assert not list(tmp_path.iterdir())  # nothing half-written
