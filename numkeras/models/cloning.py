"""`clone_model`: the same architecture with new layers (and so new, freshly initialized
weights), as Keras's `keras.models.clone_model`.

>>> from numkeras.models import Sequential
>>> from numkeras.layers import Input, Dense
>>> model = Sequential([Input(shape=(3,)), Dense(2, name="d")], name="m")
>>> twin = clone_model(model)
>>> twin.name, twin.layers[0].name, twin.layers[0] is model.layers[0]
('m', 'd', False)
"""

from __future__ import annotations

from collections.abc import Callable

from numkeras import tree
from numkeras.errors import ConfigError


def _from_config(layer):
    return type(layer).from_config(layer.get_config())


def clone_model(
    model,
    input_tensors=None,
    clone_function: Callable | None = None,
    call_function: Callable | None = None,
    recursive: bool = False,
    **kwargs,
):
    """A copy of `model`'s architecture: each layer replaced by `clone_function(layer)`
    (default: a new layer from its config, keeping its name), wired as the original.

    `input_tensors` (functional models and Sequential) replace the model's `Input`s;
    `call_function(layer, inputs)` replaces `layer(inputs)` when the graph is rebuilt;
    `recursive=True` clones nested models layer by layer (else `clone_function` clones a
    nested model whole). A compiled model's clone is compiled from its compile config (a
    new optimizer of the same config, as Keras 3 does); the clone's weights are new: copy
    them with `clone.set_weights(model.get_weights())` if you want them.

    >>> from numkeras import Input, Sequential, layers
    >>> model = Sequential([Input((3,)), layers.Dense(2, name="out")])
    >>> model.compile(optimizer="adam", loss="mse")
    >>> twin = clone_model(model)
    >>> twin.compiled, twin.optimizer is model.optimizer, twin.layers[0].name
    (True, False, 'out')
    """
    clone = _clone(model, input_tensors, clone_function, call_function, recursive, **kwargs)
    if getattr(model, "compiled", False):
        clone.compile_from_config(model.get_compile_config())
    return clone


def _clone(model, input_tensors, clone_function, call_function, recursive, **kwargs):
    from numkeras.layers.input_layer import Input
    from numkeras.models.model import Model
    from numkeras.models.sequential import Sequential

    if kwargs:
        raise ConfigError(f"clone_model got unexpected arguments: {sorted(kwargs)}.")
    if not isinstance(model, Model):
        raise ConfigError(
            f"clone_model expects a Sequential or functional Model, received {model!r}."
        )
    clone_function = clone_function or _from_config

    def clone_layer(layer):
        if recursive and isinstance(layer, Model) and layer._graph_ready:
            return clone_model(layer, None, clone_function, call_function, recursive)
        return clone_function(layer)

    if model._is_subclassed():
        raise ConfigError(
            f"Model '{model.name}' is a subclassed model: clone it by creating a new instance "
            "of its class; clone_model clones Sequential and functional models."
        )
    if isinstance(model, Sequential):
        layers = [clone_layer(layer) for layer in model.layers]
        if input_tensors is None and model._input_layer is not None:
            source = model._input_layer
            input_tensors = Input(batch_shape=source.batch_shape, name=source.name)
        if input_tensors is None:  # an unbuilt Sequential stays unbuilt
            return Sequential(layers, name=model.name, trainable=model.trainable)
        x = input_tensors[0] if isinstance(input_tensors, (list, tuple)) else input_tensors
        clone = Sequential([x], name=model.name, trainable=model.trainable)
        for layer in layers:
            clone.add(layer)
        return clone
    if not model._graph_ready:
        raise ConfigError(f"Model '{model.name}' has no graph to clone.")

    new_inputs = _replacement_inputs(model, input_tensors, Input)
    tensors = {id(old): new for old, new in zip(model._inputs_list, new_inputs)}
    cloned: dict[int, object] = {}  # a shared layer is cloned once and shared again
    for node in model._nodes:
        layer = node.layer
        if not getattr(layer, "is_operation", False) and id(layer) not in cloned:
            cloned[id(layer)] = clone_layer(layer)
        replay_node(node, tensors, cloned.get(id(layer)), call_function)
    return Model(
        _restructure(model._input_struct, tensors),
        _restructure(model._output_struct, tensors),
        name=model.name,
        trainable=model.trainable,
    )


def replay_node(node, tensors: dict, layer=None, call_function=None) -> None:
    """Call `node`'s layer again (or `layer`, a stand-in for it) on the tensors that
    replace the node's inputs in `tensors` (by `id`), and enter its outputs there as the
    replacements of the node's. An operation is made anew from its config with the same
    arguments; a call made with keywords repeats them, unless `call_function(layer,
    inputs)` (clone_model's) makes the call."""
    source = node.layer
    if getattr(source, "is_operation", False):
        from numkeras.ops.operation import fill

        op = type(source).from_config(source.get_config())
        out = op(*fill(node.arguments, [tensors[id(t)] for t in node.inputs]))
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
    else:
        layer = layer or source
        args = [tensors[id(t)] for t in node.inputs]
        recorded = getattr(node, "call_arguments", None)
        if recorded is not None and call_function is None:
            call_args, call_kwargs = _replaced(recorded, tensors)
            out = layer(*call_args, **call_kwargs)
        else:
            inputs = args if node.is_multi_input else args[0]
            out = call_function(layer, inputs) if call_function else layer(inputs)
        # (a stacked RNN nests its states: `out, [h1, c1], h2`)
        outs = tree.flatten_sequences(out) if node.is_multi_output else [out]
    for old, new in zip(node.outputs, outs):
        tensors[id(old)] = new


def _replaced(value, tensors: dict):
    """`value` (a node's recorded call arguments) with each symbolic tensor replaced by
    its clone."""
    from numkeras.layers.keras_tensor import KerasTensor

    if isinstance(value, KerasTensor):
        return tensors[id(value)]
    if isinstance(value, (list, tuple)):
        return type(value)(_replaced(v, tensors) for v in value)
    if isinstance(value, dict):
        return {k: _replaced(v, tensors) for k, v in value.items()}
    return value


def _replacement_inputs(model, input_tensors, make_input) -> list:
    """New `Input`s like the model's own, or the caller's `input_tensors`, one per input."""
    if input_tensors is None:
        return [
            make_input(batch_shape=t.node.layer.batch_shape, name=t.node.layer.name)
            for t in model._inputs_list
        ]
    given = list(input_tensors) if isinstance(input_tensors, (list, tuple)) else [input_tensors]
    if len(given) != len(model._inputs_list):
        raise ConfigError(
            f"Model '{model.name}' has {len(model._inputs_list)} input(s), but clone_model "
            f"received {len(given)} input tensor(s)."
        )
    return given


def _restructure(struct, tensors: dict):
    """`struct` (a tensor, or lists, tuples and dicts of the model's tensors, nested as a
    stacked RNN's states) with each tensor replaced by its clone."""
    if isinstance(struct, dict):
        return {k: _restructure(v, tensors) for k, v in struct.items()}
    if isinstance(struct, (list, tuple)):
        return type(struct)(_restructure(t, tensors) for t in struct)
    return tensors[id(struct)]
