"""Differential fuzzing of what classic Keras 2 scripts do around the model, which
fuzz_keras2.py does not draw: a seed draws a program (a JSON) that runs in tf_keras 2.21
(real Keras 2) and in numkeras, in separate processes, and the two records are compared.

A program builds a Sequential model as fuzz_keras2.py's classic ones (or a DCGAN
discriminator of strided Conv2D / LeakyReLU(alpha=) / ZeroPadding2D(((0, 1), (0, 1))) /
BatchNormalization(momentum=0.8), or a DCGAN generator of Dense / Reshape / UpSampling2D
/ Conv2D / BatchNormalization), from tf_keras's initial weights, then:

- `keras.backend` functions as old custom losses, metrics and scripts call them
  (`K.mean(K.equal(y_true, K.round(y_pred)))`, `K.binary_crossentropy`, `K.batch_dot`,
  `K.repeat_elements`, `K.relu(alpha=, max_value=)`, `K.variable` / `K.set_value` /
  `K.update_add`, `K.pool2d`, `K.resize_images`, ...) on fixed arrays: values and dtypes;
- `K.function([model.input], [model.layers[j].output])([x])`, the feature extractor;
- `compile` with custom metric functions (`rmse`, `r_square`, `mean_pred`, `bin_acc`) and
  sometimes a custom loss, labels through `keras.utils.to_categorical`;
- `fit` with Keras 2 callbacks (`EarlyStopping(monitor='val_acc', patience=,
  min_delta=, restore_best_weights=, baseline=)`, `ReduceLROnPlateau(epsilon=, cooldown=, min_lr=)`,
  `ModelCheckpoint('w-{epoch:02d}.hdf5', save_best_only=, save_weights_only=, period=)`,
  `LearningRateScheduler(step_decay)` with one or two arguments, `LambdaCallback`,
  `CSVLogger`, `TerminateOnNaN`), or `fit_generator` on a `while True` generator or a
  `keras.utils.Sequence` (with `workers=1, use_multiprocessing=False`), then
  `evaluate_generator` / `predict_generator`;
- the history, the learning rate after, the checkpoint files written and the model or
  weights read back from the last one, the CSV log, and a `.h5` / `.hdf5` round trip
  with `custom_objects=` (or `compile=False`, or without the custom objects: an error);
- `keras.utils.to_categorical` / `np_utils`, `normalize` and
  `keras.preprocessing.sequence.pad_sequences` (`maxlen=`, `padding=`, `truncating=`,
  `value=`); `save_weights("w.h5")` then `load_weights(..., by_name=True)`; then two more
  epochs of `fit_generator(ImageDataGenerator(rescale= / samplewise_center= /
  featurewise_center= with fit / flips).flow(x, y, seed=))` and a `predict_generator`.

    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \\
        /work/main/scripts/fuzz/fuzz_keras2_idioms.py run tf_keras 300 30 /tmp/fki  # first
    python scripts/fuzz/fuzz_keras2_idioms.py run numkeras 300 30 /tmp/fki
    python scripts/fuzz/fuzz_keras2_idioms.py compare /tmp/fki 300
    python scripts/fuzz/fuzz_keras2_idioms.py show 300 17

Where Keras 2 and Keras 3 differ numkeras follows Keras 3 (README), so: tf_keras logs the
rate that ReduceLROnPlateau / LearningRateScheduler set as `lr` (and its CSVLogger as
`val_lr` too), Keras 3 and numkeras as `learning_rate`, and `compare` renames tf_keras's;
`K.shape(x)` is a tensor in tf_keras and a tuple in Keras 3 (compared as a list of ints).
Not drawn: `K.function([model.input, K.learning_phase()], ...)`, which tf_keras refuses
under eager TensorFlow and numkeras runs as Keras 2's graph mode did, and
`K.logsumexp`, which tf_keras dropped. An Embedding trained by
`optimizers.legacy.SGD(momentum=)` compares no training results (see fuzz_keras2.py).
With BatchNormalization, training results compare within 1e-1 (as in fuzz_keras2.py).
A `Sequence` (an `ImageDataGenerator` flow too), as Keras 3 and tf_keras feed it: given a
shorter `steps_per_epoch`, tf_keras starts every epoch at batch 0 (Keras 3 goes on
through it); Keras 3 calls `on_epoch_end` once before the first epoch too (a flow with
`shuffle=True` reshuffles its first epoch); tf_keras reads batch 0 once more before
every fit (Keras 3 only while the model is unbuilt), which moves the seeds of a flow's
random flips (Keras 2 seeds them by the batches read). numkeras does as Keras 3, so the
flow is drawn without shuffling or flips, and one epoch is one pass. Not drawn either:
`metrics=["accuracy"]` with `sparse_categorical_crossentropy` when a generator or
Sequence trains first: tf_keras then picks `categorical_accuracy` (it compares argmaxes
of the (batch, 1) labels and logs 0.0 or 1.0), silently wrong;
`sparse_categorical_accuracy` is drawn there instead. The moving variance of a
BatchNormalization on 4-D inputs (DCGAN models) is not compared after training (TensorFlow's
fused layer moves it by the unbiased batch variance, 4/3 of Keras 3's for batches of 4).

Seeds from 500 on draw more (see `_more_idioms`). `flow_from_directory` is drawn with
`rescale=` always: on raw 0-255 pixels the model's last softmax / sigmoid saturates, and
there tf_keras computes the cross-entropy from the logits it finds under the softmax
(unclipped, with gradients), while Keras 3 (JAX), as numkeras, clips the probabilities
(`-log(1e-7)` at most, no gradient); the losses then differ by design. The metrics
logged on `class_mode="binary"`'s `(batch,)` labels are not compared (the loss is): when
tf_keras retraces its train / test function (for the last, partial batch, or for a
generator after array data) it no longer expands those labels to `(batch, 1)`, so a
metric compares each label with every prediction of the batch (`accuracy` 0.5 where a
fresh tf_keras, Keras 3 and numkeras count 0.333; a custom `rmse` 0.4176 for 0.4126).
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import sys
import tempfile
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fuzz_keras2 import (  # noqa: E402
    _classic,
    _data,
    _l1_at_zero,
    _lazy_momentum,
    _m,
    _make_optimizer,
    _regularizer_or_constraint,
    _weights,
)
from fuzz_models import _arrays, _diff, _error, attempt  # noqa: E402

SKIP: dict = {}
# tf_keras logs the rate as `lr` (ReduceLROnPlateau, LearningRateScheduler); Keras 3, and so
# numkeras, as `learning_rate`
RENAMED = {"lr": "learning_rate", "val_lr": "val_learning_rate"}
LOOSE = (
    "fit",
    "weights_after",
    "history",
    "generator",
    "checkpoint",
    "h5",
    "lr_after",
    "csv",
    "epochs_seen",
)


# -- drawing a program -----------------------------------------------------------------
def _dcgan(r, seed: int, generator: bool) -> dict:
    """A DCGAN discriminator (images to a head) or generator (noise to images, flattened
    to a linear head), as the 2017 Keras-GAN scripts write them."""
    alpha = r.choice([0.2, 0.3])
    momentum = r.choice([0.8, 0.9])
    if generator:
        shape = [r.choice([4, 6])]
        layers = [
            ["Dense", {"units": 2 * 2 * 4, "activation": "relu", "input_dim": shape[0]}],
            ["Reshape", {"target_shape": [2, 2, 4]}],
            ["UpSampling2D", {}],
            ["Conv2D", {"filters": 4, "kernel_size": 3, "padding": "same"}],
        ]
        if r.random() < 0.6:
            layers.append(["BatchNormalization", {"momentum": momentum}])
        layers.append(["Activation", {"activation": "relu"}])
        layers.append(["UpSampling2D", {"size": [2, 2]}])
        layers.append(["Conv2D", {"filters": 1, "kernel_size": 3, "padding": "same"}])
        layers.append(["Activation", {"activation": "tanh"}])
        layers.append(["Flatten", {}])
        task = "regression"
    else:
        shape = [8, 8, 1]
        first = (
            {"input_shape": shape} if r.random() < 0.7 else {"batch_input_shape": [None, *shape]}
        )
        layers = [
            ["Conv2D", {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", **first}],
            ["LeakyReLU", {"alpha": alpha}],
            ["Dropout", {"rate": 0.0}],
            ["Conv2D", {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"}],
        ]
        if r.random() < 0.5:
            layers.append(["ZeroPadding2D", {"padding": [[0, 1], [0, 1]]}])
        if r.random() < 0.6:
            layers.append(["BatchNormalization", {"momentum": momentum}])
        layers.append(["LeakyReLU", {"alpha": alpha}])
        layers.append(["Flatten", {}])
        task = r.choice(["binary", "categorical"])
    if task == "binary":
        layers.append(["Dense", {"units": 1, "activation": "sigmoid"}])
        loss, metrics = "binary_crossentropy", [r.choice(["acc", "accuracy"])]
    elif task == "categorical":
        layers.append(["Dense", {"units": 3, "activation": "softmax"}])
        loss, metrics = "categorical_crossentropy", [r.choice(["acc", "accuracy"])]
    else:
        layers.append(["Dense", {"units": 2}])
        loss, metrics = "mse", r.choice([[], ["mae"]])
    return {"seed": seed, "kind": "dcgan_g" if generator else "dcgan_d", "shape": shape,
            "layers": layers, "loss": loss, "metrics": metrics}  # fmt: skip


def _text(r, seed: int) -> dict:
    """The keras/examples text models of 2017: imdb_cnn (Embedding, Conv1D, GlobalMaxPooling1D),
    imdb_fasttext (GlobalAveragePooling1D), imdb_bidirectional_lstm (Bidirectional(LSTM)),
    with Keras 2's `input_length=`; a nested layer is `["Bidirectional", {"layer": [...]}]`."""
    length = r.choice([6, 8])
    emb = {"input_dim": 12, "output_dim": r.choice([3, 4]), "input_length": length}
    layers = [["Embedding", emb]]
    arch = r.choice(["cnn", "fasttext", "bilstm"])
    if arch == "cnn":
        layers.append(["Conv1D", {"filters": r.choice([2, 4]), "kernel_size": 3, "padding": "valid",
                                  "activation": "relu", "strides": 1}])  # fmt: skip
        layers.append([r.choice(["GlobalMaxPooling1D", "GlobalAveragePooling1D"]), {}])
        if r.random() < 0.5:
            layers.append(["Dense", {"units": 4, "activation": "relu"}])
    elif arch == "fasttext":
        layers.append(["GlobalAveragePooling1D", {}])
    else:
        lstm = {"units": r.choice([2, 3])}
        if r.random() < 0.4:
            lstm.update(dropout=0.0, recurrent_dropout=0.0)
        kw = {"layer": ["LSTM", lstm]}
        if r.random() < 0.4:
            kw["merge_mode"] = r.choice(["concat", "sum", "ave"])
        layers.append(["Bidirectional", kw])
    task = r.choice(["binary", "binary", "categorical"])
    if task == "binary":
        layers.append(["Dense", {"units": 1, "activation": "sigmoid"}])
        loss, metrics = "binary_crossentropy", [r.choice(["acc", "accuracy"])]
    else:
        layers.append(["Dense", {"units": 3, "activation": "softmax"}])
        loss, metrics = "categorical_crossentropy", [r.choice(["acc", "accuracy"])]
    return {"seed": seed, "kind": "embedding", "arch": arch, "shape": [length],
            "layers": layers, "loss": loss, "metrics": metrics}  # fmt: skip


