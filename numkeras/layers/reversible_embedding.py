"""`ReversibleEmbedding`: an Embedding that can also project back to the vocabulary, as
Keras 3's (`layer(hidden, reverse=True)`: the logits `hidden @ embeddings.T`), so a
language model's input and output layers share one table ("tied weights").

With `tie_weights=False` the reverse projection has its own `(output_dim, input_dim)`
weight `reverse_embeddings`. With `logit_soft_cap=c` the logits become
`tanh(logits / c) * c`. As in Keras, the embedding call gives a direct call's output the
`ids != 0` mask (`mask_zero=True`), but `compute_mask` gives none, so in a model the
mask does not pass on.

int8 quantization, as Keras 3.15's (`quantize("int8")`, `model.quantize("int8")`): the
table per row as Embedding's, an untied `reverse_embeddings` per vocabulary column with
its `reverse_embeddings_scale`; see `quantize`.

LoRA, as Keras 3's (Embedding's: `enable_lora(rank)`; `layers/lora.py`): the table
frozen, its factors `lora_embeddings_a` / `lora_embeddings_b` trained through both calls
(tied, the reverse projection uses the merged table transposed); an untied
`reverse_embeddings` has no LoRA and stays trainable. Files hold the merged table.

>>> import numpy as np
>>> layer = ReversibleEmbedding(100, 8)
>>> hidden = layer(np.array([[4, 20, 7]]))
>>> hidden.shape, layer(hidden, reverse=True).shape
((1, 3, 8), (1, 3, 100))
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.layers import lora, quantization
from numkeras.layers.embedding import Embedding
from numkeras.layers.layer import set_array_mask


class ReversibleEmbedding(Embedding):
    """Keras 3's `ReversibleEmbedding(input_dim, output_dim, tie_weights=True, ...,
    reverse_dtype=None, logit_soft_cap=None)`; the other arguments are `Embedding`'s.
    Call it with `reverse=True` (a keyword a graph keeps with the call, as Keras) to
    project `(batch, ..., output_dim)` back to `(batch, ..., input_dim)`."""

    graph_call_keywords = ("reverse",)

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        tie_weights: bool = True,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero: bool = False,
        reverse_dtype=None,
        logit_soft_cap=None,
        **kwargs,
    ):
        super().__init__(
            input_dim,
            output_dim,
            embeddings_initializer=embeddings_initializer,
            embeddings_regularizer=embeddings_regularizer,
            embeddings_constraint=embeddings_constraint,
            mask_zero=mask_zero,
            **kwargs,
        )
        if reverse_dtype is not None and np.dtype(reverse_dtype).kind != "f":
            raise ConfigError(f"`reverse_dtype` must be a float dtype; received {reverse_dtype!r}.")
        self.tie_weights = bool(tie_weights)
        self.reverse_dtype = None if reverse_dtype is None else np.dtype(reverse_dtype).name
        self.logit_soft_cap = logit_soft_cap
        self.supports_masking = False  # (compute_mask gives none: Keras masks in call)
        self.reverse_embeddings = None

    def _saved_variables(self) -> list:
        # (the table, merged with LoRA, then Keras's "reverse_embeddings" (and int8 scale))
        own = self._named_variables("reverse_embeddings", "reverse_embeddings_scale")
        return super()._saved_variables() + own

    def _add_weights(self) -> None:
        # (before LoRA's factors: Keras's `build` with `lora_rank` and untied weights
        # fails adding this weight after them; `enable_lora` afterwards gives this order)
        super()._add_weights()
        if not self.tie_weights and self.quantization_mode is None:  # (int8: _int8_build)
            self.reverse_embeddings = self.add_weight(
                (self.output_dim, self.input_dim),
                initializer=self.embeddings_initializer,
                name="reverse_embeddings",
            )

    def _reset_build_state(self) -> None:
        super()._reset_build_state()
        self.reverse_embeddings = None

    # -- int8 (Keras 3's: the table per row, an untied reverse table per column) -------
    def quantize(self, mode: str | None = None, type_check: bool = True, config=None) -> None:
        """Embedding's int8 quantization of the table, and an untied `reverse_embeddings`
        quantized per vocabulary column (`reverse_embeddings_scale` `(input_dim,)`), as
        Keras 3.15. The reverse call then quantizes its inputs per row and divides the
        exact int8 product by both scales.

        >>> layer = ReversibleEmbedding(10, 3, tie_weights=False)
        >>> layer.build()
        >>> layer.quantize("int8")
        >>> [(w.name, str(w.dtype)) for w in layer.weights][2:]
        [('reverse_embeddings', 'int8'), ('reverse_embeddings_scale', 'float32')]
        """
        quantization.check_quantize(self, mode, type_check, ReversibleEmbedding, config)
        if not self.tie_weights:
            reverse_q, reverse_scale = quantization.abs_max_quantize(
                self.reverse_embeddings.value, axis=0
            )
            quantization.untrack(self, self.reverse_embeddings)
        super().quantize(mode, type_check=False)  # (its `_int8_build` adds the reverse's)
        if not self.tie_weights:
            self.reverse_embeddings.assign(reverse_q)
            self.reverse_embeddings_scale.assign(reverse_scale[0])

    def _int8_build(self) -> None:
        super()._int8_build()
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(
                (self.output_dim, self.input_dim), initializer="zeros", dtype="int8",
                trainable=False, name="reverse_embeddings",
            )  # fmt: skip
            self.reverse_embeddings_scale = self.add_weight(
                (self.input_dim,), initializer="ones", trainable=False,
                name="reverse_embeddings_scale",
            )  # fmt: skip

    def _int8_project(self, hidden):
        """Keras's int8 reverse call: the int8 table (LoRA's update and `reverse_dtype`
        not applied, as Keras's), the inputs quantized per row."""
        if self.tie_weights:
            kernel, scale = self._embeddings.value.T, self.embeddings_scale.value
        else:
            kernel, scale = self.reverse_embeddings.value, self.reverse_embeddings_scale.value
        dtype = np.dtype(self.compute_dtype)
        return quantization.int8_matmul(hidden.astype(dtype, copy=False), kernel, scale)

    def compute_output_shape(self, input_shape, reverse: bool = False):
        if reverse:
            return (*tuple(input_shape)[:-1], self.input_dim)
        return super().compute_output_shape(input_shape)

    def _makes_mask(self) -> bool:
        return False

    def compute_mask(self, inputs, mask=None):
        return None

    def __call__(self, inputs, training=None, reverse: bool = False, **kwargs):
        if reverse:  # hidden states, not ids: the base Layer's call
            return super(Embedding, self).__call__(inputs, training=training, reverse=True)
        out = super().__call__(inputs, training=training, **kwargs)
        if self.mask_zero and not hasattr(out, "node"):  # a direct call, as Keras's call
            out = set_array_mask(out, backend.xp.asarray(inputs) != 0)
        return out

    # -- the reverse projection ------------------------------------------------------
    def _kernel(self):
        """The `(output_dim, input_dim)` projection: the table (LoRA's update merged in)
        transposed, or its own."""
        return self._embeddings_value().T if self.tie_weights else self.reverse_embeddings.value

    def _project(self, hidden):
        """Logits (soft-capped) and what the backward pass needs (int8: the logits
        before the cap, in place of the kernel)."""
        if self.quantization_mode is not None:
            kernel = logits = self._int8_project(hidden)
        else:
            kernel = self._kernel()
            if self.reverse_dtype is not None:
                hidden = hidden.astype(self.reverse_dtype)
                kernel = kernel.astype(self.reverse_dtype)
            logits = hidden @ kernel
        capped = None
        if self.logit_soft_cap is not None:
            cap = logits.dtype.type(self.logit_soft_cap)
            capped = backend.xp.tanh(logits / cap)
            logits = capped * cap
        return logits, (hidden, kernel, capped)

    def call(self, inputs, reverse: bool = False, training: bool = False):
        # (`reverse` second, as Keras's `call(inputs, reverse=False)` takes it)
        if not reverse:
            return super().call(inputs, training)
        return self._project(backend.xp.asarray(inputs))[0]

    def forward(self, inputs, training: bool = True, reverse: bool = False):
        if not reverse:
            out, idx = super().forward(inputs, training)
            return out, ("ids", idx)
        logits, saved = self._project(backend.xp.asarray(inputs))
        return logits, ("reverse", saved, inputs.dtype)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if cache[0] == "ids":
            return super().backward(cache[1], grad_output, need_input_grad)
        _, (hidden, kernel, capped), in_dtype = cache
        g = grad_output.astype(kernel.dtype, copy=False)
        if capped is not None:  # d(tanh(l / c) * c) / dl = 1 - tanh(l / c)**2
            g = g * (1 - capped * capped)
        if self.quantization_mode is not None:
            if not need_input_grad:
                return None
            return _int8_input_grad(hidden, kernel, g).astype(in_dtype, copy=False)
        flat_h = hidden.reshape(-1, hidden.shape[-1])
        flat_g = g.reshape(-1, g.shape[-1])
        if self.tie_weights:
            self._add_table_grad(lambda: flat_g.T @ flat_h)
        elif self.reverse_embeddings.wants_grad:
            grad = flat_h.T @ flat_g
            self.reverse_embeddings.add_grad(grad.astype(self.reverse_embeddings.dtype, copy=False))
        if not need_input_grad:
            return None
        return (g @ kernel.T).astype(in_dtype, copy=False)

    _lora_backward = backward  # (the tied gradient reaches LoRA's factors)

    def _add_table_grad(self, grad) -> None:
        """Add the table's gradient `grad()` (computed only if wanted): to LoRA's factors
        when enabled (the frozen table gets none), else to the table."""
        if self.lora_enabled:
            a, b = self.lora_embeddings_a, self.lora_embeddings_b
            if a.wants_grad or b.wants_grad:
                lora.add_factor_grads(a, b, grad(), self.lora_alpha, self.lora_rank)
        elif self._embeddings.wants_grad:
            self._embeddings.add_grad(grad().astype(self._embeddings.dtype, copy=False))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "tie_weights": self.tie_weights,
            "reverse_dtype": self.reverse_dtype,
            "logit_soft_cap": self.logit_soft_cap,
        }


def _int8_input_grad(hidden, logits, g):
    """The inputs' gradient of Keras's int8 reverse call: its rounding passes none, so
    only the inputs' scale `127 / (max|x| + eps)` does: `logits` is proportional to
    `max|x| + eps`, whose gradient goes to the row's largest `|x|` (shared among ties)."""
    xp = backend.xp
    big = xp.max(xp.abs(hidden), axis=-1, keepdims=True)
    d_big = xp.sum(g * logits, axis=-1, keepdims=True) / (big + hidden.dtype.type(1e-7))
    at_max = (xp.abs(hidden) == big).astype(hidden.dtype)
    ties = xp.sum(at_max, axis=-1, keepdims=True)
    return d_big * xp.sign(hidden) * at_max / ties
