"""`MultiOptimizer` / `OptimizerMap` against Keras 3 (tests/goldens/multi_optimizer.json and
the Keras-made tests/goldens/saving/keras_multi_optimizer.keras, both written by
scripts/goldens/make_multi_optimizer.py)."""

import json
import zipfile

import h5py
import numpy as np
import pytest

import numkeras
from numkeras import optimizers

from ..differential import ROOT, assert_json_close, goldens, scenario_script

GOLD = goldens("multi_optimizer")
SCRIPT = scenario_script("make_multi_optimizer")
KERAS_FILE = ROOT / "tests" / "goldens" / "saving" / "keras_multi_optimizer.keras"


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_scenario_matches_keras(name):
    numkeras.backend.clear_session(free_memory=False)
    assert_json_close(json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras))), GOLD[name])


def test_the_keras_file_loads_and_trains_on_as_in_keras():
    model = numkeras.models.load_model(KERAS_FILE)
    opt = model.optimizer
    assert type(opt) is optimizers.MultiOptimizer
    assert [o.name for o in opt.optimizers] == GOLD["map_by_pattern"]["optimizers"]
    assert int(opt.iterations) == 4 and [int(o.iterations) for o in opt.optimizers] == [4, 4]
    np.testing.assert_allclose(
        float(model.train_on_batch(*SCRIPT.data())),
        GOLD["map_by_pattern"]["continued"],
        rtol=2e-5,
    )


def test_our_file_holds_each_sub_optimizer_as_keras_writes_it(tmp_path):
    """The wrapper's `vars`, and each sub-optimizer's own group (Keras loads those too, and
    warns when they are missing)."""
    # (the optimizers' names, as in the Keras run)
    numkeras.backend.clear_session(free_memory=False)
    model = SCRIPT.model_of(numkeras)
    omap = optimizers.OptimizerMap(optimizers.SGD(0.1), {"enc/.*": optimizers.Adam(0.01)})
    model.compile(optimizer=optimizers.MultiOptimizer(omap), loss="mse")
    model.fit(*SCRIPT.data(), epochs=2, batch_size=4, verbose=0, shuffle=False)
    model.save(tmp_path / "m.keras")

    def layout(path):
        with zipfile.ZipFile(path) as z:
            z.extract("model.weights.h5", tmp_path / path.stem)
        names = []
        with h5py.File(tmp_path / path.stem / "model.weights.h5") as f:
            f["optimizer"].visititems(lambda n, o: names.append((n, getattr(o, "shape", None))))
        return names

    assert layout(tmp_path / "m.keras") == layout(KERAS_FILE)
    loaded = numkeras.models.load_model(tmp_path / "m.keras")
    for a, b in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_a_loss_scale_optimizer_file_holds_its_inner_optimizer(tmp_path):
    model = numkeras.Sequential([numkeras.Input((3,)), numkeras.layers.Dense(2)])
    model.compile(optimizer=optimizers.LossScaleOptimizer(optimizers.Adam()), loss="mse")
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    model.save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5") as f:
        inner = f["optimizer/inner_optimizer/vars"]
        assert len(inner) == 6  # Adam's iteration, learning rate and 4 slots
        np.testing.assert_array_equal(inner["2"][()], f["optimizer/vars/6"][()])


def test_an_optimizer_shared_by_two_models_routes_the_second_models_variables():
    """Keras fails on variables first seen after `build`; numkeras assigns them then."""
    opt = optimizers.MultiOptimizer(
        optimizers.OptimizerMap(optimizers.SGD(0.1), {".*enc.*": optimizers.Adam(0.01)})
    )
    first, second = SCRIPT.model_of(numkeras), SCRIPT.model_of(numkeras)
    for model in (first, second):
        model.compile(optimizer=opt, loss="mse")
        model.train_on_batch(*SCRIPT.data())
    adam, sgd = opt.optimizers
    assert len(adam.variables) == 2 + 2 * 4 and len(sgd.variables) == 2
    assert int(opt.iterations) == 2


def test_no_learning_rate_of_its_own():
    opt = optimizers.MultiOptimizer(optimizers.OptimizerMap(optimizers.SGD()))
    with pytest.raises(AttributeError, match="sub-optimizers"):
        opt.learning_rate = 0.1
    assert not hasattr(opt, "learning_rate")
