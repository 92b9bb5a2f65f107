"""Code paths for another array module (CuPy on a GPU), exercised on the CPU.

A stand-in module that forwards to NumPy but is not NumPy makes every layer, loss and
optimizer take the generic path (no fused kernels, host-drawn dropout bits moved with
`xp.asarray`), so a NumPy-only shortcut there would show up here, without a GPU.
"""

import os
import subprocess
import sys
import types

import numpy as np
import pytest

from numkeras import backend, layers, models
from numkeras.utils import set_random_seed


@pytest.fixture
def stand_in_module():
    fake = types.ModuleType("stand_in_cupy")
    fake.__dict__.update({k: getattr(np, k) for k in dir(np) if not k.startswith("__")})
    fake.asnumpy = np.asarray
    previous = backend.xp
    backend.set_array_module(fake)
    try:
        yield fake
    finally:
        backend.set_array_module(previous)


def _train_gan_discriminator():
    set_random_seed(5)
    model = models.Sequential(
        [
            layers.Input((12,)),
            layers.Dense(16),
            layers.LeakyReLU(0.2),
            layers.Dropout(0.3),
            layers.Dense(8, activation="tanh"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 12)).astype("float32")
    y = (rng.random((64, 1)) > 0.5).astype("float32")
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    logs = model.train_on_batch(x, y, return_dict=True)
    return model.predict(x, verbose=0), logs


def test_training_and_predict_run_the_generic_path_and_agree_with_numpy(stand_in_module):
    assert backend.xp is stand_in_module
    out_generic, logs_generic = _train_gan_discriminator()
    backend.set_array_module(np)
    out_numpy, logs_numpy = _train_gan_discriminator()
    # same seeds, same dropout draws: equal up to the fused tanh's 4e-7 (NumPy path only)
    np.testing.assert_allclose(out_generic, out_numpy, rtol=0, atol=1e-5)
    assert logs_generic.keys() == logs_numpy.keys()
    np.testing.assert_allclose(logs_generic["loss"], logs_numpy["loss"], rtol=1e-4)


def test_set_array_module_takes_a_name_and_refuses_what_cannot_serve():
    previous = backend.xp
    try:
        backend.set_array_module("numpy")
        assert backend.xp is np
        with pytest.raises(ImportError, match="'no_such_array_lib' is not installed.*'cupy'"):
            backend.set_array_module("no_such_array_lib")
        with pytest.raises(ValueError, match="not a NumPy-like array module .*no `asarray`"):
            backend.set_array_module(types.ModuleType("not_arrays"))
        assert backend.xp is np  # a refused module changes nothing
    finally:
        backend.set_array_module(previous)


@pytest.mark.parametrize("name,ok", [("numpy", True), ("no_such_array_lib", False)])
def test_the_environment_variable_picks_the_module_at_import(name, ok):
    env = {**os.environ, "NUMKERAS_ARRAY_MODULE": name}
    code = "from numkeras import backend; print(backend.xp.__name__)"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if ok:
        assert done.returncode == 0 and done.stdout.strip() == name
    else:
        assert done.returncode != 0 and "is not installed" in done.stderr


def test_predict_and_weights_cross_back_to_numpy(stand_in_module):
    # the boundary Keras users rely on: NumPy out of predict and get_weights on any module
    model = models.Sequential([layers.Input((3,)), layers.Dense(2)])
    out = model.predict(np.ones((4, 3), "float32"), verbose=0)
    assert type(out) is np.ndarray and out.shape == (4, 2)
    assert all(type(w) is np.ndarray for w in model.get_weights())


def _train_user_code():
    """Keras-way user code numkeras trains by tracing: a custom layer, a subclassed model
    with add_loss, a loss function; the tracer, constants and variable reads included."""
    from numkeras import ops

    set_random_seed(6)

    class Scale(layers.Layer):
        def build(self, input_shape):
            self.s = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, x):
            return ops.tanh(x) * self.s + ops.square(x[:, :1])

    class Net(models.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(4)
            self.scale = Scale()
            self.out = layers.Dense(2)

        def call(self, x):
            h = self.scale(self.dense(x))
            self.add_loss(0.01 * ops.mean(ops.square(h)))
            return self.out(h)

    def loss(y_true, y_pred):
        return ops.mean(ops.abs(y_pred - y_true), axis=-1)

    rng = np.random.default_rng(1)
    x = rng.standard_normal((32, 3)).astype("float32")
    y = rng.standard_normal((32, 2)).astype("float32")
    model = Net()
    model.compile(optimizer="adam", loss=loss)
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    return model.predict(x, verbose=0)


def test_traced_user_code_runs_the_generic_path_and_agrees_with_numpy(stand_in_module):
    out_generic = _train_user_code()
    backend.set_array_module(np)
    np.testing.assert_allclose(out_generic, _train_user_code(), rtol=0, atol=1e-5)
