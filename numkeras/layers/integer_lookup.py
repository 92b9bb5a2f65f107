"""`IntegerLookup`: integer tokens to contiguous indices (or back, with `invert=True`),
as Keras 3.

The OOV token is `-1` by default; index 0 is OOV (`num_oov_indices=1`), then the
vocabulary. With `num_oov_indices > 1` unknown values take `value % num_oov_indices`
(`oov_method="floormod"`, Keras's default) or the FarmHash of their decimal string
(`oov_method="farmhash"`; SipHash with `salt`). See `IndexLookup` for the rest.

Inputs: integers (a scalar, lists, or integer arrays). numkeras models feed floats, so
float arrays of whole numbers are accepted too (Keras refuses floats); other floats
raise. Outputs: int64 indices ("int"), float32 vectors in the other modes, int64 tokens
with `invert=True`.

>>> import numpy as np
>>> layer = IntegerLookup(vocabulary=[12, 36, 1138, 42])
>>> layer(np.array([[12, 1138, 42], [42, 1000, 36]]))
array([[1, 3, 4],
       [4, 0, 2]])
"""

from __future__ import annotations

import numpy as np

from numkeras.errors import ConfigError, InputTypeError
from numkeras.layers.index_lookup import IndexLookup, _as_array
from numkeras.utils.checks import is_int


class IntegerLookup(IndexLookup):
    _string_tokens = False

    def __init__(
        self,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        mask_token: int | None = None,
        oov_token: int = -1,
        vocabulary=None,
        vocabulary_dtype: str = "int64",
        idf_weights=None,
        invert: bool = False,
        output_mode: str = "int",
        sparse: bool = False,
        pad_to_max_tokens: bool = False,
        oov_method: str = "floormod",
        salt=None,
        name: str | None = None,
        **kwargs,
    ):
        if max_tokens is not None and (not is_int(max_tokens) or max_tokens <= 1):
            raise ConfigError(
                "If `max_tokens` is set for `IntegerLookup`, it must be greater than 1. "
                f"Received: max_tokens={max_tokens!r}"
            )
        if vocabulary_dtype != "int64":
            raise ConfigError(
                "Only `vocabulary_dtype='int64'` is supported at this time. Received: "
                f"vocabulary_dtype={vocabulary_dtype}"
            )
        for arg, value in (("mask_token", mask_token), ("oov_token", oov_token)):
            if value is not None and not is_int(value):
                raise ConfigError(
                    f"IntegerLookup's `{arg}` must be an integer or None, received {value!r}."
                )
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=None if mask_token is None else int(mask_token),
            oov_token=None if oov_token is None else int(oov_token),
            vocabulary=vocabulary,
            vocabulary_dtype=vocabulary_dtype,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            sparse=sparse,
            pad_to_max_tokens=pad_to_max_tokens,
            oov_method=oov_method,
            salt=salt,
            name=name,
            **kwargs,
        )

    def _normalize_tokens(self, values) -> list:
        arr = np.asarray(values).reshape(-1)
        if arr.size and arr.dtype.kind not in "iu":
            if arr.dtype.kind == "f" and np.all(arr == np.floor(arr)):
                arr = arr.astype("int64")
            else:
                try:
                    arr = np.array([int(v) for v in arr.tolist()], dtype="int64")
                except (TypeError, ValueError):
                    raise ConfigError(
                        f"IntegerLookup's vocabulary must hold integers, received dtype "
                        f"{arr.dtype}. Use StringLookup for strings."
                    ) from None
        return [int(v) for v in arr.tolist()]

    def _to_tokens(self, inputs) -> np.ndarray:
        arr = _as_array(inputs, "IntegerLookup")
        if arr.dtype.kind == "f":
            if not np.all(np.isfinite(arr)) or not np.all(arr == np.floor(arr)):
                raise InputTypeError(
                    f"Layer '{self.name}' (IntegerLookup) expects integer tokens, but received "
                    "non-integer values (e.g. 1.5, NaN)."
                )
        elif arr.dtype.kind not in "iub":
            raise InputTypeError(
                f"Layer '{self.name}' (IntegerLookup) expects integers, received an array of "
                f"dtype {arr.dtype}. Use StringLookup for strings."
            )
        return arr.astype("int64")

    def get_config(self) -> dict:
        config = super().get_config()
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config


IntegerLookup.__doc__ = __doc__  # (the module docstring: help(IntegerLookup) shows it)
