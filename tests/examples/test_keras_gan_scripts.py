"""The Keras 2 GAN scripts of eriklindernoren/Keras-GAN (gan, cgan, acgan, wgan, lsgan,
sgan, infogan, cogan, bgan, bigan, dualgan, context_encoder, pix2pix; its dcgan is in
test_keras2_examples.py) against real Keras 2 (tf_keras 2.21): every step's losses,
predictions after training and how far each weight moved, with the scripts' model code as
written: a discriminator frozen after its compile inside the combined model (Keras 2's
trainable-at-compile rule, which numkeras follows), one Adam shared by every model,
custom losses on `keras.backend`, shared layers between two models, `loss_weights`, and
`train_on_batch`'s values read by position (`d_loss[3]`, Keras 2's order).

The scenarios live in scripts/goldens/make_keras_gan_scripts.py; the goldens
(tests/goldens/keras_gan_scripts.json) are what tf_keras 2.21 returned. Numbers are
compared to float32 training noise.
"""

import numpy as np
import pytest

import numkeras

from ..differential import (
    assert_json_close,
    goldens,
    run_scenario,
    scenario_params,
    scenario_script,
)

GOLD = goldens("keras_gan_scripts")
SCRIPT = scenario_script("make_keras_gan_scripts")

# over 3 s here (the convolutional GANs at MNIST size, pix2pix's U-Net)
SLOW = {
    "keras_gan_acgan",
    "keras_gan_bigan",
    "keras_gan_cgan",
    "keras_gan_cogan",
    "keras_gan_context_encoder",
    "keras_gan_dualgan",
    "keras_gan_gan",
    "keras_gan_infogan",
    "keras_gan_pix2pix",
    "keras_gan_wgan",
}

# Left out of the comparison, with the reason:
UNCOMPARED = {
    # four critic steps on weights clipped to +-0.01, then the generators' step: many
    # gradients are rounding noise, which Adam turns into full steps of either sign, so
    # the generators' predictions differ by a few percent with any change of summation
    # order: numkeras on one BLAS thread differs more from numkeras on two than from
    # Keras 2 (the losses and the size of each weight's change agree)
    "keras_gan_dualgan": [("translated",)],
}

# Where Keras 2 crashes, numkeras raises an error that says why:
CRASHES = {
    # SGAN's class_weight=[cw1, cw2], a list of dicts (Keras 2: AttributeError, 'list'
    # object has no attribute 'keys'): on the two-output discriminator "only supported
    # for single-output models" (Keras 2's own words for a dict there), on the one-output
    # combined model "must be a dict"
    "keras_gan_sgan": {"train": "ValueError", "combined": "TypeError"},
}


@pytest.mark.parametrize("name", scenario_params(sorted(SCRIPT.SCENARIOS), SLOW))
def test_keras_gan_script_matches_keras2(name):
    got, want = run_scenario(SCRIPT, name), GOLD[name]
    for tree in (got, want):
        for *parents, key in UNCOMPARED.get(name, []):
            node = tree
            for part in parents:
                node = node[part]
            del node[key]
    for key, ours in CRASHES.get(name, {}).items():
        assert want[key] == "AttributeError", key
        want = {**want, key: ours}
    if "moved" in want:
        # a weight whose gradient is rounding noise (a convolution's bias before a
        # BatchNormalization, where the batch mean cancels it) still moves by Adam's
        # normalized step, by an amount that noise decides: a few such weights move a
        # tensor's mean change by up to ~1%, in Keras as in numkeras. What this checks is
        # which weights train and by about how much (a frozen one moves 0).
        got, want = dict(got), dict(want)
        assert_json_close(got.pop("moved"), want.pop("moved"), 3e-2, 2e-3, f"{name}.moved")
    assert_json_close(got, want, rtol=2e-3, atol=2e-4, where=name)


@pytest.mark.filterwarnings("ignore::numkeras.errors.DeprecatedArgumentWarning")
def test_class_weight_given_as_a_list_says_it_must_be_a_dict():
    layers = numkeras.layers
    inputs = layers.Input((3,))
    model = numkeras.Model(inputs, layers.Dense(1, activation="sigmoid")(inputs))
    model.compile(loss="binary_crossentropy", optimizer="adam")
    x, y = np.ones((4, 3), "float32"), np.ones((4, 1), "float32")
    with pytest.raises(TypeError, match=r"must be a dict \{class index: weight\}; received a list"):
        model.train_on_batch(x, y, class_weight=[{0: 1, 1: 1}, {0: 1}])
    with pytest.raises(ValueError, match="one per output, is not supported"):
        model.fit(x, y, class_weight=({0: 1.0},), verbose=0)
