"""Goldens for numkeras's Keras-3 API surface (tests/test_api_surface.py and friends):
`keras.tree`, `keras.utils.timeseries_dataset_from_array`, pack/unpack, dtype helpers,
`serialize_keras_object`, and the batch sizes `fit` / `evaluate` use when only `steps` is
given. Run with Keras 3 on TensorFlow (timeseries datasets need it):

    KERAS_BACKEND=tensorflow /work/tfenv/bin/python scripts/goldens/make_api.py
"""

import collections
import json
import os

import keras
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "goldens", "api.json")
P = collections.namedtuple("P", "x y")


def tree_cases():
    t = keras.tree
    nested = {"b": 1, "a": [2, (3, None)], "c": collections.OrderedDict([("z", 4), ("y", 5)])}
    return {
        "flatten": t.flatten(nested),
        "flatten_with_path": [[list(p), v] for p, v in t.flatten_with_path(nested)],
        "pack": t.pack_sequence_as(nested, [10, 20, 30, 40, 50, 60]),
        "map_keys_order": list(t.map_structure(lambda v: v, nested)),
        "ordered_keys": list(t.map_structure(lambda v: v, nested)["c"]),
        "lists_to_tuples": repr(t.lists_to_tuples([1, [2, [3]], {"a": [4]}])),
        "up_to": t.map_structure_up_to([0, [0, 0]], str, [[1, 1], [2, 2]]),
        "namedtuple": repr(t.map_structure(lambda v: v * 2, P(1, [2]))),
        "traverse_top": repr(traverse_log(True)),
        "traverse_bottom": repr(traverse_log(False)),
        "is_nested": [t.is_nested(v) for v in (1, None, [1], (), {}, "ab", np.zeros(2))],
    }


def traverse_log(top_down):
    seen = []
    keras.tree.traverse(seen.append, [(1, 2), [3], {"a": 4}], top_down=top_down)
    return seen


def timeseries_cases():
    data = np.arange(40).reshape(20, 2)
    targets = np.arange(20) * 10
    cases = []
    for kwargs in (
        dict(sequence_length=4, batch_size=3),
        dict(sequence_length=3, sequence_stride=2, sampling_rate=2, batch_size=4),
        dict(sequence_length=5, batch_size=4, shuffle=True, seed=7),
        dict(sequence_length=3, batch_size=2, start_index=2, end_index=15),
    ):
        ds = keras.utils.timeseries_dataset_from_array(data, targets, **kwargs)
        batches = [[x.numpy().tolist(), y.numpy().tolist()] for x, y in ds]
        cases.append({"kwargs": kwargs, "batches": batches})
    return cases


def batch_size_cases():
    seen = []

    class M(keras.Sequential):
        def train_step(self, data):
            seen.append(["train", int(data[0].shape[0])])
            return super().train_step(data)

        def test_step(self, data):
            seen.append(["test", int(data[0].shape[0])])
            return super().test_step(data)

    m = M([keras.Input((3,)), keras.layers.Dense(2)])
    m.compile("sgd", "mse", run_eagerly=True)
    x, y = np.zeros((50, 3)), np.zeros((50, 2))
    out = {}
    m.fit(x, y, epochs=2, steps_per_epoch=3, verbose=0)
    out["fit_steps"], seen[:] = list(seen), []
    m.evaluate(x, y, steps=4, verbose=0)
    out["evaluate_steps"], seen[:] = list(seen), []
    vx, vy = np.zeros((21, 3)), np.zeros((21, 2))
    m.fit(
        x, y, epochs=1, steps_per_epoch=2, validation_data=(vx, vy), validation_steps=2, verbose=0
    )
    out["fit_validation_steps"], seen[:] = list(seen), []
    m.fit(x, y, epochs=1, batch_size=16, validation_data=(vx, vy), validation_steps=2, verbose=0)
    out["fit_validation_batch"], seen[:] = list(seen), []
    return out


