"""Symbolic tensors and graph nodes for the functional API.

Calling a layer (or a `numkeras.ops` function, or a Python operator such as `x * 2.0`) on
a `KerasTensor` records a `Node` (the layer or operation, its input tensors, its output
tensors) instead of computing; `Model(inputs, outputs)`
walks those nodes back from the outputs.

>>> from numkeras.layers import Input, Dense
>>> x = Input(shape=(64,))
>>> Dense(8)(x)
<KerasTensor shape=(None, 8), dtype=float32, sparse=False, ragged=False, name=keras_tensor...>

Tensors are named as Keras 3 names them: `keras_tensor`, `keras_tensor_1`, ... (one counter,
reset by `clear_session`), except an `Input(name="x")`, whose tensor is called `x`.
"""

from __future__ import annotations

from numkeras.errors import InputTypeError, format_shape
from numkeras.utils.naming import auto_name
from numkeras.utils.tensor_operators import TensorOperators


class KerasTensor(TensorOperators):
    def __init__(self, shape, dtype="float32", node=None, index: int = 0, name: str | None = None):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.node = node  # the Node that produced this tensor
        self.index = index  # which output of that node
        self.name = name or auto_name("keras_tensor")

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def sparse(self) -> bool:
        return False

    @property
    def ragged(self) -> bool:
        return False

    def reshape(self, newshape) -> KerasTensor:
        """`ops.reshape(self, newshape)`, as Keras 3's symbolic tensors have it (the batch
        axis included: `x.reshape((-1, 8, 8))`)."""
        from numkeras import ops

        return ops.reshape(self, newshape)

    def squeeze(self, axis=None) -> KerasTensor:
        """`ops.squeeze(self, axis)`, as Keras 3's symbolic tensors have it."""
        from numkeras import ops

        return ops.squeeze(self, axis)

    def __repr__(self) -> str:
        return (
            f"<KerasTensor shape={format_shape(self.shape)}, dtype={self.dtype}, sparse=False, "
            f"ragged=False, name={self.name}>"
        )

    # Python operators on symbolic tensors record operations, as in Keras 3 (`x * 2.0 + 1.0`,
    # `h + shortcut`, `x[:, 0:2]`): see TensorOperators. NumPy defers to them (`2.0 * x`).
    __array_ufunc__ = None

    def __bool__(self):
        raise TypeError(
            f"{self!r} is a symbolic tensor: it has no truth value (`if x > 0:` cannot be "
            "decided while building a model); use `ops.where(condition, x1, x2)` for an "
            "element-wise choice."
        )

    def __iter__(self):
        raise TypeError(f"{self!r} is a symbolic tensor: it cannot be iterated over.")

    def __array__(self, *args, **kwargs):
        # (Keras 3 raises ValueError here; numkeras raised TypeError before: it is both)
        raise InputTypeError(
            f"{self!r} is a symbolic placeholder (from `Input`), not data: it has no values. "
            "Build a Model(inputs, outputs) and call or predict it on arrays."
        )


class Node:
    """One call of `layer` on symbolic `inputs`, producing symbolic outputs."""

    def __init__(
        self, layer, inputs, output_shape, training=None, dtype=None, name=None, mask=None
    ):
        self.layer = layer
        self.is_multi_input = isinstance(inputs, (list, tuple))
        self.inputs = list(inputs) if self.is_multi_input else [inputs]
        self.training = training
        self.arguments = None  # an operation's arguments, tensors replaced by slots
        self.call_kwargs: dict = {}  # a user layer's own call keywords (constants)
        self.is_multi_output = isinstance(output_shape, list)
        shapes = output_shape if self.is_multi_output else [output_shape]
        if dtype is None:  # (a mixed_float16 layer's outputs are float16)
            mixed = getattr(layer, "_mixed", False)
            dtype = "float16" if mixed else getattr(layer, "dtype", "float32")
        # (`name`: an Input's own name for its tensor, as Keras; else automatic names)
        self.outputs = [
            KerasTensor(s, dtype, node=self, index=i, name=name) for i, s in enumerate(shapes)
        ]
        layer._inbound_nodes.append(self)
        _attach_masks(self, mask)
        # A symbolic `mask=` of the call (`lstm(x, mask=m)`, in a user layer's call; a
        # list with None for unmasked inputs, `Attention()([q, v], mask=[None, vm])`): the
        # last inputs, so the graph computes them first; the model hands them to the call
        # as its `mask` (they take no gradient).
        self.has_mask_input = mask is not None
        self._mask_layout = None  # None: one tensor; else, per list item, whether given
        given = [mask] if self.has_mask_input else []
        if isinstance(mask, (list, tuple)):
            self._mask_layout = tuple(m is not None for m in mask)
            given = [m for m in mask if m is not None]
        self._n_mask_inputs = len(given)
        self.inputs.extend(given)

    @property
    def layer_inputs(self) -> list:
        """The inputs of the layer's call (without a symbolic `mask=` of the call)."""
        return self.inputs[: len(self.inputs) - self._n_mask_inputs]

    @property
    def mask_inputs(self) -> list:
        """The tensors of the call's symbolic `mask=` (see `call_mask`)."""
        return self.inputs[len(self.inputs) - self._n_mask_inputs :]

    def call_mask(self, values: list):
        """The call's `mask=` rebuilt from `values`, one per `mask_inputs` (None if none
        was given): one mask, or a list with None for the unmasked inputs."""
        if not self.has_mask_input:
            return None
        if self._mask_layout is None:
            return values[0]
        given = iter(values)
        return [next(given) if present else None for present in self._mask_layout]

    @property
    def inputs_structure(self):
        ins = self.layer_inputs
        return list(ins) if self.is_multi_input else ins[0]

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


