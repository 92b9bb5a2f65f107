"""fit / evaluate / train_on_batch options, callbacks on a real model, reproducibility, and
bad input: each a clear error, with the model unchanged."""

import warnings

import numpy as np
import pytest

import numkeras
from numkeras import callbacks
from numkeras.errors import NotCompiledError, ShapeError
from numkeras.layers import Dense, Dropout, Input
from numkeras.models import Sequential


def data(n=64, d=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("float32")
    return x, y


def classifier(lr=0.01):
    model = Sequential(
        [Input((4,)), Dense(8, activation="relu"), Dropout(0.2), Dense(1, activation="sigmoid")]
    )
    model.compile(
        optimizer=numkeras.optimizers.Adam(lr), loss="binary_crossentropy", metrics=["accuracy"]
    )
    return model


def weights_equal(a, b):
    return all(np.array_equal(u, v) for u, v in zip(a, b))


def test_history_and_returns():
    x, y = data()
    model = classifier()
    hist = model.fit(x, y, epochs=3, batch_size=16, verbose=0, validation_data=(x[:8], y[:8]))
    assert hist is model.history
    assert hist.epoch == [0, 1, 2]
    assert set(hist.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert hist.params["epochs"] == 3 and hist.params["steps"] == 4
    loss, acc = model.evaluate(x, y, verbose=0)
    assert 0 <= acc <= 1 and loss > 0
    assert set(model.evaluate(x, y, verbose=0, return_dict=True)) == {"loss", "accuracy"}
    out = model.train_on_batch(x[:8], y[:8])
    assert isinstance(out, list) and len(out) == 2


def test_set_random_seed_makes_training_reproducible_bit_for_bit():
    x, y = data()

    def run():
        numkeras.utils.set_random_seed(42)
        model = classifier()
        model.fit(x, y, epochs=2, batch_size=8, verbose=0)  # shuffling and dropout masks
        return model.get_weights()

    assert weights_equal(run(), run())


def test_initial_epoch_and_steps_per_epoch():
    x, y = data()
    model = classifier()
    hist = model.fit(x, y, epochs=4, initial_epoch=2, batch_size=16, verbose=0)
    assert hist.epoch == [2, 3]
    hist = model.fit(x, y, epochs=1, steps_per_epoch=2, batch_size=16, verbose=0)
    assert hist.params["steps"] == 2


def test_sample_weight_and_class_weight():
    x, y = data()
    model = classifier()
    w0 = model.get_weights()
    zero = model.train_on_batch(x, y, sample_weight=np.zeros(len(x)))
    assert zero[0] == pytest.approx(0.0, abs=1e-7)
    assert weights_equal(w0, model.get_weights())  # zero loss, zero gradient
    model.fit(x, y, class_weight={0: 1.0, 1: 3.0}, epochs=1, verbose=0)
    model.fit(x, y, class_weight={0: 1.0}, epochs=1, verbose=0)  # class 1 weighs 1.0, as Keras 3


def test_early_stopping_restores_best_weights_on_a_real_model():
    x, y = data()
    model = classifier(lr=0.05)
    best = {}

    def remember(epoch, logs):
        if not best or logs["val_loss"] < best["val_loss"]:
            best.update(val_loss=logs["val_loss"], weights=model.get_weights())

    stop = callbacks.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True)
    model.fit(
        x,
        y,
        epochs=30,
        verbose=0,
        validation_split=0.25,
        callbacks=[callbacks.LambdaCallback(on_epoch_end=remember), stop],
    )
    assert weights_equal(model.get_weights(), best["weights"])


def test_reduce_lr_on_plateau_changes_the_real_optimizer():
    x, y = data()
    model = classifier()
    model.compile(optimizer=numkeras.optimizers.SGD(0.0), loss="binary_crossentropy")
    cb = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=1.0)
    model.optimizer.learning_rate = 0.1
    model.fit(x, y, epochs=3, verbose=0, callbacks=[cb])
    # epoch 0 sets the best; epochs 1 and 2 do not improve by min_delta: two halvings
    assert model.optimizer.learning_rate == pytest.approx(0.1 * 0.5**2)


def test_terminate_on_nan_stops_training(capsys):
    x, y = data()
    model = Sequential([Input((4,)), Dense(1)])
    model.compile(optimizer=numkeras.optimizers.SGD(1e30), loss="mse")
    x_big = x * 1e20
    hist = model.fit(
        x_big, y, epochs=5, batch_size=8, verbose=0, callbacks=[callbacks.TerminateOnNaN()]
    )
    assert len(hist.epoch) == 1
    assert "NaN" in capsys.readouterr().out or not np.isfinite(hist.history["loss"][0])


def test_progress_bar_verbose_1_and_2(capsys):
    x, y = data()
    model = classifier()
    model.fit(x, y, epochs=2, batch_size=16, verbose=2)
    out = capsys.readouterr().out
    assert "Epoch 2/2" in out and "4/4 - " in out and "accuracy:" in out and "loss:" in out
    model.fit(x, y, epochs=1, batch_size=16, verbose=1)
    assert "━" in capsys.readouterr().out


