"""Keras file interop bugs found by scripts/fuzz/fuzz_interop.py, checked against files Keras 3
wrote and what Keras 3 made of them (scripts/goldens/make_diff_interop_2.py wrote both into
tests/goldens/diff_interop_2/)."""

import json
import pathlib
import warnings

import numpy as np
import pytest

from numkeras.models import load_model

from ..differential import scenario_script

pytest.importorskip("h5py")

GOLDENS = pathlib.Path(__file__).resolve().parents[1] / "goldens" / "diff_interop_2"
EXPECTED = json.loads((GOLDENS / "expected.json").read_text())
SCRIPT = scenario_script("make_diff_interop_2")


def _arrays(value):
    if isinstance(value, dict):
        return {k: np.asarray(v, "float32") for k, v in value.items()}
    return np.asarray(value, "float32")


def _load(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_model(GOLDENS / f"{name}.h5")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_h5_compile_names_resolve_as_in_keras(name):
    """Keras 3's `.h5` loader makes a loss name its function and a metric name a metric
    object (`"mae"` -> `MeanAbsoluteError`, reported as `mean_absolute_error`), leaving
    `"accuracy"` alone: the same compile config, and the same `evaluate` keys and values."""
    want = EXPECTED[name]
    model = _load(name)
    config = model.get_compile_config()
    assert {k: config[k] for k in SCRIPT.COMPILE_KEYS} == want["compile_config"]
    is_function = callable(model.loss) and not hasattr(model.loss, "get_config")
    assert is_function == want["loss_is_function"]
    got = model.evaluate(_arrays(want["x"]), _arrays(want["y"]), return_dict=True, verbose=0)
    assert sorted(got) == sorted(want["evaluate"])
    for key, value in want["evaluate"].items():
        assert got[key] == pytest.approx(value, rel=1e-4, abs=1e-6), key


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_h5_resave_writes_what_keras_writes(name, tmp_path):
    model = _load(name)
    model.save(tmp_path / "again.h5")
    assert (
        SCRIPT.training_config(tmp_path / "again.h5") == EXPECTED[name]["resaved_training_config"]
    )


def test_numkeras_h5_compiled_with_names_reloads_as_keras_would(tmp_path):
    """numkeras's own `.h5` goes the same way (Keras loads it so too)."""
    import numkeras

    model, x, y = SCRIPT.metric_names(numkeras)
    model.save(tmp_path / "m.h5")
    again = load_model(tmp_path / "m.h5")
    got = again.evaluate(x, y, return_dict=True, verbose=0)
    assert sorted(got) == sorted(EXPECTED["metric_names"]["evaluate"])


def test_h5_of_a_nested_functional_model_is_one_keras_3_loads(tmp_path):
    """A nested functional model whose output feeds another layer: numkeras writes Keras 3's
    config form (Keras 3 cannot read Keras 2's, which numbers that call from 1); Keras 3
    loaded it and predicted as numkeras did."""
    import h5py

    import numkeras

    want = EXPECTED["nested_functional"]
    assert want["keras_predicts_as_numkeras"]
    model, x = SCRIPT.nested_functional(numkeras)
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "r") as h5:
        config = json.loads(h5.attrs["model_config"])
    assert config == want["model_config"]
    cat = next(la for la in config["config"]["layers"] if la["name"] == "cat")
    assert cat["inbound_nodes"][0]["args"][0][0]["config"]["keras_history"] == ["inner", 0, 0]
    np.testing.assert_allclose(model.predict(x, verbose=0), want["y"], rtol=1e-6)
    again = load_model(tmp_path / "m.h5")
    np.testing.assert_allclose(again.predict(x, verbose=0), want["y"], rtol=1e-6)


def test_h5_optimizer_state_keras_3_reads_with_a_scalar_first_weight(tmp_path):
    """Keras 3 assigns a `.h5`'s optimizer values to its iterations and learning rate in
    order while the shapes agree: with a scalar first weight, Keras 2's layout (no
    learning rate) handed it a momentum as learning rate. numkeras writes Keras 3's
    layout there (Keras 3 then read 0.02 and 2), and reads it back to resume exactly."""
    import h5py

    import numkeras

    want = EXPECTED["scalar_first_weight"]
    assert want["keras_learning_rate"] == pytest.approx(0.02)
    assert want["keras_iterations"] == 2
    model, x, y = SCRIPT.scalar_first_weight(numkeras)
    for _ in range(2):
        model.train_on_batch(x, y)
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "r") as h5:
        config = json.loads(h5.attrs["model_config"])
        values = [
            h5["optimizer_weights"][n][()] for n in h5["optimizer_weights"].attrs["weight_names"]
        ]
    # Keras 3 loaded the file (and predicted as numkeras): its legacy loader would read
    # Attention's score_mode "dot" as the function `keras.layers.dot`
    assert want["keras_predicts_as_numkeras"]
    att = next(la for la in config["config"]["layers"] if la["class_name"] == "Attention")
    assert "score_mode" not in att["config"]
    assert int(values[0]) == want["keras_iterations"]
    assert float(values[1]) == pytest.approx(want["keras_learning_rate"])
    again = load_model(tmp_path / "m.h5")
    assert int(again.optimizer.iterations) == 2
    again.train_on_batch(x, y)
    model.train_on_batch(x, y)
    for a, b in zip(again.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
