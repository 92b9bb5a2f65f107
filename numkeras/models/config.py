"""Model configs in Keras 3's `.keras` format (`config.json`), both ways.

`serialize_layer` / `deserialize_layer` map any numkeras layer or model onto Keras's
`{"module", "class_name", "config", "registered_name", "build_config"}` objects;
functional models record each layer's `inbound_nodes` with `keras_history`
`[layer_name, node_index, tensor_index]`, the node index counted within the model.
Deserializing only instantiates known classes (or `custom_objects`): no code is run.
Configs are accepted as Keras's `get_config()` returns them in memory (tuples) as well as
read from JSON (lists).
"""

from __future__ import annotations

import contextvars
import inspect

from numkeras import tree
from numkeras.errors import ConfigError, UnknownObjectError, did_you_mean
from numkeras.layers.layer import _dtype_policy_config
from numkeras.saving import object_registration


def _layer_classes() -> dict:
    from numkeras import distillation, layers, models

    table = {
        name: obj
        for name, obj in vars(layers).items()
        if isinstance(obj, type) and issubclass(obj, layers.Layer)
    }
    table.update(Sequential=models.Sequential, Functional=models.Model, Model=models.Model)
    table.update(Distiller=distillation.Distiller)
    from numkeras.layers.feature_space import FeatureSpace, TFDIdentity

    table.update(FeatureSpace=FeatureSpace, TFDIdentity=TFDIdentity)  # (keras.utils, as Keras)
    return table


def _operation_class(config: dict):
    """The numkeras operation class for a Keras operation's config (module
    `keras.src.ops.numpy`, `.nn` or `.core`), or None for a layer."""
    module = config.get("module")
    # (`keras.src.activations.activations` holds Keras's ReLU and Mish operations)
    prefixes = ("keras.src.ops", "keras.src.activations")
    if not isinstance(module, str) or not module.startswith(prefixes):
        return None
    from numkeras.ops import operation_classes

    table = operation_classes().get(module, {})
    cls = table.get(config["class_name"])
    if cls is None:
        known = sorted(n for t in operation_classes().values() for n in t)
        raise UnknownObjectError(
            f"Unknown operation '{config['class_name']}' ({module}): numkeras has the "
            f"operations {known}."
        )
    return cls


def _serialize_operation(op) -> dict:
    name = type(op).__name__
    return {
        "module": op.keras_module,
        "class_name": name,
        "config": op.get_config(),
        "registered_name": name,
    }


def _node_argument(value, tensor):
    """An operation's argument as Keras writes it in `inbound_nodes` (serialization_lib):
    tensors as `__keras_tensor__`, slices, Ellipsis, NumPy values."""
    import numpy as np

    from numkeras.ops.operation import _DimSlot, _Slot

    if isinstance(value, _Slot):
        return tensor(value.index)
    if isinstance(value, _DimSlot):  # a size read at run time: Keras's configs cannot say it
        raise ConfigError(
            "An operation in this model takes the size of an axis that is unknown until the "
            "model runs (ops.shape of a symbolic tensor); Keras 3 cannot build such an "
            "operation into a functional model, so a Keras config has no way to write it. "
            "Put the computation in a layer's call() (a Layer subclass or a Lambda)."
        )
    if isinstance(value, (list, tuple)):
        return [_node_argument(v, tensor) for v in value]
    if isinstance(value, slice):
        parts = (value.start, value.stop, value.step)
        start, stop, step = (_node_argument(v, tensor) for v in parts)
        return {"class_name": "__slice__", "config": {"start": start, "stop": stop, "step": step}}
    if value is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(value, np.generic):
        return value.item()
    if hasattr(value, "shape") and hasattr(value, "dtype"):  # an array constant
        a = np.asarray(value.get() if hasattr(value, "get") else value)
        if a.ndim == 0:
            return a.item()
        return {"class_name": "__numpy__", "config": {"value": a.tolist(), "dtype": str(a.dtype)}}
    return value


