"""Tiny synthetic copies of Keras's dataset files, in the real formats.

Shared by tests/datasets/test_keras_datasets.py (numkeras) and
scripts/goldens/make_datasets.py (real Keras), so both read the same content.

- CIFAR: `cifar-10-python.tar.gz` (`cifar-10-batches-py/data_batch_1..5`, `test_batch`,
  `batches.meta`, `readme.html`) and `cifar-100-python.tar.gz` (`cifar-100-python/train`,
  `test`, `meta`): Python 2 protocol-2 pickles of dicts with byte-string keys, written here
  by `py2_pickle` exactly as Python 2's cPickle wrote them (str as BINSTRING, NumPy globals
  spelled `numpy.core.multiarray`).
- IMDB / Reuters: `.npz` with ragged `dtype=object` arrays of lists of ints (pickled) and
  int64 label arrays; the word indexes are JSON.
- Boston / California housing: `.npz` with float arrays `x` and `y`.

Everything is deterministic (fixed seeds, tar/gzip mtimes of 0).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import pickle
import struct
import tarfile
import zipfile

import numpy as np


class _Py2Pickler(pickle._Pickler):
    """Protocol-2 pickles as Python 2 wrote them: every str/bytes is a native `str`
    (SHORT_BINSTRING / BINSTRING), NumPy's globals are under `numpy.core`."""

    dispatch = pickle._Pickler.dispatch.copy()

    def save_py2_str(self, obj):
        data = obj.encode("latin1") if isinstance(obj, str) else bytes(obj)
        if len(data) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(data)) + data)
        self.memoize(obj)

    dispatch[str] = save_py2_str
    dispatch[bytes] = save_py2_str

    def save_global(self, obj, name=None):
        module = getattr(obj, "__module__", None)
        name = name or obj.__qualname__
        if module and module.startswith("numpy._core"):
            module = "numpy.core" + module[len("numpy._core") :]
        self.write(pickle.GLOBAL + f"{module}\n{name}\n".encode())
        self.memoize(obj)

    dispatch[type] = save_global


def py2_pickle(obj) -> bytes:
    buf = io.BytesIO()
    _Py2Pickler(buf, protocol=2).dump(obj)
    return buf.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()  # noqa: S324 (Keras pins md5 for the word indexes)


def _tar_gz(files: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        folders = sorted({name.split("/")[0] for name in files})
        for folder in folders:
            info = tarfile.TarInfo(folder)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, 0
            tar.addfile(info)
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), compresslevel=1, mtime=0)


def _images(rng, n: int) -> np.ndarray:
    return rng.integers(0, 256, (n, 3072), dtype=np.uint8)


