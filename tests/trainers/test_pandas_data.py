"""pandas DataFrames and Series as data, as Keras 3 takes them (its array adapter reads
them by position, `iloc`, and converts with `to_numpy`; a Series is one column).

Expected values are worked by hand and match Keras 3.15.1 (JAX) on the same calls: with a
kernel of ones and no bias growth yet, a row's prediction is its sum.
"""

import numpy as np
import pytest

import numkeras as nk

pd = pytest.importorskip("pandas")


def _summing_model():
    model = nk.Sequential([nk.layers.Input((3,)), nk.layers.Dense(1, kernel_initializer="ones")])
    model.compile("sgd", "mse")
    return model


def test_mixed_column_types_convert_as_numbers():
    # floats beside bools (pd.get_dummies' columns) give an object array in to_numpy()
    frame = pd.DataFrame({"a": [1, 2], "b": [1.5, 2.5], "c": [True, False]})
    model = _summing_model()
    np.testing.assert_array_equal(model.predict(frame, verbose=0), [[3.5], [4.5]])
    np.testing.assert_array_equal(np.asarray(model(frame)), [[3.5], [4.5]])
    history = model.fit(frame, pd.Series([1.0, 2.0]), verbose=0, shuffle=False)
    assert history.history["loss"] == [6.25]  # ((3.5-1)^2 + (4.5-2)^2) / 2, as Keras


def test_get_dummies_frame_predicts():
    frame = pd.get_dummies(pd.DataFrame({"x": [1.0, 2.0], "k": ["u", "v"]}))
    assert list(frame.columns) == ["x", "k_u", "k_v"]
    np.testing.assert_array_equal(_summing_model().predict(frame, verbose=0), [[2.0], [3.0]])


def test_text_column_is_named_in_the_error():
    frame = pd.DataFrame({"a": [1, 2], "b": [1.5, 2.5], "c": ["x", "y"]})
    with pytest.raises(ValueError, match=r"columns \['c'\].*get_dummies"):  # (Keras: ValueError)
        _summing_model().predict(frame, verbose=0)


def test_rows_are_taken_by_position_not_by_index_label():
    # a shuffled index (after a train/test split): batches follow the rows' order
    index = [7, 3, 5, 1]
    x = pd.DataFrame(np.arange(12.0).reshape(4, 3), index=index)
    y = pd.Series([0.0, 1.0, 2.0, 3.0], index=index)
    model = _summing_model()
    np.testing.assert_array_equal(model.predict(x, batch_size=3, verbose=0)[:, 0], [3, 12, 21, 30])
    model.fit(x, y, batch_size=2, epochs=1, shuffle=False, validation_split=0.5, verbose=0)
    reference = _summing_model()
    reference.fit(
        x.to_numpy(),
        y.to_numpy(),
        batch_size=2,
        epochs=1,
        shuffle=False,
        validation_split=0.5,
        verbose=0,
    )
    for ours, theirs in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(ours, theirs)


def test_series_input_is_one_column():
    model = nk.Sequential([nk.layers.Input((1,)), nk.layers.Dense(1, kernel_initializer="ones")])
    np.testing.assert_array_equal(model.predict(pd.Series([1.0, 2.0]), verbose=0), [[1.0], [2.0]])
