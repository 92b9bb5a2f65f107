"""Differential fuzzing of training configuration: a seed draws a JSON program (a small
deterministic model, an optimizer with random kwargs and learning-rate schedule, losses,
metrics and a sequence of fit / evaluate / train_on_batch / test_on_batch calls with random
arguments), which runs in real Keras 3 and in numkeras, in separate processes; the two
records are compared.

The models are small and deterministic (Dense or Conv1D stacks, sometimes a
BatchNormalization, one or two outputs, no dropout). Keras builds each, nudges its initial
weights (so that biases and BatchNormalization statistics are not 0 / 1) and saves them to
`weights/<i>.weights.h5`, which numkeras loads. Drawn: every Keras 3 optimizer (SGD with
momentum / nesterov, Adam / AdamW with amsgrad, Adamax, Adagrad, Adadelta, RMSprop with
momentum / centered, Nadam, Ftrl, Lion, Lamb, Adafactor, Muon, ScheduleFreeAdamW, sometimes
inside a LossScaleOptimizer) with clipnorm / clipvalue / global_clipnorm, weight_decay,
use_ema, gradient_accumulation_steps, loss_scale_factor and the six learning-rate
schedules; every loss but CTC (a name or an object with from_logits, label_smoothing,
reduction, delta, ...), loss_weights, list / dict losses; metric names and objects, and
weighted_metrics; fit's batch_size, epochs, initial_epoch, validation_split /
validation_data (with sample weights), sample_weight, class_weight, steps_per_epoch.

A record holds each call's result (history.history, evaluate's list or dict, the
*_on_batch values) or its error (the built-in exception class, compared), then the weights,
optimizer.iterations, the optimizer's variables (paths, shapes, values) and its
get_config().

    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \
        /work/main/scripts/fuzz/fuzz_training.py run keras 0 100 /tmp/fuzzt  # + weights/
    python scripts/fuzz/fuzz_training.py run numkeras 0 100 /tmp/fuzzt
    python scripts/fuzz/fuzz_training.py compare /tmp/fuzzt 0   # one block per divergence
    python scripts/fuzz/fuzz_training.py show 0 17              # program 17 of seed 0

Seeds 100-103 (40 programs each, the second pass) agree after three fixes (class_weight
naming only some classes: the others weigh 1.0; a LossScaleOptimizer's inner Adafactor
lists no bare placeholders; Adafactor's gradient accumulators' names), the
half-built-optimizer skip, F1Score's rank-1 targets and the one-unit cosine draw below
(tests/trainers/test_fuzz_training_2.py).

Programs of seeds from 300 on (FEEDS_FROM) also draw, from second streams (the first
draws stay as they were): how each call gets its data (x as arrays, a dict by input
name, a one-item list; a PyDataset, an endless generator with its steps, a one-pass
generator), validation data as a tuple, a list, a PyDataset or an endless generator with
validation_steps, evaluate's steps, a second compile (without the metrics, sometimes),
a last `predict`, and a user's loss and metric functions, Loss / Metric
subclasses and a MeanMetricWrapper. Seeds 300-310 (30 programs each, third pass) agree
after three fixes (class_weight beside a generator is a ValueError; a validation
generator's first two batches come again each epoch; an unbuilt LossScaleOptimizer lists
no step_counter / dynamic_scale: tests/trainers/test_fuzz_training_3.py) and one Keras
bug (LossScaleOptimizer around Nadam, below), but for one BatchNormalization model whose
validation accuracy flips a sample (the noise below) and an R2Score of one row (Keras
divides by a rounding-noise variance: 3.5e7; numkeras 0).

Programs of seeds from 500 on (MORE_FROM) also draw, from a third stream: fit with
callbacks (EarlyStopping with restore_best_weights / start_from_epoch / baseline,
ReduceLROnPlateau with cooldown / min_delta / min_lr, LearningRateScheduler,
TerminateOnNaN), validation_freq as a list, shuffle over one full batch, History's epoch
and params, predict_on_batch, get_metrics_result, a layer's (or the model's) trainable
flag flipped and the model compiled again (and back), metric objects with thresholds / top_k /
class_id / num_labels / ignore_class, loss_weights of a one-output model and an
optimizer's exclude_from_weight_decay. Seeds 500-503 (40 programs each, fourth pass)
agree but for one R2Score of one row (the known difference above), after one fix
(get_metrics_result before the metrics are built and after a second compile:
tests/trainers/test_fuzz_training_4.py, with two fixes the probes around it found) and
the normalizations below (R2Score with num_regressors, a metrics result after a failed
step, Keras's half-built optimizer).

Programs of seeds from 521 on (EXTRA_FROM) also draw, from a fourth stream
(`draw_extra`): a recorder of the logs each train batch and epoch end hands callbacks,
validation_split beside shuffle=True (over one batch), callbacks monitoring one output's
loss (EarlyStopping, ReduceLROnPlateau; ModelCheckpoint(save_best_only) with the files it
writes), class_weight keyed by NumPy ints, compile's run_eagerly / jit_compile, one of two
outputs without a loss, the optimizer's learning_rate read and set between calls (a
schedule's cannot be set: TypeError in both) and a fit of no epochs. Seed 521 (30
programs, without them) and seeds 522-529 (12 programs each, fifth pass) agree; the
one difference, a "mode" of "auto" for an output's loss (Keras 3 cannot infer its
direction and raises; numkeras infers it: MonitorCallback's docstring), is no longer
drawn ("min" there). Seeds 536-538 (15 programs each, sixth pass) agree.

Programs of seeds from 539 on (SIXTH_FROM) also draw, from a fifth stream
(`draw_sixth`): callbacks monitoring a metric (a built-in metric object named "watched",
mode "auto" for one output, else the right or the wrong direction), a CSVLogger (its
header and rows), evaluate and predict with a recorder of their batch and end logs, and
reset_metrics before get_metrics_result. Seeds 539-541 (15 programs each) and 542
(12), sixth pass, agree after one fix (mode "auto" read no direction from numkeras's
metric classes: a metric named by its user raised, or was maximized by its name:
tests/trainers/test_fuzz_training_6.py).

Programs of seeds from 552 on (SEVENTH_FROM) also draw, from a sixth stream
(`draw_seventh`): an optimizer by its name ("adam", "muon", ...), a learning rate given as a
function of no arguments (its get_config not compared: Keras serializes the function's
bytecode, numkeras its value), Adafactor's epsilon_1 / epsilon_2, Muon's exclude_layers /
rms_rate, Lamb's epsilon, loss aliases ("bce", "MSE", "KLD") and metric names ("f1_score",
"r2_score", "auc", ...), a number as a one-output model's loss_weights, sample weights as a
column (n, 1), y as a one-item list, and a callback setting `model.stop_training` at a
batch. Seeds 549 (15 programs), 550 (8) and 551 (8), without them, agree after one fix
(loss_weights paired with the losses as given: tests/trainers/test_fuzz_training_7.py),
the normalization of reset_metrics after a failed step (as get_metrics_result's, below)
and of the optimizer slots of NaN weights (below); seeds 552, 553 and 554
(12 programs each) agree but for one Keras bug (y as a list beside column weights, below)
and one error class (a rate function's rate set: AttributeError, now both).

Programs of seeds from 568 on (EIGHTH_FROM) also draw, from a seventh stream
(`draw_eighth`): a two-output model's weighted_metrics per output (a list with None or []
for the second output, a list or a dict naming both), class_weight beside two outputs
(fit from arrays: a ValueError in both; else refused in both, below) and fit's
shuffle="batch" over one full batch. Seeds 563 (12 programs), 564 and 565 (10), 566
and 567 (6), without them, and 568, 569 (8), 570 (18), 571 and 572 (15), with them,
agree after one fix (fit's class_weight beside y as a one-item list, seed 565's program
7: Keras 3 refuses nested targets there, ValueError; numkeras trained:
tests/trainers/test_fuzz_training_s27.py).

Seeds 573-590 (6 programs each, session 28) agree after one fix (Nadam's u_product is
named when it is built, "variable", "variable_1", ... per session, as Keras numbers its
unnamed variables: a second Nadam built in one program held "variable_1" in Keras, always
"variable" in numkeras; seed 576's program 0: tests/optimizers/test_fuzz_found_s28b.py),
one new known difference (class_weight beside two outputs, below) and the known noise
(R2Scores of one row, seeds 574 and 579; a BatchNormalization model's validation
accuracy flipping a sample under Lion, seed 582).

Seeds 591-594 (6 programs each) and 595-615 (3 each, session 29) agree after one
normalization: the broadcasting metrics' known difference (below) is now read off
compile's weighted_metrics too, not only each head's metrics (seed 610's program 2: a
weighted Hinge beside (n,) targets of an (n, 1) output).

Seeds 616-650 (2 or 3 programs each, session 30) agree but for the known noise: seed
618's program 1 (Adafactor at 0.1 steps the bias before BatchNormalization by noise, 0.23
vs 0.15, so validation, in inference through the lagging moving mean, differs by 7%:
val_loss and val_kl_divergence) and an R2Score of one row (seed 627's program 1,
variance_weighted_average: Keras 1.3e8, numkeras NaN, 0 / 0), after one normalization: a
metric that is also a weighted metric is Keras's name listed twice (below; seed 640's
program 1).

Known differences, not compared (or not drawn):
- A dict of losses leaving out one of a model's list outputs: Keras 3 refuses it
  (ValueError "Expected keys ... in loss dict"), numkeras leaves that output untrained, as
  for dict outputs and as Keras 2 did (its first fit fails in Keras: nothing after is
  compared; from seed 552 such programs get dict outputs).
- Keras is silently wrong, numkeras is not: y as a one-item list beside sample weights as
  a column (n, 1) (fit, one output): Keras broadcasts the (n,) losses by the (n, 1)
  weights to (n, n), so its loss is mean(losses) * mean(weights) (not drawn: seed 553's
  program 8 found it).
- Keras is silently wrong, numkeras is not: train_on_batch(x, [y], class_weight=...) of a
  one-output model: Keras 3 takes the list as a (1, n) array and weighs every row by one
  class's weight (that of the largest label's index); numkeras weighs each row by its
  class (not drawn: fit refuses it in both, ValueError).
- train_on_batch, or fit from a PyDataset, with class_weight beside several outputs:
  numkeras refuses it with fit's ValueError; Keras 3 converts the list of targets to one
  array and crashes there (TypeError "only 0-dimensional arrays can be converted",
  IndexError "tuple index out of range", or a ValueError where the outputs' shapes
  differ: seed 580's program 0, seed 582's program 5). Both refusing is agreement
  (README).
- Setting the rate of an optimizer made with a rate function: Keras 3 fails calling the
  function's `assign` (AttributeError); numkeras's error is both that and the TypeError a
  schedule's gives (seed 554's program 0).
- Weights gone NaN (a blown-up rate, TerminateOnNaN): which optimizer slots hold NaN
  depends on each op's slope at NaN (Keras's JAX, numkeras's NumPy: seed 550's program 6,
  an Ftrl gradient accumulator of the output bias); the slots are then not compared.
- loss_weights as a number beside several losses: Keras 3 means to refuse it, but crashes
  formatting its message (TypeError); numkeras weighs every loss by it (not drawn).
- `model.metrics_names` (numkeras lists each logged value; README) is recorded, not
  compared.
- "accuracy" / "acc" with a binary loss from logits: numkeras thresholds the logits at 0,
  Keras at 0.5 (README).
- Two metrics of one name: Keras's lists (evaluate, *_on_batch) give the first's value
  twice and the second's (`name_1`) last; numkeras lists each key once (its
  `Trainer._keras_order`). Compared as sets of values. So for a metric that is also a
  weighted metric (`metrics=["msle"], weighted_metrics=["msle"]`): Keras's lists give
  `msle` twice, then `weighted_msle` (seed 640's program 1); such lists are not compared
  (the logs and dicts are).
- Keras bugs (KERAS_CRASHES: the op, and all after it, not compared): one sample-weight
  array, or a dict of them, for dict targets of a list-output model (KeyError 0: not
  drawn); a dict of losses for a Sequential model (TypeError: not drawn); after a failed
  first fit its optimizer is left half-built (later fits may train as numkeras does, but
  its `iterations` stays 0 and its `variables` fail: those two are then not compared);
  EMA on JAX sometimes donates a buffer twice
  or reads a deleted one; its BinaryCrossentropy metrics refuse (n,) targets for (n, 1)
  outputs, which its losses take (numkeras computes them); so do its F1Score and
  FBetaScore (ValueError "expects 2D inputs"; numkeras computes them too).
- Keras is silently wrong, numkeras is not: a LossScaleOptimizer around Nadam (not
  drawn): on JAX its `variables` leave out Nadam's `u_product`, so the stateless step
  drops its updates and it stays 1.0 (Keras on torch, and numkeras, advance it);
  CategoricalGeneralizedCrossEntropy with
  (n, 1) labels broadcasts them against (n, classes) (not drawn); the Hinge,
  SquaredHinge, KLDivergence and Poisson metrics broadcast (n,) targets against (n, 1)
  outputs (not compared).
- Adam-like optimizers (Adafactor too) and Lion turn a gradient of rounding noise (the
  bias before BatchNormalization) into steps of +-lr: models with BatchNormalization
  compare that bias and its slots' shapes only, the rest with a loose tolerance, and not
  their predictions (inference adds that bias, less the lagging moving mean; validation
  values and evaluate are inference too, only loosely compared: a large rate may still
  part them, seed 618's program 1).
- A cosine-similarity loss on a one-unit output: the normalized scalar is its sign, so
  the gradient is rounding noise, which Adam-like optimizers, Lamb and Lion turn into
  full steps (not drawn: such heads get two units).
- Keras's R2Score(num_regressors=) crashes in a compiled step (a Python `if` on a traced
  value: KERAS_CRASHES); numkeras computes it.
- `get_metrics_result()` after a failed step: Keras built its metrics before the step
  (in its symbolic build) and reads them; numkeras builds them with the first step that
  runs (its metrics are not built yet: ValueError). Not compared.
- After a failed first fit with use_ema, Keras on JAX is left with zeroed weights:
  nothing after that op is compared; without EMA, an op that fails in Keras only there
  (its half-built state) ends the comparison too.
- A loss with reduction=None in `evaluate` over batches of unequal sizes: Keras's loss
  tracker weighs each batch by rows squared, numkeras by rows (single batches agree).
"""

