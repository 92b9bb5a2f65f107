"""`KerasFileEditor` (Keras 3.6+'s `keras.saving.KerasFileEditor`): inspect a `.keras` or
`.weights.h5` file's weights, compare them with a model, rename, delete or add objects
and weights, and write the result as a `.weights.h5` file.

The weights are read into nested dicts, as Keras reads them: a layer's path
(`layers/dense_2`) leads to its variables by position (`{"0": kernel, "1": bias}`); a
layer's `vars` group is folded into its own entry and empty groups are left out. Reading
refuses what Keras refuses (HDF5 links, external or virtual datasets, datasets over 4 GiB
or of more than 64 axes): loading never follows a file to other files.

    editor = KerasFileEditor("old_model.weights.h5")
    editor.summary()
    editor.compare(new_model)                  # what differs, and a status dict
    editor.delete_object("layers/dense_2")
    editor.add_object("layers/einsum_dense", weights={"0": kernel, "1": bias})
    editor.save("fixed.weights.h5")
    new_model.load_weights("fixed.weights.h5")
"""

from __future__ import annotations

import io
import json
import math
import os
import zipfile

import numpy as np

from numkeras.errors import ConfigError, FileFormatError
from numkeras.saving import saving_api, weights_h5

_MAX_BYTES = 1 << 32  # Keras's limit on one dataset
_MAX_RANK = 64


