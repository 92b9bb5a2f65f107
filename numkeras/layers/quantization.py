"""Keras 3's int8 post-training quantization, what the quantizable layers share
(`layer.quantize("int8")`, `model.quantize("int8")`).

A weight `w` is quantized along its reduced axes (abs-max): `scale = 127 / (max|w| + eps)`
per output unit, `w_q = clip(round(w * scale), -127, 127)` as int8, kept in the layer's
`kernel` (int8, frozen) and `kernel_scale` (float, frozen). At call time the inputs are
quantized the same way per row (their last axis), the int8 product is taken exactly, and
the result divided by `inputs_scale * kernel_scale`. The gradient wrt the inputs goes
through the dequantized weight `w_q / scale` (Keras's custom gradient); the int8 weight
gets none, so training a quantized layer trains its bias only (and LoRA's factors, which
may be enabled before or after quantizing; saving then writes the merged weight quantized
again). `Embedding` quantizes its table per row and looks rows up: no input quantization.

>>> import numpy as np
>>> q, scale = abs_max_quantize(np.array([[1.0, -2.0], [0.5, 4.0]], "float32"), axis=0)
>>> q.tolist(), scale.round(2).tolist()
([[127, -64], [63, 127]], [[127.0, 31.75]])
"""

from __future__ import annotations

import re
import warnings

from numkeras import backend
from numkeras.dtype_policies import QuantizedDTypePolicy, check_quantization_mode
from numkeras.errors import ConfigError, NotQuantizableError

# Keras's quantizers take `backend.epsilon()` as a default argument: its value when Keras
# is imported, whatever `set_epsilon` says later
_EPSILON = 1e-7


def abs_max_quantize(x, axis, epsilon: float = _EPSILON):
    """`(int8 values, scale)` as Keras's `abs_max_quantize`, the scale (kept dims) in
    `x`'s dtype (`numkeras.quantizers.abs_max_quantize` over [-127, 127])."""
    from numkeras import quantizers

    return quantizers.abs_max_quantize(x, axis, epsilon=epsilon)


def int8_matmul(x, kernel_q, kernel_scale, out=None):
    """`(x_q @ kernel_q) / (x_scale * kernel_scale)` in `x`'s dtype (into `out`): `x`
    quantized per row, the integer product exact (float64 holds it exactly, and takes
    BLAS)."""
    xp = backend.xp
    x_q, x_scale = abs_max_quantize(x, axis=-1)
    product = xp.matmul(x_q.astype("float64"), kernel_q.astype("float64")).astype(x.dtype)
    return xp.divide(product, kernel_scale.astype(x.dtype, copy=False) * x_scale, out=out)


def dequantized(kernel_q, kernel_scale, dtype):
    """The float weight `kernel_q / kernel_scale` the inputs' gradient goes through."""
    return kernel_q.astype(dtype) / kernel_scale.astype(dtype, copy=False)


def check_quantize(layer, mode, type_check: bool, owner_type: type, config=None) -> None:
    """Keras's checks before quantizing `layer` (its messages and types)."""
    if config is not None:
        raise ConfigError(
            "numkeras quantizes with Keras's default int8 quantizers only: pass "
            f"`config=None` (received config={config!r})."
        )
    if mode is None:
        raise ConfigError("Expected a quantization `mode` ('int8'); received mode=None.")
    if not layer.built:
        raise ConfigError(
            "Cannot quantize a layer that isn't yet built. Layer "
            f"'{layer.name}' (of type '{type(layer).__name__}') is not built yet."
        )
    if layer.quantization_mode is not None:
        raise ConfigError(
            f"Layer '{layer.name}' is already quantized with "
            f"dtype_policy='{layer.dtype_policy.name}'. Received: mode={mode}"
        )
    _check_compute_dtype(mode, layer.compute_dtype)
    if type_check and type(layer) is not owner_type:  # (a subclass may compute otherwise)
        raise NotQuantizableError(
            f"Layer {type(layer).__name__} does not have a `quantize` method implemented."
        )


def _check_compute_dtype(mode, compute_dtype: str) -> None:
    """Keras's check of the mode against a layer's (or model's) compute dtype."""
    if mode == "int8" and compute_dtype == "float16":
        raise ConfigError(
            f"Quantization mode='{mode}' doesn't work well with compute_dtype='float16'. "
            "Consider loading model/layer with another dtype policy such as "
            "'mixed_bfloat16' or 'mixed_float16' before calling `quantize()`."
        )
    check_quantization_mode(mode, compute_dtype)


