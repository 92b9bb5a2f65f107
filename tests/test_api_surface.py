"""Keras 3's top-level names, `keras.config`, `serialize_keras_object` and the dtype and
data helpers of `keras.utils` / `keras.backend` (goldens: scripts/goldens/make_api.py)."""

import json
import logging
import warnings
from pathlib import Path

import numpy as np
import pytest

import numkeras
from numkeras import backend, config, utils
from numkeras.layers import Dense, Input
from numkeras.models import Sequential
from numkeras.saving import deserialize_keras_object, serialize_keras_object

GOLDEN = json.loads((Path(__file__).parent / "goldens" / "api.json").read_text())


def test_keras3_top_level_classes_are_the_base_classes():
    class Scale(numkeras.Layer):
        def call(self, x):
            return x * 2.0

    assert isinstance(Scale(), numkeras.layers.Layer)
    assert numkeras.Loss is numkeras.losses.Loss and numkeras.Metric is numkeras.metrics.Metric
    assert numkeras.Optimizer is numkeras.optimizers.Optimizer
    assert numkeras.Initializer is numkeras.initializers.Initializer
    assert numkeras.Regularizer is numkeras.regularizers.Regularizer
    assert numkeras.InputSpec is numkeras.layers.InputSpec
    assert numkeras.version() == numkeras.__version__
    assert numkeras.models.save_model and numkeras.preprocessing.image.load_img


def test_config_module():
    assert config.backend() == "numpy" and config.floatx() == "float32"
    assert config.dtype_policy() == numkeras.DTypePolicy("float32")
    assert numkeras.mixed_precision.global_policy().name == "float32"
    policy = numkeras.DTypePolicy("mixed_float16")
    assert (policy.compute_dtype, policy.variable_dtype) == ("float16", "float32")
    assert Dense(2, dtype=numkeras.DTypePolicy("float64"))(np.ones((1, 3))).dtype == np.float64
    assert Dense(2, dtype=policy)(np.ones((1, 3))).dtype == np.float16
    with pytest.raises(ValueError, match="no bfloat16"):
        numkeras.mixed_precision.set_global_policy("mixed_bfloat16")
    with pytest.raises(ValueError, match="no bfloat16"):
        Dense(2, dtype="mixed_bfloat16")
    with pytest.raises(ValueError, match="NumPy only"):
        config.set_backend("jax")
    with pytest.raises(ValueError, match="positive integer"):
        config.set_max_epochs(0)


def _model():
    model = Sequential([Input((3,)), Dense(2)])
    model.compile("sgd", "mse")
    return model


def test_max_epochs_and_max_steps_cap_fit_evaluate_predict_with_a_warning():
    model = _model()
    x, y = np.zeros((320, 3), "float32"), np.zeros((320, 2), "float32")
    try:
        config.set_max_epochs(2)
        config.set_max_steps_per_epoch(3)
        with pytest.warns(UserWarning, match="Limiting epochs to 2"):
            history = model.fit(x, y, epochs=5, verbose=0)
        assert len(history.history["loss"]) == 2
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # capped steps with no batch size: ceil(320 / 3) rows a batch, as Keras
            assert model.predict(x, verbose=0).shape == (320, 2)
            assert model.fit(x, y, epochs=0, verbose=0).history == {}  # never raised
    finally:
        config.set_max_epochs(None)
        config.set_max_steps_per_epoch(None)


def test_disabled_interactive_logging_goes_to_the_logger(caplog, capsys):
    model = _model()
    config.disable_interactive_logging()
    try:
        with caplog.at_level(logging.INFO, logger="numkeras"):
            model.fit(np.zeros((8, 3)), np.zeros((8, 2)), epochs=1, verbose=2)
    finally:
        config.enable_interactive_logging()
    assert "loss" in caplog.text
    assert capsys.readouterr().out == ""


