"""The `mixed_float16` policy against Keras 3 (goldens from
scripts/goldens/make_mixed_precision.py): dtype attributes, output dtypes, predictions,
compile's LossScaleOptimizer, training with dynamic loss scaling, configs, a Keras file.

numkeras computes a float16 layer in float32 from float16-rounded inputs and weights
(`numkeras/layers/autocast.py`), where Keras rounds after each operation: values agree to
float16's precision, so they are compared with float16 tolerances."""

import warnings

import numpy as np
import pytest

import numkeras
from numkeras.layers import autocast
from tests.differential import assert_json_close, goldens, scenario_script

GOLDENS = goldens("mixed_precision")
SCRIPT = scenario_script("make_mixed_precision")
# float16 carries ~3 significant digits; training amplifies the roundings a little
HALF = {"rtol": 2e-2, "atol": 3e-3}


@pytest.fixture(autouse=True)
def _float32_policy_after():
    yield
    numkeras.mixed_precision.set_global_policy("float32")


def run(name):
    # (automatic names count from zero, as the goldens')
    numkeras.utils.clear_session(free_memory=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return SCRIPT.SCENARIOS[name](numkeras)


@pytest.mark.parametrize(
    "name",
    ["attributes", "output_dtypes", "no_auto_scaling", "configs", "summary", "float64_policy"],
)
def test_exact_scenarios_match_keras(name):
    assert run(name) == GOLDENS[name]


@pytest.mark.parametrize(
    "name",
    [
        "symbolic_dtypes",
        "mlp_predict",
        "mlp_fit_adam",
        "conv_bn_fit",
        "embedding_lstm",
        "keras_file",
        "zoo",
        "zoo_attention",
    ],
)
def test_numeric_scenarios_match_keras_to_float16_precision(name):
    assert_json_close(run(name), GOLDENS[name], **HALF)


def test_overflowing_scaled_gradients_skip_steps_and_halve_the_scale_as_in_keras():
    got, want = run("loss_scale_overflow"), GOLDENS["loss_scale_overflow"]
    # the scale and step count (which steps were skipped) exactly; the values closely
    assert [s[1:3] for s in got] == [s[1:3] for s in want]
    assert_json_close(got, want, **HALF)
    assert want[-1][2] > 0, "the goldens' last steps fit float16: they are applied"


def test_round_half_overflows_to_inf_and_keeps_float32():
    out = autocast.round_half(np.array([1e-8, 0.1, 7e4], "float32"))
    assert out.dtype == np.float32
    assert out[0] == 0 and out[1] == np.float32(np.float16(0.1)) and np.isinf(out[2])


def test_float32_policy_is_unchanged_by_autocasting():
    """A float32 model runs no autocasting: no step rounds, the weights read as stored."""
    model = numkeras.Sequential([numkeras.Input((3,)), numkeras.layers.Dense(2)])
    assert not model._autocasting and not model.layers[0]._mixed
    w = np.float32(0.1) + np.zeros((3, 2), "float32")
    model.layers[0].kernel.assign(w)
    out = model.predict(np.eye(3, dtype="float32"), verbose=0)
    assert out.dtype == np.float32 and out[0, 0] == np.float32(0.1)


def test_mixed_layer_reads_rounded_weights_only_inside_its_call():
    numkeras.mixed_precision.set_global_policy("mixed_float16")
    dense = numkeras.layers.Dense(1, use_bias=False)
    dense.build((None, 1))
    dense.kernel.assign(np.array([[0.1]], "float32"))
    out = dense(np.ones((1, 1), "float32"))
    assert out.dtype == np.float16 and out[0, 0] == np.float16(0.1)
    assert dense.kernel.value[0, 0] == np.float32(0.1)  # the stored weight is float32


def test_mixed_training_keeps_float32_weights_and_matches_a_float32_run_roughly():
    """The same model trained under both policies ends close (float16 rounding apart)."""
    x = np.random.default_rng(0).standard_normal((32, 4)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5], [0.0]], "float32")

    def trained(policy):
        numkeras.mixed_precision.set_global_policy(policy)
        model = numkeras.Sequential([numkeras.Input((4,)), numkeras.layers.Dense(1)])
        model.set_weights([np.zeros((4, 1), "float32"), np.zeros(1, "float32")])
        model.compile(optimizer=numkeras.optimizers.SGD(0.1), loss="mse")
        model.fit(x, y, epochs=20, batch_size=8, verbose=0)
        return model

    mixed, full = trained("mixed_float16"), trained("float32")
    assert type(mixed.optimizer).__name__ == "LossScaleOptimizer"
    assert all(w.dtype == np.float32 for w in mixed.get_weights())
    np.testing.assert_allclose(mixed.get_weights()[0], full.get_weights()[0], atol=2e-2)


def test_mixed_bfloat16_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="bfloat16"):
        numkeras.mixed_precision.set_global_policy("mixed_bfloat16")


def test_a_saved_mixed_model_writes_the_optimizer_compile_was_given_as_keras_does(tmp_path):
    """Keras's compile config keeps the optimizer given to compile (not its loss-scale
    wrapper): loaded under the mixed policy the model is wrapped again, with its state;
    loaded under float32 it gets a plain Adam, which skips the wrapper's variables with
    Keras's warning (as the Keras-made file in `test_numeric_scenarios...[keras_file]`)."""
    numkeras.mixed_precision.set_global_policy("mixed_float16")
    model = SCRIPT._mlp(numkeras)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(np.ones((8, 6), "float32"), np.arange(8) % 3, verbose=0)
    assert model.get_compile_config()["optimizer"]["class_name"] == "Adam"
    path = tmp_path / "mixed.keras"
    model.save(path)
    again = numkeras.saving.load_model(path)
    assert type(again.optimizer).__name__ == "LossScaleOptimizer"
    assert int(again.optimizer.iterations) == 1
    numkeras.mixed_precision.set_global_policy("float32")
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer 'adam'"):
        plain = numkeras.saving.load_model(path)
    assert type(plain.optimizer).__name__ == "Adam" and int(plain.optimizer.iterations) == 0
    assert [la.dtype_policy.name for la in plain.layers[1:]] == [
        "mixed_float16",
        "mixed_float16",
        "float32",
    ]


def test_predictions_keep_a_float64_or_string_output_dtype():
    """predict returns the dtype the graph declares (Keras on JAX truncates float64 to
    float32, its torch backend keeps it); text outputs come back as Python strings."""
    numkeras.mixed_precision.set_global_policy("float64")
    inp = numkeras.Input((3,))
    model = numkeras.Model(inp, numkeras.layers.Dense(2)(inp))
    numkeras.mixed_precision.set_global_policy("float32")
    assert model.predict(np.ones((2, 3), "float32"), verbose=0).dtype == np.float64
    ids = numkeras.Input((3,), dtype="int64")
    words = numkeras.layers.StringLookup(vocabulary=["a", "b"], invert=True)(ids)
    text = numkeras.Model(ids, words).predict(np.array([[1, 2, 0]]), verbose=0)
    assert text.tolist() == [["a", "b", "[UNK]"]]