class KerasFileEditor:
    """Inspect, edit and resave the weights of `filepath` (a `.keras` or `.weights.h5`).

    >>> import tempfile, numpy as np
    >>> from numkeras import layers, models
    >>> model = models.Sequential([layers.Input((3,)), layers.Dense(2)])
    >>> path = tempfile.mkdtemp() + "/m.weights.h5"
    >>> model.save_weights(path)
    >>> editor = KerasFileEditor(path)  # doctest: +ELLIPSIS
    Keras model file '...m.weights.h5'
    >>> {k: v.shape for k, v in editor.weights_dict["layers"]["dense"].items()}
    {'0': (3, 2), '1': (2,)}
    """

    def __init__(self, filepath) -> None:
        h5py = saving_api._h5py()
        self.filepath = os.fspath(filepath)
        self.metadata = None
        self.config = None
        if self.filepath.endswith(".keras"):
            self.config, weights, _ = saving_api._open_keras(self.filepath)
            with zipfile.ZipFile(self.filepath) as zf:
                if saving_api._METADATA in zf.namelist():
                    self.metadata = json.loads(zf.read(saving_api._METADATA))
            source = io.BytesIO(weights)
        elif self.filepath.endswith(".weights.h5"):
            source = self.filepath
        else:
            raise ConfigError(
                "Invalid filename: expected a `.keras` `.weights.h5` extension. "
                f"Received: filepath={self.filepath}"
            )
        with h5py.File(source, "r") as h5:
            self.weights_dict, self.object_metadata = _extract(h5, h5py)
        print(f"Keras model file '{self.filepath}'")
        if self.metadata is not None:
            version = self.metadata.get("keras_version", "?")
            print(f"Saved with Keras {version} - date: {self.metadata.get('date_saved', '?')}")

    def __repr__(self) -> str:
        return f"KerasFileEditor('{self.filepath}')"

    # -- inspecting ---------------------------------------------------------------------
    def summary(self) -> None:
        """Print the file's weight structure (objects, then each weight's shape and dtype)."""
        print("Weights structure")
        for line in _tree_lines(self.weights_dict, self.object_metadata, prefix="  "):
            print(line)

    def weights_summary(self) -> None:
        """The same as `summary()` (Keras draws the weights as HTML in a notebook)."""
        self.summary()

    def compare(self, reference_model) -> dict:
        """List every mismatch between the file and `reference_model`'s weights (missing
        objects or weights on either side, other shapes); returns `{"status": "success" or
        "error", "error_count", "match_count"}`."""
        print("Running comparison")
        reference = weight_spec(reference_model)
        checked: set = set()
        errors, matches = _compare(
            self.weights_dict, reference, "", "saved file", "reference model", checked
        )
        errors += _compare(
            reference, self.weights_dict, "", "reference model", "saved file", checked
        )[0]
        print("─────────────────────")
        if errors == 0:
            print("Comparison successful: saved file is compatible with the reference model")
            print(f"    Found {matches} matching weight{'' if matches == 1 else 's'}")
        else:
            print(
                f"Found {errors} error{'' if errors == 1 else 's'}: saved file is not "
                "compatible with the reference model"
            )
        return {
            "status": "success" if errors == 0 else "error",
            "error_count": errors,
            "match_count": matches,
        }

    # -- editing ------------------------------------------------------------------------
    def rename_object(self, object_name: str, new_name: str) -> None:
        """Rename an object (a layer): `object_name` is its name or path (`"dense_2"`,
        `"layers/dense_2"`), `new_name` a leaf name."""

        def rename(holder, name, target):
            holder[target] = holder.pop(name)

        self._edit(rename, object_name, new_name)

    def delete_object(self, object_name: str) -> None:
        """Remove an object (its name or path) and its weights."""
        self._edit(lambda holder, name, target: holder.pop(name), object_name)

    def add_object(self, object_path: str, weights: dict) -> None:
        """Add an object at `object_path` (e.g. `"layers/dense_2"`) holding `weights`, a
        dict of weight names (`"0"`, `"1"`, ...) to arrays."""
        _check_weights(weights)
        *parents, leaf = object_path.split("/")
        holder = self.weights_dict
        for part in parents:
            if part not in holder:
                raise ConfigError(f"Path '{'/'.join(parents)}' not found in model.")
            holder = holder[part]
        holder[leaf] = weights

    def delete_weight(self, object_name: str, weight_name: str) -> None:
        """Remove the weight `weight_name` (e.g. `"0"`) from an object."""

        def delete(holder, name, target):
            if weight_name not in holder[name]:
                raise ConfigError(
                    f"Weight {weight_name} not found in object {object_name}. Weights "
                    f"found: {list(holder[name])}"
                )
            holder[name].pop(weight_name)

        self._edit(delete, object_name)

    def add_weights(self, object_name: str, weights: dict) -> None:
        """Add weights (a dict of names to arrays) to an existing object."""
        _check_weights(weights)
        self._edit(lambda holder, name, target: holder[name].update(weights), object_name)

    def _edit(self, edit, source: str, target: str | None = None) -> None:
        """Apply `edit(holder, name, target)` where `source` (a path, or a name found
        exactly once anywhere in the file) is `holder[name]`."""
        if target is not None and "/" in target:
            raise ConfigError(
                "Argument `target_name` should be a leaf name, not a full path name. "
                f"Received: target_name='{target}'"
            )
        if "/" in source:
            *parents, leaf = source.split("/")
            holder = self.weights_dict
            for part in parents:
                if part not in holder:
                    raise ConfigError(f"Path '{source}' not found in model.")
                holder = holder[part]
            if leaf not in holder:
                raise ConfigError(f"Path '{source}' not found in model.")
            edit(holder, leaf, target)
            return
        holders = _holders_of(self.weights_dict, source)
        if len(holders) > 1:
            raise ConfigError(
                f"Name '{source}' occurs more than once in the model; try passing a complete path"
            )
        if not holders:
            raise ConfigError(
                f"Source name '{source}' does not appear in the model. Use "
                "`editor.weights_summary()` to list all objects."
            )
        edit(holders[0], source, target)

    # -- writing ------------------------------------------------------------------------
    def save(self, filepath) -> None:
        """Write the edited weights to `filepath`, a `.weights.h5` file (atomically)."""
        path = os.fspath(filepath)
        if not path.endswith(".weights.h5"):
            raise ConfigError(
                "Invalid `filepath` argument: expected a `.weights.h5` extension. "
                f"Received: filepath={path}"
            )
        h5py = saving_api._h5py()

        def write(tmp: str) -> None:
            with h5py.File(tmp, "w") as h5:
                _write(h5, self.weights_dict, "")

        saving_api.write_atomically(path, True, write)

    def resave_weights(self, filepath) -> None:
        """The same as `save(filepath)`."""
        self.save(filepath)


def weight_spec(model) -> dict:
    """`model`'s weights in the nested-dict form `KerasFileEditor` reads a file into (the
    layout numkeras and Keras write: layers, then a compiled model's optimizer)."""
    h5py = saving_api._h5py()
    with h5py.File(io.BytesIO(), "w") as h5:
        weights_h5.write_model(model, h5)
        weights_h5.write_optimizer(model, h5)
        return _extract(h5, h5py)[0]


