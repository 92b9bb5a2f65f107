"""Shared helpers of the recurrent-layer tests: the Keras goldens (tests/goldens/recurrent.json,
from scripts/goldens/make_recurrent.py) and forward/backward gradients of a layer."""

import json
import pathlib

import numpy as np

from numkeras.models.config import deserialize_layer

GOLDENS = pathlib.Path(__file__).resolve().parents[1] / "goldens"
DATA = json.loads((GOLDENS / "recurrent.json").read_text())
CASES = {c["name"]: c for c in DATA["cases"]}


def build_case(case, dtype="float32"):
    """(layer with Keras's weights, inputs) for a golden case."""
    config = json.loads(json.dumps(case["config"]))
    layer = deserialize_layer(config)
    x = np.asarray(case["x"], dtype)
    states = [np.asarray(s, dtype) for s in case["states"]]
    inputs = [x, *states] if states else x
    layer(inputs)
    layer.set_weights([np.asarray(w, dtype) for w in case["weights"]])
    return layer, inputs


def grads(layer, inputs, rs, need_x=True):
    """(outputs, dL/d inputs, [dL/dw]) via forward/backward for L = sum(out_k * r_k)."""
    for v in layer.trainable_weights:
        v.start_grad(np.zeros(v.shape, v.dtype))
    out, cache = layer.forward(inputs, training=True)
    g = [r.copy() for r in rs] if isinstance(out, (list, tuple)) else rs[0].copy()
    gx = layer.backward(cache, g, need_input_grad=need_x)
    gw = [v.grad.copy() for v in layer.trainable_weights]
    for v in layer.trainable_weights:
        v.start_grad(None)
    return out, gx, gw


def loss(layer, inputs, rs) -> float:
    out = layer.call(inputs, training=False)
    outs = out if isinstance(out, (list, tuple)) else [out]
    return float(sum((o * r).sum() for o, r in zip(outs, rs)))
