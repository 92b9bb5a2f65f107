"""Reading files that Keras 2 wrote (a `.h5`, or tf_keras 2.13+'s own `.keras`).

Keras 2's configs and optimizer states differ from Keras 3's in a few fixed ways; this
module rewrites them into the Keras 3 forms the rest of numkeras reads (as Keras 3's own
`legacy/saving` code does). Nothing here runs code from the file.

Configs:
- a functional model's `inbound_nodes` are lists `[[layer, node, tensor, kwargs], ...]`
  (Keras 3: `{"args": [...__keras_tensor__...], "kwargs": {}}`); a nested model's node 0
  was its own graph, so Keras 2 counts its calls from 1 (`_should_skip_first_node`);
- `InputLayer(batch_input_shape=)`, `LeakyReLU(alpha=)`, `BatchNormalization(axis=[1])`,
  `Embedding(input_length=)`, a transposed convolution's `groups=1`, a separable or
  depthwise convolution's `groups=1` and unused `kernel_*`, MultiHeadAttention's build shapes and
  `softmax_robust_masking=False`;
- a Sequential's first layer repeats the `InputLayer`'s `batch_input_shape`, and so does a
  functional model's layer that was given an input shape;
- a nested functional model's one input / output is a list of one reference.

Compile arguments (`training_config` in a `.h5`, `compile_config` in a `.keras`):
- the optimizer is `Custom>Adam` (tf_keras 2.11+ in a `.h5`);
- losses have `reduction="auto"` and a `fn` entry;
- metrics are per-output lists of `MeanMetricWrapper(name="out_accuracy", fn=...)` (or
  metric objects, `out_auc`), a weighted twin of a metric named `weighted_...`.

Optimizer state: Keras 2 keeps no learning-rate variable (`iteration, slots...`). tf_keras
2.11+'s optimizers order the slots as Keras 3 does; the older ones (Keras 2.3-2.10, and
`tf_keras.optimizers.legacy`) put each slot name's variables together
(`Adam/dense/kernel/m:0, Adam/dense/bias/m:0, ..., Adam/dense/kernel/v:0, ...`).
"""

from __future__ import annotations

import copy
import warnings

import numpy as np

from numkeras.errors import ConfigError, NumkerasWarning
from numkeras.metrics.resolve import SHAPE_RESOLVED_NAMES

_MODELS = ("Sequential", "Functional", "Model")


def is_keras2(version) -> bool:
    """Whether a file's `keras_version` is Keras 2's (or older, or unrecorded)."""
    if isinstance(version, bytes):
        version = version.decode("utf8")
    return not str(version or "").startswith("3")


# -- configs -----------------------------------------------------------------------------
def model_config(config: dict, written_by_keras2: bool = True) -> dict:
    """A Keras 2 model (or layer) config in the Keras 3 form numkeras reads. In a file
    Keras 2 wrote (not numkeras's own `.h5`, which has Keras 2's form but Keras 3's
    meanings), `"hard_sigmoid"` is Keras 2's formula: it becomes `"hard_sigmoid_keras2"`."""
    config = copy.deepcopy(config)
    _layer(config)
    if written_by_keras2:
        _keras2_activations(config)
    return config


def _keras2_activations(value) -> None:
    """Every `activation` / `recurrent_activation` "hard_sigmoid" in `value` (nested
    configs included) made Keras 2's formula, which a Keras 2 file means."""
    if isinstance(value, dict):
        for key in ("activation", "recurrent_activation"):
            if value.get(key) == "hard_sigmoid":
                value[key] = "hard_sigmoid_keras2"
        for v in value.values():
            _keras2_activations(v)
    elif isinstance(value, list):
        for v in value:
            _keras2_activations(v)


