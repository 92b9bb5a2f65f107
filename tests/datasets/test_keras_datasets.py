"""numkeras.datasets' Keras loaders (cifar10/100, imdb, reuters, boston/california housing)
against real Keras 3 run on the same synthetic files (scripts/goldens/make_datasets.py)."""

import functools
import importlib.util
import io
import json
import os
import pickle
import tarfile
import urllib.request
import zipfile
from pathlib import Path

import numpy as np
import pytest

from numkeras import backend
from numkeras.datasets import (
    boston_housing,
    california_housing,
    cifar,
    cifar10,
    cifar100,
    imdb,
    reuters,
)
from numkeras.errors import DeprecatedArgumentWarning

_spec = importlib.util.spec_from_file_location(
    "keras_dataset_files", Path(__file__).with_name("keras_dataset_files.py")
)
files = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(files)

GOLDEN = json.loads(
    str(np.load(Path(__file__).parents[1] / "goldens" / "datasets_expected.npz")["meta"])
)
MODULES = (boston_housing, california_housing, cifar10, cifar100, imdb, reuters)
LOADERS = {
    "cifar10": cifar10.load_data,
    "cifar100": cifar100.load_data,
    "imdb": imdb.load_data,
    "reuters": reuters.load_data,
    "boston": boston_housing.load_data,
    "california": california_housing.load_data,
    "imdb_words": imdb.get_word_index,
    "reuters_words": reuters.get_word_index,
    "reuters_labels": reuters.get_label_names,
}


@functools.lru_cache(maxsize=1)
def _all_files(full_cifar10: bool):
    return files.all_files(full_cifar10=full_cifar10)


class Cache:
    """A temporary Keras cache holding the synthetic files; records get_file calls."""

    def __init__(self, home: Path, monkeypatch):
        self.home, self.datadir = home, home / "datasets"
        self.hashes, self.calls = {}, []
        self.monkeypatch = monkeypatch

    def install(self, full_cifar10=False):
        self.datadir.mkdir(parents=True, exist_ok=True)
        pins = {}
        for name, (what, data) in _all_files(full_cifar10).items():
            (self.datadir / name).write_bytes(data)
            self.hashes[name] = files.md5(data) if what.endswith("_words") else files.sha256(data)
            pins[name] = files.sha256(data)
        return pins

    def pin(self, name, digest):
        self.hashes[name] = digest


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """Keras's cache moved to a temp folder, no network, and each loader's get_file given
    the synthetic file's hash in place of the published one (as the goldens script does
    for Keras), recording the published names/URLs/hashes it was called with."""
    from numkeras.utils import file_utils

    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))

    def no_network(*args, **kwargs):
        raise ConnectionError("network disabled in tests")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    c = Cache(tmp_path / "keras", monkeypatch)

    def pinned_get_file(fname=None, origin=None, *args, **kwargs):
        c.calls.append(files.describe_call(fname, origin, *args, **kwargs))
        target = fname + "_archive" if kwargs.get("extract") and "." not in fname else fname
        kwargs["file_hash"] = c.hashes.get(target, kwargs.get("file_hash"))
        return file_utils.get_file(fname, origin, *args, **kwargs)

    for module in MODULES:
        monkeypatch.setattr(module, "get_file", pinned_get_file)
    return c


@pytest.fixture
def channels_first():
    backend.set_image_data_format("channels_first")
    yield
    backend.set_image_data_format("channels_last")


def test_synthetic_files_are_the_ones_keras_read(cache):
    assert cache.install() == GOLDEN["pins"]


@pytest.mark.parametrize("key", sorted(files.SCENARIOS))
def test_matches_keras(key, cache):
    cache.install()
    loader, kwargs, data_format = files.SCENARIOS[key]
    backend.set_image_data_format(data_format or "channels_last")
    try:
        result = LOADERS[loader](**kwargs)
    finally:
        backend.set_image_data_format("channels_last")
    assert files.encode_result(result) == GOLDEN["results"][key]
    # the same published file names, URLs, hashes and extraction as Keras
    assert cache.calls == GOLDEN["calls"][key]


