"""`EinsumDense`: `activation(einsum(equation, inputs, kernel) + bias)`, as Keras 3.

The equation names the input's, the kernel's and the output's axes (`"abc,cd->abd"`);
`...` on the left (`"...b,bc->...c"`) or on the right (`"ab...,bc->ac..."`) stands for
the axes the equation does not name. `output_shape` gives the output's axes after the
batch axis (`None` where the input decides); the kernel takes its sizes from the input
and the output (an output axis the input shares takes the input's size, where Keras's
symbolic shape leaves it None). `bias_axes` (output letters) adds a bias over those axes. It is the
projection MultiHeadAttention is built from: `"abc,cde->abde"` maps `(batch, seq,
dim)` to `(batch, seq, heads, key_dim)` with a kernel `(dim, heads, key_dim)`.

The backward pass is two more einsums (the input's and the kernel's gradients) and a sum
for the bias; an input axis that appears in neither the kernel nor the output (summed
over alone) gets the broadcast gradient.

LoRA, as Keras 3's (`enable_lora(rank)` or `lora_rank=`, `layers/lora.py`): the kernel
frozen, factors `lora_kernel_a` `(*kernel.shape[:-1], rank)` and `lora_kernel_b`
`(rank, kernel.shape[-1])` trained; `layer.kernel` and the files hold the merged kernel.

int8 quantization, as Keras 3's (`quantize("int8")`, `layers/quantization.py`): abs-max
over the contracted axes of the kernel (a frozen int8 `kernel` and its `kernel_scale`)
and, at call time, of the inputs.

>>> import numpy as np
>>> layer = EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de")
>>> layer(np.ones((4, 5, 6))).shape
(4, 5, 2, 3)
>>> [tuple(w.shape) for w in layer.weights]
[(6, 2, 3), (2, 3)]
"""

from __future__ import annotations

import re
import string

from numkeras import activations, backend, constraints, initializers, regularizers
from numkeras.errors import ConfigError, ShapeError, format_shape
from numkeras.initializers.random_initializers import VarianceScaling
from numkeras.layers import lora, quantization
from numkeras.layers.input_spec import InputSpec
from numkeras.layers.layer import Layer


def _parse(equation: str) -> tuple[str, str, str, str | None]:
    """(input spec, kernel spec, output spec, "left" / "right" / None for `...`), as
    Keras's `_analyze_einsum_string` accepts them."""
    if not isinstance(equation, str):
        raise ConfigError(f"EinsumDense's `equation` must be a string, received {equation!r}.")
    dots = equation.replace("...", "0")
    for pattern, side in (
        ("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", None),
        ("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", "left"),
        ("([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", "right"),
    ):
        match = re.fullmatch(pattern, dots)
        if match:
            return (*match.groups(), side)
    raise ConfigError(
        f"Invalid einsum equation '{equation}'. Equations must be in the form "
        "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]...."
    )


def analyze(equation: str, bias_axes: str | None, input_shape, output_shape):
    """Keras's `_analyze_split_string`: (kernel shape, bias shape or None, full output
    shape, kernel input axes, kernel output axes) for `input_shape` (batch axis first)."""
    input_spec, weight_spec, output_spec, side = _parse(equation)
    input_shape = tuple(input_shape)
    left = side == "left"
    elided = len(input_shape) - len(input_spec)
    if elided < 0 or (side is None and elided):
        raise ShapeError(
            f"The einsum equation '{equation}' names {len(input_spec)} input axes, but the "
            f"input has shape {format_shape(input_shape)} (rank {len(input_shape)})."
        )
    output = [output_shape] if isinstance(output_shape, int) else list(output_shape)
    output.insert(0, input_shape[0])
    if elided > 0 and left:
        for i in range(1, elided):
            output.insert(1, input_shape[i])
    elif elided > 0:
        output.extend(input_shape[len(input_shape) - elided :])
    if left:
        in_map = {d: (i + elided) - len(input_shape) for i, d in enumerate(input_spec)}
        out_map = {d: i + elided for i, d in enumerate(output_spec)}
    else:
        in_map = {d: i for i, d in enumerate(input_spec)}
        out_map = {d: i for i, d in enumerate(output_spec)}
    for d in input_spec:
        if d in out_map:
            o = output[out_map[d]]
            if o is not None and o != input_shape[in_map[d]]:
                raise ShapeError(
                    f"Input shape and output shape do not match at shared dimension '{d}'. "
                    f"Input shape is {input_shape[in_map[d]]}, and output shape is {o}."
                )
    for d in output_spec:
        if d not in input_spec and d not in weight_spec:
            raise ConfigError(
                f"Dimension '{d}' was specified in the output '{output_spec}' but has no "
                f"corresponding dim in the input spec '{input_spec}' or weight spec "
                f"'{weight_spec}'"
            )
    kernel, input_axes, output_axes = [], [], []
    for i, d in enumerate(weight_spec):
        if d in out_map:
            kernel.append(output[out_map[d]])
            output_axes.append(i)
        elif d in in_map:
            kernel.append(input_shape[in_map[d]])
            input_axes.append(i)
        else:
            raise ConfigError(
                f"Weight dimension '{d}' did not have a match in either the input spec "
                f"'{input_spec}' or the output spec '{output_spec}'. For this layer, the weight "
                "must be fully specified."
            )
    bias = None
    if bias_axes is not None:
        lead = elided if left else 0
        sizes = {d: output[i + lead] for i, d in enumerate(output_spec)}
        for d in bias_axes:
            if d not in output_spec:
                raise ConfigError(
                    f"Bias dimension '{d}' was requested, but is not part of the output spec "
                    f"'{output_spec}'"
                )
        first = min(output_spec.find(d) for d in bias_axes)
        bias = [sizes[d] if d in bias_axes else 1 for d in output_spec[first:]]
        if not left:
            bias.extend([1] * max(elided, 0))
    return kernel, bias, output, input_axes, output_axes


