"""Goldens for tests/layers/test_lora.py: LoRA in `Dense`, as Keras 3 has it
(`enable_lora(rank)`, `lora_rank=` at construction): the kernel frozen, two trainable
factors, the merged kernel as `layer.kernel`, what training changes, what saving writes,
the config keys, and the errors.

Not compared: `Dense(lora_rank=r, lora_alpha=a)` keeps `a` in numkeras; Keras's `build`
calls `enable_lora(r)` without it, so its layer ends with `lora_alpha = r` (README). Nor
`ReversibleEmbedding(tie_weights=False, lora_rank=r)`, which Keras 3.15 fails to build
(tests/layers/test_lora.py checks numkeras's).

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
    # (as float64: the JSON then holds 5 decimals, not float32's long expansions)
    return np.asarray(a, dtype="float64").round(5).tolist()


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


# -- EinsumDense, Embedding and Conv1D/2D/3D ---------------------------------------------
# name -> (the layer with its keyword arguments, input shape, whether the inputs are ids)
LAYERS = {
    "einsum": (lambda keras, **kw: keras.layers.EinsumDense(
        "abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de", name="l", **kw), (3, 4), 0),
    "einsum_in_last": (lambda keras, **kw: keras.layers.EinsumDense(
        "abc,dc->abd", output_shape=(None, 3), name="l", **kw), (2, 5), 0),
    "embedding": (lambda keras, **kw: keras.layers.Embedding(6, 3, name="l", **kw), (5,), 1),
    "conv1d": (lambda keras, **kw: keras.layers.Conv1D(
        4, 3, groups=2, activation="tanh", name="l", **kw), (6, 4), 0),
    "conv2d": (lambda keras, **kw: keras.layers.Conv2D(
        3, 2, padding="same", name="l", **kw), (3, 3, 2), 0),
    "conv2d_first": (lambda keras, **kw: keras.layers.Conv2D(
        3, 2, strides=2, data_format="channels_first", name="l", **kw), (2, 5, 5), 0),
    "conv3d": (lambda keras, **kw: keras.layers.Conv3D(2, 2, name="l", **kw), (3, 3, 3, 2), 0),
}  # fmt: skip


def _data(kind, seed=11, n=4):
    _, shape, ids = LAYERS[kind]
    rng = np.random.default_rng(seed)
    if ids:
        return rng.integers(0, 6, size=(n, *shape)).astype("int32")
    return rng.normal(size=(n, *shape)).astype("float32")


def _fill(variables, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    for v in variables:
        v.assign((rng.normal(size=tuple(v.shape)) * scale).astype("float32"))


def _layer_model(keras, kind, alpha=None, enable=True):
    make, shape, ids = LAYERS[kind]
    inputs = keras.Input(shape, dtype="int32" if ids else "float32")
    model = keras.Sequential([inputs, make(keras)])
    layer = model.layers[0]
    _fill(layer.weights, 1, 0.5)
    if enable:
        layer.enable_lora(2, lora_alpha=alpha)
        a, b = (layer.lora_embeddings_a, layer.lora_embeddings_b) if ids else (
            layer.lora_kernel_a, layer.lora_kernel_b)  # fmt: skip
        _fill([a], 2)
        _fill([b], 3, 0.1)
    return model, layer


def _merged(layer):
    return layer.embeddings if hasattr(layer, "input_dim") else layer.kernel


def _frozen(layer):
    return layer._embeddings if hasattr(layer, "input_dim") else layer._kernel


def _enable(kind):
    def run(keras):
        model, layer = _layer_model(keras, kind, enable=False)
        x = _data(kind)
        before = model.predict(x, verbose=0)
        layer.enable_lora(2)
        fresh = model.predict(x, verbose=0)  # (b is zeros: nothing changes yet)
        model, layer = _layer_model(keras, kind)
        return {
            "weights": [[w.name, list(w.shape), str(w.dtype)] for w in layer.weights],
            "trainable": [w.name for w in layer.trainable_weights],
            "non_trainable": [w.name for w in layer.non_trainable_weights],
            "unchanged": bool(np.allclose(before, fresh)),
            "merged": _round(_merged(layer)),
            "predict": _round(model.predict(x, verbose=0)),
            "config": {k: layer.get_config().get(k) for k in ("lora_rank", "lora_alpha")},
            "count": model.count_params(),
        }

    return run


def _alpha(kind):
    def run(keras):
        model, layer = _layer_model(keras, kind, alpha=6.0)
        return {"merged": _round(_merged(layer)), "alpha": layer.lora_alpha,
                "predict": _round(model.predict(_data(kind), verbose=0))}  # fmt: skip

    return run


def _train(kind):
    def run(keras):
        model, layer = _layer_model(keras, kind, alpha=3.0)
        x = _data(kind)
        y = np.random.default_rng(5).normal(size=model.predict(x, verbose=0).shape)
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
        history = model.fit(x, y, epochs=3, batch_size=2, shuffle=False, verbose=0)
        return {
            "loss": [round(v, 5) for v in history.history["loss"]],
            "frozen": _round(_frozen(layer)),
            "trained": [_round(w) for w in layer.trainable_weights],
            "predict": _round(model.predict(x, verbose=0)),
        }

    return run


def _save(kind):
    def run(keras):
        model, layer = _layer_model(keras, kind)
        x = _data(kind)[:1]  # (one sample: the four predictions are the same model's)
        with tempfile.TemporaryDirectory() as tmp:
            model.save_weights(f"{tmp}/m.weights.h5")
            plain, _ = _layer_model(keras, kind, enable=False)
            plain.load_weights(f"{tmp}/m.weights.h5")
            again, again_layer = _layer_model(keras, kind)
            again.load_weights(f"{tmp}/m.weights.h5")  # (the factors restart from zeros)
            model.save(f"{tmp}/m.keras")
            loaded = keras.saving.load_model(f"{tmp}/m.keras")
            plain.save_weights(f"{tmp}/p.weights.h5")  # a plain file into a LoRA model
            model.load_weights(f"{tmp}/p.weights.h5")
            return {
                "plain_merged": _round(_merged(plain.layers[0])),
                "plain_predict": _round(plain.predict(x, verbose=0)),
                "again_factors": [_round(w) for w in again_layer.trainable_weights[-2:]],
                "again_predict": _round(again.predict(x, verbose=0)),
                "loaded_weights": [w.name for w in loaded.layers[0].weights],
                "loaded_enabled": loaded.layers[0].lora_enabled,
                "loaded_predict": _round(loaded.predict(x, verbose=0)),
                "reloaded_predict": _round(model.predict(x, verbose=0)),
            }

    return run


def _config(kind):
    def run(keras):
        make, shape, ids = LAYERS[kind]
        # (Embedding's build drops the alpha given (README): only its default compared)
        layer = make(keras, lora_rank=2, **({} if ids else {"lora_alpha": 4.0}))
        layer.build((None, *shape))
        copy = type(layer).from_config(layer.get_config())
        copy.build((None, *shape))
        config = copy.get_config()
        return {
            "enabled": [layer.lora_enabled, copy.lora_enabled],
            "weights": [[w.name, w.trainable] for w in copy.weights],
            "config": {k: config.get(k) for k in ("lora_rank", "lora_alpha")},
            "factor_b": _round(copy.weights[-1]),
        }

    return run


def _errors(kind):
    def run(keras):
        make, shape, ids = LAYERS[kind]
        built = make(keras)
        built.build((None, *shape))
        built.enable_lora(2)
        key = "embeddings_constraint" if ids else "kernel_constraint"
        constrained = make(keras, **{key: "non_neg"})
        constrained.build((None, *shape))
        return {
            "unbuilt": _error(lambda: make(keras).enable_lora(2)),
            "twice": _error(lambda: built.enable_lora(2)),
            "constraint": _error(lambda: constrained.enable_lora(2)),
            "built_constraint": _error(
                lambda: make(keras, lora_rank=2, **{key: "non_neg"}).build((None, *shape))
            ),
        }

    return run


def _error(fn):
    """[the built-in type a user's `except` names, the message], or "ok"."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type and message are the result
        return [next(t for t in type(e).__mro__ if t.__module__ == "builtins").__name__, str(e)]
    return "ok"


for _kind in LAYERS:
    for _make in (_enable, _alpha, _train, _save, _config, _errors):
        SCENARIOS[f"{_kind}{_make.__name__}"] = _make(_kind)


@scenario
def lora_regularizers(keras):
    """The weight's regularizer goes to the factors; the frozen weight's is no loss."""
    rng = np.random.default_rng(0)
    out = {}
    for kind in ("conv", "embedding"):
        keras.utils.clear_session()
        l2 = keras.regularizers.L2(0.1)
        if kind == "conv":
            inputs, layer = keras.Input((5, 2)), keras.layers.Conv1D(2, 2, kernel_regularizer=l2)
            x = rng.normal(size=(4, 5, 2)).astype("float32")
        else:
            inputs = keras.Input((3,), dtype="int32")
            layer = keras.layers.Embedding(5, 2, embeddings_regularizer=l2)
            x = rng.integers(0, 5, size=(4, 3)).astype("int32")
        model = keras.Sequential([inputs, layer])
        _fill(layer.weights, 4, 0.5)
        layer.enable_lora(1)
        _fill(layer.trainable_weights, 5, 0.3)
        model(x)
        model.compile(keras.optimizers.SGD(0.1), "mse")
        y = np.zeros(model.predict(x, verbose=0).shape)
        history = model.fit(x, y, epochs=2, verbose=0)
        out[kind] = {"losses": [round(float(v), 5) for v in model.losses],
                     "loss": [round(v, 5) for v in history.history["loss"]]}  # fmt: skip
    return out


@scenario
def einsum_lora_on_a_vector_kernel(keras):
    """`"ab,b->a"`: a 1-D kernel `(4,)`, factors `(rank,)` and `(rank, 4)`."""
    rng = np.random.default_rng(0)
    layer = keras.layers.EinsumDense("ab,b->a", output_shape=())
    layer.build((None, 4))
    _fill(layer.weights, 6)
    layer.enable_lora(2)
    _fill(layer.trainable_weights, 7)
    x = rng.normal(size=(3, 4)).astype("float32")
    return {"shapes": [list(w.shape) for w in layer.weights], "out": _round(layer(x)),
            "kernel": _round(layer.kernel)}  # fmt: skip


@scenario
def mha_lora_on_its_projections(keras):
    """Keras's own test: LoRA on a MultiHeadAttention's query/key/value projections."""
    q = np.random.default_rng(8).normal(size=(4, 2, 2)).astype("float32")
    inputs = keras.Input((2, 2))
    layer = keras.layers.MultiHeadAttention(num_heads=3, key_dim=4, use_bias=False, name="m")
    model = keras.Model(inputs, layer(inputs, inputs))
    _fill(model.weights, 9, 0.5)
    for dense in (layer.query_dense, layer.key_dense, layer.value_dense):
        dense.enable_lora(2)
        _fill(dense.trainable_weights[:1], 4)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    history = model.fit(q, q[..., :2] * 0.5, epochs=2, batch_size=2, shuffle=False, verbose=0)
    with tempfile.TemporaryDirectory() as tmp:
        model.save(f"{tmp}/m.keras")
        loaded = keras.saving.load_model(f"{tmp}/m.keras")
        return {
            "trainable": len(layer.trainable_variables),
            "non_trainable": len(layer.non_trainable_variables),
            "loss": [round(v, 5) for v in history.history["loss"]],
            "predict": _round(model.predict(q, verbose=0)),
            "loaded": _round(loaded.predict(q, verbose=0)),
        }


# -- ReversibleEmbedding: LoRA on the table, used by both calls ---------------------------
RE_IDS = np.random.default_rng(12).integers(0, 6, size=(6, 3)).astype("int32")
RE_TARGETS = np.random.default_rng(13).integers(0, 6, size=(6, 3)).astype("int32")


def _reversible_model(keras, tie, cap=None, enable=True, alpha=None):
    """ids -> ReversibleEmbedding -> Dense -> the same layer with reverse=True (logits),
    LoRA enabled on the built layer with set factors."""
    layer = keras.layers.ReversibleEmbedding(6, 3, tie_weights=tie, logit_soft_cap=cap, name="re")
    inputs = keras.Input((3,), dtype="int32")
    logits = layer(keras.layers.Dense(3, name="mid")(layer(inputs)), reverse=True)
    model = keras.Model(inputs, logits)
    _fill(model.weights, 1, 0.5)
    if enable:
        layer.enable_lora(2, lora_alpha=alpha)
        _fill([layer.lora_embeddings_a], 2)
        _fill([layer.lora_embeddings_b], 3, 0.3)
    return model, layer


def _reversible_enable(tie):
    def run(keras):
        model, layer = _reversible_model(keras, tie)
        return {
            "weights": [[w.name, w.path, list(w.shape), w.trainable] for w in layer.weights],
            "trainable": [w.path for w in model.trainable_weights],
            "merged": _round(layer.embeddings),
            "hidden": _round(layer(RE_IDS)),
            "reverse": _round(layer(np.ones((2, 3), "float32"), reverse=True)),
            "predict": _round(model.predict(RE_IDS, verbose=0)),
            "config": {k: layer.get_config().get(k) for k in ("lora_rank", "lora_alpha")},
            "count": model.count_params(),
        }

    return run


def _reversible_train(tie, cap):
    def run(keras):
        model, layer = _reversible_model(keras, tie, cap, alpha=3.0)
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss=loss)
        history = model.fit(RE_IDS, RE_TARGETS, epochs=3, batch_size=2, shuffle=False, verbose=0)
        return {
            "loss": [round(v, 5) for v in history.history["loss"]],
            "frozen": _round(layer._embeddings),
            "trained": {w.path: _round(w) for w in model.trainable_weights},
            "predict": _round(model.predict(RE_IDS, verbose=0)),
        }

    return run


