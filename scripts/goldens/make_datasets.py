"""Goldens for numkeras.datasets' Keras loaders (cifar10/100, imdb, reuters, housing).

Real Keras 3 runs its own `keras.datasets.*` loaders on tiny synthetic files in the real
formats (tests/datasets/keras_dataset_files.py, shared with the tests), placed in a
temporary Keras cache; only the pinned hashes are swapped for the synthetic files' ones.
CIFAR-10's loader hard-codes 5 x 10000 images, so it runs on full-size synthetic batches
(about 20 s to build) and only digests are kept.

Run: KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_datasets.py
Writes tests/goldens/datasets_expected.npz.
"""

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "datasets"))
import keras_dataset_files as files  # noqa: E402

HOME = tempfile.mkdtemp(prefix="keras-home-")
os.environ["KERAS_HOME"] = HOME  # read by Keras at import time

import keras  # noqa: E402
from keras.src.datasets import (  # noqa: E402
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    imdb,
    reuters,
)
from keras.src.utils import file_utils  # noqa: E402

DATADIR = Path(HOME) / "datasets"
HASHES = {}  # cache file name -> hash of the synthetic file
CALLS = []  # the get_file calls Keras made (names, URLs and published hashes)


def install(full_cifar10: bool) -> dict:
    DATADIR.mkdir(parents=True, exist_ok=True)
    pins = {}
    for name, (what, data) in files.all_files(full_cifar10=full_cifar10).items():
        (DATADIR / name).write_bytes(data)
        HASHES[name] = files.md5(data) if what.endswith("_words") else files.sha256(data)
        pins[name] = files.sha256(data)
    return pins


def pinned_get_file(fname=None, origin=None, *args, **kwargs):
    """Keras's get_file with the synthetic file's hash instead of the published one."""
    target = fname + "_archive" if kwargs.get("extract") and "." not in fname else fname
    CALLS.append(files.describe_call(fname, origin, *args, **kwargs))
    kwargs["file_hash"] = HASHES[target]
    return file_utils.get_file(fname, origin, *args, **kwargs)


for module in (boston_housing, california_housing, cifar10, cifar100, imdb, reuters):
    module.get_file = pinned_get_file

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


def run(scenarios, meta):
    for key, (loader, kwargs, data_format) in scenarios.items():
        keras.config.set_image_data_format(data_format or "channels_last")
        CALLS.clear()
        try:
            result = files.encode_result(LOADERS[loader](**kwargs))
        finally:
            keras.config.set_image_data_format("channels_last")
        meta["results"][key] = result
        meta["calls"][key] = list(CALLS)
        print(key, "ok")


def main():
    meta = {"keras": keras.__version__, "results": {}, "errors": {}, "calls": {}}
    meta["pins"] = install(full_cifar10=False)
    run(files.SCENARIOS, meta)
    for key, (loader, kwargs) in files.ERROR_SCENARIOS.items():
        try:
            LOADERS[loader](**kwargs)
            meta["errors"][key] = None
        except Exception as e:  # noqa: BLE001 (the type is the golden)
            meta["errors"][key] = [type(e).__name__, str(e)]
        print(key, meta["errors"][key])

    full_pins = install(full_cifar10=True)
    meta["full_cifar10_pin"] = full_pins["cifar-10-batches-py-target_archive"]
    run(files.FULL_CIFAR10, meta)

    out = ROOT / "tests" / "goldens" / "datasets_expected.npz"
    np.savez_compressed(out, meta=np.array(json.dumps(meta, sort_keys=True)))
    print("wrote", out, out.stat().st_size, "bytes")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(HOME, ignore_errors=True)  # about 350 MB with the full CIFAR-10 copy
