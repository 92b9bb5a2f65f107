"""Differential interop checks against Keras 3 and tf_keras 2 (goldens from
scripts/goldens/make_diff_interop.py, which ran real Keras 3 and tf_keras on these files)."""

import json
import pathlib
import warnings

import numpy as np
import pytest

import numkeras
from numkeras.errors import NumkerasWarning
from numkeras.models.config import serialize_layer
from numkeras.saving import keras2, load_model, load_weights

from ..differential import scenario_script

pytest.importorskip("h5py")

ROOT = pathlib.Path(__file__).resolve().parents[2]
GOLDENS = ROOT / "tests" / "goldens" / "diff_interop"
WRITTEN = json.loads((GOLDENS / "h5_written.json").read_text())
KERAS_FILES = json.loads((GOLDENS / "keras_files.json").read_text())


SCRIPT = scenario_script("make_diff_interop")


@pytest.mark.parametrize("name", sorted(WRITTEN))
def test_h5_config_is_the_one_keras_loaded(name):
    """numkeras's `.h5` model_config is the one Keras 3 (and tf_keras, where it can) loaded
    and predicted with as numkeras did: tf_keras rejects Keras-3-only arguments
    (LayerNormalization's rms_scaling, ZeroPadding1D's data_format, ConvLSTM's seed),
    Keras 3's wrappers need the wrapped layer's module, Keras 3 cannot read a two-tensor
    call (MultiHeadAttention) in Keras 2's form, and dict inputs/outputs stay dicts."""
    entry = WRITTEN[name]
    assert entry["keras_loads"] and entry["keras_predicts_as_numkeras"]
    if name != "mha":  # tf_keras cannot read the only form Keras 3 reads (module docstring)
        assert entry["tf_keras_loads"] and entry["tf_keras_predicts_as_numkeras"]
    model, _ = SCRIPT.h5_models(numkeras)[name]
    written = json.loads(json.dumps(keras2.keras2_model_config(serialize_layer(model))))
    assert written == entry["model_config"]


def test_h5_forms_in_detail():
    configs = {name: json.dumps(entry["model_config"]) for name, entry in WRITTEN.items()}
    assert "rms_scaling" not in configs["layer_norm"]
    padding = WRITTEN["zero_padding"]["model_config"]["config"]["layers"][1]
    assert padding["class_name"] == "ZeroPadding1D" and "data_format" not in padding["config"]
    assert "seed" not in WRITTEN["conv_lstm"]["model_config"]["config"]["layers"][1]["config"]
    bi = WRITTEN["bidirectional"]["model_config"]["config"]["layers"][1]["config"]["layer"]
    assert bi["module"] == "keras.layers" and bi["class_name"] == "GRU"
    mha = WRITTEN["mha"]["model_config"]["config"]["layers"][1]
    assert isinstance(mha["inbound_nodes"][0], dict)  # Keras 3's {"args", "kwargs"}
    dict_io = WRITTEN["dict_io"]["model_config"]["config"]
    assert dict_io["input_layers"] == {"a": ["a", 0, 0], "b": ["b", 0, 0]}
    assert dict_io["output_layers"] == {"out1": ["o1", 0, 0], "out2": ["o2", 0, 0]}


@pytest.mark.parametrize("name", sorted(WRITTEN))
def test_numkeras_reads_its_h5_back(tmp_path, name):
    model, x = SCRIPT.h5_models(numkeras)[name]
    path = tmp_path / f"{name}.h5"
    model.save(path)
    again = load_model(path)
    y, y2 = model.predict(x, verbose=0), again.predict(x, verbose=0)
    if isinstance(y, dict):
        assert set(y) == set(y2)
        for k in y:
            np.testing.assert_allclose(y2[k], y[k], rtol=1e-6)
    else:
        np.testing.assert_allclose(y2, y, rtol=1e-6)


