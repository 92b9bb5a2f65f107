"""`MultiHeadAttention`, as Keras 3 computes it ("Attention is all you need").

`query` `(B, T, dim)`, `value` `(B, S, dim_v)` and `key` `(B, S, dim_k)` (default: the
value) are projected per head by `EinsumDense` sublayers named `query`, `key` and
`value` (kernels `(dim, heads, key_dim)`, biases `(heads, key_dim)`); the scores
`softmax(q k^T / sqrt(key_dim))` `(B, heads, T, S)` weigh the projected values, and the
`attention_output` sublayer (kernel `(heads, value_dim, out)`) maps the heads back to
the query's last size (or `output_shape`). Heads are one batched matmul, not a loop.

Masks, as Keras 3: `attention_mask` `(B, T, S)` (True: may attend), the masks of the
inputs in a model (from `Embedding(mask_zero=True)` or `Masking`: the query's `(B, T)`,
the value's and the key's `(B, S)`), `use_causal_mask=True` (query i sees keys j <= i)
and `sliding_window` are joined with AND; a masked score becomes -1e9 before the
softmax. A query row with no key left attends uniformly to all keys, except when Keras
takes its explicit-scores path (`return_attention_scores=True` or `dropout > 0`), which
sets masked probabilities to 0, so such a row gives only the output bias. A masked
score is a constant: it passes no gradient (a row with no key left passes none to the
query and key), as in Keras on JAX; Keras on torch's CPU kernels differs there, its
backward not being the derivative of its forward (tests/layers/test_mha_masked_grads.py).
The output keeps the query's mask. `dropout` drops attention probabilities in training;
the scores returned are those before dropout. As in Keras 3, `query_mask=` given to a call on
arrays is ignored (Keras reads the query's own mask, which arrays do not have).

Inputs of rank 4 or more (images `(B, H, W, C)`, ...) attend over `attention_axes` (default:
every axis between the batch and the features; negative ones count from the end), as
Keras's einsums do: the scores are `(B, other axes, heads, query attention axes, key
attention axes)` with one softmax over all the key attention axes, and the other axes of
the query, value and key must agree. There Keras always takes the explicit-scores path, and
masks follow its rules: an attention mask (or the `(1, T, S)` causal and sliding-window
masks, built from axis 1 whatever the attention axes) gets axes added before the query's
attention axes up to the scores' rank and must then broadcast to them (else a ValueError,
as in Keras). Axes outside the inner ones are refused (Keras attends over the heads or the
batch there, or crashes). Keras's symbolic scores say `(B, heads, T, T)` whatever the rank
and the value's length; numkeras's give the shape the call returns.

Also supported: `use_gate`, `sliding_window`, weight regularizers and constraints, and
`activity_regularizer`, which Keras applies to each projection's output (query, key, gate,
value, attention_output: one penalty each in `losses`), not to the layer's.

>>> import numpy as np
>>> mha = MultiHeadAttention(num_heads=2, key_dim=4)
>>> x = np.ones((3, 5, 8), "float32")
>>> out, scores = mha(x, x, return_attention_scores=True)
>>> out.shape, scores.shape
((3, 5, 8), (3, 2, 5, 5))
>>> [tuple(w.shape) for w in mha.weights][:2]
[(8, 2, 4), (2, 4)]
"""

from __future__ import annotations

import math
import warnings

from numkeras import backend, constraints, initializers, regularizers
from numkeras.errors import (
    AxisBoundsError,
    ConfigError,
    ShapeError,
    format_shape,
    user_stacklevel,
)
from numkeras.layers.attention_utils import (
    GraphOptions,
    bool_mask,
    causal_mask,
    large_negative,
    record_call,
    softmax,
    softmax_backward,
)
from numkeras.layers.dropout import Dropout
from numkeras.layers.einsum_dense import EinsumDense
from numkeras.layers.inner_activity import inner_activity, plus_activity
from numkeras.layers.keras_tensor import KerasTensor, Node
from numkeras.layers.layer import (
    Layer,
    as_call_result,
    get_array_mask,
    is_symbolic,
    set_array_mask,
    traced_constant,
)
from numkeras.layers.softmax import Softmax
from numkeras.utils.checks import is_int


def _is_shape_list(x) -> bool:
    """A list of shapes (the graph form), as opposed to one shape."""
    return (
        isinstance(x, (list, tuple)) and len(x) > 0 and all(isinstance(s, (list, tuple)) for s in x)
    )


def _proj_equation(free_dims: int, bound_dims: int, output_dims: int) -> tuple[str, str]:
    """Keras's `_build_proj_equation`: (equation, bias axes)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    free = letters[:free_dims]
    bound = letters[free_dims : free_dims + bound_dims]
    out = letters[free_dims + bound_dims : free_dims + bound_dims + output_dims]
    return f"{free}{bound},{bound}{out}->{free}{out}", out


class MissingValueError(ConfigError, TypeError):
    """A call without `value`: a TypeError as in Keras 3 (whose `call` lacks the required
    argument), and a ConfigError (ValueError) as numkeras's other call mistakes."""


