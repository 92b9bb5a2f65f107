"""The operations behind `numkeras.random`'s draws.

Called with a concrete shape outside a trace, a draw computes at once (an array). Given a
shape with a `SymbolicDim` (`ops.shape(x)[0]` of a symbolic tensor), a symbolic tensor
(`dropout`, `shuffle`, `categorical`), or called anywhere inside a trace
(`numkeras.ops.trace`: a custom layer's `call`, a Lambda, a loss), it records an operation
whose forward pass draws fresh values every time the graph runs, never a constant fixed
when it was recorded. A draw with no tensor argument inside a trace takes a shared
placeholder variable as its input, so that the graph holds it; the draw does not read
its value (its generator, or its `SeedGenerator`, is the operation's own).

Draws have no gradient with respect to their shape; `dropout` passes the gradient of its
inputs scaled by its mask, `shuffle` passes it back through the permutation. Each class
says `is_random = True` (traces skip their check against the eager call for such graphs).

>>> import numpy as np
>>> Normal(seed=3)((2, 2)).shape
(2, 2)
"""

from __future__ import annotations

import importlib

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.ops.core import runtime_config_error
from numkeras.ops.operation import (
    Operation,
    _contains_tensor,
    arr,
    result_dtype,
    shape_of,
    static_dim,
)
from numkeras.random.seed_generator import check_seed, generator_for
from numkeras.variables import Variable

# the module itself (the package's attribute `trace` is `ops.trace`, the matrix trace)
trace = importlib.import_module("numkeras.ops.trace")

_ANCHOR: list[Variable] = []


def _anchor() -> Variable:
    """The variable a draw with no tensor argument takes as its input inside a trace (a
    float one: a trace's inputs are float layers)."""
    if not _ANCHOR:
        _ANCHOR.append(Variable(np.zeros(1, "float32"), name="random_anchor", trainable=False))
    return _ANCHOR[0]


def float_dtype(dtype, who: str) -> str:
    """A draw's dtype: floatx by default; only float dtypes (as Keras)."""
    name = str(np.dtype(dtype)) if dtype is not None else backend.floatx()
    if np.dtype(name).kind != "f":
        raise ValueError(f"dtype argument to `{who}` must be a float dtype, got {name}")
    return name


def _to_backend(a):
    return backend.xp.asarray(a)


class RandomOperation(Operation):
    """A draw: see the module docstring."""

    is_random = True
    keras_module = "keras.src.random.random"

    def __init__(self, seed=None, *, name=None):
        super().__init__(name=name)
        check_seed(seed)
        self.seed = seed

    def __call__(self, *args):
        if trace.tracing() and not _contains_tensor(args):
            return self._symbolic_call((*args, _anchor()))
        return super().__call__(*args)

    def _generator(self) -> np.random.Generator:
        return generator_for(self.seed)

    def _backward(self, cache, grad, need):
        return None  # no gradient with respect to a shape (or the anchor)

    def get_config(self):
        raise runtime_config_error(self)


def _sizes(shape) -> tuple:
    return tuple(int(d) for d in shape)


class _Draw(RandomOperation):
    """A draw of `shape` (its one argument, sizes read at run time)."""

    def __init__(self, dtype=None, seed=None, *, name=None):
        super().__init__(seed, name=name)
        self.dtype = float_dtype(dtype, self._who)

    _who = ""

    def output_dtype(self, *args):
        return self.dtype

    def compute_output_spec(self, shape, anchor=None):
        return tuple(static_dim(d) for d in shape)

    def _forward(self, shape, anchor=None):
        work = "float64" if self.dtype == "float64" else "float32"
        out = self._sample(self._generator(), _sizes(shape), work)
        return _to_backend(np.asarray(out, dtype=self.dtype)), None


class Normal(_Draw):
    _who = "normal"

    def __init__(self, mean=0.0, stddev=1.0, dtype=None, seed=None, *, name=None):
        super().__init__(dtype, seed, name=name)
        self.mean, self.stddev = float(mean), float(stddev)

    def _sample(self, rng, shape, work):
        out = rng.standard_normal(shape, dtype=work)
        return out * np.asarray(self.stddev, work) + np.asarray(self.mean, work)


