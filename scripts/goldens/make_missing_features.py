"""Goldens for Keras 3 features numkeras added late: sharded weights files
(`save_weights(..., max_shard_size=...)` and their `.weights.json` index), `Loss.fn` on the
built-in losses, `quantization_mode` on layers and models, and positional / keyword
arguments Keras's signatures take (a pooling layer's `name` given by position, ...).

Each scenario takes the Keras-like module (`keras` or `numkeras`) and returns JSON-able
values; run with real Keras 3 (from a folder other than the repository):
    KERAS_BACKEND=jax python scripts/goldens/make_missing_features.py
It writes tests/goldens/missing_features.json, and with `files` (or no argument) the
sharded sets under tests/goldens/saving/: `keras_sharded*` (Keras wrote them; numkeras must
read them) and `numkeras_sharded*` (numkeras wrote them; Keras's reading of them is in the
JSON, under "files").
"""

import json
import os
import pathlib
import sys
import tempfile
import warnings

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from differential import Scenarios, builtin_error  # noqa: E402

SCENARIOS = Scenarios()
OUT = ROOT / "tests" / "goldens" / "missing_features.json"
SAVING = ROOT / "tests" / "goldens" / "saving"
SHARD_BYTES = 100 / 1024**3  # max_shard_size in GB: three shards for `small_model`
X = (np.arange(12, dtype="float32").reshape(3, 4) - 5.0) / 7.0


def small_model(lib, compiled: bool = True, name: str = "sharded"):
    """Input(4) -> Dense(3) -> Dropout -> Dense(2), with fixed weights, trained one step."""
    L = lib.layers
    model = lib.Sequential(
        [L.Input((4,)), L.Dense(3), L.Dropout(0.0), L.Dense(2, activation="tanh")], name=name
    )
    model.set_weights(
        [
            np.cos(np.arange(np.prod(w.shape), dtype="float32")).reshape(w.shape) / 2
            for w in model.get_weights()
        ]
    )
    if compiled:
        model.compile(optimizer=lib.optimizers.Adam(0.01), loss="mse")
        y = np.sin(np.arange(8, dtype="float32")).reshape(4, 2)
        model.fit(np.tile(X, (2, 1))[:4], y, batch_size=4, epochs=1, verbose=0, shuffle=False)
    return model


def layout(folder: str) -> dict:
    """Every file under `folder`: an index's JSON, each shard's groups and datasets."""
    import h5py

    out = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name.endswith(".json"):
            with open(path) as f:
                out[name] = json.load(f)
            continue
        tree = {}
        with h5py.File(path, "r") as h5:

            def visit(key, obj, tree=tree):
                entry = {"attrs": {k: str(v) for k, v in obj.attrs.items()}}
                if isinstance(obj, h5py.Dataset):
                    entry.update(shape=list(obj.shape), dtype=str(obj.dtype))
                tree[key] = entry

            h5.visititems(visit)
        out[name] = tree
    return out


def _predict(model) -> list:
    return np.asarray(model.predict(X, verbose=0)).round(6).tolist()


# -- sharded weights --------------------------------------------------------------------
@SCENARIOS.scenario
def sharded_layout(lib):
    """A compiled, trained model's weights in 100-byte shards: the files, the index, the
    groups and datasets of each shard (where a split layer continues)."""
    model = small_model(lib)
    with tempfile.TemporaryDirectory() as d:
        model.save_weights(os.path.join(d, "m.weights.json"), max_shard_size=SHARD_BYTES)
        return layout(d)


@SCENARIOS.scenario
def sharded_nested_uncompiled(lib):
    """A functional model holding a Sequential, uncompiled, in shards of 1 GB (one shard),
    and in shards of 60 bytes (one array each at most)."""
    L = lib.layers
    inner = lib.Sequential([L.Input((3,)), L.Dense(4), L.BatchNormalization()], name="inner")
    x = L.Input((3,))
    model = lib.Model(x, L.Dense(1)(inner(x)), name="outer")
    out = {}
    for size in (1, 60 / 1024**3):
        with tempfile.TemporaryDirectory() as d:
            model.save_weights(os.path.join(d, "net.weights.json"), max_shard_size=size)
            out[str(size)] = layout(d)
    return out


