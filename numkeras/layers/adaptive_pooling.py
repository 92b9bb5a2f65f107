"""Adaptive pooling: `AdaptiveAveragePooling1D/2D/3D` and `AdaptiveMaxPooling1D/2D/3D`, as
Keras 3. The output has the spatial size `output_size` whatever the input's.

Along a spatial axis of length `L` pooled to `n` bins, bin `i` covers the input positions
`floor(i * L / n) <= p < ceil((i + 1) * L / n)`: Keras's bin edges (and PyTorch's), so the
bins may overlap by one and, when `n > L`, repeat positions. Bins are pooled one spatial
axis after another (the mean and the max of a box are both separable). Gradients: the
mean spreads its gradient evenly over its bin, the max sends it to the first maximum.

Inputs are `(batch, *spatial, channels)` (`data_format="channels_last"`, the default from
`image_data_format()`) or `(batch, channels, *spatial)`.

>>> import numpy as np
>>> x = np.arange(5.0).reshape(1, 5, 1)
>>> AdaptiveAveragePooling1D(3)(x)[0, :, 0]
array([0.5, 2. , 3.5], dtype=float32)
>>> AdaptiveMaxPooling1D(3)(x)[0, :, 0]
array([1., 3., 4.], dtype=float32)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.layers.input_spec import InputSpec
from numkeras.layers.layer import Layer
from numkeras.utils.checks import is_int


def bin_edges(length: int, bins: int) -> list[tuple[int, int]]:
    """`[(start, end), ...]` of each of `bins` adaptive bins over `length` positions.

    >>> bin_edges(5, 3)
    [(0, 2), (1, 4), (3, 5)]
    """
    # integer arithmetic: floor(i * L / n) and ceil((i + 1) * L / n), exactly
    return [(i * length // bins, -(-(i + 1) * length // bins)) for i in range(bins)]


class _AdaptivePooling(Layer):
    rank = 1
    _spatial_names = "(length)"

    def __init__(self, output_size, data_format=None, **kwargs):
        rank = self.rank
        if is_int(output_size) and not isinstance(output_size, bool):
            output_size = (int(output_size),) * rank
        elif isinstance(output_size, (tuple, list)) and len(output_size) == rank:
            output_size = tuple(output_size)
        else:
            raise ConfigError(
                f"`output_size` must be an integer or a tuple of {rank} integers "
                f"{self._spatial_names}. Received: output_size={output_size!r}"
            )
        if not all(is_int(d) and not isinstance(d, bool) and d > 0 for d in output_size):
            raise ConfigError(
                f"`output_size` must hold positive integers. Received: output_size={output_size!r}"
            )
        data_format = backend.image_data_format() if data_format is None else data_format
        if data_format not in ("channels_first", "channels_last"):
            raise ConfigError(
                f"Invalid data_format: {data_format!r}. Expected 'channels_first' or "
                "'channels_last'."
            )
        super().__init__(**kwargs)
        self.output_size = tuple(int(d) for d in output_size)
        self.data_format = data_format
        # (Keras sets no input spec; a wrong rank would fail deep inside its op)
        self.input_spec = InputSpec(ndim=rank + 2)

    def _spatial_axes(self) -> range:
        start = 1 if self.data_format == "channels_last" else 2
        return range(start, start + self.rank)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.data_format == "channels_last":
            return (input_shape[0], *self.output_size, input_shape[-1])
        return (input_shape[0], input_shape[1], *self.output_size)

    def call(self, inputs, training: bool = False):
        return self.forward(inputs, training)[0]

    def forward(self, inputs, training: bool = True):
        return adaptive_pool(inputs, self.output_size, self._spatial_axes(), self._mode)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if not need_input_grad:
            return None
        return adaptive_pool_grad(grad_output, cache, self._mode)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "output_size": self.output_size,
            "data_format": self.data_format,
        }

    def _repr_args(self) -> str:
        size = self.output_size[0] if len(set(self.output_size)) == 1 else self.output_size
        args = [str(size)]
        if self.data_format != "channels_last":
            args.append(f"data_format={self.data_format!r}")
        return ", ".join(args)


def _mean_matrix(length: int, edges, dtype):
    """(bins, length): row i averages bin i."""
    xp = backend.xp
    m = xp.zeros((len(edges), length), dtype=dtype)
    for i, (s, e) in enumerate(edges):
        m[i, s:e] = 1.0 / (e - s)
    return m


def _take(x, axis: int, start: int, end: int):
    index = [slice(None)] * x.ndim
    index[axis] = slice(start, end)
    return tuple(index)


def _pool_axis(x, axis: int, edges, mode: str):
    """`x` pooled along `axis` into the bins `edges`, and the backward pass's cache."""
    xp = backend.xp
    if mode == "average":
        # each bin's own sum (as Keras's windowed sums), not a product with the mean
        # matrix, whose zeros would turn an inf or NaN into NaN in every bin
        out = [x[_take(x, axis, s, e)].sum(axis=axis) / (e - s) for s, e in edges]
        m = _mean_matrix(x.shape[axis], edges, x.dtype)
        return xp.stack(out, axis=axis).astype(x.dtype, copy=False), m
    out = [x[_take(x, axis, s, e)].max(axis=axis) for s, e in edges]
    return xp.stack(out, axis=axis), x