def _layer(entry: dict) -> None:
    if not isinstance(entry, dict):
        return
    name, cfg = entry.get("class_name"), entry.get("config")
    if name == "Sequential" and isinstance(cfg, list):  # Keras 2.0-2.1: the bare layer list
        cfg = entry["config"] = {"layers": cfg}
    if not isinstance(cfg, dict):
        return
    if "time_major" in cfg:  # Keras 2's recurrent layers; Keras 3 has batch-major inputs only
        if cfg.pop("time_major"):
            raise ConfigError(
                f"Layer '{cfg.get('name')}' ({name}) was saved with time_major=True (inputs "
                "(timesteps, batch, features)); numkeras, as Keras 3, takes batch-major inputs "
                "only. Re-save it with time_major=False (and transpose your data)."
            )
    if name in ("Bidirectional", "TimeDistributed"):  # the wrapped layers' configs too
        _layer(cfg.get("layer"))
        _layer(cfg.get("backward_layer"))
    if name == "Sequential":
        layers = cfg.get("layers") or []
        for layer in layers:
            _layer(layer)
        if layers and layers[0].get("class_name") == "InputLayer":
            for layer in layers[1:]:  # the InputLayer's shape, repeated
                if isinstance(layer.get("config"), dict):
                    layer["config"].pop("batch_input_shape", None)
    elif name in ("Functional", "Model"):
        _functional(cfg)
    elif name == "InputLayer":
        if "batch_input_shape" in cfg and "batch_shape" not in cfg:
            cfg["batch_shape"] = cfg.pop("batch_input_shape")
    elif name == "LeakyReLU":
        if "alpha" in cfg and "negative_slope" not in cfg:
            cfg["negative_slope"] = cfg.pop("alpha")
    elif name == "BatchNormalization":
        axis = cfg.get("axis")
        if isinstance(axis, list) and len(axis) == 1:
            cfg["axis"] = axis[0]
    elif name == "Embedding":
        cfg.pop("input_length", None)  # deprecated in Keras 3 (the input's shape says it)
    elif name in _TRANSPOSED and cfg.get("groups") == 1:
        del cfg["groups"]  # tf_keras's transposed convolutions inherit Conv's `groups`
    elif name in ("SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D"):
        if cfg.get("groups") == 1:  # tf_keras's inherit Conv's `groups` and unused kernel_*
            del cfg["groups"]
            for key in ("kernel_initializer", "kernel_regularizer", "kernel_constraint"):
                cfg.pop(key, None)
    elif name == "MultiHeadAttention":
        for key in ("query_shape", "key_shape", "value_shape"):  # built by its first call
            cfg.pop(key, None)
        entry.pop("build_config", None)  # (tf_keras's has the query's shape alone)
        if cfg.get("softmax_robust_masking") is False:  # (True: another mask formula)
            del cfg["softmax_robust_masking"]


_TRANSPOSED = ("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose")


def _has_own_first_node(entry: dict, functional: bool = True) -> bool:
    """Whether Keras 2 skipped this layer's node 0: a nested model that has inputs.
    `functional=False` leaves out nested functional models: writing Keras 2's form, their
    calls keep the numbers Keras 3's config gives them (from 1, as tf_keras counts them:
    its `_should_skip_first_node`)."""
    name, cfg = entry.get("class_name"), entry.get("config")
    if name in ("Functional", "Model"):
        return functional
    if name != "Sequential" or not isinstance(cfg, dict) or not cfg.get("layers"):
        return False
    first = cfg["layers"][0]
    return first.get("class_name") == "InputLayer" or "batch_input_shape" in first.get("config", {})


def _functional(cfg: dict) -> None:
    layers = cfg.get("layers") or []
    legacy = [
        node for la in layers for node in la.get("inbound_nodes") or [] if isinstance(node, list)
    ]
    # node indices used for each nested model (a model referenced at 0 was not shifted)
    shift = {la.get("name") for la in layers if _has_own_first_node(la)}
    refs = [(r[0], r[1]) for node in legacy for r in node if isinstance(r, list)]
    refs += [(r[0], r[1]) for key in ("input_layers", "output_layers") for r in _refs(cfg, key)]
    shift -= {name for name, index in refs if index == 0}
    for layer in layers:
        _layer(layer)
        if layer.get("class_name") != "InputLayer" and isinstance(layer.get("config"), dict):
            # tf_keras repeats an input shape given to a layer; the `Input`s say it here
            layer["config"].pop("batch_input_shape", None)
        if layer.get("class_name") in ("Functional", "Model"):
            _single_refs(layer.get("config") or {})
        nodes = layer.get("inbound_nodes") or []
        layer["inbound_nodes"] = [
            _node(node, shift) if isinstance(node, list) else node for node in nodes
        ]
    for key in ("input_layers", "output_layers"):
        if cfg.get(key):
            cfg[key] = _map_refs(cfg[key], lambda r: _ref(r, shift))


def _single_refs(cfg: dict) -> None:
    """A nested functional model's one input / output, which Keras 2 wrote as a list of one
    reference, as one tensor (tf_keras's Functional unwraps such a list): a list of one
    output would reach the next layer, or the outer model's loss, as a list."""
    for key in ("input_layers", "output_layers"):
        refs = cfg.get(key)
        if isinstance(refs, list) and len(refs) == 1 and isinstance(refs[0], list):
            cfg[key] = refs[0]


def _map_refs(refs, fn):
    """`fn` over each `[layer, node, tensor]` of `input_layers` / `output_layers`: one
    reference, a list of them, or a dict of them (a model with dict inputs / outputs)."""
    if isinstance(refs, dict):
        return {k: _map_refs(v, fn) for k, v in refs.items()}
    if refs and isinstance(refs[0], str):
        return fn(refs)
    return [_map_refs(r, fn) for r in refs]


def _refs(cfg: dict, key: str) -> list:
    found: list = []
    _map_refs(cfg.get(key) or [], found.append)
    return found


