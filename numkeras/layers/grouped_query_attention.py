"""`GroupQueryAttention` (class `GroupedQueryAttention`), as Keras 3 computes it.

Grouped-query attention (Ainslie et al., 2023): `num_query_heads` query heads share
`num_key_value_heads` key/value heads (1: multi-query attention; equal: multi-head
attention). `query` `(B, T, dim)`, `value` `(B, S, dim_v)` and `key` `(B, S, dim_k)`
(default: the value) are projected by `EinsumDense` sublayers named `query`
(kernel `(dim, num_query_heads, head_dim)`), `key` and `value` (kernels
`(dim_*, num_key_value_heads, head_dim)`); the key and value heads are repeated to the
query's heads (query head h reads key/value head `h // (num_query_heads //
num_key_value_heads)`, Keras's `ops.repeat(axis=2)`), then the attention is
MultiHeadAttention's with scale `1 / sqrt(head_dim)`, and `attention_output` (kernel
`(num_query_heads, head_dim, dim)`) maps the heads back to the query's last size.

Masks, dropout, `use_causal_mask`, `sliding_window`, `use_gate` and
`return_attention_scores` (scores `(B, num_query_heads, T, S)`) behave as in
MultiHeadAttention (this class reuses its attention and backward pass; only the
projections and the head repeat differ), but for `query_mask=`: Keras's GroupQueryAttention
uses it (as an `attention_mask` of that row's keys all False), where its
MultiHeadAttention reads only the query's own mask. Sublayers are saved as Keras saves them:
`_query_dense/vars/0`, `_key_dense/...`, `_value_dense/...`, `_output_dense/...`
(and `_gate_dense`).

`activity_regularizer` is Keras's: a penalty on each of the layer's outputs (the scores
too, when returned), then one on each projection's output (the key and value heads before
their repeat). Deviation from Keras 3: no flash attention (numkeras has none;
`flash_attention=True` only forbids dropout and scores, as in Keras).

>>> import numpy as np
>>> gqa = GroupedQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2)
>>> x = np.ones((3, 5, 8), "float32")
>>> out, scores = gqa(x, x, return_attention_scores=True)
>>> out.shape, scores.shape
((3, 5, 8), (3, 4, 5, 5))
>>> [tuple(w.shape) for w in gqa.weights][:4]
[(8, 4, 2), (4, 2), (8, 2, 2), (2, 2)]
"""

from __future__ import annotations

from contextlib import contextmanager

from numkeras import backend, constraints, initializers, regularizers
from numkeras.errors import ConfigError, ShapeError
from numkeras.layers.dropout import Dropout
from numkeras.layers.einsum_dense import EinsumDense
from numkeras.layers.inner_activity import inner_activity, plus_activity
from numkeras.layers.layer import Layer
from numkeras.layers.multi_head_attention import MultiHeadAttention, _is_shape_list
from numkeras.layers.softmax import Softmax
from numkeras.utils.checks import is_int


