"""`numkeras.random` (Keras 3's `keras.random`): eager draws, seeds, and draws recorded as
operations that draw fresh values each time a graph runs (a size read at run time with
`ops.shape`, or anywhere inside a trace)."""

import numpy as np
import pytest

import numkeras
from numkeras import layers, ops, random
from numkeras.errors import ConfigError
from numkeras.ops.trace import Trace
from numkeras.utils import set_random_seed

N = 200_000


# -- eager draws: dtypes and statistics ------------------------------------------------------
def test_normal_statistics_and_dtype():
    x = random.normal((N,), mean=2.0, stddev=3.0, seed=1)
    assert x.dtype == np.float32 and x.shape == (N,)
    assert abs(x.mean() - 2.0) < 0.03 and abs(x.std() - 3.0) < 0.03
    assert random.normal((2, 3), dtype="float64").dtype == np.float64
    assert random.normal((2, 3), dtype="float16").dtype == np.float16
    assert random.normal(4).shape == (4,)  # an int is a shape of one axis


def test_uniform_statistics():
    x = random.uniform((N,), minval=-1.0, maxval=3.0, seed=2)
    assert x.dtype == np.float32
    assert x.min() >= -1.0 and x.max() < 3.0
    assert abs(x.mean() - 1.0) < 0.02 and abs(x.std() - 4 / np.sqrt(12)) < 0.02


def test_truncated_normal_is_within_two_stddevs():
    x = random.truncated_normal((N,), mean=1.0, stddev=0.5, seed=3)
    assert np.abs(x - 1.0).max() <= 1.0 + 1e-6
    # the standard normal truncated at +-2 has standard deviation 0.8796
    assert abs(x.mean() - 1.0) < 0.01 and abs(x.std() - 0.5 * 0.8796) < 0.01


def test_randint_and_categorical():
    r = random.randint((N,), 2, 5, seed=4)
    assert r.dtype == np.int32 and set(np.unique(r).tolist()) == {2, 3, 4}
    logits = np.log(np.array([[0.2, 0.8], [0.9, 0.1]], "float32"))
    c = random.categorical(logits, 20_000, seed=5)
    assert c.shape == (2, 20_000) and c.dtype == np.int32
    assert abs(c[0].mean() - 0.8) < 0.02 and abs(c[1].mean() - 0.1) < 0.02


def test_a_draw_takes_only_float_dtypes_and_concrete_shapes():
    with pytest.raises(ValueError, match="float dtype"):
        random.normal((2,), dtype="int32")
    with pytest.raises(numkeras.ShapeError, match="concrete values"):
        random.normal((None, 3))
    with pytest.raises(ValueError, match="`seed` must be"):
        random.normal((2,), seed="1")
    with pytest.raises(ValueError, match="must be an integer"):
        random.SeedGenerator(1.5)


# -- seeds -----------------------------------------------------------------------------------
def test_an_int_seed_gives_the_same_values_each_call():
    a, b = random.normal((3, 2), seed=42), random.normal((3, 2), seed=42)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, random.normal((3, 2), seed=43))


def test_a_seed_generator_gives_a_new_reproducible_sequence():
    gen = random.SeedGenerator(1337)
    first = [random.normal((4,), seed=gen) for _ in range(3)]
    assert not np.array_equal(first[0], first[1])
    assert gen.state.numpy().tolist() == [1337, 3]  # Keras's [seed, counter] state
    again = random.SeedGenerator(1337)
    for want in first:
        np.testing.assert_array_equal(random.normal((4,), seed=again), want)
    # the first draw of SeedGenerator(s) is the draw with seed=s, as in Keras
    np.testing.assert_array_equal(first[0], random.normal((4,), seed=1337))


def test_seed_generator_config_and_state_variable():
    gen = random.SeedGenerator(7, name="gen")
    assert gen.get_config() == {"seed": 7, "name": "gen"}
    assert gen.state.path == "gen/seed_generator_state"
    assert gen.state.dtype == np.uint32 and not gen.state.trainable
    clone = random.SeedGenerator.from_config(gen.get_config())
    np.testing.assert_array_equal(random.uniform((3,), seed=gen), random.uniform((3,), seed=clone))


def test_set_random_seed_reproduces_global_draws_and_unseeded_generators():
    def run():
        set_random_seed(5)
        gen = random.SeedGenerator()
        return [random.normal((3,)), random.uniform((3,)), random.normal((3,), seed=gen)]

    for a, b in zip(run(), run()):
        np.testing.assert_array_equal(a, b)
    set_random_seed(5)
    assert not np.array_equal(random.normal((3,)), random.normal((3,)))


# -- dropout and shuffle ---------------------------------------------------------------------
def test_dropout_eager():
    x = np.ones((200, 500), "float32")
    out = random.dropout(x, 0.3, seed=1)
    np.testing.assert_allclose(np.unique(out), [0.0, 1 / 0.7], rtol=1e-6)
    assert abs((out == 0).mean() - 0.3) < 0.01
    rows = random.dropout(x, 0.5, noise_shape=(None, 1), seed=2)
    assert all(len(np.unique(r)) == 1 for r in rows)  # whole rows kept or dropped
    np.testing.assert_array_equal(random.dropout(x, 0.0), x)
    np.testing.assert_array_equal(random.dropout(x, 1.0), np.zeros_like(x))
    with pytest.raises(ValueError, match="between 0 and 1"):
        random.dropout(x, 1.5)