class Uniform(_Draw):
    _who = "uniform"

    def __init__(self, minval=0.0, maxval=1.0, dtype=None, seed=None, *, name=None):
        super().__init__(dtype, seed, name=name)
        self.minval, self.maxval = float(minval), float(maxval)

    def _sample(self, rng, shape, work):
        out = rng.random(shape, dtype=work)
        lo, hi = np.asarray(self.minval, work), np.asarray(self.maxval, work)
        return out * (hi - lo) + lo


class TruncatedNormal(Normal):
    """Normal values more than two standard deviations from the mean drawn again (as
    Keras's `truncated_normal`)."""

    _who = "truncated_normal"

    def _sample(self, rng, shape, work):
        out = rng.standard_normal(shape, dtype=work)
        bad = np.abs(out) > 2.0
        while bad.any():
            out[bad] = rng.standard_normal(int(bad.sum()), dtype=work)
            bad = np.abs(out) > 2.0
        return out * np.asarray(self.stddev, work) + np.asarray(self.mean, work)


class _ParamDraw(_Draw):
    """A draw whose distribution parameters are numbers or arrays, broadcast against
    `shape` (as NumPy's generators broadcast them)."""

    def __init__(self, params: dict, dtype=None, seed=None, *, name=None):
        super().__init__(dtype, seed, name=name)
        for key, value in params.items():
            if _contains_tensor((value,)):
                raise TypeError(
                    f"random.{self._who}: `{key}` must be a number or an array, not a "
                    f"symbolic tensor; draw inside a layer's call to use a tensor there."
                )
        self.params = {k: backend.to_numpy(arr(v)).astype("float64") for k, v in params.items()}


class Gamma(_ParamDraw):
    _who = "gamma"

    def _sample(self, rng, shape, work):
        return rng.standard_gamma(self.params["alpha"], shape)


class Beta(_ParamDraw):
    _who = "beta"

    def _sample(self, rng, shape, work):
        return rng.beta(self.params["alpha"], self.params["beta"], shape)


class Binomial(_ParamDraw):
    _who = "binomial"

    def __init__(self, params: dict, dtype=None, seed=None, *, name=None):
        super().__init__(params, dtype, seed, name=name)
        counts, probabilities = self.params["counts"], self.params["probabilities"]
        bad = counts[(counts < 0) | (counts != np.floor(counts))]
        if bad.size:
            raise ConfigError(
                f"random.binomial: `counts` must be whole numbers >= 0, got {float(bad[0])}"
            )
        bad = probabilities[(probabilities < 0) | (probabilities > 1)]
        if bad.size:
            raise ConfigError(
                f"random.binomial: `probabilities` must lie in [0, 1], got {float(bad[0])}"
            )

    def _sample(self, rng, shape, work):
        counts = self.params["counts"].astype(np.int64)
        return rng.binomial(counts, self.params["probabilities"], shape)


class Randint(RandomOperation):
    """Integers in `[minval, maxval)`; no gradient."""

    def __init__(self, minval, maxval, dtype="int32", seed=None, *, name=None):
        super().__init__(seed, name=name)
        self.minval, self.maxval = int(minval), int(maxval)
        self.dtype = str(np.dtype(dtype))
        if np.dtype(self.dtype).kind not in "iu":  # (as Keras: integers only)
            raise ConfigError(
                f"dtype argument to `randint` must be an integer dtype, got {self.dtype}"
            )

    def output_dtype(self, *args):
        return self.dtype

    def compute_output_spec(self, shape, anchor=None):
        return tuple(static_dim(d) for d in shape)

    def _forward(self, shape, anchor=None):
        out = self._generator().integers(self.minval, self.maxval, _sizes(shape))
        return _to_backend(out.astype(self.dtype)), None


def _float_input(x):
    a = arr(x)
    if isinstance(a, (bool, int, float)):
        return backend.xp.asarray(a, backend.floatx())
    a = backend.xp.asarray(a)
    return a if a.dtype.kind == "f" else a.astype(backend.floatx())


