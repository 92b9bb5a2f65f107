"""`RMSprop`, as Keras 3."""

from __future__ import annotations

from numkeras import backend
from numkeras.optimizers.optimizer import Optimizer, root_with_epsilon


class RMSprop(Optimizer):
    """RMSprop (Keras 3 formulas).

    `velocity = rho * velocity + (1 - rho) * g**2`; with `centered=True` also
    `average_gradient = rho * average_gradient + (1 - rho) * g` and the denominator is
    `sqrt(velocity - average_gradient**2 + epsilon)`, else `sqrt(velocity + epsilon)`.
    `increment = lr * g / denominator`; with `momentum > 0`,
    `momentum_slot = momentum * momentum_slot + increment` and `w -= momentum_slot`,
    else `w -= increment`.

    Args:
        learning_rate: float or schedule; defaults to 0.001.
        rho: 0.9. momentum: 0.0. epsilon: 1e-7. centered: False.
        **kwargs: the `Optimizer` arguments.

    >>> import numpy as np
    >>> from numkeras.variables import Variable
    >>> w = Variable(np.zeros(1, "float32"), name="w")
    >>> RMSprop(learning_rate=0.01, rho=0.0).apply([np.array([3.0], "float32")], [w])
    >>> w.numpy().round(5)  # lr * g / sqrt(g**2)
    array([-0.01], dtype=float32)
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
        *args,  # (weight_decay, clipnorm, ...: by position too, as in Keras)
        **kwargs,
    ):
        super().__init__(learning_rate, *args, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def slot_groups(self):
        groups = (("velocity",),)
        if self.momentum > 0:
            groups += (("momentum",),)
        if self.centered:
            groups += (("average_gradient",),)
        return groups

    def step_coefficients(self, learning_rate, step, dtype):
        t = dtype.type
        return (t(learning_rate), t(self.rho), t(1 - self.rho), t(self.epsilon), t(self.momentum))

    def _epsilon_outside_sqrt(self) -> bool:
        """Keras 3 divides by `sqrt(velocity + epsilon)`; Keras 2's legacy RMSprop
        without momentum by `sqrt(velocity) + epsilon` (optimizers/legacy.py)."""
        return False

    def fused_step(self, param, grad, slots, coeffs, decay) -> bool:
        if self._epsilon_outside_sqrt():
            return False  # the compiled kernel runs Keras 3's formula
        velocity = slots[0]
        # the kernel takes all three arrays; one it does not use is passed as `velocity`
        momentum = slots[1] if self.momentum > 0 else velocity
        average = slots[-1] if self.centered else velocity
        flags = (self.momentum > 0, self.centered)
        arrays = (velocity, momentum, average)
        return self._fused("rmsprop", param, grad, arrays, (*coeffs, *flags), decay)

    def update_step(self, param, grad, slots, coeffs, scratch):
        xp = backend.xp
        lr, rho, one_minus_rho, eps, momentum = coeffs
        t1, t2 = scratch
        velocity = slots[0]
        velocity *= rho
        xp.square(grad, out=t1)
        t1 *= one_minus_rho
        velocity += t1
        if self.centered:
            avg = slots[-1]
            avg *= rho
            xp.multiply(grad, one_minus_rho, out=t1)
            avg += t1
            xp.square(avg, out=t1)
            xp.subtract(velocity, t1, out=t1)
            variance = t1
        else:
            variance = velocity
        root_with_epsilon(variance, eps, t1, self._epsilon_outside_sqrt())
        xp.multiply(grad, lr, out=t2)
        t2 /= t1  # the increment
        if self.momentum > 0:
            m = slots[1]
            m *= momentum
            m += t2
            param -= m
        else:
            param -= t2

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "rho": self.rho,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "centered": self.centered,
            }
        )
        return config
