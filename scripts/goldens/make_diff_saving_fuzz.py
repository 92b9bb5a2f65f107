"""Goldens for the saving bugs scripts/fuzz/fuzz_saving.py found, from real Keras 3; the
test (tests/saving/test_diff_saving_fuzz.py) runs the same scenarios on numkeras:

    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \
        /work/main/scripts/goldens/make_diff_saving_fuzz.py

- `implied_call_kwargs*`: the keywords a functional model's config records for each call.
  Keras fills `training` (from the call's default, when not None) and `mask` (None here)
  into a call made with one tensor and no keywords, and its node keeps them; a call it had
  to convert (a list of tensors, another dtype) or one given keywords keeps only those.
- `load_weights_optimizer`: `load_weights` into a compiled model whose optimizer was never
  built skips the saved optimizer state (with a warning); once built, it loads it.
"""

from __future__ import annotations

import os
import pathlib
import sys
import tempfile
import warnings

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "goldens" / "diff_saving_fuzz.json"
sys.path.insert(0, str(ROOT / "tests"))
from differential import Scenarios  # noqa: E402

SCENARIOS = Scenarios()


def _kwargs(model) -> list:
    """[class name, [each node's kwargs]] per layer of `model`'s config."""
    return [
        [la["class_name"], [node["kwargs"] for node in la["inbound_nodes"]]]
        for la in model.get_config()["layers"]
    ]


@SCENARIOS.scenario
def implied_call_kwargs(K):
    L = K.layers
    seq, img = K.Input((4, 3)), K.Input((8, 8, 3))
    outs = [
        L.TimeDistributed(L.Dense(2))(seq),
        L.BatchNormalization()(seq),
        L.LSTM(2)(seq),
        L.GRU(2, return_sequences=True)(seq),
        L.SimpleRNN(2)(seq),
        L.Bidirectional(L.LSTM(2))(seq),
        L.GlobalAveragePooling1D()(seq),
        L.GlobalMaxPooling1D()(seq),
        L.Softmax()(seq),
        L.Dropout(0.1)(seq),
        L.GaussianNoise(0.1)(seq),
        L.GaussianDropout(0.1)(seq),
        L.AlphaDropout(0.1)(seq),
        L.SpatialDropout1D(0.1)(seq),
        L.Dense(2)(seq),
        L.LayerNormalization()(seq),
        L.Attention()([seq, seq]),
        L.MultiHeadAttention(1, 2)(seq, seq),
        L.Add()([seq, seq]),
        L.RandomFlip()(img),
        L.Resizing(4, 4)(img),
        L.SpatialDropout2D(0.1)(img),
        K.Sequential([L.Dense(2)])(seq),
    ]
    return _kwargs(K.Model([seq, img], outs))


@SCENARIOS.scenario
def implied_call_kwargs_given(K):
    """Keywords given to the call, another dtype, a user layer's own `call`."""
    L = K.layers

    class Both(L.Layer):
        def call(self, x, training=False, mask=None):
            return x * 2

    class NoDefault(L.Layer):
        def call(self, x, training=None):
            return x * 2

    x, wide = K.Input((3,)), K.Input((3,), dtype="float64")
    outs = [
        L.Dropout(0.5)(x, training=True),
        L.BatchNormalization()(x, training=False),
        L.Dropout(0.5)(wide),
        L.BatchNormalization()(wide),
        Both()(x),
        NoDefault()(x),
    ]
    return _kwargs(K.Model([x, wide], outs))


def _compiled(K):
    model = K.Sequential([K.Input((3,)), K.layers.Dense(2)])
    model.compile(optimizer=K.optimizers.Adam(0.01), loss="mse")
    return model


@SCENARIOS.scenario
def load_weights_optimizer(K):
    x = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
    y = np.random.default_rng(1).normal(size=(8, 2)).astype("float32")
    model = _compiled(K)
    model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.weights.h5")
        model.save_weights(path)
        fresh = _compiled(K)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (the skipped state's)
            fresh.load_weights(path)
        out["fresh"] = [int(fresh.optimizer.iterations), len(fresh.optimizer.variables)]
        fresh.train_on_batch(x, y)
        out["fresh_after_step"] = int(fresh.optimizer.iterations)
        built = _compiled(K)
        built.optimizer.build(built.trainable_variables)
        built.load_weights(path)
        out["built"] = [int(built.optimizer.iterations), len(built.optimizer.variables)]
    return out


if __name__ == "__main__":
    SCENARIOS.write(OUT)
