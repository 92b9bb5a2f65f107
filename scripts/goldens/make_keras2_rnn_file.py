"""Recurrent models saved by Keras 2 (tf_keras 2.21), whose layer configs carry Keras 2's
`time_major` and its `"hard_sigmoid"` (0.2 * x + 0.5, the default recurrent activation of
its ConvLSTM2D) (tests/saving/test_keras2_rnn_file.py):

    /work/tfenv/bin/python scripts/goldens/make_keras2_rnn_file.py
"""

import gzip
import json
import os
import pathlib
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tf_keras as keras  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "saving" / "keras2_files"
L = keras.layers


def _save(model, x, name):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, f"{name}.h5")
        model.save(path)
        with open(path, "rb") as f:
            (OUT / f"{name}.h5.gz").write_bytes(gzip.compress(f.read(), mtime=0))
    with open(OUT / f"{name}.json", "w") as f:
        json.dump({"x": x.tolist(), "prediction": model.predict(x, verbose=0).tolist()}, f)


def main():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            L.LSTM(3, return_sequences=True, input_shape=(4, 2)),
            L.GRU(3, return_sequences=True, recurrent_activation="hard_sigmoid"),
            L.Bidirectional(L.SimpleRNN(2)),
            L.Dense(1),
        ]
    )
    model.compile("adam", "mse")
    _save(model, np.random.default_rng(0).random((2, 4, 2)).astype("float32"), "rnn")
    model = keras.Sequential([keras.Input((3, 5, 5, 1)), L.ConvLSTM2D(2, 3, padding="same")])
    _save(model, np.random.default_rng(1).random((2, 3, 5, 5, 1)).astype("float32"), "convlstm")


if __name__ == "__main__":
    main()