from __future__ import annotations

import csv
import importlib
import json
import math
import os
import random
import sys
import tempfile
import traceback

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fuzz_models import _error as error_text  # noqa: E402
from fuzz_models import _same_error, load_records  # noqa: E402

LOSSES = {  # task -> [(name or class, draw kwargs)]
    "regression": [
        "mse", "mae", "mape", "msle", "huber", "log_cosh", "mean_squared_error",
        "cosine_similarity", "poisson", "MeanSquaredError", "MeanAbsoluteError",
        "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "Huber", "LogCosh",
        "CosineSimilarity", "Poisson",
    ],
    "binary": [
        "binary_crossentropy", "hinge", "squared_hinge", "binary_focal_crossentropy",
        "BinaryCrossentropy", "BinaryFocalCrossentropy", "Hinge", "SquaredHinge", "Dice",
        "Tversky",
    ],
    "categorical": [
        "categorical_crossentropy", "categorical_hinge", "kl_divergence", "kld",
        "categorical_focal_crossentropy", "CategoricalCrossentropy",
        "CategoricalFocalCrossentropy", "CategoricalHinge", "KLDivergence",
    ],
    "sparse": [
        "sparse_categorical_crossentropy", "SparseCategoricalCrossentropy",
        "SparseCategoricalCrossentropy", "CategoricalGeneralizedCrossEntropy", "Circle",
    ],
}  # fmt: skip
METRICS = {
    "regression": [
        "mae", "mse", "mape", "msle", "mean_absolute_error", "cosine_similarity",
        "log_cosh", "RootMeanSquaredError", "MeanAbsoluteError", "LogCoshError",
        "CosineSimilarity", "R2Score", "PearsonCorrelation", "ConcordanceCorrelation",
        "MeanSquaredLogarithmicError", "Poisson",
    ],
    "binary": [
        "accuracy", "acc", "binary_accuracy", "binary_crossentropy", "mae", "AUC",
        "Precision", "Recall", "TruePositives", "FalseNegatives", "BinaryAccuracy",
        "BinaryIoU", "F1Score", "FBetaScore", "PrecisionAtRecall", "SensitivityAtSpecificity",
        "BinaryCrossentropy", "Hinge", "SquaredHinge",
    ],
    "categorical": [
        "accuracy", "acc", "categorical_accuracy", "top_k_categorical_accuracy",
        "categorical_crossentropy", "kl_divergence", "mse", "TopKCategoricalAccuracy",
        "CategoricalAccuracy", "CategoricalCrossentropy", "OneHotIoU", "OneHotMeanIoU",
        "F1Score", "Precision", "Recall", "AUC", "CategoricalHinge",
    ],
    "sparse": [
        "accuracy", "acc", "sparse_categorical_accuracy", "sparse_top_k_categorical_accuracy",
        "sparse_categorical_crossentropy", "SparseTopKCategoricalAccuracy",
        "SparseCategoricalAccuracy", "SparseCategoricalCrossentropy", "MeanIoU", "IoU",
    ],
}  # fmt: skip
OPTIMIZERS = "SGD Adam AdamW Adamax Adagrad Adadelta RMSprop Nadam Ftrl Lion Lamb Adafactor \
Muon ScheduleFreeAdamW".split()
SCHEDULES = "ExponentialDecay PiecewiseConstantDecay CosineDecay InverseTimeDecay \
PolynomialDecay CosineDecayRestarts".split()
# Keras bugs, not compared (nor anything after them): after a failed first fit its
# optimizer is left half-built; a dict of losses for a Sequential model; EMA on JAX
# (buffers donated twice or deleted); its BinaryCrossentropy metrics refuse (n,) targets
# for (n, 1) outputs, which its losses take (numkeras takes them: see the docstring)
KERAS_CRASHES = (
    "'NoneType' object is not callable",
    "'NoneType' object is not iterable",
    "Array has been deleted",
    "donate the same buffer twice",
    "`target` and `output` must have the same shape",
    "FBetaScore expects 2D inputs",
    "boolean conversion of traced array",  # R2Score(num_regressors=) in a compiled step
)
REDUCTIONS = ["sum", "sum_over_batch_size", "mean", None, "none", "mean_with_sample_weight"]


# -- drawing ----------------------------------------------------------------------------
def _obj(cls: str, config: dict) -> dict:
    return {"class": cls, "config": config}


def draw_loss(r: random.Random, task: str, units: int) -> tuple:
    """(loss spec, whether the head gives logits)."""
    name = r.choice(LOSSES[task])
    if name[0].islower():
        return name, False
    cfg, logits = {}, False
    if "from_logits" in _LOSS_KWARGS.get(name, ()) and r.random() < 0.4:
        cfg["from_logits"] = logits = True
    if "label_smoothing" in _LOSS_KWARGS.get(name, ()) and r.random() < 0.3:
        cfg["label_smoothing"] = r.choice([0.1, 0.2])
    if name == "Huber":
        cfg["delta"] = r.choice([0.1, 0.5, 2.0])
    if name in ("BinaryFocalCrossentropy", "CategoricalFocalCrossentropy"):
        cfg.update(alpha=r.choice([0.25, 0.5]), gamma=r.choice([0.0, 1.0, 2.0]))
        if name == "BinaryFocalCrossentropy" and r.random() < 0.5:
            cfg["apply_class_balancing"] = True
    if name == "Tversky":
        cfg.update(alpha=r.choice([0.3, 0.7]), beta=r.choice([0.3, 0.7]))
    if name in ("Dice", "Tversky") and r.random() < 0.3:
        cfg["axis"] = r.choice([-1, [0, 1]])
    if name == "CosineSimilarity" and r.random() < 0.3:
        cfg["axis"] = r.choice([-1, 0])
    if name == "CategoricalGeneralizedCrossEntropy":
        cfg["q"] = r.choice([0.3, 0.7])
    if name == "SparseCategoricalCrossentropy" and r.random() < 0.2:
        cfg["ignore_class"] = r.choice([0, 2])
    if name == "Circle":
        cfg.update(gamma=r.choice([2.0, 80.0]), margin=r.choice([0.25, 0.4]))
        cfg["remove_diagonal"] = r.random() < 0.7
    if r.random() < 0.4:
        cfg["reduction"] = r.choice(REDUCTIONS)
    return _obj(name, cfg), logits


_LOSS_KWARGS = {
    "BinaryCrossentropy": ("from_logits", "label_smoothing"),
    "BinaryFocalCrossentropy": ("from_logits", "label_smoothing"),
    "CategoricalCrossentropy": ("from_logits", "label_smoothing"),
    "CategoricalFocalCrossentropy": ("from_logits", "label_smoothing"),
    "SparseCategoricalCrossentropy": ("from_logits",),
}


def draw_metric(r: random.Random, task: str, units: int, logits: bool):
    name = r.choice(METRICS[task])
    if name[0].islower():
        return name
    cfg = {}
    if name == "AUC":
        cfg.update(num_thresholds=r.choice([3, 7, 50]), curve=r.choice(["ROC", "PR"]))
        cfg["summation_method"] = r.choice(["interpolation", "minoring", "majoring"])
        cfg["from_logits"] = logits
        if units > 1 and r.random() < 0.5:
            cfg["multi_label"] = True
    if name in ("Precision", "Recall"):
        choice = r.choice(["thresholds", "top_k", "class_id", None])
        if choice == "thresholds":
            cfg["thresholds"] = r.choice([0.3, [0.2, 0.6]])
        elif choice == "top_k" and units > 1:
            cfg["top_k"] = r.choice([1, 2])
        elif choice == "class_id" and units > 1:
            cfg["class_id"] = r.randrange(units)
    if name in ("BinaryAccuracy",):
        cfg["threshold"] = r.choice([0.3, 0.5, 0.7])
    if name == "BinaryIoU":
        cfg.update(target_class_ids=r.choice([[0, 1], [1]]), threshold=r.choice([0.3, 0.5]))
    if name in ("F1Score", "FBetaScore"):
        cfg["average"] = r.choice([None, "micro", "macro", "weighted"])
        cfg["threshold"] = r.choice([None, 0.4])
        if name == "FBetaScore":
            cfg["beta"] = r.choice([0.5, 2.0])
    if name == "PrecisionAtRecall":
        cfg.update(recall=r.choice([0.5, 0.8]), num_thresholds=r.choice([5, 50]))
    if name == "SensitivityAtSpecificity":
        cfg.update(specificity=r.choice([0.5, 0.8]), num_thresholds=r.choice([5, 50]))
    if name in ("TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy"):
        cfg["k"] = r.choice([1, 2])
    if name in ("OneHotIoU", "IoU"):
        cfg.update(num_classes=units, target_class_ids=r.choice([[0], [0, 2], [1, 2]]))
    if name in ("OneHotMeanIoU", "MeanIoU"):
        cfg["num_classes"] = units
    if name in ("IoU", "MeanIoU"):
        cfg["sparse_y_pred"] = False
    if name in ("BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy"):
        cfg["from_logits"] = logits
        if name != "SparseCategoricalCrossentropy" and r.random() < 0.3:
            cfg["label_smoothing"] = 0.1
    if name == "R2Score":
        cfg["class_aggregation"] = r.choice(["uniform_average", "variance_weighted_average"])
    if name == "CosineSimilarity":
        cfg["axis"] = r.choice([-1, 0])
    if r.random() < 0.2:
        cfg["name"] = f"m_{name.lower()}"
    return _obj(name, cfg)


