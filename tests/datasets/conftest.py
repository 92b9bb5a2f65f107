"""Tiny synthetic IDX/npz files, and isolation from the real cache and network."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io

import numpy as np
import pytest

from numkeras.datasets import _idx

STEMS = _idx.STEMS


def idx_bytes(arr: np.ndarray) -> bytes:
    """Encode a uint8 array in IDX format (type code 0x08)."""
    header = bytes([0, 0, 0x08, arr.ndim]) + b"".join(d.to_bytes(4, "big") for d in arr.shape)
    return header + np.ascontiguousarray(arr, dtype=np.uint8).tobytes()


@pytest.fixture
def synthetic():
    """Four small arrays like MNIST's (5 train / 3 test images of 4x3) and their IDX bytes."""
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (5, 4, 3), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, 5, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (3, 4, 3), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, 3, dtype=np.uint8),
    }
    raw = {stem: idx_bytes(a) for stem, a in arrays.items()}
    return arrays, raw


def write_idx_folder(folder, raw, gz_stems=()):
    folder.mkdir(parents=True, exist_ok=True)
    for stem, data in raw.items():
        if stem in gz_stems:
            (folder / (stem + ".gz")).write_bytes(gzip.compress(data))
        else:
            (folder / stem).write_bytes(data)
    return folder


def npz_bytes(arrays) -> bytes:
    buf = io.BytesIO()
    keys = ("x_train", "y_train", "x_test", "y_test")
    np.savez(buf, **dict(zip(keys, arrays.values())))
    return buf.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pin(monkeypatch, module, **changes):
    """Replace `module.SPEC` by a copy with `changes` (e.g. hashes of synthetic files)."""
    monkeypatch.setattr(module, "SPEC", dataclasses.replace(module.SPEC, **changes))
    return module.SPEC


@pytest.fixture(autouse=True)
def isolated(request, tmp_path, monkeypatch):
    """No real cache, no NUMKERAS_DATA, no system folders, and no network (but `slow` tests
    use the real data)."""
    if request.node.get_closest_marker("slow"):
        return
    monkeypatch.setenv("NUMKERAS_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NUMKERAS_DATA", raising=False)

    def no_fetch(spec, dest):
        raise ConnectionError("network disabled in tests")

    monkeypatch.setattr(_idx, "fetch_npm", no_fetch)
    monkeypatch.setattr(_idx, "fetch_urls", no_fetch)
    from numkeras.datasets import fashion_mnist

    pin(monkeypatch, fashion_mnist, system_dirs=(str(tmp_path / "no-system-dir"),))


@pytest.fixture
def helpers():
    class H:
        pass

    h = H()
    h.write_idx_folder, h.npz_bytes, h.sha, h.pin, h.idx_bytes = (
        write_idx_folder,
        npz_bytes,
        sha,
        pin,
        idx_bytes,
    )
    return h
