"""Differential fuzzing of layer constructor arguments: a seed draws, for each case, a layer
class of `keras.layers` that numkeras has, a few of the non-default arguments Keras documents
for it (data_format="channels_first", dilation, groups, causal padding, return_sequences /
return_state, go_backwards, stateful, use_bias=False, dtype policies, regularizers and
constraints given by name, ...) and a random input of a rank the layer accepts. Keras 3 and
numkeras (one process: both are importable from /work/kenv) each build the layer on that
input, numkeras with Keras's weights (get_weights / set_weights), and the case compares:
whether the layer builds and calls (else the built-in exception class), the output's shape,
dtype and values (also called with drawn options: training, a mask of the steps, causal
attention, scores), the weights' paths, shapes and order (and their values after the call:
BatchNormalization's moving statistics), the regularization losses,
get_config, compute_output_shape and a functional model's symbolic output.

    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/fuzz/fuzz_layer_args.py SEED COUNT [CLASS ...]

prints one block per divergence and a count. Known differences, not compared: layers of
dtype float64 (Keras-JAX computes them in float32: their values and dtypes); float16 values
within float16's rounding; EinsumDense's output shape (numkeras gives an axis the input
shares the input's size where Keras keeps `output_shape`'s None). Not drawn: float16 RNNs
(Keras-JAX crashes: "Unsupported dtype float16"), Hashing and IntegerLookup (Keras needs
TensorFlow for them). A pooling window larger than its input (padding="valid"): Keras's
eager call gives an empty output, its symbolic call and numkeras refuse it.
"""

from __future__ import annotations

import json
import sys
import warnings

import numpy as np

B = 2  # (batch size)

REG = [None, "l1", "l2", "l1_l2"]
CON = [None, "non_neg", "unit_norm", "max_norm"]
DTYPES = [None, "float64", "mixed_float16", "float16", "policy:mixed_float16", "policy:float16"]
INIT = [None, "he_normal", "zeros", "lecun_uniform", "orthogonal", "truncated_normal"]


def _conv(rank: int, transpose: bool = False, separable: bool = False, depthwise: bool = False):
    args = {
        "kernel_size": [2, 3, (2,) * rank, (3,) + (1,) * (rank - 1)],
        "strides": [1, 2],
        "padding": ["valid", "same"] + (["causal"] if rank == 1 and not transpose else []),
        "data_format": ["channels_last", "channels_first"],
        "dilation_rate": [1, 2],
        "activation": [None, "relu", "tanh"],
        "use_bias": [True, False],
        "bias_initializer": ["zeros", "ones"],
        "kernel_initializer": INIT,
        "bias_regularizer": REG,
        "activity_regularizer": REG,
        "bias_constraint": CON,
        "dtype": DTYPES,
    }
    if depthwise:
        args.update(
            depth_multiplier=[1, 2],
            depthwise_regularizer=REG,
            depthwise_constraint=CON,
        )
    elif separable:
        args.update(
            filters=[4, 2],
            depth_multiplier=[1, 2],
            depthwise_regularizer=REG,
            pointwise_regularizer=REG,
            depthwise_constraint=CON,
            pointwise_constraint=CON,
        )
    else:
        args.update(
            filters=[4, 2, 6],
            kernel_regularizer=REG,
            kernel_constraint=CON,
        )
        if not transpose:
            args["groups"] = [1, 2]
        else:
            args["output_padding"] = [None, 1]
    return args


def _rnn():
    # (no float16: Keras-JAX's RNNs crash on it, "Unsupported dtype float16")
    return {
        "units": [3, 2],
        "activation": ["tanh", "relu"],
        "kernel_initializer": INIT,
        "recurrent_initializer": [None, "orthogonal", "glorot_uniform"],
        "use_bias": [True, False],
        "return_sequences": [False, True],
        "return_state": [False, True],
        "go_backwards": [False, True],
        "stateful": [False, True],
        "unroll": [False, True],
        "kernel_regularizer": REG,
        "recurrent_regularizer": REG,
        "bias_regularizer": REG,
        "kernel_constraint": CON,
        "recurrent_constraint": CON,
        "dtype": [None, "float64", "mixed_float16", "policy:mixed_float16"],
    }


