"""Goldens for tests/models/test_output_structures.py: a functional model's inputs and
outputs in the structure they were written in, as Keras 3 takes and gives them.

- `compute_output_shape` / `compute_output_spec` return that structure (a dict in the
  user's key order, a tuple, `[shape]` for `Model(x, [y])`, nested lists and dicts) and
  read a dict of input shapes by input name.
- A symbolic call of `Model(x, [y])` returns `[tensor]`.
- Outputs nested in lists and dicts (`Model(x, [y1, {"q": y2, "r": y3}])`,
  `Model(x, {"k": y1, "n": [y2, y3]})`): predict and direct calls return the nesting,
  `outputs` flatten dicts by sorted key, and `compile`, `fit`, `evaluate`,
  `train_on_batch` take losses, loss weights, targets and sample weights in that nesting
  (or flat), logging the nested outputs' losses by path (`1/q_loss`, `n/b_loss`); metrics
  may be nested so too; the model saves and loads compiled.
- Inputs nested in lists and dicts (`Model([a, [b, c]], y)`, `Model({"x": a, "y": [b,
  c]}, y)`) take data in that nesting (or a flat list, with a warning) in predict, calls,
  fit with a validation split, shape rules, configs and saved files.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/output_structures.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_output_structures.py
"""

from __future__ import annotations

import os
import pathlib
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "output_structures.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def _structure(x):
    """Types and shapes of a nested value (shapes, tensors or arrays), keys in order."""
    if isinstance(x, dict):
        return {"dict": [[k, _structure(v)] for k, v in x.items()]}
    if isinstance(x, list) and not all(d is None or isinstance(d, int) for d in x):
        return {"list": [_structure(v) for v in x]}
    if isinstance(x, tuple) and not all(d is None or isinstance(d, int) for d in x):
        return {"tuple": [_structure(v) for v in x]}
    if isinstance(x, (list, tuple)):  # a shape
        return {"shape": list(x)}
    return {type(x).__name__.replace("ArrayImpl", "ndarray"): list(x.shape)}


def _dense(keras, x, name: str, units: int):
    return keras.layers.Dense(units, name=name, kernel_initializer="ones")(x)


def _models(keras):
    x = keras.Input((4,), name="x")
    a, b, c = _dense(keras, x, "a", 2), _dense(keras, x, "b", 3), _dense(keras, x, "c", 1)
    return x, {
        "single": keras.Model(x, a),
        "one_list": keras.Model(x, [a]),
        "one_tuple": keras.Model(x, (a,)),
        "list": keras.Model(x, [a, b]),
        "tuple": keras.Model(x, (a, b)),
        "dict": keras.Model(x, {"z": b, "a": a}),
        "nested_dict": keras.Model(x, [a, {"r": c, "q": b}]),
        "nested_list": keras.Model(x, [a, [b, c]]),
        "dict_nested": keras.Model(x, {"n": [b, c], "k": a}),
    }


@scenario
def shape_rules(keras):
    x, models = _models(keras)
    out = {}
    for name, m in models.items():
        spec = m.compute_output_spec(keras.KerasTensor((None, 4)))
        out[name] = {
            "shape": _structure(m.compute_output_shape((None, 4))),
            "shape_batch": _structure(m.compute_output_shape((7, 4))),
            "spec": _structure(spec),
            "symbolic_call": _structure(m(keras.Input((4,)))),
            "outputs": [list(t.shape) for t in m.outputs],
            "output_names": list(m.output_names),
        }
    return out


@scenario
def shapes_by_input_name(keras):
    L = keras.layers
    x, x2 = keras.Input((4,), name="x"), keras.Input((5,), name="x2")
    by_name = keras.Model({"x": x, "x2": x2}, L.Concatenate()([x, x2]))
    two = keras.Model([x, x2], [L.Dense(2)(x), L.Dense(1)(x2)])
    return [
        _structure(by_name.compute_output_shape({"x": (None, 4), "x2": (None, 5)})),
        _structure(by_name.compute_output_shape({"x2": (3, 5), "x": (3, 4)})),
        _structure(two.compute_output_shape([(None, 4), (None, 5)])),
    ]


@scenario
def nested_outputs_run(keras):
    _, models = _models(keras)
    data = np.arange(8, dtype="float32").reshape(2, 4) / 8
    out = {}
    for name in ("nested_dict", "nested_list", "dict_nested"):
        m = models[name]
        pred = m.predict(data, verbose=0)
        out[name] = {
            "predict": _structure(pred),
            "call": _structure(m(data)),
            "values": [np.asarray(v).tolist() for v in keras.tree.flatten(pred)],
        }
    return out


def _targets():
    return [np.zeros((2, 2)), {"r": np.full((2, 1), 0.5), "q": np.zeros((2, 3))}]