def _ref(ref: list, shift: set) -> list:
    name, index, tensor = ref[0], ref[1], ref[2]
    return [name, index - 1 if name in shift else index, tensor]


def _node(node: list, shift: set) -> dict:
    tensors = [
        {"class_name": "__keras_tensor__", "config": {"keras_history": _ref(r, shift)}}
        for r in node
    ]
    kwargs = node[0][3] if node and len(node[0]) > 3 and isinstance(node[0][3], dict) else {}
    kwargs = {k: _keyword_tensor(v, shift) for k, v in kwargs.items()}
    return {"args": [tensors] if len(tensors) > 1 else tensors, "kwargs": kwargs}


def _keyword_tensor(value, shift: set):
    """A tensor given as a keyword (`mha(q, value=v)`), which Keras 2 writes as its bare
    `[layer, node, tensor]`, as Keras 3's tensor reference; other values as they are."""
    is_ref = (
        isinstance(value, list)
        and len(value) == 3
        and isinstance(value[0], str)
        and all(isinstance(i, int) and not isinstance(i, bool) for i in value[1:])
    )
    if not is_ref:
        return value
    return {"class_name": "__keras_tensor__", "config": {"keras_history": _ref(value, shift)}}


# -- compile arguments ---------------------------------------------------------------------
def compile_config(config: dict, output_names: list[str] | None) -> dict:
    """Keras 2's compile arguments (a `.h5`'s `training_config`, with `optimizer_config`, or
    a tf_keras `.keras`'s `compile_config`) in the forms numkeras compiles from."""
    config = copy.deepcopy(config)
    optimizer = config.pop("optimizer_config", None) or config.get("optimizer")
    if isinstance(optimizer, dict):
        name = str(optimizer.get("class_name", "")).split(">")[-1]
        optimizer = {"class_name": name, "config": optimizer.get("config") or {}}
        if name in _LEGACY_FORMULAS and "is_legacy_optimizer" not in optimizer["config"]:
            # written by Keras 2.0-2.10 or tf_keras's `optimizers.legacy` (its new ones
            # write `is_legacy_optimizer: false`): resumed with those formulas, as tf_keras
            from numkeras.optimizers import legacy

            optimizer = getattr(legacy, name).from_config(optimizer["config"])
    config["optimizer"] = optimizer
    config["loss"] = _map(config.get("loss"), _loss)
    outputs = output_names or []
    config["metrics"] = _metrics(config.get("metrics"), outputs)
    taken = set()  # the unweighted metrics' names: Keras 2 told a weighted twin by `weighted_`
    _map(config["metrics"], lambda m: taken.add(m if isinstance(m, str) else _name_of(m)))
    config["weighted_metrics"] = _metrics(config.get("weighted_metrics"), outputs, taken)
    return config


def _name_of(spec) -> str | None:
    inner = spec.get("config") if isinstance(spec, dict) else None
    return inner.get("name") if isinstance(inner, dict) else None


def _map(spec, leaf):
    if isinstance(spec, dict) and not ("class_name" in spec and "config" in spec):
        return {k: _map(v, leaf) for k, v in spec.items()}
    if isinstance(spec, list):
        return [_map(v, leaf) for v in spec]
    return leaf(spec)


def _loss(spec):
    if not isinstance(spec, dict) or not isinstance(spec.get("config"), dict):
        return spec
    inner = dict(spec["config"])
    if inner.get("reduction") == "auto":  # Keras 2's default, Keras 3's sum_over_batch_size
        inner["reduction"] = "sum_over_batch_size"
    if spec.get("class_name") != "LossFunctionWrapper":
        inner.pop("fn", None)  # a built-in loss class names its own function
    return {**spec, "config": inner}


def _metrics(spec, outputs: list[str], weighted: set | None = None):
    """Keras 2's per-output metric lists (`[[m1], [m2]]`, one list per output, even for one
    output) as Keras 3's list (one output) or dict (by output name)."""
    if not isinstance(spec, list) or not spec or not all(isinstance(s, list) for s in spec):
        return _map(spec, lambda m: _metric(m, None, weighted))
    if len(spec) == 1:
        output = outputs[0] if len(outputs) == 1 else None
        return [_metric(m, output, weighted) for m in spec[0]]
    if len(spec) == len(outputs):
        return {out: [_metric(m, out, weighted) for m in ms] for out, ms in zip(outputs, spec)}
    return _map(spec, lambda m: _metric(m, None, weighted))


def _own_name(name: str, output: str | None, weighted: set | None) -> str:
    """A Keras 2 metric's name as compiled: without the output's prefix (`out_a_acc`), and
    a weighted metric (`weighted` holds the unweighted ones' names) without the `weighted_`
    Keras 2 added to tell it from its unweighted twin (Keras 3, and numkeras, add it again)."""
    if output and name.startswith(f"{output}_"):
        name = name[len(output) + 1 :]
    if weighted and name.startswith("weighted_") and name[len("weighted_") :] in weighted:
        name = name[len("weighted_") :]
    return name


