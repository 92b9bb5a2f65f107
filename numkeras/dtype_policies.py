"""`DTypePolicy`: Keras 3's dtype policy objects (`keras.DTypePolicy`,
`keras.dtype_policies`, `keras.mixed_precision`), as far as numkeras computes: one float
type per layer, or Keras's mixed float16. A policy names a float dtype (`"float32"`,
`"float64"`, `"float16"`), and a layer given one (`Dense(4, dtype=DTypePolicy("float64"))`)
computes and keeps its weights in that type. Keras's mixed policies have Keras's
`compute_dtype` / `variable_dtype`; `"mixed_float16"` (float16 compute, float32 weights)
works as a layer's or the global policy (see `numkeras/layers/autocast.py`),
`"mixed_bfloat16"` is refused there with the reason: NumPy has no bfloat16.

>>> policy = DTypePolicy("mixed_float16")
>>> policy.compute_dtype, policy.variable_dtype
('float16', 'float32')
>>> serialize(DTypePolicy("float32"))["config"]
{'name': 'float32'}
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.utils.serialization import takes_custom_objects

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}


class DTypePolicy:
    """A dtype policy: `name` is a dtype (`"float32"`) or a mixed policy name."""

    def __init__(self, name: str | None = None):
        name = backend.floatx() if name is None else name
        if not isinstance(name, str):
            raise ConfigError(f"`name` must be a string, e.g. 'float32'; received {name!r}.")
        self._name = name
        if name in _MIXED:
            self._compute, self._variable = _MIXED[name], "float32"
        else:
            self._compute = self._variable = backend.standardize_dtype(name)

    @property
    def name(self) -> str:
        return self._name

    @property
    def compute_dtype(self) -> str:
        return self._compute

    @property
    def variable_dtype(self) -> str:
        return self._variable

    @property
    def quantization_mode(self):
        return None

    def get_config(self) -> dict:
        return {"name": self._name}

    @classmethod
    def from_config(cls, config: dict) -> DTypePolicy:
        return cls(**config)

    def __eq__(self, other) -> bool:
        return isinstance(other, DTypePolicy) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("DTypePolicy", self._name))

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self._name}">'


FloatDTypePolicy = DTypePolicy  # (Keras 3's subclass for plain float policies)

# Keras 3's quantization modes; numkeras computes "int8" only (see layers/quantization.py)
QUANTIZATION_MODES = ("int8", "float8", "int4", "gptq", "awq")


class QuantizedDTypePolicy(DTypePolicy):
    """A quantized layer's policy, Keras 3's: named `"{mode}_from_{source_name}"`
    (`"int8_from_float32"`); it computes, and keeps its float weights, in the source
    policy's dtypes.

    >>> QuantizedDTypePolicy("int8", "float32").name
    'int8_from_float32'
    """

    def __init__(self, mode: str, source_name: str | None = None):
        from numkeras import config

        source_name = config.dtype_policy().name if source_name is None else source_name
        super().__init__(source_name)
        check_quantization_mode(mode, self.compute_dtype)
        self._name = f"{mode}_from_{source_name}"
        self._source_name, self._mode = source_name, mode

    @property
    def quantization_mode(self) -> str:
        return self._mode

    def get_config(self) -> dict:
        return {"mode": self._mode, "source_name": self._source_name}

    def __hash__(self) -> int:
        return hash(("QuantizedDTypePolicy", self._name))

    def __repr__(self) -> str:
        return f'<QuantizedDTypePolicy "{self._name}">'


def check_quantization_mode(mode, compute_dtype: str | None = None) -> None:
    """Keras's checks of a quantization mode (its messages), and numkeras's: the modes
    other than "int8" are Keras's but not computed here."""
    from numkeras.errors import UnsupportedQuantizationError

    if mode not in QUANTIZATION_MODES:
        raise ConfigError(
            f"Invalid quantization mode. Expected one of {QUANTIZATION_MODES}. "
            f"Received: mode={mode}"
        )
    if mode != "int8":
        raise UnsupportedQuantizationError(
            f"Quantization mode '{mode}' is not supported by numkeras: only 'int8' "
            "(Keras 3's int8 post-training quantization of Dense, EinsumDense and "
            "Embedding) is."
        )
    if compute_dtype == "float16":
        raise ConfigError(
            f"Quantization mode='{mode}' doesn't work well with compute_dtype='float16'."
        )


Policy = DTypePolicy  # Keras 2's `mixed_precision.Policy`


def serialize(policy: DTypePolicy) -> dict:
    """Keras's config form of a policy."""
    if isinstance(policy, QuantizedDTypePolicy):
        return {
            "module": "keras.dtype_policies",
            "class_name": "QuantizedDTypePolicy",
            "config": policy.get_config(),
            "registered_name": None,
        }
    return {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": policy.get_config(),
        "registered_name": None,
    }


@takes_custom_objects
def deserialize(config) -> DTypePolicy:
    if isinstance(config, dict):
        if config.get("class_name") == "QuantizedDTypePolicy":
            return QuantizedDTypePolicy(**config.get("config", {}))
        return DTypePolicy.from_config(config.get("config", {}))
    if isinstance(config, str) and config.startswith(QUANTIZATION_MODES):
        mode, sep, source = config.partition("_from_")
        if not sep:
            raise ConfigError(
                "Cannot convert `policy` into a valid pair (`mode`, `source_name`) to "
                f"instantiate `QuantizedDTypePolicy`. Received: policy={config}"
            )
        return QuantizedDTypePolicy(mode, source)
    return DTypePolicy(config)


def get(identifier) -> DTypePolicy:
    """A policy from a policy, a name or a config dict."""
    if isinstance(identifier, DTypePolicy):
        return identifier
    return deserialize(identifier)


__all__ = [
    "DTypePolicy",
    "FloatDTypePolicy",
    "Policy",
    "QuantizedDTypePolicy",
    "deserialize",
    "get",
    "serialize",
]
