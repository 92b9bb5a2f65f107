"""Muon and ScheduleFreeAdamW against real Keras 3 (goldens from
scripts/goldens/make_misc.py): weights after each of 4 steps, the optimizer variables
(names, order, values), configs; saving and training."""

import json
import pathlib

import numpy as np
import pytest

from numkeras import optimizers
from numkeras.errors import ConfigError
from numkeras.layers import Dense, Embedding, Flatten, Input
from numkeras.models import Sequential, load_model
from numkeras.variables import Variable

GOLD = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "misc.json").read_text())
CASES = GOLD["optimizers"]
MAKERS = {
    "muon_default": lambda: optimizers.Muon(),
    "muon_custom": lambda: optimizers.Muon(
        learning_rate=0.02,
        adam_lr_ratio=0.5,
        weight_decay=0.1,
        adam_weight_decay=0.05,
        nesterov=False,
        exclude_layers=["skip"],
        exclude_embeddings=False,
        ns_steps=3,
        rms_rate=None,
        momentum=0.9,
    ),
    "sfadamw_default": lambda: optimizers.ScheduleFreeAdamW(),
    "sfadamw_custom": lambda: optimizers.ScheduleFreeAdamW(
        learning_rate=0.05, beta_1=0.8, beta_2=0.99, warmup_steps=3, weight_decay=0.1
    ),
}


@pytest.mark.parametrize("key", sorted(CASES))
def test_steps_match_keras(key):
    case = CASES[key]
    variables = [
        Variable(np.array(a, "float32"), name=n, path=n)
        for a, n in zip(case["init"], case["names"])
    ]
    opt = MAKERS[key]()
    for grads, after in zip(case["grads"], case["after"]):
        opt.apply([np.array(g, "float32") for g in grads], variables)
        for v, want in zip(variables, after):
            assert v.value.dtype == np.float32
            np.testing.assert_allclose(v.value, want, rtol=1e-5, atol=1e-6)
    names = [v.path.split("/", 1)[1] for v in opt.variables]
    assert names == [p.split("/", 1)[1] for p in case["opt_variables"]]
    for v, want in zip(opt.variables, case["opt_values"]):
        np.testing.assert_allclose(v.numpy(), want, rtol=1e-5, atol=1e-6)
    config = opt.get_config()
    want = dict(case["config"], name=config["name"])
    assert config.keys() == want.keys()
    for k, w in want.items():
        assert config[k] == (pytest.approx(w) if isinstance(w, float) else w), k
    clone = type(opt).from_config(config)
    assert clone.get_config() == config


def test_lookup_by_name():
    assert isinstance(optimizers.get("muon"), optimizers.Muon)
    assert isinstance(optimizers.get("ScheduleFreeAdamW"), optimizers.ScheduleFreeAdamW)
    opt = optimizers.deserialize(optimizers.serialize(optimizers.Muon(ns_steps=3)))
    assert isinstance(opt, optimizers.Muon) and opt.ns_steps == 3
    with pytest.raises(ConfigError, match="Did you mean 'Muon'"):
        optimizers.get("muonn")


def test_schedule_free_momentum_starts_at_the_weights():
    w = Variable(np.array([1.0, 2.0], "float32"), name="w")
    opt = optimizers.ScheduleFreeAdamW()
    opt.build([w])
    np.testing.assert_array_equal(opt.get_slot(w, "momentum"), [1.0, 2.0])


def test_muon_orthogonalizes():
    opt = optimizers.Muon()
    x = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    o = opt.zeropower_via_newtonschulz5(x, 5)
    assert o.shape == x.shape and o.dtype == np.float32
    # singular values pushed towards 1 (the quintic's band is about [0.7, 1.2])
    s = np.linalg.svd(o, compute_uv=False)
    assert 0.6 < s.min() and s.max() < 1.3


@pytest.mark.parametrize("make", [lambda: optimizers.Muon(0.02), optimizers.ScheduleFreeAdamW])
def test_train_save_and_resume(make, tmp_path):
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 10, (64, 3))
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x.sum(1, keepdims=True) + ids[:, :1] / 10).astype("float32")
    model = Sequential([Input((3,)), Dense(8, activation="relu"), Dense(8), Dense(1)])
    model.compile(optimizer=make(), loss="mse")
    hist = model.fit(x, y, epochs=8, batch_size=16, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = load_model(path)
    assert type(loaded.optimizer) is type(model.optimizer)
    for a, b in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    model.fit(x, y, epochs=1, batch_size=16, verbose=0, shuffle=False)
    loaded.fit(x, y, epochs=1, batch_size=16, verbose=0, shuffle=False)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_muon_sends_embeddings_to_adamw():
    model = Sequential([Input((3,), dtype="int32"), Embedding(10, 4), Flatten(), Dense(1)])
    opt = optimizers.Muon()
    model.compile(optimizer=opt, loss="mse")
    model.fit(np.zeros((4, 3), "int32"), np.ones((4, 1), "float32"), verbose=0)
    names = [v.name for v in opt.variables]
    assert any("embeddings_velocity" in n for n in names)
    assert not any(n.endswith("kernel_velocity") for n in names)  # the 2-D Dense kernel
    assert any(n.endswith("bias_velocity") for n in names)
