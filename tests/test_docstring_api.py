"""The usage examples of Keras 3's own docstrings outside the layers (losses, metrics,
optimizers and schedules, callbacks, initializers, activations, regularizers, constraints,
utils, models, saving, random), run with numkeras: each scenario of
scripts/goldens/make_docstring_api.py must give what real Keras 3.15 gave
(tests/goldens/docstring_api.json): values, shapes, dtypes, configs, and the built-in
exception type Keras raised (a numkeras error may subclass several; it must include it)."""

import copy
import json
import warnings

import pytest

import numkeras

from .differential import assert_json_close, goldens, scenario_script

GOLD = goldens("docstring_api")
SCRIPT = scenario_script("make_docstring_api")

# the random initializers draw from NumPy, not JAX: their statistics over 20,000 values
# agree, not the values
TOLERANCES = {"initializer_examples": {"rtol": 0.0, "atol": 0.06}}


def _keep_arguments(want):
    # Keras's CosineSimilarity / Huber get_config drop `axis` / `delta`, so from_config
    # forgets them; numkeras keeps them
    want["CosineSimilarity"]["axis"] = -1
    want["Huber"]["delta"] = 1.0


def _q_default(want):
    # numkeras's categorical_generalized_cross_entropy defaults q to 0.5 (Keras requires it)
    want[3] = "ok"


def _loaded_output(want):
    # a Sequential rebuilt by model_from_json has its `output` (Keras's has no node yet)
    want["json"][3] = "ok"


# where numkeras differs on purpose: each edits Keras's golden into numkeras's answer
DEVIATIONS = {
    "loss_configs": _keep_arguments,
    "loss_generalized_cross_entropy": _q_default,
    "model_save_examples": _loaded_output,
}


def assert_like_keras(got, want, where="", **tolerance):
    """`assert_json_close`, except that an error's built-in types must include Keras's."""
    if isinstance(want, dict) and list(want) == ["raises"]:
        assert isinstance(got, dict) and "raises" in got, f"{where}: {got!r} raised nothing"
        assert set(want["raises"]) <= set(got["raises"]), f"{where}: {got!r} vs {want!r}"
    elif isinstance(want, dict):
        assert isinstance(got, dict) and sorted(got) == sorted(want), f"{where}: {got!r}"
        for key in want:
            assert_like_keras(got[key], want[key], f"{where}[{key!r}]", **tolerance)
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{where}: {got!r} vs {want!r}"
        for i, (g, w) in enumerate(zip(got, want)):
            assert_like_keras(g, w, f"{where}[{i}]", **tolerance)
    else:
        assert_json_close(got, want, where=where, **tolerance)


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_scenario_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))
    want = copy.deepcopy(GOLD[name])
    if name in DEVIATIONS:
        DEVIATIONS[name](want)
    assert_like_keras(got, want, name, **TOLERANCES.get(name, {"rtol": 1e-4, "atol": 1e-5}))


def test_every_scenario_has_a_golden():
    assert sorted(GOLD) == sorted(SCRIPT.SCENARIOS)
