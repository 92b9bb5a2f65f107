"""Goldens for tests/layers/test_quantize.py: Keras 3's int8 post-training quantization of
`Dense` (`model.quantize("int8")`, `layer.quantize("int8")`): the int8 kernel and its
per-unit scale, the inputs quantized per row on the fly, the quantized dtype policy, the
parameter counts, what training changes, saving and loading, and the errors.

Not compared: Keras crashes quantizing an `EinsumDense` with `...` in its equation (a
TypeError in `_analyze_quantization_info`) or a vector kernel ("ab,b->a"); numkeras
quantizes the first (tests/layers/test_quantize.py). The modes numkeras does not have
("int4", "float8", "gptq", "awq") work in Keras; numkeras refuses them (its error is
checked in tests/layers/test_quantize.py).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/quantize.json, and the Keras-written files in tests/saving/quantized/):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_quantize.py
"""

from __future__ import annotations

import pathlib
import sys
import tempfile
import warnings

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "quantize.json"
FILES = ROOT / "tests" / "saving" / "quantized"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

RNG = np.random.default_rng(11)
X = RNG.normal(size=(6, 4)).astype("float32")
Y = RNG.normal(size=(6, 3)).astype("float32")
K1 = RNG.normal(size=(4, 5)).astype("float32")
B1 = RNG.normal(size=(5,)).astype("float32") * 0.1
K2 = RNG.normal(size=(5, 3)).astype("float32")
B2 = np.array([0.1, -0.2, 0.3], "float32")


def _round(a, digits=5):
    # (as float64: the JSON then holds 5 decimals, not float32's long expansions)
    return np.asarray(a, dtype="float64").round(digits).tolist()


def _model(keras, quantize=True):
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(5, activation="relu", name="d1"),
            keras.layers.Dense(3, name="d2"),
        ]
    )
    model.set_weights([K1, B1, K2, B2])
    if quantize:
        model.quantize("int8")
    return model


def _weights(model):
    return [[w.name, list(w.shape), str(w.dtype), bool(w.trainable)] for w in model.weights]


def _input_grad(keras, model, x, power: int = 2):
    """The gradient of `sum(model(x) ** power)` with respect to `x` (through the dequantized
    kernels): `jax.grad` on Keras-JAX, a GradientTape elsewhere (numkeras)."""
    x = keras.ops.convert_to_tensor(x)

    def total(t):
        return keras.ops.sum(model(t) ** power)

    if keras.backend.backend() == "jax":
        import jax

        return jax.grad(total)(x)
    with keras.GradientTape() as tape:
        tape.watch(x)
        value = total(x)
    return tape.gradient(value, x)


