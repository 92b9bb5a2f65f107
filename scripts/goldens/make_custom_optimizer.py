"""Golden values for Keras-3-style optimizer subclasses, produced by real Keras 3 (JAX).

Run: KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_custom_optimizer.py
Writes tests/goldens/custom_optimizer.json. The optimizer classes are NOT defined here:
their source is the `SOURCE` string of tests/optimizers/test_custom_optimizer.py, run here
with `keras` / `ops` bound to real Keras, and there with them bound to numkeras, so both
run the same subclass code (the JSON keeps the source; the test checks it is unchanged).

Cases: a small Dense model (fixed weights and data) trained with `fit` / `train_on_batch`,
and `apply_gradients` / `apply` on bare variables; each records the weights, the
optimizer's variables (names, shapes, dtypes, values, in `optimizer.variables` order,
which `.keras` files save) and the losses. Floats as their shortest float32 text.
"""

from __future__ import annotations

import ast
import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import ops  # noqa: E402

HERE = os.path.dirname(__file__)
ROOT = os.path.join(HERE, "..", "..")
TEST = os.path.join(ROOT, "tests", "optimizers", "test_custom_optimizer.py")
OUT = os.path.join(ROOT, "tests", "goldens", "custom_optimizer.json")


def read_source() -> str:
    tree = ast.parse(open(TEST).read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "SOURCE":
            return ast.literal_eval(node.value)
    raise SystemExit(f"no SOURCE string in {TEST}")


SOURCE = read_source()
NS: dict = {"keras": keras, "ops": ops}
exec(SOURCE, NS)  # noqa: S102 - the repo's own test code


def f32list(a):
    return [float(str(x)) for x in np.asarray(a, dtype=np.float32).ravel()]


def state(opt):
    return [
        {
            "name": v.name,
            "path": v.path,
            "shape": list(v.shape),
            "dtype": str(v.dtype),
            "value": f32list(v.numpy()) if "float" in str(v.dtype) else int(v.numpy()),
        }
        for v in opt.variables
    ]


def data():
    rng = np.random.default_rng(0)
    w0 = [
        rng.normal(0, 0.5, (4, 3)).astype("float32"),
        rng.normal(0, 0.1, (3,)).astype("float32"),
        rng.normal(0, 0.5, (3, 2)).astype("float32"),
        rng.normal(0, 0.1, (2,)).astype("float32"),
    ]
    x = rng.normal(size=(16, 4)).astype("float32")
    y = rng.normal(size=(16, 2)).astype("float32")
    return w0, x, y


def make_optimizer(case):
    kwargs = dict(case["kwargs"])
    if "schedule" in case:
        kwargs["learning_rate"] = keras.optimizers.schedules.ExponentialDecay(**case["schedule"])
    return NS[case["class"]](**kwargs)


def model_case(case):
    w0, x, y = data()
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(3, activation="tanh", name="d1"),
            keras.layers.Dense(2, name="d2"),
        ],
        name="seq",
    )
    model.set_weights(w0)
    opt = make_optimizer(case)
    model.compile(optimizer=opt, loss="mse")
    if case["mode"] == "fit":
        hist = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        losses = hist.history["loss"]
    else:  # train_on_batch on the first 8 samples, 3 times
        losses = [float(model.train_on_batch(x[:8], y[:8])) for _ in range(3)]
    return {
        **case,
        "weights": [f32list(w) for w in model.get_weights()],
        "losses": [float(v) for v in losses],
        "state": state(opt),
        "iterations": int(np.asarray(opt.iterations)),
    }


def apply_case(case):
    rng = np.random.default_rng(1)
    a = keras.Variable(rng.normal(size=(3, 2)).astype("float32"), name="a")
    b = keras.Variable(rng.normal(size=(2,)).astype("float32"), name="b")
    grads = [
        [rng.normal(size=(3, 2)).astype("float32"), rng.normal(size=(2,)).astype("float32")]
        for _ in range(4)
    ]
    opt = make_optimizer(case)
    opt.apply_gradients(zip(grads[0], [a, b]))
    opt.apply(grads[1], [a, b])
    opt.apply(grads[2])  # (built: the variables it was built with)
    opt.apply_gradients([(grads[3][0], a), (grads[3][1], b)])
    return {
        **case,
        "grads": [[f32list(g) for g in gs] for gs in grads],
        "weights": [f32list(a.numpy()), f32list(b.numpy())],
        "state": state(opt),
        "iterations": int(np.asarray(opt.iterations)),
    }


SCHED = dict(initial_learning_rate=0.1, decay_steps=2, decay_rate=0.5)
CASES = [
    dict(id="momentum_fit", mode="fit", kwargs=dict(learning_rate=0.05), **{"class": "Momentum"}),
    dict(id="adam_fit", mode="fit", kwargs=dict(learning_rate=0.01), **{"class": "AdamLike"}),
    dict(
        id="momentum_schedule_wd_clipnorm_ema",
        mode="fit",
        kwargs=dict(
            weight_decay=0.05,
            clipnorm=0.5,
            use_ema=True,
            ema_momentum=0.8,
            ema_overwrite_frequency=3,
        ),
        schedule=SCHED,
        **{"class": "Momentum"},
    ),
    dict(
        id="adam_accumulation_global_clipnorm",
        mode="fit",
        kwargs=dict(learning_rate=0.01, gradient_accumulation_steps=2, global_clipnorm=0.3),
        **{"class": "AdamLike"},
    ),
    dict(
        id="momentum_clipvalue_tob",
        mode="train_on_batch",
        kwargs=dict(learning_rate=0.1, clipvalue=0.05),
        **{"class": "Momentum"},
    ),
]
APPLY_CASES = [
    dict(
        id="adam_apply_loss_scale_ema",
        kwargs=dict(learning_rate=0.05, loss_scale_factor=4.0, use_ema=True, name="adam_x"),
        **{"class": "AdamLike"},
    ),
    dict(
        id="momentum_apply_accumulation",
        kwargs=dict(learning_rate=0.1, gradient_accumulation_steps=2, weight_decay=0.1),
        **{"class": "Momentum"},
    ),
]


def main():
    w0, x, y = data()
    out = {
        "keras_version": keras.__version__,
        "backend": keras.backend.backend(),
        "source": SOURCE,
        "w0": [f32list(w) for w in w0],
        "w0_shapes": [list(w.shape) for w in w0],
        "x": f32list(x),
        "y": f32list(y),
        "model_cases": [model_case(c) for c in CASES],
        "apply_cases": [],
    }
    rng = np.random.default_rng(1)
    out["apply_init"] = [f32list(rng.normal(size=(3, 2))), f32list(rng.normal(size=(2,)))]
    out["apply_cases"] = [apply_case(c) for c in APPLY_CASES]
    with open(OUT, "w") as f:
        json.dump(out, f, indent=None, separators=(",", ":"))
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
