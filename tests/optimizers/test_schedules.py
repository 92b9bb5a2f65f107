"""Learning-rate schedules: configs, serialization and argument errors (values are
checked against Keras in test_optimizer_goldens.py)."""

import numpy as np
import pytest

from numkeras.errors import ConfigError
from numkeras.optimizers import schedules

ALL = [
    schedules.ExponentialDecay(0.1, 3, 0.9, staircase=True),
    schedules.PiecewiseConstantDecay([10, 20], [0.1, 0.01, 0.001]),
    schedules.PolynomialDecay(0.1, 5, end_learning_rate=0.01, power=0.5, cycle=True),
    schedules.InverseTimeDecay(0.1, 2, 0.5),
    schedules.CosineDecay(0.0, 10, alpha=0.1, warmup_target=0.1, warmup_steps=3),
    schedules.CosineDecayRestarts(0.1, 4, t_mul=2.0, m_mul=0.9, alpha=0.05),
]


@pytest.mark.parametrize("s", ALL, ids=lambda s: type(s).__name__)
def test_serialize_round_trip(s):
    ser = schedules.serialize(s)
    assert ser["module"] == "keras.optimizers.schedules"
    assert ser["class_name"] == type(s).__name__
    back = schedules.deserialize(ser)
    assert type(back) is type(s) and back.get_config() == s.get_config()
    assert [float(back(k)) for k in range(15)] == [float(s(k)) for k in range(15)]
    assert type(s).__name__ in repr(s)


@pytest.mark.parametrize(
    "make",
    [
        lambda: schedules.ExponentialDecay(0.1, 0, 0.5),
        lambda: schedules.InverseTimeDecay(0.1, -1, 0.5),
        lambda: schedules.PolynomialDecay(0.1, 0),
        lambda: schedules.CosineDecay(0.1, 0),
        lambda: schedules.CosineDecayRestarts(0.1, 0),
    ],
)
def test_nonpositive_steps_are_refused(make):
    with pytest.raises(ConfigError, match="must be > 0"):
        make()


def test_piecewise_length_mismatch_and_int_values():
    with pytest.raises(ConfigError, match="1 less than the length of values"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2])
    s = schedules.PiecewiseConstantDecay([1, 3], [1, 2, 3])
    assert [s(k) for k in range(5)] == [1, 1, 2, 2, 3]
    assert schedules.PiecewiseConstantDecay([1], [0.5, 0.25])(5).dtype == np.float32


def test_deserialize_errors():
    with pytest.raises(ConfigError, match="Did you mean 'CosineDecay'"):
        schedules.deserialize({"class_name": "CosineDecy", "config": {}})
    with pytest.raises(ConfigError, match="'class_name'"):
        schedules.deserialize("CosineDecay")


def test_custom_schedule_subclass_and_base_errors():
    class Halving(schedules.LearningRateSchedule):
        def __init__(self, lr):
            self.lr = lr

        def __call__(self, step):
            return np.float32(self.lr / 2**step)

        def get_config(self):
            return {"lr": self.lr}

    back = schedules.deserialize(
        schedules.serialize(Halving(1.0)), custom_objects={"Halving": Halving}
    )
    assert float(back(2)) == 0.25
    with pytest.raises(NotImplementedError, match="must override `__call__"):
        schedules.LearningRateSchedule()(0)
