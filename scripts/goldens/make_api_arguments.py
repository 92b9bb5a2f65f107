"""Goldens for tests/test_api_arguments.py: arguments as Keras 3's signatures take them.

- Recurrent layers take their arguments positionally in Keras's order (`LSTM(32, "relu")`,
  `ConvLSTM2D(4, 3, 1, "same")`), and Conv3DTranspose takes `data_format` before
  `output_padding` (Keras 3 orders its 1D and 2D the other way).
- The registries' `deserialize(config, custom_objects=...)` finds a user's class or
  function there, by its class name when the config has no registered name.
- `clear_session(free_memory=False)` and `Input(..., ragged=False)` are taken;
  `Input(ragged=True)` raises ValueError off TensorFlow.
- Symbolic tensors' `reshape` / `squeeze` methods, `Sequential.pop(rebuild=False)`,
  `optimizer.apply(grads, trainable_variables=...)`, and a layer without weights to
  quantize refusing `quantize("int8")` with NotImplementedError.
- `add_weight()` without a shape (a scalar) or an initializer ("zeros" for int and bool).
- `model.save(folder, zipped=False)`: the `.keras` entries in a folder, which
  `load_model` reads (and a name ending in `.keras` refused).
- `Variable(array)` holds a copy: assigning to it leaves the array alone.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/api_arguments.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_api_arguments.py
and the Keras-saved folder (tests/goldens/saving/keras_unzipped_model):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_api_arguments.py folder
"""

from __future__ import annotations

import os
import pathlib
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "api_arguments.json"
KERAS_FOLDER = ROOT / "tests" / "goldens" / "saving" / "keras_unzipped_model"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

_KEYS = (
    "activation",
    "recurrent_activation",
    "use_bias",
    "unit_forget_bias",
    "kernel_initializer",
    "dropout",
    "recurrent_dropout",
    "return_sequences",
    "return_state",
    "go_backwards",
    "strides",
    "padding",
    "data_format",
    "dilation_rate",
    "output_padding",
)


def _config(layer) -> dict:
    config = layer.get_config()
    return {k: config[k] for k in _KEYS if k in config}


@scenario
def positional_constructors(keras):
    L = keras.layers
    layers = {
        "lstm": L.LSTM(4, "relu", "hard_sigmoid", False, "ones", "zeros", "zeros", False),
        "gru": L.GRU(3, "relu", "sigmoid", True, "zeros"),
        "simple_rnn": L.SimpleRNN(2, "relu", False),
        "lstm_all": L.LSTM(
            *(2, "tanh", "sigmoid", True, "glorot_uniform", "orthogonal", "zeros", True),
            *(None, None, None, None, None, None, None, 0.25, 0.5, None, True, True, True),
        ),
        "conv_lstm2d": L.ConvLSTM2D(4, 3, 2, "same", "channels_last", 1, "relu"),
        "conv3d_transpose": L.Conv3DTranspose(2, 2, 2, "valid", "channels_last", 1),
    }
    out = {name: _config(layer) for name, layer in layers.items()}
    out["twice"] = builtin_error(lambda: L.LSTM(4, "relu", activation="tanh"))
    return out


