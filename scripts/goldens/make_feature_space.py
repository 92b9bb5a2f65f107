"""Goldens for tests/layers/test_feature_space.py: Keras 3's `keras.utils.FeatureSpace`
(structured data: each feature preprocessed by its layer, one-hot encoded where it gives
ids, crossed, and concatenated or returned as a dict) on small dicts of NumPy columns, and
a `.keras` file Keras wrote of one (tests/goldens/saving/keras_feature_space.keras).

Keras runs FeatureSpace in TensorFlow whatever the backend, so the goldens come from
Keras 3.15.1 on TensorFlow (/work/tfenv):
    cd /tmp && KERAS_BACKEND=tensorflow /work/tfenv/bin/python \\
        /work/main/scripts/goldens/make_feature_space.py
(`--file` also rewrites the `.keras` file and its expected outputs.)
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, error_classes, rounded  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "feature_space.json"
FILE = ROOT / "tests" / "goldens" / "saving" / "keras_feature_space.keras"
SCENARIOS = Scenarios()
# (FeatureSpace needs TensorFlow in Keras, whatever the backend)
tf_scenario = SCENARIOS.scenario_on("tensorflow")


def shop_data(rows: int = 40, seed: int = 0) -> dict:
    """A dict of columns: floats, integer ids, strings (some unseen in later draws)."""
    rng = np.random.default_rng(seed)
    return {
        "price": rng.gamma(2.0, 3.0, rows).astype("float32"),
        "age": rng.normal(40, 12, rows).round(1).astype("float32"),
        "store": rng.choice([3, 7, 11, 19, 23], rows).astype("int64"),
        "color": rng.choice(["red", "green", "blue", "teal"], rows),
        "city": rng.choice(["paris", "oslo", "rome", "lima", "kyiv", "pune"], rows),
        "zip": rng.integers(1000, 1100, rows).astype("int64"),
    }


def _values(x) -> dict:
    x = np.asarray(x)
    return {"shape": list(x.shape), "dtype": str(x.dtype), "values": rounded(x)}


def _encoded(out) -> dict:
    if isinstance(out, dict):
        return {k: _values(v) for k, v in out.items()}
    return _values(out)


def _concat_space(K):
    FS = K.utils.FeatureSpace
    return FS(
        features={
            "price": "float_normalized",
            "color": "string_categorical",
            "store": "integer_categorical",
        },
        crosses=[("color", "store")],
        crossing_dim=16,
        output_mode="concat",
    )


@tf_scenario
def concat_of_the_named_kinds(K) -> dict:
    """Normalized floats, string and integer ids one-hot, and their cross, concatenated
    (features in sorted name order, then crosses): a batch, one row of scalars, `(n, 1)`
    columns, and values unseen by `adapt` (the OOV slot)."""
    space = _concat_space(K)
    data = {k: v for k, v in shop_data().items() if k in ("price", "color", "store")}
    space.adapt(data)
    unseen = {
        "price": np.array([1.0, 50.0]),
        "color": np.array(["red", "pink"]),
        "store": np.array([7, 99]),
    }
    return {
        "batch": _encoded(space(data)),
        "one_row": _encoded(space({"price": 2.5, "color": "blue", "store": 11})),
        "columns": _encoded(space({k: v[:5, None] for k, v in data.items()})),
        "unseen": _encoded(space(unseen)),
    }


@tf_scenario
def dict_of_ids(K) -> dict:
    """`output_mode="dict"` with the ids kept ("int") and an "int" cross: each feature's
    own array, and one row of scalars (no batch axis)."""
    FS = K.utils.FeatureSpace
    space = FS(
        features={
            "color": FS.string_categorical(output_mode="int"),
            "store": FS.integer_categorical(output_mode="int"),
            "age": FS.float_rescaled(scale=0.1, offset=-4.0),
        },
        crosses=[FS.cross(("color", "store"), crossing_dim=8, output_mode="int")],
        output_mode="dict",
    )
    data = shop_data(12, seed=1)
    space.adapt({k: data[k] for k in ("color", "store", "age")})
    sub = {k: data[k] for k in ("color", "store", "age")}
    return {
        "batch": _encoded(space(sub)),
        "one_row": _encoded(space({"color": "teal", "store": 23, "age": 51.0})),
    }


@tf_scenario
def every_kind_concatenated(K) -> dict:
    """Plain floats, rescaled, discretized (bins from `adapt`, Keras batching the column by
    32), hashed integers and strings, and lookups with `max_tokens` and two OOV slots."""
    FS = K.utils.FeatureSpace
    space = FS(
        features={
            "price": "float",
            "age": FS.float_rescaled(scale=0.5, offset=1.0),
            "zip": "float_discretized",
            "store": "integer_hashed",
            "city": "string_hashed",
            "color": FS.string_categorical(max_tokens=3, num_oov_indices=2),
        },
        hashing_dim=8,
        num_discretization_bins=4,
    )
    data = shop_data(75, seed=2)
    data["zip"] = data["zip"].astype("float32")
    space.adapt(data)
    return {
        "out": _encoded(space({k: v[:10] for k, v in data.items()})),
        "bins": rounded(space.preprocessors["zip"].bin_boundaries),
    }


@tf_scenario
def functional_model_on_the_encodings(K) -> dict:
    """`get_inputs()` and `get_encoded_features()` as a functional model's inputs and
    Dense input (fixed weights): its predictions on raw columns, the encodings' shape."""
    space = _concat_space(K)
    data = shop_data(30, seed=3)
    space.adapt(data)
    inputs = space.get_inputs()
    encoded = space.get_encoded_features()
    dense = K.layers.Dense(2)
    model = K.Model(inputs, dense(encoded))
    kernel, bias = dense.get_weights()
    dense.set_weights([np.linspace(-1, 1, kernel.size).reshape(kernel.shape), np.ones(2)])
    cols = {k: np.asarray(data[k])[:6, None] for k in inputs}
    if K.__name__ == "keras":  # (Keras's predict refuses NumPy strings: tensors, as keras.io)
        import tensorflow as tf

        cols = {k: tf.constant(v) for k, v in cols.items()}
    return {
        "inputs": {k: [list(v.shape), str(v.dtype)] for k, v in inputs.items()},
        "encoded_shape": list(encoded.shape),
        "predict": rounded(model.predict(cols, verbose=0)),
    }