def _model(K, layers: list, legacy_paths: bool = False):
    """fuzz_keras2's Sequential, with wrappers' inner layers (`Bidirectional(LSTM(2))`)
    built first; with `legacy_paths`, numkeras's classes come from Keras 2's modules."""
    L = _m(K, "layers")

    def cls_of(name: str):
        if legacy_paths and K.__name__ != "tf_keras":
            for module, names in LEGACY_MODULES.items():
                if name in names:
                    return getattr(_m(K, f"layers.{module}"), name)
        return getattr(L, name)

    made = []
    for cls, kw in layers:
        kw = {k: _regularizer_or_constraint(K, k, v) if k.endswith(("_regularizer", "_constraint"))
              else tuple(v) if isinstance(v, list) and k != "layer" else v
              for k, v in kw.items()}  # fmt: skip
        if "layer" in kw:
            inner, inner_kw = kw["layer"]
            kw["layer"] = cls_of(inner)(**inner_kw)
        made.append(cls_of(cls)(**kw))
    return _m(K, "models").Sequential(made)


BACKEND_CALLS = [
    "mean_axis", "mean_keepdims", "sum", "rms", "abs_max", "min_keepdims", "clip", "clip_eps",
    "epsilon", "floatx", "image_data_format", "int_shape", "ndim", "dot", "batch_dot",
    "concatenate", "reshape", "flatten", "batch_flatten", "expand_dims", "squeeze",
    "permute", "transpose", "repeat_elements", "tile", "stack", "softmax", "relu",
    "relu_alpha", "sigmoid", "tanh", "hard_sigmoid", "softplus", "softsign", "elu", "exp",
    "log", "pow", "sign", "round", "argmax", "argmin", "mean_equal", "cast_equal", "std",
    "var", "l2_normalize", "switch", "maximum", "one_hot", "bce", "bce_logits",
    "cce", "cce_logits", "scce", "categorical_acc", "ones_like", "zeros", "ones", "eye",
    "variable_eval", "count_params", "set_get_value", "update_add", "cumsum", "prod",
    "gather", "in_top_k", "bias_add", "any", "arange", "reverse", "spatial_2d_padding",
    "pool2d", "temporal_padding", "resize_images", "dtype", "shape", "cast_to_floatx",
    "conv2d", "sqrt_neg", "batch_dot_2d", "max_neg_axis", "square_diff", "gather_2d",
]  # fmt: skip


MORE_BACKEND_CALLS = ["conv2d_transpose", "conv2d_transpose_smaller", "separable_conv2d",
                      "depthwise_conv2d", "conv2d_strided"]  # fmt: skip


RNN_BACKEND_CALLS = ["rnn", "rnn_masked_backwards", "rnn_unrolled_constants",
                     "normalize_batch", "normalize_batch_4d"]  # fmt: skip


DATAGENS = [  # ImageDataGenerator arguments of the image tutorials (no random flips: below)
    {"rescale": 0.5},
    {"samplewise_center": True},
    {"featurewise_center": True, "featurewise_std_normalization": True},
    {"rescale": 1 / 255},
]
UTILS_CALLS = ["to_categorical", "to_categorical_n", "pad_sequences",
               "pad_post", "pad_truncate_post", "pad_float_value", "normalize"]  # fmt: skip


