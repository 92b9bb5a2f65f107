"""What the attention layers share: the masked softmax with its backward pass, boolean
masks, and the call options (`use_causal_mask`, `return_attention_scores`) of a layer
called in a functional graph.

Keras records a layer's call options with each call (a node's `kwargs`). numkeras's
graph executor runs a layer on a list of input tensors, without per-call options, so an
attention layer keeps the options of its calls on symbolic tensors: every graph call of
one layer must use the same ones (a second call with other options is refused, so it
cannot silently change what the first computes). The node still records the call as
Keras wrote it (`Node.call_arguments`), which configs and `clone_model` replay.

>>> import numpy as np
>>> p = softmax(np.array([[0.0, 0.0, -1e9]]))
>>> p.round(3).tolist()
[[0.5, 0.5, 0.0]]
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ConfigError


def large_negative(dtype) -> float:
    """What a masked score becomes before the softmax (Keras's `_large_negative_number`)."""
    return -3e4 if backend.xp.dtype(dtype) == backend.xp.float16 else -1e9


def softmax(x):
    """Softmax over the last axis, `exp(x - max) / sum` (Keras's, and JAX's, formula)."""
    xp = backend.xp
    e = xp.exp(x - x.max(axis=-1, keepdims=True))
    e /= e.sum(axis=-1, keepdims=True)
    return e


def softmax_backward(p, dp):
    """The gradient of the logits, given the softmax output `p` and its gradient `dp`."""
    return p * (dp - (dp * p).sum(axis=-1, keepdims=True))


def bool_mask(mask):
    """A mask as booleans: nonzero is True (Keras casts attention masks to bool)."""
    if mask is None:
        return None
    m = backend.xp.asarray(mask)
    return m if m.dtype == bool else m != 0


def causal_mask(t: int, s: int):
    """Keras's causal mask, `(1, T, S)`: query i sees keys j <= i."""
    xp = backend.xp
    return (xp.arange(t)[:, None] >= xp.arange(s)[None, :])[None]


class GraphOptions:
    """A mixin: the call options of a layer's calls on symbolic tensors (see the module
    docstring). `_OPTIONS` names them, with their defaults."""

    _OPTIONS: dict = {}

    def _set_graph_options(self, options: dict) -> None:
        current = self.__dict__.get("_graph_options")
        if current is not None and current != options:
            changed = ", ".join(
                f"{k}={options[k]} (before: {current[k]})"
                for k in options
                if options[k] != current[k]
            )
            raise ConfigError(
                f"Layer '{self.name}' ({type(self).__name__}) was already called on symbolic "
                f"tensors with other options; this call has {changed}. numkeras runs every "
                "graph call of one attention layer with the same call options: build the "
                "first model with these options too (e.g. return_attention_scores=True, "
                "ignoring the scores output), or use another layer."
            )
        self._graph_options = dict(options)

    def _graph_option(self, name: str, given=None):
        """`given` when the call says it (not None), else the graph calls' option."""
        if given is not None:
            return bool(given)
        options = self.__dict__.get("_graph_options") or {}
        return bool(options.get(name, self._OPTIONS[name]))


def record_call(node, args: list, kwargs: dict) -> None:
    """Keep on `node` the call as Keras writes it in a config (`args`, `kwargs` with the
    symbolic tensors in place): functional configs save it, `clone_model` replays it."""
    node.call_arguments = (list(args), dict(kwargs))


def dropout_mask(shape: tuple, rate: float, generator, dtype):
    """An inverted-dropout mask (0, or `1 / (1 - rate)` with probability `1 - rate`) drawn
    as numkeras's Dropout draws its masks (one counter-based draw from `generator`)."""
    from numkeras.backend import random

    xp = backend.xp
    key = random.bits_key(generator)
    bits = random.counter_bits(tuple(shape), key, xp)
    threshold = min(round(rate * 2.0**32), 2**32 - 1)
    keep = bits >= xp.uint32(threshold)
    return keep.astype(dtype) * xp.dtype(dtype).type(1.0 / (1.0 - rate))
