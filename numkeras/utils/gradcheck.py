"""`numeric_gradient`: finite differences, to check a backward pass written by hand.

numkeras has no general autograd: every built-in layer, loss and operation carries its
own gradient, and each is tested against central differences in float64. A custom
layer's `backward` (or its traced `call`) can be checked the same way.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numeric_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar `f()` with respect to each entry of the array `x`,
    which `f` reads: each entry is moved by `eps` either way, in place, then restored.

    >>> x = np.array([1.0, 2.0])
    >>> numeric_gradient(lambda: float((x**2).sum()), x).round(6)
    array([2., 4.])
    """
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad
