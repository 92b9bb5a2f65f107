"""`Hashing`: strings or integers to `num_bins` hash bins, as Keras 3 (bit for bit).

Each value becomes a string (integers as their decimal digits, floats first truncated to
int64, as Keras's `tf.as_string(tf.cast(x, "int64"))`), which is hashed with FarmHash
Fingerprint64 (`tf.strings.to_hash_bucket_fast`), or with SipHash-2-4 keyed by `salt`
(`to_hash_bucket_strong`; one integer is used for both key words), modulo the number of
bins. With `mask_value`, bin 0 is kept for it and the others hash into bins 1..num_bins-1.

`output_mode`: "int" (the bins, int64 by default, shaped as the input), "one_hot",
"multi_hot" or "count" (float32 vectors of `num_bins`; a last axis of 1 is replaced by
the vector in "one_hot"). The layer passes no gradient.

>>> import numpy as np
>>> Hashing(num_bins=3)(np.array([["A"], ["B"], ["C"], ["D"], ["E"]])).ravel()
array([1, 0, 1, 1, 2])
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError, InputTypeError
from numkeras.layers.category_encoding import no_input_gradient
from numkeras.layers.farmhash import hash_bucket_fast, hash_bucket_strong
from numkeras.layers.index_lookup import _as_array, _check_salt, check_choice, to_backend
from numkeras.layers.layer import Layer, is_symbolic, shape_of
from numkeras.utils.checks import is_int

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


def hash_strings(values, num_bins: int, salt=None) -> np.ndarray:
    """Bins of the values' string forms (`values`: an array of str, bytes or integers)."""
    arr = np.asarray(values)
    flat = arr.reshape(-1)
    if arr.dtype.kind in "iu":
        strings = [str(v) for v in flat.tolist()]
    else:
        strings = [v if isinstance(v, (str, bytes)) else str(v) for v in flat.tolist()]
    if salt is not None:
        bins = hash_bucket_strong(strings, num_bins, salt)
    else:
        bins = hash_bucket_fast(strings, num_bins)
    return bins.reshape(arr.shape)


def as_hashable(inputs, caller: str) -> np.ndarray:
    """Strings stay strings, integers int64, floats are truncated to int64 (as Keras)."""
    if isinstance(inputs, (str, bytes)):
        return np.array(inputs, dtype=object)
    arr = _as_array(inputs, caller)
    if arr.dtype.kind in "US":
        return arr.astype(object)
    if arr.dtype.kind == "O":
        if not all(isinstance(v, (str, bytes)) or is_int(v) for v in arr.reshape(-1)):
            raise InputTypeError(
                f"{caller} expects strings or integers (an object array of others)."
            )
        return arr
    if arr.dtype.kind == "f":
        return np.trunc(arr).astype("int64")
    if arr.dtype.kind in "iu":
        return arr.astype("int64")
    raise InputTypeError(
        f"{caller} expects strings, integers or floats, received an array of dtype {arr.dtype}."
    )


class Hashing(Layer):
    integer_inputs = "own"  # (reads integer ids itself)

    def __init__(
        self,
        num_bins: int,
        mask_value=None,
        salt=None,
        output_mode: str = "int",
        sparse: bool = False,
        dtype=None,
        **kwargs,
    ):
        if num_bins is None or not is_int(num_bins) or num_bins <= 0:
            raise ConfigError(
                "The `num_bins` for `Hashing` cannot be `None` or non-positive values. "
                f"Received: num_bins={num_bins!r}."
            )
        check_choice(output_mode, OUTPUT_MODES, "output_mode", "Hashing")
        if isinstance(dtype, dict):
            dtype = dtype.get("config", {}).get("name")
        if dtype is None:
            dtype = "int64" if output_mode == "int" else backend.floatx()
        dtype = str(getattr(dtype, "name", dtype))
        if output_mode == "int" and dtype not in ("int32", "int64"):
            raise ConfigError(
                "When `output_mode=\"int\"`, `dtype` should be an integer type, 'int32' or "
                f"'int64'. Received: dtype={dtype}"
            )
        if sparse:
            raise ConfigError(
                "Hashing(sparse=True) is not supported by numkeras (it has no sparse arrays)."
            )
        super().__init__(dtype=None if output_mode == "int" else dtype, **kwargs)
        self.dtype = dtype
        self.num_bins = int(num_bins)
        self.mask_value = mask_value
        self.strong_hash = salt is not None
        self.salt = None if salt is None else _check_salt(salt, "Hashing")
        self.output_mode = output_mode
        self.sparse = False
        self.built = True

    def _hash_values_to_bins(self, values: np.ndarray, raw) -> np.ndarray:
        bins = self.num_bins
        mask = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask = np.asarray(raw == self.mask_value)
        out = hash_strings(values, bins, self.salt)
        if mask is not None:
            out = np.where(mask, 0, out + 1)
        return out

    def __call__(self, inputs, training=None, **kwargs):
        if is_symbolic(inputs):
            from numkeras.layers.keras_tensor import Node

            shape = self.compute_output_shape(shape_of(inputs))
            return Node(self, inputs, shape, training=training, dtype=self.dtype).outputs_structure
        return self.call(inputs)

    def call(self, inputs, training: bool = False):
        return to_backend(self._call_numpy(inputs))

    def _call_numpy(self, inputs) -> np.ndarray:
        values = as_hashable(inputs, f"Layer '{self.name}' (Hashing)")
        raw = values
        if isinstance(inputs, np.ndarray) and inputs.dtype.kind in "fUS":
            raw = inputs  # (the mask compares the values as given)
        elif isinstance(inputs, (str, bytes)):
            raw = np.array(inputs, dtype=object)
        if self.output_mode == "one_hot" and values.ndim and values.shape[-1] == 1:
            values = values.reshape(values.shape[:-1])
            raw = np.asarray(raw).reshape(values.shape)
        ids = self._hash_values_to_bins(values, raw)
        if self.output_mode == "int":
            return ids.astype(self.dtype)
        if ids.ndim == 0:
            ids = ids.reshape(1)
        hot = ids[..., None] == np.arange(self.num_bins)
        if self.output_mode == "one_hot":
            return hot.astype(self.dtype)
        axis = 1 if ids.ndim > 1 else 0
        if self.output_mode == "multi_hot":
            return hot.any(axis=axis).astype(self.dtype)
        return hot.sum(axis=axis).astype(self.dtype)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        if self.output_mode == "one_hot":
            if input_shape and input_shape[-1] == 1:
                return input_shape[:-1] + (self.num_bins,)
            return input_shape + (self.num_bins,)
        if len(input_shape) == 0:
            return (self.num_bins,)
        return input_shape[:-1] + (self.num_bins,)

    def forward(self, inputs, training: bool = True):
        return self.call(inputs), None

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if need_input_grad:
            no_input_gradient(self)
        return None

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_bins": self.num_bins,
            "salt": self.salt,
            "mask_value": self.mask_value,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }

    def _repr_args(self) -> str:
        return f"num_bins={self.num_bins}" + (", salt=..." if self.salt else "")


Hashing.__doc__ = __doc__  # (the module docstring: help(Hashing) shows it)