def test_serialize_keras_object_matches_keras():
    # (automatic names count from zero, as in the fresh golden run)
    backend.clear_session(free_memory=False)
    objs = {
        "mse": numkeras.losses.MeanSquaredError(),
        "adam": numkeras.optimizers.Adam(0.01),
        "glorot": numkeras.initializers.GlorotUniform(seed=3),
        "relu": numkeras.activations.relu,
        "l2": numkeras.regularizers.L2(0.1),
        "maxnorm": numkeras.constraints.MaxNorm(2),
        "array": np.arange(3.0),
        "plain": [1, "a", None, {"k": 2.5}],
    }
    for key, obj in objs.items():
        got = json.loads(json.dumps(serialize_keras_object(obj)))
        assert got == GOLDEN["serialize"][key], key
        back = deserialize_keras_object(got)
        if key == "array":
            np.testing.assert_array_equal(back, obj)
        elif key == "relu":
            assert back is numkeras.activations.relu
        elif key != "plain":
            assert type(back) is type(obj)
            assert serialize_keras_object(back) == serialize_keras_object(obj)


def test_deserialize_layers_models_and_unknown_classes():
    model = _model()
    clone = deserialize_keras_object(serialize_keras_object(model))
    assert [type(la).__name__ for la in clone.layers] == ["Dense"]
    with pytest.raises(TypeError, match="Could not locate class 'Nope'"):
        deserialize_keras_object({"class_name": "Nope", "config": {}, "module": "x"})
    with pytest.raises(ValueError, match="lambda"):
        serialize_keras_object(lambda v: v)


def test_dtype_helpers_match_keras():
    golden = GOLDEN["dtypes"]
    for name, want in golden["standardize"].items():
        assert backend.standardize_dtype(None if name == "None" else name) == want
    for a, b, want in golden["result_type"]:
        assert backend.result_type(a, b) == want, (a, b)
    got = [
        backend.result_type("int32", float),
        backend.result_type(int, "float16"),
        backend.result_type(),
        backend.result_type("int8", int),
    ]
    assert got == golden["result_type_weak"]
    assert backend.is_float_dtype("bfloat16") and not backend.is_int_dtype("bool")
    assert utils.is_keras_tensor(Input((2,))) and not utils.is_keras_tensor(np.zeros(2))


def test_pack_and_unpack_match_keras():
    cases = ((1,), [1, 2], 5, (1, 2, 3))
    assert [repr(utils.unpack_x_y_sample_weight(v)) for v in cases] == GOLDEN["unpack"]
    packs = ((1,), ([1],), (1, 2), (1, 2, 3))
    assert [repr(utils.pack_x_y_sample_weight(*a)) for a in packs] == GOLDEN["pack"]
    with pytest.raises(ValueError, match="4 items"):
        utils.unpack_x_y_sample_weight((1, 2, 3, 4))


def test_get_uid_shares_the_automatic_name_counter():
    backend.clear_session(free_memory=False)
    assert (backend.get_uid("dense"), backend.get_uid("dense")) == (1, 2)
    assert Dense(1).name == "dense_2"


def test_config_object():
    c = utils.Config(a=1)
    c.b = 2
    assert (c.a, c["b"], len(c), "a" in c) == (1, 2, 2, True)
    c.freeze()
    with pytest.raises(ValueError, match="frozen"):
        c.a = 3
    with pytest.raises(AttributeError, match="zz"):
        _ = c.zz


def test_lazy_names_are_listed_by_dir():
    """`keras.utils.<tab>` lists its helpers; numkeras imports them on first use, and its
    modules' `dir()` still lists them, each one importable."""
    for module, names in [
        (utils, ("to_categorical", "PyDataset", "get_file", "custom_object_scope")),
        (numkeras.mixed_precision, ("LossScaleOptimizer",)),
    ]:
        listed = dir(module)
        for name in names:
            assert name in listed and getattr(module, name) is not None
    assert all(hasattr(utils, name) for name in utils.__all__)
