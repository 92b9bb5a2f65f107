"""Goldens for tests/layers/test_layer_args_3.py: what the layer-argument differential
(scripts/fuzz/fuzz_layer_args.py, seeds 3023-3050, with session 26's extra draws from 3037)
and two known leftovers found, as Keras 3.15 does it (JAX):

- MultiHeadAttention and GroupQueryAttention given rank-2 inputs (`(batch, dim)`): the
  built-in exception type Keras raises (IndexError: there are no attention axes; Keras's
  MultiHeadAttention builds a symbolic call all the same, numkeras refuses it there too);
- CategoryEncoding under a global "mixed_float16" policy: its outputs are float32 (Keras
  encodes in the layer's variable dtype), its symbolic outputs say float16, a weighted
  count is float16; `dtype="int32"` there is an int32 policy, as Discretization's integer
  dtypes (numkeras kept the global mixed policy, so its symbolic outputs said float16);
- `activity_regularizer` of MultiHeadAttention (a penalty on each projection's output) and
  GroupQueryAttention (on its outputs too, then the projections'), which numkeras refused:
  `losses`, the config, and one training step's weights (the penalties' gradients).

    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_layer_args_3.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "layer_args_3.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def _seeded(layer, seed: int = 3) -> None:
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in layer.get_weights()])


def _attention(K, name: str, **kw):
    """ "MHA": MultiHeadAttention(2 heads of 3); "GQA": GroupQueryAttention (2 query heads
    sharing 1 key/value head of 2: the heads repeated)."""
    if name == "GQA":  # (numkeras and Keras both export this name)
        return K.layers.GroupQueryAttention(
            head_dim=2, num_query_heads=2, num_key_value_heads=1, **kw
        )
    return K.layers.MultiHeadAttention(num_heads=2, key_dim=3, **kw)


RANK2_CASES = {  # (query shape, value shape)
    "rank2": ((2, 4), (2, 4)),
    "query_rank2": ((2, 4), (2, 3, 4)),
}


@scenario
def attention_rank2_inputs(K):
    """The exception type of an eager call on rank-2 inputs (and, for GroupQueryAttention,
    of a symbolic one; Keras's MultiHeadAttention builds that one, see the test)."""
    out = {}
    for name in ("MHA", "GQA"):
        for case, (qs, vs) in RANK2_CASES.items():

            def eager(name=name, qs=qs, vs=vs):
                _attention(K, name)(np.ones(qs, "float32"), np.ones(vs, "float32"))

            def symbolic(name=name, qs=qs, vs=vs):
                _attention(K, name)(K.Input(qs[1:]), K.Input(vs[1:]))

            out[f"{name}/{case}/eager"] = builtin_error(eager)
            if name == "GQA":
                out[f"{name}/{case}/symbolic"] = builtin_error(symbolic)
    return out


IDS = np.array([[0, 1, 1, 5], [2, 2, 2, 3]], "int32")


def _encoding(K, mode: str, dtype) -> dict:
    kw = {} if dtype is None else {"dtype": dtype}
    layer = K.layers.CategoryEncoding(6, output_mode=mode, **kw)
    x = IDS[:, :1] if mode == "one_hot" else IDS
    y = np.asarray(layer(x))
    sym = layer(K.Input((x.shape[1],), dtype="int32"))
    out = {
        "policy": str(layer.dtype_policy.name),
        "compute_dtype": str(layer.compute_dtype),
        "dtype": str(y.dtype),
        "symbolic": str(sym.dtype),
        "values": y.astype("float64").ravel().tolist(),
    }
    if mode == "count":
        w = np.full(IDS.shape, 0.5, "float32")
        yw = np.asarray(layer(IDS, count_weights=w))
        out["weighted"] = [str(yw.dtype), yw.astype("float64").ravel().tolist()]
    return out


@scenario
def category_encoding_mixed_float16(K):
    """Under a global "mixed_float16" policy: each mode's dtypes and values (the layer's
    default dtype and an integer one), and a functional model's outputs."""
    K.mixed_precision.set_global_policy("mixed_float16")
    try:
        out = {
            f"{mode}/{dtype}": _encoding(K, mode, dtype)
            for mode in ("multi_hot", "one_hot", "count")
            for dtype in (None, "int32")
        }
        ids = K.Input((4,), dtype="int32")
        encoded = K.layers.CategoryEncoding(6, output_mode="count")(ids)
        dense = K.layers.Dense(2, kernel_initializer="ones")(encoded)
        model = K.Model(ids, [encoded, dense])
        got = model.predict(IDS, verbose=0)
        out["model"] = {
            "symbolic": [str(t.dtype) for t in model.outputs],
            "predict": [str(t.dtype) for t in got],
            "values": [np.asarray(t, "float64").ravel().tolist() for t in got],
        }
        return out
    finally:
        K.mixed_precision.set_global_policy("float32")


@scenario
def discretization_integer_dtype_mixed_float16(K):
    """Discretization(dtype=<integer>) under a global "mixed_float16" policy keeps its
    integer policy."""
    K.mixed_precision.set_global_policy("mixed_float16")
    try:
        out = {}
        x = np.array([[-0.5, 0.3, 1.7], [2.0, 0.0, -3.0]], "float32")
        for mode in ("int", "multi_hot"):
            for dtype in ("int32", "int64"):
                layer = K.layers.Discretization(
                    bin_boundaries=[0.0, 1.0], output_mode=mode, dtype=dtype
                )
                y = np.asarray(layer(x))
                sym = layer(K.Input((3,)))
                out[f"{mode}/{dtype}"] = {
                    "policy": str(layer.dtype_policy.name),
                    "compute_dtype": str(layer.compute_dtype),
                    "dtype": str(y.dtype),
                    "symbolic": str(sym.dtype),
                    "values": y.ravel().tolist(),
                }
        return out
    finally:
        K.mixed_precision.set_global_policy("float32")


ACTIVITY_CASES = {
    "MHA": {"activity_regularizer": "l2"},
    "MHA_gate": {"activity_regularizer": "l1", "use_gate": True},
    "GQA": {"activity_regularizer": "l2"},
}


def _pair():
    rng = np.random.default_rng(0)
    return (
        rng.normal(size=(2, 4, 4)).astype("float32"),
        rng.normal(size=(2, 5, 4)).astype("float32"),
    )


@scenario
def attention_activity_regularizer(K):
    """`losses` after a call (and one returning the scores), and the config's regularizer."""
    q, v = _pair()
    out = {}
    for case, kw in ACTIVITY_CASES.items():
        layer = _attention(K, case.split("_")[0], **kw)
        layer(q, v)
        _seeded(layer)
        y = layer(q, v)
        losses = [float(x) for x in layer.losses]
        layer(q, v, return_attention_scores=True)
        out[case] = {
            "output": np.asarray(y, "float64").round(6).ravel().tolist(),
            "losses": losses,
            "losses_with_scores": [float(x) for x in layer.losses],
            "config": layer.get_config()["activity_regularizer"]["class_name"],
        }
    return out


@scenario
def attention_activity_regularizer_training(K):
    """One SGD step of a model around the layer: the loss and the weights after it (the
    activity penalties' gradients reach the projections)."""
    q, v = _pair()
    target = np.random.default_rng(1).normal(size=(2, 4, 4)).astype("float32")
    out = {}
    for case, kw in ACTIVITY_CASES.items():
        K.utils.clear_session()
        qi, vi = K.Input((4, 4)), K.Input((5, 4))
        layer = _attention(K, case.split("_")[0], **kw)
        model = K.Model([qi, vi], layer(qi, vi))
        _seeded(layer)
        model.compile(K.optimizers.SGD(0.1), "mse")
        loss = model.train_on_batch([q, v], target)
        out[case] = {
            "loss": float(np.asarray(loss)),
            "weights": [
                np.asarray(w, "float64").round(6).ravel().tolist() for w in layer.get_weights()
            ],
        }
    return out


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()
