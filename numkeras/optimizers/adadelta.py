"""`Adadelta`, as Keras 3."""

from __future__ import annotations

from numkeras import backend
from numkeras.optimizers.optimizer import Optimizer


class Adadelta(Optimizer):
    """Adadelta (Keras 3 formulas), with `rms(x) = sqrt(x + epsilon)`:
    `accumulated_grad = rho * accumulated_grad + (1 - rho) * g**2`,
    `delta = -rms(accumulated_delta_var) * g / rms(accumulated_grad)`,
    `accumulated_delta_var = rho * accumulated_delta_var + (1 - rho) * delta**2`,
    `w += learning_rate * delta`.

    Args:
        learning_rate: float or schedule; defaults to 0.001 (Keras 3; the paper uses 1.0).
        rho: decay rate, 0.95. epsilon: 1e-7.
        **kwargs: the `Optimizer` arguments.

    >>> import numpy as np
    >>> from numkeras.variables import Variable
    >>> w = Variable(np.zeros(1, "float32"), name="w")
    >>> Adadelta(learning_rate=1.0, rho=0.0, epsilon=1.0).apply([np.array([3.0], "float32")], [w])
    >>> w.numpy().round(4)  # -sqrt(0 + 1) * 3 / sqrt(9 + 1)
    array([-0.9487], dtype=float32)
    """

    def __init__(
        self, learning_rate=0.001, rho: float = 0.95, epsilon: float = 1e-7, *args, **kwargs
    ):
        super().__init__(learning_rate, *args, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def slot_groups(self):
        return (("accumulated_grad", "accumulated_delta_var"),)

    def step_coefficients(self, learning_rate, step, dtype):
        t = dtype.type
        return (t(learning_rate), t(self.rho), t(1 - self.rho), t(self.epsilon))

    def update_step(self, param, grad, slots, coeffs, scratch):
        xp = backend.xp
        lr, rho, one_minus_rho, eps = coeffs
        t1, t2 = scratch
        acc_grad, acc_delta = slots
        acc_grad *= rho
        xp.square(grad, out=t1)
        t1 *= one_minus_rho
        acc_grad += t1
        xp.add(acc_delta, eps, out=t1)
        xp.sqrt(t1, out=t1)
        t1 *= grad
        xp.add(acc_grad, eps, out=t2)
        xp.sqrt(t2, out=t2)
        t1 /= t2  # -delta
        acc_delta *= rho
        xp.square(t1, out=t2)
        t2 *= one_minus_rho
        acc_delta += t2
        t1 *= lr
        param -= t1

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
