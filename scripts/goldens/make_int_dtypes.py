"""Goldens for tests/layers/test_int_dtypes.py: the dtype (and for int32 the values) of
each built-in layer's output on integer and bool inputs, as Keras 3 gives them.

Keras 3's `Layer.__call__` casts floating inputs to the layer's compute dtype and leaves
integer and bool inputs untouched: a layer that only moves values (Flatten, Cropping1D,
MaxPooling1D, ReLU, ...) keeps an int32 input int32, one that computes with float weights
(Dense, Conv1D, BatchNormalization, ...) gives float32. Each layer is run three ways on
int32, uint8, int64 and bool data: a direct call on a NumPy array (`direct`), a call on
`Input(dtype=...)` (`symbolic`: its KerasTensor's dtype, which Keras takes from the layer's
compute dtype when the layer declares its output shape, so it may say float32 where the
arrays stay integer) and a model of that Input (`predict`, and the model's direct call).

Run with Keras 3 and JAX installed (writes tests/goldens/int_dtypes.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python /work/main/scripts/goldens/make_int_dtypes.py
(`KERAS_BACKEND=torch ... --print` prints the torch backend's results instead.)
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "int_dtypes.json"
DTYPES = ("int32", "uint8", "int64", "bool")
SCENARIOS = Scenarios()

ACTIVATIONS = (
    "celu elu exponential gelu glu hard_shrink hard_sigmoid hard_silu hard_tanh leaky_relu "
    "linear log_sigmoid log_softmax mish relu relu6 selu sigmoid silu soft_shrink softmax "
    "softplus softsign sparse_plus sparse_sigmoid sparsemax squareplus swish tanh "
    "tanh_shrink"
).split()

# name: (factory of the layer from the keras module, input shape without the batch axis,
# how it is called: "one" (an array), "list" ([x, x]), "two" (layer(x, x)); whether the
# int32 values are recorded (deterministic layers; weights set by `_fix_weights`))
SEQ = (3, 4)
IMG = (4, 4, 2)
VOL = (4, 4, 4, 1)
CASES: dict[str, tuple] = {
    # layers that move values
    "Identity": (lambda K: K.layers.Identity(), SEQ, "one", True),
    "Flatten": (lambda K: K.layers.Flatten(), SEQ, "one", True),
    "Reshape": (lambda K: K.layers.Reshape((12,)), SEQ, "one", True),
    "Permute": (lambda K: K.layers.Permute((2, 1)), SEQ, "one", True),
    "RepeatVector": (lambda K: K.layers.RepeatVector(2), (4,), "one", True),
    "Cropping1D": (lambda K: K.layers.Cropping1D(1), SEQ, "one", True),
    "Cropping2D": (lambda K: K.layers.Cropping2D(1), IMG, "one", True),
    "Cropping3D": (lambda K: K.layers.Cropping3D(1), VOL, "one", True),
    "ZeroPadding1D": (lambda K: K.layers.ZeroPadding1D(1), SEQ, "one", True),
    "ZeroPadding2D": (lambda K: K.layers.ZeroPadding2D(1), IMG, "one", True),
    "ZeroPadding3D": (lambda K: K.layers.ZeroPadding3D(1), VOL, "one", True),
    "UpSampling1D": (lambda K: K.layers.UpSampling1D(2), SEQ, "one", True),
    "UpSampling2D": (lambda K: K.layers.UpSampling2D(2), IMG, "one", True),
    "UpSampling2D_bilinear": (
        lambda K: K.layers.UpSampling2D(2, interpolation="bilinear"),
        IMG,
        "one",
        True,
    ),
    "UpSampling3D": (lambda K: K.layers.UpSampling3D(2), VOL, "one", True),
    "Masking": (lambda K: K.layers.Masking(), SEQ, "one", True),
    "Dropout": (lambda K: K.layers.Dropout(0.5), SEQ, "one", True),
    "SpatialDropout1D": (lambda K: K.layers.SpatialDropout1D(0.5), SEQ, "one", True),
    "SpatialDropout2D": (lambda K: K.layers.SpatialDropout2D(0.5), IMG, "one", True),
    "SpatialDropout3D": (lambda K: K.layers.SpatialDropout3D(0.5), VOL, "one", True),
    "GaussianDropout": (lambda K: K.layers.GaussianDropout(0.1), SEQ, "one", True),
    "GaussianNoise": (lambda K: K.layers.GaussianNoise(0.1), SEQ, "one", True),
    "AlphaDropout": (lambda K: K.layers.AlphaDropout(0.1), SEQ, "one", True),
    "ActivityRegularization": (lambda K: K.layers.ActivityRegularization(), SEQ, "one", True),
    "Lambda": (lambda K: K.layers.Lambda(lambda x: x), SEQ, "one", True),
    # activations
    "ReLU": (lambda K: K.layers.ReLU(), SEQ, "one", True),
    "ReLU_max": (lambda K: K.layers.ReLU(max_value=3.0), SEQ, "one", True),
    "ReLU_negative_slope": (lambda K: K.layers.ReLU(negative_slope=0.5), SEQ, "one", True),
    "LeakyReLU": (lambda K: K.layers.LeakyReLU(), SEQ, "one", True),
    "ELU": (lambda K: K.layers.ELU(), SEQ, "one", True),
    "Softmax": (lambda K: K.layers.Softmax(), SEQ, "one", True),
    "PReLU": (lambda K: K.layers.PReLU(), SEQ, "one", True),
    # pooling
    "MaxPooling1D": (lambda K: K.layers.MaxPooling1D(), SEQ, "one", True),
    "MaxPooling2D": (lambda K: K.layers.MaxPooling2D(), IMG, "one", True),
    "MaxPooling3D": (lambda K: K.layers.MaxPooling3D(), VOL, "one", True),
    "AveragePooling1D": (lambda K: K.layers.AveragePooling1D(2), SEQ, "one", True),
    "AveragePooling2D": (lambda K: K.layers.AveragePooling2D(2), IMG, "one", True),
    "AveragePooling3D": (lambda K: K.layers.AveragePooling3D(2), VOL, "one", True),
    "GlobalMaxPooling1D": (lambda K: K.layers.GlobalMaxPooling1D(), SEQ, "one", True),
    "GlobalMaxPooling2D": (lambda K: K.layers.GlobalMaxPooling2D(), IMG, "one", True),
    "GlobalMaxPooling3D": (lambda K: K.layers.GlobalMaxPooling3D(), VOL, "one", True),
    "GlobalAveragePooling1D": (lambda K: K.layers.GlobalAveragePooling1D(), SEQ, "one", True),
    "GlobalAveragePooling2D": (lambda K: K.layers.GlobalAveragePooling2D(), IMG, "one", True),
    "GlobalAveragePooling3D": (lambda K: K.layers.GlobalAveragePooling3D(), VOL, "one", True),
    "AdaptiveMaxPooling1D": (lambda K: K.layers.AdaptiveMaxPooling1D(2), SEQ, "one", True),
    "AdaptiveMaxPooling2D": (lambda K: K.layers.AdaptiveMaxPooling2D(2), IMG, "one", True),
    "AdaptiveMaxPooling3D": (lambda K: K.layers.AdaptiveMaxPooling3D(2), VOL, "one", True),
    "AdaptiveAveragePooling1D": (
        lambda K: K.layers.AdaptiveAveragePooling1D(2),
        SEQ,
        "one",
        True,
    ),
    "AdaptiveAveragePooling2D": (
        lambda K: K.layers.AdaptiveAveragePooling2D(2),
        IMG,
        "one",
        True,
    ),
    "AdaptiveAveragePooling3D": (
        lambda K: K.layers.AdaptiveAveragePooling3D(2),
        VOL,
        "one",
        True,
    ),
    # merging
    "Add": (lambda K: K.layers.Add(), SEQ, "list", True),
    "Subtract": (lambda K: K.layers.Subtract(), SEQ, "list", True),
    "Multiply": (lambda K: K.layers.Multiply(), SEQ, "list", True),
    "Average": (lambda K: K.layers.Average(), SEQ, "list", True),
    "Maximum": (lambda K: K.layers.Maximum(), SEQ, "list", True),
    "Minimum": (lambda K: K.layers.Minimum(), SEQ, "list", True),
    "Concatenate": (lambda K: K.layers.Concatenate(), SEQ, "list", True),
    "Dot": (lambda K: K.layers.Dot(axes=-1), SEQ, "list", True),
    # layers that compute with weights (or in floats)
    "Dense": (lambda K: K.layers.Dense(2), SEQ, "one", True),
    "EinsumDense": (
        lambda K: K.layers.EinsumDense("abc,cd->abd", output_shape=(None, 2)),
        SEQ,
        "one",
        True,
    ),
    "Conv1D": (lambda K: K.layers.Conv1D(2, 2), SEQ, "one", True),
    "Conv2D": (lambda K: K.layers.Conv2D(2, 2), IMG, "one", True),
    "Conv3D": (lambda K: K.layers.Conv3D(2, 2), VOL, "one", True),
    "Conv1DTranspose": (lambda K: K.layers.Conv1DTranspose(2, 2), SEQ, "one", True),
    "Conv2DTranspose": (lambda K: K.layers.Conv2DTranspose(2, 2), IMG, "one", True),
    "Conv3DTranspose": (lambda K: K.layers.Conv3DTranspose(2, 2), VOL, "one", True),
    "DepthwiseConv1D": (lambda K: K.layers.DepthwiseConv1D(2), SEQ, "one", True),
    "DepthwiseConv2D": (lambda K: K.layers.DepthwiseConv2D(2), IMG, "one", True),
    "SeparableConv1D": (lambda K: K.layers.SeparableConv1D(2, 2), SEQ, "one", True),
    "SeparableConv2D": (lambda K: K.layers.SeparableConv2D(2, 2), IMG, "one", True),
    "SimpleRNN": (lambda K: K.layers.SimpleRNN(2), SEQ, "one", True),
    "LSTM": (lambda K: K.layers.LSTM(2), SEQ, "one", True),
    "GRU": (lambda K: K.layers.GRU(2), SEQ, "one", True),
    "RNN": (lambda K: K.layers.RNN(K.layers.SimpleRNNCell(2)), SEQ, "one", True),
    "Bidirectional": (lambda K: K.layers.Bidirectional(K.layers.LSTM(2)), SEQ, "one", True),
    "TimeDistributed": (lambda K: K.layers.TimeDistributed(K.layers.Dense(2)), SEQ, "one", True),
    "ConvLSTM1D": (lambda K: K.layers.ConvLSTM1D(2, 2), (2, 3, 2), "one", True),
    "ConvLSTM2D": (lambda K: K.layers.ConvLSTM2D(2, 2), (2, 3, 3, 1), "one", True),
    "BatchNormalization": (lambda K: K.layers.BatchNormalization(), SEQ, "one", True),
    "LayerNormalization": (lambda K: K.layers.LayerNormalization(), SEQ, "one", True),
    "GroupNormalization": (lambda K: K.layers.GroupNormalization(groups=2), SEQ, "one", True),
    "RMSNormalization": (lambda K: K.layers.RMSNormalization(), SEQ, "one", True),
    "UnitNormalization": (lambda K: K.layers.UnitNormalization(), SEQ, "one", True),
    "Normalization": (lambda K: K.layers.Normalization(mean=1.0, variance=4.0), SEQ, "one", True),
    "Rescaling": (lambda K: K.layers.Rescaling(0.5), SEQ, "one", True),
    "SpectralNormalization": (
        lambda K: K.layers.SpectralNormalization(K.layers.Dense(2)),
        SEQ,
        "one",
        False,
    ),
    "Attention": (lambda K: K.layers.Attention(), SEQ, "list", True),
    "AdditiveAttention": (lambda K: K.layers.AdditiveAttention(), SEQ, "list", True),
    "MultiHeadAttention": (
        lambda K: K.layers.MultiHeadAttention(num_heads=1, key_dim=2),
        SEQ,
        "two",
        True,
    ),
    # layers with their own integer handling
    "Embedding": (lambda K: K.layers.Embedding(30, 2), SEQ, "one", True),
    "ReversibleEmbedding": (lambda K: K.layers.ReversibleEmbedding(30, 2), SEQ, "one", True),
    "CategoryEncoding": (
        lambda K: K.layers.CategoryEncoding(num_tokens=30, output_mode="multi_hot"),
        (4,),
        "one",
        True,
    ),
    "Discretization": (
        lambda K: K.layers.Discretization(bin_boundaries=[1.0, 3.5]),
        SEQ,
        "one",
        True,
    ),
    # image preprocessing
    "Resizing": (lambda K: K.layers.Resizing(2, 2), IMG, "one", True),
    "Resizing_nearest": (
        lambda K: K.layers.Resizing(2, 2, interpolation="nearest"),
        IMG,
        "one",
        True,
    ),
    "CenterCrop": (lambda K: K.layers.CenterCrop(2, 2), IMG, "one", True),
    "RandomCrop": (lambda K: K.layers.RandomCrop(2, 2, seed=1), IMG, "one", False),
    "RandomFlip": (lambda K: K.layers.RandomFlip(seed=1), IMG, "one", False),
    "RandomRotation": (lambda K: K.layers.RandomRotation(0.1, seed=1), IMG, "one", False),
    "RandomTranslation": (
        lambda K: K.layers.RandomTranslation(0.1, 0.1, seed=1),
        IMG,
        "one",
        False,
    ),
    "RandomZoom": (lambda K: K.layers.RandomZoom(0.1, seed=1), IMG, "one", False),
    "RandomContrast": (lambda K: K.layers.RandomContrast(0.1, seed=1), IMG, "one", False),
    "RandomBrightness": (lambda K: K.layers.RandomBrightness(0.1, seed=1), IMG, "one", False),
    "AutoContrast": (lambda K: K.layers.AutoContrast(), (4, 4, 3), "one", True),
    "Solarization": (lambda K: K.layers.Solarization(), (4, 4, 3), "one", False),
    "RandomInvert": (lambda K: K.layers.RandomInvert(seed=1), (4, 4, 3), "one", False),
    "RandomGrayscale": (lambda K: K.layers.RandomGrayscale(seed=1), (4, 4, 3), "one", False),
    "RandomPosterization": (
        lambda K: K.layers.RandomPosterization(factor=(1, 8), seed=1),
        (4, 4, 3),
        "one",
        False,
    ),
    "Equalization": (lambda K: K.layers.Equalization(), (4, 4, 3), "one", False),
}
for _name in ACTIVATIONS:
    CASES[f"Activation_{_name}"] = (
        lambda K, n=_name: K.layers.Activation(n),
        SEQ,
        "one",
        True,
    )


def data(shape, dtype: str):
    """Two samples of `shape`: small integers 0..6 (and 1 / 0 alternating for bool)."""
    n = 2 * int(np.prod(shape))
    ints = np.arange(n).reshape((2, *shape)) % 7
    return (ints % 2 == 1) if dtype == "bool" else ints.astype(dtype)


def _fix_weights(layer_or_model) -> None:
    """Deterministic weights (the values then do not depend on the initializers)."""
    weights = layer_or_model.get_weights()
    if weights:
        layer_or_model.set_weights(
            [np.linspace(-0.5, 0.6, w.size).reshape(w.shape).astype(w.dtype) for w in weights]
        )


def _args(kind: str, x):
    return {"one": (x,), "list": ([x, x],), "two": (x, x)}[kind]


def _dtype(out) -> str:
    return str(np.asarray(out).dtype)


def _values(out) -> list:
    return np.asarray(out, "float64").ravel()[:8].round(4).tolist()


def _attempt(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - the failure is the result
        return type(e).__name__


def _run_dtype(K, name: str, dtype: str) -> dict:
    make, shape, kind, with_values = CASES[name]
    x = data(shape, dtype)
    feed = x if kind == "one" else [x, x]

    def direct():
        layer = make(K)
        y = layer(*_args(kind, x))
        if layer.get_weights():
            _fix_weights(layer)
            y = layer(*_args(kind, x))
        return y

    def model():
        if kind == "one":
            inputs = K.Input(shape, dtype=dtype)
            outputs = make(K)(inputs)
        else:
            inputs = [K.Input(shape, dtype=dtype), K.Input(shape, dtype=dtype)]
            outputs = make(K)(inputs) if kind == "list" else make(K)(*inputs)
        m = K.Model(inputs, outputs)
        _fix_weights(m)
        return m

    out = {
        dtype: " ".join(
            [
                _attempt(lambda: _dtype(direct())),
                _attempt(lambda: str(model().output.dtype)),
                _attempt(lambda: _dtype(model().predict(feed, verbose=0))),
                _attempt(lambda: _dtype(model()(feed))),
            ]
        )
    }
    if with_values and dtype == "int32":
        out["direct_values"] = _attempt(lambda: _values(direct()))
        out["predict_values"] = _attempt(lambda: _values(model().predict(feed, verbose=0)))
    return out


def run_case(K, name: str) -> dict:
    """The case's output dtypes per input dtype, as "direct symbolic predict call" (an
    exception as its type's name), and for deterministic layers the first int32 values of
    the direct call and of predict."""
    out = {}
    for dtype in DTYPES:
        out.update(_run_dtype(K, name, dtype))
    return out


for _name in CASES:
    SCENARIOS[_name] = lambda K, n=_name: run_case(K, n)


def main():
    if "--print" in sys.argv:
        import keras

        for name in sys.argv[2:] or CASES:
            print(name, run_case(keras, name))
        return
    SCENARIOS.write(OUT)


if __name__ == "__main__":
    main()
