"""LoRA in `Dense`, `EinsumDense`, `Embedding`, `ReversibleEmbedding` and `Conv1D/2D/3D`
(`enable_lora`, `lora_rank=`), as in Keras 3 (goldens from scripts/goldens/make_lora.py)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("lora")
SCRIPT = scenario_script("make_lora")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_lora_match_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    # (atol: the goldens are rounded to 5 decimals, a value at the edge may round apart)
    assert_json_close(got, GOLD[name], rtol=1e-5, atol=2e-5, where=name)


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


# (layer, input shape, whether the inputs are ids) for the float64 gradient checks
_LAYERS = {
    "einsum": (lambda: numkeras.layers.EinsumDense(
        "abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de", activation="tanh"),
        (3, 4), False),
    "einsum_in_last": (lambda: numkeras.layers.EinsumDense(
        "...c,dc->...d", output_shape=3), (2, 5), False),
    "einsum_vector": (lambda: numkeras.layers.EinsumDense("ab,b->a", output_shape=()), (4,),
        False),
    "embedding": (lambda: numkeras.layers.Embedding(6, 3), (5,), True),
    "conv1d": (lambda: numkeras.layers.Conv1D(
        4, 3, groups=2, activation="tanh", padding="causal"), (6, 4), False),
    "conv2d": (lambda: numkeras.layers.Conv2D(
        3, 2, strides=2, data_format="channels_first", activation="relu"), (2, 5, 5), False),
    "conv3d": (lambda: numkeras.layers.Conv3D(2, 2, padding="same"), (3, 3, 3, 2), False),
    "conv2d_op": (lambda: _ScaledConv(3, 2, activation="tanh"), (4, 4, 2), False),
}  # fmt: skip


class _ScaledConv(numkeras.layers.Conv2D):
    """Its own `convolution_op` (keras.io's standardized convolution): a traced call."""

    def convolution_op(self, inputs, kernel):
        return super().convolution_op(inputs, kernel * 2.0)


@pytest.mark.parametrize("kind", sorted(_LAYERS))
def test_lora_gradients_match_finite_differences(kind):
    """Every trainable weight's gradient (the factors', the bias's; the frozen weight has
    none) against central differences, in float64, through the layers' backward."""
    import numpy as np

    from numkeras import GradientTape
    from numkeras.utils.gradcheck import numeric_gradient

    make, shape, ids = _LAYERS[kind]
    numkeras.config.set_floatx("float64")
    try:
        rng = np.random.default_rng(6)
        dtype = "int32" if ids else "float64"
        model = numkeras.Sequential([numkeras.Input(shape, dtype=dtype), make()])
        layer = model.layers[0]
        layer.enable_lora(2, lora_alpha=3.0)
        for w in layer.weights:
            w.assign(rng.normal(size=w.shape))
        x = rng.integers(0, 6, size=(3, *shape)) if ids else rng.normal(size=(3, *shape))
        target = rng.normal(size=model.predict(x, verbose=0).shape)

        def loss() -> float:
            return float(((model.predict(x, verbose=0) - target) ** 2).sum())

        with GradientTape() as tape:
            total = numkeras.ops.sum((model(x, training=True) - target) ** 2)
        grads = tape.gradient(total, layer.trainable_weights)
        assert {w.name for w in layer.trainable_weights} >= {"lora_kernel_b"} or ids
        assert all(w.dtype == "float64" for w in layer.weights)
        for w, g in zip(layer.trainable_weights, grads):
            want = numeric_gradient(loss, w.value)
            np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-7, err_msg=w.name)
    finally:
        numkeras.config.set_floatx("float32")


@pytest.mark.parametrize("kind", sorted(_LAYERS))
def test_fit_with_lora_leaves_the_frozen_weight(kind):
    """`fit` on a model compiled before `enable_lora` trains the factors only."""
    import numpy as np

    make, shape, ids = _LAYERS[kind]
    rng = np.random.default_rng(0)
    model = numkeras.Sequential(
        [numkeras.Input(shape, dtype="int32" if ids else "float32"), make()]
    )
    x = rng.integers(0, 6, size=(8, *shape)) if ids else rng.normal(size=(8, *shape))
    y = rng.normal(size=model.predict(x, verbose=0).shape)
    model.compile(numkeras.optimizers.Adam(0.01), "mse")
    model.fit(x, y, epochs=1, verbose=0)
    layer = model.layers[0]
    layer.enable_lora(2)
    frozen = (layer._embeddings if ids else layer._kernel).numpy().copy()
    model.fit(x, y, epochs=2, verbose=0)
    np.testing.assert_array_equal((layer._embeddings if ids else layer._kernel).numpy(), frozen)
    assert np.abs(layer.trainable_weights[-1].numpy()).max() > 0


