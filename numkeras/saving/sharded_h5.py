"""Sharded weights: `model.save_weights("m.weights.json", max_shard_size=...)` and its
loading, in Keras 3's layout (Keras's `saving_lib.ShardedH5IOStore`).

The weights go into `m_00000.weights.h5`, `m_00001.weights.h5`, ... (the name before
`.weights`, then a five-digit index), each laid out as a `.weights.h5` file, and
`m.weights.json` indexes them:

    {"metadata": {"total_size": <bytes>}, "weight_map": {"/layers/dense/vars": ...}}

`weight_map` names, for each group holding arrays, the shard holding its first array
(a string) or, once a group has two arrays, the list of its shards in order. A shard
takes arrays in saving order until the next one would take it past `max_shard_size`
gigabytes (1024**3 bytes); then a new shard begins. An array larger than that raises
(a ValueError, as in Keras). A group is created (with its `name` attribute) in the shard
current when its layer is reached; a group split across shards continues in the next one
without that attribute, as Keras writes it.

Unlike Keras, the set is written into a hidden folder beside the index first and moved
into place only when complete (shards first, the index last, after any old index is
removed), so an error or a crash never leaves an index naming a half-written set; shards
an overwritten index named and the new set does not are removed.
"""

from __future__ import annotations

import errno
import json
import math
import os
import shutil
import uuid
import warnings

import numpy as np

from numkeras.errors import ConfigError, FileFormatError, MissingFileError

_GB = 1024**3
# bits per value, as Keras's `dtype_utils.DTYPE_TO_SIZE` counts them
_BITS = {
    **{f"float{i}": i for i in (16, 32, 64)},
    **{f"int{i}": i for i in (8, 16, 32, 64)},
    **{f"uint{i}": i for i in (8, 16, 32, 64)},
    "bfloat16": 16,
    "bool": 1,
}


def readable_size(size: float) -> str:
    """Keras's `readable_memory_size`: 1024-based units with two decimals."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def index_path(path: str) -> str:
    """The index file Keras writes for `path`: a name not ending in `.json` (`.weights.h5`)
    is given that extension instead, with Keras's warning."""
    root, ext = os.path.splitext(path)
    if ext == ".json":
        return path
    new = root + ".json"
    warnings.warn(
        f"Saving sharded weights requires `*.json` as the extension. The original path: "
        f"{path} will be renamed to {new}.",
        UserWarning,
        stacklevel=5,  # (the user's `model.save_weights` line)
    )
    return new


def shard_name(index_file: str, i: int) -> str:
    """`m_00003.weights.h5` for `m.weights.json` (Keras drops `.weights` from the stem)."""
    stem = os.path.splitext(os.path.basename(index_file))[0].replace(".weights", "")
    return f"{stem}_{i:05}.weights.h5"


# -- writing ------------------------------------------------------------------------------
class _ShardGroup:
    """One saved group (`layers/dense/vars`) as the writers see it: what is written to it
    goes to the shard current at that moment, which the size of each array decides."""

    def __init__(self, writer: ShardedWriter, path: str):
        self._writer, self._path = writer, path

    @property
    def attrs(self):
        return self._writer.group(self._path).attrs

    def create_dataset(self, key, data=None, **kwargs):
        return self._writer.write(self._path, key, data, **kwargs)

    def __setitem__(self, key, value) -> None:
        self._writer.write(self._path, key, value)

    def keys(self) -> list:
        return self._writer.keys(self._path)

    def __iter__(self):
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def __contains__(self, key) -> bool:
        return key in self.keys()


class ShardedWriter:
    """What `weights_h5.write_model` / `write_optimizer` write into (they take an h5py
    file): `require_group(path)` gives a group whose arrays are spread over shard files
    in `folder`, named after `index_file`."""

    def __init__(self, folder: str, index_file: str, max_shard_size):
        import h5py

        self._h5py = h5py
        self.folder, self.index_file = folder, index_file
        self.max_bytes = float(max_shard_size) * _GB  # (a ValueError for a bad value)
        self.total_size = 0  # Keras's sum of bytes (a float once an array is counted)
        self.current_size = 0.0
        self.weight_map: dict = {}
        self.shards: list[str] = []
        self.written: dict[str, list] = {}  # path -> keys, over every shard
        self._file = None
        self._new_shard()

    def _new_shard(self) -> None:
        if self._file is not None:
            self._file.close()
        name = shard_name(self.index_file, len(self.shards))
        self.shards.append(name)
        self._file = self._h5py.File(os.path.join(self.folder, name), "w")

    def require_group(self, path: str) -> _ShardGroup:
        self.group(path)  # created now, in the current shard (Keras's `make`)
        return _ShardGroup(self, path)

    def group(self, path: str):
        return self._file.require_group(path)

    def keys(self, path: str) -> list:
        return list(self.written.get(path, []))

    def write(self, path: str, key, value, **kwargs):
        array = np.asarray(value)
        dtype = array.dtype.name
        if dtype not in _BITS:
            raise ConfigError(f"Invalid dtype: {dtype}")
        size = math.prod(array.shape) * _BITS[dtype] / 8
        self.total_size += size
        if size > self.max_bytes:
            raise ConfigError(
                f"The size of {key} is {readable_size(size)} which exceeds the maximum shard "
                f"size {readable_size(self.max_bytes)}. You can increase the `max_shard_size` "
                "parameter to accommodate the size."
            )
        self.current_size += size
        if self.current_size > self.max_bytes:
            self._new_shard()
            self.current_size = size
        dataset = self.group(path).create_dataset(str(key), data=array, **kwargs)
        self.written.setdefault(path, []).append(str(key))
        shard, where = self.shards[-1], f"/{path}"
        known = self.weight_map.get(where)
        if known is None:
            self.weight_map[where] = shard
        else:  # (Keras's: a list from the group's second array on)
            known = known if isinstance(known, list) else [known]
            if shard not in known:
                known.append(shard)
            self.weight_map[where] = known
        return dataset

    def close(self) -> dict:
        """Close the last shard; the index to write."""
        self._file.close()
        return {"metadata": {"total_size": self.total_size}, "weight_map": self.weight_map}


