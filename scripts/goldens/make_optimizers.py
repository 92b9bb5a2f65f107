"""Golden values for numkeras.optimizers, produced by real Keras 3.

Run: KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_optimizers.py
Writes tests/goldens/optimizers.json: fixed initial weights (a (4, 3) kernel and a (3,)
bias), five fixed gradient sets, and for each case the weights after step 1 and step 5
of `optimizer.apply(grads, vars)` and the order of `optimizer.variables` (what `.keras`
files save), the same on a rank-3 and a scalar variable (`shape_cases`), a short `fit`
of a small Dense model per newer optimizer (`fit`: weights and optimizer state), plus
the learning-rate schedules' values and the default configs.
Floats are stored as their shortest float32 round-trip text.
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402

S = keras.optimizers.schedules
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "goldens", "optimizers.json")


def f32list(a):
    return [float(str(x)) for x in np.asarray(a, dtype=np.float32).ravel()]


rng = np.random.default_rng(0)
W0 = [rng.standard_normal((4, 3)).astype("float32"), rng.standard_normal(3).astype("float32")]
GRADS = [
    [rng.standard_normal((4, 3)).astype("float32"), rng.standard_normal(3).astype("float32")]
    for _ in range(5)
]
# One gradient set with an exact zero, to exercise the zero branches.
GRADS[2][1][0] = 0.0

SCHEDULES = {
    "exp": ("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=2, decay_rate=0.5)),
    "exp_stair": (
        "ExponentialDecay",
        dict(initial_learning_rate=0.1, decay_steps=2, decay_rate=0.5, staircase=True),
    ),
    "piecewise": ("PiecewiseConstantDecay", dict(boundaries=[1, 3], values=[0.1, 0.05, 0.01])),
    "cosine": ("CosineDecay", dict(initial_learning_rate=0.1, decay_steps=4, alpha=0.1)),
    "cosine_warmup": (
        "CosineDecay",
        dict(initial_learning_rate=0.0, decay_steps=4, warmup_target=0.1, warmup_steps=2),
    ),
    "inverse_time": (
        "InverseTimeDecay",
        dict(initial_learning_rate=0.1, decay_steps=1, decay_rate=0.5),
    ),
    "inverse_time_stair": (
        "InverseTimeDecay",
        dict(initial_learning_rate=0.1, decay_steps=2, decay_rate=0.5, staircase=True),
    ),
    "polynomial": (
        "PolynomialDecay",
        dict(initial_learning_rate=0.1, decay_steps=4, end_learning_rate=0.01, power=2.0),
    ),
    "polynomial_cycle": (
        "PolynomialDecay",
        dict(initial_learning_rate=0.1, decay_steps=3, end_learning_rate=0.01, cycle=True),
    ),
    "restarts": ("CosineDecayRestarts", dict(initial_learning_rate=0.1, first_decay_steps=2)),
    "restarts_tmul1": (
        "CosineDecayRestarts",
        dict(initial_learning_rate=0.1, first_decay_steps=2, t_mul=1.0, m_mul=0.5, alpha=0.1),
    ),
}

# (case name, optimizer class name, kwargs); a kwarg "schedule" names a SCHEDULES entry.
CASES = [
    ("sgd", "SGD", {}),
    ("sgd_lr", "SGD", dict(learning_rate=0.1)),
    ("sgd_momentum", "SGD", dict(learning_rate=0.1, momentum=0.9)),
    ("sgd_nesterov", "SGD", dict(learning_rate=0.1, momentum=0.9, nesterov=True)),
    ("adam", "Adam", {}),
    ("adam_gan", "Adam", dict(learning_rate=0.0002, beta_1=0.5)),
    ("adam_amsgrad", "Adam", dict(learning_rate=0.01, amsgrad=True)),
    ("adam_eps", "Adam", dict(learning_rate=0.01, beta_2=0.9, epsilon=0.1)),
    ("adamw", "AdamW", {}),
    ("adamw_custom", "AdamW", dict(learning_rate=0.01, weight_decay=0.1, amsgrad=True)),
    ("rmsprop", "RMSprop", {}),
    ("rmsprop_momentum", "RMSprop", dict(learning_rate=0.01, momentum=0.9)),
    ("rmsprop_centered", "RMSprop", dict(learning_rate=0.01, centered=True)),
    ("rmsprop_all", "RMSprop", dict(learning_rate=0.01, rho=0.8, momentum=0.5, centered=True)),
    ("adagrad", "Adagrad", {}),
    ("adagrad_custom", "Adagrad", dict(learning_rate=0.1, initial_accumulator_value=0.5)),
    ("adamax", "Adamax", {}),
    ("adamax_custom", "Adamax", dict(learning_rate=0.01, beta_1=0.8)),
    ("nadam", "Nadam", {}),
    ("nadam_custom", "Nadam", dict(learning_rate=0.01, beta_2=0.99)),
    # clipping
    ("sgd_clipnorm", "SGD", dict(learning_rate=0.1, clipnorm=0.5)),
    ("adam_clipnorm", "Adam", dict(learning_rate=0.01, clipnorm=0.5)),
    ("sgd_clipvalue", "SGD", dict(learning_rate=0.1, clipvalue=0.3)),
    ("adam_clipvalue", "Adam", dict(learning_rate=0.01, clipvalue=0.1)),
    ("sgd_global_clipnorm", "SGD", dict(learning_rate=0.1, global_clipnorm=1.0)),
    ("rmsprop_global_clipnorm", "RMSprop", dict(learning_rate=0.01, global_clipnorm=1.0)),
    # weight decay and loss scaling
    ("sgd_weight_decay", "SGD", dict(learning_rate=0.1, weight_decay=0.05)),
    ("rmsprop_weight_decay", "RMSprop", dict(learning_rate=0.01, weight_decay=0.1)),
    ("adam_loss_scale", "Adam", dict(learning_rate=0.01, loss_scale_factor=4.0, clipnorm=0.5)),
    # gradient accumulation
    ("adam_accumulate", "Adam", dict(learning_rate=0.01, gradient_accumulation_steps=2)),
    ("sgd_accumulate", "SGD", dict(learning_rate=0.1, momentum=0.5, gradient_accumulation_steps=3)),
]
for key in SCHEDULES:
    CASES.append((f"sgd_{key}", "SGD", dict(schedule=key)))
CASES.append(("adam_exp", "Adam", dict(schedule="exp")))
CASES.append(("adamw_cosine", "AdamW", dict(schedule="cosine", weight_decay=0.1)))
# Adadelta, Ftrl, Lion, Lamb, Adafactor (appended: the cases above keep their values)
CASES += [
    ("adadelta", "Adadelta", {}),
    ("adadelta_custom", "Adadelta", dict(learning_rate=1.0, rho=0.9, epsilon=1e-6)),
    ("adadelta_clipvalue", "Adadelta", dict(learning_rate=0.5, clipvalue=0.3)),
    ("ftrl", "Ftrl", {}),
    (
        "ftrl_l1_l2",
        "Ftrl",
        dict(
            learning_rate=0.1,
            l1_regularization_strength=0.01,
            l2_regularization_strength=0.02,
            learning_rate_power=-0.3,
        ),
    ),
    (
        "ftrl_shrinkage_beta",
        "Ftrl",
        dict(
            learning_rate=0.1,
            initial_accumulator_value=0.5,
            l2_shrinkage_regularization_strength=0.05,
            beta=0.5,
            l1_regularization_strength=0.1,
        ),
    ),
    ("ftrl_power_zero", "Ftrl", dict(learning_rate=0.05, learning_rate_power=0.0)),
    ("lion", "Lion", {}),
    ("lion_betas", "Lion", dict(learning_rate=0.01, beta_1=0.5, beta_2=0.9)),
    ("lion_beta_1_one", "Lion", dict(learning_rate=0.01, beta_1=1.0)),
    ("lion_clipnorm", "Lion", dict(learning_rate=0.01, clipnorm=0.5, weight_decay=0.1)),
    ("lion_exp", "Lion", dict(schedule="exp")),
    ("lamb", "Lamb", {}),
    ("lamb_custom", "Lamb", dict(learning_rate=0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-4)),
    ("lamb_weight_decay", "Lamb", dict(learning_rate=0.01, weight_decay=0.1)),
    ("lamb_global_clipnorm", "Lamb", dict(learning_rate=0.01, global_clipnorm=1.0)),
    ("lamb_accumulate", "Lamb", dict(learning_rate=0.01, gradient_accumulation_steps=2)),
    ("adafactor", "Adafactor", {}),
    (
        "adafactor_custom",
        "Adafactor",
        dict(learning_rate=0.1, beta_2_decay=-0.5, epsilon_2=1e-2, clip_threshold=0.5),
    ),
    ("adafactor_small_lr", "Adafactor", dict(learning_rate=1e-4, relative_step=False)),
    ("adafactor_weight_decay", "Adafactor", dict(learning_rate=0.5, weight_decay=0.2)),
    ("adafactor_clipnorm", "Adafactor", dict(learning_rate=0.5, clipnorm=0.5)),
    ("adafactor_cosine", "Adafactor", dict(schedule="cosine")),
]

# Cases on other shapes (a rank-3 and a scalar variable): Lamb's norms and Adafactor's
# factoring over the last two axes. Their own generator, so the data above is unchanged.
SHAPE_CASES = [
    ("adafactor_rank3", "Adafactor", dict(learning_rate=0.1)),
    ("lamb_rank3", "Lamb", dict(learning_rate=0.01, weight_decay=0.05)),
    ("ftrl_rank3", "Ftrl", dict(learning_rate=0.1, l1_regularization_strength=0.05)),
]
EXTRA_SHAPES = [(2, 3, 4), ()]
_rng2 = np.random.default_rng(1)
EXTRA_W0 = [_rng2.standard_normal(s).astype("float32") for s in EXTRA_SHAPES]
EXTRA_GRADS = [[_rng2.standard_normal(s).astype("float32") for s in EXTRA_SHAPES] for _ in range(5)]

# `fit` with each new optimizer: a small Dense model with fixed weights, against Keras's
# weights and optimizer state (`optimizer.variables`, the order `.keras` files save).
FIT_CASES = [
    ("Adadelta", dict(learning_rate=0.5)),
    ("Ftrl", dict(learning_rate=0.1, l1_regularization_strength=0.01)),
    ("Lion", dict(learning_rate=0.01)),
    ("Lamb", dict(learning_rate=0.01, weight_decay=0.01)),
    ("Adafactor", dict(learning_rate=0.1)),
]


def make_schedule(key):
    cls_name, kwargs = SCHEDULES[key]
    return getattr(S, cls_name)(**kwargs)


def run_case(cls_name, kwargs, w0=W0, all_grads=GRADS):
    kwargs = dict(kwargs)
    if "schedule" in kwargs:
        kwargs["learning_rate"] = make_schedule(kwargs.pop("schedule"))
    opt = getattr(keras.optimizers, cls_name)(**kwargs)
    variables = [keras.Variable(w.copy(), name=n) for w, n in zip(w0, ("kernel", "bias"))]
    snaps = {}
    for step, grads in enumerate(all_grads, start=1):
        opt.apply([keras.ops.convert_to_tensor(g) for g in grads], variables)
        if step in (1, 5):
            snaps[str(step)] = [f32list(v.numpy()) for v in variables]
    prefix = opt.name + "/"
    paths = [v.path[len(prefix) :] if v.path.startswith(prefix) else v.path for v in opt.variables]
    return snaps, paths


def run_fit(cls_name, kwargs):
    rng = np.random.default_rng(2)
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(5, activation="tanh"), keras.layers.Dense(2)]
    )
    weights0 = [rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(weights0)
    x = rng.standard_normal((24, 4)).astype("float32")
    y = rng.standard_normal((24, 2)).astype("float32")
    opt = getattr(keras.optimizers, cls_name)(**kwargs)
    model.compile(optimizer=opt, loss="mse")
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    state = [
        {"shape": list(v.shape), "dtype": str(v.dtype), "value": f32list(v.numpy())}
        for v in opt.variables
    ]
    weights = [f32list(w) for w in model.get_weights()]
    model.train_on_batch(x[:8], y[:8])  # one more step: resuming from the state above
    return {
        "class": cls_name,
        "kwargs": kwargs,
        "weights0": [f32list(w) for w in weights0],
        "shapes": [list(w.shape) for w in weights0],
        "x": f32list(x),
        "y": f32list(y),
        "weights": weights,
        "optimizer_variables": state,
        "weights_after_one_more_batch": [f32list(w) for w in model.get_weights()],
    }


def main():
    out = {
        "keras_version": keras.__version__,
        "backend": keras.backend.backend(),
        "initial": [f32list(w) for w in W0],
        "shapes": [list(w.shape) for w in W0],
        "grads": [[f32list(g) for g in gs] for gs in GRADS],
        "cases": {},
        "schedules": {},
        "default_configs": {},
    }
    for name, cls_name, kwargs in CASES:
        after, paths = run_case(cls_name, kwargs)
        out["cases"][name] = {
            "class": cls_name,
            "kwargs": kwargs,
            "after": after,
            "variable_paths": paths,
        }
    out["shape_cases"] = {
        "shapes": [list(s) for s in EXTRA_SHAPES],
        "initial": [f32list(w) for w in EXTRA_W0],
        "grads": [[f32list(g) for g in gs] for gs in EXTRA_GRADS],
        "cases": {},
    }
    for name, cls_name, kwargs in SHAPE_CASES:
        after, paths = run_case(cls_name, kwargs, EXTRA_W0, EXTRA_GRADS)
        out["shape_cases"]["cases"][name] = {
            "class": cls_name,
            "kwargs": kwargs,
            "after": after,
            "variable_paths": paths,
        }
    out["fit"] = [run_fit(cls_name, kwargs) for cls_name, kwargs in FIT_CASES]
    for key, (cls_name, kwargs) in SCHEDULES.items():
        s = make_schedule(key)
        out["schedules"][key] = {
            "class": cls_name,
            "kwargs": kwargs,
            "values": [float(str(np.float32(s(step)))) for step in range(12)],
            "config": s.get_config(),
        }
    for cls_name in (
        *("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adamax", "Nadam"),
        *("Adadelta", "Ftrl", "Lion", "Lamb", "Adafactor"),
    ):
        cfg = getattr(keras.optimizers, cls_name)().get_config()
        cfg.pop("name")
        out["default_configs"][cls_name] = cfg
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes, {len(CASES)} cases)")


if __name__ == "__main__":
    main()
