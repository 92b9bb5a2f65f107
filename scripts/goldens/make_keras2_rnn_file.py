"""A recurrent model saved by Keras 2 (tf_keras 2.21), whose layer configs carry Keras 2's
`time_major` (tests/saving/test_keras2_rnn_file.py):

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


def main():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            L.LSTM(3, return_sequences=True, input_shape=(4, 2)),
            L.GRU(3, return_sequences=True),
            L.Bidirectional(L.SimpleRNN(2)),
            L.Dense(1),
        ]
    )
    model.compile("adam", "mse")
    x = np.random.default_rng(0).random((2, 4, 2)).astype("float32")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "rnn.h5")
        model.save(path)
        with open(path, "rb") as f:
            (OUT / "rnn.h5.gz").write_bytes(gzip.compress(f.read(), mtime=0))
    with open(OUT / "rnn.json", "w") as f:
        json.dump({"x": x.tolist(), "prediction": model.predict(x, verbose=0).tolist()}, f)


if __name__ == "__main__":
    main()