def test_depthwise_and_separable_convolutions_have_no_lora():
    """Keras's depthwise and separable convolutions have no `enable_lora` (`hasattr` is
    False, on the class and on a built layer); Conv1D/2D/3D have it."""
    layer = numkeras.layers.DepthwiseConv2D(3)
    layer.build((None, 5, 5, 2))
    with pytest.raises(AttributeError):
        layer.enable_lora(2)
    assert [w.name for w in layer.trainable_weights] == ["kernel", "bias"]
    assert not hasattr(layer, "enable_lora")
    for name in ("DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D"):
        assert not hasattr(getattr(numkeras.layers, name), "enable_lora"), name
    for name in ("Conv1D", "Conv2D", "Conv3D"):
        assert hasattr(getattr(numkeras.layers, name)(2, 1), "enable_lora"), name


def test_lora_trains_through_an_overridden_convolution_op():
    """A Conv2D subclass with its own `convolution_op` (keras.io's standardized
    convolution) is traced: its factors get gradients there too."""
    import numpy as np

    rng = np.random.default_rng(1)
    model = numkeras.Sequential([numkeras.Input((4, 4, 2)), _ScaledConv(3, 2)])
    layer = model.layers[0]
    layer.enable_lora(2)
    frozen = layer._kernel.numpy().copy()
    x, y = rng.normal(size=(4, 4, 4, 2)), rng.normal(size=(4, 3, 3, 3))
    model.compile(numkeras.optimizers.SGD(0.1), "mse")
    model.fit(x, y, epochs=2, verbose=0)
    np.testing.assert_array_equal(layer._kernel.numpy(), frozen)
    assert np.abs(layer.lora_kernel_b.numpy()).max() > 0
    want = 2.0 * (frozen + layer.lora_kernel_a.numpy() @ layer.lora_kernel_b.numpy())
    got = model.predict(x, verbose=0)
    plain = numkeras.layers.Conv2D(3, 2, use_bias=True)
    plain.build((None, 4, 4, 2))
    plain.set_weights([want, layer.bias.numpy()])
    np.testing.assert_allclose(got, plain(x.astype("float32")), rtol=1e-5, atol=1e-5)


def test_a_traced_call_reading_the_kernel_trains_the_factors():
    """A user's EinsumDense subclass computing with `self.kernel` in its own `call`
    (traced), LoRA enabled after a first `fit`: the next `fit` trains the factors, as in
    Keras (`layer.kernel` is built through numkeras.ops)."""
    import numpy as np

    from numkeras import ops

    class Mine(numkeras.layers.EinsumDense):
        def call(self, inputs):
            return ops.einsum(self.equation, inputs, self.kernel)

    model = numkeras.Sequential([numkeras.Input((3,)), Mine("ab,bc->ac", output_shape=2)])
    x, y = np.random.default_rng(2).normal(size=(8, 3)).astype("float32"), np.ones((8, 2))
    model.compile(numkeras.optimizers.SGD(0.1), "mse")
    model.fit(x, y, epochs=1, verbose=0)
    layer = model.layers[0]
    layer.enable_lora(1)
    frozen = layer._kernel.numpy().copy()
    model.fit(x, y, epochs=2, verbose=0)
    np.testing.assert_array_equal(layer._kernel.numpy(), frozen)
    assert np.abs(layer.lora_kernel_b.numpy()).max() > 0
    np.testing.assert_allclose(model.predict(x, verbose=0), x @ layer.kernel, rtol=1e-6)


def test_merged_weight_is_in_the_compute_dtype():
    """As Keras's: under mixed_float16 the factors are float32 and `layer.kernel`
    (`layer.embeddings`) with LoRA is the merged weight in float16."""
    numkeras.config.set_dtype_policy("mixed_float16")
    try:
        conv = numkeras.layers.Conv1D(2, 2, lora_rank=1)
        conv.build((None, 4, 3))
        table = numkeras.layers.Embedding(5, 2, lora_rank=1)
        table.build()
    finally:
        numkeras.config.set_dtype_policy("float32")
    assert [str(w.dtype) for w in conv.weights] == ["float32"] * 4
    assert conv.kernel.dtype == "float16" and table.embeddings.dtype == "float16"


class _ScaledReverse(numkeras.layers.ReversibleEmbedding):
    """Its own `call` reading `self.embeddings` (traced): LoRA trains through the trace."""

    def call(self, inputs, reverse=False):
        if reverse:
            ops = numkeras.ops
            return ops.tanh(ops.matmul(inputs, ops.transpose(self.embeddings)) * 2.0)
        return super().call(inputs)


def _reversible_model(tie, cap=None, rank=None):
    """ids -> ReversibleEmbedding -> Dense(tanh) -> the same layer reversed (logits);
    `tie="subclass"`: `_ScaledReverse`."""
    make = _ScaledReverse if tie == "subclass" else numkeras.layers.ReversibleEmbedding
    layer = make(6, 3, tie_weights=bool(tie), logit_soft_cap=cap, lora_rank=rank, name="re")
    inputs = numkeras.Input((4,), dtype="int32")
    hidden = numkeras.layers.Dense(3, activation="tanh", name="mid")(layer(inputs))
    return numkeras.Model(inputs, layer(hidden, reverse=True)), layer


