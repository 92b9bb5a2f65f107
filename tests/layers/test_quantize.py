"""Keras 3's int8 post-training quantization (`model.quantize("int8")`,
`layer.quantize("int8")`) of `Dense` (goldens from scripts/goldens/make_quantize.py)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("quantize")
SCRIPT = scenario_script("make_quantize")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_quantize_match_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    # (atol: the goldens are rounded to 4 or 5 decimals)
    assert_json_close(got, GOLD[name], rtol=1e-5, atol=2e-4, where=name)


FILES = SCRIPT.ROOT / "tests" / "saving" / "quantized"


def test_keras_written_int8_files_load():
    """A quantized model Keras saved (`.keras`: the config carries the int8 policy, so
    loading builds the int8 weights; `.weights.h5` into a quantized model)."""
    import numpy as np

    want = GOLD["dense_int8_save_and_load"]
    loaded = numkeras.saving.load_model(FILES / "dense_int8.keras")
    assert [[w.name, list(w.shape), str(w.dtype), w.trainable] for w in loaded.weights] == want[
        "loaded_weights"
    ]
    assert loaded.layers[0].dtype_policy.name == "int8_from_float32"
    np.testing.assert_allclose(
        loaded.predict(SCRIPT.X, verbose=0), want["loaded_predict"], atol=2e-4
    )
    model = SCRIPT._model(numkeras)
    for w in model.weights:
        w.assign(np.zeros(w.shape, w.dtype))
    model.load_weights(FILES / "dense_int8.weights.h5")
    np.testing.assert_allclose(
        model.predict(SCRIPT.X, verbose=0), want["weights_predict"], atol=2e-4
    )


def test_int8_gradients_match_finite_differences():
    """The bias's gradient is the quantized layer's own; the inputs' goes through the
    dequantized kernel `kernel / kernel_scale` (Keras's custom gradient), so it is that
    of `x @ dequantized + bias`."""
    import numpy as np

    from numkeras import GradientTape
    from numkeras.utils.gradcheck import numeric_gradient

    rng = np.random.default_rng(2)
    dense = numkeras.layers.Dense(3, activation="tanh", dtype="float64")
    dense.build((None, 4))
    dense.kernel.assign(rng.normal(size=(4, 3)))
    dense.bias.assign(rng.normal(size=3))
    dense.quantize("int8")
    x = rng.normal(size=(5, 4))
    target = rng.normal(size=(5, 3))
    dequantized = dense.kernel.numpy() / dense.kernel_scale.numpy()

    def loss() -> float:
        return float(((dense(x) - target) ** 2).sum())

    xt = numkeras.ops.convert_to_tensor(x)
    with GradientTape() as tape:
        total = numkeras.ops.sum((dense(xt, training=True) - target) ** 2)
    (grad_b,) = tape.gradient(total, [dense.bias])
    np.testing.assert_allclose(
        grad_b, numeric_gradient(loss, dense.bias.value), rtol=1e-5, atol=1e-7
    )
    # the inputs' gradient: that of `sum(u * (x @ dequantized))` for the upstream `u`
    dense.activation = numkeras.activations.get("linear")
    u = rng.normal(size=(5, 3))
    with GradientTape() as tape:
        tape.watch(xt)
        total = numkeras.ops.sum(u * dense(xt, training=True))
    grad_x = tape.gradient(total, xt)
    surrogate = lambda: float((u * (x @ dequantized)).sum())  # noqa: E731
    np.testing.assert_allclose(grad_x, numeric_gradient(surrogate, x), rtol=1e-6, atol=1e-8)
    assert [w.name for w in dense.trainable_weights] == ["bias"]


@pytest.mark.parametrize("mode", ["int4", "float8", "gptq", "awq"])
def test_modes_numkeras_does_not_compute_are_refused(mode):
    from numkeras.errors import UnsupportedQuantizationError

    model = SCRIPT._model(numkeras, quantize=False)
    with pytest.raises(UnsupportedQuantizationError, match="only 'int8'") as info:
        model.quantize(mode)
    assert isinstance(info.value, ValueError)  # (Keras: ValueError for a mode it lacks)
    with pytest.raises(UnsupportedQuantizationError):
        model.layers[0].quantize(mode)
    assert model.layers[0].dtype_policy.name == "float32"
    with pytest.raises(UnsupportedQuantizationError):
        numkeras.dtype_policies.get(f"{mode}_from_float32")


def test_quantized_policy_and_float_layers_unchanged():
    dense = numkeras.layers.Dense(2)
    dense.build((None, 3))
    assert dense.quantization_mode is None
    assert dense.get_config()["dtype"]["class_name"] == "DTypePolicy"
    assert [w.name for w in dense.weights] == ["kernel", "bias"]
    policy = numkeras.dtype_policies.get("int8_from_float32")
    assert (policy.quantization_mode, policy.compute_dtype) == ("int8", "float32")
    copy = numkeras.layers.Dense(2, dtype=policy)
    copy.build((None, 3))
    assert [str(w.dtype) for w in copy.weights] == ["float32", "int8", "float32"]


@pytest.mark.parametrize(
    ("file", "scenario"),
    [("einsum_int8.keras", "einsum_int8_proj"), ("embedding_int8.keras", "embedding_int8")],
)
def test_keras_written_einsum_and_embedding_files_load(file, scenario):
    import numpy as np

    want = GOLD[scenario]
    loaded = numkeras.saving.load_model(FILES / file)
    got = [[w.name, list(w.shape), str(w.dtype), w.trainable] for w in loaded.weights]
    assert got == want["loaded_weights"]
    if scenario == "embedding_int8":  # (saved before training: its first predictions)
        x, key = SCRIPT._embedding_model(numkeras)[1], "predict"
    else:
        x, key = SCRIPT._einsum(numkeras, "proj")[2], "loaded_predict"
    np.testing.assert_allclose(loaded.predict(x, verbose=0), want[key], atol=2e-4)


def test_einsum_with_ellipsis_quantizes():
    """Keras crashes quantizing an EinsumDense with `...` (a TypeError in its
    `_analyze_quantization_info`); numkeras quantizes it as the explicit equation, and its
    inputs' gradient is that of the dequantized kernel's einsum."""
    import numpy as np

    from numkeras import GradientTape
    from numkeras.utils.gradcheck import numeric_gradient

    rng = np.random.default_rng(6)
    layer = numkeras.layers.EinsumDense("...b,bc->...c", output_shape=3, dtype="float64")
    explicit = numkeras.layers.EinsumDense("abd,dc->abc", output_shape=(None, 3), dtype="float64")
    layer.build((None, 2, 4))
    explicit.build((None, 2, 4))
    kernel = rng.normal(size=(4, 3))
    layer.kernel.assign(kernel)
    explicit.kernel.assign(kernel)
    x = rng.normal(size=(5, 2, 4))
    float_out = layer(x)
    layer.quantize("int8")
    explicit.quantize("int8")
    assert layer.dtype_policy.name == "int8_from_float64"
    assert list(layer.kernel_scale.shape) == list(explicit.kernel_scale.shape) == [1, 1, 3]
    np.testing.assert_array_equal(layer(x), explicit(x))
    np.testing.assert_allclose(layer(x), float_out, atol=0.1)
    u = rng.normal(size=(5, 2, 3))
    xt = numkeras.ops.convert_to_tensor(x)
    with GradientTape() as tape:
        tape.watch(xt)
        total = numkeras.ops.sum(u * layer(xt, training=True))
    dequantized = layer.kernel.numpy() / layer.kernel_scale.numpy()[0, 0]
    surrogate = lambda: float((u * (x @ dequantized)).sum())  # noqa: E731
    np.testing.assert_allclose(
        tape.gradient(total, xt), numeric_gradient(surrogate, x), rtol=1e-6, atol=1e-8
    )


def test_fit_after_quantize_without_compiling_again_trains_the_biases():
    """Keras's `fit` raises after `quantize` unless the model is compiled again (its
    optimizer was built for the float kernels); numkeras trains on: the biases only."""
    import numpy as np

    model = SCRIPT._model(numkeras, quantize=False)
    model.compile(optimizer=numkeras.optimizers.Adam(0.05), loss="mse")
    model.fit(SCRIPT.X, SCRIPT.Y, epochs=1, verbose=0)
    model.quantize("int8")
    before = [w.numpy().copy() for w in model.weights]
    history = model.fit(SCRIPT.X, SCRIPT.Y, epochs=3, verbose=0)
    changed = [not np.array_equal(a, w.numpy()) for a, w in zip(before, model.weights)]
    assert changed == [True, False, False, True, False, False]
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_time_distributed_dense_quantizes_its_dense():
    """`model.quantize` reaches the Dense inside TimeDistributed, which then computes as
    the quantized Dense on each step (Keras's returns values hundreds off)."""
    import warnings

    import numpy as np

    rng = np.random.default_rng(3)
    dense = numkeras.layers.Dense(4)
    model = numkeras.Sequential([numkeras.Input((2, 4)), numkeras.layers.TimeDistributed(dense)])
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.weights])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.quantize("int8")
    assert dense.dtype_policy.name == "int8_from_float32"
    x = rng.normal(size=(3, 2, 4)).astype("float32")
    steps = np.stack([dense(x[:, t]) for t in range(2)], axis=1)
    np.testing.assert_allclose(model.predict(x, verbose=0), steps, rtol=1e-6, atol=1e-6)


