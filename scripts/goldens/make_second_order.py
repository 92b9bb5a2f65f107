"""Goldens for tests/autodiff/test_second_order.py: WGAN-GP's gradient penalty
`mean((|d critic / d x| - 1)^2)` and its gradient with respect to the critic's weights
(a second-order gradient), from Keras 3 on JAX (`jax.grad` of a function that takes
`jax.grad`), for the critics of tests/autodiff/second_order_critics.py.

    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \
        /work/main/scripts/goldens/make_second_order.py
"""

from __future__ import annotations

import json
import pathlib
import sys

import jax
import jax.numpy as jnp
import keras
import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.autodiff.second_order_critics import (  # noqa: E402
    INPUT_SHAPES,
    TRAINING,
    critic_inputs,
    critics,
    ordered_weights,
)

OUT = ROOT / "tests" / "goldens" / "second_order.json"


def penalty(model, name, x, training: bool):
    ntv = [v.value for v in model.non_trainable_variables]

    def gp(tv, x):
        def score(xx):
            out, _ = model.stateless_call(tv, ntv, critic_inputs(name, xx), training=training)
            return jnp.sum(out)

        g = jax.grad(score)(x)
        norm = jnp.sqrt(jnp.sum(jnp.square(g), axis=tuple(range(1, g.ndim))))
        return jnp.mean((norm - 1.0) ** 2)

    tv = [v.value for v in model.trainable_variables]
    value, grads = jax.value_and_grad(gp)(tv, x)
    index = {id(v): i for i, v in enumerate(model.trainable_variables)}
    ordered = [grads[index[id(v)]] for v in ordered_weights(model)]
    return float(value), [np.asarray(g).tolist() for g in ordered]


def main() -> None:
    rng = np.random.default_rng(7)
    found = {}
    for name, model in critics(keras).items():
        weights = [
            rng.standard_normal(w.shape).astype("float32") * 0.7 for w in ordered_weights(model)
        ]
        for w, value in zip(ordered_weights(model), weights):
            w.assign(value)
        shape = INPUT_SHAPES[name] if name in INPUT_SHAPES else model.inputs[0].shape[1:]
        x = rng.standard_normal((5, *shape)).astype("float32")
        value, grads = penalty(model, name, x, name in TRAINING)
        found[name] = {
            "weights": [w.tolist() for w in weights],
            "x": x.tolist(),
            "penalty": value,
            "grads": grads,
        }
    OUT.write_text(json.dumps({"keras": keras.__version__, "critics": found}))
    print("wrote", OUT)


if __name__ == "__main__":
    main()
