"""Goldens for tests/layers/test_diff_layer_api.py: the layer API beyond numerics, as Keras 3
shows it (configs with non-default arguments, `from_config` round trips, symbolic output
shapes with None dims, weights' order, names and paths, masks, dtypes, `trainable`, shared
layers, `training=` handling, exception types).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values; the test runs the same functions on numkeras and compares.

Run (both; each writes its own scenarios into the same JSON, optionally only those named):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_diff_layer_api.py
    KERAS_BACKEND=tensorflow /work/tfenv/bin/python scripts/goldens/make_diff_layer_api.py
"""

from __future__ import annotations

import json
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
from tests.differential import Scenarios  # noqa: E402

OUT = pathlib.Path(__file__).parents[2] / "tests" / "goldens" / "diff_layer_api.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def tf_scenario(fn):
    """A scenario whose goldens come from the TensorFlow backend (JAX computes float64 in
    float32 unless x64 is enabled, so dtypes are what TensorFlow gives)."""
    fn.backend = "tensorflow"
    return scenario(fn)


def _err(fn):
    """The result of `fn()`, or the built-in exception type it raised (the first in its
    MRO: numkeras's ConfigError is a ValueError, as Keras raises)."""
    try:
        return ["ok", fn()]
    except Exception as e:  # noqa: BLE001 (the type is the result)
        return ["error", next(c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins")]


def _config(layer):
    config = layer.get_config()
    config.pop("name", None)
    return json.loads(json.dumps(config))


def _weights(layer):
    return [[w.name, w.path, list(w.shape), bool(w.trainable)] for w in layer.weights]


def _arr(x):
    return np.asarray(x)


def _x(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).round(3).astype("float32")


def _layer_facts(keras, layer, *shapes, dtype="float32"):
    """Config, round trip, symbolic output shapes (None batch), weights after building."""
    cls = type(layer)
    ins = [keras.Input(s, dtype=dtype) for s in shapes]
    out = layer(ins if len(ins) > 1 else ins[0])
    outs = out if isinstance(out, (list, tuple)) else [out]
    config = _config(layer)
    again = cls.from_config(layer.get_config())
    again([keras.Input(s, dtype=dtype) for s in shapes] if len(shapes) > 1 else ins[0])
    return {
        "class": cls.__name__,
        "config": config,
        "round_trip": _config(again) == config,
        "symbolic": [[list(t.shape), str(t.dtype)] for t in outs],
        "weights": _weights(layer),
        "trainable": [w.path for w in layer.trainable_weights],
        "non_trainable": [w.path for w in layer.non_trainable_weights],
        "count_params": layer.count_params(),
    }


@scenario
def config_dense_every_argument(keras):
    K = keras
    layer = K.layers.Dense(
        3,
        activation=K.activations.relu,
        use_bias=True,
        kernel_initializer=K.initializers.HeNormal(seed=1),
        bias_initializer=K.initializers.Constant(0.5),
        kernel_regularizer=K.regularizers.L1L2(0.01, 0.02),
        bias_regularizer="l2",
        activity_regularizer=K.regularizers.L1(0.1),
        kernel_constraint=K.constraints.MaxNorm(2.0),
        bias_constraint="non_neg",
        name="dd",
        trainable=False,
    )
    return _layer_facts(keras, layer, (None, 4))


@scenario
def config_conv_every_argument(keras):
    K = keras
    out = []
    for layer, shape in [
        (
            K.layers.Conv2D(
                4,
                (3, 2),
                strides=2,
                padding="same",
                data_format="channels_first",
                activation="tanh",
                use_bias=False,
                kernel_initializer="he_uniform",
                kernel_regularizer=K.regularizers.l2(0.001),
                kernel_constraint=K.constraints.UnitNorm(axis=0),
            ),
            (3, None, 7),
        ),
        (K.layers.Conv1D(2, 3, dilation_rate=2, padding="causal", groups=2), (None, 4)),
        (K.layers.Conv2DTranspose(2, 3, strides=2, output_padding=1, padding="same"), (5, None, 3)),
        (K.layers.SeparableConv2D(4, 2, depth_multiplier=2, depthwise_regularizer="l1"), (6, 6, 2)),
        (K.layers.DepthwiseConv2D(3, depth_multiplier=3, padding="same"), (None, None, 2)),
        (K.layers.Conv3D(2, 2, strides=(1, 2, 1)), (4, 4, None, 1)),
    ]:
        out.append(_layer_facts(keras, layer, shape))
    return out


@scenario
def config_recurrent_every_argument(keras):
    K = keras
    out = []
    for layer in [
        K.layers.LSTM(
            4,
            activation="relu",
            recurrent_activation="hard_sigmoid",
            return_sequences=True,
            return_state=True,
            go_backwards=True,
            dropout=0.1,
            recurrent_dropout=0.2,
            unit_forget_bias=False,
            kernel_initializer="he_uniform",
            recurrent_regularizer="l1",
            seed=3,
        ),
        K.layers.GRU(3, reset_after=False, return_sequences=True, use_bias=False),
        K.layers.SimpleRNN(2, stateful=False, unroll=True, return_state=True),
        K.layers.Bidirectional(K.layers.GRU(2, return_sequences=True), merge_mode="sum"),
        K.layers.Bidirectional(K.layers.LSTM(2), merge_mode=None),
        K.layers.RNN([K.layers.SimpleRNNCell(2), K.layers.GRUCell(3)], return_sequences=True),
        K.layers.TimeDistributed(K.layers.Dense(2, activation="relu")),
    ]:
        out.append(_layer_facts(keras, layer, (5, 3)))
    return out


@scenario
def config_normalization_every_argument(keras):
    K = keras
    out = []
    for layer, shape in [
        (
            K.layers.BatchNormalization(
                axis=1,
                momentum=0.9,
                epsilon=0.01,
                center=False,
                scale=True,
                gamma_initializer="ones",
                moving_variance_initializer=K.initializers.Constant(2.0),
                gamma_regularizer="l2",
                beta_constraint="non_neg",
            ),
            (3, 4),
        ),
        (K.layers.LayerNormalization(axis=[1, 2], epsilon=0.1, rms_scaling=True), (3, 4)),
        (K.layers.LayerNormalization(center=False, scale=False), (3, 4)),
        (K.layers.GroupNormalization(groups=2, axis=1, center=False), (4, 3)),
        (K.layers.UnitNormalization(axis=[1, 2]), (3, 4)),
        (K.layers.RMSNormalization(axis=-1, epsilon=0.5), (3, 4)),
        (K.layers.Normalization(axis=(1, 2), mean=0.5, variance=4.0), (3, 4)),
        (K.layers.Normalization(axis=None, invert=True), (3, 4)),
    ]:
        out.append(_layer_facts(keras, layer, shape))
    return out


@scenario
def config_misc_layers(keras):
    K = keras
    L = K.layers
    out = []
    for layer, shape in [
        (L.Embedding(10, 3, mask_zero=True, embeddings_regularizer="l2"), "int(None,)"),
        (
            L.Embedding(10, 3, embeddings_initializer=K.initializers.RandomUniform(-1, 1, 5)),
            "int(4,)",
        ),
        (L.Dropout(0.5, noise_shape=(None, 1, 3), seed=3), (4, 3)),
        (L.SpatialDropout1D(0.2, seed=1), (4, 3)),
        (L.GaussianNoise(0.3, seed=2), (4, 3)),
        (L.Activation(K.activations.softmax), (4, 3)),
        (L.Activation("gelu"), (4, 3)),
        (L.LeakyReLU(negative_slope=0.2), (4, 3)),
        (L.ReLU(max_value=6.0, negative_slope=0.1, threshold=0.5), (4, 3)),
        (L.PReLU(alpha_initializer="ones", shared_axes=[1]), (4, 3)),
        (L.ELU(alpha=0.5), (4, 3)),
        (L.Softmax(axis=[1, 2]), (4, 3)),
        (L.Reshape((-1, 2)), (4, 3)),
        (L.Permute((2, 1)), (4, 3)),
        (L.Flatten(data_format="channels_first"), (4, 3)),
        (L.RepeatVector(3), (4,)),
        (L.Masking(mask_value=-1.0), (4, 3)),
        (L.ActivityRegularization(l1=0.1, l2=0.2), (4, 3)),
        (L.Rescaling(scale=[0.5, 2.0, 1.0], offset=1.0), (4, 3)),
        (L.Cropping1D((1, 2)), (5, 3)),
        (L.ZeroPadding2D(((1, 0), (2, 3))), (4, 3, 2)),
        (L.UpSampling2D((2, 3), interpolation="bilinear"), (4, 3, 2)),
        (L.MaxPooling2D((2, 1), strides=1, padding="same"), (4, 3, 2)),
        (L.AveragePooling1D(2, padding="same", data_format="channels_first"), (4, 3)),
        (L.GlobalAveragePooling1D(keepdims=True), (4, 3)),
        (L.GlobalMaxPooling2D(data_format="channels_first", keepdims=True), (4, 3, 2)),
        (L.EinsumDense("abc,cd->abd", (None, 5), bias_axes="d", activation="relu"), (4, 3)),
        (L.Identity(), (4, 3)),
        (L.CategoryEncoding(5, output_mode="count"), "int(4,)"),
    ]:
        if isinstance(shape, str):
            out.append(_layer_facts(keras, layer, eval(shape[3:]), dtype="int32"))
        else:
            out.append(_layer_facts(keras, layer, shape))
    return out


@scenario
def config_merging_and_attention(keras):
    K = keras
    L = K.layers
    out = []
    for layer, shapes in [
        (L.Concatenate(axis=1), [(2, 3), (4, 3)]),
        (L.Add(), [(None, 3), (5, 3)]),
        (L.Subtract(), [(3,), (3,)]),
        (L.Multiply(), [(2, 3), (2, 3), (2, 3)]),
        (L.Average(), [(3,), (3,)]),
        (L.Maximum(), [(3,), (3,)]),
        (L.Dot(axes=(1, 2), normalize=True), [(2, 3), (3, 2)]),
        (L.Dot(axes=-1), [(2, 3), (4, 3)]),
        (L.Attention(use_scale=True, score_mode="concat", dropout=0.1), [(2, 4), (3, 4)]),
        (L.AdditiveAttention(use_scale=False), [(2, 4), (3, 4), (3, 4)]),
    ]:
        out.append(_layer_facts(keras, layer, *shapes))
    return out


@scenario
def config_multi_head_attention(keras):
    K = keras
    out = []
    for kwargs in [
        {"num_heads": 2, "key_dim": 3},
        {
            "num_heads": 2,
            "key_dim": 3,
            "value_dim": 4,
            "dropout": 0.1,
            "use_bias": False,
            "output_shape": 5,
            "kernel_initializer": "he_normal",
            "bias_regularizer": "l2",
        },
        {"num_heads": 1, "key_dim": 2, "attention_axes": (1,)},
    ]:
        layer = K.layers.MultiHeadAttention(**kwargs)
        q, v = K.Input((None, 4)), K.Input((3, 6))
        o = layer(q, v)
        config = _config(layer)
        out.append(
            {
                "config": config,
                "round_trip": _config(type(layer).from_config(layer.get_config())) == config,
                "symbolic": list(o.shape),
                "weights": _weights(layer),
                "count_params": layer.count_params(),
            }
        )
    return out


@scenario
def automatic_names(keras):
    L = keras.layers
    names = []
    for make in [
        lambda: L.Dense(1),
        lambda: L.Dense(1),
        lambda: L.Conv2DTranspose(1, 1),
        lambda: L.Convolution2D(1, 1),
        lambda: L.Conv2D(1, 1),
        lambda: L.LSTMCell(1),
        lambda: L.GRU(1),
        lambda: L.SimpleRNN(1),
        lambda: L.PReLU(),
        lambda: L.ReLU(),
        lambda: L.ELU(),
        lambda: L.LeakyReLU(),
        lambda: L.UpSampling2D(),
        lambda: L.MultiHeadAttention(1, 1),
        lambda: L.GlobalAvgPool2D(),
        lambda: L.GlobalAveragePooling2D(),
        lambda: L.MaxPool2D(),
        lambda: L.SeparableConv1D(1, 1),
        lambda: L.DepthwiseConv2D(1),
        lambda: L.BatchNormalization(),
        lambda: L.LayerNormalization(),
        lambda: L.ZeroPadding2D(),
        lambda: L.TimeDistributed(L.Dense(1)),
        lambda: L.Bidirectional(L.LSTM(1)),
        lambda: L.EinsumDense("ab,bc->ac", 2),
        lambda: L.RandomFlip(),
        lambda: L.CategoryEncoding(2),
        lambda: L.SpatialDropout2D(0.1),
        lambda: L.Conv1DTranspose(1, 1),
        lambda: L.ConvLSTM2D(1, 1),
        lambda: L.StackedRNNCells([L.LSTMCell(1)]),
        lambda: L.RNN(L.LSTMCell(1)),
        lambda: L.ActivityRegularization(),
        lambda: L.AdditiveAttention(),
        lambda: L.Dot(1),
        lambda: L.GaussianNoise(0.1),
        lambda: L.UnitNormalization(),
        lambda: L.SpectralNormalization(L.Dense(1)),
    ]:
        names.append(make().name)
    bi = L.Bidirectional(L.LSTM(1, name="enc"))
    names += [bi.forward_layer.name, bi.backward_layer.name]
    return names


@scenario
def constructor_errors(keras):
    L = keras.layers
    out = []
    for make in [
        lambda: L.Dense(0),
        lambda: L.Dense(-2),
        lambda: L.Dense("a"),
        lambda: L.Dense(2, activation="nope"),
        lambda: L.Dense(2, kernel_initializer="nope"),
        lambda: L.Dense(2, kernel_regularizer="nope"),
        lambda: L.Dense(2, kernel_constraint="nope"),
        lambda: L.Dense(2, foo=1),
        lambda: L.Dropout(1.5),
        lambda: L.Dropout(-0.1),
        lambda: L.Dropout("a"),
        lambda: L.Conv2D(0, 3),
        lambda: L.Conv2D(2, 3, padding="nope"),
        lambda: L.Conv2D(2, 3, data_format="nope"),
        lambda: L.Conv2D(2, (3, 3, 3)),
        lambda: L.Conv2D(2, 3, strides=0),
        lambda: L.Embedding(0, 2),
        lambda: L.Embedding(5, 0),
        lambda: L.LSTM(0),
        lambda: L.GRU(-1),
        lambda: L.LSTM(2, dropout=2.0),
        lambda: L.MaxPooling2D(pool_size=0),
        lambda: L.Reshape((-1, -1)),
        lambda: L.Permute((1, 1)),
        lambda: L.Permute((0, 1)),
        lambda: L.Bidirectional(L.LSTM(2), merge_mode="nope"),
        lambda: L.Bidirectional(L.Dense(2)),
        lambda: L.TimeDistributed(3),
        lambda: L.Softmax(axis="a"),
        lambda: L.LeakyReLU(negative_slope=-1),
        lambda: L.ReLU(max_value=-1.0),
        lambda: L.ELU(alpha="x"),
        lambda: L.BatchNormalization(axis=1.5),
        lambda: L.GroupNormalization(groups=0),
        lambda: L.MultiHeadAttention(0, 2),
        lambda: L.Attention(score_mode="nope"),
        lambda: L.Masking(mask_value=None),
        lambda: L.CategoryEncoding(5, output_mode="nope"),
        lambda: L.RepeatVector("a"),
        lambda: L.UpSampling2D(interpolation="nope"),
        lambda: L.Dense(2, name=3),
    ]:
        out.append(_err(lambda make=make: type(make()).__name__))
    return out


def _mask_list(m):
    return None if m is None else np.asarray(m).astype(bool).tolist()


@scenario
def masks_computed(keras):
    L = keras.layers
    ids = np.array([[3, 0, 2, 0], [0, 0, 1, 5]], "int32")
    x = _x(2, 4, 3)
    x[0, 1] = 0.0
    x[1, 3] = 0.0
    emb = L.Embedding(6, 3, mask_zero=True)
    out = [_mask_list(emb.compute_mask(ids))]
    out.append(_mask_list(L.Embedding(6, 3).compute_mask(ids)))
    out.append(_mask_list(L.Masking(0.0).compute_mask(x)))
    for layer in [
        L.Dense(2),
        L.Dropout(0.5),
        L.Activation("relu"),
        L.TimeDistributed(L.Dense(2)),
        L.LSTM(2),
        L.LSTM(2, return_sequences=True),
        L.GRU(2, return_sequences=True, return_state=True),
        L.Bidirectional(L.LSTM(2, return_sequences=True)),
        L.GlobalAveragePooling1D(),
        L.Conv1D(2, 1),
        L.LayerNormalization(),
        L.BatchNormalization(),
        L.Reshape((12,)),
        L.Flatten(),
        L.Embedding(4, 2, mask_zero=True),
    ]:
        out.append([layer.supports_masking])
    return out


@scenario
def masks_symbolic_propagation(keras):
    """Which functional tensors carry a mask (Keras's `_keras_mask`) and its effect."""
    L = keras.layers
    K = keras
    inp = K.Input((5,), dtype="int32")
    e = L.Embedding(7, 3, mask_zero=True)(inp)
    d = L.Dense(4)(e)
    r = L.LSTM(2, return_sequences=True)(d)
    g = L.GlobalAveragePooling1D()(r)
    f = L.Dense(1)(g)
    model = K.Model(inp, [d, r, g, f])
    ids = np.array([[1, 2, 0, 0, 0], [3, 4, 5, 6, 1]], "int32")
    rng = np.random.default_rng(1)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.weights])
    outs = model.predict(ids, verbose=0)
    return {
        "masks": [
            list(t._keras_mask.shape) if hasattr(t, "_keras_mask") else None
            for t in (e, d, r, g, f)
        ],
        "outputs": [np.asarray(o).round(5).tolist() for o in outs],
    }


