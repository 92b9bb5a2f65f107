"""`Dense`: `activation(inputs @ kernel + bias)`, on the last axis of N-D inputs.

Input `(batch, ..., input_dim)` gives output `(batch, ..., units)`: the kernel
`(input_dim, units)` contracts the last axis only (Keras 3; never a flatten).

LoRA, as Keras 3's: `enable_lora(rank)` (or `lora_rank=` at construction) freezes the
kernel and adds two trainable factors, `lora_kernel_a` `(input_dim, rank)` and
`lora_kernel_b` `(rank, units)`; the layer then computes with
`kernel + (lora_alpha / rank) * lora_kernel_a @ lora_kernel_b`, which `layer.kernel`
returns, and which is what saving writes as the kernel.

int8 quantization, as Keras 3's (`quantize("int8")`, `layers/quantization.py`): the kernel
becomes a frozen int8 `kernel` and a per-unit `kernel_scale`; the inputs are quantized per
row at call time. LoRA on top trains its factors over the int8 kernel; saving writes the
merged kernel quantized again.

>>> import numpy as np
>>> Dense(8)(np.ones((2, 256, 64))).shape
(2, 256, 8)
"""

from __future__ import annotations

from numkeras import activations, backend, constraints, initializers, regularizers
from numkeras.backend import fused
from numkeras.errors import ConfigError, ShapeError
from numkeras.layers import lora, quantization
from numkeras.layers.input_spec import InputSpec
from numkeras.layers.layer import Layer, keras1_arguments
from numkeras.utils.checks import is_int


def _relu_inplace(z):
    return backend.xp.maximum(z, 0, out=z)


def _tanh_inplace(z):
    return backend.xp.tanh(z, out=z)


def _sigmoid_inplace(z):
    return activations.activations._sigmoid_into(z, z)


# activations that can overwrite their input (inference only, where z is scratch)
_INPLACE = {"tanh": _tanh_inplace, "relu": _relu_inplace, "sigmoid": _sigmoid_inplace}
# activations the fused kernels apply together with the bias (backward then runs the
# relu_grad / tanh_grad kernels, which need only the output y)
_FUSED = {"relu": "bias_relu", "tanh": "bias_tanh"}


# Keras 1's names, which Keras 2 still took (`Dense(12, init="uniform")`, 2016 tutorials)
_KERAS1 = {
    "output_dim": "units",
    "init": "kernel_initializer",
    "W_regularizer": "kernel_regularizer",
    "b_regularizer": "bias_regularizer",
    "W_constraint": "kernel_constraint",
    "b_constraint": "bias_constraint",
    "bias": "use_bias",
}


