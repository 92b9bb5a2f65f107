"""Keras 2.11+'s `keras.optimizers.legacy` import path (`from tensorflow.keras.optimizers
.legacy import Adam`, common in scripts written for Apple-silicon Macs): Keras 2's older
optimizer implementations (`OptimizerV2`), which also are what `keras.optimizers.X` was
in Keras 2.0-2.10.

numkeras's optimizers take their Keras 2 arguments (`lr=`, `decay=` as inverse-time
decay) already, and most legacy formulas equal Keras 3's, so `SGD`, `Adam`, `Adamax`,
`Adadelta` and `Ftrl` here are numkeras's own classes. Three legacy formulas differ, and
are kept here as Keras 2 ran them (tf_keras 2.21, `tf.raw_ops`):

- `RMSprop` without momentum divides by `sqrt(velocity) + epsilon` (Keras 3:
  `sqrt(velocity + epsilon)`); with momentum it is Keras 3's.
- `Adagrad` divides by `sqrt(accumulator) + epsilon` (Keras 3: `sqrt(accumulator +
  epsilon)`).
- `Nadam`'s momentum schedule is `beta_1 * (1 - 0.5 * 0.96**(schedule_decay * t))` with
  `schedule_decay=0.004` (Keras 3: `0.96**t`); Keras 2 took `decay=` as that value too.

>>> import numpy as np
>>> from numkeras.variables import Variable
>>> w = Variable(np.zeros(1, "float32"), name="w")
>>> RMSprop(learning_rate=0.01, rho=0.0, epsilon=0.5).apply([np.array([1.0], "float32")], [w])
>>> w.numpy().round(5)  # lr * g / (sqrt(g**2) + epsilon)
array([-0.00667], dtype=float32)
"""

from __future__ import annotations

from numkeras import optimizers as _optimizers
from numkeras.optimizers import SGD, Adadelta, Adam, Adamax, Ftrl, Optimizer


class RMSprop(_optimizers.RMSprop):
    """Keras 2's legacy RMSprop: `w -= lr * g / (sqrt(velocity) + epsilon)` without
    momentum (centered: `sqrt(velocity - average_gradient**2) + epsilon`); with momentum,
    TensorFlow's `ApplyRMSProp` op, the same as Keras 3's."""

    def _epsilon_outside_sqrt(self) -> bool:
        return self.momentum == 0


class Adagrad(_optimizers.Adagrad):
    """Keras 2's legacy Adagrad: `w -= lr * g / (sqrt(accumulator) + epsilon)`."""

    def _epsilon_outside_sqrt(self) -> bool:
        return True


class Nadam(_optimizers.Nadam):
    """Keras 2's legacy Nadam: the momentum schedule `u_t = beta_1 * (1 - 0.5 *
    0.96**(schedule_decay * t))`, `schedule_decay=0.004` (Keras 2 also read `decay=` as
    it, and applied no learning-rate decay); otherwise Keras 3's formulas."""

    def __init__(
        self,
        learning_rate=0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        **kwargs,
    ):
        # Keras 2: `kwargs["decay"] = kwargs.pop("schedule_decay", 0.004)`
        kwargs.pop("decay", None)
        self.schedule_decay = float(kwargs.pop("schedule_decay", 0.004))
        super().__init__(learning_rate, beta_1, beta_2, epsilon, **kwargs)

    def _u(self, step: int, t):
        # float32 in TensorFlow's op order: 0.96 ** (float32(decay) * float32(step))
        power = t(0.96) ** (t(self.schedule_decay) * t(step))
        return t(self.beta_1) * (t(1.0) - t(0.5) * power)

    def _next_u_product(self, previous, k: int, t):
        return previous * self._u(k, t)  # (TensorFlow's order: the u first)

    def fused_step(self, param, grad, slots, coeffs, decay) -> bool:
        return False  # (the coefficients carry the schedule; the numpy step is short)

    def get_config(self) -> dict:
        config = super().get_config()
        config["schedule_decay"] = self.schedule_decay
        return config


__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "Adamax", "Ftrl", "Nadam", "Optimizer", "RMSprop"]