def _utils_call(K, name: str):
    utils, sequence = _m(K, "utils"), _m(K, "preprocessing.sequence")
    seqs = [[1, 2, 3], [4, 5], [6], [7, 8, 9, 10]]
    table = {
        "to_categorical": lambda: utils.to_categorical([0, 2, 1, 2]),
        "to_categorical_n": lambda: utils.to_categorical(np.array([[1], [0]]), num_classes=4),
        "pad_sequences": lambda: sequence.pad_sequences(seqs),
        "pad_post": lambda: sequence.pad_sequences(seqs, maxlen=3, padding="post"),
        "pad_truncate_post": lambda: sequence.pad_sequences(seqs, maxlen=2, truncating="post"),
        "pad_float_value": lambda: sequence.pad_sequences(seqs, dtype="float32", value=-1.0),
        "normalize": lambda: utils.normalize(np.array([[3.0, 4.0], [1.0, 0.0]]), axis=-1),
    }
    return table[name]()


def _callbacks(r, metrics: list, validation: bool) -> list:
    """Keras 2 callbacks with Keras 2 arguments: [name, kwargs]."""
    monitors = ["loss"] + (["val_loss"] if validation else [])
    acc = [m for m in metrics if m in ("acc", "accuracy")]
    if acc and validation:
        monitors.append("val_" + acc[0])
    out = []
    if r.random() < 0.5:
        mon = r.choice(monitors)
        kw = {"monitor": mon, "patience": r.choice([0, 1, 2]), "verbose": 0}
        if r.random() < 0.4:
            kw["min_delta"] = r.choice([0.001, 0.01])
        if r.random() < 0.4:
            kw["mode"] = "max" if "acc" in mon else r.choice(["auto", "min"])
        if r.random() < 0.4:
            kw["restore_best_weights"] = True
        if r.random() < 0.2:  # stop unless the monitored value beats this within patience
            kw["baseline"] = 0.9 if "acc" in mon else 0.5
        out.append(["EarlyStopping", kw])
    if r.random() < 0.4:
        kw = {"monitor": r.choice(monitors), "factor": r.choice([0.5, 0.2]),
              "patience": r.choice([0, 1]), "verbose": 0}  # fmt: skip
        if r.random() < 0.4:
            kw["epsilon"] = r.choice([1e-4, 0.01])  # Keras 2.0-2.1's min_delta
        if r.random() < 0.4:
            kw["min_lr"] = r.choice([1e-4, 0.001])
        if r.random() < 0.3:
            kw["cooldown"] = 1
        out.append(["ReduceLROnPlateau", kw])
    if r.random() < 0.45:
        weights_only = r.random() < 0.4
        name = r.choice(["weights.best.hdf5", "w-{epoch:02d}.hdf5", "model-{epoch:02d}.h5",
                         "w-{epoch:02d}-{loss:.1f}.hdf5"])  # fmt: skip
        kw = {"filepath": name, "monitor": r.choice(monitors), "verbose": 0,
              "save_best_only": r.random() < 0.5, "save_weights_only": weights_only}  # fmt: skip
        if r.random() < 0.4:
            kw["mode"] = "max" if "acc" in kw["monitor"] else "auto"
        if r.random() < 0.3:
            kw["period"] = r.choice([1, 2])
        out.append(["ModelCheckpoint", kw])
    if r.random() < 0.3:
        out.append(["LearningRateScheduler", {"schedule": r.choice(["step_decay", "exp_decay"])}])
    if r.random() < 0.3:
        out.append(["LambdaCallback", {}])
    if r.random() < 0.25:
        out.append(["CSVLogger", {"separator": r.choice([",", ";"]), "append": r.random() < 0.3}])
    if r.random() < 0.15:
        out.append(["TerminateOnNaN", {}])
    return out


def program(seed: int) -> dict:
    import random

    r = random.Random(seed)
    roll = r.random()
    if roll < 0.25:
        prog = _dcgan(r, seed, generator=roll < 0.1)
    elif roll < 0.4:
        prog = _text(r, seed)
    else:
        prog = _classic(r, seed)
        prog["layers"] = [  # no random training: these programs compare what training gives
            [c, {**kw, "rate": 0.0}] if c == "Dropout" else [c, kw] for c, kw in prog["layers"]
        ]
        prog = {k: prog[k] for k in ("seed", "kind", "shape", "layers", "loss", "metrics")}
    task = ("regression" if prog["loss"] not in ("binary_crossentropy", "categorical_crossentropy",
            "sparse_categorical_crossentropy") else prog["loss"])  # fmt: skip
    prog["backend_calls"] = r.sample(BACKEND_CALLS, r.randint(3, 7))
    prog["k_function"] = r.choice([None, "input", "first_input"])
    prog["k_function_layer"] = r.random()
    custom = {"regression": ["rmse", "r_square", "mean_pred"],
              "binary_crossentropy": ["bin_acc", "mean_pred", "rmse"]}  # fmt: skip
    custom = custom.get(task, ["mean_pred"])
    prog["custom_metric"] = r.choice([None, None, *custom])
    prog["custom_loss"] = (task in ("regression", "binary_crossentropy")) and r.random() < 0.3
    prog["to_categorical"] = task == "categorical_crossentropy" and r.random() < 0.6
    prog["optimizer"] = _optimizer_for_idioms(r)
    prog["n"] = r.choice([12, 16])
    prog["batch_size"] = r.choice([4, 5, 8])
    prog["mode"] = r.choice(["fit", "fit", "fit_generator", "sequence"])
    prog["validation"] = r.choice([None, "split", "data"])
    if prog["mode"] == "sequence" and prog["validation"] == "split":
        prog["validation"] = "data"  # (fit refuses validation_split on a generator)
    if prog["mode"] != "fit" and prog["loss"].startswith("sparse"):  # tf_keras's bug: see above
        metrics = ["sparse_categorical_accuracy" if m in ("acc", "accuracy") else m
                   for m in prog["metrics"]]  # fmt: skip
        prog["metrics"] = list(dict.fromkeys(metrics))  # (tf_keras refuses a name twice)
    prog["epochs"] = r.choice([3, 4, 6])
    prog["initial_epoch"] = r.choice([0, 0, 0, 1])
    prog["steps_per_epoch"] = r.choice([None, 2])
    prog["generator_kwargs"] = r.random() < 0.5
    prog["callbacks"] = _callbacks(r, prog["metrics"], prog["validation"] is not None)
    prog["h5"] = r.choice(["custom_objects", "compile_false", "plain", "hdf5"])
    prog["utils_calls"] = r.sample(UTILS_CALLS, r.randint(1, 3))
    prog["by_name"] = r.random() < 0.3
    prog["datagen"] = None
    if prog["kind"] in ("cnn", "dcgan_d") and r.random() < 0.6:  # ImageDataGenerator.flow
        prog["datagen"] = r.choice(DATAGENS)
    if seed >= NEW_SEEDS:
        _more_idioms(r, prog, task)
    return prog


# seeds from 500 on draw these too (older seeds draw the programs they always drew)
NEW_SEEDS = 500 * 100_000
# Keras 2's module of each layer class (`from keras.layers.core import Dense`), which
# numkeras keeps (tf_keras has none of them: it imports from `layers`)
LEGACY_MODULES = {
    "core": ["Dense", "Dropout", "Flatten", "Reshape", "Activation"],
    "convolutional": ["Conv2D", "Conv1D", "UpSampling2D", "ZeroPadding2D"],
    "pooling": ["MaxPooling2D", "GlobalMaxPooling1D", "GlobalAveragePooling1D"],
    "advanced_activations": ["LeakyReLU"],
    "normalization": ["BatchNormalization"],
    "recurrent": ["LSTM"],
    "embeddings": ["Embedding"],
    "wrappers": ["Bidirectional"],
}