@tf_scenario
def adapt_on_batches(K) -> dict:
    """`adapt` on batches of dict columns (a batched dataset in Keras, a list here)."""
    space = _concat_space(K)
    data = {k: v for k, v in shop_data(20, seed=4).items() if k in ("price", "color", "store")}
    if K.__name__ == "keras":
        import tensorflow as tf

        batches = tf.data.Dataset.from_tensor_slices(data).batch(8)
    else:
        batches = [{k: v[i : i + 8] for k, v in data.items()} for i in range(0, 20, 8)]
    space.adapt(batches)
    return _encoded(space(data))


@tf_scenario
def config_of_a_space(K) -> dict:
    """`get_config()`: the features' and crosses' saved forms."""
    FS = K.utils.FeatureSpace
    space = FS(
        features={"price": "float", "color": FS.string_categorical(max_tokens=5)},
        crosses=[("price", "color")],
        output_mode="dict",
    )
    config = space.get_config()
    features = {
        k: {
            "module": f["module"],
            "class_name": f["class_name"],
            "registered_name": f["registered_name"],
            "dtype": f["config"]["dtype"],
            "output_mode": f["config"]["output_mode"],
            "preprocessor": [
                f["config"]["preprocessor"]["module"],
                f["config"]["preprocessor"]["class_name"],
                f["config"]["preprocessor"]["config"]["name"],
            ],
        }
        for k, f in config["features"].items()
    }
    crosses = [[c["module"], c["class_name"], c["config"]] for c in config["crosses"]]
    rest = {k: v for k, v in config.items() if k not in ("features", "crosses")}
    return {"features": features, "crosses": crosses, "rest": rest}