# -- bad input: a clear error, and the model unchanged ----------------------------------------
@pytest.fixture
def trained():
    x, y = data()
    model = classifier()
    model.fit(x, y, epochs=1, verbose=0)
    return model, model.get_weights(), model.optimizer.iterations


def assert_unchanged(model, w, iterations):
    assert weights_equal(w, model.get_weights())
    assert model.optimizer.iterations == iterations


def test_x_and_y_of_different_lengths(trained):
    model, w, it = trained
    x, y = data()
    with pytest.raises(ShapeError, match="x has 64 samples but y has 60"):
        model.fit(x, y[:60], verbose=0)
    with pytest.raises(ShapeError, match="x has 64 samples but y has 60"):
        model.train_on_batch(x, y[:60])
    assert_unchanged(model, w, it)


def test_wrong_target_shape_names_the_loss_and_fix():
    x, _ = data()
    model = Sequential([Input((4,)), Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    w = model.get_weights()
    with pytest.raises(ShapeError) as e:
        model.fit(x, np.zeros(64, dtype=int), verbose=0)
    msg = str(e.value)
    assert "categorical_crossentropy" in msg and "sparse_categorical_crossentropy" in msg
    assert "to_categorical" in msg
    assert weights_equal(w, model.get_weights())


def test_wrong_input_shape_in_fit(trained):
    model, w, it = trained
    with pytest.raises(ShapeError, match="x.T"):
        model.fit(np.zeros((4, 64)), np.zeros(4), verbose=0)
    assert_unchanged(model, w, it)


def test_an_unknown_optimizer_name_raises_at_compile():
    model = Sequential([Input((4,)), Dense(1)])
    with pytest.raises(ValueError, match="adam"):
        model.compile(optimizer="adamm", loss="mse")
    assert not model.compiled


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"loss": "binary_crossentropyy"}, "binary_crossentropy"),
        ({"loss": "mse", "metrics": ["acuracy"]}, "accuracy"),
    ],
)
def test_unknown_loss_and_metric_names_raise_when_training_starts(kwargs, match):
    # as in Keras 3, which looks them up at the first fit / evaluate
    model = Sequential([Input((4,)), Dense(1)])
    model.compile(optimizer="sgd", **kwargs)
    with pytest.raises(ValueError, match=f"Did you mean '{match}'"):
        model.fit(np.zeros((2, 4)), np.zeros((2, 1)), verbose=0)


def test_fit_before_compile():
    model = Sequential([Input((4,)), Dense(1)])
    with pytest.raises(NotCompiledError, match="compile"):
        model.fit(np.zeros((2, 4)), np.zeros(2), verbose=0)


def test_zero_rows_in_fit_is_an_error_but_predict_is_empty():
    model = classifier()
    with pytest.raises(ValueError, match="0 samples"):
        model.fit(np.zeros((0, 4)), np.zeros(0), verbose=0)
    assert model.predict(np.zeros((0, 4)), verbose=0).shape == (0, 1)


def test_lr_alias_warns_once_with_new_spelling():
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        opt = numkeras.optimizers.Adam(lr=0.0002, beta_1=0.5)
    assert opt.learning_rate == pytest.approx(0.0002)
    assert any("learning_rate" in str(r.message) for r in rec)


def test_multi_output_losses_and_metrics_are_named_per_output():
    a = Input((4,))
    h = Dense(5, activation="relu")(a)
    out1 = Dense(1, activation="sigmoid", name="cls")(h)
    out2 = Dense(2, name="reg")(h)
    model = numkeras.Model(a, [out1, out2])
    model.compile(
        optimizer="adam",
        loss=["binary_crossentropy", "mse"],
        loss_weights=[1.0, 0.5],
        metrics=[["accuracy"], ["mae"]],
    )
    x, y = data()
    logs = model.train_on_batch(x, [y, np.zeros((64, 2))], return_dict=True)
    assert {"loss", "cls_loss", "reg_loss", "cls_accuracy", "reg_mae"} <= set(logs)
    assert logs["loss"] == pytest.approx(logs["cls_loss"] + 0.5 * logs["reg_loss"], rel=1e-5)


def test_a_loss_list_longer_than_the_outputs_is_refused_when_training_starts():
    # Keras 3 takes the compile (and then trains the one output with the first loss,
    # silently); numkeras takes it too, and refuses to train with it
    model = Sequential([Input((4,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.compile(optimizer="adam", loss=["mse", "mae"])
    assert model.loss == ["mse", "mae"]
    with pytest.raises(KeyError, match="has 2 entries, but model .* has 1 output"):
        model.train_on_batch(np.zeros((2, 4)), np.zeros((2, 1)))
    assert model.optimizer.iterations.numpy() == 0
    model.compile(optimizer="adam", loss="mse")
    model.train_on_batch(np.zeros((2, 4)), np.zeros((2, 1)))
