"""Goldens for `keras.StatelessScope` / `keras.SymbolicScope`, the legacy (Keras 2 format)
`serialize_keras_object` / `deserialize_keras_object` of `keras.legacy.saving` and
`keras.utils.legacy`, and `keras.utils.bounding_boxes`.

- StatelessScope: reads of mapped variables see the mapped values, `assign` inside records
  the value (`get_current_value`) and leaves the variable as it was, BatchNormalization's
  and an optimizer's and a metric's updates are recorded, not applied, `collect_losses`
  collects `add_loss` values, nesting, the constructor's checks.
- legacy serialization: `{"class_name", "config"}` around the object's `get_config()`,
  nested objects marked `__passive_serialization__`, functions by name; deserializing with
  `module_objects` / `custom_objects` / the registry, and its errors.
- bounding boxes: every format pair of `convert_format`, batched and unbatched boxes and
  dict inputs, IoU / CIoU, clipping, affine transforms, crop, pad, box deltas, and the
  exceptions of bad arguments.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the
tests) returning JSON-able values; arrays as {"dtype", "shape", "values"}, exceptions as
the built-in class raised. Run with Keras 3 and JAX (writes
tests/goldens/scopes_legacy_boxes.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_scopes_legacy_boxes.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "scopes_legacy_boxes.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def arr(x, dtype: bool = True):
    """An array as JSON: its dtype, shape and values (None stays None)."""
    if x is None:
        return None
    a = np.asarray(x)
    out = {"shape": list(a.shape), "values": a.tolist()}
    if dtype:
        out["dtype"] = str(a.dtype)
    return out


def num(x):
    return float(np.asarray(x))


def dense(K, units=2, in_dim=3, **kwargs):
    layer = K.layers.Dense(units, **kwargs)
    layer.build((None, in_dim))
    rng = np.random.default_rng(0)
    layer.set_weights([rng.normal(size=w.shape).astype("float32") for w in layer.get_weights()])
    return layer


X = np.arange(6, dtype="float32").reshape(2, 3) / 5


# -- StatelessScope ----------------------------------------------------------------------
@scenario
def scope_mapping_reads(K):
    layer = dense(K)
    before = layer(X)
    mapping = [(layer.kernel, np.ones((3, 2))), (layer.bias, np.full(2, 0.5))]
    with K.StatelessScope(state_mapping=mapping) as scope:
        inside = layer(X)
        kernel_inside = np.array(layer.kernel.value)  # (a copy: numkeras's value is the storage)
        numpy_inside = layer.kernel.numpy()
    return {
        "before": arr(before),
        "inside": arr(inside),
        "after": arr(layer(X)),
        "kernel_inside": arr(kernel_inside),
        "numpy_inside": arr(numpy_inside),
        "current_kernel": arr(scope.get_current_value(layer.kernel)),
        "unchanged": bool(np.allclose(layer(X), before)),
    }


@scenario
def scope_assign_is_recorded(K):
    v = K.Variable(np.array([1.0, 2.0, 3.0], "float32"))
    other = K.Variable(np.zeros(2, "float32"))
    with K.StatelessScope() as scope:
        before = scope.get_current_value(v)
        v.assign([4.0, 5.0, 6.0])
        read = v.numpy()
        plus = np.asarray(v + 1.0)
        v.assign_add(np.ones(3))
        v.assign_sub(np.full(3, 0.5))
        inside = scope.get_current_value(v)
    return {
        "before": before is None,
        "read": arr(read),
        "plus": arr(plus),
        "inside": arr(inside),
        "after_exit": arr(scope.get_current_value(v)),
        "variable": arr(v.numpy()),
        "other": scope.get_current_value(other) is None,
    }


@scenario
def scope_mapping_values(K):
    v = K.Variable(np.zeros((2,), "float32"))
    i = K.Variable(np.zeros((2,), "int32"))
    w = K.Variable(np.array([7.0, 8.0], "float32"))
    with K.StatelessScope([(v, [1, 2]), (i, np.array([1.7, 2.2])), (w, w)]) as scope:
        pass
    return {
        "int_list_to_float": arr(scope.get_current_value(v)),
        "float_to_int": arr(scope.get_current_value(i)),
        "variable_value": arr(scope.get_current_value(w)),
        "attrs": [scope.collect_losses, scope.initialize_variables, list(scope.losses)],
        "mapping_size": len(scope.state_mapping),
    }


@scenario
def scope_constructor_errors(K):
    v = K.Variable(np.zeros((2,), "float32"))
    return {
        "not_a_variable": builtin_error(lambda: K.StatelessScope([(np.zeros(2), np.ones(2))])),
        "wrong_shape": builtin_error(lambda: K.StatelessScope([(v, np.ones(3))])),
        "assign_wrong_shape": builtin_error(lambda: _assign_in_scope(K, v, np.ones(3))),
    }


def _assign_in_scope(K, v, value):
    with K.StatelessScope():
        v.assign(value)


@scenario
def scope_batch_norm_updates(K):
    bn = K.layers.BatchNormalization(momentum=0.5)
    bn.build((None, 3))
    x = np.array([[1.0, 2.0, 3.0], [3.0, 6.0, 9.0]], "float32")
    with K.StatelessScope() as scope:
        out = bn(x, training=True)
        mean_inside = bn.moving_mean.numpy()
    return {
        "out": arr(out),
        "mean_inside": arr(mean_inside),
        "recorded_mean": arr(scope.get_current_value(bn.moving_mean)),
        "recorded_var": arr(scope.get_current_value(bn.moving_variance)),
        "gamma": scope.get_current_value(bn.gamma) is None,
        "moving_mean_after": arr(bn.moving_mean.numpy()),
        "moving_var_after": arr(bn.moving_variance.numpy()),
    }


@scenario
def scope_optimizer_apply(K):
    v = K.Variable(np.array([1.0, 2.0], "float32"))
    opt = K.optimizers.SGD(0.1, momentum=0.5)
    opt.build([v])
    state = list(opt.variables)  # (the state a JAX-style loop maps)
    with K.StatelessScope() as scope:
        opt.apply([np.array([1.0, -1.0], "float32")], [v])
        inside = v.numpy()
    return {
        "inside": arr(inside),
        "recorded": arr(scope.get_current_value(v)),
        "variable": arr(v.numpy()),
        "iterations": int(np.asarray(opt.iterations.numpy())),
        "recorded_iterations": int(np.asarray(scope.get_current_value(opt.variables[0]))),
        "slots": [arr(scope.get_current_value(v)) for v in state[1:]],
        "slots_after": [arr(v.numpy()) for v in state[1:]],
    }


@scenario
def scope_metric_update(K):
    m = K.metrics.Mean()
    m.update_state([1.0, 3.0])
    with K.StatelessScope() as scope:
        m.update_state([10.0])
        inside = num(m.result())
    return {
        "inside": inside,
        "after": num(m.result()),
        "recorded": [num(scope.get_current_value(v)) for v in m.variables],
    }


@scenario
def scope_metric_mapping(K):
    m = K.metrics.Mean()
    mapping = [(m.variables[0], 6.0), (m.variables[1], 2.0)]
    with K.StatelessScope(state_mapping=mapping):
        result = num(m.result())
    return {"result": result, "after": num(m.result())}


@scenario
def metric_stateless_methods(K):
    """A JAX-style loop's metric state: the values in, the new values out."""
    m = K.metrics.Mean()
    state = [np.zeros((), "float32"), np.zeros((), "float32")]
    state = m.stateless_update_state(state, np.array([1.0, 3.0]))
    state = m.stateless_update_state(state, np.array([5.0]), sample_weight=np.array([2.0]))
    acc = K.metrics.SparseCategoricalAccuracy()
    acc_state = acc.stateless_update_state(
        [np.zeros(()), np.zeros(())], np.array([1, 0]), np.array([[0.2, 0.8], [0.9, 0.1]])
    )
    return {
        "state": [num(v) for v in state],
        "result": num(m.stateless_result(state)),
        "own": [num(m.result())] + [num(v) for v in m.variables],
        "reset": [num(v) for v in m.stateless_reset_state()],
        "accuracy": [num(v) for v in acc_state] + [num(acc.stateless_result(acc_state))],
        "wrong_length": builtin_error(lambda: m.stateless_update_state([1.0], [1.0])),
        "wrong_length_result": builtin_error(lambda: m.stateless_result([])),
    }


