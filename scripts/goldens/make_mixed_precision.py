"""Goldens for tests/test_mixed_precision.py: Keras 3's `mixed_float16` policy (float16
compute, float32 weights): the layers' dtype attributes, the outputs' dtypes and values,
`compile` wrapping the optimizer in a `LossScaleOptimizer`, training with dynamic loss
scaling (an overflowing step is skipped and halves the scale), configs, `.keras` files and
the summary.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Also writes a Keras-made file,
tests/goldens/saving/keras_mixed_float16.keras, which the test loads and trains on.

Run with Keras 3 and JAX installed (writes tests/goldens/mixed_precision.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_mixed_precision.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "mixed_precision.json"
KERAS_FILE = ROOT / "tests" / "goldens" / "saving" / "keras_mixed_float16.keras"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def _fill(model, seed=0, scale=0.5):
    """Weights from a seeded generator, so both libraries start equal."""
    rng = np.random.default_rng(seed)
    model.set_weights(
        [(rng.standard_normal(w.shape) * scale).astype(w.dtype) for w in model.get_weights()]
    )


def _x(rows, *shape, seed=1):
    return np.random.default_rng(seed).standard_normal((rows, *shape)).astype("float32")


def _values(a, digits=5):
    a = np.asarray(a)
    return {
        "dtype": str(a.dtype),
        "shape": list(a.shape),
        "values": np.round(a.astype("float64"), digits).ravel().tolist(),
    }


def _history(history, digits=5):
    return {k: [round(float(v), digits) for v in vs] for k, vs in sorted(history.history.items())}


def _mixed(keras):
    keras.mixed_precision.set_global_policy("mixed_float16")


def _restore(keras):
    keras.mixed_precision.set_global_policy("float32")


def _mlp(keras, head_float32=True):
    inp = keras.Input((6,))
    h = keras.layers.Dense(8, activation="relu", name="hidden")(inp)
    h = keras.layers.Dense(3, name="logits")(h)
    out = keras.layers.Activation(
        "softmax", dtype="float32" if head_float32 else None, name="probs"
    )(h)
    model = keras.Model(inp, out)
    _fill(model)
    return model


@scenario
def attributes(keras):
    """The policy's and a layer's dtype attributes; a direct call's output dtype."""
    _mixed(keras)
    try:
        dense = keras.layers.Dense(4)
        out = dense(_x(3, 5))
        policy = keras.mixed_precision.global_policy()
        d2 = keras.layers.Dense(2, dtype="float32")
        return {
            "global": [policy.name, policy.compute_dtype, policy.variable_dtype],
            "config_policy": keras.config.dtype_policy().name,
            "floatx": keras.config.floatx(),
            "dense": [
                dense.dtype,
                dense.compute_dtype,
                dense.variable_dtype,
                dense.dtype_policy.name,
            ],
            "kernel": str(dense.kernel.dtype),
            "out": str(out.dtype),
            "float32_layer": [d2.dtype, d2.compute_dtype, d2.dtype_policy.name],
            "input": str(keras.Input((3,)).dtype),
            "model_policy": keras.Sequential(
                [keras.Input((2,)), keras.layers.Dense(1)]
            ).dtype_policy.name,
        }
    finally:
        _restore(keras)


@scenario
def output_dtypes(keras):
    """Each layer's output dtype under the global mixed policy, called directly."""
    _mixed(keras)
    try:
        x = _x(2, 4)
        seq = _x(2, 3, 4)
        img = _x(1, 5, 5, 2)
        L = keras.layers
        cases = {
            "dense": L.Dense(2)(x),
            "dense_int_input": L.Dense(2)(np.ones((2, 3), "int32")),
            "dense_float64_input": L.Dense(2)(np.ones((2, 3), "float64")),
            "batch_norm": L.BatchNormalization()(x),
            "layer_norm": L.LayerNormalization()(x),
            "dropout": L.Dropout(0.5)(x, training=True),
            "softmax": L.Softmax()(x),
            "activation": L.Activation("tanh")(x),
            "add": L.Add()([x, x]),
            "concatenate": L.Concatenate()([x, x]),
            "flatten": L.Flatten()(seq),
            "reshape": L.Reshape((12,))(seq),
            "conv2d": L.Conv2D(2, 3)(img),
            "max_pool": L.MaxPooling2D()(img),
            "global_avg": L.GlobalAveragePooling2D()(img),
            "embedding": L.Embedding(10, 3)(np.array([[1, 2]])),
            "lstm": L.LSTM(3)(seq),
            "gru": L.GRU(3)(seq),
            "simple_rnn": L.SimpleRNN(3)(seq),
            "float32_dense": L.Dense(2, dtype="float32")(x),
        }
        return {k: str(v.dtype) for k, v in cases.items()}
    finally:
        _restore(keras)