def _pool(rank: int, global_: bool = False):
    if global_:
        return {"data_format": ["channels_last", "channels_first"], "keepdims": [False, True]}
    return {
        "pool_size": [2, 3],
        "strides": [None, 1, 2],
        "padding": ["valid", "same"],
        "data_format": ["channels_last", "channels_first"],
    }


# class -> (input rank(s), arguments: name -> [default, other values...])
SPECS = {
    "Dense": (
        [2, 3],
        {
            "units": [4, 1],
            "activation": [None, "relu", "softmax"],
            "use_bias": [True, False],
            "kernel_regularizer": REG,
            "bias_regularizer": REG,
            "activity_regularizer": REG,
            "kernel_constraint": CON,
            "bias_constraint": CON,
            "dtype": DTYPES,
        },
    ),
    "Conv1D": ([3], _conv(1)),
    "Conv2D": ([4], _conv(2)),
    "Conv3D": ([5], _conv(3)),
    "Conv1DTranspose": ([3], _conv(1, transpose=True)),
    "Conv2DTranspose": ([4], _conv(2, transpose=True)),
    "Conv3DTranspose": ([5], _conv(3, transpose=True)),
    "SeparableConv1D": ([3], _conv(1, separable=True)),
    "SeparableConv2D": ([4], _conv(2, separable=True)),
    "DepthwiseConv1D": ([3], _conv(1, depthwise=True)),
    "DepthwiseConv2D": ([4], _conv(2, depthwise=True)),
    "MaxPooling1D": ([3], _pool(1)),
    "AveragePooling1D": ([3], _pool(1)),
    "MaxPooling2D": ([4], _pool(2)),
    "AveragePooling2D": ([4], _pool(2)),
    "MaxPooling3D": ([5], _pool(3)),
    "AveragePooling3D": ([5], _pool(3)),
    "GlobalMaxPooling1D": ([3], _pool(1, True)),
    "GlobalAveragePooling1D": ([3], _pool(1, True)),
    "GlobalMaxPooling2D": ([4], _pool(2, True)),
    "GlobalAveragePooling2D": ([4], _pool(2, True)),
    "GlobalAveragePooling3D": ([5], _pool(3, True)),
    "SimpleRNN": ([3], _rnn()),
    "GRU": ([3], {**_rnn(), "reset_after": [True, False]}),
    "LSTM": ([3], {**_rnn(), "unit_forget_bias": [True, False]}),
    "ConvLSTM1D": (
        [4],
        {
            "filters": [2, 3],
            "kernel_size": [2, 3],
            "padding": ["valid", "same"],
            "data_format": ["channels_last", "channels_first"],
            "dilation_rate": [1, 2],
            "return_sequences": [False, True],
            "return_state": [False, True],
            "go_backwards": [False, True],
            "use_bias": [True, False],
            "kernel_regularizer": REG,
        },
    ),
    "BatchNormalization": (
        [2, 3, 4],
        {
            "axis": [-1, 1],
            "momentum": [0.99, 0.5],
            "epsilon": [0.001, 0.1],
            "center": [True, False],
            "scale": [True, False],
            "beta_regularizer": REG,
            "gamma_regularizer": REG,
            "gamma_constraint": CON,
            "dtype": DTYPES,
        },
    ),
    "LayerNormalization": (
        [2, 3, 4],
        {
            "axis": [-1, 1, (1, 2)],
            "epsilon": [0.001, 0.1],
            "center": [True, False],
            "scale": [True, False],
            "rms_scaling": [False, True],
            "beta_regularizer": REG,
            "gamma_constraint": CON,
            "dtype": DTYPES,
        },
    ),
    "GroupNormalization": (
        [3, 4],
        {
            "groups": [2, 1, -1],
            "axis": [-1, 1],
            "center": [True, False],
            "scale": [True, False],
            "gamma_regularizer": REG,
            "beta_constraint": CON,
        },
    ),
    "UnitNormalization": ([2, 3], {"axis": [-1, 1, (1, 2)]}),
    "RMSNormalization": ([2, 3], {"axis": [-1, 1], "epsilon": [1e-6, 0.1]}),
    "Embedding": (
        ["ids"],
        {
            "output_dim": [3, 5],
            "mask_zero": [False, True],
            "embeddings_regularizer": REG,
            "embeddings_constraint": CON,
            "activity_regularizer": REG,
            "dtype": DTYPES,
        },
    ),
    "Dropout": ([2, 3], {"rate": [0.5, 0.0], "noise_shape": [None, (None, 1)], "seed": [None, 3]}),
    "SpatialDropout1D": ([3], {"rate": [0.5]}),
    "SpatialDropout2D": ([4], {"rate": [0.5], "data_format": [None, "channels_first"]}),
    "Flatten": ([2, 3, 4], {"data_format": [None, "channels_first"], "dtype": DTYPES}),
    "Permute": ([3], {"dims": [(2, 1)]}),
    "RepeatVector": ([2], {"n": [3, 1]}),
    "Cropping1D": ([3], {"cropping": [(1, 1), 1, (0, 2)]}),
    "Cropping2D": (
        [4],
        {
            "cropping": [((1, 1), (1, 1)), 1, ((0, 1), (2, 0))],
            "data_format": [None, "channels_first"],
        },
    ),
    "ZeroPadding1D": ([3], {"padding": [1, (2, 0)]}),
    "ZeroPadding2D": (
        [4],
        {"padding": [1, (1, 2), ((0, 1), (2, 0))], "data_format": [None, "channels_first"]},
    ),
    "ZeroPadding3D": ([5], {"padding": [1, (1, 0, 2)], "data_format": [None, "channels_first"]}),
    "UpSampling1D": ([3], {"size": [2, 3]}),
    "UpSampling2D": (
        [4],
        {
            "size": [2, (1, 3)],
            "data_format": [None, "channels_first"],
            "interpolation": ["nearest", "bilinear"],
        },
    ),
    "UpSampling3D": ([5], {"size": [2, (1, 2, 1)], "data_format": [None, "channels_first"]}),
    "Cropping3D": ([5], {"cropping": [1, (1, 0, 1)], "data_format": [None, "channels_first"]}),
    "LeakyReLU": ([2, 3], {"negative_slope": [0.3, 0.1], "dtype": DTYPES}),
    "PReLU": (
        [3, 4],
        {
            "shared_axes": [None, 1, (1, 2)],
            "alpha_initializer": ["zeros", "ones"],
            "alpha_regularizer": REG,
            "alpha_constraint": CON,
        },
    ),
    "ELU": ([2], {"alpha": [1.0, 0.5]}),
    "ReLU": (
        [2, 3],
        {"max_value": [None, 1.0], "negative_slope": [0.0, 0.2], "threshold": [0.0, 0.5]},
    ),
    "Softmax": ([2, 3], {"axis": [-1, 1], "dtype": DTYPES}),
    "Activation": ([2, 3], {"activation": ["relu", "gelu", "softplus", "silu"], "dtype": DTYPES}),
    "Masking": ([3], {"mask_value": [0.0, 1.0]}),
    "Rescaling": ([2, 4], {"scale": [1 / 255, 2.0], "offset": [0.0, -1.0], "dtype": DTYPES}),
    "CenterCrop": ([4], {"height": [3], "width": [2], "data_format": [None, "channels_first"]}),
    "Resizing": (
        [4],
        {
            "height": [3],
            "width": [4],
            "interpolation": ["bilinear", "nearest", "bicubic"],
            "crop_to_aspect_ratio": [False, True],
            "pad_to_aspect_ratio": [False, True],
            "data_format": [None, "channels_first"],
        },
    ),
    "CategoryEncoding": (
        ["ids"],
        {
            "num_tokens": [6],
            "output_mode": ["multi_hot", "one_hot", "count"],
            "dtype": [None, "int32", "float64"],
        },
    ),
    "Discretization": (
        [2],
        {
            "bin_boundaries": [[0.0, 1.0], [-1.0, 0.0, 0.5]],
            "output_mode": ["int", "one_hot", "multi_hot", "count"],
            "dtype": [None, "int64", "int32", "float64"],
        },
    ),
    "EinsumDense": (
        [3],
        {
            "equation": ["abc,cd->abd"],
            "output_shape": [(None, 4)],
            "bias_axes": [None, "d"],
            "activation": [None, "relu"],
            "kernel_regularizer": REG,
            "kernel_constraint": CON,
            "dtype": DTYPES,
        },
    ),
    "Attention": (
        ["pair"],
        {
            "use_scale": [False, True],
            "score_mode": ["dot", "concat"],
            "dropout": [0.0],
            "dtype": DTYPES,
        },
    ),
    "AdditiveAttention": (["pair"], {"use_scale": [True, False], "dtype": DTYPES}),
    "MultiHeadAttention": (
        ["pair", "pair4"],
        {
            "num_heads": [2, 1],
            "key_dim": [2, 3],
            "value_dim": [None, 2],
            "use_bias": [True, False],
            "output_shape": [None, 5, (2, 2)],
            "kernel_regularizer": REG,
            "kernel_constraint": CON,
            "dtype": DTYPES,
        },
    ),
    "GroupedQueryAttention": (
        ["pair"],
        {
            "head_dim": [2, 3],
            "num_query_heads": [2, 4],
            "num_key_value_heads": [2, 1],
            "use_bias": [True, False],
            "kernel_regularizer": REG,
        },
    ),
    "Bidirectional": (
        [3],
        {
            "layer": [
                {"class_name": "LSTM", "config": {"units": 2, "return_sequences": True}},
                {"class_name": "GRU", "config": {"units": 3}},
                {"class_name": "SimpleRNN", "config": {"units": 2, "return_state": True}},
                {"class_name": "LSTM", "config": {"units": 2, "go_backwards": True}},
            ],
            "merge_mode": ["concat", "sum", "mul", "ave", None],
            "backward_layer": [
                None,
                {
                    "class_name": "LSTM",
                    "config": {"units": 2, "return_sequences": True, "go_backwards": True},
                },
            ],
        },
    ),
    "TimeDistributed": (
        [4],
        {
            "layer": [
                {"class_name": "Dense", "config": {"units": 2}},
                {"class_name": "Conv1D", "config": {"filters": 2, "kernel_size": 2}},
                {"class_name": "Flatten", "config": {}},
                {"class_name": "BatchNormalization", "config": {}},
            ],
        },
    ),
    "ConvLSTM2D": (
        [5],
        {
            "filters": [2, 3],
            "kernel_size": [2, (1, 2)],
            "padding": ["valid", "same"],
            "data_format": ["channels_last", "channels_first"],
            "return_sequences": [False, True],
            "return_state": [False, True],
            "go_backwards": [False, True],
            "recurrent_regularizer": REG,
            "kernel_constraint": CON,
        },
    ),
    "Normalization": (
        [2, 3],
        {
            "axis": [-1, 1, None],
            "mean": [None, 0.5],
            "variance": [None, 2.0],
            "invert": [False, True],
        },
    ),
    "Dot": (["pair_same"], {"axes": [-1, 1, (2, 2)], "normalize": [False, True]}),
    "Concatenate": (["pair_same"], {"axis": [-1, 1]}),
    "Subtract": (["pair_same"], {"dtype": DTYPES}),
    "AdaptiveAveragePooling2D": (
        [4],
        {
            "output_size": [2, (1, 3)],
            "data_format": [None, "channels_first"],
        },
    ),
    "AdaptiveMaxPooling1D": ([3], {"output_size": [2, 3], "data_format": [None, "channels_first"]}),
    "GaussianNoise": ([2], {"stddev": [0.1], "seed": [None, 1]}),
    "SpectralNormalization": (
        [2],
        {
            "layer": [{"class_name": "Dense", "config": {"units": 3}}],
            "power_iterations": [1, 2],
        },
    ),
    "Identity": ([2, 3], {"dtype": DTYPES}),
    "ActivityRegularization": ([2], {"l1": [0.0, 0.1], "l2": [0.0, 0.2]}),
    "Reshape": ([3], {"target_shape": [(-1,), (3, -1)]}),
}

