"""Files real Keras 2 wrote (tf_keras 2.21; `scripts/goldens/make_keras2_files.py`), read
without TensorFlow: `model.save("m.h5")`, `model.save_weights("w.h5")` and tf_keras's own
`model.save("m.keras")`, for small models of classic Keras 2 tutorials. Each must give
Keras 2's predictions, compile as it was compiled, and resume training from the saved
optimizer state as Keras 2 did (same predictions after one more step)."""

import gzip
import json
import pathlib
import warnings

import numpy as np
import pytest

from numkeras import losses
from numkeras.models import load_model

FILES = pathlib.Path(__file__).parent / "keras2_files"
RECORD = json.loads((FILES / "keras2_files.json").read_text())
CASES = RECORD["cases"]
TOL = {"rtol": 1e-5, "atol": 1e-6}


def _file(tmp_path, name: str) -> pathlib.Path:
    path = tmp_path / name
    path.write_bytes(gzip.decompress((FILES / f"{name}.gz").read_bytes()))
    return path


def _arrays(value):
    if isinstance(value[0][0], list):  # one array per model input / output
        return [np.array(v, "float32") for v in value]
    return np.array(value, "float32")


def _assert_predicts(model, case, key="y", **tol):
    got, want = model.predict(_arrays(case["x"]), verbose=0), _arrays(case[key])
    for g, w in zip(*(v if isinstance(v, list) else [v] for v in (got, want))):
        np.testing.assert_allclose(g, w, **(tol or TOL))


def _load(path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a Keras 2 file loads without notes or fallbacks
        return load_model(path)


@pytest.mark.parametrize("suffix", [".h5", ".keras"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_keras2_model_file_loads_compiled_and_predicts(tmp_path, name, suffix):
    case = CASES[name]
    model = _load(_file(tmp_path, f"{name}{suffix}"))
    _assert_predicts(model, case)
    assert [la.name for la in model.layers] == case["layers"]
    assert model.compiled
    saved = case["optimizer"]
    assert type(model.optimizer).__name__ == saved["class_name"]
    for key, value in saved["config"].items():
        got = (
            float(model.optimizer.learning_rate)
            if key == "learning_rate"
            else getattr(model.optimizer, key)
        )
        assert got == pytest.approx(value, rel=1e-6), key
    # the state Keras 2 itself restores (tf_keras's `.keras` skips its legacy optimizers)
    assert int(model.optimizer.iterations) == case["iterations_restored"][suffix]


@pytest.mark.parametrize("suffix", [".h5", ".keras"])
@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if "y_resumed" in c))
def test_keras2_model_file_resumes_training_as_keras2_did(tmp_path, name, suffix):
    case = CASES[name]
    if case["iterations_restored"][suffix] != case["optimizer"]["iterations"]:
        pytest.skip("Keras 2 did not save this optimizer's state in this format")
    model = _load(_file(tmp_path, f"{name}{suffix}"))
    model.train_on_batch(_arrays(case["train_x"]), _arrays(case["train_y"]))
    assert int(model.optimizer.iterations) == case["optimizer"]["iterations"] + 1
    _assert_predicts(model, case, "y_resumed", rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", sorted(CASES))
def test_keras2_weights_only_file_loads_into_the_same_architecture(tmp_path, name):
    case = CASES[name]
    model = load_model(_file(tmp_path, f"{name}.h5"), compile=False)
    model.set_weights([np.zeros_like(w) for w in model.get_weights()])
    model.load_weights(_file(tmp_path, f"{name}_weights.h5"))
    _assert_predicts(model, case)


@pytest.mark.parametrize("suffix", [".h5", ".keras"])
def test_keras2_compile_arguments_survive(tmp_path, suffix):
    two_io = _load(_file(tmp_path, f"two_io{suffix}"))
    assert two_io.loss == {"out_bin": "binary_crossentropy", "out_cls": "categorical_crossentropy"}
    assert two_io._loss_weights_spec == {"out_bin": 1.0, "out_cls": 0.5}
    # Keras 2's `.h5` lists MeanMetricWrappers per output, named `out_bin_accuracy`
    assert two_io._metric_spec == {"out_bin": ["accuracy"], "out_cls": ["accuracy"]}
    acts = _load(_file(tmp_path, f"acts{suffix}"))
    assert isinstance(acts.loss, losses.CategoricalCrossentropy)
    assert acts.loss.get_config()["label_smoothing"] == pytest.approx(0.1)
    assert acts.loss.get_config()["reduction"] == "sum_over_batch_size"  # Keras 2's "auto"
    assert acts._metric_spec == ["accuracy"]
    reg = _load(_file(tmp_path, f"reg{suffix}"))
    assert reg._metric_spec == ["mae"]
    first, second = reg.layers
    assert first.kernel_regularizer.get_config() == {"l2": pytest.approx(0.01)}
    assert first.bias_regularizer.get_config() == {"l1": pytest.approx(0.001)}
    assert second.kernel_regularizer.get_config() == {"l2": pytest.approx(0.01)}
    assert second.bias_regularizer is None


@pytest.mark.parametrize("suffix", [".h5", ".keras"])
def test_keras2_gan_with_a_frozen_discriminator(tmp_path, suffix):
    # Keras 2 counted a nested model's calls from 1 (its own graph was node 0)
    model = _load(_file(tmp_path, f"combined{suffix}"))
    _, generator, discriminator = model.layers
    assert len(generator.trainable_weights) == 4
    assert not discriminator.trainable_weights and len(discriminator.weights) == 4
    # the frozen discriminator's weights do not move when the combined model trains
    before = [w.copy() for w in discriminator.get_weights()]
    model.train_on_batch(_arrays(CASES["combined"]["train_x"]), np.ones((8, 1), "float32"))
    for got, want in zip(discriminator.get_weights(), before):
        np.testing.assert_array_equal(got, want)


def test_keras2_layer_spellings_become_keras3_ones(tmp_path):
    model = _load(_file(tmp_path, "gan.h5"))  # LeakyReLU(alpha=), batch_input_shape
    assert model.layers[1].get_config()["negative_slope"] == pytest.approx(0.2)
    assert model.input_shape == (None, 10)
    two_io = _load(_file(tmp_path, "two_io.h5"))  # BatchNormalization(axis=[1])
    bn = next(la for la in two_io.layers if la.name == "batch_normalization")
    assert bn.get_config()["axis"] in (-1, 1)
