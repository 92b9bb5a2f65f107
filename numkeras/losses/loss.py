"""`Loss`: the base class, Keras 3's reduction rules, and a fused value-and-gradient.

A built-in loss implements one method, `forward(y_true, y_pred) -> (values, vjp)`, on
targets already checked and adapted by `check_targets`: `values` are the per-sample losses
(Keras's function form) and `vjp(dvalues)` maps d(reduced loss)/d(values) back to
d(reduced loss)/d(y_pred). `__call__`, `call` and `value_and_grad` are built on it.

>>> import numpy as np
>>> from numkeras.losses import MeanSquaredError
>>> mse = MeanSquaredError()
>>> y_true = np.array([[0.0], [1.0]], "float32")
>>> y_pred = np.array([[0.5], [0.5]], "float32")
>>> float(mse(y_true, y_pred))
0.25
>>> loss, grad = mse.value_and_grad(y_true, y_pred)
>>> grad.ravel().tolist()
[0.5, -0.5]
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

import numpy as np

from numkeras import backend, shapes
from numkeras.errors import (
    ArgumentTypeError,
    ConfigError,
    IncompatibleShapesError,
    ShapeError,
    format_shape,
    warn_deprecated,
)
from numkeras.ops.trace import TraceError, check_same, trace_for
from numkeras.utils.naming import config_repr, to_snake_case

# Set by numkeras.autodiff while a GradientTape records (else None: one check per call).
_tape_hook = None

REDUCTIONS = ("sum_over_batch_size", "sum", "none", None, "mean", "mean_with_sample_weight")


class Reduction:
    """Keras 2's names for the reductions (`losses.Reduction.NONE`, ...), for classic
    scripts: the strings Keras 3 takes, and Keras 2's default "auto" (taken as
    "sum_over_batch_size", what it meant outside a distribution strategy).

    >>> from numkeras.losses import MeanSquaredError
    >>> MeanSquaredError(reduction=Reduction.NONE).reduction
    'none'
    """

    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls) -> tuple[str, ...]:
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key) -> None:
        if key not in cls.all():
            raise ConfigError(f'Invalid Reduction Key: {key}. Expected keys are "{cls.all()}"')


def standardize_reduction(reduction):
    """Validate `reduction` against Keras 3's allowed values (and Keras 2's "auto")."""
    if reduction == Reduction.AUTO:
        warn_deprecated(
            "`reduction='auto'` is a Keras 2 spelling; Keras 3 names it 'sum_over_batch_size'."
        )
        return "sum_over_batch_size"
    if reduction not in REDUCTIONS:
        names = ", ".join(repr(r) for r in REDUCTIONS)
        raise ConfigError(
            f"Invalid value for argument `reduction`: {reduction!r}. Expected one of {names}."
        )
    return reduction


def standardize_dtype(dtype) -> str:
    """Dtype name for a loss/metric's computations (`None` -> `backend.floatx()`)."""
    if dtype is None:
        return backend.floatx()
    name = getattr(dtype, "name", None) or str(dtype)
    if name not in ("float16", "float32", "float64"):
        raise ConfigError(
            f"Invalid dtype {dtype!r}: losses and metrics compute in 'float16', 'float32' "
            "or 'float64'."
        )
    return name


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1: bool = True):
    """Keras's rule: when ranks differ by one and the longer ends in 1, match them.

    A rank-1 partner is expanded (`(N,)` -> `(N, 1)`), otherwise the trailing 1 is squeezed.
    Any other difference is left alone (the caller decides whether it is an error).
    """
    xp = backend.xp
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = xp.expand_dims(x2, -1)
        else:
            x1 = xp.squeeze(x1, -1)
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = xp.expand_dims(x1, -1)
        else:
            x2 = xp.squeeze(x2, -1)
    return x1, x2


def adapted_shapes(true_shape: tuple, pred_shape: tuple) -> tuple[tuple, tuple]:
    """The shapes `squeeze_or_expand_to_same_rank` would produce, without any arrays."""
    t, p = tuple(true_shape), tuple(pred_shape)
    if len(t) == len(p) + 1 and t[-1] == 1:
        if len(p) == 1:
            p = p + (1,)
        else:
            t = t[:-1]
    elif len(p) == len(t) + 1 and p[-1] == 1:
        if len(t) == 1:
            t = t + (1,)
        else:
            p = p[:-1]
    return t, p