def _extract(group, h5py, inner_path: str = "", metadata: dict | None = None, skip=None):
    """`(weights, metadata)`: the nested dict of `group`'s datasets (each object's `vars`
    folded into its entry beside the objects nested in it; empty groups left out) and each
    group's attributes by path. (Keras 3.15 reads only the `vars` of a group that has
    them, and so drops a nested model's layers: its `save` then loses their weights.)"""
    metadata = {} if metadata is None else metadata
    attributes = dict(group.attrs.items())
    if attributes:
        metadata.setdefault(inner_path, {}).update(attributes)
    result: dict = {}
    for key in group.keys():
        if key == skip:
            continue
        path = f"{inner_path}/{key}"
        link = group.get(key, getclass=True, getlink=True)
        if link in (h5py.ExternalLink, h5py.SoftLink):
            raise FileFormatError(f"Not allowed: H5 file with {link.__name__}")
        value = group[key]
        if isinstance(value, h5py.Group):
            entry: dict = {}
            if "vars" in value.keys():  # an object's variables, then what it holds
                entry.update(_extract(value["vars"], h5py, path, metadata)[0])
            entry.update(_extract(value, h5py, path, metadata, skip="vars")[0])
            if entry:
                result[key] = entry
            continue
        if not isinstance(value, h5py.Dataset):
            continue
        if value.external:
            raise FileFormatError(
                f"Not allowed: H5 file Dataset with external links: {value.external}"
            )
        if value.is_virtual:
            raise FileFormatError(f"Not allowed: H5 file with virtual Dataset at {path}")
        if len(value.shape) > _MAX_RANK:
            raise FileFormatError(
                "Malformed HDF5 dataset shape encountered in .keras file; tensor rank "
                "exceeds safety limit."
            )
        size = math.prod(value.shape) * value.dtype.itemsize
        if size > _MAX_BYTES:
            raise FileFormatError(
                f"HDF5 dataset too large to load safely ({size} bytes; limit is {_MAX_BYTES})."
            )
        result[key] = value[()]
    return result, metadata


def _write(h5, weights: dict, inner_path: str) -> None:
    arrays = {}
    for name, value in weights.items():
        if isinstance(value, dict):
            if value:
                _write(h5, value, f"{inner_path}/{name}" if inner_path else name)
        else:
            arrays[name] = value
    if arrays:  # (as Keras's store: a layer's variables in its `vars` group)
        group = h5.require_group(f"{inner_path}/vars" if inner_path else "vars")
        for name, value in arrays.items():
            group.create_dataset(name, data=np.asarray(value))


def _holders_of(weights: dict, name: str) -> list[dict]:
    """Every dict, at any depth, that has the key `name`."""
    found = [weights] if name in weights else []
    for value in weights.values():
        if isinstance(value, dict):
            found += _holders_of(value, name)
    return found


def _check_weights(weights) -> None:
    if not isinstance(weights, dict):
        raise ConfigError(
            "Argument `weights` should be a dict where keys are weight names (usually '0', "
            f"'1', etc.) and values are NumPy arrays. Received: type(weights)={type(weights)}"
        )


def _compare(target, reference, inner, target_name, reference_name, checked) -> tuple[int, int]:
    """`(errors, matches)` of `target` against `reference`, printing each mismatch."""
    errors = matches = 0
    for key, ref in reference.items():
        path = f"{inner}/{key}"
        if path in checked:
            continue
        if key not in target:
            errors += 1
            checked.add(path)
            kind = "Object" if isinstance(ref, dict) else "Weight"
            print(f"...{kind} {path} present in {reference_name}, missing from {target_name}")
            if isinstance(ref, dict):
                print(f"    In {reference_name}, {path} contains the following keys: {list(ref)}")
        elif isinstance(ref, dict):
            e, m = _compare(target[key], ref, path, target_name, reference_name, checked)
            errors, matches = errors + e, matches + m
        elif np.shape(target[key]) != np.shape(ref):
            errors += 1
            checked.add(path)
            print(
                f"...Weight shape mismatch for {path}\n    In {reference_name}: "
                f"shape={np.shape(ref)}\n    In {target_name}: shape={np.shape(target[key])}"
            )
        else:
            matches += 1
    return errors, matches


def _tree_lines(weights: dict, metadata: dict, prefix: str, inner: str = "") -> list[str]:
    """Keras's tree drawing of the weights: `> ` first, `├─ ` and `└─ ` after."""
    lines = []
    items = list(weights.items())
    for i, (key, value) in enumerate(items):
        path = f"{inner}/{key}"
        last = i == len(items) - 1
        connector = "> " if i == 0 and not inner else ("└─ " if last else "├─ ")
        if isinstance(value, dict):
            label = f"{prefix}{connector}{key}"
            name = metadata.get(path, {}).get("name")
            if name is not None:
                label += f" ('{name}')"
            lines.append(label)
            deeper = prefix + ("    " if last else "│   ")
            lines += _tree_lines(value, metadata, deeper, path)
        else:
            lines.append(f"{prefix}{connector}{key}: shape={value.shape}, dtype={value.dtype}")
    return lines
