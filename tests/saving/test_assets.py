"""Adapted vocabularies and tf-idf weights in `.keras` files, as Keras stores them (an
`assets/` folder per layer, `idf_weights` among the layer's variables), both ways: a file
written by Keras 3 on TensorFlow (scripts/goldens/make_lookup_files.py) loads and predicts
as there, and a numkeras file round-trips with the Keras layout."""

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("h5py")

import numkeras as keras  # noqa: E402
from numkeras.saving.saving_api import _extract_assets  # noqa: E402

GOLDENS = Path(__file__).parents[1] / "goldens"
WANT = json.loads((GOLDENS / "keras_text_model.json").read_text())


def _inputs():
    return [np.array([[q] for q in WANT["query"]]), np.array([[t] for t in WANT["tokens"]])]


def test_a_keras_written_text_model_loads_with_its_vocabulary_and_idf_weights():
    model = keras.saving.load_model(GOLDENS / "keras_text_model.keras")
    vec = next(la for la in model.layers if type(la).__name__ == "TextVectorization")
    assert vec.get_vocabulary() == WANT["vocabulary"]
    lookup = next(la for la in model.layers if type(la).__name__ == "StringLookup")
    np.testing.assert_allclose(lookup.idf_weights, WANT["idf_weights"], rtol=1e-6)
    np.testing.assert_allclose(model.predict(_inputs(), verbose=0), WANT["prediction"], 1e-5, 1e-6)


def test_a_numkeras_file_keeps_the_keras_layout_and_round_trips(tmp_path):
    model = keras.saving.load_model(GOLDENS / "keras_text_model.keras")
    path = tmp_path / "again.keras"
    model.save(path)
    names = set(zipfile.ZipFile(path).namelist())
    for name in zipfile.ZipFile(GOLDENS / "keras_text_model.keras").namelist():
        assert name in names, name  # every entry Keras wrote, assets included
    again = keras.saving.load_model(path)
    np.testing.assert_allclose(again.predict(_inputs(), verbose=0), WANT["prediction"], 1e-5, 1e-6)


def test_an_adapted_vocabulary_survives_save_and_load(tmp_path):
    texts = np.array(["red green", "green blue blue", "red"])
    vec = keras.layers.TextVectorization(output_sequence_length=3)
    vec.adapt(texts)
    model = keras.Sequential([keras.Input((1,), dtype="string"), vec])
    model.save(tmp_path / "vec.keras")
    loaded = keras.saving.load_model(tmp_path / "vec.keras")
    np.testing.assert_array_equal(
        loaded.predict(np.array([["blue red"], ["nope"]]), verbose=0),
        model.predict(np.array([["blue red"], ["nope"]]), verbose=0),
    )


@pytest.mark.parametrize("name", ["assets/../evil.txt", "assets//abs.txt", "assets/a/../../x"])
def test_asset_entries_outside_the_folder_are_refused(tmp_path, name):
    path = tmp_path / "bad.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(name, "x")
    with zipfile.ZipFile(path) as zf, pytest.raises(ValueError, match="unsafe path"):
        _extract_assets(zf, str(tmp_path / "out"))
    assert not (tmp_path / "evil.txt").exists()
