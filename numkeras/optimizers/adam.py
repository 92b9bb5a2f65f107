"""`Adam`, in Keras 3's "epsilon-hat" form."""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.optimizers.optimizer import Optimizer


class Adam(Optimizer):
    """Adam (Kingma & Ba), exactly as Keras 3 computes it.

    With `t` the variable's 1-based update count:
    `alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)`, `m += (g - m) * (1 - beta_1)`,
    `v += (g**2 - v) * (1 - beta_2)`, `w -= alpha * m / (sqrt(v) + epsilon)`.
    `epsilon` (1e-7) is the paper's "epsilon hat", added after the bias-corrected sqrt.
    With `amsgrad=True`, `v` in the last step is the running maximum `velocity_hat`.

    Args:
        learning_rate: float or schedule; defaults to 0.001.
        beta_1, beta_2: decay rates of the moment estimates (0.9, 0.999).
        epsilon: 1e-7.
        amsgrad: use the AMSGrad variant.
        **kwargs: the `Optimizer` arguments (`weight_decay`, `clipnorm`, `lr`, `name`, ...).

    >>> import numpy as np
    >>> from numkeras.variables import Variable
    >>> w = Variable(np.zeros(2, "float32"), name="w")
    >>> Adam(learning_rate=0.1).apply([np.array([1.0, -2.0], "float32")], [w])
    >>> w.numpy().round(4)  # the first Adam step moves each weight by ~lr
    array([-0.1,  0.1], dtype=float32)
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        *args,  # (weight_decay, clipnorm, ...: by position too, as in Keras)
        **kwargs,
    ):
        super().__init__(learning_rate, *args, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def slot_groups(self):
        groups = (("momentum", "velocity"),)
        return groups + ((("velocity_hat",),) if self.amsgrad else ())

    def step_coefficients(self, learning_rate, step, dtype):
        # In `dtype` arithmetic and Keras's op order: `1 - beta_2**t` loses digits in
        # float32, and matching Keras means losing the same ones.
        t = dtype.type
        step = t(step)
        one = t(1)
        alpha = (
            t(learning_rate)
            * np.sqrt(one - t(self.beta_2) ** step)
            / (one - t(self.beta_1) ** step)
        )
        return (t(alpha), t(1 - self.beta_1), t(1 - self.beta_2), t(self.epsilon))

    def fused_step(self, param, grad, slots, coeffs, decay) -> bool:
        name = "adam_amsgrad" if self.amsgrad else "adam"
        return self._fused(name, param, grad, slots, coeffs, decay)

    def update_step(self, param, grad, slots, coeffs, scratch):
        xp = backend.xp
        alpha, c1, c2, eps = coeffs
        m, v = slots[0], slots[1]
        tmp = scratch[0]
        xp.subtract(grad, m, out=tmp)
        tmp *= c1
        m += tmp
        xp.square(grad, out=tmp)
        tmp -= v
        tmp *= c2
        v += tmp
        if self.amsgrad:
            v = xp.maximum(slots[2], v, out=slots[2])
        xp.sqrt(v, out=tmp)
        tmp += eps
        xp.divide(m, tmp, out=tmp)
        tmp *= alpha
        param -= tmp

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
                "amsgrad": self.amsgrad,
            }
        )
        return config