@scenario
def masks_direct_calls(keras):
    """A layer called on arrays with an explicit mask= (LSTM, GlobalAveragePooling1D,
    Attention with query and value masks, MHA with attention_mask)."""
    L = keras.layers
    rng = np.random.default_rng(2)
    x = _x(2, 4, 3, seed=3)
    m = np.array([[True, True, False, False], [True, True, True, False]])
    out = {}
    lstm = L.LSTM(2, return_sequences=True)
    lstm.build((None, 4, 3))
    lstm.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in lstm.weights])
    out["lstm"] = _arr(lstm(x, mask=m)).round(5).tolist()
    out["gap"] = _arr(L.GlobalAveragePooling1D()(x, mask=m)).round(5).tolist()
    out["gmp_masked"] = _arr(L.GlobalMaxPooling1D()(x)).round(5).tolist()
    q, v = _x(2, 3, 3, seed=4), _x(2, 4, 3, seed=5)
    qm = np.array([[True, True, False], [True, False, True]])
    att = L.Attention()
    o, scores = att([q, v], mask=[qm, m], return_attention_scores=True)
    out["attention"] = _arr(o).round(5).tolist()
    out["attention_scores"] = _arr(scores).round(5).tolist()
    out["attention_causal"] = _arr(L.Attention()([q, v, v], use_causal_mask=True)).round(5).tolist()
    mha = L.MultiHeadAttention(2, 2)
    mha.build((None, 3, 3), (None, 4, 3))
    mha.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in mha.weights])
    am = np.ones((2, 3, 4), bool)
    am[0, :, 2:] = False
    o, s = mha(q, v, attention_mask=am, return_attention_scores=True)
    out["mha"] = _arr(o).round(5).tolist()
    out["mha_scores_shape"] = list(_arr(s).shape)
    out["mha_scores_masked_zero"] = bool(np.allclose(_arr(s)[0, :, :, 2:], 0))
    return out


