"""`numkeras.random`: Keras 3's `keras.random` draws, on NumPy's generators.

`normal`, `uniform`, `truncated_normal`, `randint`, `dropout`, `shuffle`, `categorical`
and `SeedGenerator`, with Keras 3's arguments. The `seed` argument, as Keras 3 documents
it:

- `None` (the default): numkeras's global generator, new values on each call;
  `numkeras.utils.set_random_seed(s)` makes the sequence reproducible. (Keras's JAX
  backend refuses `seed=None` inside a jitted function; numkeras draws from the global
  generator there too, as Keras's TensorFlow backend does.)
- an int: the same values on every call (Keras: "passing an integer as the seed value will
  produce the same random values for each call"), inside a traced graph too: each run of
  the graph draws the same values again.
- a `SeedGenerator`: new values on each call, in a sequence fixed by its seed; the first
  draw of `SeedGenerator(s)` equals the draw with `seed=s`, as in Keras.

The values are NumPy's (PCG64), not those of Keras's backends, which differ among
themselves too.

Eagerly (concrete shapes, arrays) a draw returns an array. With a shape holding a size
known only at run time (`ops.shape(x)[0]` of a symbolic tensor), a symbolic tensor
argument, or anywhere inside a trace (a custom layer's `call`, a `Lambda`, a loss), it
records an operation that draws fresh values every time the graph runs, so keras.io's VAE
`Sampling` layer (`random.normal(shape=(batch, dim), seed=self.seed_generator)`) trains.
Keras 3 refuses a draw on a symbolic shape in a functional model (its shapes must be
concrete); numkeras builds one, but such a model has no Keras config (`get_config` and
`save` say so): put the draw in a layer, which saves by its class. A draw with a concrete
shape in a functional model outside any layer is computed once, a constant, as in Keras.

>>> import numpy as np
>>> from numkeras import random
>>> gen = random.SeedGenerator(1337)
>>> a, b = random.normal((2, 3), seed=gen), random.normal((2, 3), seed=gen)
>>> a.shape, a.dtype, bool((a == b).all())
((2, 3), dtype('float32'), False)
>>> bool((random.uniform((4,), seed=7) == random.uniform((4,), seed=7)).all())
True
"""

from __future__ import annotations

from typing import Any

from numkeras.random.draws import (
    Beta,
    Binomial,
    Categorical,
    Dropout,
    Gamma,
    Normal,
    Randint,
    RandomOperation,
    Shuffle,
    TruncatedNormal,
    Uniform,
)
from numkeras.random.seed_generator import SeedGenerator

Tensor = Any  # a backend array, or a symbolic KerasTensor


def _shape(shape, who: str) -> tuple:
    from numkeras.ops.core import concrete_shape

    return concrete_shape(shape, f"random.{who}")


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def normal(shape, mean=0.0, stddev=1.0, dtype: str | None = None, seed=None) -> Tensor:
    """Values from a normal distribution (floatx unless `dtype`, a float dtype).

    `shape` may hold sizes read at run time (`ops.shape(x)[0]`); `mean` and `stddev` may
    be tensors (then the draw is `normal(shape) * stddev + mean`, which passes them their
    gradients).

    >>> normal((2,), mean=5.0, stddev=0.0).tolist()
    [5.0, 5.0]
    """
    shape = _shape(shape, "normal")
    if _is_number(mean) and _is_number(stddev):
        return Normal(mean, stddev, dtype=dtype, seed=seed)(shape)
    from numkeras import ops

    return ops.add(ops.multiply(Normal(dtype=dtype, seed=seed)(shape), stddev), mean)


def uniform(shape, minval=0.0, maxval=1.0, dtype: str | None = None, seed=None) -> Tensor:
    """Values from a uniform distribution on `[minval, maxval)` (floatx unless `dtype`).
    `minval` and `maxval` may be tensors (then `uniform(shape) * (maxval - minval) +
    minval`).

    >>> x = uniform((1000,), minval=2.0, maxval=3.0, seed=1)
    >>> bool(((x >= 2.0) & (x < 3.0)).all())
    True
    """
    shape = _shape(shape, "uniform")
    if _is_number(minval) and _is_number(maxval):
        return Uniform(minval, maxval, dtype=dtype, seed=seed)(shape)
    from numkeras import ops

    unit = Uniform(dtype=dtype, seed=seed)(shape)
    return ops.add(ops.multiply(unit, ops.subtract(maxval, minval)), minval)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype: str | None = None, seed=None) -> Tensor:
    """Normal values, those more than two standard deviations from the mean drawn again.

    >>> bool((abs(truncated_normal((1000,), seed=1)) <= 2.0).all())
    True
    """
    shape = _shape(shape, "truncated_normal")
    if _is_number(mean) and _is_number(stddev):
        return TruncatedNormal(mean, stddev, dtype=dtype, seed=seed)(shape)
    from numkeras import ops

    unit = TruncatedNormal(dtype=dtype, seed=seed)(shape)
    return ops.add(ops.multiply(unit, stddev), mean)


