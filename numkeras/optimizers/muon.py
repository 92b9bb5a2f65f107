"""`Muon`, as Keras 3."""

from __future__ import annotations

import re

import numpy as np

from numkeras import backend
from numkeras.optimizers.optimizer import Optimizer


class Muon(Optimizer):
    """Muon: momentum orthogonalized by Newton-Schulz iterations, for 2-D weights; AdamW
    for the rest (Keras 3 formulas and choices).

    A variable is updated by AdamW when it is not 2-D, when `exclude_embeddings` and its
    path contains "embedding", or when one of the `exclude_layers` regular expressions is
    found in its path; every other (2-D) variable by Muon:

        m = momentum * m + g
        u = newton_schulz5(g + momentum * m if nesterov else m, ns_steps)
        w -= lr * u * sqrt(max(rows, cols)) * rms_rate      # (no scaling if rms_rate=None)

    `newton_schulz5` normalizes by the Frobenius norm (+1e-7), then runs `ns_steps` times
    `A = X @ X.T; X = a * X + (b * A + c * A @ A) @ X` (on the wide orientation) with
    `(a, b, c) = (muon_a, muon_b, muon_c)`. The AdamW variables use the rate
    `learning_rate * adam_lr_ratio`: `m += (g - m) * (1 - adam_beta_1)`, `v += (g**2 - v)
    * (1 - adam_beta_2)`, `w -= m * alpha / (sqrt(v) + epsilon)` with `alpha = lr *
    sqrt(1 - adam_beta_2**t) / (1 - adam_beta_1**t)`. Weight decay, before the update:
    `w -= w * wd * learning_rate` with `wd = adam_weight_decay` for AdamW variables and
    `weight_decay` for Muon ones (a None value skips it).

    Slots: `momentum` for every variable, `velocity` for the AdamW ones only (in
    `variables` and saved files as Keras orders them; numkeras keeps an unused velocity
    array for Muon variables too, for its flat slot layout).

    >>> import numpy as np
    >>> from numkeras.variables import Variable
    >>> w = Variable(np.eye(2, dtype="float32"), name="w")
    >>> opt = Muon(learning_rate=0.1, weight_decay=None)
    >>> opt.apply([np.diag([3.0, 1.0]).astype("float32")], [w])
    >>> (np.eye(2) - w.numpy()).round(3)  # orthogonalized: steps of like size, not 3:1
    array([[0.021, 0.   ],
           [0.   , 0.032]])
    """

    whole_variable_update = True  # Newton-Schulz on whole matrices

    def __init__(
        self,
        learning_rate=0.001,
        adam_beta_1: float = 0.9,
        adam_beta_2: float = 0.999,
        adam_weight_decay: float | None = 0.004,
        epsilon: float = 1e-7,
        weight_decay: float | None = 0.004,
        clipnorm=None,  # (the base optimizer's, here in Keras's order)
        clipvalue=None,
        global_clipnorm=None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        exclude_layers=None,
        exclude_embeddings: bool = True,
        muon_a: float = 3.4445,
        muon_b: float = -4.7750,
        muon_c: float = 2.0315,
        adam_lr_ratio: float = 1,
        momentum: float = 0.95,
        ns_steps: int = 5,
        nesterov: bool = True,
        rms_rate: float | None = 0.2,
        **kwargs,
    ):
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            name=name,
            **kwargs,
        )
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.epsilon = epsilon
        self.muon_a = muon_a
        self.muon_b = muon_b
        self.muon_c = muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        self.exclude_layers = list(exclude_layers or [])
        self.adam_weight_decay = adam_weight_decay
        self.rms_rate = rms_rate
        self._by_param: dict = {}  # id(param array) -> its state, for the current apply
        self._muon_weight_decay = weight_decay

    def _should_use_adamw(self, variable) -> bool:
        """Keras's rule: AdamW for non-2-D, embedding and excluded variables."""
        if len(variable.shape) != 2:
            return True
        path = str(getattr(variable, "path", None) or getattr(variable, "name", ""))
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(keyword, path) for keyword in self.exclude_layers)

    def slot_groups(self):
        return (("momentum", "velocity"),)

    @property
    def variables(self):
        """As Keras: per variable its `momentum`, then (AdamW variables only) `velocity`."""
        out = super().variables  # (creates the slot variables)
        skip = {
            id(st.slot_vars.get("velocity"))
            for st in self._order
            if not self._should_use_adamw(st.var)
        }
        return [v for v in out if id(v) not in skip]

    # the weight decay depends on the variable: done in update_step, not by the base class
    def apply(self, grads, trainable_variables=None) -> None:
        variables = trainable_variables  # (Keras's name for them)
        self._muon_weight_decay = self.weight_decay
        self.weight_decay = None
        try:
            super().apply(grads, variables)
        finally:
            self.weight_decay = self._muon_weight_decay
            self._by_param = {}

    def _work_items(self, segments, grads, use_acc: bool) -> list:
        items = super()._work_items(segments, grads, use_acc)
        self._by_param = {id(item[1]): item[0][0] for item in items}
        return items

    def step_coefficients(self, learning_rate, step, dtype):
        t = dtype.type
        local_step = t(step)
        lr = t(learning_rate)
        adam_lr = t(learning_rate * self.adam_lr_ratio)
        alpha = (
            adam_lr
            * np.sqrt(t(1) - t(self.adam_beta_2) ** local_step)
            / (t(1) - t(self.adam_beta_1) ** local_step)
        )
        return lr, alpha

    def update_step(self, param, grad, slots, coeffs, scratch):
        xp = backend.xp
        t = param.dtype.type
        lr, alpha = coeffs
        st = self._by_param[id(param)]
        adam = self._should_use_adamw(st.var)
        wd = self.adam_weight_decay if adam else self._muon_weight_decay
        if wd is not None and st.use_wd:  # Keras: w - w * wd * lr
            param -= param * t(wd) * lr
        m, v = slots
        if adam:
            m += (grad - m) * t(1 - self.adam_beta_1)
            v += (xp.square(grad) - v) * t(1 - self.adam_beta_2)
            param -= (m * alpha) / (xp.sqrt(v) + t(self.epsilon))
            return
        m += grad + m * t(self.momentum - 1)
        g = grad + t(self.momentum) * m if self.nesterov else m
        update = lr * self.zeropower_via_newtonschulz5(g, self.ns_steps)
        if self.rms_rate is not None:
            update = update * xp.sqrt(t(max(update.shape[0], update.shape[1])))
            update = update * t(self.rms_rate)
        param -= update

    def zeropower_via_newtonschulz5(self, x, steps: int):
        """Keras's quintic Newton-Schulz orthogonalization of the last two axes of `x`."""
        xp = backend.xp
        t = x.dtype.type
        a, b, c = t(self.muon_a), t(self.muon_b), t(self.muon_c)
        tall = x.shape[-2] > x.shape[-1]
        if tall:
            x = xp.swapaxes(x, -1, -2)
        norm = xp.sqrt(xp.sum(xp.square(x), axis=(-2, -1), keepdims=True))
        x = x / (norm + t(1e-7))
        for _ in range(steps):
            temp_a = x @ xp.swapaxes(x, -1, -2)
            temp_b = b * temp_a + (c * temp_a) @ temp_a
            x = a * x + temp_b @ x
        return xp.swapaxes(x, -1, -2) if tall else x

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "adam_beta_1": self.adam_beta_1,
                "adam_beta_2": self.adam_beta_2,
                "epsilon": self.epsilon,
                "exclude_layers": self.exclude_layers,
                "muon_a": self.muon_a,
                "muon_b": self.muon_b,
                "muon_c": self.muon_c,
                "adam_lr_ratio": self.adam_lr_ratio,
                "momentum": self.momentum,
                "ns_steps": self.ns_steps,
                "nesterov": self.nesterov,
                "exclude_embeddings": self.exclude_embeddings,
                "adam_weight_decay": self.adam_weight_decay,
                "rms_rate": self.rms_rate,
            }
        )
        return config
