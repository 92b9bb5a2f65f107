"""`Lamb`, as Keras 3."""

from __future__ import annotations

from numkeras import backend
from numkeras.optimizers.optimizer import Optimizer


def _norm(x):
    """The L2 norm of `x`, as a scalar of its dtype."""
    xp = backend.xp
    flat = x.reshape(-1)
    return xp.sqrt(xp.dot(flat, flat))


class Lamb(Optimizer):
    """LAMB: Adam's update scaled per variable by a trust ratio (You et al., 2019;
    Keras 3 formulas). `m += (g - m) * (1 - beta_1)`, `v += (g**2 - v) * (1 - beta_2)`,
    `update = (m / (1 - beta_1**t)) / (sqrt(v / (1 - beta_2**t)) + epsilon)`,
    `w -= ratio * learning_rate * update` with `ratio = ||w|| / ||update||` (1 when either
    norm is 0) and `t` the 1-based step.

    Args:
        learning_rate: float or schedule; defaults to 0.001.
        beta_1: 0.9. beta_2: 0.999. epsilon: 1e-7.
        **kwargs: the `Optimizer` arguments.

    >>> import numpy as np
    >>> from numkeras.variables import Variable
    >>> w = Variable(np.array([3.0, 4.0], "float32"), name="w")
    >>> Lamb(learning_rate=0.1).apply([np.array([1.0, 0.0], "float32")], [w])
    >>> w.numpy()  # update (1, 0), ratio ||w|| / ||update|| = 5
    array([2.5, 4. ], dtype=float32)
    """

    whole_variable_update = True  # the trust ratio takes norms over each whole variable

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
        return (("momentum", "velocity"),)

    def step_coefficients(self, learning_rate, step, dtype):
        t = dtype.type
        return (
            t(learning_rate),
            t(1 - self.beta_1),
            t(1 - self.beta_2),
            t(1) - t(self.beta_1) ** t(step),  # float32, as Keras
            t(1) - t(self.beta_2) ** t(step),
            t(self.epsilon),
        )

    def update_step(self, param, grad, slots, coeffs, scratch):
        xp = backend.xp
        lr, c1, c2, correction_1, correction_2, eps = coeffs
        t1, t2 = scratch
        m, v = slots
        xp.subtract(grad, m, out=t1)
        t1 *= c1
        m += t1
        xp.square(grad, out=t1)
        t1 -= v
        t1 *= c2
        v += t1
        xp.divide(m, correction_1, out=t1)
        xp.divide(v, correction_2, out=t2)
        xp.sqrt(t2, out=t2)
        t2 += eps
        t1 /= t2  # the Adam update
        w_norm, u_norm = _norm(param), _norm(t1)
        one = param.dtype.type(1)
        ratio = w_norm / u_norm if (w_norm > 0 and u_norm > 0) else one
        t1 *= ratio * lr
        param -= t1

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