def _more_idioms(r, prog: dict, task: str) -> None:
    """What 2016-2020 scripts also did around the model (some from later seeds on, as
    marked): the Keras 2 import paths
    (`keras.layers.core`, `keras.utils.np_utils`), a Callback of their own that halves the
    rate by `K.set_value(self.model.optimizer.lr, ...)` and reads `logs`, every layer's
    output through one `K.function`, `K.int_shape` of layer outputs and weights, the
    optimizer's `iterations`, `flow_from_directory` on a folder of PNG files, and
    `predict_classes` after; `fit(sequence, workers=, use_multiprocessing=)` and
    `compile(sample_weight_mode=None, target_tensors=None)`; from seed 506 on, `compile`'s
    metrics third by position (Keras 2's order); from seed 521 on, `K.rnn` (masked,
    backwards, unrolled with constants) and `K.normalize_batch_in_training`,
    `fit_generator(class_weight=)`, a float `steps_per_epoch` (`len(x) / bs`),
    `validation_data=` a generator with `validation_steps=`, and `evaluate_generator` /
    `predict_generator` with `workers=` / `use_multiprocessing=` / `max_queue_size=`."""
    prog["legacy_paths"] = r.random() < 0.4
    prog["lr_callback"] = r.random() < 0.4
    prog["all_outputs"] = r.random() < 0.4
    prog["int_shapes"] = r.random() < 0.4
    prog["flow_dir"] = None
    if prog["kind"] in ("cnn", "dcgan_d") and task != "regression" and r.random() < 0.7:
        prog["flow_dir"] = {
            "color_mode": "rgb" if prog["shape"][-1] == 3 else "grayscale",
            "size": r.choice([list(prog["shape"][:2]), [10, 12], [5, 9]]),
            "rescale": r.choice([1 / 255, 2 / 255]),  # (without: see the docstring)
            "interpolation": r.choice([None, "nearest", "bilinear"]),
            "per_class": r.choice([2, 3]),
        }
    if prog["seed"] >= 504 * 100_000:  # (seeds 500-503 ran without these)
        prog["sequence_via_fit"] = prog["mode"] == "sequence" and r.random() < 0.6
        prog["compile_keras2"] = r.random() < 0.3
    if prog["seed"] >= 506 * 100_000:
        prog["metrics_by_position"] = r.random() < 0.4
    if prog["seed"] >= 507 * 100_000:  # the K.* convolutions of 2017 custom layers
        prog["backend_calls"] += r.sample(MORE_BACKEND_CALLS, 2)
    if prog["seed"] >= 521 * 100_000:
        # the K.rnn loop and batch statistics of 2017 custom layers; fit_generator's
        # class_weight=, a float steps_per_epoch (`len(x) / bs` in Python 3), validation
        # from a generator with validation_steps=; the *_generator calls with workers=
        prog["backend_calls"] += r.sample(RNN_BACKEND_CALLS, 2)
        generator = prog["mode"] == "fit_generator"
        prog["generator_class_weight"] = generator and task != "regression" and r.random() < 0.4
        prog["generator_class_weight"] &= not prog["loss"].startswith("sparse")
        prog["float_steps"] = generator and r.random() < 0.4
        prog["validation_generator"] = generator and bool(prog["validation"]) and r.random() < 0.5
    if prog["flow_dir"]:
        if prog["seed"] >= 502 * 100_000:  # (seeds 500 and 501 ran without these)
            # ImageDataGenerator(validation_split=) with flow_from_directory(subset=), and
            # a class_mode=None flow for predict_generator
            prog["flow_dir"]["subset"] = r.choice([None, None, "training", "validation"])


def _optimizer_for_idioms(r) -> dict:
    """As fuzz_keras2's, but any legacy one may carry `decay=` and rates are large enough
    that the callbacks see the loss move."""
    if r.random() < 0.3:
        return {"name": r.choice(["adam", "sgd", "rmsprop"])}
    legacy = r.random() < 0.5
    cls = r.choice(["Adam", "SGD", "RMSprop"])
    kw = {"lr": r.choice([0.01, 0.02, 0.05])}
    if cls == "Adam" and r.random() < 0.5:
        kw["beta_1"] = 0.5
    if cls == "SGD" and r.random() < 0.5:
        kw.update(momentum=0.9, nesterov=r.random() < 0.5)
    if legacy and r.random() < 0.6:
        kw["decay"] = r.choice([1e-3, 1e-2, 0.1])
    return {"class": cls, "legacy": legacy, "kwargs": kw}


# -- running one ------------------------------------------------------------------------
def _fixed_arrays() -> dict:
    rng = np.random.default_rng(7)
    a = rng.normal(size=(2, 3)).astype("float32")
    logits = rng.normal(size=(2, 3)).astype("float32")
    s = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    return {
        "a": a,
        "b": rng.normal(size=(3, 2)).astype("float32"),
        "c3": rng.normal(size=(2, 3, 4)).astype("float32"),
        "p": rng.uniform(0.05, 0.95, (2, 3)).astype("float32"),
        "t": rng.integers(0, 2, (2, 3)).astype("float32"),
        "s": s.astype("float32"),
        "oh": np.eye(3, dtype="float32")[[0, 2]],
        "yi": np.array([2, 0]),
        "img": rng.normal(size=(1, 4, 4, 2)).astype("float32"),
        "kernel": rng.normal(size=(2, 2, 2, 3)).astype("float32"),
    }


