"""`numkeras.mixed_precision`: Keras's `keras.mixed_precision` names. `set_global_policy`
takes a float policy (`"float32"`, the default, `"float64"`, `"float16"`: the layers made
afterwards compute and keep their weights in it; `floatx()` does not change, as in
Keras 3) or `"mixed_float16"`: layers made afterwards compute in float16 from float32
weights, as Keras 3's (see `numkeras/layers/autocast.py` for how, on NumPy). `"mixed_bfloat16"` is
refused with the reason (NumPy has no bfloat16), instead of silently training in another
precision.

>>> global_policy()
<DTypePolicy "float32">
"""

from __future__ import annotations

from numkeras import config
from numkeras.dtype_policies import DTypePolicy, Policy


def global_policy() -> DTypePolicy:
    """The policy new layers get (see the module docstring)."""
    return config.dtype_policy()


def set_global_policy(policy) -> None:
    """Set the policy new layers get (see the module docstring)."""
    config.set_dtype_policy(policy)


dtype_policy = global_policy
set_dtype_policy = set_global_policy


def __getattr__(name):
    # Keras exports the optimizer here too; imported lazily (optimizers import config)
    if name == "LossScaleOptimizer":
        from numkeras.optimizers.loss_scale_optimizer import LossScaleOptimizer

        return LossScaleOptimizer
    raise AttributeError(f"module 'numkeras.mixed_precision' has no attribute {name!r}")


def __dir__():  # (the lazy name too: tab completion lists it)
    return sorted({*globals(), "LossScaleOptimizer"})


__all__ = [
    "DTypePolicy",
    "Policy",
    "dtype_policy",
    "global_policy",
    "set_dtype_policy",
    "set_global_policy",
]
