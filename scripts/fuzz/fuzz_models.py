"""Differential fuzzing of random models: a seed draws a small Keras program (a JSON: the
inputs, the layers with their configs and what each is called on, the data), which runs in
real Keras 3 and in numkeras, in separate processes, and the two records are compared.

A record holds whether the model builds (else the built-in exception class), each layer's
output shape, count_params() and get_config(), the summary text, then, with Keras's weights
(numkeras loads the ones Keras saved): predict (values and dtypes; plain, with batch_size,
with steps; a from_config copy's), evaluate after
compile(SGD(0.01), mse or sparse categorical cross-entropy), the losses of 2 epochs of
fit(shuffle=False) and the weights after. About one program in eight feeds the model data
of a wrong shape (transposed, no batch axis, an extra axis) or another dtype.

    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python /work/main/scripts/fuzz/fuzz_models.py \
        run keras 0 200 /tmp/fuzz            # writes /tmp/fuzz/keras.json and weights/
    python scripts/fuzz/fuzz_models.py run numkeras 0 200 /tmp/fuzz
    python scripts/fuzz/fuzz_models.py compare /tmp/fuzz 0   # one block per divergence
    python scripts/fuzz/fuzz_models.py show 0 17             # program 17 of seed 0, as JSON

Seeds from 1000 on (EXTENDED_FROM) also draw EinsumDense, AdditiveAttention,
GroupQueryAttention, RNN over a cell or a stack of cells, ConvLSTM1D, RMSNormalization,
UnitNormalization over two axes, SpectralNormalization, Dense with weight constraints or
LoRA, strided transposed convolutions with output_padding, Resizing, CenterCrop, adaptive
pooling, 3D layers on volume inputs, CategoryEncoding of token ids, batched Dot products,
an Input of any length on its first axis, float64 layers and BatchNormalization called
with a fixed `training`. Seeds 500-999 and from 2000 on (NEWER) draw those and also
convolutions with activity regularizers, constraints and initializers given as configs
(causal dilated, grouped channels_first), RNNs with constraints and a Bidirectional with
its own backward_layer, RNNs returning their states and Bidirectional(merge_mode=None)
taken apart (`Item` nodes), TimeDistributed over convolutions, pooling and Flatten,
ConvLSTM2D, Discretization, augmentation layers (the identity in inference), named inputs
and layers (some with an explicit dtype), Embedding regularizers and constraints, and nested
functional models. Seeds 529-999 and from 2016 on (NEWEST) draw all those and also adaptive
pooling of sequences and volumes, pooling and convolutions under Keras's other names
(MaxPool1D, Convolution1D...), AutoContrast, Equalization, Solarization and the other
augmentation layers, token ids through Hashing, IntegerLookup or a ReversibleEmbedding, and
layers of dtype policy "mixed_float16" or "float16" (compared at float16's precision; no
bfloat16: README). Seeds 563-999 and from 2041 on (LATEST) draw all those and also
Normalization with a given mean and variance (per feature, over the last axis or axis 1,
sometimes inverted), layers on channels_first data (Flatten, ZeroPadding1D/2D, Cropping2D,
UpSampling2D) and LayerNormalization, BatchNormalization, GroupNormalization and Softmax
over inner axes; lower seeds draw the programs they always drew.
Every record also holds each layer's from_config round trip (True where its config comes
back the same), the model's config without its layers' own (`graph`) and the summary with
`expand_nested=True, show_trainable=True`.

Models with a layer that is random in training (Dropout, noise, augmentation, and
Solarization: Keras 3.15 draws its thresholds from [lower, upper * 255], random for the
drawn (0.5, 0.5), where numkeras's are fixed: README) compare no fit results.
Known differences, not drawn or not compared: Keras-JAX's sparsemax (rows do not sum to 1),
MultiHeadAttention with value_dim != key_dim (crashes) and unrolled RNNs in Bidirectional
with a mask (ignore zero_output_for_mask); its trainer skips a model's input check (torch's
does not); after a failed predict its next calls crash; and in a functional model, a mask
made by Masking / Embedding(mask_zero) shows its ops (NotEqual, Any) as summary rows.
Keras-JAX computes a layer of dtype float64 in float32 (JAX runs without x64): the dtype
of such a layer's predictions is not compared.
Keras's symbolic shape of a Dense(activation="glu") keeps the units its output halves, so
the drawn targets fit only by broadcasting, which Keras's losses do and numkeras refuses
(README): evaluate and fit are not compared where numkeras raises IncompatibleShapesError.
A call's fixed `training` wins in numkeras (README; Keras 2), while Keras 3's predict and
evaluate pass False over a recorded True and its fit True over a recorded False: those
results are not compared there. Nor are: the summary's byte counts of a float64 LoRA layer
(numkeras's factors are float64: README); fit where Keras's turns NaN through a
UnitNormalization of zero rows (its norm's gradient at 0 is NaN, numkeras's 0). Keras 3's
SimpleRNN drops `activity_regularizer` (no penalty, None in its config), so the newer draws
give it none; a Bidirectional's symbolic shape with a backward layer of other units is
Keras's forward one doubled (wrong: the draws keep the units equal). Keras's
LayerNormalization of integers (a Discretization's bins, integer data) takes their mean in
integers (silently wrong: not compared), and its SpectralNormalization of integers
truncates its outputs to integers (README: not compared); Keras's Hashing and IntegerLookup
need TensorFlow (absent from its venv here) and RandomShear's config does not round-trip
through its from_config (TypeError): those programs or round trips are not compared.
Keras crashes, not compared (KERAS_CRASHES): a convolution whose channels axis is an
Input's None (TypeError on `None % groups`; numkeras raises a ShapeError naming the axis)
and Keras-JAX's mixed_float16 MultiHeadAttention on CPU ("F16_F16_F32 is not supported by
dot_general"), and the from_config copy of a model whose Input feeds an Equalization
(ValueError "... is part of a cycle": that layer hands back its input tensor itself).
Keras-JAX cannot make a float16 recurrent layer's Orthogonal `recurrent_initializer` (no
float16 QR in LAPACK: NotImplementedError, which Sequential.build swallows, leaving the
layer unbuilt): the newest draws give recurrent layers "mixed_float16", never "float16".
"""

from __future__ import annotations

import importlib
import json
import math
import os
import random
import re
import sys

import numpy as np

ACTIVATIONS = "celu elu exponential gelu glu hard_shrink hard_sigmoid hard_silu hard_swish \
hard_tanh leaky_relu linear log_sigmoid log_softmax mish relu relu6 selu sigmoid silu \
soft_shrink softmax softplus softsign sparse_plus sparse_sigmoid squareplus swish tanh \
tanh_shrink threshold".split()  # not sparsemax: Keras's (JAX) rows do not sum to 1
# Keras bugs, not compared: after a failed predict, its next calls raise these
# (and Keras-JAX's glu of an odd axis asserts: its other backends raise ValueError, as we do)
KERAS_CRASHES = (
    "'NoneType' object is not callable",
    "Unable to automatically build",
    "axis size must be divisible by 2",
    "unsupported operand type(s) for *: 'int' and 'NoneType'",  # (a None axis: numkeras's
    # layers refuse it with a ValueError)
    "unsupported operand type(s) for %: 'NoneType' and 'int'",  # (a convolution's unknown
    # channels, an Input of None on a channels_first axis: numkeras's ShapeError names it)
    "is not supported by dot_general on CPU",  # (Keras-JAX's mixed_float16 attention on
    # CPU: float16 operands with float32 accumulation; numkeras computes it)
    "requires TensorFlow",  # (Keras's Hashing and IntegerLookup: no TensorFlow in its venv)
    "Error when deserializing class 'RandomShear'",  # (its config does not round-trip)
    "is part of a cycle",  # (a Keras image layer that is the identity where it is called,
    # Equalization, hands back its input tensor itself, whose history then names that layer:
    # Keras's from_config of a model whose Input feeds one fails; numkeras's rebuilds it)
)
RANDOM_IN_TRAINING = {"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
                      "GaussianNoise", "GaussianDropout", "AlphaDropout"}  # fmt: skip


