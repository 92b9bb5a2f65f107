"""to_categorical: Keras 3 shapes, float32 output, and clear errors for bad labels."""

import numpy as np
import pytest

from numkeras.errors import ConfigError
from numkeras.utils.categorical import to_categorical


def test_basic_one_hot_is_float32():
    out = to_categorical([0, 2, 1], num_classes=4)
    assert out.dtype == np.float32 and out.shape == (3, 4)
    np.testing.assert_array_equal(out, np.eye(4, dtype="float32")[[0, 2, 1]])


def test_num_classes_inferred_from_max_label():
    assert to_categorical(np.array([3, 1])).shape == (2, 4)


@pytest.mark.parametrize(
    "shape,expected",
    [((5,), (5, 3)), ((5, 1), (5, 3)), ((2, 4), (2, 4, 3)), ((2, 4, 1), (2, 4, 3)), ((), (3,))],
)
def test_shapes_like_keras(shape, expected):
    """A trailing axis of size 1 is dropped first, as in Keras."""
    labels = np.zeros(shape, dtype="int64")
    assert to_categorical(labels, 3).shape == expected


def test_integral_floats_and_unsigned_ints_are_accepted():
    np.testing.assert_array_equal(to_categorical(np.array([1.0, 0.0]), 2), [[0, 1], [1, 0]])
    np.testing.assert_array_equal(to_categorical(np.array([1], "uint8"), 2), [[0, 1]])


def test_negative_label_raises_instead_of_marking_the_last_class():
    with pytest.raises(ConfigError, match=r"negative class label \(-1\)"):
        to_categorical([0, -1, 2], num_classes=3)


def test_label_too_large_names_the_fix():
    with pytest.raises(ConfigError) as info:
        to_categorical([0, 5, 2], num_classes=3)
    msg = str(info.value)
    assert "label 5" in msg and "num_classes=3" in msg and "num_classes=6" in msg


def test_non_integer_labels_raise_instead_of_truncating():
    with pytest.raises(ConfigError, match="non-integer values such as 1.7"):
        to_categorical([1.7, 2.0], num_classes=3)


def test_bad_num_classes_and_empty_input():
    with pytest.raises(ConfigError, match="positive integer"):
        to_categorical([0, 1], num_classes=0)
    with pytest.raises(ConfigError, match="num_classes explicitly"):
        to_categorical([])
    assert to_categorical(np.zeros(0, "int64"), 4).shape == (0, 4)


def test_normalize_as_keras():
    from numkeras.utils import normalize, np_utils

    x = np.array([[[1.0, -2.0], [0, 0], [3, 1]]])
    # Keras 3.15: keras.utils.normalize(x, axis=1, order=1) and normalize(x)
    np.testing.assert_allclose(
        normalize(x, axis=1, order=1), [[[0.25, -2 / 3], [0.0, 0.0], [0.75, 1 / 3]]]
    )
    np.testing.assert_allclose(
        np_utils.normalize(x),
        [
            [
                [0.4472135954999579, -0.8944271909999159],
                [0, 0],
                [0.9486832980505138, 0.31622776601683794],
            ]
        ],
    )
