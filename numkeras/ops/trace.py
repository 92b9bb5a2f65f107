"""Traces: a Python function of tensors, run once on symbolic tensors so numkeras can train
through it.

numkeras has no general autograd: every layer and operation carries its own backward
pass. A function that computes with `numkeras.ops` (or Keras 2's `K.*` functions, or
Python operators on tensors) can still be differentiated: called on symbolic tensors it
records its operations (and any layers it calls) as graph nodes, and that graph runs
forward and backward as a functional model does. Custom loss functions, `Lambda` layers
and layers that define only `call` train this way, as they do in Keras.

Variables the function reads (a custom layer's `self.w`) become extra inputs of the
graph, so their gradients reach them. Arrays it reads are constants, as in Keras.

>>> import numpy as np
>>> from numkeras import ops
>>> trace = Trace.of(lambda a, b: ops.sum(ops.square(a - b), axis=-1), [(None, 2), (None, 2)])
>>> values, caches = trace.forward([np.ones((1, 2), "float32"), np.zeros((1, 2), "float32")])
>>> values[0].tolist(), trace.backward(caches, [np.ones(1, "float32")])[0].tolist()
([2.0], [[2.0, 2.0]])
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence

import numpy as np

from numkeras import backend
from numkeras.errors import ShapeError, format_shape
from numkeras.layers import layer as layer_module
from numkeras.layers.input_layer import InputLayer
from numkeras.layers.keras_tensor import KerasTensor, Node
from numkeras.layers.layer import Layer, _loss_sinks, collecting_losses
from numkeras.utils.naming import traced_operations
from numkeras.variables import Variable, keeping_trainable


class TraceError(TypeError):
    """A function could not be traced into operations (the message says why)."""


class _Placeholder(InputLayer):
    """A graph input of any shape (a variable's, which has no batch axis)."""

    def __init__(self, shape: tuple, dtype: str, name: str):
        self._init_with_dtype(dtype, name=name)  # (a mask's bool stays bool)
        self.batch_shape = tuple(shape)
        self.optional = False
        self.built = True
        self._build_input_shape = self.batch_shape
        self._node = Node(self, [], self.batch_shape, dtype=dtype)


class _VariableRead(Layer):
    """A step that outputs a variable's current value (its input only orders it in the
    graph) and gives the variable the gradient that reaches it: how a subclassed model's
    graph reads the weights its own `call` uses (`self.w`)."""

    def __init__(self, variable: Variable, name: str):
        super().__init__(name=name, dtype=str(variable.dtype))
        self.variable = variable
        self.built = True

    @property
    def weights(self) -> list:
        return [self.variable]

    def compute_output_shape(self, input_shape):
        return self.variable.shape

    def call(self, inputs, training: bool = False):
        return self.variable.value

    def forward(self, inputs, training: bool = True):
        return self.variable.value, None

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        self.variable.add_grad(grad_output)
        return None


class _ConstantRead(Layer):
    """A step that outputs a fixed array (its input only orders it in the graph): an array
    a traced call gives a layer (keras.io's `self.pos_emb(ops.arange(maxlen))`), so the
    layer is a step of the graph and its weights train."""

    def __init__(self, value, name: str):
        super().__init__(name=name)
        self.value = value
        self.built = True

    def compute_output_shape(self, input_shape):
        return tuple(self.value.shape)

    def call(self, inputs, training: bool = False):
        return self.value

    def forward(self, inputs, training: bool = True):
        return self.value, None

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        return None


class _Capture:
    """The variables read during one trace, each with its tensor: a placeholder (an extra
    graph input), or with `variables_after_anchor`, a `_VariableRead` step after `anchor`
    (a graph input, which also orders the constants layers are given)."""

    def __init__(self, anchor: KerasTensor | None = None, variables_after_anchor=False):
        self.anchor = anchor
        self.variables_after_anchor = variables_after_anchor
        self.variables: list[Variable] = []
        self.tensors: list[KerasTensor] = []
        self.constants = 0
        # the trainable variables the traced call assigned (`assign`), each with the
        # tensor of its latest value: what later reads in the trace see
        self.assigned: dict[int, tuple[Variable, KerasTensor]] = {}

    def constant_tensor(self, value) -> KerasTensor | None:
        if self.anchor is None:
            return None
        self.constants += 1
        name = f"{self.anchor.name}_trace_constant_{self.constants}"
        return _ConstantRead(backend.xp.array(value), name)(self.anchor)

    def tensor_for(self, variable: Variable) -> KerasTensor:
        assigned = self.assigned.get(id(variable))
        if assigned is not None:
            return assigned[1]
        for v, t in zip(self.variables, self.tensors):
            if v is variable:
                return t
        name = f"trace_variable_{len(self.variables)}"
        if self.variables_after_anchor:
            tensor = _VariableRead(variable, f"{self.anchor.name}_{name}")(self.anchor)
        else:
            tensor = _Placeholder(variable.shape, str(variable.dtype), name).output
        self.variables.append(variable)
        self.tensors.append(tensor)
        return tensor


_captures: list[_Capture] = []
_loss_captures: list[list] = []  # the `add_loss` tensors of the traces running

# The gradients a GradientTape gives the `add_loss` values of the traced calls in a model
# call it recorded (numkeras.autodiff.recorder): `LossSink.keys` -> seed. Unset, a loss's
# gradient is 1: a training step adds the losses to the loss it differentiates.
_loss_seeds: list[dict] = []


@contextlib.contextmanager
def seeding_losses(seeds: dict):
    """Inside the block, the traced calls' backward passes give their added losses the
    gradients `seeds` holds (by `LossSink.keys`; 1 where a key is missing)."""
    _loss_seeds.append(seeds)
    try:
        yield
    finally:
        _loss_seeds.pop()


class LossSink(list):
    """A sink of `add_loss` values (`collecting_losses`) that also notes, in `keys`, the
    traced call that added each, so a GradientTape can seed each loss's gradient with what
    the user's computation made of it (`model.losses` in a custom train_step)."""

    def __init__(self):
        super().__init__()
        self.keys: list = []  # (None: a value added eagerly, a constant)

    def append(self, value) -> None:
        super().append(value)
        self.keys.append(None)

    def extend(self, values) -> None:
        for value in values:
            self.append(value)

    def add(self, values, keys) -> None:
        super().extend(values)
        self.keys.extend(keys)


def record_loss(layer, loss: KerasTensor) -> None:
    """`layer.add_loss(loss)` on a symbolic tensor: recorded by the running trace (summed
    to a scalar), which adds it to the loss and gives it the gradient 1."""
    if not _loss_captures:
        raise TraceError(
            f"Layer '{layer.name}' added a symbolic loss outside a traced call: add_loss "
            "takes the values computed in call()."
        )
    from numkeras import ops

    _loss_captures[-1].append(loss if not loss.shape else ops.sum(loss))


def tracing_losses() -> bool:
    """Whether a trace is collecting `add_loss` tensors."""
    return bool(_loss_captures)


@contextlib.contextmanager
def capturing_losses():
    """Inside the block, symbolic `add_loss` tensors are appended to the list it gives."""
    found: list = []
    _loss_captures.append(found)
    try:
        yield found
    finally:
        _loss_captures.pop()


def variable_tensor(variable: Variable) -> KerasTensor | None:
    """Inside a trace, the symbolic tensor standing for `variable`; else None."""
    return _captures[-1].tensor_for(variable) if _captures else None


def tracing() -> bool:
    return bool(_captures)


def assign_in_trace(variable: Variable, value: KerasTensor) -> bool:
    """`variable.assign(value)` inside a traced call, for a trainable variable: the rest
    of the trace computes with `value` where it reads the variable (operations, and the
    layers that own it: `_WithAssigned`), so the gradient reaches the variable through
    `value`; the variable itself keeps its value, as a Keras 3 step on JAX keeps the
    trainable variables' own (its stateless scope drops the assignment) and the optimizer
    updates them. False where this does not apply (no trace; a non-trainable variable)."""
    if not _captures or not variable._trainable:
        return False
    if len(value.shape) != len(variable.shape) or any(
        d is not None and d != e for d, e in zip(value.shape, variable.shape)
    ):
        raise ShapeError(
            f"Cannot assign a value of shape {format_shape(value.shape)} to variable "
            f"'{variable.path}' of shape {format_shape(variable.shape)}."
        )
    if str(value.dtype) != str(variable.dtype):
        from numkeras import ops

        value = ops.cast(value, variable.dtype)
    _captures[-1].assigned[id(variable)] = (variable, value)
    return True


class _WithAssigned(Layer):
    """Inside a trace, the call of `layer` after the traced call assigned some of its
    weights (`variables`): the step takes the assigned values as further inputs, runs
    `layer`'s own forward and backward passes with them in the weights, and gives their
    gradients (what `layer`'s backward pass writes for those weights) back through the
    graph to what they were computed from. The weights are put back after each pass."""

    _substitutes = True

    def __init__(self, layer, variables: list, n_in: int, several: bool):
        super().__init__(name=f"{layer.name}_with_assigned", dtype=layer.dtype)
        self.layer, self.assigned = layer, variables  # (`variables`: Layer's property)
        self.n_in, self.several = n_in, several
        self.built = True

    def _sublayers(self) -> list:
        return [self.layer]

    def compute_output_shape(self, input_shape):
        shapes = list(input_shape[: self.n_in])
        return layer_module.call_output_shape(self.layer, shapes if self.several else shapes[0])

    def _split(self, inputs):
        xs = list(inputs[: self.n_in])
        return (xs if self.several else xs[0]), list(inputs[self.n_in :])

    def call(self, inputs, training: bool = False):
        return self.forward(inputs, training)[0]

    def forward(self, inputs, training: bool = True):
        x, values = self._split(inputs)
        if _tape_recording():
            # a GradientTape records the call, eagerly, as in TensorFlow and torch, whose
            # eager `assign` stores the value and is not differentiated: the weights keep
            # the assigned values and take their gradient at them
            for v, value in zip(self.assigned, values):
                v._value[...] = value
            out, cache = self.layer.forward(x, training=training)
            return out, (cache, None)
        with _holding(self.assigned, values):
            out, cache = self.layer.forward(x, training=training)
        return out, (cache, values)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        cache, values = cache
        if values is None:  # (recorded by a GradientTape: see forward)
            gin = self.layer.backward(cache, grad_output, need_input_grad=need_input_grad)
            if gin is None:
                gin = [None] * self.n_in if self.several else None
            return (list(gin) if self.several else [gin]) + [None] * len(self.assigned)
        xp = backend.xp
        grads = [xp.zeros(v.shape, v.dtype) for v in self.assigned]
        saved = [(v.grad, v._grad_fresh) for v in self.assigned]
        try:  # (the layer's backward pass writes these weights' gradients into `grads`)
            for v, g in zip(self.assigned, grads):
                v.grad, v._grad_fresh = g, False
            with _holding(self.assigned, values):
                gin = self.layer.backward(cache, grad_output, need_input_grad=need_input_grad)
        finally:
            for v, (grad, fresh) in zip(self.assigned, saved):
                v.grad, v._grad_fresh = grad, fresh
        if gin is None:
            gin = [None] * self.n_in if self.several else None
        return (list(gin) if self.several else [gin]) + grads


def _tape_recording() -> bool:
    """Whether a GradientTape records (the call running is one it records)."""
    from numkeras.autodiff import recorder

    return bool(recorder.recording_tapes())


@contextlib.contextmanager
def _holding(variables: list, values: list):
    """Inside the block, `variables` hold `values` (written into their storage, which a
    model's flat weight buffer may own); their own values come back after it."""
    own = [v._value.copy() for v in variables]
    try:
        for v, value in zip(variables, values):
            v._value[...] = value
        yield
    finally:
        for v, value in zip(variables, own):
            v._value[...] = value


def _call_with_assigned(layer, inputs, training, kwargs: dict):
    """`layer(inputs)` inside a trace that assigned some of its weights: a `_WithAssigned`
    step (None where none of its weights was assigned, or outside a trace)."""
    if not _captures or not _captures[-1].assigned or getattr(layer, "_substitutes", False):
        return None
    assigned = _captures[-1].assigned
    owned = {id(w) for w in layer.weights}
    found = [(v, t) for key, (v, t) in assigned.items() if key in owned]
    if not found:
        return None
    if any(value is not None for key, value in kwargs.items() if key != "training"):
        raise TraceError(
            f"layer '{layer.name}' computes with a weight the traced call assigned and is "
            f"called with keyword arguments {sorted(kwargs)}, which numkeras cannot record"
        )
    several = isinstance(inputs, (list, tuple))
    xs = list(inputs) if several else [inputs]
    step = _WithAssigned(layer, [v for v, _ in found], len(xs), several)
    return step._call_symbolic(xs + [t for _, t in found], training=training)


@contextlib.contextmanager
def reading_variables(anchor: KerasTensor):
    """Inside the block, variables used in operations become `_VariableRead` steps after
    `anchor` (a subclassed model's trace: its graph has no variable inputs)."""
    _captures.append(_Capture(anchor, variables_after_anchor=True))
    try:
        yield
    finally:
        _captures.pop()


def constant_in_trace(value):
    """Inside a trace, an array a layer is called on, as a graph tensor (else None)."""
    if not _captures or not isinstance(value, (np.ndarray, backend.xp.ndarray)):
        return None
    return _captures[-1].constant_tensor(value)


class Trace:
    """The graph of operations one call of a function recorded (see the module docstring).

    `forward(args) -> (outputs, caches)` and `backward(caches, output_grads)` run it on
    arrays; the variables it read receive their gradients through `Variable.add_grad`.
    """

    def __init__(
        self, graph, n_args: int, variables: list[Variable], several: bool, n_outputs: int
    ):
        # a functional Model: the arguments, then the variables, as inputs; the function's
        # outputs, then the losses it added (`add_loss`), as outputs
        self.graph = graph
        self.n_args = n_args
        self.variables = variables
        self.several = several  # whether the function returned a list of tensors
        self.n_outputs = n_outputs
        self.has_layers = any(not getattr(s.layer, "is_operation", False) for s in graph._steps)
        self.has_random = any(getattr(s.layer, "is_random", False) for s in graph._steps)

    @classmethod
    def of(cls, fn: Callable, shapes: Sequence[tuple], dtypes: Sequence[str] | None = None):
        """Trace `fn(*tensors)` on symbolic tensors of `shapes` (batch axis included, None
        where unknown). Raises `TraceError` saying why when it cannot be traced."""
        from numkeras.models.model import Model

        dtypes = list(dtypes or [backend.floatx()] * len(shapes))
        # (the graph's own layers are named explicitly: a user's next layer keeps its
        # name; the operations take names as in Keras's symbolic calls)
        args = [
            _Placeholder(tuple(s), d, f"trace_input_{i}").output
            for i, (s, d) in enumerate(zip(shapes, dtypes))
        ]
        capture = _Capture(args[0] if args else None)
        _captures.append(capture)
        try:  # (its operations take no names from the program's: see traced_operations)
            with np.errstate(all="ignore"), capturing_losses() as losses, traced_operations():
                out = fn(*args)
        except TraceError:
            raise
        except Exception as e:  # noqa: BLE001 - any failure: not traceable, say why
            raise TraceError(f"{type(e).__name__}: {e}") from e
        finally:
            _captures.pop()
        several = isinstance(out, (list, tuple))
        outs = list(out) if several else [out]
        for o in outs:
            if not isinstance(o, KerasTensor):
                raise TraceError(
                    f"it returned {type(o).__name__}, not a tensor computed from its inputs "
                    "with numkeras.ops (NumPy functions and Python values carry no gradient)"
                )
        graph = Model(args + capture.tensors, outs + losses, name="trace")
        return cls(graph, len(args), capture.variables, several, len(outs))

    @property
    def output_shapes(self) -> list[tuple]:
        return [tuple(t.shape) for t in self.graph._outputs_list[: self.n_outputs]]

    def _inputs(self, args) -> list:
        return list(args) + [v.value for v in self.variables]

    def call(self, args, training: bool = False) -> list:
        """The outputs (a list) for `args` (arrays, one per traced argument)."""
        return self.graph._run(self._inputs(args), training=training)[: self.n_outputs]

    def forward(self, args, training: bool = True) -> tuple[list, list]:
        """The outputs (a list) and the caches `backward` needs. The losses the function
        added go to the running model's loss (`layers.layer.collecting_losses`)."""
        caches: list = [None] * len(self.graph._steps)
        outs = self.graph._run(self._inputs(args), training, caches)
        if len(outs) > self.n_outputs and _loss_sinks:
            sink, added = _loss_sinks[-1], outs[self.n_outputs :]
            values = [np.float32(float(v)) for v in added]
            if isinstance(sink, LossSink):  # (a recorded call's: keyed by this call)
                sink.add(values, [(id(caches), k) for k in range(len(added))])
            else:
                sink.extend(values)
        return outs[: self.n_outputs], caches

    def backward(self, caches: list, output_grads: list, need_args=True) -> list:
        """d/d(arguments) (None where not needed) for the gradients of the outputs (and 1
        for each added loss); the variables' gradients go to the variables being trained."""
        need = [need_args] * self.n_args if isinstance(need_args, bool) else list(need_args)
        need += [v.wants_grad for v in self.variables]
        # (the graph's layers may write into the gradients they receive: give it copies)
        grads = [None if g is None else backend.xp.array(g) for g in output_grads]
        dtypes = [t.dtype for t in self.graph._outputs_list[self.n_outputs :]]
        seeds = _loss_seeds[-1] if _loss_seeds else {}
        grads += [
            backend.xp.asarray(seeds.get((id(caches), k), 1), d) for k, d in enumerate(dtypes)
        ]
        gins = self.graph._backward(caches, grads, need)
        for v, g in zip(self.variables, gins[self.n_args :]):
            if g is not None:
                v.add_grad(g)
        return gins[: self.n_args]

    def unused_variables(self, variables) -> list[Variable]:
        """Those of `variables` the traced computation never reads (it cannot train them)."""
        reached = {id(v) for v in self.variables}
        for step in self.graph._steps:
            reached.update(id(v) for v in step.layer.weights)
        return [v for v in variables if id(v) not in reached]


def trace_for(store: dict, tag, fn: Callable, arrays: list, validate=None) -> Trace:
    """The trace of `fn` for arrays like `arrays`, kept in `store` (the owner's dict).

    It is made once per sample shapes, dtypes and `tag`, with the batch axis unknown, so
    one trace serves every batch size; a function that needs the batch size (e.g. to
    draw noise of that shape) is traced per batch size instead. `validate(trace)` may
    refuse a new trace by raising `TraceError`. A failure is remembered and raised again.
    """
    signature = (tag, tuple((tuple(a.shape[1:]), str(a.dtype)) for a in arrays))
    exact = (signature, tuple(len(a) for a in arrays))
    found = store.get(signature) or store.get(exact)
    if found is None:
        dtypes = [str(a.dtype) for a in arrays]
        key = signature
        try:
            found = Trace.of(fn, [(None, *a.shape[1:]) for a in arrays], dtypes)
        except TraceError:
            key = exact
            try:
                found = Trace.of(fn, [tuple(a.shape) for a in arrays], dtypes)
            except TraceError as e:
                found = e
        if isinstance(found, Trace) and validate is not None:
            try:
                validate(found)
            except TraceError as e:
                found = e
        store[key] = found
    if isinstance(found, TraceError):
        raise found
    return found


def check_same(trace: Trace, args: list, eager, training: bool = False) -> None:
    """Refuse a trace whose values on `args` differ from the function's own (`eager`, its
    result or a function giving it): the function did something a trace cannot see (NumPy
    on values, Python branches on values). Skipped where the graph draws random numbers
    (random ops; in training, layers such as Dropout)."""
    if trace.has_random or (training and trace.has_layers):
        return
    traced = trace.call(args, training)
    # (the losses this check adds are not the model's, nor the weights its call assigns)
    with collecting_losses([]), keeping_trainable():
        eager = eager() if callable(eager) else eager
    if not values_match(traced, eager):
        raise TraceError(
            "it gives other values when traced into operations than when run on "
            "arrays, so it computes something the trace cannot see (NumPy functions on "
            "values, Python branches on values, random numbers drawn outside numkeras.ops)"
        )


def values_match(traced, eager) -> bool:
    """Whether a traced graph's outputs equal the function's own (float32 rounding aside):
    arrays, or lists of arrays."""
    xp = backend.xp
    traced = list(traced) if isinstance(traced, (list, tuple)) else [traced]
    eager = list(eager) if isinstance(eager, (list, tuple)) else [eager]
    if len(eager) != len(traced):
        return False
    for t, e in zip(traced, eager):
        e = xp.asarray(e)
        if tuple(t.shape) != tuple(e.shape):
            return False
        t64, e64 = t.astype("float64"), e.astype("float64")
        scale = float(xp.nanmax(xp.abs(e64))) if e64.size else 0.0
        if not bool(xp.allclose(t64, e64, rtol=1e-4, atol=1e-5 * max(scale, 1.0), equal_nan=True)):
            return False
    return True


def infer_output_shape(run: Callable, input_shape, dtype: str, who: str, hint: str):
    """The output shape(s) of `run(arrays)`, found by running it on dummy arrays: the
    unknown axes of the inputs get size 2, then 3; an output axis that differs between
    the two runs is unknown (None). For functions that cannot be traced (NumPy code)."""
    several_in = isinstance(input_shape, list)
    shapes_in = input_shape if several_in else [input_shape]
    results, several = [], False
    for size in (2, 3):
        arrays = [
            backend.xp.full(tuple(size if d is None else d for d in s), 0.5, dtype)
            for s in shapes_in
        ]
        try:
            with np.errstate(all="ignore"), collecting_losses([]):
                out = run(arrays if several_in else arrays[0])
        except Exception as e:  # noqa: BLE001 - any failure: ask for the output shape
            raise NotImplementedError(
                f"We could not automatically infer the shape of the output of {who}: running "
                f"it on dummy inputs of shape(s) {[format_shape(a.shape) for a in arrays]} "
                f"raised {type(e).__name__}: {e}. {hint}"
            ) from e
        several = isinstance(out, (list, tuple))
        outs = out if several else [out]
        results.append([tuple(backend.xp.asarray(o).shape) for o in outs])
    a, b = results
    if len(a) != len(b) or any(len(x) != len(y) for x, y in zip(a, b)):
        raise ShapeError(f"The rank of the output of {who} depends on the input sizes. {hint}")
    merged = [tuple(x if x == y else None for x, y in zip(s, t)) for s, t in zip(a, b)]
    return merged if several else merged[0]


layer_module._constant_hook = constant_in_trace
layer_module._assigned_hook = _call_with_assigned
