"""Golden values for layers, Lambdas and losses written the Keras way (only `call`, with
`keras.ops`), which numkeras trains by tracing: real Keras 3 on the JAX backend.

Run with Keras and JAX installed:
    KERAS_BACKEND=jax python scripts/goldens/make_traced.py
Writes tests/goldens/traced.json: per case of `tests/layers/traced_models.CASES`, the
inputs, targets and initial weights, Keras's predictions, the losses and weights over 3
`train_on_batch` steps, then `evaluate`'s loss; and Keras files of the custom-layer model
and the subclassed model (tests/goldens/saving/keras_traced.keras, keras_subclassed.keras),
their sublayers saved under their attribute names.
"""

import json
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "tests" / "goldens" / "traced.json"
KERAS_FILES = {
    "custom_layers": ROOT / "tests" / "goldens" / "saving" / "keras_traced.keras",
    "subclassed": ROOT / "tests" / "goldens" / "saving" / "keras_subclassed.keras",
}

from tests.layers.traced_models import CASES, INPUTS, define, make_loss  # noqa: E402


def main():
    import keras

    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    rng = np.random.default_rng(7)

    def f64(a):
        return np.asarray(a, "float64").tolist()

    cases = []
    for model_name, loss_name, optimizer in CASES:
        keras.utils.clear_session()
        defs = define(keras)
        model = defs["models"][model_name]()
        x = rng.normal(0, 1, (6, *INPUTS.get(model_name, (4,)))).round(4)
        y = rng.normal(0, 1, model.predict(x, verbose=0).shape).round(4)
        weights = [rng.normal(0, 0.5, w.shape).round(4) for w in model.get_weights()]
        weights = [  # (a variance is positive)
            abs(w) + 0.5 if v.path.endswith("moving_variance") else w
            for v, w in zip(model.weights, weights)
        ]
        model.set_weights([w.astype("float32") for w in weights])
        prediction = model.predict(x, verbose=0)
        opt = keras.optimizers.Adam(0.01) if optimizer == "adam" else keras.optimizers.SGD(0.05)
        model.compile(optimizer=opt, loss=make_loss(loss_name, defs))
        losses = [float(model.train_on_batch(x, y)) for _ in range(3)]
        evaluated = float(model.evaluate(x, y, verbose=0))
        cases.append(
            {
                "model": model_name,
                "loss": loss_name,
                "optimizer": optimizer,
                "x": x.tolist(),
                "y": y.tolist(),
                "weights": [w.tolist() for w in weights],
                "weight_paths": [w.path for w in model.weights],
                "prediction": f64(prediction),
                "losses": losses,
                "evaluated": evaluated,
                "trained": [f64(w) for w in model.get_weights()],
            }
        )
        if model_name in KERAS_FILES and not KERAS_FILES[model_name].exists():
            keras.utils.clear_session()
            saved = define(keras)["models"][model_name]()
            saved.predict(x, verbose=0)  # (builds a subclassed model's layers)
            saved.set_weights([w.astype("float32") for w in weights])
            saved.save(KERAS_FILES[model_name])

    OUT.write_text(json.dumps({"keras_version": keras.__version__, "cases": cases}) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes) and {sorted(map(str, KERAS_FILES.values()))}")


if __name__ == "__main__":
    main()
