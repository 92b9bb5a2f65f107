"""`ScheduleFreeAdamW`, as Keras 3."""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.optimizers.optimizer import Optimizer


class ScheduleFreeAdamW(Optimizer):
    """Schedule-Free AdamW (Defazio et al., 2024; Keras 3 formulas): no learning-rate
    schedule needed. With `t` the 1-based step, `lr_t = lr * min(t / warmup_steps, 1)`
    (with warmup), the stored weights `y` and the `momentum` slot `z` (which starts as a
    copy of the weights):

        v = beta_2 * v + (1 - beta_2) * g**2
        z_new = z - lr_t * g / (sqrt(v / (1 - beta_2**t)) + epsilon)
        x = (y - (1 - beta_1) * z) / beta_1            # the averaged iterate
        x = (1 - 1/t) * x + (1/t) * z_new
        y = (1 - beta_1) * z_new + beta_1 * x

    Keras's variant stores `y` (the gradient point) in the weights and has no separate
    evaluation mode. `weight_decay` is decoupled, as for every Keras optimizer.

    Args:
        learning_rate: float or schedule; 0.0025.
        beta_1: the interpolation between `z` and `x`; 0.9.
        beta_2: decay of the second moment; 0.999.
        epsilon: 1e-8.
        warmup_steps: linear warmup of the rate over this many steps; 0 (none).
        **kwargs: the `Optimizer` arguments.

    >>> import numpy as np
    >>> from numkeras.variables import Variable
    >>> w = Variable(np.zeros(2, "float32"), name="w")
    >>> opt = ScheduleFreeAdamW(learning_rate=0.1)
    >>> opt.apply([np.array([1.0, -1.0], "float32")], [w])
    >>> w.numpy().round(4)
    array([-0.1,  0.1], dtype=float32)
    """

    def __init__(
        self,
        learning_rate=0.0025,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        warmup_steps: int = 0,
        *args,  # (weight_decay, clipnorm, ...: by position too, as in Keras)
        **kwargs,
    ):
        super().__init__(learning_rate, *args, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps

    def slot_groups(self):
        return (("momentum", "velocity"),)

    def _ensure_states(self, variables) -> None:
        known = set(self._states)
        super()._ensure_states(variables)
        for v in variables:  # as Keras's build: the momentum starts at the weights
            if id(v) not in known and id(v) in self._states:
                self._states[id(v)].slots["momentum"][...] = v.value

    def step_coefficients(self, learning_rate, step, dtype):
        t = dtype.type
        local_step = t(step)
        lr = t(learning_rate)
        if self.warmup_steps > 0:
            lr = lr * np.minimum(local_step / t(self.warmup_steps), t(1))
        beta_1, beta_2 = t(self.beta_1), t(self.beta_2)
        weight = t(1) / local_step
        return (
            lr,
            t(1) - beta_1,
            beta_1,
            t(1) - beta_2,
            t(1) - beta_2**local_step,  # the second moment's bias correction
            t(self.epsilon),
            weight,
            t(1) - weight,
        )

    def update_step(self, param, grad, slots, coeffs, scratch):
        xp = backend.xp
        lr, c1, beta_1, c2, bias_2, eps, weight, keep = coeffs
        t1, t2 = scratch
        z, v = slots
        # v += (g^2 - v) * (1 - beta_2), Keras's op order
        xp.square(grad, out=t1)
        t1 -= v
        t1 *= c2
        v += t1
        # x_old = (y - (1 - beta_1) * z_old) / beta_1, from z before its update
        xp.multiply(z, c1, out=t2)
        xp.subtract(param, t2, out=t2)
        t2 /= beta_1
        # z -= (lr * g) / (sqrt(v / bias_2) + eps); y is not needed any more: its buffer
        # holds the step
        xp.divide(v, bias_2, out=t1)
        xp.sqrt(t1, out=t1)
        t1 += eps
        xp.multiply(grad, lr, out=param)
        param /= t1
        z -= param
        # x_new = (1 - w) * x_old + w * z;  y = (1 - beta_1) * z + beta_1 * x_new
        t2 *= keep
        xp.multiply(z, weight, out=t1)
        t2 += t1
        t2 *= beta_1
        xp.multiply(z, c1, out=param)
        param += t2

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
                "warmup_steps": self.warmup_steps,
            }
        )
        return config
