"""Differential fuzzing of whole training runs: random small models trained in Keras 3 and
in numkeras from the same weights, their loss histories, `evaluate` dicts, predictions and
final weights compared (an exception is compared by its built-in class).

Each run writes one JSON of results; `compare` lines two of them up. A run may name a
global dtype policy after its output (`mixed_float16`), and `compare` tolerances after
its two files (float16 runs: `3e-2 3e-3`). For example (run Keras from a directory other
than the repository):

    KERAS_BACKEND=jax /work/kenv/bin/python scripts/fuzz/fuzz_model_training.py \
        run keras dense 1 60 k.json
    python scripts/fuzz/fuzz_model_training.py run numkeras dense 1 60 n.json
    python scripts/fuzz/fuzz_model_training.py compare k.json n.json

A run's models draw from a seed, so both libraries build the same ones. Families:

- `dense`: 1-3 Dense layers, BatchNormalization / LayerNormalization, nine activations,
  five losses, ten optimizers with clipping, sample weights.
- `convrnn`: Conv1D / Conv2D with pooling, LSTM / GRU / SimpleRNN, Embedding with masks,
  Bidirectional. (These two: ~330 models agree.)
- `multiio`: functional models with 2-3 inputs (a list or a dict) and 2 outputs (a list or
  a dict), a shared layer, a nested Sequential and a nested functional model, six merge
  layers, losses / loss_weights / metrics / weighted_metrics as lists (in the outputs'
  order, or deliberately not) or dicts by output name, one or per-output sample weights,
  class_weight on a one-output classifier, validation_split / validation_data (with
  weights), then evaluate(return_dict=True). Seed 7 (80 models, without the nested
  functional model and weighted_metrics), seeds 8 (60) and 9 (30): all agree, some by
  raising ValueError in both (a list of losses that does not follow the outputs' order).
- `attnnorm`: Embedding(mask_zero) / Masking / float sequences, MultiHeadAttention (self
  with causal and explicit boolean attention masks, cross), Attention (dot / concat) and
  AdditiveAttention with keys and causal masks, LayerNormalization (rms_scaling too) /
  GroupNormalization / UnitNormalization / RMSNormalization, TimeDistributed(Dense),
  causal dilated Conv1D, masked GlobalAveragePooling1D. Seed 7 (80, the first version:
  no Masking, no attention_mask, residual Adds of masked inputs) and seed 8 (60): all
  agree but for final weights of biases that get no gradient (MultiHeadAttention's key
  bias, a key Dense's bias under dot-product scores, a bias before GroupNormalization of
  one channel per group), where Adam turns rounding noise into steps of ~lr, and one
  seed-7 model with the Keras behaviour that follows. Not drawn any more:
  a residual `Add()([x, MultiHeadAttention()(x, x)])` of a masked `x`: Keras's
  MultiHeadAttention takes the Keras masks off its input tensors as it runs, so the Add
  (and all after it) loses the padding mask in Keras, not in numkeras.
- `regcons`: kernel / bias / activity regularizers (l1, l2, l1_l2, OrthogonalRegularizer
  by rows and columns), constraints (MaxNorm, NonNeg, UnitNorm, MinMaxNorm, PReLU's
  alpha's), constant and identity initializers, Dense without bias, PReLU / LeakyReLU /
  ELU / ReLU layers, thirteen optimizers with weight_decay, clipnorm / clipvalue /
  global_clipnorm, EMA (with overwrites), amsgrad, centered RMSprop, Nesterov,
  gradient_accumulation_steps, five learning-rate schedules, steps_per_execution 1-3.
  Seeds 8 (60) and 9 (40): all agree (after two fixes: OrthogonalRegularizer's slope at an exact 0,
  and constraints applied on accumulating calls). Keras gives NaN where NonNeg or an
  identity kernel leaves an all-zero row / column under OrthogonalRegularizer (the norm's
  derivative at 0); numkeras gives it no gradient. (Seed 7, 80 models of the first
  version, before the fixes: 8 differed, all OrthogonalRegularizer's.) With
  KERAS_BACKEND=torch, |x| has slope 0 at 0 (JAX: 1), so models whose weights hold exact
  zeros under l1 (identity, NonNeg) differ there, and steps_per_execution > 1 raises.
- `conv2`: Conv2DTranspose (output_padding) / Conv1DTranspose, SeparableConv1D / 2D,
  DepthwiseConv2D, grouped Conv2D, UpSampling1D / 2D (nearest, bilinear, uneven sizes),
  ZeroPadding2D, Cropping2D, Average / MaxPooling, global pooling, strides / dilation /
  padding, channels_first, BatchNormalization after convolutions. Seed 7 (80, without
  output_padding, groups, MaxPooling, uneven up-sampling) and seed 8 (60): all agree but
  for the known noise below (4 models), one of it a BatchNormalization of a dead (all
  zero) channel, whose gamma's gradient is rounding noise too.

- `callbacks`: a Dense model fitted with callbacks drawn from EarlyStopping (patience,
  min_delta, mode, baseline, restore_best_weights, start_from_epoch), ReduceLROnPlateau,
  LearningRateScheduler (epoch / epoch-and-rate functions), TerminateOnNaN (with a rate
  that blows up), ModelCheckpoint (save_best_only, a formatted path: the files written),
  CSVLogger (append: the rows), a LambdaCallback assigning `optimizer.learning_rate`,
  SwapEMAWeights, and a recorder of every hook with its logs (batch logs, params); a
  float rate or a LearningRateSchedule (ExponentialDecay / CosineDecay /
  PiecewiseConstantDecay: the rate-setting callbacks then raise TypeError, as Keras),
  gradient_accumulation_steps, use_ema, validation_split / validation_data,
  validation_freq, initial_epoch, steps_per_epoch, class_weight, sample_weight,
  run_eagerly / jit_compile, a second fit resumed from the last epoch, evaluate and
  predict with the recorder. Compared besides: History's epoch and params, the
  callbacks' state, stop_training, iterations, the final rate (`extra`). Seeds 100 (50
  models, the first version), 101 (30), 102 (30), 103 (30) and 104 (25): all agree,
  after one fix (a schedule's rate has no `assign`: AttributeError). A Keras crash (EMA
  on JAX donating a buffer twice in the resumed fit: fuzz_training's KERAS_CRASHES) is
  not compared.

- `callbacks2`: the `callbacks` family with more draws (`_more_feeds`): x and validation
  data as PyDatasets (sample weights in the batches), validation data as a list,
  validation_steps / validation_batch_size, a callback stopping training at a batch, a
  ModelCheckpoint saving every few batches.

- `callbacks3`: the `callbacks2` family with more draws (`_more_training`):
  validation_freq as a list, a ModelCheckpoint keeping the best epochs below an
  initial_value_threshold, a LambdaCallback's batch logs, BackupAndRestore (save_freq
  per epoch or every few batches, delete_checkpoint) resuming a fit interrupted at an
  epoch's end, the first layer frozen and the model compiled again, train_on_batch /
  test_on_batch (sample weights, return_dict), predict_on_batch, get_metrics_result,
  `model.history`, evaluate with sample weights. Not drawn: ModelCheckpoint with
  save_best_only and an int save_freq, which Keras 3.15 crashes on (TypeError: it sets
  its comparison at the first epoch's end, after the first batch save); numkeras saves.
  Seeds 500, 501 and 502 (25 models each): all agree (one float32-noise model: 501's
  case 15, blown up to weights ~1e3), after one fix (get_metrics_result before the
  metrics are built, and after a second compile: tests/trainers/test_fuzz_training_4.py)
  and one Keras bug normalized: Keras 3 keeps the epoch BackupAndRestore restored in
  `model._initial_epoch` forever, so every later fit of the model starts there (the
  fuzzer clears it; numkeras clears it after the fit).

- `callbacks4`: a two-output functional model (a regression `reg` and a classifier
  `cls`, outputs as a dict or a list) with losses / metrics / weighted_metrics /
  loss_weights per output as dicts or lists, an optimizer (five) with clipnorm /
  clipvalue / global_clipnorm, weight_decay, EMA or a schedule, run_eagerly /
  jit_compile, per-output sample weights, validation_split / validation_data (with
  per-output weights), validation_freq, initial_epoch, and EarlyStopping /
  ReduceLROnPlateau / ModelCheckpoint(save_best_only) monitoring one output's loss or
  metric, a LearningRateScheduler and the hook recorder; then evaluate(return_dict=True)
  with per-output sample weights. Not drawn: mode "auto" for a monitor other than the
  loss (Keras 3 raises, "isn't able to automatically determine", even for "val_reg_loss";
  numkeras infers it: MonitorCallback's docstring), and dict targets / sample weights
  for list outputs (Keras's KeyError 0, fuzz_training's docstring). Seeds 530, 531 and
  532 (10 each, fifth pass) agree; seed 529 (the first version) differed only by those two.

Eleventh pass (seeds 611-645, family by seed as the tenth: 611 dense, 612 convrnn, ...,
620 callbacks4, 621 dense, ...; 611-613 two models each, the others one, session 30)
agree but for the known noise below: conv2 (seed 636: the Conv1DTranspose bias before
BatchNormalization under Adam, and a beta feeding AveragePooling and a second
BatchNormalization: evaluate's accuracy flips a sample) and dense (seed 611's case 0: a
LayerNormalization of two features, whose output is +-1 up to its epsilon, so the layers
before it get a gradient of ~epsilon that AdamW turns into full steps; numkeras in float64
differs from its own float32 run by more than Keras does).

Tenth pass (seeds 591-610, each family twice, session 29): dense (591, 3; 601, 2),
convrnn (592, 3; 602, 2), multiio (593, 3; 603, 2), attnnorm (594, 3; 604, 2), regcons
(595, 605), conv2 (596, 606), callbacks (597, 607), callbacks2 (598, 608), callbacks3
(599, 609) and callbacks4 (600, 610; 2 each) agree but for the known noise below (conv2,
seed 596's case 1: the DepthwiseConv2D bias before BatchNormalization, under Adam).

Ninth pass (seeds 571-590, each family twice): dense (571, 4; 581, 2), convrnn (572, 4;
582, 2), multiio (573, 4; 583, 2), attnnorm (574, 4; 584, 2), regcons (575, 4; 585, 2),
conv2 (576, 4; 586, 2), callbacks (577, 4; 587, 2), callbacks2 (578, 588), callbacks3 (579,
589) and callbacks4 (580, 590; 2 each) agree but for the known noise below (attnnorm, two
models: MultiHeadAttention's key bias, and in one its value and output biases too, before
a GroupNormalization of one channel per group, under AdamW at 0.02).

Eighth pass (seeds 563-570): callbacks4 (563, 5), callbacks3 (564, 4), multiio (565, 4),
callbacks2 (566, 3), regcons (567, 3), attnnorm (568, 3), conv2 (569, 3) and convrnn
(570, 3) agree.

Seventh pass (seeds 555-562): callbacks4 (555, 8), multiio (556, 6), callbacks3 (557, 6),
regcons (558, 6), attnnorm (559, 5), conv2 (560, 5), convrnn (561, 5) and dense (562, 8)
agree but for the known noise below (dense: one Lion model, a bias and a
BatchNormalization's beta before a linear Dense and a second BatchNormalization).

Sixth pass (seeds 539-548): callbacks4 (539, 8), callbacks3 (540, 8), multiio (541, 10),
regcons (542, 10), attnnorm (543, 8), conv2 (544, 8), convrnn (545, 8), dense (546, 10),
callbacks2 (547, 8) and callbacks (548, 8) agree but for the known noise below (conv2: one
model, the biases before its two BatchNormalizations; dense: one model, a bias and a
BatchNormalization's beta before a linear Dense and a second BatchNormalization, under
Adamax, and the moving mean after them) and two blown-up callbacks3 models
(SGD on targets x1e3, losses ~1e6: float32 rounding, amplified; numkeras in float64
differs from its own float32 run by as much as Keras does).

Fifth pass (seeds 529-535): callbacks4 (above), multiio (533, 10), regcons (534, 8) and
callbacks3 (535, 6) agree.

Fourth pass (seeds 500-502): callbacks3 (25 + 25 + 25, above), multiio (20), regcons
(20) and callbacks2 (20) agree.

Third pass (seeds 300-302): dense (20 + 15), convrnn (15 + 20), multiio (15 + 15),
attnnorm (15 + 15), regcons (15 + 15), conv2 (15 + 15), callbacks (15 + 20), callbacks2
(20 + 20 + 20) agree but for the known noise below, the known Keras NaN of
OrthogonalRegularizer over a NonNeg kernel (regcons, one model) and, in callbacks2 302,
one model whose Keras run fails on its sample_weight beside class_weight (in its
build-time peek at the PyDataset's first batch, before any callback) while numkeras
fails first on a LambdaCallback assigning a scheduled rate (the order of two errors),
and one blown-up model (targets x1e3, rate 1e6) whose one prediction near 0 cancels
float32 rounding of values ~1e5 (off by 0.03).

Second pass (seed 100): dense (50), convrnn (30), multiio (30), attnnorm (30), regcons
(25), conv2 (25) agree but for the known noise below (dense: 9 models, all with
BatchNormalization after a bias, under Adam-like optimizers or Lion; convrnn: one Nadam
model, one recurrent-kernel entry off by 2.5e-4; conv2: one BatchNormalization's beta
that feeds MaxPooling and a second BatchNormalization, which takes the shift away).

Known noise: a bias that feeds BatchNormalization gets a gradient of rounding noise, which
Adam turns into steps of +-lr, so such predictions may differ by ~1e-3; so do the layers
before a LayerNormalization of two features (its output is +-1 up to its epsilon).
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fuzz_training import KERAS_CRASHES, _batches, _diff, _jsonable, _stream  # noqa: E402

ACTIVATIONS = ["relu", "tanh", "sigmoid", "elu", "selu", "softplus", "gelu", "swish", "linear"]
OPTIMIZERS = [
    "SGD",
    "Adam",
    "RMSprop",
    "Adagrad",
    "AdamW",
    "Nadam",
    "Adamax",
    "Adadelta",
    "Ftrl",
    "Lion",
]


def dense_case(K, rng):
    """A Dense stack on one of four tasks: `(model, x, y, sample_weight, description)`."""
    L = K.layers
    n_in, n_out = int(rng.integers(2, 9)), int(rng.integers(2, 5))
    task = str(rng.choice(["regression", "binary", "categorical", "sparse"]))
    layers, desc = [L.Input((n_in,))], []
    for _ in range(int(rng.integers(1, 4))):
        units, act = int(rng.integers(2, 12)), str(rng.choice(ACTIVATIONS))
        reg = rng.choice([None, "l2", "l1"])
        layers.append(L.Dense(units, activation=act, kernel_regularizer=reg and str(reg)))
        desc.append(f"Dense({units}, {act}, {reg})")
        extra = str(rng.choice(["none", "bn", "ln"]))
        if extra != "none":
            layers.append(L.BatchNormalization() if extra == "bn" else L.LayerNormalization())
            desc.append(extra)
    n = int(rng.integers(20, 60))
    x = rng.normal(size=(n, n_in)).astype("float32")
    if task == "regression":
        loss = str(rng.choice(["mse", "mae", "huber", "log_cosh"]))
        layers.append(L.Dense(n_out))
        y = rng.normal(size=(n, n_out)).astype("float32")
    elif task == "binary":
        loss = "binary_crossentropy"
        layers.append(L.Dense(1, activation="sigmoid"))
        y = rng.integers(0, 2, (n, 1)).astype("float32")
    else:
        loss = (
            "categorical_crossentropy"
            if task == "categorical"
            else task + "_categorical_crossentropy"
        )
        layers.append(L.Dense(n_out, activation="softmax"))
        labels = rng.integers(0, n_out, n)
        y = np.eye(n_out, dtype="float32")[labels] if task == "categorical" else labels
    sample_weight = rng.random(n).astype("float32") if rng.random() < 0.3 else None
    return K.Sequential(layers), x, y, sample_weight, loss, "-".join(desc)


def convrnn_case(K, rng):
    """A convolutional or recurrent model on a 3-class task."""
    L = K.layers
    kind = str(rng.choice(["conv1d", "conv2d", "rnn", "embedding_rnn", "bidirectional"]))
    desc = [kind]
    if kind == "conv2d":
        shape = (int(rng.integers(6, 10)), int(rng.integers(6, 10)), int(rng.integers(1, 4)))
        layers = [L.Input(shape)]
        for _ in range(int(rng.integers(1, 3))):
            f, k, s = int(rng.integers(2, 6)), int(rng.choice([2, 3])), int(rng.choice([1, 2]))
            pad, act = str(rng.choice(["valid", "same"])), str(rng.choice(ACTIVATIONS[:4]))
            layers.append(L.Conv2D(f, k, strides=s, padding=pad, activation=act))
            desc.append(f"Conv2D({f}, {k}, {s}, {pad}, {act})")
        pool = str(rng.choice(["max", "avg", "global_max", "global_avg"]))
        layers.append(
            {
                "max": lambda: L.MaxPooling2D(2, padding="same"),
                "avg": lambda: L.AveragePooling2D(2, padding="same"),
                "global_max": L.GlobalMaxPooling2D,
                "global_avg": L.GlobalAveragePooling2D,
            }[pool]()
        )
        desc.append(pool)
        if not pool.startswith("global"):
            layers.append(L.Flatten())
        x = rng.normal(size=(24, *shape)).astype("float32")
    elif kind == "conv1d":
        shape = (int(rng.integers(8, 14)), int(rng.integers(1, 5)))
        layers = [L.Input(shape)]
        for _ in range(int(rng.integers(1, 3))):
            f, k, d = int(rng.integers(2, 6)), int(rng.choice([2, 3])), int(rng.choice([1, 2]))
            pad = str(rng.choice(["valid", "same", "causal"]))
            layers.append(L.Conv1D(f, k, padding=pad, dilation_rate=d, activation="relu"))
            desc.append(f"Conv1D({f}, {k}, {d}, {pad})")
        layers.append(L.GlobalAveragePooling1D() if rng.random() < 0.5 else L.Flatten())
        x = rng.normal(size=(24, *shape)).astype("float32")
    else:
        steps, features, units = (
            int(rng.integers(3, 7)),
            int(rng.integers(2, 5)),
            int(rng.integers(2, 6)),
        )
        cell = str(rng.choice(["LSTM", "GRU", "SimpleRNN"]))
        kw = {"return_sequences": bool(rng.integers(2))}
        kw["go_backwards"] = bool(rng.integers(2)) and kind != "bidirectional"
        if cell == "GRU":
            kw["reset_after"] = bool(rng.integers(2))
        desc.append(f"{cell}({units}, {kw})")
        if kind == "embedding_rnn":
            mask_zero = bool(rng.integers(2))
            layers = [L.Input((steps,)), L.Embedding(12, features, mask_zero=mask_zero)]
            desc.append(f"mask_zero={mask_zero}")
            x = rng.integers(0, 12, (24, steps))
            x[:, 0] = np.maximum(x[:, 0], 1)
        else:
            layers = [L.Input((steps, features))]
            x = rng.normal(size=(24, steps, features)).astype("float32")
        rnn = getattr(L, cell)(units, **kw)
        if kind == "bidirectional":
            merge = str(rng.choice(["concat", "sum", "ave", "mul"]))
            rnn = L.Bidirectional(rnn, merge_mode=merge)
            desc.append(merge)
        layers.append(rnn)
        if kw["return_sequences"]:
            layers.append(L.Flatten())
    layers.append(L.Dense(3, activation="softmax"))
    y = rng.integers(0, 3, len(x))
    return K.Sequential(layers), x, y, None, "sparse_categorical_crossentropy", "-".join(desc)


def init_weights(model, rng, keep=()) -> None:
    """Random starting weights, layer by layer (the same in both libraries); a layer named
    in `keep` keeps what its initializer gave (constant, identity: the same in both), and
    ones stay ones (scales, variances)."""
    for layer in model.layers:
        if layer.name in keep or not layer.weights:
            continue
        layer.set_weights(
            [
                w
                if w.ndim == 1 and np.all(w == 1)
                else (rng.normal(size=w.shape) * 0.4).astype(w.dtype)
                for w in layer.get_weights()
            ]
        )


def _early_state(cb) -> list:
    """What an EarlyStopping holds after fit, compared between the libraries."""
    return [cb.stopped_epoch, float(cb.best), cb.wait, cb.best_epoch]


def pick(rng, options):
    """One of `options` (any objects), drawn from `rng`."""
    return options[int(rng.integers(len(options)))]


def multiio_case(K, rng):
    """A functional model with 2-3 inputs and 2 outputs (or one classifier with
    class_weight): a shared layer, a nested Sequential, losses / loss_weights / metrics /
    sample weights as lists or dicts by output name, validation, then evaluate."""
    L = K.layers
    n_inputs, d = int(rng.integers(2, 4)), int(rng.integers(2, 6))
    dims = [d, d, int(rng.integers(2, 6))][:n_inputs]
    names = ["in_a", "in_b", "in_c"][:n_inputs]
    inputs = [K.Input((k,), name=nm) for k, nm in zip(dims, names)]
    act = str(rng.choice(ACTIVATIONS))
    shared = L.Dense(int(rng.integers(2, 6)), activation=act, name="shared")
    merge = str(rng.choice(["Concatenate", "Add", "Multiply", "Average", "Maximum", "Subtract"]))
    first = ha = shared(inputs[0])
    if rng.random() < 0.4:  # a nested functional model on one branch
        inner_in = K.Input((dims[0],))
        inner = K.Model(inner_in, L.Dense(shared.units, activation="tanh")(inner_in), name="inner")
        first = inner(inputs[0])
    h = getattr(L, merge)()([first, shared(inputs[1])])
    if n_inputs == 3:
        h = L.Concatenate()([h, inputs[2]])
    units = int(rng.integers(2, 8))
    sub_layers = [L.Dense(units, activation=act), L.Dense(units, activation="tanh")]
    if rng.random() < 0.5:
        sub_layers.insert(0, K.Input((h.shape[-1],)))
    if rng.random() < 0.4:
        sub_layers.append(L.BatchNormalization() if rng.random() < 0.5 else L.LayerNormalization())
    h2 = K.Sequential(sub_layers, name="sub")(h)
    desc = [f"{n_inputs}in", merge, act, f"sub{len(sub_layers)}", f"inner={first is not ha}"]
    n = int(rng.integers(24, 48))
    xs = [rng.normal(size=(n, k)).astype("float32") for k in dims]
    x = xs if rng.random() < 0.5 else dict(zip(names, xs))
    n_cls = int(rng.integers(2, 5))
    labels = rng.integers(0, n_cls, n)
    fit, evaluate = {"batch_size": int(rng.choice([5, 8])), "epochs": 3}, {}
    if rng.random() < 0.25:  # one classifier output, weighted by class
        out = L.Dense(n_cls, activation="softmax", name="cls")(h2)
        model = K.Model(inputs, out)
        class_weight = {i: float(rng.uniform(0.2, 3)) for i in range(n_cls)}
        loss = str(rng.choice(["sparse_categorical_crossentropy", "categorical_crossentropy"]))
        y = labels if loss.startswith("sparse") else np.eye(n_cls, dtype="float32")[labels]
        compile_kw = {"loss": loss, "metrics": ["accuracy"]}
        fit.update(class_weight=class_weight, y=y)
        evaluate["y"] = y
        desc.append(f"class_weight|{loss}")
    else:
        n_reg = int(rng.integers(1, 4))
        reg = L.Dense(n_reg, name="reg")(h2)
        cls_kind = str(rng.choice(["sparse", "categorical", "binary"]))
        if cls_kind == "binary":
            cls = L.Dense(1, activation="sigmoid", name="cls")(L.Concatenate()([h2, h]))
            y_cls, cls_loss, cls_metric = (labels % 2)[:, None].astype("float32"), "bce", "AUC"
        else:
            cls = L.Dense(n_cls, activation="softmax", name="cls")(L.Concatenate()([h2, h]))
            y_cls = labels if cls_kind == "sparse" else np.eye(n_cls, dtype="float32")[labels]
            cls_loss = (
                "sparse_categorical_crossentropy"
                if cls_kind == "sparse"
                else "categorical_crossentropy"
            )
            cls_metric = "accuracy"
        y_reg = rng.normal(size=(n, n_reg)).astype("float32")
        out_form = str(rng.choice(["list", "dict"]))
        model = K.Model(inputs, [reg, cls] if out_form == "list" else {"reg": reg, "cls": cls})
        reg_loss = str(rng.choice(["mse", "mae", "huber"]))
        form = str(rng.choice(["list", "dict"]))

        # a list for a dict-output model follows its outputs (sorted names), but not always
        swap = out_form == "dict" and rng.random() < 0.7

        def shaped(a, b):
            return ([b, a] if swap else [a, b]) if form == "list" else {"reg": a, "cls": b}

        compile_kw = {"loss": shaped(reg_loss, cls_loss)}
        if rng.random() < 0.6:
            compile_kw["loss_weights"] = shaped(
                float(rng.uniform(0.2, 2)), float(rng.uniform(0.2, 2))
            )
        if rng.random() < 0.7:
            compile_kw["metrics"] = shaped(["mae", "mse"], [cls_metric])
        if rng.random() < 0.3:
            compile_kw["weighted_metrics"] = shaped(["mse"], ["mae"])
        y = [y_reg, y_cls] if out_form == "list" else {"reg": y_reg, "cls": y_cls}
        fit["y"] = evaluate["y"] = y
        weighting = str(rng.choice(["none", "one", "per_output"]))
        if weighting == "one":
            fit["sample_weight"] = rng.random(n).astype("float32")
        elif weighting == "per_output":
            a, b = rng.random(n).astype("float32"), rng.random(n).astype("float32")
            fit["sample_weight"] = [a, b] if out_form == "list" else {"reg": a, "cls": b}
        if "sample_weight" in fit and rng.random() < 0.5:
            evaluate["sample_weight"] = fit["sample_weight"]
        desc.append(
            f"out={out_form}|{form}(swap={swap})|{reg_loss}+{cls_loss}|{sorted(compile_kw)}"
            f"|sw={weighting}"
        )
    validation = str(rng.choice(["none", "split", "data"]))
    if validation == "split":
        fit["validation_split"] = float(rng.choice([0.2, 0.25]))
    elif validation == "data":
        fit["validation_data"] = (x, fit["y"])
        if "sample_weight" in fit and rng.random() < 0.5:
            fit["validation_data"] = (x, fit["y"], fit["sample_weight"])
    desc.append(f"val={validation}")
    init_weights(model, rng)
    name, rate = str(rng.choice(["SGD", "Adam", "RMSprop", "Nadam"])), 0.02
    compile_kw["optimizer"] = getattr(K.optimizers, name)(learning_rate=rate)
    desc.append(name)
    fit["x"] = evaluate["x"] = x
    predict = [a[:5] for a in xs] if isinstance(x, list) else {k: v[:5] for k, v in x.items()}
    return {
        "model": model,
        "compile": compile_kw,
        "fit": fit,
        "evaluate": evaluate,
        "predict": predict,
        "desc": "-".join(desc),
    }


def attnnorm_case(K, rng):
    """Attention and normalization on sequences: Embedding(mask_zero) or float inputs,
    MultiHeadAttention (self / cross, causal, masks), Attention / AdditiveAttention, four
    normalizations, TimeDistributed(Dense), causal dilated Conv1D, masked pooling."""
    L = K.layers
    steps, d = int(rng.integers(4, 8)), int(rng.choice([4, 6, 8]))
    n = 24
    tokens = str(rng.choice(["embedding", "floats", "masking"]))
    mask_zero = tokens == "embedding" and bool(rng.random() < 0.7)
    desc = [f"{tokens}(mask_zero={mask_zero})"]
    if tokens == "embedding":
        inp = K.Input((steps,), dtype="int32")
        h = L.Embedding(10, d, mask_zero=mask_zero)(inp)
        x = rng.integers(1, 10, (n, steps))
        lengths = rng.integers(1, steps + 1, n)  # padding at the end of each row
        x[np.arange(steps)[None, :] >= lengths[:, None]] = 0
    else:
        inp = K.Input((steps, d))
        h = inp
        x = rng.normal(size=(n, steps, d)).astype("float32")
        if tokens == "masking":  # rows of zeros at the end, masked by Masking
            lengths = rng.integers(1, steps + 1, n)
            x[np.arange(steps)[None, :] >= lengths[:, None]] = 0
            h = L.Masking(0.0)(inp)
    masked = mask_zero or tokens == "masking"
    inputs, xs = [inp], [x]
    for _ in range(int(rng.integers(1, 4))):
        block = str(
            rng.choice(
                ["mha_self", "mha_cross", "attention", "additive", "norm", "td_dense", "conv"]
            )
        )
        if block == "mha_self":
            heads, causal = int(rng.integers(1, 4)), bool(rng.integers(2))
            mha = L.MultiHeadAttention(
                heads, int(rng.integers(2, 5)), use_bias=bool(rng.integers(2))
            )
            kw = {"use_causal_mask": causal}
            if rng.random() < 0.3:  # an explicit attention mask, a boolean model input
                kw["attention_mask"] = K.Input((steps, steps), dtype="bool")
                inputs.append(kw["attention_mask"])
                xs.append(rng.random((n, steps, steps)) < 0.7)
                xs[-1][:, :, 0] = True
            a = mha(h, h, **kw)
            # (Keras's MHA takes the masks off its inputs as it runs, so a residual Add of
            # a masked input loses the mask in Keras only: not drawn with masks)
            h = L.Add()([h, a]) if rng.random() < 0.5 and not masked else a
            desc.append(f"MHA(self, {heads}, {sorted(kw)}, causal={causal})")
        elif block == "mha_cross":
            s2 = int(rng.integers(2, 6))
            ctx = K.Input((s2, int(rng.integers(2, 5))))
            inputs.append(ctx)
            xs.append(rng.normal(size=(n, s2, ctx.shape[-1])).astype("float32"))
            heads = int(rng.integers(1, 3))
            mha = L.MultiHeadAttention(heads, int(rng.integers(2, 5)), output_shape=d)
            h = mha(h, ctx)
            desc.append(f"MHA(cross, {heads})")
        elif block in ("attention", "additive"):
            if block == "attention":
                mode = str(rng.choice(["dot", "concat"]))
                att = L.Attention(use_scale=bool(rng.integers(2)), score_mode=mode)
            else:
                mode = "additive"
                att = L.AdditiveAttention(use_scale=bool(rng.integers(2)))
            causal = bool(rng.integers(2))
            key = L.Dense(d)(h) if rng.random() < 0.5 else None
            h = att([h, h] if key is None else [h, h, key], use_causal_mask=causal)
            desc.append(f"{type(att).__name__}({mode}, causal={causal}, key={key is not None})")
        elif block == "norm":
            kind = str(
                rng.choice(
                    [
                        "LayerNormalization",
                        "GroupNormalization",
                        "UnitNormalization",
                        "RMSNormalization",
                    ]
                )
            )
            if kind == "GroupNormalization":
                norm = L.GroupNormalization(groups=int(rng.choice([1, 2, d])))
            elif kind == "LayerNormalization":
                norm = L.LayerNormalization(
                    center=bool(rng.integers(2)),
                    scale=bool(rng.integers(2)),
                    rms_scaling=bool(rng.random() < 0.3),
                )
            else:
                norm = getattr(L, kind)()
            h = norm(h)
            desc.append(kind)
        elif block == "td_dense":
            h = L.TimeDistributed(L.Dense(d, activation=str(rng.choice(ACTIVATIONS[:4]))))(h)
            desc.append("TimeDistributed(Dense)")
        else:
            k, rate = int(rng.choice([2, 3])), int(rng.choice([1, 2]))
            h = L.Conv1D(d, k, padding="causal", dilation_rate=rate, activation="relu")(h)
            desc.append(f"Conv1D(causal, {k}, {rate})")
    pool = str(rng.choice(["gap", "gmp", "flatten"]))
    h = {"gap": L.GlobalAveragePooling1D, "gmp": L.GlobalMaxPooling1D, "flatten": L.Flatten}[
        pool
    ]()(h)
    desc.append(pool)
    out = L.Dense(3, activation="softmax")(h)
    model = K.Model(inputs, out)
    init_weights(model, rng)
    y = rng.integers(0, 3, n)
    name = str(rng.choice(["SGD", "Adam", "RMSprop", "AdamW"]))
    desc.append(name)
    data = xs if len(xs) > 1 else x
    return {
        "model": model,
        "compile": {
            "optimizer": getattr(K.optimizers, name)(learning_rate=0.02),
            "loss": "sparse_categorical_crossentropy",
            "metrics": ["accuracy"],
        },
        "fit": {"x": data, "y": y, "batch_size": 8, "epochs": 2},
        "evaluate": {"x": data, "y": y},
        "predict": [a[:5] for a in xs] if len(xs) > 1 else x[:5],
        "desc": "-".join(desc),
    }


def _regularizer(K, rng):
    kind = str(rng.choice(["none", "l1", "l2", "l1_l2", "orthogonal"]))
    if kind == "none":
        return None, kind
    if kind == "orthogonal":
        mode = str(rng.choice(["rows", "columns"]))
        return K.regularizers.OrthogonalRegularizer(0.05, mode=mode), f"orth({mode})"
    if kind == "l1_l2":
        return K.regularizers.L1L2(l1=0.01, l2=0.02), kind
    return getattr(K.regularizers, kind.upper())(0.02), kind


def _constraint(K, rng):
    kind = str(rng.choice(["none", "MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm"]))
    if kind == "none":
        return None, kind
    if kind == "MaxNorm":
        return K.constraints.MaxNorm(0.8), kind
    if kind == "MinMaxNorm":
        return K.constraints.MinMaxNorm(0.3, 0.9, rate=0.7), kind
    return getattr(K.constraints, kind)(), kind


def _schedule(K, rng):
    kind = str(rng.choice(["constant", "exp", "cosine", "piecewise", "restarts", "inverse"]))
    S = K.optimizers.schedules
    if kind == "exp":
        return S.ExponentialDecay(0.05, 3, 0.7, staircase=bool(rng.integers(2))), kind
    if kind == "cosine":
        return S.CosineDecay(0.05, 10, alpha=0.1), kind
    if kind == "piecewise":
        return S.PiecewiseConstantDecay([3, 7], [0.05, 0.02, 0.01]), kind
    if kind == "restarts":
        return S.CosineDecayRestarts(0.05, 4, t_mul=2.0, m_mul=0.8), kind
    if kind == "inverse":
        return S.InverseTimeDecay(0.05, 4, 0.5), kind
    return 0.03, kind


def regcons_case(K, rng):
    """Regularizers (kernel / bias / activity), constraints, constant and identity
    initializers, Dense without bias, PReLU / LeakyReLU / ELU layers, optimizers with
    weight_decay / clipping / EMA, learning-rate schedules, steps_per_execution."""
    L = K.layers
    n_in = int(rng.integers(2, 7))
    layers, desc, keep = [K.Input((n_in,))], [], []
    width = n_in
    for i in range(int(rng.integers(1, 4))):
        units = int(rng.integers(2, 9))
        kreg, kreg_d = _regularizer(K, rng)
        breg, breg_d = _regularizer(K, rng) if rng.random() < 0.3 else (None, "none")
        areg = str(rng.choice(["l1", "l2"])) if rng.random() < 0.3 else None
        kcon, kcon_d = _constraint(K, rng)
        bcon, bcon_d = _constraint(K, rng) if rng.random() < 0.3 else (None, "none")
        use_bias = bool(rng.random() < 0.75)
        init = str(rng.choice(["random", "random", "constant", "identity"]))
        kw = {}
        if init == "constant":
            kw = {"kernel_initializer": K.initializers.Constant(0.1), "bias_initializer": "ones"}
            keep.append(f"dense{i}")
        elif init == "identity":
            units = width
            kw = {"kernel_initializer": K.initializers.Identity(gain=0.9)}
            keep.append(f"dense{i}")
        layers.append(
            L.Dense(
                units,
                use_bias=use_bias,
                kernel_regularizer=kreg,
                bias_regularizer=breg,
                activity_regularizer=areg,
                kernel_constraint=kcon,
                bias_constraint=bcon,
                name=f"dense{i}",
                **kw,
            )
        )
        desc.append(
            f"Dense({units}, bias={use_bias}, {kreg_d}/{breg_d}/{areg}, {kcon_d}/{bcon_d}, {init})"
        )
        width = units
        act = str(rng.choice(["PReLU", "LeakyReLU", "ELU", "ReLU", "none"]))
        if act == "PReLU":
            shared = [1] if rng.random() < 0.3 else None
            extra = {}
            if rng.random() < 0.3:
                extra = {"alpha_regularizer": "l2", "alpha_constraint": K.constraints.NonNeg()}
            layers.append(L.PReLU(shared_axes=shared, **extra))
            act += "(reg, NonNeg)" if extra else ""
        elif act == "LeakyReLU":
            layers.append(L.LeakyReLU(negative_slope=float(rng.choice([0.1, 0.3]))))
        elif act == "ELU":
            layers.append(L.ELU(alpha=float(rng.choice([0.5, 1.0]))))
        elif act == "ReLU":
            layers.append(L.ReLU(max_value=2.0, negative_slope=0.05, threshold=0.1))
        desc.append(act)
    n = int(rng.integers(20, 50))
    x = rng.normal(size=(n, n_in)).astype("float32")
    task = str(rng.choice(["regression", "sparse"]))
    if task == "regression":
        layers.append(L.Dense(2, name="head"))
        y, loss, metrics = rng.normal(size=(n, 2)).astype("float32"), "mse", ["mae"]
    else:
        layers.append(L.Dense(3, activation="softmax", name="head"))
        y, loss, metrics = rng.integers(0, 3, n), "sparse_categorical_crossentropy", ["accuracy"]
    model = K.Sequential(layers)
    init_weights(model, rng, keep)
    name = str(
        rng.choice(
            ["SGD", "Adam", "AdamW", "RMSprop", "Nadam", "Lion", "Adagrad", "Adamax"]
            + ["Adafactor", "Lamb", "Ftrl", "Adadelta", "Muon"]
        )
    )
    rate, rate_d = _schedule(K, rng)
    opt_kw = {}
    if rng.random() < 0.5:
        opt_kw["weight_decay"] = float(rng.choice([0.01, 0.1]))
    clip = str(rng.choice(["none", "clipnorm", "clipvalue", "global_clipnorm"]))
    if clip != "none":
        opt_kw[clip] = float(rng.choice([0.1, 0.5]))
    if rng.random() < 0.4:
        opt_kw.update(use_ema=True, ema_momentum=0.9)
        if rng.random() < 0.5:
            opt_kw["ema_overwrite_frequency"] = 3
    if name == "SGD" and rng.random() < 0.5:
        opt_kw.update(momentum=0.9, nesterov=bool(rng.integers(2)))
    if name in ("Adam", "AdamW") and rng.random() < 0.4:
        opt_kw["amsgrad"] = True
    if name == "RMSprop" and rng.random() < 0.5:
        opt_kw.update(centered=True, momentum=0.5)
    if rng.random() < 0.2:
        opt_kw["gradient_accumulation_steps"] = 2
    spe = int(rng.choice([1, 1, 2, 3]))
    desc.append(f"{name}({rate_d}, {opt_kw})|spe={spe}|{loss}")
    return {
        "model": model,
        "compile": {
            "optimizer": getattr(K.optimizers, name)(learning_rate=rate, **opt_kw),
            "loss": loss,
            "metrics": metrics,
            "steps_per_execution": spe,
        },
        "fit": {"x": x, "y": y, "batch_size": 8, "epochs": 3},
        "evaluate": {"x": x, "y": y},
        "predict": x[:5],
        "desc": "-".join(desc),
    }


def conv2_case(K, rng):
    """Transposed, separable and depthwise convolutions, up-sampling, padding, cropping,
    pooling, strides / dilation / padding, channels_first, BatchNormalization."""
    L = K.layers
    rank = int(rng.choice([1, 2, 2]))
    fmt = "channels_first" if rank == 2 and rng.random() < 0.3 else "channels_last"
    ch = int(rng.integers(1, 4))
    if rank == 1:
        shape = (int(rng.integers(6, 12)), ch)
    else:
        size = (int(rng.integers(5, 9)), int(rng.integers(5, 9)))
        shape = (ch, *size) if fmt == "channels_first" else (*size, ch)
    layers, desc = [K.Input(shape)], [f"{rank}d-{fmt}"]
    df = {"data_format": fmt}
    for _ in range(int(rng.integers(1, 4))):
        f, k = int(rng.integers(2, 5)), int(rng.choice([1, 2, 3]))
        s, dil = int(rng.choice([1, 2])), int(rng.choice([1, 1, 2]))
        pad = str(rng.choice(["valid", "same"]))
        act = str(rng.choice(["relu", "tanh", "linear"]))
        if dil > 1:
            s = 1
        if rank == 1:
            kind = str(
                rng.choice(
                    ["Conv1DTranspose", "SeparableConv1D", "AveragePooling1D", "UpSampling1D"]
                )
            )
            if kind == "Conv1DTranspose":
                layer = L.Conv1DTranspose(
                    f, k, strides=s, padding=pad, dilation_rate=dil, activation=act
                )
            elif kind == "SeparableConv1D":
                layer = L.SeparableConv1D(
                    f,
                    k,
                    strides=s,
                    padding=pad,
                    dilation_rate=dil,
                    depth_multiplier=int(rng.choice([1, 2])),
                    activation=act,
                )
            elif kind == "AveragePooling1D":
                layer = L.AveragePooling1D(2, padding=pad)
            else:
                layer = L.UpSampling1D(2)
        else:
            kind = str(
                rng.choice(
                    [
                        "Conv2DTranspose",
                        "SeparableConv2D",
                        "DepthwiseConv2D",
                        "UpSampling2D",
                        "ZeroPadding2D",
                        "Cropping2D",
                        "AveragePooling2D",
                        "MaxPooling2D",
                        "Conv2D",
                    ]
                )
            )
            if kind == "Conv2DTranspose":
                extra = {}
                if s == 2 and k > 1 and rng.random() < 0.5:
                    extra["output_padding"] = 1
                    kind += "(output_padding=1)"
                layer = L.Conv2DTranspose(
                    f, k, strides=s, padding=pad, dilation_rate=dil, activation=act, **df, **extra
                )
            elif kind == "SeparableConv2D":
                layer = L.SeparableConv2D(
                    f,
                    k,
                    strides=s,
                    padding=pad,
                    dilation_rate=dil,
                    depth_multiplier=int(rng.choice([1, 2])),
                    activation=act,
                    **df,
                )
            elif kind == "DepthwiseConv2D":
                layer = L.DepthwiseConv2D(
                    k,
                    strides=s,
                    padding=pad,
                    dilation_rate=dil,
                    depth_multiplier=int(rng.choice([1, 2])),
                    activation=act,
                    **df,
                )
            elif kind == "UpSampling2D":
                interp = str(rng.choice(["nearest", "bilinear"]))
                size = pick(rng, [2, 3, (2, 1), (1, 3)])
                layer = L.UpSampling2D(size, interpolation=interp, **df)
                kind += f"({interp})"
            elif kind == "ZeroPadding2D":
                layer = L.ZeroPadding2D(((1, 0), (2, 1)) if rng.random() < 0.5 else 1, **df)
            elif kind == "Cropping2D":
                layer = L.Cropping2D(((1, 0), (0, 1)), **df)
            elif kind == "AveragePooling2D":
                layer = L.AveragePooling2D(2, strides=int(rng.choice([1, 2])), padding=pad, **df)
            elif kind == "MaxPooling2D":
                layer = L.MaxPooling2D(pick(rng, [2, (2, 1)]), padding=pad, **df)
            else:
                groups = int(rng.choice([1, ch])) if layers[-1] is layers[0] else 1
                layer = L.Conv2D(
                    f * groups,
                    k,
                    strides=s,
                    padding=pad,
                    dilation_rate=dil,
                    activation=act,
                    groups=groups,
                    **df,
                )
                kind += f"(groups={groups})"
        layers.append(layer)
        desc.append(f"{kind}({f}, {k}, s={s}, d={dil}, {pad}, {act})")
        if rng.random() < 0.3:
            layers.append(L.BatchNormalization(axis=1 if fmt == "channels_first" else -1))
            desc.append("BN")
    head = str(rng.choice(["global_max", "global_avg", "flatten"]))
    if rank == 1:
        pools = {"global_max": L.GlobalMaxPooling1D, "global_avg": L.GlobalAveragePooling1D}
    else:
        pools = {"global_max": L.GlobalMaxPooling2D, "global_avg": L.GlobalAveragePooling2D}
    layers.append(L.Flatten(**df) if head == "flatten" else pools[head](**df))
    desc.append(head)
    layers.append(L.Dense(3, activation="softmax"))
    n = 24
    x = rng.normal(size=(n, *shape)).astype("float32")
    y = rng.integers(0, 3, n)
    model = K.Sequential(layers)
    init_weights(model, rng)
    name = str(rng.choice(["SGD", "Adam", "RMSprop"]))
    desc.append(name)
    return {
        "model": model,
        "compile": {
            "optimizer": getattr(K.optimizers, name)(learning_rate=0.01),
            "loss": "sparse_categorical_crossentropy",
            "metrics": ["accuracy"],
        },
        "fit": {"x": x, "y": y, "batch_size": 8, "epochs": 2},
        "evaluate": {"x": x, "y": y},
        "predict": x[:5],
        "desc": "-".join(desc),
    }


def _recorder(K, events: list):
    """A callback logging each hook it gets (with the batch / epoch and the logs)."""

    def logged(logs):
        return {k: float(v) for k, v in sorted((logs or {}).items())}

    class Recorder(K.callbacks.Callback):
        def on_train_begin(self, logs=None):
            events.append(["train_begin", dict(sorted(self.params.items()))])

        def on_epoch_begin(self, epoch, logs=None):
            events.append(["epoch_begin", epoch])

        def on_train_batch_end(self, batch, logs=None):
            events.append(["batch_end", batch, logged(logs)])

        def on_test_begin(self, logs=None):
            events.append(["test_begin"])

        def on_test_batch_end(self, batch, logs=None):
            events.append(["test_batch_end", batch, logged(logs)])

        def on_epoch_end(self, epoch, logs=None):
            events.append(["epoch_end", epoch, logged(logs)])

        def on_test_end(self, logs=None):
            events.append(["test_end", logged(logs)])

        def on_predict_batch_end(self, batch, logs=None):
            events.append(["predict_batch_end", batch, sorted(logs or {})])

        def on_predict_end(self, logs=None):
            events.append(["predict_end", logged(logs)])

        def on_train_end(self, logs=None):
            events.append(["train_end", logged(logs), bool(self.model.stop_training)])

    return Recorder()


def _lr_schedule(K, rng):
    """A LearningRateSchedule object (or None: a float rate)."""
    S = K.optimizers.schedules
    kind = str(rng.choice(["none", "none", "exp", "cosine", "piecewise"]))
    if kind == "exp":
        return S.ExponentialDecay(
            0.05, decay_steps=3, decay_rate=0.5, staircase=bool(rng.integers(2))
        )
    if kind == "cosine":
        return S.CosineDecay(0.05, decay_steps=10, alpha=0.1)
    if kind == "piecewise":
        return S.PiecewiseConstantDecay([4, 8], [0.05, 0.02, 0.005])
    return None


def callbacks_case(K, rng, feeds: bool = False):
    """A Dense model fitted with callbacks (EarlyStopping, ReduceLROnPlateau,
    LearningRateScheduler, TerminateOnNaN, ModelCheckpoint, CSVLogger, a hook recorder),
    a schedule or float learning rate, validation (freq), initial_epoch, class_weight;
    with `feeds` (the `callbacks2` family) `_more_feeds` draws more."""
    import os
    import tempfile

    L, C = K.layers, K.callbacks
    n_in, task = int(rng.integers(2, 6)), str(rng.choice(["regression", "sparse", "binary"]))
    n_cls = int(rng.integers(2, 5))
    n = int(rng.integers(24, 48))
    x = rng.normal(size=(n, n_in)).astype("float32")
    layers = [L.Input((n_in,)), L.Dense(int(rng.integers(2, 8)), activation="tanh")]
    if task == "regression":
        layers.append(L.Dense(1))
        y, loss, metric = rng.normal(size=(n, 1)).astype("float32"), "mse", "mae"
    elif task == "binary":
        layers.append(L.Dense(1, activation="sigmoid"))
        y, loss, metric = (
            rng.integers(0, 2, (n, 1)).astype("float32"),
            "binary_crossentropy",
            "accuracy",
        )
    else:
        layers.append(L.Dense(n_cls, activation="softmax"))
        y, loss, metric = rng.integers(0, n_cls, n), "sparse_categorical_crossentropy", "accuracy"
    model = K.Sequential(layers)
    init_weights(model, rng)
    desc = [task]
    schedule = _lr_schedule(K, rng)
    rate = schedule if schedule is not None else float(rng.choice([0.01, 0.05, 0.2]))
    name = str(rng.choice(["SGD", "Adam", "RMSprop"]))
    opt_kw = {}
    if rng.random() < 0.15:
        opt_kw["gradient_accumulation_steps"] = 2
    if rng.random() < 0.15:
        opt_kw["use_ema"] = True
        opt_kw["ema_momentum"] = 0.5
    if task == "regression" and rng.random() < 0.25:  # the loss blows up (TerminateOnNaN)
        rate, name, y = 1e6, "SGD", y * 1e3
    optimizer = getattr(K.optimizers, name)(learning_rate=rate, **opt_kw)
    desc.append(f"{name}({type(rate).__name__}, {opt_kw})")
    fit = {
        "x": x,
        "y": y,
        "batch_size": int(rng.choice([4, 8, 16])),
        "epochs": int(rng.integers(2, 7)),
    }
    validation = str(rng.choice(["none", "split", "data", "data"]))
    if validation == "split":
        fit["validation_split"] = 0.25
    elif validation == "data":
        xv = rng.normal(size=(10, n_in)).astype("float32")
        fit["validation_data"] = (xv, y[:10])
    if validation != "none" and rng.random() < 0.3:
        fit["validation_freq"] = int(rng.choice([1, 2]))
    if rng.random() < 0.2:
        fit["initial_epoch"] = 1
    if task != "regression" and rng.random() < 0.3:
        k = 2 if task == "binary" else n_cls
        fit["class_weight"] = {i: float(rng.choice([0.5, 1.0, 2.0, 3.0])) for i in range(k)}
    if rng.random() < 0.2:
        fit["sample_weight"] = rng.random(n).astype("float32")
    if rng.random() < 0.15:
        fit["steps_per_epoch"] = int(rng.integers(1, 3))
    desc.append(f"val={validation}|{sorted(k for k in fit if k not in ('x', 'y'))}")
    monitors = ["loss", f"{metric}"] + (
        ["val_loss", f"val_{metric}"] if validation != "none" else []
    )
    events, callbacks = [], []
    callbacks.append(_recorder(K, events))
    tmp = tempfile.mkdtemp()
    state = {}
    kinds = ["early", "plateau", "scheduler", "nan", "checkpoint", "csv", "assign"]
    for kind in rng.permutation(kinds):
        if rng.random() < 0.5:
            continue
        if (
            schedule is not None
            and kind in ("plateau", "scheduler", "assign")
            and rng.random() < 0.7
        ):
            continue  # (these raise TypeError on a schedule's rate: drawn less)
        if kind == "early":
            kw = {"monitor": pick(rng, monitors), "patience": int(rng.integers(0, 3))}
            kw["min_delta"] = float(rng.choice([0.0, 0.001, 0.05]))
            kw["mode"] = str(rng.choice(["auto", "auto", "min", "max"]))
            kw["restore_best_weights"] = bool(rng.random() < 0.6)
            if rng.random() < 0.2:
                kw["start_from_epoch"] = int(rng.integers(1, 3))
            if rng.random() < 0.15:
                kw["baseline"] = float(rng.choice([0.1, 1.0]))
            cb = C.EarlyStopping(**kw)
            state["early"] = functools.partial(_early_state, cb)
        elif kind == "plateau":
            kw = {"monitor": pick(rng, monitors), "patience": int(rng.integers(0, 2))}
            kw["factor"] = float(rng.choice([0.5, 0.1]))
            kw["min_lr"] = float(rng.choice([0.0, 0.004]))
            kw["cooldown"] = int(rng.integers(0, 2))
            kw["min_delta"] = float(rng.choice([0.0001, 0.05]))
            kw["mode"] = str(rng.choice(["auto", "min", "max"]))
            cb = C.ReduceLROnPlateau(**kw)
            state["plateau"] = lambda cb=cb: [float(cb.best), cb.wait, cb.cooldown_counter]
        elif kind == "scheduler":
            which = int(rng.integers(3))
            fns = [
                lambda epoch, lr: lr * 0.5,
                lambda epoch: 0.1 / (epoch + 1),
                lambda epoch, lr: lr if epoch < 2 else lr * 0.9,
            ]
            kw = {"schedule": fns[which]}
            cb = C.LearningRateScheduler(**kw)
            kw = {"schedule": which}
        elif kind == "nan":
            cb, kw = C.TerminateOnNaN(), {}
        elif kind == "assign":  # the rate set by hand each epoch (a variable's assign)

            def assign(epoch, logs, model=model):
                model.optimizer.learning_rate.assign(0.05 * 0.5**epoch)

            cb, kw = K.callbacks.LambdaCallback(on_epoch_begin=assign), {}
        elif kind == "checkpoint":
            kw = {"monitor": pick(rng, monitors), "save_best_only": bool(rng.integers(2))}
            kw["save_weights_only"] = True
            kw["mode"] = str(rng.choice(["auto", "min", "max"]))
            path = os.path.join(tmp, "w-{epoch:02d}.weights.h5")
            cb = C.ModelCheckpoint(path, **kw)
            state["checkpoint"] = lambda: sorted(os.listdir(tmp))
        else:
            path = os.path.join(tmp, "log.csv")
            cb, kw = C.CSVLogger(path, append=bool(rng.integers(2))), {}
            state["csv"] = lambda path=path: _csv_rows(path)
        callbacks.append(cb)
        desc.append(f"{kind}{kw}")
    fit["callbacks"] = callbacks
    compile_kw = {"optimizer": optimizer, "loss": loss, "metrics": [metric]}
    if rng.random() < 0.2:
        compile_kw["run_eagerly"] = True
    elif rng.random() < 0.2:
        compile_kw["jit_compile"] = bool(rng.integers(2))

    resume = rng.random() < 0.3  # a second fit going on from the last epoch
    desc.append("resume" if resume else "once")
    hooks = rng.random() < 0.4  # evaluate and predict with a hook recorder too
    if "use_ema" in opt_kw and rng.random() < 0.7:  # (drawn last: earlier seeds stay)
        swap = bool(rng.integers(2))
        callbacks.append(C.SwapEMAWeights(swap_on_epoch=swap))
        desc.append(f"SwapEMAWeights({swap})")
    if feeds:
        desc.append(_more_feeds(K, rng, fit, callbacks, tmp, state))

    def extra(model, history):
        out = {"epoch": list(history.epoch), "params": dict(sorted(history.params.items()))}
        if resume:
            more = dict(fit, epochs=fit["epochs"] + 2, initial_epoch=fit["epochs"])
            again = model.fit(shuffle=False, verbose=0, **more)
            out["resumed"] = [again.epoch, again.history]
        out["events"] = events
        if hooks:
            more = []
            logs = model.evaluate(x, y, batch_size=8, verbose=0, callbacks=[_recorder(K, more)])
            model.predict(x[:10], batch_size=4, verbose=0, callbacks=[_recorder(K, more)])
            out["hooks"] = [logs, more]
        out["stop_training"] = bool(model.stop_training)
        out["iterations"] = int(model.optimizer.iterations)
        out["learning_rate"] = float(np.asarray(model.optimizer.learning_rate))
        out.update({k: get() for k, get in state.items()})
        return out

    return {
        "model": model,
        "compile": compile_kw,
        "fit": fit,
        "evaluate": {"x": x, "y": y},
        "predict": x[:5],
        "extra": extra,
        "desc": "-".join(desc),
    }


def _batches_of(K, arrays: list, size: int):
    """A PyDataset of `size`-row batches of `arrays` ((x, y[, sample_weight]))."""
    return _stream(K, "pydataset", _batches(tuple(arrays), size))


def _more_feeds(K, rng, fit: dict, callbacks: list, tmp: str, state: dict) -> str:
    """The `callbacks2` draws: x and validation data as PyDatasets (with sample weights
    in the batches, validation_steps), validation_batch_size, a callback stopping
    training at a batch, a ModelCheckpoint saving every few batches."""
    import os

    desc = []
    if rng.random() < 0.4:  # x as a PyDataset of fit's batches
        weights = [fit.pop("sample_weight")] if "sample_weight" in fit else []
        arrays = [fit.pop("x"), fit.pop("y"), *weights]
        fit["x"] = _batches_of(K, arrays, fit.pop("batch_size"))
        fit.pop("validation_split", None)  # (arrays only)
        desc.append("x=PyDataset")
    if isinstance(fit.get("validation_data"), tuple):
        form = str(rng.choice(["tuple", "list", "pydataset"]))
        if form == "list":
            fit["validation_data"] = list(fit["validation_data"])
        elif form == "pydataset":
            fit["validation_data"] = _batches_of(K, list(fit["validation_data"]), 4)
        if rng.random() < 0.4:
            fit["validation_steps"] = int(rng.integers(1, 3))
        if form != "pydataset" and rng.random() < 0.4:
            fit["validation_batch_size"] = int(rng.choice([3, 4]))
        desc.append(f"val={form}")
    if rng.random() < 0.3:  # stop at a batch of an epoch
        at = int(rng.integers(0, 3)), int(rng.integers(0, 3))

        class Stopper(K.callbacks.Callback):
            epochs = 0  # (epochs begun in this fit, not epoch numbers: initial_epoch)

            def on_epoch_begin(self, epoch, logs=None):
                self.epochs += 1

            def on_train_batch_end(self, batch, logs=None):
                if (self.epochs - 1, batch) == at:
                    self.model.stop_training = True

        callbacks.append(Stopper())
        desc.append(f"stop_at{at}")
    if rng.random() < 0.3:  # a checkpoint every few batches
        every = int(rng.integers(1, 4))
        path = os.path.join(tmp, "b", "w-{epoch:02d}-{batch:02d}.weights.h5")
        callbacks.append(K.callbacks.ModelCheckpoint(path, save_weights_only=True, save_freq=every))
        state["batch_checkpoints"] = lambda: sorted(os.listdir(os.path.dirname(path)))
        desc.append(f"save_freq={every}")
    return ",".join(desc)


def _more_training(K, rng, spec: dict) -> dict:
    """The `callbacks3` draws, after `callbacks2`'s: validation_freq as a list, a
    ModelCheckpoint keeping the best epochs (initial_value_threshold), a
    LambdaCallback's batch logs, BackupAndRestore resuming an interrupted fit, a layer
    frozen and the model compiled again, *_on_batch calls (sample weights,
    return_dict), predict_on_batch, get_metrics_result and evaluate with sample weights."""
    import os
    import tempfile

    fit, desc = spec["fit"], []
    callbacks = fit["callbacks"]
    validated = "validation_data" in fit or "validation_split" in fit
    if validated and rng.random() < 0.4:
        fit["validation_freq"] = pick(rng, [[1], [2], [1, 3], [2, 3, 4]])
        desc.append(f"validation_freq={fit['validation_freq']}")
    tmp, state = tempfile.mkdtemp(), {}
    if rng.random() < 0.4:  # the best epochs, better than a threshold
        # (not every few batches: Keras 3.15 sets its comparison at the first epoch's end,
        # so save_best_only with an int save_freq crashes before: TypeError)
        kw = {"save_best_only": True, "monitor": "loss"}
        if rng.random() < 0.5:
            kw["initial_value_threshold"] = float(rng.choice([0.5, 5.0]))
        kw["save_weights_only"] = True
        path = os.path.join(tmp, "best", "w-{epoch:02d}.weights.h5")
        callbacks.append(K.callbacks.ModelCheckpoint(path, **kw))
        state["best"] = lambda: sorted(os.listdir(os.path.dirname(path)))
        desc.append(f"best{kw}")
    batch_logs = []
    if rng.random() < 0.3:
        callbacks.append(
            K.callbacks.LambdaCallback(
                on_train_batch_end=lambda b, logs: batch_logs.append([b, sorted(logs)])
            )
        )
        state["batch_logs"] = lambda: batch_logs
        desc.append("lambda")
    backup = rng.random() < 0.3 and "steps_per_epoch" not in fit
    stop_at = int(rng.integers(0, 2))
    backup_kw = {"delete_checkpoint": bool(rng.integers(2))}
    if rng.random() < 0.4:
        backup_kw["save_freq"] = int(rng.integers(1, 4))
    freeze = rng.random() < 0.4
    calls = [str(c) for c in rng.choice(["tob", "tob_sw", "teb", "pob", "result"], 3)]
    weights = rng.random() < 0.4
    desc += [f"backup{backup_kw}@{stop_at}" if backup else "", f"freeze={freeze}", f"{calls}"]
    extra = spec["extra"]

    def more(model, history):
        out = extra(model, history)
        x, y = spec["evaluate"]["x"], spec["evaluate"]["y"]
        out["history_attr"] = list(model.history.epoch)
        if backup:
            folder = os.path.join(tmp, "backup")

            class Interrupt(K.callbacks.Callback):
                def on_epoch_end(self, epoch, logs=None):
                    if epoch == stop_at:
                        raise RuntimeError("interrupted")

            kw = {"x": x, "y": y, "batch_size": 8, "epochs": 3, "shuffle": False, "verbose": 0}
            first = K.callbacks.BackupAndRestore(folder, **backup_kw)
            try:
                model.fit(callbacks=[first, Interrupt()], **kw)
            except RuntimeError:
                pass
            listed = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
            again = model.fit(callbacks=[K.callbacks.BackupAndRestore(folder, **backup_kw)], **kw)
            gone = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
            out["backup"] = [listed, again.epoch, again.history, gone]
            # (Keras 3 never clears the restored epoch: every later fit of the model,
            # without BackupAndRestore too, starts there; numkeras clears it)
            model._initial_epoch = None
        if freeze:
            model.layers[0].trainable = False
            model.compile(
                optimizer=K.optimizers.SGD(0.05),
                loss=spec["compile"]["loss"],
                metrics=spec["compile"]["metrics"],
            )
            again = model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
            out["frozen"] = [again.history, len(model.trainable_weights)]
            out["frozen_weights"] = [w.tolist() for w in model.layers[0].get_weights()]
        sw = np.linspace(0.2, 2.0, len(x)).astype("float32") if weights else None
        rows = []
        for call in calls:
            if call in ("tob", "tob_sw"):  # (Keras 3 dropped reset_metrics: it always resets)
                kw = {"return_dict": bool(len(rows) % 2)}
                if call == "tob_sw":
                    kw["sample_weight"] = np.linspace(1.5, 0.5, 6).astype("float32")
                rows.append(model.train_on_batch(x[:6], y[:6], **kw))
            elif call == "teb":
                w = None if sw is None else sw[:6]
                rows.append(model.test_on_batch(x[:6], y[:6], sample_weight=w, return_dict=True))
            elif call == "pob":
                rows.append(model.predict_on_batch(x[:3]))
            else:
                rows.append(model.get_metrics_result())
        out["calls"] = rows
        out["evaluate_sw"] = model.evaluate(
            x, y, sample_weight=sw, batch_size=8, verbose=0, return_dict=True
        )
        return out

    spec.update(extra=more, desc=spec["desc"] + "|" + ",".join(d for d in desc if d))
    return spec


def outputs_case(K, rng):
    """The `callbacks4` family: a two-output model (a regression `reg` and a classifier
    `cls`, outputs as a dict or a list) with metrics and weighted_metrics per output (dicts
    or lists), loss_weights, an optimizer with clipping / weight_decay / EMA / a schedule,
    run_eagerly / jit_compile, per-output sample weights, validation, and callbacks
    monitoring one output's loss or metric (EarlyStopping, ReduceLROnPlateau,
    ModelCheckpoint(save_best_only) with mode "auto": "max" for accuracy), a hook
    recorder; then evaluate(return_dict=True) with sample weights."""
    import os
    import tempfile

    L, C = K.layers, K.callbacks
    n_in, n_cls, n = int(rng.integers(2, 6)), int(rng.integers(2, 5)), int(rng.integers(24, 40))
    x = rng.normal(size=(n, n_in)).astype("float32")
    inp = K.Input((n_in,), name="x")
    h = L.Dense(int(rng.integers(3, 8)), activation="tanh", name="hidden")(inp)
    reg = L.Dense(1, name="reg")(h)
    cls = L.Dense(n_cls, activation="softmax", name="cls")(h)
    as_dict = bool(rng.integers(2))
    model = K.Model(inp, {"reg": reg, "cls": cls} if as_dict else [reg, cls])
    init_weights(model, rng)
    ys = {"reg": rng.normal(size=(n, 1)).astype("float32"), "cls": rng.integers(0, n_cls, n)}

    def per_output(values: dict, form: str):
        return values if form == "dict" else [values["reg"], values["cls"]]

    form = "dict" if as_dict else str(rng.choice(["dict", "list"]))
    # (targets and weights follow the outputs: Keras 3 fails dict sample weights of a
    # list-output model, KeyError 0, fuzz_training's docstring)
    data = "dict" if as_dict else "list"
    desc = [f"outputs={data}", f"form={form}"]
    compile_kw = {
        "loss": per_output({"reg": "mse", "cls": "sparse_categorical_crossentropy"}, form)
    }
    metrics = {"reg": [str(rng.choice(["mae", "mse"]))], "cls": ["accuracy"]}
    if rng.random() < 0.3:
        metrics["cls"].append(K.metrics.SparseTopKCategoricalAccuracy(k=2, name="top2"))
    compile_kw["metrics"] = per_output(metrics, form)
    if rng.random() < 0.3:
        compile_kw["weighted_metrics"] = (
            {"cls": ["accuracy"]} if form == "dict" else [[], ["accuracy"]]
        )
    if rng.random() < 0.5:
        compile_kw["loss_weights"] = per_output(
            {"reg": float(rng.choice([0.5, 1.0])), "cls": float(rng.choice([0.2, 2.0]))}, form
        )
    schedule = _lr_schedule(K, rng)
    rate = schedule if schedule is not None else float(rng.choice([0.01, 0.05]))
    name = str(rng.choice(["SGD", "Adam", "RMSprop", "AdamW", "Nadam"]))
    opt_kw = {}
    clip = str(rng.choice(["none", "clipnorm", "clipvalue", "global_clipnorm"]))
    if clip != "none":
        opt_kw[clip] = float(rng.choice([0.1, 1.0]))
    if rng.random() < 0.3:
        opt_kw["weight_decay"] = float(rng.choice([0.01, 0.1]))
    if rng.random() < 0.2:
        opt_kw.update(use_ema=True, ema_momentum=0.5)
    compile_kw["optimizer"] = getattr(K.optimizers, name)(learning_rate=rate, **opt_kw)
    desc.append(f"{name}({type(rate).__name__}, {opt_kw})")
    run = str(rng.choice(["default", "default", "eager", "jit", "nojit"]))
    if run != "default":
        compile_kw.update({"eager": {"run_eagerly": True}, "jit": {"jit_compile": True},
                           "nojit": {"jit_compile": False}}[run])  # fmt: skip
    fit = {"x": x, "y": per_output(ys, data), "batch_size": int(rng.choice([4, 8, 16]))}
    fit["epochs"] = int(rng.integers(2, 6))
    sw = {"reg": rng.random(n).astype("float32"), "cls": rng.random(n).astype("float32")}
    if rng.random() < 0.3:
        fit["sample_weight"] = per_output(sw, data) if rng.random() < 0.7 else sw["reg"]
    validation = str(rng.choice(["split", "data", "data_sw"]))
    if validation == "split":
        fit["validation_split"] = 0.25
    else:
        xv, yv = x[:10], per_output({k: v[:10] for k, v in ys.items()}, data)
        val_sw = per_output({k: v[:10] for k, v in sw.items()}, data)
        fit["validation_data"] = (xv, yv, val_sw) if validation == "data_sw" else (xv, yv)
    if rng.random() < 0.2:
        fit["validation_freq"] = int(rng.choice([1, 2]))
    if rng.random() < 0.2:
        fit["initial_epoch"] = 1
    desc.append(f"val={validation}|{sorted(k for k in fit if k not in ('x', 'y'))}|{run}")
    names = ["loss", "reg_loss", "cls_loss", f"reg_{metrics['reg'][0]}", "cls_accuracy"]
    monitors = names + [f"val_{m}" for m in names]
    events, callbacks, state, tmp = [], [], {}, tempfile.mkdtemp()
    callbacks.append(_recorder(K, events))
    for kind in rng.permutation(["early", "plateau", "checkpoint", "scheduler"]):
        if rng.random() < 0.5 or (schedule is not None and kind in ("plateau", "scheduler")):
            continue
        monitor = pick(rng, monitors)
        # (mode "auto": Keras 3 infers only a loss's direction, or a metric's by its own
        # name, so it raises on "cls_accuracy" or "val_reg_loss"; numkeras infers them)
        auto = monitor in ("loss", "val_loss")
        mode = "auto" if auto else "max" if "accuracy" in monitor else "min"
        kw = {"monitor": monitor, "mode": mode if rng.random() < 0.8 else "max"}
        if kind == "early":
            kw.update(patience=int(rng.integers(0, 2)), restore_best_weights=bool(rng.integers(2)))
            if rng.random() < 0.3:
                kw["start_from_epoch"] = 1
            cb = C.EarlyStopping(**kw)
            state["early"] = functools.partial(_early_state, cb)
        elif kind == "plateau":
            kw.update(patience=0, factor=0.5, min_delta=float(rng.choice([0.0, 0.01])))
            cb = C.ReduceLROnPlateau(**kw)
            state["plateau"] = lambda cb=cb: [float(cb.best), cb.wait]
        elif kind == "checkpoint":
            kw.update(save_best_only=bool(rng.random() < 0.7), save_weights_only=True)
            cb = C.ModelCheckpoint(os.path.join(tmp, "w-{epoch:02d}.weights.h5"), **kw)
            state["checkpoint"] = lambda: sorted(os.listdir(tmp))
        else:
            kw = {}
            cb = C.LearningRateScheduler(lambda epoch, lr: lr * 0.5)
        callbacks.append(cb)
        desc.append(f"{kind}{kw}")
    fit["callbacks"] = callbacks

    def extra(model, history):
        out = {"epoch": list(history.epoch), "params": dict(sorted(history.params.items()))}
        out["events"] = events
        out["stop_training"] = bool(model.stop_training)
        out["iterations"] = int(model.optimizer.iterations)
        out["learning_rate"] = float(np.asarray(model.optimizer.learning_rate))
        out.update({k: get() for k, get in state.items()})
        out["evaluate_sw"] = model.evaluate(
            x, fit["y"], sample_weight=per_output(sw, data), batch_size=8, verbose=0,
            return_dict=True,
        )  # fmt: skip
        return out

    return {
        "model": model,
        "compile": compile_kw,
        "fit": fit,
        "evaluate": {"x": x, "y": fit["y"]},
        "predict": x[:5],
        "extra": extra,
        "desc": "-".join(desc),
    }


def _csv_rows(path: str) -> list:
    """A CSVLogger file as its header and rows of numbers."""
    with open(path) as f:
        lines = [line.strip().split(",") for line in f if line.strip()]
    return [lines[0]] + [[v if v == "NA" else float(v) for v in row] for row in lines[1:]]


def classic(make):
    """`dense_case` / `convrnn_case` as a case dict: Sequential weights drawn in one go,
    then one of ten optimizers with clipping (the draws of the first version)."""

    def case(K, rng):
        model, x, y, sample_weight, loss, desc = make(K, rng)
        model.set_weights(
            [
                w
                if w.ndim == 1 and np.all(w == 1)
                else (rng.normal(size=w.shape) * 0.4).astype(w.dtype)
                for w in model.get_weights()
            ]
        )
        name = str(rng.choice(OPTIMIZERS))
        rate = float(rng.choice([0.01, 0.05]))
        clip = str(rng.choice(["none", "clipnorm", "clipvalue", "global_clipnorm"]))
        kwargs = {} if clip == "none" else {clip: 0.5}
        metric = "mae" if loss in ("mse", "mae", "huber", "log_cosh") else "accuracy"
        return {
            "model": model,
            "compile": {
                "optimizer": getattr(K.optimizers, name)(learning_rate=rate, **kwargs),
                "loss": loss,
                "metrics": [metric],
            },
            "fit": {"x": x, "y": y, "batch_size": 8, "epochs": 3, "sample_weight": sample_weight},
            "predict": x[:5],
            "desc": desc + f"|{loss}|{name}({rate}, {kwargs})",
        }

    return case


FAMILIES = {
    "dense": classic(dense_case),
    "convrnn": classic(convrnn_case),
    "multiio": multiio_case,
    "attnnorm": attnnorm_case,
    "regcons": regcons_case,
    "conv2": conv2_case,
    "callbacks": callbacks_case,
    "callbacks2": lambda K, rng: callbacks_case(K, rng, feeds=True),
    "callbacks3": lambda K, rng: _more_training(K, rng, callbacks_case(K, rng, feeds=True)),
    "callbacks4": outputs_case,
}


def _arrays(value) -> list:
    """predict's result (an array, a list, a dict by output name) as lists of numbers."""
    if isinstance(value, dict):
        return [np.asarray(value[k]).tolist() for k in sorted(value)]
    if isinstance(value, (list, tuple)):
        return [np.asarray(v).tolist() for v in value]
    return [np.asarray(value).tolist()]


