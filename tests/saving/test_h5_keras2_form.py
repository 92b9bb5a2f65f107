"""numkeras's `.h5` model config is in Keras 2's form, so that tf_keras 2 loads the file too.

Keras 3 writes its own config form into a `.h5` (`batch_shape`, `module`, dtype policy
dicts, dict-form functional nodes, ...), which tf_keras 2.21 refuses. numkeras writes the
form tf_keras wrote, which Keras 3's legacy loader also reads (`saving_utils.
model_from_config` maps `batch_input_shape`; its Functional reads list-form nodes). Checked by
hand with both libraries: `python scripts/check_h5_interop.py`. These tests (no TensorFlow
or Keras needed) pin that form, and that numkeras reads its files back exactly.
"""

import importlib.util
import json
import pathlib

import h5py
import numpy as np
import pytest

import numkeras
from numkeras import models

_SPEC = importlib.util.spec_from_file_location(
    "check_h5_interop",
    pathlib.Path(__file__).parents[2] / "scripts" / "check_h5_interop.py",
)
interop = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(interop)

# keys tf_keras 2.21 rejects (Keras-3-only), anywhere in the config
K3_ONLY = {
    "batch_shape",
    "module",
    "registered_name",
    "quantization_config",
    "optional",
    "input_axes",
    "output_axes",
    "build_config",
    "negative_slope",
}


def _walk(value):
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)


def _saved(tmp_path, case, optimizer="adam"):
    model = interop.build(numkeras, case, optimizer)
    x, y = interop.data(case)
    model.train_on_batch(x, y)
    path = tmp_path / f"{case}.h5"
    model.save(path)
    with h5py.File(path) as h5:
        config = json.loads(h5.attrs["model_config"])
        training = json.loads(h5.attrs["training_config"])
    return model, path, config, training


@pytest.mark.parametrize("case", interop.CASES)
def test_the_config_has_no_keras_3_only_keys(tmp_path, case):
    _, _, config, training = _saved(tmp_path, case)
    for obj in _walk(config):
        assert not (K3_ONLY & set(obj)), (case, K3_ONLY & set(obj))
        assert obj.get("class_name") not in ("DTypePolicy", "__keras_tensor__")
        if obj.get("class_name") == "InputLayer":
            assert "batch_input_shape" in obj["config"]
        if "inbound_nodes" in obj:  # Keras 2's `[[layer, node, tensor, kwargs], ...]`
            for node in obj["inbound_nodes"]:
                assert isinstance(node, list) and all(len(ref) == 4 for ref in node)
    opt = training["optimizer_config"]["config"]
    for key in ("loss_scale_factor", "gradient_accumulation_steps", "weight_decay", "use_ema"):
        assert key not in opt
    assert "is_legacy_optimizer" not in opt  # Keras 3 refuses it


def test_leaky_relu_and_loss_aliases_in_keras_2_names(tmp_path):
    _, _, config, training = _saved(tmp_path, "gan_generator")
    leaky = [la for la in config["config"]["layers"] if la["class_name"] == "LeakyReLU"]
    assert leaky and all(la["config"]["alpha"] == pytest.approx(0.2) for la in leaky)
    assert training["loss"] == "mean_squared_error"  # Keras 3.15 cannot load "mse" from a .h5


def test_a_nested_sequential_is_written_without_its_input(tmp_path):
    # tf_keras numbers a nested Sequential's calls from 1 when it has an InputLayer, Keras 3
    # from 0; without one, both from 0
    _, _, config, _ = _saved(tmp_path, "gan_combined")
    layers = {la["name"]: la for la in config["config"]["layers"]}
    for name in ("generator", "discriminator"):
        inner = layers[name]["config"]["layers"]
        assert inner[0]["class_name"] != "InputLayer"
        assert "build_input_shape" not in layers[name]["config"]
    assert layers["discriminator"]["inbound_nodes"] == [[["generator", 0, 0, {}]]]
    assert config["config"]["output_layers"] == [["discriminator", 0, 0]]
    assert all(
        la["config"]["trainable"] is False for la in layers["discriminator"]["config"]["layers"]
    )


def test_a_nested_functional_model_s_calls_keep_their_numbers(tmp_path):
    # tf_keras and Keras 3 both number a nested functional model's calls from 1 (its node 0
    # is its own graph): numkeras wrote 2, which tf_keras refused ("list indices must be
    # integers") and Keras 3 too (IndexError). Checked by hand: both load this file now.
    a = numkeras.Input((3,))
    inner = models.Model(a, numkeras.layers.Dense(2)(a), name="inner")
    x = numkeras.Input((3,))
    model = models.Model(x, inner(x))
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "r") as f:
        config = json.loads(f.attrs["model_config"])["config"]
    assert config["output_layers"] == [["inner", 1, 0]]
    ones = np.ones((2, 3), "float32")
    np.testing.assert_array_equal(models.load_model(tmp_path / "m.h5").predict(ones), model(ones))


@pytest.mark.parametrize("case", interop.CASES)
@pytest.mark.parametrize("optimizer", interop.OPTIMIZERS)
def test_numkeras_reads_its_h5_back_exactly(tmp_path, case, optimizer):
    model, path, _, _ = _saved(tmp_path, case, optimizer)
    loaded = models.load_model(path)
    px, py = interop.data(case, seed=1)
    for a, b in zip(interop._as_list(model.predict(px)), interop._as_list(loaded.predict(px))):
        np.testing.assert_array_equal(a, b)
    assert interop._layers(loaded) == interop._layers(model)
    assert interop._compile_state(loaded) == interop._compile_state(model)
    assert int(loaded.optimizer.iterations) == int(model.optimizer.iterations) == 1
    # training resumes exactly: the optimizer state (Keras 3's layout) came back too
    for m in (model, loaded):
        numkeras.utils.set_random_seed(7)  # the same dropout masks in both
        m.train_on_batch(px, py)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_a_model_with_operations_keeps_keras3s_form_and_round_trips(tmp_path):
    # Keras 2 cannot express operations (`x * 2.0`, numkeras.ops); Keras 3 and numkeras
    # read the Keras 3 form
    from numkeras import layers, ops

    i = layers.Input((4,))
    h = layers.Dense(3)(i)
    model = models.Model(i, h * 2.0 + ops.sum(h, axis=1, keepdims=True))
    model.compile(optimizer="sgd", loss="mse")
    model.save(tmp_path / "ops.h5")
    with h5py.File(tmp_path / "ops.h5", "r") as f:
        config = json.loads(f.attrs["model_config"])
    assert config["config"]["layers"][0]["config"]["batch_shape"] == [None, 4]
    loaded = models.load_model(tmp_path / "ops.h5")
    x = np.ones((2, 4), "float32")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
