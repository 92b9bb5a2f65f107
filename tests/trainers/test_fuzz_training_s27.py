"""What session 27's pass of the training fuzzers (scripts/fuzz/fuzz_training.py seeds
563-572, with `draw_eighth` from 568 on; scripts/fuzz/fuzz_model_training.py seeds 563-570)
found numkeras doing differently from Keras 3, as minimal scenarios (goldens from
scripts/goldens/make_fuzz_training_s27.py)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_training_s27")
SCRIPT = scenario_script("make_fuzz_training_s27")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_training_s27_matches_keras(name):
    numkeras.utils.clear_session()
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=1e-5, where=name)


def test_class_weight_beside_a_listed_target_says_what_to_pass():
    model = SCRIPT._model(numkeras)
    with pytest.raises(ValueError, match=r"received y as a list of 1 target\(s\).*array itself"):
        model.fit(SCRIPT.X, [SCRIPT.Y], class_weight=SCRIPT.CLASS_WEIGHT, verbose=0)
    assert int(model.optimizer.iterations) == 0  # (refused before any step)


def test_class_weight_takes_a_python_list_of_labels():
    # (a list of numbers is one target, not one per output; Keras 3 refuses any Python list)
    model = SCRIPT._model(numkeras)
    history = model.fit(SCRIPT.X, SCRIPT.Y.tolist(), class_weight=SCRIPT.CLASS_WEIGHT, verbose=0)
    assert len(history.history["loss"]) == 1


def test_train_on_batch_weighs_a_listed_target_by_its_classes():
    # Keras 3's train_on_batch takes [y] beside class_weight as a (1, n) array: it weighs
    # every row by one class's weight (that of the largest label's index), silently;
    # numkeras weighs each row by its own class, as for the bare array
    listed, bare = SCRIPT._model(numkeras), SCRIPT._model(numkeras)
    want = bare.train_on_batch(SCRIPT.X, SCRIPT.Y, class_weight=SCRIPT.CLASS_WEIGHT)
    got = listed.train_on_batch(SCRIPT.X, [SCRIPT.Y], class_weight=SCRIPT.CLASS_WEIGHT)
    assert got == pytest.approx(want, rel=1e-6)
    unweighted = SCRIPT._model(numkeras).train_on_batch(SCRIPT.X, SCRIPT.Y)
    assert want != pytest.approx(unweighted, rel=1e-3)  # (the weights count)