@SCENARIOS.scenario
def sharded_recurrent(lib):
    """Embedding -> LSTM (its cell's group `layers/lstm/cell/vars`) -> Normalization
    (adapted) in 200-byte shards: the layout, and the predictions once loaded back."""
    L = lib.layers
    norm = L.Normalization()
    norm.adapt(np.arange(8, dtype="float32").reshape(4, 2))
    model = lib.Sequential(
        [L.Input((3,), dtype="int32"), L.Embedding(6, 2), L.LSTM(2), norm], name="rec"
    )
    model.set_weights(
        [np.cos(np.arange(w.size, dtype="float32")).reshape(w.shape) for w in model.get_weights()]
    )
    ids = np.array([[1, 2, 3], [5, 0, 4]], "int32")
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "rec.weights.json")
        model.save_weights(path, max_shard_size=200 / 1024**3)
        files = layout(d)
        fresh = lib.Sequential(
            [L.Input((3,), dtype="int32"), L.Embedding(6, 2), L.LSTM(2), L.Normalization()]
        )
        fresh.build((None, 3))
        fresh.load_weights(path)
    return {
        "files": files,
        "predict": np.asarray(fresh.predict(ids, verbose=0)).round(5).tolist(),
    }


@SCENARIOS.scenario
def sharded_mixed_precision(lib):
    """A mixed_float16 model (float16 arrays count 2 bytes) compiled with its
    LossScaleOptimizer, whose inner optimizer has its own named group, in 64-byte shards."""
    L = lib.layers
    lib.mixed_precision.set_global_policy("mixed_float16")
    try:
        model = lib.Sequential([L.Input((4,)), L.Dense(3), L.Dense(2, dtype="float32")])
        model.compile(optimizer=lib.optimizers.Adam(0.01), loss="mse")
        model.fit(np.ones((4, 4)), np.ones((4, 2)), verbose=0, batch_size=4)
        with tempfile.TemporaryDirectory() as d:
            model.save_weights(os.path.join(d, "mp.weights.json"), max_shard_size=64 / 1024**3)
            return layout(d)
    finally:
        lib.mixed_precision.set_global_policy("float32")


@SCENARIOS.scenario
def sharded_round_trip(lib):
    """Sharded weights loaded into a fresh model (and its built optimizer) give the same
    predictions and optimizer state; `skip_mismatch` and a mismatched model."""
    model = small_model(lib)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.weights.json")
        model.save_weights(path, max_shard_size=SHARD_BYTES)
        fresh = small_model(lib, compiled=False, name="fresh")
        fresh.compile(optimizer=lib.optimizers.Adam(0.01), loss="mse")
        fresh.optimizer.build(fresh.trainable_variables)
        fresh.load_weights(path)
        other = lib.Sequential([lib.layers.Input((4,)), lib.layers.Dense(5)])
        return {
            "predict": _predict(fresh),
            "same": bool(np.array_equal(fresh.predict(X, verbose=0), model.predict(X, verbose=0))),
            "iterations": int(np.asarray(fresh.optimizer.iterations)),
            "slots": [float(np.asarray(v).sum().round(5)) for v in fresh.optimizer.variables[2:]],
            "mismatch": builtin_error(lambda: other.load_weights(path)),
            "mismatch_skipped": builtin_error(lambda: other.load_weights(path, skip_mismatch=True)),
        }


@SCENARIOS.scenario
def sharded_names(lib):
    """Which names save and load: `.weights.h5` with `max_shard_size` (renamed to `.json`,
    with a warning), `xweights.json` (saves; loading wants `.weights.json`), and the
    errors for the others."""
    model = small_model(lib, compiled=False)
    out = {}
    with tempfile.TemporaryDirectory() as d:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model.save_weights(os.path.join(d, "a.weights.h5"), max_shard_size=1)
        out["h5_warnings"] = [
            str(w.message).replace(d, "<dir>")
            for w in caught
            if issubclass(w.category, UserWarning) and "sharded" in str(w.message)
        ]
        out["h5_files"] = sorted(os.listdir(d))
        model.save_weights(os.path.join(d, "xweights.json"), max_shard_size=1)
        out["x_files"] = sorted(os.listdir(d))
        out["x_load"] = builtin_error(lambda: model.load_weights(os.path.join(d, "xweights.json")))
        # (`m.h5` without `max_shard_size`: numkeras writes Keras 2's layout, as README says)
        for name in ("m.json", "m.h5", "m.weights.json"):
            for size in (None, 1) if name != "m.h5" else (1,):
                path = os.path.join(d, name)
                out[f"save {name} {size}"] = builtin_error(
                    lambda p=path, s=size: model.save_weights(p, max_shard_size=s)
                )
        out["missing_folder"] = builtin_error(
            lambda: model.save_weights(os.path.join(d, "no", "m.weights.json"), max_shard_size=1)
        )
        out["files_after"] = sorted(os.listdir(d))
        out["load_missing"] = builtin_error(
            lambda: model.load_weights(os.path.join(d, "none.weights.json"))
        )
        out["load_model_index"] = builtin_error(
            lambda: lib.saving.load_model(os.path.join(d, "a.weights.json"))
        )
    return out


