"""Goldens for tests/layers/test_mha_masked_grads.py: the gradients that flow back through
a masked `MultiHeadAttention` into the layers before it, as Keras 3 (JAX) computes them.

Each scenario builds a small model whose sequences have masked steps (from `Masking`:
query rows with no key left, and a sample with every step masked), sets seeded weights,
and takes one `train_on_batch` step of `SGD(1.0)`: the weights' changes are the loss's
gradients. Variants: the fast path (`dot_product_attention`) and the explicit-scores path,
`use_causal_mask`, an `attention_mask` input, a key other than the value, a value with a
mask of its own, `use_gate`, a loss masked by the output's (the query's) mask, and the
saving fuzzer's program 1/8 (Concatenate, ZeroPadding1D, Masking, ... MultiHeadAttention).

Keras on torch differs here (its CPU flash-attention backward is wrong for fully masked
query rows), so these come from JAX:
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_mha_masked_grads.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "mha_masked_grads.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario
T = 5  # (sequence length)


def _short(a) -> list:
    """Values with 7 significant digits (float32's), to keep the goldens small."""
    return [float(f"{x:.7g}") for x in np.asarray(a, "float64").ravel()]


def _steps(rng, shape, masked):
    """Normal features with the (sample, step) pairs of `masked` set to 0 (Masking's
    padding)."""
    x = rng.normal(size=shape).astype("float32")
    for i, j in masked:
        x[i, j] = 0
    return x


# query steps masked: a few single steps, a whole sample (2), all but one step (3)
QUERY_MASKED = [(0, 0), (0, 4), (1, 2), *[(2, j) for j in range(T)], *[(3, j) for j in range(1, T)]]


def _model(K, variant: dict):
    """Masking -> Dense -> MultiHeadAttention(h, h or another masked input) -> Dense."""
    x_in = K.Input((T, 3))
    inputs = [x_in]
    h = K.layers.Dense(4)(K.layers.Masking()(x_in))
    value, kw = h, {}
    if variant.get("cross"):
        v_in = K.Input((6, 2))
        inputs.append(v_in)
        value = K.layers.Dense(3)(K.layers.Masking()(v_in))
    if variant.get("key"):
        k_in = K.Input((T, 2))
        inputs.append(k_in)
        kw["key"] = K.layers.Masking()(k_in)
    if variant.get("attention_mask"):
        am_in = K.Input((T, T))
        inputs.append(am_in)
        kw["attention_mask"] = am_in
    for name in ("use_causal_mask", "return_attention_scores"):
        if variant.get(name):
            kw[name] = True
    mha = K.layers.MultiHeadAttention(
        num_heads=variant.get("heads", 1), key_dim=3, use_gate=variant.get("gate", False)
    )
    out = mha(h, value, **kw)
    if variant.get("return_attention_scores"):
        out = out[0]
    y = K.layers.Dense(2)(out)
    if not variant.get("sequence_loss"):  # (Flatten drops the mask: an unmasked loss)
        y = K.layers.Flatten()(y)
    return K.Model(inputs, y)


def _data(variant: dict):
    rng = np.random.default_rng(1)
    xs = [_steps(rng, (4, T, 3), QUERY_MASKED)]
    if variant.get("cross"):
        masked = [(0, 5), *[(1, j) for j in range(6)], (3, 0), (3, 1), (3, 2)]
        xs.append(_steps(rng, (4, 6, 2), masked))
    if variant.get("key"):
        xs.append(_steps(rng, (4, T, 2), [(1, 3), (3, 0)]))
    if variant.get("attention_mask"):
        am = (rng.random((4, T, T)) > 0.3).astype("float32")
        am[1, 1] = 0  # (a row the attention mask alone empties)
        xs.append(am)
    shape = (4, T, 2) if variant.get("sequence_loss") else (4, T * 2)
    return xs, rng.normal(size=shape).astype("float32")


def _sgd_step(K, model, xs, y) -> dict:
    """The predictions, the loss and the gradients (weights before - after one SGD(1.0)
    step), from seeded weights."""
    rng = np.random.default_rng(0)
    weights = [rng.normal(0, 0.6, w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(weights)
    model.compile(optimizer=K.optimizers.SGD(1.0), loss="mse")
    xs = xs if len(xs) > 1 else xs[0]
    pred = model.predict(xs, verbose=0)
    logs = model.train_on_batch(xs, y, return_dict=True)
    grads = [_short(a - b) for a, b in zip(weights, model.get_weights())]
    return {"predict": _short(pred), "loss": float(logs["loss"]), "grads": grads}


VARIANTS = {
    "fast": {},
    "fast_two_heads_sequence_loss": {"heads": 2, "sequence_loss": True},
    "causal": {"use_causal_mask": True},
    "causal_sequence_loss": {"use_causal_mask": True, "sequence_loss": True},
    "scores": {"return_attention_scores": True},
    "scores_sequence_loss": {"return_attention_scores": True, "sequence_loss": True},
    "key_other_than_value": {"key": True},
    "attention_mask_causal": {"attention_mask": True, "use_causal_mask": True},
    "cross_masked_value": {"cross": True, "sequence_loss": True},
    "cross_masked_value_scores": {"cross": True, "return_attention_scores": True},
    "gate_two_heads": {"gate": True, "heads": 2},
}


def _register(name: str, variant: dict) -> None:
    def run(K):
        return _sgd_step(K, _model(K, variant), *_data(variant))

    run.__name__ = name
    scenario(run)


for _name, _variant in VARIANTS.items():
    _register(_name, _variant)


@scenario
def fuzz_saving_1_8(K):
    """The saving fuzzer's program 1/8 (seed 100008), written out: the padded steps that
    ZeroPadding1D adds are masked query rows."""
    a, b = K.Input((6, 6)), K.Input((6, 1))
    h = K.layers.Masking()(K.layers.ZeroPadding1D(1)(K.layers.Concatenate()([a, b])))
    h = K.layers.Minimum()([K.layers.Dense(4, activation="relu")(h), K.layers.Dense(4)(h)])
    h = K.layers.MultiHeadAttention(num_heads=1, key_dim=3)(h, h)
    h = K.layers.Concatenate(axis=2)(
        [K.layers.Dense(2, activation="relu")(h), K.layers.Dense(2)(h)]
    )
    model = K.Model([a, b], K.layers.Dense(3, activation="softmax")(K.layers.Flatten()(h)))
    rng = np.random.default_rng(2)
    x = [_steps(rng, (8, 6, 6), [(0, 1), (2, 5), (5, 0), (5, 3)]), rng.normal(size=(8, 6, 1))]
    x[1] = x[1].astype("float32")
    y = rng.integers(0, 3, 8)
    weights = [rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(weights)
    model.compile(optimizer=K.optimizers.SGD(1.0), loss="sparse_categorical_crossentropy")
    logs = model.train_on_batch(x, y, return_dict=True)
    grads = [_short(a - b) for a, b in zip(weights, model.get_weights())]
    return {"loss": float(logs["loss"]), "grads": grads}


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()