def _builtin_error(e: Exception) -> str:
    """The built-in exception class `e` is (numkeras's errors subclass Keras's)."""
    return next(c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins")


def run_case(K, spec: dict) -> dict:
    """compile, fit, evaluate, predict; the first error is the result from there on."""
    model, result = spec["model"], {"desc": spec["desc"]}
    try:
        model.compile(**spec["compile"])
        history = model.fit(shuffle=False, verbose=0, **spec["fit"])
        result["history"] = {k: [float(v) for v in vs] for k, vs in history.history.items()}
        if spec.get("extra"):  # what else the case reads off the model / its callbacks
            result["extra"] = _jsonable(spec["extra"](model, history))
        if spec.get("evaluate"):
            scores = model.evaluate(verbose=0, return_dict=True, **spec["evaluate"])
            result["evaluate"] = {k: float(v) for k, v in scores.items()}
        result["predict"] = _arrays(model.predict(spec["predict"], verbose=0))
        result["weights"] = [w.tolist() for w in model.get_weights()]
    except Exception as e:  # noqa: BLE001 - an error is a result to compare too
        result["error"] = _builtin_error(e)
        result["message"] = f"{type(e).__name__}: {str(e)[:300]}"
    return result


def run(library: str, family: str, seed: int, cases: int, out: str, policy=None) -> None:
    K = importlib.import_module("keras" if library == "keras" else "numkeras")
    if policy:  # e.g. "mixed_float16": the models are built under that global policy
        K.mixed_precision.set_global_policy(policy)
    seeds = np.random.default_rng(seed).integers(1 << 30, size=cases)
    results = []
    for case, case_seed in enumerate(seeds):
        rng = np.random.default_rng(case_seed)
        try:
            spec = FAMILIES[family](K, rng)
        except Exception as e:  # noqa: BLE001 - building the model failed: compare that too
            error = {"error": _builtin_error(e), "message": f"{type(e).__name__}: {str(e)[:300]}"}
            results.append({"case": case, "desc": "build", **error})
            continue
        results.append({"case": case, **run_case(K, spec)})
    with open(out, "w") as f:
        json.dump(results, f)


def _close(a, b, rtol, atol) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)