def draw_schedule(r: random.Random):
    name, lr = r.choice(SCHEDULES), r.choice([0.01, 0.05, 0.1])
    cfg = {
        "ExponentialDecay": lambda: {"initial_learning_rate": lr, "decay_steps": r.choice([1, 3]),
                                     "decay_rate": r.choice([0.5, 0.9]),
                                     "staircase": r.random() < 0.5},
        "PiecewiseConstantDecay": lambda: {"boundaries": r.choice([[2], [1, 4]])},
        "CosineDecay": lambda: {"initial_learning_rate": lr, "decay_steps": r.choice([3, 10]),
                                "alpha": r.choice([0.0, 0.1]),
                                **({"warmup_target": lr * 2, "warmup_steps": r.choice([1, 3])}
                                   if r.random() < 0.5 else {})},
        "InverseTimeDecay": lambda: {"initial_learning_rate": lr, "decay_steps": r.choice([1, 4]),
                                     "decay_rate": r.choice([0.5, 1.0]),
                                     "staircase": r.random() < 0.5},
        "PolynomialDecay": lambda: {"initial_learning_rate": lr, "decay_steps": r.choice([3, 6]),
                                    "end_learning_rate": lr / 10, "power": r.choice([1.0, 2.0]),
                                    "cycle": r.random() < 0.5},
        "CosineDecayRestarts": lambda: {"initial_learning_rate": lr,
                                        "first_decay_steps": r.choice([2, 3]),
                                        "t_mul": r.choice([1.0, 2.0]),
                                        "m_mul": r.choice([0.5, 1.0]),
                                        "alpha": r.choice([0.0, 0.1])},
    }[name]()  # fmt: skip
    if name == "PiecewiseConstantDecay":
        cfg["values"] = [lr, lr / 2, lr / 5][: len(cfg["boundaries"]) + 1]
    return _obj(name, cfg)


def draw_optimizer(r: random.Random) -> dict:
    name = r.choice(OPTIMIZERS)
    cfg = {}
    if r.random() < 0.25:
        cfg["learning_rate"] = draw_schedule(r)
    elif r.random() < 0.8:
        cfg["learning_rate"] = r.choice([0.001, 0.01, 0.05, 0.1])
    if name == "SGD":
        cfg["momentum"] = r.choice([0.0, 0.5, 0.9])
        cfg["nesterov"] = r.random() < 0.4
    if name in ("Adam", "AdamW") and r.random() < 0.3:
        cfg["amsgrad"] = True
    if name in ("Adam", "AdamW", "Adamax", "Nadam", "Lamb", "Lion") and r.random() < 0.4:
        cfg["beta_1"] = r.choice([0.5, 0.8])
        cfg["beta_2"] = r.choice([0.9, 0.99])
    if name in ("Adam", "Adamax", "Adagrad", "Adadelta", "RMSprop", "Nadam") and r.random() < 0.3:
        cfg["epsilon"] = r.choice([1e-3, 1e-7])
    if name == "RMSprop":
        cfg.update(rho=r.choice([0.5, 0.9]), momentum=r.choice([0.0, 0.5]))
        cfg["centered"] = r.random() < 0.4
    if name == "Adadelta":
        cfg["rho"] = r.choice([0.5, 0.95])
    if name in ("Adagrad", "Ftrl") and r.random() < 0.5:
        cfg["initial_accumulator_value"] = r.choice([0.01, 0.5])
    if name == "Ftrl":
        cfg["learning_rate_power"] = r.choice([-0.5, -0.2, 0.0])
        cfg["l1_regularization_strength"] = r.choice([0.0, 0.01])
        cfg["l2_regularization_strength"] = r.choice([0.0, 0.01])
        cfg["l2_shrinkage_regularization_strength"] = r.choice([0.0, 0.01])
        cfg["beta"] = r.choice([0.0, 0.5])
    if name == "Adafactor":
        cfg.update(beta_2_decay=r.choice([-0.8, -0.5]), clip_threshold=r.choice([0.5, 1.0]))
        cfg["relative_step"] = r.random() < 0.6
    if name == "Muon":
        cfg.update(momentum=r.choice([0.9, 0.95]), nesterov=r.random() < 0.6)
        cfg.update(ns_steps=r.choice([1, 5]), adam_lr_ratio=r.choice([0.5, 1.0]))
        cfg["adam_weight_decay"] = r.choice([0.0, 0.004])
    if name == "ScheduleFreeAdamW":
        cfg["warmup_steps"] = r.choice([0, 2])
    # the base Optimizer's kwargs
    clip = r.choice([None, None, "clipnorm", "clipvalue", "global_clipnorm", "two"])
    if clip == "two":  # Keras refuses clipnorm with global_clipnorm
        cfg.update(clipnorm=1.0, global_clipnorm=1.0)
    elif clip:
        cfg[clip] = r.choice([0.05, 0.5, 1.0])
    if r.random() < 0.25:
        cfg["weight_decay"] = r.choice([0.0, 0.01, 0.1])
    if r.random() < 0.2:
        cfg["use_ema"] = True
        cfg["ema_momentum"] = r.choice([0.5, 0.9, 0.99])
        cfg["ema_overwrite_frequency"] = r.choice([None, 1, 2, 3])
    if r.random() < 0.2:
        cfg["gradient_accumulation_steps"] = r.choice([2, 3])
    if r.random() < 0.1:
        cfg["loss_scale_factor"] = r.choice([0.5, 128.0])
    opt = _obj(name, cfg)
    if r.random() < 0.1:  # (float32 models: the scale only cancels out)
        scale = r.choice([2.0, 32768.0])
        inner = {"initial_scale": scale, "dynamic_growth_steps": r.choice([1, 2])}
        if name != "Nadam":  # (Keras on JAX loses Nadam's u_product there: the docstring)
            opt = _obj("LossScaleOptimizer", {"inner_optimizer": opt, **inner})
    return opt


def draw_head(r: random.Random, task: str, name: str) -> dict:
    units = {"regression": r.choice([1, 2, 3]), "binary": r.choice([1, 1, 3])}.get(task, 3)
    loss, logits = draw_loss(r, task, units)
    if isinstance(loss, dict) and loss["class"] == "Circle":
        act = None  # embeddings
    elif task == "regression":
        act = "softplus" if "oisson" in json.dumps(loss) or r.random() < 0.3 else None
    else:
        act = None if logits else {"binary": "sigmoid"}.get(task, "softmax")
    metrics = [draw_metric(r, task, units, logits) for _ in range(r.choice([0, 1, 1, 2, 3]))]
    return {"name": name, "task": task, "units": units, "activation": act, "loss": loss,
            "logits": logits, "metrics": metrics,
            "rank1_y": units == 1 and task in ("binary", "regression") and r.random() < 0.3,
            "sparse_2d": task == "sparse" and r.random() < 0.3}  # fmt: skip


TASKS = ["regression", "binary", "categorical", "sparse"]


def draw_fit(r: random.Random, n: int, heads: list) -> dict:
    kw = {"epochs": r.choice([1, 2, 3]), "shuffle": False}
    if r.random() < 0.8:
        kw["batch_size"] = r.choice([2, 3, 4, 5, 16])
    if kw["epochs"] > 1 and r.random() < 0.25:
        kw["initial_epoch"] = 1
    val = r.choice([None, None, "split", "data", "data_sw"])
    if val == "split":
        kw["validation_split"] = r.choice([0.2, 0.25, 0.5])
    elif val:
        kw["validation_data"] = val
        if r.random() < 0.3:
            kw["validation_batch_size"] = r.choice([2, 3])
    if val and kw["epochs"] > 1 and r.random() < 0.2:
        kw["validation_freq"] = 2
    if r.random() < 0.3:
        kw["sample_weight"] = True
    classes = len(heads) == 1 and heads[0]["task"] in ("sparse", "categorical", "binary")
    if classes and r.random() < 0.3:
        k = 2 if heads[0]["task"] == "binary" else 3
        kw["class_weight"] = {str(c): r.choice([0.5, 1.0, 2.0]) for c in range(k)}
    if r.random() < 0.2:
        batches = math.ceil(n * (1 - kw.get("validation_split", 0)) / kw.get("batch_size", 32))
        kw["steps_per_epoch"] = r.randint(1, max(1, batches))
    return kw


def program(seed: int) -> dict:
    """The JSON program of `seed`: `model` (arch, hidden units, BatchNormalization, heads
    with their task, units, activation, loss and metrics), `compile` (optimizer,
    loss_weights, weighted_metrics, how losses / metrics are given), `ops` (the calls, in
    order) and `n` (rows)."""
    r = random.Random(seed)
    two = r.random() < 0.25
    tasks = [r.choice(TASKS) for _ in range(1 + two)]
    heads = [draw_head(r, t, f"out_{i}" if two else "out") for i, t in enumerate(tasks)]
    model = {
        "arch": r.choice(["mlp", "mlp", "conv"]),
        "hidden": r.choice([2, 4]),
        "activation": r.choice(["relu", "tanh", None]),
        "bn": r.random() < 0.2,
        "sequential": not two and r.random() < 0.5,
        "heads": heads,
    }
    comp = {"optimizer": draw_optimizer(r), "form": r.choice(["list", "dict", "one"])}
    comp["nested_metrics"] = not two and r.random() < 0.1
    if two and r.random() < 0.4:
        lw_form = r.choice(["list", "dict"])
        comp["loss_weights"] = lw_form, [r.choice([0.5, 1.0, 2.0]) for _ in heads]
    if r.random() < 0.25:
        comp["weighted_metrics"] = [
            draw_metric(r, heads[0]["task"], heads[0]["units"], heads[0]["logits"])
        ]
    if r.random() < 0.15:
        comp["steps_per_execution"] = r.choice([2, 3])
    n = r.choice([6, 8, 10, 12])
    ops = []
    for _ in range(r.choice([1, 2, 2, 3])):
        kind = r.choice(["fit", "fit", "fit", "evaluate", "train_on_batch", "test_on_batch"])
        if kind == "fit":
            ops.append({"op": "fit", "kw": draw_fit(r, n, heads)})
        elif kind == "evaluate":
            kw = {"return_dict": r.random() < 0.5, "sample_weight": r.random() < 0.3}
            if r.random() < 0.5:
                kw["batch_size"] = r.choice([2, 3, 5])
            ops.append({"op": "evaluate", "kw": kw})
        else:
            kw = {"rows": r.choice([1, 3, 4]), "sample_weight": r.random() < 0.3}
            kw["return_dict"] = r.random() < 0.4
            if kind == "train_on_batch" and len(heads) == 1 and r.random() < 0.2:
                kw["class_weight"] = heads[0]["task"] in ("sparse", "categorical", "binary")
            ops.append({"op": kind, "kw": kw})
    if model["sequential"] and comp["form"] == "dict":  # (Keras crashes: KERAS_CRASHES)
        comp["form"] = "one"
    for h in heads:  # (Keras's CGCE broadcasts (n, 1) labels against (n, classes))
        if "GeneralizedCrossEntropy" in json.dumps(h["loss"]):
            h["sparse_2d"] = False
        # (a one-unit cosine similarity has a gradient of rounding noise: see the docstring)
        if "osine" in json.dumps(h["loss"]) and h["units"] == 1:
            h["units"], h["rank1_y"] = 2, False
    # a dict of losses for two outputs: a model with dict outputs (or list outputs, which
    # Keras's sample weights crash on: see the docstring)
    model["dict_outputs"] = two and comp["form"] == "dict" and r.random() < 0.5
    if two and comp["form"] == "dict" and not model["dict_outputs"]:
        for op in ops:
            op["kw"]["sample_weight"] = False
            if op["kw"].get("validation_data") == "data_sw":
                op["kw"]["validation_data"] = "data"
    if seed >= FEEDS_FROM:
        draw_feeds(random.Random(f"feeds-{seed}"), ops)
        draw_functions(random.Random(f"functions-{seed}"), heads)
    if seed >= MORE_FROM:
        draw_more(random.Random(f"more-{seed}"), model, comp, ops)
    if seed >= EXTRA_FROM:
        draw_extra(random.Random(f"extra-{seed}"), model, comp, ops)
    if seed >= SIXTH_FROM:
        draw_sixth(random.Random(f"sixth-{seed}"), model, ops)
    if seed >= SEVENTH_FROM:
        draw_seventh(random.Random(f"seventh-{seed}"), model, comp, ops)
    if seed >= EIGHTH_FROM:
        draw_eighth(random.Random(f"eighth-{seed}"), model, comp, ops, n)
    return {"seed": seed, "model": model, "compile": comp, "ops": ops, "n": n}