@pytest.mark.parametrize("key", sorted(files.ERROR_SCENARIOS))
def test_errors_match_keras(key, cache):
    cache.install()
    loader, kwargs = files.ERROR_SCENARIOS[key]
    kind, message = GOLDEN["errors"][key]
    assert kind == "ValueError"
    with pytest.raises(ValueError) as info:
        LOADERS[loader](**kwargs)
    assert str(info.value).startswith(message)


def test_cifar10_small_files_channels_last_and_first(cache):
    """Keras's loader needs 5 x 10000 images (see the slow test); numkeras sizes its arrays
    from the batches, so small copies load too, in the same layout."""
    cache.install()
    _, batches = files.cifar10_files()
    want_x = np.concatenate([batches[f"data_batch_{i}"][0] for i in range(1, 6)])
    want_y = sum((batches[f"data_batch_{i}"][1] for i in range(1, 6)), [])
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert (x_train.shape, y_train.shape, x_test.shape, y_test.shape) == (
        (20, 32, 32, 3),
        (20, 1),
        (3, 32, 32, 3),
        (3, 1),
    )
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    np.testing.assert_array_equal(x_train, want_x.reshape(20, 3, 32, 32).transpose(0, 2, 3, 1))
    np.testing.assert_array_equal(y_train[:, 0], want_y)
    np.testing.assert_array_equal(y_test[:, 0], batches["test_batch"][1])
    # red channel of the first pixel is byte 0, green byte 1024, blue byte 2048
    assert x_train[0, 0, 0].tolist() == want_x[0, [0, 1024, 2048]].tolist()
    extracted = cache.datadir / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    assert (extracted / "data_batch_5").is_file()

    backend.set_image_data_format("channels_first")
    try:
        (x_first, _), (x_test_first, _) = cifar10.load_data()
    finally:
        backend.set_image_data_format("channels_last")
    assert x_first.shape == (20, 3, 32, 32) and x_test_first.shape == (3, 3, 32, 32)
    np.testing.assert_array_equal(x_first.transpose(0, 2, 3, 1), x_train)


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(files.FULL_CIFAR10))
def test_cifar10_full_size_matches_keras(key, cache):
    """Keras's CIFAR-10 loader on full-size synthetic batches (about 20 s to build)."""
    pins = cache.install(full_cifar10=True)
    assert pins["cifar-10-batches-py-target_archive"] == GOLDEN["full_cifar10_pin"]
    _, _, data_format = files.FULL_CIFAR10[key]
    backend.set_image_data_format(data_format)
    try:
        result = cifar10.load_data()
    finally:
        backend.set_image_data_format("channels_last")
    assert files.encode_result(result) == GOLDEN["results"][key]
    assert cache.calls == GOLDEN["calls"][key]


def test_cifar10_golden_shapes():
    got = GOLDEN["results"]["cifar10_full_last"]
    assert [got[k]["shape"] for k in ("x_train", "y_train", "x_test", "y_test")] == [
        [50000, 32, 32, 3],
        [50000, 1],
        [10000, 32, 32, 3],
        [10000, 1],
    ]
    assert {got[k]["dtype"] for k in got} == {"uint8"}


# --------------------------------------------------------------------------- safety


