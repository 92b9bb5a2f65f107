"""Golden values for stateful recurrent layers, from real Keras 2 (tf_keras 2.21).

numkeras follows Keras 2 here: Keras 3.15's JAX backend silently drops the carried states
(its predict and fit give the same values as stateful=False) and its torch backend fails
to train a stateful layer. Run with tf_keras installed:
    python scripts/goldens/make_stateful.py
Writes tests/goldens/stateful.json: per case, the data, initial weights, predictions of
two predicts in a row and one after `reset_states()`, the losses of two `train_on_batch`
steps and of two epochs of `fit(shuffle=False)`, and the weights after them.
"""

import json
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "goldens" / "stateful.json"

# (name, layer class, keyword arguments)
CASES = [
    ("lstm", "LSTM", {}),
    ("gru", "GRU", {}),
    ("simple_rnn_sequences", "SimpleRNN", {"return_sequences": True}),
    ("lstm_backwards", "LSTM", {"go_backwards": True}),
]


def build(K, cls: str, kwargs: dict):
    """The model both libraries build: batch 2, 3 timesteps, 2 features."""
    layers = [K.Input(batch_shape=(2, 3, 2)), getattr(K.layers, cls)(3, stateful=True, **kwargs)]
    if kwargs.get("return_sequences"):
        layers.append(K.layers.Flatten())
    return K.Sequential([*layers, K.layers.Dense(1)])


def run(K, cls: str, kwargs: dict, x, y, weights) -> dict:
    model = build(K, cls, kwargs)
    model.set_weights(weights)
    p1 = model.predict(x, batch_size=2, verbose=0)
    p2 = model.predict(x, batch_size=2, verbose=0)
    model.reset_states()
    p3 = model.predict(x, batch_size=2, verbose=0)
    model.compile(K.optimizers.SGD(0.1), "mse")
    steps = [float(model.train_on_batch(x[:2], y[:2])), float(model.train_on_batch(x[2:], y[2:]))]
    fit = model.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0).history["loss"]
    return {
        "predictions": [np.asarray(p, "float64").tolist() for p in (p1, p2, p3)],
        "train_on_batch": steps,
        "fit": [float(v) for v in fit],
        "trained": [np.asarray(w, "float64").tolist() for w in model.get_weights()],
    }


def main():
    import tf_keras as K

    rng = np.random.default_rng(0)
    cases = []
    for name, cls, kwargs in CASES:
        model = build(K, cls, kwargs)
        x = rng.normal(size=(4, 3, 2)).round(4).astype("float32")
        y = rng.normal(size=(4, 1)).round(4).astype("float32")
        weights = [
            rng.normal(0, 0.5, w.shape).round(4).astype("float32") for w in model.get_weights()
        ]
        result = run(K, cls, kwargs, x, y, weights)
        cases.append(
            {
                "name": name,
                "class": cls,
                "kwargs": kwargs,
                "x": x.tolist(),
                "y": y.tolist(),
                "weights": [w.tolist() for w in weights],
                **result,
            }
        )
    OUT.write_text(json.dumps({"tf_keras_version": K.__version__, "cases": cases}) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
