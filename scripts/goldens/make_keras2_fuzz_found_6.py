"""Goldens for tests/test_keras2_fuzz_found_6.py: Keras 2 compatibility fixes of session 26
(and what the Keras 2 fuzzing of seeds 549-556 found), against tf_keras 2.21 (real Keras 2).

- Keras 2's backend functions refuse misuse with numkeras's own errors now, each a
  ValueError, as tf_keras raises (`backend_misuse`: the built-in type each raises).
- `K.set_value(opt.decay, x)` / `K.get_value(opt.decay)` on a Keras 2 optimizer were
  refused (decay was a plain number). tf_keras's legacy optimizers hold `decay` in a float32
  variable that K.set_value writes and K.get_value reads back (`decay_get_set_value`).
  tf_keras 2's step then still decays by the constructor's value (its `_decayed_lr` reads
  `_initial_decay`), a silent no-op; Keras 2.0-2.3 used the variable, and so does numkeras.
  So the steps after `K.set_value` (`decay_*_after_set_value`) are tf_keras's own steps
  with the new decay: an optimizer built with it, given the first one's state (iterations
  and slots) through `set_weights`, takes the next steps.
- RMSprop: three idiom programs of earlier runs drifted with it. Each RMSprop tf_keras
  has agrees with numkeras's to float32 rounding on the 2017 text models
  (`rmsprop_text_models`; six old RMSprop idiom programs rerun agree too), so the
  formulas stand. The one difference is by design: `optimizers.legacy.RMSprop(momentum=)`
  on an Embedding, whose rows outside the batch TensorFlow's sparse update leaves alone
  (as for legacy SGD's momentum; not drawn). What did drift at random (seed 555) was the
  fuzzer's own `flow_from_directory` epoch: `fit_generator` shuffled its batch order with
  the unseeded `random` module in each library; it now passes `shuffle=False`.

The scenarios in `SCENARIOS` are functions of the Keras-like package returning JSON
values: tf_keras here, numkeras in the test.

    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \\
        /work/main/scripts/goldens/make_keras2_fuzz_found_6.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
from tests.differential import Scenarios, fixed_weights, rounded  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "keras2_fuzz_found_6.json"

SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def _builtin(fn) -> str:
    """The first built-in type of what `fn()` raised (what `except` names), or "ran"."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type is the result
        return next(t for t in type(e).__mro__ if t.__module__ == "builtins").__name__
    return "ran"


def _misuses(keras) -> dict:
    """Keras 2 backend calls that tf_keras refuses: name -> a function making the call."""
    K = keras.backend
    x4 = K.constant(np.zeros((1, 3, 3, 2), "float32"))
    x5 = K.constant(np.zeros((1, 2, 3, 3, 2), "float32"))
    w = K.constant(np.zeros((2, 2, 2, 3), "float32"))
    ones = np.ones((2, 3, 4), "float32")
    inp = keras.Input((2,))
    f = K.function([inp], [keras.layers.Dense(1)(inp)])
    return {
        "switch_rank": lambda: K.switch(
            K.constant(np.ones((2, 2, 2)) > 0),
            K.constant(np.ones((2, 2))),
            K.constant(np.ones((2, 2))),
        ),
        "batch_dot_rank": lambda: K.batch_dot(K.constant(np.ones(3)), K.constant(np.ones((3, 2)))),
        "batch_dot_axes": lambda: K.batch_dot(
            K.constant(ones), K.constant(ones), axes=[(1, 2), (1, 2)]
        ),
        "batch_dot_axis_0": lambda: K.batch_dot(
            K.constant(np.ones((2, 3))), K.constant(np.ones((2, 3))), axes=0
        ),
        "conv2d_data_format": lambda: K.conv2d(x4, w, data_format="nchw"),
        "conv2d_causal": lambda: K.conv2d(x4, w, padding="causal"),
        "conv2d_padding": lambda: K.conv2d(x4, w, padding="full"),
        "pool2d_mode": lambda: K.pool2d(x4, (2, 2), pool_mode="min"),
        "pool3d_mode": lambda: K.pool3d(x5, (2, 2, 2), pool_mode="min"),
        "pool2d_data_format": lambda: K.pool2d(x4, (2, 2), data_format="bad"),
        "resize_volumes_data_format": lambda: K.resize_volumes(x5, 2, 2, 2, "nhwc"),
        "resize_images_data_format": lambda: K.resize_images(x4, 2, 2, "nhwc"),
        "resize_images_interpolation": lambda: K.resize_images(
            x4, 2, 2, "channels_last", interpolation="area2"
        ),
        "set_learning_phase": lambda: K.set_learning_phase(2),
        "bias_add_data_format": lambda: K.bias_add(
            x4, K.constant(np.zeros(2, "float32")), data_format="nchw"
        ),
        "function_inputs": lambda: f([np.zeros((1, 2)), np.zeros((1, 2))]),
    }


@scenario
def backend_misuse(keras) -> dict:
    """The built-in type each misuse raises (tf_keras: ValueError each)."""
    return {name: _builtin(call) for name, call in _misuses(keras).items()}


