"""`StackedRNNCells(cells)`: a stack of recurrent cells that behaves as one cell, as Keras 3's
`keras.layers.StackedRNNCells`; `RNN([cell1, cell2])` wraps a list of cells in it.

At each step the first cell reads the inputs, each next cell reads the output of the one
below, and the output is the last cell's. `state_size` is the list of the cells' state
sizes (`[[4, 4], 3]` for an `LSTMCell(4)` under a `SimpleRNNCell(3)`). An `RNN` of it
returns the states nested as that list, as Keras's symbolic call (`out, [h1, c1], h2`);
`initial_state=` takes that form, the cells' own lists (`[[h1, c1], [h2]]`) or the states
flat (`[h1, c1, h2]`).

Over a sequence the cells run one after another, each over all the timesteps (the same
values as Keras's step-by-step interleaving: a cell's step depends only on its own
previous state and the step below), so the built-in cells keep their fast passes, and
backpropagation through time runs down the stack. Cells written the Keras way
(`call(inputs, states)`) are traced (see `numkeras.layers.traced_cell`). A mask leaves
every cell's states unchanged at a padded step. Weights and saved files follow Keras:
`rnn/stacked_rnn_cells/lstm_cell/kernel`, and `.../cell/cells/lstm_cell/vars` in a file.

>>> import numpy as np
>>> from numkeras.layers import RNN, LSTMCell, SimpleRNNCell
>>> out, [h1, c1], h2 = RNN([LSTMCell(4), SimpleRNNCell(3)], return_state=True)(np.ones((2, 5, 3)))
>>> out.shape, h1.shape, c1.shape, h2.shape
((2, 3), (2, 4), (2, 4), (2, 3))
"""

from __future__ import annotations

from numkeras.errors import ConfigError
from numkeras.layers.layer import Layer, _convert, is_symbolic


def _output_size(cell) -> int:
    size = getattr(cell, "output_size", None)
    if size is not None:
        return size
    state = cell.state_size
    return state[0] if isinstance(state, (list, tuple)) else state


