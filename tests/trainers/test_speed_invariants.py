"""What the speed work could break (not timed): float32 discipline through a whole training
step, flat weight buffers that stay views, and results independent of buffer reuse."""

import warnings

import numpy as np
import pytest

from numkeras import backend, initializers, layers
from numkeras.layers import Dense, Dropout, Input, LeakyReLU
from numkeras.layers.layer import Layer
from numkeras.models import Model, Sequential
from numkeras.optimizers import Adam


def gan_models():
    adam = Adam(learning_rate=0.0002, beta_1=0.5)
    g = Sequential(
        [
            Input((8,)),
            Dense(16, kernel_initializer=initializers.RandomNormal(stddev=0.02)),
            LeakyReLU(0.2),
            Dense(12, activation="tanh"),
        ],
        name="g",
    )
    g.compile(loss="binary_crossentropy", optimizer=adam)
    d = Sequential(
        [Input((12,)), Dense(16), LeakyReLU(0.2), Dropout(0.3), Dense(1, activation="sigmoid")],
        name="d",
    )
    d.compile(loss="binary_crossentropy", optimizer=adam)
    d.trainable = False
    z = Input((8,))
    gan = Model(z, d(g(z)))
    gan.compile(loss="binary_crossentropy", optimizer=adam)
    return g, d, gan, adam


@pytest.fixture
def dtype_spy(monkeypatch):
    """Record the dtype of every array a layer's forward/backward passes produce."""
    seen = []
    classes = {Dense, LeakyReLU, Dropout, Model, Sequential}
    for cls in classes:
        fwd, bwd = cls.forward, cls.backward

        def forward(self, inputs, training=True, _f=fwd, **kw):
            out, cache = _f(self, inputs, training, **kw)
            seen.append((type(self).__name__, "forward", getattr(out, "dtype", None)))
            return out, cache

        def backward(self, cache, grad, need_input_grad=True, _b=bwd):
            seen.append((type(self).__name__, "grad_in", grad.dtype))
            return _b(self, cache, grad, need_input_grad)

        monkeypatch.setattr(cls, "forward", forward)
        monkeypatch.setattr(cls, "backward", backward)
    return seen


def test_no_float64_anywhere_in_a_float32_gan_step(dtype_spy):
    g, d, gan, adam = gan_models()
    rng = np.random.default_rng(0)
    # float64 data in, as numpy makes it by default: numkeras casts at the boundary
    x = np.concatenate([rng.uniform(-1, 1, (8, 12)), g.predict(rng.normal(size=(8, 8)), verbose=0)])
    y = np.r_[np.full(8, 0.9), np.zeros(8)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d.train_on_batch(x, y)
        gan.train_on_batch(rng.normal(size=(8, 8)), np.ones(8))
    dtypes = {dt for _, _, dt in dtype_spy if dt is not None}
    assert dtypes == {np.dtype("float32")}, dtype_spy
    for v in g.weights + d.weights:
        assert v.dtype == np.float32
        for name in adam.slot_names():
            assert adam.get_slot(v, name).dtype == np.float32


def test_weights_are_views_into_one_flat_buffer_per_model():
    g, d, gan, adam = gan_models()
    gan.train_on_batch(np.zeros((2, 8)), np.ones(2))
    d.train_on_batch(np.zeros((2, 12)), np.ones(2))
    for model in (g, d):
        bases = {id(v.value.base) for v in model.weights}
        assert len(bases) == 1, "one buffer per model"
    # set_weights writes through the views (the buffer is never replaced)
    base = g.weights[0].value.base
    g.set_weights([np.ones(v.shape) for v in g.weights])
    assert g.weights[0].value.base is base and np.all(base == 1)


def test_training_is_identical_whatever_was_computed_in_between():
    def run(interleave: bool):
        from numkeras.utils import set_random_seed

        set_random_seed(7)
        g, d, gan, _ = gan_models()
        rng = np.random.default_rng(1)
        for _ in range(3):
            if interleave:  # other shapes through the same layers and buffers
                g.predict(rng.normal(size=(5, 8)), verbose=0)
                d.predict(np.zeros((3, 12)), verbose=0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                gan.train_on_batch(np.full((4, 8), 0.5), np.ones(4))
        return g.get_weights()

    a, b = run(False), run(True)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))


def test_predict_returns_fresh_arrays():
    g, *_ = gan_models()
    x = np.random.default_rng(0).normal(size=(40, 8))
    first = g.predict(x, verbose=0)
    kept = first.copy()
    first[...] = 123.0
    np.testing.assert_array_equal(g.predict(x, verbose=0), kept)
    # other batch sizes reuse the buffers in other shapes; BLAS may round differently
    np.testing.assert_allclose(g.predict(x, batch_size=7, verbose=0), kept, rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(g.predict(x, verbose=0), kept)


class Float64Leak(Layer):
    def call(self, inputs):
        return inputs.astype("float64")


def test_float32_discipline_check_would_catch_a_leak():
    x = Input((3,))
    model = Model(x, Float64Leak()(x))
    assert model.predict(np.zeros((2, 3)), verbose=0).dtype == np.float32  # output is float32


@pytest.mark.parametrize(
    "last, direct",
    [
        (lambda: layers.Dense(3), True),
        (lambda: layers.Dense(3, activation="tanh"), True),
        (lambda: layers.Dense(3, activation="relu"), True),
        (lambda: layers.Dense(3, activation="softmax"), False),  # a new array: copied
        (lambda: layers.LeakyReLU(0.2), True),
        (lambda: layers.LeakyReLU(1.5), False),  # np.where makes a new array: copied
    ],
)
def test_predict_writing_into_its_result_changes_nothing(last, direct):
    """The last layer writes each batch straight into predict's result; the result must
    equal the plain call, stay the caller's own, and not stay tied to the workspace."""
    model = Sequential([layers.Input((5,)), layers.Dense(4), last()])
    assert (model._output_targets({})[0] is not None) == direct
    x = np.random.default_rng(0).standard_normal((70, 5)).astype("float32")
    expected = np.asarray(model(x))
    first = model.predict(x, batch_size=32, verbose=0)  # 3 batches, the last partial
    np.testing.assert_allclose(first, expected, rtol=1e-6, atol=1e-7)
    kept = first.copy()
    second = model.predict(x[::-1].copy(), batch_size=32, verbose=0)
    np.testing.assert_array_equal(first, kept)  # the second call wrote elsewhere
    assert not np.shares_memory(first, second)
    for step_buffers in model._workspaces["predict"].values():
        for buf in step_buffers.values():
            assert not np.shares_memory(buf, first) and not np.shares_memory(buf, second)


def test_predict_with_an_output_used_twice_and_inside_the_graph():
    x = layers.Input((5,))
    h = layers.Dense(4)(x)
    out = layers.Dense(2)(layers.LeakyReLU(0.2)(h))
    model = Model(x, [h, out, h])
    data = np.random.default_rng(1).standard_normal((40, 5)).astype("float32")
    got = model.predict(data, batch_size=16, verbose=0)
    want = [np.asarray(a) for a in model(data)]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-7)


