"""Goldens for tests/layers/test_layer_args_2.py: what the layer-argument differential
(scripts/fuzz/fuzz_layer_args.py, seeds 3000-3030, with session 25's extra draws) found,
as Keras 3 does it (JAX, unless a scenario says torch):

- the normalization layers' `axis` outside the input's rank: the built-in exception type
  Keras raises, eager and symbolic (IndexError for LayerNormalization, RMSNormalization,
  BatchNormalization and GroupNormalization; ValueError for UnitNormalization);
- a stateful RNN of a list of cells: the states carried over two calls, and the outputs
  after `reset_states()` (Keras 3.15 crashes there: its states are nested lists; the
  goldens zero them one by one);
- RNN(zero_output_for_mask=True) on masked steps (Keras's scan loop, `unroll=False`; its
  unrolled loop ignores the argument, a Keras bug numkeras does not copy);
- MultiHeadAttention with `value_dim != key_dim` (torch: Keras-JAX's fused attention
  crashes there, "cannot reshape array"): outputs and scores with seeded weights.

    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_layer_args_2.py
    KERAS_BACKEND=torch /work/kenv/bin/python scripts/goldens/make_layer_args_2.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "layer_args_2.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def _seeded(layer, seed: int = 3) -> None:
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in layer.get_weights()])


AXES = {
    "LayerNormalization": [[1, 2], 2, -3],
    "RMSNormalization": [2, -3],
    "BatchNormalization": [2, -3],
    "GroupNormalization": [2, -3],
    "UnitNormalization": [2, [1, 2]],
}


@scenario
def normalization_axis_out_of_range(K):
    """`axis` outside a rank-2 input: the exception type, eager and in a model."""
    x = np.ones((2, 6), "float32")
    out = {}
    for name, axes in AXES.items():
        for axis in axes:
            kw = {"axis": axis, **({"groups": 1} if name == "GroupNormalization" else {})}

            def eager(name=name, kw=kw):
                getattr(K.layers, name)(**kw)(x)

            def symbolic(name=name, kw=kw):
                getattr(K.layers, name)(**kw)(K.Input((6,)))

            out[f"{name}/{axis}"] = [builtin_error(eager), builtin_error(symbolic)]
    return out


def _mha(K, **kw):
    rng = np.random.default_rng(5)
    q = rng.normal(size=(2, 4, 4)).astype("float32")
    v = rng.normal(size=(2, 5, 3)).astype("float32")
    layer = K.layers.MultiHeadAttention(**kw)
    layer(q, v)
    _seeded(layer)
    y, scores = layer(q, v, return_attention_scores=True)
    y_causal = layer(q, v, use_causal_mask=True)
    return {
        "weights": [list(w.shape) for w in layer.get_weights()],
        "output": K.ops.convert_to_numpy(y).round(6).ravel().tolist(),
        "scores": K.ops.convert_to_numpy(scores).round(6).ravel().tolist(),
        "causal": K.ops.convert_to_numpy(y_causal).round(6).ravel().tolist(),
        "shape": list(np.shape(y)),
    }


MHA_CASES = {
    "heads1_key3_value2": {"num_heads": 1, "key_dim": 3, "value_dim": 2},
    "heads2_key2_value3_out5": {"num_heads": 2, "key_dim": 2, "value_dim": 3, "output_shape": 5},
    "heads2_key3_value2_nobias": {"num_heads": 2, "key_dim": 3, "value_dim": 2, "use_bias": False},
}


@SCENARIOS.scenario_on("torch")
def mha_value_dim_differs_from_key_dim(K):
    return {name: _mha(K, **kw) for name, kw in MHA_CASES.items()}


def _zero_states(layer) -> str:
    """`reset_states()`, or "AttributeError" (and the states zeroed one by one) where it
    crashes (Keras 3.15: a stateful RNN of a list of cells)."""
    try:
        layer.reset_states()
        return "ok"
    except AttributeError:
        stack = list(layer.states)
        while stack:
            v = stack.pop()
            if isinstance(v, (list, tuple)):
                stack.extend(v)
            else:
                v.assign(np.zeros(v.shape, v.dtype))
        return "AttributeError"


@scenario
def stateful_rnn_of_stacked_cells(K):
    """RNN([GRUCell(2), LSTMCell(3)], stateful=True): two calls carry the states over, and
    after a reset the first call's outputs come back (Keras crashes in reset_states)."""
    x = np.random.default_rng(7).normal(size=(2, 5, 4)).astype("float32")
    out = {}
    for go_backwards in (False, True):
        cells = [K.layers.GRUCell(2), K.layers.LSTMCell(3)]
        layer = K.layers.RNN(
            cells,
            stateful=True,
            return_sequences=True,
            return_state=True,
            go_backwards=go_backwards,
        )
        layer(x)
        _seeded(layer)
        _zero_states(layer)
        first = [K.ops.convert_to_numpy(t).round(6).ravel().tolist() for t in layer(x)]
        second = [K.ops.convert_to_numpy(t).round(6).ravel().tolist() for t in layer(x)]
        reset = _zero_states(layer)
        again = [K.ops.convert_to_numpy(t).round(6).ravel().tolist() for t in layer(x)]
        out[f"go_backwards={go_backwards}"] = {
            "weights": [list(w.shape) for w in layer.get_weights()],
            "first": first,
            "second": second,
            "after_reset": again,
            "reset": reset,
        }
    return out


ZERO_OUTPUT_X = np.random.default_rng(9).normal(size=(2, 5, 4)).astype("float32")
ZERO_OUTPUT_MASK = np.array([[1, 1, 1, 0, 1], [1, 0, 1, 1, 1]], bool)
ZERO_OUTPUT_CELLS = ("SimpleRNNCell", "GRUCell", "LSTMCell")


def zero_output_for_mask(K, cell: str, unroll: bool) -> list:
    """RNN(cell, return_sequences=True, zero_output_for_mask=True) on masked steps."""
    layer = K.layers.RNN(
        getattr(K.layers, cell)(2), return_sequences=True, zero_output_for_mask=True, unroll=unroll
    )
    layer(ZERO_OUTPUT_X)
    _seeded(layer)
    y = layer(ZERO_OUTPUT_X, mask=ZERO_OUTPUT_MASK)
    return K.ops.convert_to_numpy(y).round(6).ravel().tolist()


@scenario
def rnn_zero_output_for_mask(K):
    """The masked steps' outputs are zeros (Keras's scan loop: `unroll=False`; its unrolled
    loop repeats the previous output instead, which numkeras does not copy)."""
    return {cell: zero_output_for_mask(K, cell, unroll=False) for cell in ZERO_OUTPUT_CELLS}


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()
