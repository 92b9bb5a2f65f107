"""`GradientTape`: gradients of eager computations, modelled on `tf.GradientTape`.

While a tape is active (its `with` block), the eager calls numkeras can differentiate
are recorded (see `numkeras.autodiff.recorder`): layer and model calls on arrays
(through their `forward`, `training` honoured), `numkeras.ops` functions, losses,
`model.compute_loss`, and Python operators and NumPy functions on recorded values (a
`TapeTensor`, the NumPy array subclass recorded calls return). `tape.gradient(target,
sources)` runs the recorded backward passes in reverse order; variables get theirs from
the layers' own backward passes. This is what a custom `train_step` needs:

>>> import numpy as np
>>> from numkeras import layers, losses, models, optimizers
>>> model = models.Sequential([layers.Input((3,)), layers.Dense(1)])
>>> opt = optimizers.SGD(0.1)
>>> x, y = np.ones((4, 3), "float32"), np.zeros((4, 1), "float32")
>>> with GradientTape() as tape:
...     loss = losses.MeanSquaredError()(y, model(x, training=True))
>>> grads = tape.gradient(loss, model.trainable_weights)
>>> [g.shape for g in grads]
[(3, 1), (1,)]
>>> _ = opt.apply_gradients(zip(grads, model.trainable_weights))

Deviations from `tf.GradientTape`, each because numkeras differentiates with
hand-written backward passes instead of recording primitive operations:

- Second-order gradients (a tape differentiating another tape's gradient) are exact
  where `second_order.py` has rules (its docstring lists them): a gradient with respect
  to arrays (WGAN-GP's gradient penalty, the norm of a critic's gradient for its inputs)
  through the layers and ops a critic is made of, alone or in models. Others (a gradient
  with respect to weights, one through a loss or a recurrent layer) raise a `TapeError`
  when the outer tape reaches them with a nonzero cotangent.
  `jacobian` and `batch_jacobian` run one backward pass per target element (TF
  vectorizes them): exact, and slow for large targets.
- `watch(x)` returns the watched value (a `TapeTensor` for an array): Python operators
  on a plain NumPy array are NumPy's, so use what `watch` returns (TF returns None).
- A loss's `y_true` is a constant (labels), except for KLDivergence, MeanSquaredError
  and MeanAbsoluteError (`Loss.target_vjp`), whose recorded targets get their
  gradient (keras.io's knowledge distillation trains its teacher through it, as Keras).
- It records on NumPy only: on CuPy (a GPU) entering a tape raises a `TapeError`.
- Every variable a recorded computation reads is watched (trainable or not) unless
  `watch_accessed_variables=False`.
- Activity-regularizer penalties and `add_loss` values inside recorded models are not
  part of the recorded value (`compute_loss` adds `model.losses` as constants, except
  the weight penalties, which get their gradients).
"""

from __future__ import annotations

import contextlib
import functools

import numpy as np

from numkeras import backend, tree
from numkeras.autodiff import recorder, second_order
from numkeras.autodiff.recorder import TapeError
from numkeras.autodiff.tensor import TapeTensor
from numkeras.backend import heap
from numkeras.variables import Variable

__all__ = ["GradientTape", "TapeError", "TapeTensor"]


