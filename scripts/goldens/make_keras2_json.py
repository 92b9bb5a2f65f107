"""Keras 2 `model.to_json()` strings for tests/saving/test_keras2_json.py: written by real
tf_keras (Keras 2), read by `numkeras.models.model_from_json`.

Run under tf_keras (see scripts/goldens/make_diff_keras2_files.py for the environment):
    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \\
        /work/main/scripts/goldens/make_keras2_json.py
Writes tests/goldens/saving/keras2_interop/<name>.json and, for each, the predictions of
the model on `np.linspace(-1, 1, ...)` inputs with its weights set to a fixed ramp, in
tests/goldens/saving/keras2_interop/json_predictions.json.
"""

import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).parents[2] / "tests" / "goldens" / "saving" / "keras2_interop"


def models(keras):
    L = keras.layers
    i = L.Input((4,))
    x = L.Dense(3)(i)
    y = L.BatchNormalization()(x)
    functional = keras.Model(i, L.Dense(1)(L.Concatenate()([x, y])))
    sequential = keras.Sequential([L.LSTM(3, input_shape=(5, 2)), L.Dense(1)])
    return {"json_functional_bn_concat": functional, "json_sequential_lstm": sequential}


def ramp(model):
    return [np.linspace(-0.5, 0.5, w.size).reshape(w.shape) + 1.0 * ("variance" in v.name)
            for w, v in zip(model.get_weights(), model.weights)]  # fmt: skip


def data(model):
    shape = (2, *model.inputs[0].shape[1:])
    return np.linspace(-1, 1, int(np.prod(shape))).reshape(shape).astype("float32")


def main():
    import tf_keras as keras

    assert keras.__version__.startswith("2"), keras.__version__
    predictions = {}
    for name, model in models(keras).items():
        model.set_weights(ramp(model))
        (OUT / f"{name}.json").write_text(model.to_json())
        predictions[name] = model.predict(data(model), verbose=0).ravel().tolist()
    (OUT / "json_predictions.json").write_text(json.dumps(predictions))
    print(f"wrote {sorted(predictions)} in {OUT}")


if __name__ == "__main__":
    main()