def randint(shape, minval: int, maxval: int, dtype: str = "int32", seed=None) -> Tensor:
    """Integers drawn uniformly from `[minval, maxval)`.

    >>> randint((3,), 0, 1).tolist()
    [0, 0, 0]
    """
    return Randint(minval, maxval, dtype=dtype, seed=seed)(_shape(shape, "randint"))


def dropout(inputs, rate: float, noise_shape=None, seed=None) -> Tensor:
    """`inputs` with each entry zeroed with probability `rate` and the others scaled by
    `1 / (1 - rate)` (in every call: this is the function, not the `Dropout` layer, which
    drops only in training). `noise_shape`: the mask's shape, None entries taking the
    inputs' sizes (`(None, 1)` drops whole rows). Its gradient is the mask's scaling.

    >>> import numpy as np
    >>> out = dropout(np.ones((1, 1000), "float32"), 0.5, seed=1)
    >>> sorted(set(out.ravel().tolist()))
    [0.0, 2.0]
    """
    if noise_shape is not None:
        noise_shape = tuple(noise_shape)
    return Dropout(rate, seed=seed)(inputs, noise_shape)


def shuffle(x, axis: int = 0, seed=None) -> Tensor:
    """`x` with each vector along `axis` permuted at random, independently (as Keras's
    JAX backend); the gradient flows back through the permutation.

    >>> import numpy as np
    >>> sorted(shuffle(np.arange(5), seed=1).tolist())
    [0, 1, 2, 3, 4]
    """
    return Shuffle(axis=axis, seed=seed)(x)


def categorical(logits, num_samples: int, dtype: str = "int32", seed=None) -> Tensor:
    """`num_samples` class indices for each row of `logits` (batch, classes), drawn with
    probabilities `softmax(logits)`.

    >>> import numpy as np
    >>> categorical(np.array([[-50.0, 50.0]]), 3).tolist()
    [[1, 1, 1]]
    """
    return Categorical(num_samples, dtype=dtype, seed=seed)(logits)


def gamma(shape, alpha, dtype: str | None = None, seed=None) -> Tensor:
    """Values from a Gamma distribution of shape parameter `alpha` (scale 1), floatx
    unless `dtype`. `alpha` is a number or an array broadcastable to `shape`.

    >>> x = gamma((20000,), alpha=3.0, seed=1)
    >>> x.dtype, round(float(x.mean()), 1)
    (dtype('float32'), 3.0)
    """
    return Gamma({"alpha": alpha}, dtype=dtype, seed=seed)(_shape(shape, "gamma"))


def beta(shape, alpha, beta, dtype: str | None = None, seed=None) -> Tensor:
    """Values from a Beta(`alpha`, `beta`) distribution, in [0, 1] (floatx unless
    `dtype`); `alpha` and `beta` are numbers or arrays broadcastable to `shape`.

    >>> x = beta((20000,), alpha=2.0, beta=6.0, seed=1)
    >>> round(float(x.mean()), 2)
    0.25
    """
    return Beta({"alpha": alpha, "beta": beta}, dtype=dtype, seed=seed)(_shape(shape, "beta"))


def binomial(shape, counts, probabilities, dtype: str | None = None, seed=None) -> Tensor:
    """Success counts of `counts` trials each succeeding with probability
    `probabilities` (numbers or arrays broadcastable to `shape`); a float dtype
    (floatx unless `dtype`), as Keras returns them.

    >>> binomial((3,), counts=5, probabilities=1.0).tolist()
    [5.0, 5.0, 5.0]
    """
    params = {"counts": counts, "probabilities": probabilities}
    return Binomial(params, dtype=dtype, seed=seed)(_shape(shape, "binomial"))


__all__ = [
    "RandomOperation",
    "SeedGenerator",
    "beta",
    "binomial",
    "categorical",
    "dropout",
    "gamma",
    "normal",
    "randint",
    "shuffle",
    "truncated_normal",
    "uniform",
]
