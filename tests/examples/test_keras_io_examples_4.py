"""Yet more keras.io code examples against Keras 3 (their Keras 3 versions, the model and
training code as written): ESPCN super-resolution (a DepthToSpace layer of ops on images
of any size, a callback reading each test batch's loss), DeepLabV3+ (atrous spatial
pyramid pooling, bilinear upsampling, `ops.nn.relu` on symbolic tensors), speaker
recognition (FFT features, a residual Conv1D network, a best `.keras` checkpoint loaded
back), the VQ-VAE (a layer's `add_loss` and straight-through `stop_gradient`, a trainer's
own train_step), imbalanced classification (class weights, the confusion-count metrics),
the Switch Transformer (top-1 routing, experts over a fixed number of tokens, an auxiliary
loss), quotient-remainder embeddings, MobileViT, the learnable resizer (bilinear Resizing
inside a model taking any image size), masked language modeling (`compute_loss` /
`compute_metrics` overridden, an unreduced loss with per-token sample weights, the model
loaded back as its own class), STFTSpectrogram audio classification (fixed and trainable
spectrograms), EANet (external attention), the SSVEPFormer (`ops.rfft` inside a
trained Sequential model of custom layers) and the Siamese network (a triplet loss in its
own train_step and test_step, a three-input model called on a batch's `(x,)`).

The scenarios live in scripts/goldens/make_keras_io_examples_4.py (functions of the
`keras` module, the examples' code at a reduced size on synthetic data, weights from a
fixed RNG); the goldens (tests/goldens/keras_io_examples_4.json) are what Keras 3.15
returned on JAX (on torch for the VQ-VAE and the Siamese network, whose train_steps take
gradients). Numbers are compared to float32 training noise.
"""

import json

import numpy as np
import pytest

import numkeras

from ..differential import (
    assert_json_close,
    goldens,
    pop_path,
    run_scenario,
    scenario_params,
    scenario_script,
)

GOLD = goldens("keras_io_examples_4")
SCRIPT = scenario_script("make_keras_io_examples_4")

SLOW: set[str] = set()

MISSING: dict[str, str] = {}

# Compared loosely (values within 5%), with the reason
LOOSE: dict[str, list[str]] = {}

# Summary rows left out, with the reason. EANet's PatchExtract reshapes its patches with
# `ops.reshape(x, (B, -1, d))`, B = `ops.shape(x)[0]`: Keras on JAX builds a functional
# model by tracing each layer with a symbolic batch dimension, which resolves the -1 (16);
# numkeras's symbolic `ops.shape` gives None for the batch, so its summary shows
# (None, None, 12) there. The values, and the layers after it, match
UNKNOWN_DIMS: dict[str, list[int]] = {"eanet": [6]}


@pytest.mark.parametrize("name", scenario_params(sorted(SCRIPT.SCENARIOS), SLOW, MISSING))
def test_keras_io_example_matches_keras(name):
    got, want = run_scenario(SCRIPT, name), json.loads(json.dumps(GOLD[name]))
    for row in sorted(UNKNOWN_DIMS.get(name, []), reverse=True):
        got["summary"].pop(row), want["summary"].pop(row)
    for key in LOOSE.get(name, []):
        assert_json_close(pop_path(got, key), pop_path(want, key), rtol=5e-2, atol=2e-2, where=key)
    assert_json_close(got, want, rtol=2e-3, atol=2e-4, where=name)


@pytest.mark.parametrize("ignore_class", [None, 0])
def test_tape_records_an_unreduced_loss_with_sample_weights(ignore_class):
    # keras.io's masked language model sums an unreduced SparseCategoricalCrossentropy
    # called with per-token sample weights inside its compute_loss; numkeras's tape
    # refused that call. Its gradient is the "sum" reduction's (the same weighted sum)
    numkeras.utils.clear_session(free_memory=False)
    rng = np.random.default_rng(0)
    inputs = numkeras.Input((3, 4))
    model = numkeras.Model(inputs, numkeras.layers.Dense(5, activation="softmax")(inputs))
    x = rng.normal(size=(2, 3, 4)).astype("float32")
    y = np.array([[0, 3, 1], [4, 0, 2]])
    sw = np.array([[1.0, 0.0, 2.0], [0.5, 1.0, 0.0]], "float32")
    losses = numkeras.losses
    grads = []
    for reduction in (None, "sum"):
        loss_fn = losses.SparseCategoricalCrossentropy(
            reduction=reduction, ignore_class=ignore_class
        )
        with numkeras.GradientTape() as tape:
            loss = numkeras.ops.sum(loss_fn(y, model(x), sw))
        grads.append([np.asarray(g) for g in tape.gradient(loss, model.trainable_weights)])
    unreduced = losses.SparseCategoricalCrossentropy(reduction=None, ignore_class=ignore_class)
    assert np.shape(unreduced(y, model(x), sw)) == (2, 3)
    for got, want in zip(*grads):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("n, fft_length", [(8, None), (8, 12), (8, 5), (7, 7)])