@pytest.mark.skipif(backend.xp is not np, reason="host memory reuse: NumPy backend")
def test_predict_reuses_a_dropped_result_s_memory_and_never_a_live_one():
    """Large results recycle the memory of a dropped earlier result (backend/recycle.py):
    the values must be the same as fresh, and memory someone still holds is never reused."""
    from numkeras.backend import recycle

    recycle.release()
    rng = np.random.default_rng(3)
    model = Sequential([Input(shape=(6,)), Dense(1024, activation="tanh")])
    xs = [rng.normal(size=(2048, 6)).astype("float32") for _ in range(3)]  # 8 MiB results
    expected = [np.tanh(x @ model.get_weights()[0] + model.get_weights()[1]) for x in xs]

    first = model.predict(xs[0], batch_size=256, verbose=0)
    second = model.predict(xs[1], batch_size=256, verbose=0)  # `first` is alive: new memory
    assert not np.shares_memory(first, second)
    held = first[:10]  # a view keeps first's memory in use after `del first`
    del first
    third = model.predict(xs[2], batch_size=256, verbose=0)
    assert not np.shares_memory(third, held)
    for got, want in zip((held, second, third), (expected[0][:10], *expected[1:])):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    pointer = third.ctypes.data
    del held, third, got  # both blocks are free now; the newest drop is the one kept
    again = model.predict(xs[0], batch_size=256, verbose=0)
    assert again.ctypes.data == pointer
    np.testing.assert_allclose(again, expected[0], rtol=1e-5, atol=1e-6)
    recycle.release()


def _evaluations(model, x, y, **kwargs):
    """`evaluate` as it runs (several batches per product), and batch by batch (a callback
    that acts on each batch keeps it so)."""

    class Watching(__import__("numkeras").callbacks.Callback):
        def on_test_batch_end(self, batch, logs=None):
            self.last = batch

    runs = []
    run = model._run
    model._run = lambda inputs, *a, **k: runs.append(len(inputs[0])) or run(inputs, *a, **k)
    merged = model.evaluate(x, y, verbose=0, return_dict=True, **kwargs)
    watching = Watching()
    watching.runs = runs[:]  # (the model's runs in the first evaluation: their rows)
    one_by_one = model.evaluate(x, y, verbose=0, return_dict=True, callbacks=[watching], **kwargs)
    del model._run
    return merged, one_by_one, watching


@pytest.mark.parametrize("kind", ["mlp", "conv", "weighted"])
def test_evaluate_over_chunks_gives_the_batch_by_batch_values(kind):
    """`evaluate` runs a row-independent model several batches per product, as `predict`
    does; its loss and metrics are still summed batch by batch, as Keras sums them."""
    rng = np.random.default_rng(0)
    if kind == "conv":
        model = Sequential([Input((8, 8, 1)), layers.Conv2D(4, 3, activation="relu"),
                            layers.Flatten(), Dense(3, activation="softmax")])  # fmt: skip
        x = rng.normal(size=(203, 8, 8, 1)).astype("float32")
    else:
        model = Sequential([Input((6,)), Dense(16, activation="relu"),
                            Dense(3, activation="softmax")])  # fmt: skip
        x = rng.normal(size=(203, 6)).astype("float32")
    y = rng.integers(0, 3, len(x))
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    extra = {"sample_weight": rng.uniform(0, 2, len(x))} if kind == "weighted" else {}
    merged, one_by_one, watching = _evaluations(model, x, y, batch_size=16, **extra)
    assert watching.last == 12  # (13 batches, the last of 11 rows)
    assert watching.runs == [203]  # (one product for them all)
    assert merged.keys() == one_by_one.keys()
    for key in merged:
        np.testing.assert_allclose(merged[key], one_by_one[key], rtol=1e-6)


def test_evaluate_keeps_batches_for_activity_penalties_and_masks():
    """An activity penalty sums over each batch, and a mask follows each batch's rows:
    such models evaluate batch by batch (the same values either way)."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(50, 4)).astype("float32")
    y = rng.normal(size=(50, 2)).astype("float32")
    model = Sequential([Input((4,)), Dense(2, activity_regularizer="l2")])
    model.compile("sgd", "mse")
    merged, one_by_one, watching = _evaluations(model, x, y, batch_size=8)
    assert merged == one_by_one and max(watching.runs) == 8  # (batch by batch)