def target_mismatch(message: str, true_shape: tuple, pred_shape: tuple) -> ShapeError:
    """The error for targets that do not fit the predictions: an `IncompatibleShapesError`
    (also the TypeError JAX raises when Keras computes with them) where their ranks agree
    once a trailing axis of 1 is squeezed or added, a `ShapeError` (Keras's ValueError)
    where they do not."""
    true_a, pred_a = adapted_shapes(true_shape, pred_shape)
    return (IncompatibleShapesError if len(true_a) == len(pred_a) else ShapeError)(message)


def _align_sample_weight(values, sample_weight):
    """Match `sample_weight` to the per-sample `values` as Keras does, never broadcasting blindly.

    Keras squeezes/expands a trailing 1 and then multiplies. Beyond that we also accept
    per-sample weights `(N,)` for per-timestep losses `(N, T)` (expanded to `(N, 1)`; Keras
    would raise or, when T == N, silently mis-broadcast), and reject every other broadcast.
    """
    values_a, sw = squeeze_or_expand_to_same_rank(values, sample_weight)
    if 1 <= sw.ndim < values_a.ndim and sw.shape == values_a.shape[: sw.ndim]:
        sw = sw.reshape(sw.shape + (1,) * (values_a.ndim - sw.ndim))
    try:
        out_shape = np.broadcast_shapes(values_a.shape, sw.shape)
    except ValueError:
        out_shape = None
    if out_shape is None or (values_a.ndim > 0 and out_shape != values_a.shape):
        # (JAX raises TypeError where Keras multiplies them, Keras's checks ValueError)
        raise IncompatibleShapesError(
            f"sample_weight has shape {format_shape(sample_weight.shape)}, which does not match "
            f"the per-sample loss values of shape {format_shape(values.shape)}. Pass one weight "
            "per sample (shape (batch_size,)) or a scalar."
        )
    return values_a, sw


def apply_mask(sample_weight, mask, dtype: str, reduction):
    """Merge a mask (a model output's, `ignore_class`'s) into the sample weights, as
    Keras's `apply_mask`: with a mean reduction, the valid entries weigh `total / valid`,
    so the mean runs over them only. Per-sample weights `(N,)` with a per-step mask
    `(N, T)` weigh each sample's steps (Keras 3 raises there).

    >>> apply_mask(None, np.array([[True, True, False, False]]), "float32", "sum_over_batch_size")
    array([[2., 2., 0., 0.]], dtype=float32)
    """
    if mask is None:
        return sample_weight
    xp = backend.xp
    mask = xp.asarray(mask)
    if mask.dtype != bool:
        mask = mask.astype(bool)
    if reduction in ("mean", "sum_over_batch_size"):
        # valid entries get total/valid, so the mean runs over valid entries only
        total = mask.size
        valid = int(xp.count_nonzero(mask))
        scale = total / valid if valid else 0.0
        float_mask = xp.where(mask, xp.asarray(scale, dtype), xp.asarray(0, dtype))
    else:
        float_mask = mask.astype(dtype)
    if sample_weight is None:
        return float_mask
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    sw, fm = sample_weight, float_mask
    if 1 <= sw.ndim < fm.ndim and tuple(sw.shape) == tuple(fm.shape[: sw.ndim]):
        sample_weight = sw.reshape(tuple(sw.shape) + (1,) * (fm.ndim - sw.ndim))
    return sample_weight * float_mask


def join_masks(a, b):
    """Two masks of valid values joined (`a & b`, as Keras's `Loss.__call__` joins the
    output's mask and the loss's own); either may be None."""
    if a is None:
        return b
    if b is None:
        return a
    return backend.xp.logical_and(a, b)


