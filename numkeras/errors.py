"""numkeras's exception classes.

Each subclasses the built-in exception Keras raises in the same situation, so code
written as `except ValueError:` against Keras keeps working.
"""

from __future__ import annotations

import json


class NumkerasError(Exception):
    """Base class of every numkeras error."""


class ShapeError(NumkerasError, ValueError):
    """An array's shape does not match what a layer, model or loss expects."""


class IncompatibleShapesError(ShapeError, TypeError):
    """Two arrays Keras computes with directly whose sizes do not line up: a target
    against the model's output (`y` of shape `(N, 2)` for an output `(N, 3)`), `x`
    against `y` in `train_on_batch`, data against a model's input, the operands of an
    element-wise op, `reshape`, `matmul` or `concatenate`. JAX raises TypeError there
    ("incompatible shapes for broadcasting"), Keras's own checks and symbolic tensors
    ValueError; this is both."""


class AxisBoundsError(IndexError, ShapeError):
    """A normalization layer's `axis` outside its input's rank (LayerNormalization,
    RMSNormalization, BatchNormalization, GroupNormalization: Keras indexes the input shape
    with it and raises IndexError, "tuple index out of range"); also a ShapeError."""


class ConfigError(NumkerasError, ValueError):
    """A constructor or `compile` argument is invalid (e.g. `Dense(0)`, unknown names)."""


class ArgumentTypeError(TypeError, ConfigError):
    """An argument of the wrong type (`Dropout("a")`, `batch_size=2.0`): a TypeError, as
    Keras 3 raises there, and a ConfigError (a ValueError), as numkeras raised before."""


class UnknownNameError(ConfigError, TypeError):
    """A name that resolves to nothing numkeras knows: a layer class in a config, a loss,
    an activation... A ValueError, as Keras's `get()` functions and Keras 2's loaders
    raise, and a TypeError, as Keras 3 raises when a config names an unknown class."""


class _MessageKeyError(KeyError):
    """A KeyError printed as its message (KeyError quotes it, as it would a key)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class OutputKeyError(ConfigError, _MessageKeyError):
    """Losses or targets that do not line up with the model's outputs where Keras 3 looks
    them up by key: compile's `loss` naming an output the model lacks (a key of a model
    with dict outputs, a list entry past its last output), or a list of targets shorter
    than the outputs. Keras 3 raises KeyError when training starts, so this is a KeyError
    too."""


class FeatureKeyError(ConfigError, _MessageKeyError):
    """A dict of columns whose keys are not a FeatureSpace's features (one missing, or a
    label among them): Keras 3 raises KeyError, so this is a KeyError too."""


class UnknownObjectError(UnknownNameError):
    """A saved config (a dict) names a class or function nothing supplies: a custom
    object not passed in `custom_objects` nor registered (Keras 3 raises TypeError)."""


class InputTypeError(NumkerasError, TypeError, ValueError):
    """Data that are not numbers (strings, objects, None, ragged lists): Keras raises
    ValueError there, numkeras raised TypeError before; this is both."""


class NegativePowerError(NumkerasError, TypeError, ValueError):
    """An integer raised to a negative integer power (`ops.power`): JAX raises TypeError
    for an exponent it knows, NumPy ValueError; this is both."""


class NotBuiltError(NumkerasError, ValueError):
    """The layer or model has no weights yet; build it or call it on data first."""


class NotBuiltAttributeError(NotBuiltError, AttributeError):
    """An attribute an unbuilt model does not have yet (`input_shape`, `inputs`, ...):
    Keras raises AttributeError there, so `hasattr(model, "input_shape")` is False."""


class ScheduledRateError(NumkerasError, AttributeError, TypeError):
    """`optimizer.learning_rate.assign(x)` where the rate is a `LearningRateSchedule`:
    Keras 3 returns the schedule's value there, a tensor without `assign`
    (AttributeError); numkeras raised TypeError (as setting the rate does); this is both.
    Setting the rate of an optimizer created with a rate function: Keras 3 calls the
    function's `assign` (AttributeError); this again."""


class MissingCallError(ConfigError, NotImplementedError):
    """A model with nothing to compute: a subclass of `Model` that defines no `call` (and
    was given no inputs and outputs). Keras 3 raises NotImplementedError."""


class NotCompiledError(NumkerasError, ValueError):
    """Training or evaluation was asked of a model that was not compiled (Keras: ValueError)."""


class EmptyModelError(NumkerasError, IndexError, ValueError):
    """`Sequential.pop()` on a model with no layers (Keras raises IndexError there)."""


class MissingFileError(NumkerasError, FileNotFoundError, ValueError):
    """A model or weights file that does not exist (Keras: ValueError)."""


class LabelRangeError(ConfigError, IndexError):
    """A class label outside `[0, num_classes)` (Keras: IndexError)."""


class AxisError(ConfigError, IndexError):
    """An axis outside a tensor's rank (Keras: ValueError, or IndexError on JAX arrays for
    some ops, as NumPy's AxisError is both)."""


