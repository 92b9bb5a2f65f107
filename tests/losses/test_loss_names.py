"""Names numkeras knows are found; a typo gets a suggestion, not a silent default."""

import pytest

from numkeras import losses, metrics, optimizers
from numkeras.errors import ConfigError


@pytest.mark.parametrize(
    "name",
    ["ctc", "CTC", "categorical_generalized_cross_entropy", "CategoricalGeneralizedCrossEntropy"],
)
def test_losses_implemented_since_are_found_by_name(name):
    assert isinstance(losses.to_loss(name), losses.Loss)


def test_metrics_and_optimizers_implemented_since_are_found():
    assert isinstance(metrics.get("PearsonCorrelation"), metrics.PearsonCorrelation)
    assert metrics.get("concordance_correlation") is not None
    assert isinstance(optimizers.get("muon"), optimizers.Muon)
    with pytest.raises(ConfigError, match="Did you mean 'mse'"):
        metrics.get("mse2")  # a typo is still a typo


@pytest.mark.parametrize("name", ["dice", "Dice", "tversky", "Tversky", "circle", "Circle"])
def test_losses_implemented_since_are_found(name):
    assert isinstance(losses.to_loss(name), losses.Loss)


def test_a_name_far_from_every_loss_gets_no_far_fetched_suggestion():
    with pytest.raises(ConfigError) as info:
        losses.to_loss("bogus")
    assert "Did you mean" not in str(info.value)  # (it suggested 'LogCosh')
    with pytest.raises(ConfigError, match="Did you mean 'mse'"):
        losses.to_loss("mse2")