def explicit_equation(equation: str, ndim: int) -> tuple[str, str, str]:
    """`equation` for an input of rank `ndim` with `...` replaced by unused letters:
    (input, kernel, output) subscripts, for NumPy's einsum and the backward pass."""
    input_spec, weight_spec, output_spec, side = _parse(equation)
    if side is None:
        return input_spec, weight_spec, output_spec
    used = set(input_spec + weight_spec + output_spec)
    free = "".join(c for c in string.ascii_letters if c not in used)
    fill = free[: ndim - len(input_spec)]
    if side == "left":
        return fill + input_spec, weight_spec, fill + output_spec
    return input_spec + fill, weight_spec, output_spec + fill


def einsum(subscripts: str, a, b):
    """A two-operand einsum through BLAS where it can (`optimize=True`)."""
    return backend.xp.einsum(subscripts, a, b, optimize=True)


class EinsumDense(lora.LoraFactors, quantization.Quantizable, Layer):
    """A dense layer whose contraction is an einsum equation (see the module docstring).

    >>> import numpy as np
    >>> layer = EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c")
    >>> layer(np.ones((2, 3))).shape
    (2, 4)
    """

    supports_masking = False  # (Keras 3.15's drops a mask, with a warning: not supported)

    def __init__(
        self,
        equation: str,
        output_shape,
        activation=None,
        bias_axes: str | None = None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        gptq_unpacked_column_size: int | None = None,
        quantization_config=None,
        **kwargs,
    ):
        if gptq_unpacked_column_size:
            raise ConfigError(
                "numkeras's EinsumDense has no GPTQ quantization (gptq_unpacked_column_size): "
                "use a plain or an int8 EinsumDense."
            )
        quantization.check_config(quantization_config)
        # (a quantized policy, from a quantized layer's config: build makes int8 weights)
        quantization_mode, kwargs["dtype"] = quantization.split_dtype(kwargs.get("dtype"))
        lora.check_rank(lora_rank)
        _parse(equation)
        if bias_axes is not None and not isinstance(bias_axes, str):
            raise ConfigError(
                f"EinsumDense's `bias_axes` must be a string of output letters or None, "
                f"received {bias_axes!r}."
            )
        super().__init__(**kwargs)
        self.equation = equation
        if isinstance(output_shape, int):
            self.partial_output_shape = (output_shape,)
        else:
            self.partial_output_shape = tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self._linear = self.activation is activations.get("linear")
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        self.kernel = self.bias = None
        self._quantization_mode = quantization_mode  # ("int8" once quantized)

    # -- the kernel and LoRA ----------------------------------------------------------
    kernel = lora.kernel_property
    _kernel_value = lora.kernel_value

    def _saved_variables(self) -> list:
        # (Keras's layer saves these by name: a subclass's extra variables are its own;
        # with LoRA, Keras saves the merged kernel and no factors)
        # (int8: Keras's order is kernel, bias, kernel_scale)
        variables = self._named_variables("_kernel", "bias", "kernel_scale")
        if self.lora_enabled and variables:
            factors = (self.lora_kernel_a, self.lora_kernel_b)
            if self.quantization_mode is None:
                variables[0] = lora.MergedWeight(self._kernel, self._kernel_value, factors)
            else:  # (int8: Keras saves the merged kernel quantized again, with its scale)
                variables[0] = lora.MergedWeight(
                    variables[0], lambda: self._requantized()[0], factors
                )
                variables[-1] = lora.MergedWeight(
                    variables[-1], lambda: self._requantized()[1], factors
                )
        return variables

    def _requantized(self):
        """An int8 LoRA layer's merged kernel (dequantized kernel plus the update),
        quantized again: `(int8 kernel, scale)`, as Keras saves them."""
        info = self._quantization_info(self.input_spec.ndim)["kernel"]
        merged = self._float_kernel(self.compute_dtype)
        kernel_q, scale = quantization.abs_max_quantize(merged, axis=tuple(info["reduced"]))
        return kernel_q, quantization.adjust_scale(scale, info)

    # -- int8 quantization (layers/quantization.py) -----------------------------------
    def quantize(self, mode: str | None = None, type_check: bool = True, config=None) -> None:
        """Quantize the kernel to int8, Keras 3's post-training quantization: abs-max
        over the kernel's contracted axes, `kernel` a frozen int8 weight and
        `kernel_scale` its frozen scale (laid out to broadcast against the output); the
        policy becomes `"int8_from_<policy>"`. Only "int8" is computed here."""
        quantization.check_quantize(self, mode, type_check, EinsumDense, config)
        # (with LoRA, as Keras: the frozen kernel is quantized, the factors stay)
        ndim = self.input_spec.ndim
        info = self._quantization_info(ndim)["kernel"]
        kernel_q, scale = quantization.abs_max_quantize(
            self._kernel.value, axis=tuple(info["reduced"])
        )
        quantization.untrack(self, self._kernel)
        self._int8_build(self._kernel.shape, ndim)
        self._kernel.assign(kernel_q)
        self.kernel_scale.assign(quantization.adjust_scale(scale, info))
        self._quantization_mode = mode

    def _quantization_info(self, ndim: int) -> dict:
        cached = self.__dict__.get("_quantization_cache")
        if cached is None or cached[0] != ndim:
            cached = (ndim, quantization.einsum_info(*self._subscripts(ndim)))
            self._quantization_cache = cached
        return cached[1]

    def _int8_build(self, kernel_shape, ndim: int) -> None:
        info = self._quantization_info(ndim)["kernel"]
        reduced = [1 if n in info["reduced"] else d for n, d in enumerate(kernel_shape)]
        scale_shape = quantization.adjust_scale(backend.xp.ones(reduced), info).shape
        self.kernel = self.add_weight(
            kernel_shape, initializer="zeros", dtype="int8", trainable=False, name="kernel"
        )
        self.kernel_scale = self.add_weight(
            scale_shape, initializer="ones", trainable=False, name="kernel_scale"
        )

    def _float_kernel(self, dtype):
        """The kernel as the inputs' gradient uses it (int8: dequantized, as Keras; LoRA's
        update merged in)."""
        if self.quantization_mode is None:
            return self._kernel_value().astype(dtype, copy=False)
        info = self._quantization_info(self.input_spec.ndim)["kernel"]
        scale = quantization.unadjust_scale(self.kernel_scale.value, info)
        kernel = quantization.dequantized(self._kernel.value, scale, dtype)
        if self.lora_enabled:
            a, b = self.lora_kernel_a.value, self.lora_kernel_b.value
            kernel = lora.merged(kernel, a, b, self.lora_alpha, self.lora_rank)
        return kernel

    def build(self, input_shape) -> None:
        input_shape = tuple(input_shape)
        kernel_shape, bias_shape, _, input_axes, output_axes = analyze(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape
        )
        if any(d is None for d in kernel_shape) or (
            bias_shape is not None and any(d is None for d in bias_shape)
        ):
            raise ShapeError(
                f"Layer '{self.name}': the axes of its inputs that size its weights must be "
                f"known; received input shape {format_shape(input_shape)}."
            )
        init = self.kernel_initializer
        if isinstance(init, VarianceScaling) and (
            init.input_axes is None or init.output_axes is None
        ):
            # as Keras: the fans come from the kernel's input and output axes
            config = init.get_config()
            config.update(input_axes=input_axes, output_axes=output_axes)
            init = type(init).from_config(config)
        if self.quantization_mode is not None:
            self._int8_build(tuple(kernel_shape), len(input_shape))
        else:
            self.kernel = self.add_weight(
                tuple(kernel_shape),
                initializer=init,
                name="kernel",
                regularizer=self.kernel_regularizer,
                constraint=self.kernel_constraint,
            )
        self.bias = None
        if bias_shape is not None:
            self.bias = self.add_weight(
                tuple(bias_shape),
                initializer=self.bias_initializer,
                name="bias",
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        # the input axes the kernel shares keep their size (a Sequential model asks its
        # layers about other input sizes: this one says which axes are fixed)
        i, k, _ = explicit_equation(self.equation, len(input_shape))
        pinned = {a: kernel_shape[k.index(c)] for a, c in enumerate(i) if c in k}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=pinned)
        if self.lora_rank:  # (Keras's build enables it with the rank and alpha given)
            lora.check_enable(self, self.kernel_constraint, built=True)
            self._add_lora_factors(self.lora_rank, self.lora_alpha, "he_uniform", "zeros")

    def _reset_build_state(self) -> None:
        self.input_spec = None
        self.kernel = self.bias = None
        self.lora_enabled = False

    def compute_output_shape(self, input_shape):
        """Keras's output shape, but an axis the input shares (Keras leaves it None when
        `output_shape` says None) takes the input's size: `predict` needs it."""
        input_shape = tuple(input_shape)
        _, _, output, _, _ = analyze(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape
        )
        i, _, o = explicit_equation(self.equation, len(input_shape))
        sizes = dict(zip(i, input_shape))
        return tuple(sizes.get(c) if d is None else d for c, d in zip(o, output))

    # -- forward and backward ---------------------------------------------------------
    def _subscripts(self, ndim: int) -> tuple[str, str, str]:
        cached = self.__dict__.get("_subscripts_cache")
        if cached is None or cached[0] != ndim:
            cached = (ndim, explicit_equation(self.equation, ndim))
            self._subscripts_cache = cached
        return cached[1]

    def _compute(self, inputs):
        i, k, o = self._subscripts(inputs.ndim)
        if self.quantization_mode is not None:
            z = self._int8_einsum(inputs, f"{i},{k}->{o}")
            if self.lora_enabled:  # (Keras: the update's einsum added to the int8 one)
                a, b = self.lora_kernel_a.value, self.lora_kernel_b.value
                update = backend.xp.matmul(a, b) * (self.lora_alpha / self.lora_rank)
                z = z + einsum(f"{i},{k}->{o}", inputs, update.astype(inputs.dtype, copy=False))
        else:
            kernel = self._kernel_value().astype(inputs.dtype, copy=False)
            z = einsum(f"{i},{k}->{o}", inputs, kernel)
        if self.bias is not None:
            z = z + self.bias.value.astype(z.dtype, copy=False)
        y = z if self._linear else self.activation(z)
        return z, y

    def _int8_einsum(self, inputs, subscripts: str):
        """Keras's int8 einsum: the inputs quantized over their contracted axes, the
        integer einsum exact (in float64), divided by both scales."""
        info = self._quantization_info(inputs.ndim)["input"]
        x_q, x_scale = quantization.abs_max_quantize(inputs, axis=tuple(info["reduced"]))
        x_scale = quantization.adjust_scale(x_scale, info)
        product = einsum(subscripts, x_q.astype("float64"), self._kernel.value.astype("float64"))
        kernel_scale = self.kernel_scale.value.astype(inputs.dtype, copy=False)
        return product.astype(inputs.dtype) / (x_scale * kernel_scale)

    def call(self, inputs, training: bool = False):
        return self._compute(inputs)[1]

    def forward(self, inputs, training: bool = True):
        z, y = self._compute(inputs)
        return y, (inputs, z, y)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        x, z, y = cache
        dz = grad_output if self._linear else self.activation.grad(z, y, grad_output)
        i, k, o = self._subscripts(x.ndim)
        if self.lora_enabled:  # (the frozen kernel, or the int8 one, gets no gradient)
            a, b = self.lora_kernel_a, self.lora_kernel_b
            if a.wants_grad or b.wants_grad:
                grad = einsum(f"{o},{i}->{k}", dz, x)
                lora.add_factor_grads(a, b, grad, self.lora_alpha, self.lora_rank)
        elif self.quantization_mode is None and self._kernel.wants_grad:  # (int8: frozen)
            self._kernel.add_grad(einsum(f"{o},{i}->{k}", dz, x).astype(self._kernel.dtype))
        if self.bias is not None and self.bias.wants_grad:
            g = backend.sum_to_shape(dz, self.bias.shape)
            self.bias.add_grad(g.astype(self.bias.dtype, copy=False))
        if not need_input_grad:
            return None
        kept = "".join(c for c in i if c in o or c in k)  # axes summed alone are broadcast
        dx = einsum(f"{o},{k}->{kept}", dz, self._float_kernel(dz.dtype))
        if kept != i:
            shape = [x.shape[n] if c in kept else 1 for n, c in enumerate(i)]
            dx = backend.xp.broadcast_to(dx.reshape(shape), x.shape).copy()
        return dx.astype(x.dtype, copy=False)

    # -- config -----------------------------------------------------------------------
    def get_config(self) -> dict:
        config = {
            **super().get_config(),
            "output_shape": self.partial_output_shape,
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": self._quantization_config(),
        }
        if self.lora_rank:
            config.update(lora_rank=self.lora_rank, lora_alpha=self.lora_alpha)
        return config

    def _repr_args(self) -> str:
        return repr(self.equation)
