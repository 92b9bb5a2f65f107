"""`BaseConv`: the N-D convolution behind `Conv1D`, `Conv2D` and `Conv3D` (Keras 3's
semantics), and the functions `conv_forward` / `conv_backward` that the depthwise and
separable convolutions share with it.

`activation(conv(inputs, kernel) + bias)`, the kernel of shape
`(*kernel_size, input_channels // groups, filters)` as Keras's. The convolution is a
cross-correlation computed as im2col (`conv_utils.windows`) and one matmul (one batched
matmul over the groups); the backward pass is two matmuls and col2im. A depthwise one (a
group per input channel: DepthwiseConv, SeparableConv) is instead a sum of the shifted
inputs scaled per channel, one pass per kernel position (`_depthwise_forward`): the
batched matmul would run one tiny product per channel.

LoRA, as Keras 3's `Conv1D/2D/3D` (`enable_lora(rank)` or `lora_rank=`,
`layers/lora.py`): the kernel frozen, factors `lora_kernel_a`
`(*kernel_size, channels // groups, rank)` and `lora_kernel_b` `(rank, filters)` trained;
`layer.kernel` and the files hold the merged kernel.
"""

from __future__ import annotations

from numkeras import activations, backend, constraints, initializers, regularizers
from numkeras.backend import fused
from numkeras.errors import ArgumentTypeError, ConfigError, warn_deprecated
from numkeras.layers import conv_utils as cu
from numkeras.layers import lora
from numkeras.layers.input_spec import check_input
from numkeras.layers.layer import Layer, keras1_arguments


def _matrices(cols, kernel, groups: int):
    """`(a, w)`: the im2col rows and a kernel `(*k, c // groups, f)` as matmul operands;
    with groups, one stacked pair per group, `(groups, rows, k * cg)` and `(groups, k * cg, fg)`."""
    rank = kernel.ndim - 2
    ksize = cu.prod(kernel.shape[:rank])
    filters = kernel.shape[-1]
    rows = cu.prod(cols.shape[: rank + 1])
    if groups == 1:
        return cols.reshape(rows, -1), kernel.reshape(-1, filters)
    g, cg, fg = groups, kernel.shape[-2], filters // groups
    a = cols.reshape(rows, ksize, g, cg).transpose(2, 0, 1, 3).reshape(g, rows, ksize * cg)
    w = kernel.reshape(ksize, cg, g, fg).transpose(2, 0, 1, 3).reshape(g, ksize * cg, fg)
    return a, w


def conv_forward(x, kernel, groups, strides, dilation, padding, outs):
    """The N-D (grouped) cross-correlation of a channels-last `x` with a kernel
    `(*kernel_size, channels // groups, filters)`, no bias: `z` of shape
    `(batch * prod(outs), filters)` (output channel `g * filters // groups + j` sees input
    group `g`) and what `conv_backward` needs."""
    xp = backend.xp
    rank = x.ndim - 2
    ksize, filters = tuple(kernel.shape[:rank]), kernel.shape[-1]
    pads = cu.pads_for(padding, x.shape[1:-1], ksize, dilation, strides)
    xpad = cu.pad(x, pads)
    if groups > 1 and kernel.shape[-2] == 1:
        return _depthwise_forward(xpad, kernel, groups, ksize, strides, dilation, pads, outs)
    if xpad is x and all(k == 1 for k in ksize) and all(s == 1 for s in strides):
        # a pointwise convolution's windows are the input itself (no im2col copy)
        cols = x.reshape(x.shape[0], *outs, *ksize, x.shape[-1])
    else:
        cols = cu.windows(xpad, ksize, strides, dilation, outs)
    a, w = _matrices(cols, kernel, groups)
    if groups == 1:
        z = xp.dot(a, w)  # (dot: NumPy's matmul is far slower for some of these shapes)
    else:  # (groups, rows, f/groups) -> (rows, filters)
        z = xp.matmul(a, w).transpose(1, 0, 2).reshape(a.shape[1], filters)
    return z, (a, w, xpad.shape, pads, groups, ksize, strides, dilation)


