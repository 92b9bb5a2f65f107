"""Goldens for tests/layers/test_lora.py: LoRA in `Dense`, as Keras 3 has it
(`enable_lora(rank)`, `lora_rank=` at construction): the kernel frozen, two trainable
factors, the merged kernel as `layer.kernel`, what training changes, what saving writes,
the config keys, and the errors.

Not compared: `Dense(lora_rank=r, lora_alpha=a)` keeps `a` in numkeras; Keras's `build`
calls `enable_lora(r)` without it, so its layer ends with `lora_alpha = r` (README).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/lora.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_lora.py
"""

from __future__ import annotations

import pathlib
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "lora.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

RNG = np.random.default_rng(7)
X = RNG.normal(size=(16, 4)).astype("float32")
Y = RNG.normal(size=(16, 3)).astype("float32")
KERNEL = RNG.normal(size=(4, 3)).astype("float32")
BIAS = np.array([0.1, -0.2, 0.3], "float32")
A = RNG.normal(size=(4, 2)).astype("float32")
B = RNG.normal(size=(2, 3)).astype("float32") * 0.1


def _round(a):
    return np.asarray(a).round(5).tolist()


def _model(keras, alpha=None):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d")])
    dense = model.layers[0]
    dense.set_weights([KERNEL, BIAS])
    dense.enable_lora(2, lora_alpha=alpha)
    dense.lora_kernel_a.assign(A)
    dense.lora_kernel_b.assign(B)
    return model, dense


@scenario
def enable_lora_weights_and_outputs(keras):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d")])
    dense = model.layers[0]
    dense.set_weights([KERNEL, BIAS])
    before = model.predict(X, verbose=0)
    dense.enable_lora(2)
    fresh = model.predict(X, verbose=0)  # (b is zeros: nothing changes yet)
    dense.lora_kernel_a.assign(A)
    dense.lora_kernel_b.assign(B)
    return {
        "weights": [w.name for w in dense.weights],
        "trainable": [w.name for w in dense.trainable_weights],
        "non_trainable": [w.name for w in dense.non_trainable_weights],
        "model_trainable": [w.path for w in model.trainable_weights],
        "unchanged": bool(np.allclose(before, fresh)),
        "kernel": _round(dense.kernel),
        "predict": _round(model.predict(X, verbose=0)),
        "config": {k: dense.get_config().get(k) for k in ("lora_rank", "lora_alpha")},
        "count": model.count_params(),
    }


@scenario
def lora_alpha_scales_the_update(keras):
    model, dense = _model(keras, alpha=6.0)
    return {"kernel": _round(dense.kernel), "predict": _round(model.predict(X, verbose=0)),
            "alpha": dense.lora_alpha, "rank": dense.lora_rank}  # fmt: skip


@scenario
def training_moves_only_the_factors(keras):
    model, dense = _model(keras)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    history = model.fit(X, Y, epochs=3, batch_size=4, shuffle=False, verbose=0)
    return {
        "loss": [round(v, 5) for v in history.history["loss"]],
        "frozen_kernel": _round(dense._kernel),
        "a": _round(dense.lora_kernel_a),
        "b": _round(dense.lora_kernel_b),
        "bias": _round(dense.bias),
        "predict": _round(model.predict(X, verbose=0)),
    }


@scenario
def saving_writes_the_merged_kernel(keras):
    model, dense = _model(keras)
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/m.weights.h5"
        model.save_weights(path)
        plain = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d")])
        plain.load_weights(path)
        again, again_dense = _model(keras)
        again.load_weights(path)  # (the factors restart from zeros)
        return {
            "plain_kernel": _round(plain.layers[0].kernel),
            "plain_predict": _round(plain.predict(X, verbose=0)),
            "again_b": _round(again_dense.lora_kernel_b),
            "again_predict": _round(again.predict(X, verbose=0)),
        }


@scenario
def lora_rank_in_config_round_trip(keras):
    layer = keras.layers.Dense(3, lora_rank=2, name="d")
    layer.build((None, 4))
    copy = keras.layers.Dense.from_config(layer.get_config())
    copy.build((None, 4))
    config = copy.get_config()
    return {"enabled": [layer.lora_enabled, copy.lora_enabled],
            "weights": [w.name for w in copy.weights],
            "config": {k: config.get(k) for k in ("lora_rank", "lora_alpha")}}  # fmt: skip


@scenario
def lora_errors(keras):
    built = keras.layers.Dense(3)
    built.build((None, 4))
    built.enable_lora(2)
    constrained = keras.layers.Dense(3, kernel_constraint="non_neg")
    constrained.build((None, 4))
    return {
        "unbuilt": builtin_error(lambda: keras.layers.Dense(3).enable_lora(2)),
        "twice": builtin_error(lambda: built.enable_lora(2)),
        "constraint": builtin_error(lambda: constrained.enable_lora(2)),
    }


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()
