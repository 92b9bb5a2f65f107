"""Symbolic tensors and graph nodes for the functional API.

Calling a layer on a `KerasTensor` records a `Node` (the layer, its input
tensors, its output tensors) instead of computing; `Model(inputs, outputs)`
walks those nodes back from the outputs.

>>> from numkeras.layers import Input, Dense
>>> x = Input(shape=(64,))
>>> Dense(8)(x)
<KerasTensor shape=(None, 8), name=dense...>
"""

from __future__ import annotations

from numkeras.errors import format_shape


class KerasTensor:
    def __init__(self, shape, dtype="float32", node=None, index: int = 0, name: str | None = None):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.node = node  # the Node that produced this tensor
        self.index = index  # which output of that node
        self.name = name or (node.layer.name if node is not None else "keras_tensor")

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={format_shape(self.shape)}, name={self.name}>"

    # Arithmetic between symbolic tensors, as in Keras's functional API (`x + shortcut`):
    # numkeras records it as the merge layer that computes it (Add, Subtract, Multiply),
    # so it shows in `model.layers` where Keras lists an operation. Other operators raise.
    def __add__(self, other):
        return self._merge("add", other)

    def __radd__(self, other):
        return self._merge("add", other, reflected=True)

    def __sub__(self, other):
        return self._merge("subtract", other)

    def __rsub__(self, other):
        return self._merge("subtract", other, reflected=True)

    def __mul__(self, other):
        return self._merge("multiply", other)

    def __rmul__(self, other):
        return self._merge("multiply", other, reflected=True)

    def _merge(self, op: str, other, reflected: bool = False):
        from numkeras.layers import merging

        if not isinstance(other, KerasTensor):
            raise TypeError(
                f"numkeras cannot record `{op}` between a symbolic tensor and "
                f"{type(other).__name__} {other!r} in a functional graph (it has no "
                "graph operations on constants). Use a layer: e.g. Dense, or a merge layer "
                "on two tensors."
            )
        pair = [other, self] if reflected else [self, other]
        return getattr(merging, op)(pair)

    def _unsupported(self, *args, **kwargs):
        raise TypeError(
            f"{self!r} supports only +, - and * with another symbolic tensor (recorded as "
            "Add / Subtract / Multiply layers); numkeras has no other graph operations. Use "
            "layers such as Reshape, Flatten, Concatenate, Dot or Activation instead."
        )

    __truediv__ = __rtruediv__ = __matmul__ = __rmatmul__ = __pow__ = _unsupported
    __neg__ = __getitem__ = __abs__ = _unsupported

    def __array__(self, *args, **kwargs):
        raise TypeError(
            f"{self!r} is a symbolic placeholder (from `Input`), not data: it has no values. "
            "Build a Model(inputs, outputs) and call or predict it on arrays."
        )


class Node:
    """One call of `layer` on symbolic `inputs`, producing symbolic outputs."""

    def __init__(self, layer, inputs, output_shape, training=None):
        self.layer = layer
        self.is_multi_input = isinstance(inputs, (list, tuple))
        self.inputs = list(inputs) if self.is_multi_input else [inputs]
        self.training = training
        self.is_multi_output = isinstance(output_shape, list)
        shapes = output_shape if self.is_multi_output else [output_shape]
        dtype = getattr(layer, "dtype", "float32")
        self.outputs = [KerasTensor(s, dtype, node=self, index=i) for i, s in enumerate(shapes)]
        layer._inbound_nodes.append(self)

    @property
    def inputs_structure(self):
        return list(self.inputs) if self.is_multi_input else self.inputs[0]

    @property
    def outputs_structure(self):
        return list(self.outputs) if self.is_multi_output else self.outputs[0]

    @property
    def parent_nodes(self) -> list[Node]:
        return [t.node for t in self.inputs if t.node is not None]

    def __repr__(self) -> str:
        ins = [t.shape for t in self.inputs]
        outs = [t.shape for t in self.outputs]
        return f"<Node {self.layer.name}: {ins} -> {outs}>"
