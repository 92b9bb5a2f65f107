"""Goldens for tests/layers/test_keras2_removed_layers.py: Keras 2 layers that Keras 3
dropped and classic scripts still use (ThresholdedReLU), from tf_keras 2.21: outputs and
input gradients, the layer's config, and a model's JSON, weights and predictions.

    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \
        /work/main/scripts/goldens/make_keras2_removed_layers.py
"""

from __future__ import annotations

import json
import pathlib

import numpy as np
import tensorflow as tf
import tf_keras as keras

OUT = pathlib.Path(__file__).parents[2] / "tests" / "goldens" / "keras2_removed_layers.json"
X = np.array([[-1.0, 0.0, 0.5, 1.0, 1.5], [2.0, 0.99, 1.01, -0.5, 3.0]], "float32")


def thresholded_relu(theta: float) -> dict:
    layer = keras.layers.ThresholdedReLU(theta=theta)
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
        total = tf.reduce_sum(y * tf.range(1.0, 6.0))
    return {
        "output": y.numpy().tolist(),
        "grad": tape.gradient(total, x).numpy().tolist(),
        "config": {k: v for k, v in layer.get_config().items() if k != "name"},
    }


def model() -> dict:
    keras.utils.set_random_seed(0)
    m = keras.Sequential(
        [keras.layers.Dense(4, input_dim=5), keras.layers.ThresholdedReLU(theta=0.3)]
    )
    return {
        "json": m.to_json(),
        "weights": [w.tolist() for w in m.get_weights()],
        "predict": m.predict(X, verbose=0).tolist(),
    }


def main():
    results = {f"theta_{t}": thresholded_relu(t) for t in (1.0, 0.0, 0.5)}
    results["model"] = model()
    OUT.write_text(json.dumps(results, sort_keys=True) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
