"""Safe reading of the pickled files behind Keras's datasets, and CIFAR's `load_batch`.

CIFAR's "python version" batches are Python 2 pickles, and IMDB's and Reuters's `.npz`
files hold ragged `dtype=object` arrays, which NumPy can only store as pickles. A plain
`pickle.load` (or `np.load(..., allow_pickle=True)`) of a tampered file runs any code the
file names. Here every such stream goes through `RestrictedUnpickler`, which can build
nothing but dicts, lists, ints, strings, bytes and NumPy arrays: any other global
(`os.system`, `builtins.eval`, ...) is refused with `pickle.UnpicklingError`. Keras 3.15
does the same (`keras.src.datasets.npz_utils`). On top of that, each loader passes the
canonical file hash to `get_file`, so a file that is not the published one is never parsed
(it is downloaded afresh instead).

>>> import io, pickle
>>> import numpy as np
>>> batch = {b"data": np.arange(3072, dtype=np.uint8)[None], b"labels": [7]}
>>> data, labels = load_batch(io.BytesIO(pickle.dumps(batch)))
>>> data.shape, data.dtype, labels
((1, 3, 32, 32), dtype('uint8'), [7])
>>> restricted_loads(pickle.dumps(print))
Traceback (most recent call last):
  ...
_pickle.UnpicklingError: Refusing to deserialize `builtins.print` while loading a dataset file...
"""

from __future__ import annotations

import io
import os
import pickle
import zipfile

import numpy as np

try:  # NumPy >= 2 (numpy.core is a deprecated alias there)
    from numpy._core.multiarray import _reconstruct
    from numpy._core.numeric import _frombuffer
except ImportError:  # pragma: no cover (NumPy 1.x)
    from numpy.core.multiarray import _reconstruct
    from numpy.core.numeric import _frombuffer

# The only globals a pickled NumPy array needs (both spellings: files written by NumPy 1
# say `numpy.core`, by NumPy 2 `numpy._core`). `_frombuffer` is what pickle protocol 5
# uses for plain arrays (Keras refuses it; it only builds an array from bytes, so a
# re-pickled CIFAR batch is accepted here). They are returned directly (never imported
# by name), so nothing else can be reached through this table.
_ALLOWED_GLOBALS = {
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy.core.numeric", "_frombuffer"): _frombuffer,
    ("numpy._core.numeric", "_frombuffer"): _frombuffer,
}


class RestrictedUnpickler(pickle.Unpickler):
    """A `pickle.Unpickler` that can only rebuild plain containers and NumPy arrays.

    >>> import io, os, pickle
    >>> RestrictedUnpickler(io.BytesIO(pickle.dumps({"a": [1, 2.5, b"x"]}))).load()
    {'a': [1, 2.5, b'x']}
    >>> RestrictedUnpickler(io.BytesIO(pickle.dumps(os.system))).load()
    Traceback (most recent call last):
      ...
    _pickle.UnpicklingError: Refusing to deserialize `posix.system` while loading ...
    """

    def find_class(self, module: str, name: str):
        try:
            return _ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"Refusing to deserialize `{module}.{name}` while loading a dataset file: only "
                "lists, dicts, numbers, strings and NumPy arrays are allowed. The file may be "
                "corrupted or malicious; delete it so a fresh copy is downloaded."
            ) from None


def restricted_loads(data: bytes, encoding: str = "ASCII"):
    """`pickle.loads` through `RestrictedUnpickler`."""
    return RestrictedUnpickler(io.BytesIO(data), encoding=encoding).load()


def _read_npy(fp) -> np.ndarray:
    """One `.npy` stream; object arrays are unpickled with `RestrictedUnpickler`."""
    version = np.lib.format.read_magic(fp)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp)
    elif version in ((2, 0), (3, 0)):
        # 3.0 only differs from 2.0 by a UTF-8 header; the layout read here is the same
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp)
    else:
        raise ValueError(f"Unsupported .npy format version {version}.")
    if dtype.hasobject:
        array = RestrictedUnpickler(fp).load()  # np.save pickles the whole array
        if not isinstance(array, np.ndarray):
            raise pickle.UnpicklingError(
                f"An object .npy member holds a {type(array).__name__}, not an array."
            )
        return array
    fp.seek(0)
    return np.lib.format.read_array(fp, allow_pickle=False)


def load_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """The arrays of an `.npz` file, as a dict; a safe `np.load(path, allow_pickle=True)`.

    Numeric members load with pickling disabled; object members (ragged sequences) go
    through `RestrictedUnpickler`, so a crafted file cannot run code.

    >>> import os, tempfile
    >>> import numpy as np
    >>> path = os.path.join(tempfile.mkdtemp(), "ragged.npz")
    >>> np.savez(path, x=np.array([[1, 2], [3]], dtype=object), y=np.arange(2))
    >>> arrays = load_npz(path)
    >>> arrays["x"].tolist(), arrays["y"].tolist()
    ([[1, 2], [3]], [0, 1])
    """
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as raw:
                    arrays[member[: -len(".npy")]] = _read_npy(io.BytesIO(raw.read()))
    return arrays


def load_batch(fpath, label_key: str = "labels"):
    """`(data, labels)` of one CIFAR batch file: `data` is `(n, 3, 32, 32)` uint8
    (channels first, as stored), `labels` the stored list of ints (Keras's `load_batch`).

    `fpath` is a path or a binary file object. The file is a Python 2 pickle of a dict with
    byte-string keys, read with `encoding="bytes"` as Keras does, but restricted.
    """
    if isinstance(fpath, (str, os.PathLike)):
        with open(fpath, "rb") as f:
            d = RestrictedUnpickler(f, encoding="bytes").load()
    else:
        d = RestrictedUnpickler(fpath, encoding="bytes").load()
    if not isinstance(d, dict):
        raise ValueError(
            f"{fpath}: a CIFAR batch should be a pickled dict, not a {type(d).__name__}."
        )
    d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()}
    missing = [k for k in ("data", label_key) if k not in d]
    if missing:
        raise KeyError(
            f"{fpath}: the CIFAR batch has no {missing} entry; it has {sorted(d)}. Is it a "
            "CIFAR-10 batch read as CIFAR-100 (or the reverse)?"
        )
    data = d["data"]
    labels = d[label_key]
    data = data.reshape(data.shape[0], 3, 32, 32)
    return data, labels


__all__ = ["RestrictedUnpickler", "load_batch", "load_npz", "restricted_loads"]