def _metric(spec, output: str | None, weighted: set | None = None):
    """A `MeanMetricWrapper` over a built-in function as the name it was compiled with; a
    metric object under its own name."""
    if not isinstance(spec, dict):
        return spec
    inner = spec.get("config") or {}
    if spec.get("class_name") != "MeanMetricWrapper":
        if isinstance(inner, dict) and isinstance(inner.get("name"), str):
            name = _own_name(inner["name"], output, weighted)
            return {**spec, "config": {**inner, "name": name}}
        return spec
    from numkeras import metrics

    name, fn = _own_name(str(inner.get("name", "")), output, weighted), inner.get("fn")
    for candidate in (name, fn):
        if not isinstance(candidate, str):
            continue
        if candidate in ("accuracy", "acc"):
            return candidate  # the spelling it was compiled with (`metrics=["acc"]`)
        try:
            metrics.get(candidate)
        except Exception:  # noqa: BLE001 - not a name numkeras knows: try the next
            continue
        return candidate
    return spec


# -- optimizer state ---------------------------------------------------------------------
def optimizer_store(optimizer, model, values: list, names: list[str] | None = None) -> dict | None:
    """Keras 2's optimizer state (`iteration`, then the slots; no learning rate) as the
    `{"0": array, ...}` store of numkeras's `optimizer.variables`, or None (with a warning)
    when it does not fit this optimizer."""
    if not values:
        return None
    # Keras 2's legacy Nadam keeps its schedule's running product after the iteration
    # count (`momentum_cache`, Keras 2.0-2.3's `m_schedule`): numkeras derives it from the
    # iteration count, as below for tf_keras 2.11+'s Nadam, which saves none
    cache = bool(names) and len(names) == len(values) > 1
    cache = cache and str(names[1]).split("/")[-1].startswith(("momentum_cache", "m_schedule"))
    if len(values) == 1:  # saved before any update: the iteration count alone
        slot_values: list = []
    else:
        optimizer.build(model._trained_variables())
        slot_values = list(values[2:] if cache else values[1:])
    groups = optimizer.slot_groups()
    states = list(optimizer._order)
    n_slots = sum(len(g) for g in groups) * len(states)
    if n_slots == 0:
        slot_values = []  # e.g. Keras 2's SGD keeps momenta even at momentum=0: unused
    elif len(slot_values) == n_slots + len(states) and all(
        getattr(v, "shape", None) == (1,) for v in slot_values[n_slots:]
    ):
        slot_values = slot_values[:n_slots]  # Keras 2.0-2.2's Adam: placeholder `vhats`
    extra = optimizer._extra_variables() if slot_values else []
    # tf_keras 2.11+'s Nadam saves no `u_product` (numkeras's, as Keras 3's, follows from
    # the iteration count): derived below
    derived = type(optimizer).__name__ == "Nadam" and len(extra) == 1
    derived = derived and (cache or not (names and slot_major(names)))
    if slot_values and (
        len(slot_values) != n_slots
        or (extra and not derived)
        or optimizer.gradient_accumulation_steps
    ):
        warnings.warn(
            f"Skipping variable loading for optimizer '{optimizer.name}': the Keras 2 state in "
            f"the file has {len(slot_values)} slot variables, numkeras's "
            f"{type(optimizer).__name__} has {n_slots}. The optimizer starts afresh.",
            NumkerasWarning,
            stacklevel=4,
        )
        return None
    if slot_values and names and slot_major(names):
        slot_values = _reorder_slot_major(slot_values, groups, len(states))
    store = [values[0]]
    if optimizer._learning_rate is optimizer._lr_var:
        store.append(optimizer._lr_var.numpy())  # Keras 2 kept it in the config only
    if slot_values:
        store += slot_values
    if extra and derived:
        step = int(np.asarray(values[0]))
        store.append(np.asarray(optimizer._u_product(step, extra[0].dtype.type)))
    if len(store) != len(optimizer.variables):  # not built: iterations (and lr) only
        optimizer.build(model._trained_variables())
        if len(store) != len(optimizer.variables):
            return None
    return {str(i): v for i, v in enumerate(store)}


def slot_major(names: list[str]) -> bool:
    # Keras 2.3-2.10 (OptimizerV2): `Adam/iter:0`, `Adam/dense/kernel/m:0`; tf_keras 2.11+:
    # `iteration:0`, `Adam/m/dense/kernel:0`
    return names[0].split("/")[-1].startswith("iter:")


# numkeras optimizers whose state tf_keras's legacy optimizer of the same name holds in the
# same slots (`iterations`, then each slot name's variables together; no learning rate),
# checked by resuming in tf_keras 2.21 (its Ftrl and Nadam keep other state: not listed)
_LEGACY_STATE = ("SGD", "Adam", "RMSprop", "Adagrad", "Adamax", "Adadelta")


