"""`audio_dataset_from_directory` against tf_keras 2.21's (Keras 3's is the same code):
decoded samples, padding to a batch's longest clip or to `output_sequence_length`, label
modes, splits and argument errors (scripts/goldens/make_audio_dataset.py)."""

import wave

import numpy as np
import pytest

import numkeras
from numkeras.utils.directory_datasets import read_wav
from tests.differential import assert_json_close, goldens, scenario_script

SCRIPT = scenario_script("make_audio_dataset")
GOLD = goldens("audio_dataset")
GOT = SCRIPT.scenarios(numkeras)


@pytest.mark.parametrize("name", sorted(GOLD))
def test_matches_tf_keras(name):
    assert_json_close(GOT[name], GOLD[name], rtol=0, atol=0, where=name)


def test_ragged_batches_are_lists_of_clips():
    root = SCRIPT.write_folder(2)
    ds = numkeras.utils.audio_dataset_from_directory(
        root, batch_size=2, shuffle=False, ragged=True, verbose=False
    )
    x, y = ds[0]
    assert [a.shape for a in x] == [(7, 2), (4, 2)] and y.tolist() == [0, 0]


def test_sampling_rate_is_refused_as_keras_without_tensorflow_io(tmp_path):
    with pytest.raises(ImportError, match="resample"):
        numkeras.utils.audio_dataset_from_directory(SCRIPT.write_folder(1), sampling_rate=8000)


@pytest.mark.parametrize("width", [1, 3, 4])
def test_other_sample_widths_scale_to_minus_one_to_one(tmp_path, width):
    # 8-bit WAV is unsigned around 128; 24- and 32-bit signed, scaled by 2 ** (bits - 1)
    lowest = {1: b"\x00", 3: b"\x00\x00\x80", 4: b"\x00\x00\x00\x80"}[width]
    middle = {1: b"\x80", 3: b"\x00\x00\x00", 4: b"\x00\x00\x00\x00"}[width]
    path = tmp_path / "x.wav"
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(width)
        f.setframerate(8000)
        f.writeframes(lowest + middle)
    np.testing.assert_array_equal(read_wav(path), [[-1.0], [0.0]])