class _Gadget:
    """Unpickling this runs `open(path, "w")`: the file appearing means code ran."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def _evil_cifar_tar(marker: Path) -> bytes:
    payload = pickle.dumps({b"data": _Gadget(str(marker)), b"labels": [0]})
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        for i in list(range(1, 6)) + ["test"]:
            name = f"cifar-10-batches-py/{'test_batch' if i == 'test' else f'data_batch_{i}'}"
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    return raw.getvalue()


def _evil_npz(marker: Path, keys) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for key in keys:
            npy = io.BytesIO()
            np.lib.format.write_array_header_1_0(
                npy, {"descr": "|O", "fortran_order": False, "shape": (1,)}
            )
            npy.write(pickle.dumps(_Gadget(str(marker))))
            z.writestr(key + ".npy", npy.getvalue())
    return buf.getvalue()


def test_tampered_file_is_never_parsed(cache, tmp_path):
    """A cached file that is not the published one is re-downloaded (here: fails, no
    network), never read: the hash check comes first."""
    marker = tmp_path / "pwned"
    cache.datadir.mkdir(parents=True)
    (cache.datadir / "imdb.npz").write_bytes(_evil_npz(marker, ["x_train"]))
    (cache.datadir / "cifar-10-batches-py-target_archive").write_bytes(_evil_cifar_tar(marker))
    with pytest.raises(ConnectionError):
        imdb.load_data()
    with pytest.raises(ConnectionError):
        cifar10.load_data()
    assert not marker.exists()
    assert cache.calls[0]["file_hash"] == imdb.FILE_HASH  # the published hash was checked


@pytest.mark.parametrize("loader", ["imdb", "reuters", "cifar10"])
def test_code_in_a_pinned_file_is_refused(loader, cache, tmp_path):
    """Even a file whose hash is pinned (the second line of defence) cannot run code."""
    marker = tmp_path / "pwned"
    cache.datadir.mkdir(parents=True)
    if loader == "cifar10":
        name, data = "cifar-10-batches-py-target_archive", _evil_cifar_tar(marker)
    else:
        keys = ["x_train", "y_train", "x_test", "y_test"] if loader == "imdb" else ["x", "y"]
        name, data = f"{loader}.npz", _evil_npz(marker, keys)
    (cache.datadir / name).write_bytes(data)
    cache.pin(name, files.sha256(data))
    with pytest.raises(pickle.UnpicklingError, match="Refusing to deserialize `io.open`"):
        LOADERS[loader]()
    assert not marker.exists()
    # the same file through NumPy's own loader would have run the code
    if loader != "cifar10":
        with np.load(cache.datadir / name, allow_pickle=True) as f:
            f[f.files[0]]
        assert marker.exists()


def test_load_npz_reads_numpy2_pickles_and_numeric_members(tmp_path):
    path = tmp_path / "x.npz"
    ragged = np.empty(3, dtype=object)
    ragged[:] = [[1, 2], [3], [4, 5, 6]]
    np.savez(path, x=ragged, y=np.arange(3, dtype=np.int32), f=np.ones((2, 2), np.float32))
    got = cifar.load_npz(path)
    assert got["x"].dtype == object and got["x"].tolist() == [[1, 2], [3], [4, 5, 6]]
    assert got["y"].dtype == np.int32 and got["f"].dtype == np.float32
    bad = tmp_path / "bad.npz"
    np.savez(bad, x=np.array([print], dtype=object))
    with pytest.raises(pickle.UnpicklingError, match="builtins.print"):
        cifar.load_npz(bad)


def test_load_batch_errors_are_clear():
    not_a_dict = io.BytesIO(pickle.dumps([1, 2]))
    with pytest.raises(ValueError, match="should be a pickled dict"):
        cifar.load_batch(not_a_dict)
    cifar10_batch = io.BytesIO(
        pickle.dumps({b"data": np.zeros((1, 3072), np.uint8), b"labels": []})
    )
    with pytest.raises(KeyError, match="fine_labels"):
        cifar.load_batch(cifar10_batch, label_key="fine_labels")


# --------------------------------------------------------------------------- arguments


def test_imdb_nb_words_alias_and_unknown_keywords(cache):
    cache.install()
    with pytest.warns(DeprecatedArgumentWarning, match="nb_words"):
        old = imdb.load_data(nb_words=20)
    new = imdb.load_data(num_words=20)
    assert files.encode_result(old) == files.encode_result(new)
    # Keras 3 silently ignores unknown keywords; a typo should not go unnoticed
    with pytest.raises(TypeError, match="Did you mean 'num_words'"):
        imdb.load_data(num_word=20)


def test_reuters_nb_words_alias_and_unknown_keywords(cache):
    cache.install()
    with pytest.warns(DeprecatedArgumentWarning, match="nb_words"):
        old = reuters.load_data(nb_words=20)
    assert files.encode_result(old) == files.encode_result(reuters.load_data(num_words=20))
    with pytest.raises(TypeError, match="Did you mean 'test_split'"):
        reuters.load_data(test_splt=0.5)


@pytest.mark.parametrize("loader", ["cifar100", "imdb", "reuters", "boston", "california"])
def test_keras2_cache_dir_argument(loader, cache, tmp_path):
    """tf.keras's loaders take `cache_dir`; the data then lives in `cache_dir/datasets`."""
    cache.install()
    other = tmp_path / "elsewhere"
    (other / "datasets").mkdir(parents=True)
    for f in cache.datadir.iterdir():
        if f.is_file():
            f.rename(other / "datasets" / f.name)
    got = LOADERS[loader](cache_dir=str(other))
    assert cache.calls[-1]["cache_dir"] == str(other)
    key = {"boston": "boston_default", "california": "california_large"}.get(
        loader, f"{loader}_default" if loader != "cifar100" else "cifar100_fine_last"
    )
    assert files.encode_result(got) == GOLDEN["results"][key]
    assert not any(cache.datadir.iterdir())  # nothing was written to the default cache


