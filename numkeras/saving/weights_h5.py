"""Keras 3's weights layout in HDF5: `.weights.h5` files, and `model.weights.h5` inside a
`.keras` file (keras-facts.md 6.1; Keras's `saving_lib._save_state`).

Each layer's variables are datasets `<path>/vars/0`, `<path>/vars/1`, ... in creation order
(trainable ones first), in a group whose `name` attribute is the layer's name. A model's
layers sit under `<path>/layers/<key>`, where the key is the snake_case class name with a
counter (`dense`, `dense_1`, `leaky_re_lu`): Keras addresses layers by position among
their class, not by their (often automatic) names. A layer reached twice is saved once.

A compiled model's optimizer state goes to `optimizer/vars/<i>`, in Keras's order
(`Optimizer.variables`: iterations, learning rate, then the slots). Loading reads every
array and checks every count and shape before it assigns anything, so a file that does
not fit leaves the model as it was.
"""

from __future__ import annotations

import warnings

from numkeras.errors import MissingEntryError, NumkerasWarning, ShapeError, format_shape
from numkeras.utils.naming import to_snake_case


def _class_name(layer) -> str:
    from numkeras.models.model import Model

    # a graph model is Keras's `Functional` (the class `keras.Model(inputs, outputs)` makes)
    return "Functional" if type(layer) is Model else type(layer).__name__


def _children(layer) -> list:
    from numkeras.models.model import Model

    return list(layer.layers) if isinstance(layer, Model) else []


def _keyed(layers) -> list:
    """`(key, layer)`: Keras addresses layers in a list by snake_case class name with a
    counter (`dense`, `dense_1`), not by their names."""
    counts: dict[str, int] = {}
    out = []
    for child in layers:
        key = to_snake_case(_class_name(child))
        counts[key] = counts.get(key, -1) + 1
        out.append((f"{key}_{counts[key]}" if counts[key] else key, child))
    return out


def _attribute_children(layer, extra: dict | None = None) -> list:
    """`(key, layer)` for the layers a user's layer holds as attributes, as Keras's
    `_walk_saveable` finds them: by attribute name, private ones last; the layers of a
    list (or dict) attribute as `<attribute>/<key>`. `extra`: properties Keras also walks
    (a subclassed model's `layers`)."""
    from numkeras.layers.layer import is_tracked_layer, tracked_attributes

    found = {**tracked_attributes(layer), **(extra or {})}
    out = []
    for attr in sorted(found, key=lambda a: f"~{a}" if a.startswith("_") else a):
        value = found[attr]
        if is_tracked_layer(value, layer):
            out.append((attr, value))
        elif isinstance(value, (list, tuple, dict)):
            items = list(value.values()) if isinstance(value, dict) else list(value)
            layers = [item for item in items if is_tracked_layer(item, layer)]
            out.extend((f"{attr}/{key}", child) for key, child in _keyed(layers))
    return out


def _walk(layer, path: str, visited: set):
    """`(layer, path)` for `layer` and every layer inside it, in Keras's saving order."""
    if id(layer) in visited:
        return
    visited.add(id(layer))
    yield layer, path
    for child, child_path in _named_children(layer, path):
        yield from _walk(child, child_path, visited)


def _paths_by_layer(model) -> dict:
    """id(layer) -> every path Keras's loading walk reaches the layer by, in its order (a
    subclassed model's layer: its attribute, then `layers/<key>`)."""
    out: dict = {}

    def walk(layer, path, ancestors):
        if id(layer) in ancestors:
            return
        out.setdefault(id(layer), []).append(path)
        for child, child_path in _named_children(layer, path):
            walk(child, child_path, ancestors | {id(layer)})

    walk(model, "", frozenset())
    return out


