"""A Keras 2 (tf_keras 2.21) model with LSTM, GRU and Bidirectional(SimpleRNN) layers, whose
configs carry Keras 2's `time_major`, loads and predicts as it did there
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


def test_keras2_recurrent_model_loads_and_predicts(tmp_path):
    path = tmp_path / "rnn.h5"
    path.write_bytes(gzip.decompress((FILES / "rnn.h5.gz").read_bytes()))
    want = json.loads((FILES / "rnn.json").read_text())
    model = load_model(path)
    got = model.predict(np.array(want["x"], "float32"), verbose=0)
    np.testing.assert_allclose(got, want["prediction"], rtol=1e-5, atol=1e-6)


def test_time_major_true_is_refused_with_the_reason():
    config = {"class_name": "LSTM", "config": {"name": "lstm", "units": 2, "time_major": True}}
    with pytest.raises(ConfigError, match="time_major=True"):
        keras2._layer(config)
