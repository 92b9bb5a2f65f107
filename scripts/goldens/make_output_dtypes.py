"""Goldens for tests/trainers/test_output_dtypes.py: the dtypes `predict`, `predict_on_batch`
and a direct call (`model(x)`) return for models whose outputs are integer (`ops.argmax`, a cast, an
integer Input passed through), as Keras 3 returns them.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values.

Run with Keras 3 and JAX installed (writes tests/goldens/output_dtypes.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_output_dtypes.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "output_dtypes.json"
X = np.linspace(-1, 1, 120).reshape(40, 3).astype("float32")  # (more rows than a batch)
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def _classifier(keras):
    inp = keras.Input((3,))
    probs = keras.layers.Dense(5, activation="softmax")(inp)
    return inp, probs


def _report(model, x):
    pred = model.predict(x, verbose=0)
    preds = pred if isinstance(pred, list) else [pred]
    return {
        "predict": [str(p.dtype) for p in preds],
        "values": [np.asarray(p, "float64").ravel()[:12].round(5).tolist() for p in preds],
        "predict_on_batch": [
            str(np.asarray(p).dtype)
            for p in (lambda r: r if isinstance(r, list) else [r])(model.predict_on_batch(x))
        ],
        "call": [
            str(np.asarray(p).dtype)
            for p in (lambda r: list(r) if isinstance(r, (list, tuple)) else [r])(model(x))
        ],
    }


@scenario
def argmax_classes(keras):
    inp, probs = _classifier(keras)
    model = keras.Model(inp, keras.ops.argmax(probs, axis=-1))
    model.set_weights([np.linspace(-2, 2, w.size).reshape(w.shape) for w in model.get_weights()])
    return _report(model, X)


@scenario
def cast_and_float_outputs(keras):
    inp, probs = _classifier(keras)
    model = keras.Model(inp, [probs, keras.ops.cast(probs > 0.2, "int32")])
    model.set_weights([np.linspace(-2, 2, w.size).reshape(w.shape) for w in model.get_weights()])
    return _report(model, X)


@scenario
def integer_input_passed_through(keras):
    ids = keras.Input((3,), dtype="int32")
    model = keras.Model(ids, ids)
    return _report(model, np.arange(120).reshape(40, 3))


@scenario
def layers_that_only_move_values(keras):
    """Identity, Reshape, Flatten and Permute keep an integer input's dtype (their symbolic
    outputs and predict's result); RepeatVector and Dropout give floats."""
    layers = keras.layers
    made = {
        "identity": (layers.Identity(), (4,)),
        "reshape": (layers.Reshape((2, 2)), (4,)),
        "flatten": (layers.Flatten(), (2, 2)),
        "permute": (layers.Permute((2, 1)), (2, 3)),
        "repeat_vector": (layers.RepeatVector(2), (3,)),
        "dropout": (layers.Dropout(0.5), (4,)),
    }
    out = {}
    for name, (layer, shape) in made.items():
        ids = keras.Input(shape, dtype="int32")
        model = keras.Model(ids, layer(ids))
        data = np.arange(2 * int(np.prod(shape))).reshape((2, *shape))
        out[name] = [str(model.output.dtype), str(model.predict(data, verbose=0).dtype)]
    return out


@scenario
def operation_after_a_kept_integer(keras):
    """Dropout and Cropping1D pass int32 arrays on under a float32 symbolic dtype; an
    operation on them keeps the arrays' int32 in predict, as in the direct call."""
    ids = keras.Input((3, 4), dtype="int32")
    kept = keras.layers.Dropout(0.5)(keras.layers.Cropping1D(1)(ids))
    model = keras.Model(ids, kept + 1)
    return _report(model, np.arange(40 * 12).reshape(40, 3, 4).astype("int32"))


@scenario
def output_shaped_unlike_its_symbolic_shape(keras):
    """Keras's Activation("glu") says its input's shape symbolically and halves the last
    axis in its arrays: predict returns the arrays' shape, over several batches."""
    inp = keras.Input((3, 4))
    model = keras.Model(inp, keras.layers.Activation("glu")(inp))
    data = np.linspace(-2, 2, 40 * 12).reshape(40, 3, 4).astype("float32")
    out = _report(model, data)
    out["shapes"] = [
        list(model.predict(data, verbose=0).shape),
        list(model.predict(data, batch_size=7, verbose=0).shape),
    ]
    return out


def main():
    SCENARIOS.write(OUT)


if __name__ == "__main__":
    main()