def _named_children(layer, path: str) -> list:
    """`(child, path)` for the layers `layer` holds, in Keras's saving order."""
    from numkeras.models.model import Model

    out = []
    named = getattr(layer, "_saved_children", None)
    if isinstance(layer, Model) and layer._has_own_call():  # a subclassed model
        named = lambda: _attribute_children(layer, {"layers": layer.layers})  # noqa: E731
    elif named is None and not isinstance(layer, Model):
        if not type(layer).__module__.startswith("numkeras."):  # a user's layer
            named = lambda: _attribute_children(layer)  # noqa: E731
    if named is not None:  # wrappers and recurrent layers: Keras saves e.g. `lstm/cell`
        out += [(child, f"{path}/{key}" if path else key) for key, child in named()]
    for key, child in _keyed(_children(layer)):
        out.append((child, f"{path}/layers/{key}" if path else f"layers/{key}"))
    return out


def _overrides(layer, method: str) -> bool:
    """Whether `layer` has its own `save_own_variables` / `load_own_variables` (the lookup
    layers' tf-idf weights, a user's layer); the others are read all or nothing here."""
    from numkeras.layers.layer import Layer

    return getattr(type(layer), method, None) not in (None, getattr(Layer, method))


def _vars_path(path: str) -> str:
    return f"{path}/vars" if path else "vars"


class _Store(dict):
    """A layer's saved variables, as its own `load_own_variables` reads them."""

    def __missing__(self, key):
        raise MissingEntryError(f"Key {key!r} is not among the saved variables {list(self)}.")


def write_model(model, h5, skip: frozenset = frozenset()) -> None:
    """Write `model`'s variables into the open h5py file or group `h5`. A layer with its
    own `save_own_variables(store)` (the lookup layers' tf-idf weights) writes its group
    itself, as Keras lets it. `skip`: ids of layers left out, with the layers inside them
    (Keras's `objects_to_skip`)."""
    for layer, path in _walk(model, "", set(skip)):
        group = h5.require_group(_vars_path(path))
        group.attrs["name"] = layer.name
        if _overrides(layer, "save_own_variables"):
            layer.save_own_variables(group)  # (`group[key] = array` makes a dataset)
            continue
        for i, v in enumerate(layer._saved_variables()):
            group.create_dataset(str(i), data=v.numpy())


def read_model(
    model, h5, where: str = "the file", skip_mismatch: bool = False, skip: frozenset = frozenset()
) -> None:
    """Set `model`'s variables from the open h5py file or group `h5` (all or nothing).
    `skip_mismatch=True`: a layer whose saved variables do not fit (count or shapes) keeps
    its values, with a warning, and the other layers load (Keras's `skip_mismatch`).
    `skip`: ids of layers that keep their values, with the layers inside them (Keras's
    `objects_to_skip`)."""
    updates, own_loads, paths = [], [], None
    for layer, path in _walk(model, "", set(skip)):
        variables = layer._saved_variables()
        vars_path = _vars_path(path)
        group = h5.get(vars_path)
        if group is None and variables:
            # Keras's loading tries each path that reaches the layer: a Sequential's or
            # functional model's file (`layers/dense`) loads into a subclassed model
            # holding the same layers as attributes (`dense_1`)
            paths = _paths_by_layer(model) if paths is None else paths
            for other in paths[id(layer)][1:]:
                found = h5.get(_vars_path(other))
                if found is not None and len(found) == len(variables):
                    group, vars_path = found, _vars_path(other)
                    break
        if _overrides(layer, "load_own_variables"):
            if group is not None:  # read now: the file closes after this call
                own_loads.append((layer, _Store({key: group[key][()] for key in group})))
            continue
        try:
            arrays = _layer_arrays(layer, variables, group, vars_path, where)
        except ShapeError as e:
            if not skip_mismatch:
                raise
            warnings.warn(
                f"Skipping variable loading for layer '{layer.name}': {e}",
                NumkerasWarning,
                stacklevel=4,
            )
            continue
        updates.extend(zip(variables, arrays))
    for v, array in updates:
        v.assign(array)
    for layer, store in own_loads:
        layer.load_own_variables(store)