def _pool_axis_grad(g, axis: int, edges, cache, mode: str):
    xp = backend.xp
    if mode == "average":
        return xp.moveaxis(xp.tensordot(g, cache, axes=([axis], [0])), -1, axis)
    x = cache
    dx = xp.zeros_like(x, dtype=g.dtype)
    for i, (s, e) in enumerate(edges):
        window = x[_take(x, axis, s, e)]
        first = xp.expand_dims(window.argmax(axis=axis), axis)  # the first maximum
        part = xp.zeros_like(window, dtype=g.dtype)
        gi = xp.expand_dims(xp.take(g, i, axis=axis), axis)
        xp.put_along_axis(part, first, gi, axis=axis)
        dx[_take(x, axis, s, e)] += part
    return dx


def adaptive_pool(x, output_size, axes, mode: str):
    """`x` pooled ("average" or "max") to `output_size` bins along `axes`, one axis after
    another; returns the output and the cache `adaptive_pool_grad` takes. Shared by the
    layers and `numkeras.ops.adaptive_average_pool` / `adaptive_max_pool`."""
    caches = []
    for axis, bins in zip(axes, output_size):
        edges = bin_edges(x.shape[axis], bins)
        x, cache = _pool_axis(x, axis, edges, mode)
        caches.append((axis, edges, cache))
    return x, caches


def adaptive_pool_grad(g, caches, mode: str):
    """The input gradient of `adaptive_pool` given the output gradient `g`."""
    for axis, edges, cache in reversed(caches):
        g = _pool_axis_grad(g, axis, edges, cache, mode)
    return g


class _AdaptiveAveragePooling(_AdaptivePooling):
    _mode = "average"


class _AdaptiveMaxPooling(_AdaptivePooling):
    integer_inputs = "keep"  # (selects values: integers stay integers)
    _mode = "max"


class AdaptiveAveragePooling1D(_AdaptiveAveragePooling):
    """Adaptive average pooling over steps: `(batch, steps, channels)` ->
    `(batch, output_size, channels)`.

    >>> import numpy as np
    >>> AdaptiveAveragePooling1D(2)(np.ones((3, 7, 4))).shape
    (3, 2, 4)
    """

    rank = 1
    _spatial_names = "(length,)"


class AdaptiveAveragePooling2D(_AdaptiveAveragePooling):
    """Adaptive average pooling over rows and columns.

    >>> import numpy as np
    >>> AdaptiveAveragePooling2D((2, 3))(np.ones((1, 5, 7, 4))).shape
    (1, 2, 3, 4)
    """

    rank = 2
    _spatial_names = "(height, width)"


class AdaptiveAveragePooling3D(_AdaptiveAveragePooling):
    """Adaptive average pooling over depth, height and width.

    >>> import numpy as np
    >>> AdaptiveAveragePooling3D(2)(np.ones((1, 5, 4, 3, 2))).shape
    (1, 2, 2, 2, 2)
    """

    rank = 3
    _spatial_names = "(depth, height, width)"


class AdaptiveMaxPooling1D(_AdaptiveMaxPooling):
    """Adaptive max pooling over steps: `(batch, steps, channels)` ->
    `(batch, output_size, channels)`.

    >>> import numpy as np
    >>> AdaptiveMaxPooling1D(2)(np.ones((3, 7, 4))).shape
    (3, 2, 4)
    """

    rank = 1
    _spatial_names = "(length,)"


class AdaptiveMaxPooling2D(_AdaptiveMaxPooling):
    """Adaptive max pooling over rows and columns.

    >>> import numpy as np
    >>> AdaptiveMaxPooling2D(4, data_format="channels_first")(np.ones((1, 2, 6, 9))).shape
    (1, 2, 4, 4)
    """

    rank = 2
    _spatial_names = "(height, width)"


class AdaptiveMaxPooling3D(_AdaptiveMaxPooling):
    """Adaptive max pooling over depth, height and width.

    >>> import numpy as np
    >>> AdaptiveMaxPooling3D((1, 2, 3))(np.ones((1, 5, 4, 3, 2))).shape
    (1, 1, 2, 3, 2)
    """

    rank = 3
    _spatial_names = "(depth, height, width)"