def test_int8_lora_factor_gradients_match_finite_differences():
    """LoRA on an int8 Dense: the factors' gradients are those of the layer's output
    (`int8 product + (alpha / rank) * x @ a @ b`), exactly."""
    import numpy as np

    from numkeras import GradientTape
    from numkeras.utils.gradcheck import numeric_gradient

    rng = np.random.default_rng(8)
    dense = numkeras.layers.Dense(3, activation="tanh", dtype="float64")
    dense.build((None, 4))
    dense.kernel.assign(rng.normal(size=(4, 3)))
    dense.quantize("int8")
    dense.enable_lora(2, lora_alpha=3.0)
    for w in (dense.lora_kernel_a, dense.lora_kernel_b):
        w.assign(rng.normal(size=w.shape))
    x, target = rng.normal(size=(5, 4)), rng.normal(size=(5, 3))

    def loss() -> float:
        return float(((dense(x) - target) ** 2).sum())

    with GradientTape() as tape:
        total = numkeras.ops.sum((dense(x, training=True) - target) ** 2)
    weights = dense.trainable_weights
    assert [w.name for w in weights] == ["bias", "lora_kernel_a", "lora_kernel_b"]
    for w, g in zip(weights, tape.gradient(total, weights)):
        np.testing.assert_allclose(g, numeric_gradient(loss, w.value), rtol=1e-5, atol=1e-7)