@tf_scenario
def dtype_arguments(keras):
    L = keras.layers
    out = []
    for make in [
        lambda: L.Dense(2, dtype="float64"),
        lambda: L.Dense(2, dtype="float16"),
        lambda: L.Dense(2),
        lambda: L.Conv1D(2, 1, dtype="float64"),
        lambda: L.LayerNormalization(dtype="float64"),
        lambda: L.Embedding(5, 2, dtype="float64"),
        lambda: L.Embedding(5, 2),
        lambda: L.Dropout(0.5, dtype="float64"),
        lambda: L.BatchNormalization(dtype="float64"),
    ]:
        layer = make()
        kind = type(layer).__name__
        row = [layer.dtype, layer.compute_dtype, layer.variable_dtype, layer.dtype_policy.name]
        xs = [_x(2, 3, 4), _x(2, 3, 4).astype("float64")]
        if kind != "Conv1D":  # (Keras's TensorFlow Conv1D fails on int32 inputs)
            xs.append(np.ones((2, 3, 4), "int32"))
        for x in [np.array([[1, 2, 3]], "int32")] if kind == "Embedding" else xs:
            y = layer(x)
            row.append(str(_arr(y).dtype))
        row.append([str(w.dtype) for w in layer.weights])
        row.append(layer.get_config()["dtype"])
        out.append(row)
    return out