def test_dropout_gradient_is_the_mask_scaling():
    trace = Trace.of(lambda t: random.dropout(t, 0.5), [(None, 6)])
    x = np.arange(1, 25, dtype="float32").reshape(4, 6)
    (out,), caches = trace.forward([x])
    (gx,) = trace.backward(caches, [np.ones_like(out)])
    np.testing.assert_allclose(gx, out / x)  # 0 where dropped, 2 where kept


def test_shuffle_permutes_each_vector_and_passes_gradients_back():
    x = np.arange(30, dtype="float32").reshape(10, 3)
    out = random.shuffle(x, axis=0, seed=3)
    for j in range(3):
        assert sorted(out[:, j].tolist()) == x[:, j].tolist()
    trace = Trace.of(lambda t: random.shuffle(t, axis=1), [(None, 5)])
    x = np.arange(20, dtype="float32").reshape(4, 5)
    (out,), caches = trace.forward([x])
    assert (np.sort(out, axis=1) == x).all()
    (gx,) = trace.backward(caches, [out.copy()])  # each value's gradient returns to it
    np.testing.assert_array_equal(gx, x)


# -- symbolic: sizes read at run time, fresh values each run ---------------------------------
def test_ops_shape_gives_symbolic_dims_for_unknown_axes():
    x = layers.Input(shape=(3, 4))
    batch, rows, cols = ops.shape(x)
    assert isinstance(batch, ops.SymbolicDim) and (rows, cols) == (3, 4)
    assert ops.shape(np.zeros((2, 5))) == (2, 5)
    with pytest.raises(TypeError, match="unknown until the model runs"):
        int(batch)
    flat = ops.reshape(x, (batch, -1))
    doubled = ops.reshape(x, (batch * 2, 6))
    zeros, ones = ops.zeros((batch, 2)), ops.ones((batch, 1), dtype="float64")
    assert flat.shape == (None, 12) and doubled.shape == (None, 6)
    assert zeros.shape == (None, 2) and ones.dtype == "float64"
    model = numkeras.Model(x, [flat, doubled, zeros, ones, x / batch])
    data = np.ones((5, 3, 4), "float32")
    out = model.predict(data, verbose=0, batch_size=5)
    assert [o.shape for o in out] == [(5, 12), (10, 6), (5, 2), (5, 1), (5, 3, 4)]
    np.testing.assert_allclose(out[4], data / 5)
    assert out[3].dtype == np.float64


def test_a_functional_model_draws_fresh_noise_each_run():
    x = layers.Input(shape=(3,))
    y = x + random.normal(ops.shape(x))
    assert y.shape == (None, 3)
    model = numkeras.Model(x, y)
    data = np.zeros((4, 3), "float32")
    a, b = model.predict(data, verbose=0), model.predict(data, verbose=0)
    assert a.shape == (4, 3) and not np.allclose(a, b)
    assert model.predict(np.zeros((7, 3)), verbose=0).shape == (7, 3)
    # Keras 3 cannot build this model (its random shapes must be concrete): no config
    with pytest.raises(ConfigError, match="Keras config has no way"):
        model.get_config()


def test_gradient_through_added_noise_is_the_identity():
    trace = Trace.of(lambda t: t + random.normal(ops.shape(t)), [(None, 3)])
    assert trace.has_random
    x = np.zeros((4, 3), "float32")
    (a,), caches = trace.forward([x])
    (b,), _ = trace.forward([x])
    assert not np.allclose(a, b)
    g = np.arange(12, dtype="float32").reshape(4, 3)
    (gx,) = trace.backward(caches, [g])
    np.testing.assert_array_equal(gx, g)


def test_inside_a_trace_a_concrete_draw_is_an_operation_not_a_constant():
    gen = random.SeedGenerator(3)
    trace = Trace.of(lambda t: t + random.uniform((2, 3), seed=gen), [(2, 3)])
    x = np.zeros((2, 3), "float32")
    a, b = trace.call([x])[0], trace.call([x])[0]
    assert not np.allclose(a, b)
    assert any(getattr(s.layer, "is_random", False) for s in trace.graph._steps)
    # an int seed draws the same values on every run, as Keras documents
    fixed = Trace.of(lambda t: t + random.normal((2, 3), seed=9), [(2, 3)])
    np.testing.assert_array_equal(fixed.call([x])[0], fixed.call([x])[0])
    np.testing.assert_array_equal(fixed.call([x])[0], random.normal((2, 3), seed=9))
    # outside a trace a concrete draw is a constant, as Keras bakes it into the graph
    assert isinstance(random.normal((2, 3)), np.ndarray)


def test_tensor_mean_and_stddev_take_gradients():
    def fn(mean, log_std):
        return random.normal(ops.shape(mean), mean=mean, stddev=ops.exp(log_std), seed=1)

    trace = Trace.of(fn, [(None, 2), (None, 2)])
    mean, log_std = np.zeros((3, 2), "float32"), np.full((3, 2), 0.5, "float32")
    (out,), caches = trace.forward([mean, log_std])
    g_mean, g_log_std = trace.backward(caches, [np.ones_like(out)])
    np.testing.assert_allclose(g_mean, 1.0)
    np.testing.assert_allclose(g_log_std, out, rtol=1e-6)  # d/dlog_std of eps*exp(log_std)
