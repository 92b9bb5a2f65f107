"""numkeras on a GPU through CuPy (`backend.set_array_module("cupy")`), against the CPU.

Skipped where CuPy or a CUDA device is missing (CI has neither); `scripts/gpu_check.sh`
runs them on a GPU machine. Each test builds the same model twice from the same seed, once
on NumPy and once on CuPy, runs the same public-API calls, and compares: the GPU's float32
products and transcendental functions round differently, so values agree to ~1e-5, not bit
for bit. The Keras boundary holds on the GPU: `predict`, `get_weights` and the logs are
NumPy arrays and floats, and inputs may be NumPy or CuPy arrays.
"""

from __future__ import annotations

import numpy as np
import pytest

from numkeras import backend, layers, models, ops, optimizers
from numkeras.utils import set_random_seed

cupy = pytest.importorskip("cupy")
try:
    _GPUS = cupy.cuda.runtime.getDeviceCount()
except Exception:  # no driver: CuPy imports but cannot start
    _GPUS = 0
pytestmark = pytest.mark.skipif(_GPUS == 0, reason="needs a CUDA device")

TOL = dict(rtol=2e-4, atol=2e-5)


def on(module_name: str, fn):
    """Run `fn()` with numkeras on `module_name`, from seed 0; restore the module after."""
    previous = backend.xp
    backend.set_array_module(module_name)
    try:
        set_random_seed(0)
        return fn()
    finally:
        backend.set_array_module(previous)


def both(fn):
    return on("numpy", fn), on("cupy", fn)


def assert_close_trees(cpu, gpu, **tol):
    if isinstance(cpu, dict):
        assert cpu.keys() == gpu.keys()
        for k in cpu:
            assert_close_trees(cpu[k], gpu[k], **tol)
    elif isinstance(cpu, (list, tuple)):
        assert len(cpu) == len(gpu)
        for a, b in zip(cpu, gpu):
            assert_close_trees(a, b, **tol)
    else:
        assert type(gpu) is type(cpu) or isinstance(gpu, (float, np.ndarray)), type(gpu)
        np.testing.assert_allclose(gpu, cpu, **{**TOL, **tol})


