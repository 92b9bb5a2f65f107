"""Differential fuzzing of misuse: a seed draws a small random model (fuzz_models.py's
programs: Sequential or functional, 1-2 inputs, 1-2 outputs, Dense / Conv / RNN /
Embedding / ...), sometimes left unbuilt (a Sequential without an Input), compiled or not,
sometimes trained one step, and then one random MISUSE: data of a wrong shape, rank,
count or dtype to predict / fit / evaluate / train_on_batch / test_on_batch /
predict_on_batch / __call__, mismatched targets or sample weights, bad batch_size /
steps / epochs / validation_split / validation_data values, training before compile, a
loss that does not fit the targets, set_weights with wrong shapes or counts,
load_weights of another model's file; from seed 2 on also predict(x, y), class_weight
for several outputs, a sample_weight dict naming no output, compile(loss=None), tuples
and dicts of inputs, text weights; from seed 5 on a layer called on data of another size
or given weights of another shape, build() for another shape, bad compile() arguments,
get_layer of a missing name; from seed 20 on (the fourth menu) NaN / inf data, ragged
lists, nested lists, a callback raising in fit (the iterations and weights after it are
compared), load_weights of an edited file (a layer's group deleted, a weight of another
shape, an extra layer), compile with unknown names (then a call that meets them), steps
past the data, add() of a layer that does not fit or of a second Input, pop() of an
emptied Sequential, save / save_weights to a bad path (a bad extension, a missing folder,
a folder that is a file, /proc: whether the file exists after is compared), validation
sample weights of another shape, a class_weight missing classes or with odd keys; from
seed 25 on also sample_weight with class_weight, fit with no epochs to run, an unbuilt
model's summary / weights / shapes, load_model of a weights file, load_weights of
another model's .keras file. It runs in real Keras 3 and in numkeras, in
separate processes, and the two records are compared:

1. whether the misuse raised at all (else a summary of what it returned, compared too);
2. the built-in exception class: numkeras's error must be an instance of the one Keras
   raised (ValueError vs TypeError matters).

numkeras's record also holds, when the misuse raised:

3. `atomic`: what the failed call changed, which must be nothing: the weights, the
   optimizer's iterations and variables, `built`, the compiled loss and optimizer, the
   layers, and then a valid predict (and evaluate, when compiled) must give what they
   gave before the misuse, and a valid train_on_batch must still work;
4. `message`: a shape error must name the shape it received and the expected template
   with its batch axis (`(batch, 4)`), and for a transposed input or a lone sample the
   fix (`x.T`, `x[None]`).

    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python /work/main/scripts/fuzz/fuzz_errors.py \
        run keras 0 200 /tmp/fuzze          # writes /tmp/fuzze/keras.json
    python scripts/fuzz/fuzz_errors.py run numkeras 0 200 /tmp/fuzze
    python scripts/fuzz/fuzz_errors.py compare /tmp/fuzze 0   # one block per divergence
    python scripts/fuzz/fuzz_errors.py one numkeras 0 17 /tmp/fuzze  # with tracebacks
    python scripts/fuzz/fuzz_errors.py show 0 17              # program 17 of seed 0

Seeds 0-7 (100 programs each) and 1000 (60, fuzz_models.py's extended menu) agree, but
for one case left to numkeras/models/model.py (inputs of different row counts to a
direct call or predict_on_batch: a ValueError only, Keras's JAX concatenate raises
TypeError), after the fixes in tests/trainers/test_fuzz_errors.py
(goldens: scripts/goldens/make_fuzz_errors.py): a refused fit / evaluate / *_on_batch
built the optimizer's slots, and, for a model without an Input, built the model (an
uncompiled one, x and y of other lengths, text targets, a bad steps); a number as
train_on_batch's sample_weight was refused (Keras weighs every row by it); text sample
weights were parsed as numbers; a sample_weight dict naming no output was ignored;
Flatten and the recurrent layers failed on 0 rows; sample weights that do not line up
with per-timestep losses were a ValueError only (Keras: JAX's TypeError); predict(x, y)
failed with NumPy's "truth value of an array"; swapped sample axes got a reshape (which
mixes values up) instead of a transpose; a built recurrent layer called on another
number of features was a ValueError only (Keras: JAX's TypeError).

Seeds 20-28 (60 programs each) agree after the fixes in tests/trainers/test_fuzz_errors_2.py
(goldens: scripts/goldens/make_fuzz_errors_2.py): save / save_weights into a missing
folder created it (Keras 3: FileNotFoundError), and into a path whose folder is a file
raised FileExistsError (Keras 3: NotADirectoryError). Left: validation_data whose sample
weights do not fit the losses' shape ((n, 7) for per-sample losses) fail after the first
epoch trained, in both libraries (numkeras checks their rows before training, not their
shape against the losses), so that fit leaves the model trained one epoch.

The fourth menu's seeds-25-on kinds (FOURTH_MORE) never ran before seed 29: do_misuse sent
them to the bad-validation branch (a KeyError in both libraries). From seed 35 on a fifth
menu draws half the misuses: an optimizer another model built, loss / optimizer /
metric / callback classes where instances go, fit / evaluate without targets or inputs,
get_layer of an index out of range, a Model whose outputs do not come from its inputs,
the same layer added twice, a generator or PyDataset whose first batch is wrong. Seeds
29-40 (25-30 programs each) agree after the fixes in tests/trainers/test_fuzz_errors_3.py
(goldens: scripts/goldens/make_fuzz_errors_3.py); a metric that fails on the targets (a
metric class, or "mae" on sparse labels), left then, now fails the step before the update,
as in Keras (the trainer records the metrics first). Training a model with an optimizer
another model built (Keras: ValueError; numkeras trains it, adding slots) is the README's
"one optimizer instance can serve several models": a known difference, which compare
skips since seed 41 (seeds 35-40 reported it).

From seed 48 on a sixth menu draws half the misuses: keywords a method does not take
(`predict(x, nope=1)`), compile's `loss_weights` / `weighted_metrics` of the wrong form,
fit / predict arguments the menus above leave out (`validation_steps`, `initial_epoch`
past `epochs`, callbacks that are functions or numbers, `batch_size=[2]`), and
`model_from_json` / `clone_model` of what is not a model. Seeds 41-50 (25 programs each)
agree after the fix in tests/trainers/test_fuzz_errors_4.py (goldens:
scripts/goldens/make_fuzz_errors_4.py): `compile(weighted_metrics="mae")` was taken (and
its letters then looked up as metrics at fit); Keras refuses a string there, as for
`metrics`.

From seed 57 on a seventh menu draws half the misuses: the everyday mistakes the menus
above leave out (x and y swapped, targets transposed, a two-input model's inputs or a
two-output model's targets in the wrong order, transposed validation inputs, a generator
given targets / sample weights / validation_split / batch_size, sparse labels past the
classes or negative, inputs of another dtype, sample weights of shape (1, n), one sample
without its batch axis for x and y). Seeds 51-56 (the sixth menu) and 57-62 (12 programs
each) agree; tests/trainers/test_fuzz_errors_5.py (goldens:
scripts/goldens/make_fuzz_errors_5.py) keeps the seventh menu's error classes, and checks
that evaluate refuses a negative `steps` given a batch_size too (it did only without one)
and that a transposed target's message names the fix.

Seeds 63-74 (12 programs each) agree; five draws met documented differences (README:
targets or sample weights that line up only by broadcasting, sparse labels out of range,
a `loss_weights` dict naming no output), which compare now skips: Keras broadcasts
transposed (n, 4, 1) targets against (n, 1, 4) outputs, (1, n) sample weights in
`*_on_batch`, and a PyDataset batch's 3 sample weights for 2 rows over per-timestep
losses of 3 steps; Keras-JAX scores sparse labels of -1; Keras pairs
`loss_weights={"nope": 1.0}` with the one loss.

Seeds 75-100 (12 programs each) agree; one draw met a documented difference (README: a
functional model takes its declared sizes) that compare now skips: a two-input functional
model given its inputs in the other order, which Keras 3 runs (its trainer and its direct
call check only the ranks) when the layers take the swapped arrays (a Concatenate does).
numkeras refuses them, and since then its error says that the arrays fit the inputs in
another order and how to pass them, which `check_message` requires of every refused
`inputs_swapped` draw (tests/models/test_fuzz_found_s28d.py; goldens:
scripts/goldens/make_fuzz_found_s28d.py).

Seeds 101-140 (101-103: 12 programs; 104 on: Keras ran the first 5 of numkeras's 12, the
machine being loaded) agree. numkeras's messages (all 12 programs a seed read) now
explain themselves where they did not (tests/trainers/test_fuzz_errors_6.py; goldens:
scripts/goldens/make_fuzz_errors_6.py): x and y swapped (the error says so, which
`check_message` requires of every refused `xy_swapped` draw on a model with an Input), an
empty or non-HDF5 `.h5` / `.weights.h5` (h5py's bare "file signature not found"), text
that is no JSON to `model_from_json`, `get_layer()` of neither a name nor an index ("not
both"), a callback class where an instance goes, and a reshape offered for values that
make no whole samples. The atomic check no longer blames a misuse when a model without
an Input fails its valid predict anyway (a fresh model of the program fails it too: a
Softmax given Masking's 2-D mask, in Keras too), nor when Keras built that model on the
misused data as well; Keras's crash on a Sequential's `predict_on_batch([x, y])`
("unsupported operand type(s) for %") joins KERAS_CRASHES.

Seeds 141-180 (Keras ran the first 5 (141-149) or 3 (150 on) of numkeras's 12 programs,
the machine being loaded; numkeras's messages and atomic checks were read for all 12)
agree, but for one left unexamined (seed 159, program 1: Keras's setup fails, a Softmax
given a mask it cannot broadcast; numkeras's runs), after the fixes in
tests/test_errors_found_30.py (goldens: scripts/goldens/make_errors_found_30.py): messages
that did not explain themselves now do (`fit(epochs=None)` or of text: Python's "cannot be
interpreted as an integer"; targets or sample weights transposed into a (1, n) row or (k,
n): "x has 8 samples but y has 1", now with the fix, which `check_message` requires of
every refused `y_transposed` / `sw_transposed` draw that meets the cardinality check;
`fit(epoch=2)` offers `epochs` and lists what fit / predict take; `add()` / `pop()` of a
functional model say they are Sequential's), and a model without an Input is no longer
built by a call refused for fit's validation arguments (`validation_steps=1.5`), for
callbacks that are no callbacks (`callbacks=[3]`, a class, a function), or for a metric
name compile() could not resolve; a PyDataset of text batches to a model without an Input
was NumPy's TypeError ("data type 'string' not understood"), now a ValueError too, as
Keras's, saying that the layer computes with numbers (a 'string' Input into such a layer
is refused when the graph is built; Keras fails on the data). Keras's crash on
`predict([x, y])` of a Sequential without an Input whose first layer is an Embedding
("'list' object has no attribute 'dtype'") joins KERAS_CRASHES. Left (Keras builds too, so
not compared): a model without an Input is built before numkeras refuses sparse labels out
of range or NaN (checked against the built output's classes).

Known differences, not compared (README, tests/test_diff_errors.py's NUMKERAS_RULES):
- Keras-JAX's trainer checks only the rank of a functional model's inputs, so it runs a
  model on inputs of other declared sizes when its layers take them; numkeras checks
  every declared axis (its torch backend and direct calls do too); Keras's direct call
  runs a two-input model's swapped inputs of one rank too).
- Keras warns and uses the first arrays of a list of too many inputs; numkeras refuses
  (also `predict_on_batch(x + x)` and the seventh menu's `[x, y]` for one input).
- A layer that fails on its first call (Activation("threshold")) in a Sequential without
  an Input: Keras wraps the error in "Unable to automatically build"; setup not compared.
- Keras takes a `validation_split` outside (0, 1) (it splits at a negative row count).
- Keras broadcasts targets or sample weights that line up only by broadcasting (a
  scalar target, (n, 5) weights for (n,) losses); numkeras refuses them.
- Keras takes complex inputs (it drops the imaginary part); numkeras refuses them. Its
  direct calls (model(x), *_on_batch) also parse text ('0.5') and read None as NaN.
- Keras reads `steps=0` and `batch_size=0` as "not given"; numkeras refuses them, and
  `compile(steps_per_execution=0)` (Keras's fit then crashes: "range() arg 3 must not be
  zero").
- Keras crashes inside itself (KERAS_CRASHES below); numkeras raises its own error.
- A class_weight for several outputs: Keras's fit raises ValueError, its train_on_batch a
  broadcasting TypeError; numkeras's ValueError in both.
- Keras silently ignores compile(loss=[...]) entries past its outputs, a metrics dict
  key naming no output, and class_weight keys of text ({"0": 2.0}); numkeras refuses them.
- Keras appends an Input added after the layers of a Sequential without one (a broken
  model); numkeras refuses it. Keras's model(x) stacks a tuple of one array into a new
  axis 0; numkeras refuses it. Keras's pop() of the last layer of a Sequential without
  an Input crashes (IndexError) after removing it; numkeras pops it.
- numkeras takes Python (nested) lists wherever arrays go (README); Keras 3 refuses them.
- One optimizer instance trains several models (README, as Keras 2); Keras 3 refuses a
  second model's variables (ValueError).
- (the sixth menu) Keras runs no validation for `validation_steps=-1` (or 1.5) and takes
  any `verbose` ("loud": README), and `predict(steps=-2)` on a model that has run (it
  crashes on one that has not); `model_from_json('{"config": {}}')` returns the dict,
  `clone_model(3)` returns 3 and `clone_model(a_layer)` a layer: numkeras refuses them.
- save_weights("w.h5") writes Keras 2's layout (README); Keras 3 refuses the name.
- A failed add(), load_weights or compile leaves the model as it was in numkeras; Keras
  3 leaves the added layer in place (and the model unbuilt), or the layers it loaded
  before the one that failed.
- Re-compiles here pass the metrics again (both libraries keep the earlier compile's
  metrics when none are given).
"""

