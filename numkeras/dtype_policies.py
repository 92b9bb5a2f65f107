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
Policy = DTypePolicy  # Keras 2's `mixed_precision.Policy`


def serialize(policy: DTypePolicy) -> dict:
    """Keras's config form of a policy."""
    return {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": policy.get_config(),
        "registered_name": None,
    }


def deserialize(config) -> DTypePolicy:
    if isinstance(config, dict):
        return DTypePolicy.from_config(config.get("config", {}))
    return DTypePolicy(config)


def get(identifier) -> DTypePolicy:
    """A policy from a policy, a name or a config dict."""
    if isinstance(identifier, DTypePolicy):
        return identifier
    return deserialize(identifier)


__all__ = ["DTypePolicy", "FloatDTypePolicy", "Policy", "deserialize", "get", "serialize"]