def cifar10_files(n_per_batch: int = 4, n_test: int = 3, seed: int = 0):
    """`(tar_gz_bytes, batches)`; batches maps "data_batch_1".. "test_batch" to
    `(data (n, 3072) uint8, labels list)`. Keras's own loader needs n_per_batch=10000."""
    rng = np.random.default_rng(seed)
    batches, files = {}, {}
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    for i, name in enumerate(names):
        n = n_test if name == "test_batch" else n_per_batch
        if n_per_batch >= 1000:  # Keras-sized: a cheap, compressible but unique pattern
            data = (np.arange(n * 3072, dtype=np.int64) * (i + 3) // 7 % 251).astype(np.uint8)
            data = data.reshape(n, 3072)
            labels = [int(v) for v in (np.arange(n) * (i + 1)) % 10]
        else:
            data = _images(rng, n)
            labels = [int(v) for v in rng.integers(0, 10, n)]
        batches[name] = (data, labels)
        label = "testing batch 1 of 1" if name == "test_batch" else f"training batch {i + 1} of 5"
        files[f"cifar-10-batches-py/{name}"] = py2_pickle(
            {
                "batch_label": label,
                "labels": labels,
                "data": data,
                "filenames": [f"img_{i}_{j}.png" for j in range(n)],
            }
        )
    meta = {"num_cases_per_batch": n_per_batch, "label_names": ["airplane"], "num_vis": 3072}
    files["cifar-10-batches-py/batches.meta"] = py2_pickle(meta)
    files["cifar-10-batches-py/readme.html"] = b"<meta HTTP-EQUIV='REFRESH'>"
    return _tar_gz(files), batches


def cifar100_files(n_train: int = 6, n_test: int = 4, seed: int = 1):
    """`(tar_gz_bytes, splits)`; splits maps "train"/"test" to
    `(data, fine_labels, coarse_labels)`."""
    rng = np.random.default_rng(seed)
    splits, files = {}, {}
    for name, n in (("train", n_train), ("test", n_test)):
        data = _images(rng, n)
        fine = [int(v) for v in rng.integers(0, 100, n)]
        coarse = [int(v) for v in rng.integers(0, 20, n)]
        splits[name] = (data, fine, coarse)
        files[f"cifar-100-python/{name}"] = py2_pickle(
            {
                "filenames": [f"f{j}.png" for j in range(n)],
                "batch_label": f"{name}ing batch 1 of 1",
                "fine_labels": fine,
                "coarse_labels": coarse,
                "data": data,
            }
        )
    files["cifar-100-python/meta"] = py2_pickle(
        {"fine_label_names": ["apple"], "coarse_label_names": ["fish"]}
    )
    return _tar_gz(files), splits


def _npy_bytes(array: np.ndarray) -> bytes:
    """A `.npy` member; object arrays pickled Python-2 style (as in Keras's real files)."""
    buf = io.BytesIO()
    if array.dtype.hasobject:
        header = {"descr": "|O", "fortran_order": False, "shape": array.shape}
        np.lib.format.write_array_header_1_0(buf, header)
        buf.write(py2_pickle(array))
    else:
        np.lib.format.write_array(buf, array, version=(1, 0))
    return buf.getvalue()


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(info, _npy_bytes(array))
    return buf.getvalue()


def ragged(rng, n: int, vocab: int, max_len: int) -> np.ndarray:
    seqs = [[int(w) for w in rng.integers(1, vocab, rng.integers(2, max_len))] for _ in range(n)]
    seqs[1], seqs[4] = seqs[1][:2], seqs[4][:2]  # a few of length 2 (the maxlen cases)
    out = np.empty(n, dtype=object)
    out[:] = seqs
    return out


def imdb_arrays(seed: int = 2) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "x_test": ragged(rng, 7, 40, 12),
        "x_train": ragged(rng, 9, 50, 14),
        "y_train": rng.integers(0, 2, 9).astype(np.int64),
        "y_test": rng.integers(0, 2, 7).astype(np.int64),
    }


def reuters_arrays(seed: int = 3) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"x": ragged(rng, 13, 60, 15), "y": rng.integers(0, 46, 13).astype(np.int64)}


def housing_arrays(n: int, features: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"x": rng.normal(size=(n, features)) * 10, "y": rng.uniform(5, 50, n)}


def word_index_json(words: int = 30) -> bytes:
    return json.dumps({f"w{i}": i for i in range(1, words + 1)}).encode()


def all_files(full_cifar10: bool = False) -> dict[str, tuple[str, bytes]]:
    """Keras cache file name -> (what it is, bytes), for every loader."""
    cifar10, _ = cifar10_files(*((10000, 10000) if full_cifar10 else ()))
    cifar100, _ = cifar100_files()
    return {
        "cifar-10-batches-py-target_archive": ("cifar10", cifar10),
        "cifar-100-python-target_archive": ("cifar100", cifar100),
        "imdb.npz": ("imdb", npz_bytes(imdb_arrays())),
        "imdb_word_index.json": ("imdb_words", word_index_json(30)),
        "reuters.npz": ("reuters", npz_bytes(reuters_arrays())),
        "reuters_word_index.json": ("reuters_words", word_index_json(20)),
        "boston_housing.npz": ("boston", npz_bytes(housing_arrays(11, 13, 4))),
        "california_housing.npz": ("california", npz_bytes(housing_arrays(610, 8, 5))),
    }


# --------------------------------------------------------------------------- scenarios