from __future__ import annotations

import importlib
import json
import os
import random
import shutil
import sys
import traceback

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuzz_models  # noqa: E402
from fuzz_models import _error as error_text  # noqa: E402
from fuzz_models import _same_error  # noqa: E402

# Keras's own crashes (an internal error where a user error was meant): not compared
KERAS_CRASHES = (
    "'NoneType' object is not callable",
    "tuple index out of range",
    "pop from an empty set",
    "cannot access local variable",
    "Unable to automatically build",
    "StopIteration|",  # (a bad steps value ends its iterator before the first batch)
    "'NoneType' object has no attribute",
    "only 0-dimensional arrays can be converted",  # (class_weight of regression targets)
    "float() argument must be a string or a real number, not 'dict'",
    "object has no attribute 'shape'",  # (a tuple of inputs to a layer's call)
    "'list' object has no attribute 'dtype'",  # ([x, y] to an Embedding of no Input)
    "object has no attribute 'set_model'",  # (a string in callbacks=: README)
    "object has no attribute 'on_",  # (a function or a number in callbacks=)
    "got multiple values for argument",  # (a metric class in metrics=: its update_state)
    "unsupported operand type(s) for %",  # (a Sequential's predict_on_batch of [x, y])
)
SHAPE_MUTATIONS = ("transpose", "no_batch", "extra_axis", "feature", "drop_axis")
X_MUTATIONS = SHAPE_MUTATIONS + (
    "strings", "object_none", "bool", "complex", "extra_input", "missing_input",
    "dict_wrong_keys", "inputs_len", "empty", "scalar",
)  # fmt: skip
Y_MUTATIONS = ("y_len", "y_feature", "y_extra_axis", "y_strings", "y_fewer", "y_more",
               "y_dict_wrong_keys", "y_none", "y_rank0")  # fmt: skip
SW_MUTATIONS = ("sw_len", "sw_2d", "sw_strings", "sw_scalar")
ARGS = {
    "predict": {"batch_size": [0, -1, 2.5, "2"], "steps": [0, -1, 1.5, "1"]},
    "evaluate": {"batch_size": [0, -1, 2.5], "steps": [0, -1, 1.5]},
    "fit": {
        "batch_size": [0, -1, 2.5, "2"],
        "epochs": [-1, 1.5, "2"],
        "steps_per_epoch": [0, -1, 1.5],
        "validation_split": [1.5, -0.1, 1.0],
        "validation_batch_size": [0, 2.5],
        "initial_epoch": [-1, 1.5],
        "shuffle": ["yes"],
        "class_weight": [{"a": 1.0}, [1.0, 2.0]],
    },
}
CALLS = ["predict", "evaluate", "fit", "train_on_batch", "test_on_batch", "predict_on_batch",
         "call"]  # fmt: skip
TRAINING_CALLS = ["evaluate", "fit", "train_on_batch", "test_on_batch"]


# -- a program -------------------------------------------------------------------------
def draw_misuse(r: random.Random, model: dict, compiled: bool) -> dict:
    n_in, n_out = len(model["inputs"]), len(model["outputs"])
    kinds = ["x"] * 5 + ["y", "y", "sw", "arg", "arg", "set_weights", "load_weights"]
    kinds += ["uncompiled"] * (not compiled) + ["wrong_loss"] * compiled + ["validation"]
    kind = r.choice(kinds)
    if kind == "x":
        op = r.choice(CALLS if compiled else ["predict", "predict_on_batch", "call"])
        m = r.choice(X_MUTATIONS)
        return {"kind": kind, "op": op, "mutate": m, "input": r.randrange(n_in)}
    if kind in ("y", "sw"):
        op = r.choice(TRAINING_CALLS if compiled else ["fit"])
        m = r.choice(Y_MUTATIONS if kind == "y" else SW_MUTATIONS)
        if m in ("y_fewer", "y_dict_wrong_keys") and n_out == 1 and r.random() < 0.5:
            m = "y_more"
        return {"kind": kind, "op": op, "mutate": m}
    if kind == "arg":
        op = r.choice(list(ARGS) if compiled else ["predict"])
        name = r.choice(list(ARGS[op]))
        return {"kind": kind, "op": op, "arg": name, "value": r.choice(ARGS[op][name])}
    if kind == "uncompiled":
        return {"kind": kind, "op": r.choice(TRAINING_CALLS)}
    if kind == "wrong_loss":
        loss = r.choice(["sparse_categorical_crossentropy", "categorical_crossentropy",
                         "binary_crossentropy", "categorical_hinge", "kl_divergence"])  # fmt: skip
        return {"kind": kind, "op": r.choice(TRAINING_CALLS), "loss": loss}
    if kind == "set_weights":
        m = r.choice(["fewer", "more", "shape", "transposed", "scalar", "none"])
        return {"kind": kind, "op": "set_weights", "mutate": m}
    if kind == "load_weights":
        m = r.choice(["other_model", "other_model", "missing", "suffix"])
        return {"kind": kind, "op": "load_weights", "mutate": m}
    m = r.choice(["x_shape", "y_len", "tuple_4", "tuple_1", "strings", "not_tuple"])
    return {"kind": "validation", "op": "fit" if compiled else "predict", "mutate": m}


EXTRA = ["predict_with_y", "class_weight_multi", "sw_dict_wrong_key", "no_loss",
         "tuple_inputs", "x_dict_of_one", "y_dict_of_one", "set_weights_strings"]  # fmt: skip


THIRD = ["layer_call_wrong", "layer_set_weights_wrong", "build_wrong", "compile_bad",
         "get_layer_missing"]  # fmt: skip


