"""What the layer-argument differential (scripts/fuzz/fuzz_layer_args.py) and the layer
dtype checks found, against Keras 3 (goldens from scripts/goldens/make_layer_args.py):
Discretization's integer dtypes, integer counts, and the configs of nested models fed
Discretization's outputs."""

import json

import numpy as np
import pytest

import numkeras
from numkeras.models import model_from_json

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("layer_args")
SCRIPT = scenario_script("make_layer_args")


def test_goldens_cover_every_scenario():
    assert sorted(GOLD) == sorted(SCRIPT.SCENARIOS)


@pytest.mark.parametrize(
    "name", ["discretization_dtypes", "category_encoding_integer_counts", "resizing_crop_and_pad"]
)
def test_dtypes_match_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))
    assert_json_close(got, GOLD[name], where=name)


def test_nested_model_configs_match_keras():
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.nested_model_configs(numkeras)))
    want = GOLD["nested_model_configs"]
    for name in want:
        for key in ("inner_inbound_nodes", "output_layers", "predict"):
            assert_json_close(got[name][key], want[name][key], where=f"{name}/{key}")


@pytest.mark.parametrize("name", sorted(SCRIPT.NESTED))
def test_keras_configs_load_and_save_back_the_same(name):
    # Keras's JSON: numkeras builds it (the nested model's output counted from 1 there)
    # and writes back the same nested call and outputs
    want = GOLD["nested_model_configs"][name]
    model = model_from_json(want["config"])
    rng = np.random.default_rng(3)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    head, h = model.predict(SCRIPT.X, verbose=0)
    assert_json_close([head.ravel().tolist(), h.ravel().tolist()], want["predict"])
    config = model.get_config()
    inner = next(la for la in config["layers"] if la["name"] == "inner")
    assert json.loads(json.dumps(inner["inbound_nodes"])) == want["inner_inbound_nodes"]
    assert json.loads(json.dumps(config["output_layers"])) == want["output_layers"]


def test_discretization_buckets_float_inputs_whatever_its_integer_dtype():
    layer = numkeras.layers.Discretization(bin_boundaries=[0.0, 0.5, 1.0], dtype="int64")
    assert layer(np.array([[0.7, 0.2]], "float32")).tolist() == [[2, 1]]