def serialize_layer(layer) -> dict:
    from numkeras.models.model import Functional, Model
    from numkeras.models.sequential import Sequential
    from numkeras.saving.serialization_lib import exported_module

    cls = type(layer)
    if isinstance(layer, Sequential):
        module, class_name, registered = "keras", "Sequential", None
    elif isinstance(layer, Model) and cls in (Model, Functional):
        module, class_name, registered = "keras.src.models.functional", "Functional", "Functional"
    elif exported_module(cls) is not None:  # (the Distiller)
        module, class_name, registered = exported_module(cls), cls.__name__, None
    elif cls.__module__.startswith("numkeras.layers"):
        # (Keras exports some classes under another name: GroupedQueryAttention)
        module, registered = "keras.layers", None
        class_name = getattr(cls, "keras_class_name", cls.__name__)
    else:  # a user's layer: "package>name" once registered, else its own name (as Keras)
        module, class_name = object_registration.module_of(cls), cls.__name__
        registered = object_registration.get_registered_name(cls)
    config = layer.get_config()
    if registered is not None:  # a user's get_config may hold objects (a nested layer, a
        # regularizer): Keras serializes each value (`serialize_dict`)
        from numkeras.saving.serialization_lib import serialize_keras_object

        config = serialize_keras_object(config)
    out = {
        "module": module,
        "class_name": class_name,
        "config": config,
        "registered_name": registered,
    }
    from numkeras.layers.input_layer import InputLayer

    if not isinstance(layer, InputLayer):  # (build_config, then compile_config: Keras's order)
        if isinstance(layer, Model) and layer._has_own_call():  # a subclassed model
            out["build_config"] = layer.get_build_config() or {"input_shape": None}
        elif isinstance(layer, Model) and not isinstance(layer, Sequential):
            out["build_config"] = {"input_shape": None}
        else:
            build = layer.get_build_config()
            if build is not None:
                out["build_config"] = build
    if isinstance(layer, Model):
        out["compile_config"] = _own_compile_config(layer) or compile_config(layer)
    return out


def _own_compile_config(model) -> dict | None:
    """A model's own `get_compile_config()` (an override, as keras.io's saving guide
    writes one), serialized as Keras serializes it (each value); None otherwise."""
    from numkeras.trainers.trainer import Trainer

    if type(model).get_compile_config is Trainer.get_compile_config:
        return None
    own = model.get_compile_config()
    if own is None:
        return None
    from numkeras.saving.serialization_lib import serialize_keras_object

    return serialize_keras_object(dict(own))


def compile_config(model) -> dict:
    """Keras's `compile_config`: `{}` for a model that was never compiled.

    Names stay names; loss and metric objects and functions are written in full, as Keras
    writes them (`losses.serialize` / `metrics.serialize`), so their settings survive.
    """
    if not getattr(model, "compiled", False):
        return {}
    from numkeras import losses, metrics, optimizers

    def loss_leaf(loss):
        return losses.serialize(losses.to_loss(loss) if inspect.isclass(loss) else loss)

    def metric_leaf(metric):
        return metrics.serialize(metrics.get(metric) if inspect.isclass(metric) else metric)

    optimizer = model.optimizer
    if getattr(model, "_scaled_by_compile", False):  # Keras writes the one compile was given
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
    given = getattr(model, "_compile_args", None) or {  # (compile's arguments, as given)
        "loss": model.loss,
        "loss_weights": model._loss_weights_spec,
        "metrics": model._metric_spec,
        "weighted_metrics": model._weighted_metric_spec,
    }
    return {
        "optimizer": optimizers.serialize(optimizer),
        "loss": map_leaves(given["loss"], loss_leaf),
        "loss_weights": given["loss_weights"],
        "metrics": map_leaves(given["metrics"], metric_leaf),
        "weighted_metrics": map_leaves(given["weighted_metrics"], metric_leaf),
        **model._compiled_run_flags,  # run_eagerly, steps_per_execution, jit_compile
    }


