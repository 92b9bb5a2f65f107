"""Keras's regularizer names (`from keras.regularizers import l2`), so a classic script's
imports resolve; numkeras does not apply weight penalties yet, so a layer given one refuses
it with a clear error (`Dense(kernel_regularizer=l2(0.01))` says so and suggests None).

>>> l2(0.01)
L2(l2=0.01)
"""

from __future__ import annotations


class Regularizer:
    """A weight penalty's settings (`get_config`); not applied by numkeras's layers yet."""

    def __init__(self, **config):
        self._config = {k: float(v) for k, v in config.items()}

    def get_config(self) -> dict:
        return dict(self._config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self._config.items())
        return f"{type(self).__name__}({args})"


class L1(Regularizer):
    def __init__(self, l1: float = 0.01):
        super().__init__(l1=l1)


class L2(Regularizer):
    def __init__(self, l2: float = 0.01):
        super().__init__(l2=l2)


class L1L2(Regularizer):
    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        super().__init__(l1=l1, l2=l2)


l1, l2, l1_l2 = L1, L2, L1L2

__all__ = ["L1", "L1L2", "L2", "Regularizer", "l1", "l1_l2", "l2"]
