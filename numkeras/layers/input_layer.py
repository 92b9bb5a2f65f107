"""`InputLayer` and `Input`: where a functional graph starts.

`shape` excludes the batch axis; `batch_shape = (batch_size, *shape)` includes it.

>>> Input(shape=(6, 8), batch_size=32).shape
(32, 6, 8)
>>> Input(shape=(64,)).shape
(None, 64)
"""

from __future__ import annotations

import numpy as np

from numkeras import config
from numkeras.errors import ConfigError, warn_deprecated
from numkeras.layers.keras_tensor import Node
from numkeras.layers.layer import Layer, _validate_shape
from numkeras.utils.checks import is_int


def _integer_dtype(dtype) -> str | None:
    """The name of an integer or bool dtype (`"int32"`, ...), else None."""
    if isinstance(dtype, dict):
        dtype = dtype.get("config", {}).get("name")
    try:
        kind = np.dtype(getattr(dtype, "name", dtype)).kind if dtype is not None else None
    except TypeError:
        return None
    return np.dtype(getattr(dtype, "name", dtype)).name if kind in ("i", "u", "b") else None


class InputLayer(Layer):
    def __init__(
        self,
        shape=None,
        batch_size: int | None = None,
        dtype=None,
        sparse=None,
        ragged=None,
        batch_shape=None,
        input_tensor=None,
        optional: bool = False,
        name: str | None = None,
        **kwargs,
    ):
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
            warn_deprecated(
                "`InputLayer(input_shape=...)` is a Keras 2 spelling; use `shape=` "
                "(it excludes the batch axis)."
            )
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
            warn_deprecated("`batch_input_shape=` is a Keras 2 spelling; use `batch_shape=`.")
        for flag, value in (("sparse", sparse), ("ragged", ragged)):
            if value:  # (Keras 3 too refuses them off TensorFlow: ValueError)
                raise ConfigError(f"`{flag}=True` inputs are not supported by numkeras.")
        if input_tensor is not None:
            raise ConfigError("`input_tensor=` is not supported; call the model on the tensor.")
        # integer / bool inputs are allowed, as in Keras; numkeras's layers compute in floats,
        # so a model feeds such data to them cast to floatx (as Keras's layers autocast)
        # string inputs feed the text layers (StringLookup, TextVectorization, Hashing)
        self._init_with_dtype(dtype, name=name, **kwargs)
        # (Keras 3's InputLayer takes the global dtype policy, whatever its data's dtype)
        self._global_policy = config.dtype_policy().name
        if shape is not None and batch_shape is not None:
            raise ConfigError("You cannot pass both `shape` and `batch_shape` at the same time.")
        if batch_size is not None and batch_shape is not None:
            raise ConfigError(
                "You cannot pass both `batch_size` and `batch_shape` at the same time."
            )
        if shape is None and batch_shape is None:
            raise ConfigError(
                "You must pass a `shape` argument: the shape of one sample, without the batch "
                "axis, e.g. Input(shape=(64,))."
            )
        if batch_size is not None and (not is_int(batch_size) or batch_size <= 0):
            raise ConfigError(f"`batch_size` must be a positive integer, received {batch_size!r}.")
        if shape is not None:
            batch_size = None if batch_size is None else int(batch_size)
            batch_shape = (batch_size, *_validate_shape("shape", shape))
        else:
            batch_shape = _validate_shape("batch_shape", batch_shape)
            if not batch_shape:
                raise ConfigError("`batch_shape` must include the batch axis, e.g. (None, 64).")
        self.batch_shape = tuple(batch_shape)
        self.optional = optional
        self.built = True
        self._build_input_shape = self.batch_shape
        # `output` (Layer) is its tensor, named as Keras 3 names it: the `name` given, else
        # an automatic 'keras_tensor_N' (the layer itself is 'input_layer_N')
        self._node = Node(self, [], self.batch_shape, name=name)

    def _init_with_dtype(self, dtype, **kwargs) -> None:
        """`Layer.__init__`, keeping an integer, bool or string `dtype` as given (a layer's
        own dtype is a float one): an input's data, or a traced argument's (a mask)."""
        exact = "string" if dtype in ("string", "str", str) else _integer_dtype(dtype)
        # (an Input's dtype is floatx(), not the dtype policy's: Keras's too)
        Layer.__init__(self, dtype=None if exact else (dtype or config.floatx()), **kwargs)
        if exact:
            self.dtype = exact

    @property
    def _policy_name(self) -> str:
        return self.__dict__.get("_global_policy") or super()._policy_name

    @property
    def compute_dtype(self) -> str:  # (the policy's, not its data's dtype)
        name = self._policy_name
        return "float16" if name == "mixed_float16" else name

    def _set_dtype_policy(self, policy) -> None:
        super()._set_dtype_policy(policy)
        self._global_policy = policy.name

    @property
    def path(self) -> None:
        """None, as Keras 3's (an InputLayer is built without a build step)."""
        return None

    def get_config(self) -> dict:
        return {
            "batch_shape": tuple(self.batch_shape),  # a tuple, as Keras (JSON writes a list)
            "dtype": self.dtype,
            "sparse": False,
            "ragged": False,
            "name": self.name,
            "optional": self.optional,
        }

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        config.pop("sparse", None)
        config.pop("ragged", None)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name")
        return cls(**config)

    def call(self, inputs, training: bool = False):
        return inputs

    def forward(self, inputs, training: bool = True):
        return inputs, None

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        return grad_output

    def _repr_args(self) -> str:
        return f"batch_shape={self.batch_shape}"


def Input(
    shape=None,
    batch_size: int | None = None,
    dtype=None,
    sparse=None,
    ragged=None,
    batch_shape=None,
    name: str | None = None,
    tensor=None,
    optional: bool = False,
):
    """A symbolic input for the functional API: `shape` excludes the batch axis.

    >>> from numkeras.layers import Dense
    >>> from numkeras.models import Model
    >>> x = Input(shape=(64,))
    >>> Model(x, Dense(8)(x)).output_shape
    (None, 8)
    """
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        ragged=ragged,
        batch_shape=batch_shape,
        input_tensor=tensor,
        optional=optional,
        name=name,
    )
    return layer.output