class DeviceError(NumkerasError, RuntimeError):
    """A device numkeras does not compute on (`keras.device("gpu:0")` without CuPy):
    Keras's JAX backend raises a RuntimeError there."""


class FileFormatError(NumkerasError, ValueError):
    """A saved file is malformed or does not match the model."""


class NotHDF5Error(NumkerasError, OSError):
    """A `.h5` / `.weights.h5` file that is not HDF5 (empty, cut short, another format):
    an OSError, as h5py (and so Keras) raises."""


class ConfigJSONError(FileFormatError, json.JSONDecodeError):
    """Text that is not JSON where a model's JSON config goes (`model_from_json("nope")`):
    a JSONDecodeError (a ValueError), as Keras's `json.loads` raises, with a message that
    says what was expected."""

    def __init__(self, message: str, cause: json.JSONDecodeError):
        json.JSONDecodeError.__init__(self, cause.msg, cause.doc, cause.pos)
        self.args = (message,)  # (JSONDecodeError's own text: only "Expecting value: ...")


class MissingEntryError(FileFormatError, KeyError):
    """A key a layer's `load_own_variables` asks of its store is not in the file: a
    ValueError, as Keras's h5 store raises, and a KeyError, as a dict would."""


class NumkerasWarning(UserWarning):
    """Warnings about deprecated spellings or surprising-but-allowed behaviour."""


class DeprecatedArgumentWarning(NumkerasWarning):
    """A Keras 2 spelling was used; the message names the Keras 3 one.

    A UserWarning (not DeprecationWarning, which Python hides outside `__main__`),
    as Keras 3 does, and shown once per message by `warn_deprecated`.
    """


_warned: set[str] = set()


def user_stacklevel() -> int:
    """The `stacklevel` that points a warning at the first frame outside numkeras."""
    import os
    import sys

    package_dir = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package_dir):
        frame, level = frame.f_back, level + 1
    return level


def warn_deprecated(message: str, stacklevel: int | None = None) -> None:
    """Emit one short deprecation note, once per distinct message per process, pointing at
    the user's line."""
    import warnings

    if message in _warned:
        return
    _warned.add(message)
    warnings.warn(message, DeprecatedArgumentWarning, stacklevel=stacklevel or user_stacklevel())


def format_shape(shape) -> str:
    """Render a shape as a plain Python tuple, `None` for unknown dims: `(None, 64)`."""
    shape = tuple(None if d is None else int(d) for d in shape)
    return str(shape)


def did_you_mean(value, choices, cutoff: float = 0.6) -> str:
    """The hint an unknown-name error ends with: `" Did you mean 'x'?"` for the choice
    closest to `value` (difflib's ratio above `cutoff`), or `""` when none is close.

    >>> did_you_mean("relux", ["relu", "selu", "tanh"])
    " Did you mean 'relu'?"
    >>> did_you_mean("zzz", ["relu"])
    ''
    """
    import difflib

    close = difflib.get_close_matches(str(value), [str(c) for c in choices], n=1, cutoff=cutoff)
    return f" Did you mean {close[0]!r}?" if close else ""


class UnsupportedQuantizationError(ConfigError):
    """A Keras 3 quantization mode numkeras does not compute ("int4", "float8", "gptq",
    "awq"; numkeras has "int8"): Keras raises a ValueError for a mode it does not know."""


class NotQuantizableError(NumkerasError, NotImplementedError):
    """`quantize()` on a layer without int8 quantization (a subclass of `Dense` under
    `type_check`): Keras raises a NotImplementedError, which `Model.quantize` turns into a
    warning."""


class ValidationFreqError(ZeroDivisionError, ConfigError):
    """`fit(validation_freq=0)`: Keras 3 divides by it after the first epoch has trained
    (ZeroDivisionError); numkeras refuses it before training, as a ZeroDivisionError too."""


class RegularizerConfigError(NumkerasError, NotImplementedError):
    """`get_config()` of a `Regularizer` subclass that does not define it (and so a layer's
    `get_config`, `to_json` or `save` with it): Keras 3 raises NotImplementedError."""


class AxisTypeError(ArgumentTypeError, IndexError):
    """An axis that is not an integer (`swapaxes(x, 0, 1.5)`): JAX's eager call raises
    IndexError, Keras's symbolic one TypeError; this is both (and a ValueError, as every
    ArgumentTypeError)."""


class FillValueRangeError(OverflowError, ConfigError):
    """A resampling's `fill_value` outside an integer image's dtype (`fill_value=300` for
    uint8 images): JAX casts it to the dtype first and raises OverflowError; numkeras
    wrapped it around (300 -> 44)."""


class UnsupportedModeError(ConfigError, NotImplementedError):
    """A `mode` an op does not have (`ops.pad(x, 1, mode="nope")`, or a NumPy mode numkeras
    lacks): Keras-JAX raises NotImplementedError ("Unimplemented padding mode"); this is a
    ValueError too."""