def test_custom_path_is_a_cache_name(cache):
    """`path` is the file's name in Keras's cache (not a local path), as in Keras."""
    cache.install()
    data = (cache.datadir / "boston_housing.npz").read_bytes()
    (cache.datadir / "my_boston.npz").write_bytes(data)
    cache.pin("my_boston.npz", files.sha256(data))
    (x_train, _), _ = boston_housing.load_data(path="my_boston.npz")
    (want, _), _ = boston_housing.load_data()
    np.testing.assert_array_equal(x_train, want)
    assert cache.calls[0]["fname"] == "my_boston.npz"


def test_close_name_suggestions():
    with pytest.raises(ValueError, match="Did you mean 'coarse'"):
        cifar100.load_data(label_mode="course")
    with pytest.raises(ValueError, match="Did you mean 'small'"):
        california_housing.load_data(version="smal")


def test_signatures_match_keras():
    import inspect

    def defaults(f):
        return {
            k: v.default
            for k, v in inspect.signature(f).parameters.items()
            if v.kind is not v.VAR_KEYWORD
        }

    assert defaults(imdb.load_data) == {
        "path": "imdb.npz",
        "num_words": None,
        "skip_top": 0,
        "maxlen": None,
        "seed": 113,
        "start_char": 1,
        "oov_char": 2,
        "index_from": 3,
        "cache_dir": None,  # tf.keras's
    }
    assert defaults(reuters.load_data) == {
        "path": "reuters.npz",
        "num_words": None,
        "skip_top": 0,
        "maxlen": None,
        "test_split": 0.2,
        "seed": 113,
        "start_char": 1,
        "oov_char": 2,
        "index_from": 3,
        "cache_dir": None,
    }
    assert defaults(boston_housing.load_data) == {
        "path": "boston_housing.npz",
        "test_split": 0.2,
        "seed": 113,
        "cache_dir": None,
    }
    assert defaults(california_housing.load_data) == {
        "version": "large",
        "path": "california_housing.npz",
        "test_split": 0.2,
        "seed": 113,
        "cache_dir": None,
    }
    assert defaults(cifar100.load_data) == {"label_mode": "fine", "cache_dir": None}
    assert defaults(cifar10.load_data) == {"cache_dir": None}
    assert defaults(imdb.get_word_index) == {"path": "imdb_word_index.json"}
    assert defaults(reuters.get_word_index) == {"path": "reuters_word_index.json"}


def test_no_keras_cache_outside_tmp(cache):
    assert os.environ["KERAS_HOME"].startswith(str(cache.home))