def reduce_weighted_values(
    values,
    sample_weight=None,
    mask=None,
    reduction="sum_over_batch_size",
    dtype: str | None = None,
    with_grad: bool = False,
):
    """Weight and reduce per-sample loss values exactly as Keras 3's `reduce_weighted_values`.

    With `with_grad=True` also returns d(loss)/d(values), shaped like `values`.
    `"sum"` -> sum(v*w); `"sum_over_batch_size"`/`"mean"` -> sum(v*w)/size;
    `"mean_with_sample_weight"` -> sum(v*w)/sum(w); `"none"`/`None` -> v*w unreduced.
    A zero divisor gives 0 (Keras's `divide_no_nan`).
    """
    xp = backend.xp
    dtype = np.dtype(dtype or backend.floatx())  # once: every use below would parse a name
    values = values.astype(dtype, copy=False)
    if sample_weight is not None:
        sample_weight = backend.cast_input(sample_weight, dtype)
    sample_weight = apply_mask(sample_weight, mask, dtype, reduction)

    values_a, sw = values, None
    if sample_weight is not None:
        values_a, sw = _align_sample_weight(values, sample_weight)
        weighted = values_a * sw
    else:
        weighted = values

    if reduction in (None, "none") or weighted.shape in ((), (0,)):
        loss, scale = weighted, 1.0
    else:
        loss = weighted.sum(dtype=dtype)
        scale = 1.0
        if reduction != "sum":
            if reduction == "mean_with_sample_weight" and sw is not None:
                divisor = float(xp.sum(sw, dtype=dtype))
            else:
                divisor = weighted.size
            if divisor == 0:  # Keras's divide_no_nan
                loss, scale = xp.zeros((), dtype), 0.0
            else:
                loss, scale = loss / dtype.type(divisor), 1.0 / divisor
    loss = xp.asarray(loss, dtype)
    if loss.ndim == 0:
        loss = loss[()]  # a NumPy scalar, not a 0-d array
    if not with_grad:
        return loss
    if reduction in (None, "none") and weighted.ndim > 0:
        raise ArgumentTypeError(  # (Keras on JAX: a TypeError, "Gradient only defined ...")
            "value_and_grad needs a scalar loss, but this loss has reduction="
            f"{reduction!r}. Use 'sum_over_batch_size' (the default), 'sum' or 'mean'."
        )
    if sw is None:
        dvalues = xp.empty(values.shape, dtype)
        dvalues.fill(scale)  # xp.full, without its Python-level wrapper
    else:
        dweighted = xp.broadcast_to(sw * dtype.type(scale), weighted.shape)
        dvalues = backend.sum_to_shape(dweighted, values_a.shape).reshape(values.shape)
    # (ascontiguousarray makes a 0-d array 1-d: a scalar loss value, e.g. Dice's, keeps ())
    return loss, xp.ascontiguousarray(dvalues, dtype=dtype).reshape(values.shape)


def weighted_unreduced(values, sample_weight=None, mask=None, dtype: str | None = None):
    """`reduction=None`'s values weighted as `reduce_weighted_values` weighs them (the
    sample weights and masks aligned to `values`, unreduced), and `fn(dweighted) ->
    dvalues`, their vector-Jacobian product: what a GradientTape records for such a call
    (keras.io's masked language model sums these itself)."""
    dtype = np.dtype(dtype or backend.floatx())
    values = values.astype(dtype, copy=False)
    if sample_weight is not None:
        sample_weight = backend.cast_input(sample_weight, dtype)
    sample_weight = apply_mask(sample_weight, mask, dtype, None)
    if sample_weight is None:
        return values, lambda g: g.astype(dtype, copy=False)
    values_a, sw = _align_sample_weight(values, sample_weight)

    def vjp(g):  # (the weights broadcast into `values_a`, never beyond it)
        return (g.astype(dtype, copy=False) * sw).reshape(values.shape)

    return values_a * sw, vjp


_FORWARD_MODE: dict[type, bool] = {}


def builtin_function(cls: type) -> Callable | None:
    """The function form of the built-in loss class `cls` is (or derives from), if any."""
    from numkeras.losses import _FUNCTION_TO_CLASS

    functions = {c: f for f, c in _FUNCTION_TO_CLASS.items()}
    return next((functions[c] for c in cls.__mro__ if c in functions), None)