SHAPES = {2: (B, 6), 3: (B, 5, 4), 4: (B, 5, 4, 4), 5: (B, 4, 4, 4, 2)}


def draw(rng, name: str) -> dict:
    ranks, args = SPECS[name]
    kind = ranks[rng.integers(len(ranks))]
    kwargs = {}
    for arg, values in args.items():
        if len(values) == 1 or rng.random() < 0.5:
            value = values[0] if len(values) == 1 else values[1 + rng.integers(len(values) - 1)]
            if value is not None or arg == "value_dim":
                kwargs[arg] = value
    # required arguments
    for arg in (
        "filters",
        "units",
        "output_dim",
        "num_heads",
        "key_dim",
        "head_dim",
        "num_query_heads",
        "num_key_value_heads",
        "kernel_size",
        "n",
        "dims",
        "target_shape",
        "num_tokens",
        "bin_boundaries",
        "num_bins",
        "equation",
        "output_shape",
        "height",
        "width",
        "rate",
        "activation",
        "layer",
        "stddev",
        "output_size",
        "vocabulary",
    ):
        if arg in args and arg not in kwargs and args[arg][0] is not None:
            if name in ("Dense", "Conv1D", "EinsumDense") and arg == "activation":
                continue
            kwargs[arg] = args[arg][0]
    return {"name": name, "kind": kind, "kwargs": kwargs, "seed": int(rng.integers(1 << 30))}