@scenario
def symbolic_dtypes(keras):
    """The symbolic outputs' dtypes and the predictions' dtype (float16 unless the last
    layer computes in float32)."""
    _mixed(keras)
    try:
        inp = keras.Input((6,))
        h = keras.layers.Dense(8)(inp)
        out32 = keras.layers.Activation("linear", dtype="float32")(h)
        m16 = keras.Sequential([keras.Input((6,)), keras.layers.Dense(2)])
        _fill(m16)
        p16 = m16.predict(_x(3, 6), verbose=0)
        return {
            "input": str(inp.dtype),
            "hidden": str(h.dtype),
            "float32_head": str(out32.dtype),
            "predict16": _values(p16, 3),
            "call16": str(m16(_x(3, 6)).dtype),
            "predict_on_batch16": str(m16.predict_on_batch(_x(3, 6)).dtype),
        }
    finally:
        _restore(keras)


@scenario
def mlp_predict(keras):
    """A mixed MLP with a float32 softmax head: its predictions."""
    _mixed(keras)
    try:
        model = _mlp(keras)
        return _values(model.predict(_x(5, 6), verbose=0), 3)
    finally:
        _restore(keras)


@scenario
def mlp_fit_adam(keras):
    """compile wraps Adam in a LossScaleOptimizer; fit, evaluate, the scale and weights."""
    _mixed(keras)
    try:
        model = _mlp(keras)
        model.compile(
            optimizer=keras.optimizers.Adam(0.01),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        opt = model.optimizer
        x, y = _x(32, 6), np.arange(32) % 3
        history = model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
        return {
            "optimizer": [type(opt).__name__, opt.name, type(opt.inner_optimizer).__name__],
            "history": _history(history),
            "evaluate": [round(float(v), 5) for v in model.evaluate(x, y, verbose=0)],
            "scale": float(np.asarray(opt.dynamic_scale)),
            "iterations": int(np.asarray(opt.iterations)),
            "weights": [
                round(float(np.asarray(w, "float64").sum()), 3) for w in model.get_weights()
            ],
            "weight_dtypes": [str(np.asarray(w).dtype) for w in model.get_weights()],
            "optimizer_variables": [v.path for v in opt.variables],
        }
    finally:
        _restore(keras)


@scenario
def no_auto_scaling(keras):
    """`compile(auto_scale_loss=False)` keeps the optimizer; a model whose own policy is
    float32 (mixed layers inside) is not wrapped either."""
    _mixed(keras)
    try:
        model = _mlp(keras)
        model.compile(optimizer="sgd", loss="mse", auto_scale_loss=False)
        first = type(model.optimizer).__name__
    finally:
        _restore(keras)
    inp = keras.Input((4,))
    out = keras.layers.Dense(2, dtype="mixed_float16")(inp)
    m2 = keras.Model(inp, out)
    m2.compile(optimizer="sgd", loss="mse")
    return {
        "auto_scale_loss_false": first,
        "float32_model": type(m2.optimizer).__name__,
        "out": str(out.dtype),
    }


@scenario
def loss_scale_overflow(keras):
    """Targets so large that the scaled float16 gradients overflow: the first steps are
    skipped, each halving the scale, until they fit."""
    _mixed(keras)
    try:
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, name="out")])
        _fill(model, scale=0.1)
        model.compile(optimizer=keras.optimizers.SGD(1e-4), loss="mse")
        x = _x(8, 4)
        y = np.full((8, 1), 30.0, "float32")
        steps = []
        for _ in range(8):
            loss = model.train_on_batch(x, y)
            opt = model.optimizer
            steps.append(
                [
                    round(float(loss), 2),
                    float(np.asarray(opt.dynamic_scale)),
                    int(np.asarray(opt.iterations)),
                    round(float(np.asarray(model.get_weights()[0], "float64").sum()), 4),
                ]
            )
        return steps
    finally:
        _restore(keras)


