"""`LossScaleOptimizer`: Keras 3's dynamic loss scaling around another optimizer.

>>> import numpy as np
>>> from numkeras import Variable
>>> from numkeras.optimizers import SGD, LossScaleOptimizer
>>> opt = LossScaleOptimizer(SGD(0.1), initial_scale=8.0, dynamic_growth_steps=2)
>>> v = Variable(np.array([1.0, 2.0], "float32"))
>>> _ = opt.apply_gradients([(np.array([8.0, 16.0], "float32"), v)])  # scaled by 8
>>> v.value, float(opt.dynamic_scale)
(array([0.9, 1.8], dtype=float32), 8.0)
>>> _ = opt.apply_gradients([(np.array([np.inf, 1.0], "float32"), v)])  # skipped: halved
>>> v.value, float(opt.dynamic_scale), int(opt.iterations)
(array([0.9, 1.8], dtype=float32), 4.0, 1)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.metrics.metric import MetricVariable
from numkeras.optimizers.optimizer import Optimizer

_BASE_DEFAULTS = {
    "weight_decay": None,
    "clipnorm": None,
    "global_clipnorm": None,
    "clipvalue": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}


class LossScaleOptimizer(Optimizer):
    """Wraps `inner_optimizer` with dynamic loss scaling, as Keras 3.

    The loss is multiplied by `dynamic_scale` (`scale_loss`; numkeras's `fit` scales the
    gradients by it, which is the same), and `apply` divides the gradients by it again.
    A step whose gradients hold a NaN or inf is skipped and halves the scale; after
    `dynamic_growth_steps` finite steps in a row the scale doubles.

    Args:
        inner_optimizer: the optimizer that makes the updates.
        initial_scale: the first loss scale.
        dynamic_growth_steps: finite steps between doublings of the scale.
        name: the optimizer's name.

    `iterations` and `learning_rate` are the inner optimizer's (as Keras); `variables` are
    `step_counter` and `dynamic_scale` (after the base's iteration and learning rate, as
    Keras lists them), then the inner optimizer's.
    """

    def __init__(
        self,
        inner_optimizer,
        initial_scale=2.0**15,
        dynamic_growth_steps=2000,
        name=None,
        **kwargs,
    ):
        if not kwargs.pop("dynamic", True):
            raise ConfigError(
                "LossScaleOptimizer no longer supports `dynamic=False` (Keras 3); set "
                "`loss_scale_factor` on the inner optimizer instead."
            )
        for arg, default in _BASE_DEFAULTS.items():
            if arg in kwargs and kwargs.pop(arg) != default:
                raise ConfigError(
                    f"LossScaleOptimizer does not support `{arg}`; set `{arg}` on the "
                    "inner_optimizer instead."
                )
        if kwargs:
            raise ConfigError(
                f"LossScaleOptimizer does not support arguments: {', '.join(kwargs)}."
            )
        if not isinstance(inner_optimizer, Optimizer):
            raise ConfigError(
                "`inner_optimizer` must be a numkeras Optimizer; received "
                f"{type(inner_optimizer).__name__}."
            )
        self._dynamic_scale_on = False  # the base sets `loss_scale_factor` first
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        # Keras builds it inside this wrapper, where its bare variables (Nadam's u_product,
        # Adafactor's placeholders) go untracked: its `variables` (and files) lack them
        inner_optimizer._untracked_bare = True
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        self.inner_optimizer.loss_scale_factor = None
        # (MetricVariable: a non-trainable Variable that also takes float() and assign_add)
        # (paths under the optimizer's name, and an int32 counter, as Keras 3 makes them)
        self.step_counter = MetricVariable(
            np.zeros((), "int32"), name="step_counter", path=f"{self.name}/step_counter"
        )
        self.dynamic_scale = MetricVariable(
            np.asarray(initial_scale, "float32"),
            name="dynamic_scale",
            path=f"{self.name}/dynamic_scale",
        )
        self._dynamic_scale_on = True

    # The trainer multiplies the gradients by `loss_scale_factor` (the loss scaling of
    # Keras's train step), which `apply` divides out again: here that is the dynamic scale.
    @property
    def loss_scale_factor(self):
        if self.__dict__.get("_dynamic_scale_on"):
            return float(self.dynamic_scale.value[()])
        return None

    @loss_scale_factor.setter
    def loss_scale_factor(self, value) -> None:
        pass  # (the base's __init__ stores None; the scale lives in `dynamic_scale`)

    def scale_loss(self, loss):
        """`loss * dynamic_scale`."""
        return loss * self.dynamic_scale.value.dtype.type(self.dynamic_scale.value[()])

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        if self.__dict__.get("_dynamic_scale_on"):
            self.inner_optimizer.learning_rate = value
        else:  # the base's own __init__ (learning_rate=0.0, as Keras)
            Optimizer.learning_rate.fset(self, value)

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @iterations.setter
    def iterations(self, value) -> None:
        if self.__dict__.get("_dynamic_scale_on"):
            self.inner_optimizer.iterations = value
        else:
            Optimizer.iterations.fset(self, value)

    @property
    def built(self) -> bool:
        return self.inner_optimizer.built

    @built.setter
    def built(self, value) -> None:
        pass

    def build(self, var_list) -> None:
        self.inner_optimizer.build(var_list)

    @property
    def variables(self) -> list:
        own = [self._iterations]
        if self._learning_rate is self._lr_var:
            own.append(self._lr_var)
        if self.inner_optimizer.built:  # (Keras 3 creates these two when it builds)
            own += [self.step_counter, self.dynamic_scale]
        # (the inner optimizer's, without its bare variables: see `_untracked_bare`)
        return own + self.inner_optimizer.variables

    def apply(self, grads, trainable_variables=None) -> None:
        variables = trainable_variables  # (Keras's name for them)
        xp = backend.xp
        grads = list(grads)
        finite = all(bool(xp.isfinite(g).all()) for g in grads if g is not None)
        if not finite:  # skip the step, halve the scale
            self.step_counter.value[...] = 0
            self.dynamic_scale.value[...] *= np.float32(0.5)
            return
        scale = self.dynamic_scale.value[()]
        unscaled = [None if g is None else g / scale.astype(g.dtype) for g in grads]
        self.inner_optimizer.apply(unscaled, variables)
        if int(self.step_counter.value[()]) == self.dynamic_growth_steps - 1:
            self.step_counter.value[...] = 0
            self.dynamic_scale.value[...] *= np.float32(2.0)
        else:
            self.step_counter.value[...] += 1

    def apply_gradients(self, grads_and_vars) -> int:
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])
        return self.iterations

    def finalize_variable_values(self, var_list) -> None:
        self.inner_optimizer.finalize_variable_values(var_list)

    def _sub_optimizers(self) -> list:
        return [("inner_optimizer", self.inner_optimizer)]

    def get_config(self) -> dict:
        from numkeras.optimizers import serialize

        return {
            "name": self.name,
            "inner_optimizer": serialize(self.inner_optimizer),
            "initial_scale": self.initial_scale,
            "dynamic_growth_steps": self.dynamic_growth_steps,
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        from numkeras.optimizers import deserialize

        config = dict(config)
        inner = deserialize(config.pop("inner_optimizer"), custom_objects=custom_objects)
        return cls(inner, **config)

    def __repr__(self) -> str:
        return (
            f"<LossScaleOptimizer name={self.name!r} inner={self.inner_optimizer!r} "
            f"dynamic_scale={float(self.dynamic_scale.value[()])}>"
        )