@scenario
def scope_collect_losses(K):
    class Penalized(K.layers.Layer):
        def call(self, x):
            self.add_loss(K.ops.sum(x) * 0.5)
            return x * 2.0

    layer = Penalized()
    with K.StatelessScope(collect_losses=True) as scope:
        layer(X)
        inside = [num(v) for v in layer.losses]
        collected = [num(v) for v in scope.losses]
    after = [num(v) for v in layer.losses]
    with K.StatelessScope() as quiet:
        layer(X)
        quiet_inside = [num(v) for v in layer.losses]
    return {
        "inside": inside,
        "collected": collected,
        "after": after,
        "quiet_inside": quiet_inside,
        "quiet_collected": len(quiet.losses),
        "quiet_after": [num(v) for v in layer.losses],
    }


@scenario
def scope_model_losses(K):
    """A functional model's `add_loss` and activity penalties, and a subclassed model's,
    collected by the scope (or dropped), not the model's own after it."""

    class Penalized(K.layers.Layer):
        def call(self, x):
            self.add_loss(K.ops.sum(x) * 0.5)
            return x * 2.0

    inp = K.Input((3,))
    h = Penalized()(inp)
    dense = K.layers.Dense(
        2, kernel_initializer="ones", activity_regularizer=K.regularizers.L1(0.1)
    )
    model = K.Model(inp, dense(h))
    x = np.ones((2, 3), "float32")

    def values(losses):
        return [num(v) for v in losses]

    model(x)
    out = {"plain": values(model.losses)}
    for collect in (True, False):
        with K.StatelessScope(collect_losses=collect) as scope:
            model(x)
            out[f"inside_{collect}"] = values(model.losses)
            out[f"scope_{collect}"] = values(scope.losses)
            out[f"layer_{collect}"] = values(model.layers[1].losses)
        out[f"after_{collect}"] = values(model.losses)

    class Sub(K.Model):
        def __init__(self):
            super().__init__()
            self.p = Penalized()

        def call(self, x):
            return self.p(x)

    sub = Sub()
    sub(x)
    with K.StatelessScope(collect_losses=True) as scope:
        sub(x)
        out["sub_inside"] = [values(sub.losses), values(scope.losses)]
    out["sub_after"] = values(sub.losses)
    return out