@tf_scenario
def errors(K) -> dict:
    """What Keras refuses (the built-in classes of its errors)."""
    FS = K.utils.FeatureSpace
    L = K.layers
    data = shop_data(10)

    def before_adapt():
        space = FS({"color": "string_categorical"})
        space({"color": np.array(["red"])})

    def one_hot_of_floats():
        space = FS({"p": FS.feature("float32", L.Normalization(), "one_hot")})
        space.adapt({"p": data["price"]})

    def concat_of_ids():
        space = FS({"color": FS.string_categorical(output_mode="int")})
        space.adapt({"color": data["color"]})

    return {
        "before_adapt": error_classes(before_adapt),
        "one_hot_of_floats": error_classes(one_hot_of_floats),
        "concat_of_ids": error_classes(concat_of_ids),
        "bad_output_mode": error_classes(lambda: FS({"a": "float"}, output_mode="list")),
        "bad_kind": error_classes(lambda: FS({"a": "floaty"})),
        "unknown_cross": error_classes(lambda: FS({"a": "float"}, crosses=[("a", "b")])),
        "empty": error_classes(lambda: FS({})),
        "bad_cross_mode": error_classes(lambda: FS.cross(("a", "b"), 4, output_mode="x")),
        "call_with_array": error_classes(lambda: _adapted(FS)(np.zeros((2, 1)))),
        "call_with_a_label": error_classes(
            lambda: _adapted(FS)({"a": np.zeros(2), "label": np.zeros(2)})
        ),
        "call_missing_a_feature": error_classes(lambda: _adapted(FS)({"b": np.zeros(2)})),
    }


def _adapted(FS):
    space = FS({"a": "float"})
    space.adapt({"a": np.arange(4.0)})
    return space


def heart_data(rows: int, seed: int) -> tuple[dict, np.ndarray]:
    """Columns of the heart-disease CSV (keras.io's example), drawn: its kinds of values."""
    rng = np.random.default_rng(seed)
    data = {
        "age": rng.integers(29, 78, rows),
        "sex": rng.integers(0, 2, rows),
        "cp": rng.integers(0, 5, rows),
        "trestbps": rng.integers(94, 201, rows),
        "chol": rng.integers(126, 565, rows),
        "fbs": rng.integers(0, 2, rows),
        "restecg": rng.integers(0, 3, rows),
        "thalach": rng.integers(71, 203, rows),
        "exang": rng.integers(0, 2, rows),
        "oldpeak": rng.integers(0, 63, rows) / 10.0,
        "slope": rng.integers(1, 4, rows),
        "ca": rng.integers(0, 4, rows),
        "thal": rng.choice(["fixed", "normal", "reversible"], rows),
    }
    return data, rng.integers(0, 2, rows)