@SCENARIOS.scenario
def objects_to_skip(lib):
    """`keras.saving.save_weights(..., objects_to_skip=[layer])` leaves the layer out;
    `load_weights(..., objects_to_skip=[...])` leaves it (or the optimizer) as it was:
    `.weights.h5` and sharded files alike; `.keras` files refuse it."""
    model = small_model(lib)

    def sums(m):
        return [round(float(np.asarray(w).sum()), 4) for w in m.weights]

    def fresh():
        m = small_model(lib, compiled=False, name="fresh")
        m.compile(optimizer=lib.optimizers.Adam(0.01), loss="mse")
        m.optimizer.build(m.trainable_variables)
        for w in m.weights:
            w.assign(np.zeros(w.shape, "float32"))
        return m

    out = {}
    with tempfile.TemporaryDirectory() as d:
        for name, size in (("s.weights.h5", None), ("s.weights.json", 1)):
            path = os.path.join(d, name)
            lib.saving.save_weights(model, path, True, size, objects_to_skip=[model.layers[0]])
            written = layout(d)["s_00000.weights.h5" if size else name]
            out[f"{name} groups"] = sorted(k for k in written if k.endswith("vars"))
            target = fresh()
            out[f"{name} unskipped"] = builtin_error(lambda p=path, t=target: t.load_weights(p))
            target = fresh()
            target.load_weights(path, objects_to_skip=[target.layers[0]])
            out[f"{name} skipped"] = sums(target)
            model.save_weights(path, max_shard_size=size)
            target = fresh()
            target.load_weights(path, objects_to_skip=[target.layers[2], target.optimizer])
            out[f"{name} layer and optimizer"] = [
                sums(target),
                [round(float(np.asarray(v).sum()), 4) for v in target.optimizer.variables],
            ]
        model.save(os.path.join(d, "m.keras"))
        out["keras_file"] = builtin_error(
            lambda: fresh().load_weights(os.path.join(d, "m.keras"), objects_to_skip=[])
        )
    return out


@SCENARIOS.scenario
def sharded_too_small(lib):
    """An array larger than `max_shard_size` raises (Keras leaves the first shard file
    behind: numkeras leaves nothing, see the tests)."""
    model = small_model(lib, compiled=False)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.weights.json")
        return {
            "zero": builtin_error(lambda: model.save_weights(path, max_shard_size=0)),
            "tiny": builtin_error(lambda: model.save_weights(path, max_shard_size=16 / 1024**3)),
            "exact": builtin_error(lambda: model.save_weights(path, max_shard_size=48 / 1024**3)),
            "index_written": os.path.exists(path),
        }


# -- Loss.fn ------------------------------------------------------------------------------
LOSS_CLASSES = [
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CTC",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "CategoricalGeneralizedCrossEntropy",
    "CategoricalHinge",
    "Circle",
    "CosineSimilarity",
    "Dice",
    "Hinge",
    "Huber",
    "KLDivergence",
    "LogCosh",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Poisson",
    "SparseCategoricalCrossentropy",
    "SquaredHinge",
    "Tversky",
]


@SCENARIOS.scenario
def loss_fn_builtin(lib):
    """Each built-in loss's `fn` (the public function of that name), its `_fn_kwargs`,
    and that `get_config` leaves `fn` out while `from_config` gives it back."""
    out = {}
    for name in LOSS_CLASSES:
        loss = getattr(lib.losses, name)()
        again = type(loss).from_config(loss.get_config())
        out[name] = {
            "fn": loss.fn.__name__,
            "public": loss.fn is getattr(lib.losses, loss.fn.__name__, None),
            "kwargs": loss._fn_kwargs,
            "config_has_fn": "fn" in loss.get_config(),
            "from_config_fn": again.fn.__name__,
        }
    return out


