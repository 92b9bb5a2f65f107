"""`to_categorical`: integer class labels -> one-hot float32 matrix (Keras 3 semantics);
`normalize`: rows scaled to unit norm.

>>> to_categorical([0, 2, 1], num_classes=3)
array([[1., 0., 0.],
       [0., 0., 1.],
       [0., 1., 0.]], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ArgumentTypeError, ConfigError, LabelRangeError


def to_categorical(x, num_classes: int | None = None, dtype: str | None = None):
    """One-hot encode integer labels; the class axis goes last.

    Args:
        x: Array-like of class indices in `[0, num_classes)`. A trailing axis of size 1 is
            dropped first, so `(N, 1)` labels give `(N, num_classes)`, as in Keras.
        num_classes: Number of classes; `None` means `max(x) + 1`.
        dtype: The result's dtype, as Keras 2.3+ took it (`to_categorical(y, 10,
            dtype="int32")`); Keras 3 dropped the argument. `None` is `floatx()`.

    Returns:
        An array of shape `x.shape + (num_classes,)`, float32 by default (Keras 3 returns
        float64 for NumPy input; float32 is what every loss computes in, and Keras 2's
        default).

    Unlike Keras, bad labels raise instead of corrupting the output: a negative label
    (Keras silently sets the *last* class), a label `>= num_classes`, or a non-integer value
    (Keras truncates 1.7 to 1) each raise `ConfigError` naming the offending value.

    A NumPy array for any input but a device array (as Keras: a NumPy array unless `x`
    is a backend tensor); on CuPy, a CuPy array of labels gives a CuPy array.

    >>> to_categorical([[1], [0]]).shape
    (2, 2)
    """
    if x is None:  # (a TypeError, as Keras's int(None))
        raise ArgumentTypeError("to_categorical expects class labels, received None.")
    xp = backend.xp if isinstance(x, backend.xp.ndarray) else np
    arr = xp.asarray(x)
    if arr.dtype.kind not in "iubf":
        raise ConfigError(f"to_categorical expects integer class labels; got dtype {arr.dtype}.")
    if arr.dtype.kind == "f":
        bad = ~xp.isfinite(arr) | (arr != xp.floor(arr))
        if bool(xp.any(bad)):
            raise ConfigError(
                "to_categorical expects integer class labels, but got non-integer values such "
                f"as {float(arr[bad].ravel()[0])}. Round or map them to class indices first."
            )
    labels = arr.astype(xp.int64)
    shape = tuple(labels.shape)
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    labels = labels.reshape(-1)
    if num_classes is None:
        if labels.size == 0:
            raise ConfigError("to_categorical got no labels; pass num_classes explicitly.")
        num_classes = int(labels.max()) + 1
    elif isinstance(num_classes, bool) or int(num_classes) != num_classes or num_classes < 1:
        raise ConfigError(
            f"num_classes must be a positive integer; received num_classes={num_classes!r}."
        )
    num_classes = int(num_classes)
    if labels.size:
        lo, hi = int(labels.min()), int(labels.max())
        if lo < 0:
            raise LabelRangeError(
                f"to_categorical got a negative class label ({lo}); labels must be in "
                f"[0, {num_classes - 1}]."
            )
        if hi >= num_classes:
            raise LabelRangeError(
                f"to_categorical got class label {hi}, but num_classes={num_classes} allows "
                f"labels 0..{num_classes - 1}. Pass num_classes={hi + 1} (or more), or check "
                "that the labels are 0-based."
            )
    out = xp.zeros((labels.size, num_classes), dtype=dtype or backend.floatx())
    out[xp.arange(labels.size), labels] = 1
    return out.reshape(shape + (num_classes,))


def normalize(x, axis: int = -1, order: int = 2) -> np.ndarray:
    """A copy of `x` scaled to unit `order`-norm along `axis` (a zero norm leaves its
    values as they are), as Keras's `keras.utils.normalize` does for NumPy arrays: a
    NumPy array keeps NumPy's result dtype (float64 for ints); anything else (a list, as
    Keras's tensor path) becomes float32 first.

    >>> normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    array([[0.6, 0.8],
           [0. , 0. ]])
    >>> normalize([[3, 4]]).dtype
    dtype('float32')

    A list is normalised along `axis` as Keras's tensor path does; a NumPy array as
    Keras's NumPy path does, which reads `axis or -1` when it divides (so `axis=0`
    crashes on a non-square matrix and divides the wrong way on a square one: kept, as
    Keras's users get it).

    >>> normalize([[3.0, 4.0], [4.0, 0.0], [0.0, 0.0]], axis=0, order=1).tolist()
    [[0.4285714328289032, 1.0], [0.5714285969734192, 0.0], [0.0, 0.0]]
    """
    divide_axis = axis or -1  # (Keras's NumPy path)
    if not isinstance(x, np.ndarray):
        x = np.asarray(x, dtype=backend.floatx())
        divide_axis = -1 if axis is None else axis
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, divide_axis)
