"""`StringLookup`: strings to integer indices (or back, with `invert=True`), as Keras 3.

Index 0 is the OOV token `"[UNK]"` by default (`num_oov_indices=1`), then the vocabulary;
with `mask_token` set (and output_mode="int"), the mask takes index 0 and everything
shifts by one. See `IndexLookup` for the vocabulary layout, adapt order and output modes.

Inputs: a string, a list (nested, rows of equal length) or an array of strings (NumPy
str, bytes or object arrays; bytes are decoded with `encoding`). Ragged lists are
refused, as Keras refuses them without `tf.ragged`. Outputs: int64 indices shaped as the
input ("int"), float32 vectors for "one_hot"/"multi_hot"/"count"/"tf_idf", a NumPy str
array with `invert=True`.

>>> import numpy as np
>>> layer = StringLookup(vocabulary=["a", "b", "c"])
>>> layer(np.array([["a", "c"], ["d", "b"]]))
array([[1, 3],
       [0, 2]])
>>> StringLookup(vocabulary=["a", "b", "c"], invert=True)(np.array([1, 3, 0]))
array(['a', 'c', '[UNK]'], dtype='<U5')
>>> layer.get_vocabulary()
['[UNK]', 'a', 'b', 'c']
"""

from __future__ import annotations

import numpy as np

from numkeras.errors import InputTypeError
from numkeras.layers.index_lookup import IndexLookup, _as_array


class StringLookup(IndexLookup):
    _string_tokens = True

    def __init__(
        self,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        mask_token: str | None = None,
        oov_token: str = "[UNK]",
        vocabulary=None,
        idf_weights=None,
        invert: bool = False,
        output_mode: str = "int",
        pad_to_max_tokens: bool = False,
        sparse: bool = False,
        encoding: str = "utf-8",
        name: str | None = None,
        salt=None,
        **kwargs,
    ):
        self.encoding = encoding
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=mask_token,
            oov_token=oov_token,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            pad_to_max_tokens=pad_to_max_tokens,
            sparse=sparse,
            name=name,
            salt=salt,
            vocabulary_dtype="string",
            **kwargs,
        )

    def _decode(self, token):
        if isinstance(token, bytes):
            return token.decode(self.encoding)
        if isinstance(token, str):
            return str(token)
        raise InputTypeError(
            f"StringLookup expects strings, received {token!r} ({type(token).__name__}). "
            "Use IntegerLookup for integer tokens, or convert them with str()."
        )

    def _normalize_tokens(self, values) -> list:
        if isinstance(values, np.ndarray) and values.dtype.kind == "U":
            return values.reshape(-1).tolist()
        if isinstance(values, np.ndarray):
            values = values.reshape(-1).tolist()
        return [self._decode(v) for v in values]

    def _to_tokens(self, inputs) -> np.ndarray:
        if isinstance(inputs, (str, bytes)):
            return np.array(self._decode(inputs))
        arr = _as_array(inputs, "StringLookup")
        if arr.dtype.kind == "U":
            return arr
        if arr.dtype.kind == "S":
            return np.char.decode(arr, self.encoding)
        if arr.dtype.kind == "O":
            flat = [self._decode(v) for v in arr.reshape(-1)]
            return np.array(flat, dtype=str).reshape(arr.shape)
        raise InputTypeError(
            f"Layer '{self.name}' (StringLookup) expects strings, received an array of dtype "
            f"{arr.dtype} and shape {tuple(arr.shape)}. Use IntegerLookup for integer tokens, "
            "or invert=True to map indices back to strings."
        )

    def get_config(self) -> dict:
        config = super().get_config()
        del config["vocabulary_dtype"]  # (strings are the only choice, as Keras)
        config["encoding"] = self.encoding
        return config


StringLookup.__doc__ = __doc__  # (the module docstring: help(StringLookup) shows it)