@scenario
def decay_get_set_value(keras) -> dict:
    """`K.get_value(opt.decay)` before and after `K.set_value(opt.decay, 2.0)` (float32), and
    the decay `get_config` then reports."""
    K = keras.backend
    out = {}
    for name, kwargs in (
        ("Adam", {"decay": 0.5}),
        ("Adam", {}),
        ("SGD", {"decay": 0.5}),
        ("RMSprop", {"decay": 0.25}),
    ):
        opt = getattr(keras.optimizers.legacy, name)(learning_rate=0.1, **kwargs)
        before = K.get_value(opt.decay)
        K.set_value(opt.decay, 2.0)
        after = K.get_value(opt.decay)
        out[f"{name}_{kwargs.get('decay', 0)}"] = [
            [float(before), str(np.asarray(before).dtype)],
            [float(after), str(np.asarray(after).dtype)],
        ]
    return out


def _after_set_value(keras, name: str, kwargs: dict, new_decay: float) -> dict:
    """A Dense model trained one step by `optimizers.legacy.<name>(**kwargs)`, then
    `K.set_value(optimizer.decay, new_decay)` and two more steps: the losses and weights.
    tf_keras (which would ignore the new value) takes the last steps with an optimizer
    built with `decay=new_decay`, from the first one's iterations and slots."""
    K, layers = keras.backend, keras.layers
    rng = np.random.default_rng(6)
    x = rng.normal(size=(6, 3)).astype("float32")
    y = rng.normal(size=(6, 2)).astype("float32")
    model = keras.models.Sequential([layers.Dense(4, activation="tanh", input_shape=(3,)),
                                     layers.Dense(2)])  # fmt: skip
    fixed_weights(model)
    legacy = keras.optimizers.legacy
    model.compile(getattr(legacy, name)(**kwargs), "mse")
    losses = [float(model.train_on_batch(x, y))]
    if keras.__name__ == "tf_keras":
        state = model.optimizer.get_weights()  # iterations, then the slots
        resumed = getattr(legacy, name)(**{**kwargs, "decay": new_decay})
        model.compile(resumed, "mse")
        resumed._create_all_weights(model.trainable_weights)
        resumed.set_weights(state)
    else:
        K.set_value(model.optimizer.decay, new_decay)
    losses += [float(model.train_on_batch(x, y)) for _ in range(2)]
    return {
        "losses": rounded(losses),
        "iterations": int(K.get_value(model.optimizer.iterations)),
        "weights": [rounded(w) for w in model.get_weights()],
    }


@scenario
def decay_adam_after_set_value(keras) -> dict:
    return _after_set_value(keras, "Adam", {"learning_rate": 0.05, "decay": 0.1}, 2.0)


@scenario
def decay_sgd_momentum_after_set_value(keras) -> dict:
    kwargs = {"learning_rate": 0.1, "momentum": 0.9, "decay": 0.5}
    return _after_set_value(keras, "SGD", kwargs, 0.01)


@scenario
def decay_rmsprop_after_set_value(keras) -> dict:
    """Set on an optimizer made without `decay=` (tf_keras would ignore it all the more)."""
    return _after_set_value(keras, "RMSprop", {"learning_rate": 0.01}, 1.0)


@scenario
def rmsprop_text_models(keras) -> dict:
    """The 2017 text models (Embedding, then Flatten or an LSTM) trained by each RMSprop
    tf_keras has: the string (its new one), the new one with momentum / centered, and the
    legacy one (epsilon after the square root) plain, with `decay=`, centered and with
    `rho=` / `epsilon=`. (Not `optimizers.legacy.RMSprop(momentum=)`: on an Embedding
    TensorFlow's sparse update moves only the rows in the batch, as for legacy SGD.)"""
    layers = keras.layers
    rng = np.random.default_rng(6)
    x = rng.integers(0, 6, (8, 5)).astype("int32")
    y = rng.integers(0, 2, (8, 1)).astype("float32")
    optimizers = {
        "string": lambda: "rmsprop",
        "momentum": lambda: keras.optimizers.RMSprop(learning_rate=0.05, momentum=0.9),
        "centered": lambda: keras.optimizers.RMSprop(learning_rate=0.05, centered=True),
        "legacy": lambda: keras.optimizers.legacy.RMSprop(learning_rate=0.05),
        "legacy_decay": lambda: keras.optimizers.legacy.RMSprop(learning_rate=0.05, decay=0.1),
        "legacy_centered": lambda: keras.optimizers.legacy.RMSprop(
            learning_rate=0.05, centered=True
        ),
        "legacy_rho": lambda: keras.optimizers.legacy.RMSprop(
            learning_rate=0.05, rho=0.5, epsilon=0.1
        ),
    }
    out = {}
    for head in ("flatten", "lstm"):
        for name, make in optimizers.items():
            middle = layers.Flatten() if head == "flatten" else layers.LSTM(2)
            model = keras.models.Sequential([layers.Embedding(6, 3, input_length=5), middle,
                                             layers.Dense(1, activation="sigmoid")])  # fmt: skip
            fixed_weights(model)
            model.compile(make(), "binary_crossentropy")
            history = model.fit(x, y, batch_size=4, epochs=3, verbose=0, shuffle=False)
            out[f"{head}_{name}"] = {
                "losses": rounded(history.history["loss"]),
                "weights": [rounded(w) for w in model.get_weights()],
            }
    return out


if __name__ == "__main__":
    SCENARIOS.write_tf_keras(OUT)