def _backend_call(K, name: str, A: dict):  # noqa: C901 - one table of small cases
    a, p, t, c3 = A["a"], A["p"], A["t"], A["c3"]
    table = {
        "mean_axis": lambda: K.mean(a, axis=1),
        "mean_keepdims": lambda: K.mean(a, axis=-1, keepdims=True),
        "sum": lambda: K.sum(a, axis=0),
        "rms": lambda: K.sqrt(K.mean(K.square(a))),
        "abs_max": lambda: K.max(K.abs(a), axis=-1),
        "min_keepdims": lambda: K.min(a, axis=1, keepdims=True),
        "clip": lambda: K.clip(a, -0.5, 0.5),
        "clip_eps": lambda: K.clip(p, K.epsilon(), 1 - K.epsilon()),
        "epsilon": lambda: K.epsilon(),
        "floatx": lambda: K.floatx(),
        "image_data_format": lambda: K.image_data_format(),
        "int_shape": lambda: K.int_shape(K.variable(c3)),
        "ndim": lambda: K.ndim(K.variable(c3)),
        "dot": lambda: K.dot(K.variable(a), K.variable(A["b"])),
        "batch_dot": lambda: K.batch_dot(c3, c3, axes=(2, 2)),
        "batch_dot_2d": lambda: K.batch_dot(a, p, axes=1),
        "concatenate": lambda: K.concatenate([a, p]),
        "reshape": lambda: K.reshape(c3, (-1, 4)),
        "flatten": lambda: K.flatten(a),
        "batch_flatten": lambda: K.batch_flatten(c3),
        "expand_dims": lambda: K.expand_dims(a),
        "squeeze": lambda: K.squeeze(K.expand_dims(a, 1), 1),
        "permute": lambda: K.permute_dimensions(c3, (0, 2, 1)),
        "transpose": lambda: K.transpose(a),
        "repeat_elements": lambda: K.repeat_elements(a, 2, axis=1),
        "tile": lambda: K.tile(a, (2, 1)),
        "stack": lambda: K.stack([a, p], axis=1),
        "softmax": lambda: K.softmax(a),
        "relu": lambda: K.relu(a),
        "relu_alpha": lambda: K.relu(a, alpha=0.1, max_value=0.5),
        "sigmoid": lambda: K.sigmoid(a),
        "tanh": lambda: K.tanh(a),
        "hard_sigmoid": lambda: K.hard_sigmoid(a * 3),
        "softplus": lambda: K.softplus(a),
        "softsign": lambda: K.softsign(a),
        "elu": lambda: K.elu(a, alpha=0.5),
        "exp": lambda: K.exp(a),
        "log": lambda: K.log(p),
        "pow": lambda: K.pow(p, 2.5),
        "sign": lambda: K.sign(a),
        "round": lambda: K.round(a * 3),
        "argmax": lambda: K.argmax(a),
        "argmin": lambda: K.argmin(a, axis=0),
        "mean_equal": lambda: K.mean(K.equal(t, K.round(p)), axis=-1),
        "cast_equal": lambda: K.cast(K.equal(t, K.round(p)), K.floatx()),
        "std": lambda: K.std(a, axis=0),
        "var": lambda: K.var(a, axis=-1, keepdims=True),
        "l2_normalize": lambda: K.l2_normalize(a, axis=-1),
        "switch": lambda: K.switch(K.greater(a, 0), a, a * 0.1),
        "maximum": lambda: K.maximum(a, 0.0),
        "one_hot": lambda: K.one_hot(A["yi"], 3),
        "bce": lambda: K.binary_crossentropy(t, p),
        "bce_logits": lambda: K.binary_crossentropy(t, a, from_logits=True),
        "cce": lambda: K.categorical_crossentropy(A["oh"], A["s"]),
        "cce_logits": lambda: K.categorical_crossentropy(A["oh"], a, from_logits=True),
        "scce": lambda: K.sparse_categorical_crossentropy(A["yi"], A["s"]),
        "categorical_acc": lambda: K.cast(
            K.equal(K.argmax(A["oh"], axis=-1), K.argmax(A["s"], axis=-1)), K.floatx()
        ),
        "ones_like": lambda: K.ones_like(a),
        "zeros": lambda: K.zeros((2, 3)),
        "ones": lambda: K.ones((3,)),
        "eye": lambda: K.eye(3),
        "variable_eval": lambda: K.eval(K.variable(a) * 2),
        "count_params": lambda: K.count_params(K.variable(c3)),
        "set_get_value": lambda: _set_get(K, a, p),
        "update_add": lambda: _update_add(K, a, p),
        "cumsum": lambda: K.cumsum(a, axis=1),
        "prod": lambda: K.prod(a, axis=1),
        "gather": lambda: K.gather(a, [1, 0, 1]),
        "gather_2d": lambda: K.gather(K.variable(c3), np.array([1, 1])),
        "in_top_k": lambda: K.in_top_k(A["s"], A["yi"], 2),
        "bias_add": lambda: K.bias_add(a, np.array([1.0, 2.0, 3.0], "float32")),
        "any": lambda: K.any(K.greater(a, 0), axis=1),
        "arange": lambda: K.arange(5),
        "reverse": lambda: K.reverse(a, axes=1),
        "spatial_2d_padding": lambda: K.spatial_2d_padding(A["img"], ((1, 0), (0, 1))),
        "pool2d": lambda: K.pool2d(A["img"], (2, 2), strides=(2, 2), pool_mode="avg"),
        "temporal_padding": lambda: K.temporal_padding(c3, (1, 2)),
        "resize_images": lambda: K.resize_images(A["img"], 2, 2, "channels_last"),
        "dtype": lambda: K.dtype(K.variable(a)),
        "shape": lambda: [int(d) for d in K.shape(a)],  # (a tensor in Keras 2, a tuple in 3)
        "cast_to_floatx": lambda: K.cast_to_floatx(A["yi"]),
        "conv2d": lambda: K.conv2d(A["img"], A["kernel"], padding="same"),
        "conv2d_strided": lambda: K.conv2d(A["img"], A["kernel"], strides=(2, 2), padding="valid"),
        # (kernel (rows, cols, out, in); output_shape as TensorFlow takes it)
        "conv2d_transpose": lambda: K.conv2d_transpose(
            A["img"], K.permute_dimensions(A["kernel"], (0, 1, 3, 2)), (1, 8, 8, 3), (2, 2), "same"
        ),
        "conv2d_transpose_smaller": lambda: K.conv2d_transpose(
            A["img"], K.permute_dimensions(A["kernel"], (0, 1, 3, 2)), (1, 7, 7, 3), (2, 2), "same"
        ),
        "separable_conv2d": lambda: K.separable_conv2d(
            A["img"], A["kernel"][..., :1], K.ones((1, 1, 2, 3)), padding="same"
        ),
        "depthwise_conv2d": lambda: K.depthwise_conv2d(
            A["img"], A["kernel"][..., :2], strides=(2, 2), padding="valid"
        ),
        "rnn": lambda: _rnn(K, A, {}),
        "rnn_masked_backwards": lambda: _rnn(K, A, {"go_backwards": True, "mask": A["t"]}),
        "rnn_unrolled_constants": lambda: _rnn(K, A, {"unroll": True, "constants": [A["b"]]}),
        "normalize_batch": lambda: _flat_concat(
            K, K.normalize_batch_in_training(c3, K.ones((4,)), K.zeros((4,)), [0, 1])
        ),
        "normalize_batch_4d": lambda: _flat_concat(
            K, K.normalize_batch_in_training(A["img"], None, K.ones((2,)) * 0.5, [0, 1, 2], 1e-5)
        ),
        "sqrt_neg": lambda: K.sqrt(a),
        "max_neg_axis": lambda: K.max(c3, axis=-2),
        "square_diff": lambda: K.mean(K.square(p - t), axis=-1),
    }
    return table[name]()


def _rnn(K, A: dict, kw: dict):
    """`K.rnn` over (2, 3, 4) sequences with a tanh step (a constant, when given, adds
    its first row to the state): the last output, the outputs, the last state and the
    number of states, flattened into one array."""
    kernel = K.transpose(A["c3"][0, :2, :])  # (4, 2)

    def step(x, states):
        h = K.tanh(K.dot(x, kernel) + states[0] * 0.5)
        if len(states) > 1:
            h = h + K.reshape(states[1][0], (1, 2))
        return h, [h]

    last, outputs, states = K.rnn(step, A["c3"], [K.zeros_like(A["a"][:, :2])], **kw)
    count = K.ones((1,)) * len(states)
    return K.concatenate([K.flatten(last), K.flatten(outputs), K.flatten(states[0]), count])


def _flat_concat(K, tensors):
    """Several results as one flat array (`_value` takes one)."""
    return K.concatenate([K.flatten(t) for t in tensors])


def _set_get(K, a, p):
    v = K.variable(a)
    K.set_value(v, p)
    return K.get_value(v)


def _update_add(K, a, p):
    v = K.variable(a)
    K.update_add(v, p)
    return K.get_value(v)


def _value(v):
    """A JSON value: Python scalars, strings and shapes as they are; arrays as lists,
    with their dtype."""
    if v is None or isinstance(v, (str, bool, int, float)):
        return v
    if isinstance(v, tuple) and all(d is None or isinstance(d, int) for d in v):
        return ["shape", list(v)]
    arr = np.asarray(v)
    return [np.asarray(arr, "float64").round(5).tolist(), str(arr.dtype)]