@scenario
def dtype_policy_objects(keras):
    L = keras.layers
    out = []
    for dt in [keras.DTypePolicy("float64"), keras.dtype_policies.DTypePolicy("float32")]:
        layer = L.Dense(2, dtype=dt)
        layer.build((None, 3))
        out.append([layer.dtype, layer.dtype_policy.name, str(layer.kernel.dtype)])
        out.append(layer.get_config()["dtype"])
    config = L.Dense(2, dtype="float64").get_config()
    out.append(L.Dense.from_config(config).dtype)
    return out


@scenario
def trainable_flag(keras):
    L = keras.layers
    out = []
    d = L.Dense(2)
    d.build((None, 3))
    d.trainable = False
    out.append([len(d.trainable_weights), [w.path for w in d.non_trainable_weights]])
    d.trainable = True
    out.append([len(d.trainable_weights), len(d.non_trainable_weights)])
    bn = L.BatchNormalization(trainable=False)
    bn.build((None, 3))
    out.append([[w.path for w in bn.trainable_weights], [w.path for w in bn.non_trainable_weights]])
    out.append(bn.get_config()["trainable"])
    bn.trainable = True
    out.append([[w.path for w in bn.trainable_weights], [w.path for w in bn.non_trainable_weights]])
    # BatchNormalization frozen: inference mode even with training=True (Keras 3)
    bn2 = L.BatchNormalization()
    x = _x(4, 3)
    bn2.build((None, 3))
    bn2.trainable = False
    y = bn2(x, training=True)
    out.append([_arr(y).round(5).tolist(), _arr(bn2.moving_mean).round(5).tolist()])
    bn2.trainable = True
    y = bn2(x, training=True)
    out.append([_arr(y).round(5).tolist(), _arr(bn2.moving_mean).round(5).tolist()])
    # a wrapper's trainable reaches its inner layer
    bi = L.Bidirectional(L.LSTM(2))
    bi.build((None, 4, 3))
    bi.trainable = False
    out.append([len(bi.trainable_weights), len(bi.non_trainable_weights)])
    out.append([bi.forward_layer.trainable, bi.backward_layer.trainable])
    td = L.TimeDistributed(L.Dense(2), trainable=False)
    td.build((None, 4, 3))
    out.append([len(td.trainable_weights), len(td.non_trainable_weights), td.layer.trainable])
    return out


@scenario
def training_argument(keras):
    L = keras.layers
    x = np.ones((4, 6), "float32")
    out = {}
    for name, layer in [
        ("dropout", L.Dropout(0.5, seed=1)),
        ("gaussian_noise", L.GaussianNoise(0.5, seed=1)),
        ("gaussian_dropout", L.GaussianDropout(0.5, seed=1)),
        ("alpha_dropout", L.AlphaDropout(0.5, seed=1)),
        ("spatial_dropout1d", L.SpatialDropout1D(0.5, seed=1)),
    ]:
        xin = np.ones((4, 6, 3), "float32") if "spatial" in name else x
        row = []
        for training in (None, False, True):
            y = _arr(layer(xin) if training is None else layer(xin, training=training))
            row.append(
                [
                    bool(np.array_equal(y, xin)),
                    str(y.dtype),
                    list(y.shape),
                ]
            )
        y = _arr(layer(xin, training=True))
        if name == "dropout":
            row.append(sorted({float(v) for v in y.ravel()}))
        if name == "spatial_dropout1d":
            # whole channels dropped: each (sample, channel) column is all 0 or all 2
            row.append(
                bool(all(len(set(y[b, :, c].tolist())) == 1 for b in range(4) for c in range(3)))
            )
        out[name] = row
    bn = L.BatchNormalization(momentum=0.5)
    xb = _x(5, 3, seed=7)
    y_inf = _arr(bn(xb))
    y_tr = _arr(bn(xb, training=True))
    out["batchnorm"] = [
        y_inf.round(5).tolist(),
        y_tr.round(5).tolist(),
        _arr(bn.moving_mean).round(5).tolist(),
        _arr(bn.moving_variance).round(5).tolist(),
    ]
    return out