def _inputs(case):
    rng = np.random.default_rng(case["seed"])
    kind = case["kind"]
    if kind == "ids":
        return [rng.integers(0, 6, (B, 5)).astype("int32")]
    if kind == "pair":
        return [
            rng.normal(size=(B, 4, 4)).astype("float32"),
            rng.normal(size=(B, 5, 4)).astype("float32"),
        ]
    if kind == "pair_same":
        return [rng.normal(size=(B, 5, 4)).astype("float32") for _ in range(2)]
    if kind == "pair4":
        return [rng.normal(size=(B, 2, 3, 4)).astype("float32")] * 2
    x = rng.normal(size=SHAPES[kind]).astype("float32")
    if case["name"] == "ConvLSTM1D":
        x = rng.normal(size=(B, 3, 5, 4)).astype("float32")
    if case["name"] == "Masking":
        x[0, 1] = case["kwargs"].get("mask_value", 0.0)
    return [x]


def _call(layer, case, xs, options: bool = False):
    """The layer called on the inputs (`options`: with the case's call options: `training`,
    a `mask` of the steps, `use_causal_mask`, `return_attention_scores`)."""
    kw = dict(case.get("call", {})) if options else {}
    if "mask" in kw:
        kw["mask"] = np.array(kw["mask"], bool)
    if case["name"] in ("MultiHeadAttention", "GroupedQueryAttention"):
        return layer(xs[0], xs[1], **kw)
    return layer(list(xs), **kw) if len(xs) > 1 else layer(xs[0], **kw)


