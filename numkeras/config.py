"""`numkeras.config`: Keras 3's `keras.config` settings.

The float type, epsilon and image data format are the backend's (`numkeras.backend`); the
rest are process-wide switches Keras scripts set:

- `backend()` is `"numpy"`; `set_backend` accepts only that (numkeras has one backend).
- `set_max_epochs(n)` / `set_max_steps_per_epoch(n)` cap every `fit` (and the steps of
  `fit`, `evaluate` and `predict`), with a warning, for quick debugging runs, as Keras does.
  The `KERAS_MAX_EPOCHS` / `KERAS_MAX_STEPS_PER_EPOCH` environment variables set them too.
- `disable_interactive_logging()` sends progress bars and epoch lines to Python's
  `logging` (logger `"numkeras"`, level INFO) instead of stdout.
- `dtype_policy()` is the policy new layers get (`DTypePolicy("float32")`); with
  `set_dtype_policy("mixed_float16")` they compute in float16 and keep float32 weights
  (see `numkeras.mixed_precision`). Setting it leaves `floatx()` alone, as in Keras 3.
- Traceback filtering and flash attention are switches numkeras keeps only so scripts
  that set them run: numkeras's tracebacks are never filtered, and its attention has one
  implementation.
- `enable_unsafe_deserialization()` is accepted, but numkeras still never runs code
  from a file: loading a `lambda` stays refused (see `numkeras.layers.Lambda`).

>>> from numkeras import config
>>> config.backend(), config.floatx(), config.image_data_format()
('numpy', 'float32', 'channels_last')
>>> config.set_max_epochs(2); config.max_epochs()
2
>>> config.set_max_epochs(None)
"""

from __future__ import annotations

import os

from numkeras.backend import (
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from numkeras.errors import ConfigError


def _env_int(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else None


_MAX_EPOCHS = _env_int("KERAS_MAX_EPOCHS")
_MAX_STEPS_PER_EPOCH = _env_int("KERAS_MAX_STEPS_PER_EPOCH")
_INTERACTIVE_LOGGING = True
_TRACEBACK_FILTERING = True
_FLASH_ATTENTION: bool | None = None  # Keras's default: "auto"


def backend() -> str:
    """The backend's name: numkeras computes with NumPy (CuPy when set as array module)."""
    return "numpy"


def set_backend(backend: str) -> None:
    """Keras switches between JAX, TensorFlow and torch here; numkeras has one backend."""
    if backend != "numpy":
        raise ConfigError(
            f"numkeras runs on NumPy only; set_backend({backend!r}) cannot switch it. "
            "For a GPU, use numkeras.backend.set_array_module('cupy')."
        )


def _check_limit(name: str, value) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ConfigError(f"`{name}` must be a positive integer or None, received {value!r}.")
    return value


def set_max_epochs(max_epochs: int | None) -> None:
    """Cap the number of epochs of every `fit` (None: no cap), for debugging runs."""
    global _MAX_EPOCHS
    _MAX_EPOCHS = _check_limit("max_epochs", max_epochs)


def max_epochs() -> int | None:
    """The cap `set_max_epochs` (or `KERAS_MAX_EPOCHS`) set, or None."""
    return _MAX_EPOCHS


def set_max_steps_per_epoch(max_steps_per_epoch: int | None) -> None:
    """Cap the steps of each epoch of `fit`, and of `evaluate` and `predict` (None: no cap)."""
    global _MAX_STEPS_PER_EPOCH
    _MAX_STEPS_PER_EPOCH = _check_limit("max_steps_per_epoch", max_steps_per_epoch)


def max_steps_per_epoch() -> int | None:
    """The cap `set_max_steps_per_epoch` (or `KERAS_MAX_STEPS_PER_EPOCH`) set, or None."""
    return _MAX_STEPS_PER_EPOCH


def enable_interactive_logging() -> None:
    """Progress bars and epoch lines go to stdout (the default)."""
    global _INTERACTIVE_LOGGING
    _INTERACTIVE_LOGGING = True


def disable_interactive_logging() -> None:
    """Progress bars and epoch lines go to Python's `logging` (logger "numkeras", INFO)."""
    global _INTERACTIVE_LOGGING
    _INTERACTIVE_LOGGING = False


def is_interactive_logging_enabled() -> bool:
    return _INTERACTIVE_LOGGING


def enable_traceback_filtering() -> None:
    global _TRACEBACK_FILTERING
    _TRACEBACK_FILTERING = True


def disable_traceback_filtering() -> None:
    global _TRACEBACK_FILTERING
    _TRACEBACK_FILTERING = False


def is_traceback_filtering_enabled() -> bool:
    """Kept for scripts that check it; numkeras never filters its tracebacks."""
    return _TRACEBACK_FILTERING


def enable_flash_attention() -> None:
    global _FLASH_ATTENTION
    _FLASH_ATTENTION = True


def disable_flash_attention() -> None:
    global _FLASH_ATTENTION
    _FLASH_ATTENTION = False


def is_flash_attention_enabled() -> bool | None:
    """None ("auto", Keras's default) until enabled or disabled; numkeras's attention has
    one implementation either way."""
    return _FLASH_ATTENTION


def is_nnx_enabled() -> bool:
    """Flax NNX integration is a JAX-backend feature: never on in numkeras."""
    return False


def enable_unsafe_deserialization() -> None:
    """Accepted for Keras scripts; numkeras still never runs code from a file."""


def dtype_policy():
    """The global `DTypePolicy`: the one `set_dtype_policy` set, else named `floatx()`."""
    from numkeras.dtype_policies import DTypePolicy

    return DTypePolicy(_POLICY or floatx())


def set_dtype_policy(policy) -> None:
    """Set the policy new layers get, as Keras 3's: a float name (`"float32"`,
    `"float64"`, `"float16"`) or `"mixed_float16"` (float16 compute, float32 weights; see
    `numkeras.mixed_precision`). `floatx()` stays as it is (an `Input`, a `Variable` and
    the ops keep it), as in Keras. `"mixed_bfloat16"` is refused: NumPy has no bfloat16."""
    global _POLICY
    name = getattr(policy, "name", policy)
    if not isinstance(name, str) or name not in ("float16", "float32", "float64", "mixed_float16"):
        hint = " (NumPy has no bfloat16)" if name == "mixed_bfloat16" else ""
        raise ConfigError(
            f"Unsupported dtype policy {name!r}{hint}. Use 'float32' (the default), "
            "'float64', 'float16' or 'mixed_float16'."
        )
    _POLICY = name


_POLICY: str | None = None  # the global policy's name, once set


__all__ = [
    "backend",
    "disable_flash_attention",
    "disable_interactive_logging",
    "disable_traceback_filtering",
    "dtype_policy",
    "enable_flash_attention",
    "enable_interactive_logging",
    "enable_traceback_filtering",
    "enable_unsafe_deserialization",
    "epsilon",
    "floatx",
    "image_data_format",
    "is_flash_attention_enabled",
    "is_interactive_logging_enabled",
    "is_nnx_enabled",
    "is_traceback_filtering_enabled",
    "max_epochs",
    "max_steps_per_epoch",
    "set_backend",
    "set_dtype_policy",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "set_max_epochs",
    "set_max_steps_per_epoch",
]