def _reversible_save(tie):
    def run(keras):
        model, layer = _reversible_model(keras, tie)
        ids = RE_IDS[:2]
        out = {}
        with tempfile.TemporaryDirectory() as tmp:
            model.save_weights(f"{tmp}/m.weights.h5")
            plain, plain_layer = _reversible_model(keras, tie, enable=False)
            plain.load_weights(f"{tmp}/m.weights.h5")
            again, again_layer = _reversible_model(keras, tie)
            again.load_weights(f"{tmp}/m.weights.h5")  # (the factors restart from zeros)
            out.update(
                plain_weights=[_round(w) for w in plain_layer.weights],
                plain_predict=_round(plain.predict(ids, verbose=0)),
                again_factors=[_round(w) for w in again_layer.trainable_weights[-2:]],
                again_predict=_round(again.predict(ids, verbose=0)),
            )
            if tie:  # (untied, Keras cannot build a layer with `lora_rank`: README)
                model.save(f"{tmp}/m.keras")
                loaded = keras.saving.load_model(f"{tmp}/m.keras")
                re = loaded.get_layer("re")
                out.update(
                    loaded_weights=[[w.name, w.trainable] for w in re.weights],
                    loaded_enabled=re.lora_enabled,
                    loaded_predict=_round(loaded.predict(ids, verbose=0)),
                )
            plain.save_weights(f"{tmp}/p.weights.h5")  # a plain file into a LoRA model
            model.load_weights(f"{tmp}/p.weights.h5")
            out["reloaded_predict"] = _round(model.predict(ids, verbose=0))
        return out

    return run


