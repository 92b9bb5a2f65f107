"""Reading files that Keras 2 wrote (a `.h5`, or tf_keras 2.13+'s own `.keras`).

Keras 2's configs and optimizer states differ from Keras 3's in a few fixed ways; this
module rewrites them into the Keras 3 forms the rest of numkeras reads (as Keras 3's own
`legacy/saving` code does). Nothing here runs code from the file.

Configs:
- a functional model's `inbound_nodes` are lists `[[layer, node, tensor, kwargs], ...]`
  (Keras 3: `{"args": [...__keras_tensor__...], "kwargs": {}}`); a nested model's node 0
  was its own graph, so Keras 2 counts its calls from 1 (`_should_skip_first_node`);
- `InputLayer(batch_input_shape=)`, `LeakyReLU(alpha=)`, `BatchNormalization(axis=[1])`;
- a Sequential's first layer repeats the `InputLayer`'s `batch_input_shape`.

Compile arguments (`training_config` in a `.h5`, `compile_config` in a `.keras`):
- the optimizer is `Custom>Adam` (tf_keras 2.11+ in a `.h5`);
- losses have `reduction="auto"` and a `fn` entry;
- metrics are per-output lists of `MeanMetricWrapper(name="out_accuracy", fn=...)`.

Optimizer state: Keras 2 keeps no learning-rate variable (`iteration, slots...`). tf_keras
2.11+'s optimizers order the slots as Keras 3 does; the older ones (Keras 2.3-2.10, and
`tf_keras.optimizers.legacy`) put each slot name's variables together
(`Adam/dense/kernel/m:0, Adam/dense/bias/m:0, ..., Adam/dense/kernel/v:0, ...`).
"""

from __future__ import annotations

import copy
import warnings

from numkeras.errors import NumkerasWarning

_MODELS = ("Sequential", "Functional", "Model")


def is_keras2(version) -> bool:
    """Whether a file's `keras_version` is Keras 2's (or older, or unrecorded)."""
    if isinstance(version, bytes):
        version = version.decode("utf8")
    return not str(version or "").startswith("3")


# -- configs -----------------------------------------------------------------------------
def model_config(config: dict) -> dict:
    """A Keras 2 model (or layer) config in the Keras 3 form numkeras reads."""
    config = copy.deepcopy(config)
    _layer(config)
    return config


def _layer(entry: dict) -> None:
    if not isinstance(entry, dict):
        return
    name, cfg = entry.get("class_name"), entry.get("config")
    if name == "Sequential" and isinstance(cfg, list):  # Keras 2.0-2.1: the bare layer list
        cfg = entry["config"] = {"layers": cfg}
    if not isinstance(cfg, dict):
        return
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


def _has_own_first_node(entry: dict) -> bool:
    """Whether Keras 2 skipped this layer's node 0: a nested model that has inputs."""
    name, cfg = entry.get("class_name"), entry.get("config")
    if name in ("Functional", "Model"):
        return True
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
        nodes = layer.get("inbound_nodes") or []
        layer["inbound_nodes"] = [
            _node(node, shift) if isinstance(node, list) else node for node in nodes
        ]
    for key in ("input_layers", "output_layers"):
        refs_key = cfg.get(key)
        if refs_key and isinstance(refs_key[0], str):
            cfg[key] = _ref(refs_key, shift)
        elif refs_key:
            cfg[key] = [_ref(r, shift) for r in refs_key]


def _refs(cfg: dict, key: str) -> list:
    refs = cfg.get(key) or []
    return [refs] if refs and isinstance(refs[0], str) else refs


def _ref(ref: list, shift: set) -> list:
    name, index, tensor = ref[0], ref[1], ref[2]
    return [name, index - 1 if name in shift else index, tensor]


def _node(node: list, shift: set) -> dict:
    tensors = [
        {"class_name": "__keras_tensor__", "config": {"keras_history": _ref(r, shift)}}
        for r in node
    ]
    kwargs = node[0][3] if node and len(node[0]) > 3 and isinstance(node[0][3], dict) else {}
    return {"args": [tensors] if len(tensors) > 1 else tensors, "kwargs": kwargs}


