"""Training through a user layer's `call`, as Keras does: by tracing it.

A layer written the Keras way defines `build` (its weights) and `call` (its math, with
`numkeras.ops`, Python operators and other layers), and no backward pass. numkeras runs
that `call` once on symbolic tensors (`numkeras.ops.trace`): the recorded operations and
layers, each with its own backward pass, give the layer's training pass, and its output
shape where it defines no `compute_output_shape` (as Keras 3's `compute_output_spec`).
Inference (`layer(x)`, `predict`) runs `call` itself.

>>> import numpy as np
>>> from numkeras import ops
>>> from numkeras.layers import Layer
>>> class Scale(Layer):
...     def build(self, input_shape):
...         self.s = self.add_weight(shape=(input_shape[-1],), initializer="ones")
...     def call(self, x):
...         return ops.square(x) * self.s
>>> layer = Scale()
>>> y, cache = layer.forward(np.full((1, 2), 3.0, "float32"))
>>> layer.backward(cache, np.ones((1, 2), "float32")).tolist()
[[6.0, 6.0]]
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable

from numkeras import backend, tree
from numkeras.layers.layer import Layer, accepts, shape_of
from numkeras.ops.trace import Trace, TraceError, check_same, infer_output_shape, trace_for
from numkeras.utils.naming import to_snake_case


def _run_call(layer, inputs, training: bool, call_kwargs: dict | None = None):
    kwargs = {"training": training} if accepts(layer, "training") else {}
    return layer.call(inputs, **kwargs, **(call_kwargs or {}))


def _kwargs_key(call_kwargs: dict | None) -> str:
    return repr(sorted((call_kwargs or {}).items()))


def _describe(layer) -> str:
    return f"layer '{layer.name}' ({type(layer).__name__})"


def _flat(inputs) -> tuple[list, bool]:
    several = isinstance(inputs, (list, tuple))
    return (list(inputs) if several else [inputs]), several


def _mask_arrays(mask) -> tuple[list, object]:
    """The arrays of a call's `mask` and its layout: None (no mask), "one" (one array), or
    which entries of a list (one per input) are arrays, the others None."""
    if isinstance(mask, (list, tuple)):
        if all(m is None for m in mask):
            return [], None
        return [m for m in mask if m is not None], tuple(m is not None for m in mask)
    return ([], None) if mask is None else ([mask], "one")


def _mask_of(layout, arrays: list):
    """The `mask` argument `_mask_arrays` took apart, rebuilt from (symbolic) `arrays`."""
    if layout == "one":
        return arrays[0]
    found = iter(arrays)
    return [next(found) if present else None for present in layout]


def _call_keywords(call_kwargs: dict | None, layout, masks: list) -> dict:
    """The keywords of a traced call: its constant ones, and `mask` rebuilt from `masks`
    (the trace's arguments after the inputs) when the call was given one."""
    kwargs = dict(call_kwargs or {})
    if layout is not None:
        kwargs["mask"] = _mask_of(layout, masks)
    return kwargs


def layer_trace(layer, inputs, training: bool, run=_run_call, call_kwargs=None, mask=None) -> Trace:
    """The trace of `run(layer, inputs, training)` (the layer's `call`, with the constant
    keywords `call_kwargs` of its call in a graph) for arrays like `inputs` (see
    `trace_for`). A `mask` (the inputs' masks, as Keras 3 fills a call's `mask`
    argument) is traced as further arguments, after the inputs: it changes from batch
    to batch, and takes no gradient. Raises `TraceError` saying why it cannot be traced."""
    arrays, several = _flat(inputs)
    mask_arrays, layout = _mask_arrays(mask)
    n_in = len(arrays)
    arrays += mask_arrays

    def fn(*xs):
        kwargs = _call_keywords(call_kwargs, layout, list(xs[n_in:]))
        xs = list(xs[:n_in]) if several else xs[0]
        return run(layer, xs, training, kwargs) if kwargs else run(layer, xs, training)

    return trace_for(
        layer.__dict__.setdefault("_traces", {}),
        (several, training, _kwargs_key(call_kwargs), layout),
        fn,
        arrays,
        # (the call checked runs on copies: one that updates its inputs in place, as
        # keras.io's Antirectifier's `inputs -= ...`, must not change the batch)
        lambda trace: _validate(layer, trace, arrays, lambda: fn(*copies(arrays)), training),
    )


def copies(arrays):
    """`arrays` (in lists, tuples or dicts) with each array copied: what a call checked
    against its trace runs on, so a call that updates its inputs in place changes no data."""
    return tree.map_structure(lambda a: a.copy() if hasattr(a, "copy") else a, arrays)


def untraceable(layer, error: TraceError, what: str = "call()") -> NotImplementedError:
    return NotImplementedError(
        f"numkeras cannot train through {_describe(layer)}: it differentiates a layer's "
        f"{what} by running it on symbolic tensors and recording its operations, and this "
        f"{what} could not be recorded ({error}). Compute it with numkeras.ops (the Keras 3 "
        "ops) and layers, or write a layer with forward() and backward() "
        "(see numkeras.layers.Layer)."
    )


def _validate(layer, trace: Trace, arrays: list, eager: Callable, training: bool) -> None:
    """Compare the trace with the call itself on the first batch (skipped where layers in
    it may be random in training, e.g. Dropout), and warn about weights it never reads."""
    check_same(trace, arrays, eager, training)
    unused = trace.unused_variables(layer.trainable_weights)
    if unused and not layer.__dict__.get("_warned_unused"):
        layer._warned_unused = True
        warnings.warn(
            f"Gradients do not exist for the weights {[v.path for v in unused]} of "
            f"{_describe(layer)}: its call() does not compute with them through numkeras.ops "
            "(a NumPy copy of a weight is a constant), so training leaves them unchanged.",
            stacklevel=3,
        )


def run_trace(trace: Trace, inputs, training: bool, mask=None):
    """`forward` through `trace` (with the `mask` it was traced with): the outputs and
    the cache `traced_backward` takes."""
    arrays, several = _flat(inputs)
    n_in = len(arrays)
    outs, caches = trace.forward(arrays + _mask_arrays(mask)[0], training)
    return (outs if trace.several else outs[0]), (trace, caches, several, n_in)


def traced_forward(
    layer, inputs, training: bool = True, call_kwargs: dict | None = None, mask=None
):
    """`Layer.forward` for a layer that defines only `call` (`call_kwargs`: the constant
    keywords of its call in a graph, e.g. `MyLayer()(x, reverse=True)`; `mask`: the
    inputs' masks, for a call that takes one)."""
    if not layer.built:
        layer._maybe_build(shape_of(inputs))
    try:
        trace = layer_trace(layer, inputs, bool(training), call_kwargs=call_kwargs, mask=mask)
    except TraceError as e:
        raise untraceable(layer, e) from e
    return run_trace(trace, inputs, bool(training), mask)


def adds_losses(cache) -> bool:
    """Whether the traced call whose `run_trace` cache this is added losses (`add_loss`):
    then its backward pass runs even when its outputs have no gradient (keras.io's
    endpoint layer, whose output only feeds predictions)."""
    trace = cache[0]
    return len(trace.graph._outputs_list) > trace.n_outputs


def traced_backward(layer, cache, grad_output, need_input_grad: bool = True):
    """`Layer.backward` for a layer that defines only `call`."""
    trace, caches, several, n_in = cache
    grads = list(grad_output) if trace.several else [grad_output]
    # (the masks traced after the inputs take no gradient)
    need = [need_input_grad] * n_in + [False] * (trace.n_args - n_in)
    gins = trace.backward(caches, grads, need)[:n_in]
    if not need_input_grad:
        return None
    return gins if several else gins[0]


def traced_output_shape(layer, input_shape, call_kwargs: dict | None = None, masks=None):
    """`compute_output_shape` for a layer that defines only `call` (with the constant
    keywords `call_kwargs`, and `masks`: the symbolic masks of its inputs, for a call that
    takes one, as Keras 3 hands them to a symbolic call): traced on symbolic tensors of
    `input_shape` as Keras 3 does, else found by running `call` on dummy arrays (a call
    written with NumPy)."""
    shapes = layer.__dict__.setdefault("_traced_shapes", {})
    mask_tensors, layout = _mask_arrays(masks)
    mask_shapes = [tuple(m.shape) for m in mask_tensors]
    key = repr(input_shape) + _kwargs_key(call_kwargs) + repr((layout, mask_shapes))
    if key not in shapes:
        several = isinstance(input_shape, list)
        in_shapes = input_shape if several else [input_shape]
        n_in = len(in_shapes)

        def run(xs: list, mask_values: list):
            kwargs = _call_keywords(call_kwargs, layout, mask_values)
            return _run_call(layer, xs if several else xs[0], False, kwargs)

        def dummy_masks(arrays: list) -> list:
            # all-true masks shaped like the leading axes of the inputs they belong to
            owners = [0] if layout == "one" else [i for i, m in enumerate(layout or ()) if m]
            return [
                backend.xp.ones(arrays[i].shape[: len(s)], bool)
                for i, s in zip(owners, mask_shapes)
            ]

        try:
            trace = Trace.of(
                lambda *xs: run(list(xs[:n_in]), list(xs[n_in:])),
                [tuple(s) for s in in_shapes] + mask_shapes,
                [layer.dtype] * n_in + ["bool"] * len(mask_shapes),
            )
            out = trace.output_shapes if trace.several else trace.output_shapes[0]
        except TraceError:
            state = [(v, v.numpy()) for v in layer.weights]  # (dummy runs leave no trace)
            try:
                out = infer_output_shape(
                    lambda a: run(a if several else [a], dummy_masks(a if several else [a])),
                    input_shape,
                    layer.dtype,
                    _describe(layer),
                    "Define compute_output_shape(input_shape) on the layer.",
                )
            finally:
                for v, value in state:
                    v.assign(value)
        shapes[key] = out
    return shapes[key]


class _InheritedPass(Layer):
    """Inside a trace: the call of `owner` (a class with its own backward pass) on a
    subclass's layer, reached through `super().call(x)`; it runs `owner`'s forward and
    backward on that layer, whose weights receive the gradients."""

    def __init__(self, layer, owner: type):
        name = f"{layer.name}_{to_snake_case(owner.__name__)}_call"
        super().__init__(name=name, dtype=layer.dtype)
        self.layer, self.owner = layer, owner
        self.built = True

    def _sublayers(self) -> list:
        return [self.layer]

    def compute_output_shape(self, input_shape):
        return self.owner.compute_output_shape(self.layer, input_shape)

    def call(self, inputs, training: bool = False):
        return _run_owner(self.owner.call, self.layer, inputs, training)

    def forward(self, inputs, training: bool = True):
        return _run_owner(self.owner.forward, self.layer, inputs, training)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        return self.owner.backward(self.layer, cache, grad_output, need_input_grad)


def _run_owner(method, layer, inputs, training: bool):
    kwargs = {"training": training} if _takes_training(method) else {}
    return method(layer, inputs, **kwargs)


@functools.cache
def _takes_training(method) -> bool:
    return "training" in inspect.signature(method).parameters


def inherited_call(layer, owner: type, inputs, training):
    """Record `owner`'s own pass on `layer` (see `_InheritedPass`)."""
    return _InheritedPass(layer, owner)._call_symbolic(inputs, training=training)
