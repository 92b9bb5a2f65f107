"""`Adafactor`, as Keras 3."""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.optimizers.optimizer import Optimizer


def _rms(x):
    """`sqrt(mean(x**2))`, as a scalar of `x`'s dtype."""
    xp = backend.xp
    flat = x.reshape(-1)
    return xp.sqrt(xp.dot(flat, flat) / x.dtype.type(max(flat.size, 1)))


class Adafactor(Optimizer):
    """Adafactor (Shazeer & Stern, 2018; Keras 3 formulas), with `t` the 1-based step.

    `rho_t = min(learning_rate, 1 / sqrt(t))`, `alpha_t = max(epsilon_2, rms(w)) * rho_t`,
    `beta_2_t = 1 - t**beta_2_decay`, `g2 = g**2 + epsilon_1`. A variable of rank >= 2
    keeps factored second moments over its last two axes: `r = beta_2_t * r +
    (1 - beta_2_t) * mean(g2, axis=-1)`, `c = beta_2_t * c + (1 - beta_2_t) *
    mean(g2, axis=-2)`, `velocity = (r / mean(r, axis=-1))[..., None] * c[..., None, :]`;
    other variables keep `velocity = beta_2_t * velocity + (1 - beta_2_t) * g2` (their `r`
    and `c` are int32 zeros, as Keras creates them). Then `u = g / sqrt(velocity)` and
    `w -= alpha_t * u / max(1, rms(u) / clip_threshold)`.

    Args:
        learning_rate: float or schedule; defaults to 0.001.
        beta_2_decay: -0.8. epsilon_1: 1e-30. epsilon_2: 1e-3. clip_threshold: 1.0.
        relative_step: True (stored in the config; as in Keras the rate used is
            `min(learning_rate, 1 / sqrt(t))` either way).
        **kwargs: the `Optimizer` arguments.

    >>> import numpy as np
    >>> from numkeras.variables import Variable
    >>> w = Variable(np.full((2, 3), 0.5, "float32"), name="w")
    >>> opt = Adafactor(learning_rate=0.1)
    >>> opt.apply([np.ones((2, 3), "float32")], [w])
    >>> w.numpy()[0], opt.get_slot(w, "r").shape, opt.get_slot(w, "c").shape
    (array([0.45, 0.45, 0.45], dtype=float32), (2,), (3,))
    """

    whole_variable_update = True  # factored moments and per-variable RMS

    def __init__(
        self,
        learning_rate=0.001,
        beta_2_decay: float = -0.8,
        epsilon_1: float = 1e-30,
        epsilon_2: float = 1e-3,
        clip_threshold: float = 1.0,
        relative_step: bool = True,
        *args,  # (weight_decay, clipnorm, ...: by position too, as in Keras)
        **kwargs,
    ):
        super().__init__(learning_rate, *args, **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def slot_groups(self):
        # Keras creates r, c and velocity variable by variable
        return (("r", "c", "velocity"),)

    def slot_array(self, slot_name, value):
        if slot_name == "velocity":
            return None
        xp = backend.xp
        shape = value.shape
        if len(shape) < 2:  # unfactored: Keras's placeholder `Variable(0)`
            return xp.zeros((), dtype="int32")
        if slot_name == "r":
            return xp.zeros(shape[:-1], dtype=value.dtype)
        return xp.zeros(shape[:-2] + shape[-1:], dtype=value.dtype)

    def slot_variable_name(self, variable, slot_name):
        if slot_name not in ("r", "c"):  # (velocity, gradient_accumulator, average)
            return super().slot_variable_name(variable, slot_name)
        return variable.name  # Keras names r and c after the variable

    def _slot_variable(self, st, slot_name, array):
        sv = super()._slot_variable(st, slot_name, array)
        if slot_name in ("r", "c") and len(st.var.shape) < 2:
            # Keras's placeholder is a bare `Variable(0, name=var.name)`, outside its scope
            sv.path = f"{sv._scope_path}{sv.name}"
            sv._bare = True
        return sv

    @property
    def variables(self) -> list:
        # inside a LossScaleOptimizer, Keras leaves the bare placeholders untracked
        out = super().variables
        if getattr(self, "_untracked_bare", False):
            out = [v for v in out if not getattr(v, "_bare", False)]
        return out

    def step_coefficients(self, learning_rate, step, dtype):
        t = dtype.type
        local_step = t(step)
        rho_t = np.minimum(t(learning_rate), t(1) / np.sqrt(local_step))
        beta_2_t = t(1) - local_step ** t(self.beta_2_decay)
        return (
            rho_t,
            beta_2_t,
            t(1) - beta_2_t,
            t(self.epsilon_1),
            t(self.epsilon_2),
            t(self.clip_threshold),
        )

    def update_step(self, param, grad, slots, coeffs, scratch):
        xp = backend.xp
        rho_t, beta_2_t, one_minus_beta, eps_1, eps_2, clip = coeffs
        one = param.dtype.type(1)
        t1, t2 = scratch
        r, c, v = slots
        alpha_t = xp.maximum(eps_2, _rms(param)) * rho_t
        xp.square(grad, out=t1)
        t1 += eps_1  # the regulated squared gradient
        if param.ndim >= 2:
            mean = xp.mean(t1, axis=-1)
            mean *= one_minus_beta
            r *= beta_2_t
            r += mean
            mean = xp.mean(t1, axis=-2)
            mean *= one_minus_beta
            c *= beta_2_t
            c += mean
            row = r / xp.mean(r, axis=-1, keepdims=True)
            xp.multiply(row[..., None], c[..., None, :], out=v)
        else:
            v *= beta_2_t
            t1 *= one_minus_beta
            v += t1
        xp.sqrt(v, out=t2)
        xp.divide(grad, t2, out=t2)  # u
        t2 /= xp.maximum(one, _rms(t2) / clip)
        t2 *= alpha_t
        param -= t2

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "beta_2_decay": self.beta_2_decay,
                "epsilon_1": self.epsilon_1,
                "epsilon_2": self.epsilon_2,
                "clip_threshold": self.clip_threshold,
                "relative_step": self.relative_step,
            }
        )
        return config
