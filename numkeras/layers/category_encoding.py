"""`CategoryEncoding(num_tokens, output_mode="multi_hot")`: integer token ids to one-hot,
multi-hot or count vectors of length `num_tokens`, as Keras 3 (its JAX backend).

- `"one_hot"`: each id becomes a vector; a last axis of size 1 is replaced by the vector
  (`(batch, 1) -> (batch, num_tokens)`), any other shape gains an axis
  (`(batch,) -> (batch, num_tokens)`, `(batch, n) -> (batch, n, num_tokens)`).
- `"multi_hot"`: 1 for each id present in a sample: `(batch, n) -> (batch, num_tokens)`;
  a rank-1 input is one sample (`(n,) -> (num_tokens,)`).
- `"count"`: how many times each id occurs in a sample (shapes as `"multi_hot"`);
  `layer(x, count_weights=w)` adds up `w` instead of ones.
- `"binary"` is Keras's old name for `"multi_hot"`.

numkeras models feed float32 inputs, so ids arrive as floats: they must be exact integers
in `[0, num_tokens)`; anything else raises (Keras's JAX backend silently gives all-zero
rows for out-of-range ids). Only dense outputs (`sparse=False`). The layer passes no
gradient: layers before it cannot be trained through it.

>>> import numpy as np
>>> CategoryEncoding(num_tokens=4, output_mode="one_hot")(np.array([3, 0]))
array([[0., 0., 0., 1.],
       [1., 0., 0., 0.]], dtype=float32)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ConfigError, InputTypeError, LabelRangeError
from numkeras.layers.layer import Layer
from numkeras.utils.checks import is_int

OUTPUT_MODES = ("one_hot", "multi_hot", "count")


def as_token_ids(layer_name: str, x, depth: int):
    """`x` (floats or integers) as int64 ids, each checked to be an integer in
    `[0, depth)`."""
    xp = backend.xp
    x = xp.asarray(x)
    if x.dtype.kind == "f":
        if not bool(xp.all(xp.isfinite(x))) or not bool(xp.all(x == xp.floor(x))):
            raise InputTypeError(
                f"Layer '{layer_name}' expects integer token ids, but received non-integer "
                "values (e.g. 1.5, NaN)."
            )
    elif x.dtype.kind not in "iub":
        raise InputTypeError(
            f"Layer '{layer_name}' expects integer token ids, received dtype {x.dtype}."
        )
    ids = x.astype("int64")
    if ids.size and (int(ids.min()) < 0 or int(ids.max()) >= depth):
        bad = int(ids.min()) if int(ids.min()) < 0 else int(ids.max())
        raise LabelRangeError(
            f"Layer '{layer_name}' received the token id {bad}, outside [0, {depth}): ids must "
            f"be integers from 0 to {depth - 1} (num_tokens={depth})."
        )
    return ids


def encode_categorical(ids, output_mode: str, depth: int, dtype="float32", count_weights=None):
    """Keras's `numerical_utils.encode_categorical_inputs` (dense) for checked int ids."""
    xp = backend.xp
    if ids.ndim == 0:
        ids = ids.reshape(1)
    if output_mode == "one_hot" and ids.ndim > 1 and ids.shape[-1] == 1:
        ids = ids.reshape(ids.shape[:-1])
    hot = (ids[..., None] == xp.arange(depth)).astype(dtype)
    if output_mode == "one_hot":
        return hot
    axis = 1 if ids.ndim > 1 else 0
    if output_mode == "multi_hot":
        return hot.max(axis=axis)
    if count_weights is not None:
        hot = hot * count_weights[..., None]
    return hot.sum(axis=axis, dtype=hot.dtype)  # (NumPy would widen int32 sums to int64)