class GradientTape:
    """Record eager computations to differentiate them (see the module docstring).

    Args:
        persistent: allow several `gradient` calls (the recorded caches are kept
            until the tape is deleted or `reset`); by default one call releases them.
        watch_accessed_variables: watch every variable the recorded computations read
            (default). With False, only what `watch` was given is differentiated.

    >>> import numpy as np
    >>> from numkeras import ops
    >>> from numkeras.variables import Variable
    >>> w = Variable(np.array([1.0, 2.0], "float32"))
    >>> with GradientTape() as tape:
    ...     y = ops.sum(w * w)
    >>> tape.gradient(y, w).tolist()
    [2.0, 4.0]
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self._persistent = bool(persistent)
        self._watch_accessed = bool(watch_accessed_variables)
        self._nodes: list | None = []
        self._watched_arrays: dict = {}  # id(plain array) -> its TapeTensor
        self._watched_vars: list = []
        self._watched_ids: set = set()
        self._used = False
        self._recording = False
        self._last_pass = None  # (the nodes, cotangents and source keys of the last pass)

    # -- recording -----------------------------------------------------------------------
    def __enter__(self) -> GradientTape:
        if self._recording:
            raise TapeError("This GradientTape is already recording; enter it once.")
        if backend.on_cupy():
            raise TapeError(
                "GradientTape records NumPy arrays only (its values are a NumPy array "
                "subclass), and numkeras runs on CuPy here. On the GPU, train with fit / "
                "train_on_batch; or run this loop on the CPU: "
                "numkeras.backend.set_array_module('numpy') before building the models."
            )
        heap.keep_freed_memory()  # (a custom loop's steps free and reallocate, as fit's)
        self._recording = True
        recorder.start(self)
        return self

    def __exit__(self, *exc) -> None:
        self._recording = False
        recorder.stop(self)

    def _record(self, node) -> None:
        if self._nodes is not None:  # (a spent non-persistent tape records nothing more)
            self._nodes.append(node)

    @contextlib.contextmanager
    def stop_recording(self):
        """Inside the block nothing is recorded on this tape (as TF's `stop_recording`)."""
        if not self._recording:
            raise TapeError("stop_recording() needs the tape to be recording (inside its with).")
        self._recording = False
        recorder.stop(self)
        try:
            yield
        finally:
            self._recording = True
            recorder.start(self)

    def reset(self) -> None:
        """Forget everything recorded and watched (the tape keeps recording if it was)."""
        self._nodes = []
        self._watched_arrays.clear()
        self._watched_vars.clear()
        self._watched_ids.clear()
        self._used = False

    def watch(self, tensor):
        """Differentiate with respect to `tensor` (an array, a recorded tensor, a variable,
        or a nested structure of them); returns it, arrays as `TapeTensor`s to compute with
        (TF returns None: use the returned value for Python operators)."""
        flat = tree.flatten(tensor)
        out = [self._watch_one(t) for t in flat]
        return tree.pack_sequence_as(tensor, out) if tree.is_nested(tensor) else out[0]

    def _watch_one(self, t):
        if isinstance(t, Variable):
            if id(t) not in self._watched_ids:
                self._watched_vars.append(t)
                self._watched_ids.add(id(t))
            return t
        if isinstance(t, TapeTensor):
            if t._tid <= 0:
                t._tid = recorder.new_id()
            self._watched_ids.add(t._tid)
            return t
        if isinstance(t, np.ndarray):
            if t.dtype.kind != "f":
                raise TapeError(
                    f"GradientTape.watch takes float arrays (gradients are floats); got an "
                    f"array of dtype {t.dtype}."
                )
            found = self._watched_arrays.get(id(t))
            for other in recorder.recording_tapes():  # (watched by an outer tape: the same)
                found = found if found is not None else other._watched_arrays.get(id(t))
            if found is None:
                found = t.view(TapeTensor)
                found._tid = recorder.new_id()
            self._watched_arrays[id(t)] = found  # (the view keeps `t`, so its id)
            self._watched_ids.add(found._tid)
            return found
        raise TapeError(
            f"GradientTape.watch takes float arrays, recorded tensors or variables; got "
            f"{type(t).__name__}."
        )

    def watched_variables(self) -> list:
        """The variables this tape watches: those given to `watch`, and (by default) those
        the recorded computations read."""
        found = list(self._watched_vars)
        seen = {id(v) for v in found}
        for node in self._nodes or ():
            for v in node.variables:
                if id(v) not in seen and v.trainable:
                    seen.add(id(v))
                    found.append(v)
        return found

    # -- differentiating -----------------------------------------------------------------
    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        """d(target)/d(sources), shaped like `sources` (a variable, an array, or a nested
        structure of them): plain NumPy arrays of each source's dtype, None where a source
        does not affect the target (zeros with `unconnected_gradients="zero"`). Several
        targets are summed; `output_gradients` weight them (default: ones)."""
        zero = self._zero_unconnected(unconnected_gradients)
        flat_sources = tree.flatten(sources)
        targets = tree.flatten(target)
        grads_out = [None] * len(targets) if output_gradients is None else output_gradients
        grads_out = tree.flatten(grads_out)
        if len(grads_out) != len(targets):
            raise TapeError(
                f"output_gradients holds {len(grads_out)} value(s) for {len(targets)} target(s)."
            )
        return self._differentiate(
            sources, lambda: self._gradient(targets, grads_out, flat_sources, zero), True
        )

    def jacobian(
        self,
        target,
        sources,
        unconnected_gradients="none",
        parallel_iterations=None,
        experimental_use_pfor: bool = True,
    ):
        """d(target)/d(sources) element by element, as TF's `jacobian`: for each source an
        array of shape `target.shape + source.shape` (None where the source does not affect
        the target, zeros with `unconnected_gradients="zero"`). One backward pass per
        element of `target` (TF's pfor vectorizes them; the values are the same).

        >>> import numpy as np
        >>> x = np.array([1.0, 2.0], "float32")
        >>> with GradientTape() as tape:
        ...     x = tape.watch(x)
        ...     y = x * x
        >>> tape.jacobian(y, x).tolist()
        [[2.0, 0.0], [0.0, 4.0]]
        """
        zero = self._zero_unconnected(unconnected_gradients)
        flat_sources = tree.flatten(sources)
        value = target.value if isinstance(target, Variable) else target
        rows = functools.partial(self._gradient, [target], sources=flat_sources, zero=False)

        def stacked():
            per_row = [rows([seed]) for seed in one_hots(np.shape(value), value.dtype)]
            return [
                _stack_rows([r[i] for r in per_row], np.shape(value), s, zero)
                for i, s in enumerate(flat_sources)
            ]

        return self._differentiate(sources, stacked)

    def batch_jacobian(
        self,
        target,
        source,
        unconnected_gradients="none",
        parallel_iterations=None,
        experimental_use_pfor: bool = True,
    ):
        """TF's `batch_jacobian`: for `target` `(b, y...)` computed row by row from `source`
        `(b, x...)`, the `(b, y..., x...)` array of each row's Jacobian. One backward pass
        per element of a target row (every row at once: rows must not mix, as TF assumes).

        >>> import numpy as np
        >>> x = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
        >>> with GradientTape() as tape:
        ...     x = tape.watch(x)
        ...     y = x * x
        >>> tape.batch_jacobian(y, x).tolist()
        [[[2.0, 0.0], [0.0, 4.0]], [[6.0, 0.0], [0.0, 8.0]]]
        """
        zero = self._zero_unconnected(unconnected_gradients)
        value = target.value if isinstance(target, Variable) else target
        shape, src_shape = np.shape(value), np.shape(source)
        if not shape or not src_shape or shape[0] != src_shape[0]:
            raise TapeError(
                f"batch_jacobian needs the first axis of target {shape} and source "
                f"{src_shape} to match (the batch)."
            )

        def stacked():
            per_row = []
            for seed in one_hots(shape[1:], value.dtype):  # (every batch row at once)
                seeds = np.broadcast_to(seed, shape).astype(value.dtype)
                per_row.append(self._gradient([target], [seeds], [source], zero=False)[0])
            jac = _stack_rows(per_row, shape[1:], source, zero)  # (y..., b, x...)
            if jac is None:
                return [None]
            return [np.ascontiguousarray(np.moveaxis(jac, len(shape) - 1, 0))]

        return self._differentiate(source, stacked)

    @staticmethod
    def _zero_unconnected(unconnected_gradients) -> bool:
        mode = getattr(unconnected_gradients, "value", unconnected_gradients)
        if mode not in ("none", "zero"):
            raise TapeError(
                f"unconnected_gradients must be 'none' or 'zero', got {unconnected_gradients!r}."
            )
        return mode == "zero"

    def _differentiate(self, sources, compute, one_pass: bool = False):
        """Run `compute()` (the flat results, one per source) on this tape's record, shaped
        as `sources`; a non-persistent tape is spent after it. `one_pass`: `compute` is one
        backward pass (`gradient`), which an outer tape may differentiate."""
        if self._nodes is None:
            raise TapeError(
                "A non-persistent GradientTape can only be used to compute one set of "
                "gradients; use GradientTape(persistent=True) to call gradient() again."
            )
        outer = recorder.recording_tapes()
        self._last_pass = None
        with recorder.paused():
            result = compute()
        if not self._persistent:
            self._nodes = None
        if outer:  # a gradient taken while a tape records: differentiable there, or marked
            result = self._record_result(result, sources, outer, one_pass)
        self._last_pass = None
        return tree.pack_sequence_as(sources, result) if tree.is_nested(sources) else result[0]

    def _record_result(self, result: list, sources, outer: list, one_pass: bool) -> list:
        """The results of a gradient taken while `outer` tapes record: recorded there as
        one differentiable node (`second_order.py`: gradients with respect to arrays,
        through the calls it has rules for), else marked so that differentiating them
        raises a TapeError."""
        found = self._last_pass if one_pass else None
        flat = tree.flatten(sources)
        if found is not None and not any(isinstance(s, Variable) for s in flat):
            tensors = second_order.result_tensors(result)
            nodes, grads, src_keys = found
            if second_order.record(nodes, grads, src_keys, tensors, outer):
                return tensors
        return [None if g is None else _grad_result(g) for g in result]

    def _source_key(self, s):
        if isinstance(s, Variable):
            if not self._watch_accessed and id(s) not in self._watched_ids:
                return None
            return recorder.variable_key(s)
        if isinstance(s, TapeTensor):
            return s._tid if s._tid > 0 else None
        if isinstance(s, np.ndarray):
            found = self._watched_arrays.get(id(s))
            return None if found is None else found._tid
        raise TapeError(
            f"GradientTape.gradient sources must be variables or arrays (or nested lists of "
            f"them); got {type(s).__name__}."
        )

    def _target_key(self, t):
        if isinstance(t, Variable):
            return recorder.variable_key(t)
        if isinstance(t, TapeTensor) and t._tid > 0:
            return t._tid
        if isinstance(t, np.ndarray) and id(t) in self._watched_arrays:
            return self._watched_arrays[id(t)]._tid
        raise TapeError(
            f"The target of GradientTape.gradient is a {type(t).__name__} that no tape "
            "recorded: it was computed outside the tape, or by NumPy on plain arrays "
            "(np.asarray(x), x.numpy(), float(x) and the like cut the record). Compute it "
            "inside the `with` block from recorded values, with layers, losses and "
            "numkeras.ops (Python operators on recorded tensors are recorded too)."
        )

    def _gradient(self, targets, grads_out, sources, zero: bool) -> list:
        nodes = self._nodes
        src_keys = [self._source_key(s) for s in sources]
        src_set = {k for k in src_keys if k is not None}
        var_of = {recorder.variable_key(s): s for s in sources if isinstance(s, Variable)}
        # which recorded values depend on a source (only those nodes run backward)
        reach = set(src_set)
        relevant = []
        for node in nodes:
            hit = node.second_order or any(k in reach for k in node.inputs)
            if not hit and node.variables:
                hit = any(recorder.variable_key(v) in var_of for v in node.variables)
            if not hit and node.links:  # (an output computed from a source output)
                hit = any(node.outputs[i] in src_set for i in node.links)
            if hit:
                relevant.append(node)
                reach.update(k for k in node.outputs if k is not None)
        grads: dict = {}
        for t, g in zip(targets, grads_out):
            key = self._target_key(t)
            value = t.value if isinstance(t, Variable) else t
            dtype = value.dtype
            seed = np.ones(value.shape, dtype) if g is None else np.asarray(g, dtype)
            grads[key] = seed if key not in grads else grads[key] + seed
        # the variables' own gradient buffers, as a training step starts them; restored after
        touched = {}
        for node in relevant:
            for v in node.variables:
                touched.setdefault(id(v), v)
        for v in var_of.values():
            touched.setdefault(id(v), v)
        saved = [(v, v.grad, v._grad_fresh) for v in touched.values()]
        buffers = {}
        try:
            for v in touched.values():
                key = recorder.variable_key(v)
                if key in var_of and key in src_set:
                    buffers[key] = np.empty(v.shape, v.dtype)
                    v.start_grad(buffers[key])
                else:
                    v.start_grad(None)
            for node in reversed(relevant):
                gouts = [None if k is None else grads.get(k) for k in node.outputs]
                if all(g is None for g in gouts):
                    continue
                if node.second_order:
                    # (a zero cotangent, through a piecewise-constant op such as FGSM's
                    # `sign(g)`, contributes nothing: no rule needed)
                    if not any(g is not None and backend.xp.any(g) for g in gouts):
                        continue
                    raise TapeError(
                        "GradientTape.gradient reached the result of another "
                        "tape.gradient() call (a second-order gradient) that numkeras "
                        "cannot differentiate: numkeras differentiates with hand-written "
                        "backward passes, and second-order rules exist only for a gradient "
                        "with respect to arrays (a model's inputs, as WGAN-GP's gradient "
                        "penalty takes) through Dense, convolutions, elementwise "
                        "activations, dropout, layer and batch normalization, max pooling, "
                        "the layers that move values linearly and the ops that are "
                        "products, divisions, softmax or elementwise functions "
                        "(numkeras/autodiff/second_order.py); not for gradients with "
                        "respect to weights, nor through losses, recurrent or attention "
                        "layers. Build the critic from those layers, or train without the "
                        "penalty (weight clipping, spectral normalization)."
                    )
                # (an output that is a source: the gradient through the outputs computed
                # from it too; only a source's gradient is read after this node)
                if node.links and any(node.outputs[i] in src_set for i in node.links):
                    for i, g in node.output_totals(gouts).items():
                        if g is not None and node.outputs[i] is not None:
                            grads[node.outputs[i]] = g
                need = [k is not None and k in reach for k in node.inputs]
                if not any(need) and not node.variables:
                    continue
                gins = node.backward(gouts, need)
                for k, g, n, meta in zip(node.inputs, gins, need, node.in_meta):
                    if g is None or not n:
                        continue
                    g = _like(g, meta)
                    grads[k] = g if k not in grads else grads[k] + g
            self._last_pass = (list(nodes), grads, src_keys)  # (for `_record_result`)
            result = []
            for s, key in zip(sources, src_keys):
                g = None
                if key is not None:
                    g = grads.get(key)
                    v = var_of.get(key)
                    if v is not None and not v._grad_fresh and key in buffers:
                        g = buffers[key] if g is None else buffers[key] + g
                value = s.value if isinstance(s, Variable) else s
                if g is None:
                    result.append(np.zeros(value.shape, value.dtype) if zero else None)
                else:
                    g = _like(g, (value.shape, value.dtype))
                    # (np.ascontiguousarray makes a 0-d gradient 1-d: a scalar variable's
                    # gradient is a scalar, as TensorFlow's tape gives it)
                    result.append(g if g.flags.c_contiguous else np.ascontiguousarray(g))
        finally:
            for v, g, fresh in saved:
                v.grad, v._grad_fresh = g, fresh
        return result

    def __repr__(self) -> str:
        n = 0 if self._nodes is None else len(self._nodes)
        state = "recording" if self._recording else "stopped"
        return f"<GradientTape {state}, persistent={self._persistent}, {n} recorded call(s)>"


def _like(g, meta):
    """`g` as a plain array of the value's shape and dtype."""
    shape, dtype = meta
    g = g.view(np.ndarray) if isinstance(g, TapeTensor) else np.asarray(g)
    if dtype is not None and g.dtype != dtype and np.dtype(dtype).kind == "f":
        g = g.astype(dtype)
    if tuple(g.shape) != tuple(shape) and g.size == int(np.prod(shape)):
        g = g.reshape(shape)
    return g


def one_hots(shape, dtype):
    """One array of `shape` per element, 1 there and 0 elsewhere, in C order (the seeds
    of a Jacobian's rows, here and in `jvp`)."""
    for i in range(int(np.prod(shape))):
        seed = np.zeros(shape, dtype)
        seed.flat[i] = 1
        yield seed


def _stack_rows(rows: list, target_shape, source, zero: bool):
    """A source's Jacobian, `target_shape + source.shape`, from its gradient per target
    element (None where unconnected; all None: None, or zeros with `zero`)."""
    value = source.value if isinstance(source, Variable) else source
    shape = (*target_shape, *np.shape(value))
    if all(g is None for g in rows):
        return np.zeros(shape, value.dtype) if zero else None
    filled = [np.zeros(np.shape(value), value.dtype) if g is None else g for g in rows]
    return np.stack(filled).reshape(shape)


def _grad_result(g):
    t = g.view(TapeTensor)
    t._tid = recorder.new_id()
    t._grad_result = True
    return t