def compare(keras_json: str, numkeras_json: str, rtol: float = 2e-3, atol: float = 2e-4) -> int:
    with open(keras_json) as f:
        expected = json.load(f)
    with open(numkeras_json) as f:
        got = json.load(f)
    bad = 0
    for want, have in zip(expected, got):
        problems = []
        if any(c in want.get("message", "") for c in KERAS_CRASHES):
            continue  # a Keras bug (see fuzz_training's docstring): nothing to compare
        if "error" in want or "error" in have:
            if want.get("error") != have.get("error"):
                problems.append(f"error: {want.get('error')} vs {have.get('error')}")
                problems.append(
                    f"  keras: {want.get('message')}\n    numkeras: {have.get('message')}"
                )
        else:
            for part in ("history", "evaluate"):
                w, h = want.get(part, {}), have.get(part, {})
                if list(w) != list(h):
                    problems.append(f"{part} keys {list(w)} vs {list(h)}")
                for key, values in w.items():
                    if not _close(values, h.get(key, []), rtol, atol):
                        problems.append(f"{part} {key}: {values} vs {h.get(key)}")
            if (d := _diff(want.get("extra"), have.get("extra"), rtol, atol)) is not None:
                problems.append(f"extra: {d}")
            for part in ("predict", "weights"):
                w, h = want.get(part, []), have.get(part, [])
                if len(w) != len(h):
                    problems.append(f"{part}: {len(w)} arrays vs {len(h)}")
                for i, (a, b) in enumerate(zip(w, h)):
                    if not _close(a, b, rtol, atol):
                        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
                        diff = (
                            np.abs(a - b).max() if a.shape == b.shape else f"{a.shape} vs {b.shape}"
                        )
                        problems.append(
                            f"{part}[{i}] differs (max {diff:.3g})"
                            if a.shape == b.shape
                            else f"{part}[{i}] {diff}"
                        )
        if problems:
            bad += 1
            print(f"case {want['case']}: {want['desc']}")
            for p in problems:
                print("   ", p)
    print(f"{len(expected)} cases, {bad} differ")
    return bad


if __name__ == "__main__":
    if sys.argv[1] == "run":  # ... OUT [POLICY]
        run(*sys.argv[2:4], int(sys.argv[4]), int(sys.argv[5]), *sys.argv[6:8])
    else:  # compare K N [RTOL ATOL] (float16 runs: 3e-2 3e-3)
        tolerances = [float(t) for t in sys.argv[4:6]]
        sys.exit(1 if compare(sys.argv[2], sys.argv[3], *tolerances) else 0)
