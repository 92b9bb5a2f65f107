"""`BaseConv`: the N-D convolution behind `Conv1D` and `Conv2D` (Keras 3's semantics).

`activation(conv(inputs, kernel) + bias)`, the kernel of shape
`(*kernel_size, input_channels // groups, filters)` as Keras's. The convolution is a
cross-correlation computed as im2col (`conv_utils.windows`) and one matmul (one batched
matmul over the groups); the backward pass is two matmuls and col2im.
"""

from __future__ import annotations

from numkeras import activations, backend, constraints, initializers, regularizers
from numkeras.errors import ConfigError
from numkeras.layers import conv_utils as cu
from numkeras.layers.layer import Layer


class BaseConv(Layer):
    rank = 2
    paddings = ("valid", "same")

    def __init__(
        self,
        filters: int,
        kernel_size,
        strides=1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate=1,
        groups: int = 1,
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
        for key in ("lora_rank", "lora_alpha"):
            if kwargs.pop(key, None) is not None:
                raise ConfigError(
                    f"{type(self).__name__}({key}=...) (LoRA) is not supported by numkeras."
                )
        rank = self.rank
        filters = cu.positive_int(filters, "filters")
        groups = cu.positive_int(groups, "groups")
        if filters % groups:
            raise ConfigError(
                "The number of filters must be evenly divisible by the number of groups. "
                f"Received: groups={groups}, filters={filters}."
            )
        kernel_size = cu.standardize_tuple(kernel_size, rank, "kernel_size")
        strides = cu.standardize_tuple(strides, rank, "strides")
        dilation_rate = cu.standardize_tuple(dilation_rate, rank, "dilation_rate")
        padding = cu.standardize_padding(padding, self.paddings)
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
        self.data_format = data_format
        self.dilation_rate = dilation_rate
        self.groups = groups
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = cu.SpatialInputSpec(rank, data_format)

    # -- build / shapes ---------------------------------------------------------------------
    def build(self, input_shape) -> None:
        input_shape = tuple(input_shape)
        channels = cu.check_channels(self, input_shape, self.data_format)
        if channels % self.groups:
            raise ConfigError(
                "The number of input channels must be evenly divisible by the number of "
                f"groups. Received groups={self.groups}, but the input has {channels} channels "
                f"(full input shape is {input_shape})."
            )
        self.compute_output_shape(input_shape)  # a window that does not fit: a clear error
        self.kernel = self.add_weight(
            (*self.kernel_size, channels // self.groups, self.filters),
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

    def _spatial(self, input_shape) -> tuple:
        return tuple(input_shape[a] for a in cu.spatial_axes(self.rank, self.data_format))

    def _outs(self, input_shape) -> tuple:
        outs = tuple(
            cu.out_size(n, k, d, s, self.padding)
            for n, k, d, s in zip(
                self._spatial(input_shape), self.kernel_size, self.dilation_rate, self.strides
            )
        )
        if any(o is not None and o <= 0 for o in outs):
            raise cu.window_too_big(
                self,
                input_shape,
                self.kernel_size,
                self.dilation_rate,
                self.strides,
                self.padding,
                "kernel",
            )
        return outs

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        outs = self._outs(input_shape)
        if self.data_format == "channels_last":
            return (input_shape[0], *outs, self.filters)
        return (input_shape[0], self.filters, *outs)

    # -- forward / backward -------------------------------------------------------------------
    def _matrices(self, cols):
        """`(a, w)`: the im2col rows and the kernel as matmul operands; with groups, one
        stacked pair per group, `(groups, rows, k * c)` and `(groups, k * c, f)`."""
        kernel = self.kernel.value
        ksize = cu.prod(self.kernel_size)
        rows = cu.prod(cols.shape[: self.rank + 1])
        if self.groups == 1:
            return cols.reshape(rows, -1), kernel.reshape(-1, self.filters)
        g, cg, fg = self.groups, kernel.shape[-2], self.filters // self.groups
        a = cols.reshape(rows, ksize, g, cg).transpose(2, 0, 1, 3).reshape(g, rows, ksize * cg)
        w = kernel.reshape(ksize, cg, g, fg).transpose(2, 0, 1, 3).reshape(g, ksize * cg, fg)
        return a, w

    def _forward(self, inputs):
        xp = backend.xp
        x = cu.to_last(inputs, self.data_format)
        sizes = x.shape[1:-1]
        outs = self._outs(inputs.shape)
        pads = cu.pads_for(self.padding, sizes, self.kernel_size, self.dilation_rate, self.strides)
        xpad = cu.pad(x, pads)
        cols = cu.windows(xpad, self.kernel_size, self.strides, self.dilation_rate, outs)
        a, w = self._matrices(cols)
        if self.groups == 1:
            z = xp.dot(a, w)  # (dot: NumPy's matmul is far slower for some of these shapes)
        else:  # (groups, rows, f/groups) -> (rows, filters)
            z = xp.matmul(a, w).transpose(1, 0, 2).reshape(a.shape[1], self.filters)
        if self.bias is not None:
            z += self.bias.value
        z = z.reshape(x.shape[0], *outs, self.filters)
        return z, (a, w, xpad.shape, pads)

    def call(self, inputs, training: bool = False):
        z, _ = self._forward(inputs)
        return cu.from_last(self.activation(z), self.data_format)

    def forward(self, inputs, training: bool = True):
        z, cache = self._forward(inputs)
        y = self.activation(z)
        return cu.from_last(y, self.data_format), (cache, z, y)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        xp = backend.xp
        (a, w, padded_shape, pads), z, y = cache
        dy = cu.to_last(grad_output, self.data_format)
        dz = self.activation.grad(z, y, dy)
        rows = cu.prod(dz.shape[:-1])
        dz2 = dz.reshape(rows, self.filters)
        if self.bias is not None and self.bias.wants_grad:
            self.bias.add_sum_grad(dz2)
        g = self.groups
        if g > 1:
            dz2 = dz2.reshape(rows, g, self.filters // g).transpose(1, 0, 2)
        if self.kernel.wants_grad:
            kshape = self.kernel.shape
            if g == 1:
                self.kernel.add_grad(xp.dot(a.T, dz2).reshape(kshape))
            else:
                dw = xp.matmul(a.transpose(0, 2, 1), dz2)  # (groups, k * cg, fg)
                dw = dw.reshape(g, cu.prod(self.kernel_size), kshape[-2], -1).transpose(1, 2, 0, 3)
                self.kernel.add_grad(dw.reshape(kshape))
        if not need_input_grad:
            return None
        if g == 1:
            dcols = xp.dot(dz2, w.T)
        else:
            dcols = xp.matmul(dz2, w.transpose(0, 2, 1))  # (groups, rows, k * cg)
            ksize, cg = cu.prod(self.kernel_size), w.shape[1] // cu.prod(self.kernel_size)
            dcols = dcols.reshape(g, rows, ksize, cg).transpose(1, 2, 0, 3)
        outs = dz.shape[1:-1]
        dcols = dcols.reshape(dz.shape[0], *outs, *self.kernel_size, padded_shape[-1])
        dx = cu.add_windows(dcols, padded_shape, self.kernel_size, self.strides, self.dilation_rate)
        return cu.from_last(cu.crop(dx, pads), self.data_format)

    # -- config -------------------------------------------------------------------------------
    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "data_format": self.data_format,
                "dilation_rate": self.dilation_rate,
                "groups": self.groups,
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
        act = activations.serialize(self.activation)
        return f"{self.filters}, {k}" + ("" if act == "linear" else f", activation='{act}'")