def _is_serialized(spec) -> bool:
    # Keras's own test (serialization_lib): a dict with both keys is one object, any other
    # dict maps output names to losses or metrics
    return isinstance(spec, dict) and "class_name" in spec and "config" in spec


def map_leaves(spec, leaf, skip_names: bool = True):
    """`spec` (None, names, objects, in per-output dicts and lists) with `leaf` applied to
    each object, or serialized object; names are kept unless `skip_names` is False."""
    if spec is None or (skip_names and isinstance(spec, str)):
        return spec
    if isinstance(spec, dict) and not _is_serialized(spec):
        return {k: map_leaves(v, leaf, skip_names) for k, v in spec.items()}
    if isinstance(spec, (list, tuple)):
        return [map_leaves(v, leaf, skip_names) for v in spec]
    return leaf(spec)


def compile_args_from_config(config: dict, custom_objects: dict | None = None) -> dict:
    """`compile`'s arguments (but the optimizer) from a saved `compile_config`, or a Keras 2
    `training_config`: serialized losses and metrics become objects again (functions stay
    functions, as in Keras); a bare name is kept unless `custom_objects`, a
    `custom_object_scope` or the registry supply it."""
    from numkeras import losses, metrics

    def loss_leaf(spec):
        if isinstance(spec, str) and object_registration.find(custom_objects, spec) is None:
            return spec
        return losses.deserialize(spec, custom_objects, as_function=True)

    def metric_leaf(spec):
        if isinstance(spec, str) and object_registration.find(custom_objects, spec) is None:
            return spec
        return metrics.deserialize(spec, custom_objects, as_function=True)

    return {
        "loss": map_leaves(config.get("loss"), loss_leaf, skip_names=False),
        "loss_weights": config.get("loss_weights"),
        "metrics": map_leaves(config.get("metrics"), metric_leaf, skip_names=False),
        "weighted_metrics": map_leaves(
            config.get("weighted_metrics"), metric_leaf, skip_names=False
        ),
        "steps_per_execution": config.get("steps_per_execution") or 1,
        "run_eagerly": bool(config.get("run_eagerly", False)),
        "jit_compile": config.get("jit_compile", "auto"),
    }


def as_json_types(config):
    """`config` as a JSON round trip would give it: tuples become lists (Keras's in-memory
    `get_config()` has tuples in node args, shapes and refs; its files have lists)."""
    if isinstance(config, dict):
        return {k: as_json_types(v) for k, v in config.items()}
    if isinstance(config, (list, tuple)):
        return [as_json_types(v) for v in config]
    return config


