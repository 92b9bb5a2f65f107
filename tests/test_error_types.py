"""Bad input raises the built-in exception class Keras raises (numkeras's own classes subclass
it), with a message that says what to do, and before anything changes. From a differential
run against Keras 3.15."""

import numpy as np
import pytest

from numkeras.errors import NotCompiledError, ShapeError
from numkeras.layers import Dense, Input
from numkeras.models import Model, Sequential, load_model
from numkeras.utils import to_categorical

X = np.random.default_rng(0).standard_normal((6, 4)).astype("float32")
Y = np.zeros((6, 3), "float32")


def test_evaluate_checks_compile_first_and_works_when_compiled_before_building():
    with pytest.raises(NotCompiledError):
        Sequential([Input((4,)), Dense(3)]).evaluate(X, Y, verbose=0)
    model = Sequential([Dense(3)])  # compiled before it has any shape
    model.compile(optimizer="sgd", loss="mse")
    assert np.isfinite(model.evaluate(X, Y, verbose=0))


def test_building_a_built_layer_again_refuses_another_shape_and_keeps_its_weights():
    model = Sequential([Input((4,)), Dense(3)])
    dense = model.layers[0]
    kernel = dense.kernel.numpy().copy()
    dense.build((None, 4))  # the same shape: nothing to do (no re-initialization)
    np.testing.assert_array_equal(dense.kernel.numpy(), kernel)
    with pytest.raises(ShapeError, match="already built for input shape"):
        dense.build((None, 5))
    assert model.predict(X, verbose=0).shape == (6, 3)


@pytest.mark.parametrize(
    "bad", [[[1.0, 2.0, 3.0, 4.0], [1.0, 2.0]], np.array([["a"] * 4] * 2), None, "hello"]
)
def test_non_numeric_data_is_a_value_error_as_in_keras(bad):
    model = Sequential([Input((4,)), Dense(3)])
    with pytest.raises(ValueError, match="numeric") as err:
        model.predict(bad, verbose=0)
    assert isinstance(err.value, TypeError)  # what numkeras raised before, still caught


def test_file_errors_match_keras(tmp_path):
    with pytest.raises(ValueError, match="No file") as err:
        load_model(tmp_path / "missing.keras")
    assert isinstance(err.value, FileNotFoundError)
    model = Sequential([Input((4,)), Dense(3)])
    with pytest.raises(ValueError, match="File format not supported"):
        model.load_weights(tmp_path / "weights.txt")  # the format first, as Keras
    with pytest.raises(ValueError, match="no weights yet"):
        Sequential([Dense(3)]).save_weights(tmp_path / "w.weights.h5")
    assert not (tmp_path / "w.weights.h5").exists()


def test_label_out_of_range_is_an_index_error_as_in_keras():
    with pytest.raises(IndexError, match="num_classes=3"):
        to_categorical([0, 5], 3)


def test_compile_with_an_unknown_argument_is_a_type_error():
    with pytest.raises(TypeError, match="bogus"):
        Sequential([Input((4,)), Dense(3)]).compile(optimizer="sgd", loss="mse", bogus=1)


def test_get_layer_needs_exactly_one_of_name_and_index():
    model = Sequential([Input((4,)), Dense(3, name="d")])
    for kwargs in ({}, {"name": "d", "index": 0}, {"index": "0"}):
        with pytest.raises(ValueError, match="layer (name|index)"):
            model.get_layer(**kwargs)


def test_a_missing_target_for_an_output_with_a_loss_is_refused_before_training():
    i = Input((4,))
    model = Model(i, {"a": Dense(1, name="a")(i), "b": Dense(1, name="b")(i)})
    model.compile(optimizer="sgd", loss={"a": "mse", "b": "mse"})
    before = model.get_weights()
    with pytest.raises(ShapeError, match=r"output\(s\) \['b'\]"):
        model.fit(X, {"a": np.zeros((6, 1))}, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_bad_validation_data_fail_before_the_first_epoch():
    model = Sequential([Input((4,)), Dense(3)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ShapeError):
        model.fit(X, Y, validation_data=(X[:, :3], Y), epochs=1, verbose=0)
    assert model.optimizer.iterations == 0


def test_an_unbuilt_layer_says_why_it_has_no_kernel():
    with pytest.raises(AttributeError, match="not built yet, so it has no `kernel`"):
        Dense(3).kernel  # noqa: B018
    with pytest.raises(AttributeError, match="has no attribute 'kernal'"):
        Dense(3).kernal  # noqa: B018 (a typo stays a plain AttributeError)
    with pytest.raises(AttributeError, match="never been called"):
        Dense(3).output  # noqa: B018 (a property's own message is kept)


@pytest.mark.parametrize("shape", [(64, 128), (64, 256, 256), (256, 256, 64), (64,)])
def test_the_seed_generators_shape_errors_are_both_value_and_type_errors(shape):
    # Keras 3 raises ValueError for (64, 128) (its input check) and TypeError for the
    # others (the arrays reach its computation): numkeras's error is both, so either
    # `except` clause catches it
    generator = Sequential([Input((64,)), Dense(256)])
    with pytest.raises(ShapeError) as caught:
        generator.predict(np.zeros(shape, "float32"), verbose=0)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, TypeError)