def _custom_metric(K, name: str):
    def rmse(y_true, y_pred):
        return K.sqrt(K.mean(K.square(y_pred - y_true), axis=-1))

    def r_square(y_true, y_pred):
        ss_res = K.sum(K.square(y_true - y_pred))
        ss_tot = K.sum(K.square(y_true - K.mean(y_true)))
        return 1 - ss_res / (ss_tot + K.epsilon())

    def mean_pred(y_true, y_pred):
        return K.mean(y_pred)

    def bin_acc(y_true, y_pred):
        return K.mean(K.equal(y_true, K.round(y_pred)), axis=-1)

    return {"rmse": rmse, "r_square": r_square, "mean_pred": mean_pred, "bin_acc": bin_acc}[name]


def _custom_loss(K, loss: str):
    if loss == "binary_crossentropy":

        def weighted_bce(y_true, y_pred):
            return 1.5 * K.mean(K.binary_crossentropy(y_true, y_pred), axis=-1)

        return weighted_bce

    def custom_mse(y_true, y_pred):
        return K.mean(K.square(y_pred - y_true), axis=-1)

    return custom_mse


def _schedule(name: str):
    if name == "step_decay":

        def step_decay(epoch):
            return 0.05 * math.pow(0.5, math.floor((1 + epoch) / 2))

        return step_decay

    def exp_decay(epoch, lr):  # Keras 2.2+: the current rate is passed too
        return float(lr * 0.7)

    return exp_decay


def _make_callbacks(K, specs: list, ck_dir: str, seen: list) -> list:
    C = _m(K, "callbacks")
    out = []
    for name, kw in specs:
        kw = dict(kw)
        if name == "ModelCheckpoint":
            kw["filepath"] = os.path.join(ck_dir, kw["filepath"])
        elif name == "LearningRateScheduler":
            kw["schedule"] = _schedule(kw["schedule"])
        elif name == "LambdaCallback":
            kw["on_epoch_end"] = lambda epoch, logs: seen.append([epoch, sorted(logs or {})])
        elif name == "CSVLogger":
            kw["filename"] = os.path.join(ck_dir, "log.csv")
        out.append(getattr(C, name)(**kw))
    return out


def _read_csv(path: str, sep: str) -> list:
    with open(path, newline="") as f:
        rows = list(csv.reader(f, delimiter=sep))
    head, body = rows[0], rows[1:]
    return [head, [[_number(v) for v in row] for row in body]]


def _number(v: str):
    try:
        return float(v)
    except ValueError:  # ("NA": a value the epoch did not log)
        return v


def _generator(x, y, bs: int, with_y: bool = True):
    """The 2017 script's endless batch generator."""
    while True:
        for k in range(0, len(x), bs):
            yield (x[k : k + bs], y[k : k + bs]) if with_y else x[k : k + bs]


def _sequence(K, x, y, bs: int):
    class DataSequence(_m(K, "utils").Sequence):
        def __init__(self, x, y, bs):  # (Keras 2 scripts do not call super().__init__)
            self.x, self.y, self.bs = x, y, bs

        def __len__(self):
            return math.ceil(len(self.x) / self.bs)

        def __getitem__(self, idx):
            rows = slice(idx * self.bs, (idx + 1) * self.bs)
            return self.x[rows], self.y[rows]

    return DataSequence(x, y, bs)