@scenario
def scope_regularizer_sees_mapping(K):
    layer = dense(K, kernel_regularizer=K.regularizers.L2(0.5))
    mapping = [(layer.kernel, np.ones((3, 2))), (layer.bias, np.zeros(2))]
    with K.StatelessScope(state_mapping=mapping):
        inside = [num(v) for v in layer.losses]
    return {"inside": inside, "after": [round(num(v), 4) for v in layer.losses]}


@scenario
def scope_nested(K):
    v = K.Variable(np.array([1.0, 1.0], "float32"))
    with K.StatelessScope([(v, np.array([10.0, 10.0]))]) as outer:
        outer_read = v.numpy()
        with K.StatelessScope() as inner:
            inner_read = v.numpy()
            v.assign([5.0, 5.0])
            inner_after_assign = v.numpy()
        back_in_outer = v.numpy()
    return {
        "outer_read": arr(outer_read),
        "inner_read": arr(inner_read),
        "inner_after_assign": arr(inner_after_assign),
        "back_in_outer": arr(back_in_outer),
        "inner_recorded": arr(inner.get_current_value(v)),
        "outer_recorded": arr(outer.get_current_value(v)),
        "variable": arr(v.numpy()),
    }


@scenario
def scope_edge_cases(K):
    v = K.Variable(np.array([1.0, 2.0], "float32"))
    i = K.Variable(np.array([1, 2], "int32"))
    out = {}
    with K.StatelessScope() as scope:
        v.assign([3, 4])
        i.assign_add([1, 1])
        out["int_inside"] = arr(i.numpy())
    out["assigned"] = [arr(scope.get_current_value(v)), arr(scope.get_current_value(i))]
    with K.StatelessScope([(v, [9.0, 9.0])]) as outer:
        with K.StatelessScope([(v, [7.0, 7.0])]) as inner:
            out["inner_mapped"] = arr(v.numpy())
        out["outer_again"] = arr(v.numpy())
    out["nested_recorded"] = [arr(outer.get_current_value(v)), arr(inner.get_current_value(v))]
    again = K.StatelessScope([(v, [5.0, 5.0])])
    out["before_entering"] = arr(again.get_current_value(v))
    with again:
        pass
    with again:
        out["reentered"] = arr(v.numpy())
    layer = K.layers.Dense(2, kernel_initializer="ones")
    layer.build((None, 2))
    with K.StatelessScope() as scope:
        call, _ = layer.stateless_call([np.zeros((2, 2)), np.zeros(2)], [], np.ones((1, 2)))
    out["stateless_call_inside"] = [arr(call), scope.get_current_value(layer.kernel) is None]
    m = K.metrics.Sum()
    with K.StatelessScope() as scope:
        m.update_state(3.0)
        updated = num(m.result())
        m.reset_state()
    out["metric_reset"] = [updated, num(m.result()), num(scope.get_current_value(m.variables[0]))]
    out["variables"] = [arr(v.numpy()), arr(i.numpy())]
    return out


@scenario
def scope_build_inside(K):
    layer = K.layers.Dense(2)
    with K.StatelessScope():
        out = layer(X)
    return {
        "out_shape": list(np.asarray(out).shape),
        "weights": [list(w.shape) for w in layer.get_weights()],
        "built": layer.built,
    }


