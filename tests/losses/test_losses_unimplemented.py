"""Keras 3 losses numkeras lacks are named as such, not answered with a typo guess."""

import pytest

from numkeras import losses
from numkeras.errors import ConfigError


@pytest.mark.parametrize(
    "name",
    ["ctc", "CTC", "categorical_generalized_cross_entropy", "CategoricalGeneralizedCrossEntropy"],
)
def test_keras_only_loss_says_not_implemented(name):
    with pytest.raises(ConfigError, match="exists in Keras but is not implemented") as err:
        losses.get(name)
    assert "Did you mean" not in str(err.value) and "binary_crossentropy" in str(err.value)


def test_keras_only_classes_in_a_saved_config_say_so_too():
    from numkeras import metrics

    with pytest.raises(ConfigError, match="Loss class 'CTC' exists in Keras"):
        losses.deserialize({"class_name": "CTC", "config": {}})
    for identifier in ("PearsonCorrelation", "concordance_correlation"):
        with pytest.raises(ConfigError, match="exists in Keras but is not implemented"):
            metrics.get(identifier)
    with pytest.raises(ConfigError, match="Metric class 'PearsonCorrelation' exists in Keras"):
        metrics.deserialize({"class_name": "PearsonCorrelation", "config": {}})
    with pytest.raises(ConfigError, match="Did you mean 'mse'"):
        metrics.get("mse2")  # a typo is still a typo


@pytest.mark.parametrize("name", ["dice", "Dice", "tversky", "Tversky", "circle", "Circle"])
def test_losses_implemented_since_are_found(name):
    assert isinstance(losses.get(name), losses.Loss)