CALL_OPTIONS = {
    "BatchNormalization": {"training": [True]},
    "LayerNormalization": {"training": [True]},
    "SimpleRNN": {"mask": ["steps"]},
    "GRU": {"mask": ["steps"]},
    "LSTM": {"mask": ["steps"]},
    "Bidirectional": {"mask": ["steps"]},
    "Attention": {"use_causal_mask": [True], "return_attention_scores": [True]},
    "AdditiveAttention": {"use_causal_mask": [True], "return_attention_scores": [True]},
    "MultiHeadAttention": {"use_causal_mask": [True], "return_attention_scores": [True]},
    "GroupedQueryAttention": {"use_causal_mask": [True], "return_attention_scores": [True]},
}


def draw_call(rng, case) -> dict:
    call = {}
    for arg, values in CALL_OPTIONS.get(case["name"], {}).items():
        if rng.random() < 0.5:
            call[arg] = values[rng.integers(len(values))]
    if call.get("mask") == "steps":  # (each sample keeps its first step)
        mask = rng.random((B, 5)) > 0.3
        mask[:, 0] = True
        call["mask"] = mask.tolist()
    if case["name"] == "MultiHeadAttention" and case["kind"] == "pair4":
        call.pop("use_causal_mask", None)  # (Keras's rules: tests/layers/test_mha_axes.py)
    return call