@pytest.mark.parametrize("tie", [True, False, "subclass"])
@pytest.mark.parametrize("cap", [None, 2.0])
def test_reversible_embedding_lora_gradients_match_finite_differences(tie, cap):
    """The factors' gradients from both calls (tied: the reverse projection's too, through
    the merged table; a subclass's: through its traced call), the untied reverse weight's
    and the Dense's, against central differences in float64."""
    import numpy as np

    from numkeras import GradientTape
    from numkeras.utils.gradcheck import numeric_gradient

    numkeras.config.set_floatx("float64")
    try:
        rng = np.random.default_rng(6)
        model, layer = _reversible_model(tie, cap)
        layer.enable_lora(2, lora_alpha=3.0)
        for w in model.weights:
            w.assign(rng.normal(size=w.shape))
        x = rng.integers(0, 6, size=(3, 4))
        target = rng.normal(size=(3, 4, 6))

        def loss() -> float:
            return float(((model.predict(x, verbose=0) - target) ** 2).sum())

        with GradientTape() as tape:
            total = numkeras.ops.sum((model(x, training=True) - target) ** 2)
        grads = tape.gradient(total, model.trainable_weights)
        names = {w.name for w in model.trainable_weights}
        assert ("reverse_embeddings" in names) != bool(tie) and "embeddings" not in names
        for w, g in zip(model.trainable_weights, grads):
            want = numeric_gradient(loss, w.value)
            np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-7, err_msg=w.name)
    finally:
        numkeras.config.set_floatx("float32")


def test_reversible_embedding_fit_after_compile_trains_the_factors():
    """`enable_lora` on a compiled, trained model: `fit` trains the factors through the
    tied reverse projection and leaves the table as it was."""
    import numpy as np

    rng = np.random.default_rng(0)
    model, layer = _reversible_model(True)
    x, y = rng.integers(0, 6, size=(8, 4)), rng.integers(0, 6, size=(8, 4))
    loss = numkeras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(numkeras.optimizers.Adam(0.01), loss)
    model.fit(x, y, epochs=1, verbose=0)
    layer.enable_lora(2)
    frozen = layer._embeddings.numpy().copy()
    model.fit(x, y, epochs=2, verbose=0)
    np.testing.assert_array_equal(layer._embeddings.numpy(), frozen)
    assert np.abs(layer.lora_embeddings_b.numpy()).max() > 0
    merged = frozen + layer.lora_embeddings_a.numpy() @ layer.lora_embeddings_b.numpy()
    np.testing.assert_allclose(layer.embeddings, merged, rtol=1e-6)


def test_untied_reversible_embedding_with_lora_rank_builds(tmp_path):
    """Keras 3.15's `ReversibleEmbedding(tie_weights=False, lora_rank=r)` fails to build
    (its `build` adds `reverse_embeddings` after `enable_lora` locked the layer: ValueError
    None); numkeras builds it with the weights in `enable_lora`'s order, and a `.keras`
    file of it loads back."""
    import numpy as np

    model, layer = _reversible_model(False, rank=2)
    assert [(w.name, w.trainable) for w in layer.weights] == [
        ("embeddings", False),
        ("reverse_embeddings", True),
        ("lora_embeddings_a", True),
        ("lora_embeddings_b", True),
    ]
    layer.lora_embeddings_b.assign(np.ones((2, 3)))
    x = np.array([[1, 2, 3, 0]])
    model.save(tmp_path / "m.keras")
    loaded = numkeras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), 1e-6)
    assert not np.any(loaded.get_layer("re").lora_embeddings_b.numpy())  # (merged in the file)


def test_reversible_embedding_with_its_own_backward_refuses_lora():
    """A subclass with a backward of its own would leave the factors out of it."""

    class Mine(numkeras.layers.ReversibleEmbedding):
        def backward(self, cache, grad_output, need_input_grad=True):
            return super().backward(cache, grad_output, need_input_grad)

    with pytest.raises(ValueError, match="no LoRA"):
        Mine(6, 3, lora_rank=2)
    layer = Mine(6, 3)
    layer.build()
    with pytest.raises(ValueError, match="no LoRA"):
        layer.enable_lora(2)


def test_lora_rank_zero_means_no_lora():
    """As Keras (`if self.lora_rank:`): `lora_rank=0` builds a plain layer, and its config
    has no LoRA keys; `enable_lora(0)` is refused (Keras would divide by zero)."""
    layer = numkeras.layers.Conv1D(2, 2, lora_rank=0)
    layer.build((None, 4, 3))
    assert not layer.lora_enabled and "lora_rank" not in layer.get_config()
    with pytest.raises(ValueError, match="rank"):
        layer.enable_lora(0)
