"""`PReLU`: `x` for `x >= 0`, `alpha * x` otherwise, with `alpha` a learned weight, as Keras 3.

`alpha` has the shape of one sample (`input_shape[1:]`), with a 1 on each of
`shared_axes` (counted with the batch as axis 0: `shared_axes=[1, 2]` shares one alpha per
channel across a `(batch, height, width, channels)` input). It starts at 0 (a ReLU).

>>> import numpy as np
>>> layer = PReLU(alpha_initializer="ones")
>>> layer(np.array([[-2.0, 3.0]]))
array([[-2.,  3.]], dtype=float32)
>>> layer.alpha.shape
(2,)
"""

from __future__ import annotations

from numkeras import backend, constraints, initializers, regularizers
from numkeras.errors import ConfigError, ShapeError, format_shape
from numkeras.layers.input_spec import InputSpec
from numkeras.layers.layer import Layer
from numkeras.utils.checks import is_int


class PReLU(Layer):
    supports_masking = True  # (passes the mask on, as Keras 3)

    def __init__(
        self,
        alpha_initializer="Zeros",
        alpha_regularizer=None,
        alpha_constraint=None,
        shared_axes=None,
        **kwargs,
    ):
        if shared_axes is not None:
            shared_axes = (
                list(shared_axes) if isinstance(shared_axes, (list, tuple)) else [shared_axes]
            )
            if not all(is_int(a) and a >= 1 for a in shared_axes):
                raise ConfigError(
                    "PReLU's `shared_axes` must be positive axis numbers (axis 0 is the batch), "
                    f"received {shared_axes!r}."
                )
            shared_axes = [int(a) for a in shared_axes]
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        self.shared_axes = shared_axes

    def build(self, input_shape) -> None:
        input_shape = tuple(input_shape)
        shared = self.shared_axes or []
        bad = [a for a in shared if a >= len(input_shape)]
        if bad:
            raise ShapeError(
                f"Layer '{self.name}': shared_axes {self.shared_axes} names axis {bad[0]}, but "
                f"its inputs of shape {format_shape(input_shape)} have {len(input_shape)} axes "
                "(axis 0 is the batch)."
            )
        param_shape = [1 if i in shared else d for i, d in enumerate(input_shape) if i > 0]
        if None in param_shape:
            raise ShapeError(
                f"Layer '{self.name}': PReLU needs every non-shared axis of its inputs known to "
                f"create alpha; received shape {format_shape(input_shape)}."
            )
        self.alpha = self.add_weight(
            param_shape,
            initializer=self.alpha_initializer,
            name="alpha",
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
        )
        axes = {i: input_shape[i] for i in range(1, len(input_shape)) if i not in shared}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        # the axes alpha is broadcast over (batch first): its gradient sums over them
        self._sum_axes = (0, *shared)

    def _reset_build_state(self) -> None:
        self.input_spec = None

    def call(self, inputs, training: bool = False):
        # relu(x) + (-alpha) * relu(-x), Keras's operations in its order
        xp = backend.xp
        y = xp.maximum(inputs, 0)
        neg = xp.maximum(-inputs, 0)
        neg *= -self.alpha.value
        y += neg
        return y

    def forward(self, inputs, training: bool = True):
        return self.call(inputs), inputs

    def backward(self, x, grad_output, need_input_grad: bool = True):
        xp = backend.xp
        alpha = self.alpha.value
        if self.alpha.wants_grad:
            # d/dalpha of -alpha * relu(-x): -relu(-x) * dy, summed where alpha is broadcast
            g = xp.maximum(-x, 0)
            g *= grad_output
            self.alpha.add_grad(-g.sum(axis=self._sum_axes, keepdims=True).reshape(alpha.shape))
        if not need_input_grad:
            return None
        # dy where x > 0, alpha * dy where x < 0, 0 at x == 0 (relu's gradient there)
        zero = grad_output.dtype.type(0)
        return xp.where(x > 0, grad_output, xp.where(x < 0, grad_output * alpha, zero))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        }

    def _repr_args(self) -> str:
        return "" if not self.shared_axes else f"shared_axes={self.shared_axes}"