def _jsonable(value):
    return json.loads(json.dumps(value, default=lambda o: repr(o)))


def _error(e: Exception) -> str:
    return next(t for t in type(e).__mro__ if t.__module__ == "builtins").__name__


def run_case(K, case, weights=None) -> dict:
    """What one library makes of the case (`weights`: Keras's, for numkeras)."""
    out: dict = {}
    xs = _inputs(case)
    kwargs = dict(case["kwargs"])
    if str(kwargs.get("dtype")).startswith("policy:"):  # a DTypePolicy object
        kwargs["dtype"] = K.dtype_policies.DTypePolicy(kwargs["dtype"][7:])
    for arg in ("layer", "backward_layer"):  # (wrappers: a fresh inner layer)
        if isinstance(kwargs.get(arg), dict):
            spec = kwargs[arg]
            kwargs[arg] = getattr(K.layers, spec["class_name"])(**spec["config"])
    try:
        name = case["name"]
        if name == "GroupedQueryAttention" and K.__name__ == "keras":
            name = "GroupQueryAttention"  # (Keras's export)
        layer = getattr(K.layers, name)(**kwargs)
    except Exception as e:  # noqa: BLE001 - the type is the result
        return {"error": "init " + _error(e), "message": str(e)[:200]}
    out["config_init"] = _jsonable(layer.get_config())
    try:
        y = _call(layer, case, xs)
    except Exception as e:  # noqa: BLE001
        return {**out, "error": "call " + _error(e), "message": str(e)[:200]}
    out["weights"] = [[w.path, list(w.shape), bool(w.trainable)] for w in layer.weights]
    out["keras_weights"] = layer.get_weights()
    try:  # the case's call (its options drawn) with Keras's weights, from fresh states
        if weights is not None:
            layer.set_weights(weights)
        if getattr(layer, "stateful", False):
            layer.reset_states()
        y = _call(layer, case, xs, options=True)
    except Exception as e:  # noqa: BLE001
        return {**out, "error": "call options " + _error(e), "message": str(e)[:200]}
    out["weights_after"] = [np.asarray(w, "float64") for w in layer.get_weights()]
    ys = y if isinstance(y, (list, tuple)) else [y]
    out["shapes"] = [list(np.shape(t)) for t in ys]
    out["dtypes"] = [str(np.asarray(t).dtype) for t in ys]
    out["values"] = [np.asarray(t, "float64") for t in ys]
    out["losses"] = [float(np.asarray(v)) for v in layer.losses]
    out["config"] = _jsonable(layer.get_config())
    for attr in ("dtype", "compute_dtype", "variable_dtype"):
        out[attr] = str(getattr(layer, attr))
    try:
        shapes = [(None, *x.shape[1:]) for x in xs]
        if case["name"] in ("MultiHeadAttention", "GroupedQueryAttention"):
            cos = layer.compute_output_shape(*shapes)
        else:
            cos = layer.compute_output_shape(shapes[0] if len(shapes) == 1 else shapes)
        out["compute_output_shape"] = _jsonable(cos)
    except Exception as e:  # noqa: BLE001
        out["compute_output_shape"] = "error " + _error(e)
    try:  # a functional model on a fresh copy (stateful: the batch size fixed)
        twin = type(layer).from_config(layer.get_config())
        ins = [K.Input(batch_shape=x.shape, dtype=str(x.dtype)) for x in xs]
        if case["name"] in ("MultiHeadAttention", "GroupedQueryAttention"):
            sym = twin(ins[0], ins[1])
        elif len(ins) > 1:
            sym = twin(ins)
        else:
            sym = twin(ins[0])
        syms = sym if isinstance(sym, (list, tuple)) else [sym]
        out["symbolic"] = [[list(t.shape), str(t.dtype)] for t in syms]
    except Exception as e:  # noqa: BLE001
        out["symbolic"] = "error " + _error(e) + " " + str(e)[:150]
    return out