def _gan():
    """The tutorial's GAN (shared Adam, trainable toggle, Dropout), three steps."""
    rng = np.random.default_rng(1)
    opt = optimizers.Adam(learning_rate=0.0002, beta_1=0.5)
    g = models.Sequential(
        [
            layers.Input((16,)),
            layers.Dense(32),
            layers.LeakyReLU(0.2),
            layers.Dense(24, activation="tanh"),
        ]
    )
    d = models.Sequential(
        [
            layers.Input((24,)),
            layers.Dense(32),
            layers.LeakyReLU(0.2),
            layers.Dropout(0.3),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    g.compile(loss="binary_crossentropy", optimizer=opt)
    d.compile(loss="binary_crossentropy", optimizer=opt)
    d.trainable = False
    z = layers.Input((16,))
    gan = models.Model(z, d(g(z)))
    gan.compile(loss="binary_crossentropy", optimizer=opt)
    losses = []
    for _ in range(3):
        noise = rng.standard_normal((8, 16)).astype("float32")
        real = rng.uniform(-1, 1, (8, 24)).astype("float32")
        fake = g.predict(noise, verbose=0)
        assert isinstance(fake, np.ndarray)
        x = np.concatenate([real, fake])
        y = np.concatenate([np.full((8, 1), 0.9), np.zeros((8, 1))]).astype("float32")
        d.trainable = True
        losses.append(d.train_on_batch(x, y))
        d.trainable = False
        losses.append(gan.train_on_batch(noise, np.ones((8, 1), "float32")))
    return losses, g.get_weights() + d.get_weights()


def test_gan_steps_match_the_cpu():
    (cpu_losses, cpu_w), (gpu_losses, gpu_w) = both(_gan)
    assert all(isinstance(v, float) for v in gpu_losses)
    assert all(isinstance(w, np.ndarray) for w in gpu_w)
    assert_close_trees(cpu_losses, gpu_losses)
    assert_close_trees(cpu_w, gpu_w)


@pytest.mark.parametrize(
    "opt",
    [
        ("SGD", dict(learning_rate=0.05, momentum=0.9, nesterov=True)),
        ("RMSprop", dict(learning_rate=0.01, centered=True, momentum=0.5)),
        ("Adam", dict(learning_rate=0.01, amsgrad=True)),
        ("AdamW", dict(learning_rate=0.01, weight_decay=0.05)),
        ("Nadam", dict(learning_rate=0.01)),
        ("Adamax", dict(learning_rate=0.01)),
        ("Adagrad", dict(learning_rate=0.1)),
    ],
    ids=lambda o: o[0],
)
def test_fit_with_each_optimizer_matches_the_cpu(opt):
    name, kw = opt

    def run():
        rng = np.random.default_rng(2)
        x = rng.standard_normal((96, 10)).astype("float32")
        y = rng.integers(0, 3, 96)
        model = models.Sequential(
            [
                layers.Input((10,)),
                layers.Dense(16, activation="relu"),
                layers.BatchNormalization(),
                layers.Dense(3, activation="softmax"),
            ]
        )
        model.compile(
            optimizer=getattr(optimizers, name)(**kw),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        hist = model.fit(x, y, batch_size=32, epochs=2, validation_split=0.25, verbose=0)
        return hist.history, model.get_weights(), model.evaluate(x, y, verbose=0)

    (h_cpu, w_cpu, e_cpu), (h_gpu, w_gpu, e_gpu) = both(run)
    assert all(isinstance(v, float) for vals in h_gpu.values() for v in vals)
    assert_close_trees(h_cpu, h_gpu)
    assert_close_trees(w_cpu, w_gpu)
    assert_close_trees(e_cpu, e_gpu)


def test_constraints_and_penalties_match_the_cpu():
    from numkeras import constraints, regularizers

    def run():
        rng = np.random.default_rng(3)
        x = rng.standard_normal((64, 6)).astype("float32")
        y = rng.standard_normal((64, 1)).astype("float32")
        model = models.Sequential(
            [
                layers.Input((6,)),
                layers.Dense(
                    8,
                    activation="relu",
                    kernel_constraint=constraints.MaxNorm(0.7),
                    activity_regularizer=regularizers.L1(0.01),
                    kernel_regularizer=regularizers.L2(0.02),
                ),
                layers.BatchNormalization(gamma_constraint="non_neg", beta_regularizer="l2"),
                layers.PReLU(alpha_constraint=constraints.UnitNorm()),
                layers.Dense(1, bias_constraint="non_neg", activity_regularizer="l2"),
            ]
        )
        model.compile(optimizer=optimizers.Adam(0.01), loss="mse")
        hist = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
        model(x[:5])
        losses = [float(v) for v in model.losses]
        return hist.history, model.get_weights(), model.evaluate(x, y, verbose=0), losses

    cpu, gpu = both(run)
    assert_close_trees(cpu, gpu)


def test_recurrent_convolution_ops_and_preprocessing_match_the_cpu():
    def run():
        rng = np.random.default_rng(0)
        x = rng.standard_normal((32, 6, 4)).astype("float32")
        y = rng.integers(0, 2, 32)
        i = layers.Input((6, 4))
        h = layers.Bidirectional(layers.LSTM(5, return_sequences=True))(i)
        h = layers.GRU(4)(h)
        h = h * 2.0 + ops.mean(h, axis=1, keepdims=True)
        model = models.Model(i, layers.Dense(2, activation="softmax")(h))
        model.compile(optimizers.Adam(0.01), "sparse_categorical_crossentropy")
        rnn = model.fit(x, y, epochs=2, batch_size=8, verbose=0).history["loss"]
        norm = layers.Normalization()
        norm.adapt(x.reshape(-1, 4))
        normalized = backend.to_numpy(norm(x.reshape(-1, 4)))
        images = rng.standard_normal((8, 12, 12, 1)).astype("float32")
        conv = models.Sequential(
            [
                layers.Input((12, 12, 1)),
                layers.Conv2D(3, 3, activation="relu"),
                layers.MaxPooling2D(),
                layers.Flatten(),
                layers.Dense(2),
            ]
        )
        conv.compile("sgd", "mse")
        conv_loss = conv.fit(images, np.zeros((8, 2)), epochs=2, verbose=0).history["loss"]
        return rnn, normalized, conv_loss, model.predict(x, verbose=0), conv.get_weights()

    cpu, gpu = both(run)
    assert_close_trees(cpu, gpu)


def test_cupy_inputs_and_two_input_functional_model():
    def run(to_device):
        rng = np.random.default_rng(3)
        a = rng.standard_normal((40, 5)).astype("float32")
        b = rng.standard_normal((40, 3)).astype("float32")
        y = rng.standard_normal((40, 2)).astype("float32")
        ia, ib = layers.Input((5,)), layers.Input((3,))
        h = layers.Concatenate()([layers.Dense(4, activation="elu")(ia), ib])
        model = models.Model([ia, ib], layers.Dense(2)(h))
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        a, b, y = (to_device(v) for v in (a, b, y))
        model.fit([a, b], y, batch_size=16, epochs=2, verbose=0)
        out = model.predict([a, b], batch_size=7, verbose=0)
        assert isinstance(out, np.ndarray) and out.shape == (40, 2)
        return out, model.train_on_batch([a, b], y, return_dict=True)

    cpu = on("numpy", lambda: run(np.asarray))
    gpu = on("cupy", lambda: run(cupy.asarray))
    assert_close_trees(cpu, gpu)


def test_saving_round_trip_on_the_gpu(tmp_path):
    pytest.importorskip("h5py")

    def run():
        rng = np.random.default_rng(4)
        x = rng.standard_normal((32, 6)).astype("float32")
        y = rng.integers(0, 2, (32, 1)).astype("float32")
        model = models.Sequential(
            [
                layers.Input((6,)),
                layers.Dense(8, activation="relu"),
                layers.Dense(1, activation="sigmoid"),
            ]
        )
        model.compile(optimizer="adam", loss="binary_crossentropy")
        model.fit(x, y, batch_size=8, epochs=1, verbose=0)
        path = str(tmp_path / f"m_{backend.xp.__name__}.keras")
        model.save(path)
        loaded = models.load_model(path)
        np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
        # the optimizer state came along: both resume with the same step
        assert loaded.train_on_batch(x, y) == model.train_on_batch(x, y)
        return loaded.get_weights()

    cpu, gpu = both(run)
    assert_close_trees(cpu, gpu)


def test_optimizer_updates_a_model_as_one_flat_segment():
    def run():
        model = models.Sequential([layers.Input((4,)), layers.Dense(8), layers.Dense(2)])
        model.compile(optimizer="adam", loss="mse")
        model.train_on_batch(np.ones((2, 4), "float32"), np.zeros((2, 2), "float32"))
        variables = model.trainable_variables
        opt = model.optimizer
        return len(opt._plan(variables, tuple(map(id, variables))))

    assert on("cupy", run) == 1  # one update over the flat buffer, not one per weight


def test_cuda_kernels_match_the_generic_cupy_code_bit_for_bit(monkeypatch):
    from numkeras.backend import cuda, fused

    ran = set()
    real_run = cuda.run

    def spy(module, name, args):
        result = real_run(module, name, args)
        if result:
            ran.add(name)
        return result

    monkeypatch.setattr(cuda, "run", spy)

    def run():
        rng = np.random.default_rng(5)
        x = rng.standard_normal((64, 10)).astype("float32")
        y = rng.integers(0, 3, 64)
        model = models.Sequential(
            [
                layers.Input((10,)),
                layers.LeakyReLU(0.1),  # no Dense before it: the plain leaky_relu kernel
                layers.Dense(16, activation="relu"),
                layers.Dropout(0.25),
                layers.Dense(3, activation="softmax"),
            ]
        )
        model.compile(
            optimizer=optimizers.AdamW(learning_rate=0.01), loss="sparse_categorical_crossentropy"
        )
        model.fit(x, y, batch_size=16, epochs=2, verbose=0)
        return _gan(), model.get_weights(), model.predict(x, verbose=0)

    with_kernels = on("cupy", run)
    assert ran == set(cuda.kernel_names())
    previous = fused.is_enabled()
    fused.set_enabled(False)
    try:
        generic = on("cupy", run)
    finally:
        fused.set_enabled(previous)
    (gan_k, w_k, p_k), (gan_g, w_g, p_g) = with_kernels, generic
    for a, b in zip(gan_k[0] + gan_k[1] + w_k + [p_k], gan_g[0] + gan_g[1] + w_g + [p_g]):
        np.testing.assert_array_equal(a, b)


class _Scaled(layers.Layer):
    """A user layer as keras.io writes one: operators between its input and its weights."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
        self.b = self.add_weight(shape=(input_shape[-1],), initializer="zeros")

    def call(self, x, scale=1.0):
        self.add_loss(0.01 * ops.sum(ops.square(x)))
        return x * self.w * scale + self.b  # CuPy array * Variable: the variable's operators


class _Momentum(optimizers.Optimizer):
    """A custom optimizer in Keras 3's documented style (its clipping is numkeras's)."""

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.momentums = [self.add_variable_from_reference(v, "momentum") for v in var_list]

    def update_step(self, gradient, variable, learning_rate):
        m = self.momentums[self._get_variable_index(variable)]
        self.assign(m, m * 0.9 - learning_rate * gradient)
        self.assign_add(variable, m)


def test_user_layers_and_less_common_training_paths_match_the_cpu():
    """Each of these crashed on CuPy: a CuPy array times a Variable in a user layer,
    add_loss in a traced call, LossScaleOptimizer, a custom optimizer's global_clipnorm
    with gradient accumulation, PearsonCorrelation, SpectralNormalization, shuffled CuPy inputs."""
    from numkeras import metrics

    def run(to_device):
        rng = np.random.default_rng(6)
        x = to_device(rng.standard_normal((48, 5)).astype("float32"))
        y = to_device(rng.standard_normal((48, 2)).astype("float32"))
        i = layers.Input((5,))
        h = _Scaled()(i, scale=2.0)
        h = layers.Dense(6, activation="tanh", activity_regularizer="l2")(h)
        h = layers.SpectralNormalization(layers.Dense(4))(h)
        model = models.Model(i, layers.Dense(2)(h))
        results = {}
        custom = _Momentum(0.01, global_clipnorm=0.5, gradient_accumulation_steps=2)
        adam = optimizers.LossScaleOptimizer(optimizers.Adam(0.01))
        for name, opt in [("loss_scale", adam), ("custom_clip_accum", custom)]:
            model.compile(optimizer=opt, loss="mse", metrics=[metrics.PearsonCorrelation()])
            hist = model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=True)
            results[name] = hist.history
        model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle="batch")
        model(x[:4])
        results["losses"] = [float(v) for v in model.losses]
        results["predict"] = model.predict(x, batch_size=5, verbose=0)  # row chunks on the GPU
        results["weights"] = model.get_weights()
        return results

    cpu = on("numpy", lambda: run(np.asarray))
    gpu = on("cupy", lambda: run(cupy.asarray))
    assert_close_trees(cpu, gpu, rtol=1e-3, atol=1e-4)


def test_text_labels_get_numkeras_error_on_the_gpu():
    def run():
        model = models.Sequential([layers.Input((4,)), layers.Dense(3, activation="softmax")])
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        with pytest.raises(ValueError, match="numeric class labels"):
            model.fit(np.ones((5, 4), "float32"), np.array(list("abaab")), verbose=0)
        with pytest.raises(TypeError, match="numeric"):
            backend.cast_input(np.array(["a", "b"]))

    on("cupy", run)


def test_gradient_tape_is_refused_clearly_on_the_gpu():
    from numkeras.autodiff.tape import GradientTape, TapeError

    def run():
        with pytest.raises(TapeError, match="NumPy arrays only"):
            with GradientTape():
                pass

    on("cupy", run)
