"""`Normalization`: shift and scale inputs to zero mean and unit variance with statistics
of the data, `(x - mean) / max(sqrt(variance), epsilon)`, as Keras 3's
`keras.layers.Normalization` (`epsilon` is `backend.epsilon()`, 1e-7).

The statistics are either passed (`mean=`, `variance=`: broadcast to the kept axes, from
the right; the layer then has no weights) or learned by `adapt(data)`, which stores them
in three non-trainable weights, named and shaped as Keras's so that `.keras` files
interoperate: `mean` and `variance` (the shape of the kept axes) and `count` (int32, a
scalar kept for compatibility; Keras 3 leaves it at 0). A layer neither adapted nor given
statistics normalizes with mean 0 and variance 1 (passes its inputs through), as Keras.

`axis` (default -1) names the axes that keep a separate mean and variance per index;
every other axis is reduced. `axis=None` uses one scalar mean and variance.
`invert=True` applies the inverse, `mean + x * max(sqrt(variance), epsilon)`.

`adapt` computes the statistics as Keras does, so the values match Keras's:
- on an array, in one pass: `np.mean` and `np.var` over the reduced axes (in float64 for
  float64 or integer data), then stored as float32;
- on batches (a list of arrays, a generator, a `PyDataset`, `(x, y)` tuples; or an array
  with `batch_size=`), in float32, updating a running mean and variance batch by batch
  with Keras's weighting (`batch_count / total_count`). `steps` reads at most that many
  batches (`batch_size` and `steps` are numkeras's additions to Keras 3's `adapt(data)`).
Adapting a built (or adapted) layer recomputes the statistics from the new data only.

The layer is differentiable with respect to its input (a constant scale), so layers
before it can be trained through it; its statistics never train.

>>> import numpy as np
>>> layer = Normalization(axis=None)
>>> layer.adapt(np.array([1.0, 2.0, 3.0, 4.0, 5.0], "float32"))
>>> layer(np.array([1.0, 2.0, 3.0])).round(4)
array([-1.4142, -0.7071,  0.    ], dtype=float32)
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from numkeras import backend
from numkeras.errors import (
    ConfigError,
    IncompatibleShapesError,
    InputTypeError,
    NotBuiltError,
    ShapeError,
    format_shape,
)
from numkeras.layers.layer import Layer
from numkeras.utils.checks import is_int


def _standardize_axis(axis) -> tuple:
    if axis is None:
        return ()
    if is_int(axis):
        return (int(axis),)
    try:
        axes = tuple(axis)
    except TypeError:
        axes = None
    if axes is None or not all(is_int(a) for a in axes):
        raise ConfigError(
            f"Normalization's `axis` must be an integer, a tuple of integers or None, "
            f"received {axis!r}."
        )
    return tuple(int(a) for a in axes)


def _stat_value(name: str, value):
    if value is None:
        return None
    if isinstance(value, dict) and value.get("class_name") == "__numpy__":
        cfg = value.get("config", {})
        value = np.asarray(cfg.get("value"), dtype=cfg.get("dtype"))
    try:
        arr = np.asarray(backend.to_numpy(value) if hasattr(value, "shape") else value)
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.dtype.kind not in "iuf":
        raise ConfigError(
            f"Normalization's `{name}` must be a number or an array of numbers, received {value!r}."
        )
    return value


class Normalization(Layer):
    supports_masking = True  # (passes the mask on, as Keras 3)

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        axis = _standardize_axis(axis)
        mean = _stat_value("mean", mean)
        variance = _stat_value("variance", variance)
        if (mean is not None) != (variance is not None):
            raise ConfigError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ConfigError(
                    "When setting values directly, `mean` and `variance` must have the same "
                    f"shape. Received: mean shape {np.shape(mean)} and variance shape "
                    f"{np.shape(variance)}"
                )
            if len(np.shape(mean)) > len(axis):
                raise ConfigError(
                    "The rank of `mean` must be less than or equal to the number of axes "
                    f"({len(axis)}). Received: mean shape {np.shape(mean)} for axis {axis}"
                )
        super().__init__(**kwargs)
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self.adapt_mean = self.adapt_variance = self.count = None
        self._given = None  # (mean, variance) broadcast to the inputs, when passed

    # -- build ----------------------------------------------------------------------------
    def build(self, input_shape) -> None:
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ShapeError(
                f"Layer '{self.name}': all `axis` values must be in the range [-ndim, ndim). "
                f"Received inputs with ndim={ndim}, while axis={self.axis}"
            )
        keep = tuple(sorted(a % ndim for a in self.axis))
        for d in keep:
            if input_shape[d] is None:
                raise ShapeError(
                    f"Layer '{self.name}': all `axis` values to be kept must have a known "
                    f"shape. Received axis={self.axis}, inputs.shape="
                    f"{format_shape(input_shape)}, with unknown axis at index {d}"
                )
        self._keep_axis = keep
        self._reduce_axis = tuple(d for d in range(ndim) if d not in keep)
        self._broadcast_shape = tuple(input_shape[d] if d in keep else 1 for d in range(ndim))
        self._mean_and_var_shape = tuple(input_shape[d] for d in keep)
        if self.input_mean is None:
            shape = self._mean_and_var_shape
            self.adapt_mean = self.add_weight(shape, "zeros", trainable=False, name="mean")
            self.adapt_variance = self.add_weight(shape, "ones", trainable=False, name="variance")
            self.count = self.add_weight((), "zeros", dtype="int32", trainable=False, name="count")
        else:
            self._given = tuple(
                self._broadcast_given(v) for v in (self.input_mean, self.input_variance)
            )

    def _broadcast_given(self, value):
        """A passed mean or variance, its axes aligned with the kept axes from the right."""
        arr = np.asarray(backend.to_numpy(value) if hasattr(value, "shape") else value)
        arr = arr.astype("float64")
        expanded = [1] * len(self._broadcast_shape)
        for i in range(1, arr.ndim + 1):
            expanded[self._keep_axis[-i]] = arr.shape[-i]
        try:
            arr = np.broadcast_to(arr.reshape(expanded), self._broadcast_shape)
        except ValueError:
            raise ShapeError(
                f"Layer '{self.name}': `mean`/`variance` of shape {format_shape(np.shape(value))} "
                f"cannot be broadcast to the kept axes {self._keep_axis} of shape "
                f"{format_shape(self._mean_and_var_shape)}."
            ) from None
        return backend.xp.asarray(arr.astype(self.dtype))

    def _reset_build_state(self) -> None:
        self.adapt_mean = self.adapt_variance = self.count = None
        self._given = None

    def compute_output_shape(self, input_shape):
        return input_shape

    # -- the statistics -------------------------------------------------------------------
    @property
    def mean(self):
        """The mean the layer normalizes with, shaped to broadcast against its inputs."""
        stats = self._stats_or_none()
        return None if stats is None else stats[0]

    @property
    def variance(self):
        stats = self._stats_or_none()
        return None if stats is None else stats[1]

    def _stats_or_none(self):
        if self._given is not None:
            return self._given
        if self.adapt_mean is None:
            return None
        shape = self._broadcast_shape
        return self.adapt_mean.value.reshape(shape), self.adapt_variance.value.reshape(shape)

    def _scale(self, inputs):
        """`(mean, max(sqrt(variance), epsilon))` in the inputs' dtype, checked to broadcast
        against `inputs` without changing its shape."""
        stats = self._stats_or_none()
        if stats is None:
            raise NotBuiltError(
                f"You must call `.build(input_shape)` on the layer '{self.name}' before using it."
            )
        mean, variance = (s.astype(inputs.dtype, copy=False) for s in stats)
        shape = tuple(inputs.shape)
        try:
            ok = np.broadcast_shapes(shape, mean.shape) == shape
        except ValueError:
            ok = False
        if not ok:  # (JAX: TypeError; TF: ValueError)
            raise IncompatibleShapesError(
                f"Layer '{self.name}' normalizes with statistics of shape "
                f"{format_shape(mean.shape)} (axis={self.axis}), which do not fit its input of "
                f"shape {format_shape(shape)}."
            )
        xp = backend.xp
        return mean, xp.maximum(xp.sqrt(variance), inputs.dtype.type(backend.epsilon()))

    # -- call -----------------------------------------------------------------------------
    def call(self, inputs):
        return self.forward(inputs)[0]

    def forward(self, inputs, training: bool = True):
        mean, scale = self._scale(inputs)
        if self.invert:
            return mean + inputs * scale, scale
        return (inputs - mean) / scale, scale

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if not need_input_grad:
            return None
        scale = cache
        return grad_output * scale if self.invert else grad_output / scale

    # -- adapt ----------------------------------------------------------------------------
    def adapt(self, data, batch_size=None, steps=None) -> None:
        """Compute the mean and variance of `data` (see the module docstring): an array, or
        an iterable of batches (list, generator, PyDataset; `(x, y)` tuples give x)."""
        if self.input_mean is not None:
            raise ConfigError(
                f"Layer '{self.name}' was given `mean` and `variance`; it has no statistics to "
                "adapt. Create it without them to use `adapt`."
            )
        xp_array = (np.ndarray, backend.xp.ndarray)
        if isinstance(data, xp_array) and batch_size is None:
            batches = None
            input_shape = tuple(data.shape)
        else:
            if isinstance(data, xp_array):
                n = int(batch_size)
                data = [data[i : i + n] for i in range(0, len(data), n)]
            elif not hasattr(data, "__iter__"):
                raise InputTypeError(
                    f"Unsupported data type: {type(data).__name__}. `adapt` supports NumPy "
                    "arrays and iterables of batches (a list of arrays, a generator, a "
                    "PyDataset)."
                )
            batches = iter(data)
            if steps is not None:
                batches = itertools.islice(batches, int(steps))
            first = next(batches, None)
            if first is None:
                raise InputTypeError(
                    "adapt() received an empty iterable (no batches). Expected at least one "
                    "batch, e.g. layer.adapt([x]) or layer.adapt(list_of_batches)."
                )
            first = _x_of(first)
            if getattr(first, "shape", None) is None:
                raise InputTypeError(
                    "adapt() expects an iterable that yields arrays with a `.shape` attribute "
                    f"(e.g. NumPy arrays). Got an element of type {type(first).__name__}."
                )
            input_shape = tuple(first.shape)
            batches = itertools.chain([first], batches)
        if not self.built:
            self._maybe_build(input_shape)
        else:
            self._check_adapt_shape(input_shape, "adapt() is being called with data")
        if batches is None:
            host = backend.to_numpy(data)
            total_mean = np.mean(host, axis=self._reduce_axis)
            total_var = np.var(host, axis=self._reduce_axis)
        else:
            total_mean, total_var = self._running_stats(batches)
        self.adapt_mean.assign(backend.xp.asarray(total_mean, dtype=self.adapt_mean.dtype))
        self.adapt_variance.assign(backend.xp.asarray(total_var, dtype=self.adapt_variance.dtype))
        self.finalize_state()

    def _check_adapt_shape(self, shape, what: str) -> None:
        built = self._build_input_shape
        for d in self._keep_axis:
            if len(shape) != len(built) or shape[d] != built[d]:
                raise ShapeError(
                    f"Layer '{self.name}' was built with input_shape={format_shape(built)}, but "
                    f"{what} of an incompatible shape, data.shape={format_shape(shape)}"
                )

    def _running_stats(self, batches):
        """Keras's batch-by-batch update, in float32."""
        t = np.dtype(self.dtype).type
        total_mean = np.zeros(self._mean_and_var_shape, self.dtype)
        total_var = np.zeros(self._mean_and_var_shape, self.dtype)
        total_count = 0
        for batch in batches:
            batch = _x_of(batch)
            try:
                batch = np.asarray(backend.to_numpy(batch), dtype=self.dtype)
            except (TypeError, ValueError):
                raise InputTypeError(
                    f"adapt() expects numeric batches, received {type(batch).__name__}."
                ) from None
            self._check_adapt_shape(tuple(batch.shape), "adapt() yielded a batch")
            batch_mean = np.mean(batch, axis=self._reduce_axis)
            batch_var = np.var(batch, axis=self._reduce_axis)
            count = math.prod(batch.shape[d] for d in self._reduce_axis) if self._reduce_axis else 1
            total_count += count
            weight = float(count) / total_count
            keep, new = t(1.0 - weight), t(weight)
            new_mean = total_mean * keep + batch_mean * new
            total_var = (total_var + (total_mean - new_mean) ** 2) * keep + (
                batch_var + (batch_mean - new_mean) ** 2
            ) * new
            total_mean = new_mean
        return total_mean, total_var

    def finalize_state(self) -> None:
        """Keras's hook after `adapt` and loading. numkeras reads the weights at each
        call, so there is nothing to recompute."""

    def reset_state(self) -> None:
        """Forget adapted statistics: mean 0, variance 1 (a numkeras convenience)."""
        if self.adapt_mean is not None:
            self.adapt_mean.assign(np.zeros(self.adapt_mean.shape))
            self.adapt_variance.assign(np.ones(self.adapt_variance.shape))
            self.count.assign(np.zeros((), "int32"))

    # -- config ---------------------------------------------------------------------------
    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": list(self.axis),
            "invert": self.invert,
            "mean": _tolist(self.input_mean),
            "variance": _tolist(self.input_variance),
        }

    def _repr_args(self) -> str:
        parts = [] if self.axis == (-1,) else [f"axis={self.axis}"]
        if self.invert:
            parts.append("invert=True")
        return ", ".join(parts)


def _x_of(batch):
    """x of an `(x, y)` or `(x, y, sample_weight)` batch."""
    return batch[0] if isinstance(batch, tuple) else batch


def _tolist(value):
    if value is None:
        return None
    return np.array(backend.to_numpy(value) if hasattr(value, "shape") else value).tolist()
