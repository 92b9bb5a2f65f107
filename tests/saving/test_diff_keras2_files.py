"""Keras 2 `.h5` interop both ways, against real Keras 2 (tf_keras 2.21), for the models of
scripts/goldens/make_diff_keras2_files.py (which wrote the files and the JSON):

- Keras 2 -> numkeras: files tf_keras saved (`tests/goldens/saving/keras2_interop/`) load
  without notes, predict as in Keras 2, come back compiled as Keras 2 compiled them, and
  resume training from the saved optimizer state as Keras 2 did;
- numkeras -> Keras 2: what tf_keras (and Keras 3.15) made of numkeras's files when the
  script ran, and the file layout tf_keras needed then, which numkeras must still write.
"""

import gzip
import json
import warnings

import numpy as np
import pytest

import numkeras
from numkeras.models import load_model

from ..differential import ROOT, goldens, scenario_script

h5py = pytest.importorskip("h5py")

GOLDENS = goldens("diff_keras2_files")
SCRIPT = scenario_script("make_diff_keras2_files")
FILES = ROOT / "tests" / "goldens" / "saving" / "keras2_interop"
KERAS2 = GOLDENS["keras2_files"]
OURS = GOLDENS["numkeras_files"]
TOL = {"rtol": 1e-5, "atol": 1e-6}

# Where Keras 2 computes otherwise than Keras 3, whose results numkeras gives: the files
# load the same, the values after them differ
BCE_EPSILON = "Keras 2's binary_crossentropy of a tanh output takes log(p + 1e-7), Keras 3's log(p)"
BN_VARIANCE = "tf_keras's fused (4D) BatchNormalization moves to the unbiased variance"
LEGACY_RMSPROP = "tf_keras's legacy RMSprop adds epsilon after the square root, Keras 3's inside"
MATH = {
    "gan_generator": BCE_EPSILON,
    "seq_input_dim_adam_legacy": BCE_EPSILON,
    "seq_conv_bn_transpose": BN_VARIANCE,
    "seq_dcgan_generator": BN_VARIANCE,
    "seq_rmsprop_legacy_centered": LEGACY_RMSPROP,
    "seq_nadam": "tf_keras 2.21's Nadam steps otherwise than Keras 3's",
}
# numkeras files tf_keras cannot load: Keras 3's config form, as no form loads in both
# (a nested functional model's output fed on: tf_keras numbers that call from 1, Keras 3
# from 0; a call with tensors as keywords, `LSTM(...)(x, initial_state=[h, c])`)
KERAS3_FORM = {"func_nested_functional_fed", "func_seq2seq_states"}


def _file(tmp_path, name: str):
    path = tmp_path / name
    path.write_bytes(gzip.decompress((FILES / f"{name}.gz").read_bytes()))
    return path


def _arrays(value):
    return [np.asarray(v, "float32") for v in value]


