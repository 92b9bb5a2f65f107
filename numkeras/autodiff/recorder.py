"""What a recording `GradientTape` records, and the hooks that record it.

numkeras has no general autograd: each layer, operation and loss has its own backward
pass. While a tape records, the eager calls that reach those passes are recorded as
`Node`s, each keeping the cache its backward pass needs:

- `Layer.__call__` / `Model.__call__` on arrays: run through `forward(inputs, training)`
  (a layer written the Keras way, with only `call`, and a subclassed model run their own
  `call` eagerly instead, so the layers and operations inside are recorded one by one);
- `numkeras.ops` functions (an `Operation`'s `_forward` / `_backward`), which Python
  operators and NumPy calls on recorded tensors reach too (`TapeTensor`);
- `Loss` objects and the loss functions (through `Loss.call`), and `model.compute_loss`.

The hooks are module globals in those modules (`_tape_hook`), None unless a tape is
recording and not paused: when no tape records, each hot path pays one `is not None`
check. `_sync` sets them; the recorded computations run with them paused, so nothing
inside a recorded layer is recorded twice.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
from typing import NamedTuple

import numpy as np

from numkeras import backend, tree
from numkeras.errors import NumkerasError
from numkeras.layers import autocast


class TapeError(NumkerasError, RuntimeError):
    """A GradientTape cannot record or differentiate this (the message says why)."""


RECORDING = False  # a tape records and the hooks are not paused (TapeTensor reads it)
_tapes: list = []  # the tapes recording now, outermost first
_pause = 0
_ids = itertools.count(1)
_modules: tuple | None = None


def _hook_modules() -> tuple:
    global _modules
    if _modules is None:
        from numkeras.layers import layer
        from numkeras.losses import loss
        from numkeras.ops import operation
        from numkeras.trainers import trainer

        _modules = (layer, operation, loss, trainer)
    return _modules


def _sync() -> None:
    """Install the hooks where a tape records (and none is paused), else remove them."""
    global RECORDING
    on = bool(_tapes) and _pause == 0
    RECORDING = on
    layer, operation, loss, trainer = _hook_modules()
    layer._tape_hook = record_layer_call if on else None
    operation._tape_hook = record_op_call if on else None
    loss._tape_hook = record_loss_call if on else None
    trainer._tape_hook = record_compute_loss if on else None


@contextlib.contextmanager
def paused():
    """Inside the block nothing is recorded (the recorded computations themselves)."""
    global _pause
    _pause += 1
    _sync()
    try:
        yield
    finally:
        _pause -= 1
        _sync()


@contextlib.contextmanager
def isolated():
    """Inside the block only the tapes started in it record; the recording ones wait
    (`Layer.stateless_call` records its call on a tape of its own, then one step on
    theirs)."""
    outer = _tapes[:]
    del _tapes[:]
    _sync()
    try:
        yield
    finally:
        _tapes[:] = outer
        _sync()


def start(tape) -> None:
    _tapes.append(tape)
    _sync()


def stop(tape) -> None:
    for i in range(len(_tapes) - 1, -1, -1):
        if _tapes[i] is tape:
            del _tapes[i]
            break
    _sync()


def recording_tapes() -> list:
    return list(_tapes)


class Node:
    """One recorded call: the keys of its inputs (None: a constant) and outputs, and
    `backward(output_grads, need) -> one gradient per input (None where not needed)`.
    `variables`: the weights its backward pass gives gradients with `add_grad` (a layer's).
    `second_order`: an input is a `tape.gradient` result that cannot be differentiated
    (see `GradientTape.gradient`). `call`: a `LayerCall` or `OpCall`, what `second_order.py`
    differentiates."""

    __slots__ = (
        "backward",
        "call",
        "in_meta",
        "inputs",
        "links",
        "name",
        "output_totals",
        "outputs",
        "second_order",
        "variables",
    )

    def __init__(self, name, inputs, in_meta, outputs, backward, variables=(), second_order=False):
        self.call = None
        # a functional model's call whose outputs include an inner layer's output and what
        # is computed from it (keras.io's Grad-CAM: `Model(x, [conv.output, model.output])`):
        # `links` {i: [j, ...]}, output j computed from output i; `output_totals(gouts)`
        # gives each such output i the gradient reaching it through the others too, as a
        # TensorFlow tape does through the operations inside
        self.links = None
        self.output_totals = None
        self.name = name
        self.inputs = inputs
        self.in_meta = in_meta  # (shape, dtype) per input, to give gradients that form
        self.outputs = outputs
        self.backward = backward
        self.variables = tuple(variables)
        self.second_order = second_order

    def __repr__(self) -> str:
        return f"<Node {self.name}: {len(self.inputs)} input(s) -> {len(self.outputs)}>"


class LayerCall(NamedTuple):
    """What `second_order.py` differentiates of a recorded layer or model call."""

    layer: object
    cache: object
    n_outputs: int
    multi_in: bool
    multi_out: bool


class OpCall(NamedTuple):
    """What `second_order.py` differentiates of a recorded op call: its arguments as
    plain arrays, and the path of each recorded one (`Node.inputs`, in order)."""

    op: object
    args: tuple
    positions: list


def _add(node: Node) -> None:
    for tape in _tapes:
        tape._record(node)


def variable_key(v) -> tuple:
    return ("v", id(v))


def key_of(x):
    """The recorded value `x` is (a tensor id, a variable key), or None for a constant.
    Refuses an unrouted float view of a recorded tensor."""
    from numkeras.autodiff.tensor import TapeTensor
    from numkeras.variables import Variable

    if isinstance(x, TapeTensor):
        if x._tid > 0:
            return x._tid
        if x._tid < 0 and x.dtype.kind == "f":
            raise TapeError(
                "A value derived from a recorded tensor by an ndarray method the tape does not "
                "route (a view or copy made by NumPy itself) reached a recorded operation, so "
                "its gradient would be lost. Compute it with numkeras.ops (ops.reshape, "
                "ops.transpose, x[...]) instead."
            )
        return None
    if isinstance(x, Variable):
        return variable_key(x)
    if isinstance(x, np.ndarray):
        for tape in _tapes:
            t = tape._watched_arrays.get(id(x))
            if t is not None:
                return t._tid
    return None


def wrap(value):
    """A recorded output: a float array as a new `TapeTensor`; others stay plain."""
    from numkeras.autodiff.tensor import TapeTensor

    value = value if isinstance(value, np.ndarray) else backend.xp.asarray(value)
    if value.dtype.kind != "f":
        return value
    t = value.view(TapeTensor)
    t._tid = next(_ids)
    return t


def new_id() -> int:
    return next(_ids)


def _meta(x):
    a = x.value if hasattr(x, "value") and not isinstance(x, np.ndarray) else x
    return (tuple(np.shape(a)), getattr(a, "dtype", None))


def _is_grad_result(x) -> bool:
    return getattr(x, "_grad_result", False)


# -- numkeras.ops ------------------------------------------------------------------------
def _strip_args(args, leaves: list):
    """The arguments with recorded values as plain arrays; `leaves` gets `(path, key,
    value)` for each recorded one (path: the positional index, then the list index)."""
    from numkeras.autodiff.tensor import TapeTensor
    from numkeras.layers.keras_tensor import KerasTensor
    from numkeras.variables import Variable

    def walk(a, path):
        if isinstance(a, KerasTensor):
            raise _Symbolic
        if isinstance(a, (TapeTensor, Variable)) or (
            isinstance(a, np.ndarray) and any(t._watched_arrays for t in _tapes)
        ):
            key = key_of(a)
            if key is not None:
                leaves.append((path, key, a))
            if isinstance(a, TapeTensor):
                return a.view(np.ndarray)
            return a.value if isinstance(a, Variable) else a
        if isinstance(a, (list, tuple)) and not hasattr(a, "_fields"):
            return type(a)(walk(b, (*path, i)) for i, b in enumerate(a))
        return a

    return tuple(walk(a, (i,)) for i, a in enumerate(args))


class _Symbolic(Exception):
    pass


def record_op_call(op, args):
    """`Operation.__call__`'s hook: record an eager op call on recorded values."""
    leaves: list = []
    try:
        plain_args = _strip_args(args, leaves)
    except _Symbolic:
        return NotImplemented
    if not leaves:
        return NotImplemented
    with paused():
        out, cache = op._forward(*plain_args)
        out = op._arrays(out)
    several = op.multi_output
    outs = list(out) if several else [out]
    wrapped = [wrap(o) for o in outs]
    out_meta = [(tuple(o.shape), o.dtype) for o in outs]
    positions = [path for path, _, _ in leaves]

    def backward(gouts, need):
        gouts = [
            g if g is not None else np.zeros(s, d if d.kind == "f" else backend.floatx())
            for g, (s, d) in zip(gouts, out_meta)
        ]
        wanted = [False] * len(plain_args)
        for (path, *_), n in zip(leaves, need):
            wanted[path[0]] = wanted[path[0]] or n
        grads = op._backward(cache, gouts if several else gouts[0], tuple(wanted))
        found = []
        for path in positions:
            g = grads
            for i in path:
                g = None if g is None else g[i]
            found.append(g)
        return found

    node = Node(
        type(op).__name__,
        # (stop_gradient connects nothing: a source reached only through it has no
        # gradient, None as TensorFlow's tape gives, not zeros)
        [None if op.stops_gradient else k for _, k, _ in leaves],
        [_meta(v) for _, _, v in leaves],
        [getattr(w, "_tid", None) for w in wrapped],
        backward,
        # (a piecewise-constant op, FGSM's sign(g), passes no gradient back to g)
        second_order=not op.zero_gradient and any(_is_grad_result(v) for _, _, v in leaves),
    )
    if not several:
        node.call = OpCall(op, plain_args, positions)
    _add(node)
    return wrapped if several else wrapped[0]


# -- layers and models -------------------------------------------------------------------
_MARK = np.empty(0, "float32")  # a stand-in gradient buffer while a recorded forward runs


def record_layer_call(layer, args, kwargs, base: bool = True):
    """`Layer.__call__`'s hook (`base`), and a subclass's own `__call__`'s: record a call
    on arrays. Returns NotImplemented to let the call run as usual (symbolic inputs; a
    subclass's own call arguments, which it turns into a `Layer.__call__`)."""
    from numkeras.layers.layer import is_symbolic

    kwargs = dict(kwargs)
    if args:
        inputs, rest = args[0], args[1:]
    elif "inputs" in kwargs:
        inputs, rest = kwargs.pop("inputs"), ()
    else:
        return NotImplemented
    if rest:  # only a model's own call takes `training` second; others normalize their own
        if len(rest) > 1 or not hasattr(layer, "_standardize_inputs"):
            return NotImplemented
        kwargs.setdefault("training", rest[0])
    training = kwargs.pop("training", None)
    extra = {k: v for k, v in kwargs.items() if v is not None and v is not False}
    if is_symbolic(inputs) or (isinstance(inputs, dict) and is_symbolic(list(inputs.values()))):
        return NotImplemented
    if getattr(layer, "is_operation", False):
        return NotImplemented
    if isinstance(inputs, dict) and not hasattr(layer, "_standardize_inputs"):
        return NotImplemented  # (only a model takes inputs by name)
    if _runs_own_call(layer):
        if extra:
            return NotImplemented
        return _eager_call(layer, inputs, training)
    if extra and not (base or hasattr(layer, "_standardize_inputs")):
        return NotImplemented  # (its own call turns them into Layer.__call__'s)
    if extra and not all(_forward_accepts(layer, k) for k in extra):
        _refuse(layer, extra)
    return _forward_call(layer, inputs, training, extra, base)


def _forward_accepts(layer, name: str) -> bool:
    from numkeras.layers.layer import accepts

    return accepts(layer, name, "forward")


def _refuse(layer, extra):
    raise TapeError(
        f"A GradientTape cannot record the call of layer '{layer.name}' "
        f"({type(layer).__name__}) with the arguments {sorted(extra)}: its forward pass "
        "does not take them. Call it with inputs (and training) only."
    )


def _runs_own_call(layer) -> bool:
    """A subclassed model, or a layer written the Keras way (only `call`): its `call`
    runs eagerly and what it computes is recorded step by step."""
    from numkeras.layers import layer as layer_module

    if type(layer).forward is layer_module._traced_forward:
        return True
    own = getattr(layer, "_has_own_call", None)
    return bool(own is not None and own())


def _flat(inputs):
    if isinstance(inputs, (list, tuple)) and inputs and hasattr(inputs[0], "shape"):
        return list(inputs), True
    if isinstance(inputs, (list, tuple)) and inputs and isinstance(inputs[0], (list, tuple)):
        leaves = tree.flatten(inputs)  # (a batch's structure, `(x,)`: its arrays, in order)
        if leaves and all(hasattr(a, "shape") for a in leaves):
            return list(leaves), True
    return [inputs], False


def _eager_call(layer, inputs, training):
    """Run `layer.call` eagerly with the tape recording (inputs cast by recorded ops)."""
    from numkeras import ops
    from numkeras.layers.layer import (
        _is_user_layer,
        call_accepts_training,
        shape_of,
        training_default,
    )

    flat, several = _flat(inputs)
    # a user's layer or model gets its integer inputs as they are (Keras casts floats only)
    keeps_integers = layer.integer_inputs == "own" or _is_user_layer(layer)
    cast = []
    for x in flat:
        if keeps_integers and getattr(getattr(x, "dtype", None), "kind", "f") in "iub":
            cast.append(plain_of(x))
            continue
        a = x if isinstance(x, np.ndarray) else backend.cast_input(x, layer.dtype)
        if a.dtype.kind == "f" and a.dtype != np.dtype(layer.dtype):
            a = ops.cast(a, layer.dtype)
        elif a.dtype.kind in "iub":
            a = backend.cast_input(plain_of(a), layer.dtype)
        cast.append(a)
    inputs = cast if several else cast[0]
    with paused():
        if hasattr(layer, "_run_own_build"):
            layer._run_own_build(shape_of(plain_of(inputs)))
            layer.built = True
        else:
            layer._maybe_build(shape_of(plain_of(inputs)))
    kwargs = {}
    if call_accepts_training(layer):
        kwargs["training"] = bool(training_default(layer) if training is None else training)
    layer._added_losses = []  # (`losses` lists this call's `add_loss` values, as Keras)
    return layer.call(inputs, **kwargs)


def plain_of(x):
    from numkeras.autodiff.tensor import plain

    return plain(x)


def _forward_call(layer, inputs, training, extra, base: bool = True):
    from numkeras.layers.layer import _convert, collecting_losses, shape_of, training_default
    from numkeras.models.model import Model
    from numkeras.ops.trace import LossSink, seeding_losses

    flat, several = _flat(inputs) if not isinstance(inputs, dict) else (None, False)
    if flat is None:
        keys = [None] * len(inputs)
        flat_plain = None
    else:
        keys = [key_of(x) for x in flat]
        flat_plain = [plain_of(x) for x in flat]
    is_model = isinstance(layer, Model)
    with paused():
        if flat_plain is None:
            arrays = layer._standardize_inputs(plain_of(inputs), broadcast_batch=True)
        else:
            given = flat_plain if several else flat_plain[0]
            ints = any(getattr(a, "dtype", np.dtype("f")).kind in "iub" for a in flat_plain)
            # (a layer with its own __call__, as Embedding, keeps integer ids as they are;
            # the others cast them, or not, by their `integer_inputs`)
            arrays = given if ints and not base else _convert(given, layer.dtype, layer)
        if is_model:
            if not layer._graph_ready:
                layer.build(shape_of(arrays))
            if flat_plain is not None:  # (a direct call: a batch of one beside a batch)
                arrays = layer._standardize_inputs(arrays, broadcast_batch=True)
            fin = arrays[0] if layer._single_input else arrays
            train = bool(training)
        else:
            layer._maybe_build(shape_of(arrays))
            # (a mixed_float16 layer computes from float16 values: layers/autocast.py)
            fin = tree.map_structure(autocast.round_half, arrays) if layer._mixed else arrays
            train = bool(training_default(layer) if training is None else training)
        weights = layer.weights
        if not weights and all(k is None for k in keys):  # nothing to differentiate
            out = layer.call(fin, **({"training": train} if _accepts_training(layer) else {}))
            return tree.map_structure(autocast.to_half, out) if layer._mixed else out
        saved = [(v, v.grad, v._grad_fresh) for v in layer.trainable_weights]
        try:
            for v, g, _ in saved:  # (forward passes ask `wants_grad`, as in a training step)
                if g is None:
                    v.grad, v._grad_fresh = _MARK, True
            stateful = _stateful(layer) if train else []
            for s in stateful:
                s.discard_updates()
            # (the `add_loss` values of traced calls in a model's run: its `losses`, each
            # with its own gradient, as Keras's backends differentiate them)
            added = LossSink()
            with autocast.half_weights(layer), collecting_losses(added):
                out, cache = layer.forward(fin, training=train, **extra)
            for s in stateful:  # a direct call updates the moving statistics at once (Keras)
                s.commit_updates()
        finally:
            for v, g, fresh in saved:
                v.grad, v._grad_fresh = g, fresh
    if layer._mixed:
        out = tree.map_structure(autocast.to_half, out)
    multi_out = isinstance(out, (list, tuple))
    outs = list(out) if multi_out else [out]
    wrapped = [wrap(o) for o in outs]
    out_meta = [(tuple(o.shape), o.dtype) for o in outs]
    multi_in = isinstance(fin, list)
    in_meta = [_meta(x) for x in (flat if flat is not None else keys)]
    losses = [wrap(np.asarray(v, "float32")) for v in added]
    if is_model:  # (`losses` lists this call's, as Keras)
        layer._added_losses, layer._activity_losses = list(losses), []

    def backward(gouts, need):
        gouts, loss_grads = gouts[: len(outs)], gouts[len(outs) :]
        gs = _filled(gouts, out_meta)
        wanted = any(need)
        if layer._mixed:  # (float16 gradients, as the forward pass's values)
            gs = [autocast.round_half(g) for g in gs]
        seeds = {
            key: 0.0 if g is None else float(np.sum(g))
            for key, g in zip(added.keys, loss_grads)
            if key is not None
        }
        with autocast.half_weights(layer), seeding_losses(seeds):
            gin = layer.backward(cache, gs if multi_out else gs[0], need_input_grad=wanted)
        if layer._mixed:
            gin = tree.map_structure(autocast.round_half, gin)
        if not wanted or gin is None:
            return [None] * len(keys)
        return list(gin) if multi_in else [gin]

    node = Node(
        layer.name,
        keys,
        in_meta,
        [getattr(w, "_tid", None) for w in wrapped + losses],
        backward,
        variables=weights,
        second_order=any(_is_grad_result(x) for x in (flat or ())),
    )
    node.call = LayerCall(layer, cache, len(outs), multi_in, multi_out)
    if is_model and multi_out:
        node.links = _output_links(layer) or None
        if node.links:
            node.output_totals = functools.partial(
                _output_totals, layer, cache, out_meta, node.links
            )
    _add(node)
    if is_model and multi_out:
        return layer._structure_outputs(wrapped)
    if multi_out:
        return type(out)(wrapped) if isinstance(out, tuple) else wrapped
    return wrapped[0]


@contextlib.contextmanager
def gradients_off(variables):
    """Inside, backward passes give these variables no gradient (a backward pass run only
    for the gradients it passes on); their gradient buffers are restored after."""
    saved = [(v, v.grad, v._grad_fresh) for v in variables]
    for v, _, _ in saved:
        v.grad = None
    try:
        yield
    finally:
        for v, grad, fresh in saved:
            v.grad, v._grad_fresh = grad, fresh


def _output_links(model) -> dict:
    """{i: [j, ...]}: the outputs j of `model` computed from its output i (an inner layer's
    output given as an output too)."""
    slots = model._output_slots
    links = {}
    for i, start in enumerate(slots):
        reached = {start}
        for step in model._steps:  # (in graph order)
            if any(s in reached for s in step.in_slots):
                reached.update(step.out_slots)
        later = [j for j, s in enumerate(slots) if j != i and s in reached]
        if later:
            links[i] = later
    return links


def _output_totals(model, cache, out_meta, links, gouts) -> dict:
    """{i: the gradient reaching output i}, its own and what flows back to it from the
    outputs computed from it (see `Node.links`), by a backward pass through `model` that
    gives its weights nothing."""
    keep = {model._output_slots[i]: None for i in links}
    with gradients_off(model.weights):
        model._backward(cache, _filled(gouts, out_meta), True, keep)
    return {i: keep[model._output_slots[i]] for i in links}


def _filled(gouts, out_meta) -> list:
    """Copies of a call's output gradients (layers may write into the gradients they
    receive), zeros where None."""
    return [
        np.array(g) if g is not None else np.zeros(s, d if d.kind == "f" else "float32")
        for g, (s, d) in zip(gouts, out_meta)
    ]


def _accepts_training(layer) -> bool:
    from numkeras.layers.layer import call_accepts_training

    return call_accepts_training(layer)


def _stateful(layer) -> list:
    from numkeras.layers.layer import layer_tree

    found = [la for la in layer_tree(layer) if hasattr(la, "commit_updates")]
    return found


# -- losses ------------------------------------------------------------------------------
def record_loss_call(loss, method, y_true, y_pred, sample_weight=None, mask=None):
    """`Loss.__call__` / `Loss.call`'s hook: record a loss of a recorded `y_pred` through
    its fused value-and-gradient. `y_true` is a constant (a label), unless it was recorded
    too and the loss gives its targets a gradient (`Loss.target_grad`: KLDivergence of a
    teacher's softened predictions), as Keras's backends differentiate both. A recorded
    `y_true` of a constant `y_pred` is recorded alone (keras.io's actor-critic:
    `huber_loss(critic_value, discounted_return)`)."""
    key, key_true = key_of(y_pred), key_of(y_true)
    reduced = method == "__call__" and loss.reduction not in (None, "none")
    if key is None and (key_true is None or not reduced):
        return NotImplemented
    yt, yp = plain_of(y_true), plain_of(y_pred)
    sw = plain_of(sample_weight)
    raw_shape, raw_dtype = tuple(np.shape(yp)), np.asarray(yp).dtype
    keys, metas = ([key], [(raw_shape, raw_dtype)]) if key is not None else ([], [])
    with paused():
        if reduced:
            value, grad = loss.value_and_grad(yt, yp, sample_weight=sw, mask=mask)
            grad_true = None
            if key_true is not None:
                grad_true = loss.target_grad(yt, yp, sample_weight=sw, mask=mask)
            if grad_true is not None:
                keys.append(key_true)
                metas.append((tuple(np.shape(yt)), np.asarray(yt).dtype))
            if not keys:  # (a loss without a gradient in its targets: a constant)
                return NotImplemented

            def backward(gouts, need):
                found = [grad * gouts[0].astype(grad.dtype, copy=False)] if key is not None else []
                if grad_true is not None:
                    found.append(grad_true * gouts[0].astype(grad_true.dtype, copy=False))
                return found

        else:
            if not loss._has_forward():
                raise TapeError(
                    f"A GradientTape records loss '{loss.name}' with a reduction (its "
                    "default), or its per-sample values when it defines `forward`; this "
                    "call asks for something else. Use reduction='sum_over_batch_size'."
                )
            ypc = backend.cast_input(yp, loss.dtype)
            yt_a, yp_a = loss._prepare(yt, ypc)
            values, vjp = loss.forward(yt_a, yp_a)
            if method == "call" and loss._mask(yt_a) is not None:
                raise TapeError(
                    f"A GradientTape cannot record the per-sample values of loss "
                    f"'{loss.name}' with ignore_class; call the loss object instead."
                )
            if method == "call":
                value, weigh = values, None
            else:  # reduction=None: the weighted, masked values `Loss.__call__` gives
                from numkeras.losses.loss import join_masks, weighted_unreduced

                value, weigh = weighted_unreduced(
                    values, sw, join_masks(mask, loss._mask(yt_a)), loss.dtype
                )

            def backward(gouts, need):
                g = gouts[0] if weigh is None else weigh(gouts[0])
                g = vjp(g.astype(values.dtype, copy=False))
                return [g.reshape(raw_shape).astype(raw_dtype, copy=False)]

    out = wrap(np.asarray(value))
    node = Node(
        f"loss {loss.name}",
        keys,
        metas,
        [out._tid],
        backward,
        second_order=_is_grad_result(y_pred),
    )
    _add(node)
    return out


def record_weight_penalty(v):
    """A trainable weight's regularization penalty (an entry of `layer.losses`, a float32
    scalar) read while a tape records: a recorded value with the regularizer's gradient,
    as Keras's backends differentiate `self.losses` in a custom `compute_loss`."""
    with paused():
        value = np.float32(float(v.regularizer(v.value)))
    out = wrap(np.asarray(value))

    def backward(gs, need):
        return [v.regularizer.grad(v.value) * gs[0].astype(v.dtype)]

    _add(Node(f"{v.path} penalty", [variable_key(v)], [(v.shape, v.dtype)], [out._tid], backward))
    return out


def record_compute_loss(model, x, y, y_pred, sample_weight, training):
    """`Trainer.compute_loss`'s hook: the compiled losses of recorded predictions, plus
    `model.losses` (the weight penalties with their gradients; activity penalties and
    added losses as constants)."""
    if y_pred is None:
        if x is None:
            return NotImplemented
        model._assert_compiled("compute_loss")
        y_pred = model(x, training=training)
    model._assert_compiled("compute_loss")
    raw = model._per_output(y_pred)
    keys = [key_of(p) for p in raw]
    reg_vars = [v for v in model.trainable_weights if v.regularizer is not None]
    if all(k is None for k in keys) and not reg_vars:
        return NotImplemented
    with paused():
        masks = model._prediction_masks(y_pred)
        outs = model._prediction_list(plain_of(y_pred))
        ys = model._standardize_targets(y, len(outs[0]))
        sws = model._standardize_sample_weights(sample_weight, len(outs[0]))
        total, _, gouts = model._losses_and_grads(ys, outs, sws, True, masks)
        total += sum(float(v) for v in model.losses)
    metas = [(tuple(o.shape), o.dtype) for o in outs]

    def backward(gs, need):
        g = gs[0]
        found = [None if go is None else go * g.astype(go.dtype) for go in gouts]
        found += [v.regularizer.grad(v.value) * g.astype(v.dtype) for v in reg_vars]
        return found

    out = wrap(np.asarray(total, backend.floatx()))
    node = Node(
        f"{model.name}.compute_loss",
        keys + [variable_key(v) for v in reg_vars],
        metas + [(v.shape, v.dtype) for v in reg_vars],
        [out._tid],
        backward,
        second_order=any(_is_grad_result(p) for p in raw),
    )
    _add(node)
    return out