class Dropout(RandomOperation):
    """`inputs` with each entry zeroed with probability `rate` and the rest scaled by
    `1 / (1 - rate)`; `noise_shape` (None entries: the inputs' sizes) shares one mask
    entry along its axes of size 1. The gradient is the upstream one times the same
    scaled mask."""

    def __init__(self, rate, seed=None, *, name=None):
        super().__init__(seed, name=name)
        rate = float(rate)
        if not 0.0 <= rate <= 1.0:
            raise ValueError(
                f"Invalid value received for argument `rate`. Expected a float value "
                f"between 0 and 1. Received: rate={rate}"
            )
        self.rate = rate

    def output_dtype(self, inputs, *args):
        return result_dtype(inputs)

    def compute_output_spec(self, inputs, noise_shape=None, anchor=None):
        return shape_of(inputs)

    def _forward(self, inputs, noise_shape=None, anchor=None):
        x = _float_input(inputs)
        if self.rate == 0.0:
            return x, None
        shape = tuple(x.shape)
        if noise_shape is not None:
            noise = tuple(shape[i] if d is None else int(d) for i, d in enumerate(noise_shape))
        else:
            noise = shape
        keep = 1.0 - self.rate
        if keep == 0.0:
            scale = np.zeros(noise, x.dtype)
        else:
            kept = self._generator().random(noise) < keep
            scale = kept.astype(x.dtype) * np.asarray(1.0 / keep, x.dtype)
        scale = _to_backend(scale)
        return x * scale, scale

    def _backward(self, cache, grad, need):
        if not need[0]:
            return None
        g = grad if cache is None else grad * cache
        return (g,)


class Shuffle(RandomOperation):
    """Each vector of `x` along `axis` permuted at random, independently of the others
    (as Keras's JAX backend, `jax.random.permutation(..., independent=True)`); the
    gradient goes back through the same permutation."""

    def __init__(self, axis=0, seed=None, *, name=None):
        super().__init__(seed, name=name)
        self.axis = int(axis)

    def output_dtype(self, x, *args):
        return str(x.dtype) if hasattr(x, "dtype") else backend.floatx()

    def compute_output_spec(self, x, anchor=None):
        return shape_of(x)

    def _forward(self, x, anchor=None):
        xp = backend.xp
        x = xp.asarray(arr(x))
        order = np.argsort(self._generator().random(x.shape), axis=self.axis, kind="stable")
        inverse = np.argsort(order, axis=self.axis, kind="stable")
        out = xp.take_along_axis(x, _to_backend(order), axis=self.axis)
        return out, _to_backend(inverse)

    def _backward(self, cache, grad, need):
        if not need[0]:
            return None
        return (backend.xp.take_along_axis(grad, cache, axis=self.axis),)


class Categorical(RandomOperation):
    """`num_samples` class indices per row of `logits` (batch, classes), drawn with the
    probabilities `softmax(logits)` (the Gumbel-max trick); no gradient."""

    def __init__(self, num_samples: int, dtype="int32", seed=None, *, name=None):
        super().__init__(seed, name=name)
        self.num_samples = int(num_samples)
        self.dtype = str(np.dtype(dtype))

    def output_dtype(self, *args):
        return self.dtype

    def compute_output_spec(self, logits, anchor=None):
        shape = shape_of(logits)
        if len(shape) != 2:
            raise ValueError(
                "`logits` should be a 2-D tensor with shape [batch_size, num_classes]. "
                f"Received: logits={shape}"
            )
        return (shape[0], self.num_samples)

    def _forward(self, logits, anchor=None):
        logits = backend.to_numpy(backend.xp.asarray(arr(logits))).astype("float64")
        if logits.ndim != 2:
            raise ValueError(
                "`logits` should be a 2-D tensor with shape [batch_size, num_classes]. "
                f"Received: logits={logits.shape}"
            )
        batch, classes = logits.shape
        gumbel = self._generator().gumbel(size=(batch, self.num_samples, classes))
        out = np.argmax(logits[:, None, :] + gumbel, axis=-1)
        return _to_backend(out.astype(self.dtype)), None