def _run(K, prog: dict, out_dir: str, i: int, tf: bool) -> dict:  # noqa: C901
    rec: dict = {}
    B = _m(K, "backend")
    # tensors, as a custom loss or metric gets them (tf_keras's K.std, K.softmax, ... fail
    # on NumPy arrays); integer labels stay arrays (K.constant would make them floats)
    A = {k: v if k == "yi" else B.constant(v) for k, v in _fixed_arrays().items()}
    rec["backend"] = {}
    for name in prog["backend_calls"]:
        attempt(rec["backend"], name, lambda name=name: _value(_backend_call(B, name, A)))
    rec["utils"] = {}
    for name in prog.get("utils_calls", []):
        attempt(rec["utils"], name, lambda name=name: _value(_utils_call(K, name)))
    try:
        model = _model(K, prog["layers"], prog.get("legacy_paths", False))
    except Exception as e:  # noqa: BLE001 - an error is a result to compare too
        rec["build"] = _error(e)
        return rec
    rec["build"] = "ok"
    rec["params"] = model.count_params()
    _weights(model, prog, f"{out_dir}/w/{i}.npz", tf)
    x, y = _data(prog)
    if prog["to_categorical"]:  # labels as integers, then keras.utils.to_categorical
        labels = np.argmax(y, axis=-1)
        attempt(rec, "to_categorical", lambda: _arrays(_m(K, "utils").to_categorical(labels, 3)))
        np_utils = prog.get("legacy_paths") and K.__name__ != "tf_keras"
        utils = _m(K, "utils.np_utils" if np_utils else "utils")  # (tf_keras has no np_utils)
        y = np.asarray(utils.to_categorical(labels, num_classes=3))
    if prog["k_function"]:
        j = int(prog["k_function_layer"] * len(model.layers))

        def features():
            inputs = [model.input if prog["k_function"] == "input" else model.layers[0].input]
            return _arrays(B.function(inputs, [model.layers[j].output])([x])[0])

        attempt(rec, "k_function", features)
    if prog.get("all_outputs"):  # every layer's output for one batch, the 2017 way

        def all_outputs():
            fn = B.function([model.input], [layer.output for layer in model.layers])
            return [_arrays(v) for v in fn([x[:3]])]

        attempt(rec, "all_outputs", all_outputs)
    if prog.get("int_shapes"):
        attempt(rec, "int_shapes", lambda: [
            [B.int_shape(layer.output) for layer in model.layers], B.int_shape(model.input),
            [B.int_shape(w) for w in model.trainable_weights],
            int(sum(B.count_params(w) for w in model.trainable_weights))])  # fmt: skip
    metrics = list(prog["metrics"])
    custom_objects = {}
    if prog["custom_metric"]:
        fn = _custom_metric(B, prog["custom_metric"])
        metrics.append(fn)
        custom_objects[fn.__name__] = fn
    loss = prog["loss"]
    if prog["custom_loss"]:
        loss = _custom_loss(B, loss)
        custom_objects[loss.__name__] = loss
    opt = _make_optimizer(K, prog["optimizer"])
    # (the full Keras 2 signature, as some scripts spell it out)
    keras2 = {"sample_weight_mode": None, "target_tensors": None}
    keras2 = keras2 if prog.get("compile_keras2") else {}
    if prog.get("metrics_by_position") and metrics:  # (Keras 2's order: metrics third)
        attempt(rec, "compile", lambda: model.compile(opt, loss, metrics, **keras2))
    else:
        attempt(rec, "compile", lambda: model.compile(opt, loss, metrics=metrics, **keras2))
    ck_dir = f"{out_dir}/ck/{i}{'' if tf else '_nk'}"
    shutil.rmtree(ck_dir, ignore_errors=True)  # (a rerun starts without the last run's files)
    os.makedirs(ck_dir)
    seen: list = []
    bs, n = prog["batch_size"], len(x)
    cut = (3 * n) // 4
    xt, yt, xv, yv = x[:cut], y[:cut], x[cut:], y[cut:]

    def fitted():
        cbs = _make_callbacks(K, prog["callbacks"], ck_dir, seen)
        if prog.get("lr_callback"):
            cbs.append(_halving_callback(K, seen))
        common = {"epochs": prog["epochs"], "verbose": 0, "callbacks": cbs,
                  "initial_epoch": prog["initial_epoch"]}  # fmt: skip
        if prog["mode"] == "fit":
            if prog["validation"] == "split":
                common["validation_split"] = 0.25
            elif prog["validation"] == "data":
                common["validation_data"] = (xv, yv)
            history = model.fit(x, y, batch_size=bs, shuffle=False, **common)
        else:
            if prog["validation"]:
                common["validation_data"] = (xv, yv)
            if prog["generator_kwargs"]:
                common.update(max_queue_size=10, workers=1, use_multiprocessing=False)
            if prog["mode"] == "sequence":
                data = _sequence(K, xt, yt, bs)
                # (TF 2.1+ scripts: fit(sequence, workers=, ...) once fit_generator went)
                fit = model.fit if prog.get("sequence_via_fit") else model.fit_generator
                history = fit(data, shuffle=False, **common)
            else:
                steps = prog["steps_per_epoch"] or math.ceil(cut / bs)
                if prog.get("float_steps"):  # steps_per_epoch=len(x_train) / batch_size
                    steps = cut / bs
                if prog.get("generator_class_weight"):  # (Keras 2 refuses keys past the classes)
                    binary = prog["loss"] == "binary_crossentropy"
                    common["class_weight"] = {0: 1.0, 1: 2.5, **({} if binary else {2: 0.5})}
                if prog.get("validation_generator"):  # validation from a generator too
                    common["validation_data"] = _generator(xv, yv, 2)
                    common["validation_steps"] = math.ceil(len(xv) / 2)
                history = model.fit_generator(
                    _generator(xt, yt, bs), steps_per_epoch=steps, **common
                )
        params = {k: history.params.get(k) for k in ("epochs", "steps", "verbose")}
        rec["history_epoch"] = [list(history.epoch), params]
        return {k: _arrays(v) for k, v in history.history.items()}

    attempt(rec, "history", fitted)
    rec["epochs_seen"] = seen
    attempt(rec, "lr_after", lambda: round(float(B.get_value(model.optimizer.lr)), 7))
    if seed_is_new := prog["seed"] >= NEW_SEEDS:
        attempt(rec, "lr_after_iterations", lambda: int(B.get_value(model.optimizer.iterations)))
    attempt(rec, "weights_after", lambda: _arrays(model.get_weights()))
    if prog["mode"] != "fit":
        gen_kw: dict = {}
        if prog["seed"] >= 521 * 100_000 and prog["generator_kwargs"]:
            gen_kw = {"max_queue_size": 10, "workers": 1, "use_multiprocessing": False}
        attempt(rec, "generator_evaluate", lambda: _arrays(
            model.evaluate_generator(_generator(x, y, bs), steps=2, **gen_kw)))  # fmt: skip
        with_y = prog["seed"] % 2 == 0
        attempt(rec, "generator_predict", lambda: _arrays(
            model.predict_generator(_generator(x, y, bs, with_y), steps=2, **gen_kw)))  # fmt: skip
    files = sorted(f for f in os.listdir(ck_dir) if f != "log.csv")
    rec["checkpoint_files"] = files
    checkpoint = [c for c in prog["callbacks"] if c[0] == "ModelCheckpoint"]
    if files and checkpoint:
        path = os.path.join(ck_dir, files[-1])

        def from_checkpoint():
            if checkpoint[0][1]["save_weights_only"]:
                fresh = _model(K, prog["layers"])
                fresh.load_weights(path)
                return _arrays(fresh.predict(x, verbose=0))
            loaded = _m(K, "models").load_model(path, custom_objects=custom_objects)
            return _arrays(loaded.predict(x, verbose=0))

        attempt(rec, "checkpoint_predict", from_checkpoint)
    csv_spec = [c for c in prog["callbacks"] if c[0] == "CSVLogger"]
    if csv_spec:
        attempt(rec, "csv", lambda: _read_csv(f"{ck_dir}/log.csv", csv_spec[0][1]["separator"]))
    path = f"{ck_dir}/m.{'hdf5' if prog['h5'] == 'hdf5' else 'h5'}"

    def h5():
        model.save(path)
        load = _m(K, "models").load_model
        if prog["h5"] == "compile_false":
            loaded = load(path, compile=False)
            return [_arrays(loaded.predict(x, verbose=0)), loaded.optimizer is None]
        kw = {"custom_objects": custom_objects} if prog["h5"] != "plain" else {}
        loaded = load(path, **kw)
        return [_arrays(loaded.predict(x, verbose=0)), _arrays(loaded.evaluate(x, y, verbose=0))]

    attempt(rec, "h5", h5)
    if prog.get("by_name"):  # Keras 2's weights-only .h5, read back by layer name

        def by_name():
            weights = f"{ck_dir}/w.h5"
            model.save_weights(weights)
            model.set_weights([0 * w for w in model.get_weights()])
            model.load_weights(weights, by_name=True)  # (the same model: the same names)
            return _arrays(model.predict(x, verbose=0))

        attempt(rec, "h5_by_name", by_name)
    if prog.get("datagen"):  # then more epochs on ImageDataGenerator(...).flow(x, y)

        def datagen():
            gen = _m(K, "preprocessing.image").ImageDataGenerator(**prog["datagen"])
            if prog["datagen"].get("featurewise_center"):
                gen.fit(x)
            # (Keras 2 shuffles and draws flips from NumPy's global state when fit indexes
            # the flow: seeded here for both; one full pass an epoch, see the docstring)
            np.random.seed(prog["seed"] % 2**32)
            flow = gen.flow(x, y, batch_size=bs, shuffle=False, seed=3)
            # (shuffle=False: fit_generator's default shuffles a Sequence's batch order with
            # the unseeded `random` module)
            history = model.fit_generator(flow, epochs=2, verbose=0, shuffle=False)
            images = gen.flow(x, batch_size=bs, shuffle=False)
            return [{k: _arrays(v) for k, v in history.history.items()},
                    _arrays(model.predict_generator(images, steps=2))]  # fmt: skip

        attempt(rec, "h5_then_datagen", datagen)
    if prog.get("flow_dir"):
        attempt(rec, "h5_then_flow_dir", lambda: _flow_dir(K, model, prog, f"{ck_dir}/img"))
    if seed_is_new and prog["loss"] != "mse":  # (numkeras's Keras 2 methods; see fuzz_keras2)
        attempt(rec, "h5_then_classes", lambda: _arrays(_classes(model, x, tf)))
    return rec