def legacy_optimizer_state(optimizer) -> tuple[list[str], list] | None:
    """A built numkeras optimizer's state in Keras 2.3-2.10's layout (`Adam/iter:0`, then
    per slot name, per variable), which tf_keras builds from a `.h5`'s `training_config`
    (its legacy optimizers) and loads; numkeras reads it back (`optimizer_store`). Keras 3
    builds the optimizer of a loaded `.h5` on no variables and cannot resume from any
    layout (`Argument optimizer_variables must be a list of tensors ...` on the next
    step, with its own files too). None where the layouts differ (other classes, EMA,
    gradient accumulation, extra variables): then Keras 3's layout is written."""
    name = type(optimizer).__name__
    if (
        name not in _LEGACY_STATE
        or not type(optimizer).__module__.startswith("numkeras.")
        or not optimizer.built
        or optimizer.use_ema
        or optimizer.gradient_accumulation_steps is not None
        or optimizer._extra_variables()
    ):
        return None
    variables = optimizer.variables
    has_lr = optimizer._learning_rate is optimizer._lr_var
    slots = variables[2 if has_lr else 1 :]
    groups = optimizer.slot_groups()
    states = list(optimizer._order)
    flat = [n for group in groups for n in group]
    if len(slots) != len(flat) * len(states):
        return None
    # Keras 3's position p holds slot-major entry order[p] (the inverse of the reading order)
    order = _reorder_slot_major(list(range(len(slots))), groups, len(states))
    values: list = [None] * len(slots)
    for p, v in enumerate(slots):
        values[order[p]] = v.numpy()
    names = [f"{name}/iter:0"] + [
        f"{name}/{st.var.path}/{slot}:0" for slot in flat for st in states
    ]
    return names, [variables[0].numpy()] + values


def _reorder_slot_major(values: list, groups, n_vars: int) -> list:
    """Keras 2.3-2.10's order (per slot name, per variable) as Keras 3's (per group, per
    variable, per name within the group)."""
    flat = [n for group in groups for n in group]
    out = []
    for group in groups:
        for i in range(n_vars):
            for n in group:
                out.append(values[flat.index(n) * n_vars + i])
    return out


# -- writing: Keras 3 configs in the form Keras 2 reads --------------------------------------
# A `.h5` is Keras 2's format: numkeras writes its model config the way tf_keras 2 wrote it,
# which Keras 3's legacy loader reads too (`legacy/saving/saving_utils.model_from_config`
# maps `batch_input_shape`; its Functional reads list-form nodes). Keras-3-only arguments
# that tf_keras rejects are left out when they hold their defaults; `seed` of a recurrent
# layer (only its dropout masks' randomness) always, as tf_keras's RNNs take none.
_K3_ONLY_DEFAULTS = {
    "quantization_config": None,  # Dense, EinsumDense, Embedding, Conv layers (Keras 3.15)
    "lora_rank": None,
    "lora_alpha": None,
    "input_axes": None,  # VarianceScaling initializers (Keras 3.15)
    "output_axes": None,
    "optional": False,  # InputLayer
}
# Keras-3-only arguments of single classes, left out at their defaults (tf_keras rejects them)
_K3_ONLY_CLASS_DEFAULTS = {
    "LayerNormalization": {"rms_scaling": False},
    "ZeroPadding1D": {"data_format": "channels_last"},
    "Resizing": {
        "pad_to_aspect_ratio": False,
        "fill_mode": "constant",
        "fill_value": 0.0,
        "antialias": False,
        "data_format": "channels_last",
    },
    "CenterCrop": {"data_format": "channels_last"},
    "IntegerLookup": {"oov_method": "floormod", "salt": None},
    "StringLookup": {"oov_method": "floormod", "salt": None},
    # not Keras 3 only, but Keras 3's legacy loader turns a string that names a function of
    # `keras.layers` (`dot`) into that function (`Invalid value for argument score_mode`);
    # left out, both Kerases take the default
    "Attention": {"score_mode": "dot"},
}
_RNNS = (
    "LSTM",
    "GRU",
    "SimpleRNN",
    "RNN",
    "Bidirectional",
    "ConvLSTM1D",
    "ConvLSTM2D",
    "ConvLSTM3D",
)
# optimizer arguments left out at their defaults: Keras 3's own, and those of tf_keras's
# new optimizers; a config without `is_legacy_optimizer: false` (which Keras 3 rejects)
# makes tf_keras build its legacy optimizer (`tf_keras.optimizers.legacy`), which has none
_OPTIMIZER_DEFAULTS = {
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
    "weight_decay": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
}
# optimizers whose Keras 2 (legacy) formulas differ from Keras 3's: numkeras.optimizers.legacy
_LEGACY_FORMULAS = ("RMSprop", "Adagrad", "Nadam")
# loss names Keras 3.15's legacy `.h5` loader cannot read back (`Could not deserialize
# 'keras.metrics.mse'`): written as the functions' full names, which both Kerases read
_LOSS_ALIASES = {
    "mse": "mean_squared_error",
    "mae": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error",
}