FEEDS_FROM = 300 * 100_000  # programs of seeds from 300 on draw `draw_feeds` too
MORE_FROM = 500 * 100_000  # programs of seeds from 500 on draw `draw_more` too
EXTRA_FROM = 521 * 100_000  # programs of seeds from 521 on draw `draw_extra` too
SIXTH_FROM = 539 * 100_000  # programs of seeds from 539 on draw `draw_sixth` too
SEVENTH_FROM = 552 * 100_000  # programs of seeds from 552 on draw `draw_seventh` too
EIGHTH_FROM = 568 * 100_000  # programs of seeds from 568 on draw `draw_eighth` too
STREAMS = ("pydataset", "generator", "generator_once")


def draw_functions(r: random.Random, heads: list) -> None:
    """A user's loss function or Loss subclass for some regression heads, metric functions,
    a Metric subclass or a MeanMetricWrapper for heads whose targets have the outputs'
    shape."""
    for h in heads:
        if h["task"] not in ("regression", "categorical") or h["rank1_y"]:
            continue
        if h["task"] == "regression" and r.random() < 0.3:
            h["loss"] = r.choice(["fn:squared_error", "fn:sum_abs_error"])
        if h["task"] == "regression" and r.random() < 0.2:
            cfg = {"scale": r.choice([0.5, 2.0])}
            if r.random() < 0.5:
                cfg["reduction"] = r.choice(["sum", "sum_over_batch_size", "mean"])
            h["loss"] = _obj("custom:ScaledSquaredError", cfg)
        if r.random() < 0.3:
            h["metrics"].append(r.choice(["fn:abs_error", "fn:sum_abs_error"]))
        if r.random() < 0.2:
            cls = r.choice(["MaxAbsError", "MeanMetricWrapper"])
            h["metrics"].append(_obj(f"custom:{cls}", {"name": r.choice(["m_a", "m_b"])}))


def draw_feeds(r: random.Random, ops: list) -> None:
    """How each call gets its data (a second stream of draws, so that earlier seeds'
    programs stay as they were): x as arrays, a dict by input name or a one-item list, or
    batches from a PyDataset, an endless generator (with its steps) or a one-pass
    generator; validation data as a tuple, a list or a stream, with validation_steps;
    evaluate's steps; a second compile (without the metrics, sometimes); and a last
    `predict` call."""
    for op in ops:
        kw = op["kw"]
        if op["op"] in ("train_on_batch", "test_on_batch"):
            kw["data"] = r.choice(["arrays", "arrays", "dict_x"])
            continue
        once = op["op"] == "evaluate" or kw.get("epochs") == 1  # (a used-up generator: README)
        forms = ["arrays", "dict_x", "list_x", "pydataset", "generator"]
        kw["data"] = r.choice(["arrays", *forms, *(["generator_once"] if once else [])])
        if op["op"] == "evaluate":
            if r.random() < 0.3:
                kw["steps"] = r.choice([1, 2])
            continue
        if kw["data"] in STREAMS and "validation_split" in kw and r.random() < 0.8:
            del kw["validation_split"]  # (a ValueError in both: drawn less)
        if kw.get("validation_data"):
            kw["validation_form"] = r.choice(["tuple", "tuple", "list", "pydataset", "generator"])
            if r.random() < 0.3:
                kw["validation_steps"] = r.choice([1, 2])
    if ops and r.random() < 0.25:  # compile again (to change the optimizer, say)
        # (not without the loss: Keras keeps the old one, numkeras deliberately does not)
        drop = r.choice([[], [], ["metrics", "weighted_metrics"]])
        ops.insert(r.randint(1, len(ops)), {"op": "recompile", "kw": {"drop": drop}})
    if r.random() < 0.5:
        kw = {"data": r.choice(["arrays", "arrays", "dict_x", "pydataset", "generator_once"])}
        if r.random() < 0.5:
            kw["batch_size"] = r.choice([2, 3, 5])
        if r.random() < 0.3:
            kw["steps"] = r.choice([1, 2])
        ops.append({"op": "predict", "kw": kw})


MORE_METRICS = {  # metric objects with the arguments a demanding user gives them
    "regression": [
        ("MeanSquaredError", {}), ("RootMeanSquaredError", {"name": "rmse"}),
        ("MeanAbsolutePercentageError", {}), ("KLDivergence", {}), ("LogCoshError", {}),
        ("R2Score", {"num_regressors": 1}), ("MeanSquaredLogarithmicError", {}),
    ],
    "binary": [
        ("FalsePositives", {"thresholds": [0.3, 0.7]}), ("TrueNegatives", {"thresholds": 0.6}),
        ("SpecificityAtSensitivity", {"sensitivity": 0.5, "num_thresholds": 20}),
        ("RecallAtPrecision", {"precision": 0.5, "num_thresholds": 20}),
        ("AUC", {"thresholds": [0.2, 0.5, 0.8]}), ("AUC", {"curve": "PR", "num_thresholds": 10}),
        ("Precision", {"thresholds": [0.3, 0.6]}), ("Recall", {"thresholds": 0.7}),
        ("Accuracy", {}), ("F1Score", {"threshold": 0.5, "average": "micro"}),
        ("BinaryAccuracy", {"threshold": 0.6, "name": "acc_06"}),
    ],
    "categorical": [
        ("TopKCategoricalAccuracy", {"k": 3}), ("Precision", {"top_k": 2, "thresholds": 0.2}),
        ("Recall", {"class_id": 1, "thresholds": [0.1, 0.5]}),
        ("AUC", {"multi_label": True, "num_labels": 3, "num_thresholds": 10}),
        ("KLDivergence", {}), ("FBetaScore", {"average": "micro", "beta": 2.0}),
        ("Poisson", {}), ("CategoricalAccuracy", {"name": "cat_acc"}),
        ("OneHotMeanIoU", {"num_classes": 3, "ignore_class": 0}),
    ],
    "sparse": [
        ("SparseTopKCategoricalAccuracy", {"k": 2}), ("SparseCategoricalAccuracy", {}),
        ("MeanIoU", {"num_classes": 3, "ignore_class": 0, "sparse_y_pred": False}),
        ("IoU", {"num_classes": 3, "target_class_ids": [1], "sparse_y_pred": False}),
        ("SparseCategoricalCrossentropy", {"name": "scce"}),
    ],
}  # fmt: skip
CALLBACKS = ("EarlyStopping", "ReduceLROnPlateau", "LearningRateScheduler", "TerminateOnNaN")


def draw_callback(r: random.Random, validated: bool) -> dict:
    """A callback spec for fit (monitoring the loss, or the validation loss)."""
    name = r.choice(CALLBACKS)
    monitor = r.choice(["loss", "val_loss"] if validated else ["loss"])
    if name == "EarlyStopping":
        cfg = {"monitor": monitor, "patience": r.choice([0, 1]), "min_delta": r.choice([0, 0.01])}
        cfg["restore_best_weights"] = r.random() < 0.6
        if r.random() < 0.4:
            cfg["start_from_epoch"] = r.choice([1, 2])
        if r.random() < 0.2:
            cfg["baseline"] = r.choice([0.1, 5.0])
    elif name == "ReduceLROnPlateau":
        cfg = {"monitor": monitor, "patience": r.choice([0, 1]), "factor": r.choice([0.5, 0.1])}
        cfg.update(cooldown=r.choice([0, 1]), min_delta=r.choice([1e-4, 0.05]))
        cfg["min_lr"] = r.choice([0.0, 0.004])
    elif name == "LearningRateScheduler":
        cfg = {"schedule": r.choice([0, 1, 2])}  # (an index into _SCHEDULE_FNS)
    else:
        cfg = {}
    return _obj(name, cfg)


_SCHEDULE_FNS = (
    lambda epoch, lr: lr * 0.5,
    lambda epoch: 0.1 / (epoch + 1),
    lambda epoch, lr: lr if epoch < 1 else lr * 0.9,
)


