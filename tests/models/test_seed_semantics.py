"""The seed question, answered by behaviour: which axis is the batch, what each shape does."""

import warnings

import numpy as np
import pytest

from numkeras import initializers
from numkeras.errors import ShapeError
from numkeras.layers import Dense, Input, Layer, LeakyReLU
from numkeras.models import Model, Sequential


def seed_generator():
    g = Sequential()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g.add(Dense(256, input_dim=64, kernel_initializer=initializers.RandomNormal(stddev=0.02)))
    g.add(LeakyReLU(0.2))
    g.add(Dense(512))
    g.add(LeakyReLU(0.2))
    g.add(Dense(1024))
    g.add(LeakyReLU(0.2))
    g.add(Dense(784, activation="tanh"))
    return g


@pytest.fixture(scope="module")
def generator():
    return seed_generator()


def test_128_by_64_is_128_samples(generator):
    noise = np.random.normal(0, 1, size=[128, 64])
    out = generator.predict(noise, verbose=0)
    assert out.shape == (128, 784) and out.dtype == np.float32
    assert generator.input_shape == (None, 64)


def test_64_by_128_is_rejected_with_transpose_hint(generator):
    with pytest.raises(ShapeError) as e:
        generator.predict(np.zeros((64, 128)), verbose=0)
    msg = str(e.value)
    assert "Model 'sequential" in msg and "layer 'dense" in msg
    assert "(batch, 64)" in msg and "(64, 128)" in msg
    assert "axis 1 (features) must be 64, received 128" in msg
    assert "x.T" in msg and "(128, 64)" in msg


def test_symbolic_input_of_the_wrong_width_gets_no_transpose_hint(generator):
    # (None, 100) reversed is (100, None), which "fits" (None, 64) only through the unknown
    # batch axis: a transpose can never mend a symbolic tensor's feature size.
    with pytest.raises(ShapeError) as e:
        generator(Input(shape=(100,)))
    msg = str(e.value)
    assert "axis 1 (features) must be 64, received 100" in msg
    assert "x.T" not in msg and "transposed" not in msg


def test_rank3_inputs_are_rejected(generator):
    with pytest.raises(ShapeError) as e:
        generator.predict(np.zeros((64, 256, 256)), verbose=0)
    assert "expected rank 2" in str(e.value) and "(256, 256)" in str(e.value)
    with pytest.raises(ShapeError) as e:
        generator.predict(np.zeros((256, 256, 64)), verbose=0)
    msg = str(e.value)
    assert "x.reshape(-1, 64)" in msg and "(65536, 64)" in msg
    assert "Input(shape=(None, 64))" in msg


def test_single_sample_without_batch_axis(generator):
    with pytest.raises(ShapeError) as e:
        generator.predict(np.zeros(64), verbose=0)
    assert "x[None]" in str(e.value) and "(1, 64)" in str(e.value)
    assert generator.predict(np.zeros(64)[None], verbose=0).shape == (1, 784)


def test_errors_never_dump_arrays(generator):
    x = np.arange(64 * 128, dtype="float32").reshape(64, 128)
    with pytest.raises(ShapeError) as e:
        generator(x)
    assert "array(" not in str(e.value) and "8191" not in str(e.value)


def test_failed_predict_changes_nothing(generator):
    before = generator.get_weights()
    x = np.random.default_rng(0).normal(size=(5, 64)).astype("float32")
    y0 = generator.predict(x, verbose=0)
    with pytest.raises(ShapeError):
        generator.predict(np.zeros((5, 65)), verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(before, generator.get_weights()))
    np.testing.assert_array_equal(generator.predict(x, verbose=0), y0)


