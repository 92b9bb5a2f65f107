"""What the seventh pass of the training fuzzers (scripts/fuzz/fuzz_training.py seeds
549-562, with `draw_seventh` from 552 on) found numkeras doing differently from Keras 3, as
minimal scenarios (goldens from scripts/goldens/make_fuzz_training_7.py)."""

import json

import numpy as np
import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_training_7")
SCRIPT = scenario_script("make_fuzz_training_7")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_training_7_matches_keras(name):
    numkeras.utils.clear_session()
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=1e-5, where=name)


def test_a_weight_for_an_output_without_a_loss_says_which():
    # Keras pairs such a dict's weights with the losses by sorted key when the counts
    # match (here "a"'s 0.5 would weigh "b"); numkeras names the outputs instead
    model = SCRIPT._model(numkeras, "dict")
    model.compile("sgd", loss={"b": "mse"}, loss_weights={"a": 0.5})
    with pytest.raises(ValueError, match=r"names \['a'\], but the losses are for \['b'\]"):
        model.evaluate(SCRIPT.X, SCRIPT.Y, verbose=0)


def test_a_number_weighs_every_loss():
    # Keras 3 crashes formatting its count error here (TypeError: len() of a float);
    # numkeras weighs each output's loss by the number
    model = SCRIPT._model(numkeras, "dict")
    model.compile("sgd", loss={"a": "mse", "b": "mse"}, loss_weights=0.25)
    logs = model.evaluate(SCRIPT.X, SCRIPT.Y, verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(0.25 * (logs["a_loss"] + logs["b_loss"]), rel=1e-6)


def test_y_as_a_list_beside_column_weights_weighs_each_sample():
    # Keras 3 broadcasts the (n,) losses by (n, 1) weights to (n, n) there (its loss is
    # mean(losses) * mean(weights)); numkeras weighs each sample by its own weight
    x = numkeras.Input((4,))
    model = numkeras.Model(x, numkeras.layers.Dense(2, name="b")(x))
    model.compile("sgd", loss="mse")
    weights = np.linspace(0.5, 2.0, 6, dtype="float32")
    y = SCRIPT.Y["b"]
    column = model.evaluate(SCRIPT.X, [y], sample_weight=weights[:, None], verbose=0)
    flat = model.evaluate(SCRIPT.X, y, sample_weight=weights, verbose=0)
    losses = np.mean((model.predict(SCRIPT.X, verbose=0) - y) ** 2, axis=-1)
    assert column == pytest.approx(flat, rel=1e-6)
    assert column == pytest.approx(float(np.mean(losses * weights)), rel=1e-5)