def draw_more(r: random.Random, model: dict, comp: dict, ops: list) -> None:
    """The draws of seeds from 500 on (a third stream: earlier seeds stay as they were):
    train_on_batch without resetting the metrics, predict_on_batch, get_metrics_result,
    fit with callbacks (EarlyStopping, ReduceLROnPlateau, LearningRateScheduler,
    TerminateOnNaN), validation_freq as a list, shuffle over one full batch, a layer's
    trainable flag flipped before a compile, metric objects with thresholds / top_k /
    class_id / num_labels, loss_weights of a one-output model, an optimizer's
    exclude_from_weight_decay."""
    heads = model["heads"]
    for op in ops:
        kw = op["kw"]
        # (train_on_batch(reset_metrics=False): Keras 3 dropped it, a TypeError there;
        # numkeras takes it as Keras 2 did. Not drawn; the draw stays so programs do)
        r.random()
        if op["op"] != "fit":
            continue
        kw["params"] = True  # (History's epoch and params too)
        validated = bool(kw.get("validation_data") or kw.get("validation_split"))
        if validated and kw["epochs"] > 1 and r.random() < 0.3:
            kw["validation_freq"] = r.choice([[1], [2], [1, 3], [2, 3]])
        if "batch_size" not in kw and kw.get("data", "arrays") not in STREAMS:
            if r.random() < 0.4:
                kw["shuffle"] = True  # (one batch of all rows: the order does not matter)
        if r.random() < 0.5:
            kw["callbacks"] = [draw_callback(r, validated) for _ in range(r.choice([1, 1, 2]))]
    for _ in range(r.choice([0, 1, 2])):  # more calls, anywhere
        kind = r.choice(["predict_on_batch", "metrics_result", "train_on_batch", "freeze"])
        if kind == "predict_on_batch":
            op = {
                "op": kind,
                "kw": {"rows": r.choice([1, 3]), "data": r.choice(["arrays", "dict_x"])},
            }
        elif kind == "metrics_result":
            op = {"op": kind, "kw": {}}
        elif kind == "train_on_batch":
            kw = {"rows": r.choice([2, 4]), "sample_weight": r.random() < 0.3}
            kw["return_dict"] = r.random() < 0.5
            op = {"op": kind, "kw": kw}
        else:  # flip a layer's flag, then compile again (the flag counts from a compile)
            names = ["conv" if model["arch"] == "conv" else "hidden", *(h["name"] for h in heads)]
            names += ["bn"] if model["bn"] else []
            layer = r.choice(names + ["*model*"]) if r.random() < 0.15 else r.choice(names)
            # (the flag counts from the next compile here, Keras 2's rule: README; Keras 3
            # on JAX fails a step run between the two, so the freeze op compiles at once)
            ops.insert(r.randint(0, len(ops)), {"op": "freeze", "kw": {"layer": layer}})
            if r.random() < 0.4:  # and back
                ops.append({"op": "freeze", "kw": {"layer": layer, "trainable": True}})
                kw = {"epochs": 1, "shuffle": False, "batch_size": 4, "params": True}
                ops.append({"op": "fit", "kw": kw})
            continue
        ops.insert(r.randint(0, len(ops)), op)
    if len(heads) == 2 and comp["form"] == "dict" and not model["dict_outputs"]:
        for op in ops:  # (Keras's KeyError 0 there: see program())
            if op["op"] == "train_on_batch":
                op["kw"]["sample_weight"] = False
    for h in heads:
        if r.random() < 0.35:
            name, cfg = r.choice(MORE_METRICS[h["task"]])
            cfg = dict(cfg)
            if name == "AUC" and h["logits"]:
                cfg["from_logits"] = True
            if name == "SparseCategoricalCrossentropy":
                cfg["from_logits"] = h["logits"]
            if h["units"] != 3 and ("num_labels" in cfg or "num_classes" in cfg):
                continue  # (three classes only)
            h["metrics"].append(_obj(name, cfg))
    if len(heads) == 1 and "loss_weights" not in comp and r.random() < 0.2:
        comp["loss_weights"] = r.choice(["list", "dict"]), [r.choice([0.5, 2.0])]
    opt = comp["optimizer"]["config"]
    if opt.get("weight_decay") and r.random() < 0.5:
        comp["exclude_from_weight_decay"] = r.choice([["bias"], ["out"], ["hidden", "conv"]])


def _monitors(heads: list, validated: bool) -> list:
    """What a callback may monitor: the loss, each output's loss (two outputs), and their
    validation values."""
    names = ["loss"] + ([f"{h['name']}_loss" for h in heads] if len(heads) > 1 else [])
    return names + ([f"val_{m}" for m in names] if validated else [])


def draw_extra(r: random.Random, model: dict, comp: dict, ops: list) -> None:
    """The draws of seeds from 521 on (a fourth stream): a recorder of the logs callbacks
    get (each batch's and epoch's), validation_split beside shuffle (over one batch),
    callbacks monitoring one output's loss (EarlyStopping, ReduceLROnPlateau with a mode)
    and ModelCheckpoint(save_best_only) with the files it writes, class_weight keyed by
    NumPy ints, compile's run_eagerly / jit_compile, one output without a loss, the
    optimizer's learning_rate read and set between calls, and a fit of no epochs."""
    heads = model["heads"]
    for op in ops:
        kw = op["kw"]
        if op["op"] != "fit":
            continue
        kw["logs"] = r.random() < 0.6
        arrays = kw.get("data", "arrays") not in STREAMS
        if arrays and r.random() < 0.3:  # the split is taken before the shuffle (one batch)
            kw.update(validation_split=r.choice([0.25, 0.5]), shuffle=True, batch_size=16)
            kw.pop("validation_data", None)
            kw.pop("steps_per_epoch", None)
        validated = bool(kw.get("validation_data") or kw.get("validation_split"))
        if r.random() < 0.4:
            monitor = r.choice(_monitors(heads, validated))
            name = r.choice(["EarlyStopping", "ReduceLROnPlateau", "ModelCheckpoint"])
            cfg = {"monitor": monitor, "mode": r.choice(["auto", "min"])}
            if monitor not in ("loss", "val_loss"):  # (Keras 3's "auto" raises: MonitorCallback)
                cfg["mode"] = "min"
            if name == "EarlyStopping":
                cfg.update(patience=r.choice([0, 1]), restore_best_weights=r.random() < 0.6)
            elif name == "ReduceLROnPlateau":
                cfg.update(patience=0, factor=r.choice([0.5, 0.2]), min_delta=r.choice([0, 0.01]))
            else:
                cfg.update(save_best_only=r.random() < 0.7, save_weights_only=True)
            kw.setdefault("callbacks", []).append(_obj(name, cfg))
        if "class_weight" in kw and r.random() < 0.5:
            kw["class_weight_numpy"] = True
    if r.random() < 0.3:
        comp["run"] = r.choice([{"run_eagerly": True}, {"jit_compile": False},
                                {"jit_compile": True}, {"run_eagerly": False}])  # fmt: skip
    if len(heads) == 2 and r.random() < 0.2:
        comp["no_loss"] = r.randrange(2)  # (None in a list, left out of a dict)
    for _ in range(r.choice([0, 1, 1, 2])):
        if r.random() < 0.5:
            op = {"op": "learning_rate", "kw": {}}
        else:
            op = {"op": "set_learning_rate", "kw": {"value": r.choice([0.02, 0.2])}}
        ops.insert(r.randint(0, len(ops)), op)
    if r.random() < 0.15:
        kw = {"epochs": r.choice([0, 2]), "initial_epoch": 2, "shuffle": False}
        ops.insert(r.randint(0, len(ops)), {"op": "fit", "kw": {**kw, "params": True}})


# a built-in metric per task (its direction known to Keras's mode "auto"), named "watched"
WATCHED = {"regression": "MeanAbsoluteError", "binary": "BinaryAccuracy",
           "categorical": "CategoricalAccuracy", "sparse": "SparseCategoricalAccuracy"}  # fmt: skip


def draw_sixth(r: random.Random, model: dict, ops: list) -> None:
    """The draws of seeds from 539 on (a fifth stream): callbacks monitoring a metric (a
    built-in metric object named "watched"; mode "auto" reads its direction, for one
    output: Keras 3 raises for a prefixed name), a CSVLogger (its header and rows),
    evaluate and predict with a recorder of their batch and end logs, and reset_metrics
    followed by get_metrics_result."""
    heads = model["heads"]
    watched = None
    if r.random() < 0.6:
        head = r.choice(heads)
        head["metrics"].append(_obj(WATCHED[head["task"]], {"name": "watched"}))
        watched = "watched" if len(heads) == 1 else f"{head['name']}_watched"
        up = head["task"] != "regression"
    for op in ops:
        kw = op["kw"]
        if op["op"] in ("evaluate", "predict") and r.random() < 0.5:
            kw["batch_logs"] = True
        if op["op"] != "fit":
            continue
        kw["params"] = True
        if r.random() < 0.3:
            kw["csv"] = True
        validated = bool(kw.get("validation_data") or kw.get("validation_split"))
        if watched and r.random() < 0.6:
            monitor = r.choice([watched, f"val_{watched}"] if validated else [watched])
            mode = r.choice(["auto", "auto", "right", "wrong"]) if len(heads) == 1 else "right"
            if mode != "auto":  # (the wrong direction: both should follow it)
                mode = "max" if up == (mode == "right") else "min"
            name = r.choice(["EarlyStopping", "ReduceLROnPlateau", "ModelCheckpoint"])
            cfg = {"monitor": monitor, "mode": mode}
            if name == "EarlyStopping":
                cfg.update(patience=r.choice([0, 1]), restore_best_weights=r.random() < 0.6)
                cfg["min_delta"] = r.choice([0, 0.05])
            elif name == "ReduceLROnPlateau":
                cfg.update(patience=0, factor=r.choice([0.5, 0.2]), min_delta=r.choice([0, 0.01]))
            else:
                cfg.update(save_best_only=r.random() < 0.7, save_weights_only=True)
            kw.setdefault("callbacks", []).append(_obj(name, cfg))
    for _ in range(r.choice([0, 0, 1])):
        ops.insert(r.randint(0, len(ops)), {"op": "reset_metrics", "kw": {}})


# the names a user types: optimizers, loss and metric aliases (each one Keras 3 accepts)
OPTIMIZER_NAMES = "adam sgd rmsprop adamw adamax adagrad adadelta nadam ftrl lion adafactor \
muon".split()
LOSS_ALIASES = {"regression": ["MSE", "MAE", "MAPE", "MSLE", "mean_absolute_error"],
                "binary": ["bce", "BCE"], "categorical": ["KLD", "kl_divergence"],
                "sparse": ["sparse_categorical_crossentropy"]}  # fmt: skip
METRIC_NAMES = {
    "regression": ["r2_score", "root_mean_squared_error", "pearson_correlation",
                   "concordance_correlation", "log_cosh_error", "mean_squared_error"],
    "binary": ["precision", "recall", "auc", "binary_accuracy", "hinge", "squared_hinge"],
    "categorical": ["categorical_hinge", "top_k_categorical_accuracy", "precision", "auc",
                    "kl_divergence", "f1_score"],
    "sparse": ["sparse_top_k_categorical_accuracy", "sparse_categorical_crossentropy"],
}  # fmt: skip


def draw_seventh(r: random.Random, model: dict, comp: dict, ops: list) -> None:
    """The draws of seeds from 552 on (a sixth stream): an optimizer by its name (its
    defaults), a learning rate given as a function of no arguments, Adafactor's epsilons,
    Muon's exclude_layers / rms_rate, Lamb's epsilon, loss and metric aliases ("bce",
    "MSE", "f1_score", ...), a scalar loss_weights of a one-output model, sample weights
    as a column (n, 1), y as a one-item list for one output, and a callback stopping
    training at a batch (`model.stop_training`)."""
    heads = model["heads"]
    opt = comp["optimizer"]
    inner = opt["config"]["inner_optimizer"] if opt["class"] == "LossScaleOptimizer" else opt
    cfg = inner["config"]
    if inner["class"] == "Adafactor" and r.random() < 0.5:
        cfg.update(epsilon_1=r.choice([1e-30, 1e-3]), epsilon_2=r.choice([1e-3, 0.1]))
    if inner["class"] == "Muon" and r.random() < 0.6:
        cfg["exclude_layers"] = r.choice([["out"], ["hidden"], ["conv", "out_1"]])
        cfg["rms_rate"] = r.choice([None, 0.2, 0.5])
    if inner["class"] == "Lamb" and r.random() < 0.4:
        cfg["epsilon"] = r.choice([1e-3, 1e-6])
    if isinstance(cfg.get("learning_rate"), float) and r.random() < 0.15:
        cfg["learning_rate"] = {"fn": cfg["learning_rate"]}  # (`lambda: rate`)
    if r.random() < 0.15:  # by its name: all its defaults
        comp["optimizer"] = r.choice(OPTIMIZER_NAMES)
        comp.pop("exclude_from_weight_decay", None)
    for h in heads:
        if isinstance(h["loss"], str) and not h["loss"].startswith("fn:") and r.random() < 0.2:
            h["loss"] = r.choice(LOSS_ALIASES[h["task"]])
        if r.random() < 0.3:
            name = r.choice(METRIC_NAMES[h["task"]])
            if name == "f1_score" and h["rank1_y"]:
                continue  # (Keras's F1Score refuses (n,) targets: KERAS_CRASHES)
            h["metrics"].append(name)
    if len(heads) == 1 and "loss_weights" not in comp and r.random() < 0.15:
        comp["loss_weights"] = "scalar", [r.choice([0.5, 3.0])]
    if "no_loss" in comp and comp["form"] == "dict" and not model["dict_outputs"]:
        model["dict_outputs"] = True  # (a partial loss dict for list outputs: the docstring)
    for op in ops:
        kw = op["kw"]
        if kw.get("sample_weight") and r.random() < 0.4:
            kw["sw_column"] = True
        arrays = kw.get("data", "arrays") not in STREAMS
        if op["op"] in ("fit", "evaluate") and len(heads) == 1 and arrays and r.random() < 0.2:
            kw["list_y"] = True
            kw.pop("sw_column", None)  # (Keras broadcasts the two: see the docstring)
        if op["op"] == "fit" and r.random() < 0.2:
            stop = _obj("StopAt", {"batch": r.choice([0, 1, 2]), "epoch": r.choice([0, 1])})
            kw.setdefault("callbacks", []).append(stop)