# the masks a symbolic call may give, in the order they follow [query, value, key]
_EXTRA_INPUTS = ("attention_mask", "query_mask", "value_mask", "key_mask")


class MultiHeadAttention(GraphOptions, Layer):
    """Multi-head attention (see the module docstring).

    >>> import numpy as np
    >>> mha = MultiHeadAttention(num_heads=3, key_dim=2, value_dim=5, output_shape=4)
    >>> mha(np.ones((2, 6, 8)), np.ones((2, 7, 3))).shape
    (2, 6, 4)
    """

    tuple_outputs = True  # several outputs come back as a tuple, as in Keras
    # Whether a `query_mask=` given to the call is used: Keras 3's MultiHeadAttention reads
    # the query's own mask only; its GroupQueryAttention uses the argument
    reads_query_mask = False

    _OPTIONS = {"use_causal_mask": False, "return_attention_scores": False}
    # the attention axes as `build` resolves them, and the transpose of the projections to
    # Keras's scores layout and back (these: rank 3, as GroupedQueryAttention's build keeps)
    _resolved_axes = (1,)
    _perm = _inverse_perm = (0, 2, 1, 3)
    supports_masking = True
    # the keywords of a call that a functional config's node records (and a load replays)
    replayed_call_kwargs = (
        "key",
        "value_mask",
        "key_mask",
        "attention_mask",
        "return_attention_scores",
        "training",
        "use_causal_mask",
    )

    def __init__(
        self,
        num_heads: int,
        key_dim: int,
        value_dim: int | None = None,
        dropout: float = 0.0,
        use_bias: bool = True,
        output_shape=None,
        attention_axes=None,
        sliding_window: int | None = None,
        flash_attention: bool | None = None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        use_gate: bool = False,
        seed: int | None = None,
        **kwargs,
    ):
        if not is_int(num_heads) or num_heads <= 0:
            raise ConfigError(
                "Received an invalid value for argument `num_heads`, expected a positive "
                f"integer. Received: num_heads={num_heads!r}"
            )
        if not is_int(key_dim) or key_dim <= 0:
            raise ConfigError(
                "Received an invalid value for argument `key_dim`, expected a positive "
                f"integer. Received: key_dim={key_dim!r}"
            )
        if value_dim is not None and (not is_int(value_dim) or value_dim <= 0):
            raise ConfigError(
                "Received an invalid value for argument `value_dim`, expected a positive "
                f"integer or `None`. Received: value_dim={value_dim!r}"
            )
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)):
            raise ConfigError(f"`dropout` must be a number in [0, 1), received {dropout!r}.")
        if not 0 <= dropout < 1:
            raise ConfigError(f"`dropout` must be a number in [0, 1), received {dropout!r}.")
        super().__init__(**kwargs)
        self._num_heads = int(num_heads)
        self._key_dim = int(key_dim)
        self._value_dim = int(value_dim) if value_dim else self._key_dim
        self._dropout = float(dropout)
        self._use_bias = bool(use_bias)
        self._use_gate = bool(use_gate)
        if output_shape:
            if is_int(output_shape):
                output_shape = (int(output_shape),)
            try:
                output_shape = tuple(output_shape)
            except TypeError:
                raise ConfigError(
                    f"Invalid `output_shape`: {output_shape}. When specified, the "
                    "`output_shape` should be of type tuple, list, or int."
                ) from None
        self._output_shape = output_shape or None
        self._flash_attention = bool(flash_attention)
        if self._flash_attention and self._dropout > 0.0:
            raise ConfigError(
                "Dropout is not supported when flash attention is enabled. Please set "
                "dropout to 0.0 to use flash attention."
            )
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        # (the projections' activity regularizer, as Keras's: not the layer's own)
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        if is_int(attention_axes):
            attention_axes = (int(attention_axes),)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ConfigError(
                "`attention_axes` must be an int, list, or tuple."
                f"Received: attention_axes={attention_axes}"
            )
        if attention_axes is not None and not all(is_int(a) for a in attention_axes):
            raise ConfigError(
                "`attention_axes` must be integers (axes of the inputs). "
                f"Received: attention_axes={attention_axes}"
            )
        # (checked against the inputs' rank at build, where Keras resolves them)
        self._attention_axes = attention_axes
        if sliding_window is not None and (not is_int(sliding_window) or sliding_window <= 0):
            raise ConfigError(
                "`sliding_window` must be `None` or a positive integer. "
                f"Received: sliding_window={sliding_window!r}"
            )
        self._sliding_window = None if sliding_window is None else int(sliding_window)
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(self._key_dim))
        self._dense_layers: list[EinsumDense] = []
        self._extra_layers: list = []
        self._key_given = False

    # -- Keras's read-only properties -------------------------------------------------
    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)
    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    # -- build ------------------------------------------------------------------------
    def _common_kwargs(self) -> dict:
        # as Keras: a fresh copy of each initializer per sublayer
        kernel_init = type(self._kernel_initializer).from_config(
            self._kernel_initializer.get_config()
        )
        bias_init = type(self._bias_initializer).from_config(self._bias_initializer.get_config())
        return {
            "kernel_initializer": kernel_init,
            "bias_initializer": bias_init,
            "kernel_regularizer": self._kernel_regularizer,
            "bias_regularizer": self._bias_regularizer,
            "activity_regularizer": self._activity_regularizer,
            "kernel_constraint": self._kernel_constraint,
            "bias_constraint": self._bias_constraint,
            "dtype": self.dtype,
        }

    def _projection(self, name: str, shape, dim: int, activation=None) -> EinsumDense:
        equation, bias_axes = _proj_equation(len(shape) - 1, 1, 2)
        layer = EinsumDense(
            equation,
            output_shape=(*[None] * (len(shape) - 2), self._num_heads, dim),
            bias_axes=bias_axes if self._use_bias else None,
            activation=activation,
            name=name,
            **self._common_kwargs(),
        )
        layer.build(shape)
        return layer

    def _split_shapes(self, query_shape, value_shape, key_shape):
        if value_shape is None and _is_shape_list(query_shape):
            shapes = [tuple(s) for s in query_shape]
            if len(shapes) < 2:
                raise ShapeError(
                    f"Layer '{self.name}' (MultiHeadAttention) needs a query and a value; "
                    f"received {len(shapes)} input shape(s)."
                )
            query_shape, value_shape = shapes[0], shapes[1]
            key_shape = shapes[2] if len(shapes) > 2 else None
        if value_shape is None:
            raise ShapeError(
                f"Layer '{self.name}' (MultiHeadAttention) needs the value's shape beside the "
                "query's: build(query_shape, value_shape)."
            )
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ShapeError(
                "All dimensions of `value` and `key`, except the last one, must be equal. "
                f"Received: value_shape={value_shape} and key_shape={key_shape}"
            )
        for what, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) < 3:
                # (Keras indexes the missing attention axes: IndexError, "tuple index out of
                # range"; given `attention_axes`, its MultiHeadAttention attends over the
                # heads instead; also a ShapeError, a ValueError, as before)
                raise AxisBoundsError(
                    f"Layer '{self.name}': {type(self).__name__} attends over the axes "
                    "between the batch and feature axes, so its query, value and key need "
                    f"rank 3 or more (batch, steps..., features); received a {what} of shape "
                    f"{format_shape(shape)}. Add a steps axis, e.g. `x[:, None, :]`."
                )
        for what, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) < 3 or len(shape) != len(query_shape):
                raise ShapeError(
                    f"Layer '{self.name}': MultiHeadAttention takes a query, value and key of "
                    "one rank, at least 3 (batch, attention axes..., features); the query has "
                    f"shape {format_shape(query_shape)} and the {what} {format_shape(shape)}."
                )
        return query_shape, value_shape, key_shape

    def _resolve_axes(self, query_shape, value_shape) -> tuple:
        """Keras's `_build_attention`: the attention axes of inputs of this rank (None: all
        but the batch and feature axes; negative ones count from the end), refused where
        they are not between the batch and feature axes (Keras then attends over the heads
        or the batch, or crashes), or where the query and value differ on another axis."""
        rank = len(query_shape)
        axes = self._attention_axes
        if axes is None:
            resolved = tuple(range(1, rank - 1))
        else:
            resolved = tuple(int(a) + rank if a < 0 else int(a) for a in axes)
        if (
            not resolved
            or len(set(resolved)) != len(resolved)
            or not all(1 <= a <= rank - 2 for a in resolved)
        ):
            raise ConfigError(
                f"Layer '{self.name}': `attention_axes` must name distinct axes between the "
                f"batch and feature axes of the inputs (1 to {rank - 2} for rank {rank}); "
                f"received attention_axes={axes!r}."
            )
        for i in range(1, rank - 1):
            q, v = query_shape[i], value_shape[i]
            if i not in resolved and None not in (q, v) and q != v:
                raise ShapeError(
                    f"Layer '{self.name}': the query and value must have the same size on "
                    f"axis {i}, which is not an attention axis; received query shape "
                    f"{format_shape(query_shape)} and value shape {format_shape(value_shape)}."
                )
        return resolved

    def build(self, query_shape, value_shape=None, key_shape=None) -> None:
        # (a direct `build(q, v, k)`; a call says itself whether it had a key)
        given_key = key_shape is not None
        query_shape, value_shape, key_shape = self._split_shapes(
            query_shape, value_shape, key_shape
        )
        self._key_given = self._key_given or given_key
        self._query_dense = self._projection("query", query_shape, self._key_dim)
        self._key_dense = self._projection("key", key_shape, self._key_dim)
        dense = [self._query_dense, self._key_dense]
        if self._use_gate:
            self._gate_dense = self._projection(
                "gate", query_shape, self._value_dim, activation="sigmoid"
            )
            dense.append(self._gate_dense)
        self._value_dense = self._projection("value", value_shape, self._value_dim)
        dense.append(self._value_dense)
        axes = self._resolve_axes(query_shape, value_shape)
        self._attention_axes = self._resolved_axes = axes
        # the projections (B, ..., heads, dim) are transposed to (B, other axes, heads,
        # attention axes, dim): Keras's einsum layout of the scores
        rank = len(query_shape) + 1
        batch = tuple(i for i in range(rank - 1) if i not in axes)
        self._perm = (*batch, *axes, rank - 1)
        self._inverse_perm = tuple(sorted(range(rank), key=self._perm.__getitem__))
        scores_rank = len(batch) + 2 * len(axes)
        self._softmax = Softmax(
            axis=tuple(range(scores_rank - len(axes), scores_rank)), dtype=self.dtype
        )
        self._dropout_layer = Dropout(rate=self._dropout, dtype=self.dtype, seed=self.seed)
        out_shape = list(self._output_shape) if self._output_shape else [query_shape[-1]]
        equation, bias_axes = _proj_equation(len(query_shape) - 1, 2, len(out_shape))
        self._output_dense = EinsumDense(
            equation,
            output_shape=[None] * (len(query_shape) - 2) + out_shape,
            bias_axes=bias_axes if self._use_bias else None,
            name="attention_output",
            **self._common_kwargs(),
        )
        self._output_dense.build((*query_shape[:-1], self._num_heads, self._value_dim))
        dense.append(self._output_dense)
        self._dense_layers = dense
        self._extra_layers = [self._softmax, self._dropout_layer]
        for layer in dense:  # Keras's variable paths: `<mha>/query/kernel`
            layer.trainable = self.trainable
            for v in layer._own_variables:
                v.path = f"{self.name}/{layer.name}/{v.name}"
        self._build_input_shape = [query_shape, value_shape, key_shape]
        self.built = True

    def _reset_build_state(self) -> None:
        self._dense_layers, self._extra_layers = [], []

    def _sublayers(self) -> list:
        return list(self._dense_layers)

    def _saved_children(self) -> list:
        """`(key, layer)` as Keras saves them: `query_dense/vars/0`, ..."""
        if not self._dense_layers:
            return []
        out = [("query_dense", self._query_dense), ("key_dense", self._key_dense)]
        if self._use_gate:
            out.append(("_gate_dense", self._gate_dense))
        out += [("value_dense", self._value_dense), ("output_dense", self._output_dense)]
        return out + [("_softmax", self._softmax), ("_dropout_layer", self._dropout_layer)]

    def get_build_config(self) -> dict | None:
        shapes = self._build_input_shape
        if not self.built or not isinstance(shapes, list):
            return None

        def as_list(shape):
            return [None if d is None else int(d) for d in shape]

        config = {"query_shape": as_list(shapes[0]), "value_shape": as_list(shapes[1])}
        if self._key_given:
            config["key_shape"] = as_list(shapes[2])
        return {"shapes_dict": config}

    def build_from_config(self, config: dict) -> None:
        """Keras's: `build(**shapes_dict)` (`query_shape`, `value_shape`, `key_shape`)."""
        shapes = (config or {}).get("shapes_dict")
        if not shapes:
            return super().build_from_config(config)
        self.build(**{k: tuple(v) for k, v in shapes.items()})

    # -- shapes -----------------------------------------------------------------------
    def _output_shape_for(self, query_shape) -> tuple:
        query_shape = tuple(query_shape)
        if self._output_shape:
            return query_shape[:-1] + tuple(self._output_shape)
        return query_shape

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        """Keras's form `(query_shape, value_shape, key_shape=None)` gives the output's
        shape; the graph form (one list of the input shapes) gives the scores' too when
        the layer's graph calls return them."""
        graph = value_shape is None and _is_shape_list(query_shape)
        q, v, _ = self._split_shapes(query_shape, value_shape, key_shape)
        out = self._output_shape_for(q)
        if graph and self._graph_option("return_attention_scores"):
            return [out, self._scores_shape(q, v)]
        return out

    def _scores_shape(self, query_shape, value_shape) -> tuple:
        """`(B, other axes, heads, query attention axes, key attention axes)` (Keras's
        symbolic scores say `(B, heads, T, T)` whatever the rank and the value's length)."""
        axes = self._resolved_axes if self.built else self._resolve_axes(query_shape, value_shape)
        projected = (*query_shape[:-1], self._num_heads)
        batch = [projected[i] for i in range(len(projected)) if i not in axes]
        return (*batch, *(query_shape[a] for a in axes), *(value_shape[a] for a in axes))

    def compute_mask(self, inputs, previous_mask):
        """The output keeps the query's mask (the scores get none), as in Keras 3."""
        if isinstance(previous_mask, (list, tuple)):
            previous_mask = previous_mask[0] if previous_mask else None
        return previous_mask

    # -- calling ------------------------------------------------------------------------
    def __call__(
        self,
        query,
        value=None,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores: bool = False,
        training=None,
        use_causal_mask: bool = False,
        **kwargs,
    ):
        if kwargs:
            raise ConfigError(
                f"MultiHeadAttention got unexpected call arguments {sorted(kwargs)}; it takes "
                "query, value, key, query_mask, value_mask, key_mask, attention_mask, "
                "return_attention_scores, training and use_causal_mask."
            )
        if value is None and isinstance(query, (list, tuple)) and 2 <= len(query) <= 4:
            items = list(query)  # [query, value, key?, attention_mask?] (a replayed node)
            query, value = items[0], items[1]
            key = items[2] if len(items) > 2 and key is None else key
            if len(items) > 3 and attention_mask is None:
                attention_mask = items[3]
        if value is None:
            raise MissingValueError(
                f"Layer '{self.name}' (MultiHeadAttention) needs a query and a value: call "
                "it as mha(query, value) (self-attention: mha(x, x))."
            )
        if self._flash_attention and return_attention_scores:
            raise ConfigError(
                "Returning attention scores is not supported when flash attention is "
                "enabled. Please disable flash attention to access attention scores."
            )
        tensors = (query, value, key, attention_mask, query_mask, value_mask, key_mask)
        if any(is_symbolic(t) for t in tensors if t is not None):
            return self._call_symbolic_attention(
                query,
                value,
                key,
                attention_mask,
                (query_mask, value_mask, key_mask),
                bool(return_attention_scores),
                bool(use_causal_mask),
                training,
            )
        if query_mask is not None and not self.reads_query_mask:
            _warn_query_mask(self)
        self._key_given = self._key_given or key is not None
        query, value = (_cast_keeping_mask(t, self.dtype) for t in (query, value))
        inputs = [query, value, value if key is None else _cast_keeping_mask(key, self.dtype)]
        if attention_mask is not None:
            inputs.append(bool_mask(attention_mask))
        return super().__call__(
            inputs,
            training=training,
            query_mask=query_mask if self.reads_query_mask else None,
            value_mask=value_mask,
            key_mask=key_mask,
            return_attention_scores=bool(return_attention_scores),
            use_causal_mask=bool(use_causal_mask),
        )

    def _call_symbolic_attention(
        self, query, value, key, attention_mask, masks, return_scores, causal, training
    ):
        named = {"query": query, "value": value, "key": key, "attention_mask": attention_mask}
        for name, t in named.items():
            if t is not None and not isinstance(t, KerasTensor):
                # an array computed inside a traced call (keras.io's causal mask, built
                # with ops from the inputs' shape): a constant of the graph
                constant = traced_constant(t)
                if constant is not None:
                    named[name] = constant
                    continue
                raise ConfigError(
                    f"Layer '{self.name}': in a functional model, `{name}` must be a symbolic "
                    "tensor (from Input or a layer) like the other inputs; received "
                    f"{type(t).__name__}."
                )
        query, value, key, attention_mask = named.values()
        # the masks given are further inputs of the node, after [query, value, key], in
        # the order `_EXTRA_INPUTS` names them (the graph's calls keep one such layout)
        given = dict(zip(_EXTRA_INPUTS, (attention_mask, *masks)))
        extras = {name: t for name, t in given.items() if t is not None}
        for name, t in extras.items():
            if name != "attention_mask" and not isinstance(t, KerasTensor):
                raise ConfigError(
                    f"Layer '{self.name}': in a functional model, `{name}` must be a "
                    f"symbolic tensor like the inputs; received {type(t).__name__}."
                )
        self._set_graph_options(
            {"use_causal_mask": causal, "return_attention_scores": return_scores}
        )
        self._key_given = self._key_given or key is not None
        inputs = [query, value, value if key is None else key, *extras.values()]
        in_shape = [tuple(t.shape) for t in inputs]
        self._maybe_build(in_shape)
        node = Node(self, inputs, self.compute_output_shape(in_shape), training=training)
        if tuple(extras) not in ((), _EXTRA_INPUTS[:1]):
            # (each call's own layout of mask inputs, which the model's run hands back)
            node.call_kwargs = {"mask_inputs": tuple(extras)}
        kwargs = {}
        if key is not None:
            kwargs["key"] = key
        kwargs.update(extras)
        if return_scores:
            kwargs["return_attention_scores"] = True
        if training is not None:
            kwargs["training"] = bool(training)
        if causal:
            kwargs["use_causal_mask"] = True
        record_call(node, [query, value], kwargs)
        return as_call_result(self, node.outputs_structure)

    def _maybe_build(self, input_shape) -> None:
        if not self.built:
            try:
                self.build(input_shape[:3])
            except Exception:
                self.built = False
                self._reset_build_state()
                raise
            return
        q, v, k = self._split_shapes(input_shape[:3], None, None)
        built = self._build_input_shape
        for what, got, want in zip(("query", "value", "key"), (q, v, k), built):
            if len(got) != len(want) or (got[-1] != want[-1] and None not in (got[-1], want[-1])):
                raise ShapeError(
                    f"Layer '{self.name}' was built for a {what} of shape {format_shape(want)}; "
                    f"it received {format_shape(got)}."
                )

    def _unpack(self, query, value, key, attention_mask, mask, mask_inputs):
        """(query, value, key, attention mask, query/value/key masks, number of inputs,
        the masks given as inputs) from either the graph form (one list: the query, value
        and key, then the masks the symbolic call gave, named by `mask_inputs`) or
        separate arguments."""
        n = None
        given = {}
        if value is None and isinstance(query, (list, tuple)):
            items = list(query)
            n = len(items)
            query, value = items[0], items[1]
            key = items[2] if n > 2 else None
            given = dict(zip(mask_inputs, items[3:]))
            attention_mask = given.pop("attention_mask", attention_mask)
        masks = [None, None, None]
        if mask is not None:
            inherited = list(mask) if isinstance(mask, (list, tuple)) else [mask]
            masks[: min(3, len(inherited))] = inherited[:3]
        if key is not None and key is value:
            # no key of its own (the value stands in): Keras fills `key_mask` only from a
            # key given, so an explicit `value_mask=` is not joined with the value's mask
            masks[2] = None
        return query, value, key, attention_mask, masks, n, given

    def call(
        self,
        query,
        value=None,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores=None,
        training: bool = False,
        use_causal_mask=None,
        mask=None,
        mask_inputs=_EXTRA_INPUTS[:1],
    ):
        out, scores, _ = self._attend(
            query,
            value,
            key,
            value_mask,
            key_mask,
            attention_mask,
            return_attention_scores,
            bool(training),
            use_causal_mask,
            mask,
            mask_inputs,
            keep=False,
            query_mask=query_mask,
        )
        return [out, scores] if scores is not None else out

    def forward(
        self,
        query,
        value=None,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores=None,
        training: bool = True,
        use_causal_mask=None,
        mask=None,
        mask_inputs=_EXTRA_INPUTS[:1],
    ):
        out, scores, cache = self._attend(
            query,
            value,
            key,
            value_mask,
            key_mask,
            attention_mask,
            return_attention_scores,
            bool(training),
            use_causal_mask,
            mask,
            mask_inputs,
            keep=True,
            query_mask=query_mask,
        )
        return ([out, scores] if scores is not None else out), cache

    def _attention_mask(self, query, value, masks, attention_mask, causal: bool):
        """Keras's `_compute_attention_mask`: every mask joined with AND, `(B, T, S)`
        (or broadcastable to it), or None."""
        xp = backend.xp
        query_mask, value_mask, key_mask = (bool_mask(m) for m in masks)
        auto = None
        if query_mask is not None:
            auto = query_mask[..., :, None]
        for m in (value_mask, key_mask):
            if m is not None:
                m = m[..., None, :]
                auto = m if auto is None else auto & m
        t, s = query.shape[1], value.shape[1]
        if causal:
            m = causal_mask(t, s)
            auto = m if auto is None else auto & m
        if self._sliding_window is not None:
            i, j = xp.arange(t)[:, None], xp.arange(s)[None, :]
            m = (xp.abs(i - j) < self._sliding_window)[None]
            auto = m if auto is None else auto & m
        attention_mask = bool_mask(attention_mask)
        if auto is not None:
            attention_mask = auto if attention_mask is None else attention_mask & auto
        return attention_mask

    def _attend(
        self,
        query,
        value,
        key,
        value_mask,
        key_mask,
        attention_mask,
        return_scores,
        training: bool,
        causal,
        mask,
        mask_inputs,
        keep: bool,
        query_mask=None,
    ):
        xp = backend.xp
        query, value, key, attention_mask, masks, n, given = self._unpack(
            query, value, key, attention_mask, mask, mask_inputs
        )
        # explicit value / key masks win over the inputs' own (Keras fills only missing
        # ones); an explicit query_mask is unused, as in Keras's MultiHeadAttention (its
        # GroupQueryAttention uses it, `reads_query_mask`)
        if self.reads_query_mask:
            query_mask = given.get("query_mask", query_mask)
            if query_mask is not None:
                masks[0] = query_mask
        value_mask = given.get("value_mask", value_mask)
        key_mask = given.get("key_mask", key_mask)
        if value_mask is not None:
            masks[1] = value_mask
        if key_mask is not None:
            masks[2] = key_mask
        key_is_value = key is None
        key = value if key is None else key
        return_scores = self._graph_option("return_attention_scores", return_scores)
        causal = self._graph_option("use_causal_mask", causal)
        full_mask = self._attention_mask(query, value, masks, attention_mask, causal)
        # Keras's explicit-scores path (else `ops.dot_product_attention`)
        explicit = self._dropout > 0.0 or return_scores
        caches, activity = {}, {}

        def project(layer, x, name):
            if keep:
                y, caches[name] = layer.forward(x, training=training)
            else:
                y = layer.call(x, training=training)
            # (Keras calls the projections through __call__: their activity penalties)
            activity[name] = inner_activity(layer, [y], keep)
            return y

        gate = project(self._gate_dense, query, "gate") if self._use_gate else None
        q = project(self._query_dense, query, "query")
        k = project(self._key_dense, key, "key")
        v = project(self._value_dense, value, "value")
        # Keras's einsum layout: (B, other axes, heads, attention axes, dim), the attention
        # axes flattened into one for the matmuls (rank 3: (B, heads, T, dim))
        qt, kt, vt = (t.transpose(self._perm) for t in (q, k, v))
        nb = qt.ndim - 1 - len(self._resolved_axes)
        scores_shape = qt.shape[:-1] + kt.shape[nb:-1]
        qh, kh, vh = (t.reshape(t.shape[:nb] + (-1, t.shape[-1])) for t in (qt, kt, vt))
        # only rank 3 takes Keras's `dot_product_attention` path
        explicit = explicit or q.ndim != 4
        scale = qh.dtype.type(self._inverse_sqrt_key_dim)
        if explicit:  # Keras scales the query first
            logits = xp.matmul(qh * scale, kh.swapaxes(-1, -2))
        else:  # dot_product_attention scales the products
            logits = xp.matmul(qh, kh.swapaxes(-1, -2)) * scale
        m4 = None
        if full_mask is not None:
            m4 = self._scores_mask(full_mask, scores_shape, nb)
            logits = xp.where(m4, logits, logits.dtype.type(large_negative(logits.dtype)))
        probs = softmax(logits)
        scores = probs
        if explicit and m4 is not None:
            scores = xp.where(m4, probs, probs.dtype.type(0))
        dropped, drop_cache = scores, None
        if self._dropout > 0.0 and training:
            dropped, drop_cache = self._dropout_layer.forward(scores, training=True)
        context = xp.matmul(dropped, vh)  # (B, other axes, heads, T, value_dim)
        heads = context.reshape(qt.shape[:-1] + context.shape[-1:]).transpose(self._inverse_perm)
        gated = heads * gate if gate is not None else heads
        out = project(self._output_dense, gated, "output")
        cache = None
        if keep:
            cache = {
                "dense": caches,
                "activity": activity,
                "qh": qh,
                "kh": kh,
                "vh": vh,
                "shapes_t": (qt.shape, kt.shape, vt.shape, scores_shape),
                "scale": scale,
                "explicit": explicit,
                "m4": m4,
                "probs": probs,
                "dropped": dropped,
                "drop": drop_cache,
                "heads": heads,
                "gate": gate,
                "return_scores": return_scores,
                "n": n,
                "key_is_value": key_is_value,
                "shapes": (query.shape, value.shape, key.shape),
            }
        return out, (scores.reshape(scores_shape) if return_scores else None), cache

    def _scores_mask(self, mask, scores_shape: tuple, nb: int):
        """The attention mask as Keras's `_masked_softmax` and `Softmax` take it: axes added
        before the query's attention axes up to the scores' rank, then each axis 1 or the
        scores' size; flattened over the attention axes as the scores are."""
        xp = backend.xp
        k = len(self._resolved_axes)
        while mask.ndim < len(scores_shape):
            if mask.ndim + 1 < 2 * k + 1:  # (Keras's expand_dims at an axis out of range)
                raise ShapeError(
                    f"Layer '{self.name}': the attention mask of shape {format_shape(mask.shape)}"
                    f" has too few axes for {k} attention axes: give at least {2 * k} "
                    "(query attention axes, key attention axes)."
                )
            mask = xp.expand_dims(mask, -2 * k - 1)
        if mask.ndim > len(scores_shape) or any(
            m not in (1, i) for m, i in zip(mask.shape[::-1], scores_shape[::-1])
        ):
            raise ShapeError(
                "The `mask` must be broadcastable to `inputs`. Each mask dimension must be 1 "
                f"or match the corresponding input dimension. Received: inputs.shape="
                f"{scores_shape}, mask.shape={tuple(mask.shape)}"
            )
        if k == 1:
            return mask
        mask = xp.broadcast_to(mask, mask.shape[:nb] + scores_shape[nb:])
        return mask.reshape(mask.shape[:nb] + (-1, int(math.prod(mask.shape[nb + k :]))))

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        xp = backend.xp
        c = cache
        if c["return_scores"]:
            g_out, g_scores = grad_output
        else:
            g_out, g_scores = grad_output, None
        dense, activity = c["dense"], c["activity"]
        g_out = plus_activity(g_out, activity["output"])
        d_gated = self._output_dense.backward(dense["output"], g_out, True)
        d_query_gate = None
        if c["gate"] is not None:
            d_gate = plus_activity(d_gated * c["heads"], activity["gate"])
            d_heads = d_gated * c["gate"]
            d_query_gate = self._gate_dense.backward(dense["gate"], d_gate, need_input_grad)
        else:
            d_heads = d_gated
        qt_shape, kt_shape, vt_shape, scores_shape = c["shapes_t"]
        d_context = d_heads.transpose(self._perm).reshape(c["dropped"].shape[:-1] + (-1,))
        d_vh = xp.matmul(c["dropped"].swapaxes(-1, -2), d_context)
        d_dropped = xp.matmul(d_context, c["vh"].swapaxes(-1, -2))
        if c["drop"] is not None:
            d_dropped = self._dropout_layer.backward(c["drop"], d_dropped)
        if g_scores is not None:
            d_scores = d_dropped + g_scores.reshape(d_dropped.shape)
        else:
            d_scores = d_dropped
        m4 = c["m4"]
        if c["explicit"] and m4 is not None:
            d_scores = xp.where(m4, d_scores, d_scores.dtype.type(0))
        d_logits = softmax_backward(c["probs"], d_scores)
        if m4 is not None:
            d_logits = xp.where(m4, d_logits, d_logits.dtype.type(0))
        qh, kh, scale = c["qh"], c["kh"], c["scale"]
        if c["explicit"]:  # logits = (q * scale) k^T
            d_qh = xp.matmul(d_logits, kh) * scale
            d_kh = xp.matmul(d_logits.swapaxes(-1, -2), qh * scale)
        else:  # logits = (q k^T) * scale
            d_raw = d_logits * scale
            d_qh = xp.matmul(d_raw, kh)
            d_kh = xp.matmul(d_raw.swapaxes(-1, -2), qh)
        d_q, d_k, d_v = (
            t.reshape(shape).transpose(self._inverse_perm)
            for t, shape in ((d_qh, qt_shape), (d_kh, kt_shape), (d_vh, vt_shape))
        )
        d_q, d_k, d_v = (
            plus_activity(d, activity[name])
            for d, name in ((d_q, "query"), (d_k, "key"), (d_v, "value"))
        )
        d_query = self._query_dense.backward(dense["query"], d_q, need_input_grad)
        d_key = self._key_dense.backward(dense["key"], d_k, need_input_grad)
        d_value = self._value_dense.backward(dense["value"], d_v, need_input_grad)
        if not need_input_grad:
            return None
        if d_query_gate is not None:
            d_query = d_query + d_query_gate
        n = c["n"]
        if c["key_is_value"]:  # (called with the value as the key)
            grads = [d_query, d_value + d_key]
        else:
            grads = [d_query, d_value, d_key]
        if n is not None and n > 3:
            grads += [None] * (n - 3)  # (the masks: no gradient)
        return grads

    # -- config -----------------------------------------------------------------------
    def get_config(self) -> dict:
        axes = self._attention_axes
        return {
            **super().get_config(),
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "use_gate": self._use_gate,
            "output_shape": self._output_shape,
            "attention_axes": tuple(axes) if isinstance(axes, list) else axes,
            "sliding_window": self._sliding_window,
            "kernel_initializer": initializers.serialize(self._kernel_initializer),
            "bias_initializer": initializers.serialize(self._bias_initializer),
            "kernel_regularizer": regularizers.serialize(self._kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self._bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer),
            "kernel_constraint": constraints.serialize(self._kernel_constraint),
            "bias_constraint": constraints.serialize(self._bias_constraint),
            "seed": self.seed,
        }

    def _repr_args(self) -> str:
        return f"num_heads={self._num_heads}, key_dim={self._key_dim}"


def _cast_keeping_mask(x, dtype):
    """`x` cast to the layer's dtype with the mask it carries (a float64 or float16 layer
    casts float32 inputs: their masks, which the call reads next, must follow)."""
    return set_array_mask(backend.cast_input(x, dtype), get_array_mask(x))


def _warn_query_mask(layer) -> None:
    if layer.__dict__.get("_query_mask_warned"):
        return
    layer._query_mask_warned = True
    warnings.warn(
        f"Layer '{layer.name}': Keras 3's MultiHeadAttention ignores `query_mask=` in a "
        "call (it reads the mask attached to the query tensor, which arrays do not have), "
        "and so does numkeras; pass `attention_mask=` (B, T, S) to mask query rows.",
        UserWarning,
        stacklevel=user_stacklevel(),
    )