class BatchRecorder(Layer):
    """Records the batch sizes it sees."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.seen = []

    def call(self, inputs):
        self.seen.append(inputs.shape[0])
        return inputs

    def compute_output_shape(self, input_shape):
        # (without it, numkeras finds the shape by running call on symbolic tensors, as
        # Keras 3 does, and that call would be recorded too)
        return input_shape


def recorder_model(feature=8):
    rec = BatchRecorder()
    x = Input(shape=(feature,))
    return Model(x, rec(Dense(3)(x))), rec


def test_predict_batches_by_32_and_keeps_partial_batch():
    model, rec = recorder_model()
    out = model.predict(np.zeros((100, 8)), verbose=0)
    assert out.shape == (100, 3)
    assert rec.seen == [32, 32, 32, 4]


def test_predict_batch_size_and_steps():
    model, rec = recorder_model()
    model.predict(np.zeros((100, 8)), batch_size=64, verbose=0)
    assert rec.seen == [64, 36]
    rec.seen.clear()
    out = model.predict(np.zeros((100, 8)), steps=2, verbose=0)
    assert rec.seen == [50, 50] and out.shape == (100, 3)
    rec.seen.clear()
    out = model.predict(np.zeros((100, 8)), batch_size=10, steps=3, verbose=0)
    assert rec.seen == [10, 10, 10] and out.shape == (30, 3)


def test_predict_zero_rows_returns_empty():
    model, _ = recorder_model()
    out = model.predict(np.zeros((0, 8)), verbose=0)
    assert out.shape == (0, 3) and out.dtype == np.float32


def test_predict_accepts_lists():
    model, _ = recorder_model(feature=2)
    assert model.predict([[1, 2], [3, 4], [5, 6]], verbose=0).shape == (3, 3)


def test_fixed_batch_size_is_not_enforced():
    x = Input(shape=(6, 8), batch_size=32)
    assert x.shape == (32, 6, 8)
    model = Model(x, Dense(4)(x))
    assert model.input_shape == (32, 6, 8)
    for n in (32, 64, 10):
        assert model.predict(np.zeros((n, 6, 8)), verbose=0).shape == (n, 6, 4)


def test_layer_given_batch_size_and_input_shape():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Sequential([Dense(4, batch_size=32, input_shape=(6, 8))])
    assert model.input_shape == (32, 6, 8)
    assert model.output_shape == (32, 6, 4)
    assert model.predict(np.zeros((10, 6, 8)), verbose=0).shape == (10, 6, 4)


def test_batch_shape_and_legacy_spellings_warn_once_with_new_spelling():
    with pytest.warns(UserWarning, match=r"Input\(batch_shape=\(None, 5\)\)"):
        m = Sequential([Dense(2, batch_input_shape=(None, 5))])
    assert m.input_shape == (None, 5)
    with pytest.warns(UserWarning, match=r"negative_slope"):
        layer = LeakyReLU(alpha=0.1)
    assert layer.negative_slope == 0.1


def test_none_dims_are_wildcards():
    x = Input(shape=(None, 5))
    model = Model(x, Dense(2)(x))
    assert model.output_shape == (None, None, 2)
    assert model.predict(np.zeros((3, 7, 5)), verbose=0).shape == (3, 7, 2)
    assert model.predict(np.zeros((3, 1, 5)), verbose=0).shape == (3, 1, 2)


def test_trailing_one_squeeze_and_expand():
    x = Input(shape=(4,))
    model = Model(x, Dense(2)(x))
    assert model.predict(np.zeros((3, 4, 1)), verbose=0).shape == (3, 2)
    x1 = Input(shape=(1,))
    m1 = Model(x1, Dense(2)(x1))
    assert m1.predict(np.zeros(10), verbose=0).shape == (10, 2)


def test_input_shape_that_includes_the_batch_is_called_out():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Sequential([Dense(4, input_shape=(128, 64))])
    with pytest.raises(ShapeError) as e:
        model.predict(np.zeros((128, 64)), verbose=0)
    assert "wrongly includes the batch axis" in str(e.value)
    assert "input_shape=(64,)" in str(e.value)


def test_deferred_build_uses_first_call_then_rejects_other_feature_sizes():
    model = Sequential([Dense(4), Dense(2)])
    assert model.predict(np.zeros((100, 8)), verbose=0).shape == (100, 2)
    assert model.input_shape == (32, 8)  # Keras 3 builds on the first batch
    assert model.predict(np.zeros((5, 8)), verbose=0).shape == (5, 2)
    with pytest.raises(ShapeError, match="must be 8, received 9"):
        model.predict(np.zeros((5, 9)), verbose=0)


def test_sequential_add_refuses_layer_that_does_not_fit_and_stays_intact():
    model = Sequential([Input(shape=(4,)), Dense(3)])
    from numkeras.layers import Reshape

    with pytest.raises(ShapeError):
        model.add(Reshape((2, 2)))
    assert len(model.layers) == 1 and model.output_shape == (None, 3)
    model.add(Dense(5))
    assert model.output_shape == (None, 5)
    model.pop()
    assert model.output_shape == (None, 3)
