"""Golden values for whole training runs of the kinds `scripts/fuzz/fuzz_model_training.py`
draws in its families `multiio`, `attnnorm`, `regcons` and `conv2`, produced by real
Keras 3 (JAX): the loss history, `evaluate(return_dict=True)`, predictions and final
weights of small models
trained from fixed weights; an OrthogonalRegularizer on an identity kernel (whose exact
zeros off the diagonal take `|.|`'s slope at 0 as 1, as JAX does); constraints applied
after every optimizer call with `gradient_accumulation_steps`.

Each scenario is a function of the Keras-like module `K`, so the test
(tests/trainers/test_diff_training_2.py) runs the very same code on numkeras:

    KERAS_BACKEND=jax python scripts/goldens/make_diff_training_2.py
"""

import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "diff_training_2.json"


def set_weights(model, seed=1):
    """Seeded weights, ones kept (scales, variances), layer by layer."""
    rng = np.random.default_rng(seed)
    model.set_weights(
        [
            w if w.ndim == 1 and np.all(w == 1) else rng.normal(0, 0.4, w.shape).astype("float32")
            for w in model.get_weights()
        ]
    )


def outcome(model, history, x, evaluate=None):
    """The run as JSON-able numbers: history, evaluate's dict, predictions, weights."""
    result = {"history": {k: [float(v) for v in vs] for k, vs in history.history.items()}}
    if evaluate is not None:
        result["evaluate"] = {k: float(v) for k, v in evaluate.items()}
    pred = model.predict(x, verbose=0)
    preds = [pred[k] for k in sorted(pred)] if isinstance(pred, dict) else pred
    preds = preds if isinstance(preds, list) else [preds]
    result["predict"] = [np.asarray(p, "float64").ravel().tolist() for p in preds]
    result["weights"] = [np.asarray(w, "float64").ravel().tolist() for w in model.get_weights()]
    return result


def orthogonal_identity(K, mode="rows"):
    # an identity kernel: U @ U.T is exactly 0 off the diagonal, where JAX's |.| has slope 1
    reg = K.regularizers.OrthogonalRegularizer(0.5, mode=mode)
    model = K.Sequential(
        [
            K.Input((4,)),
            K.layers.Dense(
                4, kernel_initializer="identity", kernel_regularizer=reg, use_bias=False
            ),
            K.layers.Dense(2),
        ]
    )
    rng = np.random.default_rng(0)
    model.layers[1].set_weights([rng.normal(0, 0.4, (4, 2)).astype("float32"), np.zeros(2, "f")])
    x = rng.normal(size=(12, 4)).astype("float32")
    y = rng.normal(size=(12, 2)).astype("float32")
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse")
    history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    return outcome(model, history, x[:3])


def orthogonal_identity_rows(K):
    return orthogonal_identity(K, "rows")


def orthogonal_identity_columns(K):
    return orthogonal_identity(K, "columns")


def orthogonal_nonneg_adam(K):
    # NonNeg zeroes entries, so rows with disjoint supports have cosines of exactly 0
    reg = K.regularizers.OrthogonalRegularizer(0.2, mode="rows")
    model = K.Sequential(
        [
            K.Input((3,)),
            K.layers.Dense(5, kernel_regularizer=reg, kernel_constraint=K.constraints.NonNeg()),
            K.layers.PReLU(),
            K.layers.Dense(3, activation="softmax"),
        ]
    )
    set_weights(model, 3)
    rng = np.random.default_rng(4)
    x = rng.normal(size=(16, 3)).astype("float32")
    y = rng.integers(0, 3, 16)
    model.compile(optimizer=K.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    return outcome(model, history, x[:3])


def accumulation_with_constraints(K):
    # the weights start outside MaxNorm / NonNeg: Keras projects them after every call,
    # the calls that only accumulate gradients included
    L = K.layers
    model = K.Sequential(
        [
            K.Input((3,)),
            L.Dense(4, kernel_constraint=K.constraints.MaxNorm(0.5), activation="tanh"),
            L.Dense(2, kernel_constraint=K.constraints.NonNeg()),
        ]
    )
    set_weights(model, 19)
    rng = np.random.default_rng(20)
    x = rng.normal(size=(12, 3)).astype("float32")
    y = rng.normal(size=(12, 2)).astype("float32")
    optimizer = K.optimizers.Adam(0.05, gradient_accumulation_steps=3)
    model.compile(optimizer=optimizer, loss="mse")
    history = model.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0)
    return outcome(model, history, x[:3])


