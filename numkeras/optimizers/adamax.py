"""`Adamax`: Adam with the infinity norm, as Keras 3."""

from __future__ import annotations

from numkeras import backend
from numkeras.optimizers.optimizer import Optimizer


class Adamax(Optimizer):
    """Adamax: `m += (g - m) * (1 - beta_1)`, `u = max(beta_2 * u, |g|)`,
    `w -= lr * m / ((1 - beta_1**t) * (u + epsilon))` with `t` the 1-based update count.

    Args:
        learning_rate: float or schedule; defaults to 0.001.
        beta_1: 0.9. beta_2: 0.999. epsilon: 1e-7.
        **kwargs: the `Optimizer` arguments.

    >>> import numpy as np
    >>> from numkeras.variables import Variable
    >>> w = Variable(np.zeros(1, "float32"), name="w")
    >>> Adamax(learning_rate=0.1).apply([np.array([2.0], "float32")], [w])
    >>> w.numpy().round(4)
    array([-0.1], dtype=float32)
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        *args,  # (weight_decay, clipnorm, ...: by position too, as in Keras)
        **kwargs,
    ):
        super().__init__(learning_rate, *args, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def slot_groups(self):
        return (("momentum", "norm"),)

    def step_coefficients(self, learning_rate, step, dtype):
        t = dtype.type
        return (
            t(learning_rate),
            t(1 - self.beta_1),
            t(self.beta_2),
            t(self.epsilon),
            t(1) - t(self.beta_1) ** t(step),  # float32, as Keras
        )

    def fused_step(self, param, grad, slots, coeffs, decay) -> bool:
        return self._fused("adamax", param, grad, slots, coeffs, decay)

    def update_step(self, param, grad, slots, coeffs, scratch):
        xp = backend.xp
        lr, c1, beta_2, eps, correction = coeffs
        t1 = scratch[0]
        m, u = slots
        xp.subtract(grad, m, out=t1)
        t1 *= c1
        m += t1
        u *= beta_2
        xp.abs(grad, out=t1)
        xp.maximum(u, t1, out=u)
        xp.add(u, eps, out=t1)
        t1 *= correction
        xp.divide(m, t1, out=t1)
        t1 *= lr
        param -= t1

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
