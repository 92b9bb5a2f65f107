"""`pad_sequences`: lists of integer sequences (tokenized text) to one `(samples, maxlen)`
array, as Keras's `keras.utils.pad_sequences` (Keras 2:
`keras.preprocessing.sequence.pad_sequences`), for `Embedding` models.

>>> pad_sequences([[1], [2, 3], [4, 5, 6]])
array([[0, 0, 1],
       [0, 2, 3],
       [4, 5, 6]], dtype=int32)
>>> pad_sequences([[1], [2, 3], [4, 5, 6]], maxlen=2, padding="post", truncating="post")
array([[1, 0],
       [2, 3],
       [4, 5]], dtype=int32)
"""

from __future__ import annotations

import numpy as np

from numkeras.errors import ConfigError, ShapeError

_SIDES = ("pre", "post")


def pad_sequences(
    sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0
) -> np.ndarray:
    """Pad (with `value`) or cut each sequence to `maxlen` (default: the longest), at the
    start (`"pre"`) or the end (`"post"`); elements may themselves be arrays of one shape."""
    if not hasattr(sequences, "__len__"):
        raise ConfigError("`sequences` must be a list of sequences (e.g. lists of word ids).")
    for name, side in (("padding", padding), ("truncating", truncating)):
        if side not in _SIDES:
            raise ConfigError(f"`{name}` must be 'pre' or 'post'; received {side!r}.")
    lengths, sample_shape = [], None
    for i, s in enumerate(sequences):
        try:
            lengths.append(len(s))
        except TypeError:
            raise ConfigError(
                f"`sequences` must be a list of sequences; item {i} is {s!r}, not a sequence."
            ) from None
        if sample_shape is None and len(s):
            sample_shape = np.asarray(s).shape[1:]
    sample_shape = sample_shape or ()
    if maxlen is None:
        maxlen = max(lengths, default=0)
    text_dtype = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    if isinstance(value, str) and dtype is not object and not text_dtype:
        raise ConfigError(
            f"`dtype` {dtype} cannot hold the padding value {value!r}; use dtype=object for "
            "sequences of strings."
        )
    out = np.full((len(sequences), maxlen, *sample_shape), value, dtype=dtype)
    for i, s in enumerate(sequences):
        if not len(s) or not maxlen:
            continue
        kept = np.asarray(s[-maxlen:] if truncating == "pre" else s[:maxlen], dtype=dtype)
        if kept.shape[1:] != sample_shape:
            raise ShapeError(
                f"Sequence {i} has elements of shape {kept.shape[1:]}, but the first non-empty "
                f"sequence's are {sample_shape}."
            )
        if padding == "post":
            out[i, : len(kept)] = kept
        else:
            out[i, -len(kept) :] = kept
    return out