@scenario
def deserialize_custom_objects(keras):
    class Halves(keras.initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return keras.ops.full(shape, 0.5)

    class NonNeg(keras.constraints.Constraint):
        def __call__(self, w):
            return keras.ops.relu(w)

    class Tiny(keras.regularizers.Regularizer):
        def __call__(self, w):
            return 0.01 * keras.ops.sum(w)

        def get_config(self):
            return {}

    def scaled_relu(x):
        return 2.0 * keras.ops.relu(x)

    init = keras.initializers.deserialize(
        {"class_name": "Halves", "config": {}}, custom_objects={"Halves": Halves}
    )
    constraint = keras.constraints.deserialize(
        {"class_name": "NonNeg", "config": {}}, custom_objects={"NonNeg": NonNeg}
    )
    regularizer = keras.regularizers.deserialize(
        {"class_name": "Tiny", "config": {}}, custom_objects={"Tiny": Tiny}
    )
    act = keras.activations.deserialize("scaled_relu", custom_objects={"scaled_relu": scaled_relu})
    x = keras.ops.convert_to_tensor([[-1.0, 2.0]])
    numpy = keras.ops.convert_to_numpy
    return {
        "init": [type(init).__name__, numpy(init((2,))).tolist()],
        "constraint": [type(constraint).__name__, numpy(constraint(x)).tolist()],
        "regularizer": [type(regularizer).__name__, float(regularizer(x))],
        "activation": numpy(act(x)).tolist(),
    }


@scenario
def session_and_input_flags(keras):
    keras.utils.clear_session(free_memory=False)
    keras.backend.clear_session(free_memory=True)
    return {
        "name_after_clear": keras.layers.Dense(1).name,
        "ragged_false": list(keras.Input((3,), ragged=False).shape),
        "ragged_true": builtin_error(lambda: keras.Input((3,), ragged=True)),
    }


@scenario
def keras_tensor_methods(keras):
    x = keras.Input((4, 1))
    y = x.squeeze(-1)
    z = y.reshape((-1, 2, 2))
    model = keras.Model(x, z)
    data = np.arange(8.0).reshape(2, 4, 1)
    return {
        "shapes": [list(y.shape), list(z.shape)],
        "predict": model.predict(data, verbose=0).tolist(),
        "layers": [la["class_name"] for la in model.get_config()["layers"]],
    }


@scenario
def pop_without_rebuild(keras):
    L = keras.layers
    model = keras.Sequential([keras.Input((3,)), L.Dense(4), L.Dense(2)])
    popped = model.pop(rebuild=False)
    built_after_pop = model.built
    model.add(L.Dense(5))
    return {
        "popped_units": popped.units,
        "built_after_pop": built_after_pop,
        "call": list(model(np.ones((1, 3), "float32")).shape),
        "layers": len(model.layers),
    }


@scenario
def optimizer_apply_keywords(keras):
    v = keras.Variable(np.ones(2, "float32"))
    opt = keras.optimizers.SGD(0.5)
    opt.apply([np.ones(2, "float32")], trainable_variables=[v])
    return keras.ops.convert_to_numpy(v).tolist()


@scenario
def quantize_unsupported_layer(keras):
    layer = keras.layers.Dropout(0.5)
    layer.build((None, 3))
    return builtin_error(lambda: layer.quantize("int8"))


@scenario
def add_weight_defaults(keras):
    layer = keras.layers.Layer()
    counts = layer.add_weight(shape=(3,), dtype="int32", trainable=False)
    flags = layer.add_weight(shape=(2,), dtype="bool", trainable=False)
    scalar = layer.add_weight()
    numpy = keras.ops.convert_to_numpy
    return {
        "int": [numpy(counts).tolist(), str(counts.dtype)],
        "bool": numpy(flags).tolist(),
        "scalar": [list(scalar.shape), str(scalar.dtype)],
    }


@scenario
def variable_copies_its_value(keras):
    a = np.array([1.0, 2.0], "float32")
    v = keras.Variable(a)
    v.assign([7.0, 7.0])
    v.assign_add([1.0, 1.0])
    return {"array": a.tolist(), "variable": keras.ops.convert_to_numpy(v).tolist()}


def _folder_model(keras):
    x = keras.Input((3,), name="x")
    model = keras.Model(x, keras.layers.Dense(2, kernel_initializer="ones", name="d")(x))
    model.compile("adam", "mse")
    model.fit(np.ones((4, 3)), np.zeros((4, 2)), verbose=0)
    return model


@scenario
def save_unzipped(keras):
    model = _folder_model(keras)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "saved_model")
        model.save(path, zipped=False)
        entries = sorted(os.listdir(path))
        loaded = keras.models.load_model(path)
        refused = builtin_error(lambda: model.save(os.path.join(tmp, "m.keras"), zipped=False))
    return {
        "entries": entries,
        "predict": loaded.predict(np.ones((1, 3)), verbose=0).tolist(),
        "iterations": int(keras.ops.convert_to_numpy(loaded.optimizer.iterations)),
        "keras_name": refused,
    }


def main():
    if sys.argv[1:] == ["folder"]:  # a Keras-saved folder (zipped=False) the test loads
        import shutil

        import keras

        shutil.rmtree(KERAS_FOLDER, ignore_errors=True)
        _folder_model(keras).save(str(KERAS_FOLDER), zipped=False)
        return
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()