def _error(fn):
    """[the built-in type a user's `except` names, the message], or "ok"."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type and message are the result
        return [next(t for t in type(e).__mro__ if t.__module__ == "builtins").__name__, str(e)]
    return "ok"


@scenario
def dense_int8_weights_and_predict(keras):
    model = _model(keras)
    d1 = model.layers[0]
    config = d1.get_config()
    return {
        "weights": _weights(model),
        "kernel": np.asarray(d1.kernel).tolist(),
        "kernel_scale": _round(d1.kernel_scale, 3),
        "predict": _round(model.predict(X, verbose=0), 4),
        "call": _round(model(X), 4),
        "policy": [d1.dtype_policy.name, d1.quantization_mode, d1.compute_dtype],
        "policy_class": type(d1.dtype_policy).__name__,
        "config_dtype": config["dtype"],
        "config_keys": sorted(config),
        "counts": [
            model.count_params(),
            int(sum(np.prod(w.shape) for w in model.trainable_weights)),
            int(sum(np.prod(w.shape) for w in model.non_trainable_weights)),
        ],
        "trainable_names": [w.name for w in model.trainable_weights],
    }


@scenario
def dense_layer_quantize_nd_no_bias(keras):
    layer = keras.layers.Dense(5, use_bias=False, activation="tanh")
    layer.build((None, 2, 4))
    layer.kernel.assign(K1)
    layer.quantize("int8")
    x = X.reshape(3, 2, 4)
    return {
        "weights": _weights(layer),
        "out": _round(layer(x), 4),
        "kernel_dtype": str(layer.kernel.dtype),
        "policy": layer.dtype_policy.name,
        "zero_row": _round(layer(np.zeros((1, 4), "float32")), 4),
    }


@scenario
def dense_int8_training(keras):
    model = _model(keras)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    before = [np.asarray(w) for w in model.weights]
    history = model.fit(X, Y, epochs=2, batch_size=6, verbose=0, shuffle=False)
    after = [np.asarray(w) for w in model.weights]
    return {
        "loss": _round(history.history["loss"], 4),
        "changed": [bool(not np.array_equal(a, b)) for a, b in zip(before, after)],
        "biases": [_round(model.layers[0].bias, 4), _round(model.layers[1].bias, 4)],
        "evaluate": round(float(model.evaluate(X, Y, verbose=0)), 4),
    }


@scenario
def dense_int8_input_gradient(keras):
    # the gradient of the outputs' sum wrt the inputs: through the dequantized kernels
    model = _model(keras)
    return _round(_input_grad(keras, model, X, power=1), 4)


@scenario
def dense_int8_save_and_load(keras):
    model = _model(keras)
    with tempfile.TemporaryDirectory() as tmp:
        model.save(f"{tmp}/m.keras")
        loaded = keras.saving.load_model(f"{tmp}/m.keras")
        model.save_weights(f"{tmp}/m.weights.h5")
        other = _model(keras)
        for w in other.weights:
            w.assign(np.zeros(w.shape, str(w.dtype)))
        other.load_weights(f"{tmp}/m.weights.h5")
        plain = _model(keras, quantize=False)
        into_plain = _error(lambda: plain.load_weights(f"{tmp}/m.weights.h5"))
        if keras.__name__ == "keras":  # the Keras-written files the test loads
            FILES.mkdir(parents=True, exist_ok=True)
            model.save(FILES / "dense_int8.keras")
            model.save_weights(FILES / "dense_int8.weights.h5")
        clone = keras.models.clone_model(model)
        return {
            "loaded_weights": _weights(loaded),
            "loaded_policy": loaded.layers[0].dtype_policy.name,
            "loaded_predict": _round(loaded.predict(X, verbose=0), 4),
            "weights_predict": _round(other.predict(X, verbose=0), 4),
            "into_plain": into_plain[0] if into_plain != "ok" else "ok",
            "clone_weights": _weights(clone),
        }


@scenario
def dense_int8_from_config(keras):
    model = _model(keras)
    config = model.layers[0].get_config()
    layer = keras.layers.Dense.from_config(config)
    layer.build((None, 4))
    return {
        "weights": _weights(layer),
        "policy": layer.dtype_policy.name,
        "kernel": np.asarray(layer.kernel).tolist(),
        "scale": _round(layer.kernel_scale),
        "policy_from_name": keras.dtype_policies.get("int8_from_float32").name,
        "policy_config": keras.dtype_policies.serialize(layer.dtype_policy),
        "quantization_config": config["quantization_config"],
        "embedding_config": _embedding_config(keras),
    }


def _embedding_config(keras):
    emb = keras.layers.Embedding(6, 3)
    emb.build()
    emb.quantize("int8")
    einsum = keras.layers.EinsumDense("ab,bc->ac", 3)
    einsum.build((None, 2))
    einsum.quantize("int8")
    return [emb.get_config()["quantization_config"], einsum.get_config()["quantization_config"]]


@scenario
def dense_int8_errors(keras):
    unbuilt = keras.Sequential([keras.layers.Dense(3)])
    twice = _model(keras)
    layer = keras.layers.Dense(3)
    return {
        "unknown_mode": _error(lambda: _model(keras, quantize=False).quantize("int3")),
        "unbuilt_model": _error(lambda: unbuilt.quantize("int8")),
        "unbuilt_layer": _error(lambda: layer.quantize("int8")),
        "twice": _error(lambda: twice.quantize("int8")),
        "layer_twice": _error(lambda: twice.layers[0].quantize("int8")),
        "bad_kwarg": _error(lambda: _model(keras, quantize=False).quantize("int8", foo=1)),
        "float16": _error(lambda: _built(keras.layers.Dense(3, dtype="float16")).quantize("int8")),
        "mixed": _error(
            lambda: _built(keras.layers.Dense(3, dtype="mixed_float16")).quantize("int8")
        ),
        "policy_float16": _error(lambda: keras.dtype_policies.get("int8_from_float16")),
        "bad_name": _error(lambda: keras.dtype_policies.get("int8_float32")),
    }


def _built(layer):
    layer.build((None, 4))
    return layer


@scenario
def dense_int8_subclass_and_others(keras):
    class MyDense(keras.layers.Dense):
        pass

    model = keras.Sequential(
        [
            keras.Input((4,)),
            MyDense(5, name="mine"),
            keras.layers.BatchNormalization(),
            keras.layers.Dense(3, name="d"),
        ]
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.quantize("int8")
    mine = model.layers[0]
    subclass_error = _error(lambda: MyDense(2).quantize("int8"))
    built = MyDense(2)
    built.build((None, 4))
    direct = _error(lambda: built.quantize("int8"))
    built.quantize("int8", type_check=False)
    return {
        "policies": [layer.dtype_policy.name for layer in model.layers],
        "warned": any("MyDense" in str(w.message) for w in caught),
        "mine_weights": [w.name for w in mine.weights],
        "unbuilt_subclass": subclass_error[0],
        "direct": direct,
        "type_check_false": [built.dtype_policy.name, [str(w.dtype) for w in built.weights]],
    }


EINSUM = {
    "proj": ("abc,cde->abde", (None, 2, 3), "de", (2, 4)),
    "plain": ("ab,bc->ac", 3, "c", (4,)),
    "seq": ("abc,cd->abd", (None, 3), None, (2, 4)),
    "heads": ("abde,dec->abc", (None, 3), "c", (2, 2, 4)),
    "outer": ("ab,bcd->acd", (2, 3), "d", (4,)),
}


def _einsum(keras, kind):
    equation, output_shape, bias_axes, shape = EINSUM[kind]
    layer = keras.layers.EinsumDense(equation, output_shape, bias_axes=bias_axes, name="e")
    model = keras.Sequential([keras.Input(shape), layer])
    rng = np.random.default_rng(5)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.weights])
    x = rng.normal(size=(3, *shape)).astype("float32")
    return model, layer, x


def _einsum_int8(kind):
    def run(keras):
        model, layer, x = _einsum(keras, kind)
        model.quantize("int8")
        grad = _input_grad(keras, model, x)
        with tempfile.TemporaryDirectory() as tmp:
            model.save(f"{tmp}/m.keras")
            loaded = keras.saving.load_model(f"{tmp}/m.keras")
            if keras.__name__ == "keras" and kind == "proj":
                FILES.mkdir(parents=True, exist_ok=True)
                model.save(FILES / "einsum_int8.keras")
        return {
            "weights": _weights(layer),
            "kernel": np.asarray(layer.kernel).tolist(),
            "kernel_scale": _round(layer.kernel_scale, 3),
            "policy": layer.dtype_policy.name,
            "predict": _round(model.predict(x, verbose=0), 4),
            "input_grad": _round(grad, 3),
            "loaded_weights": _weights(loaded),
            "loaded_predict": _round(loaded.predict(x, verbose=0), 4),
        }

    return run


for _kind in EINSUM:
    SCENARIOS[f"einsum_int8_{_kind}"] = _einsum_int8(_kind)


@scenario
def einsum_int8_training_and_config(keras):
    model, layer, x = _einsum(keras, "proj")
    model.quantize("int8")
    config = layer.get_config()
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    y = np.ones((3, 2, 2, 3), "float32")
    before = [np.asarray(w) for w in model.weights]
    history = model.fit(x, y, epochs=2, verbose=0, shuffle=False)
    return {
        "config_dtype": config["dtype"],
        "loss": _round(history.history["loss"], 4),
        "changed": [
            bool(not np.array_equal(a, np.asarray(w))) for a, w in zip(before, model.weights)
        ],
        "counts": [model.count_params(), len(model.trainable_weights)],
    }


@scenario
def mha_int8(keras):
    inputs = keras.Input((3, 4))
    outputs = keras.layers.MultiHeadAttention(2, 3, name="mha")(inputs, inputs)
    model = keras.Model(inputs, outputs)
    rng = np.random.default_rng(9)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.weights])
    x = rng.normal(size=(2, 3, 4)).astype("float32")
    before = model.predict(x, verbose=0)
    model.quantize("int8")
    return {
        "weights": _weights(model),
        "predict": _round(model.predict(x, verbose=0), 3),
        "max_change": round(float(np.abs(model.predict(x, verbose=0) - before).max()), 2),
        "policies": [sub.dtype_policy.name for sub in (model.layers[1]._query_dense,)],
    }


def _embedding_model(keras):
    model = keras.Sequential(
        [
            keras.Input((5,), dtype="int32"),
            keras.layers.Embedding(12, 4, mask_zero=True, name="emb"),
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(2, name="d"),
        ]
    )
    rng = np.random.default_rng(13)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.weights])
    ids = np.array([[1, 5, 11, 0, 0], [3, 3, 7, 2, 9], [0, 0, 0, 4, 6]], "int32")
    return model, ids


@scenario
def embedding_int8(keras):
    model, ids = _embedding_model(keras)
    model.quantize("int8")
    emb = model.layers[0]
    direct = emb(ids[:1])
    if keras.__name__ == "keras":  # (before compiling: no optimizer in the file)
        FILES.mkdir(parents=True, exist_ok=True)
        model.save(FILES / "embedding_int8.keras")
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    before = [np.asarray(w) for w in model.weights]
    predict = model.predict(ids, verbose=0)
    history = model.fit(ids, np.ones((3, 2), "float32"), epochs=2, verbose=0, shuffle=False)
    with tempfile.TemporaryDirectory() as tmp:
        model.save(f"{tmp}/m.keras")
        loaded = keras.saving.load_model(f"{tmp}/m.keras")
    config = emb.get_config()
    return {
        "weights": _weights(model),
        "table": np.asarray(emb.embeddings).tolist(),
        "scale": _round(emb.embeddings_scale, 3),
        "direct": _round(direct, 4),
        "predict": _round(predict, 4),
        "policy": emb.dtype_policy.name,
        "config_dtype": config["dtype"],
        "loss": _round(history.history["loss"], 4),
        "changed": [
            bool(not np.array_equal(a, np.asarray(w))) for a, w in zip(before, model.weights)
        ],
        "loaded_weights": _weights(loaded),
        "loaded_predict": _round(loaded.predict(ids, verbose=0), 4),
        "mask": np.asarray(emb.compute_mask(ids)).tolist(),
    }


@scenario
def embedding_int8_layer_errors(keras):
    emb = keras.layers.Embedding(6, 3)
    emb.build()
    emb.quantize("int8")

    class MyEmbedding(keras.layers.Embedding):
        pass

    mine = MyEmbedding(6, 3)
    mine.build()
    return {
        "twice": _error(lambda: emb.quantize("int8")),
        "subclass": _error(lambda: mine.quantize("int8")),
        "unbuilt": _error(lambda: keras.layers.Embedding(6, 3).quantize("int8")),
        "from_config": _weights(keras.layers.Embedding.from_config(emb.get_config())),
    }


@scenario
def quantize_after_fit_and_nested(keras):
    # a compiled, trained model quantized and trained on; a nested model: its Dense layer
    # is quantized. (Not compared: Keras's quantized TimeDistributed(Dense) returns values
    # hundreds off; numkeras quantizes the Dense inside, tests/layers/test_quantize.py.)
    model = _model(keras, quantize=False)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    model.fit(X, Y, epochs=1, batch_size=6, verbose=0, shuffle=False)
    model.quantize("int8")
    # (Keras must compile again: its optimizer was built for the float kernels)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    history = model.fit(X, Y, epochs=2, batch_size=6, verbose=0, shuffle=False)
    inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="inner_d")])
    outer = keras.Sequential(
        [
            keras.Input((2, 4)),
            keras.layers.Flatten(),
            keras.layers.Dense(4, name="mid"),
            inner,
        ]
    )
    rng = np.random.default_rng(3)
    outer.set_weights([rng.normal(size=w.shape).astype("float32") for w in outer.weights])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outer.quantize("int8")
    x = rng.normal(size=(2, 2, 4)).astype("float32")
    return {
        "loss": _round(history.history["loss"], 4),
        "weights": _weights(model),
        "outer_weights": _weights(outer),
        "outer_predict": _round(outer.predict(x, verbose=0), 4),
    }


LORA_A = RNG.normal(size=(4, 2)).astype("float32")
LORA_B = RNG.normal(size=(2, 5)).astype("float32") * 0.3


def _lora_int8(keras, lora_first=False):
    model = _model(keras, quantize=False)
    d1 = model.layers[0]
    if lora_first:
        d1.enable_lora(2, lora_alpha=3.0)
        model.quantize("int8")
    else:
        model.quantize("int8")
        d1.enable_lora(2, lora_alpha=3.0)
    d1.lora_kernel_a.assign(LORA_A)
    d1.lora_kernel_b.assign(LORA_B)
    return model, d1


@scenario
def dense_int8_lora(keras):
    model, d1 = _lora_int8(keras)
    predict = model.predict(X, verbose=0)
    grad = _input_grad(keras, model, X)
    with tempfile.TemporaryDirectory() as tmp:
        model.save(f"{tmp}/m.keras")
        loaded = keras.saving.load_model(f"{tmp}/m.keras")
        model.save_weights(f"{tmp}/m.weights.h5")
        again, again_d1 = _lora_int8(keras)
        again.load_weights(f"{tmp}/m.weights.h5")
        plain = _model(keras)
        plain.load_weights(f"{tmp}/m.weights.h5")
        result = {
            "weights": _weights(model),
            "kernel_property": _round(d1.kernel, 3),
            "predict": _round(predict, 4),
            "input_grad": _round(grad, 3),
            "config": [d1.get_config().get(k) for k in ("lora_rank", "lora_alpha")],
            "loaded_weights": _weights(loaded),
            "loaded_predict": _round(loaded.predict(X, verbose=0), 4),
            "loaded_kernel": np.asarray(loaded.layers[0]._kernel).tolist(),
            "loaded_scale": _round(loaded.layers[0].kernel_scale, 3),
            "again_predict": _round(again.predict(X, verbose=0), 4),
            "again_factor_b": _round(again_d1.lora_kernel_b),
            "plain_predict": _round(plain.predict(X, verbose=0), 4),
        }
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    before = [np.asarray(w) for w in model.weights]
    history = model.fit(X, Y, epochs=2, batch_size=6, verbose=0, shuffle=False)
    result["loss"] = _round(history.history["loss"], 4)
    result["changed"] = [
        bool(not np.array_equal(a, np.asarray(w))) for a, w in zip(before, model.weights)
    ]
    result["factors"] = [_round(d1.lora_kernel_a, 4), _round(d1.lora_kernel_b, 4)]
    return result


@scenario
def dense_lora_then_int8(keras):
    model, d1 = _lora_int8(keras, lora_first=True)
    return {
        "weights": _weights(model),
        "predict": _round(model.predict(X, verbose=0), 4),
        "kernel": np.asarray(d1._kernel).tolist(),
        "policy": d1.dtype_policy.name,
    }


@scenario
def embedding_int8_lora(keras):
    model, ids = _embedding_model(keras)
    emb = model.layers[0]
    model.quantize("int8")
    emb.enable_lora(2, lora_alpha=4.0)
    rng = np.random.default_rng(17)
    emb.lora_embeddings_a.assign(rng.normal(size=(12, 2)).astype("float32"))
    emb.lora_embeddings_b.assign(rng.normal(size=(2, 4)).astype("float32") * 0.2)
    predict = model.predict(ids, verbose=0)
    with tempfile.TemporaryDirectory() as tmp:
        model.save(f"{tmp}/m.keras")
        loaded = keras.saving.load_model(f"{tmp}/m.keras")
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    before = [np.asarray(w) for w in model.weights]
    history = model.fit(ids, np.ones((3, 2), "float32"), epochs=2, verbose=0, shuffle=False)
    return {
        "weights": _weights(model),
        "predict": _round(predict, 4),
        "embeddings_property": _round(emb.embeddings, 3),
        "loaded_weights": _weights(loaded),
        "loaded_predict": _round(loaded.predict(ids, verbose=0), 4),
        "loaded_table": np.asarray(loaded.layers[0]._embeddings).tolist(),
        "loss": _round(history.history["loss"], 4),
        "changed": [
            bool(not np.array_equal(a, np.asarray(w))) for a, w in zip(before, model.weights)
        ],
        "factor_b": _round(emb.lora_embeddings_b, 4),
    }


@scenario
def einsum_int8_lora(keras):
    model, layer, x = _einsum(keras, "proj")
    model.quantize("int8")
    layer.enable_lora(2, lora_alpha=4.0)
    rng = np.random.default_rng(19)
    layer.lora_kernel_a.assign(rng.normal(size=(4, 2, 2)).astype("float32"))
    layer.lora_kernel_b.assign(rng.normal(size=(2, 3)).astype("float32") * 0.2)
    predict = model.predict(x, verbose=0)
    grad = _input_grad(keras, model, x)
    with tempfile.TemporaryDirectory() as tmp:
        model.save(f"{tmp}/m.keras")
        loaded = keras.saving.load_model(f"{tmp}/m.keras")
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    history = model.fit(x, np.ones((3, 2, 2, 3), "float32"), epochs=2, verbose=0, shuffle=False)
    return {
        "weights": _weights(model),
        "predict": _round(predict, 4),
        "input_grad": _round(grad, 3),
        "kernel_property": _round(layer.kernel, 3),
        "loaded_weights": _weights(loaded),
        "loaded_predict": _round(loaded.predict(x, verbose=0), 4),
        "loaded_kernel": np.asarray(loaded.layers[0]._kernel).tolist(),
        "loaded_scale": _round(loaded.layers[0].kernel_scale, 3),
        "loss": _round(history.history["loss"], 4),
        "factor_b": _round(layer.lora_kernel_b, 4),
    }


@scenario
def dense_int8_weights_api_and_files(keras):
    model = _model(keras)
    arrays = model.get_weights()
    other = _model(keras)
    for w in other.weights:
        w.assign(np.zeros(w.shape, str(w.dtype)))
    other.set_weights(arrays)
    plain = _model(keras, quantize=False)
    with tempfile.TemporaryDirectory() as tmp:
        plain.save_weights(f"{tmp}/p.weights.h5")
        plain_into = _error(lambda: _model(keras).load_weights(f"{tmp}/p.weights.h5"))
        model.save(f"{tmp}/m.h5")
        legacy = keras.saving.load_model(f"{tmp}/m.h5")
        legacy_result = {
            "weights": _weights(legacy),
            "predict": _round(legacy.predict(X, verbose=0), 4),
        }
    return {
        "get_weights": [[str(a.dtype), list(a.shape)] for a in arrays],
        "set_predict": _round(other.predict(X, verbose=0), 4),
        "plain_into_quantized": plain_into if plain_into == "ok" else plain_into[0],
        "legacy_h5": legacy_result,
    }


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()
