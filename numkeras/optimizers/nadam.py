"""`Nadam`: Adam with Nesterov momentum, as Keras 3."""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.optimizers.optimizer import Optimizer
from numkeras.utils.naming import auto_name
from numkeras.variables import Variable


class Nadam(Optimizer):
    """Nadam (Dozat), Keras 3 formulas, with `t` the variable's 1-based update count:
    `u_t = beta_1 * (1 - 0.5 * 0.96**t)`, `U_t = u_1 * ... * u_t`,
    `m_hat = u_{t+1} * m / (1 - U_t * u_{t+1}) + (1 - u_t) * g / (1 - U_t)`,
    `v_hat = v / (1 - beta_2**t)`, `w -= lr * m_hat / (sqrt(v_hat) + epsilon)`.

    Keras keeps `U_t` as an extra optimizer variable (`u_product`, last in `variables`);
    here it is derived from the update count, so a shared optimizer stays exact.

    Args:
        learning_rate: float or schedule; defaults to 0.001.
        beta_1: 0.9. beta_2: 0.999. epsilon: 1e-7.
        **kwargs: the `Optimizer` arguments.

    >>> import numpy as np
    >>> from numkeras.variables import Variable
    >>> w = Variable(np.zeros(1, "float32"), name="w")
    >>> Nadam(learning_rate=0.1).apply([np.array([1.0], "float32")], [w])
    >>> float(w.numpy()[0]) < 0
    True
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
        self._u_products: dict = {}  # dtype -> [U_0, U_1, ...]
        # (Keras's `build` makes it a bare `backend.Variable(1.0)`, unscoped: named there)
        self._u_product_var = Variable(
            np.ones((), dtype=backend.floatx()), name="variable", trainable=False, path="variable"
        )
        self._u_product_named = False

    def _ensure_states(self, variables) -> None:
        built = self.built
        super()._ensure_states(variables)
        if not built and self.built and not self._u_product_named:
            # Keras names it when it builds, as every unnamed variable: "variable",
            # "variable_1", ... per session (a second Nadam built gets "variable_1"), in the
            # dtype of the first variable it is built on
            self._u_product_named = True
            first = list(variables)[0].value if variables else None
            dtype = first.dtype if first is not None and first.dtype.kind == "f" else None
            name = auto_name("variable")
            var = self._u_product_var
            var.name = var.path = name
            if dtype is not None and dtype != var.value.dtype:
                var._value = var.value.astype(dtype)

    def slot_groups(self):
        return (("momentum", "velocity"),)

    def _u(self, step: int, t):
        """The momentum schedule u_step = beta_1 * (1 - 0.5 * 0.96**step), in float32 in
        Keras's op order, so the values match Keras's (the legacy Nadam overrides it)."""
        return t(self.beta_1) * (t(1.0) - t(0.5) * t(0.96) ** t(step))

    def _next_u_product(self, previous, k: int, t):
        # Keras 3 multiplies in this order: `U = U * beta_1 * (1 - 0.5 * 0.96**k)`
        return previous * t(self.beta_1) * (t(1.0) - t(0.5) * t(0.96) ** t(k))

    def _u_product(self, step: int, t):
        """U_step = u_1 * ... * u_step, accumulated once per dtype."""
        products = self._u_products.setdefault(t, [t(1.0)])
        while len(products) <= step:
            products.append(self._next_u_product(products[-1], len(products), t))
        return products[step]

    def step_coefficients(self, learning_rate, step, dtype):
        t = dtype.type
        one = t(1)
        u_t, u_next = self._u(step, t), self._u(step + 1, t)
        prod = self._u_product(step, t)
        return (
            t(learning_rate),
            # Keras casts beta_1 / beta_2 to the variable dtype first: 1 - float32(0.999)
            # is 0.00099998713, not float32(0.001)
            one - t(self.beta_1),
            one - t(self.beta_2),
            u_next / (one - prod * u_next),
            (one - u_t) / (one - prod),
            one / (one - t(self.beta_2) ** t(step)),
            t(self.epsilon),
        )

    def fused_step(self, param, grad, slots, coeffs, decay) -> bool:
        return self._fused("nadam", param, grad, slots, coeffs, decay)

    def update_step(self, param, grad, slots, coeffs, scratch):
        xp = backend.xp
        lr, c1, c2, m_coef, g_coef, v_coef, eps = coeffs
        t1, t2 = scratch
        m, v = slots
        xp.subtract(grad, m, out=t1)
        t1 *= c1
        m += t1
        xp.square(grad, out=t1)
        t1 -= v
        t1 *= c2
        v += t1
        xp.multiply(m, m_coef, out=t1)
        xp.multiply(grad, g_coef, out=t2)
        t1 += t2  # m_hat
        xp.multiply(v, v_coef, out=t2)
        xp.sqrt(t2, out=t2)
        t2 += eps
        t1 /= t2
        t1 *= lr
        param -= t1

    def _extra_variables(self):
        # Keras appends its running u_product after the slots; derive it from iterations.
        n = int(self.iterations)  # updates so far (accumulation steps divided out)
        if self.built and not getattr(self, "_untracked_bare", False):  # (LossScaleOptimizer)
            self._u_product_var.value[...] = self._u_product(n, self._u_product_var.dtype.type)
            return [self._u_product_var]
        return []

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