def multiio_dict_outputs(K):
    # two inputs through a shared layer and a nested Sequential, dict outputs, losses as a
    # list in the outputs' (sorted) order, loss_weights and metrics by name, per-output
    # sample weights, validation_data with weights, then evaluate(return_dict=True)
    L = K.layers
    a, b = K.Input((3,), name="in_a"), K.Input((3,), name="in_b")
    shared = L.Dense(4, activation="tanh", name="shared")
    h = L.Average()([shared(a), shared(b)])
    h2 = K.Sequential([L.Dense(5, activation="relu"), L.LayerNormalization()], name="sub")(h)
    reg = L.Dense(2, name="reg")(h2)
    cls = L.Dense(3, activation="softmax", name="cls")(L.Concatenate()([h2, h]))
    model = K.Model({"in_a": a, "in_b": b}, {"reg": reg, "cls": cls})
    set_weights(model, 5)
    rng = np.random.default_rng(6)
    n = 20
    x = {"in_a": rng.normal(size=(n, 3)).astype("f"), "in_b": rng.normal(size=(n, 3)).astype("f")}
    y = {"reg": rng.normal(size=(n, 2)).astype("f"), "cls": rng.integers(0, 3, n)}
    sw = {"reg": rng.random(n).astype("f"), "cls": rng.random(n).astype("f")}
    model.compile(
        optimizer=K.optimizers.RMSprop(0.02),
        loss=["sparse_categorical_crossentropy", "huber"],
        loss_weights={"reg": 0.5, "cls": 1.5},
        metrics={"reg": ["mae"], "cls": ["accuracy"]},
        weighted_metrics={"reg": ["mse"], "cls": ["accuracy"]},
    )
    history = model.fit(
        x,
        y,
        sample_weight=sw,
        validation_data=(x, y, sw),
        batch_size=8,
        epochs=2,
        shuffle=False,
        verbose=0,
    )
    scores = model.evaluate(x, y, sample_weight=sw, verbose=0, return_dict=True)
    return outcome(model, history, {k: v[:3] for k, v in x.items()}, scores)


def multiio_class_weight_split(K):
    L = K.layers
    a, b, c = K.Input((2,), name="in_a"), K.Input((2,), name="in_b"), K.Input((3,), name="in_c")
    shared = L.Dense(3, activation="elu")
    inner_in = K.Input((2,))
    inner = K.Model(inner_in, L.Dense(3, activation="tanh")(inner_in), name="inner")
    h = L.Concatenate()([L.Subtract()([inner(a), shared(b)]), c])
    out = L.Dense(3, activation="softmax", name="cls")(K.Sequential([L.Dense(4)])(h))
    model = K.Model([a, b, c], out)
    set_weights(model, 7)
    rng = np.random.default_rng(8)
    x = [rng.normal(size=(25, k)).astype("float32") for k in (2, 2, 3)]
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 25)]
    model.compile(
        optimizer=K.optimizers.Nadam(0.02), loss="categorical_crossentropy", metrics=["accuracy"]
    )
    history = model.fit(
        x,
        y,
        class_weight={0: 0.5, 1: 2.0, 2: 1.2},
        validation_split=0.2,
        batch_size=5,
        epochs=3,
        shuffle=False,
        verbose=0,
    )
    scores = model.evaluate(x, y, verbose=0, return_dict=True)
    return outcome(model, history, [v[:3] for v in x], scores)


