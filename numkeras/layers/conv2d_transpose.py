"""`Conv2DTranspose`: the transposed ("de-") convolution of Keras 3, the upsampling layer
of DCGAN generators.

It is the gradient of a `Conv2D` with respect to its input: each input pixel scatters
`kernel[..., :, c] * x[c]` onto an output window, windows `strides` apart. The kernel has
Keras's shape `(kernel_rows, kernel_cols, filters, input_channels)`. Output size per axis
(`k` the dilated kernel size, `s` the stride, `n` the input size):
- `padding="valid"`: `(n - 1) * s + k + output_padding`, `output_padding` defaulting to
  `max(k, s) - k`;
- `padding="same"`: `n * s`, or with `output_padding`: `(n - 1) * s + k % 2 + output_padding`.

Forward: one matmul and col2im (`conv_utils.add_windows`); backward: im2col and two matmuls.

>>> import numpy as np
>>> layer = Conv2DTranspose(64, 4, strides=2, padding="same")
>>> layer(np.zeros((2, 7, 7, 128))).shape, layer.kernel.shape
((2, 14, 14, 64), (4, 4, 64, 128))
"""

from __future__ import annotations

from numkeras import activations, backend, constraints, initializers, regularizers
from numkeras.errors import ConfigError, ShapeError, format_shape
from numkeras.layers import conv_utils as cu
from numkeras.layers.input_spec import check_input
from numkeras.layers.layer import Layer


