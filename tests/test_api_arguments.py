"""Arguments as Keras 3's signatures take them: positional recurrent-layer arguments,
`deserialize(..., custom_objects=)`, `clear_session(free_memory=)`, `Input(ragged=)`,
symbolic tensors' `reshape` / `squeeze`, `Sequential.pop(rebuild=)`,
`optimizer.apply(trainable_variables=)`, `save(zipped=False)` (goldens from
scripts/goldens/make_api_arguments.py)."""

import json

import numpy as np
import pytest

import numkeras

from .differential import ROOT, assert_json_close, goldens, scenario_script

GOLD = goldens("api_arguments")
SCRIPT = scenario_script("make_api_arguments")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_api_arguments_match_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))
    assert_json_close(got, GOLD[name], where=name)


def test_too_many_positional_arguments_is_a_type_error():
    with pytest.raises(TypeError, match="at most 20"):
        numkeras.layers.SimpleRNN(2, *([None] * 21))


def test_a_class_nothing_supplies_is_not_found():
    """Without custom_objects (or a scope, or the registry) a config's class name finds
    nothing: numkeras never takes a class from elsewhere."""
    with pytest.raises(ValueError, match="Unknown initializer"):
        numkeras.initializers.deserialize({"class_name": "Halves", "config": {}})


def test_keras_saved_folder_loads():
    """A folder Keras 3 saved with `zipped=False` (its empty assets/ folder aside, which
    git does not keep)."""
    folder = ROOT / "tests" / "goldens" / "saving" / "keras_unzipped_model"
    model = numkeras.models.load_model(str(folder))
    got = model.predict(np.ones((1, 3)), verbose=0).tolist()
    assert_json_close(got, GOLD["save_unzipped"]["predict"])
    assert int(model.optimizer.iterations.numpy()) == 1


def test_unzipped_save_replaces_an_earlier_folder(tmp_path):
    x = numkeras.Input((3,))
    model = numkeras.Model(x, numkeras.layers.Dense(2)(x))
    path = tmp_path / "saved"
    model.save(str(path), zipped=False)
    (path / "stale.txt").write_text("from before")
    model.layers[-1].kernel.assign(np.ones((3, 2), "float32"))
    model.save(str(path), zipped=False)
    assert sorted(p.name for p in path.iterdir()) == [
        "assets",
        "config.json",
        "metadata.json",
        "model.weights.h5",
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["saved"]  # (no temporary left)
    loaded = numkeras.models.load_model(str(path))
    np.testing.assert_array_equal(loaded.layers[-1].kernel.numpy(), np.ones((3, 2)))
    with pytest.raises(FileExistsError):
        model.save(str(path), zipped=False, overwrite=False)