@scenario
def shared_layer_two_inputs(keras):
    L = keras.layers
    K = keras
    d = L.Dense(3, name="shared")
    a, b = K.Input((4,), name="a"), K.Input((4,), name="b")
    ya, yb = d(a), d(b)
    model = K.Model([a, b], [ya, yb])
    rng = np.random.default_rng(3)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.weights])
    xa, xb = _x(2, 4, seed=1), _x(2, 4, seed=2)
    oa, ob = model.predict([xa, xb], verbose=0)
    direct = _arr(d(xb))
    return {
        "weights": [w.path for w in model.weights],
        "count": model.count_params(),
        "layers": [la.name for la in model.layers],
        "same": bool(np.allclose(ob, direct, atol=1e-6)),
        "out": np.asarray(oa).round(5).tolist(),
        "nodes": len(d._inbound_nodes),
        "input": _err(lambda: d.input.name),
        "output": _err(lambda: list(d.output.shape)),
    }


@scenario
def built_layer_on_other_shapes(keras):
    """A built layer called on a different last dimension or rank: the exception types."""
    L = keras.layers
    out = []
    for layer, good, bad in [
        (L.Dense(2), (2, 3), (2, 4)),
        (L.Conv1D(2, 2), (2, 5, 3), (2, 5, 4)),
        (L.Conv2D(2, 2), (2, 5, 5, 3), (2, 5, 5, 1)),
        (L.Conv2D(2, 2), (2, 5, 5, 3), (2, 5, 3)),
        (L.LSTM(2), (2, 4, 3), (2, 4, 5)),
        (L.LSTM(2), (2, 4, 3), (2, 3)),
        (L.GRU(2), (2, 4, 3), (2, 4, 3, 1)),
        (L.Embedding(5, 2), (2, 3), (2, 3, 4)),
        (L.BatchNormalization(), (2, 3), (2, 4)),
        (L.LayerNormalization(), (2, 3), (2, 4)),
        (L.Flatten(), (2, 3), (2,)),
        (L.MaxPooling2D(), (2, 4, 4, 3), (2, 4, 4)),
        (L.GlobalAveragePooling2D(), (2, 4, 4, 3), (2, 4, 3)),
        (L.Reshape((3, 2)), (2, 6), (2, 5)),
        (L.SimpleRNN(2), (2, 4, 3), (2, 4)),
        (L.PReLU(), (2, 3), (2, 4)),
        (L.Dense(2), (2, 3), (2, 1, 3)),
    ]:
        layer(np.ones(good, "float32"))
        out.append(
            _err(lambda layer=layer, bad=bad: list(_arr(layer(np.ones(bad, "float32"))).shape))
        )
    return out


@scenario
def symbolic_wrong_inputs(keras):
    """A layer called on an Input of the wrong rank, or several inputs where it takes one."""
    L = keras.layers
    K = keras
    out = []
    for make, shape in [
        (lambda: L.Conv2D(2, 2), (5, 5)),
        (lambda: L.LSTM(2), (5,)),
        (lambda: L.MaxPooling1D(), (5,)),
        (lambda: L.Concatenate(), None),
        (lambda: L.Add(), "mismatch"),
        (lambda: L.Dot(axes=1), "mismatch"),
        (lambda: L.RepeatVector(2), (3, 4)),
        (lambda: L.Permute((2, 1)), (3,)),
        (lambda: L.UpSampling2D(), (4, 4)),
        (lambda: L.ZeroPadding1D(), (4, 4, 4)),
    ]:
        if shape is None:
            fn = lambda make=make: list(make()(K.Input((3,))).shape)  # noqa: E731
        elif shape == "mismatch":
            fn = lambda make=make: list(make()([K.Input((3,)), K.Input((4,))]).shape)  # noqa: E731
        else:
            fn = lambda make=make, shape=shape: list(make()(K.Input(shape)).shape)  # noqa: E731
        out.append(_err(fn))
    return out


@scenario
def array_like_inputs(keras):
    """Layers called on lists, Python scalars' lists and integer arrays."""
    L = keras.layers
    out = []
    d = L.Dense(2, kernel_initializer="ones")
    d.build((None, 2))
    out.append(_err(lambda: _arr(d([[1.0, 2.0], [3.0, 4.0]])).tolist()))
    out.append(str(_arr(d(np.array([[1, 2]], "int64"))).dtype))
    out.append(str(_arr(L.Activation("relu")(np.array([[-1.0, 2.0]], "float64"))).dtype))
    out.append(str(_arr(L.Softmax()(np.array([[1.0, 2.0]]))).dtype))
    e = L.Embedding(5, 2, embeddings_initializer="ones")
    e.build((None, 2))
    out.append(_err(lambda: _arr(e([[1, 2]])).tolist()))
    out.append(str(_arr(e(np.array([[1.0, 2.0]], "float32"))).dtype))
    out.append(_arr(L.Concatenate()([np.ones((1, 2)), np.zeros((1, 1))])).tolist())
    out.append(_err(lambda: _arr(L.Add()([[[1.0, 2.0]], [[3.0, 4.0]]])).tolist()))
    return out


@scenario
def count_params_and_output_specs(keras):
    L = keras.layers
    K = keras
    out = []
    for layer, shape in [
        (L.Dense(3), (None, 4)),
        (L.Conv2D(2, 3, padding="same"), (None, None, None, 3)),
        (L.LSTM(4, return_sequences=True), (None, None, 3)),
        (L.GRU(4, reset_after=False), (None, 7, 3)),
        (L.Bidirectional(L.SimpleRNN(2)), (None, 5, 3)),
        (L.BatchNormalization(), (None, 6)),
        (L.Embedding(10, 4), (None, None)),
        (L.SeparableConv1D(3, 2), (None, 9, 4)),
        (L.Conv2DTranspose(2, 3, strides=2), (None, None, 5, 3)),
        (L.TimeDistributed(L.Conv1D(2, 3)), (None, 4, 6, 3)),
    ]:
        before = _err(layer.count_params)
        layer.build(shape)
        spec = layer.compute_output_spec(
            K.KerasTensor(shape, dtype="int32" if isinstance(layer, L.Embedding) else "float32")
        )
        specs = spec if isinstance(spec, (list, tuple)) else [spec]
        out.append(
            [
                before,
                layer.count_params(),
                [[list(s.shape), str(s.dtype)] for s in specs],
                _err(lambda layer=layer, shape=shape: list(layer.compute_output_shape(shape))),
            ]
        )
    return out


