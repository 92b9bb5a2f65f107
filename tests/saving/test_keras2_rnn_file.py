"""Keras 2 (tf_keras 2.21) models with LSTM, GRU, Bidirectional(SimpleRNN) and ConvLSTM2D
layers, whose configs carry Keras 2's `time_major` and its `"hard_sigmoid"` (another formula
than Keras 3's), load and predict as they did there
(scripts/goldens/make_keras2_rnn_file.py)."""

import gzip
import json
import pathlib

import numpy as np
import pytest

pytest.importorskip("h5py")

from numkeras.errors import ConfigError  # noqa: E402
from numkeras.models import load_model  # noqa: E402
from numkeras.saving import keras2  # noqa: E402

FILES = pathlib.Path(__file__).parent / "keras2_files"


@pytest.mark.parametrize("name", ["rnn", "convlstm"])
def test_keras2_recurrent_model_loads_and_predicts(tmp_path, name):
    path = tmp_path / f"{name}.h5"
    path.write_bytes(gzip.decompress((FILES / f"{name}.h5.gz").read_bytes()))
    want = json.loads((FILES / f"{name}.json").read_text())
    model = load_model(path)
    got = model.predict(np.array(want["x"], "float32"), verbose=0)
    np.testing.assert_allclose(got, want["prediction"], rtol=1e-5, atol=1e-6)


def test_time_major_true_is_refused_with_the_reason():
    config = {"class_name": "LSTM", "config": {"name": "lstm", "units": 2, "time_major": True}}
    with pytest.raises(ConfigError, match="time_major=True"):
        keras2._layer(config)


def test_hard_sigmoid_means_keras2s_formula_only_in_keras2_files():
    config = {
        "class_name": "GRU",
        "config": {"name": "gru", "recurrent_activation": "hard_sigmoid"},
    }
    assert keras2.model_config(config)["config"]["recurrent_activation"] == "hard_sigmoid_keras2"
    kept = keras2.model_config(config, written_by_keras2=False)  # numkeras's own .h5
    assert kept["config"]["recurrent_activation"] == "hard_sigmoid"