@scenario
def nested_outputs_train(keras):
    _, models = _models(keras)
    data = np.arange(8, dtype="float32").reshape(2, 4) / 8
    m = models["nested_dict"]
    m.compile(
        "sgd",
        loss=["mse", {"r": "mse", "q": "mae"}],
        loss_weights=[1.0, {"r": 2.0, "q": 0.5}],
    )
    history = m.fit(data, _targets(), verbose=0, epochs=2).history
    flat_y = [np.zeros((2, 2)), np.zeros((2, 3)), np.full((2, 1), 0.5)]
    weights = [np.ones(2), {"r": np.array([1.0, 0.0]), "q": np.ones(2)}]
    out = {
        "history": {k: [float(v) for v in vs] for k, vs in sorted(history.items())},
        "evaluate": [float(v) for v in m.evaluate(data, _targets(), verbose=0)],
        "evaluate_flat_y": m.evaluate(data, flat_y, verbose=0, return_dict=True),
        "train_on_batch": m.train_on_batch(data, _targets(), return_dict=True),
        "sample_weight": m.evaluate(
            data, _targets(), sample_weight=weights, verbose=0, return_dict=True
        ),
        "kernels": [np.asarray(w).tolist() for w in m.get_weights()[::2]],
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "nested.keras")
        m.save(path)
        loaded = keras.models.load_model(path)
        out["loaded_predict"] = _structure(loaded.predict(data, verbose=0))
        out["loaded_evaluate"] = loaded.evaluate(data, _targets(), verbose=0, return_dict=True)
    lists = models["nested_list"]
    lists.compile("sgd", loss="mse")
    out["nested_list_fit"] = sorted(
        lists.fit(
            data, [np.zeros((2, 2)), [np.zeros((2, 3)), np.zeros((2, 1))]], verbose=0
        ).history.keys()
    )
    by_key = models["dict_nested"]
    by_key.compile("sgd", loss={"n": ["mae", "mse"], "k": "mse"})
    y = {"n": [np.zeros((2, 3)), np.full((2, 1), 0.5)], "k": np.zeros((2, 2))}
    out["dict_nested_fit"] = by_key.fit(data, y, verbose=0).history
    out["dict_nested_evaluate"] = [float(v) for v in by_key.evaluate(data, y, verbose=0)]
    return out


@scenario
def nested_metrics(keras):
    _, models = _models(keras)
    data = np.arange(8, dtype="float32").reshape(2, 4) / 8
    m = models["nested_dict"]
    out = []
    for spec in ([["mae"], {"q": ["mse"], "r": ["mae"]}], ["mae", {"q": "mse", "r": None}]):
        m.compile("sgd", loss="mse", metrics=spec)
        out.append(m.evaluate(data, _targets(), verbose=0, return_dict=True))
    return out


@scenario
def nested_inputs(keras):
    import warnings

    L = keras.layers
    rng = np.random.default_rng(0)
    x = [rng.random((8, 2)), [rng.random((8, 3)), rng.random((8, 1))]]
    y = rng.random((8, 1))
    out = {}
    for name in ("list", "dict"):
        a, b, c = (keras.Input((n,), name=k) for k, n in (("a", 2), ("b", 3), ("c", 1)))
        h = L.Concatenate()([a, b, c])
        pred = L.Dense(1, kernel_initializer="ones", name="d")(h)
        if name == "list":
            m, data = keras.Model([a, [b, c]], pred), x
            shapes = [(None, 2), [(None, 3), (None, 1)]]
        else:
            m, data = keras.Model({"x": a, "y": [b, c]}, pred), {"x": x[0], "y": x[1]}
            shapes = {"x": (None, 2), "y": [(None, 3), (None, 1)]}
        rec = {
            "inputs": [t.name for t in m.inputs],
            "input_layers": m.get_config()["input_layers"],
            "predict": m.predict(data, verbose=0).tolist(),
            "call": np.asarray(m(data)).tolist(),
            "shape": list(m.compute_output_shape(shapes)),
            "spec": list(
                m.compute_output_spec(
                    keras.tree.map_shape_structure(keras.KerasTensor, shapes)
                ).shape
            ),
        }
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (both warn that the structure differs)
            rec["flat"] = m.predict([x[0], *x[1]], verbose=0).tolist()
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "nested_inputs.keras")
            m.save(path)
            rec["loaded"] = keras.models.load_model(path).predict(data, verbose=0).tolist()
        m.compile("sgd", "mse")
        history = m.fit(data, y, validation_split=0.25, shuffle=False, epochs=2, verbose=0)
        rec["fit"] = history.history
        out[name] = rec
    return out


@scenario
def expanded_summary(keras):
    """A nested model's layers, expanded in a graph's summary: "-" as their connections."""
    L = keras.layers
    p, q = keras.Input((2,), name="p"), keras.Input((3,), name="q")
    a = keras.Input((2,), name="a")
    inner = keras.Model(a, L.Dense(1, name="d")(L.Dense(3, name="d0")(a)), name="inner")
    stack = keras.Sequential([L.Dense(3, name="t1")], name="stack")
    outer = keras.Model([p, q], [inner(p), L.Dense(2, name="e")(q), stack(q)], name="outer")
    lines = []
    outer.summary(expand_nested=True, print_fn=lambda text, **kw: lines.append(text))
    return lines


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()