class _RepeatedHeads:
    """A key/value projection seen with its heads repeated `repeats` times along axis 2
    (Keras's `ops.repeat(x, repeats, axis=2)`); its backward sums each group's gradient.
    The projection's activity penalty is on its own output, before the repeat, as Keras's
    (so the attention's own `inner_activity` finds no regularizer here)."""

    activity_regularizer = None

    def __init__(self, dense: EinsumDense, repeats: int):
        self.dense, self.repeats = dense, repeats

    def call(self, x, training=False):
        y = self.dense.call(x, training=training)
        inner_activity(self.dense, [y], False)
        return backend.xp.repeat(y, self.repeats, axis=2)

    def forward(self, x, training=True):
        y, cache = self.dense.forward(x, training=training)
        activity = inner_activity(self.dense, [y], True)
        return backend.xp.repeat(y, self.repeats, axis=2), (cache, activity)

    def backward(self, cache, grad_output, need_input_grad=True):
        cache, activity = cache
        b, s, n, d = grad_output.shape
        grad = grad_output.reshape(b, s, n // self.repeats, self.repeats, d).sum(axis=3)
        return self.dense.backward(cache, plus_activity(grad, activity), need_input_grad)


class GroupedQueryAttention(MultiHeadAttention):
    """Grouped-query attention (see the module docstring); Keras exports it as
    `keras.layers.GroupQueryAttention`, and writes that name as the `class_name` of a
    saved config, while its `.weights.h5` keys use the class's own snake-case name
    (`grouped_query_attention`); `keras_class_name` holds the former for the saver.

    >>> import numpy as np
    >>> gqa = GroupedQueryAttention(2, num_query_heads=6, num_key_value_heads=3)
    >>> gqa(np.ones((2, 4, 5)), np.ones((2, 7, 5))).shape
    (2, 4, 5)
    """

    keras_class_name = "GroupQueryAttention"
    reads_query_mask = True  # (Keras's GroupQueryAttention uses `query_mask=`)

    def __init__(
        self,
        head_dim: int,
        num_query_heads: int,
        num_key_value_heads: int,
        dropout: float = 0.0,
        use_bias: bool = True,
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
        for arg, value in (
            ("head_dim", head_dim),
            ("num_query_heads", num_query_heads),
            ("num_key_value_heads", num_key_value_heads),
        ):
            if not is_int(value) or value <= 0:
                raise ConfigError(
                    f"Received an invalid value for argument `{arg}`, expected a positive "
                    f"integer. Received: {arg}={value!r}"
                )
        if num_query_heads % num_key_value_heads != 0:
            raise ConfigError(
                "`num_query_heads` must be divisible by `num_key_value_heads`. Received: "
                f"num_query_heads={num_query_heads}, num_key_value_heads={num_key_value_heads}"
            )
        super().__init__(
            num_heads=num_query_heads,
            key_dim=head_dim,
            dropout=dropout,
            use_bias=use_bias,
            sliding_window=sliding_window,
            flash_attention=flash_attention,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            use_gate=use_gate,
            seed=seed,
            **kwargs,
        )
        self._num_key_value_heads = int(num_key_value_heads)
        # (Keras's GroupQueryAttention is also the layer's own: on its outputs, then the
        # projections', MultiHeadAttention's only the projections')
        self.activity_regularizer = self._activity_regularizer

    head_dim = property(lambda self: self._key_dim)
    num_query_heads = property(lambda self: self._num_heads)
    num_key_value_heads = property(lambda self: self._num_key_value_heads)
    num_repeats = property(lambda self: self._num_heads // self._num_key_value_heads)
    use_gate = property(lambda self: self._use_gate)
    sliding_window = property(lambda self: self._sliding_window)

    # -- build --------------------------------------------------------------------------
    def _dense(self, equation, heads, bias_axes, name, shape, activation=None) -> EinsumDense:
        layer = EinsumDense(
            equation,
            output_shape=(None, heads, self._key_dim),
            bias_axes=bias_axes if self._use_bias else None,
            activation=activation,
            name=name,
            **self._common_kwargs(),
        )
        layer.build(shape)
        return layer

    def build(self, query_shape, value_shape=None, key_shape=None) -> None:
        given_key = key_shape is not None
        query_shape, value_shape, key_shape = self._split_shapes(
            query_shape, value_shape, key_shape
        )
        self._key_given = self._key_given or given_key
        nq, nkv = self._num_heads, self._num_key_value_heads
        # Keras's equations and creation order (which is the order of `weights`)
        self._query_dense = self._dense("bqm,muh->bquh", nq, "uh", "query", query_shape)
        self._key_dense = self._dense("bkm,mvh->bkvh", nkv, "vh", "key", key_shape)
        dense = [self._query_dense, self._key_dense]
        if self._use_gate:
            self._gate_dense = self._dense(
                "bqm,muh->bquh", nq, "uh", "gate", query_shape, activation="sigmoid"
            )
            dense.append(self._gate_dense)
        self._value_dense = self._dense("bkm,mvh->bkvh", nkv, "vh", "value", value_shape)
        dense.append(self._value_dense)
        self._attention_axes = None  # (not a GQA option; MultiHeadAttention's is unused)
        self._softmax = Softmax(axis=-1, dtype=self.dtype)
        self._dropout_layer = Dropout(rate=self._dropout, dtype=self.dtype, seed=self.seed)
        self._output_dense = EinsumDense(
            "bquh,uhm->bqm",
            output_shape=(None, query_shape[-1]),
            bias_axes="m" if self._use_bias else None,
            name="attention_output",
            **self._common_kwargs(),
        )
        self._output_dense.build((None, None, nq, self._key_dim))
        dense.append(self._output_dense)
        self._dense_layers = dense
        self._extra_layers = [self._softmax, self._dropout_layer]
        for layer in dense:  # Keras's variable paths: `<gqa>/query/kernel`
            layer.trainable = self.trainable
            for v in layer._own_variables:
                v.path = f"{self.name}/{layer.name}/{v.name}"
        self._build_input_shape = [query_shape, value_shape, key_shape]
        self.built = True

    def _saved_children(self) -> list:
        """`(key, layer)` as Keras saves them: its attribute names `_query_dense`, ..."""
        if not self._dense_layers:
            return []
        out = [("_query_dense", self._query_dense), ("_key_dense", self._key_dense)]
        if self._use_gate:
            out.append(("_gate_dense", self._gate_dense))
        out += [("_value_dense", self._value_dense), ("_softmax", self._softmax)]
        return out + [
            ("_dropout_layer", self._dropout_layer),
            ("_output_dense", self._output_dense),
        ]

    # -- attention: MultiHeadAttention's, with the key/value heads repeated ----------------
    @contextmanager
    def _grouped_heads(self):
        key, value = self._key_dense, self._value_dense
        if self.num_repeats == 1:
            yield
            return
        # (plain dict writes: the proxies are not sublayers and must never be tracked)
        self.__dict__["_key_dense"] = _RepeatedHeads(key, self.num_repeats)
        self.__dict__["_value_dense"] = _RepeatedHeads(value, self.num_repeats)
        try:
            yield
        finally:
            self.__dict__["_key_dense"], self.__dict__["_value_dense"] = key, value

    def _attend(self, *args, **kwargs):
        with self._grouped_heads():
            return super()._attend(*args, **kwargs)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        with self._grouped_heads():
            return super().backward(cache, grad_output, need_input_grad)

    # -- shapes and config ------------------------------------------------------------------
    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        """The query's shape (and, in the graph form, the scores' `(B, num_query_heads, T,
        S)` when the layer returns them). As Keras, the query's and the value's last sizes
        must match here (an eager call does not check)."""
        if value_shape is None and _is_shape_list(query_shape):
            q, v = tuple(query_shape[0]), tuple(query_shape[1])
        else:
            q, v = tuple(query_shape), tuple(value_shape) if value_shape is not None else None
        if v is not None and q[-1] != v[-1]:
            raise ShapeError(
                "The last dimension of `query_shape` and `value_shape` must be equal, but are "
                f"{q[-1]}, {v[-1]}. Received: query_shape={q}, value_shape={v}"
            )
        return super().compute_output_shape(query_shape, value_shape, key_shape)

    def get_config(self) -> dict:
        return {
            **Layer.get_config(self),
            "head_dim": self._key_dim,
            "num_query_heads": self._num_heads,
            "num_key_value_heads": self._num_key_value_heads,
            "use_bias": self._use_bias,
            "use_gate": self._use_gate,
            "sliding_window": self._sliding_window,
            "dropout": self._dropout,
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
        return (
            f"head_dim={self._key_dim}, num_query_heads={self._num_heads}, "
            f"num_key_value_heads={self._num_key_value_heads}"
        )


GroupQueryAttention = GroupedQueryAttention
