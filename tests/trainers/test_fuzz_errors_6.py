"""What the misuse fuzzer (scripts/fuzz/fuzz_errors.py, seeds 101-140) found numkeras
explaining badly: its error classes against Keras 3's (goldens from
scripts/goldens/make_fuzz_errors_6.py), and messages that say what was expected, what
arrived and the fix (x and y swapped, a file that is no HDF5, text that is no JSON,
get_layer() of neither a name nor an index, a callback class where an instance goes, a
reshape offered for values that make no whole samples)."""

import json

import numpy as np
import pytest

import numkeras
from numkeras.errors import ConfigJSONError, NotHDF5Error

from ..differential import goldens, scenario_script

GOLD = goldens("fuzz_errors_6")
SCRIPT = scenario_script("make_fuzz_errors_6")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_errors_6_raise_what_keras_raises(name):
    numkeras.utils.clear_session()
    got = SCRIPT.SCENARIOS[name](numkeras)
    for case, want in GOLD[name].items():
        if not isinstance(want, list):  # (a plain value, as is_json_decode_error)
            assert got[case] == want, f"{case}: {got[case]} != {want}"
        elif want == "ok":
            assert got[case] == "ok", f"{case}: numkeras raised {got[case]}"
        else:  # (numkeras's error must be an instance of the class Keras raised)
            assert want[0] in got[case], f"{case}: {got[case]} is not a {want}"


def _model():
    model = numkeras.Sequential([numkeras.Input((4,)), numkeras.layers.Dense(3)])
    model.compile(optimizer="sgd", loss="mse")
    return model


@pytest.mark.parametrize("method", ["fit", "evaluate", "train_on_batch", "test_on_batch"])
def test_x_and_y_swapped_are_named_with_the_fix(method):
    model = _model()
    x, y = np.ones((6, 4), "float32"), np.ones((6, 3), "float32")
    kw = {"verbose": 0} if method in ("fit", "evaluate") else {}
    with pytest.raises(ValueError, match=r"x and y look swapped: y \(shapes \(6, 4\)\)"):
        getattr(model, method)(y, x, **kw)


def test_a_two_output_models_swapped_targets_are_named():
    inp = numkeras.Input((5, 6))
    model = numkeras.Model(inp, [numkeras.layers.Dense(2)(inp), numkeras.layers.Dense(2)(inp)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 5, 6), "float32"), [np.ones((4, 5, 2), "float32")] * 2
    with pytest.raises(ValueError, match="x and y look swapped"):
        model.train_on_batch(y, x)


def test_a_wrong_x_beside_fitting_targets_is_no_swap():
    # (an autoencoder's targets fit its inputs; a wrong x does not fit its outputs)
    model = numkeras.Sequential(
        [numkeras.Input((4,)), numkeras.layers.Dense(2), numkeras.layers.Dense(4)]
    )
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError) as info:
        model.fit(np.ones((6, 5), "float32"), np.ones((6, 4), "float32"), verbose=0)
    assert "swapped" not in str(info.value) and "received 5" in str(info.value)


@pytest.mark.parametrize("content", [b"", b"not a model"])
@pytest.mark.parametrize("name", ["w.weights.h5", "m.h5"])
def test_a_file_that_is_not_hdf5_says_so(tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    what = "is empty" if not content else "holds 11 bytes that are not HDF5"
    for load in (numkeras.models.load_model, _model().load_weights):
        with pytest.raises(NotHDF5Error, match=f"{what}: an HDF5 file was expected") as info:
            load(path)
        assert isinstance(info.value, OSError) and "model.save_weights(path)" in str(info.value)


def test_model_from_json_of_no_json_says_what_it_expects():
    with pytest.raises(json.JSONDecodeError, match="expects the JSON text of `model.to_json") as e:
        numkeras.models.model_from_json("model.json")
    assert isinstance(e.value, ConfigJSONError) and "received 'model.json'" in str(e.value)
    assert (e.value.lineno, e.value.colno, e.value.pos) == (1, 1, 0)  # (JSONDecodeError's)


def test_get_layer_of_neither_says_neither():
    model = _model()
    with pytest.raises(ValueError, match=r"received neither\. Pass one, e\.g\. get_layer\('"):
        model.get_layer()
    with pytest.raises(ValueError, match=r"received both \(name='dense"):
        model.get_layer(model.layers[0].name, 0)


def test_no_reshape_is_offered_where_the_values_make_no_whole_samples():
    # ((5, 2) for (batch, 3, 3): 10 values; x.reshape(-1, 3, 3) would fail)
    model = numkeras.Sequential([numkeras.Input((3, 3)), numkeras.layers.LSTM(2)])
    with pytest.raises(ValueError, match=r"its 10 values do not make whole samples") as info:
        model.predict(np.ones((5, 2), "float32"), verbose=0)
    assert "reshape" not in str(info.value)
    with pytest.raises(ValueError, match=r"x\.reshape\(-1, 3, 3\)"):  # (18 values: 2 samples)
        model.predict(np.ones((6, 3), "float32"), verbose=0)


def test_a_callback_class_where_an_instance_goes_says_so():
    model = _model()
    with pytest.raises(TypeError, match=r"item 0 is the class History, not an instance\. Pass"):
        model.predict(np.ones((2, 4), "float32"), verbose=0, callbacks=numkeras.callbacks.History)