class StackedRNNCells(Layer):
    """A list of RNN cells run as one cell (see the module docstring)."""

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        cells = list(cells) if isinstance(cells, (list, tuple)) else cells
        if not isinstance(cells, list) or not cells:
            raise ConfigError(
                f"StackedRNNCells takes a non-empty list of RNN cells, received {cells!r}."
            )
        for cell in cells:
            if "call" not in dir(cell):
                raise ConfigError(
                    "All cells must have a `call` method. "
                    f"Received cell without a `call` method: {cell}"
                )
            if "state_size" not in dir(cell):
                raise ConfigError(
                    "All cells must have a `state_size` attribute. "
                    f"Received cell without a `state_size`: {cell}"
                )
        self.cells = cells
        self._cell_runners = None

    # -- sizes ------------------------------------------------------------------------------
    @property
    def state_size(self) -> list:
        return [c.state_size for c in self.cells]

    @property
    def output_size(self) -> int:
        return _output_size(self.cells[-1])

    def _sublayers(self) -> list[Layer]:
        return [c for c in self.cells if isinstance(c, Layer)]

    def _saved_children(self) -> list:
        """Keras saves the cells under `cells/<snake_case class>[_<n>]`."""
        from numkeras.saving.weights_h5 import _keyed

        return [(f"cells/{key}", cell) for key, cell in _keyed(self._sublayers())]

    def build(self, input_shape) -> None:
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(shape)
                cell.built = True
            shape = (shape[0], _output_size(cell))
        for v in self.weights:  # Keras's paths: "stacked_rnn_cells/lstm_cell/kernel"
            if not v.path.startswith(f"{self.name}/"):
                v.path = f"{self.name}/{v.path}"

    def get_initial_state(self, batch_size=None) -> list:
        """Keras's nested initial states, one entry per cell: the cell's own
        `get_initial_state` (a list, for the built-in cells), else one array for a size,
        a list for a list of sizes."""
        out = []
        for cell, runner in zip(self.cells, self._runners()):
            own = getattr(cell, "get_initial_state", None)
            if own is not None:
                out.append(own(batch_size=batch_size))
                continue
            states = runner.initial_states(batch_size, self.dtype)
            nested = isinstance(cell.state_size, (list, tuple))
            out.append(states if nested else states[0])
        return out

    # -- one step (Keras's cell API) --------------------------------------------------------
    def __call__(self, inputs, states=None, training=None, **kwargs):
        if not is_symbolic(inputs):
            inputs = _convert(inputs, self.dtype)
        self._maybe_build(tuple(inputs.shape))
        if states is None:
            states = self.get_initial_state(inputs.shape[0])
        return self.call(inputs, states, training=bool(training))

    def call(self, inputs, states, training: bool = False):
        """One step: `(output, new_states)`, the states nested per cell as Keras's."""
        from numkeras.layers.traced_cell import call_cell

        new_states = []
        for cell, cell_states in zip(self.cells, states):
            nested = isinstance(cell_states, (list, tuple))
            cell_states = list(cell_states) if nested else [cell_states]
            inputs, cell_states = call_cell(cell, inputs, cell_states, training)
            if len(cell_states) == 1 and not nested:
                cell_states = cell_states[0]
            new_states.append(cell_states)
        if len(new_states) == 1:
            new_states = new_states[0]
        return inputs, new_states

    # -- the runner protocol of rnn.RNN (a whole sequence, flat states) ---------------------
    def _runners(self) -> list:
        from numkeras.layers.traced_cell import runner_for

        found = self.__dict__.get("_cell_runners")
        if found is None or len(found) != len(self.cells):
            found = [runner_for(c) for c in self.cells]
            self._cell_runners = found
        return found

    def _state_sizes(self) -> list[int]:
        return [s for r in self._runners() for s in r._state_sizes()]

    @property
    def output_is_state(self) -> bool:
        return False  # the output is the last cell's, its states are not first

    def initial_states(self, batch: int, dtype) -> list:
        return [s for r in self._runners() for s in r.initial_states(batch, dtype)]

    def _split(self, flat: list) -> list[list]:
        out, i = [], 0
        for r in self._runners():
            n = len(r._state_sizes())
            out.append(list(flat[i : i + n]))
            i += n
        return out

    def _masks(self, batch: int, input_dim: int, dtype, training: bool) -> list:
        """Each cell's dropout masks, for the width of its own inputs."""
        masks = []
        for r in self._runners():
            masks.append(r._masks(batch, input_dim, dtype, training))
            input_dim = r.output_size
        return masks

    def _sequence(self, xs, states, masks, keep: bool, steps=None):
        finals, caches = [], []
        for r, s, m in zip(self._runners(), self._split(states), masks):
            if steps is None:
                xs, f, c = r._sequence(xs, s, m, keep=keep)
            else:
                xs, f, c = r._sequence(xs, s, m, keep=keep, steps=steps)
            finals.extend(f)
            caches.append(c)
        return xs, finals, caches

    def _sequence_backward(self, cache, d_seq, d_states, need_input_grad: bool):
        runners = self._runners()
        d_split = self._split(d_states)
        d0: list = [None] * len(runners)
        for i in range(len(runners) - 1, -1, -1):
            need = need_input_grad or i > 0
            d_seq, d0[i] = runners[i]._sequence_backward(cache[i], d_seq, d_split[i], need)
        return d_seq, [d for ds in d0 for d in ds]

    # -- config -----------------------------------------------------------------------------
    def get_config(self) -> dict:
        from numkeras.models.config import serialize_layer

        return {**super().get_config(), "cells": [serialize_layer(c) for c in self.cells]}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        from numkeras.layers.rnn import _deserialize_cell

        config = dict(config)
        cells = [_deserialize_cell(c, custom_objects) for c in config.pop("cells")]
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name")
        return cls(cells, **config)

    def _repr_args(self) -> str:
        return "[" + ", ".join(repr(c) for c in self.cells) + "]"
