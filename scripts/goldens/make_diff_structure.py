"""Goldens for tests/models/test_diff_structure.py: model structure as Keras 3 shows it
(automatic names of layers, models and tensors, variable and layer paths, output
structures, summary text, configs).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values; the test runs the same functions on numkeras and compares.

Run: KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_diff_structure.py
"""

from __future__ import annotations

import json
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
from tests.differential import Scenarios  # noqa: E402

OUT = pathlib.Path(__file__).parents[2] / "tests" / "goldens" / "diff_structure.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def _structure(x):
    """Types and shapes of a nested output, keys in their order."""
    if isinstance(x, dict):
        return {"dict": [[k, _structure(v)] for k, v in x.items()]}
    if isinstance(x, (list, tuple)):
        return {type(x).__name__: [_structure(v) for v in x]}
    return list(x.shape)


def _summary(model, **kwargs) -> list:
    calls = []
    model.summary(print_fn=lambda text, **kw: calls.append(text), **kwargs)
    return calls


@scenario
def automatic_names(keras):
    L = keras.layers
    found = [L.Dense(2).name, L.Dense(3).name, L.BatchNormalization().name, L.LeakyReLU().name]
    found += [keras.Sequential().name, keras.Sequential([L.Dense(1)]).name]
    a, b, c = keras.Input((3,)), keras.Input((3,)), keras.Input((3,), name="foo")
    found += [a.name, b.name, c.name]  # tensors: 'keras_tensor', ...; the named one 'foo'
    found += [a._keras_history[0].name if hasattr(a, "_keras_history") else a.node.layer.name]
    m = keras.Model(a, L.Dense(1)(a))
    found += [m.name, m.output.name, [la.name for la in m.layers]]
    return found


@scenario
def sequential_input_names(keras):
    L = keras.layers
    out = []
    for model in (
        keras.Sequential([keras.Input((4,)), L.Dense(2)]),
        keras.Sequential([L.InputLayer(shape=(4,)), L.Dense(2)]),
    ):
        out.append([[la.name for la in model.layers], model.inputs[0].name, model.outputs[0].name])
    model = keras.Sequential([L.Dense(2)])
    model.build((None, 4))
    out.append([[la.name for la in model.layers], model.inputs[0].name])
    return out


@scenario
def variable_paths_sequential(keras):
    L = keras.layers
    m = keras.Sequential(
        [keras.Input((4,)), L.Dense(2), L.BatchNormalization(), L.Dense(1, name="out")]
    )
    return [
        [(v.name, v.path, list(v.shape), bool(v.trainable)) for v in m.weights],
        [v.path for v in m.trainable_weights],
        [v.path for v in m.non_trainable_weights],
        [la.path for la in m.layers],
    ]


@scenario
def variable_paths_nested_and_functional(keras):
    L = keras.layers
    inner = keras.Sequential([keras.Input((4,)), L.Dense(3)], name="inner")
    x = keras.Input((4,))
    y = L.Dense(1)(inner(x))
    m = keras.Model(x, y, name="outer")
    deferred = keras.Sequential([L.Dense(3), keras.Sequential([L.Dense(2)], name="sub")])
    deferred(np.ones((2, 5), "float32"))
    unbuilt = L.Dense(2)
    return [
        [v.path for v in m.weights],
        [la.path for la in m.layers],
        [v.path for v in deferred.weights],
        unbuilt.path,
    ]


