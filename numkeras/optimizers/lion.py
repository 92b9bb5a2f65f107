"""`Lion`, as Keras 3."""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.optimizers.optimizer import Optimizer


class Lion(Optimizer):
    """Lion, the sign of an interpolated momentum (Chen et al., 2023; Keras 3 formulas):
    `w -= learning_rate * sign(beta_1 * m + (1 - beta_1) * g)`, then
    `m = beta_2 * m + (1 - beta_2) * g`.

    Args:
        learning_rate: float or schedule; defaults to 0.001 (Lion wants a rate 3-10x
            smaller than AdamW's).
        beta_1: interpolation factor of the update, in (0, 1]; 0.9.
        beta_2: decay rate of the momentum; 0.99.
        **kwargs: the `Optimizer` arguments.

    >>> import numpy as np
    >>> from numkeras.variables import Variable
    >>> w = Variable(np.zeros(2, "float32"), name="w")
    >>> Lion(learning_rate=0.1).apply([np.array([3.0, -0.5], "float32")], [w])
    >>> w.numpy()
    array([-0.1,  0.1], dtype=float32)
    """

    def __init__(
        self, learning_rate=0.001, beta_1: float = 0.9, beta_2: float = 0.99, *args, **kwargs
    ):
        super().__init__(learning_rate, *args, **kwargs)
        if beta_1 <= 0 or beta_1 > 1:
            raise ConfigError(
                "Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer "
                f"degenerates to SignSGD. Received: beta_1={beta_1}."
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def slot_groups(self):
        return (("momentum",),)

    def step_coefficients(self, learning_rate, step, dtype):
        t = dtype.type
        beta_1, beta_2 = t(self.beta_1), t(self.beta_2)
        # Keras casts the betas to the variable dtype before taking `1 - beta`
        return (t(learning_rate), beta_1, t(1) - beta_1, beta_2, t(1) - beta_2)

    def update_step(self, param, grad, slots, coeffs, scratch):
        xp = backend.xp
        lr, beta_1, c1, beta_2, c2 = coeffs
        t1, t2 = scratch
        m = slots[0]
        xp.multiply(m, beta_1, out=t1)
        xp.multiply(grad, c1, out=t2)
        t1 += t2
        xp.sign(t1, out=t2)  # not in place: NumPy's in-place sign is ~8x slower
        t2 *= lr
        param -= t2
        m *= beta_2
        xp.multiply(grad, c2, out=t2)
        m += t2

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return config
