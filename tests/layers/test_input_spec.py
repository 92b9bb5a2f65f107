import pytest

from numkeras.errors import ShapeError
from numkeras.layers.input_spec import InputSpec, check_input


def test_none_matches_anything_and_each_rule_explains_itself():
    check_input(InputSpec(shape=(None, 3, None)), (5, 3, 9), "l")
    with pytest.raises(ShapeError, match=r"expects inputs of shape \(batch, 3, any\)"):
        check_input(InputSpec(shape=(None, 3, None)), (5, 4, 9), "l")
    with pytest.raises(ShapeError, match="expected rank 3"):
        check_input(InputSpec(ndim=3), (5, 3), "l")
    with pytest.raises(ShapeError, match="rank <= 2"):
        check_input(InputSpec(max_ndim=2), (5, 3, 1), "l")
    with pytest.raises(ShapeError, match="rank >= 3"):
        check_input(InputSpec(min_ndim=3), (5, 3), "l")
    with pytest.raises(ShapeError, match="axis -1 \\(features\\) must be 64, received 128"):
        check_input(InputSpec(min_ndim=2, axes={-1: 64}), (64, 128), "l")


def test_trailing_one_squeeze_allowed_when_asked():
    check_input(InputSpec(shape=(None, 4, 1), allow_last_axis_squeeze=True), (2, 4), "l")


def test_repr():
    assert repr(InputSpec(min_ndim=2, axes={-1: 8})) == "InputSpec(min_ndim=2, axes={-1: 8})"
