"""Small argument checks shared by constructors and training arguments."""

from __future__ import annotations

import numbers


def is_int(value) -> bool:
    """An integer, NumPy integers included, but not a bool.

    >>> import numpy as np
    >>> is_int(3), is_int(np.int64(3)), is_int(True), is_int(3.0)
    (True, True, False, False)
    """
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)
