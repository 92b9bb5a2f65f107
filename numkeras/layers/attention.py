"""`Attention`: Luong-style dot-product attention, as Keras 3 computes it.

Called on `[query, value]` or `[query, value, key]` (`(B, Tq, dim)`, `(B, Tv, dim_v)`,
`(B, Tv, dim)`; the key defaults to the value): the scores `(B, Tq, Tv)` are
`query @ key^T` (`score_mode="dot"`, times the trainable scalar `scale` with
`use_scale=True`) or `concat_score_weight * sum(tanh(scale * (query + key)))`
(`score_mode="concat"`, over the features); `softmax(scores) @ value` is the output.

Masks, as Keras 3: `mask=[query_mask, value_mask]` (in a model, the inputs' masks from
`Embedding(mask_zero=True)` or `Masking`): a masked value position has 1e9 subtracted
from its scores, `use_causal_mask=True` also hides later positions, and masked query rows
output zeros; the output keeps the query's mask. `dropout` drops attention weights in
training, and `return_attention_scores=True` returns `(output, weights)`, the weights
after dropout (as Keras).

>>> import numpy as np
>>> q, v = np.ones((2, 3, 4)), np.ones((2, 5, 4))
>>> Attention()([q, v]).shape
(2, 3, 4)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.backend import random
from numkeras.errors import ConfigError, ShapeError
from numkeras.layers.attention_utils import (
    GraphOptions,
    bool_mask,
    causal_mask,
    dropout_mask,
    record_call,
    softmax,
    softmax_backward,
)
from numkeras.layers.keras_tensor import KerasTensor, Node
from numkeras.layers.layer import Layer, as_call_result, is_symbolic


class Attention(GraphOptions, Layer):
    """Dot-product attention over `[query, value]` or `[query, value, key]` (see the
    module docstring).

    >>> import numpy as np
    >>> layer = Attention(use_scale=True, score_mode="concat")
    >>> out, weights = layer([np.ones((1, 2, 3)), np.ones((1, 4, 3))],
    ...                      return_attention_scores=True)
    >>> out.shape, weights.shape, [w.name for w in layer.weights]
    ((1, 2, 3), (1, 2, 4), ['scale', 'concat_score_weight'])
    """

    tuple_outputs = True  # several outputs come back as a tuple, as in Keras

    _OPTIONS = {"use_causal_mask": False, "return_attention_scores": False}
    supports_masking = True
    # the keywords of a call that a functional config's node records (and a load replays)
    replayed_call_kwargs = ("return_attention_scores", "training", "use_causal_mask")

    def __init__(
        self,
        use_scale: bool = False,
        score_mode: str = "dot",
        dropout: float = 0.0,
        seed: int | None = None,
        **kwargs,
    ):
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)):
            raise ConfigError(f"`dropout` must be a number in [0, 1), received {dropout!r}.")
        if not 0 <= dropout < 1:
            raise ConfigError(f"`dropout` must be a number in [0, 1), received {dropout!r}.")
        super().__init__(**kwargs)
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = float(dropout)
        self.seed = seed
        self._rng = random.make_generator(seed) if seed is not None else None
        if self.score_mode not in ["dot", "concat"]:
            raise ConfigError(
                "Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. "
                f"Received: score_mode={score_mode}"
            )
        self.scale = None
        self.concat_score_weight = None

    # -- inputs ---------------------------------------------------------------------------
    def _validate_inputs(self, inputs, mask=None) -> None:
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)):
            raise ShapeError(
                f"{name} layer must be called on a list of inputs, namely [query, value] or "
                f"[query, value, key]. Received: inputs={inputs}."
            )
        if len(inputs) < 2 or len(inputs) > 3:
            raise ShapeError(
                f"{name} layer accepts inputs list of length 2 or 3, namely [query, value] "
                f"or [query, value, key]. Received length: {len(inputs)}."
            )
        if mask is not None:
            if not isinstance(mask, (list, tuple)):
                raise ShapeError(
                    f"{name} layer mask must be a list, namely [query_mask, value_mask]. "
                    f"Received: mask={mask}."
                )
            if len(mask) < 2 or len(mask) > 3:
                raise ShapeError(
                    f"{name} layer accepts mask list of length 2 or 3. Received: "
                    f"inputs={inputs}, mask={mask}."
                )

    def _check_shapes(self, input_shape) -> tuple:
        self._validate_inputs(input_shape)
        q, v = tuple(input_shape[0]), tuple(input_shape[1])
        k = tuple(input_shape[2]) if len(input_shape) > 2 else v
        if len(q) < 3 or len(v) != len(q) or len(k) != len(q):
            raise ShapeError(
                f"Layer '{self.name}' ({type(self).__name__}) takes a query (batch, Tq, dim), "
                f"a value (batch, Tv, dim_v) and a key (batch, Tv, dim); received shapes "
                f"{[q, v, k]}."
            )
        if None not in (q[-1], k[-1]) and q[-1] != k[-1]:
            raise ShapeError(
                f"Layer '{self.name}' ({type(self).__name__}): the query's and the key's last "
                f"axes must match; received {q[-1]} and {k[-1]}."
            )
        return q, v, k

    # -- build ------------------------------------------------------------------------------
    def build(self, input_shape) -> None:
        self._check_shapes(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight((), initializer="ones", name="scale")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(
                (), initializer="ones", name="concat_score_weight"
            )

    def _reset_build_state(self) -> None:
        self.scale = self.concat_score_weight = None

    def compute_output_shape(self, input_shape):
        q, v, k = self._check_shapes(input_shape)
        out = (*q[:-1], v[-1])
        if self._graph_option("return_attention_scores"):
            return [out, (*q[:-1], k[-2])]
        return out

    def compute_mask(self, inputs, mask=None):
        """The query's mask (Keras's `compute_mask`: `mask[0]`)."""
        if mask is None:
            return None
        if isinstance(mask, (list, tuple)):
            return mask[0] if mask else None
        return mask

    # -- calling ----------------------------------------------------------------------------
    def __call__(
        self,
        inputs,
        mask=None,
        training=None,
        return_attention_scores: bool | None = None,
        use_causal_mask: bool | None = None,
        **kwargs,
    ):
        # (None: not given; a symbolic call records what was given, False too, as Keras)
        given = {
            k: bool(v)
            for k, v in (
                ("return_attention_scores", return_attention_scores),
                ("use_causal_mask", use_causal_mask),
            )
            if v is not None
        }
        if kwargs:
            raise ConfigError(
                f"{type(self).__name__} got unexpected call arguments {sorted(kwargs)}; it "
                "takes inputs, mask, training, return_attention_scores and use_causal_mask."
            )
        self._validate_inputs(inputs, mask)
        if is_symbolic(list(inputs)) or (mask is not None and is_symbolic(list(mask))):
            return self._call_symbolic_attention(list(inputs), mask, training, given)
        return super().__call__(
            list(inputs),
            training=training,
            mask=mask,
            return_attention_scores=bool(return_attention_scores),
            use_causal_mask=bool(use_causal_mask),
        )

    def _call_symbolic_attention(self, inputs, mask, training, given: dict):
        return_scores = given.get("return_attention_scores", False)
        causal = given.get("use_causal_mask", False)
        if not all(isinstance(t, KerasTensor) for t in inputs):
            raise ConfigError(
                f"Layer '{self.name}': in a functional model, the query, value and key must "
                "all be symbolic tensors (from Input or a layer)."
            )
        if mask is not None:  # [query_mask, value_mask(, key_mask)]: symbolic or None
            mask = list(mask)
            if not all(m is None or isinstance(m, KerasTensor) for m in mask):
                raise ConfigError(
                    f"Layer '{self.name}': in a functional model, `mask=` takes symbolic "
                    "tensors (or None), not arrays; compute the masks from the inputs, or "
                    "let Embedding(mask_zero=True) or Masking give them."
                )
            if all(m is None for m in mask):
                mask = None
        self._set_graph_options(
            {"use_causal_mask": causal, "return_attention_scores": return_scores}
        )
        in_shape = [tuple(t.shape) for t in inputs]
        self._maybe_build(in_shape)
        out_shape = self.compute_output_shape(in_shape)
        node = Node(self, inputs, out_shape, training=training, mask=mask)
        kwargs = {} if mask is None else {"mask": mask}
        if training is not None:
            kwargs["training"] = bool(training)
        kwargs.update(given)
        record_call(node, [inputs], kwargs)
        return as_call_result(self, node.outputs_structure)

    def call(
        self,
        inputs,
        mask=None,
        training: bool = False,
        return_attention_scores=None,
        use_causal_mask=None,
    ):
        out, weights, _ = self._attend(
            inputs, mask, bool(training), return_attention_scores, use_causal_mask, keep=False
        )
        return [out, weights] if weights is not None else out

    def forward(
        self,
        inputs,
        mask=None,
        training: bool = True,
        return_attention_scores=None,
        use_causal_mask=None,
    ):
        out, weights, cache = self._attend(
            inputs, mask, bool(training), return_attention_scores, use_causal_mask, keep=True
        )
        return ([out, weights] if weights is not None else out), cache

    # -- the computation --------------------------------------------------------------------
    def _calculate_scores(self, query, key):
        """(scores `(B, Tq, Tv)`, what their backward pass needs)."""
        xp = backend.xp
        if self.score_mode == "dot":
            raw = xp.matmul(query, key.swapaxes(-1, -2))
            if self.scale is None:
                return raw, (query, key, raw)
            return raw * self.scale.value.astype(raw.dtype), (query, key, raw)
        summed = query[..., :, None, :] + key[..., None, :, :]  # (B, Tq, Tv, dim)
        pre = summed
        if self.scale is not None:
            pre = self.scale.value.astype(summed.dtype) * summed
        t = xp.tanh(pre)
        total = t.sum(axis=-1)
        scores = self.concat_score_weight.value.astype(t.dtype) * total
        return scores, (query, key, summed, t, total)

    def _scores_backward(self, cache, d_scores):
        """(d query, d key), adding the weights' gradients."""
        xp = backend.xp
        if self.score_mode == "dot":
            query, key, raw = cache
            if self.scale is not None:
                if self.scale.wants_grad:
                    self.scale.add_grad((d_scores * raw).sum().astype(self.scale.dtype))
                d_scores = d_scores * self.scale.value.astype(d_scores.dtype)
            return xp.matmul(d_scores, key), xp.matmul(d_scores.swapaxes(-1, -2), query)
        _, _, summed, t, total = cache
        csw = self.concat_score_weight
        if csw.wants_grad:
            csw.add_grad((d_scores * total).sum().astype(csw.dtype))
        d_pre = (d_scores * csw.value.astype(d_scores.dtype))[..., None] * (1 - t * t)
        if self.scale is not None:
            if self.scale.wants_grad:
                self.scale.add_grad((d_pre * summed).sum().astype(self.scale.dtype))
            d_pre = d_pre * self.scale.value.astype(d_pre.dtype)
        return d_pre.sum(axis=-2), d_pre.sum(axis=-3)

    def _attend(self, inputs, mask, training, return_scores, causal, keep):
        xp = backend.xp
        self._validate_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        return_scores = self._graph_option("return_attention_scores", return_scores)
        causal = self._graph_option("use_causal_mask", causal)
        q_mask = bool_mask(mask[0]) if mask else None
        v_mask = bool_mask(mask[1]) if mask else None
        scores, score_cache = self._calculate_scores(query, key)
        scores_mask = v_mask
        if causal:
            cm = causal_mask(scores.shape[-2], scores.shape[-1])
            scores_mask = cm if v_mask is None else v_mask[..., None, :] & cm
        if scores_mask is not None:
            padding = ~scores_mask
            if padding.ndim == 2:
                padding = padding[..., None, :]
            max_value = 65504.0 if scores.dtype == xp.float16 else 1.0e9
            scores = xp.where(padding, scores - scores.dtype.type(max_value), scores)
        weights = softmax(scores)
        dropped, drop = weights, None
        if training and self.dropout > 0:
            generator = self._rng if self._rng is not None else random.global_generator()
            drop = dropout_mask(weights.shape, self.dropout, generator, weights.dtype)
            dropped = weights * drop
        out = xp.matmul(dropped, value)
        if q_mask is not None:
            out = xp.where(q_mask[..., None], out, out.dtype.type(0))
        cache = None
        if keep:
            shapes_in = [x.shape for x in inputs]
            cache = (score_cache, weights, drop, dropped, value, q_mask, return_scores, shapes_in)
        return out, (dropped if return_scores else None), cache

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        xp = backend.xp
        score_cache, weights, drop, dropped, value, q_mask, return_scores, shapes_in = cache
        n = len(shapes_in)
        g_out, g_weights = grad_output if return_scores else (grad_output, None)
        if q_mask is not None:
            g_out = xp.where(q_mask[..., None], g_out, g_out.dtype.type(0))
        d_value = xp.matmul(dropped.swapaxes(-1, -2), g_out)
        d_dropped = xp.matmul(g_out, value.swapaxes(-1, -2))
        if g_weights is not None:
            d_dropped = d_dropped + g_weights
        d_weights = d_dropped * drop if drop is not None else d_dropped
        d_scores = softmax_backward(weights, d_weights)
        d_query, d_key = self._scores_backward(score_cache, d_scores)
        if not need_input_grad:
            return None
        # (an input of one sample beside a batch, keras.io's Perceiver's latent query,
        # broadcast in the products: its gradient is summed back to its shape)
        d_query = backend.sum_to_shape(d_query, shapes_in[0])
        if n > 2:
            d_value = backend.sum_to_shape(d_value, shapes_in[1])
            return [d_query, d_value, backend.sum_to_shape(d_key, shapes_in[2])]
        return [d_query, backend.sum_to_shape(d_value + d_key, shapes_in[1])]

    # -- config -----------------------------------------------------------------------------
    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "use_scale": self.use_scale,
            "score_mode": self.score_mode,
            "dropout": self.dropout,
            "seed": self.seed,
        }

    def _repr_args(self) -> str:
        return "use_scale=True" if self.use_scale else ""