def _layer_arrays(layer, variables, group, vars_path: str, where: str) -> list:
    """The saved arrays of one layer, checked against its variables (count and shapes)."""
    saved = 0 if group is None else len(group)
    if saved != len(variables):
        names = [v.name for v in variables]
        raise ShapeError(
            f"Layer '{layer.name}' expected {len(variables)} variables {names}, but "
            f"received {saved} variables during loading from {where} (at '{vars_path}'). "
            "The file was saved from a model with a different architecture."
        )
    arrays = []
    for i, v in enumerate(variables):
        array = group[str(i)][()]
        if tuple(array.shape) != v.shape:
            raise ShapeError(
                f"Layer '{layer.name}' weight '{v.name}' has shape {format_shape(v.shape)}, "
                f"but {where} holds shape {format_shape(array.shape)} for it (at "
                f"'{vars_path}/{i}')."
            )
        arrays.append(array)
    return arrays


def write_assets(model, root: str) -> None:
    """Each layer's `save_assets(folder)` (an adapted vocabulary) into `root/<its path>`,
    the layout of a `.keras` file's `assets/` folder."""
    import os

    for layer, path in _walk(model, "", set()):
        save = getattr(layer, "save_assets", None)
        if save is not None:
            folder = os.path.join(root, path)
            os.makedirs(folder, exist_ok=True)
            save(folder)


def read_assets(model, root: str) -> None:
    """Each layer's `load_assets(folder)` from `root/<its path>`, where the file has one."""
    import os

    for layer, path in _walk(model, "", set()):
        load = getattr(layer, "load_assets", None)
        folder = os.path.join(root, path)
        if load is not None and os.path.isdir(folder):
            load(folder)


def write_optimizer(model, h5) -> None:
    """Write a compiled model's optimizer state (Keras writes it for compiled models)."""
    optimizer = getattr(model, "optimizer", None)
    if not getattr(model, "compiled", False) or optimizer is None:
        return
    group = h5.require_group("optimizer/vars")
    group.attrs["name"] = optimizer.name
    optimizer.save_own_variables(group)  # `group["0"] = array` makes a dataset
    _write_sub_optimizers(optimizer, h5, "optimizer")


def _write_sub_optimizers(optimizer, h5, path: str) -> None:
    """As Keras: a wrapper's optimizers (LossScaleOptimizer's `inner_optimizer`, a
    MultiOptimizer's `optimizers`) also under its group, each with its own variables (the
    wrapper's `vars` already hold them all: loading reads those)."""
    for sub, inner in optimizer._sub_optimizers():
        inner_path = f"{path}/{sub}"
        group = h5.require_group(f"{inner_path}/vars")
        group.attrs["name"] = inner.name  # (as Keras names every saved object's group)
        inner.save_own_variables(group)
        _write_sub_optimizers(inner, h5, inner_path)


def read_optimizer(model, h5, keras2_layout: bool = False, build: bool = True) -> None:
    """Restore the optimizer state of a just-compiled model, if the file has one. A state
    for other variables (another architecture or optimizer) is skipped with a warning, as
    Keras does. `keras2_layout`: the file is tf_keras's (no learning-rate variable).
    `build=False` (`load_weights`): as Keras, an optimizer not built yet is not built for the
    state, which is then skipped with that warning (the next `fit` starts afresh)."""
    group = h5.get("optimizer/vars")
    if group is None or not len(group):
        return
    store = {key: group[key][()] for key in group.keys()}
    if keras2_layout:
        from numkeras.saving import keras2

        values = [store[str(i)] for i in range(len(store))]
        store = keras2.optimizer_store(model.optimizer, model, values)
        if store is not None:
            model.optimizer.load_own_variables(store)
        return
    if not build:
        model.optimizer.load_own_variables(store)
        return
    restore_optimizer(model.optimizer, model, store)


def restore_optimizer(optimizer, model, store: dict) -> None:
    """Load `store` into `optimizer`; a state saved before the first update holds only the
    iteration count and learning rate, and needs no slots built."""
    if len(store) != len(optimizer.variables):
        optimizer.build(model._trained_variables())
    optimizer.load_own_variables(store)
