"""StringLookup / IntegerLookup against goldens from real Keras 3.15.1 (TensorFlow backend;
scripts/goldens/make_lookup.py)."""

import json
import pathlib

import numpy as np
import pytest

from numkeras.layers.integer_lookup import IntegerLookup
from numkeras.layers.string_lookup import StringLookup

GOLDENS = json.loads(
    (pathlib.Path(__file__).parents[1] / "goldens" / "lookup.json").read_text(encoding="utf-8")
)
CLASSES = {"StringLookup": StringLookup, "IntegerLookup": IntegerLookup}
TV_BY_NAME = {c["name"]: c for c in GOLDENS["text_vectorization"]}


def _texts(x):
    """Expand the goldens' "TEXTS[:k]" marker (the shared texts, stored once)."""
    if isinstance(x, str) and x.startswith("TEXTS[:"):
        return GOLDENS["texts"][: int(x[7:-1])]
    return x


def _check_config(layer, case):
    if "config" not in case:  # (the goldens keep configs for a few cases only)
        return
    config = json.loads(json.dumps(layer.get_config()))
    expected = dict(case["config"])
    config.pop("name")
    expected.pop("name")
    assert config == expected


def _inputs(case):
    x = case["inputs"]
    return x if isinstance(x, str) else np.array(x)


@pytest.mark.parametrize("case", GOLDENS["lookup"], ids=lambda c: c["name"])
def test_lookup_matches_keras(case):
    assert "error" not in case, case.get("error")
    layer = CLASSES[case["class"]](**case["kwargs"])
    if case["adapt"] is not None:
        layer.adapt(case["adapt"])
    out = layer(_inputs(case))
    assert layer.get_vocabulary() == case["vocabulary"]
    assert layer.vocabulary_size() == case["vocabulary_size"]
    if case["dtype"] == "object":  # inverted StringLookup: strings
        assert out.tolist() == case["output"]
    elif case["kwargs"].get("output_mode", "int") == "int":
        assert out.dtype == np.int64
        assert out.tolist() == case["output"]
    else:  # Keras's declared floatx (its eager TF path gives int64 counts)
        assert out.dtype == np.float32
        np.testing.assert_allclose(out, np.array(case["output"], "float32"), rtol=2e-6)
    _check_config(layer, case)
    if "idf_weights" in case:
        np.testing.assert_allclose(layer.idf_weights, case["idf_weights"], rtol=2e-6)


@pytest.mark.parametrize("case", GOLDENS["text_vectorization"], ids=lambda c: c["name"])
def test_text_vectorization_matches_keras(case):
    from numkeras.layers.text_vectorization import TextVectorization

    assert "error" not in case, case.get("error")
    kwargs = dict(case["kwargs"])
    if isinstance(kwargs.get("ngrams"), list):
        kwargs["ngrams"] = tuple(kwargs["ngrams"])
    layer = TextVectorization(**kwargs)
    if case["adapt"] is not None:
        layer.adapt(_texts(case["adapt"]))
    out = layer(np.array(_texts(case["inputs"])))
    vocabulary = case["vocabulary"]
    if isinstance(vocabulary, str):  # "=name": the same as that case's
        vocabulary = TV_BY_NAME[vocabulary[1:]]["vocabulary"]
    assert layer.get_vocabulary() == vocabulary
    if kwargs.get("output_mode", "int") == "int":
        assert out.dtype == np.int64
        assert out.tolist() == case["output"]
    else:
        assert out.dtype == np.float32
        np.testing.assert_allclose(out, np.array(case["output"], "float32"), rtol=2e-6)
    _check_config(layer, case)
    if "idf_weights" in case:
        np.testing.assert_allclose(layer._lookup_layer.idf_weights, case["idf_weights"], rtol=2e-6)


def test_farmhash_and_siphash_match_tensorflow_for_lengths_0_to_100():
    from numkeras.layers.farmhash import fingerprint64, siphash24

    h = GOLDENS["hashing"]
    big = 2**61 - 1
    strings = [h["base"][:n] for n in range(101)] + h["extra"]
    lengths = {len(s.encode()) for s in strings}
    for low, high in [(0, 3), (4, 7), (8, 16), (17, 32), (33, 64), (65, 128), (129, 1000)]:
        assert lengths & set(range(low, high + 1)), (low, high)  # each farmhash path
    for s, fast, strong in zip(strings, h["fast_mod_2p61m1"], h["strong_7_9_mod_2p61m1"]):
        assert fingerprint64(s) % big == fast, (len(s.encode()), s)
        assert siphash24(7, 9, s) % big == strong, (len(s.encode()), s)


@pytest.mark.parametrize("case", GOLDENS["hashing"]["layers"], ids=lambda c: c["name"])
def test_hashing_matches_keras(case):
    from numkeras.layers.hashing import Hashing

    assert "error" not in case, case.get("error")
    layer = Hashing(**case["kwargs"])
    x = case["inputs"]
    out = layer(x if isinstance(x, str) else np.array(x))
    assert str(out.dtype) == case["dtype"]
    assert out.tolist() == case["output"]
    config = layer.get_config()
    expected = dict(case["config"])
    config.pop("name")
    expected.pop("name")
    assert json.loads(json.dumps(config)) == expected


@pytest.mark.parametrize("case", GOLDENS["hashed_crossing"], ids=lambda c: c["name"])
def test_hashed_crossing_matches_keras(case):
    from numkeras.layers.hashed_crossing import HashedCrossing

    assert "error" not in case, case.get("error")
    layer = HashedCrossing(**case["kwargs"])
    out = layer([np.array(x) for x in case["inputs"]])
    assert out.tolist() == case["output"]
    config = layer.get_config()
    assert {**config, "name": None} == {**case["config"], "name": None}