@scenario
def variable_paths_subclassed(keras):
    L = keras.layers

    class Block(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.d = L.Dense(3)

        def call(self, x):
            return self.d(x)

    class Net(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.block = Block()
            self.head = L.Dense(1)

        def call(self, x):
            return self.head(self.block(x))

    net = Net()
    before = [net.built, len(net.weights), [la.name for la in net.layers]]
    net(np.ones((2, 4), "float32"))
    block = Block(name="solo")
    block(np.ones((2, 4), "float32"))
    return before + [
        [v.path for v in net.weights],
        net.count_params(),
        [v.path for v in block.weights],
        block.d.path,
    ]


@scenario
def output_structures(keras):
    L = keras.layers
    x = keras.Input((3,))
    data = np.ones((2, 3), "float32")
    as_tuple = keras.Model(x, (L.Dense(2)(x), L.Dense(1)(x)))
    as_list1 = keras.Model([x], [L.Dense(2)(x)])
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    h = L.Concatenate()([b, a])
    as_dict = keras.Model({"b": b, "a": a}, {"z": L.Dense(1, name="zz")(h), "y": L.Dense(2)(h)})
    feed = {"a": data, "b": np.ones((2, 2), "float32")}
    return [
        _structure(as_tuple(data)),
        _structure(as_tuple.predict(data, verbose=0)),
        _structure(as_list1(data)),
        _structure(as_list1.predict(data, verbose=0)),
        _structure(as_dict(feed)),
        _structure(as_dict.predict(feed, verbose=0)),
        [t.name for t in as_dict.inputs],
    ]


@scenario
def output_structures_of_copies(keras):
    """A model built on a tuple of outputs: its clone and its in-memory from_config copy
    keep the tuple; a .keras file or JSON (lists only) gives a list."""
    import os
    import tempfile

    L = keras.layers
    x = keras.Input((3,))
    model = keras.Model(x, (L.Dense(2)(x), L.Dense(1)(x)))
    data = np.ones((2, 3), "float32")
    copies = [
        keras.models.clone_model(model),
        keras.Model.from_config(model.get_config()),
        keras.models.model_from_json(model.to_json()),
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "m.keras")
        model.save(path)
        copies.append(keras.saving.load_model(path))
    return [[_structure(c(data)), _structure(c.predict(data, verbose=0))] for c in copies]


@scenario
def get_layer_errors(keras):
    L = keras.layers
    m = keras.Sequential([keras.Input((3,)), L.Dense(2, name="d1"), L.Dense(1, name="d2")])
    out = [m.get_layer("d2").name, m.get_layer(index=-1).name]
    for kwargs in ({"name": "nope"}, {"index": 5}, {"index": "1"}):
        try:
            m.get_layer(**kwargs)
            out.append("no error")
        except (TypeError, ValueError) as e:
            out.append("TypeError" if isinstance(e, TypeError) else "ValueError")
    return out


@scenario
def summary_sequential(keras):
    L = keras.layers
    m = keras.Sequential(
        [keras.Input((8,)), L.Dense(4), L.BatchNormalization(), L.Dropout(0.1), L.Dense(1)],
        name="s",
    )
    first = _summary(m)
    m.layers[0].trainable = False
    return [first, _summary(m, show_trainable=True), _summary(m, line_length=80)]


@scenario
def summary_unbuilt_and_subclassed(keras):
    L = keras.layers

    class Net(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.d1, self.d2 = L.Dense(4), L.Dense(1)

        def call(self, x):
            return self.d2(self.d1(x))

    net = Net(name="net")
    before = _summary(net)
    net(np.ones((2, 3), "float32"))
    return [_summary(keras.Sequential([L.Dense(4), L.Dense(1)])), before, _summary(net)]


@scenario
def summary_functional(keras):
    L = keras.layers
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    h = L.Concatenate()([a, b])
    multi = keras.Model([a, b], [L.Dense(1, name="o1")(h), L.Dense(2, name="o2")(h)])
    shared = L.Dense(2, name="shared")
    c, d = keras.Input((3,)), keras.Input((3,))
    siamese = keras.Model([c, d], L.Add()([shared(c), shared(d)]))
    inner = keras.Sequential(
        [keras.Input((4,)), L.Dense(3, name="in_d"), L.Dense(2, name="in_e")], name="inner"
    )
    x = keras.Input((4,))
    outer = keras.Model(x, L.Dense(1)(inner(x)), name="outer")
    return [
        _summary(multi),
        _summary(multi, show_trainable=True),
        _summary(siamese),
        _summary(outer),
        _summary(outer, expand_nested=True),
    ]


def _config(model):
    return json.loads(json.dumps(model.get_config()))


@scenario
def functional_configs(keras):
    L = keras.layers
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    h = L.Concatenate(name="cat")([a, b])
    o1, o2 = L.Dense(1, name="o1")(h), L.Dense(2, name="o2")(h)
    as_dict = keras.Model({"b": b, "a": a}, {"y": o2, "x": o1}, name="d")
    x = keras.Input((4,), name="x")
    inner = keras.Sequential([keras.Input((4,)), L.Dense(3, name="in_d")], name="inner")
    nested = keras.Model(x, L.Dense(1, name="head")(inner(x)), name="outer")
    one_list = keras.Model([x], [L.Dense(1, name="solo")(x)], name="one")
    as_tuple = keras.Model((a, b), (L.Dense(1, name="t1")(a), L.Dense(1, name="t2")(b)))
    out = []
    for model in (keras.Model([a, b], [o1, o2], name="fm"), as_dict, nested, one_list):
        config = model.get_config()
        out.append([config["input_layers"], config["output_layers"]])
        back = keras.Model.from_config(config)
        out.append([type(back.input).__name__, type(back.output).__name__, back.name])
    out.append(_config(nested)["layers"][1])  # a nested Sequential, keys in Keras's order
    out.append(list(_config(nested)["layers"][1]))
    config = as_tuple.get_config()
    out.append([type(config["input_layers"]).__name__, type(config["output_layers"]).__name__])
    return out


@scenario
def functional_type_and_names(keras):
    L = keras.layers
    x = keras.Input((3,))
    f = keras.Model(x, L.Dense(2)(x), name="enc")
    seq = keras.Sequential([keras.Input((3,)), f])
    later = keras.Model(x, L.Dense(1)(x))
    grown = keras.Sequential()
    grown.add(keras.Input((3,)))
    grown.add(L.Dense(2))
    grown.add(L.Dense(2))
    grown.pop()
    again = keras.models.model_from_json(later.to_json())
    return [
        type(f).__name__,
        isinstance(f, keras.Model),
        later.name,
        keras.Model(x, L.Dense(1)(x)).name,
        type(again).__name__,
        again.name,
        _summary(seq),
    ]


@scenario
def symbolic_call_structures(keras):
    L = keras.layers
    a = keras.Input((3,))
    pair = keras.Model(a, (L.Dense(2)(a), L.Dense(1)(a)))
    named = keras.Model(a, {"q": L.Dense(1)(a), "p": L.Dense(2)(a)})
    out_pair = pair(keras.Input((3,)))
    out_named = named(keras.Input((3,)))
    return [
        type(out_pair).__name__,
        [list(t.shape) for t in out_pair],
        type(out_named).__name__,
        [[k, list(t.shape)] for k, t in out_named.items()],
    ]


@scenario
def sequential_build_rules(keras):
    L = keras.layers
    out = []
    model = keras.Sequential([keras.Input((4,)), L.Dense(2)])
    try:
        model.build((None, 5))
        out.append("built")
    except ValueError:
        out.append("ValueError")
    model = keras.Sequential([L.Dense(2)])
    out.append([model.built, len(model.weights)])
    model.build((None, 3))
    out.append([model.built, model.input_shape, model.output_shape, model.count_params()])
    try:
        keras.Sequential().build((None, 5))
        out.append("built")
    except ValueError:
        out.append("ValueError")
    first = keras.Sequential([keras.Input((5,)), L.Dense(3)])
    stacked = keras.Sequential([first, L.Dense(1)])  # takes the first model's input shape
    out.append([stacked.built, [la.name for la in stacked.layers], stacked.input_shape])
    return out


@scenario
def automatic_configs(keras):
    """A user's layer without get_config: Keras 3's automatic config (its arguments)."""

    class Scale(keras.layers.Layer):
        def __init__(self, k=2, mode="a", **kwargs):
            super().__init__(**kwargs)
            self.k = k

        def call(self, x):
            return x * self.k

    class Named(keras.layers.Layer):
        def __init__(self, k=2, name=None):
            super().__init__(name=name)
            self.k = k

        def call(self, x):
            return x

    class Held(keras.layers.Layer):
        def __init__(self, inner=None, **kwargs):
            super().__init__(**kwargs)
            self.inner = inner

        def call(self, x):
            return x

    # (a layer given a non-plain argument: Keras's get_config raises NotImplementedError;
    # numkeras writes name / trainable / dtype instead, so it is not compared here)
    model = keras.Sequential([keras.Input((2,)), Scale(k=3)])
    back = keras.Sequential.from_config(model.get_config(), custom_objects={"Scale": Scale})
    return [
        Scale(k=3).get_config(),
        Scale(5, name="zz").get_config(),
        Scale(k=3, dtype="float32", trainable=False).get_config(),
        Named(k=4).get_config(),
        Held(inner=[1, 2]).get_config(),
        [back.layers[0].k, type(back.layers[0]).__name__],
    ]


def main():
    import keras

    results = {}
    for name, fn in SCENARIOS.items():
        keras.utils.clear_session()
        results[name] = json.loads(json.dumps(fn(keras)))
    OUT.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
