"""Learning-rate schedules: `numkeras.optimizers.schedules` (Keras 3 formulas and configs).

A schedule is a callable `schedule(step) -> float32 scalar`. Pass one as an optimizer's
`learning_rate`; the optimizer evaluates it at `optimizer.iterations` before each update,
as Keras does. The arithmetic follows Keras's float32 op order, so values match Keras.

>>> from numkeras.optimizers import schedules
>>> lr = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
>>> lr(10)
np.float32(0.05)
"""

from __future__ import annotations

import math

import numpy as np

from numkeras.errors import ConfigError, UnknownNameError, did_you_mean

_f32 = np.float32


class LearningRateSchedule:
    """Base class: subclasses implement `__call__(step)` and `get_config()`.

    >>> class Halving(LearningRateSchedule):
    ...     def __init__(self, lr):
    ...         self.lr = lr
    ...     def __call__(self, step):
    ...         return np.float32(self.lr / 2 ** step)
    ...     def get_config(self):
    ...         return {"lr": self.lr}
    >>> float(Halving(1.0)(3))
    0.125
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`."
        )

    def get_config(self) -> dict:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()` "
            "in order to be serializable."
        )

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        try:
            cfg = self.get_config()
        except NotImplementedError:
            return f"<{type(self).__name__}>"
        args = ", ".join(f"{k}={v!r}" for k, v in cfg.items() if k != "name")
        return f"{type(self).__name__}({args})"


def _check_steps(name: str, value) -> None:
    if value <= 0:
        raise ConfigError(f"Argument `{name}` must be > 0. Received: {name}={value}")


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)` (floored with `staircase`).

    >>> s = ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5, staircase=True)
    >>> [round(float(s(k)), 4) for k in range(4)]
    [0.1, 0.1, 0.05, 0.05]
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "ExponentialDecay",
    ):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        p = _f32(step) / _f32(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        return _f32(self.initial_learning_rate) * _f32(self.decay_rate) ** p

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[0]` while `step <= boundaries[0]`, `values[1]` up to `boundaries[1]`, ...

    >>> s = PiecewiseConstantDecay([1, 3], [0.1, 0.05, 0.01])
    >>> [round(float(s(k)), 4) for k in range(5)]
    [0.1, 0.1, 0.05, 0.05, 0.01]
    """

    def __init__(self, boundaries: list, values: list, name: str = "PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ConfigError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={list(boundaries)} of length {len(boundaries)}, and "
                f"values={list(values)} of length {len(values)}."
            )
        self.boundaries = list(boundaries)
        self.values = list(values)
        self.name = name

    def __call__(self, step):
        step = float(step)
        i = 0
        while i < len(self.boundaries) and step > self.boundaries[i]:
            i += 1
        value = self.values[i]
        # Keras returns the dtype of values[0]: float32 for floats, ints stay ints.
        return _f32(value) if isinstance(self.values[0], float) else value

    def get_config(self) -> dict:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Decay from `initial_learning_rate` to `end_learning_rate` as `(1 - step/decay_steps)**power`.

    With `cycle=True` the horizon restarts at the next multiple of `decay_steps`.

    >>> s = PolynomialDecay(0.1, decay_steps=4, end_learning_rate=0.0, power=1.0)
    >>> [round(float(s(k)), 4) for k in range(6)]
    [0.1, 0.075, 0.05, 0.025, 0.0, 0.0]
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        end_learning_rate: float = 0.0001,
        power: float = 1.0,
        cycle: bool = False,
        name: str = "PolynomialDecay",
    ):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        init = _f32(self.initial_learning_rate)
        end = _f32(self.end_learning_rate)
        step = _f32(step)
        steps = _f32(self.decay_steps)
        if self.cycle:
            mult = _f32(1.0) if step == 0 else np.ceil(step / steps)
            steps = steps * mult
        else:
            step = min(step, steps)
        p = step / steps
        return (init - end) * (_f32(1) - p) ** _f32(self.power) + end

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)` (floored with `staircase`).

    >>> s = InverseTimeDecay(0.1, decay_steps=1, decay_rate=1.0)
    >>> [round(float(s(k)), 4) for k in range(3)]
    [0.1, 0.05, 0.0333]
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "InverseTimeDecay",
    ):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        p = _f32(step) / _f32(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        return _f32(self.initial_learning_rate) / (_f32(1) + _f32(self.decay_rate) * p)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class CosineDecay(LearningRateSchedule):
    """Cosine decay to `alpha * peak` over `decay_steps`, after an optional linear warmup.

    Without `warmup_target` the decay starts at `initial_learning_rate`; with it, the rate
    first climbs linearly from `initial_learning_rate` to `warmup_target` over `warmup_steps`.

    >>> s = CosineDecay(0.1, decay_steps=4)
    >>> [round(float(s(k)), 4) for k in range(6)]
    [0.1, 0.0854, 0.05, 0.0146, 0.0, 0.0]
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        alpha: float = 0.0,
        name: str = "CosineDecay",
        warmup_target: float | None = None,
        warmup_steps: int = 0,
    ):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target

    def _decay(self, step, decay_steps, peak):
        fraction = step / decay_steps
        cosine = _f32(0.5) * (_f32(1.0) + np.cos(_f32(math.pi) * fraction))
        decayed = _f32(1 - self.alpha) * cosine + _f32(self.alpha)
        return peak * decayed

    def __call__(self, step):
        init = _f32(self.initial_learning_rate)
        decay_steps = _f32(self.decay_steps)
        step = _f32(step)
        if self.warmup_target is None:
            return self._decay(min(step, decay_steps), decay_steps, init)
        target = _f32(self.warmup_target)
        warmup = _f32(self.warmup_steps)
        step = min(step, decay_steps + warmup)
        if step < warmup:
            return (target - init) * (step / warmup) + init
        return self._decay(step - warmup, decay_steps, target)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): periods grow by `t_mul`, peaks by `m_mul`.

    >>> s = CosineDecayRestarts(0.1, first_decay_steps=2, t_mul=1.0)
    >>> [round(float(s(k)), 4) for k in range(5)]
    [0.1, 0.05, 0.1, 0.05, 0.1]
    """

    def __init__(
        self,
        initial_learning_rate: float,
        first_decay_steps: int,
        t_mul: float = 2.0,
        m_mul: float = 1.0,
        alpha: float = 0.0,
        name: str = "SGDRDecay",
    ):
        _check_steps("first_decay_steps", first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        t_mul = _f32(self._t_mul)
        fraction = _f32(step) / _f32(self.first_decay_steps)
        if t_mul == 1.0:
            i_restart = np.floor(fraction)
            fraction = fraction - i_restart
        else:
            i_restart = np.floor(np.log(_f32(1.0) - fraction * (_f32(1.0) - t_mul)) / np.log(t_mul))
            sum_r = (_f32(1.0) - t_mul**i_restart) / (_f32(1.0) - t_mul)
            fraction = (fraction - sum_r) / t_mul**i_restart
        m_fac = _f32(self._m_mul) ** i_restart
        cosine = _f32(0.5) * m_fac * (_f32(1.0) + np.cos(_f32(math.pi) * fraction))
        alpha = _f32(self.alpha)
        return _f32(self.initial_learning_rate) * ((_f32(1) - alpha) * cosine + alpha)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


ALL_SCHEDULES = {
    cls.__name__: cls
    for cls in (
        ExponentialDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
        InverseTimeDecay,
        CosineDecay,
        CosineDecayRestarts,
    )
}


def serialize(schedule: LearningRateSchedule) -> dict:
    """The Keras 3 serialized form: `{"module", "class_name", "config", "registered_name"}`.

    >>> serialize(ExponentialDecay(0.1, 10, 0.9))["class_name"]
    'ExponentialDecay'
    """
    from numkeras.saving import object_registration

    return object_registration.class_config(schedule, ALL_SCHEDULES, "keras.optimizers.schedules")


def deserialize(config: dict, custom_objects: dict | None = None) -> LearningRateSchedule:
    """Rebuild a schedule from `serialize` output (or a Keras 2 `{"class_name", "config"}`).

    >>> deserialize({"class_name": "InverseTimeDecay",
    ...              "config": {"initial_learning_rate": 0.1, "decay_steps": 1,
    ...                         "decay_rate": 0.5}}).decay_rate
    0.5
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ConfigError(
            "A serialized learning rate schedule must be a dict with 'class_name' and "
            f"'config' keys; received {type(config).__name__}."
        )
    from numkeras.saving import object_registration

    name = config["class_name"]
    known = dict(ALL_SCHEDULES)
    known.update(custom_objects or {})
    # a user's class, registered or supplied (custom_objects, a scope), by its saved name
    found = object_registration.saved_class(config, custom_objects)
    if found is not None:
        known[name] = found
    if name not in known:
        hint = did_you_mean(name, list(known))
        raise UnknownNameError(
            f"Unknown learning rate schedule: '{name}'. Known schedules: "
            f"{', '.join(sorted(known))}.{hint} Pass custom classes via `custom_objects`."
        )
    return known[name].from_config(dict(config.get("config", {})))
