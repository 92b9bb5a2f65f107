"""`SGD`: gradient descent with optional (Nesterov) momentum, as Keras 3."""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.optimizers.optimizer import Optimizer, _is_number


class SGD(Optimizer):
    """Gradient descent with momentum (Keras 3 formulas).

    With `momentum == 0`: `w -= learning_rate * g`. Otherwise
    `m = momentum * m - learning_rate * g`, then `w += m`, or with `nesterov=True`
    `w += momentum * m - learning_rate * g`.

    Args:
        learning_rate: float or schedule; defaults to 0.01.
        momentum: float in [0, 1]; defaults to 0.0 (no slot is kept then).
        nesterov: whether to apply Nesterov momentum.
        **kwargs: the `Optimizer` arguments (`weight_decay`, `clipnorm`, `name`, ...).

    Unlike Keras 3, an int `momentum` (e.g. `momentum=1`) is accepted.

    >>> import numpy as np
    >>> from numkeras.variables import Variable
    >>> w = Variable(np.zeros(2, "float32"), name="w")
    >>> opt = SGD(learning_rate=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.apply([np.ones(2, "float32")], [w])
    >>> w.numpy()  # -0.1, then -0.1 + (0.9 * -0.1 - 0.1)
    array([-0.29, -0.29], dtype=float32)
    """

    def __init__(
        self,
        learning_rate=0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        *args,  # (weight_decay, clipnorm, ...: by position too, as in Keras)
        **kwargs,
    ):
        super().__init__(learning_rate, *args, **kwargs)
        if not _is_number(momentum) or momentum < 0 or momentum > 1:
            raise ConfigError(f"`momentum` must be a float between [0, 1]; received {momentum!r}.")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def slot_groups(self):
        return (("momentum",),) if self.momentum != 0 else ()

    def step_coefficients(self, learning_rate, step, dtype):
        t = dtype.type
        return (t(learning_rate), t(self.momentum))

    def fused_step(self, param, grad, slots, coeffs, decay) -> bool:
        lr, mom = coeffs
        if not slots:
            return self._fused("sgd", param, grad, (), (lr,), decay)
        return self._fused("sgd_momentum", param, grad, slots, (lr, mom, self.nesterov), decay)

    def update_step(self, param, grad, slots, coeffs, scratch):
        xp = backend.xp
        lr, mom = coeffs
        tmp = scratch[0]
        xp.multiply(grad, lr, out=tmp)
        if not slots:
            param -= tmp
            return
        m = slots[0]
        m *= mom
        m -= tmp  # m = m * momentum - g * lr
        if self.nesterov:
            xp.multiply(m, mom, out=scratch[1])
            xp.subtract(scratch[1], tmp, out=tmp)
            param += tmp
        else:
            param += m

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
