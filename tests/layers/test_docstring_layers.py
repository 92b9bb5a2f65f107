"""The usage examples of Keras 3.15's layer docstrings, run with numkeras: each scenario
of scripts/goldens/make_docstring_layers.py must give what real Keras gave (goldens in
tests/goldens/docstring_layers.json): output shapes and values (weights set from a fixed
generator where the example's weights are random), weight names and shapes, and, for the
image augmentation layers' dict inputs, what comes back under each key."""

import json
import warnings

import numpy as np
import pytest

import numkeras
from numkeras import layers

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("docstring_layers")
SCRIPT = scenario_script("make_docstring_layers")


def test_every_scenario_has_goldens():
    assert sorted(SCRIPT.SCENARIOS) == sorted(GOLD)


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_scenario_matches_keras(name):
    numkeras.backend.clear_session(free_memory=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = SCRIPT.SCENARIOS[name](numkeras)
    assert_json_close(json.loads(json.dumps(got)), GOLD[name], rtol=1e-4, atol=1e-4, where=name)


def test_dict_masks_replay_the_draws_of_the_images():
    """A dict call transforms its images as a plain call with the same seed does, and the
    masks' replay of the draws leaves the layer's generator where the images left it."""
    images = np.random.default_rng(0).random((2, 8, 8, 3)).astype("float32")
    masks = np.zeros((2, 8, 8, 1), "uint8")
    made = lambda: numkeras.layers.RandomRotation(0.3, seed=4)  # noqa: E731
    plain, as_dict = made(), made()
    first, second = plain(images), plain(images)
    got = [as_dict({"images": images, "segmentation_masks": masks})["images"] for _ in range(2)]
    np.testing.assert_array_equal(got[0], first)
    np.testing.assert_array_equal(got[1], second)


@pytest.mark.parametrize(
    "layer, shape",
    [
        (lambda: layers.MelSpectrogram(num_mel_bins=8, fft_length=64, sequence_stride=32), (500,)),
        (lambda: layers.STFTSpectrogram(mode="magnitude", frame_length=16, frame_step=8), (64, 2)),
        (
            lambda: layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2)),
            (16, 16, 3),
        ),
    ],
)
def test_new_layers_save_and_load(tmp_path, layer, shape):
    model = numkeras.Sequential([numkeras.Input(shape), layer(), layers.Flatten(), layers.Dense(2)])
    x = np.random.default_rng(1).random((2, *shape)).astype("float32") * 255
    path = tmp_path / "m.keras"
    model.save(path)
    again = numkeras.models.load_model(path)
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    configs = [json.dumps(m.layers[0].get_config()) for m in (again, model)]
    assert configs[0] == configs[1]
