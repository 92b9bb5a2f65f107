"""What the fifth pass of the training fuzzers (scripts/fuzz/fuzz_training.py seeds from
521 on, scripts/fuzz/fuzz_model_training.py's `callbacks4`) and the probes of fit's
validation arguments found numkeras doing differently from Keras 3, as minimal scenarios
(goldens from scripts/goldens/make_fuzz_training_5.py)."""

import json

import numpy as np
import pytest

import numkeras

from ..differential import assert_json_close, builtin_error, goldens, scenario_script

GOLD = goldens("fuzz_training_5")
SCRIPT = scenario_script("make_fuzz_training_5")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_training_5_matches_keras(name):
    numkeras.utils.clear_session()
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=1e-5, where=name)


def _refused_before_training(build, call) -> str:
    """The error class of a refused fit, checking that it left the model as it was (Keras
    trains an epoch first)."""
    model = build(numkeras)
    before = [w.copy() for w in model.get_weights()]
    error = builtin_error(lambda: call(numkeras, model))
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert int(model.optimizer.iterations) == 0
    return error


@pytest.mark.parametrize("name", sorted(SCRIPT.REFUSED))
def test_a_fit_refused_for_its_validation_arguments_trains_nothing(name):
    error = _refused_before_training(*SCRIPT.REFUSED[name])
    assert error == GOLD["fit_refused_for_its_validation_arguments"][name]


@pytest.mark.parametrize(
    "kwargs",
    [{"validation_steps": -1}, {"validation_steps": 0}, {"validation_batch_size": -2}],
    ids=["steps_negative", "steps_zero", "batch_size_negative"],
)
def test_validation_counts_are_refused_before_training(kwargs):
    # Keras skips validation silently for -1 / -2 (and reads 0 steps as a whole pass);
    # numkeras refuses them (README), now before the first step
    fit = SCRIPT._fit(validation_data=(SCRIPT.XV, SCRIPT.YV), **kwargs)
    assert _refused_before_training(SCRIPT.one_output, fit) == "ValueError"


def test_validation_weights_that_fit_still_train():
    # (n, 1) weights and a validation_freq that never validates: no false alarm
    model = SCRIPT.one_output(numkeras)
    weights = np.linspace(0.5, 1.5, 5).astype("float32").reshape(5, 1)
    history = model.fit(
        SCRIPT.X, SCRIPT.Y, epochs=2, verbose=0, validation_data=(SCRIPT.XV, SCRIPT.YV, weights)
    )
    assert len(history.history["val_loss"]) == 2
    model.fit(SCRIPT.X, SCRIPT.Y, epochs=1, verbose=0, validation_data=(SCRIPT.XV, SCRIPT.YV),
              validation_freq=-1)  # fmt: skip


class _Stepper(numkeras.Model):
    """A model with no `call`, trained by its own `train_step` (keras.io's GAN pattern)."""

    def __init__(self):
        super().__init__()
        self.dense = numkeras.layers.Dense(1)
        self.dense.build((None, 3))

    def train_step(self, data):
        x, y = data
        self.dense.kernel.assign(self.dense.kernel + 1.0)
        return {"loss": 0.0}

    def test_step(self, data):
        return {"loss": 1.0}


@pytest.mark.parametrize(
    "kwargs, error",
    [
        # (x_val alone is inputs only, as Keras unpacks it; four items are no structure)
        ({"validation_data": (SCRIPT.XV, SCRIPT.YV, None, None)}, ValueError),
        ({"validation_data": (SCRIPT.XV, SCRIPT.YV), "validation_freq": "2"}, ValueError),
        ({"validation_data": (SCRIPT.XV, SCRIPT.YV), "validation_freq": 0}, ZeroDivisionError),
    ],
    ids=["structure", "freq_text", "freq_zero"],
)
def test_a_step_driven_fit_checks_its_validation_arguments_first(kwargs, error):
    model = _Stepper()
    model.compile(optimizer="sgd")
    before = model.dense.get_weights()
    with pytest.raises(error):
        model.fit(SCRIPT.X, SCRIPT.Y, epochs=1, verbose=0, **kwargs)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.dense.get_weights()))
    model.fit(SCRIPT.X, SCRIPT.Y, epochs=1, verbose=0, validation_data=(SCRIPT.XV, SCRIPT.YV))
    assert model.history.history["val_loss"] == [1.0]
