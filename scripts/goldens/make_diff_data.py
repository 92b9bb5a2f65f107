"""Golden values for what fit / evaluate / predict / train_on_batch / test_on_batch /
predict_on_batch take as data and what they give back, produced by real Keras 3 (JAX):
input dtypes, multi-input lists / tuples / dicts, dict and tuple outputs, target shapes
per loss, sample_weight shapes, class_weight forms, validation_data forms, PyDataset and
generator batches, `shuffle="batch"`, and the exception types of bad `batch_size` /
`steps` values.

Each scenario is a function of the Keras-like module `K`, so the test
(tests/trainers/test_diff_data.py) runs the very same code on numkeras:

    KERAS_BACKEND=jax python scripts/goldens/make_diff_data.py

A scenario's result is recorded with its types (ndarray dtype and shape, list / tuple /
dict), or, when it raises, the built-in exception class Keras raised.
"""

import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "diff_data.json"


# -- helpers ---------------------------------------------------------------------------
def set_weights(model, seed=0):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    return model


def X(n=5, d=4, seed=1):
    return np.random.default_rng(seed).normal(size=(n, d)).astype("float32")


def labels(n=6, k=3, seed=5):
    return np.random.default_rng(seed).integers(0, k, n)


def binary(n=6, seed=5):
    return (np.random.default_rng(seed).random(n) > 0.5).astype("float32")


def dense(K, in_dim=4, units=3, act=None, loss="mse", metrics=None, batch_shape=None):
    inp = K.Input(batch_shape=batch_shape) if batch_shape else K.Input((in_dim,))
    model = set_weights(K.Sequential([inp, K.layers.Dense(units, activation=act)]))
    model.compile(optimizer=K.optimizers.SGD(0.1), loss=loss, metrics=metrics)
    return model


def two_in(K, dict_out=False):
    a = K.Input((3,), name="a")
    b = K.Input((2,), name="b")
    h = K.layers.Concatenate()([a, b])
    o1 = K.layers.Dense(2, name="o1")(h)
    o2 = K.layers.Dense(1, name="o2")(h)
    model = set_weights(K.Model([a, b], {"o1": o1, "o2": o2} if dict_out else [o1, o2]))
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse")
    return model


def train(model, x, y=None, **kw):
    """fit without shuffling, then the history and the first kernel."""
    kw.setdefault("verbose", 0)
    kw.setdefault("shuffle", False)
    kw.setdefault("epochs", 2)
    if hasattr(x, "shape") or isinstance(x, (list, dict)):  # arrays, not batch streams
        kw.setdefault("batch_size", 4)
    history = model.fit(x, y, **kw)
    return [history.history, model.get_weights()[0]]


