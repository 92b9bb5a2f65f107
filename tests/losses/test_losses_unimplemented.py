"""Keras 3 losses numkeras lacks are named as such, not answered with a typo guess."""

import pytest

from numkeras import losses
from numkeras.errors import ConfigError


@pytest.mark.parametrize(
    "name", ["dice", "Dice", "tversky", "circle", "CTC", "CategoricalGeneralizedCrossEntropy"]
)
def test_keras_only_loss_says_not_implemented(name):
    with pytest.raises(ConfigError, match="exists in Keras but is not implemented") as err:
        losses.get(name)
    assert "Did you mean" not in str(err.value) and "binary_crossentropy" in str(err.value)