def keras2_model_config(config: dict, keras2_source: dict | None = None) -> dict:
    """A model config as `serialize_layer` writes it (Keras 3's form) in Keras 2's form;
    a model with operations (`numkeras.ops`, `x * 2.0`), which Keras 2 cannot express, or
    with a layer called on several tensor arguments (`MultiHeadAttention()(q, v)`), which
    Keras 3 cannot read back from Keras 2's form (its list nodes call `layer([q, v])`),
    keeps Keras 3's form (Keras 3 and numkeras read it). So does a model whose graph feeds a
    nested functional model's output to another layer: Keras 2's form numbers that call
    from 1 (the nested model's own graph is its node 0), which tf_keras needs and Keras 3
    cannot read (its list nodes index the calls from 0). `keras2_source`: the config to
    convert when Keras 2's form is written (one without the keywords only Keras 3 records)."""
    if (
        _has_operations(config)
        or _has_multi_argument_call(config)
        or _feeds_nested_functional(config)
    ):
        return copy.deepcopy(config)
    return _to_k2(copy.deepcopy(config if keras2_source is None else keras2_source))


def _feeds_nested_functional(config) -> bool:
    """Whether a functional config (at any depth) has a layer whose input is the output of
    a nested functional model."""
    if isinstance(config, list):
        return any(_feeds_nested_functional(v) for v in config)
    if not isinstance(config, dict):
        return False
    inner = config.get("config")
    layers = inner.get("layers") if isinstance(inner, dict) else None
    if config.get("class_name") in ("Functional", "Model") and isinstance(layers, list):
        nested = {
            la.get("name") for la in layers if la.get("class_name") in ("Functional", "Model")
        }
        fed = {
            history[0]
            for layer in layers
            for history in _tensor_refs(layer.get("inbound_nodes") or [])
        }
        if nested & fed:
            return True
    return any(_feeds_nested_functional(v) for v in config.values())


def _has_operations(config) -> bool:
    if isinstance(config, dict):
        if str(config.get("module", "")).startswith("keras.src.ops"):
            return True
        return any(_has_operations(v) for v in config.values())
    if isinstance(config, list):
        return any(_has_operations(v) for v in config)
    return False


def _tensor_refs(value):
    """The `keras_history` of each symbolic tensor reference (`__keras_tensor__`) in a
    config value, at any depth."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            yield value["config"]["keras_history"]
            return
        for v in value.values():
            yield from _tensor_refs(v)
    elif isinstance(value, list):
        for v in value:
            yield from _tensor_refs(v)


def _has_multi_argument_call(config) -> bool:
    """Whether a functional node calls a layer with more than one positional argument, or
    with a tensor among its keywords."""
    if isinstance(config, dict):
        nodes = config.get("inbound_nodes")
        if isinstance(nodes, list):
            for node in nodes:
                if isinstance(node, dict) and (
                    len(node.get("args") or []) > 1
                    or next(_tensor_refs(node.get("kwargs") or {}), None) is not None
                ):
                    return True
        return any(_has_multi_argument_call(v) for v in config.values())
    if isinstance(config, list):
        return any(_has_multi_argument_call(v) for v in config)
    return False


def _is_object(value) -> bool:
    return isinstance(value, dict) and "class_name" in value and "config" in value


def _to_k2(entry: dict) -> dict:
    """One serialized object (a layer, initializer, regularizer, ...) in Keras 2's form."""
    name, cfg = entry["class_name"], entry["config"]
    out = {"class_name": entry.get("registered_name") or name}
    if isinstance(cfg, dict):
        cfg = {k: _value(v) for k, v in cfg.items()}
        for key, default in {**_K3_ONLY_DEFAULTS, **_K3_ONLY_CLASS_DEFAULTS.get(name, {})}.items():
            if key in cfg and cfg[key] == default:
                del cfg[key]
        if name == "InputLayer" and "batch_shape" in cfg:
            cfg = {"batch_input_shape": cfg.pop("batch_shape"), **cfg}
        elif name == "LeakyReLU" and "negative_slope" in cfg:
            cfg["alpha"] = cfg.pop("negative_slope")
        elif name in _RNNS:
            cfg.pop("seed", None)
        elif name in ("IntegerLookup", "StringLookup") and cfg.get("output_mode") == "int":
            # tf_keras's own config: token ids as int64 (its loader refuses a float dtype)
            cfg["dtype"] = "int64"
        for key in _NESTED_LAYERS.get(name, ()):
            value = entry["config"].get(key)
            if _is_object(value):
                cfg[key] = _wrapped(value)
            elif isinstance(value, list):  # (StackedRNNCells's cells)
                cfg[key] = [_wrapped(v) if _is_object(v) else _value(v) for v in value]
        if name == "Sequential":
            cfg["layers"] = [_to_k2(la) for la in cfg.get("layers") or []]
        elif name in ("Functional", "Model"):
            _k2_functional(cfg)
    out["config"] = cfg
    for key in ("name", "inbound_nodes"):  # a functional model's layer entries
        if key in entry:
            out[key] = entry[key]
    return out