def split_dtype(dtype):
    """A layer's `dtype` argument as `(quantization mode or None, float dtype argument)`:
    a quantized policy (object, config dict or name) gives its mode and source policy."""
    from numkeras import dtype_policies

    if isinstance(dtype, dict) and dtype.get("class_name") == "QuantizedDTypePolicy":
        dtype = dtype_policies.deserialize(dtype)
    elif isinstance(dtype, str) and "_from_" in dtype:
        dtype = dtype_policies.get(dtype)
    if isinstance(dtype, QuantizedDTypePolicy):
        return dtype.quantization_mode, dtype._source_name
    return None, dtype


def untrack(layer, variable) -> None:
    """Drop `variable` from `layer`'s own weights (the float kernel a quantized one
    replaces; Keras deletes it)."""
    own = layer._own_variables
    own[:] = [v for v in own if v is not variable]


def serialize_policy(policy) -> dict:
    from numkeras import dtype_policies

    return dtype_policies.serialize(policy)


def quantize_model(model, mode, config=None, filters=None, **kwargs) -> None:
    """Keras's `Model.quantize`: every leaf layer (passing `filters`: a regex on its name,
    a list of them, or a predicate) quantized; a layer without int8 quantization (or a
    subclass, under `type_check`) is left as it is, with Keras's warning."""
    type_check = kwargs.pop("type_check", True)
    if kwargs:
        raise ConfigError(
            f"Unrecognized keyword arguments passed to {type(model).__name__}: {kwargs}"
        )
    if (
        filters is not None
        and not isinstance(filters, (str, list, tuple))
        and not callable(filters)
    ):
        raise ConfigError(
            "The `filters` argument must be a regex string, a list of regex strings, or a "
            f"callable. Received: {type(filters)}"
        )
    if config is not None:
        check_quantize(model, mode, False, type(model), config)
    if not model.built:
        raise ConfigError(
            "Cannot quantize a layer that isn't yet built. Layer "
            f"'{model.name}' (of type '{type(model).__name__}') is not built yet."
        )
    if mode is None:
        raise ConfigError("Expected a quantization `mode` ('int8'); received mode=None.")
    _check_compute_dtype(mode, model.compute_dtype)
    from numkeras.layers.layer import Layer

    for layer in _leaf_layers(model):
        if not _selected(layer, filters):
            continue
        if type(layer).quantize is Layer.quantize:  # (Keras 3 warns and skips it too)
            message = f"Layer {type(layer).__name__} does not have a `quantize` method implemented."
            warnings.warn(message, stacklevel=3)
            continue
        try:
            layer.quantize(mode, type_check=type_check)
        except NotQuantizableError as e:
            warnings.warn(str(e), stacklevel=3)


def _leaf_layers(layer) -> list:
    out = []
    for sub in layer._sublayers():
        inner = sub._sublayers()
        out.extend(_leaf_layers(sub) if inner else [sub])
    return out


def _selected(layer, filters) -> bool:
    if filters is None:
        return True
    if isinstance(filters, str):
        return bool(re.search(filters, layer.name))
    if isinstance(filters, (list, tuple)):
        return any(re.search(pattern, layer.name) for pattern in filters)
    return bool(filters(layer))


def config_with_policy_name(config: dict) -> dict:
    """`config` with a quantized policy's config dict as its name (`"int8_from_float32"`,
    which the layer's `__init__` reads; `Layer.from_config` keeps float policies' names)."""
    dtype = config.get("dtype")
    if isinstance(dtype, dict) and dtype.get("class_name") == "QuantizedDTypePolicy":
        from numkeras import dtype_policies

        config = {**config, "dtype": dtype_policies.deserialize(dtype).name}
    return config


def einsum_info(input_spec: str, kernel_spec: str, output_spec: str) -> dict:
    """Keras's `_analyze_quantization_info` for an `EinsumDense` (explicit subscripts):
    the axes the input's and the kernel's scales reduce over, and how each scale (with
    kept dims) is transposed, expanded and squeezed to broadcast against the output.
    Ported step by step, quirks included: the scales' shapes are what files hold."""
    info = {}
    # (Keras's loops share one `index`: the kernel's last label's place in the output to
    # start with, then the last expanded axis; a reduced axis with no expanded axis left
    # is inserted there too)
    index = output_spec.find(kernel_spec[-1])
    for name, spec in (("input", input_spec), ("kernel", kernel_spec)):
        reduced = [n for n, c in enumerate(spec) if c not in output_spec]
        expand = [n for n, c in enumerate(output_spec) if c not in spec]
        transpose = [spec.index(c) for c in output_spec if c in spec]
        squeeze = []
        for original in reduced:
            if expand:
                index = expand.pop(0)
            else:
                squeeze.append(original)
            transpose.insert(index, original)
        info[name] = {"reduced": reduced, "transpose": transpose, "expand": expand,
                      "squeeze": squeeze}  # fmt: skip
    return info