@scenario
def scope_jax_style_loop(K):
    """A JAX-style step: stateless_call on given values, then the updated values handed
    back with a scope, the model's own values left alone."""
    layer = dense(K)
    kernel, bias = [np.asarray(v) for v in layer.get_weights()]
    trainable = [np.ones((3, 2), "float32"), np.zeros(2, "float32")]
    out, non_trainable = layer.stateless_call(trainable, [], X)
    mapping = list(zip(layer.trainable_variables, trainable))
    with K.StatelessScope(state_mapping=mapping) as scope:
        for v in layer.trainable_variables:
            v.assign(v - 0.1)
    new = [arr(scope.get_current_value(v)) for v in layer.trainable_variables]
    return {
        "out": arr(out),
        "non_trainable": len(non_trainable),
        "new": new,
        "own_kept": bool(np.allclose(layer.kernel.numpy(), kernel))
        and bool(np.allclose(layer.bias.numpy(), bias)),
    }


@scenario
def scope_trained_model(K):
    """The docstring's use: a (trained) model's weights mapped, its outputs read inside."""
    inp = K.Input((3,))
    model = K.Model(inp, K.layers.Dense(2)(K.layers.Dense(4, activation="relu")(inp)))
    rng = np.random.default_rng(1)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    model.compile(K.optimizers.SGD(0.01), "mse")
    model.fit(X, np.ones((2, 2), "float32"), epochs=1, verbose=0)
    before = np.asarray(model(X))
    mapping = [(w, np.full(w.shape, 0.5, "float32")) for w in model.weights]
    with K.StatelessScope(state_mapping=mapping) as scope:
        inside = model(X)
        model.layers[1].kernel.assign(np.zeros((3, 4), "float32"))
        zeroed = model(X)
    return {
        "inside": arr(inside),
        "zeroed": arr(zeroed),
        "after_same": bool(np.allclose(np.asarray(model(X)), before)),
        "recorded": [arr(scope.get_current_value(w)) for w in model.weights[:2]],
    }


@scenario
def symbolic_scope(K):
    layer = dense(K)
    with K.SymbolicScope() as scope:
        out = layer(X)
        with K.SymbolicScope() as inner:
            same = inner is not scope
    return {
        "type": type(scope).__name__,
        "returns_self": isinstance(scope, K.SymbolicScope),
        "nested": same,
        "out": arr(out),
    }


@scenario
def remat_scope(K):
    layer = dense(K)
    with K.RematScope(mode="larger_than", output_size_threshold=8) as scope:
        out = layer(X)
        with K.RematScope(mode=None, layer_names=["a"]) as inner:
            pass
    wrapped = K.remat(lambda x: x * 3.0)
    return {
        "attrs": [scope.mode, scope.output_size_threshold, scope.layer_names],
        "inner": [inner.mode, inner.output_size_threshold, inner.layer_names],
        "defaults": [K.RematScope().mode, K.RematScope().output_size_threshold],
        "out": arr(out),
        "remat": arr(wrapped(np.ones(2, "float32"))),
        "remat_layer": arr(K.remat(layer)(X)),
        "bad_mode": builtin_error(lambda: K.RematScope(mode="some")),
    }


# -- legacy serialization ----------------------------------------------------------------
def _legacy(K, where):
    return K.legacy.saving if where == "legacy" else K.utils.legacy