def deserialize_layer(config: dict, custom_objects: dict | None = None):
    """Instantiate a layer or model from its Keras config (known classes only)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ConfigError(f"A layer config must be a dict with a 'class_name'; got {config!r}.")
    raw = config.get("config", {})  # (a model's own from_config reads its tuples first)
    config = as_json_types(config)
    op = _operation_class(config)
    if op is not None:  # a keras.ops operation (`x * 2.0` in a functional graph)
        return op.from_config(dict(config.get("config") or {}))
    table = _layer_classes()
    name = config["class_name"]
    # the program's own classes first (by registered name, as Keras, or by class name)
    cls = object_registration.find(custom_objects, config.get("registered_name"), name)
    cls = cls or table.get(name)
    if cls is None:
        table.update(custom_objects or {})
        hint = did_you_mean(name, list(table))
        raise UnknownObjectError(
            f"Unknown layer class '{name}'.{hint} numkeras knows {sorted(table)}; pass your own "
            "classes with custom_objects={'Name': cls} (or register them with "
            "numkeras.saving.register_keras_serializable())."
        )
    inner = config.get("config", {})
    if name in ("Sequential", "Functional", "Model"):
        return cls.from_config(raw, custom_objects=custom_objects)
    with object_registration.supplying(custom_objects):  # for objects nested in its config
        layer = cls.from_config(inner)
    build = config.get("build_config")
    from numkeras.layers.input_layer import InputLayer

    if build and not isinstance(layer, InputLayer):
        layer.build_from_config(build)  # (a subclassed model: its call traced for the shape)
    return layer


def sequential_config(model) -> dict:
    layers = []
    if model._input_layer is not None:
        layers.append(serialize_layer(model._input_layer))
    layers.extend(serialize_layer(la) for la in model._stack)
    config = {
        "name": model.name,
        "trainable": model.trainable,
        "dtype": _dtype_policy_config(model.dtype),
        "layers": layers,
    }
    if model._input_layer is not None and model._stack:  # (Keras: only once built, which
        # a Sequential of only an Input never is)
        config["build_input_shape"] = list(model._input_layer.batch_shape)
    return config


def sequential_from_config(config: dict, custom_objects=None):
    from numkeras.layers.input_layer import InputLayer
    from numkeras.models.sequential import Sequential

    config = as_json_types(config)
    if isinstance(config, list):  # Keras 2.0-2.1 wrote a Sequential's config as its layer list
        config = {"layers": config}
    model = Sequential(name=config.get("name"))
    layer_configs = config.get("layers", [])
    built_shape = config.get("build_input_shape")
    layers = [deserialize_layer(c, custom_objects) for c in layer_configs]
    for layer in layers:
        model.add(layer)
    if built_shape is not None and not any(isinstance(la, InputLayer) for la in layers):
        model.build(tuple(built_shape))
    if not config.get("trainable", True):  # True would unfreeze layers frozen in their configs
        model.trainable = False
    return model


def _is_nested_functional(layer) -> bool:
    """A functional model (not a Sequential) inside another: Keras 3's `input_layers` and
    `output_layers` count its calls from 1 (its `get_config` reserves node 0 for the
    model's own graph, its `from_config` takes 1 off), its `inbound_nodes` from 0."""
    from numkeras.models.model import Model
    from numkeras.models.sequential import Sequential

    return (
        isinstance(layer, Model)
        and not isinstance(layer, Sequential)
        and bool(getattr(layer, "_input_layers", None))
    )


def _node_index_map(model) -> dict:
    """id(node) -> its index among the layer's nodes that belong to `model`."""
    index: dict = {}
    counters: dict = {}
    in_model = {id(n) for n in model._nodes} | {id(t.node) for t in model._inputs_list}
    for layer in model.operations:
        for node in layer._inbound_nodes:
            if id(node) in in_model:
                index[id(node)] = counters.get(id(layer), 0)
                counters[id(layer)] = index[id(node)] + 1
    return index


# Keras layers whose `call` takes `mask`, and those whose `training` defaults to a value
_CALL_TAKES_MASK = frozenset(
    "AdditiveAttention Attention BatchNormalization Bidirectional ConvLSTM1D ConvLSTM2D "
    "ConvLSTM3D GRU GlobalAveragePooling1D LSTM Lambda Pipeline RNN SimpleRNN Softmax "
    "TimeDistributed Sequential Functional Model".split()
)
_CALL_TRAINING = {
    **dict.fromkeys(
        "AdditiveAttention AlphaDropout Attention ConvLSTM1D ConvLSTM2D ConvLSTM3D Dropout "
        "GRU GaussianDropout GaussianNoise LSTM RNN SimpleRNN SpatialDropout1D "
        "SpatialDropout2D SpatialDropout3D SpectralNormalization".split(),
        False,
    ),
    **dict.fromkeys(
        "AugMix AutoContrast CenterCrop ContrastLimitedAdaptiveHistogramEqualization CutMix "
        "Equalization MaxNumBoundingBoxes MixUp Pipeline RandAugment RandomBrightness "
        "RandomColorDegeneration RandomColorJitter RandomContrast RandomCrop "
        "RandomElasticTransform RandomErasing RandomFlip RandomGaussianBlur RandomGrayscale "
        "RandomHue RandomInvert RandomPerspective RandomPosterization RandomRotation "
        "RandomSaturation RandomSharpness RandomShear RandomTranslation RandomZoom Resizing "
        "Solarization".split(),
        True,
    ),
}


# Off while writing Keras 2's form (`legacy_h5`): tf_keras writes no such keywords, and
# would replay a `training` found in a node on every call
IMPLIED_KWARGS = contextvars.ContextVar("implied_call_kwargs", default=True)


def _builtin_call_defaults(layer) -> tuple[bool | None, bool]:
    """A built-in layer's call: the `training` it defaults to, and whether it takes `mask`."""
    names = [c.__name__ for c in type(layer).__mro__]
    name = next((n for n in names if n in _CALL_TAKES_MASK or n in _CALL_TRAINING), None)
    return _CALL_TRAINING.get(name), name in _CALL_TAKES_MASK


def _converts(layer, dtype) -> bool:
    """Whether Keras's call converts an input of `dtype` (to the layer's input dtype; a
    Sequential's is its Input's). A nested functional model's and a Pipeline's do not (their
    own calls convert, on a copy: the call's keywords stay Keras's)."""
    from numkeras.models.model import Model

    if _is_nested_functional(layer) or type(layer).__name__ == "Pipeline":
        return False
    inputs = getattr(layer, "_input_layers", None) if isinstance(layer, Model) else None
    return dtype != (inputs[0].dtype if inputs else layer.input_dtype)


def _implied_call_kwargs(layer, node) -> dict:
    """The keywords Keras 3 records for a call made with one tensor and no keywords: it
    fills `training` from the call's default (when not None) and `mask` (the input's:
    None here) into the call's own keywords, which its node keeps, unless it converted the
    input (another dtype, or a list of tensors) and so filled a copy."""
    if getattr(node, "training", None) is not None:  # given to the call: Keras keeps it alone
        return {"training": node.training}
    if not IMPLIED_KWARGS.get():
        return {}
    if node.is_multi_input or len(node.inputs) != 1:
        return {}
    if _converts(layer, node.inputs[0].dtype):
        return {}
    if not type(layer).__module__.startswith("numkeras."):  # a user layer: its own `call`
        params = inspect.signature(layer.call).parameters
        training = params["training"].default if "training" in params else None
        takes_mask = "mask" in params
    else:
        training, takes_mask = _builtin_call_defaults(layer)
    kwargs = {} if training in (None, inspect.Parameter.empty) else {"training": training}
    if takes_mask:
        kwargs["mask"] = None
    return kwargs


def functional_config(model) -> dict:
    node_index = _node_index_map(model)

    def tensor(t) -> dict:
        return {
            "class_name": "__keras_tensor__",
            "config": {
                "shape": [None if d is None else int(d) for d in t.shape],
                "dtype": t.dtype,
                "keras_history": [t.node.layer.name, node_index[id(t.node)], t.index],
            },
        }

    layers = []
    for layer in model.operations:
        is_op = getattr(layer, "is_operation", False)
        entry = _serialize_operation(layer) if is_op else serialize_layer(layer)
        entry["name"] = layer.name
        nodes = []
        for node in layer._inbound_nodes:
            if id(node) not in node_index or not node.inputs:
                continue
            if is_op:
                ins = node.inputs
                args = _node_argument(list(node.arguments), lambda i, ins=ins: tensor(ins[i]))
                nodes.append({"args": args, "kwargs": {}})
                continue
            recorded = getattr(node, "call_arguments", None)
            if recorded is not None:  # the call as made, keywords too (MultiHeadAttention)
                args, kwargs = (_call_argument(a, tensor) for a in recorded)
                if getattr(node, "training", None) is not None:  # given to the call
                    kwargs = {"training": node.training, **kwargs}
                elif getattr(node, "written_training", None) is not None and IMPLIED_KWARGS.get():
                    # (the default `training` a loaded Keras file wrote next to a mask tensor)
                    kwargs = {"training": node.written_training, **kwargs}
                nodes.append({"args": args, "kwargs": kwargs})
                continue
            args = [tensor(t) for t in node.inputs]
            kwargs = _implied_call_kwargs(layer, node)
            nodes.append({"args": [args] if node.is_multi_input else args, "kwargs": kwargs})
        entry["inbound_nodes"] = nodes
        layers.append(entry)

    def refs(struct):
        # the structure the model was built with, as Keras's `tree.map_structure`: one
        # tensor's reference alone, a list (or tuple) of them, a dict in the user's order
        if isinstance(struct, dict):
            return {k: refs(v) for k, v in struct.items()}
        if isinstance(struct, (list, tuple)):
            return type(struct)(refs(t) for t in struct)
        layer = struct.node.layer
        index = node_index[id(struct.node)] + _is_nested_functional(layer)
        return [layer.name, index, struct.index]

    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layers,
        "input_layers": refs(model._input_struct),
        "output_layers": refs(model._output_struct),
    }


