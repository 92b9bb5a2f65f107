"""Golden values for the training loop's finer points, produced by real Keras 3 (JAX):
the order of `evaluate`'s list for multi-output models, a metrics list with one entry
per output, `validation_freq` as a list, a scalar `loss_weights`, `class_weight` with
`validation_split`.

Each scenario is a function of the Keras-like module `K`, so the test
(tests/trainers/test_diff_training.py) runs the very same code on numkeras:

    KERAS_BACKEND=jax python scripts/goldens/make_diff_training.py
"""

import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "diff_training.json"


def set_weights(model, seed=1):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0, 0.4, w.shape).astype("float32") for w in model.get_weights()])


def data(n=20, d=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype("float32")
    y = (x[:, :1] + 0.5 * x[:, 1:2] > 0).astype("float32")
    return x, y


def two_outputs(K, dict_out=False):
    inp = K.Input((3,), name="inp")
    h = K.layers.Dense(4, activation="relu", name="h")(inp)
    a = K.layers.Dense(1, name="a")(h)
    b = K.layers.Dense(1, activation="sigmoid", name="b")(h)
    model = K.Model(inp, {"a": a, "b": b} if dict_out else [a, b])
    set_weights(model)
    return model


def small(K):
    model = K.Sequential(
        [
            K.Input((3,)),
            K.layers.Dense(4, activation="relu"),
            K.layers.Dense(1, activation="sigmoid"),
        ]
    )
    set_weights(model)
    return model


def plain(value):
    """JSON-able: dicts as [key, value] pairs (their order matters), arrays as lists."""
    if isinstance(value, dict):
        return [[k, plain(v)] for k, v in value.items()]
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return value
    if np.ndim(value):
        return np.asarray(value, "float64").ravel().tolist()
    return float(value)


def evaluate_order_multi_output(K):
    # Keras lists the loss, the per-output losses, then the output metrics sorted by name
    x, y = data()
    model = two_outputs(K)
    model.compile(
        optimizer=K.optimizers.SGD(0.1),
        loss=["mse", "binary_crossentropy"],
        metrics={"a": "mae", "b": ["accuracy", "AUC"]},
    )
    first = model.train_on_batch(x, [y, y])
    return {
        "train_on_batch": first,
        "evaluate": model.evaluate(x, [y, y], verbose=0),
        "test_on_batch": model.test_on_batch(x, [y, y]),
        "dict": model.evaluate(x, [y, y], verbose=0, return_dict=True),
    }


def evaluate_order_dict_outputs(K):
    x, y = data()
    model = two_outputs(K, dict_out=True)
    model.compile(
        optimizer=K.optimizers.SGD(0.1),
        loss={"a": "mse", "b": "binary_crossentropy"},
        metrics={"a": ["mse", "mae"], "b": ["acc"]},
    )
    return {"evaluate": model.evaluate(x, {"a": y, "b": y}, verbose=0)}


def metrics_list_one_per_output(K):
    # a list as long as the outputs maps entry i to output i (Keras 3)
    x, y = data()
    model = two_outputs(K)
    model.compile(
        optimizer=K.optimizers.SGD(0.1),
        loss=["mse", "binary_crossentropy"],
        metrics=["mae", ["mse", "accuracy"]],
    )
    return {
        "dict": model.evaluate(x, [y, y], verbose=0, return_dict=True),
        "list": model.evaluate(x, [y, y], verbose=0),
    }


def validation_freq_list(K):
    x, y = data()
    model = small(K)
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="binary_crossentropy")
    history = model.fit(
        x,
        y,
        epochs=4,
        batch_size=8,
        shuffle=False,
        verbose=0,
        validation_data=(x[:5], y[:5]),
        validation_freq=[1, 3],
    )
    return {"history": history.history}


def loss_weights_scalar(K):
    x, y = data()
    single = small(K)
    single.compile(optimizer=K.optimizers.SGD(0.1), loss="binary_crossentropy", loss_weights=3.0)
    history = single.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    multi = two_outputs(K)
    multi.compile(optimizer=K.optimizers.SGD(0.1), loss="mse", loss_weights=0.5)
    return {
        "history": history.history,
        "weights": [w.ravel() for w in single.get_weights()],
        "multi": multi.evaluate(x, [y, y], verbose=0, return_dict=True),
    }


def class_weight_with_validation_split(K):
    # the held-out rows are not weighted by class (Keras weighs the training batches only)
    x, y = data()
    model = small(K)
    model.compile(
        optimizer=K.optimizers.SGD(0.1),
        loss="binary_crossentropy",
        metrics=["accuracy"],
        weighted_metrics=["mae"],
    )
    history = model.fit(
        x,
        y,
        class_weight={0: 3.0, 1: 0.5},
        epochs=2,
        batch_size=8,
        shuffle=False,
        verbose=0,
        validation_split=0.25,
    )
    return {"history": history.history}


def metrics_result_order(K):
    # get_metrics_result follows model.metrics: loss, compiled metrics, per-output losses
    x, y = data()
    single = small(K)
    single.compile(
        optimizer="sgd", loss="mse", metrics=["mse", "accuracy"], weighted_metrics=["accuracy"]
    )
    single.evaluate(x, y, verbose=0)
    multi = two_outputs(K)
    multi.compile(
        optimizer="sgd",
        loss=["mse", "binary_crossentropy"],
        metrics={"a": ["mse", "mae"], "b": ["accuracy"]},
        weighted_metrics={"a": ["mse"]},
    )
    multi.evaluate(x, [y, y], verbose=0)
    return {
        "single": list(single.get_metrics_result()),
        "multi": list(multi.get_metrics_result()),
        "values": list(multi.get_metrics_result().values()),
    }


def steps_per_execution_hooks(K):
    # the batch callbacks see one call per execution of steps_per_execution batches:
    # begin at its first step, end at first + steps_per_execution - 1 (even past the data)
    events = []

    class Recorder(K.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            events.append(["train_begin", batch])

        def on_train_batch_end(self, batch, logs=None):
            events.append(["train_end", batch, logs["loss"]])

        def on_test_batch_begin(self, batch, logs=None):
            events.append(["test_begin", batch])

        def on_test_batch_end(self, batch, logs=None):
            events.append(["test_end", batch, logs["loss"]])

        def on_predict_batch_begin(self, batch, logs=None):
            events.append(["predict_begin", batch])

        def on_predict_batch_end(self, batch, logs=None):
            events.append(["predict_end", batch, np.asarray(logs["outputs"]).ravel()])

    x, y = data()
    model = small(K)
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse", steps_per_execution=2)
    history = model.fit(
        x, y, epochs=1, batch_size=4, shuffle=False, verbose=0, callbacks=[Recorder()]
    )
    model.evaluate(x, y, batch_size=4, verbose=0, callbacks=[Recorder()])
    model.predict(x, batch_size=4, verbose=0, callbacks=[Recorder()])
    return {"events": events, "history": history.history}


SCENARIOS = [
    evaluate_order_multi_output,
    evaluate_order_dict_outputs,
    metrics_list_one_per_output,
    validation_freq_list,
    loss_weights_scalar,
    class_weight_with_validation_split,
    metrics_result_order,
    steps_per_execution_hooks,
]


def main():
    import keras

    out = {fn.__name__: plain(fn(keras)) for fn in SCENARIOS}
    OUT.write_text(json.dumps({"keras": keras.__version__, "cases": out}, indent=None))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