def write_sharded(path: str, max_shard_size, overwrite: bool, write) -> None:
    """Run `write(writer)` into a hidden folder beside `path`, then publish the set: the
    shards, then the index (Keras's `json.dumps(index, indent=4)`)."""
    index_file = index_path(path)
    if not overwrite and os.path.exists(index_file):
        raise FileExistsError(
            f"{index_file} already exists; pass overwrite=True to replace it (numkeras does "
            "not ask interactively, as Keras does)."
        )
    folder = os.path.dirname(os.path.abspath(index_file))
    if not os.path.isdir(folder):  # (as Keras 3: no folder is created for the set)
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), index_file)
    tmp = os.path.join(folder, f".{os.path.basename(index_file)}.{uuid.uuid4().hex}.tmp")
    os.makedirs(tmp)
    try:
        writer = ShardedWriter(tmp, index_file, max_shard_size)
        try:
            write(writer)
        finally:
            index = writer.close()
        with open(os.path.join(tmp, "index.json"), "w") as f:
            f.write(json.dumps(index, indent=4))
        old = _old_shards(index_file) - set(writer.shards)
        if os.path.exists(index_file):
            os.remove(index_file)  # (from here until the end, no index names a mixed set)
        for name in writer.shards:
            os.replace(os.path.join(tmp, name), os.path.join(folder, name))
        os.replace(os.path.join(tmp, "index.json"), index_file)
        for name in old:
            stale = os.path.join(folder, name)
            if os.path.isfile(stale):
                os.remove(stale)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _old_shards(index_file: str) -> set:
    """The shard names an existing index lists (none if it is not one)."""
    try:
        with open(index_file) as f:
            weight_map = json.load(f)["weight_map"]
        names = set()
        for value in weight_map.values():
            names.update(value if isinstance(value, list) else [value])
        return {n for n in names if isinstance(n, str) and _plain_name(n)}
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def _plain_name(name: str) -> bool:
    return os.path.basename(name) == name and name not in ("", ".", "..")


# -- reading ------------------------------------------------------------------------------
class _MergedGroup:
    """One saved group read across the shards holding its arrays, as h5py's group API
    (`len`, `keys`, `[key]`) that `weights_h5.read_model` / `read_optimizer` use."""

    def __init__(self, groups: list):
        self._groups = groups

    def keys(self) -> list:
        return [key for group in self._groups for key in group.keys()]

    def __iter__(self):
        return iter(self.keys())

    def __len__(self) -> int:
        return sum(len(group) for group in self._groups)

    def __contains__(self, key) -> bool:
        return any(key in group for group in self._groups)

    def __getitem__(self, key):
        for group in self._groups:
            if key in group:
                return group[key]
        raise KeyError(f"Key '{key}' not found in any of the shards.")

    @property
    def attrs(self):
        return self._groups[0].attrs


class ShardedReader:
    """A `.weights.json` index and its shards, read as one h5py file: `get(path)`."""

    def __init__(self, path: str):
        import h5py

        self._h5py = h5py
        self.index_file = path  # (`load_weights` reads only `.weights.json` names)
        if not os.path.exists(self.index_file):
            raise MissingFileError(f"No file or directory found at {self.index_file}")
        try:
            with open(self.index_file) as f:
                self.weight_map = json.load(f)["weight_map"]
        except (ValueError, KeyError, TypeError) as e:
            raise FileFormatError(
                f"{self.index_file} is not a sharded weights index (a JSON object with a "
                f"'weight_map'): {e}"
            ) from None
        self.folder = os.path.dirname(os.path.abspath(self.index_file))
        self._files: dict = {}

    def _file(self, name: str):
        if not isinstance(name, str) or not _plain_name(name):
            raise FileFormatError(
                f"{self.index_file} names the shard {name!r}: shards must be plain file "
                "names beside the index."
            )
        if name not in self._files:
            full = os.path.join(self.folder, name)
            if not os.path.isfile(full):
                raise MissingFileError(f"The shard {full} named by {self.index_file} is missing.")
            self._files[name] = self._h5py.File(full, "r")
        return self._files[name]

    def get(self, path: str):
        """The group at `path` (`layers/dense/vars`), over its shards; a group the index
        does not name holds no arrays: the empty group a shard has for it, or None."""
        names = self.weight_map.get(f"/{path}")
        if names is None:
            first = shard_name(self.index_file, 0)
            found = os.path.isfile(os.path.join(self.folder, first)) and self._file(first).get(path)
            return found or None
        names = names if isinstance(names, list) else [names]
        groups = [self._file(name).get(path) for name in names]
        return _MergedGroup([g for g in groups if g is not None])

    def close(self) -> None:
        for f in self._files.values():
            f.close()
        self._files.clear()

    def __enter__(self) -> ShardedReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