# (loader, kwargs) run by both the goldens script (Keras) and the tests (numkeras).
SCENARIOS = {
    "cifar100_fine_last": ("cifar100", {}, "channels_last"),
    "cifar100_coarse_last": ("cifar100", {"label_mode": "coarse"}, "channels_last"),
    "cifar100_fine_first": ("cifar100", {"label_mode": "fine"}, "channels_first"),
    "imdb_default": ("imdb", {}, None),
    "imdb_num_words": ("imdb", {"num_words": 20}, None),
    "imdb_skip_top": ("imdb", {"num_words": 30, "skip_top": 6, "seed": 7}, None),
    "imdb_maxlen": ("imdb", {"maxlen": 9}, None),
    "imdb_no_start": ("imdb", {"start_char": None, "index_from": 5}, None),
    "imdb_no_start_no_shift": ("imdb", {"start_char": None, "index_from": 0}, None),
    "imdb_no_oov": ("imdb", {"num_words": 25, "oov_char": None, "seed": 0}, None),
    "imdb_custom_chars": (
        "imdb",
        {"start_char": 7, "oov_char": 9, "index_from": 10, "num_words": 40, "skip_top": 12},
        None,
    ),
    "imdb_equal_lengths": ("imdb", {"maxlen": 3, "start_char": None, "num_words": 8}, None),
    "reuters_default": ("reuters", {}, None),
    "reuters_split": ("reuters", {"test_split": 0.5, "seed": 1, "num_words": 30}, None),
    "reuters_maxlen": ("reuters", {"maxlen": 10, "skip_top": 4, "oov_char": None}, None),
    "reuters_no_start": ("reuters", {"start_char": None, "index_from": 0}, None),
    "reuters_no_start_shift": ("reuters", {"start_char": None, "index_from": 2}, None),
    "reuters_split_zero": ("reuters", {"test_split": 0.0}, None),
    "boston_default": ("boston", {}, None),
    "boston_split": ("boston", {"test_split": 0.3, "seed": 1}, None),
    "boston_split_zero": ("boston", {"test_split": 0}, None),
    "california_large": ("california", {}, None),
    "california_small": ("california", {"version": "small", "test_split": 0.25, "seed": 5}, None),
    "imdb_words": ("imdb_words", {}, None),
    "reuters_words": ("reuters_words", {}, None),
    "reuters_labels": ("reuters_labels", {}, None),
}

ERROR_SCENARIOS = {
    "cifar100_bad_mode": ("cifar100", {"label_mode": "medium"}),
    "boston_bad_split": ("boston", {"test_split": 1.0}),
    "boston_negative_split": ("boston", {"test_split": -0.1}),
    "california_bad_split": ("california", {"test_split": 1}),
    "california_bad_version": ("california", {"version": "tiny"}),
    "imdb_maxlen_too_small": ("imdb", {"maxlen": 2}),
}

FULL_CIFAR10 = {
    "cifar10_full_last": ("cifar10", {}, "channels_last"),
    "cifar10_full_first": ("cifar10", {}, "channels_first"),
}


def describe_call(fname=None, origin=None, *args, **kwargs) -> dict:
    """The arguments of one `get_file` call that fix where a dataset comes from."""
    if args:
        raise TypeError(f"unexpected positional get_file arguments {args}")
    keys = ("file_hash", "extract", "cache_subdir", "cache_dir", "untar", "md5_hash")
    given = {k: kwargs[k] for k in keys if kwargs.get(k) is not None}
    return {"fname": fname, "origin": origin, **given}


def _encode_array(a) -> dict:
    """A JSON-able description of one returned array (values, or a digest when large)."""
    meta = {"type": type(a).__name__, "dtype": str(a.dtype), "shape": list(a.shape)}
    if a.dtype == object:
        flat = list(a.reshape(-1))
        meta["elem_types"] = sorted({type(x).__name__ for x in flat})
        if a.ndim != 1:  # every sequence had the same length: a 2-D array of ints
            meta["flat"] = [int(w) for w in flat]
            return meta
        meta["item_types"] = sorted({type(w).__name__ for x in flat for w in x})
        meta["lengths"] = [len(x) for x in flat]
        meta["flat"] = [int(w) for x in flat for w in x]
    else:
        meta["c_contiguous"] = bool(a.flags.c_contiguous)
        if a.nbytes <= 512:
            meta["values"] = a.reshape(-1).tolist()
        else:
            meta["sha256"] = sha256(np.ascontiguousarray(a).tobytes())
            meta["head"] = a.reshape(-1)[:8].tolist()
    return meta


def encode_result(result) -> dict:
    """A JSON-able description of a loader's return value."""
    if isinstance(result, dict):
        return {"type": "dict", "value": result}
    if isinstance(result, tuple) and all(isinstance(v, str) for v in result):
        return {"type": "tuple", "value": list(result)}
    (x_train, y_train), (x_test, y_test) = result
    names = ("x_train", "y_train", "x_test", "y_test")
    return {n: _encode_array(a) for n, a in zip(names, (x_train, y_train, x_test, y_test))}
