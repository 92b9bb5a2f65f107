"""Golden values for the Softmax, ELU and PReLU layers, produced by real Keras 3.

Run with Keras installed (any backend), e.g.:
    KERAS_BACKEND=jax python scripts/goldens/make_activation_layers.py
Writes tests/goldens/activation_layers.json: per model case the weights (seeded), the input,
Keras's predict output and the weights after one SGD `train_on_batch` (which checks the
backward pass); eager masked calls of `Softmax`; and the layers' configs.
"""

import json
import pathlib

import keras
import numpy as np
from keras import layers

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "activation_layers.json"


def _round(a):
    return np.asarray(a, "float64").round(4)


def model_case(name, input_shape, head, seed):
    model = keras.Sequential([keras.Input(shape=input_shape), layers.Dense(5), head])
    rng = np.random.default_rng(seed)
    weights = [_round(rng.normal(0, 0.5, w.shape)) for w in model.get_weights()]
    model.set_weights([w.astype("float32") for w in weights])
    x = _round(rng.normal(0, 1, (6, *input_shape)))
    y_target = _round(rng.uniform(0, 1, (6, *model.output_shape[1:])))
    pred = model.predict(x.astype("float32"), verbose=0)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="mse")
    model.train_on_batch(x.astype("float32"), y_target.astype("float32"))
    return {
        "name": name,
        "input_shape": list(input_shape),
        "config": head.get_config(),
        "weights": [w.tolist() for w in weights],
        "x": x.tolist(),
        "y_target": y_target.tolist(),
        "predict": np.asarray(pred, "float64").tolist(),
        "weights_after_step": [np.asarray(w, "float64").tolist() for w in model.get_weights()],
    }


def mask_case(name, x, mask, axis=-1):
    y = layers.Softmax(axis=axis)(np.asarray(x, "float32"), mask=np.asarray(mask))
    return {
        "name": name,
        "axis": axis,
        "x": np.asarray(x, "float64").tolist(),
        "mask": np.asarray(mask).tolist(),
        "mask_dtype": str(np.asarray(mask).dtype),
        "y": np.asarray(y, "float64").tolist(),
    }


def main():
    models = [
        model_case("softmax_last_axis", (4,), layers.Softmax(), 1),
        model_case("softmax_axis_1_of_3d", (3, 4), layers.Softmax(axis=1), 2),
        model_case("softmax_axes_1_2", (3, 4), layers.Softmax(axis=[1, 2]), 3),
        model_case("elu_alpha_0_7", (4,), layers.ELU(alpha=0.7), 4),
        model_case("prelu", (4,), layers.PReLU(), 5),
        model_case("prelu_shared_axis_1", (3, 4), layers.PReLU(shared_axes=[1]), 6),
        model_case("prelu_shared_axes_1_2", (3, 4), layers.PReLU(shared_axes=[1, 2]), 7),
    ]
    rng = np.random.default_rng(9)
    x = _round(rng.normal(0, 2, (3, 5)))
    masks = [
        mask_case("bool_mask", x, rng.uniform(size=(3, 5)) > 0.4),
        mask_case("float_mask", x, _round(rng.uniform(size=(3, 5)))),
        mask_case("broadcast_mask", x, np.array([[True, False, True, True, False]])),
        mask_case(
            "all_masked_row", x, np.array([[True] * 5, [False] * 5, [True, False] * 2 + [True]])
        ),
        mask_case("axis_0", x, np.array([[True], [False], [True]]), axis=0),
    ]
    configs = {
        "Softmax": layers.Softmax(axis=[1, 2], name="s").get_config(),
        "Softmax_default": layers.Softmax(name="s0").get_config(),
        "ELU": layers.ELU(alpha=0.7, name="e").get_config(),
        "PReLU": layers.PReLU(shared_axes=[1, 2], name="p").get_config(),
        "PReLU_default": layers.PReLU(name="p0").get_config(),
    }
    OUT.write_text(
        json.dumps(
            {
                "keras_version": keras.__version__,
                "models": models,
                "masks": masks,
                "configs": configs,
            },
            default=str,
        )
    )
    print("wrote", OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
