"""Golden values for masking (padded sequences): real Keras 3 on the JAX backend.

Run with Keras and JAX installed:
    KERAS_BACKEND=jax python scripts/goldens/make_masking.py
Writes tests/goldens/masking.json: per case of `tests/layers/masking_models.CASES`, the
inputs, targets, sample weights and initial weights, Keras's predictions and output
masks, `evaluate`'s loss and metrics before and after training, the logs of 2
`train_on_batch` steps, the trained weights and predictions, and the configs of its
Masking and Embedding layers; and a Keras file of the Masking + GRU model
(tests/goldens/saving/keras_masking.keras).

Keras 3 on JAX computes the training steps' metrics without the mask (the mask does not
survive its gradient transform; the torch backend masks them); numkeras masks them as in
evaluation, so the tests check them against `evaluate`'s rule, not these logs' metrics.
"""

import json
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "tests" / "goldens" / "masking.json"
KERAS_FILE = ROOT / "tests" / "goldens" / "saving" / "keras_masking.keras"

from tests.layers.masking_models import CASES, data  # noqa: E402


def main():
    import keras
    from keras.src.backend import get_keras_mask

    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    rng = np.random.default_rng(11)

    def f64(a):
        return np.asarray(a, "float64").tolist()

    def listed(x):
        return [np.asarray(a).tolist() for a in x] if isinstance(x, list) else x.tolist()

    cases = {}
    for name, (build, loss, metrics, (opt_name, lr)) in CASES.items():
        keras.utils.clear_session()
        model = build(keras)
        x, y, sw = data(name, rng)
        weights = [rng.normal(0, 0.5, w.shape).round(4) for w in model.get_weights()]
        weights = [  # (a variance is positive)
            abs(w) + 0.5 if v.path.endswith("moving_variance") else w
            for v, w in zip(model.weights, weights)
        ]
        model.set_weights([w.astype("float32") for w in weights])
        prediction = model.predict(x, verbose=0)
        outs = model(x)
        outs = outs if isinstance(outs, (list, tuple)) else [outs]
        masks = [get_keras_mask(o) for o in outs]
        opt = keras.optimizers.Adam(lr) if opt_name == "adam" else keras.optimizers.SGD(lr)
        model.compile(optimizer=opt, loss=loss, metrics=metrics)
        before = model.evaluate(x, y, sample_weight=sw, verbose=0, return_dict=True)
        steps = []
        for _ in range(2):
            logs = model.train_on_batch(x, y, sample_weight=sw, return_dict=True)
            steps.append({k: float(v) for k, v in logs.items()})
        after = model.evaluate(x, y, sample_weight=sw, verbose=0, return_dict=True)
        configs = {
            layer.name: keras.layers.serialize(layer)
            for layer in model.layers
            if type(layer).__name__ in ("Masking", "Embedding")
        }
        cases[name] = {
            "x": listed(x),
            "y": np.asarray(y).tolist(),
            "sample_weight": None if sw is None else sw.tolist(),
            "weights": [w.tolist() for w in weights],
            "weight_paths": [v.path for v in model.weights],
            "prediction": f64(prediction),
            "output_masks": [None if m is None else np.asarray(m).tolist() for m in masks],
            "evaluate_before": {k: float(v) for k, v in before.items()},
            "train_steps": steps,
            "evaluate_after": {k: float(v) for k, v in after.items()},
            "trained": [f64(w) for w in model.get_weights()],
            "prediction_after": f64(model.predict(x, verbose=0)),
            "configs": json.loads(json.dumps(configs)),
        }
        if name == "masking_gru_td":
            keras.utils.clear_session()
            saved = build(keras)
            saved.set_weights([w.astype("float32") for w in weights])
            saved.save(KERAS_FILE)
    OUT.write_text(json.dumps({"keras_version": keras.__version__, "cases": cases}) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes) and {KERAS_FILE}")


if __name__ == "__main__":
    main()
