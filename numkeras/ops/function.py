"""`Function`: Keras 3's `keras.Function`, a graph of operations from symbolic inputs to
symbolic outputs, applied again to new inputs (a functional model without the Layer API:
no weights of its own, no training).

>>> import numpy as np
>>> from numkeras import KerasTensor, ops
>>> a, b = KerasTensor(shape=(None, 3)), KerasTensor(shape=(None, 3))
>>> fn = Function([a, b], {"sum": a + b, "gate": ops.sigmoid(a) * b})
>>> out = fn([np.ones((2, 3)), np.full((2, 3), 2.0)])
>>> out["sum"]
array([[3., 3., 3.],
       [3., 3., 3.]], dtype=float32)
>>> fn.compute_output_shape([(5, 3), (5, 3)])
{'sum': (5, 3), 'gate': (5, 3)}
"""

from __future__ import annotations

from numkeras import tree
from numkeras.errors import ConfigError
from numkeras.utils.naming import auto_name


class Function:
    """The computation linking `inputs` to `outputs` (each a `KerasTensor` or a nested
    structure of them), as a callable: `fn(values)` runs it on arrays given in the
    structure of `inputs` and returns the structure of `outputs`; on symbolic tensors it
    gives their specs. The graph runs as a functional model's does (numkeras builds one
    from it, so bare `KerasTensor(shape)` inputs work as Keras's do)."""

    def __init__(self, inputs, outputs, name: str | None = None):
        from numkeras.models.model import Model

        self._inputs = tree.flatten(inputs)
        self._outputs = tree.flatten(outputs)
        for what, flat in (("inputs", self._inputs), ("outputs", self._outputs)):
            if not flat:
                raise ConfigError(
                    f"`{what}` argument cannot be empty. Received:\ninputs={inputs}\n"
                    f"outputs={outputs}"
                )
        self.name = name or auto_name("function")
        self._inputs_struct, self._outputs_struct = inputs, outputs
        self._graph = Model(self._inputs, self._outputs, name=self.name)

    def __repr__(self) -> str:
        counts = f"{len(self._inputs)} inputs, {len(self._outputs)} outputs"
        return f"<Function name={self.name!r}, {counts}>"

    @property
    def inputs(self) -> list:
        """The flat list of the symbolic inputs."""
        return list(self._inputs)

    @property
    def outputs(self) -> list:
        """The flat list of the symbolic outputs."""
        return list(self._outputs)

    @property
    def operations(self) -> list:
        """The operations (layers and ops) the graph runs, in order."""
        return [step.layer for step in self._graph._steps]

    def __call__(self, inputs):
        return self.call(inputs)

    def call(self, inputs):
        """The outputs for `inputs` (arrays, or symbolic tensors for their specs)."""
        flat = tree.flatten(inputs)
        if len(flat) != len(self._inputs):
            raise ConfigError(
                f"Function '{self.name}' takes {len(self._inputs)} input(s), received {len(flat)}."
            )
        results = self._graph(flat[0] if len(flat) == 1 else flat)
        results = results if len(self._outputs) > 1 else [results]
        return tree.pack_sequence_as(self._outputs_struct, list(results))

    def compute_output_spec(self, inputs):
        """The outputs' specs (`KerasTensor`s) for symbolic `inputs`."""
        return self.call(inputs)

    def compute_output_shape(self, input_shape):
        """The outputs' shapes (in the outputs' structure) for inputs of `input_shape`."""
        from numkeras.layers.keras_tensor import KerasTensor

        shapes = tree.flatten(tree.map_shape_structure(KerasTensor, input_shape))
        specs = [KerasTensor(s.shape, t.dtype) for s, t in zip(shapes, self._inputs)]
        return tree.map_structure(lambda t: tuple(t.shape), self.call(specs))
