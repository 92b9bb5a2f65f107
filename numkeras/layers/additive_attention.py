"""`AdditiveAttention`: Bahdanau-style attention, as Keras 3 computes it.

As `Attention` (the same inputs, masks, dropout, causal mask and returned weights), but
the scores are `sum(scale * tanh(query + key), axis=-1)` over the features, with a
trainable `scale` of the query's last size (glorot-uniform initialized) when
`use_scale=True` (the default), else 1.

>>> import numpy as np
>>> layer = AdditiveAttention()
>>> layer([np.ones((2, 3, 4)), np.ones((2, 5, 4))]).shape
(2, 3, 4)
>>> [tuple(w.shape) for w in layer.weights]
[(4,)]
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ShapeError
from numkeras.layers.attention import Attention


class AdditiveAttention(Attention):
    """Additive attention over `[query, value]` or `[query, value, key]`.

    >>> import numpy as np
    >>> AdditiveAttention(use_scale=False)([np.ones((1, 2, 3)), np.ones((1, 4, 3))]).shape
    (1, 2, 3)
    """

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape) -> None:
        q, _, _ = self._check_shapes(input_shape)
        if q[-1] is None:
            raise ShapeError(
                f"Layer '{self.name}': the query's last axis must be known to create `scale`; "
                f"received shape {q}."
            )
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight((q[-1],), initializer="glorot_uniform", name="scale")

    def _calculate_scores(self, query, key):
        xp = backend.xp
        t = xp.tanh(query[..., :, None, :] + key[..., None, :, :])  # (B, Tq, Tv, dim)
        if self.scale is None:
            return t.sum(axis=-1), (t,)
        return (self.scale.value.astype(t.dtype) * t).sum(axis=-1), (t,)

    def _scores_backward(self, cache, d_scores):
        (t,) = cache
        d_t = d_scores[..., None]
        if self.scale is not None:
            if self.scale.wants_grad:
                g = (d_t * t).reshape(-1, t.shape[-1]).sum(axis=0)
                self.scale.add_grad(g.astype(self.scale.dtype))
            d_t = d_t * self.scale.value.astype(d_t.dtype)
        d_pre = d_t * (1 - t * t)
        return d_pre.sum(axis=-2), d_pre.sum(axis=-3)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["score_mode"]
        return config
