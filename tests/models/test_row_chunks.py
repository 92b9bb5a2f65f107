"""predict runs several batches per call only where no row's result can change."""

import numpy as np
import pytest

from numkeras import callbacks, layers, models
from numkeras.models import row_chunks


def generator():
    return models.Sequential(
        [
            layers.Input(shape=(100,)),
            layers.Dense(256),
            layers.LeakyReLU(0.2),
            layers.Dense(512),
            layers.LeakyReLU(0.2),
            layers.Dense(784, activation="tanh"),
        ]
    )


def batch_by_batch(model, x, batch_size):
    return np.concatenate(
        [model.predict_on_batch(x[i : i + batch_size]) for i in range(0, len(x), batch_size)]
    )


def test_row_wise_model_is_chunked_and_gives_the_batch_by_batch_values():
    m = generator()
    x = np.random.default_rng(0).standard_normal((1000, 100), dtype=np.float32)
    assert row_chunks.chunk_rows(m, 32) == 1024
    out = m.predict(x, batch_size=32, verbose=0)
    assert out.shape == (1000, 784) and out.dtype == np.float32
    np.testing.assert_allclose(out, batch_by_batch(m, x, 32), rtol=1e-5, atol=1e-6)
    # `steps` still caps the batches (of 32 rows), not the chunks
    np.testing.assert_allclose(
        m.predict(x, batch_size=32, steps=3, verbose=0), out[:96], rtol=1e-5, atol=1e-6
    )


def test_nested_models_are_followed():
    g = generator()
    d = models.Sequential([layers.Input(shape=(784,)), layers.Dense(1, activation="sigmoid")])
    z = layers.Input(shape=(100,))
    gan = models.Model(z, d(g(z)))
    assert row_chunks.rows_independent(gan)
    lam = models.Sequential([layers.Input(shape=(784,)), layers.Lambda(lambda t: t * 2)])
    gan2 = models.Model(z, lam(g(z)))
    assert not row_chunks.rows_independent(gan2)


def test_a_layer_that_mixes_rows_keeps_the_requested_batches():
    # each batch of 4 is centred on its own mean: merging batches would change every row
    m = models.Sequential(
        [layers.Input(shape=(3,)), layers.Lambda(lambda t: t - t.mean(axis=0, keepdims=True))]
    )
    x = np.arange(48, dtype=np.float32).reshape(16, 3) ** 2
    assert row_chunks.chunk_rows(m, 4) == 4
    np.testing.assert_array_equal(m.predict(x, batch_size=4, verbose=0), batch_by_batch(m, x, 4))


class RowMean(layers.Dense):
    """A Dense subclass whose call mixes rows: subclasses are never trusted."""

    def call(self, inputs, training=False):
        return super().call(inputs) - inputs.mean()


def custom_activation(t):
    return t - t.mean(axis=0)


@pytest.mark.parametrize(
    "build",
    [
        lambda x: layers.Dense(4, activation=custom_activation)(x),
        lambda x: RowMean(4)(x),
        lambda x: layers.Softmax(axis=0)(x),
        lambda x: layers.Softmax(axis=-2)(x),
        lambda x: layers.Concatenate(axis=0)([x, x]),
        lambda x: layers.UnitNormalization(axis=(0, 1))(x),
        lambda x: layers.Dropout(0.5)(x, training=True),
        lambda x: layers.BatchNormalization()(x, training=True),
    ],
    ids=[
        "custom-activation",
        "subclass",
        "softmax-axis0",
        "softmax-axis-2",
        "concat-axis0",
        "unitnorm-axis0",
        "dropout-forced-training",
        "batchnorm-forced-training",
    ],
)
def test_what_is_not_trusted_to_be_row_wise(build):
    x = layers.Input(shape=(4,))
    assert not row_chunks.rows_independent(models.Model(x, build(x)))


def test_row_wise_kinds_are_trusted():
    x = layers.Input(shape=(8, 8, 3))
    h = layers.Conv2D(4, 3, activation="relu")(x)
    h = layers.BatchNormalization()(h)
    h = layers.MaxPooling2D()(h)
    h = layers.Flatten()(h)
    h = layers.Dropout(0.3)(h)
    h = layers.Concatenate()([h, layers.Dense(3)(h)])
    out = layers.Softmax()(layers.Dense(5)(h))
    assert row_chunks.rows_independent(models.Model(x, out))


def test_fixed_batch_size_and_stateful_rnns_are_not_chunked():
    fixed = models.Sequential([layers.Input(batch_shape=(8, 4)), layers.Dense(2)])
    assert row_chunks.chunk_rows(fixed, 8) == 8
    seq = layers.Input(batch_shape=(4, 5, 3))
    stateful = models.Model(seq, layers.LSTM(2, stateful=True)(seq))
    assert not row_chunks.rows_independent(stateful)
    free = layers.Input(shape=(5, 3))
    assert row_chunks.rows_independent(models.Model(free, layers.LSTM(2)(free)))


def test_chunks_stay_under_the_byte_cap_and_unknown_sizes_are_not_chunked():
    wide = models.Sequential([layers.Input(shape=(1000,)), layers.RepeatVector(300)])
    row_bytes = 300 * 1000 * 4  # 1.2 MB a row
    assert row_chunks.chunk_rows(wide, 32) == 32
    assert row_chunks.chunk_rows(wide, 1) == row_chunks.MAX_CHUNK_BYTES // row_bytes
    ragged = layers.Input(shape=(None, 3))
    assert row_chunks.chunk_rows(models.Model(ragged, layers.LSTM(2)(ragged)), 32) == 32


def test_user_callbacks_see_every_batch_and_the_progress_bar_counts_them(capsys):
    m = generator()
    x = np.random.default_rng(1).standard_normal((100, 100), dtype=np.float32)
    seen = []
    watcher = callbacks.LambdaCallback(
        on_predict_batch_end=lambda batch, logs: seen.append((batch, logs["outputs"].shape))
    )
    m.predict(x, batch_size=32, verbose=0, callbacks=[watcher])
    assert seen == [(0, (32, 784)), (1, (32, 784)), (2, (32, 784)), (3, (4, 784))]
    m.predict(x, batch_size=32, verbose=1)
    assert "4/4" in capsys.readouterr().out
