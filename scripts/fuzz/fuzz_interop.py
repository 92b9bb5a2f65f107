"""Differential fuzzing of Keras file interop: random small models saved by Keras 3 and read
by numkeras, and saved by numkeras and read by Keras 3, in `.keras`, `.weights.h5` and
legacy `.h5` form; predictions, weights, compile / optimizer configs and one resumed
training step compared.

Three phases share a folder (the seed draws the same models in both libraries):

    D=/tmp/fz; F=seq   # or func
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/fuzz/fuzz_interop.py keras-write $F 1 80 $D
    python scripts/fuzz/fuzz_interop.py numkeras $F 1 80 $D
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/fuzz/fuzz_interop.py keras-read $F 1 80 $D

(run Keras from outside /work/main, or with the repository not first on sys.path).

- `keras-write`: Keras builds each model (random weights; some compiled and trained two
  steps), writes `k.keras`, `k.weights.h5`, `k.h5`, records its predictions, weights,
  compile / optimizer configs, its own reload outcomes (an error type where Keras refuses its
  own file), loading the previous case's weights into this architecture, and the weights
  after one more training step.
- `numkeras`: loads each of those files (`load_model`; a fresh build + `load_weights`),
  compares with the record, resumes training one step, then writes `n.keras`,
  `n.weights.h5`, `n.h5` and its record; also checks that re-saving keeps Keras's config.
- `keras-read`: Keras loads numkeras's files and compares with numkeras's record.

Phase seeds from 1000 on also draw EinsumDense, Dense with LoRA, SpectralNormalization,
RMSNormalization, UnitNormalization, RNN over cells, ConvLSTM1D, Resizing, CenterCrop,
adaptive pooling and GroupQueryAttention (Builder.extra); phase seeds 500-999 and from
2000 on draw those and also named layers, causal dilated and grouped Conv1D with activity
regularizers, TimeDistributed convolutions, ConvLSTM2D, constrained RNNs, Discretization
and augmentation layers (Builder.newer); phase seeds 529-999 and from 2016 on draw all those
and also Dense layers of policy "mixed_float16" / "float16" (their cases compared at float16's
precision), adaptive pooling of sequences, layers under Keras's other names (MaxPool1D,
Convolution2D...), AutoContrast, and token ids through a ReversibleEmbedding, an
IntegerLookup or a Hashing (Keras needs TensorFlow for those two: its build fails, so the
case is skipped) (Builder.newest); lower seeds draw the models they always drew.

Each phase prints one line per disagreement and a count. Families: `seq` (Sequential) and
`func` (functional: several inputs / outputs, shared layers, nested models, attention).
Not run by CI. Known noise: a weight whose gradient is rounding noise (self-attention over
identical rows) moves by +-lr under Adam-like optimizers, so a resumed step may differ by
~1e-3 there; a LayerNormalization of nearly equal features (after `Rescaling(1/255, -1)`)
rounds at ~1e-4 of the output's scale in both libraries (compared at that scale).
An AutoContrast over a constant channel gives Keras-JAX a NaN gradient (`0 * inf`; numkeras
passes the gradient, README): a resumed step whose Keras weights hold NaN there is skipped.
A LoRA layer's file holds its kernel with the factors merged in and a load starts fresh
factors (in Keras too), so with one only the predictions of a loaded model are compared.
Where Keras cannot reload its own file (a `.h5` with a `NotEqual` mask op or
a loss named `mse` / `mae`; a `.keras` with a frozen MultiHeadAttention's or
GroupedQueryAttention's optimizer state), numkeras may read it: only its error type is
compared when both refuse (and where Keras restarts its own `.keras`'s optimizer, warning,
neither the iteration count it reads from numkeras's nor the step it resumes from there is
compared). numkeras's `.h5`
names a metric tf_keras would misread by the object it resolved to (`accuracy` as
`SparseCategoricalAccuracy(name="accuracy")`), so Keras 3's reading of it is compared by
the metrics' names. Changing the model
generator changes the models a seed draws: rerun all three phases after an edit.
"""

# ruff: noqa: B023 - each phase's closures run within their loop iteration
from __future__ import annotations

import json
import os
import pickle
import sys
import warnings
import zipfile

import numpy as np

RTOL, ATOL = 1e-4, 1e-5  # loaded predictions
TRAIN_RTOL, TRAIN_ATOL = 2e-3, 1e-4  # one resumed step, JAX vs NumPy rounding

ACTS = ["relu", "tanh", "sigmoid", "linear", "elu", "gelu", "swish", "softplus"]
# phase seeds from EXTENDED_FROM on also draw the layers of `Builder.extra` (lower seeds keep
# the models earlier reports name)
EXTENDED_FROM = 1000
EXTENDED = False  # (set from the phase's seed)
# phase seeds 500-999 and from 2000 on also draw `Builder.newer` (and the extended draws)
NEWER = ((500, 1000), (2000, 1 << 62))
NEWER_DRAWS = False  # (set from the phase's seed)
# phase seeds 529-999 and from 2016 on also draw `Builder.newest` (and all the above)
NEWEST = ((529, 1000), (2016, 1 << 62))
NEWEST_DRAWS = False  # (set from the phase's seed)


