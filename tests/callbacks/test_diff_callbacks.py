"""Callback details compared with real Keras 3 by hand (no numbers involved)."""

import numpy as np

from numkeras.callbacks import EarlyStopping, ReduceLROnPlateau


class _Model:
    metrics: list = []


def test_monitor_op_is_named_less_or_greater_as_in_keras():
    # Keras 3: ops.less / ops.greater; Keras 2: np.less / np.greater
    for cb, op in [
        (EarlyStopping(monitor="loss"), np.less),
        (EarlyStopping(monitor="val_accuracy"), np.greater),
        (ReduceLROnPlateau(monitor="x", mode="max"), np.greater),
    ]:
        cb.set_model(_Model())
        cb._set_monitor_op()
        assert cb.monitor_op is op and cb.monitor_op.__name__ == op.__name__
    assert cb._is_improvement(0.9, 0.8) is True