@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_keras_dict_io_file(ext):
    """A Keras 3 model with dict inputs and outputs loads as one (dict predictions)."""
    golden = KERAS_FILES["dict_io"]
    model = load_model(GOLDENS / f"keras_dict_io{ext}")
    x = {k: np.asarray(v, "float32") for k, v in golden["x"].items()}
    y = model.predict(x, verbose=0)
    assert isinstance(y, dict) and set(y) == set(golden["y"])
    for k, v in golden["y"].items():
        np.testing.assert_allclose(y[k], v, rtol=1e-5, atol=1e-6)
    rebuilt, _ = SCRIPT.h5_models(numkeras)["dict_io"]
    rebuilt.load_weights(GOLDENS / f"keras_dict_io{ext}")
    for k, v in golden["y"].items():
        np.testing.assert_allclose(rebuilt.predict(x, verbose=0)[k], v, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", sorted(KERAS_FILES["load_weights"]))
def test_load_weights_mismatch_as_keras(case):
    """skip_mismatch / by_name on `.weights.h5` and Keras 2 `.h5` files: the same errors
    (ValueError), and each weight taken from the file or kept, as Keras 3 did."""
    variant, file, kwargs = case.split(" ", 2)
    kwargs = json.loads(kwargs)
    expected = KERAS_FILES["load_weights"][case]
    source = KERAS_FILES["mismatch_source"]
    model = SCRIPT.mismatch_models(numkeras, variant)
    initial = [w.copy() for w in model.get_weights()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NumkerasWarning)
        if expected["error"]:
            with pytest.raises(ValueError):
                load_weights(model, GOLDENS / file, **kwargs)
            assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), initial))
            return
        load_weights(model, GOLDENS / file, **kwargs)
    took = []
    for i, w in enumerate(model.get_weights()):
        if np.array_equal(w, initial[i]):
            took.append(0)
        elif i < len(source) and w.shape == np.shape(source[i]):
            np.testing.assert_allclose(w, source[i], rtol=1e-6)
            took.append(1)
        else:
            took.append(-1)
    assert took == expected["took"]


def test_skip_mismatch_warns_per_skipped_layer():
    model = SCRIPT.mismatch_models(numkeras, "wider")
    with pytest.warns(NumkerasWarning, match="Skipping"):
        load_weights(model, GOLDENS / "keras_mismatch.weights.h5", skip_mismatch=True)


def test_load_weights_keyword_errors_as_keras():
    model = SCRIPT.mismatch_models(numkeras, "same")
    with pytest.raises(ValueError, match="Invalid keyword arguments"):
        load_weights(model, GOLDENS / "keras_mismatch.weights.h5", foo=1)
    with pytest.raises(ValueError, match="by_name"):
        load_weights(model, GOLDENS / "keras_dict_io.keras", by_name=True)


RESUME = json.loads((GOLDENS / "resume.json").read_text())


@pytest.mark.parametrize("name", sorted(RESUME))
def test_h5_optimizer_state_tf_keras_resumes_from(tmp_path, name):
    """A compiled model's `.h5` holds its optimizer state in the layout tf_keras's optimizer
    loads (Keras 2's: no learning rate, each slot name's variables together): tf_keras's
    next step after loading is numkeras's next step; numkeras reads the layout back."""
    import h5py

    x, y = SCRIPT.resume_data()
    model = SCRIPT.resume_model(numkeras, name)
    for _ in range(2):
        model.train_on_batch(x, y)
    path = tmp_path / "m.h5"
    model.save(path)
    with h5py.File(path) as h5:
        names = [n.decode() for n in h5["optimizer_weights"].attrs["weight_names"]]
    assert names[0].endswith("/iter:0") and not any("learning_rate" in n for n in names)
    again = load_model(path)
    assert again.optimizer.iterations == 2
    again.train_on_batch(x, y)
    model.train_on_batch(x, y)
    expected = RESUME[name]
    assert expected["tf_keras_iterations_after"] == 3
    for mine, resumed, theirs in zip(
        model.get_weights(), again.get_weights(), expected["tf_keras_weights_after"]
    ):
        np.testing.assert_array_equal(resumed, mine)
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)