def draw_eighth(r: random.Random, model: dict, comp: dict, ops: list, n: int) -> None:
    """The draws of seeds from 568 on (a seventh stream): a two-output model's
    weighted_metrics per output (a list with None or [] for the second output, a list or a
    dict naming both), class_weight beside two outputs (fit from arrays: a
    ValueError in both; else refused in both) and fit's shuffle="batch" over one full batch."""
    heads = model["heads"]
    if len(heads) == 2 and r.random() < 0.6:
        h0, h1 = heads
        if "weighted_metrics" not in comp:
            comp["weighted_metrics"] = [draw_metric(r, h0["task"], h0["units"], h0["logits"])]
        comp["wm_form"] = r.choice(["list_none", "list_empty", "list_both", "dict_both"])
        if comp["wm_form"].endswith("both"):
            comp["weighted_metrics_1"] = [draw_metric(r, h1["task"], h1["units"], h1["logits"])]
    for op in ops:
        kw = op["kw"]
        if len(heads) == 2 and op["op"] in ("fit", "train_on_batch") and r.random() < 0.15:
            if op["op"] == "fit":
                kw["class_weight"] = {"0": 2.0, "1": 0.5}
            else:
                kw["class_weight"] = True
        one_batch = kw.get("batch_size", 32) >= n and kw.get("data", "arrays") not in STREAMS
        if op["op"] == "fit" and one_batch and r.random() < 0.4:
            kw["shuffle"] = "batch"  # (the order within the batch does not matter)


# -- building and running ---------------------------------------------------------------
def make(K, spec, module):
    """A Keras object of `module` (K.losses, ...) from a spec: a name, or class and config,
    whose learning_rate / inner_optimizer may be specs too."""
    if isinstance(spec, str) and spec.startswith("fn:"):
        return _function(K, spec[3:])
    if isinstance(spec, dict) and spec["class"].startswith("custom:"):
        return _custom(K, spec["class"][7:], spec["config"])
    if not isinstance(spec, dict):
        return spec
    cfg = dict(spec["config"])
    if isinstance(cfg.get("learning_rate"), dict) and "fn" in cfg["learning_rate"]:
        rate = cfg["learning_rate"]["fn"]
        cfg["learning_rate"] = lambda: rate  # (a function of no arguments: Keras 3 calls it)
    elif isinstance(cfg.get("learning_rate"), dict):
        cfg["learning_rate"] = make(K, cfg["learning_rate"], K.optimizers.schedules)
    if "inner_optimizer" in cfg:
        cfg["inner_optimizer"] = make(K, cfg["inner_optimizer"], K.optimizers)
    return getattr(module, spec["class"])(**cfg)


def _function(K, name: str):
    """A user's loss / metric function (a plain function of y_true, y_pred)."""

    def squared_error(y_true, y_pred):
        return K.ops.mean(K.ops.square(y_pred - y_true), axis=-1)

    def abs_error(y_true, y_pred):
        return K.ops.mean(K.ops.abs(y_pred - y_true), axis=-1)

    def sum_abs_error(y_true, y_pred):  # (one value a batch, not one per sample)
        return K.ops.sum(K.ops.abs(y_pred - y_true))

    return {f.__name__: f for f in (squared_error, abs_error, sum_abs_error)}[name]


def _custom(K, name: str, config: dict):
    """A user's Loss / Metric subclass (with its own config, reduction, name)."""

    class ScaledSquaredError(K.losses.Loss):
        def __init__(self, scale=2.0, **kwargs):
            super().__init__(**kwargs)
            self.scale = scale

        def call(self, y_true, y_pred):
            return self.scale * K.ops.mean(K.ops.square(y_pred - y_true), axis=-1)

    class MaxAbsError(K.metrics.Metric):  # (a state that is not a mean)
        def __init__(self, name="max_abs_error", **kwargs):
            super().__init__(name=name, **kwargs)
            self.top = self.add_variable(shape=(), initializer="zeros", name="top")

        def update_state(self, y_true, y_pred, sample_weight=None):
            y_true = K.ops.cast(y_true, y_pred.dtype)
            self.top.assign(K.ops.maximum(self.top, K.ops.max(K.ops.abs(y_pred - y_true))))

        def result(self):
            return K.ops.convert_to_tensor(self.top)

    def wrapped():
        return K.metrics.MeanMetricWrapper(_function(K, "abs_error"), **config)

    classes = {"ScaledSquaredError": ScaledSquaredError, "MaxAbsError": MaxAbsError}
    return wrapped() if name == "MeanMetricWrapper" else classes[name](**config)


def build(K, prog: dict):
    m = prog["model"]
    L = K.layers
    shape = (5, 2) if m["arch"] == "conv" else (4,)
    inp = K.Input(shape, name="x")
    body = []
    if m["arch"] == "conv":
        body.append(L.Conv1D(m["hidden"], 2, activation=m["activation"], name="conv"))
    else:
        body.append(L.Dense(m["hidden"], activation=m["activation"], name="hidden"))
    if m["bn"]:
        body.append(L.BatchNormalization(name="bn"))
    if m["arch"] == "conv":
        body.append(L.Flatten(name="flatten"))
    heads = [L.Dense(h["units"], activation=h["activation"], name=h["name"]) for h in m["heads"]]
    if m["sequential"]:
        return K.Sequential([inp, *body, *heads], name="model")
    x = inp
    for layer in body:
        x = layer(x)
    outs = [h(x) for h in heads]
    if m["dict_outputs"]:
        return K.Model(inp, {h["name"]: o for h, o in zip(m["heads"], outs)}, name="model")
    return K.Model(inp, outs if len(outs) > 1 else outs[0], name="model")


def _per_head(spec, heads, form):
    """A per-output setting as the program's form says: a list, a dict by output name,
    or (one output) the value itself."""
    if len(heads) == 1 and form != "dict":
        return spec[0] if form == "one" else spec
    if form == "dict":
        return {h["name"]: s for h, s in zip(heads, spec)}
    return list(spec)


def compile_model(K, model, prog: dict, drop=()) -> None:
    heads, comp = prog["model"]["heads"], prog["compile"]
    form = comp["form"]
    losses = [make(K, h["loss"], K.losses) for h in heads]
    metrics = [[make(K, m, K.metrics) for m in h["metrics"]] for h in heads]
    kw = {
        "optimizer": make(K, comp["optimizer"], K.optimizers),
        "loss": _per_head(losses, heads, form),
        "metrics": _per_head(metrics, heads, "one" if form == "list" else form),
    }
    if comp.get("nested_metrics"):  # a one-output model's metrics as a list of lists
        kw["metrics"] = metrics
    if "loss_weights" in comp:
        lw_form, weights = comp["loss_weights"]
        kw["loss_weights"] = (
            weights[0] if lw_form == "scalar" else _per_head(weights, heads, lw_form)
        )
    if "weighted_metrics" in comp:
        wm = [make(K, m, K.metrics) for m in comp["weighted_metrics"]]
        kw["weighted_metrics"] = wm if len(heads) == 1 else {heads[0]["name"]: wm}
        wm_form = comp.get("wm_form")  # (two outputs, from seed 568 on: draw_eighth)
        if wm_form:
            wm1 = [make(K, m, K.metrics) for m in comp.get("weighted_metrics_1", [])]
            kw["weighted_metrics"] = {
                "list_none": [wm, None],
                "list_empty": [wm, []],
                "list_both": [wm, wm1],
                "dict_both": {heads[0]["name"]: wm, heads[1]["name"]: wm1},
            }[wm_form]
    if "steps_per_execution" in comp:
        kw["steps_per_execution"] = comp["steps_per_execution"]
    if "no_loss" in comp:  # one output trained by no loss (its metrics still tracked)
        i = comp["no_loss"]
        if isinstance(kw["loss"], dict):
            del kw["loss"][heads[i]["name"]]
        else:
            kw["loss"][i] = None
    kw.update(comp.get("run", {}))
    if "exclude_from_weight_decay" in comp and not isinstance(kw["optimizer"], str):
        kw["optimizer"].exclude_from_weight_decay(var_names=comp["exclude_from_weight_decay"])
    model.compile(**{k: v for k, v in kw.items() if k not in drop})


def data(prog: dict, rows: int | None = None, offset: int = 0) -> tuple:
    """(x, y, sample_weight) of the program: `rows` rows (all by default), a stream
    `offset` apart for validation data."""
    m, n = prog["model"], rows or prog["n"]
    rng = np.random.default_rng(prog["seed"] * 7 + offset)
    shape = (5, 2) if m["arch"] == "conv" else (4,)
    x = rng.normal(size=(n, *shape)).astype("float32")
    ys = []
    for h in m["heads"]:
        u = h["units"]
        if h["task"] == "regression":
            y = rng.uniform(0.2, 2.0, (n, u)).astype("float32")
        elif h["task"] == "binary":
            y = rng.integers(0, 2, (n, u)).astype("float32")
        elif h["task"] == "categorical":
            y = np.eye(u, dtype="float32")[rng.integers(0, u, n)]
        else:
            y = rng.integers(0, u, (n, 1) if h["sparse_2d"] else n)
        ys.append(y[:, 0] if h["rank1_y"] else y)
    sw = rng.uniform(0.2, 2.0, n).astype("float32")
    if len(ys) == 1:
        return x, ys[0], sw
    if prog["compile"]["form"] != "dict":
        return x, ys, sw
    # (Keras crashes on one weight array for dict targets: KeyError 0, see the docstring)
    names = [h["name"] for h in m["heads"]]
    return x, dict(zip(names, ys)), dict(zip(names, [sw, sw[::-1].copy()]))