def test_int8_einsum_lora_gradients_match_finite_differences():
    """LoRA on an int8 EinsumDense: the factors' and the bias's gradients are those of the
    layer's output (`int8 einsum + einsum with (alpha / rank) * a @ b`), exactly."""
    import numpy as np

    from numkeras import GradientTape
    from numkeras.utils.gradcheck import numeric_gradient

    rng = np.random.default_rng(9)
    layer = numkeras.layers.EinsumDense(
        "abc,cde->abde", (None, 2, 3), bias_axes="de", activation="tanh", dtype="float64"
    )
    layer.build((None, 2, 4))
    layer.kernel.assign(rng.normal(size=(4, 2, 3)))
    layer.quantize("int8")
    layer.enable_lora(2, lora_alpha=3.0)
    for w in layer.trainable_weights:
        w.assign(rng.normal(size=w.shape))
    x, target = rng.normal(size=(3, 2, 4)), rng.normal(size=(3, 2, 2, 3))

    def loss() -> float:
        return float(((layer(x) - target) ** 2).sum())

    with GradientTape() as tape:
        total = numkeras.ops.sum((layer(x, training=True) - target) ** 2)
    weights = layer.trainable_weights
    assert [w.name for w in weights] == ["bias", "lora_kernel_a", "lora_kernel_b"]
    for w, g in zip(weights, tape.gradient(total, weights)):
        np.testing.assert_allclose(g, numeric_gradient(loss, w.value), rtol=1e-5, atol=1e-7)


def test_legacy_h5_keeps_keras_3_form_for_quantization_objects(tmp_path):
    """Keras 2 has no quantization: a quantized model's legacy `.h5` config keeps Keras 3's
    form (with `module`) for its quantization config and policy, which Keras 3 needs to find
    their classes (it raised "Could not locate class 'Int8QuantizationConfig'")."""
    import json

    import h5py
    import numpy as np

    model = numkeras.Sequential([numkeras.Input((4,)), numkeras.layers.Dense(3)])
    model.quantize("int8")
    model.save(tmp_path / "q.h5")
    with h5py.File(tmp_path / "q.h5") as f:
        config = json.loads(f.attrs["model_config"])
    dense = config["config"]["layers"][-1]["config"]
    assert dense["quantization_config"]["module"] == "keras.quantizers"
    assert dense["dtype"]["class_name"] == "QuantizedDTypePolicy" and "module" in dense["dtype"]
    x = np.linspace(-1, 1, 8, dtype="float32").reshape(2, 4)
    again = numkeras.saving.load_model(tmp_path / "q.h5")
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