def adjust_scale(scale, info: dict):
    """A quantized tensor's scale (kept dims) laid out to broadcast against the output
    (Keras's `_adjust_scale_for_quant`)."""
    xp = backend.xp
    if info["transpose"]:
        scale = xp.transpose(scale, info["transpose"])
    if info["expand"]:
        scale = xp.expand_dims(scale, tuple(info["expand"]))
    if info["squeeze"]:
        scale = xp.squeeze(scale, tuple(info["squeeze"]))
    return scale


def unadjust_scale(scale, info: dict):
    """The inverse of `adjust_scale` (Keras's `_adjust_scale_for_dequant`), to divide
    the int8 kernel by."""
    xp = backend.xp
    if info["squeeze"]:
        scale = xp.expand_dims(scale, tuple(info["squeeze"]))
    if info["expand"]:
        scale = xp.squeeze(scale, tuple(info["expand"]))
    if info["transpose"]:
        scale = xp.transpose(scale, xp.argsort(info["transpose"]))
    return scale


def default_config() -> dict:
    """Keras's `Int8QuantizationConfig()` as a quantized layer's config holds it (the
    inputs' quantizer abs-max over [-127, 127]; the weights' the layer's own)."""
    quantizer = {"value_range": [-127, 127], "epsilon": 1e-07, "output_dtype": "int8"}
    return {
        "module": "keras.quantizers",
        "class_name": "Int8QuantizationConfig",
        "config": {
            "weight_quantizer": None,
            "activation_quantizer": {
                "module": "keras.quantizers",
                "class_name": "AbsMaxQuantizer",
                "config": quantizer,
                "registered_name": None,
            },
        },
        "registered_name": None,
    }


def check_config(config) -> None:
    """A layer's `quantization_config` argument: None, or Keras's default int8 config (a
    quantized layer's config, in a Keras file); other quantizers are not computed here."""
    if config is None or _plain(config) == _plain(default_config()):
        return
    raise ConfigError(
        "numkeras computes Keras's default int8 quantization only: `quantization_config` "
        f"must be None or the default Int8QuantizationConfig; received {config!r}."
    )


_OPTIONAL_KEYS = ("shared_object_id", "module", "registered_name")


def _plain(value):
    # (a config as JSON gives it: lists for tuples, without saving's shared-object ids,
    # and without the module keys, which legacy .h5 configs leave out)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in _OPTIONAL_KEYS}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class Quantizable:
    """What an int8-quantizable layer class adds before `Layer` in its bases: the
    `quantization_mode` (set by `quantize`, or by a quantized `dtype` policy, which
    `build` then honours with int8 weights), its `"int8_from_<policy>"` policy, and that
    policy in its config and back."""

    @property
    def quantization_mode(self) -> str | None:
        return self.__dict__.get("_quantization_mode")

    @property
    def dtype_policy(self):
        mode = self.quantization_mode
        if mode is None:
            return super().dtype_policy
        return QuantizedDTypePolicy(mode, self._policy_name)

    @dtype_policy.setter
    def dtype_policy(self, value) -> None:
        from numkeras import dtype_policies

        self._set_dtype_policy(dtype_policies.get(value))

    def _set_dtype_policy(self, policy) -> None:
        """Keras's setter: a quantized policy quantizes a built layer now (once), and an
        unbuilt one when it builds; a float policy is the layer's policy."""
        mode = policy.quantization_mode
        current = self.quantization_mode
        if mode is None:
            if current is not None:  # (Keras then computes with the int8 weights as floats)
                raise ConfigError(
                    f"Layer '{self.name}' is quantized ({current}): numkeras cannot give it a "
                    f"float dtype policy ({policy.name!r}) again; rebuild the layer instead."
                )
            super()._set_dtype_policy(policy)
            return
        check_quantization_mode(mode, policy.compute_dtype)
        if current is not None:  # (already quantized: Keras does not quantize it again)
            return
        from numkeras import dtype_policies

        super()._set_dtype_policy(dtype_policies.get(policy._source_name))
        if self.built:  # (checks first: a subclass under type_check refuses, as Keras's)
            self.quantize(mode)
        else:  # (build then makes the int8 weights, as for a quantized `dtype=`)
            self._quantization_mode = mode

    def get_config(self) -> dict:
        config = super().get_config()
        if self.quantization_mode is not None:
            config["dtype"] = serialize_policy(self.dtype_policy)
        return config

    def _quantization_config(self) -> dict | None:
        """The config's `quantization_config`: Keras's default int8 one once quantized."""
        return None if self.quantization_mode is None else default_config()

    @classmethod
    def from_config(cls, config: dict):
        return super().from_config(config_with_policy_name(config))
