"""`image_dataset_from_directory` / `text_dataset_from_directory` against Keras 3's (on
TensorFlow): files, labels, the seeded validation split and the resized pixels
(goldens: scripts/goldens/make_api.py, which builds the same image folder)."""

import json
import os
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("PIL")

from numkeras.layers import Dense, Flatten, Input  # noqa: E402
from numkeras.models import Sequential  # noqa: E402
from numkeras.utils.directory_datasets import (  # noqa: E402
    image_dataset_from_directory,
    text_dataset_from_directory,
)

from .image_tree import make_image_tree  # noqa: E402

GOLDEN = json.loads((Path(__file__).parents[1] / "goldens" / "api.json").read_text())["directory"]


@pytest.fixture(scope="module")
def image_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("images")
    make_image_tree(str(root))
    return str(root)


CASES = {
    "plain": dict(shuffle=False, batch_size=4, image_size=(3, 4)),
    "categorical_crop": dict(
        shuffle=False,
        batch_size=None,
        image_size=(4, 4),
        label_mode="categorical",
        crop_to_aspect_ratio=True,
    ),
    "train": dict(
        seed=3, validation_split=0.34, subset="training", batch_size=2, image_size=(2, 2)
    ),
    "val": dict(
        seed=3, validation_split=0.34, subset="validation", batch_size=2, image_size=(2, 2)
    ),
}


@pytest.mark.parametrize("key", list(CASES))
def test_images_labels_and_split_match_keras(image_root, key):
    ds = image_dataset_from_directory(image_root, verbose=False, **CASES[key])
    golden = GOLDEN[key]
    files = [os.path.relpath(p, image_root) for p in ds.file_paths]
    assert ds.class_names == golden["class_names"]
    if "batches" not in golden:
        assert sorted(files) == golden["files"]
        return
    assert files == golden["files"]
    for (x, y), (gx, gy) in zip(ds, golden["batches"]):
        assert x.dtype == np.float32
        np.testing.assert_allclose(x, np.asarray(gx), atol=2e-3)
        np.testing.assert_array_equal(y, np.asarray(gy))


def test_subset_both_and_fit(image_root):
    train, val = image_dataset_from_directory(
        image_root, seed=3, validation_split=0.34, subset="both", image_size=(4, 4), verbose=False
    )
    assert sorted(map(os.path.basename, train.file_paths + val.file_paths)) == sorted(
        os.path.basename(p) for p in train.file_paths + val.file_paths
    )
    assert len(train.file_paths) == 6 and len(val.file_paths) == 3
    model = Sequential([Input((4, 4, 3)), Flatten(), Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    history = model.fit(train, validation_data=val, epochs=1, verbose=0)
    assert "val_loss" in history.history


def test_errors(image_root):
    with pytest.raises(ValueError, match="seed"):
        image_dataset_from_directory(image_root, validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="exactly 2"):
        image_dataset_from_directory(image_root, label_mode="binary", verbose=False)
    with pytest.raises(ValueError, match="class_names"):
        image_dataset_from_directory(image_root, class_names=["cat", "wolf"], verbose=False)
    with pytest.raises(ValueError, match="does not exist"):
        image_dataset_from_directory(os.path.join(image_root, "missing"))


def test_text_dataset(tmp_path, capsys):
    for cls, texts in (("neg", ["bad", "awful film"]), ("pos", ["great"])):
        (tmp_path / cls).mkdir()
        for i, text in enumerate(texts):
            (tmp_path / cls / f"{i}.txt").write_text(text)
    ds = text_dataset_from_directory(tmp_path, shuffle=False, max_length=4, batch_size=2)
    assert "Found 3 files belonging to 2 classes." in capsys.readouterr().out
    x, y = ds[0]
    assert x.tolist() == ["bad", "awfu"] and y.tolist() == [0, 0]
    assert ds[1][0].tolist() == ["grea"] and ds[1][1].tolist() == [1]