def _attach_masks(node: Node, explicit=None) -> None:
    """Keras 3's `_keras_mask` on symbolic outputs: a boolean KerasTensor when the layer
    supports masking and its `compute_mask` gives one (Embedding(mask_zero=True), Masking,
    or a mask passed on from its inputs, then the very same tensor, as in Keras). Tensors
    without a mask have no such attribute (Keras: AttributeError). Only the presence and
    shape matter here: the masks themselves are computed when the model runs."""
    layer = node.layer
    if getattr(layer, "is_operation", False) or not getattr(layer, "supports_masking", False):
        return
    import numpy as np

    in_masks = [t.__dict__.get("_keras_mask") for t in node.inputs]
    if explicit is not None:  # the call's own `mask=` (one, or one per input)
        in_masks = list(explicit) if isinstance(explicit, (list, tuple)) else [explicit]
    own = type(layer).compute_mask is not _base_compute_mask()
    if not own and all(m is None for m in in_masks):
        return  # the default compute_mask passes on no mask
    # stand-ins of size 1 on every axis (only the ranks matter to compute_mask)
    dummies = [np.zeros((1,) * len(t.shape), t.dtype) for t in node.inputs]
    given = [None if m is None else np.ones((1,) * len(m.shape), bool) for m in in_masks]
    args = dummies if node.is_multi_input else dummies[0]
    previous = given if node.is_multi_input else given[0]
    try:
        result = layer.compute_mask(args, previous)
    except Exception:  # noqa: BLE001 (a layer that cannot say: no symbolic mask)
        return
    results = list(result) if isinstance(result, (list, tuple)) else [result]
    if len(results) == 1 and len(node.outputs) > 1:
        results = results * len(node.outputs)
    for out, mask in zip(node.outputs, results):
        if mask is None:
            continue
        same = next((m for g, m in zip(given, in_masks) if g is not None and mask is g), None)
        if same is None:
            same = KerasTensor(out.shape[: np.ndim(mask)], "bool")
        out._keras_mask = same


def _base_compute_mask():
    from numkeras.layers.layer import Layer

    return Layer.compute_mask


def get_source_inputs(tensor) -> list:
    """The `Input` tensors `tensor` (or a list of tensors) was computed from, each once, in
    the order the graph reaches them (Keras's `keras.utils.get_source_inputs`).

    >>> from numkeras.layers import Dense, Input
    >>> x = Input(shape=(3,), name="x")
    >>> get_source_inputs(Dense(2)(Dense(4)(x)))[0] is x
    True
    """
    from numkeras.layers.input_layer import InputLayer

    found: list = []
    seen: set[int] = set()
    stack = list(tensor) if isinstance(tensor, (list, tuple)) else [tensor]
    stack.reverse()
    while stack:
        t = stack.pop()
        if not isinstance(t, KerasTensor) or id(t) in seen:
            continue
        seen.add(id(t))
        if t.node is None or isinstance(t.node.layer, InputLayer) or not t.node.inputs:
            found.append(t)
        else:
            stack.extend(reversed(t.node.inputs))
    return found