class Dense(lora.LoraFactors, quantization.Quantizable, Layer):
    supports_masking = True  # (passes the mask on, as Keras 3)

    def __init__(
        self,
        units: int | None = None,
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
        quantization_config=None,
        **kwargs,
    ):
        quantization.check_config(quantization_config)
        # (a quantized policy, from a quantized layer's config: build makes int8 weights)
        quantization_mode, kwargs["dtype"] = quantization.split_dtype(kwargs.get("dtype"))
        if any(k in kwargs for k in _KERAS1):
            legacy = keras1_arguments(type(self).__name__, kwargs, _KERAS1)
            units = legacy.pop("units", units)
            use_bias = legacy.pop("use_bias", use_bias)
            kernel_initializer = legacy.pop("kernel_initializer", kernel_initializer)
            kernel_regularizer = legacy.pop("kernel_regularizer", kernel_regularizer)
            bias_regularizer = legacy.pop("bias_regularizer", bias_regularizer)
            kernel_constraint = legacy.pop("kernel_constraint", kernel_constraint)
            bias_constraint = legacy.pop("bias_constraint", bias_constraint)
            kwargs = legacy
        if isinstance(units, float) and units.is_integer():
            units = int(units)
        if not is_int(units) or units <= 0:
            raise ConfigError(
                "Received an invalid value for `units`, expected a positive integer. "
                f"Received: units={units!r}"
            )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = int(units)
        self.activation = activations.get(activation)  # sets the flags below
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        lora.check_rank(lora_rank)
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        self._quantization_mode = quantization_mode  # ("int8" once quantized)

    @property
    def activation(self):
        return self._activation

    @activation.setter
    def activation(self, fn) -> None:
        # users swap it after building (e.g. softmax -> linear for logits): keep the fast
        # paths' flags in step with it
        self._activation = fn
        # (None, as keras.io's Grad-CAM sets it to drop a softmax: linear, as in Keras)
        self._linear = fn is None or fn is activations.get("linear")
        name = None if fn is None else activations.serialize(fn)
        builtin = isinstance(name, str) and name in _INPLACE and fn is activations.get(name)
        self._inplace = _INPLACE[name] if builtin else None
        self._fusable = name if builtin and name in _FUSED else None

    kernel = lora.kernel_property

    def _kernel_value(self):
        """The kernel's values as the layer uses them (LoRA's update merged in; int8: the
        dequantized kernel, which the inputs' gradient goes through)."""
        kernel = self._kernel.value
        if self.quantization_mode is not None:
            kernel = quantization.dequantized(kernel, self.kernel_scale.value, self.compute_dtype)
        if not self.lora_enabled:
            return kernel
        a, b = self.lora_kernel_a.value, self.lora_kernel_b.value
        return lora.merged(kernel, a, b, self.lora_alpha, self.lora_rank)

    def _saved_variables(self) -> list:
        # (Keras's layer saves these by name: a subclass's extra variables are its own;
        # with LoRA, Keras saves the merged kernel and no factors)
        kernel = self.__dict__.get("_kernel")
        scale = self.__dict__.get("kernel_scale")
        if self.lora_enabled:
            factors = (self.lora_kernel_a, self.lora_kernel_b)
            if scale is None:
                kernel = lora.MergedWeight(kernel, self._kernel_value, factors)
            else:  # (int8: Keras saves the merged kernel quantized again, with its scale)
                kernel = lora.MergedWeight(kernel, lambda: self._requantized()[0], factors)
                scale = lora.MergedWeight(scale, lambda: self._requantized()[1], factors)
        # (int8: Keras's order is kernel, bias, kernel_scale)
        return [v for v in (kernel, self.__dict__.get("bias"), scale) if v is not None]

    def _requantized(self):
        """An int8 LoRA layer's merged kernel (dequantized kernel plus the update),
        quantized again: `(int8 kernel, scale)`, as Keras saves them."""
        kernel_q, scale = quantization.abs_max_quantize(self._kernel_value(), axis=0)
        return kernel_q, scale[0]

    def quantize(self, mode: str | None = None, type_check: bool = True, config=None) -> None:
        """Quantize the kernel to int8, Keras 3's post-training quantization: `kernel`
        becomes a frozen int8 weight and `kernel_scale` its frozen per-unit scale; the
        policy becomes `"int8_from_<policy>"`. Only "int8" is computed here.

        >>> import numpy as np
        >>> layer = Dense(2)
        >>> layer.build((None, 3))
        >>> layer.quantize("int8")
        >>> [(w.name, str(w.dtype)) for w in layer.weights]
        [('bias', 'float32'), ('kernel', 'int8'), ('kernel_scale', 'float32')]
        >>> layer.dtype_policy.name
        'int8_from_float32'
        """
        quantization.check_quantize(self, mode, type_check, Dense, config)
        # (with LoRA, as Keras: the frozen kernel is quantized, the factors stay)
        kernel_q, scale = quantization.abs_max_quantize(self._kernel.value, axis=0)
        quantization.untrack(self, self._kernel)
        self._int8_build(self._kernel.shape)
        self._kernel.assign(kernel_q)
        self.kernel_scale.assign(scale[0])
        self._quantization_mode = mode

    def _int8_build(self, kernel_shape) -> None:
        self.kernel = self.add_weight(
            kernel_shape, initializer="zeros", dtype="int8", trainable=False, name="kernel"
        )
        self.kernel_scale = self.add_weight(
            (self.units,), initializer="ones", trainable=False, name="kernel_scale"
        )

    def build(self, input_shape) -> None:
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ShapeError(
                f"Layer '{self.name}': the last axis of the inputs to a Dense layer must be "
                f"known to create the kernel; received shape {tuple(input_shape)}."
            )
        if self.quantization_mode is not None:
            self._int8_build((input_dim, self.units))
        else:
            self.kernel = self.add_weight(
                (input_dim, self.units),
                initializer=self.kernel_initializer,
                name="kernel",
                regularizer=self.kernel_regularizer,
                constraint=self.kernel_constraint,
            )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                (self.units,),
                initializer=self.bias_initializer,
                name="bias",
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        if self.lora_rank:  # (with the given alpha: Keras's build passes the rank only)
            lora.check_enable(self, self.kernel_constraint, built=True)
            self._add_lora_factors(self.lora_rank, self.lora_alpha, "he_uniform", "zeros")

    def _reset_build_state(self) -> None:
        self.input_spec = InputSpec(min_ndim=2)

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape)[:-1], self.units)

    uses_workspace = True

    @property
    def output_buffer(self) -> str | None:
        # call() returns its "z" buffer unless a non-in-place activation makes a new array
        return "z" if self._linear or self._inplace is not None else None

    @property
    def defers_bias(self) -> bool:
        """Whether the model executor may leave this layer's bias add to the activation
        layer after it (`call(..., defer_bias=True)`): only without an activation here, and
        without an activity regularizer (which must see the whole output)."""
        return self._linear and self.use_bias and self.activity_regularizer is None

    def _affine(self, x, workspace=None, defer_bias: bool = False):
        """`(x @ kernel + bias, activated)`: with the fused kernels (`backend.fused`) relu
        and tanh are applied together with the bias, in one pass, and `activated` is True.
        With `defer_bias` the bias is left out: the next layer adds it."""
        xp = backend.xp
        kernel = self._kernel_value() if self.lora_enabled else self._kernel.value
        if self.quantization_mode is not None:
            kernel, out = self._kernel.value, None
            if workspace is not None:  # (the executor may read the output from "z")
                shape = (*x.shape[:-1], self.units)
                out = backend.scratch(workspace, "z", shape, x.dtype)
            z = quantization.int8_matmul(x, kernel, self.kernel_scale.value, out=out)
            if self.lora_enabled:  # (Keras: the update's product added to the int8 one)
                a, b = self.lora_kernel_a.value, self.lora_kernel_b.value
                update = xp.matmul(xp.matmul(x, a), b) * (self.lora_alpha / self.lora_rank)
                z += update.astype(z.dtype, copy=False)
        elif workspace is None:
            z = xp.matmul(x, kernel)
        else:
            shape = (*x.shape[:-1], self.units)
            z = xp.matmul(x, kernel, out=backend.scratch(workspace, "z", shape, x.dtype))
        if self.bias is None or defer_bias:
            return z, False
        if self._fusable:
            extra = z.dtype.type(0) if self._fusable == "relu" else fused.tanh_coefficients(z.dtype)
            rows = z.reshape(-1, self.units)
            if fused.run(_FUSED[self._fusable], rows, self.bias.value, extra) is not None:
                return z, True
        z += self.bias.value
        return z, False

    def call(self, inputs, training: bool = False, workspace=None, defer_bias: bool = False):
        z, activated = self._affine(inputs, workspace, defer_bias)
        if activated or self._linear:
            return z
        if self._inplace is not None:
            return self._inplace(z)  # z is this call's own array: activate in place
        return self.activation(z)

    def forward(self, inputs, training: bool = True, workspace=None, defer_bias: bool = False):
        z, activated = self._affine(inputs, workspace, defer_bias)
        if self._linear:
            return z, (inputs, None, None, workspace)
        if activated:
            # relu's and tanh's gradients need only y (y > 0 is the same test as z > 0)
            return z, (inputs, z, z, workspace)
        y = self.activation(z)
        return y, (inputs, z, y, workspace)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        x, z, y, workspace = cache
        dz = None
        if self._linear:
            dz = grad_output
        elif self._fusable == "relu":  # in place: the executor owns grad_output
            t = grad_output.dtype.type
            if fused.run("relu_grad", y, grad_output, t(1), t(0)) is not None:
                dz = grad_output
        elif self._fusable == "tanh":
            if fused.run("tanh_grad", y, grad_output, grad_output.dtype.type(1)) is not None:
                dz = grad_output
        if dz is None:
            dz = self.activation.grad(z, y, grad_output)
        x2 = x.reshape(-1, x.shape[-1])
        dz2 = dz.reshape(-1, self.units)
        if self.lora_enabled:  # (the frozen kernel, or the int8 one, gets no gradient)
            a, b = self.lora_kernel_a, self.lora_kernel_b
            if a.wants_grad or b.wants_grad:
                merged_grad = backend.xp.matmul(x2.T, dz2)
                lora.add_factor_grads(a, b, merged_grad, self.lora_alpha, self.lora_rank)
        elif self.quantization_mode is None:  # (int8: kernel and scale frozen)
            self._kernel.add_matmul_grad(x2.T, dz2)
        if self.bias is not None:
            self.bias.add_sum_grad(dz2)
        if not need_input_grad:
            return None
        # (int8: Keras's custom gradient, through the dequantized kernel)
        merged = self.lora_enabled or self.quantization_mode is not None
        kernel = self._kernel_value() if merged else self._kernel.value
        out = None if workspace is None else backend.scratch(workspace, "dx", x.shape, dz.dtype)
        if self.units == 1:  # an outer product: BLAS takes 4x as long for the same products
            return backend.xp.multiply(dz, kernel.reshape(-1), out=out)
        return backend.xp.matmul(dz, kernel.T, out=out)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "quantization_config": self._quantization_config(),
            }
        )
        if self.lora_rank:
            config.update(lora_rank=self.lora_rank, lora_alpha=self.lora_alpha)
        return config

    def _repr_args(self) -> str:
        act = activations.serialize(self.activation)
        return f"{self.units}" + ("" if act == "linear" else f", activation='{act}'")
