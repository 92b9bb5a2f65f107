"""fit / evaluate / predict on batch streams (generators, PyDataset-like objects), as Keras:
each yielded batch is used whole; `steps` / `steps_per_epoch` count batches."""

import numpy as np
import pytest

from numkeras.errors import NumkerasWarning
from numkeras.layers import Dense, Input
from numkeras.models import Sequential

rng = np.random.default_rng(0)
X = rng.standard_normal((40, 3)).astype("float32")
Y = (X @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
W = rng.random(40).astype("float32")


def batches(*arrays, size=16):
    """A generator of (x, y[, w]) tuples, as users write them."""
    for start in range(0, len(arrays[0]), size):
        yield tuple(a[start : start + size] for a in arrays)


class Dataset:
    """A keras.utils.PyDataset-like object: __len__ batches, __getitem__ gives one."""

    def __init__(self, *arrays, size=16):
        self.arrays, self.size = arrays, size

    def __len__(self):
        return -(-len(self.arrays[0]) // self.size)

    def __getitem__(self, i):
        return tuple(a[i * self.size : (i + 1) * self.size] for a in self.arrays)


def model(seed=1):
    m = Sequential([Input(shape=(3,)), Dense(4, activation="relu"), Dense(1)])
    r = np.random.default_rng(seed)
    m.set_weights([r.standard_normal(w.shape).astype("float32") for w in m.get_weights()])
    m.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return m


def test_predict_on_a_generator_stacks_every_batch_and_steps_counts_batches():
    m = model()
    want = m.predict(X, verbose=0)
    np.testing.assert_array_equal(m.predict(batches(X), verbose=0), want)
    np.testing.assert_array_equal(m.predict(batches(X, Y), verbose=0), want)  # y ignored
    np.testing.assert_array_equal(m.predict(batches(X), steps=2, verbose=0), want[:32])
    np.testing.assert_array_equal(m.predict(Dataset(X), verbose=0), want)


def test_fit_on_a_stream_matches_fit_on_the_same_batches_of_arrays():
    on_arrays, on_gen, on_dataset = model(), model(), model()
    h1 = on_arrays.fit(X, Y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    h2 = on_gen.fit(batches(X, Y), epochs=1, verbose=0)
    h3 = on_dataset.fit(Dataset(X, Y), epochs=3, verbose=0)  # a fresh pass each epoch
    for a, b in zip(on_arrays.get_weights(), on_gen.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert h1.history == h2.history
    assert len(h3.history["loss"]) == 3 and on_dataset.optimizer.iterations == 9


def test_fit_and_evaluate_use_the_sample_weights_a_stream_yields():
    a, b = model(), model()
    a.fit(X, Y, sample_weight=W, batch_size=16, epochs=1, shuffle=False, verbose=0)
    b.fit(batches(X, Y, W), epochs=1, verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    assert a.evaluate(batches(X, Y, W), verbose=0) == a.evaluate(
        X, Y, sample_weight=W, batch_size=16, verbose=0
    )


def test_steps_per_epoch_draws_from_a_repeating_generator_across_epochs():
    def forever():
        while True:
            yield from batches(X, Y)

    m = model()
    hist = m.fit(forever(), steps_per_epoch=5, epochs=3, verbose=0)
    assert m.optimizer.iterations == 15 and len(hist.history["loss"]) == 3


def test_a_used_up_generator_warns_and_stops_training():
    m = model()
    with pytest.warns(NumkerasWarning, match="ran out of data"):
        hist = m.fit(batches(X, Y), epochs=3, verbose=0)
    assert m.optimizer.iterations == 3 and len(hist.history["loss"]) == 1


def test_validation_data_and_evaluate_take_streams():
    m = model()
    hist = m.fit(X, Y, validation_data=Dataset(X, Y), epochs=2, verbose=0)
    assert len(hist.history["val_loss"]) == 2
    assert m.evaluate(Dataset(X, Y), verbose=0, return_dict=True) == m.evaluate(
        X, Y, batch_size=16, verbose=0, return_dict=True
    )
    assert isinstance(m.evaluate(batches(X, Y), steps=1, verbose=0), list)


def test_a_stream_with_y_beside_it_is_refused_and_a_batch_size_ignored():
    m = model()
    with pytest.raises(ValueError, match="yields the targets"):
        m.fit(batches(X, Y), Y, verbose=0)
    # Keras 3 and Keras 2 ignore it silently; classic scripts pass it
    with pytest.warns(UserWarning, match="batch_size=8 is ignored"):
        m.evaluate(batches(X, Y), batch_size=8, verbose=0)
    with pytest.raises(ValueError, match=r"x, \(x,\), \(x, y\)"):
        m.fit(iter([(X, Y, W, W)]), verbose=0)


def test_an_unbuilt_model_builds_on_the_first_batch_as_keras_3():
    # Keras 3.15 gives these input shapes: the first batch's, batch size included
    zeros = np.zeros((40, 2), "float32")
    for fit in (
        lambda m: m.fit(batches(X, zeros), epochs=1, verbose=0),
        lambda m: m.fit(X, zeros, batch_size=16, epochs=1, verbose=0),
    ):
        m = Sequential([Dense(2)])
        m.compile(optimizer="sgd", loss="mse")
        fit(m)
        assert m.input_shape == (16, 3) and m.optimizer.iterations == 3  # 16 + 16 + 8 rows
    fresh = Sequential([Dense(2)])
    assert fresh.predict(batches(X), verbose=0).shape == (40, 2)
    assert fresh.input_shape == (16, 3)


def test_a_used_up_validation_generator_stops_reporting_instead_of_reporting_zeros():
    m = model()
    val = batches(X, Y)
    with pytest.warns(NumkerasWarning, match="validation_steps") as record:
        hist = m.fit(X, Y, validation_data=val, epochs=2, verbose=0)
    assert record[0].filename == __file__  # the warning points at the caller
    assert len(hist.history["loss"]) == 2
    assert len(hist.history["val_loss"]) == len(hist.history["val_mae"]) == 1


def test_fit_shuffles_the_batch_order_of_a_pydataset_unless_told_not_to():
    class Logged(Dataset):
        seen: list = []

        def __getitem__(self, i):
            self.seen.append(i)
            return super().__getitem__(i)

    data = Logged(X, Y, size=4)  # 10 batches
    # (the first fit after compile peeks at one batch first, as Keras 3 does to build)
    model().fit(data, epochs=3, shuffle=False, verbose=0)
    assert data.seen == [0] + list(range(10)) * 3
    data.seen.clear()
    model().fit(data, epochs=3, verbose=0)
    passes = [data.seen[k : k + 10] for k in (1, 11, 21)]
    assert all(sorted(p) == list(range(10)) for p in passes)
    assert any(p != list(range(10)) for p in passes)


def test_keras_2_generator_methods_run_with_one_deprecation_note():
    from numkeras.errors import DeprecatedArgumentWarning

    a, b = model(), model()
    h1 = a.fit(batches(X, Y), epochs=1, verbose=0)
    with pytest.warns(DeprecatedArgumentWarning, match="fit_generator"):
        h2 = b.fit_generator(batches(X, Y), epochs=1, verbose=0, workers=4)
    assert h1.history == h2.history
    with pytest.warns(DeprecatedArgumentWarning, match="evaluate_generator"):
        assert b.evaluate_generator(batches(X, Y)) == b.evaluate(batches(X, Y), verbose=0)
    with pytest.warns(DeprecatedArgumentWarning, match="predict_generator"):
        out = b.predict_generator(batches(X), steps=2)
    np.testing.assert_array_equal(out, b.predict(X[:32], verbose=0))


def test_a_pydataset_shorter_than_steps_per_epoch_ends_the_epoch_and_starts_afresh():
    m = model()
    with pytest.warns(NumkerasWarning, match="The dataset has 3 batch"):
        hist = m.fit(Dataset(X, Y), steps_per_epoch=5, epochs=2, verbose=0)
    assert m.optimizer.iterations == 6 and len(hist.history["loss"]) == 2


def test_a_pydataset_that_is_also_an_iterator_runs_its_length_each_epoch():
    # Keras 2's ImageDataGenerator iterators have __next__ too: Keras runs len(it) batches
    # of them each epoch (it used to be read as an endless generator: fit never returned)
    from numkeras.utils import PyDataset

    class Iterating(Dataset, PyDataset):
        calls: list = []

        def __init__(self, *arrays, size=16):
            PyDataset.__init__(self)
            Dataset.__init__(self, *arrays, size=size)

        def __getitem__(self, i):
            self.calls.append(i)
            return super().__getitem__(i)

        def __next__(self):
            raise AssertionError("indexed, not iterated")

    data = Iterating(X, Y, size=10)
    history = model().fit(data, epochs=2, shuffle=False, verbose=0)
    assert len(history.history["loss"]) == 2
    assert data.calls == [0] + list(range(len(data))) * 2  # (the peek, then two passes)
