"""`split_dataset`: Keras's `keras.utils.split_dataset` on arrays: the first `left_size`
samples and the last `right_size` samples, each a fraction (rounded, as Keras rounds) or
a count, the one left out being the rest. With `shuffle`, the samples are shuffled first
with Python's `random.Random(seed)`, the shuffle Keras makes, so a seed gives Keras's
split. Keras returns `tf.data` datasets; numkeras returns the two parts in the input's own
form (an array, or a tuple / list / dict of arrays), ready for `fit`.

>>> import numpy as np
>>> left, right = split_dataset(np.arange(10), left_size=0.8)
>>> left.tolist(), right.tolist()
([0, 1, 2, 3, 4, 5, 6, 7], [8, 9])
"""

from __future__ import annotations

import random

import numpy as np

from numkeras import tree
from numkeras.errors import ConfigError


def _size(value, name: str, total: int):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(
            f"Invalid `{name}` type: expected an int, a float or None, got {value!r}."
        )
    if isinstance(value, int) and not 0 < value < total:
        raise ConfigError(
            f"`{name}` should be either a positive integer smaller than {total}, or a float "
            f"within the range `[0, 1]`. Received: {name}={value}"
        )
    if isinstance(value, float):
        if not 0 < value < 1:
            raise ConfigError(
                f"`{name}` should be either a positive integer smaller than {total}, or a "
                f"float within the range `[0, 1]`. Received: {name}={value}"
            )
        return round(value * total)
    return value


def split_sizes(left_size, right_size, total: int) -> tuple[int, int]:
    """Keras's `_rescale_dataset_split_sizes`: the two sizes as counts."""
    if left_size is None and right_size is None:
        left_size = 0.5
    if left_size == 0 and right_size == 0:
        raise ConfigError("Both `left_size` and `right_size` are zero.")
    if (
        isinstance(left_size, float)
        and isinstance(right_size, float)
        and left_size + right_size > 1
    ):
        raise ConfigError("The sum of `left_size` and `right_size` is greater than 1.")
    left = _size(left_size, "left_size", total)
    right = _size(right_size, "right_size", total)
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ConfigError(
            f"The sum of `left_size` and `right_size` should be smaller than the {total}. "
            f"Received: left_size + right_size = {left + right}"
        )
    for count, side in ((left, "left"), (right, "right")):
        if count == 0:
            raise ConfigError(
                f"With `dataset` of length={total}, the {side} split would be empty; adjust "
                "`left_size` / `right_size`."
            )
    return int(left), int(right)


def split_dataset(dataset, left_size=None, right_size=None, shuffle: bool = False, seed=None):
    """`(left, right)` parts of `dataset` (an array, or a tuple / list / dict of arrays of
    one length), as `keras.utils.split_dataset` splits them."""
    leaves = [np.asarray(a) for a in tree.flatten(dataset)]
    lengths = {len(a) for a in leaves}
    if not leaves or len(lengths) != 1:
        raise ConfigError(
            "split_dataset needs arrays of one length (a tuple of x and y, ...); received "
            f"lengths {sorted(lengths)}."
        )
    total = lengths.pop()
    left, right = split_sizes(left_size, right_size, total)
    order = list(range(total))
    if shuffle:
        random.Random(seed).shuffle(order)
    order = np.asarray(order, dtype=np.int64)
    parts = []
    for index in (order[:left], order[total - right :]):
        parts.append(tree.pack_sequence_as(dataset, [a[index] for a in leaves]))
    return tuple(parts)


__all__ = ["split_dataset"]
