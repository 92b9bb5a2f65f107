"""What the ops fuzzer (scripts/fuzz/fuzz_ops.py, seeds 595-620) met in
`keras.activations`: Keras 3.15's `deserialize("swish")` / `deserialize("hard_swish")`
raise ValueError ("not a KerasSaveable subclass") where `get` takes the aliases; numkeras
gives `silu` / `hard_silu` for both (goldens from scripts/goldens/make_fuzz_found_s28d.py)."""

import numpy as np

import numkeras

from ..differential import assert_json_close, goldens, run_scenario, scenario_script

GOLD = goldens("fuzz_found_s28d")["swish_identifiers"]
SCRIPT = scenario_script("make_fuzz_found_s28d")


def test_swish_aliases_match_keras():
    got = run_scenario(SCRIPT, "swish_identifiers")
    for key in ("get_swish", "get_hard_swish", "serialize_swish", "serialize_hard_swish"):
        assert_json_close(got[key], GOLD[key], where=key)
    # Keras 3.15 fails here; numkeras deserializes the aliases as `get` takes them
    assert GOLD["deserialize_swish"] == ["ValueError"] and got["deserialize_swish"] == "ok"


def test_deserialize_of_the_aliases_is_get():
    a = numkeras.activations
    x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0], "float32")
    for name, canonical in (("swish", "silu"), ("hard_swish", "hard_silu")):
        fn = a.deserialize(name)
        assert fn is a.get(name) is a.get(canonical)
        np.testing.assert_allclose(fn(x), GOLD[f"get_{name}"], rtol=1e-6)
        assert a.serialize(fn) == canonical