class Loss:
    """Base class of every loss. Subclass it and implement `forward` (or Keras-style `call`).

    Args:
        name: Name of the loss (default: snake_case of the class name).
        reduction: `"sum_over_batch_size"` (default), `"sum"`, `"mean"`,
            `"mean_with_sample_weight"`, `"none"` or `None`.
        dtype: Dtype of the computations (default `backend.floatx()`, float32).

    A Keras-style subclass that only overrides `call(y_true, y_pred)` works with `__call__`;
    to train with it, also implement `forward(y_true, y_pred) -> (values, vjp)` where
    `vjp(dvalues)` returns the gradient w.r.t. `y_pred`.

    >>> import numpy as np
    >>> class L1(Loss):
    ...     def forward(self, y_true, y_pred):
    ...         d = y_pred - y_true
    ...         return np.abs(d).sum(-1), lambda g: g[..., None] * np.sign(d)
    >>> float(L1()(np.zeros((2, 2)), np.ones((2, 2))))
    2.0
    """

    def __init__(self, name: str | None = None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or to_snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype = standardize_dtype(dtype)

    @property
    def dtype(self) -> str:
        return self._dtype

    # -- Keras's `LossFunctionWrapper` attributes, which its built-in losses have ------------
    @property
    def fn(self) -> Callable:
        """The function form of a built-in loss (`MeanSquaredError().fn is
        losses.mean_squared_error`), or the function assigned to it, which the loss then
        computes with (Keras's `LossFunctionWrapper.fn`). A loss with neither (a `Loss`
        subclass of your own) has no `fn`, as in Keras: AttributeError."""
        fn = self.__dict__.get("_fn")
        if fn is None:
            fn = builtin_function(type(self))
        if fn is None:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute 'fn'")
        return fn

    @fn.setter
    def fn(self, value) -> None:
        self.__dict__["_fn"] = value

    @property
    def _fn_kwargs(self) -> dict:
        """The keyword arguments `fn` is called with: a built-in loss's settings named as
        its function's parameters (`{"delta": 1.0}` for Huber), as Keras keeps them."""
        kwargs = self.__dict__.get("_fn_kwargs_given")
        if kwargs is not None:
            return kwargs
        fn = builtin_function(type(self))
        if fn is None:
            return {}
        names = list(inspect.signature(fn).parameters)[2:]
        return {name: getattr(self, name) for name in names if hasattr(self, name)}

    @_fn_kwargs.setter
    def _fn_kwargs(self, value: dict) -> None:
        self.__dict__["_fn_kwargs_given"] = value

    def _assigned_fn(self):
        """A function assigned to a built-in loss's `fn` in place of its own (then computed
        with as Keras computes a `LossFunctionWrapper`), else None; a subclass's own `call`
        computes as it says."""
        fn = self.__dict__.get("_fn")
        if fn is None or type(self).call is not Loss.call:
            return None
        builtin = builtin_function(type(self))
        return fn if builtin is not None and fn is not builtin else None

    # -- public API -------------------------------------------------------------------------
    def __call__(self, y_true, y_pred, sample_weight=None, *, mask=None):
        """The reduced loss (a scalar of `self.dtype`, or per-sample values for `"none"`).

        `mask`: the output's mask (True: a valid value), which Keras 3 reads from
        `y_pred._keras_mask`; the masked-out values are left out of the reduction.
        """
        if _tape_hook is not None:  # a GradientTape records the loss (numkeras.autodiff)
            recorded = _tape_hook(self, "__call__", y_true, y_pred, sample_weight, mask)
            if recorded is not NotImplemented:
                return recorded
        if any(hasattr(t, "node") for t in (y_true, y_pred, sample_weight)):
            # symbolic tensors (a traced call's, a functional graph's): a graph step
            from numkeras.losses.symbolic import symbolic_loss

            return symbolic_loss(self, y_true, y_pred, sample_weight)
        y_pred = backend.cast_input(y_pred, self.dtype)
        if not self._has_forward():
            values = self.call(backend.cast_input(y_true, self.dtype), y_pred)
            return reduce_weighted_values(
                backend.xp.asarray(values), sample_weight, mask, self.reduction, self.dtype
            )
        y_true, y_pred_a = self._prepare(y_true, y_pred)
        values, _ = self.forward(y_true, y_pred_a)
        return reduce_weighted_values(
            values,
            sample_weight,
            join_masks(mask, self._mask(y_true)),
            self.reduction,
            self.dtype,
        )

    def call(self, y_true, y_pred):
        """Per-sample loss values, unreduced and unweighted (Keras's function form)."""
        assigned = self._assigned_fn()
        if assigned is not None:  # (Keras's LossFunctionWrapper.call)
            y_true, y_pred = self._call_arguments(y_true, y_pred)
            return backend.xp.asarray(assigned(y_true, y_pred, **self._fn_kwargs))
        if not self._has_forward():
            raise NotImplementedError(f"{type(self).__name__} must implement `forward` or `call`.")
        if _tape_hook is not None:  # a GradientTape records the loss (numkeras.autodiff)
            recorded = _tape_hook(self, "call", y_true, y_pred)
            if recorded is not NotImplemented:
                return recorded
        y_pred = backend.cast_input(y_pred, self.dtype)
        y_true, y_pred = self._prepare(y_true, y_pred)
        return self.forward(y_true, y_pred)[0]

    def value_and_grad(self, y_true, y_pred, sample_weight=None, *, mask=None):
        """`(loss, dloss/dy_pred)`: the reduced loss and its gradient w.r.t. `y_pred`.

        The gradient has the shape and dtype of `y_pred` (float inputs) and includes the
        reduction and sample weighting, so it is exactly d(`self(y_true, y_pred, w)`)/d(y_pred).
        `mask`: the output's mask, as in `__call__`.
        """
        if not self._has_forward() or self._own_dunder_call():
            return self._traced_value_and_grad(y_true, y_pred, sample_weight, mask=mask)
        xp = backend.xp
        raw = xp.asarray(y_pred)
        is_float_array = isinstance(y_pred, xp.ndarray) and y_pred.dtype.kind == "f"
        out_dtype = y_pred.dtype if is_float_array else np.dtype(self.dtype)
        y_pred = backend.cast_input(raw, self.dtype)
        y_true, y_pred_a = self._prepare(y_true, y_pred)
        values, vjp = self.forward(y_true, y_pred_a)
        mask = join_masks(mask, self._mask(y_true))
        loss, dvalues = reduce_weighted_values(
            values, sample_weight, mask, self.reduction, self.dtype, with_grad=True
        )
        grad = vjp(dvalues).reshape(raw.shape)
        return loss, grad.astype(out_dtype, copy=False)

    def target_vjp(self, y_true, y_pred):
        """`fn(dvalues) -> d(values)/d(y_true)` for the prepared arrays: the gradient a loss
        passes to computed targets (a distillation's softened teacher predictions). None
        here: targets are labels, constants; KLDivergence, MeanSquaredError and
        MeanAbsoluteError define it."""
        return None

    def target_grad(self, y_true, y_pred, sample_weight=None, *, mask=None):
        """d(`self(y_true, y_pred, w)`)/d(`y_true`), shaped as `y_true`, as Keras's backends
        differentiate a loss in its targets too; None for a loss without `target_vjp`. A
        loss written as `call` or its own `__call__` is traced, and differentiated in both
        (keras.io's Barlow Twins: a loss of two embeddings, `self.loss(z_a, z_b)`)."""
        if not self._has_forward() or self._own_dunder_call():
            return self._traced_value_and_grad(
                y_true, y_pred, sample_weight, mask=mask, targets=True
            )[2]
        if type(self).target_vjp is Loss.target_vjp:
            return None
        xp = backend.xp
        raw = xp.asarray(y_true)
        y_true, y_pred = self._prepare(y_true, backend.cast_input(xp.asarray(y_pred), self.dtype))
        values, _ = self.forward(y_true, y_pred)
        mask = join_masks(mask, self._mask(y_true))
        _, dvalues = reduce_weighted_values(
            values, sample_weight, mask, self.reduction, self.dtype, with_grad=True
        )
        grad = self.target_vjp(y_true, y_pred)(dvalues)
        return grad.reshape(raw.shape).astype(raw.dtype if raw.dtype.kind == "f" else self.dtype)

    def _traced_value_and_grad(
        self, y_true, y_pred, sample_weight=None, *, mask=None, targets: bool = False
    ):
        """`value_and_grad` of a loss written as `call` (or a function): `call` is traced
        into operations once per shapes (`numkeras.ops.trace`) and differentiated, as
        Keras differentiates it. With `targets`, `(loss, grad, target_grad)`: the
        gradient in float targets too (None for others)."""
        xp = backend.xp
        raw = xp.asarray(y_pred)
        out_dtype = raw.dtype if raw.dtype.kind == "f" else np.dtype(self.dtype)
        raw_true = xp.asarray(y_true)
        need_true = targets and raw_true.dtype.kind == "f"
        if self._own_dunder_call():
            found = self._traced_dunder_call(y_true, raw, sample_weight, out_dtype, need_true)
            return found if targets else found[:2]
        y_true, y_pred = self._call_arguments(y_true, y_pred)
        fn = self._traced_function()
        try:
            trace = trace_for(
                self.__dict__.setdefault("_traces", {}),
                None,
                fn,
                [y_true, y_pred],
                lambda t: check_same(t, [y_true, y_pred], lambda: fn(y_true, y_pred)),
            )
        except TraceError as e:
            raise NotImplementedError(
                f"The loss {self.name!r} cannot be trained with: numkeras differentiates a "
                "loss written as a function (or a `call`) by running it on symbolic tensors "
                f"and recording its operations, and this one could not be recorded ({e}). "
                "Write it with numkeras.ops (the Keras 3 ops) or the Keras 2 `K.*` backend "
                "functions, use a built-in loss, or implement "
                "`forward(y_true, y_pred) -> (values, vjp)`."
            ) from e
        (values,), caches = trace.forward([y_true, y_pred])
        loss, dvalues = reduce_weighted_values(
            values, sample_weight, mask, self.reduction, self.dtype, with_grad=True
        )
        grad_true, grad = trace.backward(caches, [dvalues], need_args=[need_true, True])
        if grad is None:  # the loss does not depend on y_pred
            grad = xp.zeros(y_pred.shape, out_dtype)
        grad = grad.reshape(raw.shape).astype(out_dtype, copy=False)
        if not targets:
            return loss, grad
        return loss, grad, _target_gradient(grad_true, raw_true, need_true)

    def _own_dunder_call(self) -> bool:
        """True for a user's subclass overriding `__call__` itself (keras.io's supervised
        contrastive loss): Keras's compiled loss calls it, and its result, already
        reduced, is the loss."""
        if self.__dict__.get("_in_own_call"):  # (its `super().__call__`: numkeras's loss)
            return False
        return _defines_own_dunder_call(type(self))

    def _traced_dunder_call(self, y_true, y_pred, sample_weight, out_dtype, need_true=False):
        """`value_and_grad` of a user's `__call__`: traced as `call` is (the sample weights,
        when given, a third input) and its scalar differentiated in `y_pred`."""
        xp = backend.xp
        y_true = backend.cast_input(y_true, self.dtype)
        arrays = [y_true, backend.cast_input(y_pred, self.dtype)]
        if sample_weight is None:
            fn = lambda y_true, y_pred: self(y_true, y_pred)  # noqa: E731
        else:
            arrays.append(backend.cast_input(sample_weight, self.dtype))
            fn = lambda y_true, y_pred, w: self(y_true, y_pred, w)  # noqa: E731
        self.__dict__["_in_own_call"] = True
        try:
            trace = trace_for(
                self.__dict__.setdefault("_traces", {}),
                "__call__",
                fn,
                arrays,
                lambda t: check_same(t, arrays, lambda: fn(*arrays)),
            )
            (value,), caches = trace.forward(arrays)
        except TraceError as e:
            raise NotImplementedError(
                f"The loss {self.name!r} cannot be trained with: numkeras differentiates a "
                "loss's own `__call__` by running it on symbolic tensors and recording its "
                f"operations, and this one could not be recorded ({e}). Write it with "
                "numkeras.ops (the Keras 3 ops), or implement `call(y_true, y_pred)` and "
                "leave `__call__` to numkeras."
            ) from e
        finally:
            self.__dict__["_in_own_call"] = False
        value = xp.asarray(value)
        if value.ndim:  # (per-sample values: reduced as Keras reduces a loss's output)
            value, dvalue = reduce_weighted_values(
                value, None, None, "sum_over_batch_size", self.dtype, with_grad=True
            )
        else:
            dvalue = xp.ones((), value.dtype)
        need = [need_true, True] + [False] * (len(arrays) - 2)
        grad_true, grad = trace.backward(caches, [dvalue], need_args=need)[:2]
        if grad is None:  # the loss does not depend on y_pred
            grad = xp.zeros(y_pred.shape, out_dtype)
        loss = xp.asarray(value, dtype=self.dtype)
        grad = grad.reshape(y_pred.shape).astype(out_dtype, copy=False)
        return loss, grad, _target_gradient(grad_true, xp.asarray(y_true), need_true)

    def _call_arguments(self, y_true, y_pred):
        """The arrays `call` receives (a function wrapper also matches their ranks)."""
        args = backend.cast_input(y_true, self.dtype), backend.cast_input(y_pred, self.dtype)
        if self._assigned_fn() is not None:  # (computed as a LossFunctionWrapper)
            return squeeze_or_expand_to_same_rank(*args)
        return args

    def _traced_function(self) -> Callable:
        """What is traced: `call` (or a function assigned to `fn`), on the arrays
        `_call_arguments` gives."""
        assigned = self._assigned_fn()
        if assigned is not None:
            return lambda y_true, y_pred: assigned(y_true, y_pred, **self._fn_kwargs)
        return self.call

    def check_targets(self, y_true, y_pred_shape):
        """Convert `y_true` and check it against `y_pred`'s shape before any computation.

        Returns `y_true` as a `self.dtype` array, with a trailing axis of size 1 squeezed or
        added as Keras 3 does (`(N,)` vs `(N, 1)`), a single number as every target. Any
        other mismatch raises `ShapeError` naming the loss, both shapes and the likely fix;
        nothing else is broadcast silently.
        """
        y_true = backend.cast_input(y_true, self.dtype)
        if self._user_call():
            return y_true
        pred_shape = tuple(y_pred_shape)
        if not pred_shape:
            raise ShapeError(
                f"Loss '{self.name}' needs y_pred with at least one axis (the batch axis); got "
                "a scalar."
            )
        if y_true.ndim == 0:
            # one number as every target (Géron's sparse autoencoder: `kl_divergence(0.1,
            # mean_activities)`): Keras's loss functions broadcast it, as here; fit's
            # targets always have a batch axis, so nothing else is broadcast silently
            return backend.xp.full(pred_shape, y_true, dtype=y_true.dtype)
        true_a, pred_a = adapted_shapes(y_true.shape, pred_shape)
        if not shapes.compatible(true_a, pred_a):
            message = self._mismatch_message(tuple(y_true.shape), pred_shape)
            raise target_mismatch(message, tuple(y_true.shape), pred_shape)
        if true_a != tuple(y_true.shape) and len(pred_a) == len(pred_shape):
            y_true = y_true.reshape(true_a)  # only reshape y_true when y_pred keeps its rank
        return y_true

    # -- hooks for subclasses ---------------------------------------------------------------
    def forward(self, y_true, y_pred) -> tuple[object, Callable]:
        """Per-sample values and their vector-Jacobian product (see module docstring)."""
        raise NotImplementedError

    def _user_call(self) -> bool:
        """A `call` written outside numkeras (a user's Loss subclass): Keras hands it the
        targets as given, of any shape (keras.io's NER loss takes sparse tags against
        per-token class scores), so they are not checked against y_pred's shape. So does
        a user's `__call__` (keras.io's supervised contrastive loss: labels against
        embeddings)."""
        if self._own_dunder_call():
            return True
        owner = next((c for c in type(self).__mro__ if "call" in c.__dict__), Loss)
        return not owner.__module__.startswith("numkeras") and not self._has_forward()

    def _has_forward(self) -> bool:
        """True when `forward` is the computation: defined below `Loss` and not shadowed by a
        more derived Keras-style `call` (e.g. a subclass of MeanSquaredError overriding call),
        nor replaced by a function assigned to `fn`."""
        if "_fn" in self.__dict__ and self._assigned_fn() is not None:
            return False
        cls = type(self)
        found = _FORWARD_MODE.get(cls)
        if found is None:
            mro = cls.__mro__
            owner = {
                n: next(i for i, c in enumerate(mro) if n in c.__dict__)
                for n in ("forward", "call")
            }
            found = owner["forward"] < mro.index(Loss) and owner["forward"] <= owner["call"]
            _FORWARD_MODE[cls] = found
        return found

    def _prepare(self, y_true, y_pred):
        """Checked `y_true` and `y_pred`, both adapted to Keras's common rank."""
        y_true = self.check_targets(y_true, y_pred.shape)
        return squeeze_or_expand_to_same_rank(y_true, y_pred)

    def _mask(self, y_true):
        """Boolean mask of valid per-sample values (only `ignore_class` produces one)."""
        return None

    def _mismatch_message(self, true_shape: tuple, pred_shape: tuple) -> str:
        head = (
            f"Loss '{self.name}' got y_true with shape {format_shape(true_shape)} and y_pred "
            f"with shape {format_shape(pred_shape)}."
        )
        if (
            true_shape
            and pred_shape
            and None not in (true_shape[0], pred_shape[0])
            and (true_shape[0] != pred_shape[0])
        ):
            return (
                f"{head} They have different batch sizes ({true_shape[0]} vs {pred_shape[0]}): "
                "x and y must hold the same number of samples."
            )
        return (
            f"{head} It expects y_true to have the same shape as y_pred (a trailing axis of "
            f"size 1 may differ). {self._mismatch_hint(true_shape, pred_shape)}"
        ).rstrip()

    def _mismatch_hint(self, true_shape: tuple, pred_shape: tuple) -> str:
        if len(true_shape) == len(pred_shape) - 1 and shapes.compatible(
            true_shape, pred_shape[:-1]
        ):
            return (
                f"y_true has one value per sample but the model outputs {pred_shape[-1]}. If "
                "these are class labels use loss='sparse_categorical_crossentropy'; otherwise "
                "check the last layer's units."
            )
        if (
            len(true_shape) == len(pred_shape) >= 3
            and true_shape[-2] != true_shape[-1]
            and shapes.compatible(
                (*true_shape[:-2], true_shape[-1], true_shape[-2]), tuple(pred_shape)
            )
        ):  # (a transposed target: (batch, 2, 3) for (batch, 3, 2))
            return (
                "The last two axes of y_true look swapped; use np.swapaxes(y, -1, -2), shape "
                f"{format_shape((*true_shape[:-2], true_shape[-1], true_shape[-2]))}."
            )
        if pred_shape and len(true_shape) == len(pred_shape) and pred_shape[-1] is not None:
            return (
                f"y_true has {true_shape[-1]} values per sample but the model outputs "
                f"{pred_shape[-1]}; check the last layer's units."
            )
        sample, target = true_shape[1:], pred_shape[1:]
        if (
            len(true_shape) > len(pred_shape)
            and None not in sample + target
            and int(np.prod(sample)) == int(np.prod(target))
        ):  # extra axes of size 1 (or the values in another shape)
            dims = ", ".join(map(str, (-1, *target)))
            return f"y_true holds the right number of values per sample: use y.reshape({dims})."
        if not true_shape:
            return "y_true is a single number: pass one target per sample (axis 0 is the batch)."
        return ""

    # -- config -----------------------------------------------------------------------------
    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        return config_repr(self)


@functools.cache
def _defines_own_dunder_call(cls) -> bool:
    # (once per class: `value_and_grad` asks on every training step)
    owner = next(c for c in cls.__mro__ if "__call__" in c.__dict__)
    return not owner.__module__.startswith("numkeras")


def _target_gradient(grad, raw_true, needed: bool):
    """A traced loss's gradient in its targets, shaped and typed as they came (zeros
    where the loss does not depend on them), or None when not asked for."""
    if not needed:
        return None
    if grad is None:
        return np.zeros(raw_true.shape, raw_true.dtype)
    return grad.reshape(raw_true.shape).astype(raw_true.dtype, copy=False)
