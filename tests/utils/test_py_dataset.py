"""`numkeras.utils.PyDataset` / `Sequence`: the classic data-generator recipe, with the
epoch hooks called where Keras 3.15 calls them (checked by running the same script)."""

import warnings

import numpy as np
import pytest

import numkeras
from numkeras.errors import NumkerasWarning
from numkeras.layers import Dense, Input
from numkeras.models import Sequential
from numkeras.utils import PyDataset, Sequence


class DataGenerator(Sequence):
    """The Keras 2 recipe: batches by index, rows reshuffled in on_epoch_end."""

    def __init__(self, x, y, batch_size, log, tag, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size, self.log, self.tag = x, y, batch_size, log, tag
        self.indexes = np.arange(len(x))

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, index):
        rows = self.indexes[index * self.batch_size : (index + 1) * self.batch_size]
        self.log.append((self.tag, index))
        return self.x[rows], self.y[rows]

    def on_epoch_begin(self):
        self.log.append((self.tag, "begin"))

    def on_epoch_end(self):
        self.log.append((self.tag, "end"))
        np.random.default_rng(len(self.log)).shuffle(self.indexes)


def _model():
    model = Sequential([Input((3,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def _data(n):
    x = np.arange(n * 3, dtype="float32").reshape(n, 3) / 10
    return x, x.sum(axis=1, keepdims=True)


def test_fit_evaluate_predict_call_the_epoch_hooks_around_each_epoch():
    log = []
    train = DataGenerator(*_data(10), 4, log, "t")
    val = DataGenerator(*_data(6), 4, log, "v")
    model = _model()
    history = model.fit(train, validation_data=val, epochs=2, verbose=0)
    assert len(history.history["val_loss"]) == 2
    # as Keras 3 runs them: the first fit after compile peeks at one batch in a pass of
    # its own; each validation run resets the dataset (on_epoch_end) before its pass
    hooks = [entry for entry in log if entry[1] in ("begin", "end")]
    epoch = [("t", "begin"), ("t", "end"), ("v", "end"), ("v", "begin"), ("v", "end")]
    assert hooks == [("t", "begin"), ("t", "end")] + epoch * 2
    trained = [i for tag, i in log if tag == "t" and isinstance(i, int)]
    assert len(trained) == 7 and sorted(trained[1:]) == [0, 0, 1, 1, 2, 2]
    log.clear()
    model.evaluate(DataGenerator(*_data(10), 4, log, "e"), verbose=0)
    assert log == [("e", "end"), ("e", "begin"), ("e", 0), ("e", 1), ("e", 2), ("e", "end")]
    log.clear()
    x, _ = _data(10)
    out = model.predict(DataGenerator(*_data(10), 4, log, "p"), verbose=0)
    np.testing.assert_allclose(out, model.predict(x, verbose=0), rtol=1e-6)
    assert log[0] == ("p", "begin") and log[-1] == ("p", "end")


def test_on_epoch_end_reshuffling_changes_the_rows_each_epoch_sees():
    log = []
    data = DataGenerator(*_data(12), 4, log, "t")
    first = data.indexes.copy()
    _model().fit(data, epochs=2, verbose=0)
    assert sorted(data.indexes) == list(range(12))
    assert not np.array_equal(first, data.indexes)


def test_an_endless_dataset_needs_steps_per_epoch():
    class Endless(PyDataset):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seen = []

        @property
        def num_batches(self):
            return None

        def __getitem__(self, index):
            self.seen.append(index)
            x = np.full((2, 3), index, "float32")
            return x, x[:, :1]

    data = Endless()
    history = _model().fit(data, steps_per_epoch=3, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert data.seen[:4] == [0, 0, 1, 2]  # (the first fit's peek, then the epoch)


def test_workers_arguments_are_kept_and_a_missing_super_call_warns():
    class Kept(PyDataset):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)

        def __len__(self):
            return 1

        def __getitem__(self, index):
            return np.ones((2, 3), "float32"), np.ones((2, 1), "float32")

    kept = Kept(workers=4, use_multiprocessing=True, max_queue_size=3)
    assert (kept.workers, kept.use_multiprocessing, kept.max_queue_size) == (4, True, 3)

    class NoSuper(Kept):
        def __init__(self):
            pass

    with pytest.warns(NumkerasWarning, match="super"):
        _model().fit(NoSuper(), verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _model().fit(Kept(), verbose=0)


def test_import_paths():
    from numkeras.utils.data_utils import Sequence as Keras2Sequence

    assert Keras2Sequence is PyDataset is numkeras.utils.Sequence
    with pytest.raises(NotImplementedError, match="__len__"):
        _ = PyDataset().num_batches