@SCENARIOS.scenario
def loss_fn_values(lib):
    """`fn` is the plain function: its defaults, not the instance's settings."""
    y = np.array([[1.0, 0.0], [0.0, 1.0]], "float32")
    p = np.array([[0.9, 0.2], [0.3, 0.6]], "float32")
    L = lib.losses

    def values(loss):
        return np.asarray(loss.fn(y, p)).round(6).tolist()

    return {
        "mse": values(L.MeanSquaredError()),
        "bce_logits": values(L.BinaryCrossentropy(from_logits=True)),
        "huber_delta": values(L.Huber(delta=0.1)),
        "cce_smoothing": values(L.CategoricalCrossentropy(label_smoothing=0.2)),
    }


@SCENARIOS.scenario
def loss_fn_assigned(lib):
    """A function assigned to a built-in loss's `fn` is what it computes with (called
    with the loss's `_fn_kwargs`), in a call and in training; its config is unchanged."""
    y = np.array([[1.0, 0.0], [0.0, 3.0]], "float32")
    p = np.array([[0.5, 0.5], [0.0, 1.0]], "float32")
    loss = lib.losses.MeanSquaredError()
    before = float(loss(y, p))
    loss.fn = lib.losses.mean_absolute_error
    model = small_model(lib, compiled=False)
    model.compile(optimizer=lib.optimizers.SGD(0.1), loss=loss)
    target = np.sin(np.arange(6, dtype="float32")).reshape(3, 2) * 3
    history = model.fit(X, target, batch_size=3, epochs=2, verbose=0, shuffle=False)
    bce = lib.losses.BinaryCrossentropy(from_logits=True)
    bce.fn = lib.losses.mean_squared_error  # (called with from_logits=...: a TypeError)
    return {
        "before": round(before, 6),
        "after": round(float(loss(y, p)), 6),
        "config": loss.get_config(),
        "fit_losses": [round(v, 5) for v in history.history["loss"]],
        "kwargs_mismatch": builtin_error(lambda: bce(y, p)),
    }


@SCENARIOS.scenario
def loss_fn_subclasses(lib):
    """A user's `Loss` subclass has no `fn`; a subclass of a built-in keeps its `fn`."""

    class Mine(lib.losses.Loss):
        def call(self, y_true, y_pred):
            return y_pred

    class Softer(lib.losses.Huber):
        pass

    class Summed(lib.losses.MeanSquaredError):  # its own call wins over an assigned fn
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.fn = lib.losses.mean_absolute_error

        def call(self, y_true, y_pred):
            return lib.ops.sum(y_pred, axis=-1)

    class Holding(lib.losses.Loss):  # a user's loss keeping a function as `fn`
        def __init__(self, fn, **kwargs):
            super().__init__(**kwargs)
            self.fn = fn

        def call(self, y_true, y_pred):
            return self.fn(y_true, y_pred)

    y, p = np.zeros((2, 2), "float32"), np.array([[1.0, 2.0], [3.0, 5.0]], "float32")
    holding = Holding(lib.losses.mean_absolute_error)
    return {
        "summed": round(float(Summed()(y, p)), 5),
        "holding": [round(float(holding(y, p)), 5), holding.fn.__name__],
        "mine": builtin_error(lambda: Mine().fn),
        "mine_hasattr": hasattr(Mine(), "fn"),
        "softer": Softer().fn.__name__,
        "softer_kwargs": Softer(delta=3.0)._fn_kwargs,
    }


