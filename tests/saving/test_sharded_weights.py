"""Sharded weights (`save_weights("m.weights.json", max_shard_size=...)`, numkeras/saving/
sharded_h5.py) against Keras 3: the files, index and shard contents Keras writes, loading
back, the names and errors (tests/goldens/missing_features.json); the Keras-written set
`tests/goldens/saving/keras_sharded*` loads here, and numkeras still writes the set
`numkeras_sharded*` that Keras loaded (its reading is in the JSON's "files"); all from
scripts/goldens/make_missing_features.py; with `objects_to_skip` too, as Keras takes it.
Then what numkeras adds: nothing half-written is ever presented as a complete set."""

import json
import os
import shutil
import warnings

import numpy as np
import pytest

import numkeras
from numkeras.saving import sharded_h5

from ..differential import ROOT, assert_json_close, goldens, scenario_script

pytest.importorskip("h5py")

GOLD = goldens("missing_features")
SCRIPT = scenario_script("make_missing_features")
SAVING = ROOT / "tests" / "goldens" / "saving"
NAMES = sorted(n for n in SCRIPT.SCENARIOS if n.startswith("sharded_")) + ["objects_to_skip"]


@pytest.mark.parametrize("name", NAMES)
def test_scenario_matches_keras(name):
    numkeras.backend.clear_session(free_memory=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = SCRIPT.SCENARIOS[name](numkeras)
    assert_json_close(json.loads(json.dumps(got)), GOLD[name], rtol=1e-4, atol=1e-5)


def _fresh():
    model = SCRIPT.small_model(numkeras, compiled=False, name="fresh")
    model.compile(optimizer=numkeras.optimizers.Adam(0.01), loss="mse")
    model.optimizer.build(model.trainable_variables)
    return model


def _state(model) -> dict:
    return {
        "predict": SCRIPT._predict(model),
        "optimizer": [np.asarray(v).round(6).tolist() for v in model.optimizer.variables],
    }


def test_the_keras_written_set_loads():
    model = _fresh()
    model.load_weights(SAVING / "keras_sharded.weights.json")
    assert_json_close(_state(model), GOLD["files"]["keras"], rtol=1e-4, atol=1e-5)


def _committed_layout(prefix: str, tmp_path) -> dict:
    folder = tmp_path / prefix
    folder.mkdir()
    for path in SAVING.glob(f"{prefix}_sharded*"):
        shutil.copy(path, folder / path.name)
    return SCRIPT.layout(str(folder))


def test_numkeras_still_writes_the_set_keras_read(tmp_path):
    """The same index and shard trees as the committed set (which Keras loaded into the
    state its own model had, the JSON says), and the same state."""
    numkeras.backend.clear_session(free_memory=False)  # (layer names: `dense`, `dense_1`)
    model = SCRIPT.small_model(numkeras)
    (tmp_path / "new").mkdir()
    model.save_weights(tmp_path / "new" / "numkeras_sharded.weights.json", True, SCRIPT.SHARD_BYTES)
    assert SCRIPT.layout(str(tmp_path / "new")) == _committed_layout("numkeras", tmp_path)
    assert_json_close(_state(model), GOLD["files"]["numkeras"], rtol=1e-4, atol=1e-5)
    want = GOLD["files"]["keras"]
    assert_json_close(GOLD["files"]["keras_reads_numkeras"], want, rtol=1e-4, atol=1e-5)


def test_the_committed_sets_differ_only_in_their_names(tmp_path):
    ours = json.dumps(_committed_layout("numkeras", tmp_path))
    keras_set = _committed_layout("keras", tmp_path)
    assert json.loads(ours.replace("numkeras_sharded", "keras_sharded")) == keras_set
    # the index byte for byte (Keras's `json.dumps(index, indent=4)`)
    ours = (SAVING / "numkeras_sharded.weights.json").read_text()
    keras_index = (SAVING / "keras_sharded.weights.json").read_text()
    assert ours.replace("numkeras_sharded", "keras_sharded") == keras_index


# -- what numkeras adds: a set is published whole, or not at all -----------------------------
def _model():
    return SCRIPT.small_model(numkeras)


def test_an_error_while_writing_leaves_nothing(tmp_path):
    with pytest.raises(ValueError, match="exceeds the maximum shard size"):
        _model().save_weights(tmp_path / "m.weights.json", max_shard_size=16 / 1024**3)
    assert os.listdir(tmp_path) == []  # (Keras leaves m_00000.weights.h5 behind)


def test_an_error_while_writing_keeps_the_old_set(tmp_path):
    path = tmp_path / "m.weights.json"
    model = _model()
    model.save_weights(path, max_shard_size=1)
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(ValueError):
        model.save_weights(path, max_shard_size="not a size")
    assert sorted(os.listdir(tmp_path)) == before
    fresh = _fresh()
    fresh.load_weights(path)
    np.testing.assert_array_equal(fresh.predict(SCRIPT.X, verbose=0), model.predict(SCRIPT.X))


def test_a_crash_while_publishing_leaves_no_index(tmp_path, monkeypatch):
    """Shards are moved in before the index, and an old index goes first: a crash between
    leaves no index naming a mixed set."""
    path = tmp_path / "m.weights.json"
    model = _model()
    model.save_weights(path, max_shard_size=1)
    real = os.replace
    calls = []

    def crash_on_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt  # (a crash: not even an Exception)
        return real(src, dst)

    monkeypatch.setattr(sharded_h5.os, "replace", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        model.save_weights(path, max_shard_size=SCRIPT.SHARD_BYTES)
    monkeypatch.undo()
    assert not path.exists()
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".")]  # no hidden leftovers
    with pytest.raises(FileNotFoundError):
        _fresh().load_weights(path)