def conv_backward(cache, dz, want_kernel_grad: bool = True, want_input_grad: bool = True):
    """The backward pass of `conv_forward` for `dz` of shape `(batch, *outs, filters)`:
    `(d kernel, d x)`, each None when not wanted; the kernel gradient in the kernel's shape
    `(*kernel_size, channels // groups, filters)`, the input gradient channels-last."""
    if isinstance(cache[0], str):  # ("depthwise", ...)
        return _depthwise_backward(cache, dz, want_kernel_grad, want_input_grad)
    xp = backend.xp
    a, w, padded_shape, pads, g, kernel_size, strides, dilation = cache
    filters = dz.shape[-1]
    ksize, cg = cu.prod(kernel_size), padded_shape[-1] // g
    rows = cu.prod(dz.shape[:-1])
    dz2 = dz.reshape(rows, filters)
    if g > 1:
        dz2 = dz2.reshape(rows, g, filters // g).transpose(1, 0, 2)
    dw = dx = None
    if want_kernel_grad:
        if g == 1:
            dw = xp.dot(a.T, dz2)  # (k * c, f)
        else:
            dw = xp.matmul(a.transpose(0, 2, 1), dz2)  # (groups, k * cg, fg)
            dw = dw.reshape(g, ksize, cg, -1).transpose(1, 2, 0, 3)
        dw = dw.reshape(*kernel_size, cg, filters)
    if want_input_grad:
        if g == 1:
            dcols = xp.dot(dz2, w.T)
        else:
            dcols = xp.matmul(dz2, w.transpose(0, 2, 1))  # (groups, rows, k * cg)
            dcols = dcols.reshape(g, rows, ksize, cg).transpose(1, 2, 0, 3)
        dcols = dcols.reshape(*dz.shape[:-1], *kernel_size, padded_shape[-1])
        dx = cu.add_windows(dcols, padded_shape, kernel_size, strides, dilation)
        dx = cu.crop(dx, pads)
    return dw, dx


def _depthwise_forward(xpad, kernel, channels, ksize, strides, dilation, pads, outs):
    """`conv_forward` with one group per input channel: output channel `c * m + j` is
    `sum_k xpad[window k, c] * kernel[k, c * m + j]`, one multiply-add pass per kernel
    position on strided views of the padded input (no im2col copy)."""
    xp = backend.xp
    slices = cu.window_slices(ksize, dilation, strides, outs)
    m = kernel.shape[-1] // channels  # (the depth multiplier)
    w = kernel.reshape(len(slices), channels, m)
    batch = xpad.shape[0]
    z = xp.zeros((batch, *outs, channels, m), xpad.dtype)
    term = xp.empty_like(z)
    # (with one filter per channel, NumPy's loops run along the channels, not a 1-long axis)
    z_, term_, w_ = (z[..., 0], term[..., 0], w[..., 0]) if m == 1 else (z, term, w)
    for k, index in enumerate(slices):
        xp.multiply(xpad[index] if m == 1 else xpad[index][..., None], w_[k], out=term_)
        z_ += term_
    cache = ("depthwise", xpad, w, pads, ksize, strides, dilation, slices)
    return z.reshape(-1, channels * m), cache


def _depthwise_backward(cache, dz, want_kernel_grad: bool, want_input_grad: bool):
    xp = backend.xp
    _, xpad, w, pads, ksize, strides, dilation, slices = cache
    channels, m = w.shape[1:]
    dz = dz.reshape(*dz.shape[:-1], channels, m)
    dw = dx = None
    if want_kernel_grad:
        axes = "nxyz"[: xpad.ndim - 1]  # batch, space (letters apart from c and m)
        product = f"{axes}c,{axes}cm->cm"
        dw = xp.stack([xp.einsum(product, xpad[index], dz) for index in slices])
        dw = dw.reshape(*ksize, 1, channels * m)
    if want_input_grad:
        dxpad = xp.zeros(xpad.shape, dz.dtype)
        for k, index in enumerate(slices):
            dxpad[index] += (dz * w[k]).sum(-1) if m > 1 else dz[..., 0] * w[k, :, 0]
        dx = cu.crop(dxpad, pads)
    return dw, dx


# Keras 1's names, which Keras 2.0-2.3 still took, per rank (the 2016 examples'
# `Convolution1D(nb_filter=250, filter_length=3, border_mode="valid", subsample_length=1)`,
# `Convolution2D(32, nb_row=3, nb_col=3, border_mode="same", subsample=(2, 2))`)
_KERAS1_COMMON = {
    "nb_filter": "filters",
    "border_mode": "padding",
    "init": "kernel_initializer",
    "W_regularizer": "kernel_regularizer",
    "b_regularizer": "bias_regularizer",
    "W_constraint": "kernel_constraint",
    "b_constraint": "bias_constraint",
    "bias": "use_bias",
}
_KERAS1 = {
    1: {**_KERAS1_COMMON, "filter_length": "kernel_size", "subsample_length": "strides"},
    2: {**_KERAS1_COMMON, "subsample": "strides", "dim_ordering": "data_format"},
    3: {**_KERAS1_COMMON, "subsample": "strides", "dim_ordering": "data_format"},
}
# the kernel's sides by name (`nb_row=3, nb_col=3`), joined into `kernel_size`
_KERAS1_KERNEL = {2: ("nb_row", "nb_col"), 3: ("kernel_dim1", "kernel_dim2", "kernel_dim3")}
# the Keras 1 names that give `filters` / `kernel_size` (which Keras 2 took one way only)
_GIVES = {
    "filters": ("nb_filter",),
    "kernel_size": ("filter_length", *_KERAS1_KERNEL[2], *_KERAS1_KERNEL[3]),
}
# Keras 1's `dim_ordering` values (Keras 2.0's conversion; "default": the configured one)
DIM_ORDERING = {"tf": "channels_last", "th": "channels_first", "default": None}


def keras1_conv_arguments(cls_name: str, rank: int, kwargs: dict) -> dict:
    """`kwargs` with Keras 1's convolution arguments renamed to Keras 2/3's (each with one
    deprecation note), the kernel's sides (`nb_row`, `nb_col`) joined into `kernel_size`
    and `dim_ordering`'s "tf" / "th" read as "channels_last" / "channels_first".

    >>> keras1_conv_arguments("Conv2D", 2, {"nb_row": 3, "nb_col": 2, "border_mode": "same"})
    {'padding': 'same', 'kernel_size': (3, 2)}
    """
    out = keras1_arguments(cls_name, kwargs, _KERAS1.get(rank, _KERAS1_COMMON))
    sides = _KERAS1_KERNEL.get(rank, ())
    if any(k in out for k in sides):
        missing = [k for k in sides if k not in out]
        if missing:
            raise ArgumentTypeError(
                f"`{cls_name}` got Keras 1's {', '.join(k for k in sides if k in out)} "
                f"without {', '.join(missing)}: pass all of {', '.join(sides)}, or Keras 2's "
                f"`kernel_size=` (a tuple of {rank})."
            )
        out["kernel_size"] = tuple(out.pop(k) for k in sides)
        warn_deprecated(
            f"`{cls_name}({'=, '.join(sides)}=...)` is a Keras 1 spelling; use `kernel_size=`."
        )
    if "data_format" in out and out["data_format"] in DIM_ORDERING:
        out["data_format"] = DIM_ORDERING[out["data_format"]]
    return out


class BaseConv(Layer):
    rank = 2
    paddings = ("valid", "same")
    lora_enabled = False  # (a LoRA convolution's is its own: `lora.LoraFactors`)

    def __init_subclass__(cls, **kwargs):
        if "convolution_op" in cls.__dict__ and "call" not in cls.__dict__:
            # Keras's call computes `self.convolution_op(inputs, self.kernel)`: a subclass
            # that overrides it (keras.io's standardized convolution) gets that call,
            # differentiated by tracing it as any user layer's
            cls.call = _call_through_convolution_op
        super().__init_subclass__(**kwargs)

    def convolution_op(self, inputs, kernel):
        """Keras's: the convolution of `inputs` with `kernel` (no bias, no activation)."""
        from numkeras import ops

        return ops.conv(
            inputs,
            kernel,
            strides=list(self.strides),
            padding=self.padding,
            dilation_rate=list(self.dilation_rate),
            data_format=self.data_format,
        )

    def __init__(
        self,
        filters: int | None = None,
        kernel_size=None,
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
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        **kwargs,
    ):
        lora.check_rank(lora_rank)
        if any(
            k in kwargs for k in (*_KERAS1.get(self.rank, ()), *_KERAS1_KERNEL.get(self.rank, ()))
        ):
            legacy = keras1_conv_arguments(type(self).__name__, self.rank, kwargs)
            for name, given in (("filters", filters), ("kernel_size", kernel_size)):
                if name in legacy and given is not None:  # (Keras 2.0's legacy check)
                    raise ArgumentTypeError(
                        f"`{type(self).__name__}` got `{name}` both in Keras 2's spelling and "
                        f"in Keras 1's ({', '.join(k for k in kwargs if k in _GIVES[name])}): "
                        f"pass only `{name}=`."
                    )
            if cu.standardize_tuple(strides, self.rank, "strides") != (1,) * self.rank:
                # `Convolution2D(32, 3, 3, border_mode="same")`: Keras 2.0-2.3 read the
                # third number as the kernel's width, Keras 2.4+ and 3 as `strides`
                raise ArgumentTypeError(
                    f"`{type(self).__name__}` got Keras 1's "
                    f"{', '.join(k for k in kwargs if k not in legacy)} with "
                    f"`strides={strides!r}`: Keras 2.0-2.3 read a third number by position "
                    "(`Convolution2D(32, 3, 3, border_mode=...)`) as the kernel's width, "
                    "Keras 2.4+ and 3 as `strides`. Write the kernel as `kernel_size=(3, 3)` "
                    "(or `nb_row=`, `nb_col=`) and the strides as `subsample=`."
                )
            filters = legacy.pop("filters", filters)
            kernel_size = legacy.pop("kernel_size", kernel_size)
            strides = legacy.pop("strides", strides)
            padding = legacy.pop("padding", padding)
            data_format = legacy.pop("data_format", data_format)
            use_bias = legacy.pop("use_bias", use_bias)
            kernel_initializer = legacy.pop("kernel_initializer", kernel_initializer)
            kernel_regularizer = legacy.pop("kernel_regularizer", kernel_regularizer)
            bias_regularizer = legacy.pop("bias_regularizer", bias_regularizer)
            kernel_constraint = legacy.pop("kernel_constraint", kernel_constraint)
            bias_constraint = legacy.pop("bias_constraint", bias_constraint)
            kwargs = legacy
        # (None only when Keras 1's names might have given them: required as in Keras)
        missing = [n for n, v in (("filters", filters), ("kernel_size", kernel_size)) if v is None]
        if missing:
            raise ArgumentTypeError(
                f"{type(self).__name__}.__init__() missing required argument(s): "
                f"{', '.join(missing)}. Pass e.g. `{type(self).__name__}(32, 3)`."
            )
        filters = cu.positive_int(filters, "filters")
        groups = cu.positive_int(groups, "groups")
        if filters % groups:
            raise ConfigError(
                "The number of filters must be evenly divisible by the number of groups. "
                f"Received: groups={groups}, filters={filters}."
            )
        args = self._standardize(kernel_size, strides, padding, data_format, dilation_rate)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.filters = filters
        self.groups = groups
        self._set_common(*args, activation, use_bias, bias_initializer, bias_regularizer)
        self.bias_constraint = constraints.get(bias_constraint)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank

    # -- the kernel and LoRA ----------------------------------------------------------------
    kernel = lora.kernel_property
    _kernel_value = lora.kernel_value

    def _standardize(self, kernel_size, strides, padding, data_format, dilation_rate, check=True):
        """The window arguments checked and standardized (Keras's errors)."""
        rank = self.rank
        kernel_size = cu.standardize_tuple(kernel_size, rank, "kernel_size")
        strides = cu.standardize_tuple(strides, rank, "strides")
        dilation_rate = cu.standardize_tuple(dilation_rate, rank, "dilation_rate")
        padding = cu.standardize_padding(padding, self.paddings)
        data_format = cu.standardize_data_format(data_format)
        if check and max(strides) > 1 and max(dilation_rate) > 1:
            raise ConfigError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={strides} and dilation_rate={dilation_rate}"
            )
        return kernel_size, strides, padding, data_format, dilation_rate

    def _set_common(
        self,
        kernel_size,
        strides,
        padding,
        data_format,
        dilation_rate,
        activation,
        use_bias,
        bias_initializer,
        bias_regularizer,
    ) -> None:
        self.kernel_size = kernel_size
        self.strides = strides
        self.padding = padding
        self.data_format = data_format
        self.dilation_rate = dilation_rate
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.bias_initializer = initializers.get(bias_initializer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.input_spec = cu.SpatialInputSpec(self.rank, data_format)

    def _add_bias(self, units: int, constraint) -> None:
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                (units,),
                initializer=self.bias_initializer,
                name="bias",
                regularizer=self.bias_regularizer,
                constraint=constraint,
            )

    def _saved_variables(self) -> list:
        # (Keras's layer saves these by name: a subclass's extra variables are its own;
        # with LoRA, Keras saves the merged kernel and no factors)
        variables = self._named_variables("_kernel", "bias")
        if self.lora_enabled and variables:
            factors = (self.lora_kernel_a, self.lora_kernel_b)
            variables[0] = lora.MergedWeight(self._kernel, self._kernel_value, factors)
        return variables

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
        self._add_bias(self.filters, self.bias_constraint)
        self.input_spec = cu.SpatialInputSpec(self.rank, self.data_format, channels)
        if self.lora_rank:  # (Keras's build enables it with the rank and alpha given)
            lora.check_enable(self, self.kernel_constraint, built=True)
            self._add_lora_factors(self.lora_rank, self.lora_alpha, "he_uniform", "zeros")

    def _reset_build_state(self) -> None:
        self.input_spec = cu.SpatialInputSpec(self.rank, self.data_format)
        self.__dict__.pop("lora_enabled", None)

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

    def _out_channels(self, input_shape) -> int:
        return self.filters

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        # the rank first (as Keras): another rank would give a meaningless shape
        check_input(cu.SpatialInputSpec(self.rank, self.data_format), input_shape, self.name)
        outs = self._outs(input_shape)
        units = self._out_channels(input_shape)
        if self.data_format == "channels_last":
            return (input_shape[0], *outs, units)
        return (input_shape[0], units, *outs)

    # -- forward / backward -------------------------------------------------------------------
    def _conv_kernel(self):
        """The kernel as `conv_forward` takes it, `(*kernel_size, channels // groups, out)`."""
        return self._kernel_value()

    def _conv_groups(self) -> int:
        return self.groups

    def _forward(self, inputs, add_bias: bool = True):
        x = cu.to_last(inputs, self.data_format)
        outs = self._outs(inputs.shape)
        z, cache = conv_forward(
            x,
            self._conv_kernel(),
            self._conv_groups(),
            self.strides,
            self.dilation_rate,
            self.padding,
            outs,
        )
        if self.bias is not None and add_bias:
            z += self.bias.value
        return z.reshape(x.shape[0], *outs, z.shape[-1]), cache

    def _activated(self, inputs) -> tuple:
        """`(y, z, cache)`: the activation of `_forward`'s pre-activation z. With a bias and
        the default relu, the bias add and relu run in place as one fused pass
        (`backend.fused` bias_relu, bit for bit NumPy's), so z is y: relu's gradient reads
        only `z > 0`, the same test as `y > 0`."""
        if (
            self.bias is not None
            and self.activation is activations.relu
            and type(self)._forward is BaseConv._forward  # (subclasses add their own bias)
        ):
            z, cache = self._forward(inputs, add_bias=False)
            rows = z.reshape(-1, z.shape[-1])
            if fused.run("bias_relu", rows, self.bias.value, z.dtype.type(0)) is not None:
                return z, z, cache
            z += self.bias.value
        else:
            z, cache = self._forward(inputs)
        if self.activation is None:  # (set to None after building: linear, as in Keras)
            return z, z, cache
        return self.activation(z), z, cache

    def call(self, inputs, training: bool = False):
        y, _, _ = self._activated(inputs)
        return cu.from_last(y, self.data_format)

    def forward(self, inputs, training: bool = True):
        y, z, cache = self._activated(inputs)
        return cu.from_last(y, self.data_format), (cache, z, y)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        cache, z, y = cache
        dz = cu.to_last(grad_output, self.data_format)
        if self.activation is not None:
            dz = self.activation.grad(z, y, dz)
        if self.bias is not None and self.bias.wants_grad:
            self.bias.add_sum_grad(dz.reshape(-1, dz.shape[-1]))
        if self.lora_enabled:  # (the frozen kernel gets no gradient)
            a, b = self.lora_kernel_a, self.lora_kernel_b
            dw, dx = conv_backward(cache, dz, a.wants_grad or b.wants_grad, need_input_grad)
            if dw is not None:
                lora.add_factor_grads(a, b, dw, self.lora_alpha, self.lora_rank)
            return None if dx is None else cu.from_last(dx, self.data_format)
        dw, dx = conv_backward(cache, dz, self._kernel.wants_grad, need_input_grad)
        if dw is not None:
            self._kernel.add_grad(dw.reshape(self._kernel.shape))
        return None if dx is None else cu.from_last(dx, self.data_format)

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
        if self.lora_rank:
            config.update(lora_rank=self.lora_rank, lora_alpha=self.lora_alpha)
        return config

    def _repr_args(self) -> str:
        k = self.kernel_size[0] if len(set(self.kernel_size)) == 1 else self.kernel_size
        act = activations.serialize(self.activation)
        return f"{self.filters}, {k}" + ("" if act == "linear" else f", activation='{act}'")


def _call_through_convolution_op(self, inputs):
    """Keras 3's `BaseConv.call`, for a subclass with its own `convolution_op`."""
    from numkeras import ops
    from numkeras.activations import activations as builtin

    outputs = self.convolution_op(inputs, self.kernel)
    if self.use_bias:
        shape = [1] * (self.rank + 2)
        shape[-1 if self.data_format == "channels_last" else 1] = self.filters
        outputs = outputs + ops.reshape(self.bias, shape)
    if self.activation is None:
        return outputs
    name = activations.serialize(self.activation)
    if getattr(self.activation, "__module__", None) != builtin.__name__:
        return self.activation(outputs)  # (a user's function, traced)
    if name == "linear":
        return outputs
    fn = getattr(ops, name, None)
    if fn is None:
        raise ConfigError(
            f"{type(self).__name__}: numkeras cannot apply the activation {name!r} after an "
            "overridden convolution_op; use activation=None and a separate Activation layer."
        )
    return fn(outputs)
