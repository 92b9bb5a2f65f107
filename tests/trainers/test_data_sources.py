"""Data sources Keras 3 takes besides arrays: SciPy sparse matrices (TF-IDF features) and
re-iterable batch sources such as a torch DataLoader (iterated afresh each epoch, in its
own order, `len` counting its batches). Each is checked against the same data given as
arrays: the weights after training must be identical."""

import warnings

import numpy as np
import pytest

import numkeras as nk

sparse = pytest.importorskip("scipy.sparse")

X = np.array([[1.0, 0, 2], [0, 3, 0], [1, 1, 1], [0, 0, 4]], "float32")
Y = np.array([[1.0], [0.0], [2.0], [1.0]], "float32")


def _model():
    model = nk.Sequential([nk.layers.Input((3,)), nk.layers.Dense(1, kernel_initializer="ones")])
    model.compile("sgd", "mse")
    return model


def _assert_same_weights(a, b):
    for ours, theirs in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("kind", ["csr", "csc", "coo"])
def test_sparse_matrix_trains_as_its_dense_array(kind):
    matrix = sparse.csr_matrix(X).asformat(kind)
    model, reference = _model(), _model()
    np.testing.assert_array_equal(model.predict(matrix, verbose=0), [[3.0], [3.0], [3.0], [4.0]])
    model.fit(matrix, Y, batch_size=2, epochs=2, shuffle=False, validation_split=0.25, verbose=0)
    reference.fit(X, Y, batch_size=2, epochs=2, shuffle=False, validation_split=0.25, verbose=0)
    _assert_same_weights(model, reference)
    assert model.evaluate(matrix, Y, verbose=0) == reference.evaluate(X, Y, verbose=0)


class Batches:
    """A re-iterable of `[x, y]` batches without `__getitem__`, as a torch DataLoader."""

    def __init__(self, batch_size=2):
        self.batch_size, self.passes = batch_size, 0

    def __len__(self):
        return -(-len(X) // self.batch_size)

    def __iter__(self):
        self.passes += 1
        for start in range(0, len(X), self.batch_size):
            yield [X[start : start + self.batch_size], Y[start : start + self.batch_size]]


def test_reiterable_is_iterated_afresh_each_epoch():
    batches = Batches()
    model, reference = _model(), _model()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "ran out of data": each epoch is a new pass
        history = model.fit(batches, epochs=3, shuffle=False, verbose=0)
    assert batches.passes >= 3 and len(history.history["loss"]) == 3
    reference.fit(X, Y, batch_size=2, epochs=3, shuffle=False, verbose=0)
    _assert_same_weights(model, reference)
    assert model.evaluate(Batches(), verbose=0) == reference.evaluate(X, Y, verbose=0)


def test_reiterable_ignores_shuffle_with_a_warning():
    # Keras 3 warns the same for a torch DataLoader: it shuffles itself, or not
    with pytest.warns(UserWarning, match="shuffle=True. is ignored for a Batches"):
        _model().fit(Batches(), epochs=1, verbose=0)


def test_reiterable_predict_concatenates_its_batches():
    class Inputs:
        def __iter__(self):  # (no len: predict runs until the pass ends)
            yield X[:3]
            yield X[3:]

    np.testing.assert_array_equal(_model().predict(Inputs(), verbose=0)[:, 0], [3, 3, 3, 4])


def test_torch_dataloader_fits_like_its_arrays():
    torch = pytest.importorskip("torch")
    data = torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(Y))
    loader = torch.utils.data.DataLoader(data, batch_size=2)
    model, reference = _model(), _model()
    model.fit(loader, epochs=2, shuffle=False, verbose=0)
    reference.fit(X, Y, batch_size=2, epochs=2, shuffle=False, verbose=0)
    _assert_same_weights(model, reference)


def test_endless_reiterable_continues_across_epochs_with_steps_per_epoch():
    class Endless:  # (a tf.data.Dataset after .repeat(): len() raises TypeError)
        def __init__(self):
            self.drawn = 0

        def __len__(self):
            raise TypeError("The dataset is infinite.")

        def __iter__(self):
            while True:
                start = 2 * (self.drawn % 2)
                self.drawn += 1
                yield X[start : start + 2], Y[start : start + 2]

    source = Endless()
    model, reference = _model(), _model()
    model.fit(source, epochs=3, steps_per_epoch=3, shuffle=False, verbose=0)
    # nine steps after the build-time peek's batch (rows 0-1); one pass serves all epochs
    assert source.drawn == 1 + 9
    for step in range(1, 10):
        start = 2 * (step % 2)
        reference.train_on_batch(X[start : start + 2], Y[start : start + 2])
    _assert_same_weights(model, reference)
