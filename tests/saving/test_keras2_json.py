"""`model_from_json` reads Keras 2's `to_json()` (tf_keras 2.21, files written by
scripts/goldens/make_keras2_json.py) as its `.h5` configs are read: same predictions with
the same weights."""

import importlib.util
import json

import numpy as np
import pytest

import numkeras

from ..differential import ROOT

FOLDER = ROOT / "tests" / "goldens" / "saving" / "keras2_interop"
WANT = json.loads((FOLDER / "json_predictions.json").read_text())
_spec = importlib.util.spec_from_file_location(
    "make_keras2_json", ROOT / "scripts" / "goldens" / "make_keras2_json.py"
)
SCRIPT = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(SCRIPT)


@pytest.mark.parametrize("name", sorted(WANT))
def test_keras2_json_builds_the_same_model(name):
    model = numkeras.models.model_from_json((FOLDER / f"{name}.json").read_text())
    model.set_weights(SCRIPT.ramp(model))
    got = model.predict(SCRIPT.data(model), verbose=0).ravel()
    np.testing.assert_allclose(got, WANT[name], rtol=1e-5, atol=1e-6)
