"""Keras 3's `pack_int4` / `unpack_int4`: int4 values (int8 in `[-8, 7]`) two to a byte
along an axis, the first of each pair in the low nibble.

>>> import numpy as np
>>> packed, shape, length = pack_int4(np.array([[-3, 7], [2, -8], [1, 0]], np.int8))
>>> packed.tolist(), shape, length
([[45, -121], [1, 0]], (2, 2), 3)
>>> unpack_int4(packed, length).tolist()
[[-3, 7], [2, -8], [1, 0]]
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError, InputTypeError


def _check_dtype(dtype: str) -> None:
    if dtype not in ("int8", "uint8"):
        raise ConfigError(f"Expected dtype to be 'int8' or 'uint8', but got '{dtype}'.")


def pack_int4(arr, axis: int = 0, dtype: str = "int8"):
    """`(packed, packed_shape, original_length)`: pairs along `axis` (an odd length
    padded with a zero) packed into one byte each, as Keras's."""
    _check_dtype(dtype)
    arr = np.asarray(backend.to_numpy(arr))
    if arr.dtype != np.dtype(dtype):
        raise InputTypeError(f"Expected {dtype} tensor for packing, got {arr.dtype.name}.")
    kind = np.dtype(dtype)
    moved = np.moveaxis(arr, axis % arr.ndim, 0)
    n = moved.shape[0]
    if n % 2:
        moved = np.concatenate([moved, np.zeros((1, *moved.shape[1:]), kind)])
    mask = kind.type(0x0F)
    low = np.bitwise_and(moved[::2].astype(kind), mask)
    high = np.bitwise_and(moved[1::2].astype(kind), mask)
    packed = np.bitwise_or(low, np.left_shift(high, kind.type(4))).astype(kind)
    packed = np.moveaxis(packed, 0, axis % arr.ndim)
    return backend.xp.asarray(packed), tuple(packed.shape), n


def unpack_int4(packed, orig_len: int, axis: int = 0, dtype: str = "int8"):
    """The values `pack_int4` packed along `axis` (its padding removed): signed in
    `[-8, 7]` for "int8", the nibbles `[0, 15]` for "uint8"."""
    _check_dtype(dtype)
    packed = np.asarray(backend.to_numpy(packed))
    if packed.dtype.name not in ("int8", "uint8"):
        raise InputTypeError(
            f"Expected int8 or uint8 tensor for unpacking, got {packed.dtype.name}"
        )
    moved = np.moveaxis(packed, axis % packed.ndim, 0)
    mask = packed.dtype.type(0x0F)
    low = np.bitwise_and(moved, mask)
    high = np.bitwise_and(np.right_shift(moved, packed.dtype.type(4)), mask)
    if dtype == "int8":  # (x ^ 8) - 8: the nibble as a signed int4
        eight = packed.dtype.type(8)
        low, high = np.bitwise_xor(low, eight) - eight, np.bitwise_xor(high, eight) - eight
    pairs = np.stack([low.astype(dtype), high.astype(dtype)], axis=1)
    out = pairs.reshape(-1, *moved.shape[1:])[:orig_len]
    return backend.xp.asarray(np.moveaxis(out, 0, axis % packed.ndim))
