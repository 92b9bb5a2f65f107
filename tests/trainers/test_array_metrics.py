"""A metric with one value per class (`F1Score(average=None)`, `R2Score(class_aggregation=
None)`) is logged as a float32 array, as Keras 3.15 logs it: in the History, in
`evaluate`'s list and dict and in `train_on_batch`; the progress bar shows its mean."""

import numpy as np

from numkeras import metrics
from numkeras.layers import Dense, Input
from numkeras.models import Sequential


def test_per_class_results_are_logged_as_arrays(capsys):
    rng = np.random.default_rng(0)
    x = rng.random((16, 3)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 16)]
    model = Sequential([Input((3,)), Dense(3, activation="softmax")])
    model.compile("sgd", "categorical_crossentropy", metrics=[metrics.F1Score(), "accuracy"])
    history = model.fit(x, y, epochs=2, verbose=2, validation_split=0.25).history
    for key in ("f1_score", "val_f1_score"):
        assert all(v.shape == (3,) and v.dtype == np.float32 for v in history[key])
    assert isinstance(history["accuracy"][0], float)
    shown = capsys.readouterr().out
    assert f"f1_score: {np.mean(history['f1_score'][-1]):.4f}" in shown
    loss, f1, accuracy = model.evaluate(x, y, verbose=0)  # Keras's order: loss, metrics
    direct = metrics.F1Score()
    direct.update_state(y, model.predict(x, verbose=0))
    np.testing.assert_allclose(f1, direct.result(), rtol=1e-6)
    assert model.evaluate(x, y, verbose=0, return_dict=True)["f1_score"].shape == (3,)
    assert model.train_on_batch(x, y)[1].shape == (3,)
