"""Training-API behaviours checked against Keras 3.15 by a differential run (the expected keys
and counts below are what Keras produced for the same calls)."""

import numpy as np
import pytest

from numkeras.callbacks import Callback
from numkeras.errors import NumkerasWarning
from numkeras.layers import Dense, Input
from numkeras.metrics import TopKCategoricalAccuracy
from numkeras.models import Model, Sequential

rng = np.random.default_rng(0)
X = rng.standard_normal((20, 4)).astype("float32")
Y = rng.standard_normal((20, 1)).astype("float32")


def regressor():
    return Sequential([Input(shape=(4,)), Dense(1)])


def test_weighted_metrics_get_the_weighted_prefix_only_when_the_name_is_taken():
    model = regressor()
    model.compile(optimizer="sgd", loss="mse", weighted_metrics=["mae"])
    hist = model.fit(X, Y, validation_data=(X, Y), epochs=1, verbose=0)
    assert sorted(hist.history) == ["loss", "mae", "val_loss", "val_mae"]
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"], weighted_metrics=["mae"])
    logs = model.evaluate(X, Y, sample_weight=np.arange(20.0), verbose=0, return_dict=True)
    assert sorted(logs) == ["loss", "mae", "weighted_mae"]
    assert logs["mae"] != pytest.approx(logs["weighted_mae"])


def test_metrics_with_the_same_name_are_all_kept_with_a_numbered_suffix():
    model = regressor()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae", "mae"])
    assert sorted(model.evaluate(X, Y, verbose=0, return_dict=True)) == ["loss", "mae", "mae_1"]
    classifier = Sequential([Input(shape=(4,)), Dense(6, activation="softmax")])
    classifier.compile(
        optimizer="sgd",
        loss="categorical_crossentropy",
        metrics=[TopKCategoricalAccuracy(k=2), "top_k_categorical_accuracy"],
    )
    onehot = np.eye(6, dtype="float32")[rng.integers(0, 6, 20)]
    logs = classifier.evaluate(X, onehot, verbose=0, return_dict=True)
    probs = classifier.predict(X, verbose=0)
    rank = (probs > probs[onehot.astype(bool)][:, None]).sum(axis=1)  # classes ranked above
    assert logs["top_k_categorical_accuracy"] == pytest.approx(np.mean(rank < 2))  # k=2
    assert logs["top_k_categorical_accuracy_1"] == pytest.approx(np.mean(rank < 5))  # k=5


def test_an_output_without_a_loss_adds_no_per_output_loss_keys():
    i = Input(shape=(4,))
    model = Model(i, [Dense(1, activation="sigmoid", name="a")(i), Dense(1, name="b")(i)])
    model.compile(optimizer="sgd", loss=["binary_crossentropy", None])
    yb = (Y > 0).astype("float32")
    hist = model.fit(X, [yb, Y], epochs=1, verbose=0)
    assert list(hist.history) == ["loss"]
    result = model.evaluate(X, [yb, Y], verbose=0)
    assert isinstance(result, float)  # one value alone is a scalar, as in Keras
    model.compile(optimizer="sgd", loss=["binary_crossentropy", "mse"])
    assert sorted(model.fit(X, [yb, Y], epochs=1, verbose=0).history) == [
        "a_loss",
        "b_loss",
        "loss",
    ]


def test_steps_per_epoch_beyond_the_data_ends_the_epoch_with_a_warning():
    model = regressor()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.warns(NumkerasWarning, match="ran out of data"):
        hist = model.fit(X, Y, batch_size=8, steps_per_epoch=10, epochs=2, verbose=0)
    assert model.optimizer.iterations == 6  # 3 batches of 20 rows, in each epoch
    assert len(hist.history["loss"]) == 2


def test_steps_per_epoch_below_the_data_continues_where_the_last_epoch_stopped():
    seen = []

    class Rows(Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(batch)

    model = regressor()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, Y, batch_size=8, steps_per_epoch=2, epochs=3, verbose=0, callbacks=[Rows()])
    # epoch 1: batches 0-1; epoch 2: the pass's last batch, then it ends; epoch 3: fresh pass
    assert model.optimizer.iterations == 5 and seen == [0, 1, 0, 0, 1]


def test_predict_batch_logs_hold_an_array_for_a_single_output_model():
    got = []

    class Outputs(Callback):
        def on_predict_batch_end(self, batch, logs=None):
            got.append(logs["outputs"])

    regressor().predict(X, batch_size=16, verbose=0, callbacks=[Outputs()])
    assert [type(o) for o in got] == [np.ndarray, np.ndarray]
    assert [o.shape for o in got] == [(16, 1), (4, 1)]


def test_logged_values_are_float32_results_as_in_keras():
    model = Sequential([Input(shape=(1,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    model.set_weights([np.ones((1, 1), "float32"), np.zeros(1, "float32")])
    x = np.arange(-2, 8, dtype="float32")[:, None]  # 7 of 10 rows predict > 0.5
    logs = model.evaluate(x, np.ones((10, 1)), verbose=0, return_dict=True)
    assert logs["accuracy"] == 0.699999988079071  # float32(0.7), Keras's value
    assert logs["loss"] == float(np.float32(logs["loss"]))


def test_compile_config_metrics_result_and_compile_from_config():
    from numkeras import losses, metrics

    model = regressor()
    assert model.get_compile_config() == {}  # (Keras 3's, for a model not compiled)
    model.compile(
        optimizer="adam",
        loss=losses.Huber(delta=0.5),
        metrics=[metrics.MeanAbsoluteError(name="my_mae")],
    )
    config = model.get_compile_config()
    twin = regressor()
    twin.compile_from_config(config)
    assert twin.get_compile_config() == config
    twin.set_weights(model.get_weights())
    model.evaluate(X, Y, verbose=0)
    assert sorted(model.get_metrics_result()) == ["loss", "my_mae"]
    assert twin.evaluate(X, Y, verbose=0, return_dict=True) == model.get_metrics_result()


def test_a_metric_whose_result_is_a_dict_logs_each_entry():
    from numkeras.metrics import Metric

    class Extremes(Metric):
        def __init__(self, name="extremes", **kwargs):
            super().__init__(name=name, **kwargs)
            self.lo = self.add_variable(shape=(), initializer="zeros", name="lo")
            self.hi = self.add_variable(shape=(), initializer="zeros", name="hi")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.lo.assign(np.minimum(self.lo.numpy(), np.min(y_pred)))
            self.hi.assign(np.maximum(self.hi.numpy(), np.max(y_pred)))

        def result(self):
            return {"pred_min": self.lo.numpy(), "pred_max": self.hi.numpy()}

    model = regressor()
    model.compile(optimizer="sgd", loss="mse", metrics=[Extremes()])
    logs = model.evaluate(X, Y, verbose=0, return_dict=True)
    pred = model.predict(X, verbose=0)
    assert sorted(logs) == ["loss", "pred_max", "pred_min"]
    assert logs["pred_min"] == pytest.approx(min(0.0, pred.min()), rel=1e-6)
    assert len(model.evaluate(X, Y, verbose=0)) == 3
    assert sorted(model.fit(X, Y, epochs=1, verbose=0).history) == ["loss", "pred_max", "pred_min"]