# the config keys holding layers (wrapped layers, RNN cells) that Keras 3 rebuilds by
# their `module`
_NESTED_LAYERS = {
    "Bidirectional": ("layer", "backward_layer"),
    "TimeDistributed": ("layer",),
    "SpectralNormalization": ("layer",),
    "RNN": ("cell",),
    "StackedRNNCells": ("cells",),
}


def _wrapped(entry: dict) -> dict:
    """A wrapped layer or RNN cell in Keras 2's form, with its `module` kept (as tf_keras
    2.13+ wrote it): Keras 3's wrappers, RNN and StackedRNNCells find the class by `module`
    (`Could not locate class 'LSTM'`, `'LSTMCell'`)."""
    out = _to_k2(entry)
    return {"module": entry.get("module"), **out, "registered_name": entry.get("registered_name")}


# Keras 3's quantization objects: Keras 2 has none, so they keep Keras 3's form (`module`
# included), which Keras 3 needs to find their classes in a legacy `.h5`
_KERAS3_ONLY = ("Int8QuantizationConfig", "QuantizedDTypePolicy")


def _value(value):
    if _is_object(value):
        if value["class_name"] in ("DTypePolicy", "FloatDTypePolicy"):
            return value["config"].get("name", "float32")  # Keras 2: the dtype's name
        if value["class_name"] in _KERAS3_ONLY:
            return value
        if value["class_name"] in ("Sequential", "Functional", "Model") or "module" in value:
            return _to_k2(value)
        return value
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _value(v) for k, v in value.items()}
    return value


def _k2_functional(cfg: dict) -> None:
    layers = [_to_k2(la) for la in cfg.get("layers") or []]
    for layer in layers:
        if layer["class_name"] == "Sequential":
            _deferred_sequential(layer["config"])
    # (a Sequential that kept its input: Keras 2 counts its calls from 1)
    shift = {la.get("name") for la in layers if _has_own_first_node(la, functional=False)}
    for layer in layers:
        layer["inbound_nodes"] = [
            _k2_node(node, shift) if isinstance(node, dict) else node
            for node in layer.get("inbound_nodes") or []
        ]
    cfg["layers"] = layers
    for key in ("input_layers", "output_layers"):
        refs = cfg.get(key)
        if refs and isinstance(refs, list) and isinstance(refs[0], str):
            refs = [refs]  # Keras 2 wrote a list of `[layer, node, tensor]` (or a dict)
        if refs:
            cfg[key] = _map_refs(refs, lambda r: _k2_ref(r, shift))


def _deferred_sequential(cfg: dict) -> None:
    """A Sequential inside a functional model, written without its `InputLayer`: tf_keras
    numbers the calls of a Sequential that has one from 1 (`_should_skip_first_node`),
    Keras 3.15 from 0 (it cannot load tf_keras's own file of such a model); one without an
    input is numbered from 0 by both, and is built when the outer model calls it."""
    layers = cfg.get("layers") or []
    if layers and layers[0].get("class_name") == "InputLayer":
        cfg["layers"] = layers[1:]
        cfg.pop("build_input_shape", None)


def _k2_ref(ref: list, shift: set) -> list:
    name, index, tensor = ref[0], ref[1], ref[2]
    return [name, index + 1 if name in shift else index, tensor]