def _quiet(fn, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the scenarios' Keras 2 spellings (`input_dim=`)
        return fn(*args)


def _scenario(name):
    """The scenario's data (its inputs and targets come from the script's functions)."""
    _, x, y, xt = _quiet(SCRIPT.SCENARIOS[name], numkeras)
    return x, y, xt


def _load(path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a Keras 2 file loads without notes or fallbacks
        return load_model(path)


def _close(got, want, **tol):
    got = got if isinstance(got, list) else [got]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, **(tol or TOL))


# -- Keras 2 -> numkeras -------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(KERAS2))
def test_keras2_file_loads_and_predicts(tmp_path, name):
    model = _load(_file(tmp_path, f"{name}.h5"))
    _close(model.predict(_scenario(name)[2], verbose=0), _arrays(KERAS2[name]["y_test"]))


@pytest.mark.parametrize("name", sorted(n for n, c in KERAS2.items() if "optimizer" in c))
def test_keras2_file_compiles_as_keras2_did(tmp_path, name):
    case = KERAS2[name]
    model = _load(_file(tmp_path, f"{name}.h5"))
    opt = model.optimizer
    assert type(opt).__name__ == case["optimizer"]["class_name"]
    assert float(opt.learning_rate) == pytest.approx(case["optimizer"]["learning_rate"])
    assert int(opt.iterations) == case["keras2_iterations_restored"] == 2
    x, y, _ = _scenario(name)
    got = model.evaluate(x, y, return_dict=True, verbose=0)
    assert sorted(got) == sorted(case["evaluate"])  # the metrics under Keras 2's names
    for key, value in case["evaluate"].items():
        if name in MATH and "loss" in key:
            continue
        assert got[key] == pytest.approx(value, rel=1e-4, abs=1e-6), key


@pytest.mark.parametrize("name", sorted(n for n, c in KERAS2.items() if "step" in c))
def test_keras2_file_resumes_training_as_keras2_did(tmp_path, name):
    if name in MATH:
        pytest.skip(MATH[name])
    case = KERAS2[name]
    model = _load(_file(tmp_path, f"{name}.h5"))
    x, y, xt = _scenario(name)
    logs = model.train_on_batch(x, y, return_dict=True)
    assert float(logs["loss"]) == pytest.approx(case["step"]["loss"], rel=1e-4, abs=1e-6)
    assert int(model.optimizer.iterations) == 3
    _close(model.predict(xt, verbose=0), _arrays(case["y_resumed"]), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", SCRIPT.WEIGHTS_FILES)
def test_keras2_weights_file_into_a_model_built_in_code(tmp_path, name):
    model, _, _, xt = _quiet(SCRIPT.SCENARIOS[name], numkeras)
    model.load_weights(_file(tmp_path, f"{name}_w.h5"))
    _close(model.predict(xt, verbose=0), _arrays(KERAS2[name]["y_test"]))


# -- numkeras -> Keras 2 -------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(OURS))
def test_keras2_and_keras3_loaded_numkeras_files(name):
    """What held when the script ran: each Keras loaded the file and predicted as numkeras,
    and the weights-only file loaded into the model built in its code."""
    facts = OURS[name]
    assert facts["keras3"] == {"load": "ok", "predict": True, "weights_file": True}
    assert facts["weights_file"] is True
    if name in KERAS3_FORM:
        assert facts["tf_keras_load"] != "ok"
        return
    assert facts["tf_keras_load"] == "ok" and facts["predict"] is True
    if "step_loss_as_numkeras" in facts and name not in MATH:
        assert facts["step_loss_as_numkeras"]


def _saved(tmp_path, name):
    model, *_ = _quiet(SCRIPT.prepare, numkeras, name)
    path = tmp_path / f"{name}.h5"
    model.save(path)
    return model, path


@pytest.mark.parametrize(
    "name", sorted(n for n, f in OURS.items() if f.get("optimizer_as_numkeras"))
)
def test_numkeras_h5_has_the_layout_tf_keras_loaded(tmp_path, name):
    """The optimizer state in the order tf_keras assigns it (its legacy optimizers, which a
    `.h5`'s config builds), and the layers' weights, as tf_keras itself wrote them."""
    facts = OURS[name]
    _, path = _saved(tmp_path, name)
    layout = SCRIPT.h5_layout(path)
    assert layout == facts["numkeras_layout"]
    assert layout["optimizer_weight_shapes"] == facts["tf_keras_optimizer_weight_shapes"]
    assert layout["layer_weight_shapes"] == facts["tf_keras_layer_weight_shapes"]
    assert facts["tf_keras_iterations"] == 2


def _training_config(path) -> dict:
    with h5py.File(path, "r") as h5:
        return json.loads(h5.attrs["training_config"])


def test_sparse_accuracy_is_written_as_the_metric_it_resolved_to(tmp_path):
    """tf_keras resolves a loaded model's `"accuracy"` against its outputs, not its targets:
    sparse labels read as one-hot ones (another value). Written as the resolved metric,
    tf_keras, Keras 3 and numkeras all report `accuracy` with Keras 2's value."""
    assert OURS["seq_conv"]["metric_names_as_numkeras"]
    assert OURS["seq_conv"]["tf_keras_metric_names"] == ["accuracy", "loss"]
    model, path = _saved(tmp_path, "seq_conv")
    metrics = _training_config(path)["metrics"]
    assert metrics == [
        {
            "class_name": "SparseCategoricalAccuracy",
            "config": {"name": "accuracy", "dtype": "float32"},
        }
    ]
    x, y, _ = _scenario("seq_conv")
    again = load_model(path).evaluate(x, y, return_dict=True, verbose=0)
    assert again == pytest.approx(model.evaluate(x, y, return_dict=True, verbose=0))
    assert again["accuracy"] == pytest.approx(KERAS2["seq_conv"]["evaluate"]["accuracy"])


def test_a_weighted_metric_named_as_an_unweighted_one_keeps_its_name(tmp_path):
    """tf_keras keeps a loaded model's metric names as written, and drops the second of two
    named `accuracy`: the weighted one is written as `weighted_accuracy`."""
    assert OURS["func_weighted_metrics"]["tf_keras_metric_names"] == [
        "accuracy",
        "loss",
        "weighted_accuracy",
    ]
    model, path = _saved(tmp_path, "func_weighted_metrics")
    config = _training_config(path)
    assert config["metrics"] == ["accuracy"]
    assert config["weighted_metrics"] == [
        {
            "class_name": "CategoricalAccuracy",
            "config": {"name": "weighted_accuracy", "dtype": "float32"},
        }
    ]
    x, y, _ = _scenario("func_weighted_metrics")
    again = load_model(path).evaluate(x, y, return_dict=True, verbose=0)
    assert again == pytest.approx(model.evaluate(x, y, return_dict=True, verbose=0))
    assert sorted(again) == ["accuracy", "loss", "weighted_accuracy"]


def test_sparse_accuracy_saved_before_training_is_written_as_its_loss_says(tmp_path):
    """Not trained or evaluated yet (no metric built): an output whose loss is the sparse
    categorical crossentropy gets the sparse accuracy, as Keras 3 resolves it for its
    class-index targets (tf_keras 2.21 then gave numkeras's value, checked by hand)."""
    model, x, y, _ = _quiet(SCRIPT.SCENARIOS["seq_conv1d_embedding_mask"], numkeras)
    model.save(tmp_path / "m.h5")
    metrics = _training_config(tmp_path / "m.h5")["metrics"]
    assert metrics == [
        {"class_name": "SparseCategoricalAccuracy", "config": {"name": "acc", "dtype": "float32"}}
    ]
    model, *_ = _quiet(SCRIPT.SCENARIOS["func_loss_weights_list"], numkeras)
    model.save(tmp_path / "two.h5")
    assert _training_config(tmp_path / "two.h5")["metrics"][1][0]["class_name"] == (
        "SparseCategoricalAccuracy"
    )
    again = load_model(tmp_path / "m.h5")
    assert sorted(again.evaluate(x, y, return_dict=True, verbose=0)) == ["acc", "loss"]