def _jsonable(value):
    """Plain JSON of a result: numbers rounded, arrays as lists."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, str)):
        return value
    try:
        a = np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        return repr(value)
    return a.round(7).tolist()


def _error(e: Exception) -> dict:
    """The built-in classes of `e` (numkeras's errors subclass Keras's), then its message."""
    return {"error": error_text(e)}


def attempt(record: dict, key: str, fn) -> bool:
    try:
        record[key] = _jsonable(fn())
        return True
    except Exception as e:  # noqa: BLE001 - an error is a result to compare too
        record[key] = _error(e)
        if os.environ.get("FUZZ_TRACE"):  # (for triage)
            traceback.print_exc()
        return False


def _batches(arrays: tuple, size: int) -> list:
    """(x, y[, sample_weight]) batches of `size` rows (dicts and lists sliced alike)."""

    def cut(v, s):
        if isinstance(v, dict):
            return {k: a[s] for k, a in v.items()}
        return [a[s] for a in v] if isinstance(v, list) else v[s]

    arrays = [a for a in arrays if a is not None]
    rows = len(arrays[0])
    return [tuple(cut(a, slice(i, i + size)) for a in arrays) for i in range(0, rows, size)]


def _stream(K, form: str, batches: list):
    """A PyDataset, an endless generator or a one-pass generator of `batches`."""
    if form == "pydataset":

        class Batches(K.utils.PyDataset):
            def __len__(self):
                return len(batches)

            def __getitem__(self, i):
                return batches[i]

        return Batches()
    if form == "generator":

        def endless():
            while True:
                yield from batches

        return endless()
    return iter(b for b in batches)  # (a generator expression: a generator)


def _feed(K, form: str, x, y, sw, size: int) -> dict:
    """x / y / sample_weight as `form` says: arrays, x as a dict or a one-item list, or a
    stream of (x, y[, sample_weight]) batches of `size` rows as x."""
    if form in STREAMS:
        return {"x": _stream(K, form, _batches((x, y, sw), size))}
    x = {"x": x} if form == "dict_x" else [x] if form == "list_x" else x
    given = {"y": y, "sample_weight": sw}
    return {"x": x, **{k: v for k, v in given.items() if v is not None}}


def _fit(K, model, prog: dict, kw: dict):
    kw = dict(kw)
    x, y, sw = data(prog)
    form = kw.pop("data", "arrays")
    sw = sw if kw.pop("sample_weight", False) else None
    sw, y = _column(sw, kw.pop("sw_column", False)), [y] if kw.pop("list_y", False) else y
    if "class_weight" in kw:
        kw["class_weight"] = {int(k): v for k, v in kw["class_weight"].items()}
    size = kw.pop("batch_size", 32) if form in STREAMS else kw.get("batch_size", 32)
    if form == "generator" and "steps_per_epoch" not in kw:
        kw["steps_per_epoch"] = math.ceil(len(x) / size)
    if kw.pop("class_weight_numpy", False):
        kw["class_weight"] = {np.int64(k): np.float32(v) for k, v in kw["class_weight"].items()}
    folder = tempfile.mkdtemp()  # (ModelCheckpoint's files)
    if "callbacks" in kw:
        kw["callbacks"] = [_callback(K, c, folder) for c in kw["callbacks"]]
    events, csv = [], kw.pop("csv", False)
    if csv:
        kw.setdefault("callbacks", []).append(K.callbacks.CSVLogger(f"{folder}/log.csv"))
    if kw.pop("logs", False):
        kw.setdefault("callbacks", []).append(_logs_recorder(K, events))
    val, vform = kw.get("validation_data"), kw.pop("validation_form", "tuple")
    if val:
        xv, yv, swv = data(prog, 5, offset=1)
        swv = swv if val == "data_sw" else None
        if vform in STREAMS:
            vsize = kw.pop("validation_batch_size", 32)
            if vform == "generator" and "validation_steps" not in kw:
                kw["validation_steps"] = math.ceil(5 / vsize)
            kw["validation_data"] = _stream(K, vform, _batches((xv, yv, swv), vsize))
        else:
            val = (xv, yv) if swv is None else (xv, yv, swv)
            kw["validation_data"] = list(val) if vform == "list" else val
    params = kw.pop("params", False)
    history = model.fit(verbose=0, **_feed(K, form, x, y, sw, size), **kw)
    if params:
        out = {"history": history.history, "epoch": history.epoch, "params": history.params}
        if events:
            out["logs"] = events
        if csv:
            out["csv"] = _csv_rows(f"{folder}/log.csv")
            os.remove(f"{folder}/log.csv")
        if os.listdir(folder):
            out["files"] = sorted(os.listdir(folder))
        return out
    return history.history


def _logged_value(v):
    """A logged number, or a metric's values (F1Score(average=None): one per class)."""
    a = np.asarray(v, dtype="float64")
    return float(a) if a.ndim == 0 else a.round(7).tolist()


