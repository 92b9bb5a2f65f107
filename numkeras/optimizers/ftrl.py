"""`Ftrl`, as Keras 3."""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.optimizers.optimizer import Optimizer


def _power(x, power, out) -> None:
    """`x ** power` into `out`; `sqrt` for the default power 0.5 (what XLA makes of
    Keras's `power(x, 0.5)` inside a compiled step; np.power would take ~15x longer)."""
    xp = backend.xp
    if power == 0.5:
        xp.sqrt(x, out=out)
    else:
        xp.power(x, power, out=out)


class Ftrl(Optimizer):
    """Follow The Regularized Leader (McMahan et al., 2013; Keras 3 formulas).

    With `p = -learning_rate_power`, `l2 = l2_regularization_strength + beta / (2 * lr)`
    and `g' = g + 2 * l2_shrinkage_regularization_strength * w`:
    `new_accumulator = accumulator + g**2`,
    `linear += g' - (new_accumulator**p - accumulator**p) / lr * w`,
    `quadratic = new_accumulator**p / lr + 2 * l2`,
    `w = (clip(linear, -l1, l1) - linear) / quadratic`, `accumulator = new_accumulator`.

    Args:
        learning_rate: float or schedule; defaults to 0.001.
        learning_rate_power: <= 0; -0.5.
        initial_accumulator_value: >= 0; 0.1.
        l1_regularization_strength, l2_regularization_strength,
        l2_shrinkage_regularization_strength: >= 0; 0.0 each.
        beta: 0.0.
        **kwargs: the `Optimizer` arguments.

    >>> import numpy as np
    >>> from numkeras.variables import Variable
    >>> w = Variable(np.zeros(1, "float32"), name="w")
    >>> Ftrl(learning_rate=1.0, initial_accumulator_value=0.0).apply(
    ...     [np.array([2.0], "float32")], [w])
    >>> w.numpy()  # linear = 2, quadratic = sqrt(4) / 1
    array([-1.], dtype=float32)
    """

    def __init__(
        self,
        learning_rate=0.001,
        learning_rate_power: float = -0.5,
        initial_accumulator_value: float = 0.1,
        l1_regularization_strength: float = 0.0,
        l2_regularization_strength: float = 0.0,
        l2_shrinkage_regularization_strength: float = 0.0,
        beta: float = 0.0,
        *args,  # (weight_decay, clipnorm, ...: by position too, as in Keras)
        **kwargs,
    ):
        super().__init__(learning_rate, *args, **kwargs)
        if learning_rate_power > 0.0:
            raise ConfigError(
                "`learning_rate_power` needs to be negative or zero. Received: "
                f"learning_rate_power={learning_rate_power}."
            )
        for arg, value in (
            ("initial_accumulator_value", initial_accumulator_value),
            ("l1_regularization_strength", l1_regularization_strength),
            ("l2_regularization_strength", l2_regularization_strength),
            ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength),
        ):
            if value < 0.0:
                raise ConfigError(f"`{arg}` needs to be positive or zero. Received: {arg}={value}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def slot_groups(self):
        return (("accumulator", "linear"),)

    def slot_initial_value(self, slot_name):
        return self.initial_accumulator_value if slot_name == "accumulator" else 0.0

    def step_coefficients(self, learning_rate, step, dtype):
        t = dtype.type
        lr = t(learning_rate)
        l2 = t(self.l2_regularization_strength) + t(self.beta) / (t(2.0) * lr)  # as Keras
        return (
            lr,
            t(-self.learning_rate_power),
            t(2 * self.l2_shrinkage_regularization_strength),
            t(self.l1_regularization_strength),
            t(2) * l2,
        )

    def update_step(self, param, grad, slots, coeffs, scratch):
        xp = backend.xp
        lr, power, shrinkage, l1, two_l2 = coeffs
        t1, t2 = scratch
        accum, linear = slots
        xp.square(grad, out=t1)
        t1 += accum  # the new accumulator
        _power(accum, power, accum)
        _power(t1, power, t2)
        xp.subtract(t2, accum, out=accum)
        accum /= lr
        accum *= param  # (new**p - old**p) / lr * w
        param *= shrinkage
        param += grad  # g + 2 * l2_shrinkage * w: `param` is overwritten below anyway
        param -= accum
        linear += param
        t2 /= lr
        t2 += two_l2  # quadratic
        xp.clip(linear, -l1, l1, out=param)
        param -= linear
        param /= t2
        accum[...] = t1

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": (self.l2_shrinkage_regularization_strength),
                "beta": self.beta,
            }
        )
        return config