@tf_scenario
def keras_io_structured_data_with_feature_space(K) -> dict:
    """keras.io's "Structured data classification with FeatureSpace" as written, on drawn
    columns of its CSV. Changed: no shuffle (tf.data's), Dropout 0.5 -> 0, the weights
    drawn from a fixed RNG after building; the tf.data pipeline's batches of 32 are
    `fit`'s `batch_size=32` on the preprocessed arrays here (the same batches)."""
    keras = K
    FeatureSpace = K.utils.FeatureSpace
    train, train_y = heart_data(96, seed=10)
    val, val_y = heart_data(32, seed=11)
    feature_space = FeatureSpace(
        features={
            # Categorical features encoded as integers
            "sex": FeatureSpace.integer_categorical(num_oov_indices=0),
            "cp": FeatureSpace.integer_categorical(num_oov_indices=0),
            "fbs": FeatureSpace.integer_categorical(num_oov_indices=0),
            "restecg": FeatureSpace.integer_categorical(num_oov_indices=0),
            "exang": FeatureSpace.integer_categorical(num_oov_indices=0),
            "ca": FeatureSpace.integer_categorical(num_oov_indices=0),
            # Categorical feature encoded as string
            "thal": FeatureSpace.string_categorical(num_oov_indices=0),
            # Numerical features to discretize
            "age": FeatureSpace.float_discretized(num_bins=30),
            # Numerical features to normalize
            "trestbps": FeatureSpace.float_normalized(),
            "chol": FeatureSpace.float_normalized(),
            "thalach": FeatureSpace.float_normalized(),
            "oldpeak": FeatureSpace.float_normalized(),
            "slope": FeatureSpace.float_normalized(),
        },
        # Specify feature cross with a custom crossing dim.
        crosses=[
            FeatureSpace.cross(feature_names=("sex", "age"), crossing_dim=64),
            FeatureSpace.cross(
                feature_names=("thal", "ca"),
                crossing_dim=16,
            ),
        ],
        output_mode="concat",
    )
    batches = [{k: v[i : i + 32] for k, v in train.items()} for i in range(0, 96, 32)]
    if K.__name__ == "keras":  # (the example's `train_ds.map(lambda x, _: x)`)
        import tensorflow as tf

        batches = tf.data.Dataset.from_tensor_slices(train).batch(32)
    feature_space.adapt(batches)
    preprocessed_x = np.asarray(feature_space(train))
    preprocessed_val = np.asarray(feature_space(val))

    dict_inputs = feature_space.get_inputs()
    encoded_features = feature_space.get_encoded_features()

    x = keras.layers.Dense(32, activation="relu")(encoded_features)
    x = keras.layers.Dropout(0.0)(x)
    predictions = keras.layers.Dense(1, activation="sigmoid")(x)

    training_model = keras.Model(inputs=encoded_features, outputs=predictions)
    training_model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    inference_model = keras.Model(inputs=dict_inputs, outputs=predictions)
    rng = np.random.default_rng(12)
    training_model.set_weights(
        [rng.normal(0, 0.2, w.shape).astype("float32") for w in training_model.get_weights()]
    )
    history = training_model.fit(
        preprocessed_x,
        train_y,
        batch_size=32,
        shuffle=False,
        epochs=3,
        validation_data=(preprocessed_val, val_y),
        verbose=0,
    )
    sample = {
        "age": 60,
        "sex": 1,
        "cp": 1,
        "trestbps": 145,
        "chol": 233,
        "fbs": 1,
        "restecg": 2,
        "thalach": 150,
        "exang": 0,
        "oldpeak": 2.3,
        "slope": 3,
        "ca": 0,
        "thal": "fixed",
    }
    if K.__name__ == "keras":
        input_dict = {name: tf.convert_to_tensor([value]) for name, value in sample.items()}
    else:  # (`tf.convert_to_tensor([value])`: a one-element array)
        input_dict = {name: np.array([value]) for name, value in sample.items()}
    return {
        "preprocessed_shape": list(preprocessed_x.shape),
        "preprocessed_sums": rounded(preprocessed_x.sum(axis=0)),
        "history": {k: rounded(v, 5) for k, v in history.history.items()},
        "inference": rounded(inference_model.predict(input_dict, verbose=0), 5),
    }


FILE_DATA = {k: v for k, v in shop_data(16, seed=5).items() if k != "zip"}


def file_space(K):
    """The FeatureSpace of the `.keras` file: every named kind Keras writes, a cross."""
    FS = K.utils.FeatureSpace
    space = FS(
        features={
            "price": "float_normalized",
            "age": "float",
            "store": "integer_categorical",
            "color": "string_categorical",
            "city": FS.string_hashed(num_bins=6),
        },
        crosses=[("color", "store")],
        crossing_dim=10,
    )
    space.adapt(FILE_DATA)
    return space


def write_file() -> None:
    import json

    import keras

    space = file_space(keras)
    FILE.parent.mkdir(parents=True, exist_ok=True)
    space.save(str(FILE))
    results = json.loads(OUT.read_text()) if OUT.exists() else {}
    results["file_outputs"] = _encoded(space(FILE_DATA))
    lines = [f"{json.dumps(k)}: {json.dumps(results[k], sort_keys=True)}" for k in sorted(results)]
    OUT.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    print(f"wrote {FILE} and file_outputs")


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--file" in args:
        args.remove("--file")
        SCENARIOS.write(OUT, args or None)
        write_file()
    else:
        SCENARIOS.write(OUT, args or None)