def third_misuse(K, model, mis: dict):
    """The third menu (seeds 5 on): a layer of the model called on data of another size
    or given weights of another shape, build() for another shape, a bad compile()
    argument, get_layer of a name the model lacks."""
    kind, v = mis["kind"], mis["variant"]
    weighted = [la for la in model.layers if la.weights] or model.layers
    layer = weighted[v % len(weighted)]
    if kind == "layer_call_wrong":
        shape = tuple(layer.input.shape) if hasattr(layer, "input") else (None, 3)
        bad = (2, *[(d or 3) + 1 for d in shape[1:]]) if v % 2 else (2,)
        return layer(np.ones(bad, "float32"))
    if kind == "layer_set_weights_wrong":
        weights = layer.get_weights()
        return layer.set_weights([np.zeros(np.shape(w) + (2,), "float32") for w in weights] or
                                 [np.zeros(3, "float32")])  # fmt: skip
    if kind == "build_wrong":
        return model.build((None, 7, 7, 7, 7)[: 2 + v])
    if kind == "compile_bad":
        bad = [{"optimizer": "nope"}, {"metrics": "accuracy"}, {"loss_weights": "heavy"},
               {"steps_per_execution": 0}][v]  # fmt: skip
        return model.compile(**{"optimizer": "sgd", "loss": "mse", **bad})
    return model.get_layer(["nope", None, "input_layer_9", "dense_99"][v])


FOURTH = ["nan_input", "ragged", "callback_raise", "load_weights_edited", "compile_unknown",
          "steps_over", "add_misfit", "pop_empty", "save_bad", "validation_sw",
          "class_weight_partial", "x_nested_lists"]  # fmt: skip
# (seeds 25 on: also both weights, no epochs, an unbuilt model's API, load_model of a
# weights file, load_weights of another model's .keras file)
FOURTH_MORE = ["both_weights", "no_epochs", "unbuilt_api", "load_model_weights_file",
               "load_keras_other"]  # fmt: skip
# (what each needs: a compiled model, a built one, a Sequential, a classifier)
NEEDS_COMPILED = {"callback_raise", "validation_sw", "class_weight_partial", "both_weights",
                  "no_epochs"}  # fmt: skip
NEEDS_BUILT = {"load_weights_edited", "callback_raise", "validation_sw", "class_weight_partial",
               "load_keras_other"}  # fmt: skip


def draw_fourth_misuse(
    r: random.Random, model: dict, compiled: bool, deferred: bool, more: bool = False
) -> dict:
    """The fourth menu (seeds 20 on): NaN data, ragged lists, a callback that raises in
    fit, load_weights of an edited file (a layer missing, a weight of another shape),
    compile with unknown names, steps past the data, add() of a layer that does not fit,
    pop() of an emptied Sequential, save() to a bad path, validation sample weights of
    another length, a class_weight missing classes, nested lists as inputs."""
    kinds = [k for k in FOURTH + FOURTH_MORE * more if (compiled or k not in NEEDS_COMPILED)
             and (not deferred or k not in NEEDS_BUILT)
             and (model["loss"] == "sparse" or k not in ("class_weight_partial", "both_weights"))
             and (deferred or k != "unbuilt_api")]  # fmt: skip
    kind = r.choice(kinds)
    op = r.choice(CALLS if compiled else ["predict", "predict_on_batch", "call"])
    if kind in ("callback_raise", "validation_sw", "class_weight_partial", "both_weights",
                "no_epochs"):  # fmt: skip
        op = "fit"
    elif kind in ("compile_unknown", "steps_over"):
        op = r.choice(["fit", "evaluate", "predict", "train_on_batch"])
    return {"kind": kind, "op": op, "variant": r.randrange(6)}


class Boom(RuntimeError):
    """The error of a callback that raises inside fit."""


def _raising_callback(K, where: int):
    hook = ["on_train_begin", "on_epoch_begin", "on_train_batch_begin",
            "on_train_batch_end", "on_epoch_end", "on_test_begin"][where]  # fmt: skip

    class Raising(K.callbacks.Callback):
        def __getattribute__(self, name):
            if name == hook:

                def boom(*args, **kwargs):
                    raise Boom(hook)

                return boom
            return super().__getattribute__(name)

    return Raising()