def encoded_shape(input_shape, output_mode: str, depth: int):
    """The output shape of `encode_categorical` (what the call gives, rank 3+ included)."""
    input_shape = tuple(input_shape)
    if output_mode == "int":
        return input_shape
    if not input_shape:  # a scalar is one id
        input_shape = (1,)
    if output_mode == "one_hot":
        if len(input_shape) > 1 and input_shape[-1] == 1:
            return input_shape[:-1] + (depth,)
        return input_shape + (depth,)
    if len(input_shape) == 1:
        return (depth,)
    return (input_shape[0],) + input_shape[2:] + (depth,)


def no_input_gradient(layer) -> None:
    raise NotImplementedError(
        f"Layer '{layer.name}' ({type(layer).__name__}) maps its inputs to integer bins or "
        "tokens, which has no gradient: layers before it cannot be trained through it. Put "
        "trainable layers after it, or preprocess the data before the model."
    )


class CategoryEncoding(Layer):
    integer_inputs = "own"  # (reads integer ids itself)
    # Keras encodes in the layer's `dtype`, its variable dtype: float32 under
    # "mixed_float16", whose float16 only `count_weights` take (and so a weighted count);
    # its symbolic output says the compute dtype all the same
    _autocasts_calls = False

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in OUTPUT_MODES:
            raise ConfigError(
                f"Unknown arg for output_mode: {output_mode!r}; expected one of {OUTPUT_MODES}."
            )
        if num_tokens is None:
            raise ConfigError(
                "num_tokens must be set to use this layer. If the number of tokens is not "
                "known beforehand, use the IntegerLookup layer instead."
            )
        if not is_int(num_tokens) or num_tokens < 1:
            raise ConfigError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens!r}.")
        if sparse:
            raise ConfigError("CategoryEncoding(sparse=True) is not supported by numkeras.")
        from numkeras.layers.discretization import _integer_name, hold_integer_dtype

        # an integer dtype: Keras's `dtype` and symbolic dtype; the arrays are int32, as
        # Keras-JAX's (x64 off)
        self._integer_dtype = _integer_name(kwargs.get("dtype"))
        if self._integer_dtype:
            kwargs["dtype"] = None
        super().__init__(**kwargs)
        if self._integer_dtype:
            hold_integer_dtype(self, self._integer_dtype)
        self.num_tokens = int(num_tokens)
        self.output_mode = output_mode
        self.sparse = False

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self.num_tokens)

    def call(self, inputs, count_weights=None):
        if count_weights is not None:
            if self.output_mode != "count":
                raise ConfigError(
                    "`count_weights` is not used when `output_mode` is not `'count'`. "
                    f"Received `count_weights={count_weights}`."
                )
        dtype = "int32" if self._integer_dtype else self.dtype
        if count_weights is not None:  # (the weights' dtype is then the output's, as Keras)
            weights_dtype = "int32" if self._integer_dtype else self.compute_dtype
            count_weights = backend.xp.asarray(count_weights, dtype=weights_dtype)
            dtype = weights_dtype
        ids = as_token_ids(self.name, inputs, self.num_tokens)
        return encode_categorical(ids, self.output_mode, self.num_tokens, dtype, count_weights)

    def _call_symbolic(self, inputs, training=None, **kwargs):
        outputs = super()._call_symbolic(inputs, training=training, **kwargs)
        if self._integer_dtype:
            outputs.value_dtype = "int32"
        elif self.compute_dtype != self.dtype:  # (mixed: Keras's spec says float16, while
            outputs.dtype = self.compute_dtype  # its arrays are float32, as its calls')
            outputs.value_dtype = self.dtype
        return outputs

    def forward(self, inputs, training: bool = True):
        return self.call(inputs), None

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        # (no gradient crosses the integer bins: layers before it train on the other losses
        # alone, as in Keras, where the gradient there is zero)
        return None

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_tokens": self.num_tokens,
            "output_mode": self.output_mode,
        }

    def _repr_args(self) -> str:
        return f"num_tokens={self.num_tokens}, output_mode={self.output_mode!r}"