def batches(K, mode, n=10, bs=4):
    """A PyDataset of `n` rows in batches of `bs`, each `x`, `(x,)`, `(x, y)`, `[x, y]`
    or `(x, y, sample_weight)`."""
    x, y = X(n), X(n, 3, seed=2)

    class Batches(K.utils.PyDataset):
        def __init__(self):
            super().__init__()

        def __len__(self):
            return -(-n // bs)

        def __getitem__(self, i):
            s = slice(i * bs, (i + 1) * bs)
            return {
                "x": x[s],
                "x,": (x[s],),
                "x,y": (x[s], y[s]),
                "[x,y]": [x[s], y[s]],
                "x,y,w": (x[s], y[s], np.arange(len(x[s]), dtype="float32")),
            }[mode]

    return Batches()


def describe(value):
    """JSON-able, with the types: an array as {"array": dtype, "shape", "values"}, a
    dict as {"dict": [[key, value], ...]} (in order), a tuple as {"tuple": [...]}."""
    if hasattr(value, "history") and hasattr(value, "epoch"):
        return describe(value.history)
    if isinstance(value, np.ndarray) or type(value).__name__ == "ArrayImpl":
        a = np.asarray(value)
        return {
            "array": a.dtype.name,
            "shape": list(a.shape),
            "values": [float(f"{v:.7g}") for v in a.astype("float64").ravel().tolist()],
        }
    if isinstance(value, dict):
        return {"dict": [[str(k), describe(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"tuple": [describe(v) for v in value]}
    if isinstance(value, list):
        return [describe(v) for v in value]
    if isinstance(value, (str, bool)) or value is None:
        return value
    return float(f"{float(value):.7g}")


# -- scenarios: input forms and dtypes -------------------------------------------------
def predict_int64(K):
    return dense(K).predict(np.arange(20).reshape(5, 4), verbose=0)


def predict_bool(K):
    return dense(K).predict(np.arange(20).reshape(5, 4) % 3 == 0, verbose=0)


def predict_float64(K):
    return dense(K).predict(X().astype("float64"), verbose=0)


def predict_float16(K):
    return dense(K).predict(X().astype("float16"), verbose=0)


def predict_on_batch_float64(K):
    return dense(K).predict_on_batch(X().astype("float64"))


def predict_trailing_axis_of_one_squeezed(K):
    return dense(K).predict(X()[..., None], verbose=0)


def predict_1d_into_input_of_one(K):
    return dense(K, in_dim=1).predict(np.arange(5, dtype="float32"), verbose=0)


def predict_fixed_batch_shape_with_a_partial_batch(K):
    model = dense(K, batch_shape=(4, 4))
    return [model.predict(X(10), verbose=0), model.predict(X(10), batch_size=3, verbose=0)]


def fit_fixed_batch_shape_with_a_partial_batch(K):
    return train(dense(K, batch_shape=(4, 4)), X(10), X(10, 3, seed=2))


def predict_batch_size_larger_than_the_data(K):
    return dense(K).predict(X(), batch_size=100, verbose=0)


def predict_steps_more_than_the_data(K):
    model = dense(K)
    return [
        model.predict(X(), steps=10, verbose=0),
        model.predict(X(), batch_size=2, steps=2, verbose=0),
    ]


def evaluate_steps_with_batch_size(K):
    return dense(K).evaluate(X(), X(5, 3), batch_size=2, steps=2, verbose=0)


def fit_steps_per_epoch_without_batch_size(K):
    return train(dense(K), X(10), X(10, 3, seed=2), steps_per_epoch=3, batch_size=None)


def predict_batch_size_numpy_int(K):
    return dense(K).predict(X(), batch_size=np.int64(2), verbose=0)


# -- bad batch_size / steps: Keras raises TypeError for a non-integer -------------------
def predict_batch_size_float(K):
    return dense(K).predict(X(), batch_size=2.0, verbose=0)


def predict_batch_size_str(K):
    return dense(K).predict(X(), batch_size="2", verbose=0)


def fit_batch_size_float(K):
    return dense(K).fit(X(), X(5, 3), batch_size=2.0, verbose=0)


def evaluate_batch_size_float(K):
    return dense(K).evaluate(X(), X(5, 3), batch_size=4.0, verbose=0)


def fit_validation_batch_size_float(K):
    x, y = X(10), X(10, 3, seed=2)
    return dense(K).fit(x, y, validation_data=(x, y), validation_batch_size=4.0, verbose=0)


def predict_steps_float(K):
    return dense(K).predict(X(), steps=2.0, verbose=0)


def predict_steps_str(K):
    return dense(K).predict(X(), steps="2", verbose=0)


def evaluate_steps_float(K):
    return dense(K).evaluate(X(), X(5, 3), steps=2.0, verbose=0)


def fit_steps_per_epoch_float(K):
    return dense(K).fit(X(10), X(10, 3, seed=2), steps_per_epoch=2.0, verbose=0)


def fit_validation_steps_float(K):
    x, y = X(10), X(10, 3, seed=2)
    return dense(K).fit(x, y, validation_data=(x, y), validation_steps=2.0, verbose=0)


def fit_shuffle_batch(K):
    # "batch" shuffles rows within each batch only: the same steps as no shuffling
    return train(dense(K), X(10), X(10, 3, seed=2), shuffle="batch")


# -- multiple inputs and outputs -------------------------------------------------------
def multi_input_list_tuple_dict(K):
    model = two_in(K)
    a, b = X(d=3), X(d=2)
    return [
        model.predict([a, b], verbose=0),
        model.predict((a, b), verbose=0),
        model.predict({"a": a, "b": b}, verbose=0),
        model.predict({"a": a, "b": b, "unused": X()}, verbose=0),
        model.predict([X(1, 3), X(1, 2)], verbose=0),
    ]


def dict_outputs(K):
    model = two_in(K, dict_out=True)
    xs = [X(d=3), X(d=2)]
    ys = {"o1": X(d=2, seed=3), "o2": X(d=1, seed=4)}
    return [
        model.predict(xs, verbose=0),
        model.predict_on_batch(xs),
        model.evaluate(xs, ys, verbose=0),
        model.evaluate(xs, [ys["o1"], ys["o2"]], verbose=0),
        model.evaluate(xs, ys, verbose=0, return_dict=True),
        model.test_on_batch(xs, ys, return_dict=True),
    ]


def list_outputs_with_dict_or_tuple_targets(K):
    model = two_in(K)
    xs = [X(d=3), X(d=2)]
    y1, y2 = X(d=2, seed=3), X(d=1, seed=4)
    return [
        model.predict_on_batch(xs),
        model.evaluate(xs, {"o1": y1, "o2": y2}, verbose=0),
        model.evaluate(xs, (y1, y2), verbose=0),
        model.evaluate(xs, [y1, y2], sample_weight=[np.arange(5.0), np.ones(5)], verbose=0),
        model.evaluate(xs, [y1, y2], sample_weight=np.arange(5.0), verbose=0),
        model.train_on_batch(xs, [y1, y2]),
    ]


def tuple_outputs(K):
    a = K.Input((4,))
    model = set_weights(K.Model(a, (K.layers.Dense(3)(a), K.layers.Dense(2)(a))))
    return [model(X()), model.predict_on_batch(X()), model.predict(X(), verbose=0)]


def dict_input_functional(K):
    a = K.Input((4,), name="x1")
    model = set_weights(K.Model({"feat": a}, K.layers.Dense(3)(a)))
    return [model.predict({"feat": X()}, verbose=0), model.predict(X(), verbose=0)]


def single_input_in_a_list(K):
    model = dense(K)
    return [model.predict([X()], verbose=0), model.predict((X(),), verbose=0)]


def validation_split_with_dict_data(K):
    model = two_in(K, dict_out=True)
    xs = {"a": X(8, 3), "b": X(8, 2)}
    ys = {"o1": X(8, 2, seed=3), "o2": X(8, 1, seed=4)}
    return train(model, xs, ys, validation_split=0.25, epochs=1)


# -- targets per loss, sample and class weights ----------------------------------------
def _classifier(K, units, act, loss):
    return dense(K, units=units, act=act, loss=loss, metrics=["accuracy"])


def _fit_evaluate(model, x, y, **kw):
    history = model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0, **kw)
    weights = {k: v for k, v in kw.items() if k == "sample_weight"}
    return [history.history, model.evaluate(x, y, verbose=0, **weights), model.get_weights()[0]]


def binary_targets_n_n1_int_bool(K):
    x, y = X(6), binary()
    return [
        _fit_evaluate(_classifier(K, 1, "sigmoid", "binary_crossentropy"), x, target)
        for target in (y, y[:, None], y.astype("int64"), y.astype(bool))
    ]


def sparse_targets_n_n1_float(K):
    x, y = X(6), labels()
    return [
        _fit_evaluate(_classifier(K, 3, "softmax", "sparse_categorical_crossentropy"), x, t)
        for t in (y, y[:, None], y.astype("float32"))
    ]


def sample_weight_shapes(K):
    x, y = X(6), X(6, 3, seed=2)
    w = np.arange(6, dtype="float32")
    return [
        _fit_evaluate(dense(K), x, y, sample_weight=weights)
        for weights in (w, w[:, None], np.arange(6), np.zeros(6))
    ]


def sample_weight_per_timestep(K):
    x = np.random.default_rng(1).normal(size=(6, 5, 2)).astype("float32")
    s = np.random.default_rng(3).random((6, 5)).astype("float32")
    out = []
    for loss, y, metric in (
        ("mse", np.random.default_rng(2).normal(size=(6, 5, 3)).astype("float32"), "mae"),
        ("sparse_categorical_crossentropy", labels(30).reshape(6, 5), "accuracy"),
    ):
        act = "softmax" if metric == "accuracy" else None
        model = set_weights(K.Sequential([K.Input((5, 2)), K.layers.Dense(3, activation=act)]))
        model.compile(optimizer=K.optimizers.SGD(0.1), loss=loss, metrics=[metric])
        out.append(_fit_evaluate(model, x, y, sample_weight=s))
    return out


def class_weight_forms(K):
    x, y = X(6), labels()

    def run(units, act, loss, target, weights):
        model = _classifier(K, units, act, loss)
        kw = {"epochs": 2, "batch_size": 4, "shuffle": False, "verbose": 0}
        return [model.fit(x, target, class_weight=weights, **kw).history, model.get_weights()[0]]

    cw = {0: 1.0, 1: 2.0, 2: 0.5}
    scce, cce, bce = (
        "sparse_categorical_crossentropy",
        "categorical_crossentropy",
        "binary_crossentropy",
    )
    return [
        run(3, "softmax", scce, y, cw),
        run(3, "softmax", scce, y, {0: 1.0, 1: 2.0, 2: 3.0, 7: 9.0}),
        run(3, "softmax", cce, np.eye(3, dtype="float32")[y], cw),
        run(1, "sigmoid", bce, binary(), {0: 1.0, 1: 3.0}),
        run(1, "sigmoid", bce, binary()[:, None], {0: 1.0, 1: 3.0}),
        run(1, "sigmoid", bce, binary().astype(bool), {0: 1.0, 1: 3.0}),
        run(1, "sigmoid", bce, binary(), {0.0: 1.0, 1.0: 3.0}),
    ]


def class_weight_with_validation_split(K):
    model = _classifier(K, 3, "softmax", "sparse_categorical_crossentropy")
    return train(model, X(10), labels(10), class_weight={0: 1.0, 1: 2.0, 2: 0.5},
                 validation_split=0.3)  # fmt: skip


def on_batch_methods(K):
    model = dense(K, metrics=["mae"])
    x, y = X(6), X(6, 3)
    return [
        model.train_on_batch(x, y),
        model.train_on_batch(x, y, return_dict=True),
        model.train_on_batch(x, y, sample_weight=np.arange(6.0)),
        model.test_on_batch(x, y),
        model.test_on_batch(x, y, sample_weight=np.arange(6.0), return_dict=True),
        model.test_on_batch(x, y, sample_weight=np.arange(6.0)[:, None]),
        model.get_weights(),
    ]


def train_on_batch_class_weight(K):
    model = dense(K, act="softmax", loss="sparse_categorical_crossentropy")
    return [
        model.train_on_batch(X(6), labels(), class_weight={0: 1.0, 1: 2.0, 2: 0.5}),
        model.get_weights(),
    ]


def evaluate_return_types(K):
    x, y = X(6), X(6, 3)
    return [
        dense(K).evaluate(x, y, verbose=0),
        dense(K, metrics=["mae"]).evaluate(x, y, verbose=0),
        dense(K, metrics=["mae"]).evaluate(x, y, verbose=0, return_dict=True),
    ]


# -- validation data -------------------------------------------------------------------
def validation_data_forms(K):
    x, y = X(10), X(10, 3, seed=2)

    def repeat():
        while True:
            yield x[:4], y[:4]

    return [
        train(dense(K, metrics=["mae"]), x, y, validation_data=(x[:4], y[:4])),
        train(dense(K, metrics=["mae"]), x, y, validation_data=(x[:4], y[:4], np.arange(4.0))),
        train(dense(K, metrics=["mae"]), x, y, validation_data=[x[:4], y[:4]]),
        train(dense(K), x, y, validation_data=repeat(), validation_steps=2),
        train(dense(K), x, y, validation_data=batches(K, "x,y,w")),
        train(
            dense(K, metrics=["mae"]),
            x,
            y,
            validation_split=0.3,
            shuffle=True,
            epochs=1,
            batch_size=20,
        ),  # fmt: skip
        train(
            dense(K, metrics=["mae"]),
            x,
            y,
            validation_data=(x, y),
            validation_batch_size=5,
            validation_steps=1,
            epochs=1,
        ),  # fmt: skip
    ]


# -- PyDataset and generators ----------------------------------------------------------
def pydataset_fit_forms(K):
    return [train(dense(K), batches(K, mode)) for mode in ("x,y", "x,y,w", "[x,y]")]


def pydataset_predict_evaluate(K):
    return [
        dense(K).predict(batches(K, "x"), verbose=0),
        dense(K).predict(batches(K, "x,"), verbose=0),
        dense(K).predict(batches(K, "x,y"), verbose=0),
        dense(K).predict(batches(K, "x,"), steps=2, verbose=0),
        dense(K, metrics=["mae"]).evaluate(batches(K, "x,y,w"), verbose=0, return_dict=True),
    ]


def pydataset_endless_with_steps_per_epoch(K):
    class Endless(K.utils.PyDataset):
        def __init__(self):
            super().__init__()

        @property
        def num_batches(self):
            return None

        def __getitem__(self, i):
            return np.full((2, 4), i, "float32"), np.zeros((2, 3), "float32")

    model = dense(K)
    history = model.fit(Endless(), steps_per_epoch=3, epochs=2, verbose=0, shuffle=False)
    return [history.history, model.get_weights()[0]]


def pydataset_class_weight(K):
    class Labelled(K.utils.PyDataset):
        def __init__(self):
            super().__init__()

        def __len__(self):
            return 2

        def __getitem__(self, i):
            return X(3, seed=i), np.array([0, 1, 2])

    model = dense(K, act="softmax", loss="sparse_categorical_crossentropy")
    history = model.fit(
        Labelled(), class_weight={0: 1.0, 1: 2.0, 2: 3.0}, epochs=1, verbose=0, shuffle=False
    )
    return [history.history, model.get_weights()[0]]


def pydataset_attributes(K):
    class Batches(K.utils.PyDataset):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)

        def __len__(self):
            return 3

        def __getitem__(self, i):
            return np.ones((2, 4)) * i

    d = Batches(workers=3, use_multiprocessing=True, max_queue_size=7)
    return [d.workers, d.use_multiprocessing, d.max_queue_size, d.num_batches, len(d)]


def generator_forms(K):
    x, y = X(10), X(10, 3, seed=2)

    def endless():
        while True:
            for i in range(0, 10, 4):
                yield x[i : i + 4], y[i : i + 4]

    chunks = range(0, 10, 4)
    return [
        train(dense(K), endless(), steps_per_epoch=3),
        dense(K).predict(((x[i : i + 4],) for i in chunks), verbose=0),
        dense(K).predict(((x[i : i + 4], y[i : i + 4]) for i in chunks), verbose=0),
        dense(K, metrics=["mae"]).evaluate(
            ((x[i : i + 4], y[i : i + 4]) for i in chunks), verbose=0
        ),  # fmt: skip
    ]


def generator_multi_input_batches(K):
    xs = {"a": X(6, 3), "b": X(6, 2)}
    ys = [X(6, 2), X(6, 1)]
    fit_gen = (
        ({k: v[i : i + 3] for k, v in xs.items()}, [t[i : i + 3] for t in ys]) for i in (0, 3)
    )
    predict_gen = (([xs["a"][i : i + 3], xs["b"][i : i + 3]],) for i in (0, 3))
    model = two_in(K)
    return [
        train(model, fit_gen, epochs=1),
        two_in(K, dict_out=True).predict(predict_gen, verbose=0),
    ]


def _numbered(K, drawn, n=5):
    """A PyDataset of `n` batches of 2 rows that records the indices it is asked for."""
    x, y = X(2 * n), X(2 * n, 3, seed=2)

    class Numbered(K.utils.PyDataset):
        def __init__(self):
            super().__init__()

        def __len__(self):
            return n

        def __getitem__(self, i):
            drawn.append(i)
            return x[2 * i : 2 * i + 2], y[2 * i : 2 * i + 2]

    return Numbered()


def pydataset_steps_per_epoch_equal_to_its_length(K):
    # each epoch is one whole pass; the next starts afresh (not "used up")
    model = dense(K)
    history = model.fit(
        _numbered(K, []),
        steps_per_epoch=5,
        epochs=3,
        validation_data=_numbered(K, []),
        validation_steps=5,
        shuffle=False,
        verbose=0,
    )
    data = _numbered(K, [])
    twice = [model.evaluate(data, steps=5, verbose=0), model.evaluate(data, steps=5, verbose=0)]
    return [history.history, model.get_weights()[0], twice]


# -- steps_per_execution: Keras 3 runs whole executions, so `steps` rounds up ------------
def _executing(K, n=3):
    model = set_weights(K.Sequential([K.Input((4,)), K.layers.Dense(3)]))
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse", steps_per_execution=n)
    return model


def steps_per_execution_fit_arrays(K):
    model = _executing(K)
    return train(model, X(20), X(20, 3), batch_size=2, steps_per_epoch=4, epochs=3)


def steps_per_execution_evaluate_predict(K):
    model = _executing(K)
    x, y = X(20), X(20, 3)
    return [
        model.evaluate(x, y, batch_size=2, steps=2, verbose=0),
        model.evaluate(x, y, batch_size=2, steps=3, verbose=0),
        model.predict(x, batch_size=2, steps=4, verbose=0),
        train(
            model,
            x,
            y,
            validation_data=(x, y),
            validation_batch_size=2,
            validation_steps=2,
            epochs=1,
        ),  # fmt: skip
    ]


def steps_per_execution_streams(K):
    x, y = X(10), X(10, 3, seed=2)

    def endless():
        for i in range(10**6):
            yield x[2 * (i % 5) : 2 * (i % 5) + 2], y[2 * (i % 5) : 2 * (i % 5) + 2]

    model = _executing(K)
    fitted = train(model, endless(), steps_per_epoch=4, epochs=2)
    evaluated = model.evaluate(endless(), steps=4, verbose=0)
    return [fitted, evaluated, train(_executing(K), _numbered(K, []), steps_per_epoch=4)]


# -- shuffling: NumPy's / Python's global generators, as Keras 3 draws them -------------
def _shuffled(model, x, y, **kw):
    kw.setdefault("batch_size", 4)
    return model.fit(x, y, epochs=2, verbose=0, **kw).history


def shuffle_after_evaluate(K):
    # evaluate first: Keras's fit takes no build-time peek, so its epochs draw the first
    # permutations of np.random after set_random_seed
    x, y = X(10), X(10, 3, seed=2)
    out = []
    for kw in ({}, {"shuffle": "batch"}, {"validation_split": 0.2}, {"steps_per_epoch": 2}):
        K.utils.set_random_seed(0)
        model = dense(K)
        model.evaluate(x, y, verbose=0)
        out.append([_shuffled(model, x, y, **kw), model.get_weights()[0]])
    return out


def shuffle_first_fit_then_more(K):
    # the first fit after compile draws one permutation for Keras's peek; the next does not
    x, y = X(10), X(10, 3, seed=2)
    K.utils.set_random_seed(0)
    model = dense(K)
    first = _shuffled(model, x, y)
    second = _shuffled(model, x, y)
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse")
    return [first, second, _shuffled(model, x, y), model.get_weights()[0]]


def pydataset_shuffle_order_and_hooks(K):
    log = []
    x, y = X(10), X(10, 3, seed=2)

    class Logged(K.utils.PyDataset):
        def __init__(self):
            super().__init__()

        def __len__(self):
            return 5

        def __getitem__(self, i):
            log.append(float(i))
            return x[2 * i : 2 * i + 2], y[2 * i : 2 * i + 2]

        def on_epoch_begin(self):
            log.append("begin")

        def on_epoch_end(self):
            log.append("end")

    K.utils.set_random_seed(0)
    model = dense(K)
    out = [model.fit(Logged(), epochs=2, verbose=0).history, list(log)]
    for run in (
        lambda: model.fit(Logged(), epochs=2, verbose=0),
        lambda: model.evaluate(Logged(), verbose=0),
        lambda: model.predict(Logged(), verbose=0),
        lambda: dense(K).evaluate(Logged(), verbose=0),
        lambda: dense(K).fit(x, y, validation_data=Logged(), epochs=2, verbose=0),
    ):
        log.clear()
        run()
        out.append(list(log))
    return out


# -- utilities -------------------------------------------------------------------------
def pack_unpack(K):
    unpack, pack = K.utils.unpack_x_y_sample_weight, K.utils.pack_x_y_sample_weight
    a = np.ones(2, "float32")
    return [
        unpack((a,)), unpack((a, a)), unpack((a, a, a)), unpack(a), unpack([a, a]),
        pack(a), pack(a, a), pack(a, a, a), pack([a, a]), pack((a,)),
    ]  # fmt: skip


def normalize_forms(K):
    m = np.array([[3.0, 4.0], [1.0, 0.0]])
    return [
        K.utils.normalize(m),
        K.utils.normalize(m, axis=0),
        K.utils.normalize(m, order=1),
        K.utils.normalize(m.astype("float32")),
        K.utils.normalize(np.array([[3, 4]])),
        K.utils.normalize([[3.0, 4.0], [0.0, 0.0]]),
    ]


SCENARIOS = [
    value
    for name, value in list(globals().items())
    if callable(value)
    and getattr(value, "__module__", None) == __name__
    and value.__code__.co_firstlineno > predict_int64.__code__.co_firstlineno - 1
    and not name.startswith("_")
]


def run(K, scenario):
    """A scenario's description, or {"raises": <built-in exception class>}."""
    try:
        return describe(scenario(K))
    except Exception as e:  # noqa: BLE001 (the exception type is the golden)
        builtin = next(c for c in type(e).__mro__ if c.__module__ == "builtins")
        return {"raises": builtin.__name__}


def main():
    import warnings

    import keras

    warnings.simplefilter("ignore")
    cases = {}
    for scenario in SCENARIOS:
        keras.utils.set_random_seed(0)
        cases[scenario.__name__] = run(keras, scenario)
    OUT.write_text(
        json.dumps({"keras": keras.__version__, "cases": cases}, indent=None, sort_keys=False)
    )
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} cases)")


if __name__ == "__main__":
    main()