class BaseConvTranspose(Layer):
    rank = 2

    def __init__(
        self,
        filters: int,
        kernel_size,
        strides=1,
        padding: str = "valid",
        output_padding=None,
        data_format: str | None = None,
        dilation_rate=1,
        activation=None,
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        rank = self.rank
        filters = cu.positive_int(filters, "filters")
        kernel_size = cu.standardize_tuple(kernel_size, rank, "kernel_size")
        strides = cu.standardize_tuple(strides, rank, "strides")
        dilation_rate = cu.standardize_tuple(dilation_rate, rank, "dilation_rate")
        padding = cu.standardize_padding(padding)
        if output_padding is not None:
            output_padding = cu.standardize_tuple(
                output_padding, rank, "output_padding", allow_zero=True
            )
            for i, (op, s) in enumerate(zip(output_padding, strides)):
                if op >= s:
                    raise ConfigError(
                        "`output_padding` must be strictly less than `strides` for all "
                        f"dimensions. At dimension {i}, `output_padding` is {op} but "
                        f"`strides` is {s}. Received: output_padding={output_padding}, "
                        f"strides={strides}"
                    )
        data_format = cu.standardize_data_format(data_format)
        if max(strides) > 1 and max(dilation_rate) > 1:
            raise ConfigError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={strides} and dilation_rate={dilation_rate}"
            )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.filters = filters
        self.kernel_size = kernel_size
        self.strides = strides
        self.padding = padding
        self.output_padding = output_padding
        self.data_format = data_format
        self.dilation_rate = dilation_rate
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = cu.SpatialInputSpec(rank, data_format)

    # -- build / shapes -----------------------------------------------------------------------
    def build(self, input_shape) -> None:
        input_shape = tuple(input_shape)
        channels = cu.check_channels(self, input_shape, self.data_format)
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(
            (*self.kernel_size, self.filters, channels),
            initializer=self.kernel_initializer,
            name="kernel",
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                (self.filters,),
                initializer=self.bias_initializer,
                name="bias",
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.input_spec = cu.SpatialInputSpec(self.rank, self.data_format, channels)

    def _reset_build_state(self) -> None:
        self.input_spec = cu.SpatialInputSpec(self.rank, self.data_format)

    def _axis(self, i: int, size):
        """`(output size, crop before)` of spatial axis `i` (Keras's rule, JAX's padding):
        output position `p` is position `p + crop` of the full scatter, whose length is
        `(size - 1) * stride + k`."""
        k = (self.kernel_size[i] - 1) * self.dilation_rate[i] + 1
        s = self.strides[i]
        op = None if self.output_padding is None else self.output_padding[i]
        if self.padding == "valid":
            op = max(k, s) - k if op is None else op
            left = k - 1
            out = None if size is None else (size - 1) * s + k + op
        else:
            pad_len = s + k - 2 if op is None else k + k % 2 - 2 + op
            left = min(pad_len // 2 + pad_len % 2, k - 1)
            if size is None:
                out = None
            else:
                out = size * s if op is None else (size - 1) * s + k % 2 + op
        return out, k - 1 - left

    def _outs(self, input_shape) -> tuple:
        sizes = [input_shape[a] for a in cu.spatial_axes(self.rank, self.data_format)]
        outs = tuple(self._axis(i, n)[0] for i, n in enumerate(sizes))
        if any(o is not None and o <= 0 for o in outs):
            raise ShapeError(
                f"Layer '{self.name}' ({type(self).__name__}) would give an empty output for "
                f"inputs of shape {format_shape(input_shape)} (output spatial size "
                f"{format_shape(outs)}); use padding='valid' or larger inputs."
            )
        return outs

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        # the rank first (as Keras): another rank would give a meaningless shape
        check_input(cu.SpatialInputSpec(self.rank, self.data_format), input_shape, self.name)
        outs = self._outs(input_shape)
        if self.data_format == "channels_last":
            return (input_shape[0], *outs, self.filters)
        return (input_shape[0], self.filters, *outs)

    def _geometry(self, sizes):
        """`(outs, crops, buffer shape)`: the scatter buffer holds the full scatter and
        the cropped output (`output_padding` may reach past the scatter's end)."""
        outs, crops, buf = [], [], []
        for i, n in enumerate(sizes):
            out, crop = self._axis(i, n)
            k = (self.kernel_size[i] - 1) * self.dilation_rate[i] + 1
            outs.append(out)
            crops.append(crop)
            buf.append(max((n - 1) * self.strides[i] + k, crop + out))
        return tuple(outs), tuple(crops), tuple(buf)

    def _crop_index(self, outs, crops):
        return (slice(None), *(slice(c, c + o) for c, o in zip(crops, outs)))

    # -- forward / backward -------------------------------------------------------------------
    def _forward(self, inputs):
        xp = backend.xp
        x = cu.to_last(inputs, self.data_format)
        n, sizes, channels = x.shape[0], x.shape[1:-1], x.shape[-1]
        self._outs(inputs.shape)
        outs, crops, buf = self._geometry(sizes)
        x2 = x.reshape(-1, channels)
        w2 = self.kernel.value.reshape(-1, channels)  # (k * filters, channels)
        cols = xp.dot(x2, w2.T).reshape(n, *sizes, *self.kernel_size, self.filters)
        full = cu.add_windows(
            cols, (n, *buf, self.filters), self.kernel_size, self.strides, self.dilation_rate
        )
        z = xp.ascontiguousarray(full[self._crop_index(outs, crops)])
        if self.bias is not None:
            z += self.bias.value
        return z, (x2, x.shape, outs, crops, buf)

    def call(self, inputs, training: bool = False):
        z, _ = self._forward(inputs)
        return cu.from_last(z if self.activation is None else self.activation(z), self.data_format)

    def forward(self, inputs, training: bool = True):
        z, cache = self._forward(inputs)
        y = z if self.activation is None else self.activation(z)  # (None: set after building)
        return cu.from_last(y, self.data_format), (cache, z, y)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        xp = backend.xp
        (x2, xshape, outs, crops, buf), z, y = cache
        dz = cu.to_last(grad_output, self.data_format)
        if self.activation is not None:
            dz = self.activation.grad(z, y, dz)
        if self.bias is not None and self.bias.wants_grad:
            self.bias.add_sum_grad(dz.reshape(-1, self.filters))
        n, sizes = xshape[0], xshape[1:-1]
        dfull = xp.zeros((n, *buf, self.filters), dz.dtype)
        dfull[self._crop_index(outs, crops)] = dz
        dcols = cu.windows(dfull, self.kernel_size, self.strides, self.dilation_rate, sizes)
        dcols = dcols.reshape(x2.shape[0], -1)  # (inputs, k * filters)
        if self.kernel.wants_grad:
            self.kernel.add_grad(xp.dot(dcols.T, x2).reshape(self.kernel.shape))
        if not need_input_grad:
            return None
        w2 = self.kernel.value.reshape(-1, xshape[-1])
        dx = xp.dot(dcols, w2).reshape(xshape)
        return cu.from_last(dx, self.data_format)

    # -- config -------------------------------------------------------------------------------
    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "output_padding": self.output_padding,
                "data_format": self.data_format,
                "dilation_rate": self.dilation_rate,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
            }
        )
        return config

    def _repr_args(self) -> str:
        k = self.kernel_size[0] if len(set(self.kernel_size)) == 1 else self.kernel_size
        return f"{self.filters}, {k}, strides={self.strides}"


class Conv2DTranspose(BaseConvTranspose):
    rank = 2


Convolution2DTranspose = Conv2DTranspose  # Keras's alias