def test_overwriting_with_fewer_shards_removes_the_stale_ones(tmp_path):
    path = tmp_path / "m.weights.json"
    model = _model()
    model.save_weights(path, max_shard_size=SCRIPT.SHARD_BYTES)
    assert sorted(os.listdir(tmp_path))[1:] == [f"m_0000{i}.weights.h5" for i in range(3)]
    model.save_weights(path, max_shard_size=1)
    assert sorted(os.listdir(tmp_path)) == ["m.weights.json", "m_00000.weights.h5"]


def test_overwrite_false_refuses_an_existing_index(tmp_path):
    path = tmp_path / "m.weights.json"
    _model().save_weights(path, max_shard_size=1)
    with pytest.raises(FileExistsError):
        _model().save_weights(path, overwrite=False, max_shard_size=1)


def test_an_index_naming_paths_outside_its_folder_is_refused(tmp_path):
    path = tmp_path / "m.weights.json"
    _model().save_weights(path, max_shard_size=1)
    index = json.loads(path.read_text())
    index["weight_map"]["/layers/dense/vars"] = "../elsewhere.weights.h5"
    path.write_text(json.dumps(index))
    with pytest.raises(ValueError, match="plain file names"):
        _fresh().load_weights(path)


def test_a_missing_shard_is_named(tmp_path):
    path = tmp_path / "m.weights.json"
    _model().save_weights(path, max_shard_size=SCRIPT.SHARD_BYTES)
    os.remove(tmp_path / "m_00001.weights.h5")
    with pytest.raises(FileNotFoundError, match="m_00001.weights.h5"):
        _fresh().load_weights(path)


def test_a_json_that_is_no_index(tmp_path):
    path = tmp_path / "m.weights.json"
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match="not a sharded weights index"):
        _fresh().load_weights(path)


def test_saving_api_takes_max_shard_size_by_position(tmp_path):
    """`keras.saving.save_weights(model, filepath, overwrite, max_shard_size)`."""
    numkeras.saving.save_weights(_model(), tmp_path / "m.weights.json", True, 1)
    assert sorted(os.listdir(tmp_path)) == ["m.weights.json", "m_00000.weights.h5"]