@scenario
def set_weights_errors(keras):
    L = keras.layers
    d = L.Dense(2)
    d.build((None, 3))
    out = [
        _err(lambda: d.set_weights([np.ones((3, 2))])),
        _err(lambda: d.set_weights([np.ones((3, 3)), np.ones(2)])),
        _err(lambda: d.set_weights([np.ones((3, 2)), np.ones(2), np.ones(2)])),
    ]
    d.set_weights([np.full((3, 2), 2.0), np.ones(2)])
    out.append([str(w.dtype) for w in d.get_weights()])
    out.append(_arr(d(np.ones((1, 3), "float32"))).tolist())
    u = L.Dense(2)
    out.append(_err(lambda: u.set_weights([np.ones((3, 2)), np.ones(2)])))
    out.append(_err(lambda: u.get_weights()))
    out.append(u.weights)
    return out


@scenario
def wrapper_base_class(keras):
    """A user's `keras.layers.Wrapper` subclass: weights, paths, config, round trip, and
    which built-in layers are Wrappers."""
    L = keras.layers

    class Doubled(L.Wrapper):
        def call(self, x):
            return self.layer(x) * 2.0

    w = Doubled(L.Dense(3, kernel_initializer="ones", name="inner"), name="doubled")
    y = _arr(w(np.ones((2, 4), "float32")))
    config = json.loads(json.dumps(w.get_config()))
    again = Doubled.from_config(w.get_config())  # (Keras's pops "layer" from the dict)
    return {
        "y": y.tolist(),
        "weights": _weights(w),
        "config": config,
        "again": [type(again.layer).__name__, again.layer.name, again.layer.units],
        "is_wrapper": [
            isinstance(L.TimeDistributed(L.Dense(1)), L.Wrapper),
            isinstance(L.SpectralNormalization(L.Dense(1)), L.Wrapper),
            isinstance(L.Bidirectional(L.LSTM(1)), L.Wrapper),
        ],
        "not_a_layer": _err(lambda: Doubled(3)),
    }


@scenario
def symbolic_shapes_with_none_dims(keras):
    """Output shapes of layers called on Inputs whose spatial / time dims are None."""
    L = keras.layers
    K = keras
    out = []
    for make, shape in [
        (lambda: L.Conv2D(2, 3), (None, None, 3)),
        (lambda: L.Conv2D(2, 3, strides=2, padding="same"), (None, 7, 3)),
        (lambda: L.Conv1D(2, 3, dilation_rate=2), (None, 3)),
        (lambda: L.Conv2DTranspose(2, 3, strides=2), (None, 5, 3)),
        (lambda: L.MaxPooling2D(), (None, None, 3)),
        (lambda: L.AveragePooling1D(3, strides=2), (None, 3)),
        (lambda: L.UpSampling2D(2), (None, 4, 3)),
        (lambda: L.Cropping2D(((1, 1), (2, 0))), (None, 6, 3)),
        (lambda: L.ZeroPadding1D(2), (None, 3)),
        (lambda: L.Flatten(), (None, 3)),
        (lambda: L.Flatten(), (4, 3)),
        (lambda: L.Reshape((-1, 2)), (None, 4)),
        (lambda: L.Reshape((2, -1)), (4, 3)),
        (lambda: L.Permute((2, 1)), (None, 3)),
        (lambda: L.RepeatVector(4), (3,)),
        (lambda: L.GlobalAveragePooling2D(), (None, None, 3)),
        (lambda: L.LSTM(2, return_sequences=True), (None, 3)),
        (lambda: L.Bidirectional(L.GRU(2, return_sequences=True)), (None, 3)),
        (lambda: L.TimeDistributed(L.Conv1D(2, 2)), (None, 5, 3)),
        (lambda: L.ConvLSTM1D(2, 2, return_sequences=True), (None, 6, 3)),
        (lambda: L.Resizing(4, 5), (None, None, 3)),
        (lambda: L.CenterCrop(2, 2), (None, None, 3)),
        (lambda: L.Dense(2), (None, None, 3)),
        (lambda: L.EinsumDense("abc,cd->abd", (None, 4)), (None, 3)),
        (lambda: L.SeparableConv1D(2, 3, padding="same"), (None, 3)),
        (lambda: L.DepthwiseConv1D(3, depth_multiplier=2), (None, 3)),
        (lambda: L.Conv3D(1, 2), (None, None, None, 1)),
        (lambda: L.UpSampling3D(2), (None, 2, None, 1)),
    ]:
        out.append(_err(lambda make=make, shape=shape: list(make()(K.Input(shape)).shape)))
    return out


@scenario
def input_specs_after_build(keras):
    L = keras.layers
    out = []
    for layer, shape in [
        (L.Dense(2), (None, 3)),
        (L.Dense(2), (None, 5, 3)),
        (L.Conv2D(2, 3), (None, 8, 8, 3)),
        (L.Conv1D(2, 3, data_format="channels_first"), (None, 3, 8)),
        (L.BatchNormalization(), (None, 3)),
        (L.LSTM(2), (None, 4, 3)),
        (L.MaxPooling2D(), (None, 4, 4, 3)),
        (L.Flatten(), (None, 4, 3)),
        (L.Embedding(5, 2), (None, 3)),
        (L.GlobalAveragePooling1D(), (None, 4, 3)),
    ]:
        layer.build(shape)
        spec = layer.input_spec
        specs = spec if isinstance(spec, (list, tuple)) else [spec]
        out.append(
            [
                None
                if s is None
                else [
                    s.ndim,
                    s.min_ndim,
                    s.max_ndim,
                    {str(k): v for k, v in (s.axes or {}).items()},
                ]
                for s in specs
            ]
        )
    return out


@scenario
def losses_of_direct_calls(keras):
    """`layer.losses`: weight penalties, and activity penalties after a direct call."""
    L = keras.layers
    K = keras
    out = []
    d = L.Dense(
        2,
        kernel_initializer="ones",
        bias_initializer="ones",
        kernel_regularizer=K.regularizers.L1(0.1),
        bias_regularizer=K.regularizers.L2(0.2),
        activity_regularizer=K.regularizers.L2(0.01),
    )
    out.append([round(float(v), 5) for v in d.losses])
    d(np.ones((3, 4), "float32"))
    out.append([round(float(v), 5) for v in d.losses])
    d(np.ones((3, 4), "float32"))
    out.append(len(d.losses))
    a = L.ActivityRegularization(l1=0.5)
    a(np.full((2, 3), 2.0, "float32"))
    out.append([round(float(v), 5) for v in a.losses])
    e = L.Embedding(4, 2, embeddings_initializer="ones", embeddings_regularizer="l2")
    e(np.array([[1, 2]]))
    out.append([round(float(v), 5) for v in e.losses])
    c = L.Conv1D(1, 2, kernel_initializer="ones", kernel_regularizer=K.regularizers.L1L2(0.1, 0.1))
    c.build((None, 3, 2))
    out.append([round(float(v), 5) for v in c.losses])
    r = L.LSTM(
        1,
        kernel_initializer="ones",
        recurrent_initializer="ones",
        recurrent_regularizer="l1",
        kernel_regularizer="l2",
    )
    r.build((None, 3, 2))
    out.append([round(float(v), 5) for v in r.losses])
    return out