def _call_argument(value, tensor):
    """A layer call's recorded argument (`Node.call_arguments`) as Keras writes it in
    `inbound_nodes`: symbolic tensors as `__keras_tensor__`, in lists and dicts."""
    from numkeras.layers.keras_tensor import KerasTensor

    if isinstance(value, KerasTensor):
        return tensor(value)
    if isinstance(value, (list, tuple)):
        return [_call_argument(v, tensor) for v in value]
    if isinstance(value, dict):
        return {k: _call_argument(v, tensor) for k, v in value.items()}
    return value


def _operation_argument(arg, resolve):
    """An operation's node argument from a config: tensors, slices, Ellipsis and NumPy
    arrays (`__numpy__`) decoded, anything else kept as it is (numbers, lists, None)."""
    import numpy as np

    if isinstance(arg, list):
        return [_operation_argument(a, resolve) for a in arg]
    if isinstance(arg, dict):
        kind, inner = arg.get("class_name"), arg.get("config") or {}
        if kind == "__keras_tensor__":
            return resolve(arg)
        if kind == "__slice__":
            parts = (inner.get("start"), inner.get("stop"), inner.get("step"))
            return slice(*(_operation_argument(p, resolve) for p in parts))
        if kind == "__ellipsis__":
            return Ellipsis
        if kind == "__numpy__":
            return np.array(inner["value"], dtype=inner["dtype"])
        raise ConfigError(f"Unrecognized operation argument in config: {arg!r}")
    return arg


