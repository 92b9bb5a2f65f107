"""`KerasFileEditor` reads a Keras-written file as Keras 3's does, compares it with a model,
edits it and writes a `.weights.h5` that loads (goldens from
scripts/goldens/make_file_editor.py); nested models survive, where Keras's drop them."""

import contextlib
import io
import json
import pathlib

import h5py
import numpy as np
import pytest

import numkeras
from numkeras.saving import KerasFileEditor

from ..differential import scenario_script

HERE = pathlib.Path(__file__).parents[1] / "goldens" / "saving"
GOLD = json.loads((HERE / "file_editor.json").read_text())
FILE = str(HERE / "file_editor_keras.keras")
SCRIPT = scenario_script("make_file_editor")
X = SCRIPT.X


def _quiet(fn, *args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = fn(*args)
    return result, out.getvalue()


def test_reads_a_keras_file_as_keras_does():
    editor, printed = _quiet(KerasFileEditor, FILE)
    assert SCRIPT.structure(editor.weights_dict) == GOLD["structure"]
    assert printed.startswith(f"Keras model file '{FILE}'\nSaved with Keras 3.15.1 - date: ")
    assert editor.config["class_name"] == "Functional"


def test_compare_lists_each_shape_mismatch():
    editor, _ = _quiet(KerasFileEditor, FILE)
    result, printed = _quiet(editor.compare, SCRIPT.build(numkeras, mid_units=6))
    mismatches = [line for line in printed.splitlines() if line.startswith("...Weight")]
    assert mismatches == GOLD["compare_lines"]
    assert "...Object /optimizer present in saved file, missing from reference model" in printed
    # (Keras 3.15 counts each error again at every level above it: 6 errors, 33 matches)
    assert result == {"status": GOLD["compare_mismatch"]["status"], "error_count": 4,
                      "match_count": 7}  # fmt: skip


def test_edits_save_and_load_as_in_keras(tmp_path):
    got = SCRIPT.edited(numkeras, KerasFileEditor, FILE, str(tmp_path))
    assert got["structure"] == GOLD["edited"]["structure"]
    np.testing.assert_allclose(got["predict"], GOLD["edited"]["predict"], rtol=1e-5, atol=1e-5)


def _nested(seed=0):
    numkeras.utils.set_random_seed(seed)
    inner = numkeras.Sequential(
        [numkeras.Input((4,)), numkeras.layers.Dense(3), numkeras.layers.BatchNormalization()]
    )
    x = numkeras.Input((4,))
    model = numkeras.Model(x, numkeras.layers.Dense(2)(inner(x)))
    model.compile("adam", "mse")
    model.fit(X, np.ones((3, 2), "float32"), verbose=0)
    return model


def test_nested_models_survive_compare_and_save(tmp_path):
    model = _nested()
    path = str(tmp_path / "m.keras")
    model.save(path)
    editor, _ = _quiet(KerasFileEditor, path)
    assert set(editor.weights_dict["layers"]["sequential"]["layers"]) == {
        "dense",
        "batch_normalization",
    }
    result, _ = _quiet(editor.compare, model)
    # layers: 2 + 4 + 2 weights; optimizer: iterations, learning rate, 2 slots x 6 weights
    assert result == {"status": "success", "error_count": 0, "match_count": 8 + 2 + 12}
    editor.save(tmp_path / "copy.weights.h5")
    twin = _nested(seed=1)
    twin.load_weights(tmp_path / "copy.weights.h5")
    np.testing.assert_array_equal(twin.predict(X, verbose=0), model.predict(X, verbose=0))


def test_summary_draws_the_tree():
    editor, _ = _quiet(KerasFileEditor, FILE)
    _, printed = _quiet(editor.summary)
    lines = printed.splitlines()
    assert lines[:3] == ["Weights structure", "  > layers", "  │   ├─ batch_normalization ('bn')"]
    assert "  │   │   ├─ 0: shape=(4, 3), dtype=float32" in lines
    assert lines[-1].startswith("      └─ 9: shape=")


def test_bad_edits_raise_value_errors(tmp_path):
    editor, _ = _quiet(KerasFileEditor, FILE)
    cases = [
        (lambda: editor.rename_object("nope", "x"), "does not appear"),
        (lambda: editor.delete_object("layers/nope"), "not found"),
        (lambda: editor.rename_object("dense", "a/b"), "leaf name"),
        (lambda: editor.add_object("nope/dense", {}), "not found"),
        (lambda: editor.add_weights("dense", [1]), "should be a dict"),
        (lambda: editor.delete_weight("dense", "7"), "Weight 7 not found"),
        (lambda: editor.save(tmp_path / "x.h5"), "weights.h5"),
        (lambda: KerasFileEditor(str(tmp_path / "x.h5")), "extension"),
    ]
    for fn, message in cases:
        with pytest.raises(ValueError, match=message):
            fn()
    vars_ = editor.weights_dict["optimizer"]
    vars_["dense"] = {"0": np.zeros(1)}  # now "dense" names two objects
    with pytest.raises(ValueError, match="more than once"):
        editor.delete_object("dense")


def test_links_are_refused(tmp_path):
    path = str(tmp_path / "linked.weights.h5")
    with h5py.File(path, "w") as h5:
        h5.create_dataset("layers/dense/vars/0", data=np.zeros(2))
        h5["layers/dense/vars/1"] = h5py.SoftLink("/layers/dense/vars/0")
    with pytest.raises(ValueError, match="SoftLink"):
        _quiet(KerasFileEditor, path)
    with h5py.File(path, "w") as h5:
        h5["layers/dense/vars/0"] = h5py.ExternalLink("/etc/passwd", "/x")
    with pytest.raises(ValueError, match="ExternalLink"):
        _quiet(KerasFileEditor, path)
