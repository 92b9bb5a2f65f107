"""A user layer whose call takes several tensors positionally (`call(self, a, b)`), as
Keras 3 runs it (tests/goldens/positional_calls.json and the Keras-made
tests/goldens/saving/keras_positional_call.keras, from
scripts/goldens/make_positional_calls.py)."""

import json

import numpy as np
import pytest

import numkeras

from ..differential import ROOT, assert_json_close, goldens, scenario_script

GOLD = goldens("positional_calls")
SCRIPT = scenario_script("make_positional_calls")
KERAS_FILE = ROOT / "tests" / "goldens" / "saving" / "keras_positional_call.keras"


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_scenario_matches_keras(name):
    numkeras.backend.clear_session(free_memory=False)
    assert_json_close(json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras))), GOLD[name])


def test_the_keras_file_loads_and_ours_saves_in_its_form(tmp_path):
    gate = SCRIPT.gate_class(numkeras)
    model = numkeras.models.load_model(KERAS_FILE, custom_objects={"goldens>Gate": gate})
    want = GOLD["functional_trained_and_saved"]["trained_prediction"]
    np.testing.assert_allclose(model.predict(SCRIPT.X, verbose=0).ravel(), want, rtol=1e-5)
    model.save(tmp_path / "again.keras")
    again = numkeras.models.load_model(tmp_path / "again.keras")
    np.testing.assert_allclose(again.predict(SCRIPT.X, verbose=0).ravel(), want, rtol=1e-5)


def test_positional_training_still_means_training_for_one_input_layers():
    """Keras 2's `layer(x, True)`: a layer whose call takes one input reads the second
    positional argument as `training`; a third is refused."""
    drop = numkeras.layers.Dropout(0.5, seed=1)
    x = np.ones((4, 8), "float32")
    assert np.any(drop(x, True) == 0) and np.all(drop(x, False) == 1)
    with pytest.raises(TypeError, match="positional"):
        drop(x, True, False)
