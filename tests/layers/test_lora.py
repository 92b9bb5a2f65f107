"""LoRA in `Dense` (`enable_lora`, `lora_rank=`), as in Keras 3 (goldens from
scripts/goldens/make_lora.py)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("lora")
SCRIPT = scenario_script("make_lora")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_lora_match_keras(name):
    numkeras.utils.clear_session()
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-5, atol=1e-6, where=name)


def _lora_model(alpha=None):
    import numpy as np

    rng = np.random.default_rng(3)
    model = numkeras.Sequential([numkeras.Input((4,)), numkeras.layers.Dense(3, activation="tanh")])
    dense = model.layers[0]
    dense.enable_lora(2, lora_alpha=alpha)
    for w in dense.weights:
        w.assign(rng.normal(size=w.shape))
    return model, dense


def test_lora_factor_gradients_match_finite_differences():
    import numpy as np

    from numkeras import GradientTape
    from numkeras.utils.gradcheck import numeric_gradient

    numkeras.config.set_floatx("float64")
    try:
        model, dense = _lora_model(alpha=3.0)
        x = np.random.default_rng(4).normal(size=(5, 4))
        target = np.random.default_rng(5).normal(size=(5, 3))

        def loss() -> float:
            return float(((model.predict(x, verbose=0) - target) ** 2).sum())

        with GradientTape() as tape:
            total = numkeras.ops.sum((model(x, training=True) - target) ** 2)
        grads = tape.gradient(total, dense.trainable_weights)
        for w, g in zip(dense.trainable_weights, grads):
            np.testing.assert_allclose(g, numeric_gradient(loss, w.value), rtol=1e-5, atol=1e-7)
        assert [w.name for w in dense.trainable_weights] == [
            "bias",
            "lora_kernel_a",
            "lora_kernel_b",
        ]
    finally:
        numkeras.config.set_floatx("float32")


def test_fit_trains_factors_added_after_compile_and_keeps_the_kernel():
    """`enable_lora` on a trained, compiled model: the next `fit` trains the factors
    (compiled again or not) and leaves the kernel as it was."""
    import numpy as np

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 4)).astype("float32"), rng.normal(size=(32, 3)).astype("float32")
    for recompile in (False, True):
        model = numkeras.Sequential([numkeras.Input((4,)), numkeras.layers.Dense(3)])
        model.compile(numkeras.optimizers.Adam(0.01), "mse")
        model.fit(x, y, epochs=1, verbose=0)
        dense = model.layers[0]
        kernel = dense.kernel.numpy().copy()
        dense.enable_lora(2)
        if recompile:
            model.compile(numkeras.optimizers.Adam(0.01), "mse")
        model.fit(x, y, epochs=2, verbose=0)
        np.testing.assert_array_equal(dense._kernel.numpy(), kernel)
        assert np.abs(dense.lora_kernel_b.numpy()).max() > 0


def test_lora_alpha_given_at_construction_is_kept():
    """Keras's `build` enables LoRA with the rank only, so its `lora_alpha` falls back to
    the rank; numkeras keeps the alpha given (README: where numkeras differs)."""
    layer = numkeras.layers.Dense(3, lora_rank=2, lora_alpha=8.0)
    layer.build((None, 4))
    assert layer.lora_enabled and layer.lora_alpha == 8.0
    assert layer.get_config()["lora_alpha"] == 8.0