@scenario
def noise_layer_argument_errors(keras):
    L = keras.layers
    out = []
    for make in [
        lambda: L.GaussianDropout("a"),
        lambda: L.GaussianDropout(1.5),
        lambda: L.GaussianNoise("a"),
        lambda: L.GaussianNoise(-1.0),
        lambda: L.AlphaDropout("a"),
        lambda: L.AlphaDropout(1.5),
        lambda: L.SpatialDropout1D("a"),
        lambda: L.SpatialDropout2D(1.5),
        lambda: L.SpatialDropout2D(0.1, data_format="nope"),
        lambda: L.Dropout(0.5, noise_shape=3),
        lambda: L.LSTM(2, recurrent_dropout="a"),
        lambda: L.Attention(dropout=1.5),
        lambda: L.MultiHeadAttention(2, 2, dropout=-0.5),
    ]:
        out.append(_err(lambda make=make: make().get_config().get("rate")))
    return out


@scenario
def masks_through_merging_and_attention(keras):
    """Which outputs carry a mask (and its shape) after merging, attention and reshaping
    layers fed by Embedding(mask_zero=True)."""
    L = keras.layers
    K = keras
    ids = K.Input((5,), dtype="int32")
    e = L.Embedding(7, 4, mask_zero=True)(ids)
    plain = L.Dense(4)(K.Input((5, 4)))
    outs = {
        "concat_masked_plain": L.Concatenate()([e, plain]),
        "concat_last_axis1": L.Concatenate(axis=1)([e, e]),
        "add": L.Add()([e, e]),
        "attention": L.Attention()([e, e]),
        "additive_attention": L.AdditiveAttention()([e, e]),
        "mha": L.MultiHeadAttention(2, 2)(e, e),
        "layer_norm": L.LayerNormalization()(e),
        "dropout": L.Dropout(0.1)(e),
        "conv1d": L.Conv1D(2, 1)(e),
        "flatten": L.Flatten()(e),
        "reshape": L.Reshape((20,))(e),
        "lstm_last": L.LSTM(2)(e),
        "gru_seq": L.GRU(2, return_sequences=True)(e),
        "bidirectional_seq": L.Bidirectional(L.LSTM(2, return_sequences=True))(e),
        "time_distributed": L.TimeDistributed(L.Dense(2))(e),
        "global_max": L.GlobalMaxPooling1D()(e),
        "masking": L.Masking()(plain),
        "activation": L.Activation("tanh")(e),
    }
    return {
        k: list(t._keras_mask.shape) if hasattr(t, "_keras_mask") else None for k, t in outs.items()
    }


@scenario
def layer_attributes(keras):
    L = keras.layers
    K = keras
    d = L.Dense(2)
    out = [
        _err(lambda: d.input),
        _err(lambda: d.output),
        d.get_build_config(),
        _err(lambda: L.Dense.from_config({"units": 2, "foo": 1}).units),
        _err(lambda: L.Dense.from_config({"units": 2, "dtype": "float64"}).dtype),
    ]
    x = K.Input((3,), name="x_in")
    y = d(x)
    out += [
        d.input.name,
        list(d.output.shape),
        d.get_build_config(),
        _err(lambda: d.input_shape),
        _err(lambda: d.output_shape),
        _err(lambda: d.compute_output_shape((None, 3, 4))),
        _err(lambda: L.Conv2D(2, 3).compute_output_shape((None, 3, 4))),
        _err(lambda: L.LSTM(2).compute_output_shape((None, 3))),
        [type(d.kernel).__name__ in ("Variable", "KerasVariable"), d.kernel.name, d.kernel.path],
        list(d.kernel.shape),
        str(d.kernel.dtype),
        y.name,
    ]
    c = L.Conv1D(2, 3)
    c.build((None, 5, 4))
    out.append(c.get_build_config())
    m = L.Concatenate()
    m.build([(None, 2), (None, 3)])
    out.append(m.get_build_config())
    return out


@scenario
def config_preprocessing_layers(keras):
    L = keras.layers
    out = []
    img = (8, 8, 3)
    for layer in [
        L.RandomFlip("vertical", seed=1),
        L.RandomRotation((-0.1, 0.2), fill_mode="nearest", interpolation="nearest", seed=2),
        L.RandomZoom(0.2, width_factor=(-0.1, 0.1), fill_mode="constant", fill_value=1.0),
        L.RandomTranslation(0.1, (-0.2, 0.2), fill_mode="wrap"),
        L.RandomContrast((0.1, 0.3), value_range=(0, 1), seed=4),
        L.RandomBrightness(0.3, value_range=(0, 1), seed=5),
        L.RandomCrop(4, 5, seed=6),
        L.Resizing(4, 6, interpolation="nearest", crop_to_aspect_ratio=True),
        L.Rescaling(1.0 / 255, offset=-1.0),
        L.CenterCrop(4, 6),
        L.RandomHue(0.2, value_range=(0, 1), seed=7),
        L.RandomSaturation(0.3, seed=8),
        L.RandomSharpness(0.3, seed=9),
        L.RandomShear(x_factor=0.2, y_factor=0.1, seed=10),
        L.RandomGrayscale(0.3, seed=11),
        L.RandomColorDegeneration(0.3, seed=12),
        L.RandomInvert(0.3, value_range=(0, 1), seed=13),
        L.Solarization(addition_factor=0.1, threshold_factor=0.2, value_range=(0, 1), seed=14),
        L.RandomPosterization(4, value_range=(0, 1), seed=15),
        L.RandomErasing(0.5, scale=(0.1, 0.2), seed=16),
        L.RandomGaussianBlur(0.5, kernel_size=5, sigma=(0.5, 1.0), seed=17),
        L.AutoContrast(value_range=(0, 1)),
        L.Equalization(value_range=(0, 1), bins=128),
        L.MixUp(alpha=0.3, seed=18),
        L.CutMix(factor=0.5, seed=19),
        L.RandomColorJitter(brightness_factor=0.2, contrast_factor=0.1, seed=20),
        L.RandAugment(num_ops=3, factor=0.4, seed=21),
        L.AugMix(num_chains=2, chain_depth=2, seed=22),
        L.RandomPerspective(0.5, scale=0.5, seed=23),
        L.RandomElasticTransform(0.5, scale=0.5, seed=24),
    ]:
        ins = keras.Input(img)
        o = layer(ins)
        config = _config(layer)
        config.pop("seed", None) if config.get("seed") is None else None
        out.append([type(layer).__name__, config, list(o.shape)])
    return out


