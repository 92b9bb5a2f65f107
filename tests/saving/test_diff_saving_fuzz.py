"""Saving bugs found by scripts/fuzz/fuzz_saving.py, against what Keras 3 does (goldens
from scripts/goldens/make_diff_saving_fuzz.py)."""

import json
import pathlib
import warnings

import numpy as np
import pytest

import numkeras

from ..differential import goldens, scenario_script

GOLD = goldens("diff_saving_fuzz")
SCRIPT = scenario_script("make_diff_saving_fuzz")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))
    assert got == GOLD[name]


def test_every_scenario_has_a_golden():
    assert sorted(GOLD) == sorted(SCRIPT.SCENARIOS)


def test_a_keras_2_h5_config_holds_only_the_keywords_given(tmp_path):
    """tf_keras writes no implied keywords and replays a node's `training` on every call:
    numkeras's `.h5` (Keras 2's form) keeps only those the call was given."""
    h5py = pytest.importorskip("h5py")
    L = numkeras.layers
    x = numkeras.Input((3,), name="x")
    a, b = L.Dropout(0.5, name="dropout"), L.Dropout(0.5, name="dropout_1")
    out = L.Dense(1)(L.Concatenate()([a(x), b(x, training=True)]))
    model = numkeras.Model(x, out)
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5") as h5:
        config = json.loads(h5.attrs["model_config"])
    nodes = {la["name"]: la["inbound_nodes"] for la in config["config"]["layers"]}
    assert nodes["dropout"] == [[["x", 0, 0, {}]]]
    assert nodes["dropout_1"] == [[["x", 0, 0, {"training": True}]]]
    assert numkeras.models.load_model(tmp_path / "m.h5").count_params() == model.count_params()


KERAS2 = json.loads(
    (pathlib.Path(__file__).parent / "keras2_files" / "fuzz_configs.json").read_text()
)


@pytest.mark.parametrize("name", sorted(KERAS2))
def test_reads_keras_2_json_keras_3_refuses(name):
    """tf_keras's SeparableConv (Conv's `groups` and unused `kernel_*`) and
    MultiHeadAttention (build shapes, `softmax_robust_masking`, the value as a keyword
    tensor) configs: Keras 3 refuses them, numkeras reads them and predicts as tf_keras
    (files by scripts/goldens/make_keras2_fuzz_configs.py)."""
    case = KERAS2[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = numkeras.models.model_from_json(case["json"])
    model.set_weights([np.asarray(w, "float32") for w in case["weights"]])
    got = model.predict(np.asarray(case["x"], "float32"), verbose=0)
    np.testing.assert_allclose(got, case["predict"], rtol=1e-4, atol=1e-5)