def attention_masked(K):
    # Embedding(mask_zero) into causal self-attention, AdditiveAttention with a key, the
    # normalizations, TimeDistributed(Dense) and a masked average
    L = K.layers
    inp = K.Input((6,), dtype="int32")
    h = L.Embedding(10, 4, mask_zero=True)(inp)
    h = L.MultiHeadAttention(2, 3)(h, h, use_causal_mask=True)
    h = L.LayerNormalization()(h)
    h = L.AdditiveAttention(use_scale=True)([h, h, L.Dense(4)(h)])
    h = L.RMSNormalization()(L.TimeDistributed(L.Dense(4, activation="tanh"))(h))
    out = L.Dense(3, activation="softmax")(L.GlobalAveragePooling1D()(h))
    model = K.Model(inp, out)
    set_weights(model, 9)
    rng = np.random.default_rng(10)
    x = rng.integers(1, 10, (16, 6))
    x[np.arange(6)[None, :] >= rng.integers(1, 7, 16)[:, None]] = 0
    y = rng.integers(0, 3, 16)
    model.compile(optimizer=K.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    return outcome(model, history, x[:3], model.evaluate(x, y, verbose=0, return_dict=True))


def attention_cross_and_norms(K):
    L = K.layers
    q, ctx = K.Input((5, 4)), K.Input((3, 2))
    h = L.GroupNormalization(groups=2)(q)
    h = L.MultiHeadAttention(2, 2, output_shape=4)(h, ctx)
    h = L.Attention(score_mode="concat")([h, h])
    h = L.Conv1D(4, 2, padding="causal", dilation_rate=2, activation="relu")(h)
    h = L.UnitNormalization()(h)
    out = L.Dense(3, activation="softmax")(L.Flatten()(h))
    model = K.Model([q, ctx], out)
    set_weights(model, 11)
    rng = np.random.default_rng(12)
    x = [rng.normal(size=(16, 5, 4)).astype("f"), rng.normal(size=(16, 3, 2)).astype("f")]
    y = rng.integers(0, 3, 16)
    model.compile(optimizer=K.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    return outcome(model, history, [v[:3] for v in x])


def regularized_constrained_ema(K):
    L = K.layers
    model = K.Sequential(
        [
            K.Input((4,)),
            L.Dense(
                5,
                kernel_regularizer=K.regularizers.L1L2(0.01, 0.02),
                bias_regularizer="l2",
                activity_regularizer="l1",
                kernel_constraint=K.constraints.MinMaxNorm(0.3, 0.9, rate=0.7),
                bias_constraint=K.constraints.MaxNorm(0.8),
            ),
            L.PReLU(alpha_regularizer="l2", alpha_constraint=K.constraints.NonNeg()),
            L.Dense(3, use_bias=False, kernel_constraint=K.constraints.UnitNorm()),
            L.ELU(0.5),
            L.Dense(2, kernel_initializer=K.initializers.Constant(0.1)),
            L.LeakyReLU(0.1),
        ]
    )
    set_weights(model, 13)
    rng = np.random.default_rng(14)
    x = rng.normal(size=(20, 4)).astype("float32")
    y = rng.normal(size=(20, 2)).astype("float32")
    schedule = K.optimizers.schedules.CosineDecayRestarts(0.05, 4, t_mul=2.0, m_mul=0.8)
    optimizer = K.optimizers.AdamW(
        schedule,
        weight_decay=0.1,
        global_clipnorm=0.5,
        use_ema=True,
        ema_momentum=0.9,
        ema_overwrite_frequency=3,
    )
    model.compile(optimizer=optimizer, loss="mse", metrics=["mae"], steps_per_execution=2)
    history = model.fit(x, y, batch_size=6, epochs=3, shuffle=False, verbose=0)
    return outcome(model, history, x[:3], model.evaluate(x, y, verbose=0, return_dict=True))


def conv_transposed_separable(K):
    L = K.layers
    model = K.Sequential(
        [
            K.Input((2, 6, 5)),
            L.Conv2DTranspose(3, 3, strides=2, output_padding=1, data_format="channels_first"),
            L.BatchNormalization(axis=1),
            L.SeparableConv2D(4, 2, depth_multiplier=2, data_format="channels_first"),
            L.UpSampling2D((2, 1), interpolation="bilinear", data_format="channels_first"),
            L.DepthwiseConv2D(3, strides=2, padding="same", data_format="channels_first"),
            L.Cropping2D(((1, 0), (0, 1)), data_format="channels_first"),
            L.GlobalMaxPooling2D(data_format="channels_first"),
            L.Dense(3, activation="softmax"),
        ]
    )
    set_weights(model, 15)
    rng = np.random.default_rng(16)
    x = rng.normal(size=(12, 2, 6, 5)).astype("float32")
    y = rng.integers(0, 3, 12)
    model.compile(optimizer=K.optimizers.SGD(0.02), loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    return outcome(model, history, x[:3])


def conv_1d_transposed(K):
    L = K.layers
    model = K.Sequential(
        [
            K.Input((8, 2)),
            L.Conv1DTranspose(3, 3, strides=2, padding="same", activation="tanh"),
            L.SeparableConv1D(2, 3, dilation_rate=2, depth_multiplier=2),
            L.AveragePooling1D(2, padding="same"),
            L.UpSampling1D(2),
            L.GlobalAveragePooling1D(),
            L.Dense(3, activation="softmax"),
        ]
    )
    set_weights(model, 17)
    rng = np.random.default_rng(18)
    x = rng.normal(size=(12, 8, 2)).astype("float32")
    y = rng.integers(0, 3, 12)
    model.compile(optimizer=K.optimizers.RMSprop(0.01), loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    return outcome(model, history, x[:3])


SCENARIOS = [
    orthogonal_identity_rows,
    orthogonal_identity_columns,
    orthogonal_nonneg_adam,
    accumulation_with_constraints,
    multiio_dict_outputs,
    multiio_class_weight_split,
    attention_masked,
    attention_cross_and_norms,
    regularized_constrained_ema,
    conv_transposed_separable,
    conv_1d_transposed,
]


def main():
    import keras

    keras.utils.set_random_seed(0)
    cases = {}
    for scenario in SCENARIOS:
        try:
            cases[scenario.__name__] = scenario(keras)
        except Exception as e:  # noqa: BLE001 - recorded: the test expects the same class
            cases[scenario.__name__] = {"raises": type(e).__name__, "message": str(e)[:200]}
            print(scenario.__name__, "raised", type(e).__name__, e)
    OUT.write_text(json.dumps({"keras": keras.__version__, "cases": cases}, indent=None))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