def _tolerance(case) -> float:
    dtype = str(case["kwargs"].get("dtype"))
    return 2e-2 if dtype.endswith("float16") else 2e-4


def compare(case, a: dict, b: dict) -> list[str]:
    diffs = []
    if "error" not in a and "error" in b and any(0 in shape for shape in a["shapes"]):
        return diffs  # (numkeras refuses an empty output, as Keras's symbolic call does)
    if "error" in a or "error" in b:
        if a.get("error") != b.get("error"):
            diffs.append(
                f"error: keras {a.get('error')} {a.get('message', '')!r} | "
                f"numkeras {b.get('error')} {b.get('message', '')!r}"
            )
        return diffs
    f64 = case["kwargs"].get("dtype") == "float64"
    for key in (
        "weights",
        "shapes",
        "config_init",
        "config",
        "compute_output_shape",
        "symbolic",
        "dtype",
        "compute_dtype",
        "variable_dtype",
        "set_weights",
    ):
        if key == "symbolic" and f64 and isinstance(a.get(key), list):
            continue
        if key in ("compute_output_shape", "symbolic") and case["name"] == "EinsumDense":
            continue  # (numkeras gives the input's size where Keras keeps output_shape's None)
        if a.get(key) != b.get(key):
            diffs.append(f"{key}: keras {a.get(key)} | numkeras {b.get(key)}")
    if a["dtypes"] != b["dtypes"] and not f64:
        diffs.append(f"dtypes: keras {a['dtypes']} | numkeras {b['dtypes']}")
    training_random = case["name"].startswith(("Dropout", "SpatialDropout"))
    if a["shapes"] == b["shapes"] and not training_random:
        tol = _tolerance(case)
        for i, (u, v) in enumerate(zip(a["values"], b["values"])):
            if not np.allclose(u, v, rtol=tol, atol=tol, equal_nan=True):
                diffs.append(f"values[{i}]: max diff {np.nanmax(np.abs(u - v)):.3g}")
    after_a, after_b = a.get("weights_after", []), b.get("weights_after", [])
    if len(after_a) != len(after_b) or not all(
        u.shape == v.shape and np.allclose(u, v, rtol=_tolerance(case), atol=_tolerance(case))
        for u, v in zip(after_a, after_b)
    ):
        diffs.append("weights after the call differ")
    if len(a["losses"]) != len(b["losses"]) or not np.allclose(
        a["losses"], b["losses"], rtol=1e-4, atol=1e-6
    ):
        diffs.append(f"losses: keras {a['losses']} | numkeras {b['losses']}")
    return diffs


def main(argv):
    import keras

    import numkeras

    warnings.simplefilter("ignore")
    seed, count = int(argv[0]), int(argv[1])
    names = argv[2:] or sorted(SPECS)
    names = [n for n in names if hasattr(numkeras.layers, n)]
    rng = np.random.default_rng(seed)
    found = 0
    for i in range(count):
        case = draw(rng, names[rng.integers(len(names))])
        case["call"] = draw_call(rng, case)
        keras.utils.clear_session()
        numkeras.utils.clear_session()
        try:
            a = run_case(keras, case)
        except Exception as e:  # noqa: BLE001
            a = {"error": "crash " + _error(e), "message": str(e)[:200]}
        try:
            b = run_case(numkeras, case, a.get("keras_weights"))
        except Exception as e:  # noqa: BLE001
            b = {"error": "crash " + _error(e), "message": str(e)[:200]}
        diffs = compare(case, a, b)
        if diffs:
            found += 1
            print(f"== {seed}/{i} {json.dumps(case)}")
            for d in diffs:
                print("   ", d[:600])
    print(f"{found} of {count} cases differ")


if __name__ == "__main__":
    main(sys.argv[1:])