class Builder:
    """Draws layers from `rng` by the shape they get; the same draws in both libraries."""

    def __init__(self, K, rng, train: bool, functional: bool):
        self.K, self.L, self.rng = K, K.layers, rng
        self.train, self.functional = train, functional
        self.desc: list[str] = []
        self.makes: list = []  # every layer constructor applied, in order (Sequential's)

    def apply(self, make, tensor):
        self.makes.append(make)
        return make()(tensor)

    def i(self, lo, hi):
        return int(self.rng.integers(lo, hi))

    def pick(self, options):
        return options[int(self.rng.integers(len(options)))]

    def coin(self, p=0.5):
        return bool(self.rng.random() < p)

    # -- extras on weighted layers -----------------------------------------------------
    def extras(self, prefix="kernel"):
        K, kw = self.K, {}
        r = self.i(0, 6)
        if r == 1:
            kw[f"{prefix}_regularizer"] = "l2"
        elif r == 2:
            kw[f"{prefix}_regularizer"] = K.regularizers.L1L2(l1=0.001, l2=0.002)
        elif r == 3:
            kw["activity_regularizer"] = K.regularizers.L2(0.001)
        c = self.i(0, 6)
        if c == 1:
            kw[f"{prefix}_constraint"] = K.constraints.MaxNorm(1.5)
        elif c == 2:
            kw[f"{prefix}_constraint"] = "non_neg"
        elif c == 3:
            kw[f"{prefix}_constraint"] = K.constraints.MinMaxNorm(0.1, 1.2, rate=0.5)
        n = self.i(0, 5)
        if n == 1:
            kw[f"{prefix}_initializer"] = K.initializers.HeNormal(seed=3)
        elif n == 2:
            kw[f"{prefix}_initializer"] = K.initializers.Orthogonal(gain=0.5, seed=4)
        elif n == 3:
            kw[f"{prefix}_initializer"] = "lecun_uniform"
        if self.coin(0.2):
            kw["bias_regularizer"] = K.regularizers.L1(0.001)
        return kw

    def note(self, text):
        self.desc.append(text)

    @staticmethod
    def show(kw):
        """`kw` with objects as their class names (reprs differ between libraries)."""
        plain = (str, int, float, bool, type(None), list, tuple)
        return {k: v if isinstance(v, plain) else type(v).__name__ for k, v in kw.items()}

    # -- one layer for a tensor of `shape` (no batch) --------------------------------------
    def layer(self, shape, masked=False):
        """A constructor and its description; called twice (shape probe, real model)."""
        rank = len(shape)
        if NEWEST_DRAWS and self.coin(0.25):
            drawn = self.newest(shape)
            if drawn is not None:
                return drawn
        if NEWER_DRAWS and self.coin(0.4):
            drawn = self.newer(shape) or self.newer(shape)  # (two tries: most fit few shapes)
            if drawn is not None:
                return drawn
        if EXTENDED and self.coin(0.3):
            drawn = self.extra(shape)
            if drawn is not None:
                return drawn
        opts = {
            1: self.rank1,
            2: self.rank2,
            3: self.rank3,
            4: self.rank4,
        }[rank]
        return opts(shape, masked)

    def extra(self, shape):
        """The extended draws: layers with weights of their own layout in the files."""
        L, rank = self.L, len(shape)
        k = self.pick(["einsum", "lora", "spectral", "rms", "unit", "cells", "convlstm", "image",
                       "adaptive"])  # fmt: skip
        if k == "einsum" and rank <= 2:
            u = self.i(2, 5)
            if rank == 1:
                return f"EinsumDense(ab,bc->ac,{u})", lambda: L.EinsumDense(
                    "ab,bc->ac", output_shape=u, bias_axes="c", activation="relu"
                )
            return f"EinsumDense(abc,cde->abde,{u})", lambda: L.EinsumDense(
                "abc,cde->abde", output_shape=(shape[0], 2, u), bias_axes="de"
            )
        if k == "lora":
            u, rank_ = self.i(2, 5), self.i(1, 3)
            return f"Dense({u},lora_rank={rank_})", lambda: L.Dense(u, lora_rank=rank_)
        if k == "spectral":
            u = self.i(2, 5)
            return f"SpectralNormalization(Dense({u}))", lambda: L.SpectralNormalization(
                L.Dense(u), power_iterations=1
            )
        if k == "rms":
            return "RMSNormalization", lambda: L.RMSNormalization(epsilon=1e-3)
        if k == "unit":
            return "UnitNormalization", lambda: L.UnitNormalization()
        if k == "cells" and rank == 2:
            units = [self.i(2, 4) for _ in range(self.i(1, 3))]
            seq = self.coin()

            def cells():  # (not a list of one cell: Keras-JAX's scan crashes on it)
                made = [L.GRUCell(u) if j % 2 else L.LSTMCell(u) for j, u in enumerate(units)]
                return made if len(made) > 1 else made[0]

            return f"RNN(cells {units},{seq})", lambda: L.RNN(cells(), return_sequences=seq)
        if k == "convlstm" and rank == 3:
            f = self.i(1, 3)
            return f"ConvLSTM1D({f})", lambda: L.ConvLSTM1D(f, 2, padding="same")
        if k == "image" and rank == 3:
            h, w = self.i(2, 5), self.i(2, 5)
            if self.coin():
                return f"Resizing({h},{w})", lambda: L.Resizing(h, w)
            return f"CenterCrop({h},{w})", lambda: L.CenterCrop(h, w)
        if k == "adaptive" and rank in (2, 3):
            kind = self.pick(["Average", "Max"])
            size = [2] * (rank - 1)
            cls = f"Adaptive{kind}Pooling{rank - 1}D"
            return f"{cls}({size})", lambda: getattr(L, cls)(size)
        return None

    def newer(self, shape):
        """The newer draws: named layers (their names are the files' paths), causal dilated
        and grouped convolutions, wrappers over convolutions, ConvLSTM2D, RNNs with
        constraints, Discretization and augmentation layers (the identity in inference)."""
        L, K, rank = self.L, self.K, len(shape)
        k = self.pick(["named", "conv", "td_conv", "convlstm2d", "rnn", "discretize", "augment"])
        if k == "named":
            u, name = self.i(2, 5), f"named_{len(self.desc)}"
            kw = self.extras()
            return f"Dense({u},name={name},{sorted(kw)})", lambda: L.Dense(u, name=name, **kw)
        if k == "conv" and rank == 2:
            n, kw = self.pick([2, 4]), {"dilation_rate": 2, "padding": "causal"}
            if shape[-1] % 2 == 0 and self.coin():
                kw = {"groups": 2, "padding": "same"}
            kw.update(self.extras(), activity_regularizer="l1")
            return f"Conv1D({n},{sorted(kw)})", lambda: L.Conv1D(n, 2, **kw)
        if k == "td_conv" and rank in (3, 4):
            n = self.i(1, 3)
            cls = "Conv1D" if rank == 3 else "Conv2D"
            return f"TimeDistributed({cls}({n}))", lambda: L.TimeDistributed(
                getattr(L, cls)(n, 1, use_bias=False)
            )
        if k == "convlstm2d" and rank == 4:
            f, seq = self.i(1, 3), self.coin()
            return f"ConvLSTM2D({f},{seq})", lambda: L.ConvLSTM2D(
                f, 2, padding="same", return_sequences=seq
            )
        if k == "rnn" and rank == 2:
            cell, u = self.pick(["LSTM", "GRU", "SimpleRNN"]), self.i(2, 4)
            kw = {"kernel_constraint": K.constraints.UnitNorm(), "bias_constraint": "non_neg",
                  "activity_regularizer": "l2", "return_sequences": self.coin()}  # fmt: skip
            return f"{cell}({u},constrained)", lambda: getattr(L, cell)(u, **kw)
        if k == "discretize" and not self.train:  # (its integer output: not trained)
            return "Discretization", lambda: L.Discretization(bin_boundaries=[-0.5, 0.0, 0.5])
        if k == "augment" and rank == 3 and not self.train:  # (random in training)
            kind = self.pick(["RandomFlip", "RandomRotation", "RandomZoom", "RandomContrast"])
            arg = {"RandomFlip": "horizontal"}.get(kind, 0.1)
            return f"{kind}", lambda: getattr(L, kind)(arg, seed=5)
        return None

    def newest(self, shape):
        """The newest draws: mixed-precision layers (their policy is in the files), adaptive
        pooling of sequences, layers under the other names Keras exports, AutoContrast."""
        L, rank = self.L, len(shape)
        k = self.pick(["mixed", "mixed", "adaptive", "alias", "contrast"])
        if k == "mixed":
            u = self.i(2, 5)
            policy = self.pick(["mixed_float16", "float16"])
            return f"Dense({u},dtype={policy})", lambda: L.Dense(u, dtype=policy)
        if k == "adaptive" and rank == 2:
            kind, n = self.pick(["Average", "Max"]), min(shape[0], self.i(1, 4))
            cls = f"Adaptive{kind}Pooling1D"
            return f"{cls}({n})", lambda: getattr(L, cls)(n)
        if k == "alias" and rank in (2, 3):
            cls = self.pick(["MaxPool", "AvgPool", "Convolution"]) + f"{rank - 1}D"
            if cls.startswith("Convolution"):
                n = self.i(1, 4)
                return f"{cls}({n})", lambda: getattr(L, cls)(n, 1, activation="relu")
            return f"{cls}(1)", lambda: getattr(L, cls)(1)
        if k == "contrast" and rank == 3:
            return "AutoContrast", lambda: L.AutoContrast(value_range=(0, 1))
        return None

    def tokens(self, mz):
        """Token ids through the lookup layers and an embedding (the newest draws)."""
        L, dim, k = self.L, self.i(2, 5), self.pick(["reversible", "lookup", "hashing"])
        if k == "reversible":
            tie = self.coin()
            self.note(f"ReversibleEmbedding({dim},{tie})")
            return lambda: L.ReversibleEmbedding(10, dim, tie_weights=tie), None
        if k == "lookup":
            oov = self.i(0, 3)
            self.note(f"IntegerLookup({oov})+Embedding({mz})")
            size = 5 + oov + 1  # (index 0: the mask token)
            return lambda: L.IntegerLookup(vocabulary=[1, 2, 3, 5, 8], num_oov_indices=oov,
                                           mask_token=0), size  # fmt: skip
        self.note(f"Hashing+Embedding({mz})")
        return lambda: L.Hashing(8, mask_value=0), 8

    def generic(self, shape):
        L = self.L
        kinds = ["bn", "ln", "act", "dropout", "rescale", "norm_fixed"]
        if shape[-1] % 2 == 0 and len(shape) >= 2:
            kinds.append("gn")
        k = self.pick(kinds)
        if k == "bn":
            kw = {"momentum": self.pick([0.99, 0.9]), "center": self.coin(0.8)}
            kw["scale"] = self.coin(0.8)
            if self.coin(0.3):
                kw["beta_regularizer"] = "l2"
            if self.coin(0.2):
                kw["gamma_constraint"] = self.K.constraints.NonNeg()
            return f"BN{self.show(kw)}", lambda: L.BatchNormalization(**kw)
        if k == "ln":
            kw = {"epsilon": self.pick([1e-3, 1e-5]), "center": self.coin(0.8)}
            kw["scale"] = self.coin(0.8)
            if len(shape) >= 2 and self.coin(0.3):
                kw["axis"] = [-2, -1] if self.coin() else -1
            return f"LN{kw}", lambda: L.LayerNormalization(**kw)
        if k == "gn":
            groups = self.pick([g for g in (1, 2, shape[-1]) if shape[-1] % g == 0])
            return f"GN({groups})", lambda: L.GroupNormalization(groups=groups)
        if k == "act":
            a = self.i(0, 6)
            if a == 0:
                v = self.pick([0.1, 0.3])
                return f"LeakyReLU({v})", lambda: L.LeakyReLU(negative_slope=v)
            if a == 1:
                kw = {}
                if self.coin():
                    kw["alpha_initializer"] = self.K.initializers.Constant(0.2)
                if len(shape) >= 2 and self.coin():
                    kw["shared_axes"] = [1]
                return f"PReLU{self.show(kw)}", lambda: L.PReLU(**kw)
            if a == 2:
                return "ELU", lambda: L.ELU(alpha=0.7)
            if a == 3:
                kw = {"max_value": self.pick([None, 1.0, 6.0])}
                kw["negative_slope"] = self.pick([0.0, 0.1])
                kw["threshold"] = self.pick([0.0, 0.2])
                return f"ReLU{kw}", lambda: L.ReLU(**kw)
            if a == 4:
                return "Softmax", lambda: L.Softmax(axis=-1)
            act = self.pick(ACTS)
            return f"Activation({act})", lambda: L.Activation(act)
        if k == "dropout":
            if self.train:  # random masks in training would differ between libraries
                return "Dropout(0)", lambda: L.Dropout(0.0)
            d = self.i(0, 4)
            if d == 0:
                seed = self.i(0, 9)
                return "Dropout", lambda: L.Dropout(0.3, seed=seed)
            if d == 1:
                return "GaussianNoise", lambda: L.GaussianNoise(0.1)
            if d == 2:
                return "GaussianDropout", lambda: L.GaussianDropout(0.2)
            if len(shape) == 2:
                return "SpatialDropout1D", lambda: L.SpatialDropout1D(0.2)
            if len(shape) == 3:
                return "SpatialDropout2D", lambda: L.SpatialDropout2D(0.2)
            return "AlphaDropout", lambda: L.AlphaDropout(0.2)
        if k == "rescale":
            s, o = self.pick([0.5, 1 / 255.0, 2.0]), self.pick([0.0, -1.0])
            return f"Rescaling({s},{o})", lambda: L.Rescaling(s, offset=o)
        mean = float(self.rng.normal())
        var = float(self.rng.uniform(0.5, 2))
        return f"Normalization({mean:.2f},{var:.2f})", lambda: L.Normalization(
            mean=mean, variance=var
        )

    def rank1(self, shape, masked):
        L = self.L
        k = self.i(0, 10)
        if k < 5:
            units, act = self.i(2, 9), self.pick(ACTS)
            kw = self.extras()
            kw["use_bias"] = self.coin(0.85)
            return f"Dense({units},{act},{sorted(kw)})", lambda: L.Dense(
                units, activation=act, **kw
            )
        if k == 5 and shape[0] <= 12:
            n = self.i(2, 4)
            return f"RepeatVector({n})", lambda: L.RepeatVector(n)
        if k == 6 and shape[0] % 2 == 0:
            return "Reshape(2,-1)", lambda: L.Reshape((2, shape[0] // 2))
        return self.generic(shape)

    def rnn(self, shape, masked):
        L = self.L
        cell = self.pick(["LSTM", "GRU", "SimpleRNN"])
        units = self.i(2, 6)
        kw = {"return_sequences": self.coin(), "go_backwards": self.coin(0.3)}
        if cell == "GRU":
            kw["reset_after"] = self.coin(0.7)
        if cell == "LSTM" and self.coin(0.3):
            kw["unit_forget_bias"] = False
        if self.coin(0.3):
            kw["recurrent_regularizer"] = "l2"
        if self.coin(0.2):
            kw["recurrent_constraint"] = self.K.constraints.MaxNorm(2.0)
        if self.coin(0.2):
            kw["recurrent_initializer"] = self.K.initializers.Orthogonal(seed=1)
        if self.coin(0.2):
            kw["activation"] = "relu"
        if self.coin(0.35):
            merge = self.pick(["concat", "sum", "ave", "mul", None])
            if merge is None:
                kw["return_sequences"] = False  # a list output: the last layer of a branch
                merge = "concat"
            kw.pop("go_backwards")
            back = self.coin(0.3)

            def make():
                fwd = getattr(L, cell)(units, **kw)
                if back:
                    bwd = getattr(L, cell)(units, go_backwards=True, **kw)
                    return L.Bidirectional(fwd, merge_mode=merge, backward_layer=bwd)
                return L.Bidirectional(fwd, merge_mode=merge)

            return (
                f"Bidirectional({cell}({units},{self.show(kw)}),{merge},backward_layer={back})",
                make,
            )
        return f"{cell}({units},{self.show(kw)})", lambda: getattr(L, cell)(units, **kw)

    def rank2(self, shape, masked):
        L = self.L
        t, f = shape
        k = self.i(0, 16)
        if masked and k < 8:
            k = 0
        if k <= 2:
            return self.rnn(shape, masked)
        if k == 3:
            kind = self.pick(["Conv1D", "Conv1DTranspose", "SeparableConv1D", "DepthwiseConv1D"])
            ks = self.pick([1, 2, 3]) if t >= 3 else 1
            pad = self.pick(["valid", "same"] + (["causal"] if kind == "Conv1D" else []))
            kw = {"padding": pad, "activation": self.pick(ACTS)}
            if kind == "Conv1D" and self.coin(0.3):
                kw["dilation_rate"] = 2 if t >= 5 else 1
            elif kind != "DepthwiseConv1D" and self.coin(0.3):
                kw["strides"] = 2
            if kind == "DepthwiseConv1D":
                kw["depth_multiplier"] = self.i(1, 3)
                if self.coin(0.3):
                    kw["depthwise_regularizer"] = "l2"
                return f"{kind}({ks},{kw})", lambda: L.DepthwiseConv1D(ks, **kw)
            n = self.i(2, 6)
            if kind == "SeparableConv1D":
                if self.coin(0.3):
                    kw["pointwise_constraint"] = self.K.constraints.MaxNorm(2.0)
                kw["depth_multiplier"] = self.i(1, 3)
                return f"{kind}({n},{ks},{self.show(kw)})", lambda: L.SeparableConv1D(n, ks, **kw)
            kw.update(self.extras())
            return f"{kind}({n},{ks},{sorted(kw)})", lambda: getattr(L, kind)(n, ks, **kw)
        if k == 4 and t >= 2:
            kind = self.pick(["MaxPooling1D", "AveragePooling1D"])
            pad = self.pick(["valid", "same"])
            return f"{kind}(2,{pad})", lambda: getattr(L, kind)(2, padding=pad)
        if k == 5:
            kind = self.pick(["GlobalMaxPooling1D", "GlobalAveragePooling1D"])
            keep = self.coin(0.2)
            return f"{kind}({keep})", lambda: getattr(L, kind)(keepdims=keep)
        if k == 6:
            units = self.i(2, 6)
            if self.coin():
                return f"TimeDistributed(Dense({units}))", lambda: L.TimeDistributed(
                    L.Dense(units, activation="relu")
                )
            kw = self.extras()
            return f"Dense3d({units})", lambda: L.Dense(units, **kw)
        if k == 7:
            return "Flatten", lambda: L.Flatten()
        if k == 8:
            return "Permute(2,1)", lambda: L.Permute((2, 1))
        if k == 9 and t <= 8:
            n = self.pick([2, 3])
            return f"UpSampling1D({n})", lambda: L.UpSampling1D(n)
        if k == 10:
            p = self.pick([1, (1, 2)])
            return f"ZeroPadding1D({p})", lambda: L.ZeroPadding1D(p)
        if k == 11 and t >= 4:
            c = self.pick([1, (1, 2)])
            return f"Cropping1D({c})", lambda: L.Cropping1D(c)
        if k == 12 and t * f <= 64:
            return "Reshape(t*f/1,1)", lambda: L.Reshape((t * f, 1))
        if k == 13 and f <= 4 and t <= 6:
            return "Reshape to image", lambda: L.Reshape((t, f, 1))
        return self.generic(shape)

    def rank3(self, shape, masked):
        L = self.L
        h, w, c = shape
        k = self.i(0, 13)
        if k <= 3:
            kind = self.pick(["Conv2D", "Conv2DTranspose", "SeparableConv2D", "DepthwiseConv2D"])
            ks = self.pick([1, 2, 3]) if min(h, w) >= 3 else 1
            pad = self.pick(["valid", "same"])
            kw = {"padding": pad, "activation": self.pick(ACTS)}
            if self.coin(0.3) and kind != "DepthwiseConv2D":
                kw["strides"] = 2
            if kind == "DepthwiseConv2D":
                kw["depth_multiplier"] = self.i(1, 3)
                return f"{kind}({ks},{kw})", lambda: L.DepthwiseConv2D(ks, **kw)
            n = self.i(2, 5)
            if kind == "SeparableConv2D":
                return f"{kind}({n},{ks},{kw})", lambda: L.SeparableConv2D(n, ks, **kw)
            kw.update(self.extras())
            return f"{kind}({n},{ks},{sorted(kw)})", lambda: getattr(L, kind)(n, ks, **kw)
        if k == 4 and min(h, w) >= 2:
            kind = self.pick(["MaxPooling2D", "AveragePooling2D"])
            pad = self.pick(["valid", "same"])
            return f"{kind}({pad})", lambda: getattr(L, kind)(2, padding=pad)
        if k == 5:
            kind = self.pick(["GlobalMaxPooling2D", "GlobalAveragePooling2D"])
            return kind, lambda: getattr(L, kind)()
        if k == 6 and h * w <= 36:
            n = self.pick([2, (1, 2)])
            interp = self.pick(["nearest", "bilinear"])
            return f"UpSampling2D({n},{interp})", lambda: L.UpSampling2D(n, interpolation=interp)
        if k == 7:
            p = self.pick([1, ((0, 1), (1, 0))])
            return f"ZeroPadding2D({p})", lambda: L.ZeroPadding2D(p)
        if k == 8 and min(h, w) >= 4:
            return "Cropping2D", lambda: L.Cropping2D(((1, 0), (0, 1)))
        if k == 9:
            return "Flatten", lambda: L.Flatten()
        if k == 10:
            return "Reshape(h,w*c)", lambda: L.Reshape((h, w * c))
        if k == 11:
            return "Permute(2,1,3)", lambda: L.Permute((2, 1, 3))
        if k == 12 and h <= 4 and w <= 4 and c <= 2:
            return "Reshape to volume", lambda: L.Reshape((h, w, c, 1))
        return self.generic(shape)

    def rank4(self, shape, masked):
        L = self.L
        d, h, w, c = shape
        k = self.i(0, 10)
        if k <= 2:
            kind = self.pick(["Conv3D", "Conv3DTranspose"])
            ks = self.pick([1, 2]) if min(d, h, w) >= 2 else 1
            n = self.i(1, 4)
            kw = {"padding": self.pick(["valid", "same"]), **self.extras()}
            return f"{kind}({n},{ks},{sorted(kw)})", lambda: getattr(L, kind)(n, ks, **kw)
        if k == 3 and min(d, h, w) >= 2:
            kind = self.pick(["MaxPooling3D", "AveragePooling3D"])
            return kind, lambda: getattr(L, kind)(2, padding="same")
        if k == 4:
            kind = self.pick(["GlobalMaxPooling3D", "GlobalAveragePooling3D"])
            return kind, lambda: getattr(L, kind)()
        if k == 5 and d * h * w <= 32:
            return "UpSampling3D", lambda: L.UpSampling3D((1, 2, 1))
        if k == 6:
            return "ZeroPadding3D", lambda: L.ZeroPadding3D(((1, 0), (0, 0), (0, 1)))
        if k == 7 and min(d, h, w) >= 3:
            return "Cropping3D", lambda: L.Cropping3D(((1, 0), (0, 1), (0, 0)))
        if k == 8:
            return "Flatten", lambda: L.Flatten()
        if k == 9 and min(h, w) >= 2:
            n = self.i(1, 4)
            return f"TimeDistributed(Conv2D({n}))", lambda: L.TimeDistributed(
                L.Conv2D(n, 2, activation="relu")
            )
        return self.generic(shape)

    # -- chains --------------------------------------------------------------------------
    def chain(self, tensor, n_layers, probe, masked=False, max_size=400):
        """Apply `n_layers` random layers to a symbolic `tensor`; the layers are drawn from
        its shape, checked on `probe` copies, and applied for real. Returns the tensor."""
        for _ in range(n_layers):
            shape = tuple(tensor.shape[1:])
            for _attempt in range(4):
                desc, make = self.layer(shape, masked)
                try:
                    out = make()(probe(shape))
                except Exception:  # noqa: BLE001 - a draw that does not fit this shape
                    continue
                out_shape = tuple(out.shape[1:])
                if any(s is None or s < 1 for s in out_shape) or np.prod(out_shape) > max_size:
                    continue
                if isinstance(out, (list, tuple)):
                    continue
                break
            else:
                continue
            self.note(desc)
            tensor = self.apply(make, tensor)
            if masked and len(tensor.shape) < 3:
                masked = False
        return tensor

    def flat(self, tensor):
        """Down to rank 1."""
        if len(tensor.shape) == 2:
            return tensor
        L = self.L
        if len(tensor.shape) == 3 and self.coin(0.4):
            self.note("LSTM-reduce")
            return self.apply(lambda: L.LSTM(3), tensor)
        self.note("Flatten")
        return self.apply(L.Flatten, tensor)


def _input(b: Builder, name):
    """An Input, its data (8 rows) and whether it is token ids, from one of five kinds."""
    L, rng = b.L, b.rng
    kind = b.pick(["vector", "sequence", "tokens", "image", "volume", "vector", "sequence"])
    b.note(kind)
    if kind == "vector":
        shape = (b.i(2, 8),)
    elif kind == "sequence":
        shape = (b.i(3, 7), b.i(2, 5))
    elif kind == "tokens":
        shape = (b.i(3, 7),)
    elif kind == "image":
        shape = (b.i(3, 7), b.i(3, 7), b.i(1, 3))
    else:
        shape = (b.i(2, 4), b.i(2, 5), b.i(2, 4), b.i(1, 3))
    if kind == "tokens":
        x = rng.integers(0, 10, (8, *shape)).astype("int32")
        x[:, 0] = np.maximum(x[:, 0], 1)
        x[:4, -1] = 0
        inp = L.Input(shape, dtype="int32", name=name)
    else:
        x = rng.normal(size=(8, *shape)).astype("float32")
        inp = L.Input(shape, name=name)
    return inp, x, kind


def _probe(K):
    def probe(shape):
        return K.layers.Input(shape)

    return probe


def _head(b: Builder, tensor, name=None):
    """A last Dense and its task."""
    L = b.L
    task = b.pick(["regression", "binary", "categorical", "sparse"])
    n = 1 if task == "binary" else b.i(2, 4)
    act = {"regression": "linear", "binary": "sigmoid"}.get(task, "softmax")
    b.note(f"head({task},{n})")
    kw = b.extras()
    return b.apply(lambda: L.Dense(n, activation=act, name=name, **kw), tensor), task, n


def _target(rng, task, n, rows=8):
    if task == "regression":
        return rng.normal(size=(rows, n)).astype("float32")
    if task == "binary":
        return rng.integers(0, 2, (rows, 1)).astype("float32")
    labels = rng.integers(0, n, rows)
    return np.eye(n, dtype="float32")[labels] if task == "categorical" else labels


LOSSES = {
    "regression": ["mse", "mae", "huber", "log_cosh"],
    "binary": ["binary_crossentropy"],
    "categorical": ["categorical_crossentropy"],
    "sparse": ["sparse_categorical_crossentropy"],
}
METRICS = {
    "regression": ["mae", "mse"],
    "binary": ["accuracy", "binary_accuracy"],
    "categorical": ["accuracy", "categorical_accuracy"],
    "sparse": ["accuracy", "sparse_categorical_accuracy"],
}


def _optimizer(b: Builder):
    O = b.K.optimizers
    k = b.i(0, 7)
    lr = b.pick([0.01, 0.05])
    if k == 0:
        return f"Adam({lr})", O.Adam(lr, amsgrad=b.coin(0.3))
    if k == 1:
        return f"AdamW({lr})", O.AdamW(lr, weight_decay=0.01)
    if k == 2:
        nest = b.coin()
        return f"SGD({lr},0.9,{nest})", O.SGD(lr, momentum=0.9, nesterov=nest)
    if k == 3:
        mom, cen = b.pick([0.0, 0.5]), b.coin()
        return f"RMSprop({lr},{mom},{cen})", O.RMSprop(lr, momentum=mom, centered=cen)
    if k == 4:
        return f"Nadam({lr})", O.Nadam(lr)
    if k == 5:
        return f"Adagrad({lr})", O.Adagrad(lr)
    return f"SGD({lr})", O.SGD(lr, clipnorm=1.0)


def build_case(K, seed: int, family: str):
    """`(model, x, y or None, adapt data or None, description)` for one seed."""
    rng = np.random.default_rng(seed)
    train = bool(rng.random() < 0.5)
    b = Builder(K, rng, train, family == "func")
    b.note(f"train={train}")
    probe = _probe(K)
    L = K.layers
    if family == "seq":
        inp, x, kind = _input(b, "x")
        t, mz = inp, False
        if kind == "tokens" and NEWEST_DRAWS and b.coin(0.6):
            mz = b.coin()
            make, size = b.tokens(mz)
            t = b.apply(make, t)
            if size is not None:  # (ids out of a lookup: into an Embedding of that size)
                dim = b.i(2, 5)
                t = b.apply(lambda: L.Embedding(size, dim, mask_zero=mz), t)
            else:
                mz = False
        elif kind == "tokens":
            mz, dim = b.coin(), b.i(2, 5)
            b.note(f"Embedding(mask_zero={mz})")
            t = b.apply(lambda: L.Embedding(10, dim, mask_zero=mz), t)
        elif kind != "volume" and b.coin(0.3):
            b.note("Normalization(adapt)")

            def norm():
                layer = L.Normalization(axis=-1)
                layer.adapt(x)
                return layer

            t = b.apply(norm, t)
        t = b.chain(t, b.i(1, 5), probe, masked=mz)
        t = b.flat(t)
        _, task, n = _head(b, t)
        # fresh copies of the same layers as a Sequential (the graph only found the shapes)
        model = K.Sequential(
            [L.Input(tuple(inp.shape[1:]), dtype=inp.dtype), *[m() for m in b.makes]]
        )
        y = _target(rng, task, n)
        tasks = [task]
        xs = x
    else:
        n_in = b.i(1, 3)
        inputs, xs, flats = [], [], []
        for j in range(n_in):
            inp, x, kind = _input(b, f"in{j}")
            t = inp
            mz = False
            if kind == "tokens":
                mz = b.coin()
                t = L.Embedding(10, b.i(2, 5), mask_zero=mz)(t)
            t = b.chain(t, b.i(0, 3), probe, masked=mz)
            if len(t.shape) == 3 and t.shape[-1] is not None and b.coin(0.4):
                t = _attention(b, t)
            elif len(t.shape) == 3 and not mz and b.coin(0.25):
                # Masking, then a Bidirectional returning both directions (merge_mode=None)
                units = b.i(2, 4)
                cell = b.pick(["LSTM", "GRU", "SimpleRNN"])
                b.note(f"Masking+Bidirectional({cell},None)")
                t = L.Masking(0.0)(t)
                fwd, bwd = L.Bidirectional(getattr(L, cell)(units), merge_mode=None)(t)
                t = L.Concatenate()([fwd, bwd])
            if b.coin(0.3):
                t = _nested(b, t)
            inputs.append(inp)
            xs.append(x)
            flats.append(b.flat(t))
        width = b.i(2, 6)
        shared = L.Dense(width, activation="tanh", name="shared")
        projected = [shared(L.Dense(width)(f)) if b.coin(0.5) else L.Dense(width)(f) for f in flats]
        b.note("shared")
        if len(projected) > 1:
            merge = b.pick(["Add", "Concatenate", "Multiply", "Average", "Maximum", "Subtract"])
            b.note(merge)
            h = getattr(L, merge)()(projected)
        else:
            h = shared(projected[0]) if b.coin() else projected[0]
        h = b.flat(b.chain(h, b.i(0, 3), probe))
        n_out = b.i(1, 3)
        outputs, tasks, ys = [], [], []
        for j in range(n_out):
            out, task, n = _head(b, h, name=f"out{j}")
            outputs.append(out)
            tasks.append(task)
            ys.append(_target(rng, task, n))
        as_dict = b.coin(0.3)
        b.note(f"dict_io={as_dict}")
        if as_dict:
            model = K.Model(
                {f"in{j}": t for j, t in enumerate(inputs)},
                {f"out{j}": t for j, t in enumerate(outputs)},
            )
            xs = {f"in{j}": v for j, v in enumerate(xs)}
            y = {f"out{j}": v for j, v in enumerate(ys)}
        else:
            model = K.Model(inputs if n_in > 1 else inputs[0], outputs if n_out > 1 else outputs[0])
            xs = xs if n_in > 1 else xs[0]
            y = ys if n_out > 1 else ys[0]
    # the same starting weights in both libraries (ones and variances stay positive); an
    # adapted Normalization keeps its statistics (Keras predicts with the adapted ones)
    for layer in _leaf_layers(model):
        if isinstance(layer, K.layers.Normalization) or not layer.get_weights():
            continue
        weights = []
        for w in layer.get_weights():
            w = np.asarray(w)
            if w.ndim == 1 and np.all(w == 1):
                weights.append((1 + 0.2 * rng.random(w.shape)).astype(w.dtype))
            elif w.ndim == 0 or not np.issubdtype(w.dtype, np.floating):
                weights.append(w)
            else:
                weights.append((rng.normal(size=w.shape) * 0.4).astype(w.dtype))
        layer.set_weights(weights)
    # some layers frozen: their weights move to the non-trainable lists (file order)
    for layer in _leaf_layers(model):
        if layer.get_weights() and b.coin(0.12):
            layer.trainable = False
            b.note(f"frozen:{type(layer).__name__}")
    compiled = None
    if train:
        opt_desc, optimizer = _optimizer(b)
        losses = [b.pick(LOSSES[t]) for t in tasks]
        metrics = [[b.pick(METRICS[t])] for t in tasks]
        if len(tasks) == 1:
            loss, metric = losses[0], metrics[0]
        elif isinstance(y, dict):
            loss = {f"out{j}": v for j, v in enumerate(losses)}
            metric = {f"out{j}": v for j, v in enumerate(metrics)}
        else:
            loss, metric = losses, metrics
        kw = {}
        if len(tasks) > 1 and b.coin(0.4):
            weights = [round(float(b.rng.uniform(0.5, 2)), 2) for _ in tasks]
            kw["loss_weights"] = (
                {f"out{j}": v for j, v in enumerate(weights)} if isinstance(y, dict) else weights
            )
        if b.coin(0.2):
            kw["weighted_metrics"] = metric
        model.compile(optimizer=optimizer, loss=loss, metrics=metric, **kw)
        compiled = f"{opt_desc}|{loss}|{metric}|{sorted(kw)}"
        b.note(compiled)
    return model, xs, y, " ".join(b.desc), compiled


def _leaf_layers(model):
    """The layers holding weights, nested models opened, in order."""
    out = []
    for layer in model.layers:
        if hasattr(layer, "layers") and not hasattr(layer, "forward_layer"):
            out.extend(_leaf_layers(layer))
        else:
            out.append(layer)
    return out


def _attention(b: Builder, t):
    L = b.L
    if EXTENDED and b.coin(0.3):
        kv = b.i(1, 3)
        b.note(f"GQA(2,{2 * kv},{kv})")
        gqa = L.GroupQueryAttention(head_dim=2, num_query_heads=2 * kv, num_key_value_heads=kv)
        return gqa(t, t)
    if b.coin():
        heads, key_dim = b.i(1, 3), b.i(2, 4)
        b.note(f"MHA({heads},{key_dim})")
        return L.MultiHeadAttention(heads, key_dim, dropout=0.0)(t, t)
    kind = b.pick(["Attention", "AdditiveAttention"])
    kw = {"use_scale": b.coin()}
    if kind == "Attention" and b.coin(0.3):
        kw["score_mode"] = "concat"
    b.note(f"{kind}{kw}")
    return getattr(L, kind)(**kw)([t, t])


def _nested(b: Builder, t):
    """A sub-model (functional or Sequential) called on `t`."""
    K, L = b.K, b.L
    shape = tuple(t.shape[1:])
    if b.coin():
        inner_in = L.Input(shape)
        inner = b.chain(inner_in, b.i(1, 3), _probe(K))
        model = K.Model(inner_in, inner)
        b.note("nested functional")
    else:
        desc, make = b.layer(shape)
        try:
            out = make()(L.Input(shape))
            assert not isinstance(out, (list, tuple))
        except Exception:  # noqa: BLE001
            return t
        model = K.Sequential([L.Input(shape), make()])
        b.note(f"nested Sequential[{desc}]")
    return model(t)


# -- records -------------------------------------------------------------------------------
def _tolist(y):
    if isinstance(y, dict):
        return {k: _tolist(v) for k, v in sorted(y.items())}
    if isinstance(y, (list, tuple)):
        return [_tolist(v) for v in y]
    return np.asarray(y, "float64").tolist()


def _flat(y):
    if isinstance(y, dict):
        return [a for k in sorted(y) for a in _flat(y[k])]
    if isinstance(y, list) and y and isinstance(y[0], (list, dict)) and _is_nested(y):
        return [a for v in y for a in _flat(v)]
    return [np.asarray(y, "float64")]


def _is_nested(y):
    """A list of outputs (each an array of rows), not one array."""
    return (
        isinstance(y, list)
        and all(isinstance(v, dict) or _depth(v) >= 2 for v in y)
        and (
            len({_depth(v) for v in y}) > 1
            or len({np.shape(v) for v in y if not isinstance(v, dict)}) > 1
            or isinstance(y[0], dict)
        )
    )


def _depth(v):
    d = 0
    while isinstance(v, list):
        d += 1
        v = v[0] if v else None
    return d


LOOSE = False  # (set per case: a float16 layer rounds at ~1e-3 of its values)


def close(a, b, rtol=RTOL, atol=ATOL):
    if LOOSE:
        rtol, atol = max(rtol, 1e-2), max(atol, 1e-2)
    if isinstance(a, dict) or isinstance(b, dict):
        if not (isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b)):
            return False
        return all(close(a[k], b[k], rtol, atol) for k in a)
    try:
        a, b = np.asarray(a, "float64"), np.asarray(b, "float64")
    except ValueError:  # a list of outputs of different shapes
        if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            return all(close(u, v, rtol, atol) for u, v in zip(a, b))
        return False
    if a.shape != b.shape:
        return False
    # (the rounding of an ill-conditioned layer, a LayerNormalization of nearly equal
    # features, reaches the small entries of an output at the scale of its large ones)
    scale = float(np.nanmax(np.abs(a))) if a.size else 0.0
    return bool(np.allclose(a, b, rtol=rtol, atol=max(atol, rtol * scale)))


def close_list(a, b, rtol=RTOL, atol=ATOL):
    if len(a) != len(b):
        return False
    return all(close(u, v, rtol, atol) for u, v in zip(a, b))


def _nan_contrast(desc: str, weights) -> bool:
    """Whether Keras's stepped `weights` hold NaN from an AutoContrast over a constant channel
    (Keras-JAX's gradient there is `0 * inf`; numkeras passes the gradient: README)."""
    return "AutoContrast" in desc and any(np.isnan(np.asarray(w, "float64")).any() for w in weights)


def _predict(model, x):
    return model.predict(x, verbose=0)


def _outcome(fn):
    """`(value, None)` or `(None, error type name)`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(), None
    except Exception as e:  # noqa: BLE001 - an error is a result to compare
        # the class and its bases: a numkeras error matches the built-in Keras raises
        bases = ",".join(c.__name__ for c in type(e).__mro__[:-2])
        return None, f"{bases}: {str(e)[:200]}"


def same_error(ours: str, theirs) -> bool:
    """Whether our error (`_outcome`'s text) is, or subclasses, Keras's error class."""
    if not isinstance(theirs, str):
        return False
    return theirs.split(":")[0].split(",")[0] in ours.split(":")[0].split(",")


def _opt_state(model):
    opt = getattr(model, "optimizer", None)
    if opt is None:
        return None
    return int(np.asarray(opt.iterations))


def _configs(model):
    if not getattr(model, "compiled", False) and getattr(model, "optimizer", None) is None:
        return None, None
    comp = model.get_compile_config() if hasattr(model, "get_compile_config") else None
    opt = model.optimizer.get_config() if getattr(model, "optimizer", None) else None
    return _jsonable(comp), _jsonable(opt)


def _jsonable(v):
    return json.loads(json.dumps(v, default=lambda o: repr(o)))


def _train_step(model, x, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.train_on_batch(x, y)
    return [np.asarray(w) for w in model.get_weights()]


def _h5_layout(path):
    import h5py

    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            out[name] = list(obj.shape)

    with h5py.File(path, "r") as h5:
        h5.visititems(visit)
    return out


def _keras_config(path):
    """A `.keras` file's config, without what Keras's graph records of masks (the
    `NotEqual` op an Embedding's mask comes from, `mask=` / `training=` call arguments):
    numkeras recomputes masks as Keras does when those are absent."""
    with zipfile.ZipFile(path) as zf:
        config = json.loads(zf.read("config.json"))

    def clean(entry):
        if isinstance(entry, dict):
            if isinstance(entry.get("config"), dict) and "layers" in entry["config"]:
                layers = entry["config"]["layers"]
                entry["config"]["layers"] = [
                    clean(l)
                    for l in layers
                    if not str(l.get("module", "")).startswith("keras.src.ops")
                ]
            for node in entry.get("inbound_nodes", []) or []:
                if isinstance(node, dict):
                    node.get("kwargs", {}).pop("mask", None)
                    node.get("kwargs", {}).pop("training", None)
            for v in entry.values():
                clean(v)
        elif isinstance(entry, list):
            for v in entry:
                clean(v)
        return entry

    return clean(config)


# not compared: names; Keras's shared-object ids (optional on load); jit_compile (numkeras
# writes False: it has no compiler; Keras on JAX resolves "auto" to True)
IGNORED = ("name", "shared_object_id", "jit_compile")


def _compiled_differences(model, configs, want: dict, file: str) -> list[str]:
    """How `model`'s compile and optimizer configs (`configs`, from `_configs(model)`) and
    its optimizer's iterations differ from the record `want` (nothing for a model recorded
    uncompiled)."""
    if want["compile_config"] is None:
        return []
    found = []
    comp, opt = configs
    for label, a, b in (
        ("compile_config", want["compile_config"], comp),
        ("optimizer_config", want["optimizer_config"], opt),
    ):
        dd = diff(a, b)
        if dd:
            found.append(f"{file} {label}: {dd[:4]}")
    if _opt_state(model) != want["iterations"]:
        found.append(f"iterations {_opt_state(model)} vs {want['iterations']}")
    return found


def diff(a, b, path="", out=None, ignore=IGNORED):
    """Paths where two JSON values differ."""
    out = [] if out is None else out
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k in ignore:
                continue
            if k not in a or k not in b:
                if k == "build_config":
                    continue  # present or not per layer class, harmless either way (reported)
                out.append(f"{path}/{k}: {'missing' if k not in b else 'extra'}")
            else:
                diff(a[k], b[k], f"{path}/{k}", out, ignore)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: length {len(a)} vs {len(b)}")
        else:
            for i, (u, v) in enumerate(zip(a, b)):
                diff(u, v, f"{path}[{i}]", out, ignore)
    elif isinstance(a, float) and isinstance(b, (float, int)) and not isinstance(b, bool):
        if not np.isclose(a, b, rtol=1e-6):
            out.append(f"{path}: {a!r} vs {b!r}")
    elif a != b:
        out.append(f"{path}: {str(a)[:80]} vs {str(b)[:80]}")
    return out


def _metrics_by_name(config: dict) -> dict:
    """A compile config with each metric object as its name: numkeras's `.h5` holds the
    metrics tf_keras would misread as the objects they resolve to (`accuracy` as
    `SparseCategoricalAccuracy(name="accuracy")`: saving/keras2.py), which Keras 3 reads."""

    def name(m):
        if isinstance(m, list):
            return [name(v) for v in m]
        if isinstance(m, dict) and "class_name" in m:
            return (m.get("config") or {}).get("name", m)
        if isinstance(m, dict):
            return {k: name(v) for k, v in m.items()}
        return m

    return {k: name(v) if "metrics" in k else v for k, v in config.items()}


# -- phases --------------------------------------------------------------------------------
def _seeds(seed, count):
    return [int(s) for s in np.random.default_rng(seed).integers(1 << 30, size=count)]


def _case_dir(outdir, case):
    d = os.path.join(outdir, f"case{case:04d}")
    os.makedirs(d, exist_ok=True)
    return d


def keras_write(family, seed, count, outdir):
    import keras

    for case, s in enumerate(_seeds(seed, count)):
        d = _case_dir(outdir, case)
        keras.utils.set_random_seed(case)
        record = {"case": case}
        try:
            model, x, y, desc, compiled = build_case(keras, s, family)
        except Exception as e:  # noqa: BLE001
            record["build_error"] = f"{type(e).__name__}: {e}"
            print(f"case {case}: keras build failed: {e}")
            json.dump(record, open(os.path.join(d, "k.json"), "w"))
            continue
        record.update(desc=desc, compiled=compiled)
        global LOOSE
        LOOSE = "float16" in desc
        with open(os.path.join(d, "xy.pkl"), "wb") as f:
            pickle.dump((x, y), f)
        if compiled:
            _, err = _outcome(lambda: [_train_step(model, x, y) for _ in range(1 + case % 2)])
            if err:
                print(f"case {case}: keras training failed: {err}")
                record["build_error"] = err
                json.dump(record, open(os.path.join(d, "k.json"), "w"))
                continue
            record["iterations"] = _opt_state(model)
        record["predict"] = _tolist(_predict(model, x))
        record["weights"] = _tolist(model.get_weights())
        record["compile_config"], record["optimizer_config"] = _configs(model)
        for name in ("k.keras", "k.weights.h5", "k.h5"):
            value, err = _outcome(
                lambda name=name: (
                    model.save_weights(os.path.join(d, name))
                    if name.endswith(".weights.h5")
                    else model.save(os.path.join(d, name))
                )
            )
            record[f"save_error {name}"] = err
        # Keras reading its own files
        for name in ("k.keras", "k.h5"):
            again, err = _outcome(lambda name=name: keras.models.load_model(os.path.join(d, name)))
            if again is not None:
                got, err = _outcome(lambda again=again: _predict(again, x))
                if name == "k.h5" and compiled:  # (Keras's .h5 gives another compile form)
                    record["h5_compile_config"] = _configs(again)[0]
            record[f"self_load {name}"] = err or close(_tolist(got), record["predict"])

        def rebuild_load():
            again = build_case(keras, s, family)[0]
            again.load_weights(os.path.join(d, "k.weights.h5"))
            return _predict(again, x)

        got, err = _outcome(rebuild_load)
        record["self_load k.weights.h5"] = err or close(_tolist(got), record["predict"])
        if case > 0:  # the previous case's weights into this architecture
            prev = os.path.join(_case_dir(outdir, case - 1), "k.weights.h5")

            def cross():
                other = build_case(keras, s, family)[0]
                other.load_weights(prev)
                return _predict(other, x)

            got, err = _outcome(cross) if os.path.exists(prev) else (None, "no file")
            record["cross_load"] = err.split(":")[0] if err else _tolist(got)
        if compiled:
            record["weights_after_step"] = _tolist(_train_step(model, x, y))
        json.dump(record, open(os.path.join(d, "k.json"), "w"))
        print(f"case {case}: {desc}", {k: v for k, v in record.items() if "load" in k})


def _load_xy(d):
    with open(os.path.join(d, "xy.pkl"), "rb") as f:
        return pickle.load(f)


def numkeras_phase(family, seed, count, outdir):
    import numkeras

    bad = checked = 0
    for case, s in enumerate(_seeds(seed, count)):
        d = _case_dir(outdir, case)
        kpath = os.path.join(d, "k.json")
        if not os.path.exists(kpath):
            continue
        want = json.load(open(kpath))
        if "build_error" in want:
            continue
        checked += 1
        problems = []
        global LOOSE
        LOOSE = "float16" in want["desc"]
        numkeras.utils.set_random_seed(case)
        x, y = _load_xy(d)
        record = {"case": case}
        built, err = _outcome(lambda: build_case(numkeras, s, family))
        if err:
            problems.append(f"build: {err}")
        elif built[3] != want["desc"]:
            problems.append(f"different draws: {built[3]} vs {want['desc']}")
        # 1. .keras
        path = os.path.join(d, "k.keras")
        loaded, err = _outcome(lambda: numkeras.models.load_model(path))
        if err:
            problems.append(f"load k.keras: {err}")
        else:
            got = _outcome(lambda: _tolist(_predict(loaded, x)))
            if got[1] or not close(got[0], want["predict"]):
                problems.append(f"k.keras predict differs {got[1] or ''}")
            w = _tolist(loaded.get_weights())
            # (a LoRA layer's file holds its kernel with the factors merged in, and a load
            # starts fresh factors, in Keras too: its weights and resumed step differ, its
            # predictions do not)
            lora = "lora_rank" in want["desc"]
            if not lora and not close_list(w, want["weights"]):
                problems.append(
                    f"k.keras weights differ: {[np.shape(a) for a in w]} vs "
                    f"{[np.shape(a) for a in want['weights']]}"
                )
            comp, opt = _configs(loaded)
            problems += _compiled_differences(loaded, (comp, opt), want, "k.keras")
            # 4. numkeras writes (before any training step)
            for name in ("n.keras", "n.weights.h5", "n.h5"):
                target = os.path.join(d, name)
                _, err = _outcome(
                    lambda target=target: (
                        loaded.save_weights(target)
                        if target.endswith(".weights.h5")
                        else loaded.save(target)
                    )
                )
                if err and not want.get(f"save_error k{name[1:]}"):
                    problems.append(f"save {name}: {err}")
            if os.path.exists(os.path.join(d, "n.keras")):
                dd = diff(_keras_config(path), _keras_config(os.path.join(d, "n.keras")))
                if dd:
                    problems.append(f"re-saved config differs: {dd[:5]}")
            for ours, theirs in (("n.weights.h5", "k.weights.h5"), ("n.keras", "k.keras")):
                if ours.endswith(".keras"):
                    continue
                if os.path.exists(os.path.join(d, ours)):
                    la = _h5_layout(os.path.join(d, theirs))
                    lb = _h5_layout(os.path.join(d, ours))
                    if la != lb:
                        only_k = sorted(set(la) - set(lb))[:4]
                        only_n = sorted(set(lb) - set(la))[:4]
                        problems.append(
                            f"{ours} layout: keras-only {only_k} numkeras-only {only_n}"
                        )
            record["predict"] = got[0]
            record["weights"] = w
            record["compile_config"], record["optimizer_config"] = comp, opt
            record["iterations"] = _opt_state(loaded)
            if want["compiled"]:
                after, err = _outcome(lambda: _tolist(_train_step(loaded, x, y)))
                if err:
                    problems.append(f"resume step: {err}")
                else:
                    record["weights_after_step"] = after
                    nan = _nan_contrast(want["desc"], want["weights_after_step"])
                    if (
                        not lora
                        and not nan
                        and not close_list(
                            after, want["weights_after_step"], TRAIN_RTOL, TRAIN_ATOL
                        )
                    ):
                        problems.append("resumed step differs from Keras's")
        # 2. .weights.h5 into a fresh build
        if not err or built:

            def fresh_load(file):
                model = build_case(numkeras, s, family)[0]
                model.load_weights(os.path.join(d, file))
                return _tolist(_predict(model, x))

            for file in ("k.weights.h5",):
                got, err2 = _outcome(lambda file=file: fresh_load(file))
                keras_self = want[f"self_load {file}"]
                if err2:
                    if keras_self is True:
                        problems.append(f"load_weights {file}: {err2}")
                    elif not same_error(err2, keras_self):
                        problems.append(f"load_weights {file}: {err2} vs keras {keras_self}")
                elif not close(got, want["predict"]):
                    problems.append(f"load_weights {file}: predict differs")
            if "cross_load" in want and want["cross_load"] != "no file":  # (Keras could not
                # build the previous case: it wrote no weights to load)
                prev = os.path.join(_case_dir(outdir, case - 1), "k.weights.h5")
                got, err2 = _outcome(
                    lambda: (
                        (m := build_case(numkeras, s, family)[0]).load_weights(prev),
                        _tolist(_predict(m, x)),
                    )[1]
                )
                theirs = want["cross_load"]
                if isinstance(theirs, str):
                    if err2 is None or not same_error(err2, theirs):
                        problems.append(f"cross load: {err2 or 'loaded'} vs keras {theirs}")
                elif err2 or not close(got, theirs):
                    problems.append(f"cross load: {err2 or 'different predict'} vs keras loads")
        # 3. legacy .h5
        path = os.path.join(d, "k.h5")
        if os.path.exists(path):
            got, err2 = _outcome(lambda: _tolist(_predict(numkeras.models.load_model(path), x)))
            keras_self = want["self_load k.h5"]
            if err2:
                if keras_self is True:
                    problems.append(f"load k.h5: {err2}")
                elif not same_error(err2, keras_self):
                    problems.append(f"load k.h5: {err2} vs keras {keras_self}")
            elif not close(got, want["predict"]):
                problems.append("k.h5 predict differs")
            if want.get("h5_compile_config"):
                comp, err2 = _outcome(lambda: _configs(numkeras.models.load_model(path))[0])
                dd = diff(want["h5_compile_config"], comp) if comp else [err2 or "not compiled"]
                if dd:
                    problems.append(f"k.h5 compile_config: {dd[:4]}")
        json.dump(record, open(os.path.join(d, "n.json"), "w"))
        if problems:
            bad += 1
            print(f"case {case}: {want['desc']}")
            for p in problems:
                print("   ", p)
    print(f"numkeras phase: {checked} models, {bad} with disagreements")


def keras_read(family, seed, count, outdir):
    import keras

    bad = checked = 0
    for case, s in enumerate(_seeds(seed, count)):
        d = _case_dir(outdir, case)
        npath = os.path.join(d, "n.json")
        if not os.path.exists(npath):
            continue
        want = json.load(open(npath))
        if "predict" not in want or want["predict"] is None:
            continue
        k = json.load(open(os.path.join(d, "k.json")))
        checked += 1
        problems = []
        global LOOSE
        LOOSE = "float16" in k["desc"]
        keras.utils.set_random_seed(case)
        x, y = _load_xy(d)
        for name in ("n.keras", "n.h5"):
            path = os.path.join(d, name)
            if not os.path.exists(path):
                continue
            model, err = _outcome(lambda path=path: keras.models.load_model(path))
            if err:
                if k.get(f"self_load k{name[1:]}") is True:
                    problems.append(f"keras load {name}: {err}")
                continue
            got, err = _outcome(lambda model=model: _tolist(_predict(model, x)))
            if err or not close(got, want["predict"]):
                problems.append(f"{name} predict differs {err or ''}")
            lora = "lora_rank" in k["desc"]  # (fresh factors on each load: see above)
            if name == "n.keras":
                if not lora and not close_list(_tolist(model.get_weights()), want["weights"]):
                    problems.append("n.keras weights differ")
                found = _compiled_differences(model, _configs(model), want, "n.keras")
                restarted = False  # (Keras restarts the optimizer of its own file too)
                if any(p.startswith("iterations") for p in found):
                    own, _ = _outcome(
                        lambda: _opt_state(keras.models.load_model(os.path.join(d, "k.keras")))
                    )
                    if restarted := own != k["iterations"]:  # nor does Keras restore its own
                        found = [p for p in found if not p.startswith("iterations")]
                problems += found
                if k["compiled"] and "weights_after_step" in want and not lora and not restarted:
                    after, err = _outcome(lambda model=model: _tolist(_train_step(model, x, y)))
                    if err or (
                        not _nan_contrast(k["desc"], after)
                        and not close_list(
                            after, want["weights_after_step"], TRAIN_RTOL, TRAIN_ATOL
                        )
                    ):
                        problems.append(f"keras resumed step from n.keras differs {err or ''}")
            elif k["compiled"] and k.get("h5_compile_config"):
                comp, _ = _configs(model)
                want_h5 = _metrics_by_name(k["h5_compile_config"])
                dd = diff(want_h5, _metrics_by_name(comp)) if comp else ["not compiled"]
                if dd:
                    problems.append(f"n.h5 compile_config: {dd[:4]}")

        def fresh():
            model = build_case(keras, s, family)[0]
            model.load_weights(os.path.join(d, "n.weights.h5"))
            return _tolist(_predict(model, x))

        if os.path.exists(os.path.join(d, "n.weights.h5")):
            got, err = _outcome(fresh)
            if err or not close(got, want["predict"]):
                problems.append(f"keras load_weights n.weights.h5 differs {err or ''}")
        if problems:
            bad += 1
            print(f"case {case}: {k['desc']}")
            for p in problems:
                print("   ", p)
    print(f"keras-read phase: {checked} models, {bad} with disagreements")


if __name__ == "__main__":
    phase, family, seed, count, outdir = sys.argv[1:6]
    NEWER_DRAWS = any(lo <= int(seed) < hi for lo, hi in NEWER)
    NEWEST_DRAWS = any(lo <= int(seed) < hi for lo, hi in NEWEST)
    EXTENDED = int(seed) >= EXTENDED_FROM or NEWER_DRAWS
    {"keras-write": keras_write, "numkeras": numkeras_phase, "keras-read": keras_read}[phase](
        family, int(seed), int(count), outdir
    )
