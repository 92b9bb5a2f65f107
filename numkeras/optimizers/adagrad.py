"""`Adagrad`, as Keras 3."""

from __future__ import annotations

from numkeras import backend
from numkeras.optimizers.optimizer import Optimizer, root_with_epsilon


class Adagrad(Optimizer):
    """Adagrad: `accumulator += g**2`, `w -= lr * g / sqrt(accumulator + epsilon)`.

    Args:
        learning_rate: float or schedule; defaults to 0.001.
        initial_accumulator_value: starting value of the accumulators (0.1).
        epsilon: 1e-7.
        **kwargs: the `Optimizer` arguments.

    >>> import numpy as np
    >>> from numkeras.variables import Variable
    >>> w = Variable(np.zeros(1, "float32"), name="w")
    >>> Adagrad(learning_rate=1.0, initial_accumulator_value=0.0, epsilon=0.0).apply(
    ...     [np.array([2.0], "float32")], [w])
    >>> w.numpy()
    array([-1.], dtype=float32)
    """

    def __init__(
        self,
        learning_rate=0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        *args,  # (weight_decay, clipnorm, ...: by position too, as in Keras)
        **kwargs,
    ):
        super().__init__(learning_rate, *args, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def slot_groups(self):
        return (("accumulator",),)

    def slot_initial_value(self, slot_name):
        return self.initial_accumulator_value

    def step_coefficients(self, learning_rate, step, dtype):
        t = dtype.type
        return (t(learning_rate), t(self.epsilon))

    def _epsilon_outside_sqrt(self) -> bool:
        """Keras 3 divides by `sqrt(accumulator + epsilon)`; Keras 2's legacy Adagrad by
        `sqrt(accumulator) + epsilon` (optimizers/legacy.py)."""
        return False

    def fused_step(self, param, grad, slots, coeffs, decay) -> bool:
        if self._epsilon_outside_sqrt():
            return False  # the compiled kernel runs Keras 3's formula
        return self._fused("adagrad", param, grad, slots, coeffs, decay)

    def update_step(self, param, grad, slots, coeffs, scratch):
        xp = backend.xp
        lr, eps = coeffs
        t1, t2 = scratch
        acc = slots[0]
        xp.square(grad, out=t1)
        acc += t1
        root_with_epsilon(acc, eps, t1, self._epsilon_outside_sqrt())
        xp.multiply(grad, lr, out=t2)
        t2 /= t1
        param -= t2

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon,
            }
        )
        return config