def _structure(x):
    if isinstance(x, (list, tuple)):
        return {type(x).__name__: [_structure(v) for v in x]}
    return list(x.shape)


@scenario
def recurrent_cells_directly(keras):
    L = keras.layers
    out = []
    x = _x(2, 3, seed=9)
    for cell in [
        L.LSTMCell(4, dropout=0.1, recurrent_dropout=0.2, seed=1),
        L.GRUCell(4, reset_after=False),
        L.GRUCell(4),
        L.SimpleRNNCell(4, activation="relu"),
        L.StackedRNNCells([L.LSTMCell(2), L.SimpleRNNCell(3)]),
    ]:
        states = cell.get_initial_state(batch_size=2)
        y, new_states = cell(x, states)
        out.append(
            {
                "config": _config(cell),
                "state_size": json.loads(json.dumps(cell.state_size)),
                "output_size": getattr(cell, "output_size", None),
                "initial_state": _structure(states),
                "output": _structure(y),
                "states": _structure(new_states),
                "weights": _weights(cell),
            }
        )
    return out


@scenario
def inputs_and_input_layers(keras):
    K = keras
    L = keras.layers
    out = []
    for make in [
        lambda: K.Input((3,)),
        lambda: K.Input(shape=(None, 4), batch_size=8, dtype="int32", name="ids"),
        lambda: K.Input(batch_shape=(2, 5)),
        lambda: K.Input((3,), dtype="float64"),
        lambda: K.Input(3),
        lambda: K.Input(()),
        lambda: K.Input((3,), sparse=False, optional=True),
        lambda: K.Input(shape=(3,), batch_shape=(None, 3)),
        lambda: K.Input((3,), dtype="nope"),
        lambda: K.Input((-1, 3)),
        lambda: K.Input(),
    ]:
        out.append(_err(lambda make=make: [list(make().shape), str(make().dtype)]))
    layer = L.InputLayer(shape=(3,), batch_size=4, name="inp")
    out.append(_config(layer))
    out.append([list(layer.output.shape), layer.name, layer.built])
    out.append(_err(lambda: _config(L.InputLayer(input_shape=(3,)))))
    out.append(_err(lambda: _config(L.InputLayer(batch_input_shape=(None, 3)))))
    t = K.Input((3,), name="named")
    out.append([t.name, t.ndim, str(t.dtype), bool(t.sparse)])
    return out


@scenario
def attention_call_arguments(keras):
    """MultiHeadAttention / GroupQueryAttention keyword arguments on arrays: explicit
    query/value masks, causal masks, scores, output_shape as a tuple."""
    L = keras.layers
    rng = np.random.default_rng(12)
    q, v = _x(2, 3, 4, seed=13), _x(2, 5, 4, seed=14)
    qm = np.array([[True, True, False], [True, True, True]])
    vm = np.array([[True, True, True, False, False], [True, False, True, True, True]])
    out = {}
    mha = L.MultiHeadAttention(2, 3, output_shape=(2, 3))
    mha.build((None, 3, 4), (None, 5, 4))
    mha.set_weights([rng.normal(0, 0.4, w.shape).astype("float32") for w in mha.weights])
    y, sc = mha(q, v, query_mask=qm, value_mask=vm, return_attention_scores=True)
    out["mha_masks"] = _arr(y).round(4).tolist()
    out["mha_scores"] = _arr(sc).round(4).tolist()
    y = mha(q, q, use_causal_mask=True)
    out["mha_causal"] = _arr(y).round(4).tolist()
    gqa = L.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2)
    gqa.build((None, 3, 4), (None, 5, 4))
    gqa.set_weights([rng.normal(0, 0.4, w.shape).astype("float32") for w in gqa.weights])
    y, sc = gqa(q, v, return_attention_scores=True)
    out["gqa"] = _arr(y).round(4).tolist()
    out["gqa_scores_shape"] = list(_arr(sc).shape)
    out["gqa_weights"] = _weights(gqa)
    y = gqa(q, v, value_mask=vm)
    out["gqa_value_mask"] = _arr(y).round(4).tolist()
    return out


@scenario
def recurrent_output_structures(keras):
    """What recurrent layers return (list or tuple, shapes) on arrays and on Inputs, with
    return_state / initial_state."""
    L = keras.layers
    K = keras
    x = _x(2, 4, 3, seed=15)
    out = []
    for make in [
        lambda: L.LSTM(2, return_state=True),
        lambda: L.GRU(2, return_state=True, return_sequences=True),
        lambda: L.SimpleRNN(2, return_state=True),
        lambda: L.Bidirectional(L.LSTM(2, return_state=True)),
        lambda: L.Bidirectional(
            L.GRU(2, return_state=True, return_sequences=True), merge_mode=None
        ),
        lambda: L.RNN([L.LSTMCell(2), L.GRUCell(3)], return_state=True),
        lambda: L.ConvLSTM1D(2, 2, return_state=True),
    ]:
        layer = make()
        xin = _x(2, 4, 5, 3, seed=16) if isinstance(layer, L.ConvLSTM1D) else x
        eager = layer(xin)
        sym = make()(K.Input(xin.shape[1:]))
        out.append([_structure(eager), _structure(sym)])
    lstm = L.LSTM(2, return_state=True)
    y, h, c = lstm(x)
    y2 = lstm(x, initial_state=[h, c])
    out.append(_structure(y2))
    bi = L.Bidirectional(L.LSTM(2))
    init = [np.zeros((2, 2), "float32")] * 4
    out.append(_structure(bi(x, initial_state=init)))
    return out


if __name__ == "__main__":
    SCENARIOS.write(OUT, sys.argv[1:])