def _plain_floats(x):
    """JSON values with floats rounded (float32 values written as Python floats)."""
    if isinstance(x, dict):
        return {k: _plain_floats(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain_floats(v) for v in x]
    if isinstance(x, float):
        return round(x, 6)
    return x


@scenario
def legacy_serialize_builtins(K):
    s = K.legacy.saving.serialize_keras_object
    return _plain_floats(
        {
            "dense": s(K.layers.Dense(3, activation="relu", kernel_regularizer="l2", name="d")),
            "sgd": s(K.optimizers.SGD(0.25, momentum=0.5)),
            "mse": s(K.losses.MeanSquaredError()),
            "relu": s(K.activations.relu),
            "glorot": s(K.initializers.GlorotUniform(seed=3)),
            "l1l2": s(K.regularizers.L1L2(0.5, 0.25)),
            "maxnorm": s(K.constraints.MaxNorm(2.0)),
            "none": s(None),
            "int": builtin_error(lambda: s(3)),
            "list": builtin_error(lambda: s([1, 2])),
            "same_function": K.utils.legacy.serialize_keras_object
            is K.legacy.saving.serialize_keras_object,
        }
    )


@scenario
def legacy_serialize_models(K):
    s = K.legacy.saving.serialize_keras_object
    model = K.Sequential([K.Input((4, 3)), K.layers.TimeDistributed(K.layers.Dense(2))], name="m")
    config = s(model)
    layer = config["config"]["layers"][1]
    return _plain_floats(
        {
            "keys": sorted(config),
            "class_name": config["class_name"],
            "config_keys": sorted(config["config"]),
            "time_distributed": layer,
            "bidirectional": s(K.layers.Bidirectional(K.layers.LSTM(2), name="bi"))["config"][
                "layer"
            ],
        }
    )


def _custom_classes(K):
    class Holder:
        def __init__(self, init=None, scale=1.0, fn=None, tag="t", name="holder"):
            self.init, self.scale, self.fn, self.tag, self.name = init, scale, fn, tag, name

        def get_config(self):
            return {
                "init": self.init,
                "scale": self.scale,
                "fn": self.fn,
                "tag": self.tag,
                "name": self.name,
                "nested": {"a": 1},
                "items": [1, 2],
            }

        @classmethod
        def from_config(cls, config):
            config = dict(config)
            config.pop("nested")
            config.pop("items")
            return cls(**config)

    def triple(x):
        return 3 * x

    return Holder, triple


@scenario
def legacy_serialize_nested(K):
    Holder, triple = _custom_classes(K)
    s = K.legacy.saving.serialize_keras_object
    config = s(Holder(K.initializers.Constant(2.0), 0.5, triple))
    return _plain_floats(config)


@scenario
def legacy_roundtrip_custom(K):
    Holder, triple = _custom_classes(K)
    L = K.legacy.saving
    config = L.serialize_keras_object(Holder(K.initializers.Constant(2.0), 0.5, triple))
    custom = {"Holder": Holder, "triple": triple, "Constant": K.initializers.Constant}
    back = L.deserialize_keras_object(config, custom_objects=custom)
    by_module = K.utils.legacy.deserialize_keras_object(
        L.serialize_keras_object(Holder(tag="m")), module_objects={"Holder": Holder}
    )
    return {
        "type": type(back).__name__,
        "init": type(back.init).__name__,
        "init_value": float(back.init.value),
        "fn_is_triple": back.fn is triple,
        "scale": back.scale,
        "tag": back.tag,
        "by_module": by_module.tag,
    }


@scenario
def legacy_deserialize_builtins(K):
    L = K.legacy.saving
    dense_config = L.serialize_keras_object(K.layers.Dense(3, activation="relu", name="d"))
    layer = L.deserialize_keras_object(dense_config, module_objects={"Dense": K.layers.Dense})
    sgd = L.deserialize_keras_object(
        L.serialize_keras_object(K.optimizers.SGD(0.25)),
        custom_objects={"SGD": K.optimizers.SGD},
    )
    return {
        "dense": [type(layer).__name__, layer.units, layer.name, layer.activation.__name__],
        "sgd": [type(sgd).__name__, round(float(np.asarray(sgd.learning_rate)), 6)],
        "none": L.deserialize_keras_object(None),
    }


@scenario
def legacy_deserialize_identifiers(K):
    L = K.legacy.saving

    def fn(x):
        return x

    class Thing:
        made = 0

        def __init__(self):
            Thing.made += 1

    return {
        "function_as_is": L.deserialize_keras_object(fn) is fn,
        "string_custom_function": L.deserialize_keras_object("fn", custom_objects={"fn": fn}) is fn,
        "string_custom_class": type(
            L.deserialize_keras_object("Thing", custom_objects={"Thing": Thing})
        ).__name__,
        "int": builtin_error(lambda: L.deserialize_keras_object(3)),
        "unknown_class": builtin_error(
            lambda: L.deserialize_keras_object({"class_name": "Nope", "config": {}})
        ),
        "no_config_key": builtin_error(lambda: L.deserialize_keras_object({"class_name": "X"})),
    }


@scenario
def legacy_registered_class(K):
    @K.saving.register_keras_serializable(package="ScopesLegacy")
    class Registered:
        def __init__(self, k=1):
            self.k = k

        def get_config(self):
            return {"k": self.k}

        @classmethod
        def from_config(cls, config):
            return cls(**config)

    L = K.legacy.saving
    config = L.serialize_keras_object(Registered(5))
    back = L.deserialize_keras_object(config)
    return {"config": config, "back": [type(back).__name__, back.k]}


@scenario
def legacy_get_config_not_implemented(K):
    class NoConfig:
        def get_config(self):
            raise NotImplementedError("no config")

    return builtin_error(lambda: K.legacy.saving.serialize_keras_object(NoConfig()))


# -- bounding boxes ----------------------------------------------------------------------
FORMATS = (
    "xyxy",
    "yxyx",
    "xywh",
    "center_xywh",
    "center_yxhw",
    "rel_xyxy",
    "rel_yxyx",
    "rel_xywh",
    "rel_center_xywh",
)
BOXES = np.array([[10.0, 20.0, 50.0, 80.0], [0.0, 5.0, 30.0, 25.0]], "float32")
REL = np.array([[0.1, 0.2, 0.5, 0.8], [0.0, 0.05, 0.3, 0.25]], "float32")
BATCHED = np.stack([BOXES, BOXES[::-1] + 3.0])


def _boxes_for(fmt):
    return REL if fmt.startswith("rel_") else BOXES


@scenario
def boxes_convert_all_pairs(K):
    bb = K.utils.bounding_boxes
    out = {}
    for source in FORMATS:
        for target in FORMATS:
            got = bb.convert_format(_boxes_for(source), source, target, height=100, width=200)
            out[f"{source}>{target}"] = np.round(np.asarray(got, "float64"), 4).tolist()
    return out


@scenario
def boxes_convert_details(K):
    bb = K.utils.bounding_boxes
    ints = np.array([[10, 20, 30, 40]], "int32")
    d = {"boxes": BATCHED.copy(), "labels": np.array([[1, 2], [3, 4]], "int32")}
    result = bb.convert_format(d, "xyxy", "center_xywh")
    return {
        "batched": arr(bb.convert_format(BATCHED, "xyxy", "xywh")),
        "upper": arr(bb.convert_format(BOXES, "XYXY", "Center_YXHW")),
        "ints": arr(bb.convert_format(ints, "xyxy", "xywh")),
        "same": arr(bb.convert_format(ints, "xyxy", "xyxy")),
        "float16": arr(bb.convert_format(BOXES, "xyxy", "yxyx", dtype="float16")),
        "dict_same_object": result is d,
        "dict_boxes": arr(result["boxes"]),
        "dict_labels": arr(result["labels"], dtype=False),
        "dict_keys": sorted(result),
        "rel_rel": arr(bb.convert_format(REL, "rel_xyxy", "rel_xywh", height=10, width=20)),
        "rel_rel_no_size": builtin_error(lambda: bb.convert_format(REL, "rel_xyxy", "rel_xywh")),
        "no_size": builtin_error(lambda: bb.convert_format(BOXES, "xyxy", "rel_xyxy")),
        "no_width": builtin_error(lambda: bb.convert_format(BOXES, "xyxy", "rel_xyxy", 10)),
        "bad_format": builtin_error(lambda: bb.convert_format(BOXES, "xyxy", "corners")),
        "bad_last_dim": builtin_error(lambda: bb.convert_format(BOXES[:, :3], "xyxy", "xywh")),
    }


A = np.array([[0.0, 0.0, 10.0, 10.0], [5.0, 5.0, 15.0, 15.0], [-1.0, -2.0, -1.0, -3.0]], "f4")
B = np.array([[0.0, 0.0, 10.0, 10.0], [20.0, 20.0, 30.0, 40.0]], "float32")


@scenario
def boxes_iou(K):
    bb = K.utils.bounding_boxes
    batched_a = np.stack([A, A + 2.0])
    batched_b = np.stack([B, B * 0.5])
    out = {}
    for fmt in ("xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw"):
        out[fmt] = arr(bb.compute_iou(A, B, fmt))
    out["batched_both"] = arr(bb.compute_iou(batched_a, batched_b, "xyxy"))
    out["batched_first"] = arr(bb.compute_iou(batched_a, B, "xyxy"))
    out["batched_second"] = arr(bb.compute_iou(A, batched_b, "xyxy"))
    out["masked"] = arr(bb.compute_iou(A, B, "xyxy", use_masking=True))
    out["masked_val"] = arr(bb.compute_iou(A, B, "xyxy", use_masking=True, mask_val=-7))
    out["masked_batched"] = arr(bb.compute_iou(batched_a, batched_b, "xyxy", use_masking=True))
    out["rel"] = arr(bb.compute_iou(REL, REL[::-1], "rel_xyxy", image_shape=(100, 200, 3)))
    out["rel_no_shape"] = builtin_error(lambda: bb.compute_iou(REL, REL, "rel_xyxy"))
    out["rank1"] = builtin_error(lambda: bb.compute_iou(A[0], B, "xyxy"))
    out["rank1_second"] = builtin_error(lambda: bb.compute_iou(A, B[0], "xyxy"))
    out["ints"] = arr(bb.compute_iou(A.astype("int32"), B.astype("int32"), "xyxy"))
    return out


@scenario
def boxes_ciou(K):
    bb = K.utils.bounding_boxes
    p = np.array([[0.0, 0.0, 10.0, 10.0], [5.0, 5.0, 15.0, 25.0]], "float32")
    q = np.array([[1.0, 2.0, 11.0, 9.0], [0.0, 0.0, 4.0, 4.0]], "float32")
    return {
        "xyxy": arr(bb.compute_ciou(p, q, "xyxy")),
        "xywh": arr(bb.compute_ciou(p, q, "xywh")),
        "center_yxhw": arr(bb.compute_ciou(p, q, "center_yxhw")),
        "batched": arr(bb.compute_ciou(np.stack([p, q]), np.stack([q, p]), "xyxy")),
        "broadcast": arr(bb.compute_ciou(p[:1], q, "xyxy")),
        "rel": builtin_error(lambda: bb.compute_ciou(p, q, "rel_xyxy", image_shape=(9, 9, 3))),
    }


@scenario
def boxes_clip(K):
    bb = K.utils.bounding_boxes
    boxes = np.array([[-10.0, -20.0, 150.0, 160.0], [50.0, 40.0, 70.0, 80.0]], "float32")
    outside = np.array([[130.0, 10.0, 150.0, 20.0], [50.0, 40.0, 70.0, 80.0]], "float32")
    labels = np.array([0, 1], "int32")
    d = {"boxes": outside, "labels": labels, "extra": "kept"}
    clipped = bb.clip_to_image_size(d, height=100, width=120)
    rel = bb.clip_to_image_size(
        {"boxes": np.array([[-0.5, 0.2, 1.5, 0.9]], "float32"), "labels": np.array([3])},
        bounding_box_format="rel_xyxy",
    )
    batched = bb.clip_to_image_size(
        {"boxes": np.stack([boxes, outside]), "labels": np.array([[0, 1], [2, 3]], "int32")},
        height=100,
        width=120,
    )
    return {
        "no_labels": arr(bb.clip_to_image_size({"boxes": boxes}, 100, 120)["boxes"]),
        "boxes": arr(clipped["boxes"]),
        "labels": arr(clipped["labels"], dtype=False),
        "keys": sorted(clipped),
        "new_dict": clipped is not d,
        "rel_boxes": arr(rel["boxes"]),
        "rel_labels": arr(rel["labels"], dtype=False),
        "batched_boxes": arr(batched["boxes"]),
        "batched_labels": arr(batched["labels"], dtype=False),
        "ints": arr(
            bb.clip_to_image_size({"boxes": np.array([[-3, 4, 200, 50]], "int32")}, 100, 120)[
                "boxes"
            ],
            dtype=False,
        ),
        "no_size": builtin_error(lambda: bb.clip_to_image_size({"boxes": boxes})),
        "other_format": builtin_error(
            lambda: bb.clip_to_image_size({"boxes": boxes}, 100, 120, "xywh")
        ),
    }


@scenario
def boxes_affine(K):
    bb = K.utils.bounding_boxes
    boxes = np.stack([BOXES, BOXES + 10.0])

    def f(*values):
        return np.array(values, "float32")

    out = bb.affine_transform(
        boxes,
        angle=f(30.0, 0.0),
        translate_x=f(0.1, -0.2),
        translate_y=f(0.0, 0.3),
        scale=f(1.0, 1.5),
        shear_x=f(0.0, 10.0),
        shear_y=f(5.0, 0.0),
        height=100,
        width=200,
    )
    centered = bb.affine_transform(
        boxes[:1],
        f(45.0),
        f(0.0),
        f(0.0),
        f(0.5),
        f(0.0),
        f(0.0),
        height=64,
        width=64,
        center_x=0.25,
        center_y=f(0.75),
    )
    return {
        "out": arr(out),
        "centered": arr(centered),
        "other_format": builtin_error(
            lambda: bb.affine_transform(boxes, *([f(0.0, 0.0)] * 6), 100, 200, None, None, "yxyx")
        ),
        "unbatched": builtin_error(
            lambda: bb.affine_transform(BOXES, *([f(0.0, 0.0)] * 6), height=100, width=200)
        ),
    }


@scenario
def boxes_crop_pad(K):
    bb = K.utils.bounding_boxes
    boxes = np.array([[10.0, 20.0, 50.0, 60.0], [70.0, 80.0, 100.0, 120.0]], "float32")
    return {
        "crop": arr(bb.crop(boxes, top=10, left=20, height=40, width=30)),
        "crop_batched": arr(bb.crop(np.stack([boxes, boxes * 0.5]), 5, 5, 50, 60)),
        "crop_ints": arr(bb.crop(boxes.astype("int32"), 10, 20, 40, 30), dtype=False),
        "pad": arr(bb.pad(boxes, top=3, left=7)),
        "pad_batched": arr(bb.pad(np.stack([boxes, boxes]), 1.5, 2.5, 200, 300)),
        "pad_ints": arr(bb.pad(boxes.astype("int32"), 3, 7), dtype=False),
        "crop_other": builtin_error(lambda: bb.crop(boxes, 1, 1, 9, 9, "xywh")),
        "pad_other": builtin_error(lambda: bb.pad(boxes, 1, 1, bounding_box_format="yxyx")),
    }


ANCHORS = np.array([[0.0, 0.0, 10.0, 10.0], [5.0, 5.0, 25.0, 15.0], [2.0, 4.0, 8.0, 20.0]], "f4")
TARGETS = np.array([[1.0, 1.0, 11.0, 9.0], [4.0, 6.0, 30.0, 18.0], [0.0, 0.0, 8.0, 8.0]], "f4")


@scenario
def boxes_encode(K):
    bb = K.utils.bounding_boxes
    var = [0.1, 0.1, 0.2, 0.2]
    return {
        "default": arr(bb.encode_box_to_deltas(ANCHORS, TARGETS, "xyxy", "xyxy")),
        "center_xywh": arr(
            bb.encode_box_to_deltas(ANCHORS, TARGETS, "xyxy", "xyxy", "center_xywh")
        ),
        "variance": arr(bb.encode_box_to_deltas(ANCHORS, TARGETS, "xyxy", "xyxy", variance=var)),
        "batched": arr(
            bb.encode_box_to_deltas(ANCHORS, np.stack([TARGETS, ANCHORS]), "xyxy", "xyxy")
        ),
        "formats": arr(bb.encode_box_to_deltas(ANCHORS, TARGETS, "xyxy", "xywh")),
        "rel": arr(
            bb.encode_box_to_deltas(
                ANCHORS, TARGETS / 40.0, "xyxy", "rel_xyxy", image_shape=(40, 40, 3)
            )
        ),
        "degenerate": arr(
            bb.encode_box_to_deltas(ANCHORS[:1], np.zeros((1, 4), "float32"), "xyxy", "xyxy")
        ),
        "bad_variance": builtin_error(
            lambda: bb.encode_box_to_deltas(ANCHORS, TARGETS, "xyxy", "xyxy", variance=[1, 1, 1])
        ),
        "bad_encoding": builtin_error(
            lambda: bb.encode_box_to_deltas(ANCHORS, TARGETS, "xyxy", "xyxy", "xyxy")
        ),
    }


@scenario
def boxes_decode(K):
    bb = K.utils.bounding_boxes
    deltas = np.array([[0.1, -0.2, 0.3, 0.0], [0.0, 0.5, -0.1, 0.2], [1.0, 1.0, 0.5, -0.5]], "f4")
    var = np.array([0.1, 0.1, 0.2, 0.2], "float32")
    encoded = bb.encode_box_to_deltas(ANCHORS, TARGETS, "xyxy", "xyxy", variance=var)
    levels = bb.decode_deltas_to_boxes(
        {"P3": ANCHORS, "P4": ANCHORS[:2] * 2.0},
        {"P3": deltas, "P4": np.stack([deltas[:2], deltas[1:]])},
        "xyxy",
        "xywh",
    )
    return {
        "default": arr(bb.decode_deltas_to_boxes(ANCHORS, deltas, "xyxy", "xyxy")),
        "center_xywh": arr(
            bb.decode_deltas_to_boxes(ANCHORS, deltas, "xyxy", "yxyx", "center_xywh")
        ),
        "roundtrip": arr(bb.decode_deltas_to_boxes(ANCHORS, encoded, "xyxy", "xyxy", variance=var)),
        "batched": arr(
            bb.decode_deltas_to_boxes(ANCHORS, np.stack([deltas, -deltas]), "xyxy", "xyxy")
        ),
        "rel": arr(
            bb.decode_deltas_to_boxes(ANCHORS, deltas, "xyxy", "rel_xyxy", image_shape=(40, 80, 3))
        ),
        "levels_keys": sorted(levels),
        "P3": arr(levels["P3"]),
        "P4": arr(levels["P4"]),
        "bad_variance": builtin_error(
            lambda: bb.decode_deltas_to_boxes(ANCHORS, deltas, "xyxy", "xyxy", variance=[1.0])
        ),
        "bad_encoding": builtin_error(
            lambda: bb.decode_deltas_to_boxes(ANCHORS, deltas, "xyxy", "xyxy", "yxyx")
        ),
    }


if __name__ == "__main__":
    SCENARIOS.write(OUT, sys.argv[1:])
