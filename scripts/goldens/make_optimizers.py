"""Golden values for numkeras.optimizers, produced by real Keras 3.

Run: KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_optimizers.py
Writes tests/goldens/optimizers.json: fixed initial weights (a (4, 3) kernel and a (3,)
bias), five fixed gradient sets, and for each case the weights after step 1 and step 5
of `optimizer.apply(grads, vars)` and the order of `optimizer.variables` (what `.keras`
files save), plus the learning-rate schedules' values and the default configs.
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


def make_schedule(key):
    cls_name, kwargs = SCHEDULES[key]
    return getattr(S, cls_name)(**kwargs)


def run_case(cls_name, kwargs):
    kwargs = dict(kwargs)
    if "schedule" in kwargs:
        kwargs["learning_rate"] = make_schedule(kwargs.pop("schedule"))
    opt = getattr(keras.optimizers, cls_name)(**kwargs)
    variables = [keras.Variable(w.copy(), name=n) for w, n in zip(W0, ("kernel", "bias"))]
    snaps = {}
    for step, grads in enumerate(GRADS, start=1):
        opt.apply([keras.ops.convert_to_tensor(g) for g in grads], variables)
        if step in (1, 5):
            snaps[str(step)] = [f32list(v.numpy()) for v in variables]
    prefix = opt.name + "/"
    paths = [v.path[len(prefix) :] if v.path.startswith(prefix) else v.path for v in opt.variables]
    return snaps, paths


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
    for key, (cls_name, kwargs) in SCHEDULES.items():
        s = make_schedule(key)
        out["schedules"][key] = {
            "class": cls_name,
            "kwargs": kwargs,
            "values": [float(str(np.float32(s(step)))) for step in range(12)],
            "config": s.get_config(),
        }
    for cls_name in ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adamax", "Nadam"):
        cfg = getattr(keras.optimizers, cls_name)().get_config()
        cfg.pop("name")
        out["default_configs"][cls_name] = cfg
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes, {len(CASES)} cases)")


if __name__ == "__main__":
    main()