@scenario
def conv_bn_fit(keras):
    """Conv2D, BatchNormalization, pooling and Dense under the mixed policy, trained."""
    _mixed(keras)
    try:
        L = keras.layers
        model = keras.Sequential(
            [
                keras.Input((6, 6, 1)),
                L.Conv2D(3, 3, activation="relu", name="conv"),
                L.BatchNormalization(name="bn"),
                L.MaxPooling2D(name="pool"),
                L.Flatten(name="flat"),
                L.Dense(2, name="head"),
                L.Activation("softmax", dtype="float32", name="probs"),
            ]
        )
        _fill(model, scale=0.3)
        bn = model.get_layer("bn")
        bn.moving_variance.assign(np.ones(3, "float32"))
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy")
        x, y = _x(16, 6, 6, 1), np.arange(16) % 2
        before = model.predict(x[:3], verbose=0)
        history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
        return {
            "before": _values(before, 3),
            "history": _history(history, 4),
            "moving_mean": [round(float(v), 3) for v in np.asarray(bn.moving_mean)],
            "bn_dtypes": [str(bn.gamma.dtype), str(bn.moving_mean.dtype)],
        }
    finally:
        _restore(keras)


@scenario
def embedding_lstm(keras):
    """Embedding -> LSTM -> Dense under the mixed policy: predictions and a short fit."""
    _mixed(keras)
    try:
        L = keras.layers
        model = keras.Sequential(
            [
                keras.Input((5,), dtype="int32"),
                L.Embedding(12, 4),
                L.LSTM(3),
                L.Dense(1, dtype="float32"),
            ]
        )
        _fill(model, scale=0.4)
        ids = np.random.default_rng(2).integers(0, 12, (8, 5))
        y = np.linspace(-1, 1, 8).reshape(8, 1).astype("float32")
        before = model.predict(ids, verbose=0)
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        history = model.fit(ids, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
        return {"before": _values(before, 3), "history": _history(history, 4)}
    finally:
        _restore(keras)


@scenario
def configs(keras):
    """The layers' `dtype` entries in a model config, and a round trip through it."""
    _mixed(keras)
    try:
        model = _mlp(keras)
        config = model.get_config()
        dtypes = {
            la["name"]: la["config"]["dtype"] for la in config["layers"] if "dtype" in la["config"]
        }
    finally:
        _restore(keras)
    clone = keras.Model.from_config(config)
    return {
        "dtypes": dtypes,
        "clone_policies": {la.name: la.dtype_policy.name for la in clone.layers[1:]},
        "clone_model_policy": clone.dtype_policy.name,
        "dense_config": keras.layers.Dense(2, dtype="mixed_float16").get_config()["dtype"],
    }


@scenario
def summary(keras):
    lines = []
    _mixed(keras)
    try:
        model = _mlp(keras)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(_x(4, 6), np.arange(4) % 3, epochs=1, verbose=0)
        model.summary(print_fn=lambda s, **kw: lines.append(s))
    finally:
        _restore(keras)
    return "\n".join(lines).splitlines()[-5:]


@scenario
def keras_file(keras):
    """A mixed model saved by Keras: loaded, its policies, predictions and one more fit."""
    _mixed(keras)
    try:
        model = _mlp(keras)
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
        x, y = _x(16, 6), np.arange(16) % 3
        model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
        if keras.__name__ == "keras":
            model.save(KERAS_FILE)
    finally:
        _restore(keras)
    loaded = keras.saving.load_model(KERAS_FILE)
    history = loaded.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    opt = loaded.optimizer
    return {
        "policies": [la.dtype_policy.name for la in loaded.layers[1:]],
        # (the loaded model's own policy is float32, so compile_from_config gives a plain
        # Adam, which skips the file's LossScaleOptimizer variables, with a warning)
        "optimizer": [type(opt).__name__, int(np.asarray(opt.iterations))],
        "model_policy": loaded.dtype_policy.name,
        "predict": _values(loaded.predict(x[:2], verbose=0), 3),
        "history": _history(history, 4),
    }


@scenario
def float64_policy(keras):
    """A float policy sets the layers' dtype, not floatx: Inputs, Variables and ops keep
    float32, as Keras 3's."""
    keras.config.set_dtype_policy("float64")
    try:
        inp = keras.Input((3,))
        dense = keras.layers.Dense(2)
        out = dense(inp)
        return {
            "floatx": keras.config.floatx(),
            "policy": keras.config.dtype_policy().name,
            "input": str(inp.dtype),
            "dense": [dense.dtype, dense.compute_dtype, str(dense.kernel.dtype)],
            "output": str(out.dtype),
            "variable": str(keras.Variable(1.5).dtype),
            "ops": str(keras.ops.ones((2,)).dtype),
        }
    finally:
        keras.config.set_dtype_policy("float32")


def _zoo_models(keras):
    """Small models of the layer kinds users train under mixed precision."""
    L = keras.layers

    class Scale(L.Layer):  # a user layer with its own weight
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

        def call(self, x):
            return x * self.w + 0.5

    seq_in = keras.Input((6, 4))
    att = L.MultiHeadAttention(num_heads=2, key_dim=3, name="mha")(seq_in, seq_in)
    att = L.GlobalAveragePooling1D()(att)
    a = keras.Input((4,))
    b = keras.Input((4,))
    merged = L.Concatenate()([L.Dense(3)(a), L.Add()([a, b])])
    return {
        "attention": keras.Model(seq_in, L.Dense(2, dtype="float32")(att)),
        "conv1d_gru": keras.Sequential(
            [
                keras.Input((8, 3)),
                L.Conv1D(4, 3, activation="relu"),
                L.Bidirectional(L.GRU(3)),
                L.Dropout(0.0),
                L.Dense(2, dtype="float32"),
            ]
        ),
        "time_distributed": keras.Sequential(
            [
                keras.Input((5, 4)),
                L.TimeDistributed(L.Dense(3, activation="tanh")),
                L.SimpleRNN(2),
                L.Dense(2, dtype="float32"),
            ]
        ),
        "user_layer": keras.Sequential(
            [keras.Input((4,)), L.Dense(4), Scale(), L.LayerNormalization(), L.Dense(2)]
        ),
        "two_inputs": keras.Model([a, b], L.Dense(2, activation="sigmoid")(merged)),
    }


@scenario
def zoo(keras):
    """Each small model: predictions, then two epochs of Adam with its history."""
    return _zoo(keras, lambda name: name != "attention")


@SCENARIOS.scenario_on("torch")
def zoo_attention(keras):
    """MultiHeadAttention under the mixed policy (its goldens from Keras's torch backend:
    JAX on a CPU has no float16 x float16 -> float32 product)."""
    return _zoo(keras, lambda name: name == "attention")


def _zoo(keras, wanted):
    results = {}
    _mixed(keras)
    try:
        for name, model in _zoo_models(keras).items():
            if not wanted(name):
                continue
            _fill(model, scale=0.4)
            shape = [tuple(t.shape[1:]) for t in model.inputs]
            xs = [_x(8, *s, seed=3 + i) for i, s in enumerate(shape)]
            x = xs if len(xs) > 1 else xs[0]
            y = np.linspace(0, 1, 16).reshape(8, 2).astype("float32")
            before = model.predict(x, verbose=0)
            model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
            history = model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
            results[name] = {"before": _values(before, 3), "history": _history(history, 4)}
    finally:
        _restore(keras)
    return results


if __name__ == "__main__":
    SCENARIOS.write(OUT, sys.argv[1:] or None)