def functional_from_config(config: dict, custom_objects=None, cls=None):
    from numkeras.layers.input_layer import InputLayer
    from numkeras.models.model import Model

    # (an in-memory config keeps a tuple of outputs as a tuple, as Keras's from_config does)
    tuples = {k: _is_tuple_of_refs(config.get(k)) for k in ("input_layers", "output_layers")}
    config = as_json_types(config)
    created: dict = {}
    pending = []
    outputs: dict = {}
    for entry in config["layers"]:
        layer = deserialize_layer(entry, custom_objects)
        name = entry.get("name", layer.name)
        created[name] = layer
        if isinstance(layer, InputLayer):
            outputs[(name, 0)] = [layer.output]
        for i, node in enumerate(entry.get("inbound_nodes", [])):
            pending.append((name, i, node))

    def resolve(arg):
        if isinstance(arg, list):
            return [resolve(a) for a in arg]
        if isinstance(arg, dict) and arg.get("class_name") == "__keras_tensor__":
            lname, nidx, tidx = arg["config"]["keras_history"]
            return outputs[(lname, nidx)][tidx]
        raise ConfigError(f"Unrecognized node argument in config: {arg!r}")

    def ready(arg) -> bool:
        if isinstance(arg, list):
            return all(ready(a) for a in arg)
        if isinstance(arg, dict) and arg.get("class_name") == "__keras_tensor__":
            lname, nidx, _ = arg["config"]["keras_history"]
            return (lname, nidx) in outputs
        if isinstance(arg, dict) and arg.get("class_name") == "__slice__":
            return True
        if isinstance(arg, dict):
            return all(ready(v) for v in arg.values())
        return True

    while pending:
        progress = False
        for item in list(pending):
            name, i, node = item
            args = node.get("args", [])
            if not ready(args) or not ready(node.get("kwargs") or {}) or (name, i) in outputs:
                continue
            if getattr(created[name], "is_operation", False):
                call_args = [_operation_argument(a, resolve) for a in args]
                call_kwargs = {
                    k: _operation_argument(v, resolve)
                    for k, v in (node.get("kwargs") or {}).items()
                }
                out = created[name](*call_args, **call_kwargs)
                outputs[(name, i)] = list(out) if isinstance(out, (list, tuple)) else [out]
                pending.remove(item)
                progress = True
                continue
            inputs = resolve(args[0]) if len(args) == 1 else resolve(args)
            # the call's keywords, for a layer that takes them from a config (attention)
            # or keeps them with the call (ReversibleEmbedding's `reverse`)
            layer = created[name]
            replayed = (*getattr(layer, "replayed_call_kwargs", ()), *layer.graph_call_keywords)
            own = not type(created[name]).__module__.startswith("numkeras.")  # a user layer
            written = (node.get("kwargs") or {}).get("training")
            # (a `training` other than the call's default was given to the call: kept, so
            # `Dropout(...)(x, training=True)` and `base(x, training=False)` stay so)
            forced = written is not None and written != _builtin_call_defaults(layer)[0]
            kwargs = {
                k: _operation_argument(v, resolve)
                for k, v in (node.get("kwargs") or {}).items()
                # (a `mask` given as a tensor is the call's own: kept, as Keras keeps it;
                # so is a tensor given as a keyword, as Keras 2's `mha(q, value=v)`)
                if k in replayed
                or (own and k != "mask")
                or (k == "training" and forced)
                or (k == "mask" and v is not None)
                or (isinstance(v, dict) and v.get("class_name") == "__keras_tensor__")
            }
            if isinstance(layer, Model):  # a nested model: Keras wrote the mask its input
                # carried (auto-filled from the Embedding / Masking before it), which numkeras
                # propagates into the nested model itself
                kwargs.pop("mask", None)
            if args:
                out = created[name](inputs, **kwargs)
            else:  # (the tensors given by keyword only: Keras's `lstm(sequences=x)`)
                out = created[name](**kwargs)
            # (flat, as Keras's tensor indices count them: a stacked RNN nests its states)
            outputs[(name, i)] = tree.flatten_sequences(out)
            if written is not None and "training" not in kwargs:  # the default, written
                outputs[(name, i)][0].node.written_training = written
            pending.remove(item)
            progress = True
        if not progress:
            raise ConfigError(
                "The functional config's inbound_nodes cannot be resolved (missing or cyclic "
                f"references): {[(n, i) for n, i, _ in pending]}."
            )

    def pick(refs):
        # Keras's `map_tensors`: a reference [name, node, tensor] is one tensor; dicts and
        # lists keep their structure (a JSON config has lists where Keras had tuples)
        if isinstance(refs, (list, tuple)) and len(refs) == 3 and isinstance(refs[0], str):
            n, i, t = refs
            if i > 0 and _is_nested_functional(created.get(n)):
                i -= 1  # (Keras counts a functional model's calls from 1 there)
            return outputs[(n, i)][t]
        if isinstance(refs, dict):
            return {k: pick(v) for k, v in refs.items()}
        return (
            type(refs)(pick(r) for r in refs)
            if isinstance(refs, tuple)
            else [pick(r) for r in refs]
        )

    ends = {}
    for key, as_tuple in tuples.items():
        ends[key] = pick(config[key])
        if as_tuple:
            ends[key] = tuple(ends[key])
    # (`cls`: a Model subclass given in custom_objects, rebuilt as itself, as Keras does)
    model = (cls or Model)(ends["input_layers"], ends["output_layers"], name=config.get("name"))
    if not config.get("trainable", True):  # True would unfreeze layers frozen in their configs
        model.trainable = False
    return model


def _is_tuple_of_refs(refs) -> bool:
    """Whether a config's `input_layers` / `output_layers` is a tuple of tensor references
    (a model built on a tuple), not one reference."""
    return isinstance(refs, tuple) and not (len(refs) == 3 and isinstance(refs[0], str))
