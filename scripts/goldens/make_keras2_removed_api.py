"""Goldens for tests/test_keras2_removed_api.py: Keras 2 API that Keras 3 dropped and
classic scripts still use, from tf_keras 2.21:

- ThresholdedReLU: outputs and input gradients, the layer's config, and a model's JSON,
  weights and predictions;
- `losses.Reduction` (`reduction=Reduction.NONE`, Keras 2's default "auto"): its names and
  the losses they give.

    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \
        /work/main/scripts/goldens/make_keras2_removed_api.py
"""

from __future__ import annotations

import json
import pathlib

import numpy as np
import tensorflow as tf
import tf_keras as keras

OUT = pathlib.Path(__file__).parents[2] / "tests" / "goldens" / "keras2_removed_api.json"
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


def reductions() -> dict:
    y_true = np.array([[0.0, 1.0], [1.0, 1.0], [0.5, 0.0]], "float32")
    y_pred = np.array([[0.2, 0.7], [0.9, 0.1], [0.5, 0.4]], "float32")
    weights = np.array([1.0, 0.5, 2.0], "float32")
    R = keras.losses.Reduction
    out = {"names": {k: getattr(R, k) for k in ("AUTO", "NONE", "SUM", "SUM_OVER_BATCH_SIZE")}}
    for key in ("AUTO", "NONE", "SUM", "SUM_OVER_BATCH_SIZE"):
        loss = keras.losses.MeanSquaredError(reduction=getattr(R, key))
        out[key] = np.asarray(loss(y_true, y_pred, sample_weight=weights)).tolist()
    return out


def main():
    results = {f"theta_{t}": thresholded_relu(t) for t in (1.0, 0.0, 0.5)}
    results["model"] = model()
    results["reductions"] = reductions()
    OUT.write_text(json.dumps(results, sort_keys=True) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
