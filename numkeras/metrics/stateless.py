"""Keras 3's stateless metric methods (`Metric` inherits them): a metric's state passed in
and handed back as values, the metric's own variables left as they are, as a JAX-style
training loop keeps it. Each runs the metric's own method in a `StatelessScope`.

>>> import numpy as np
>>> from numkeras import metrics
>>> m = metrics.Mean()
>>> state = m.stateless_update_state([np.float32(0), np.float32(0)], np.array([1.0, 3.0]))
>>> [float(v) for v in state], float(m.stateless_result(state)), float(m.result())
([4.0, 2.0], 2.0, 0.0)
"""

from __future__ import annotations

from numkeras import tree
from numkeras.backend.stateless_scope import StatelessScope
from numkeras.errors import ConfigError


def _copied(value):
    # (a result may be a variable's storage, which the scope puts back on exit)
    return tree.map_structure(lambda x: x.copy() if hasattr(x, "copy") else x, value)


class StatelessMetricMethods:
    """`stateless_update_state`, `stateless_result` and `stateless_reset_state`."""

    def _state_mapping(self, metric_variables) -> list:
        if len(metric_variables) != len(self.variables):
            raise ConfigError(
                "Argument `metric_variables` must be a list of tensors corresponding 1:1 to "
                f"{type(self).__name__}().variables. Received list with length "
                f"{len(metric_variables)}, but expected {len(self.variables)} variables."
            )
        return list(zip(self.variables, metric_variables))

    def _values_after(self, scope) -> list:
        # (None: the value did not change, or was written back unchanged in place, which
        # the scope cannot tell apart; either way the variable's value is the state)
        values = [scope.get_current_value(v) for v in self.variables]
        return [v.numpy() if value is None else value for v, value in zip(self.variables, values)]

    def stateless_update_state(self, metric_variables, *args, **kwargs) -> list:
        """`update_state(*args, **kwargs)` on the state `metric_variables` (one value per
        variable of `variables`): the new state."""
        with StatelessScope(state_mapping=self._state_mapping(metric_variables)) as scope:
            self.update_state(*args, **kwargs)
        return self._values_after(scope)

    def stateless_result(self, metric_variables):
        """`result()` of the state `metric_variables`."""
        with StatelessScope(state_mapping=self._state_mapping(metric_variables)):
            return _copied(self.result())

    def stateless_reset_state(self) -> list:
        """The state `reset_state()` gives (the metric's own is left as it is)."""
        with StatelessScope() as scope:
            self.reset_state()
        return self._values_after(scope)