for _tie in (True, False):
    _kind = "tied" if _tie else "untied"
    SCENARIOS[f"reversible_{_kind}_enable"] = _reversible_enable(_tie)
    SCENARIOS[f"reversible_{_kind}_save"] = _reversible_save(_tie)
    for _cap in (None, 2.0):
        _name = f"reversible_{_kind}_train" + ("_capped" if _cap else "")
        SCENARIOS[_name] = _reversible_train(_tie, _cap)


@scenario
def reversible_config_and_errors(keras):
    layer = keras.layers.ReversibleEmbedding(6, 3, lora_rank=2, logit_soft_cap=3.0, name="re")
    layer.build()
    copy = keras.layers.ReversibleEmbedding.from_config(layer.get_config())
    copy.build()
    built = keras.layers.ReversibleEmbedding(6, 3, tie_weights=False)
    built.build()
    built.enable_lora(2)
    constrained = keras.layers.ReversibleEmbedding(6, 3, embeddings_constraint="non_neg")
    constrained.build()
    config = copy.get_config()
    return {
        "enabled": [layer.lora_enabled, copy.lora_enabled],
        "weights": [[w.name, w.trainable] for w in copy.weights],
        "config": {k: config.get(k) for k in ("lora_rank", "lora_alpha", "logit_soft_cap")},
        "factor_b": _round(copy.weights[-1]),
        "unbuilt": _error(lambda: keras.layers.ReversibleEmbedding(6, 3).enable_lora(2)),
        "twice": _error(lambda: built.enable_lora(2)),
        "constraint": _error(lambda: constrained.enable_lora(2)),
    }


