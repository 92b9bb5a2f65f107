"""`numkeras.utils.FeatureSpace` against Keras 3's (goldens from
scripts/goldens/make_feature_space.py, Keras on TensorFlow): encodings of every feature
kind, dict and concat modes, one-row calls, a functional model on its encodings, its
config, its errors, and `.keras` files both ways."""

import json
import zipfile

import numpy as np
import pytest

import numkeras
from numkeras.utils import FeatureSpace

from ..differential import ROOT, assert_json_close, goldens, run_scenario, scenario_script

GOLD = goldens("feature_space")
SCRIPT = scenario_script("make_feature_space")


@pytest.mark.parametrize("name", sorted(set(SCRIPT.SCENARIOS) - {"errors"}))
def test_feature_space_matches_keras(name):
    assert_json_close(run_scenario(SCRIPT, name), GOLD[name], where=name)


def test_feature_space_refuses_what_keras_refuses_with_its_error_class():
    got = run_scenario(SCRIPT, "errors")
    assert sorted(got) == sorted(GOLD["errors"])
    for case, keras_classes in GOLD["errors"].items():
        assert keras_classes[0] in got[case], (case, got[case], keras_classes)


def test_a_space_keras_saved_loads_and_encodes_as_keras():
    loaded = numkeras.models.load_model(SCRIPT.FILE)
    assert isinstance(loaded, FeatureSpace)
    got = json.loads(json.dumps(SCRIPT._encoded(loaded(SCRIPT.FILE_DATA))))
    assert_json_close(got, GOLD["file_outputs"], where="file_outputs")


def test_a_saved_space_holds_what_keras_writes_and_reloads(tmp_path):
    space = SCRIPT.file_space(numkeras)
    want = space(SCRIPT.FILE_DATA)
    space.save(tmp_path / "fs.keras")
    with zipfile.ZipFile(tmp_path / "fs.keras") as mine, zipfile.ZipFile(SCRIPT.FILE) as keras:
        assert sorted(mine.namelist()) == sorted(keras.namelist())  # (the vocabularies too)
        config, keras_config = (json.loads(z.read("config.json")) for z in (mine, keras))
    assert (config["module"], config["class_name"]) == ("keras.utils", "FeatureSpace")
    assert sorted(config["build_config"]) == sorted(keras_config["build_config"])
    assert [c["config"] for c in config["config"]["crosses"]] == [
        c["config"] for c in keras_config["config"]["crosses"]
    ]
    loaded = numkeras.models.load_model(tmp_path / "fs.keras")
    np.testing.assert_array_equal(loaded(SCRIPT.FILE_DATA), want)


def test_the_weights_file_has_keras_s_paths(tmp_path):
    h5py = pytest.importorskip("h5py")
    space = SCRIPT.file_space(numkeras)
    space(SCRIPT.FILE_DATA)
    space.save(tmp_path / "fs.keras")

    def paths(path) -> set:
        with zipfile.ZipFile(path) as z, h5py.File(z.open("model.weights.h5")) as h5:
            found = set()
            h5.visititems(lambda name, obj: found.add((name, getattr(obj, "shape", None))))
            return found

    assert paths(tmp_path / "fs.keras") == paths(SCRIPT.FILE)


def test_adapt_takes_labelled_batches_and_refuses_other_things():
    space = FeatureSpace({"x": "float_normalized", "c": "integer_categorical"})
    batches = [({"x": np.arange(4.0) + i, "c": np.arange(4) % 3}, np.zeros(4)) for i in range(3)]
    space.adapt(batches)
    assert space({"x": np.array([2.5]), "c": np.array([1])}).shape == (1, 5)
    with pytest.raises(TypeError, match="dict of arrays"):
        space.adapt(np.zeros((3, 2)))
    with pytest.raises(TypeError, match="gave a list"):
        space.adapt([[1.0, 2.0]])


def test_a_label_among_the_columns_is_named_in_the_error():
    space = FeatureSpace({"x": "float"})
    space.adapt({"x": np.arange(3.0), "y": np.arange(3)})  # (adapt reads its features alone)
    with pytest.raises(KeyError, match=r"unknown \['y'\]: pass the features, not the labels"):
        space({"x": np.arange(3.0), "y": np.arange(3)})
    with pytest.raises(KeyError, match=r"missing \['x'\]"):
        space({"z": np.arange(3.0)})


def test_repr_and_the_layers_it_holds():
    space = FeatureSpace(
        {"a": "string_categorical", "b": "integer_hashed"}, crosses=[("a", "b")], hashing_dim=4
    )
    assert repr(space) == "<FeatureSpace ['a', 'b'], crosses=['a_X_b'], output_mode='concat'>"
    assert type(space.preprocessors["b"]).__name__ == "Hashing"
    assert type(space.crossers["a_X_b"]).__name__ == "HashedCrossing"
    assert (ROOT / "tests" / "goldens" / "saving" / "keras_feature_space.keras").exists()