def _edit_weights_file(path: str, variant: int) -> None:
    """Deletes one layer's weights from a .weights.h5 file, or gives one weight another
    shape, or adds an entry for a layer the model lacks."""
    import h5py

    with h5py.File(path, "r+") as f:
        datasets = []
        f.visititems(lambda name, obj: datasets.append(name) if isinstance(obj, h5py.Dataset)
                     else None)  # fmt: skip
        if not datasets or variant % 3 == 2:
            f.create_group("layers/nope_99/vars").create_dataset("0", data=np.ones(3))
            return
        name = datasets[(variant // 3) % len(datasets)]
        if variant % 3 == 0:  # the layer's whole group
            del f[name.split("/vars/")[0]]
        else:
            shape = f[name].shape
            del f[name]
            f.create_dataset(name, data=np.zeros(tuple(d + 1 for d in shape) or (2,), "float32"))


def fourth_misuse(K, model, prog: dict, x, y, out_dir: str, library: str):
    mis = prog["misuse"]
    kind, op, v = mis["kind"], mis["op"], mis["variant"]
    xs = _as_list(x)
    if kind == "nan_input":
        floats = [i for i, a in enumerate(xs) if a.dtype.kind == "f"]
        if floats:
            xs = [a.copy() for a in xs]
            xs[floats[v % len(floats)]].flat[v % 3] = np.nan if v < 4 else np.inf
        elif op not in ("predict", "predict_on_batch", "call"):
            y = [a.astype("float32") for a in _as_list(y)]
            y[0].flat[0] = np.nan
            y = _one_or_list(y)
        return _run(model, op, _one_or_list(xs), y)
    if kind == "ragged":
        rows = [a.tolist() for a in xs[0]]
        rows[v % len(rows)] = rows[v % len(rows)][:-1]
        xs[0] = rows
        return _run(model, op, _one_or_list(xs), y)
    if kind == "x_nested_lists":  # valid values, as Python lists
        return _run(model, op, _one_or_list([a.tolist() for a in xs]), y)
    if kind == "callback_raise":
        val = (x, y) if v == 5 else None
        return model.fit(x, y, epochs=2, batch_size=2, verbose=0, validation_data=val,
                         callbacks=[_raising_callback(K, v)])  # fmt: skip
    if kind == "load_weights_edited":
        path = f"{out_dir}/edited_{library}_{prog['seed']}.weights.h5"
        model.save_weights(path)
        _edit_weights_file(path, v)
        return model.load_weights(path)
    if kind == "compile_unknown":  # (compiled in run_program: the call meets the names)
        return _run(model, op, x, None if op == "predict" else y)
    if kind == "steps_over":
        n = len(xs[0])
        if op == "fit":
            return model.fit(x, y, batch_size=2, steps_per_epoch=n, epochs=2, verbose=0)
        if op == "train_on_batch":
            return model.predict(x, batch_size=2, steps=n + 3, verbose=0)
        kw = {"batch_size": 2, "steps": n + v}
        return _run(model, op, x, None if op == "predict" else y, **kw)
    if kind == "add_misfit":
        if not hasattr(model, "add"):
            return model.add(K.layers.Dense(2))  # (a functional model has no add)
        rank = len(model.outputs[0].shape) if model.built else 2
        layer = [K.layers.LSTM(2) if rank != 3 else K.layers.Conv2D(2, 3),
                 K.layers.Conv3D(2, 3), "dense", K.layers.Dense(2, name=model.layers[-1].name),
                 K.Input((3,)), K.layers.Reshape((7, 7, 7))][v]  # fmt: skip
        return model.add(layer)
    if kind == "pop_empty":  # (run_program popped every layer)
        return model.pop()
    if kind == "save_bad":
        path = [f"{out_dir}/m_{library}.txt", f"{out_dir}/nope/sub/m_{library}.keras",
                f"{out_dir}/file_{library}.txt/m.keras", f"{out_dir}/w_{library}.h5",
                f"{out_dir}/w_{library}.txt", "/proc/m.keras"][v]  # fmt: skip
        if v == 1:  # (a folder an earlier run made)
            shutil.rmtree(f"{out_dir}/nope", ignore_errors=True)
        if v == 2:
            with open(f"{out_dir}/file_{library}.txt", "w") as f:
                f.write("a file, not a folder")
        save = model.save_weights if v in (3, 4) else model.save
        try:
            return save(path)
        finally:
            mis["exists_after"] = os.path.exists(path)
    if kind == "validation_sw":
        n = len(xs[0])
        sw = [
            np.ones(n - 1, "float32"),
            np.ones((n, 7), "float32"),
            np.ones(n, "float32").astype(str),
            np.float32(2.0),
            None,
            np.ones(n + 1),
        ][v]
        return model.fit(x, y, verbose=0, validation_data=(x, y, sw))
    if kind == "class_weight_partial":
        cw = [{0: 2.0}, {0: 1.0, 1: 1.0, 2: 1.0, 99: 5.0}, {-1: 1.0}, {0.0: 1.0},
              {"0": 1.0}, {}][v]  # fmt: skip
        return model.fit(x, y, verbose=0, class_weight=cw)
    if kind == "both_weights":
        sw = np.linspace(0.5, 1.5, len(xs[0])).astype("float32")
        return model.fit(x, y, verbose=0, sample_weight=sw, class_weight={0: 1.0, 1: 2.0, 2: 1.0})
    if kind == "no_epochs":
        kw = [{"epochs": 0}, {"epochs": 2, "initial_epoch": 2}, {"epochs": 1, "initial_epoch": 3},
              {"epochs": 0, "validation_split": 0.5}, {"epochs": 1, "steps_per_epoch": None},
              {"epochs": 2, "initial_epoch": 1}][v]  # fmt: skip
        return model.fit(x, y, verbose=0, **kw)
    if kind == "unbuilt_api":  # (a Sequential without an Input, before any data)
        calls = [lambda: model.summary(print_fn=lambda *a, **k: None), model.get_weights,
                 lambda: model.save_weights(f"{out_dir}/unbuilt_{library}.weights.h5"),
                 model.count_params, lambda: model.output_shape,
                 lambda: model.set_weights([np.zeros(2)])]  # fmt: skip
        return calls[v]()
    if kind == "load_model_weights_file":
        path = f"{out_dir}/w_{library}_{prog['seed']}.weights.h5"
        if model.built:
            model.save_weights(path)
        else:
            open(path, "wb").close()
        return K.models.load_model(path)
    if kind == "load_keras_other":  # (another program's whole model, as a .keras file)
        other = fuzz_models.program(prog["seed"] + 1)
        other["nodes"] = json.loads(json.dumps(other["nodes"]).replace('"glu"', '"relu"'))
        path = f"{out_dir}/other_{library}_{prog['seed']}.keras"
        fuzz_models.build(K, other).save(path)
        return model.load_weights(path)
    raise AssertionError(kind)


# (seeds 35 on: the fifth menu) wrong call orders and wrong argument types: an optimizer
# another model built, loss / optimizer / callback classes where instances go, fit without
# targets or inputs, get_layer of an index out of range, a Model whose outputs do not
# come from its inputs, a layer added twice, a generator or PyDataset whose first batch
# has the wrong shape (or no targets, or sample weights of another length)
FIFTH = ["optimizer_shared", "class_not_instance", "callbacks_bad", "fit_no_y", "fit_x_none",
         "get_layer_index", "model_bad_outputs", "add_same_layer", "generator_bad",
         "pydataset_bad"]  # fmt: skip
FIFTH_NEEDS_COMPILED = {"optimizer_shared", "callbacks_bad", "fit_no_y", "fit_x_none",
                        "generator_bad", "pydataset_bad"}  # fmt: skip


def draw_fifth_misuse(r: random.Random, model: dict, compiled: bool, deferred: bool) -> dict:
    kinds = [k for k in FIFTH if (compiled or k not in FIFTH_NEEDS_COMPILED)
             and (not deferred or k != "optimizer_shared")]  # fmt: skip
    kind = r.choice(kinds)
    return {"kind": kind, "op": kind, "variant": r.randrange(6)}


def _bad_batches(x, y, v: int):
    """The (x, y[, sw]) batches of a generator whose first batch is wrong."""
    xs, ys = _as_list(x), _as_list(y)
    n = len(xs[0])
    good = (_one_or_list([a[:2] for a in xs]), _one_or_list([a[:2] for a in ys]))
    bad = [
        (_one_or_list([np.concatenate([a[:2], a[:2, ..., :1]], -1) if a.ndim > 1 else
                       np.stack([a[:2], a[:2]], 1) for a in xs]), good[1]),
        (good[0],),  # (no targets)
        (*good, np.ones(3, "float32")),  # (sample weights of another length)
        (good[0], _one_or_list([a[:1] for a in ys])),  # (a row short)
        (_one_or_list([a[:2, None] for a in xs]), good[1]),  # (an extra axis)
        (_one_or_list([a[:2].astype(str) for a in xs]), good[1]),  # (text)
    ][v]  # fmt: skip
    return [bad] + [good] * max(n // 2, 1)


# (seeds 48 on: the sixth menu) keywords a method does not take, compile's loss_weights /
# weighted_metrics of the wrong form (the call after it meets them), fit / evaluate /
# predict arguments of the wrong type or range the menus above leave out, and
# model_from_json / clone_model of what is not a model
SIXTH = ["unknown_kwarg", "compile_more", "fit_args_more", "predict_args_more", "json_bad"]
SIXTH_NEEDS_COMPILED = {"fit_args_more"}
MORE_COMPILES = [{"loss_weights": [1.0, 2.0, 3.0]}, {"loss_weights": {"nope": 1.0}},
                 {"weighted_metrics": "mae"}, {"weighted_metrics": ["nope"]},
                 {"loss_weights": [-1.0]}, {"loss": 3}]  # fmt: skip


def draw_sixth_misuse(r: random.Random, model: dict, compiled: bool) -> dict:
    kind = r.choice([k for k in SIXTH if compiled or k not in SIXTH_NEEDS_COMPILED])
    op = kind
    if kind == "compile_more":
        op = r.choice(["fit", "evaluate", "train_on_batch"])
    return {"kind": kind, "op": op, "variant": r.randrange(6)}


def sixth_misuse(K, model, prog: dict, x, y):
    mis = prog["misuse"]
    kind, v = mis["kind"], mis["variant"]
    compiled = prog["compile"] is not None
    if kind == "unknown_kwarg":
        calls = [lambda: model.predict(x, verbose=0, nope=1), lambda: model(x, nope=1),
                 lambda: model.predict_on_batch(x, nope=1)]  # fmt: skip
        if compiled:
            calls += [lambda: model.fit(x, y, verbose=0, nope=1),
                      lambda: model.evaluate(x, y, verbose=0, nope=1),
                      lambda: model.train_on_batch(x, y, nope=1)]  # fmt: skip
        return calls[v % len(calls)]()
    if kind == "compile_more":  # (compiled in run_program: the call meets the arguments)
        return _run(model, mis["op"], x, y)
    if kind == "fit_args_more":
        kw = [{"validation_data": (x, y), "validation_steps": -1},
              {"validation_data": (x, y), "validation_steps": 1.5},
              {"epochs": 2, "initial_epoch": 5}, {"verbose": "loud"},
              {"callbacks": [lambda *a: None]}, {"epochs": None}][v]  # fmt: skip
        return model.fit(x, y, **{"verbose": 0, **kw})
    if kind == "predict_args_more":
        calls = [lambda: model.predict(x, verbose=0, callbacks=[3]),
                 lambda: model.predict(x, verbose="loud"),
                 lambda: model.predict(x, verbose=0, batch_size=[2]),
                 lambda: model.predict(x, verbose=0, steps=-2, batch_size=2),
                 lambda: model.predict_on_batch([x] if not isinstance(x, list) else x + x),
                 lambda: model.predict(x, verbose=0, callbacks=K.callbacks.History)]  # fmt: skip
        return calls[v]()
    # model_from_json / clone_model of what is not a model
    return [
        lambda: K.models.model_from_json("nope"),
        lambda: K.models.model_from_json('{"class_name": "Nope", "config": {}}'),
        lambda: K.models.model_from_json('{"config": {}}'),
        lambda: K.models.clone_model(3),
        lambda: K.models.clone_model(model.layers[-1]),
        lambda: K.models.model_from_json(model.to_json().replace('"Dense"', '"Dence"')),
    ][v]()


# (seeds 57 on: the seventh menu) the everyday mistakes the menus above leave out: x and y
# swapped, targets transposed, a two-input model's inputs (or a two-output model's
# targets) in the wrong order, transposed validation inputs, a generator given targets /
# sample weights / validation_split / batch_size, sparse labels past the classes (1..K
# instead of 0..K-1) or negative, inputs of another dtype (float64, float16, int64, ids
# with fractions), sample weights of shape (1, n), one sample without its batch axis for
# both x and y
SEVENTH = ["xy_swapped", "y_transposed", "inputs_swapped", "validation_transposed",
           "generator_args", "labels_out_of_range", "x_dtype", "sw_transposed",
           "no_batch_both"]  # fmt: skip
SEVENTH_NEEDS_COMPILED = {"xy_swapped", "y_transposed", "validation_transposed",
                          "generator_args", "labels_out_of_range", "sw_transposed",
                          "no_batch_both"}  # fmt: skip


def draw_seventh_misuse(r: random.Random, model: dict, compiled: bool) -> dict:
    kinds = [k for k in SEVENTH if (compiled or k not in SEVENTH_NEEDS_COMPILED)
             and (model["loss"] == "sparse" or k != "labels_out_of_range")]  # fmt: skip
    kind = r.choice(kinds)
    op = r.choice(TRAINING_CALLS if compiled else ["predict", "predict_on_batch", "call"])
    if kind in ("validation_transposed", "generator_args"):
        op = "fit"
    elif kind == "x_dtype":
        op = r.choice(CALLS if compiled else ["predict", "predict_on_batch", "call"])
    return {"kind": kind, "op": op, "variant": r.randrange(6)}


def _transposed(a):
    return np.swapaxes(a, -1, -2) if a.ndim > 2 else a.T if a.ndim == 2 else a[None]


def seventh_misuse(K, model, prog: dict, x, y):
    mis = prog["misuse"]
    kind, op, v = mis["kind"], mis["op"], mis["variant"]
    xs, ys = _as_list(x), _as_list(y)
    if kind == "xy_swapped":
        return _run(model, op, y, x)
    if kind == "y_transposed":
        ys[0] = _transposed(ys[0])
        return _run(model, op, x, _one_or_list(ys))
    if kind == "inputs_swapped":  # (one input and one output: the targets as inputs too)
        if len(xs) > 1:
            return _run(model, op, xs[::-1], y)
        if len(ys) > 1:
            return _run(model, op, x, ys[::-1])
        return _run(model, op, [x, y], y)
    if kind == "validation_transposed":
        return model.fit(x, y, verbose=0, validation_data=(_one_or_list([_transposed(a)
                         for a in xs]), y))  # fmt: skip
    if kind == "generator_args":
        batches = [
            (_one_or_list([a[i : i + 2] for a in xs]), _one_or_list([b[i : i + 2] for b in ys]))
            for i in range(0, len(xs[0]), 2)
        ]
        gen = (b for b in batches)  # fmt: skip
        n = len(xs[0])
        return [
            lambda: model.fit(gen, y, verbose=0, steps_per_epoch=len(batches)),
            lambda: model.fit(gen, verbose=0, validation_split=0.5),
            lambda: model.fit(gen, verbose=0, sample_weight=np.ones(n, "float32")),
            lambda: model.fit(gen, verbose=0, steps_per_epoch=len(batches), batch_size=4),
            lambda: model.evaluate(gen, y, verbose=0, steps=len(batches)),
            lambda: model.predict(gen, verbose=0, batch_size=4, steps=len(batches)),
        ][v]()
    if kind == "labels_out_of_range":
        ys[0] = ys[0] + (1 if v % 2 == 0 else 0)
        if v % 2:
            ys[0] = ys[0] - 1
        return _run(model, op, x, _one_or_list(ys))
    if kind == "x_dtype":
        i = v % len(xs)
        a = xs[i]
        xs[i] = [
            lambda: a.astype("float64"),
            lambda: a.astype("float16"),
            lambda: a.astype("int64"),
            lambda: a + 0.5 if a.dtype.kind in "iu" else a.astype("uint8"),
            lambda: a.astype("int8"),
            lambda: a.astype("float64") if a.dtype.kind in "iu" else (a * 1000).astype("int32"),
        ][v]()
        return _run(model, op, _one_or_list(xs), None if op in ("predict", "call") else y)
    if kind == "sw_transposed":
        sw = np.linspace(0.5, 1.5, len(xs[0])).astype("float32")[None]
        return _run(model, op, x, y, sw=sw)
    # one sample without its batch axis, for x and y
    return _run(model, op, _one_or_list([a[0] for a in xs]), _one_or_list([b[0] for b in ys]))


def compile_class(K, model, prog: dict) -> str:
    """compile() given a loss, optimizer or metric class where an instance goes: 'ok' or
    the error."""
    comp = prog["compile"] or {"optimizer": "sgd", "loss": "mse", "metrics": []}
    bad = [{"loss": K.losses.MeanSquaredError}, {"optimizer": K.optimizers.Adam},
           {"metrics": [K.metrics.MeanAbsoluteError]}, {"loss": K.losses.MeanSquaredError},
           {"optimizer": K.optimizers.SGD}, {"metrics": [K.metrics.Mean]}][
        prog["misuse"]["variant"]]  # fmt: skip
    try:
        model.compile(**{**comp, **bad})
    except Exception as e:  # noqa: BLE001 - the error is the result
        return error_text(e)
    return "ok"


def fifth_misuse(K, model, prog: dict, x, y, out_dir: str, library: str):
    mis = prog["misuse"]
    kind, v = mis["kind"], mis["variant"]
    if kind == "optimizer_shared":  # (another model trained by this model's optimizer,
        # which run_program built on this model)
        other_prog = fuzz_models.program(prog["seed"] + 1)
        other_prog["nodes"] = json.loads(json.dumps(other_prog["nodes"]).replace('"glu"', '"relu"'))
        other = fuzz_models.build(K, other_prog)
        loss = "mse" if other_prog["loss"] == "mse" else "sparse_categorical_crossentropy"
        other.compile(optimizer=model.optimizer, loss=loss)
        ox, oy = fuzz_models.data(other_prog, [list(o.shape) for o in other.outputs])
        return other.train_on_batch(ox, oy) if v % 2 else other.fit(ox, oy, verbose=0)
    if kind == "class_not_instance":  # (compiled in run_program: the call meets the class)
        return model.fit(x, y, verbose=0) if v < 3 else model.evaluate(x, y, verbose=0)
    if kind == "callbacks_bad":
        cb = ["early_stopping", 3, K.callbacks.EarlyStopping, K.callbacks.History(),
              [None], {"cb": K.callbacks.History()}][v]  # fmt: skip
        return model.fit(x, y, verbose=0, callbacks=cb)
    if kind == "fit_no_y":
        return [lambda: model.fit(x, verbose=0), lambda: model.train_on_batch(x),
                lambda: model.evaluate(x, verbose=0), lambda: model.test_on_batch(x),
                lambda: model.fit(x, None, verbose=0, batch_size=2),
                lambda: model.evaluate(x, None, verbose=0)][v]()  # fmt: skip
    if kind == "fit_x_none":
        return [
            lambda: model.fit(None, y, verbose=0),
            lambda: model.train_on_batch(None, y),
            lambda: model.evaluate(None, y, verbose=0),
            lambda: model.predict(None, verbose=0),
            lambda: model.test_on_batch(None, y),
            lambda: model.predict_on_batch(None),
        ][v]()
    if kind == "get_layer_index":
        return [lambda: model.get_layer(index=99), lambda: model.get_layer(index=-99),
                lambda: model.get_layer(name=model.layers[0].name, index=0),
                lambda: model.get_layer(), lambda: model.get_layer(index=1.5),
                lambda: model.get_layer(name=3)][v]()  # fmt: skip
    if kind == "model_bad_outputs":
        if not model.built or not hasattr(model, "inputs") or not model.inputs:
            return K.Model(K.Input((3,)), K.Input((3,)))
        stray = K.Input((3,))
        return [lambda: K.Model(model.inputs, stray),
                lambda: K.Model(model.inputs, K.layers.Dense(2)(stray)),
                lambda: K.Model(stray, model.outputs),
                lambda: K.Model(model.inputs, None), lambda: K.Model(model.inputs, [1.0]),
                lambda: K.Model(model.inputs, "out")][v]()  # fmt: skip
    if kind == "add_same_layer":
        if not hasattr(model, "add"):
            return model.add(model.layers[-1])
        return model.add(model.layers[-1 if v % 2 else 0])
    if kind == "generator_bad":
        batches = _bad_batches(x, y, v)
        return model.fit((b for b in batches), steps_per_epoch=len(batches), verbose=0)
    # a PyDataset whose first batch is wrong
    batches = _bad_batches(x, y, v)

    class Data(K.utils.PyDataset):
        def __len__(self):
            return len(batches)

        def __getitem__(self, i):
            return batches[i]

    if v % 2:
        return model.evaluate(Data(), verbose=0)
    return model.fit(Data(), verbose=0, shuffle=False)  # (the wrong batch first)


def draw_extra_misuse(r: random.Random, model: dict, compiled: bool) -> dict:
    """The second menu (seeds 2 on): predict(x, y), a class_weight for several outputs, a
    sample_weight dict naming no output, compile(loss=None), a tuple of inputs, a dict
    of inputs or targets with another name, set_weights of text."""
    kind = r.choice(EXTRA if compiled else ["predict_with_y", "tuple_inputs", "x_dict_of_one",
                                            "set_weights_strings"])  # fmt: skip
    op = {"predict_with_y": "predict", "tuple_inputs": r.choice(CALLS if compiled else
          ["predict", "call"]), "set_weights_strings": "set_weights"}.get(kind)  # fmt: skip
    return {"kind": kind, "op": op or r.choice(["fit", "train_on_batch"])}


def program(seed: int) -> dict:
    """The JSON program of `seed`: `model` (a fuzz_models program), `deferred` (a
    Sequential without an Input), `compile` (None or optimizer, loss, metrics), `warm`
    (one valid train_on_batch first) and `misuse`."""
    r = random.Random(seed)
    model = fuzz_models.program(seed)
    model["data"]["mutate"] = None
    # (Keras's symbolic shape of a glu Dense is not its output's: fuzz_models's notes)
    model["nodes"] = json.loads(json.dumps(model["nodes"]).replace('"glu"', '"relu"'))
    deferred = model["sequential"] and r.random() < 0.2
    comp = None
    if r.random() < 0.75:
        loss = "mse" if model["loss"] == "mse" else "sparse_categorical_crossentropy"
        metrics = r.choice([[], ["mae"]] if loss == "mse" else [[], ["accuracy"]])
        if len(model["outputs"]) > 1:  # (one list for two outputs: Keras 2's meaning, README)
            metrics = []
        comp = {"optimizer": r.choice(["sgd", "adam", "rmsprop"]), "loss": loss,
                "metrics": metrics}  # fmt: skip
    warm = comp is not None and not deferred and r.random() < 0.3
    misuse = draw_misuse(r, model, comp is not None)
    extra = random.Random(seed * 7 + 1)  # (seeds 0 and 1 ran before this second menu)
    if seed >= 200_000 and extra.random() < 0.3:
        misuse = draw_extra_misuse(extra, model, comp is not None)
    third = random.Random(seed * 11 + 2)  # (seeds 5 on: the third menu)
    if seed >= 500_000 and third.random() < 0.4:
        kind = third.choice(THIRD)
        misuse = {"kind": kind, "op": kind, "variant": third.randrange(4)}
    fourth = random.Random(seed * 13 + 3)  # (seeds 20 on: the fourth menu)
    if seed >= 2_000_000 and fourth.random() < 0.6:
        misuse = draw_fourth_misuse(fourth, model, comp is not None, deferred, seed >= 2_500_000)
    fifth = random.Random(seed * 17 + 4)  # (seeds 35 on: the fifth menu)
    if seed >= 3_500_000 and fifth.random() < 0.5:
        misuse = draw_fifth_misuse(fifth, model, comp is not None, deferred)
    sixth = random.Random(seed * 19 + 5)  # (seeds 48 on: the sixth menu)
    if seed >= 4_800_000 and sixth.random() < 0.5:
        misuse = draw_sixth_misuse(sixth, model, comp is not None)
    seventh = random.Random(seed * 23 + 6)  # (seeds 57 on: the seventh menu)
    if seed >= 5_700_000 and seventh.random() < 0.5:
        misuse = draw_seventh_misuse(seventh, model, comp is not None)
    return {"seed": seed, "model": model, "deferred": deferred, "compile": comp,
            "warm": warm, "misuse": misuse}  # fmt: skip


# -- building, data, misuse --------------------------------------------------------------
def build(K, prog: dict):
    model = prog["model"]
    if not prog["deferred"]:
        return fuzz_models.build(K, model)
    layers = [fuzz_models._layer(K, n["class"], n["config"]) for n in model["nodes"]]
    return K.Sequential(layers)


def valid_data(prog: dict, output_shapes) -> tuple:
    """x (an array, or a list for two inputs) and y (likewise for two outputs)."""
    return fuzz_models.data(prog["model"], output_shapes)


def _as_list(v) -> list:
    return list(v) if isinstance(v, (list, tuple)) else [v]


def _one_or_list(vs: list):
    return vs if len(vs) > 1 else vs[0]


def mutate_x(x, misuse: dict, model):
    xs, i = _as_list(x), misuse["input"]
    a, m = xs[i], misuse["mutate"]
    if m == "transpose":
        xs[i] = np.swapaxes(a, -1, -2) if a.ndim > 2 else a.T
    elif m == "no_batch":
        xs[i] = a[0]
    elif m == "extra_axis":
        xs[i] = a[..., None, :] if a.ndim > 1 and a.shape[-1] == 1 else a[..., None]
    elif m == "feature":  # one more value along the last axis
        xs[i] = np.concatenate([a, a[..., :1]], axis=-1) if a.ndim > 1 else np.stack([a, a], 1)
    elif m == "drop_axis":
        xs[i] = a[..., 0] if a.ndim > 1 else a[:, None, None]
    elif m == "strings":
        xs[i] = a.astype(str)
    elif m == "object_none":
        xs[i] = a.astype(object)
        xs[i].flat[0] = None
    elif m == "bool":
        xs[i] = a > 0
    elif m == "complex":
        xs[i] = a + 1j
    elif m == "extra_input":
        xs.append(xs[-1])
    elif m == "missing_input":
        return xs[0] if len(xs) > 1 else []
    elif m == "dict_wrong_keys":
        return {f"nope_{j}": v for j, v in enumerate(xs)}
    elif m == "inputs_len":  # one input with a row less
        xs[i] = a[:-1]
        if len(xs) == 1:
            return xs  # (a list of one array, a row short of y)
    elif m == "empty":
        xs = [v[:0] for v in xs]
    elif m == "scalar":
        xs[i] = np.float32(1.0)
    return _one_or_list(xs) if m != "extra_input" else xs


def mutate_y(y, m: str):
    ys = _as_list(y)
    if m == "y_len":
        ys[0] = ys[0][:-1]
    elif m == "y_feature":
        a = ys[0]
        ys[0] = np.concatenate([a, a[..., :1]], -1) if a.ndim > 1 else np.stack([a, a], 1)
    elif m == "y_extra_axis":
        ys[0] = ys[0][..., None, None]
    elif m == "y_strings":
        ys[0] = ys[0].astype(str)
    elif m == "y_fewer":
        return ys[:-1] if len(ys) > 1 else []
    elif m == "y_more":
        return ys + [ys[-1]]
    elif m == "y_dict_wrong_keys":
        return {f"nope_{j}": v for j, v in enumerate(ys)}
    elif m == "y_none":
        return None
    elif m == "y_rank0":
        ys[0] = np.float32(1.0)
    return _one_or_list(ys)


def mutate_sw(n: int, m: str):
    sw = np.linspace(0.5, 1.5, n).astype("float32")
    return {
        "sw_len": sw[:-1],
        "sw_2d": np.ones((n, 5), "float32"),
        "sw_strings": sw.astype(str),
        "sw_scalar": np.float32(2.0),
    }[m]


def _run(model, op: str, x, y=None, sw=None, **kw):
    """`op` (a Model method, or "call") on the data, as a user would call it."""
    if op == "call":
        return model(x)
    if op in ("predict", "predict_on_batch"):
        extra = {"verbose": 0} if op == "predict" else {}
        return getattr(model, op)(x, **extra, **kw)
    if sw is not None:
        kw["sample_weight"] = sw
    if op in ("fit", "evaluate"):
        kw = {"verbose": 0, **kw}
        if op == "fit":
            kw.setdefault("epochs", 1)
    return getattr(model, op)(x, y, **kw)


def other_model_file(K, prog: dict, out_dir: str, library: str) -> str:
    """The weights of another program's model, saved by `K`."""
    other = fuzz_models.program(prog["seed"] + 1)
    other["nodes"] = json.loads(json.dumps(other["nodes"]).replace('"glu"', '"relu"'))
    path = f"{out_dir}/other_{library}_{prog['seed']}.weights.h5"
    fuzz_models.build(K, other).save_weights(path)
    return path


def do_misuse(K, model, prog: dict, x, y, out_dir: str, library: str):
    mis = prog["misuse"]
    kind, op = mis["kind"], mis["op"]
    if kind == "x":
        return _run(model, op, mutate_x(x, mis, model), y)
    if kind == "y":
        return _run(model, op, x, mutate_y(y, mis["mutate"]))
    if kind == "sw":
        return _run(model, op, x, y, sw=mutate_sw(len(_as_list(x)[0]), mis["mutate"]))
    if kind == "arg":
        kw = {mis["arg"]: mis["value"]}
        if mis["arg"] == "class_weight" and isinstance(mis["value"], dict):
            kw = {"class_weight": {"a": 1.0}}
        return _run(model, op, x, None if op == "predict" else y, **kw)
    if kind in ("uncompiled", "wrong_loss"):
        return _run(model, op, x, y)
    if kind == "predict_with_y":  # (y lands in batch_size)
        return model.predict(x, y, verbose=0)
    if kind == "class_weight_multi":
        return _run(model, op, x, y, class_weight={0: 1.0, 1: 2.0, 2: 0.5})
    if kind == "sw_dict_wrong_key":
        return _run(model, op, x, y, sw={"nope": np.ones(len(_as_list(x)[0]), "float32")})
    if kind == "no_loss":  # (Keras keeps the metrics of a compile without)
        model.compile(optimizer="sgd", loss=None, metrics=prog["compile"]["metrics"])
        return _run(model, op, x, y)
    if kind == "tuple_inputs":
        return _run(model, op, tuple(_as_list(x)), y)
    if kind == "x_dict_of_one":
        return _run(model, op, {"nope": _as_list(x)[0]}, y)
    if kind == "y_dict_of_one":
        return _run(model, op, x, {"nope": _as_list(y)[0]})
    if kind in THIRD:
        return third_misuse(K, model, mis)
    if kind in FOURTH or kind in FOURTH_MORE:
        return fourth_misuse(K, model, prog, x, y, out_dir, library)
    if kind in FIFTH:
        return fifth_misuse(K, model, prog, x, y, out_dir, library)
    if kind in SIXTH:
        return sixth_misuse(K, model, prog, x, y)
    if kind in SEVENTH:
        return seventh_misuse(K, model, prog, x, y)
    if kind == "set_weights_strings":
        return model.set_weights([np.asarray(w).astype(str) for w in model.get_weights()])
    if kind == "set_weights":
        w, m = model.get_weights(), mis["mutate"]
        if not w:
            w = [np.zeros(1, "float32")]  # (a model without weights: one too many)
        elif m == "fewer":
            w = w[:-1]
        elif m == "more":
            w = w + [w[-1]]
        elif m == "shape":
            w[0] = np.zeros(tuple(d + 1 for d in w[0].shape), w[0].dtype)
        elif m == "transposed":
            w[0] = w[0].T if w[0].ndim > 1 and w[0].shape[0] != w[0].shape[-1] else w[0][None]
        elif m == "scalar":
            w[0] = np.float32(1.0)
        else:
            w[0] = None
        return model.set_weights(w)
    if kind == "load_weights":
        m = mis["mutate"]
        if m == "other_model":
            return model.load_weights(other_model_file(K, prog, out_dir, library))
        if m == "missing":
            return model.load_weights(f"{out_dir}/missing_{prog['seed']}.weights.h5")
        path = f"{out_dir}/w_{library}_{prog['seed']}.txt"
        with open(path, "w") as f:
            f.write("not weights")
        return model.load_weights(path)
    # bad validation data
    m, xs = mis["mutate"], _as_list(x)
    if op == "predict":  # (an uncompiled model: a wrong shape to predict instead)
        return model.predict(_one_or_list([v[..., None] for v in xs]), verbose=0)
    val = {
        "x_shape": lambda: (_one_or_list([v[..., None] for v in xs]), y),
        "y_len": lambda: (x, mutate_y(y, "y_len")),
        "tuple_4": lambda: (x, y, None, None),
        "tuple_1": lambda: (x,),
        "strings": lambda: (_one_or_list([v.astype(str) for v in xs]), y),
        "not_tuple": lambda: "validation",
    }[m]()
    return _run(model, "fit", x, y, validation_data=val)


# -- the record --------------------------------------------------------------------------
def summary(value):
    """A small JSON-able summary of what a call returned (shapes, history lengths)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if hasattr(value, "history") and isinstance(value.history, dict):
        return {"history": {k: len(v) for k, v in value.history.items()}}
    if isinstance(value, dict):
        return {str(k): summary(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [summary(v) for v in value]
    if isinstance(value, (int, float, np.generic)):
        return "number"
    return list(np.shape(value))


def _state(model) -> dict:
    """What a failed call must leave as it was."""
    opt = getattr(model, "optimizer", None)
    state = {
        "built": bool(model.built),
        "layers": [layer.name for layer in model.layers],
        "weights": [np.array(w) for w in model.get_weights()] if model.built else None,
        "compiled": bool(getattr(model, "compiled", False)),
        "loss": repr(getattr(model, "loss", None)),
        "optimizer": id(opt),
    }
    if opt is not None and state["compiled"]:
        state["iterations"] = int(np.asarray(opt.iterations))
        state["opt_vars"] = [(v.path, np.array(v)) for v in opt.variables]
    return state


def _state_diff(before: dict, after: dict) -> list:
    problems = []
    for key in before:
        a, b = before[key], after.get(key)
        if key == "weights" and a is not None and b is not None:
            same = len(a) == len(b) and all(
                x.shape == y.shape and np.array_equal(x, y, equal_nan=True) for x, y in zip(a, b)
            )
        elif key == "opt_vars":
            same = len(a) == len(b) and all(
                p == q and np.array_equal(u, v, equal_nan=True) for (p, u), (q, v) in zip(a, b)
            )
        else:
            same = a == b
        if not same and key == "opt_vars":
            new = sorted({p for p, _ in b} - {p for p, _ in a})
            problems.append(f"opt_vars changed: {len(a)} -> {len(b)} variables, new {new[:3]}")
        elif not same:
            problems.append(f"{key} changed" + (f": {a!r} -> {b!r}" if key != "weights" else ""))
    return problems


def _close(a, b) -> bool:
    a, b = _as_list(a), _as_list(b)
    return len(a) == len(b) and all(
        np.shape(u) == np.shape(v) and np.allclose(u, v, equal_nan=True) for u, v in zip(a, b)
    )


def check_atomic(K, model, before: dict, ref: dict, x, y, prog: dict) -> list:
    """What the failed misuse changed (numkeras only): [] when nothing."""
    problems = _state_diff(before, _state(model))
    try:
        pred = model.predict(x, verbose=0)
        if "predict" in ref and not _close(pred, ref["predict"]):
            problems.append("a valid predict gives other values after the error")
    except Exception as e:  # noqa: BLE001
        if not (prog["deferred"] and _fresh_predict_fails(K, prog, x, e)):
            problems.append(f"a valid predict fails after the error: {error_text(e)}")
    if "evaluate" in ref:
        try:
            if not _close(model.evaluate(x, y, verbose=0), ref["evaluate"]):
                problems.append("a valid evaluate gives another loss after the error")
        except Exception as e:  # noqa: BLE001
            problems.append(f"a valid evaluate fails after the error: {error_text(e)}")
    if before["compiled"] and "evaluate" in ref:
        try:
            model.train_on_batch(x, y)
        except Exception as e:  # noqa: BLE001
            problems.append(f"a valid train_on_batch fails after the error: {error_text(e)}")
    return problems


def _fresh_predict_fails(K, prog: dict, x, e: Exception) -> bool:
    """Whether a fresh model of the program fails its valid predict as `e` did: a model
    without an Input runs no predict before the misuse, and some of fuzz_models.py's
    programs fail on any data (Keras's too: a Softmax given Masking's 2-D mask of 3-D
    inputs), which is no sign of a misuse that changed something."""
    try:
        build(K, prog).predict(x, verbose=0)
    except Exception as fresh:  # noqa: BLE001
        return type(fresh) is type(e)  # (its layers' names differ: softmax_1)
    return False


def check_message(e: Exception, prog: dict, bad_x) -> list:
    """Whether a shape error explains itself (numkeras only): [] when it does."""
    mis = prog["misuse"]
    if mis["kind"] == "inputs_swapped" and len(prog["model"]["inputs"]) > 1:
        # (a refused swap must say that the arrays fit the inputs in another order)
        if "another order" not in str(e):
            return ["offers no fix for inputs given in another order"]
        return []
    refused_input = type(e).__name__ in ("ShapeError", "IncompatibleShapesError")
    if mis["kind"] == "xy_swapped" and refused_input and not prog["deferred"]:
        # (valid x and y, swapped, refused as inputs: the message must say so)
        return [] if "look swapped" in str(e) else ["offers no fix for x and y swapped"]
    if mis["kind"] in ("y_transposed", "sw_transposed") and "cardinality" in str(e):
        # (a (1, n) row or (k, n) for (n, k): the samples along the last axis)
        return [] if "looks transposed" in str(e) else ["offers no fix for a transposed array"]
    if mis["kind"] != "x" or mis["mutate"] not in SHAPE_MUTATIONS or prog["deferred"]:
        return []  # (a model without an Input has no declared shape to name)
    if not isinstance(e, (ValueError, TypeError)):
        return [f"not a ValueError / TypeError: {type(e).__name__}"]
    text, problems = str(e), []
    a = _as_list(bad_x)[mis["input"]]
    received = {str(tuple(a.shape)), str((None, *a.shape[1:]))}
    if not any(s in text for s in received):
        problems.append(f"does not name the received shape {tuple(a.shape)}")
    if "(batch" not in text:
        problems.append("shows no expected template with a batch axis")
    fix = {"transpose": ("x.T", "transpos", "swapaxes"), "no_batch": ("x[None]", "batch axis")}
    if mis["mutate"] in fix and not any(f in text for f in fix[mis["mutate"]]):
        problems.append(f"offers no fix for a {mis['mutate']} input")
    return problems


def run_program(K, prog: dict, out_dir: str, library: str) -> dict:
    rec = {}
    K.utils.clear_session()
    try:
        model = build(K, prog)
        comp = prog["compile"]
        if comp:
            model.compile(optimizer=comp["optimizer"], loss=comp["loss"], metrics=comp["metrics"])
        out_shapes = (
            [list(o.shape) for o in model.outputs]
            if not prog["deferred"]
            else [[None, *s] for s in _deferred_shapes(prog)]
        )
        x, y = valid_data(prog, out_shapes)
        ref = {}
        if not prog["deferred"]:
            if prog["warm"]:
                model.train_on_batch(x, y)
            ref["predict"] = model.predict(x, verbose=0)
        mis = prog["misuse"]
        if mis["kind"] == "wrong_loss":  # (Keras keeps the metrics of a compile without)
            model.compile(optimizer=comp["optimizer"], loss=mis["loss"], metrics=comp["metrics"])
        elif mis["kind"] in ("compile_unknown", "compile_more"):
            rec["compile"] = compile_unknown(model, mis["variant"], comp, library,
                                             mis["kind"] == "compile_more")  # fmt: skip
        elif mis["kind"] == "pop_empty":
            ref = {}
            for _ in range(len(model.layers) if hasattr(model, "pop") else 0):
                model.pop()
        elif mis["kind"] == "class_not_instance":
            rec["compile"] = compile_class(K, model, prog)
        elif mis["kind"] == "optimizer_shared":  # (its optimizer built on this model first)
            model.train_on_batch(x, y)
            ref = {"predict": model.predict(x, verbose=0),
                   "evaluate": model.evaluate(x, y, verbose=0)}  # fmt: skip
        elif comp and not prog["deferred"]:
            ref["evaluate"] = model.evaluate(x, y, verbose=0)
    except Exception as e:  # noqa: BLE001
        if os.environ.get("FUZZ_TRACE"):
            traceback.print_exc()
        return {"setup": error_text(e)}
    rec["setup"] = "ok"
    if "compile" in rec and isinstance(rec["compile"], list):  # (numkeras: what it changed)
        rec["compile_atomic"], rec["compile"] = rec["compile"][1], rec["compile"][0]
    before = _state(model)
    if before["compiled"]:
        _optimizer_variables(model, rec, "opt_before")
    if prog["deferred"]:
        rec["built_after"] = None  # (filled in after the misuse)
    bad_x = mutate_x(x, mis, model) if mis["kind"] == "x" else None
    try:
        result = do_misuse(K, model, prog, x, y, out_dir, library)
        rec["misuse"] = {"ok": summary(result)}
    except Exception as e:  # noqa: BLE001 - an error is the result
        if os.environ.get("FUZZ_TRACE"):
            traceback.print_exc()
        rec["misuse"] = {"error": error_text(e)}
        if before["compiled"]:
            _optimizer_variables(model, rec, "opt_after")
        if library != "keras":
            rec["message"] = check_message(e, prog, bad_x)
            rec["message_text"] = str(e)[:600]
            if prog["deferred"]:
                rec["built_after"] = bool(model.built)
            if mis["kind"] == "callback_raise":  # (the batches before it trained)
                rec["atomic"] = check_atomic(K, model, _state(model), {}, x, y, prog)
            elif mis["kind"] == "pop_empty":  # (nothing left to predict with)
                rec["atomic"] = _state_diff(before, _state(model))
            else:
                rec["atomic"] = check_atomic(K, model, before, ref, x, y, prog)
    if mis["kind"] == "callback_raise":
        rec["after"] = {"iterations": int(np.asarray(model.optimizer.iterations)),
                        "trained": _state_diff(before, _state(model)) != []}  # fmt: skip
    if "exists_after" in mis:
        rec["exists_after"] = mis.pop("exists_after")
    if "built_after" in rec and rec["built_after"] is None:
        rec["built_after"] = bool(model.built)
    return rec


def compile_unknown(model, variant: int, comp: dict | None, library: str, more: bool = False):
    """compile() with a name nothing knows (an error, or Keras's deferral to the first
    call), or (`more`) loss_weights / weighted_metrics of the wrong form: 'ok' or the
    error; numkeras's with what the refused compile changed."""
    comp = comp or {"optimizer": "sgd", "loss": "mse", "metrics": []}
    bad = [{"loss": "nope"}, {"metrics": ["nope"]}, {"optimizer": "nope"},
           {"loss": ["mse", "mse", "mse"]}, {"loss": {"nope": "mse"}},
           {"metrics": {"nope": "mae"}}][variant]  # fmt: skip
    bad = MORE_COMPILES[variant] if more else bad
    before = _state(model)
    try:
        model.compile(**{**comp, **bad})
    except Exception as e:  # noqa: BLE001 - the error is the result
        if library == "keras":
            return error_text(e)
        return [error_text(e), _state_diff(before, _state(model))]
    return "ok"


def _optimizer_variables(model, rec: dict, key: str) -> None:
    """How many variables the optimizer has (Keras builds it on the first use)."""
    try:
        rec[key] = len(model.optimizer.variables)
    except Exception as e:  # noqa: BLE001 (Keras's half-built optimizer)
        rec[key] = error_text(e)


def _deferred_shapes(prog: dict) -> list:
    """The output shapes (without the batch axis) of an unbuilt Sequential's program: its
    Input-built twin's."""
    twin = dict(prog, deferred=False)
    import numkeras

    model = build(numkeras, twin)
    return [tuple(o.shape[1:]) for o in model.outputs]


def run(library: str, seed: int, count: int, out_dir: str) -> None:
    import warnings

    warnings.simplefilter("ignore")
    K = importlib.import_module(library)
    os.makedirs(out_dir, exist_ok=True)
    records = {}
    for i in range(count):
        prog = program(seed * 100_000 + i)
        records[i] = run_program(K, prog, out_dir, library)
        mis = prog["misuse"]
        result = records[i].get("misuse", records[i].get("setup"))
        print(i, mis["kind"], mis["op"], str(result)[:90], flush=True)
    with open(f"{out_dir}/{library}.json", "w") as f:
        json.dump(records, f)


# -- comparing --------------------------------------------------------------------------
def known_difference(prog: dict, want: dict, got: dict) -> bool:
    """A documented difference (see the module's notes): not a divergence."""
    mis, w, g = prog["misuse"], want.get("misuse", {}), got.get("misuse", {})
    if "error" in w and any(c in w["error"] for c in KERAS_CRASHES):
        return True
    if mis["kind"] == "get_layer_index" and "list index out of range" in str(w.get("error")):
        return True  # Keras crashes on a negative index past the layers (README)
    if mis["kind"] == "compile_bad" and mis["variant"] == 3:
        return True  # steps_per_execution=0: Keras crashes at fit ("range() arg 3 ...")
    if mis["kind"] == "class_weight_multi" and mis["op"] == "train_on_batch":
        return True  # Keras: fit's ValueError, train_on_batch's broadcasting TypeError
    if mis["kind"] == "save_bad" and mis["variant"] == 3:
        return True  # save_weights("w.h5"): Keras 2's layout (README); Keras 3 refuses it
    if mis["kind"] == "tuple_inputs" and mis["op"] == "call" and prog["model"]["sequential"]:
        return True  # Keras stacks a tuple of one array into a new axis 0; numkeras refuses it
    if mis["kind"] == "x_nested_lists":
        return True  # numkeras takes Python lists wherever arrays go (README)
    if mis["kind"] == "optimizer_shared" and "error" in w and "ok" in g:
        return True  # one optimizer serves several models, as in Keras 2 (README)
    if (
        "ok" in w
        and "error" in g
        and (
            (mis["kind"] == "fit_args_more" and mis["variant"] in (0, 1, 3))
            or (mis["kind"] == "predict_args_more" and mis["variant"] in (1, 3, 4))
            or (mis["kind"] == "json_bad" and mis["variant"] in (2, 3, 4))
        )
    ):
        return True  # Keras skips validation_steps < 1, takes any verbose or a negative
        # predict steps (on a model that has run; it crashes on one that has not), uses the
        # first arrays of too many inputs, clones anything
    if "ok" in w and "error" in g:
        functional = not prog["model"]["sequential"]
        x_call = mis["kind"] == "x" and mis["op"] not in ("call",)
        if x_call and functional and mis["mutate"] in SHAPE_MUTATIONS:
            return True  # Keras-JAX checks only the rank
        if mis.get("mutate") == "extra_input" or mis.get("arg") == "validation_split":
            return True
        one_to_one = len(prog["model"]["inputs"]) == 1 == len(prog["model"]["outputs"])
        if mis["kind"] == "inputs_swapped" and one_to_one:
            return True  # ([x, y] for one input: Keras uses the first array of too many)
        if mis["kind"] == "inputs_swapped" and functional and len(prog["model"]["inputs"]) > 1:
            return True  # swapped inputs of one rank: Keras 3 checks only the rank
        if mis.get("mutate") in ("complex", "sw_2d", "y_rank0", "y_extra_axis"):
            return True  # Keras drops the imaginary part, or broadcasts weights / targets
        if mis["kind"] == "y_transposed":
            return True  # Keras broadcasts (n, 4, 1) targets against (n, 1, 4) outputs
        if mis["kind"] == "labels_out_of_range":
            return True  # Keras-JAX scores sparse labels out of range (README: refused)
        if mis["kind"] == "x" and mis["mutate"] in ("strings", "object_none"):
            return mis["op"] != "predict"  # Keras's direct calls parse text, None as NaN
        if mis.get("arg") in ("steps", "batch_size") and mis.get("value") == 0:
            return True  # Keras reads 0 as "not given" (numkeras/trainers/data.py)
        if mis["kind"] == "compile_unknown" and mis["variant"] in (3, 5):
            return True  # Keras ignores the extra losses, and a metrics key naming no output
        if mis["kind"] == "add_misfit" and mis["variant"] == 4:
            return True  # Keras appends an Input after the layers of a model without one
        if mis["kind"] == "add_same_layer":
            return True  # Keras shares a layer added twice; numkeras refuses it (README)
        if mis["kind"] in ("generator_bad", "pydataset_bad") and mis["variant"] in (2, 3):
            return True  # Keras broadcasts a batch's targets of one row over its two, or
            # its 3 sample weights over per-timestep losses of 3 steps
        if mis["kind"] == "compile_more" and mis["variant"] == 1:
            return True  # loss_weights={"nope": 1.0}: Keras pairs by count (README: refused)
        if mis["kind"] == "sw_transposed" and mis["op"].endswith("_on_batch"):
            return True  # Keras's *_on_batch broadcast (1, n) sample weights over n losses
        if mis["kind"] == "class_weight_partial" and mis["variant"] == 4:
            return True  # Keras ignores class_weight keys of text ({"0": 2.0}) without a word
    return False


def compare(out_dir: str, seed: int = 0) -> int:
    keras, ours = fuzz_models.load_records(out_dir)
    bad = 0
    for i, want in keras.items():
        got = ours.get(i, {})
        prog = program(seed * 100_000 + int(i))
        problems = []
        pops = prog["misuse"]["kind"] == "pop_empty" and "IndexError" in str(want.get("setup"))
        # (a layer that fails on its first call: Keras's unbuilt Sequential wraps the error
        # in "Unable to automatically build"; numkeras raises the layer's own)
        pops = pops or (
            want.get("setup", "ok") != "ok" and got.get("setup", "ok") != "ok"
            and any(c in want["setup"] for c in KERAS_CRASHES)
        )  # fmt: skip
        if want.get("setup") != got.get("setup") and not pops:  # (Keras's pop crashes then)
            if not (
                "setup" in want and "setup" in got and _same_error(want["setup"], got["setup"])
            ):
                problems.append(f"setup: {want.get('setup')}\n      vs {got.get('setup')}")
        elif "misuse" in want and not known_difference(prog, want, got):
            w, g = want["misuse"], got.get("misuse", {})
            if "error" in w and "error" not in g:
                problems.append(f"Keras raised {w['error']}\n      numkeras: {g}")
            elif "error" in g and "error" not in w:
                problems.append(f"Keras accepted ({w}), numkeras raised {g['error']}")
            elif "error" in w and not _same_error(w["error"], g["error"]):
                problems.append(f"{w['error']}\n      vs {g['error']}")
            elif "ok" in w and w != g:
                problems.append(f"result {w} vs {g}")
        for key in ("compile", "after", "exists_after"):
            if known_difference(prog, want, got):
                break
            w, g = want.get(key), got.get(key)
            if w != g and not (isinstance(w, str) and isinstance(g, str) and _same_error(w, g)):
                problems.append(f"{key}: {w}\n      vs {g}")
        for p in got.get("compile_atomic", []):
            problems.append(f"atomic (the refused compile): {p}")
        late = prog["misuse"]["kind"] == "validation_sw" and prog["misuse"]["variant"] == 1
        for p in got.get("atomic", []) if not late else []:  # (left: see the notes)
            if want.get("built_after") and p.startswith(("built changed", "weights changed")):
                continue  # (Keras builds an unbuilt model on the data before it fails too)
            if want.get("built_after") and prog["deferred"] and "valid predict fails" in p:
                continue  # (built so on swapped data, x and y: Keras's predict fails too)
            if want.get("opt_before") != want.get("opt_after") and p.startswith("opt_vars"):
                continue  # (Keras builds its optimizer before it fails too)
            problems.append(f"atomic: {p}")
        for p in got.get("message", []):
            problems.append(f"message: {p}\n      {got.get('message_text', '')[:300]!r}")
        if problems:
            bad += 1
            mis = prog["misuse"]
            print(f"program {i} (seed {prog['seed']}) {json.dumps(mis)}:", *problems, sep="\n    ")
    print(f"{len(keras)} programs, {bad} differ")
    return bad


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "run":  # run LIBRARY SEED COUNT OUT_DIR
        run(args[0], int(args[1]), int(args[2]), args[3])
    elif command == "one":  # one LIBRARY SEED INDEX OUT_DIR: its record, with tracebacks
        os.environ["FUZZ_TRACE"] = "1"
        K, i = importlib.import_module(args[0]), int(args[2])
        os.makedirs(args[3], exist_ok=True)
        prog = program(int(args[1]) * 100_000 + i)
        print(json.dumps(prog["misuse"]))
        print(json.dumps(run_program(K, prog, args[3], args[0]), default=str)[:3000])
    elif command == "compare":  # compare OUT_DIR [SEED]
        sys.exit(1 if compare(args[0], int(args[1]) if len(args) > 1 else 0) else 0)
    else:  # show SEED INDEX
        print(json.dumps(program(int(args[0]) * 100_000 + int(args[1])), indent=1))