# -- compile arguments ---------------------------------------------------------------------
def compile_config(config: dict, output_names: list[str] | None) -> dict:
    """Keras 2's compile arguments (a `.h5`'s `training_config`, with `optimizer_config`, or
    a tf_keras `.keras`'s `compile_config`) in the forms numkeras compiles from."""
    config = copy.deepcopy(config)
    optimizer = config.pop("optimizer_config", None) or config.get("optimizer")
    if isinstance(optimizer, dict):
        name = str(optimizer.get("class_name", ""))
        optimizer = {"class_name": name.split(">")[-1], "config": optimizer.get("config") or {}}
    config["optimizer"] = optimizer
    config["loss"] = _map(config.get("loss"), _loss)
    outputs = output_names or []
    for key in ("metrics", "weighted_metrics"):
        config[key] = _metrics(config.get(key), outputs)
    return config


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


def _metrics(spec, outputs: list[str]):
    """Keras 2's per-output metric lists (`[[m1], [m2]]`, one list per output, even for one
    output) as Keras 3's list (one output) or dict (by output name)."""
    if not isinstance(spec, list) or not spec or not all(isinstance(s, list) for s in spec):
        return _map(spec, lambda m: _metric(m, None))
    if len(spec) == 1:
        return [_metric(m, outputs[0] if len(outputs) == 1 else None) for m in spec[0]]
    if len(spec) == len(outputs):
        return {out: [_metric(m, out) for m in ms] for out, ms in zip(outputs, spec)}
    return _map(spec, lambda m: _metric(m, None))


def _metric(spec, output: str | None):
    """A `MeanMetricWrapper` over a built-in function as the name it was compiled with."""
    if not (isinstance(spec, dict) and spec.get("class_name") == "MeanMetricWrapper"):
        return spec
    from numkeras import metrics

    inner = spec.get("config") or {}
    name, fn = str(inner.get("name", "")), inner.get("fn")
    if output and name.startswith(f"{output}_"):  # Keras 2 prefixed the output's name
        name = name[len(output) + 1 :]
    for candidate in (name, fn):
        if not isinstance(candidate, str):
            continue
        if candidate in ("accuracy", "acc"):
            return "accuracy"
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
    if len(values) == 1:  # saved before any update: the iteration count alone
        slot_values: list = []
    else:
        optimizer.build(model._trained_variables())
        slot_values = list(values[1:])
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
    if slot_values and (
        len(slot_values) != n_slots or extra or optimizer.gradient_accumulation_steps
    ):
        warnings.warn(
            f"Skipping variable loading for optimizer '{optimizer.name}': the Keras 2 state in "
            f"the file has {len(slot_values)} slot variables, numkeras's "
            f"{type(optimizer).__name__} has {n_slots}. The optimizer starts afresh.",
            NumkerasWarning,
            stacklevel=4,
        )
        return None
    if slot_values and names and _slot_major(names):
        slot_values = _reorder_slot_major(slot_values, groups, len(states))
    store = [values[0]]
    if optimizer._learning_rate is optimizer._lr_var:
        store.append(optimizer._lr_var.numpy())  # Keras 2 kept it in the config only
    if slot_values:
        store += slot_values
    if len(store) != len(optimizer.variables):  # not built: iterations (and lr) only
        optimizer.build(model._trained_variables())
        if len(store) != len(optimizer.variables):
            return None
    return {str(i): v for i, v in enumerate(store)}


def _slot_major(names: list[str]) -> bool:
    # Keras 2.3-2.10 (OptimizerV2): `Adam/iter:0`, `Adam/dense/kernel/m:0`; tf_keras 2.11+:
    # `iteration:0`, `Adam/m/dense/kernel:0`
    return names[0].split("/")[-1].startswith("iter:")


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