def test_rfft_is_differentiable(n, fft_length):
    # keras.io's SSVEPFormer takes ops.rfft inside a layer of a trained model; numkeras's
    # rfft had no symbolic version. Its gradient against central differences
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, n))
    bins = (fft_length or n) // 2 + 1
    w, v = rng.normal(size=(2, 2, 3, bins))

    def value(a):
        out = np.fft.rfft(a, n=fft_length)
        return np.sum(out.real * w) + np.sum(out.imag * v)

    variable = numkeras.Variable(x, dtype="float64")
    with numkeras.GradientTape() as tape:
        real, imag = numkeras.ops.rfft(variable, fft_length=fft_length)
        loss = numkeras.ops.sum(real * w) + numkeras.ops.sum(imag * v)
    got = np.asarray(tape.gradient(loss, [variable])[0])
    want = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[idx] = 1e-6
        want[idx] = (value(x + step) - value(x - step)) / 2e-6
    np.testing.assert_allclose(got, want, atol=1e-6)
    inputs = numkeras.Input((3, n))
    spectrum = numkeras.Model(inputs, list(numkeras.ops.rfft(inputs, fft_length=fft_length)))
    np.testing.assert_allclose(
        spectrum.predict(x, verbose=0)[1], np.fft.rfft(x, n=fft_length).imag, atol=1e-5
    )


def test_tape_gives_a_model_call_s_added_losses_their_own_gradients():
    # keras.io's VQ-VAE reads `self.vqvae.losses` (a VectorQuantizer's add_loss) in its
    # train_step; under numkeras's tape a functional model's call left `losses` stale and
    # gave the added losses the gradient 1 whatever the step made of them. Values from
    # Keras 3.15 on torch (loss.backward())
    numkeras.utils.clear_session(free_memory=False)
    ops = numkeras.ops

    class Penalized(numkeras.layers.Layer):
        def call(self, x):
            self.add_loss(ops.mean(x**2))
            return x * 1.0

    inputs = numkeras.Input((3,))
    dense = numkeras.layers.Dense(3, use_bias=False, kernel_initializer="ones")
    model = numkeras.Model(inputs, Penalized()(dense(inputs)))
    x = np.ones((2, 3), "float32")
    for scale, want in [(0.0, 1 / 3), (1.0, 7 / 3), (0.5, 4 / 3)]:
        with numkeras.GradientTape() as tape:
            loss = ops.mean(model(x))
            losses = model.losses
            if scale:
                loss = loss + scale * sum(losses)
        grad = tape.gradient(loss, model.trainable_variables)[0]
        np.testing.assert_allclose(np.asarray(grad), np.full((3, 3), want), rtol=1e-6)
        assert [float(v) for v in losses] == [9.0]


def test_a_multi_input_model_takes_its_inputs_nested_in_a_batch_tuple():
    # keras.io's Siamese network calls its three-input model on a batch `(x,)` whose x is
    # the tuple of the three arrays; Keras 3 flattens such inputs (with a warning), and
    # its fit takes `validation_data=(x,)`
    numkeras.utils.clear_session(free_memory=False)
    inputs = [numkeras.Input((2,)) for _ in range(3)]
    model = numkeras.Model(inputs, numkeras.layers.Add()(inputs))
    a, b, c = (np.full((2, 2), v, "float32") for v in (1.0, 2.0, 4.0))
    with pytest.warns(UserWarning, match="structure"):
        got = model(((a, b, c),))
    np.testing.assert_allclose(np.asarray(got), np.full((2, 2), 7.0))
    with numkeras.GradientTape() as tape:
        tape.watch(a)
        out = numkeras.ops.sum(model(((a, b, c),)))
    np.testing.assert_allclose(np.asarray(tape.gradient(out, a)), np.ones((2, 2)))