def _halving_callback(K, seen: list):
    """A 2017 script's own rate decay: halve `self.model.optimizer.lr` every epoch after
    the first, with `K.set_value`, and note the rate and the logs each epoch."""
    B = _m(K, "backend")

    class Halve(_m(K, "callbacks").Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch > 0:
                lr = float(B.get_value(self.model.optimizer.lr))
                B.set_value(self.model.optimizer.lr, lr * 0.5)

        def on_epoch_end(self, epoch, logs=None):
            lr = round(float(B.get_value(self.model.optimizer.lr)), 7)
            seen.append(["halve", epoch, lr, sorted(RENAMED.get(k, k) for k in logs or {})])

    return Halve()


def _classes(model, x, tf: bool):
    """`model.predict_classes(x)` (Keras 2.5's definition where tf_keras 2.6+ lacks it)."""
    if not tf:
        return model.predict_classes(x, verbose=0)
    proba = model.predict(x, verbose=0)
    return proba.argmax(axis=-1) if proba.shape[-1] > 1 else (proba > 0.5).astype("int32")


def _flow_dir(K, model, prog: dict, folder: str) -> list:
    """`ImageDataGenerator(rescale=).flow_from_directory(folder, target_size=, color_mode=,
    class_mode=)` over PNG files in class subfolders (written here, of another size than
    the model's), then an epoch of `fit_generator` and a `predict_generator`."""
    from PIL import Image

    spec = prog["flow_dir"]
    rng = np.random.default_rng(prog["seed"])
    classes = ["cats", "dogs"] if prog["loss"] == "binary_crossentropy" else ["a", "b", "c"]
    h, w = spec["size"]
    for c in classes:
        os.makedirs(f"{folder}/{c}", exist_ok=True)
        for k in range(spec["per_class"]):
            rgb = spec["color_mode"] == "rgb"
            pixels = rng.integers(0, 256, (h, w, 3) if rgb else (h, w), dtype=np.uint8)
            Image.fromarray(pixels, "RGB" if rgb else "L").save(f"{folder}/{c}/img_{k}.png")
    kw = {"rescale": spec["rescale"]} if spec["rescale"] else {}
    if spec.get("subset"):
        kw["validation_split"] = 0.34
    gen = _m(K, "preprocessing.image").ImageDataGenerator(**kw)
    mode = {"binary_crossentropy": "binary", "categorical_crossentropy": "categorical",
            "sparse_categorical_crossentropy": "sparse"}[prog["loss"]]  # fmt: skip
    flow_kw = {"interpolation": spec["interpolation"]} if spec["interpolation"] else {}
    if spec.get("subset"):
        flow_kw["subset"] = spec["subset"]
    flow = gen.flow_from_directory(
        folder, target_size=tuple(prog["shape"][:2]), color_mode=spec["color_mode"],
        class_mode=mode, batch_size=prog["batch_size"], shuffle=False, **flow_kw)  # fmt: skip
    bx, by = flow[0]
    out = [flow.class_indices, sorted(flow.filenames), flow.classes.tolist(), flow.samples,
           len(flow), _arrays(bx), _arrays(by), str(bx.dtype)]  # fmt: skip
    history = model.fit_generator(flow, steps_per_epoch=len(flow), epochs=1, verbose=0)
    # (the metrics of class_mode="binary"'s (batch,) labels: tf_keras's quirk, see the docstring)
    logged = {k: _arrays(v) for k, v in history.history.items()}
    out.append({"loss": logged["loss"]} if mode == "binary" else logged)
    out.append(_arrays(model.predict_generator(flow, steps=len(flow))))
    if "subset" not in spec:
        return out
    # the bottleneck-features script: class_mode=None, shuffle=False, predict_generator
    images = gen.flow_from_directory(
        folder, target_size=tuple(prog["shape"][:2]), color_mode=spec["color_mode"],
        class_mode=None, batch_size=3, shuffle=False, **flow_kw)  # fmt: skip
    out.append([len(images), _arrays(model.predict_generator(images, steps=len(images)))])
    return out


def run(library: str, seed: int, count: int, out_dir: str) -> None:
    import importlib

    K = importlib.import_module(library)
    for sub in ("w", "ck"):
        os.makedirs(f"{out_dir}/{sub}", exist_ok=True)
    records = {}
    for i in range(count):
        prog = program(seed * 100_000 + i)
        K.backend.clear_session()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            records[i] = _run(K, prog, out_dir, i, library == "tf_keras")
        print(i, prog["kind"], prog["mode"], records[i]["build"][:60], flush=True)
    with open(f"{out_dir}/{library}.json", "w") as f:
        json.dump(records, f)


def _keras3_names(rec: dict) -> dict:
    """tf_keras's record with Keras 3's names of logged values (history, CSV columns in
    their sorted order, the names a LambdaCallback saw)."""
    rec = dict(rec)
    if isinstance(rec.get("history"), dict) and "error" not in rec["history"]:
        rec["history"] = {RENAMED.get(k, k): v for k, v in rec["history"].items()}
    rec["epochs_seen"] = [  # (a LambdaCallback's [epoch, names]; the halving one's own)
        [seen[0], sorted(RENAMED.get(k, k) for k in seen[1])] if len(seen) == 2 else seen
        for seen in rec.get("epochs_seen", [])
    ]
    if isinstance(rec.get("csv"), list):
        head, rows = rec["csv"]
        names = [RENAMED.get(k, k) for k in head]
        order = [0] + sorted(range(1, len(names)), key=lambda c: names[c])
        rec["csv"] = [[names[c] for c in order], [[row[c] for c in order] for row in rows]]
    return rec


# how many weights each drawn layer has, in get_weights()'s order
WEIGHT_COUNTS = {"Conv2D": 2, "Convolution2D": 2, "Conv2DTranspose": 2, "Conv1D": 2,
                 "Convolution2DTranspose": 2, "Dense": 2, "BatchNormalization": 4,
                 "Embedding": 1, "LSTM": 3, "GRU": 3, "SimpleRNN": 3,
                 "Bidirectional": 6}  # fmt: skip


def _without_moving_variance(prog: dict, rec: dict) -> dict:
    """`rec` with the moving variances of the BatchNormalization layers left out of
    `weights_after`: on 4-D inputs tf_keras's fused layer moves them by the unbiased batch
    variance (`n / (n - 1)` times the biased one Keras 3 and numkeras use: 4/3 for
    batches of 4), so they drift apart by design (see fuzz_keras2.py)."""
    weights = rec.get("weights_after")
    if not isinstance(weights, list):
        return rec
    drop, k = set(), 0
    for cls, _ in prog["layers"]:
        if cls == "BatchNormalization":
            drop.add(k + 3)
        k += WEIGHT_COUNTS.get(cls, 0)
    return {**rec, "weights_after": [w for j, w in enumerate(weights) if j not in drop]}


def compare(out_dir: str, seed: int) -> int:
    with open(f"{out_dir}/tf_keras.json") as f:
        keras2 = json.load(f)
    with open(f"{out_dir}/numkeras.json") as f:
        ours = json.load(f)
    bad = 0
    for i, want in keras2.items():
        got = ours.get(i, {})
        prog = program(seed * 100_000 + int(i))
        # BatchNormalization: see fuzz_keras2.py (TensorFlow's fused one on 4-D inputs, and
        # biases just before it that Adam moves by rounding noise)
        loose = any(cls == "BatchNormalization" for cls, _ in prog["layers"])
        lazy = _lazy_momentum(prog) or _l1_at_zero(prog["layers"])  # (see fuzz_keras2.py)
        problems = []
        want = _keras3_names(want)
        if prog["kind"] in ("dcgan_d", "dcgan_g", "upconv"):  # (a BatchNormalization on 4-D)
            want, got = _without_moving_variance(prog, want), _without_moving_variance(prog, got)
        for key in want:
            if key in SKIP or (lazy and key.startswith(LOOSE)):
                continue
            tol = (5e-2, 1e-1) if loose and key.startswith(LOOSE) else (2e-3, 2e-4)
            if (d := _diff(want[key], got.get(key), *tol)) is not None:
                problems.append(f"{key}: {d}")
        if problems:
            bad += 1
            print(f"program {i} (seed {prog['seed']}, {prog['kind']}, {prog['mode']}):",
                  *problems, sep="\n    ")  # fmt: skip
    print(f"{len(keras2)} programs, {bad} differ")
    return bad


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "run":  # run LIBRARY SEED COUNT OUT_DIR
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        tempfile.tempdir = args[3]
        run(args[0], int(args[1]), int(args[2]), args[3])
    elif command == "compare":  # compare OUT_DIR SEED
        sys.exit(1 if compare(args[0], int(args[1])) else 0)
    else:  # show SEED INDEX
        print(json.dumps(program(int(args[0]) * 100_000 + int(args[1])), indent=1))