@scenario
def reversible_subclass_traced_call(keras):
    """User subclasses computing with `self.embeddings` in their own `call` (numkeras
    traces it): the factors train through it, as in Keras."""
    ops = keras.ops

    class Scaled(keras.layers.ReversibleEmbedding):
        def call(self, inputs, reverse=False):
            if reverse:
                return ops.matmul(inputs, ops.transpose(self.embeddings)) * 2.0
            return super().call(inputs)

    class Taking(keras.layers.Embedding):
        def call(self, inputs):
            return ops.take(self.embeddings, ops.cast(inputs, "int32"), axis=0) * 0.5

    layer, taking = Scaled(6, 3, name="re"), Taking(6, 3, name="take")
    inputs = keras.Input((3,), dtype="int32")
    hidden = keras.layers.Dense(3, name="mid")(layer(inputs))
    model = keras.Model(inputs, layer(hidden + taking(inputs), reverse=True))
    _fill(model.weights, 1, 0.5)
    for lay in (layer, taking):
        lay.enable_lora(2)
        _fill(lay.trainable_weights, 2, 0.3)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=loss)
    history = model.fit(RE_IDS, RE_TARGETS, epochs=2, batch_size=3, shuffle=False, verbose=0)
    return {
        "loss": [round(v, 5) for v in history.history["loss"]],
        "trained": {w.path: _round(w) for w in model.trainable_weights},
    }


@scenario
def reversible_lora_mixed_precision(keras):
    """Under mixed_float16: float32 factors, both calls in float16 with the merged table."""
    keras.config.set_dtype_policy("mixed_float16")
    try:
        layer = keras.layers.ReversibleEmbedding(6, 3, name="re")
        layer.build()
        _fill(layer.weights, 1, 0.5)
        layer.enable_lora(2)
        _fill(layer.trainable_weights, 2, 0.5)
        hidden = layer(RE_IDS)
        logits = layer(hidden, reverse=True)
        return {
            "weights": [[w.name, str(w.dtype)] for w in layer.weights],
            "dtypes": [str(layer.embeddings.dtype), str(hidden.dtype), str(logits.dtype)],
            "logits": np.asarray(logits, "float64").round(2).tolist(),
        }
    finally:
        keras.config.set_dtype_policy("float32")


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()