# -- the menu: each entry takes (rng, shape without the batch axis) and gives
#    (class name, config, output shape), or None where it does not fit that shape ----------
def _conv_len(n, k, s, padding, transpose=False, dilation=1):
    k = dilation * (k - 1) + 1
    if transpose:
        return n * s if padding == "same" else n * s + max(k - s, 0)
    return -(-n // s) if padding in ("same", "causal") else (n - k) // s + 1


def _channels(r, cfg, s):
    """(spatial dims, channels, how to put them back) for channels_last or _first."""
    if r.random() < 0.15:
        cfg["data_format"] = "channels_first"
        return s[1:], s[0], lambda dims, c: (c,) + dims
    return s[:-1], s[-1], lambda dims, c: dims + (c,)


def dense(r, s):
    u = r.choice([1, 2, 3, 5, 8])
    cfg = {"units": u, "activation": r.choice([None, "relu", "tanh", r.choice(ACTIVATIONS)])}
    if r.random() < 0.15:
        cfg[r.choice(["kernel_regularizer", "bias_regularizer", "activity_regularizer"])] = "l2"
    return "Dense", {**cfg, "use_bias": r.random() < 0.8}, s[:-1] + (u,)


def other(r, s):
    kind = r.choice(["UnitNormalization", "Identity", "ActivityRegularization", "Rescaling"])
    cfg = {
        "ActivityRegularization": {"l1": 0.01, "l2": 0.01},
        "Rescaling": {"scale": 0.5, "offset": 1.0},
    }
    return kind, cfg.get(kind, {}), s


def conv(r, s):
    if len(s) not in (2, 3):
        return None
    rank, f, k = len(s) - 1, r.choice([1, 2, 4]), r.choice([1, 2, 3])
    pad = r.choice(["valid", "same"] + ["causal"] * (rank == 1))
    strides, dilation = r.choice([(1, 1), (2, 1), (1, 2)])
    kind = r.choice(["Conv", "Conv", "ConvTranspose", "Separable", "Depthwise"])
    if kind != "Conv" and pad == "causal":
        pad = "same"
    cfg = {"kernel_size": k, "strides": strides, "padding": pad, "dilation_rate": dilation}
    if kind == "ConvTranspose":
        cfg.pop("dilation_rate")
    if kind == "Conv" and r.random() < 0.2 and s[-1] % 2 == 0 and f % 2 == 0:
        cfg["groups"] = 2
    if r.random() < 0.15:
        cfg["kernel_regularizer"] = r.choice(["l1", "l2"])
    spatial, c, put = _channels(r, cfg, s)
    if kind == "Depthwise":
        m = r.choice([1, 2])
        cfg["depth_multiplier"], f = m, c * m
    else:
        cfg["filters"] = f
    cfg["activation"] = r.choice([None, "relu"])
    cfg["use_bias"] = r.random() < 0.8
    name = {"Conv": f"Conv{rank}D", "ConvTranspose": f"Conv{rank}DTranspose"}.get(kind)
    name = name or f"{kind}Conv{rank}D"
    dims = tuple(_conv_len(n, k, strides, pad, kind == "ConvTranspose", dilation) for n in spatial)
    return name, cfg, put(dims, f)


def pool(r, s):
    if len(s) not in (2, 3):
        return None
    rank, p, pad = len(s) - 1, r.choice([1, 2, 3]), r.choice(["valid", "same"])
    cfg = {}
    spatial, c, put = _channels(r, cfg, s)
    if r.random() < 0.3:
        cfg["keepdims"] = r.random() < 0.3
        kind = f"Global{r.choice(['Max', 'Average'])}Pooling{rank}D"
        return kind, cfg, put((1,) * rank, c) if cfg["keepdims"] else (c,)
    strides = r.choice([None, 1, 2])
    dims = tuple(_conv_len(n, p, strides or p, pad) for n in spatial)
    kind = f"{r.choice(['Max', 'Average'])}Pooling{rank}D"
    return kind, {**cfg, "pool_size": p, "strides": strides, "padding": pad}, put(dims, c)


def reshape(r, s):
    size = math.prod(s)
    if len(s) >= 2 and r.random() < 0.4:
        return "Flatten", {}, (size,)
    if r.random() < 0.5 and len(s) >= 2:
        perm = list(range(1, len(s) + 1))
        r.shuffle(perm)
        return "Permute", {"dims": perm}, tuple(s[p - 1] for p in perm)
    target = r.choice([(size,), (-1, s[-1]), (size, 1)] + [(2, -1)] * (size % 2 == 0))
    out = tuple(size // math.prod(t for t in target if t != -1) if t == -1 else t for t in target)
    return "Reshape", {"target_shape": list(target)}, out


def repeat(r, s):
    n = r.choice([2, 3])
    return ("RepeatVector", {"n": n}, (n,) + s) if len(s) == 1 else None


def noise(r, s):
    kind = r.choice(["Dropout", "GaussianNoise", "GaussianDropout", "AlphaDropout", "Spatial"])
    if kind == "Spatial":
        return (f"SpatialDropout{len(s) - 1}D", {"rate": 0.3}, s) if len(s) in (2, 3) else None
    return kind, {"stddev": 0.1} if kind == "GaussianNoise" else {"rate": 0.2}, s


def norm(r, s):
    kind = r.choice(["BatchNormalization", "LayerNormalization", "GroupNormalization"])
    cfg = {"center": r.random() < 0.8, "scale": r.random() < 0.8, "epsilon": r.choice([1e-3, 0.1])}
    if kind == "BatchNormalization":
        cfg["momentum"] = r.choice([0.0, 0.5, 0.99])
        cfg["axis"] = r.choice([-1, -1, 1])
    if kind == "LayerNormalization" and r.random() < 0.2:
        cfg["rms_scaling"] = True
    if kind == "LayerNormalization" and len(s) > 1 and r.random() < 0.3:
        cfg["axis"] = [-2, -1]
    if kind == "BatchNormalization" and r.random() < 0.2:
        cfg.update(synchronized=False, beta_regularizer="l2")
    if kind == "GroupNormalization":
        cfg["groups"] = r.choice([g for g in (1, 2, 4) if s[-1] % g == 0] + [-1])
    return kind, cfg, s


def rnn(r, s):
    if len(s) != 2:
        return None
    u, seq = r.choice([2, 3, 4]), r.random() < 0.5
    kind = r.choice(["LSTM", "GRU", "SimpleRNN"])
    cfg = {"units": u, "return_sequences": seq, "go_backwards": r.random() < 0.3}
    cfg.update(activation=r.choice(["tanh", "relu", "sigmoid"]), use_bias=r.random() < 0.8)
    cfg["unroll"] = r.random() < 0.2  # (not in Bidirectional: see the notes above)
    if kind != "SimpleRNN" and r.random() < 0.3:
        cfg["recurrent_activation"] = r.choice(["sigmoid", "hard_sigmoid", "tanh"])
    if kind == "LSTM":
        cfg["unit_forget_bias"] = r.random() < 0.7
    if kind == "GRU":
        cfg["reset_after"] = r.random() < 0.7
    out = (s[0], u) if seq else (u,)
    if r.random() < 0.3 and not cfg["unroll"]:
        mode = r.choice(["concat", "sum", "mul", "ave"])
        inner = {"class_name": kind, "config": cfg}
        return (
            "Bidirectional",
            {"layer": inner, "merge_mode": mode},
            out[:-1] + (u * (1 + (mode == "concat")),),
        )
    return kind, cfg, out


def time_distributed(r, s):
    if len(s) < 2:
        return None
    u = r.choice([2, 3])
    inner = {"class_name": "Dense", "config": {"units": u}}
    return "TimeDistributed", {"layer": inner}, s[:-1] + (u,)


def masking(r, s):
    return ("Masking", {"mask_value": 0.0}, s) if len(s) == 2 else None


def pad_crop(r, s):
    if len(s) not in (2, 3):
        return None
    rank, kind = len(s) - 1, r.choice(["ZeroPadding", "Cropping", "UpSampling"])
    n = r.choice([1, 2])
    a, b = r.choice([(1, 0), (0, 2), (1, 1)])  # uneven sides: (before, after)
    uneven = [a, b] if rank == 1 else [[a, b], [b, a]]
    if kind == "ZeroPadding":
        if r.random() < 0.4:
            return f"ZeroPadding{rank}D", {"padding": uneven}, (s[0] + a + b,) + (
                (s[1] + a + b,) if rank == 2 else ()) + s[-1:]  # fmt: skip
        return f"ZeroPadding{rank}D", {"padding": n}, tuple(d + 2 * n for d in s[:-1]) + s[-1:]
    if kind == "Cropping":
        if r.random() < 0.4:
            return f"Cropping{rank}D", {"cropping": uneven}, (s[0] - a - b,) + (
                (s[1] - a - b,) if rank == 2 else ()) + s[-1:]  # fmt: skip
        cfg = {"cropping": n}
        return f"Cropping{rank}D", cfg, tuple(d - 2 * n for d in s[:-1]) + s[-1:]
    cfg = (
        {"size": n}
        if rank == 1
        else {"size": n, "interpolation": r.choice(["nearest", "bilinear"])}
    )
    return f"UpSampling{rank}D", cfg, tuple(d * n for d in s[:-1]) + s[-1:]


def activation(r, s):
    kind = r.choice(["Activation", "LeakyReLU", "PReLU", "ELU", "ReLU", "Softmax"])
    cfg = {
        "Activation": {"activation": r.choice(ACTIVATIONS)},
        "LeakyReLU": {"negative_slope": r.choice([0.01, 0.3])},
        "PReLU": {"shared_axes": [1] if len(s) > 1 and r.random() < 0.5 else None},
        "ELU": {"alpha": r.choice([0.5, 1.0])},
        "ReLU": {"max_value": r.choice([None, 1.0]), "negative_slope": r.choice([0.0, 0.1])},
        "Softmax": {"axis": r.choice([-1, 1]) if len(s) > 1 else -1},
    }[kind]
    return kind, cfg, s


def attention(r, s):
    if len(s) != 2:
        return None
    if r.random() < 0.5:
        cfg = {"use_scale": r.random() < 0.5, "score_mode": r.choice(["dot", "concat"])}
        return "Attention", cfg, s
    cfg = {"num_heads": r.choice([1, 2]), "key_dim": r.choice([2, 3]), "use_bias": r.random() < 0.8}
    if r.random() < 0.3:
        cfg["output_shape"] = [r.choice([2, 5])]
    return "MultiHeadAttention", cfg, s[:-1] + tuple(cfg.get("output_shape", s[-1:]))


MENU = [dense, dense, conv, conv, pool, reshape, repeat, noise, norm, rnn, rnn,
        time_distributed, masking, pad_crop, activation, activation, attention, other]  # fmt: skip


# -- the extended menu: drawn only by programs of seeds >= EXTENDED_FROM, so that the
#    programs of lower seeds (which earlier reports name) stay as they were ---------------
EXTENDED_FROM = 1000 * 100_000


def einsum(r, s):
    u, cfg = r.choice([2, 3]), {"activation": r.choice([None, "relu"])}
    if len(s) == 1:
        cfg.update(equation="ab,bc->ac", output_shape=u, bias_axes=r.choice([None, "c"]))
        return "EinsumDense", cfg, (u,)
    if len(s) != 2:
        return None
    kind = r.choice(["last", "both", "split"])
    if kind == "last":  # a Dense over the last axis (not `None` for the other: numkeras
        # fills in the input's size where Keras's symbolic shape leaves None, on purpose)
        cfg.update(equation="abc,cd->abd", output_shape=[s[0], u], bias_axes="d")
        return "EinsumDense", cfg, (s[0], u)
    if kind == "both":  # over both axes at once
        cfg.update(equation="abc,bcd->ad", output_shape=[u], bias_axes=r.choice([None, "d"]))
        return "EinsumDense", cfg, (u,)
    cfg.update(equation="abc,cde->abde", output_shape=[s[0], 2, u], bias_axes="de")
    return "EinsumDense", cfg, (s[0], 2, u)


def attention_more(r, s):
    if len(s) != 2:
        return None
    if r.random() < 0.5:
        return "AdditiveAttention", {"use_scale": r.random() < 0.5}, s
    kv = r.choice([1, 2])
    cfg = {"head_dim": r.choice([2, 3]), "num_query_heads": kv * r.choice([1, 2]),
           "num_key_value_heads": kv, "use_bias": r.random() < 0.8}  # fmt: skip
    return "GroupQueryAttention", cfg, s


def rnn_cell(r, s):
    """RNN over a cell, or over a stack of two cells (StackedRNNCells)."""
    if len(s) != 2:
        return None
    cells = []
    for _ in range(r.choice([1, 1, 2])):
        kind, u = r.choice(["LSTMCell", "GRUCell", "SimpleRNNCell"]), r.choice([2, 3])
        cfg = {"units": u, "use_bias": r.random() < 0.8}
        if kind == "GRUCell":
            cfg["reset_after"] = r.random() < 0.7
        cells.append({"class_name": kind, "config": cfg})
    seq = r.random() < 0.5
    cfg = {"cell": cells if len(cells) > 1 else cells[0], "return_sequences": seq,
           "go_backwards": r.random() < 0.3, "unroll": r.random() < 0.2}  # fmt: skip
    u = cells[-1]["config"]["units"]
    return "RNN", cfg, (s[0], u) if seq else (u,)


def conv_rnn(r, s):
    if len(s) != 3:  # (time, steps, channels)
        return None
    f, k, pad = r.choice([1, 2, 3]), r.choice([1, 2]), r.choice(["valid", "same"])
    seq = r.random() < 0.5
    cfg = {"filters": f, "kernel_size": k, "padding": pad, "return_sequences": seq,
           "go_backwards": r.random() < 0.2, "use_bias": r.random() < 0.8}  # fmt: skip
    n = _conv_len(s[1], k, 1, pad)
    return "ConvLSTM1D", cfg, (s[0], n, f) if seq else (n, f)


def norm_more(r, s):
    kind = r.choice(["RMSNormalization", "UnitNormalization", "SpectralNormalization"])
    if kind == "RMSNormalization":
        return kind, {"axis": -1, "epsilon": r.choice([1e-6, 0.1])}, s
    if kind == "UnitNormalization":
        return kind, {"axis": [-2, -1] if len(s) > 1 and r.random() < 0.4 else -1}, s
    u = r.choice([2, 3])
    inner = {"class_name": "Dense", "config": {"units": u}}
    return kind, {"layer": inner, "power_iterations": r.choice([1, 2])}, s[:-1] + (u,)


def dense_more(r, s):
    """Dense with weight constraints (applied after each step) or LoRA."""
    u = r.choice([2, 3, 5])
    cfg = {"units": u, "activation": r.choice([None, "relu"])}
    if r.random() < 0.6:
        cfg["kernel_constraint"] = r.choice(["max_norm", "non_neg", "unit_norm", "min_max_norm"])
        if r.random() < 0.3:
            cfg["bias_constraint"] = "non_neg"
    else:  # (not lora_alpha: Keras's build resets it to the rank, numkeras keeps it: README)
        cfg["lora_rank"] = r.choice([1, 2])
    return "Dense", cfg, s[:-1] + (u,)


def transpose_padded(r, s):
    """A strided transposed convolution with output_padding."""
    if len(s) not in (2, 3):
        return None
    rank, f, k, pad = len(s) - 1, r.choice([1, 2, 3]), r.choice([2, 3]), r.choice(["valid", "same"])
    op = r.choice([0, 1])
    cfg = {"filters": f, "kernel_size": k, "strides": 2, "padding": pad, "output_padding": op}
    half = k // 2 if pad == "same" else 0
    dims = tuple((n - 1) * 2 + k - 2 * half + op for n in s[:-1])
    return f"Conv{rank}DTranspose", cfg, dims + (f,)


def image(r, s):
    if len(s) != 3:
        return None
    kind = r.choice(["Resizing", "CenterCrop", "AdaptiveAveragePooling2D", "AdaptiveMaxPooling2D"])
    h, w = r.choice([1, 2, 3, 4]), r.choice([2, 3, 5])
    if kind == "Resizing":
        cfg = {"height": h, "width": w, "interpolation": r.choice(["bilinear", "nearest"]),
               "crop_to_aspect_ratio": r.random() < 0.3}  # fmt: skip
        return kind, cfg, (h, w, s[-1])
    if kind == "CenterCrop":  # (larger than the image: Keras resizes instead)
        return kind, {"height": h, "width": w}, (h, w, s[-1])
    return kind, {"output_size": [min(h, s[0]), min(w, s[1])]}, (min(h, s[0]), min(w, s[1]), s[-1])


def volume(r, s):
    """3D layers for a (depth, height, width, channels) input."""
    if len(s) != 4:
        return None
    kind = r.choice(["Conv3D", "Conv3DTranspose", "Pool", "Global", "ZeroPadding3D",
                     "Cropping3D", "UpSampling3D", "SpatialDropout3D"])  # fmt: skip
    if kind.startswith("Conv"):
        f, k, pad = r.choice([1, 2]), r.choice([1, 2]), r.choice(["valid", "same"])
        cfg = {"filters": f, "kernel_size": k, "padding": pad}
        cfg["activation"] = r.choice([None, "relu"])
        dims = tuple(_conv_len(n, k, 1, pad, kind == "Conv3DTranspose") for n in s[:-1])
        return kind, cfg, dims + (f,)
    if kind == "Pool":
        p, pad = r.choice([1, 2]), r.choice(["valid", "same"])
        dims = tuple(_conv_len(n, p, p, pad) for n in s[:-1])
        kind = f"{r.choice(['Max', 'Average'])}Pooling3D"
        return kind, {"pool_size": p, "padding": pad}, dims + s[-1:]
    if kind == "Global":
        return f"Global{r.choice(['Max', 'Average'])}Pooling3D", {}, s[-1:]
    if kind == "ZeroPadding3D":
        return kind, {"padding": [[1, 0], [0, 1], [1, 1]]}, (s[0] + 1, s[1] + 1, s[2] + 2, s[3])
    if kind == "Cropping3D":
        return kind, {"cropping": [[1, 0], [0, 1], [0, 0]]}, (s[0] - 1, s[1] - 1, s[2], s[3])
    if kind == "UpSampling3D":
        return kind, {"size": [1, 2, 1]}, (s[0], 2 * s[1], s[2], s[3])
    return kind, {"rate": 0.3}, s


EXTRA = [einsum, attention_more, rnn_cell, conv_rnn, norm_more, dense_more, transpose_padded,
         image, volume]  # fmt: skip


# -- the newer menu: drawn only by programs of seeds 500-999 and 2000 on (NEWER), which also
#    draw the extended menu; seeds below 500 and 1000-1999 draw what they always drew ------
NEWER = ((500 * 100_000, 1000 * 100_000), (2000 * 100_000, math.inf))
RANDOM_IN_TRAINING |= {"RandomFlip", "RandomRotation", "RandomZoom", "RandomContrast",
                       "RandomTranslation", "RandomBrightness"}  # fmt: skip


def _newer(seed: int) -> bool:
    return any(lo <= seed < hi for lo, hi in NEWER)


def _weight_args(r, prefix: str = "kernel") -> dict:
    """Regularizers, constraints and initializers given by name, object config or dict."""
    cfg = {}
    if r.random() < 0.3:
        cfg["activity_regularizer"] = r.choice(["l1", {"class_name": "L2", "config": {"l2": 0.02}}])
    if r.random() < 0.3:
        cfg[f"{prefix}_constraint"] = r.choice(
            ["non_neg", {"class_name": "MaxNorm", "config": {"max_value": 1.5, "axis": 0}}]
        )
    if r.random() < 0.2:
        cfg["bias_constraint"] = "non_neg"
    if r.random() < 0.3:
        cfg[f"{prefix}_regularizer"] = {"class_name": "L1L2", "config": {"l1": 0.01, "l2": 0.02}}
    if r.random() < 0.2:
        cfg[f"{prefix}_initializer"] = {"class_name": "GlorotNormal", "config": {"seed": 3}}
    if r.random() < 0.2:
        cfg["bias_initializer"] = r.choice(
            ["ones", {"class_name": "Constant", "config": {"value": 0.5}}]
        )
    return cfg


def conv_args(r, s):
    """Convolutions with the arguments the older draws leave alone: activity regularizers,
    constraints, initializers as configs, causal dilated Conv1D, channels_first groups."""
    if len(s) not in (2, 3):
        return None
    rank, k = len(s) - 1, r.choice([1, 2, 3])
    cfg = {"kernel_size": k, "use_bias": r.random() < 0.7, **_weight_args(r)}
    spatial, c, put = _channels(r, cfg, s)
    pad = r.choice(["valid", "same"] + ["causal"] * (rank == 1 and "data_format" not in cfg))
    cfg["padding"], d = pad, r.choice([1, 2])
    cfg["dilation_rate"] = d
    f = r.choice([2, 4])
    if c % 2 == 0 and r.random() < 0.4:
        cfg["groups"] = 2
    cfg["filters"] = f
    dims = tuple(_conv_len(n, k, 1, pad, dilation=d) for n in spatial)
    return f"Conv{rank}D", cfg, put(dims, f)


def rnn_more(r, s):
    """LSTM / GRU / SimpleRNN with regularizers and constraints, or a Bidirectional with its
    own backward layer."""
    if len(s) != 2:
        return None
    u, seq, kind = r.choice([2, 3]), r.random() < 0.5, r.choice(["LSTM", "GRU", "SimpleRNN"])
    cfg = {"units": u, "return_sequences": seq, "stateful": False, **_weight_args(r)}
    if kind == "SimpleRNN":  # (Keras 3's SimpleRNN drops it: no penalty, None in its config)
        cfg.pop("activity_regularizer", None)
    if r.random() < 0.3:
        cfg["recurrent_regularizer"] = "l2"
    if r.random() < 0.3:
        cfg["recurrent_constraint"] = {"class_name": "MaxNorm", "config": {"max_value": 2.0}}
    out = (s[0], u) if seq else (u,)
    if r.random() < 0.4:
        mode = r.choice(["concat", "sum", "ave", "mul"])
        back = {**cfg, "go_backwards": True}
        if r.random() < 0.3:  # a backward layer of another kind
            back = {"units": u, "return_sequences": seq, "go_backwards": True}
            kind_b = r.choice(["LSTM", "GRU", "SimpleRNN"])
        else:
            kind_b = kind
        layers = {"layer": {"class_name": kind, "config": cfg},
                  "backward_layer": {"class_name": kind_b, "config": back}}  # fmt: skip
        return "Bidirectional", {**layers, "merge_mode": mode}, out[:-1] + (
            u * (1 + (mode == "concat")),)  # fmt: skip
    return kind, cfg, out


def wrapped(r, s):
    """TimeDistributed over a convolution, a pooling, a Flatten or a Dense with arguments."""
    if len(s) < 2:
        return None
    kinds = ["Dense", "Flatten"] + ["Conv1D", "GlobalAveragePooling1D"] * (len(s) == 3)
    kinds += ["Conv2D", "MaxPooling2D"] * (len(s) == 4)
    kind = r.choice(kinds)
    inner = s[1:]
    if kind == "Dense":
        u = r.choice([2, 3])
        cfg = {"units": u, "activation": r.choice(["relu", None]), **_weight_args(r)}
        out = inner[:-1] + (u,)
    elif kind == "Flatten":
        cfg, out = {}, (math.prod(inner),)
    elif kind == "Conv1D":
        cfg, out = {"filters": 2, "kernel_size": 1}, (inner[0], 2)
    elif kind == "GlobalAveragePooling1D":
        cfg, out = {}, inner[-1:]
    elif kind == "Conv2D":
        cfg, out = {"filters": 2, "kernel_size": 1, "padding": "same"}, inner[:-1] + (2,)
    else:
        cfg, out = {"pool_size": 1}, inner
    return "TimeDistributed", {"layer": {"class_name": kind, "config": cfg}}, s[:1] + out


def conv_lstm2d(r, s):
    if len(s) != 4:  # (time, height, width, channels)
        return None
    f, k, pad, seq = (
        r.choice([1, 2]),
        r.choice([1, 2]),
        r.choice(["valid", "same"]),
        r.random() < 0.5,
    )
    cfg = {"filters": f, "kernel_size": k, "padding": pad, "return_sequences": seq}
    dims = tuple(_conv_len(n, k, 1, pad) for n in s[1:3])
    return "ConvLSTM2D", cfg, ((s[0],) if seq else ()) + dims + (f,)


def preprocess(r, s):
    """Discretization, and image augmentation layers (the identity in inference)."""
    if len(s) == 3 and r.random() < 0.6:
        kind = r.choice(["RandomFlip", "RandomRotation", "RandomZoom", "RandomContrast",
                         "RandomTranslation", "RandomBrightness"])  # fmt: skip
        cfg = {
            "RandomFlip": {"mode": r.choice(["horizontal", "vertical", "horizontal_and_vertical"])},
            "RandomRotation": {"factor": 0.1, "fill_mode": r.choice(["reflect", "constant"])},
            "RandomZoom": {"height_factor": 0.1},
            "RandomContrast": {"factor": 0.2},
            "RandomTranslation": {"height_factor": 0.1, "width_factor": 0.1},
            "RandomBrightness": {"factor": 0.1, "value_range": [0, 1]},
        }[kind]
        return kind, {**cfg, "seed": 7}, s
    if r.random() < 0.5 and len(s) == 1:
        mode = r.choice(["multi_hot", "count"])
        cfg = {"bin_boundaries": [-0.5, 0.0, 0.5], "output_mode": mode}
        return "Discretization", cfg, (4,)
    return "Discretization", {"bin_boundaries": [-0.5, 0.0, 0.5]}, s


NEWER_MENU = [conv_args, rnn_more, rnn_more, wrapped, conv_lstm2d, preprocess]


# -- the newest menu: drawn only by programs of seeds 529-999 and 2016 on (NEWEST), which
#    also draw the newer and extended menus; lower seeds draw what they always drew --------
NEWEST = ((529 * 100_000, 1000 * 100_000), (2016 * 100_000, math.inf))
IMAGE_RANDOM = ["RandomCrop", "RandomGrayscale", "RandomHue", "RandomSaturation",
                "RandomSharpness", "RandomShear", "RandomInvert", "RandomPosterization",
                "RandomColorDegeneration", "RandomErasing", "RandomGaussianBlur",
                "RandomPerspective", "RandomElasticTransform", "RandomColorJitter"]  # fmt: skip
RANDOM_IN_TRAINING |= set(IMAGE_RANDOM)
# (and Solarization: its drawn threshold_factor=(0.5, 0.5) is one threshold in numkeras,
# while Keras 3.15 draws from [lower, upper * 255], forgetting to scale the lower end, so
# its training thresholds are random in [0.5, 127.5]: numkeras's layer docstring, README)
RANDOM_IN_TRAINING.add("Solarization")
# the other names Keras exports some classes under
ALIASES = {"MaxPooling1D": "MaxPool1D", "MaxPooling2D": "MaxPool2D", "AveragePooling1D":
           "AvgPool1D", "AveragePooling2D": "AvgPool2D", "GlobalAveragePooling1D":
           "GlobalAvgPool1D", "GlobalMaxPooling2D": "GlobalMaxPool2D", "Conv1D":
           "Convolution1D", "Conv2DTranspose": "Convolution2DTranspose", "SeparableConv1D":
           "SeparableConvolution1D", "SeparableConv2D": "SeparableConvolution2D"}  # fmt: skip


def _newest(seed: int) -> bool:
    return any(lo <= seed < hi for lo, hi in NEWEST)


def adaptive(r, s):
    """Adaptive pooling over sequences and volumes (the extended menu has only images)."""
    if len(s) not in (2, 4):
        return None
    kind, rank = r.choice(["Average", "Max"]), len(s) - 1
    size = [r.choice([1, 2, 3]) for _ in range(rank)]
    size = [min(n, d) for n, d in zip(size, s)]
    return f"Adaptive{kind}Pooling{rank}D", {"output_size": size}, tuple(size) + s[-1:]


def alias(r, s):
    """A pooling or convolution drawn under another name Keras exports it as."""
    step = r.choice([pool, conv])(r, s)
    if step is None or step[0] not in ALIASES:
        return step
    return (ALIASES[step[0]],) + step[1:]


def image_more(r, s):
    """Image layers the other menus never draw: AutoContrast, Equalization, Solarization
    (deterministic in numkeras, random in Keras's training: RANDOM_IN_TRAINING), and
    augmentation layers (the identity in inference)."""
    if len(s) != 3:
        return None
    kind = r.choice(["AutoContrast", "Equalization", "Solarization", *IMAGE_RANDOM])
    cfg = {
        "AutoContrast": {"value_range": [0, 1]},
        "Equalization": {"value_range": [0, 255], "bins": r.choice([16, 256])},
        "Solarization": {"threshold_factor": [0.5, 0.5], "value_range": [0, 1]},
        "RandomCrop": {"height": s[0], "width": s[1]},
        "RandomGrayscale": {"factor": 0.5},
        "RandomHue": {"factor": 0.2, "value_range": [0, 1]},
        "RandomSaturation": {"factor": 0.2, "value_range": [0, 1]},
        "RandomSharpness": {"factor": 0.2, "value_range": [0, 1]},
        "RandomShear": {"x_factor": 0.1},
        "RandomInvert": {"value_range": [0, 1]},
        "RandomPosterization": {"factor": [1, 8], "value_range": [0, 255]},
        "RandomColorDegeneration": {"factor": 0.3, "value_range": [0, 1]},
        "RandomErasing": {"value_range": [0, 1]},
        "RandomGaussianBlur": {"value_range": [0, 1]},
        "RandomPerspective": {"factor": 0.5},
        "RandomElasticTransform": {"value_range": [0, 1]},
        "RandomColorJitter": {"value_range": [0, 1], "brightness_factor": 0.1},
    }[kind]
    if kind in IMAGE_RANDOM:
        cfg["seed"] = 3
    return kind, cfg, s


NEWEST_MENU = [adaptive, alias, alias, image_more]


# -- the latest menu: drawn only by programs of seeds 563-999 and 2041 on (LATEST), which
#    also draw the newest, newer and extended menus; lower seeds draw what they always drew
LATEST = ((563 * 100_000, 1000 * 100_000), (2041 * 100_000, math.inf))


def _latest(seed: int) -> bool:
    return any(lo <= seed < hi for lo, hi in LATEST)


def normalization(r, s):
    """Normalization with a given mean and variance (a number, or one per feature of the
    last axis or of axis 1), sometimes inverted."""
    axis = 1 if len(s) > 1 and r.random() < 0.3 else -1
    n = s[0] if axis == 1 else s[-1]
    if r.random() < 0.3:
        mean, variance = r.choice([0.5, -1.0]), r.choice([2.0, 0.25])
    else:
        mean = [round(r.uniform(-1, 1), 3) for _ in range(n)]
        variance = [round(r.uniform(0.1, 3), 3) for _ in range(n)]
    cfg = {"axis": axis, "mean": mean, "variance": variance, "invert": r.random() < 0.3}
    return "Normalization", cfg, s


def other_axes(r, s):
    """Layers on channels_first data or over other axes than the last: Flatten, padding,
    cropping and upsampling with data_format="channels_first", and LayerNormalization,
    BatchNormalization, GroupNormalization and Softmax over inner axes."""
    if len(s) < 2:
        return None
    kind = r.choice(["Flatten", "ZeroPadding", "Cropping2D", "UpSampling2D", "LayerNormalization",
                     "BatchNormalization", "GroupNormalization", "Softmax"])  # fmt: skip
    a, b = r.choice([(1, 0), (0, 2), (1, 1)])
    if kind == "Flatten":
        return kind, {"data_format": "channels_first"}, (math.prod(s),)
    if kind == "ZeroPadding" and len(s) == 2:
        return "ZeroPadding1D", {"padding": [a, b], "data_format": "channels_first"}, (
            s[0], s[1] + a + b)  # fmt: skip
    if kind == "ZeroPadding" and len(s) == 3:
        cfg = {"padding": [[a, b], [b, a]], "data_format": "channels_first"}
        return "ZeroPadding2D", cfg, (s[0], s[1] + a + b, s[2] + a + b)
    if kind == "Cropping2D" and len(s) == 3:
        cfg = {"cropping": [[a, b], [b, a]], "data_format": "channels_first"}
        return kind, cfg, (s[0], s[1] - a - b, s[2] - a - b)
    if kind == "UpSampling2D" and len(s) == 3:
        cfg = {"size": [1, 2], "data_format": "channels_first",
               "interpolation": r.choice(["nearest", "bilinear"])}  # fmt: skip
        return kind, cfg, (s[0], s[1], 2 * s[2])
    if kind == "LayerNormalization":
        axis = r.choice([1, [1, 2]] if len(s) > 2 else [1, -2])
        return kind, {"axis": axis, "rms_scaling": r.random() < 0.2}, s
    if kind == "BatchNormalization":
        return kind, {"axis": r.choice(range(1, len(s))), "momentum": 0.5}, s
    if kind == "GroupNormalization":
        cfg = {"axis": 1, "groups": r.choice([g for g in (1, 2, 3) if s[0] % g == 0])}
        return kind, cfg, s
    return "Softmax", {"axis": [1, 2] if len(s) > 2 else [1, -1]}, s


LATEST_MENU = [normalization, other_axes, other_axes]
ATTENTIONS = ("Attention", "AdditiveAttention", "MultiHeadAttention", "GroupQueryAttention")
LIST_CALLS = {"Add", "Multiply", "Subtract", "Average", "Maximum", "Minimum", "Concatenate",
              "Dot", "Attention", "AdditiveAttention"}  # fmt: skip


# -- a program -------------------------------------------------------------------------
def program(seed: int) -> dict:
    """The JSON program of `seed`: `inputs` (shape, dtype), `nodes` (layer class, config or
    the index of the node whose layer it shares, the tensors it is called on: inputs first,
    then nodes), `outputs`, `sequential`, `loss` and `data`."""
    r = random.Random(seed)
    newer = _newer(seed)
    extended = seed >= EXTENDED_FROM or newer
    newest = _newest(seed)
    menu = MENU + EXTRA * extended + NEWER_MENU * newer + NEWEST_MENU * newest
    menu += LATEST_MENU * _latest(seed)
    rank = r.choice([1, 2, 2, 3])
    if extended and r.random() < 0.1:  # a volume, for the 3D layers
        rank = 4
    shape = tuple(r.choice([2, 3, 4] if rank == 4 else [2, 3, 4, 5, 6]) for _ in range(rank))
    inputs, nodes, shapes = [], [], []
    integer = rank == 1 and r.random() < 0.5  # token ids into an Embedding
    dtype = "int32" if integer else r.choice(["float32"] * 9 + ["float64"])
    inputs.append({"shape": list(shape), "dtype": dtype})
    if newer and r.random() < 0.3:  # a named Input
        inputs[0]["name"] = "tokens" if integer else "features"
    if extended and rank >= 2 and r.random() < 0.15:  # declared of any length (the data's is
        inputs[0]["declared"] = [None, *shape[1:]]  # still `shape`)
    shapes.append(shape)
    sequential = r.random() < 0.4
    two_inputs = not sequential and not integer and r.random() < 0.25

    def add(cls, cfg, args, out, share=None):
        nodes.append({"class": cls, "config": cfg, "args": args, "share": share})
        shapes.append(out)
        return len(shapes) - 1

    x = 0
    if integer and newest and r.random() < 0.4:  # token ids through the lookup layers
        x = tokens(r, add, shape)
    elif integer and extended and r.random() < 0.3:  # token ids as counts or one-hot rows
        mode = r.choice(["multi_hot", "count", "one_hot"])
        out = shape + (10,) if mode == "one_hot" else (10,)
        x = add("CategoryEncoding", {"num_tokens": 10, "output_mode": mode}, [0], out)
    elif integer:
        cfg = {"input_dim": 10, "output_dim": r.choice([2, 4]), "mask_zero": r.random() < 0.4}
        if newer and r.random() < 0.4:
            cfg["embeddings_regularizer"] = r.choice(["l2", {"class_name": "L1", "config": {}}])
            cfg["embeddings_constraint"] = r.choice([None, "unit_norm", "non_neg"])
        x = add("Embedding", cfg, [0], shape + (cfg["output_dim"],))
    if two_inputs:
        other = shape[:-1] + (r.choice([1, 3]),)
        inputs.append({"shape": list(other), "dtype": "float32"})
        shapes.append(other)
        if r.random() < 0.5:
            x = add("Concatenate", {}, [x, 1], shape[:-1] + (shape[-1] + other[-1],))
        else:  # project the second input, then add
            x = add("Add", {}, [x, add("Dense", {"units": shape[-1]}, [1], shape)], shape)
    for _ in range(r.randint(1, 5)):
        if not sequential and r.random() < 0.25:  # two branches, merged
            u = r.choice([2, 4])
            a = add("Dense", {"units": u, "activation": "relu"}, [x], shapes[x][:-1] + (u,))
            b = add("Dense", {"units": u}, [x], shapes[x][:-1] + (u,))
            if r.random() < 0.3:  # a shared layer, called on both branches
                a = add("Dense", {"units": u}, [a], shapes[a])
                b = add(None, None, [b], shapes[b], share=len(nodes) - 1)
            merge = r.choice(["Add", "Multiply", "Subtract", "Average", "Maximum", "Minimum"])
            out, cfg = shapes[a], {}
            if r.random() < 0.3:
                merge, cfg["axis"] = "Concatenate", r.choice([-1, *range(1, len(out) + 1)])
                axis = cfg["axis"] - 1 if cfg["axis"] > 0 else len(out) - 1
                out = out[:axis] + (2 * out[axis],) + out[axis + 1 :]
            elif len(out) == 1 and r.random() < 0.15:
                merge, cfg, out = "Dot", {"axes": 1, "normalize": r.random() < 0.5}, (1,)
            elif extended and len(out) == 2 and r.random() < 0.3:  # a batched matrix product
                axes = r.choice([1, 2])
                cfg = {"axes": axes, "normalize": r.random() < 0.3}
                merge, out = "Dot", (out[1], out[1]) if axes == 1 else (out[0], out[0])
            x = add(merge, cfg, [a, b], out)
            continue
        if newer and not sequential and len(shapes[x]) == 2 and r.random() < 0.15:
            x = states(r, add, shapes[x], x)  # an RNN's states, or both directions
            continue
        step = r.choice(menu)(r, shapes[x])
        if not sequential and r.random() < 0.15 and step and step[0] not in ATTENTIONS:
            second = r.choice(menu)(r, step[2])  # a nested Sequential of two layers
            if second and second[0] not in ATTENTIONS:
                inner = [{"class_name": c, "config": cfg} for c, cfg, _ in (step, second)]
                step = ("Sequential", {"layers": inner}, second[2])
                if newer and r.random() < 0.5:  # a nested functional model instead
                    step = ("Functional", {"layers": inner, "shape": list(shapes[x])}, step[2])
        if step and min(step[2], default=1) >= 1:
            cls, cfg, out = step
            if extended and r.random() < 0.06 and cls != "Sequential":  # a float64 layer
                cfg = {**cfg, "dtype": "float64"}
            if newer and r.random() < 0.2 and cls not in ("Sequential", "Functional"):
                cfg = {**cfg, "name": f"my_{cls.lower()}_{len(nodes)}"}  # a named layer
                if r.random() < 0.5 and "dtype" not in cfg:
                    cfg["dtype"] = r.choice(["float32", {"class_name": "DTypePolicy",
                                             "config": {"name": "float32"}}])  # fmt: skip
            if newest and r.random() < 0.1 and cls not in ("Sequential", "Functional"):
                policy = r.choice(["mixed_float16", "float16"])  # (no bfloat16: README)
                if policy == "float16" and re.search(r"LSTM|GRU|RNN", json.dumps([cls, cfg])):
                    policy = "mixed_float16"  # (Keras-JAX cannot: docstring)
                as_config = {"class_name": "DTypePolicy", "config": {"name": policy}}
                cfg = {**cfg, "dtype": r.choice([policy, as_config])}
            args = [x, x] if cls in ATTENTIONS else [x]
            x = add(cls, cfg, args, out)
            if len(args) == 2 and r.random() < 0.4:
                nodes[-1]["kwargs"] = {"use_causal_mask": True}
            if extended and not sequential and cls == "BatchNormalization" and r.random() < 0.4:
                nodes[-1]["kwargs"] = {"training": r.random() < 0.5}  # fixed in the graph
    outputs, loss = [x], "mse"
    if r.random() < 0.4:  # a classifier head
        if len(shapes[x]) > 1:
            x = add("Flatten", {}, [x], (math.prod(shapes[x]),))
        outputs, loss = [add("Dense", {"units": 3, "activation": "softmax"}, [x], (3,))], "sparse"
    elif not sequential and x > len(inputs) + 1 and r.random() < 0.3:  # a second output
        second = r.randrange(len(inputs), x)
        if newer and shapes[second] is None:  # (a list: one of its items instead)
            second = next(i for i in range(second + 1, x + 1) if shapes[i] is not None)
        outputs.append(add("Dense", {"units": 2}, [second], None))
    wrong = r.random() < 0.12
    data = {
        "n": r.choice([4, 5, 8]),
        "batch_size": r.choice([1, 2, 3, 4]),
        "steps": r.choice([1, 2]),
        "mutate": r.choice(["transpose", "no_batch", "extra_axis", "float64", "int"])
        if wrong
        else None,
    }
    return {"seed": seed, "inputs": inputs, "nodes": nodes, "outputs": outputs,
            "sequential": sequential, "loss": loss, "data": data}  # fmt: skip


def tokens(r, add, shape) -> int:
    """Token ids through Hashing or IntegerLookup (then an Embedding or counts), or a
    ReversibleEmbedding."""
    kind = r.choice(["Hashing", "IntegerLookup", "IntegerLookup", "ReversibleEmbedding"])
    dim = r.choice([2, 4])
    if kind == "ReversibleEmbedding":
        cfg = {"input_dim": 10, "output_dim": dim, "tie_weights": r.random() < 0.5}
        return add(kind, cfg, [0], shape + (dim,))
    if kind == "Hashing":
        cfg, size = {"num_bins": r.choice([3, 8]), "mask_value": r.choice([None, 0])}, None
        size = cfg["num_bins"]
        if r.random() < 0.3:
            cfg["output_mode"] = r.choice(["multi_hot", "count"])
            return add(kind, cfg, [0], (size,))
    else:
        cfg = {"vocabulary": [1, 2, 3, 5, 8], "num_oov_indices": r.choice([0, 1, 2])}
        cfg["mask_token"] = r.choice([None, None, 0])
        size = 5 + cfg["num_oov_indices"] + (cfg["mask_token"] is not None)
        if r.random() < 0.3:
            cfg["output_mode"] = r.choice(["multi_hot", "count"])
            return add(kind, cfg, [0], (size,))
        if r.random() < 0.2:
            cfg["invert"] = False
    ids = add(kind, cfg, [0], shape)
    return add("Embedding", {"input_dim": size, "output_dim": dim}, [ids], shape + (dim,))


def states(r, add, s, x) -> int:
    """An RNN with return_state=True, or a Bidirectional with merge_mode=None (lists of
    tensors, taken apart by `Item` nodes); one part goes on, another becomes an output
    through a Dense."""
    u, seq, kind = r.choice([2, 3]), r.random() < 0.5, r.choice(["LSTM", "GRU", "SimpleRNN"])
    out = (s[0], u) if seq else (u,)
    cfg = {"units": u, "return_sequences": seq, "go_backwards": r.random() < 0.3}
    if r.random() < 0.5:
        parts = [out] + [(u,)] * (2 if kind == "LSTM" else 1)
        node = add(kind, {**cfg, "return_state": True}, [x], None)
    else:
        cfg.pop("go_backwards")
        parts = [out, out]
        node = add("Bidirectional", {"layer": {"class_name": kind, "config": cfg},
                                     "merge_mode": None}, [x], None)  # fmt: skip
    items = [add("Item", {"index": j}, [node], part) for j, part in enumerate(parts)]
    return r.choice(items)


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _layer(K, cls: str, config: dict):
    if cls == "Sequential":  # a nested model
        return K.Sequential([_layer(K, c["class_name"], c["config"]) for c in config["layers"]])
    if cls == "Functional":  # a nested functional model
        x = inp = K.Input(tuple(config["shape"]))
        for c in config["layers"]:
            x = _layer(K, c["class_name"], c["config"])(x)
        return K.Model(inp, x)
    if cls == "Item":  # (no layer: an item of the list a layer returned)
        return None
    cfg = dict(config)
    if "backward_layer" in cfg:
        back = cfg["backward_layer"]
        cfg["backward_layer"] = _layer(K, back["class_name"], back["config"])
    if "layer" in cfg:  # a wrapper: build the wrapped layer first
        cfg["layer"] = _layer(K, cfg["layer"]["class_name"], cfg["layer"]["config"])
    if "cell" in cfg:  # an RNN of a cell, or of a list of cells (a stack)
        cells = [_layer(K, c["class_name"], c["config"]) for c in _as_list(cfg["cell"])]
        cfg["cell"] = cells if isinstance(cfg["cell"], list) else cells[0]
    return getattr(K.layers, cls)(**cfg)


def _declared(inp: dict) -> tuple:
    return tuple(inp.get("declared", inp["shape"]))


def _input(K, inp: dict):
    name = {"name": inp["name"]} if "name" in inp else {}
    return K.Input(_declared(inp), dtype=inp["dtype"], **name)


def build(K, prog: dict):
    """The model of `prog`, built with the Keras-like module `K`."""
    layers = []
    for node in prog["nodes"]:
        if node["share"] is not None:
            layers.append(layers[node["share"]])
            continue
        layers.append(_layer(K, node["class"], node["config"]))
    if prog["sequential"]:
        (inp,) = prog["inputs"]
        return K.Sequential([_input(K, inp), *layers])
    tensors = [_input(K, i) for i in prog["inputs"]]
    for node, layer in zip(prog["nodes"], layers):
        args = [tensors[a] for a in node["args"]]
        cls = node["class"] or prog["nodes"][node["share"]]["class"]
        if cls == "Item":
            tensors.append(args[0][node["config"]["index"]])
            continue
        kwargs = node.get("kwargs", {})
        call = layer(args, **kwargs) if cls in LIST_CALLS else layer(*args, **kwargs)
        tensors.append(call)
    outs = [tensors[o] for o in prog["outputs"]]
    ins = tensors[: len(prog["inputs"])]
    return K.Model(ins if len(ins) > 1 else ins[0], outs if len(outs) > 1 else outs[0])


def data(prog: dict, output_shapes) -> tuple:
    """x (mutated as the program says) and y for its outputs' shapes."""
    rng, d = np.random.default_rng(prog["seed"]), prog["data"]
    xs = []
    for inp in prog["inputs"]:
        shape = (d["n"], *inp["shape"])
        x = rng.integers(0, 10, shape) if inp["dtype"] == "int32" else rng.normal(size=shape)
        xs.append(x.astype(inp["dtype"]))
    if xs[0].ndim == 3 and xs[0].dtype.kind == "f":  # whole zero steps, for Masking
        xs[0][rng.random(xs[0].shape[:2]) < 0.25] = 0
    m = d["mutate"]
    if m == "transpose":
        xs[0] = np.swapaxes(xs[0], -1, -2) if xs[0].ndim > 2 else xs[0].T
    elif m == "no_batch":
        xs[0] = xs[0][0]
    elif m == "extra_axis":
        xs[0] = xs[0][..., None]
    elif m == "float64":
        xs[0] = xs[0].astype("float64")
    elif m == "int":  # (token ids stay in the vocabulary: Keras-JAX gives NaN past it)
        xs[0] = (xs[0] if xs[0].dtype.kind == "i" else np.round(xs[0] * 3)).astype("int64")
    ys = []
    length = prog["inputs"][0]["shape"][0]  # (for an axis of any length: the data's)
    for shape in output_shapes:
        if prog["loss"] == "sparse":
            ys.append(rng.integers(0, 3, d["n"]))
        else:
            shape = [length if s is None else s for s in shape[1:]]
            ys.append(rng.normal(size=(d["n"], *shape)).astype("float32"))
    return (xs if len(xs) > 1 else xs[0]), (ys if len(ys) > 1 else ys[0])


def _error(e: Exception) -> str:
    """The built-in classes of `e` (numkeras's errors subclass Keras's), then its message."""
    builtins = "|".join(c.__name__ for c in type(e).__mro__[:-2] if c.__module__ == "builtins")
    return f"{builtins}: {type(e).__name__}: {str(e)[:200]}"


def _same_error(want: str, got: str) -> bool:
    """Whether `got` is of the built-in class Keras raised (`except` catches both)."""
    return want.split("|")[0].split(":")[0] in got.split(":")[0].split("|")


def _arrays(value, with_dtypes: bool = False) -> list:
    value = value if isinstance(value, (list, tuple)) else [value]
    arrays = [np.asarray(v, dtype="float64").round(6).tolist() for v in value]
    return arrays + [str(np.asarray(v).dtype) for v in value] * with_dtypes


def attempt(record: dict, key: str, fn) -> None:
    try:
        record[key] = fn()
    except Exception as e:  # noqa: BLE001 - an error is a result to compare too
        record[key] = {"error": _error(e)}


def _roundtrip(layer):
    """True where a layer's config survives from_config, else the config it comes back as."""
    want = json.loads(json.dumps(layer.get_config(), default=repr))
    again = type(layer).from_config(json.loads(json.dumps(want)))  # (a copy: Keras's
    # from_config pops keys from the config it is given)
    got = json.loads(json.dumps(again.get_config(), default=repr))
    return True if got == want else got


def _graph(model) -> dict:
    """A model's config without its layers' own configs (compared one by one): its
    layers' classes, names and calls, its inputs and outputs."""
    config = json.loads(json.dumps(model.get_config(), default=repr))
    layers = [{k: v for k, v in layer.items() if k not in ("config", "module")}
              for layer in config.pop("layers", [])]  # fmt: skip
    return {**config, "layers": layers}


def run_program(K, prog: dict, weights_file: str, keras: bool) -> dict:
    rec = {}
    K.utils.clear_session()
    try:
        model = build(K, prog)
    except Exception as e:  # noqa: BLE001
        return {"build": _error(e)}
    rec["build"] = "ok"
    rec["layers"] = []
    for layer in model.layers:
        row = {"name": layer.name, "class": type(layer).__name__}
        attempt(row, "shape", lambda layer=layer: list(layer.output.shape))
        attempt(row, "params", layer.count_params)
        config = lambda layer=layer: json.loads(json.dumps(layer.get_config(), default=repr))  # noqa: E731
        attempt(row, "config", config)
        attempt(row, "roundtrip", lambda layer=layer: _roundtrip(layer))
        rec["layers"].append(row)
    attempt(rec, "params", model.count_params)
    lines = []
    attempt(rec, "summary", lambda: model.summary(print_fn=lambda s, **k: lines.append(s)))
    rec["summary"] = "\n".join(lines)
    attempt(rec, "graph", lambda: _graph(model))
    lines = []  # nested models opened, with the trainable column
    nested = {
        "expand_nested": True,
        "show_trainable": True,
        "print_fn": lambda s, **k: lines.append(s),
    }
    attempt(rec, "summary_nested", lambda: model.summary(**nested))
    rec["summary_nested"] = "\n".join(lines)
    if keras:  # Keras's initial weights, nudged so that biases and BN statistics are not 0 / 1
        rng = np.random.default_rng(prog["seed"])
        weights = [w + 0.1 * rng.normal(size=w.shape).astype(w.dtype) for w in model.get_weights()]
        model.set_weights(weights)
        np.savez(weights_file, *weights)
    elif not os.path.exists(weights_file):  # Keras did not build it: compare the builds
        return rec
    else:
        with np.load(weights_file) as f:
            weights = [f[f"arr_{i}"] for i in range(len(f.files))]
        attempt(rec, "set_weights", lambda: model.set_weights(weights))
    attempt(rec, "outputs", lambda: [list(o.shape) for o in model.outputs])
    if "error" in rec["outputs"]:  # a Sequential whose layers did not build
        return rec
    x, y = data(prog, rec["outputs"])
    d = prog["data"]
    attempt(rec, "predict", lambda: _arrays(model.predict(x, verbose=0), with_dtypes=True))

    def clone():  # from its config, with its weights
        copy = type(model).from_config(model.get_config())
        copy.set_weights(model.get_weights())
        return _arrays(copy.predict(x, verbose=0))

    attempt(rec, "from_config", clone)
    attempt(
        rec, "predict_bs", lambda: _arrays(model.predict(x, batch_size=d["batch_size"], verbose=0))
    )
    attempt(rec, "predict_steps", lambda: _arrays(
        model.predict(x, batch_size=d["batch_size"], steps=d["steps"], verbose=0)))  # fmt: skip
    loss = "mse" if prog["loss"] == "mse" else "sparse_categorical_crossentropy"
    attempt(rec, "compile", lambda: model.compile(optimizer=K.optimizers.SGD(0.01), loss=loss))
    attempt(rec, "evaluate", lambda: _arrays(model.evaluate(x, y, verbose=0)))
    fit = lambda: model.fit(x, y, epochs=2, batch_size=d["batch_size"], shuffle=False, verbose=0)  # noqa: E731
    attempt(rec, "history", lambda: {k: _arrays(v) for k, v in fit().history.items()})
    attempt(rec, "weights_after", lambda: _arrays(model.get_weights()))
    return rec


def run(library: str, seed: int, count: int, out_dir: str) -> None:
    K = importlib.import_module(library)
    os.makedirs(f"{out_dir}/weights", exist_ok=True)
    records = {}
    for i in range(count):
        prog = program(seed * 100_000 + i)
        records[i] = run_program(K, prog, f"{out_dir}/weights/{i}.npz", library == "keras")
        print(i, records[i]["build"][:60], flush=True)
        with open(f"{out_dir}/{library}.json", "w") as f:  # (each time: a run cut short by
            json.dump(records, f)  # a timeout keeps the programs it ran)


def _diff(want, got, rtol=1e-3, atol=1e-4) -> str | None:
    """Where `got` differs from `want` (nested JSON, numbers compared with tolerances)."""
    if isinstance(want, dict) and any(c in want.get("error", "") for c in KERAS_CRASHES):
        return None
    if isinstance(want, str) and any(c in want for c in KERAS_CRASHES):  # (a build's)
        return None
    if isinstance(want, list) and isinstance(got, list):
        try:
            a, b = np.asarray(want, dtype=float), np.asarray(got, dtype=float)
        except (ValueError, TypeError):  # ragged or mixed: compare item by item
            a = b = None
        if a is not None:
            if a.shape != b.shape:
                return f"shape {a.shape} vs {b.shape}"
            if not np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True):
                return f"max diff {np.nanmax(np.abs(a - b)):.3g}"
            return None
        if len(want) != len(got):
            return f"{len(want)} items vs {len(got)}"
        for i, (w, g) in enumerate(zip(want, got)):
            if (d := _diff(w, g, rtol, atol)) is not None:
                return f"[{i}] {d}"
        return None
    if isinstance(want, dict) and isinstance(got, dict):
        if sorted(want) != sorted(got):
            return f"keys {sorted(want)} vs {sorted(got)}"
        if "error" in want:  # the built-in class must match; messages may differ
            return (
                None
                if _same_error(want["error"], got["error"])
                else f"{want['error']}\n      vs {got['error']}"
            )
        for k in want:
            if (d := _diff(want[k], got[k], rtol, atol)) is not None:
                return f"{k}: {d}"
        return None
    if isinstance(want, float) and isinstance(got, (int, float)):
        if math.isnan(want) and math.isnan(got):
            return None
        return None if math.isclose(want, got, rel_tol=rtol, abs_tol=atol) else f"{want} vs {got}"
    if isinstance(want, str) and isinstance(got, str) and ":" in want and ":" in got:
        return None if _same_error(want, got) else f"{want}\n      vs {got}"
    return None if want == got else f"{want!r}\n      vs {got!r}"


def load_records(out_dir: str) -> tuple[dict, dict]:
    """The records a `run` of Keras and of numkeras wrote in `out_dir`."""
    with open(f"{out_dir}/keras.json") as f:
        keras = json.load(f)
    with open(f"{out_dir}/numkeras.json") as f:
        return keras, json.load(f)


def compare(out_dir: str, seed: int = 0) -> int:
    keras, ours = load_records(out_dir)
    bad = 0
    for i, want in keras.items():
        got = ours.get(i, {})
        prog = program(seed * 100_000 + int(i))
        nodes = json.dumps(prog["nodes"])  # (nested models' layers too)
        random_fit = any(f'"{c}"' in nodes for c in RANDOM_IN_TRAINING)
        # a call's fixed `training` wins in numkeras (README, Keras 2); Keras 3's predict and
        # evaluate pass False over a recorded True, its fit True over a recorded False
        fixed = {n.get("kwargs", {}).get("training") for n in prog["nodes"]}
        skipped = {"history", "weights_after"} if False in fixed else set()
        if True in fixed:
            skipped |= {"predict", "from_config", "predict_bs", "predict_steps", "evaluate"}
            skipped |= {"weights_after"}  # (numkeras's predict moves its moving statistics)
        if any(
            "lora_rank" in (n["config"] or {}) and (n["config"] or {}).get("dtype") == "float64"
            for n in prog["nodes"]
        ):  # (a float64 layer's LoRA factors: float64 in numkeras, float32 in Keras: README)
            skipped.add("summary")
        if re.search('"(LayerNormalization|SpectralNormalization)"', nodes) and (
            '"Discretization"' in nodes or prog["data"]["mutate"] == "int"
        ):  # (Keras's LayerNormalization of integers takes their mean in integers, rounding
            # it: silently wrong; its SpectralNormalization truncates its outputs to their
            # inputs' integer type, README; numkeras's computes in floats)
            skipped |= {"predict", "from_config", "predict_bs", "predict_steps", "evaluate"}
            skipped |= {"history", "weights_after"}
        if '"UnitNormalization"' in nodes and "NaN" in json.dumps(want.get("history")):
            # (Keras's gradient of the norm of a zero row is NaN: its fit turns NaN where
            # the data has zero steps; numkeras's is 0, as the norm's subgradient there)
            skipped |= {"history", "weights_after"}
        unchecked = prog["data"]["mutate"] in ("transpose", "no_batch", "extra_axis")
        # (a float16 layer rounds to ~1e-3 of its values: the two libraries' sums differ there)
        tol = (2e-2, 2e-2) if "float16" in nodes else (1e-3, 1e-4)
        problems = []
        # (targets that line up with the outputs only by broadcasting, as a Dense(glu)'s
        # halved axis that Keras's symbolic shape misses: numkeras refuses them, README)
        broadcast = any(
            "IncompatibleShapesError" in str(got.get(k)) and "error" not in str(want[k])
            for k in want
        )
        for key in want:
            if random_fit and key in ("history", "weights_after") or key in skipped:
                continue
            if broadcast and key in ("evaluate", "history", "weights_after"):
                continue
            if unchecked and "error" not in str(want[key]) and "ValueError" in str(got.get(key)):
                continue  # Keras-JAX's trainer skips the model's input check (torch's does not)
            if unchecked and key == "weights_after" and "ValueError" in str(got.get("history")):
                continue  # (so Keras trained where numkeras refused)
            f64 = '"dtype": "float64"' in nodes + json.dumps(prog["inputs"])  # (an Input's too)
            if key == "predict" and f64 and isinstance(want[key], list):
                # (Keras-JAX computes a float64 layer in float32: JAX runs without x64)
                got = {**got, key: [v.replace("float64", "float32") if isinstance(v, str) else v
                                    for v in got.get(key, [])]}  # fmt: skip
            if key.startswith("summary") and "(NotEqual)" in want[key]:
                continue  # Keras lists a mask's ops as rows: see the notes above
            if key == "graph" and '"NotEqual"' in json.dumps(want[key]):
                continue  # (and as layers of its config)
            if key.startswith("summary") and isinstance(want[key], str):
                diff = [
                    f"{a}\n      vs {b}"
                    for a, b in zip(want[key].split("\n"), got.get(key, "").split("\n"))
                    if a != b
                ]
                problems += diff[:1]
            elif key == "layers" and len(want[key]) == len(got.get(key, [])):
                for w, g in zip(want[key], got[key]):  # one problem per layer
                    g = {k: v for k, v in g.items() if k in w}  # (Keras's written before a
                    # new key: compare the ones it has)
                    if (d := _diff(w, g)) is not None:
                        problems.append(f"layer {w['name']}: {d}")
            elif (d := _diff(want[key], got.get(key), *tol)) is not None:
                problems.append(f"{key}: {d}")
        if problems:
            bad += 1
            print(f"program {i} (seed {prog['seed']}):", *problems, sep="\n    ")
    print(f"{len(keras)} programs, {bad} differ")
    return bad


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "run":  # run LIBRARY SEED COUNT OUT_DIR
        run(args[0], int(args[1]), int(args[2]), args[3])
    elif command == "compare":  # compare OUT_DIR [SEED]
        sys.exit(1 if compare(args[0], int(args[1]) if len(args) > 1 else 0) else 0)
    else:  # show SEED INDEX
        print(json.dumps(program(int(args[0]) * 100_000 + int(args[1])), indent=1))
