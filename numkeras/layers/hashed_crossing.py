"""`HashedCrossing`: the crossed feature of two or more categorical inputs, hashed into
`num_bins` bins, as Keras 3 (`tf.sparse.cross_hashed`, bit for bit).

For each sample, TensorFlow's `SparseCrossHashed` starts from the key `0xDECAFCAFFE` and
folds in each input's value hash with `FingerprintCat64`
(`tensorflow/core/platform/fingerprint.h`); a string's hash is its FarmHash
Fingerprint64, an integer's hash is the integer itself (as uint64). The result modulo
`num_bins` is the bin.

Inputs: a list of two or more arrays of equal shape `()`, `(batch,)` or `(batch, 1)`,
each of strings or integers (whole floats are taken as integers, since numkeras models
feed floats). Outputs: int64 bins shaped as the inputs ("int"), or float32 one-hot
vectors ("one_hot").

>>> import numpy as np
>>> layer = HashedCrossing(num_bins=5)
>>> layer([np.array(["A", "B", "C"]), np.array([101, 102, 103])]).shape
(3,)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError, InputTypeError, ShapeError
from numkeras.layers.category_encoding import no_input_gradient
from numkeras.layers.farmhash import fingerprint64
from numkeras.layers.index_lookup import _as_array, check_choice, to_backend
from numkeras.layers.layer import Layer, is_symbolic, shape_of
from numkeras.utils.checks import is_int

_M = 0xFFFFFFFFFFFFFFFF
_KMUL = 0xC6A4A7935BD1E995
_DEFAULT_HASH_KEY = 0xDECAFCAFFE  # tf.sparse.cross_hashed's default `hash_key`


def fingerprint_cat64(fp1: int, fp2: int) -> int:
    """TensorFlow's `FingerprintCat64`: combine two 64-bit fingerprints."""
    result = fp1 ^ _KMUL
    mixed = (fp2 * _KMUL) & _M
    result ^= ((mixed ^ (mixed >> 47)) * _KMUL) & _M
    result = (result * _KMUL) & _M
    result = ((result ^ (result >> 47)) * _KMUL) & _M
    return result ^ (result >> 47)


def _feature_hash(value) -> int:
    if isinstance(value, bytes):
        return fingerprint64(value)
    if isinstance(value, str):
        return fingerprint64(value.encode("utf-8"))
    return int(value) & _M  # an int64 feature is its own hash (two's complement)


class HashedCrossing(Layer):
    integer_inputs = "own"  # (reads integer ids itself)

    def __init__(
        self,
        num_bins: int,
        output_mode: str = "int",
        sparse: bool = False,
        name: str | None = None,
        dtype=None,
        **kwargs,
    ):
        if not is_int(num_bins) or num_bins <= 0:
            raise ConfigError(
                f"`num_bins` for HashedCrossing must be a positive integer, received {num_bins!r}."
            )
        check_choice(output_mode, ("int", "one_hot"), "output_mode", "HashedCrossing")
        if sparse:
            raise ConfigError(
                "HashedCrossing(sparse=True) is not supported by numkeras (no sparse arrays)."
            )
        if isinstance(dtype, dict):
            dtype = dtype.get("config", {}).get("name")
        if dtype is None:
            dtype = "int64" if output_mode == "int" else backend.floatx()
        dtype = str(dtype)
        super().__init__(name=name, dtype=None if dtype.startswith("int") else dtype, **kwargs)
        self.dtype = dtype
        self.num_bins = int(num_bins)
        self.output_mode = output_mode
        self.sparse = False
        self.built = True

    def _check_inputs(self, inputs) -> list[np.ndarray]:
        if not isinstance(inputs, (list, tuple)):
            raise InputTypeError(
                "`HashedCrossing` should be called on a list or tuple of inputs. Received: "
                f"{type(inputs).__name__}."
            )
        if len(inputs) < 2:
            raise InputTypeError(
                f"`HashedCrossing` should be called on at least two inputs. Received: "
                f"{len(inputs)}."
            )
        arrays = [_as_array(x, "HashedCrossing") for x in inputs]
        first = arrays[0].shape
        if len(first) > 2 or (len(first) == 2 and first[-1] != 1):
            raise ShapeError(
                "All `HashedCrossing` inputs should have shape `()`, `(batch_size)` or "
                f"`(batch_size, 1)`. Received shape {tuple(first)}."
            )
        if any(a.shape != first for a in arrays[1:]):
            raise ShapeError(
                "All `HashedCrossing` inputs should have equal shape. Received: "
                f"{[tuple(a.shape) for a in arrays]}."
            )
        out = []
        for a in arrays:
            if a.dtype.kind == "f" and np.all(a == np.floor(a)):
                a = a.astype("int64")
            if a.dtype.kind not in "iuUSO":
                raise InputTypeError(
                    "All `HashedCrossing` inputs should have an integer or string dtype. "
                    f"Received: {a.dtype}."
                )
            out.append(a)
        return out

    def __call__(self, inputs, training=None, **kwargs):
        if isinstance(inputs, (list, tuple)) and any(is_symbolic(x) for x in inputs):
            from numkeras.layers.keras_tensor import Node

            shape = self.compute_output_shape([shape_of(x) for x in inputs])
            return Node(
                self, list(inputs), shape, training=training, dtype=self.dtype
            ).outputs_structure
        return self.call(inputs)

    def call(self, inputs, training: bool = False):
        return to_backend(self._call_numpy(inputs))

    def _call_numpy(self, inputs) -> np.ndarray:
        arrays = self._check_inputs(inputs)
        shape = arrays[0].shape
        columns = [a.reshape(-1).tolist() for a in arrays]
        bins = []
        for values in zip(*columns):
            h = _DEFAULT_HASH_KEY
            for v in values:
                h = fingerprint_cat64(h, _feature_hash(v))
            bins.append(h % self.num_bins)
        ids = np.asarray(bins, dtype="int64").reshape(shape)
        if self.output_mode == "int":
            return ids.astype(self.dtype)
        if ids.ndim == 0:
            ids = ids.reshape(1)
        elif ids.ndim == 2:
            ids = ids.reshape(-1)
        hot = (ids[..., None] == np.arange(self.num_bins)).astype(self.dtype)
        return hot if len(shape) else hot.reshape(self.num_bins)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) < 2:
            raise ShapeError(f"Expected as input a list/tuple of 2 tensors. Received {input_shape}")
        first = tuple(input_shape[0])
        if self.output_mode == "int":
            return first
        if not first:
            return (self.num_bins,)
        if first[-1] != 1:
            return first + (self.num_bins,)
        return first[:-1] + (self.num_bins,)

    def forward(self, inputs, training: bool = True):
        return self.call(inputs), None

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if need_input_grad:
            no_input_gradient(self)
        return None

    def get_config(self) -> dict:
        return {  # Keras's keys, in its order (`dtype` a plain name)
            "num_bins": self.num_bins,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "name": self.name,
            "dtype": self.dtype,
        }

    def _repr_args(self) -> str:
        return f"num_bins={self.num_bins}"


HashedCrossing.__doc__ = __doc__  # (the module docstring: help(HashedCrossing) shows it)
