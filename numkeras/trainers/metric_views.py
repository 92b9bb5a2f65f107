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

from numkeras.metrics.metric import Metric, MetricVariable


class _RunningSum(MetricVariable):
    """A loss tracker's `total` or `count` (Keras's Mean variables), read from and written
    to the model's running sums, so `metrics_variables` and `set_state_tree` reach them."""

    def __init__(self, tracker: LossTracker, which: str):
        self._tracker, self._which = tracker, which
        # (an output's tracker lives in Keras's `compile_loss`, as its path says)
        scope = "" if tracker._index is None else "compile_loss/"
        path = f"{scope}{tracker.name}/{which}"
        super().__init__(np.zeros((), "float32"), name=which, path=path)

    @property
    def _value(self):
        return np.asarray(self._tracker._read(self._which), "float32")

    @_value.setter
    def _value(self, value) -> None:
        pass  # (the state lives in the model)

    def assign(self, value) -> None:
        self._tracker._write(self._which, float(np.asarray(value)))

    def write_storage(self, value) -> None:
        """What a StatelessScope writes (and puts back): the running sum itself."""
        self._tracker._write(self._which, float(np.asarray(value)))


class LossTracker(Metric):
    """The running mean of the loss (`index` None) or of one output's loss."""

    def __init__(self, trainer, name: str = "loss", index: int | None = None):
        super().__init__(name=name)
        self._trainer, self._index = trainer, index
        self._state_variables = [_RunningSum(self, "total"), _RunningSum(self, "count")]

    @property
    def variables(self) -> list:
        return list(self._state_variables)

    def _read(self, which: str) -> float:
        t = self._trainer
        if which == "count":
            return t._loss_count
        if self._index is None:
            return t._loss_sum
        sums = t._output_loss_sums
        return 0.0 if sums is None else sums[self._index]

    def _write(self, which: str, value: float) -> None:
        t = self._trainer
        if which == "count":
            t._loss_count = value
        elif self._index is None:
            t._loss_sum = value
        elif t._output_loss_sums is not None:
            t._output_loss_sums[self._index] = value

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

    @property
    def variables(self) -> list:
        return [v for m in self.metrics for v in m.variables]

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        t = self._trainer
        if not t._graph_ready and not isinstance(y_pred, (list, tuple, dict)):
            # a subclassed model never traced (its own steps run its call eagerly,
            # Trainer._raw_steps_for): its one prediction, the metrics built on it
            if t._loss_fns is None:
                t._setup_losses()
            ys, outs = [y_true], [y_pred]
            t._ensure_metrics(ys, outs)
            t._update_metrics(ys, outs, [sample_weight])
            return
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