def _logs_recorder(K, events: list):
    """A callback keeping the logs each train batch and epoch end gets."""

    def logged(logs):
        return {k: _logged_value(v) for k, v in sorted((logs or {}).items())}

    class Logs(K.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            events.append(["batch", batch, logged(logs)])

        def on_epoch_end(self, epoch, logs=None):
            events.append(["epoch", epoch, logged(logs)])

    return Logs()


def _csv_rows(path: str) -> list:
    """A CSVLogger file as its header and rows of numbers."""

    def number(v: str):
        if v in ("", "NA"):  # (a value an epoch did not log)
            return None
        try:
            return float(v)
        except ValueError:  # (an array's values, "[0.5, 0.25]")
            return [float(a) for a in v.strip("[]").replace(",", " ").split()]

    with open(path, newline="") as f:
        rows = [row for row in csv.reader(f) if row]
    return [rows[0], *([number(v) for v in row] for row in rows[1:])]


def _eval_recorder(K, events: list):
    """A callback keeping the logs each evaluate / predict batch and end gets (predict's
    outputs as their shapes)."""

    def logged(logs):
        out = {}
        for k, v in sorted((logs or {}).items()):
            shapes = [list(np.shape(a)) for a in K.tree.flatten(v)] if k == "outputs" else None
            out[k] = shapes if shapes is not None else _logged_value(v)
        return out

    class Logs(K.callbacks.Callback):
        def on_test_batch_end(self, batch, logs=None):
            events.append(["test_batch", batch, logged(logs)])

        def on_test_end(self, logs=None):
            events.append(["test_end", logged(logs)])

        def on_predict_batch_end(self, batch, logs=None):
            events.append(["predict_batch", batch, logged(logs)])

        def on_predict_end(self, logs=None):
            events.append(["predict_end", logged(logs)])

    return Logs()


def form_of(kw: dict) -> str:
    return kw.get("data", "arrays")


def _column(sw, column: bool):
    """Sample weights as a column, (n, 1) (dicts of them too), when `column`."""
    if not column or sw is None:
        return sw
    if isinstance(sw, dict):
        return {k: v[:, None] for k, v in sw.items()}
    return sw[:, None]


def _stop_at(K, batch: int, epoch: int):
    """A callback setting `model.stop_training` at the end of one train batch."""

    class StopAt(K.callbacks.Callback):
        def on_epoch_begin(self, e, logs=None):
            self.epoch = e

        def on_train_batch_end(self, b, logs=None):
            if b == batch and self.epoch >= epoch:
                self.model.stop_training = True

    return StopAt()


def _callback(K, spec: dict, folder: str = ""):
    cfg = dict(spec["config"])
    if spec["class"] == "StopAt":
        return _stop_at(K, **cfg)
    if spec["class"] == "LearningRateScheduler":
        cfg["schedule"] = _SCHEDULE_FNS[cfg["schedule"]]
    if spec["class"] == "ModelCheckpoint":
        cfg["filepath"] = os.path.join(folder, "w-{epoch:02d}.weights.h5")
    return getattr(K.callbacks, spec["class"])(**cfg)


def run_op(K, model, prog: dict, op: dict):
    kw = dict(op["kw"])
    x, y, sw = data(prog)
    if op["op"] == "fit":
        return _fit(K, model, prog, kw)
    if op["op"] == "recompile":  # (a fresh optimizer; Keras keeps what is not given)
        return compile_model(K, model, prog, drop=kw["drop"])
    if op["op"] == "freeze":  # a layer's flag flipped, then compile again
        layer = model if kw["layer"] == "*model*" else model.get_layer(kw["layer"])
        layer.trainable = kw.get("trainable", False)
        compile_model(K, model, prog)
        return [len(model.trainable_weights), len(model.non_trainable_weights)]
    if op["op"] == "learning_rate":
        return float(np.asarray(model.optimizer.learning_rate))
    if op["op"] == "set_learning_rate":  # (a schedule's rate cannot be set: TypeError)
        model.optimizer.learning_rate = kw["value"]
        return float(np.asarray(model.optimizer.learning_rate))
    if op["op"] == "metrics_result":
        return model.get_metrics_result()
    if op["op"] == "reset_metrics":
        model.reset_metrics()
        return model.get_metrics_result()
    if op["op"] == "predict_on_batch":
        rows = kw["rows"]
        return model.predict_on_batch({"x": x[:rows]} if form_of(kw) == "dict_x" else x[:rows])
    form = kw.pop("data", "arrays")
    if op["op"] in ("evaluate", "predict") and kw.pop("batch_logs", False):
        events = []
        kw["callbacks"] = [_eval_recorder(K, events)]
        result = run_op(K, model, prog, {"op": op["op"], "kw": {**kw, "data": form}})
        return {"result": result, "logs": events}
    if op["op"] in ("evaluate", "predict"):
        sw = sw if kw.pop("sample_weight", False) else None
        sw, y = _column(sw, kw.pop("sw_column", False)), [y] if kw.pop("list_y", False) else y
        size = kw.pop("batch_size", 32) if form in STREAMS else kw.get("batch_size", 32)
        if form == "generator" and "steps" not in kw:
            kw["steps"] = math.ceil(len(x) / size)
        if op["op"] == "predict":
            return model.predict(**_feed(K, form, x, None, None, size), verbose=0, **kw)
        return model.evaluate(**_feed(K, form, x, y, sw, size), verbose=0, **kw)
    rows = kw.pop("rows")
    sl = lambda v: {k: a[:rows] for k, a in v.items()} if isinstance(v, dict) else (  # noqa: E731
        [a[:rows] for a in v] if isinstance(v, list) else v[:rows])  # fmt: skip
    if kw.pop("sample_weight"):
        kw["sample_weight"] = _column(sl(sw), kw.pop("sw_column", False))
    if kw.pop("class_weight", False):
        kw["class_weight"] = {0: 2.0, 1: 0.5, 2: 1.0}
    fn = model.train_on_batch if op["op"] == "train_on_batch" else model.test_on_batch
    return fn({"x": x[:rows]} if form == "dict_x" else x[:rows], sl(y), **kw)


def _optimizer_state(opt) -> list:
    return [
        [v.path, list(v.shape), np.asarray(v, dtype="float64").round(6).tolist()]
        for v in opt.variables
    ]


def run_program(K, prog: dict, weights_file: str, keras: bool) -> dict:
    rec = {}
    K.utils.clear_session()
    try:
        model = build(K, prog)
    except Exception as e:  # noqa: BLE001
        return {"build": _error(e)}
    rec["build"] = "ok"
    if keras:  # Keras's initial weights, nudged so that biases and BN statistics are not 0 / 1
        rng = np.random.default_rng(prog["seed"])
        weights = [w + 0.3 * rng.normal(size=w.shape).astype(w.dtype) for w in model.get_weights()]
        if prog["model"]["bn"]:  # (a positive moving variance)
            weights[-2 * len(prog["model"]["heads"]) - 1] = np.abs(
                weights[-2 * len(prog["model"]["heads"]) - 1]
            )
        model.set_weights(weights)
        model.save_weights(weights_file)
    else:
        attempt(rec, "load_weights", lambda: model.load_weights(weights_file))
    if not attempt(rec, "compile", lambda: compile_model(K, model, prog)):
        return rec
    rec["ops"] = []
    for op in prog["ops"]:
        row = {}
        attempt(row, "result", lambda op=op: run_op(K, model, prog, op))
        rec["ops"].append(row)
    attempt(rec, "weights", model.get_weights)
    opt = model.optimizer
    attempt(rec, "iterations", lambda: int(opt.iterations))
    attempt(rec, "optimizer_variables", lambda: _optimizer_state(opt))
    attempt(rec, "optimizer_config", opt.get_config)
    attempt(rec, "metrics_names", lambda: list(model.metrics_names))
    return rec


def run(library: str, seed: int, count: int, out_dir: str) -> None:
    K = importlib.import_module(library)
    os.makedirs(f"{out_dir}/weights", exist_ok=True)
    records = {}
    for i in range(count):
        prog = program(seed * 100_000 + i)
        records[i] = run_program(K, prog, f"{out_dir}/weights/{i}.weights.h5", library == "keras")
        results = [o["result"] for o in records[i].get("ops", [])]
        errors = [o["error"][:70] for o in results if isinstance(o, dict) and "error" in o]
        print(i, records[i].get("compile", records[i]["build"]), errors, flush=True)
    with open(f"{out_dir}/{library}.json", "w") as f:
        json.dump(records, f)


# -- comparing --------------------------------------------------------------------------
def _diff(want, got, rtol, atol) -> str | None:
    """Where `got` differs from `want` (nested JSON, numbers compared with tolerances)."""
    if isinstance(want, dict) and any(c in want.get("error", "") for c in KERAS_CRASHES):
        return None
    if isinstance(want, dict) and "error" in want:
        if not isinstance(got, dict) or "error" not in got:
            return f"{want['error']}\n      vs {str(got)[:300]}"
        ok = _same_error(want["error"], got["error"])
        return None if ok else f"{want['error']}\n      vs {got['error']}"
    if isinstance(got, dict) and "error" in got:
        return f"{str(want)[:200]}\n      vs {got['error']}"
    if isinstance(want, list) and isinstance(got, list):
        try:
            a, b = np.asarray(want, dtype=float), np.asarray(got, dtype=float)
        except (ValueError, TypeError):
            a = b = None
        if a is not None:
            if a.shape != b.shape:
                return f"shape {a.shape} vs {b.shape}"
            if not np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True):
                diff = np.nanmax(np.abs(a - b))
                return f"max diff {diff:.3g}: {str(want)[:150]} vs {str(got)[:150]}"
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
        for k in want:
            if (d := _diff(want[k], got[k], rtol, atol)) is not None:
                return f"{k}: {d}"
        return None
    if isinstance(want, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
        if math.isnan(want) and math.isnan(got):
            return None
        return None if math.isclose(want, got, rel_tol=rtol, abs_tol=atol) else f"{want} vs {got}"
    return None if want == got else f"{want!r}\n      vs {got!r}"


BROADCASTING = ("hinge", "kl", "poisson")  # Keras's metrics that broadcast (n,) by (n, 1)


def _skip_keys(prog: dict) -> set:
    """Logged names not compared (documented differences, Keras bugs: see the docstring),
    and "*lists*" where evaluate's or *_on_batch's lists are not compared at all."""
    skip = set()
    comp = prog["compile"]  # (weighted_metrics are drawn for the first head, _1 the second)
    weighted = [comp.get("weighted_metrics", []), comp.get("weighted_metrics_1", [])]
    for h, wm in zip(prog["model"]["heads"], weighted):
        if h["task"] == "binary" and h["logits"]:
            for m in ("accuracy", "acc"):
                skip |= {m, f"{h['name']}_{m}"}
        specs = [json.dumps(m).lower() for m in h["metrics"]]
        broadcasting = specs + [json.dumps(m).lower() for m in wm]
        if h["rank1_y"] and any(b in m for m in broadcasting for b in BROADCASTING):
            skip.add("*broadcast*")
        weighted_specs = {json.dumps(m).lower() for m in wm}
        if len(set(specs)) < len(specs) or weighted_specs & set(specs):
            skip.add("*lists*")  # Keras lists a shared name's value twice
    if "*broadcast*" in skip:
        skip.add("*lists*")
    return skip | {f"val_{k}" for k in skip}


def _drop(value, skip: set):
    if isinstance(value, dict) and "params" in value and "history" in value:  # fit's
        logs = [[*e[:2], _drop(e[2], skip)] for e in value.get("logs", [])]
        out = {
            **value,
            "history": _drop(value["history"], skip),
            **({"logs": logs} if logs else {}),
        }
        if "csv" in value:  # (the columns of names not compared)
            keep = [j for j, k in enumerate(value["csv"][0]) if _drop({k: 0}, skip)]
            out["csv"] = [[row[j] for j in keep] for row in value["csv"]]
        return out
    if isinstance(value, dict) and set(value) == {"result", "logs"}:  # evaluate's, recorded
        logs = [[*e[:-1], _drop(e[-1], skip)] for e in value["logs"]]
        return {"result": _drop(value["result"], skip), "logs": logs}
    if isinstance(value, dict):
        broadcast = "*broadcast*" in skip
        return {
            k: v
            for k, v in value.items()
            if k not in skip and not (broadcast and any(b in k for b in BROADCASTING))
        }
    if isinstance(value, list) and "*lists*" in skip:
        return None
    return value


def _distinct(values: list) -> list:
    """The sorted numbers, each within rounding of the one before left out."""
    out, arrays = [], []
    for v in sorted(v for v in values if not isinstance(v, list)):
        if not out or not math.isclose(v, out[-1], rel_tol=1e-5, abs_tol=1e-7):
            out.append(v)
    for v in (v for v in values if isinstance(v, list)):  # (a metric of many thresholds)
        if not any(np.shape(v) == np.shape(a) and np.allclose(v, a, 1e-5, 1e-7) for a in arrays):
            arrays.append(v)
    return out + sorted(arrays, key=lambda a: np.ravel(a).tolist())


def _drop_noise(key: str, value):
    """`weights` or `optimizer_variables` without the hidden layer's bias (the one before
    BatchNormalization) and its slots."""
    if not isinstance(value, list):
        return value
    if key == "weights":
        return [w for i, w in enumerate(value) if i != 1]
    return [v[:2] if "bias" in v[0] and ("hidden" in v[0] or "conv" in v[0]) else v for v in value]


HALF_BUILT = ("iterations", "optimizer_variables")


def _class_weights_refused(prog: dict, j: int, want, got) -> bool:
    """Whether op `j` is a fit / train_on_batch with class weights beside several outputs
    that both refused: numkeras with fit's ValueError; Keras with that ValueError for
    arrays, else crashing as it converts the list of targets to one array (TypeError,
    IndexError from a PyDataset, or ValueError where the outputs' shapes differ)."""
    op = prog["ops"][j]
    return (
        op["op"] in ("fit", "train_on_batch")
        and bool(op["kw"].get("class_weight"))
        and len(prog["model"]["heads"]) > 1
        and all(isinstance(r, dict) and "error" in r for r in (want, got))
    )


def _failed_first_training(prog: dict, record: dict) -> bool:
    """Whether the program's first fit / train_on_batch failed in `record`."""
    for op, row in zip(prog["ops"], record.get("ops", [])):
        if op["op"] in ("fit", "train_on_batch"):
            return isinstance(row["result"], dict) and "error" in row["result"]
    return False


def compare(out_dir: str, seed: int = 0) -> int:
    keras, ours = load_records(out_dir)
    bad = 0
    for i, want in keras.items():
        got = ours.get(i, {})
        prog = program(seed * 100_000 + int(i))
        skip = _skip_keys(prog)
        loose = prog["model"]["bn"]  # (rounding noise through Adam: see the docstring)
        tol = (5e-2, 5e-3) if loose else (2e-3, 2e-4)
        problems, crashed = [], False
        # (Keras's optimizer after a failed first fit / train_on_batch: see the docstring)
        half_built = _failed_first_training(prog, want)
        # (with EMA, Keras on JAX then zeroes the weights: nothing after is compared)
        ema_lost = half_built and '"use_ema": true' in json.dumps(prog["compile"])
        for key in want:
            if key == "metrics_names" or (half_built and key in HALF_BUILT):
                continue
            if key == "optimizer_variables" and "nan" in str(want.get("weights")).lower():
                continue  # (slots of NaN weights: which hold NaN depends on each op's slope)
            if crashed:
                break
            if key == "ops":
                for j, (w, g) in enumerate(zip(want["ops"], got.get("ops", []))):
                    w, g = w["result"], g["result"]
                    if prog["ops"][j]["op"] == "predict" and loose:
                        continue  # (through the noisy bias and the moving mean)
                    if prog["ops"][j]["op"] != "predict":  # (predictions: all compared)
                        w, g = _drop(w, skip), _drop(g, skip)
                    if any(c in str(w) for c in KERAS_CRASHES):
                        crashed = True  # (Keras's state after it is not numkeras's)
                        break
                    if _class_weights_refused(prog, j, w, g):
                        continue  # (Keras crashes converting the targets: the docstring)
                    failed = isinstance(w, dict) and "error" in w
                    if half_built and failed and not (isinstance(g, dict) and "error" in g):
                        crashed = True  # (a later op failing on Keras's half-built state)
                        break
                    if prog["ops"][j]["op"] in ("metrics_result", "reset_metrics") and any(
                        isinstance(r["result"], dict) and "error" in r["result"]
                        for r in want["ops"][:j]
                    ):
                        continue  # (Keras built the metrics before a failed step: not we)
                    crashed = ema_lost and failed
                    if isinstance(w, list) and isinstance(g, list) and len(w) > len(g):
                        # two metrics of one name: Keras lists the first's value twice
                        w, g = _distinct(w), _distinct(g)
                    if (d := _diff(w, g, *tol)) is not None:
                        problems.append(f"op {j} {prog['ops'][j]['op']}: {d}")
                    if crashed:
                        break
                if len(want["ops"]) != len(got.get("ops", [])):
                    problems.append("ops: not all ran")
            elif key in ("weights", "optimizer_variables") and loose:
                # the bias before BatchNormalization and its slots: rounding noise
                w = _drop_noise(key, want[key])
                if (d := _diff(w, _drop_noise(key, got.get(key)), *tol)) is not None:
                    problems.append(f"{key}: {d}")
            elif key == "optimizer_config":
                w, g = want[key], got.get(key)
                if '"fn":' in json.dumps(prog["compile"]) and isinstance(g, dict):
                    # (a rate function: Keras serializes its bytecode, numkeras its value)
                    w, g = {**w, "learning_rate": None}, {**g, "learning_rate": None}
                if (d := _diff(w, g, 1e-6, 1e-9)) is not None:
                    problems.append(f"{key}: {d}")
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
    elif command == "one":  # one LIBRARY SEED INDEX OUT_DIR: its record, with tracebacks
        os.environ["FUZZ_TRACE"] = "1"
        K, i = importlib.import_module(args[0]), int(args[2])
        prog = program(int(args[1]) * 100_000 + i)
        path = f"{args[3]}/weights/{i}.weights.h5"
        print(json.dumps(run_program(K, prog, path, args[0] == "keras"))[:3000])
    elif command == "compare":  # compare OUT_DIR [SEED]
        sys.exit(1 if compare(args[0], int(args[1]) if len(args) > 1 else 0) else 0)
    else:  # show SEED INDEX
        print(json.dumps(program(int(args[0]) * 100_000 + int(args[1])), indent=1))
