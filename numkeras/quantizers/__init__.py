"""`numkeras.quantizers`: Keras 3's `keras.quantizers` that numkeras computes: the abs-max
quantizers (`abs_max_quantize`, `AbsMaxQuantizer`, the `Quantizer` base class, the
grouped `abs_max_quantize_grouped_with_zero_point`), int4 packing (`pack_int4`,
`unpack_int4`), the int8 quantization config, and `get` / `serialize` / `deserialize`.

Not here: the float8 helpers (`compute_float8_scale`, `compute_float8_amax_history`,
`quantize_and_dequantize`: NumPy has no float8 types), `fake_quant_with_min_max_vars`,
and the int4 / float8 / GPTQ / AWQ configs (numkeras quantizes to int8 only).

>>> get({"class_name": "AbsMaxQuantizer", "config": {"axis": [0]}}).axis
(0,)
"""

from __future__ import annotations

import inspect

from numkeras.errors import ConfigError
from numkeras.quantizers.int4_packing import pack_int4, unpack_int4
from numkeras.quantizers.quantization_config import Int8QuantizationConfig, QuantizationConfig
from numkeras.quantizers.quantizers import (
    AbsMaxQuantizer,
    Quantizer,
    abs_max_quantize,
    abs_max_quantize_grouped_with_zero_point,
)

_CLASSES = (Quantizer, AbsMaxQuantizer, QuantizationConfig, Int8QuantizationConfig)


def _snake(name: str) -> str:
    import re

    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


# Keras's lookup table: each class by its name and its snake_case name
_BY_NAME = {c.__name__: c for c in _CLASSES} | {_snake(c.__name__): c for c in _CLASSES}


def serialize(quantizer):
    """Keras's config of a quantizer (or quantization config); None stays None."""
    if quantizer is None:
        return None
    cls = type(quantizer)
    if cls in _CLASSES:
        return {
            "module": "keras.quantizers",
            "class_name": cls.__name__,
            "config": quantizer.get_config(),
            "registered_name": None,
        }
    from numkeras.saving.serialization_lib import serialize_keras_object

    return serialize_keras_object(quantizer)


def deserialize(config, custom_objects=None):
    """A quantizer (or quantization config) from its config or name."""
    if config is None:
        return None
    if isinstance(config, str):
        cls = _BY_NAME.get(config) or (custom_objects or {}).get(config)
        if cls is None:
            raise ConfigError(f"Could not interpret quantizer identifier: {config}")
        return cls()
    if isinstance(config, dict):
        name = config.get("class_name")
        cls = (custom_objects or {}).get(name) or _BY_NAME.get(name)
        if cls is not None:
            return cls.from_config(dict(config.get("config") or {}))
        from numkeras.saving.serialization_lib import deserialize_keras_object

        return deserialize_keras_object(config, custom_objects=custom_objects)
    raise ConfigError(f"Could not interpret quantizer identifier: {config}")


def get(identifier, **kwargs):
    """A quantizer from a quantizer, a config dict or a name (`"AbsMaxQuantizer"`, with
    `kwargs` for its constructor); None stays None."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = _BY_NAME.get(identifier)
    else:
        obj = identifier
    if callable(obj):
        # (Keras 3.15 passes `kwargs` as one positional argument, so that
        # `get("AbsMaxQuantizer")` has `axis=()`; numkeras gives them as keywords)
        return obj(**kwargs) if inspect.isclass(obj) else obj
    raise ConfigError(f"Could not interpret quantizer identifier: {identifier}")


__all__ = [
    "AbsMaxQuantizer",
    "Int8QuantizationConfig",
    "QuantizationConfig",
    "Quantizer",
    "abs_max_quantize",
    "abs_max_quantize_grouped_with_zero_point",
    "deserialize",
    "get",
    "pack_int4",
    "serialize",
    "unpack_int4",
]
