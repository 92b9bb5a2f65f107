"""`BaseDepthwiseConv` and `BaseSeparableConv`: the depthwise and separable convolutions
behind `DepthwiseConv1D/2D` and `SeparableConv1D/2D` (Keras 3's semantics).

- depthwise: each input channel `c` is convolved with its own `depth_multiplier` filters,
  the kernel `(*kernel_size, channels, depth_multiplier)`; output channel
  `c * depth_multiplier + m` (Keras's order). It is `BaseConv`'s grouped convolution with
  one group per channel, the kernel seen as `(*kernel_size, 1, channels * depth_multiplier)`;
- separable: a depthwise convolution (no bias) and then a 1x1 ("pointwise") convolution,
  kernel `(*(1,) * rank, channels * depth_multiplier, filters)`, and the bias; weights
  `depthwise_kernel`, `pointwise_kernel`, `bias` as Keras's.

Unlike `Conv*`, both accept `strides > 1` with `dilation_rate > 1`, as Keras does.
"""

from __future__ import annotations

from numkeras import activations, backend, constraints, initializers, regularizers
from numkeras.layers import conv_utils as cu
from numkeras.layers.base_conv import BaseConv, conv_backward, conv_forward
from numkeras.layers.layer import Layer


class BaseDepthwiseConv(BaseConv):
    # (Keras's depthwise and separable convolutions save all their own variables)
    _saved_variables = Layer._saved_variables

    def __init__(
        self,
        kernel_size,
        strides=1,
        padding: str = "valid",
        depth_multiplier: int = 1,
        data_format: str | None = None,
        dilation_rate=1,
        activation=None,
        use_bias: bool = True,
        depthwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        depth_multiplier = cu.positive_int(depth_multiplier, "depth_multiplier")
        args = self._standardize(kernel_size, strides, padding, data_format, dilation_rate, False)
        Layer.__init__(self, activity_regularizer=activity_regularizer, **kwargs)
        self.depth_multiplier = depth_multiplier
        self._set_common(*args, activation, use_bias, bias_initializer, bias_regularizer)
        self.bias_constraint = constraints.get(bias_constraint)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)

    def _depthwise_shape(self, channels: int) -> tuple:
        return (*self.kernel_size, channels, self.depth_multiplier)

    def build(self, input_shape) -> None:
        input_shape = tuple(input_shape)
        channels = cu.check_channels(self, input_shape, self.data_format)
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(
            self._depthwise_shape(channels),
            initializer=self.depthwise_initializer,
            name="kernel",
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )
        self._add_bias(channels * self.depth_multiplier, self.bias_constraint)
        self.input_spec = cu.SpatialInputSpec(self.rank, self.data_format, channels)

    def _out_channels(self, input_shape) -> int:
        channels = input_shape[cu.channel_axis(self.data_format)]
        return None if channels is None else channels * self.depth_multiplier

    def _conv_kernel(self):
        k = self.kernel.value
        return k.reshape(*self.kernel_size, 1, k.shape[-2] * k.shape[-1])

    def _conv_groups(self) -> int:
        return self.kernel.shape[-2]

    def get_config(self) -> dict:
        config = Layer.get_config(self)
        config.update(
            {
                "depth_multiplier": self.depth_multiplier,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "data_format": self.data_format,
                "dilation_rate": self.dilation_rate,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
            }
        )
        return config

    def _repr_args(self) -> str:
        k = self.kernel_size[0] if len(set(self.kernel_size)) == 1 else self.kernel_size
        return f"{k}, depth_multiplier={self.depth_multiplier}"


class BaseSeparableConv(BaseDepthwiseConv):
    def __init__(
        self,
        filters: int,
        kernel_size,
        strides=1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate=1,
        depth_multiplier: int = 1,
        activation=None,
        use_bias: bool = True,
        depthwise_initializer="glorot_uniform",
        pointwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        filters = cu.positive_int(filters, "filters")
        super().__init__(
            kernel_size,
            strides=strides,
            padding=padding,
            depth_multiplier=depth_multiplier,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
        self.filters = filters
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape) -> None:
        input_shape = tuple(input_shape)
        channels = cu.check_channels(self, input_shape, self.data_format)
        self.compute_output_shape(input_shape)
        self.depthwise_kernel = self.add_weight(
            self._depthwise_shape(channels),
            initializer=self.depthwise_initializer,
            name="depthwise_kernel",
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )
        self.pointwise_kernel = self.add_weight(
            (*(1,) * self.rank, channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer,
            name="pointwise_kernel",
            regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint,
        )
        self._add_bias(self.filters, self.bias_constraint)
        self.input_spec = cu.SpatialInputSpec(self.rank, self.data_format, channels)

    def _out_channels(self, input_shape) -> int:
        return self.filters

    def _forward(self, inputs):
        x = cu.to_last(inputs, self.data_format)
        outs = self._outs(inputs.shape)
        k = self.depthwise_kernel.value
        kernel = k.reshape(*self.kernel_size, 1, k.shape[-2] * k.shape[-1])
        d, cache = conv_forward(
            x, kernel, k.shape[-2], self.strides, self.dilation_rate, self.padding, outs
        )
        pointwise = self.pointwise_kernel.value.reshape(d.shape[-1], self.filters)
        z = backend.xp.dot(d, pointwise)
        if self.bias is not None:
            z += self.bias.value
        return z.reshape(x.shape[0], *outs, self.filters), (cache, d, pointwise)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        xp = backend.xp
        (cache, d, pointwise), z, y = cache
        dz = cu.to_last(grad_output, self.data_format)
        if self.activation is not None:  # (None: set after building, linear as in Keras)
            dz = self.activation.grad(z, y, dz)
        dz2 = dz.reshape(-1, self.filters)
        if self.bias is not None and self.bias.wants_grad:
            self.bias.add_sum_grad(dz2)
        if self.pointwise_kernel.wants_grad:
            self.pointwise_kernel.add_grad(xp.dot(d.T, dz2).reshape(self.pointwise_kernel.shape))
        want_dw = self.depthwise_kernel.wants_grad
        if not (want_dw or need_input_grad):
            return None
        dd = xp.dot(dz2, pointwise.T).reshape(*dz.shape[:-1], d.shape[-1])
        dw, dx = conv_backward(cache, dd, want_dw, need_input_grad)
        if dw is not None:
            self.depthwise_kernel.add_grad(dw.reshape(self.depthwise_kernel.shape))
        return None if dx is None else cu.from_last(dx, self.data_format)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
                "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
                "pointwise_constraint": constraints.serialize(self.pointwise_constraint),
            }
        )
        return config

    def _repr_args(self) -> str:
        k = self.kernel_size[0] if len(set(self.kernel_size)) == 1 else self.kernel_size
        return f"{self.filters}, {k}"
