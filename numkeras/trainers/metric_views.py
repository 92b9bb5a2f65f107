"""`model.metrics`, as Keras 3 lists it: the loss tracker (`loss`), the compiled metrics as
one `compile_metrics` container, and a tracker per output loss (`<output>_loss`) for a model
with several losses. They are views of the model's own running state, so resetting or
reading them is the same as `model.reset_metrics()` or the logs.

>>> import numpy as np
>>> from numkeras.layers import Dense, Input
>>> from numkeras.models import Sequential
>>> model = Sequential([Input((2,)), Dense(1)])
>>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
>>> [m.name for m in model.metrics]
['loss', 'compile_metrics']
>>> _ = model.evaluate(np.zeros((4, 2)), np.ones((4, 1)), verbose=0)
>>> float(model.metrics[0].result()), sorted(model.metrics[1].result())
(1.0, ['mae'])
"""

from __future__ import annotations

import numpy as np

from numkeras.metrics.metric import Metric


class LossTracker(Metric):
    """The running mean of the loss (`index` None) or of one output's loss."""

    def __init__(self, trainer, name: str = "loss", index: int | None = None):
        super().__init__(name=name)
        self._trainer, self._index = trainer, index

    def update_state(self, values, sample_weight=None) -> None:
        """Add `mean(values)` with weight `sample_weight` (1 by default), as Keras's Mean."""
        t = self._trainer
        weight = 1.0 if sample_weight is None else float(np.sum(sample_weight))
        value = float(np.mean(np.asarray(values, "float64"))) * weight
        if self._index is None:
            t._loss_sum += value
            t._loss_count += weight
        elif t._output_loss_sums is not None:
            t._output_loss_sums[self._index] += value

    def result(self):
        t = self._trainer
        if not t._loss_count:
            return np.float32(0.0)
        if self._index is None:
            return np.float32(t._loss_sum / t._loss_count)
        sums = t._output_loss_sums
        return np.float32(0.0 if sums is None else sums[self._index] / t._loss_count)

    def reset_state(self) -> None:
        t = self._trainer
        t._loss_sum, t._loss_count, t._output_loss_sums = 0.0, 0, None


class CompileMetrics(Metric):
    """The metrics given to `compile`, as one container (`.metrics` lists them once the
    first batch has built them); `result()` is a dict by log name."""

    def __init__(self, trainer, name: str = "compile_metrics"):
        super().__init__(name=name)
        self._trainer = trainer

    @property
    def metrics(self) -> list:
        return [m for _, _, _, m in self._trainer._compiled_metrics or []]

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        t = self._trainer
        masks = t._prediction_masks(y_pred)
        outs = t._prediction_list(y_pred)
        ys = t._standardize_targets(y_true, len(outs[0]))
        sws = t._standardize_sample_weights(sample_weight, len(outs[0]))
        t._ensure_metrics(ys, outs)
        t._update_metrics(ys, outs, sws, masks)

    def result(self) -> dict:
        out = {}
        for _, _, label, m in self._trainer._compiled_metrics or []:
            value = m.result()
            out.update(value if isinstance(value, dict) else {label: value})
        return out

    def reset_state(self) -> None:
        for m in self.metrics:
            m.reset_state()
