"""check_targets: conversion, Keras's (N,) vs (N,1) adaptation, and the error messages."""

import numpy as np
import pytest

from numkeras import losses
from numkeras.errors import ShapeError


def test_rank1_targets_against_column_output_do_not_broadcast():
    y = np.arange(6, dtype="float32")
    pred = (y + 1)[:, None]
    loss = losses.MeanSquaredError(reduction="none")
    assert loss(y, pred).shape == (6,)  # Keras 3: squeezed/expanded, never (6, 6)
    assert float(losses.MeanSquaredError()(y, pred)) == 1.0


def test_check_targets_converts_and_adapts():
    loss = losses.MeanSquaredError()
    out = loss.check_targets([1, 2, 3], (3, 1))
    assert out.shape == (3, 1) and out.dtype == np.float32
    assert loss.check_targets(np.zeros((3, 4, 1), "int64"), (3, 4)).shape == (3, 4)
    y = np.zeros((3, 1), "float32")
    assert loss.check_targets(y, (3,)) is y  # y_pred is expanded instead, as Keras does
    labels = losses.SparseCategoricalCrossentropy().check_targets([[1.0], [0.0]], (2, 3))
    assert labels.shape == (2,) and labels.dtype.kind == "i"


def test_integer_labels_given_to_categorical_crossentropy():
    loss = losses.CategoricalCrossentropy()
    with pytest.raises(ShapeError) as info:
        loss(np.array([0, 2, 1]), np.full((3, 10), 0.1, "float32"))
    msg = str(info.value)
    assert "(3,)" in msg and "(3, 10)" in msg and "categorical_crossentropy" in msg
    assert "sparse_categorical_crossentropy" in msg
    assert "to_categorical(y, num_classes=10)" in msg
    assert "array(" not in msg
    with pytest.raises(ShapeError, match="sparse_categorical_crossentropy"):
        loss.check_targets(np.zeros((3, 1)), (3, 10))


def test_one_hot_given_to_sparse_categorical_crossentropy():
    loss = losses.SparseCategoricalCrossentropy()
    with pytest.raises(ShapeError) as info:
        loss(np.eye(4, dtype="float32"), np.full((4, 4), 0.25, "float32"))
    msg = str(info.value)
    assert "(4, 4)" in msg and "one-hot" in msg
    assert "categorical_crossentropy" in msg and "argmax" in msg


@pytest.mark.parametrize(
    "labels,fragment",
    [
        ([0, 3, 1], "outside [0, 2]"),
        ([1, 2, 3], "1-based"),
        ([0, -1, 2], "ignore_class=-1"),
        ([0, 7, 2], "at least 8 units"),
    ],
)
def test_sparse_labels_out_of_range(labels, fragment):
    with pytest.raises(ShapeError, match="outside") as info:
        losses.SparseCategoricalCrossentropy()(labels, np.full((3, 3), 1 / 3, "float32"))
    assert fragment in str(info.value)


def test_sparse_ignore_class_allows_that_label_only():
    loss = losses.SparseCategoricalCrossentropy(ignore_class=-1)
    pred = np.full((3, 3), 1 / 3, "float32")
    np.testing.assert_allclose(loss([0, -1, 2], pred), np.log(3), rtol=1e-6)
    with pytest.raises(ShapeError):
        loss([0, -2, 2], pred)


def test_sparse_non_integer_labels():
    with pytest.raises(ShapeError, match="non-integer values such as 0.5"):
        losses.SparseCategoricalCrossentropy()([0.5, 1.0], np.full((2, 3), 1 / 3, "float32"))


def test_batch_size_mismatch():
    with pytest.raises(ShapeError, match=r"different batch sizes \(5 vs 4\)"):
        losses.MeanSquaredError()(np.zeros((5, 2)), np.zeros((4, 2)))
    with pytest.raises(ShapeError, match="different batch sizes"):
        losses.SparseCategoricalCrossentropy()(np.zeros(5), np.zeros((4, 3)))


def test_width_mismatch_names_both_shapes():
    with pytest.raises(ShapeError) as info:
        losses.MeanSquaredError()(np.zeros((10, 3)), np.zeros((10, 8)))
    msg = str(info.value)
    assert "'mean_squared_error'" in msg and "(10, 3)" in msg and "(10, 8)" in msg
    assert "3 values per sample" in msg


def test_binary_crossentropy_hints():
    bce = losses.BinaryCrossentropy()
    with pytest.raises(ShapeError, match="single output unit"):
        bce(np.eye(3), np.full((3, 1), 0.5))
    with pytest.raises(ShapeError, match="sparse_categorical_crossentropy"):
        bce(np.array([0, 1, 2]), np.full((3, 3), 0.5))


def test_categorical_crossentropy_on_one_unit_warns():
    with pytest.warns(UserWarning, match="binary_crossentropy"):
        losses.CategoricalCrossentropy()(np.ones((2, 1)), np.full((2, 1), 0.5))


def test_sample_weight_shape_errors_and_forms():
    loss = losses.MeanSquaredError()
    y, p = np.zeros((4, 2), "float32"), np.ones((4, 2), "float32")
    with pytest.raises(ShapeError, match=r"sample_weight has shape \(3,\)"):
        loss(y, p, sample_weight=np.ones(3))
    with pytest.raises(ShapeError, match="sample_weight"):
        loss(y, p, sample_weight=np.ones((4, 4)))  # would broadcast to a (4, 4) loss
    assert float(loss(y, p, sample_weight=np.ones((4, 1)))) == 1.0
    assert float(loss(y, p, sample_weight=2.0)) == 2.0


def test_per_sample_weights_on_per_timestep_losses():
    """Keras raises here; we weight every timestep of a sample by its weight."""
    y = np.zeros((2, 3, 4), "float32")
    p = np.ones((2, 3, 4), "float32")
    got = losses.MeanSquaredError(reduction="sum")(y, p, sample_weight=np.array([1.0, 0.0]))
    assert float(got) == 3.0


def test_value_and_grad_needs_a_scalar_loss():
    from numkeras.errors import ConfigError

    with pytest.raises(ConfigError, match="reduction='none'"):
        losses.MeanSquaredError(reduction="none").value_and_grad(np.zeros((2, 1)), np.ones((2, 1)))


def test_scalar_prediction_is_rejected():
    with pytest.raises(ShapeError, match="batch axis"):
        losses.MeanSquaredError()(1.0, 2.0)


def test_lists_and_ints_are_converted():
    value = losses.MeanAbsoluteError()([[1, 2]], [[2, 4]])
    assert value.dtype == np.float32 and float(value) == 1.5
    _, grad = losses.MeanAbsoluteError().value_and_grad([[1, 2]], [[2, 4]])
    assert grad.dtype == np.float32


def test_unknown_batch_dimension_in_the_output_shape():
    """compile-time checks see symbolic output shapes like (None, 1)."""
    assert losses.BinaryCrossentropy().check_targets(np.zeros(5), (None, 1)).shape == (5, 1)
    labels = losses.SparseCategoricalCrossentropy().check_targets(np.zeros((5, 1)), (None, 10))
    assert labels.shape == (5,)
    with pytest.raises(ShapeError, match=r"\(None, 10\)"):
        losses.CategoricalCrossentropy().check_targets(np.zeros(5), (None, 10))
    with pytest.raises(ShapeError, match="one-hot"):
        losses.SparseCategoricalCrossentropy().check_targets(np.zeros((5, 10)), (None, 10))