def serialize_cases():
    s = keras.saving.serialize_keras_object
    objs = {
        "mse": keras.losses.MeanSquaredError(),
        "adam": keras.optimizers.Adam(0.01),
        "glorot": keras.initializers.GlorotUniform(seed=3),
        "relu": keras.activations.relu,
        "l2": keras.regularizers.L2(0.1),
        "maxnorm": keras.constraints.MaxNorm(2),
        "array": np.arange(3.0),
        "plain": [1, "a", None, {"k": 2.5}],
    }
    out = {k: s(v) for k, v in objs.items()}
    return json.loads(
        json.dumps(out, default=lambda o: list(o) if isinstance(o, tuple) else str(o))
    )


def dtype_cases():
    b = keras.backend
    names = [None, "float16", "int8", "uint8", "int64", "bool", "float64"]
    std = {str(n): b.standardize_dtype(n) for n in names}
    pairs = [
        ("int8", "uint8"),
        ("float16", "int64"),
        ("float16", "bfloat16"),
        ("int32", "float32"),
        ("bool", "int8"),
        ("int16", "int32"),
        ("float32", "float64"),
    ]
    return {
        "standardize": std,
        "result_type": [[a, c, b.result_type(a, c)] for a, c in pairs],
        "result_type_weak": [
            b.result_type("int32", float),
            b.result_type(int, "float16"),
            b.result_type(),
            b.result_type("int8", int),
        ],
    }


def directory_cases():
    import sys
    import tempfile

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "utils"))
    from image_tree import make_image_tree

    root = tempfile.mkdtemp()
    make_image_tree(root)
    out = {}
    for key, kwargs in (
        ("plain", dict(shuffle=False, batch_size=4, image_size=(3, 4))),
        (
            "categorical_crop",
            dict(
                shuffle=False,
                batch_size=None,
                image_size=(4, 4),
                label_mode="categorical",
                crop_to_aspect_ratio=True,
            ),
        ),
        (
            "train",
            dict(seed=3, validation_split=0.34, subset="training", batch_size=2, image_size=(2, 2)),
        ),
        (
            "val",
            dict(
                seed=3, validation_split=0.34, subset="validation", batch_size=2, image_size=(2, 2)
            ),
        ),
    ):
        ds = keras.utils.image_dataset_from_directory(root, **kwargs)
        files = [os.path.relpath(p, root) for p in ds.file_paths]
        if kwargs.get("shuffle", True):
            # tf.data reshuffles batches; the file split is what a seed fixes
            out[key] = {"files": sorted(files), "class_names": ds.class_names}
            continue
        batches = [[x.numpy().round(4).tolist(), y.numpy().tolist()] for x, y in ds]
        out[key] = {"files": files, "class_names": ds.class_names, "batches": batches}
    return out


def split_cases():
    x, y = np.arange(20).reshape(10, 2), np.arange(10) * 10
    rows = lambda ds: [np.asarray(e).tolist() for e in ds]  # noqa: E731
    pairs = lambda ds: [[np.asarray(a).tolist(), np.asarray(b).tolist()] for a, b in ds]  # noqa: E731
    left, right = keras.utils.split_dataset(x, left_size=0.7, shuffle=True, seed=1)
    out = {"array_shuffled": [rows(left), rows(right)]}
    left, right = keras.utils.split_dataset((x, y), left_size=3, right_size=0.5)
    out["tuple"] = [pairs(left), pairs(right)]
    left, right = keras.utils.split_dataset(x, right_size=0.25)
    out["right_only"] = [len(list(left)), len(list(right))]
    return out


def main():
    out = {
        "split": split_cases(),
        "directory": directory_cases(),
        "tree": tree_cases(),
        "timeseries": timeseries_cases(),
        "batch_sizes": batch_size_cases(),
        "serialize": serialize_cases(),
        "dtypes": dtype_cases(),
        "unpack": [
            repr(keras.utils.unpack_x_y_sample_weight(v)) for v in ((1,), [1, 2], 5, (1, 2, 3))
        ],
        "pack": [
            repr(keras.utils.pack_x_y_sample_weight(*a)) for a in ((1,), ([1],), (1, 2), (1, 2, 3))
        ],
        "keras_version": keras.__version__,
    }
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
