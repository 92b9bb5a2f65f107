"""What the Keras 2 fuzzing of seeds 536-548 (scripts/fuzz/fuzz_keras2_idioms.py) found
numkeras lacking against tf_keras 2.21 (real Keras 2): Keras 2's volume backend functions
(`K.conv3d`, `K.pool3d`, `K.spatial_3d_padding`, `K.resize_volumes`),
`K.resize_images(interpolation=)`, `K.learning_phase_scope` and `to_categorical(dtype=)`,
against the goldens of scripts/goldens/make_keras2_fuzz_found_5.py."""

import warnings

import pytest

import numkeras

from .differential import assert_json_close, goldens, scenario_script

GOLD = goldens("keras2_fuzz_found_5")
SCRIPT = scenario_script("make_keras2_fuzz_found_5")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_matches_keras2(name):
    numkeras.utils.clear_session()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = SCRIPT.SCENARIOS[name](numkeras)
    assert_json_close(got, GOLD[name], rtol=1e-5, atol=1e-5, where=name)


def test_resize_images_refuses_what_keras3_lacks():
    """TensorFlow's "area" / "gaussian" / "mitchellcubic" have no Keras 3 equivalent: a
    ValueError naming the choices, not a silent nearest neighbour."""
    import numpy as np

    from numkeras import backend as K

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="bilinear"):
            K.resize_images(np.zeros((1, 2, 2, 1), "float32"), 2, 2, "channels_last", "area")
