"""Compile settings through files: loss and metric objects and functions (not only names)
survive `.keras` and `.h5`, both ways with Keras 3.15 (`compiled.json` and the
`keras_compiled_*` files, from scripts/goldens/make_saving.py)."""

import importlib.util
import json
import pathlib
import zipfile

import h5py
import numpy as np
import pytest

import numkeras
from numkeras import losses, models
from numkeras.models.config import compile_config
from numkeras.saving import saving_api

GOLD = pathlib.Path(__file__).parents[1] / "goldens" / "saving"
RECORD = json.loads((GOLD / "compiled.json").read_text())
CASES = list(RECORD["cases"])
KEYS = ("loss", "loss_weights", "metrics", "weighted_metrics")


def _golden_script():
    path = pathlib.Path(__file__).parents[2] / "scripts" / "goldens" / "make_saving.py"
    spec = importlib.util.spec_from_file_location("make_saving", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _golden_script()
CUSTOM = {"squared_error": SCRIPT.squared_error}
X, Y = (np.array(a, "float32") for a in (RECORD["x"], RECORD["y"]))


def _without(config, *keys):
    """`config` without `keys` at any depth: Keras drops Huber's `delta` (numkeras keeps
    it), and marks a function used twice with a `shared_object_id` (numkeras need not)."""
    if isinstance(config, dict):
        return {k: _without(v, *keys) for k, v in config.items() if k not in keys}
    if isinstance(config, list):
        return [_without(v, *keys) for v in config]
    return config


def _saved_compile_config(path) -> dict:
    if str(path).endswith(".keras"):
        config = json.loads(zipfile.ZipFile(path).read("config.json"))["compile_config"]
    else:
        with h5py.File(path) as h5:
            config = json.loads(h5.attrs["training_config"])
    return {k: config[k] for k in KEYS}


def _evaluate(model) -> dict:
    return model.evaluate(X, Y, return_dict=True, verbose=0)


def _assert_same_results(got: dict, want: dict):
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name] == pytest.approx(want[name], rel=1e-5, abs=1e-6), name


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_keras_files_compiled_with_objects_and_functions_load_compiled(case, ext):
    model = models.load_model(GOLD / f"keras_compiled_{case}{ext}", custom_objects=CUSTOM)
    assert model.compiled
    # Keras 3's `.h5` loader makes a metric name a metric object (`"mae"` is then reported
    # as `mean_absolute_error`): what Keras said of the same training config, loaded
    want = RECORD["cases"][case][
        "keras_evaluate" if ext == ".keras" else f"keras_evaluates_numkeras{ext}"
    ]
    _assert_same_results(_evaluate(model), want)


@pytest.mark.parametrize("case", CASES)
def test_numkeras_writes_the_compile_config_keras_writes(case, tmp_path):
    want = RECORD["cases"][case]
    model = SCRIPT.compiled(numkeras, case)
    ours = {k: compile_config(model)[k] for k in KEYS}
    assert _without(ours, "delta") == _without(want["keras_compile_config"], "shared_object_id")
    assert _without(saving_api._training_config(model), "delta", "optimizer_config") == {
        **_without(want["keras_training_config"]),
        "run_eagerly": False,
        "steps_per_execution": 1,
        "jit_compile": False,
    }


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_numkeras_still_writes_what_keras_loaded_compiled(case, ext, tmp_path):
    want = RECORD["cases"][case]
    assert want[f"keras_compiled_numkeras{ext}"]
    keras_said = want[f"keras_evaluates_numkeras{ext}"]
    assert list(keras_said.values()) == pytest.approx(list(want["keras_evaluate"].values()))
    # as the script: numkeras loads Keras's file and writes its own, which Keras then loaded
    model = models.load_model(GOLD / f"keras_compiled_{case}{ext}", custom_objects=CUSTOM)
    model.save(tmp_path / f"m{ext}")
    if ext == ".keras":
        assert _saved_compile_config(tmp_path / f"m{ext}") == want["numkeras_compile_config"]
    else:  # metric names come back from a `.h5` as objects, in Keras 3 as here: the
        # re-saved file says so (test_diff_interop_2.py), and evaluates as Keras's did
        again = models.load_model(tmp_path / f"m{ext}", custom_objects=CUSTOM)
        _assert_same_results(_evaluate(again), keras_said)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_round_trip_keeps_compile_settings(case, ext, tmp_path):
    model = SCRIPT.compiled(numkeras, case)
    model.set_weights([np.array([[0.5], [-1.0], [0.25]], "float32"), np.array([0.1], "float32")])
    model.save(tmp_path / f"m{ext}")
    again = models.load_model(tmp_path / f"m{ext}", custom_objects=CUSTOM)
    assert again.compiled
    if ext == ".keras":
        assert compile_config(again) == compile_config(model)
        assert _evaluate(again) == _evaluate(model)
    else:  # Keras 2's form names a function by its name alone; Keras 3's `.h5` loader makes
        # a loss name that function and a metric name an object (`mae` reports as
        # `mean_absolute_error`), as numkeras does
        ours, theirs = saving_api._training_config(again), saving_api._training_config(model)
        assert {k: v for k, v in ours.items() if k != "metrics"} == {
            k: v for k, v in theirs.items() if k != "metrics"
        }
        assert list(_evaluate(again).values()) == list(_evaluate(model).values())


def test_loaded_loss_objects_keep_their_settings(tmp_path):
    model = SCRIPT.compiled(numkeras, "huber")
    model.compile("adam", loss=losses.Huber(delta=0.5), metrics=[losses.huber])
    model.save(tmp_path / "m.keras")
    again = models.load_model(tmp_path / "m.keras")
    assert isinstance(again.loss, losses.Huber) and again.loss.delta == 0.5
    assert again._metric_spec == [losses.huber]  # a function stays the function, as in Keras


def test_a_users_function_loads_only_where_the_program_supplies_it(tmp_path):
    model = SCRIPT.compiled(numkeras, "custom")
    model.save(tmp_path / "m.keras")
    # Keras 3 raises TypeError there, Keras 2 ValueError: the error is both
    with pytest.raises(TypeError, match="'squared_error'.*custom_objects.*compile=False"):
        models.load_model(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="'squared_error'"):
        models.load_model(tmp_path / "m.keras")
    assert not models.load_model(tmp_path / "m.keras", compile=False).compiled
    with numkeras.saving.custom_object_scope(CUSTOM):
        assert models.load_model(tmp_path / "m.keras").loss is SCRIPT.squared_error


def test_objects_nested_in_a_loss_or_metric_config_find_custom_objects(tmp_path):
    model = SCRIPT.compiled(numkeras, "custom")
    fn = SCRIPT.squared_error
    model.compile(
        "adam",
        loss=losses.LossFunctionWrapper(fn, name="wrapped"),
        metrics=[numkeras.metrics.MeanMetricWrapper(fn, name="also")],
    )
    model.save(tmp_path / "m.keras")
    again = models.load_model(tmp_path / "m.keras", custom_objects=CUSTOM)
    assert again.compiled and again.loss.fn is fn
    assert _evaluate(again) == _evaluate(model)