# -- quantization_mode ----------------------------------------------------------------------
@SCENARIOS.scenario
def quantization_mode(lib):
    """`quantization_mode` of a model and its layers before and after `quantize("int8")`,
    of a layer given a quantized dtype policy, and that it cannot be set."""
    L = lib.layers
    model = lib.Sequential(
        [L.Input((4,)), L.Dense(8), L.Dropout(0.1), L.Dense(3), L.Embedding(5, 3)]
    )
    out = {"before": [model.quantization_mode] + [x.quantization_mode for x in model.layers]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.quantize("int8")
    out["after"] = [model.quantization_mode] + [x.quantization_mode for x in model.layers]
    dense = L.Dense(2, dtype="int8_from_float32")
    out["policy_unbuilt"] = dense.quantization_mode
    dense.build((None, 3))
    out["policy_built"] = dense.quantization_mode
    out["mixed"] = L.Dense(2, dtype="mixed_float16").quantization_mode
    out["set_model"] = builtin_error(lambda: setattr(model, "quantization_mode", "int8"))
    out["set_layer"] = builtin_error(lambda: setattr(L.Dropout(0.1), "quantization_mode", "int8"))
    x = L.Input((3,))
    functional = lib.Model(x, L.Dense(2)(x))
    functional.quantize("int8")
    out["functional"] = [functional.quantization_mode, functional.layers[1].quantization_mode]
    return out


# -- positional and keyword arguments ------------------------------------------------------
@SCENARIOS.scenario
def pooling_name_by_position(lib):
    """`MaxPooling2D(2, None, "valid", None, "pool")`: Keras's fifth parameter is `name`."""
    L = lib.layers
    out = {}
    for cls in ("MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "MaxPool2D"):
        out[cls] = getattr(L, cls)(2, None, "valid", None, f"p_{cls}").name
    for cls in ("AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "AvgPool1D"):
        out[cls] = getattr(L, cls)(2, None, "same", None, f"p_{cls}").name
    out["RandomCrop"] = L.RandomCrop(2, 3, 7, None, "crop").name
    return out


@SCENARIOS.scenario
def positional_layer_arguments(lib):
    """Arguments Keras takes by position: a pooling layer's mask second in its call, the
    activation of a depthwise / separable convolution eighth / ninth."""
    L = lib.layers
    x = np.arange(24, dtype="float32").reshape(2, 3, 4) / 10
    mask = np.array([[True, True, False], [True, False, False]])
    depthwise = L.DepthwiseConv2D(3, 1, "same", 1, None, 1, "relu", False)
    separable = L.SeparableConv2D(4, 3, 1, "same", None, 1, 1, "relu", False)
    reversible = L.ReversibleEmbedding(5, 4)
    reversible.build((None, 3))
    hidden = np.ones((2, 4), "float32")
    inputs, masks = lib.Input((3, 4)), lib.Input((3,), dtype="bool")
    graph = lib.Model([inputs, masks], L.GlobalAveragePooling1D()(inputs, masks))
    return {
        "gap_mask": np.asarray(L.GlobalAveragePooling1D()(x, mask)).round(6).tolist(),
        "gap_mask_graph": np.asarray(graph.predict([x, mask], verbose=0)).round(6).tolist(),
        "gap_call_mask": np.asarray(L.GlobalAveragePooling1D().call(x, mask)).round(6).tolist(),
        "reverse_call": list(np.asarray(reversible.call(hidden, True)).shape),
        "depthwise": [
            depthwise.get_config()["activation"],
            depthwise.get_config()["use_bias"],
        ],
        "separable": [
            separable.get_config()["activation"],
            separable.get_config()["use_bias"],
        ],
    }


@SCENARIOS.scenario
def from_config_custom_objects(lib):
    """`from_config(config, custom_objects)` of the wrappers and layers whose Keras
    signature takes it: a user's layer inside comes from `custom_objects`."""
    L = lib.layers

    class Twice(L.Layer):
        def call(self, x):
            return x * 2

    class Cell(L.Layer):
        def __init__(self, units=2, **kwargs):
            super().__init__(**kwargs)
            self.units, self.state_size = units, units

        def call(self, x, states):
            return x[:, : self.units] + states[0], [x[:, : self.units] + states[0]]

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    custom = {"Twice": Twice, "Cell": Cell}
    out = {}
    for name, layer in {
        "TimeDistributed": L.TimeDistributed(Twice()),
        "RNN": L.RNN(Cell()),
        "Bidirectional": L.Bidirectional(L.LSTM(2)),  # (Keras cannot wrap RNN(Cell()))
    }.items():
        again = type(layer).from_config(layer.get_config(), custom)
        inner = {"TimeDistributed": "layer", "RNN": "cell", "Bidirectional": "forward_layer"}
        out[name] = type(getattr(again, inner[name])).__name__
    out["Rescaling"] = L.Rescaling.from_config(L.Rescaling(0.5, 1.0).get_config(), None).scale
    out["Discretization"] = L.Discretization.from_config(
        L.Discretization([0.0, 1.0]).get_config(), None
    ).bin_boundaries
    return out


@SCENARIOS.scenario
def compute_mask_keyword(lib):
    """`compute_mask(inputs, mask=...)`: Keras's keyword on the layers that define it."""
    L = lib.layers
    a = np.ones((2, 3, 4), "float32")
    m1 = np.array([[True, False, True], [True, True, False]])
    m2 = np.array([[True, True, False], [False, True, True]])

    def as_list(mask):
        return None if mask is None else np.asarray(mask).tolist()

    return {
        "concatenate": as_list(L.Concatenate().compute_mask([a, a], mask=[m1, m2])),
        "add": as_list(L.Add().compute_mask([a, a], mask=[m1, m2])),
        "add_none": as_list(L.Add().compute_mask([a, a], mask=None)),
        "embedding": as_list(
            L.Embedding(5, 2, mask_zero=True).compute_mask(np.array([[0, 1, 2]]), mask=None)
        ),
        "masking": as_list(L.Masking(0.0).compute_mask(np.zeros((1, 2, 3)), mask=None)),
        "attention": as_list(L.Attention().compute_mask([a, a], mask=[m1, None])),
    }


@SCENARIOS.scenario
def optimizer_positional_arguments(lib):
    """The base optimizer's arguments (`weight_decay`, `clipnorm`, ..., `name`) by position
    after an optimizer's own, in Keras's order (Muon's come before `exclude_layers`)."""
    O = lib.optimizers
    keys = ("weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema", "name")

    def settings(optimizer):
        config = optimizer.get_config()
        return {key: config.get(key) for key in keys}

    out = {
        "sgd": settings(
            O.SGD(0.1, 0.5, True, 0.01, 1.0, None, None, True, 0.9, None, None, None, "s")
        ),
        "adadelta": settings(O.Adadelta(0.1, 0.9, 1e-6, 0.02, 2.0)),
        "rmsprop": settings(O.RMSprop(0.1, 0.9, 0.0, 1e-7, False, 0.01, None, 0.5)),
        "adamw": settings(O.AdamW(0.1, 0.01, 0.9, 0.999, 1e-7, False, 1.5, None, None, True)),
        "muon": settings(
            O.Muon(
                0.01,
                0.9,
                0.999,
                0.004,
                1e-7,
                0.1,
                1.0,
                None,
                None,
                False,
                0.99,
                None,
                None,
                None,
                "mu",
            )
        ),
        "lion": settings(O.Lion(0.1, 0.9, 0.99, 0.03)),
        "nadam": settings(O.Nadam(0.1, 0.9, 0.999, 1e-7, 0.02, None, 0.3)),
    }
    out["twice"] = builtin_error(
        lambda: O.AdamW(0.1, 0.01, 0.9, 0.999, 1e-7, False, 1.5, clipnorm=2.0)
    )
    out["too_many"] = builtin_error(lambda: O.Lion(0.1, 0.9, 0.99, *([None] * 11)))
    return out


@SCENARIOS.scenario
def config_get_keywords(lib):
    """`keras.utils.Config.get(keyname, value=None)`: Keras's parameter names."""
    config = lib.utils.Config(a=1)
    return [config.get(keyname="a"), config.get("b", value=3), config.get("c")]


@SCENARIOS.scenario
def loss_deserialize_name(lib):
    """`keras.losses.deserialize(name, custom_objects=None)`: the config given as `name=`."""
    loss = lib.losses.deserialize(
        name={"class_name": "MeanSquaredError", "config": {"name": "m", "reduction": "sum"}},
        custom_objects=None,
    )
    return [type(loss).__name__, loss.name, loss.reduction]


# -- files written by one library and read by the other --------------------------------------
def write_files(keras) -> dict:
    """The committed sharded sets, and what Keras reads from numkeras's."""
    import numkeras

    out = {}
    for lib, prefix in ((keras, "keras"), (numkeras, "numkeras")):
        for old in SAVING.glob(f"{prefix}_sharded*"):
            old.unlink()
        model = small_model(lib)
        model.save_weights(SAVING / f"{prefix}_sharded.weights.json", max_shard_size=SHARD_BYTES)
        out[prefix] = {
            "predict": _predict(model),
            "optimizer": [np.asarray(v).round(6).tolist() for v in model.optimizer.variables],
        }
    fresh = small_model(keras, compiled=False, name="fresh")
    fresh.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    fresh.optimizer.build(fresh.trainable_variables)
    fresh.load_weights(SAVING / "numkeras_sharded.weights.json")
    out["keras_reads_numkeras"] = {
        "predict": _predict(fresh),
        "optimizer": [np.asarray(v).round(6).tolist() for v in fresh.optimizer.variables],
    }
    return out


if __name__ == "__main__":
    which = sys.argv[1:]
    names = [n for n in which if n != "files"]
    if not which or "files" in which:
        import keras

        files = write_files(keras)
        SCENARIOS["files"] = lambda lib: files  # (kept in the JSON beside the scenarios)
        names = names + ["files"] if which else names
    SCENARIOS.write(OUT, names or None)