def _k2_node(node: dict, shift: set) -> list:
    """Keras 3's `{"args": [...], "kwargs": {...}}` as Keras 2's `[[layer, node, tensor,
    kwargs], ...]`, one entry per input tensor."""
    tensors = []

    def collect(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            tensors.append(value["config"]["keras_history"])
        elif isinstance(value, (list, tuple)):
            for v in value:
                collect(v)

    collect(node.get("args") or [])
    kwargs = {k: v for k, v in (node.get("kwargs") or {}).items() if v is not None}
    return [[*_k2_ref(t, shift), kwargs] for t in tensors]


def keras2_training_config(config: dict, model=None) -> dict:
    """A `training_config` (Keras 3's legacy forms) that tf_keras compiles from too: loss
    aliases by their full names, no Keras-3-only optimizer arguments at their defaults, and
    (`model` given) the metrics tf_keras would misread as they resolved (`_resolved_metrics`)."""
    config = copy.deepcopy(config)
    if model is not None:
        for key in ("metrics", "weighted_metrics"):
            config[key] = _resolved_metrics(config.get(key), model, key == "weighted_metrics")
    optimizer = config.get("optimizer_config")
    if isinstance(optimizer, dict) and isinstance(optimizer.get("config"), dict):
        opt = optimizer["config"]
        for key, default in _OPTIMIZER_DEFAULTS.items():
            if key in opt and opt[key] == default:
                del opt[key]
    config["loss"] = _map(
        config.get("loss"), lambda s: _LOSS_ALIASES.get(s, s) if isinstance(s, str) else s
    )
    return config


def _resolved_metrics(spec, model, weighted: bool):
    """Metric names written as the metric objects they resolved to where tf_keras would read
    the name otherwise, in a form Keras 3 and numkeras read as the same metric:

    - `"accuracy"` (`"acc"`, `"crossentropy"`, `"ce"`) that resolved to its sparse
      categorical metric: tf_keras resolves a loaded model's names against its outputs
      (`try_build_compiled_arguments`), so it took sparse labels for one-hot ones;
    - a weighted metric named as an unweighted one (`"weighted_accuracy"`): tf_keras keeps
      a loaded model's names as written (`from_serialized`) and drops the second one.

    Checked against tf_keras 2.21 and Keras 3.15 (scripts/goldens/make_diff_keras2_files.py).
    Per-output names cannot be written so that both agree (tf_keras wants `out_accuracy`,
    Keras 3 prefixes the output again): they stay Keras 3's."""
    built = getattr(model, "_compiled_metrics", None)
    if spec is None:
        return spec
    try:
        names = list(model._output_keys())
        sparse_outputs = _sparse_outputs(model, names)
    except Exception:  # noqa: BLE001 - no graph: nothing to resolve against
        return spec

    def leaf(value, index):
        if not isinstance(value, str):
            return value
        if not built:  # not trained or evaluated yet: as its output's loss says
            if value in ("accuracy", "acc") and index in sparse_outputs:
                config = {"name": value, "dtype": "float32"}
                return {"class_name": "SparseCategoricalAccuracy", "config": config}
            return value
        found = [
            (i, label, m)
            for i, w, label, m in built
            if w == weighted and (index is None or i == index) and m.name == value
        ]
        if not found or len({type(m).__name__ for *_, m in found}) != 1:
            return value
        i, label, metric = found[0]
        cls = type(metric).__name__
        prefix = f"{names[i]}_" if len(names) > 1 else ""
        own = label[len(prefix) :] if label.startswith(prefix) else label
        sparse = value in SHAPE_RESOLVED_NAMES and cls.startswith("SparseCategorical")
        renamed = weighted and own != value
        if not (sparse or renamed) or cls == "MeanMetricWrapper" or (renamed and len(found) > 1):
            return value
        return {"class_name": cls, "config": {**metric.get_config(), "name": own}}

    if isinstance(spec, dict):
        index = {k: names.index(k) if k in names else None for k in spec}
        return {
            k: [leaf(v, index[k]) for v in vs] if isinstance(vs, list) else leaf(vs, index[k])
            for k, vs in spec.items()
        }
    if isinstance(spec, list) and len(names) > 1 and all(isinstance(v, list) for v in spec):
        return [[leaf(v, i) for v in vs] for i, vs in enumerate(spec)]
    if isinstance(spec, list):
        return [leaf(v, None if len(names) > 1 else 0) for v in spec]
    return spec


def _sparse_outputs(model, names: list[str]) -> set[int]:
    """The outputs (by index) of more than one class whose loss is the sparse categorical
    crossentropy: Keras 3 resolves their `"accuracy"` to the sparse one (their targets are
    class indices)."""
    spec = getattr(model, "loss", None)
    if isinstance(spec, dict):
        per_output = [spec.get(name) for name in names]
    elif isinstance(spec, (list, tuple)):
        per_output = list(spec)
    else:
        per_output = [spec] * len(names)
    out = set()
    for i, (loss, tensor) in enumerate(zip(per_output, model.outputs)):
        name = loss if isinstance(loss, str) else type(loss).__name__
        if name in ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"):
            if (tensor.shape[-1] or 0) > 1:
                out.add(i)
    return out


def looks_keras2(config) -> bool:
    """Whether a model config is in Keras 2's form (what tf_keras, and numkeras's `.h5`,
    write): an `InputLayer` with `batch_input_shape`, or list-form functional nodes."""
    if isinstance(config, dict):
        if config.get("class_name") == "InputLayer" and "batch_input_shape" in (
            config.get("config") or {}
        ):
            return True
        nodes = config.get("inbound_nodes")
        if isinstance(nodes, list) and any(isinstance(n, list) for n in nodes):
            return True
        return any(looks_keras2(v) for v in config.values())
    if isinstance(config, list):
        return any(looks_keras2(v) for v in config)
    return False
