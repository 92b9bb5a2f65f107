"""`from_config` takes a config as Keras's `get_config()` returns it in memory: tuples (node
args, shapes, layer refs) where a JSON file has lists."""

import numpy as np

from numkeras import layers, models
from numkeras.models.config import as_json_types


def _as_tuples(config):
    """Every list as a tuple: what Keras 3.15's in-memory configs hold in node args, shapes
    and build configs (and more, so any place a list is read is covered)."""
    if isinstance(config, dict):
        return {k: _as_tuples(v) for k, v in config.items()}
    if isinstance(config, (list, tuple)):
        return tuple(_as_tuples(v) for v in config)
    return config


def _model():
    a, b = layers.Input((4,), name="a"), layers.Input((4,), name="b")
    inner = models.Sequential([layers.Dense(4, activation="tanh"), layers.Dense(4)], name="inner")
    inner.build((None, 4))
    x = layers.Dense(4, name="d")(a)
    added = layers.Add(name="add")([x, inner(b)])
    joined = layers.Concatenate(name="cat")([added, b])
    return models.Model([a, b], [layers.Dense(2, name="out")(joined), added], name="two")


def test_functional_from_config_accepts_tuples():
    model = _model()
    config = _as_tuples(model.get_config())
    for again in (
        models.Model.from_config(config),
        models.model_from_config({"class_name": "Functional", "config": config}),
    ):
        x = [np.ones((3, 4), "float32"), np.full((3, 4), 0.5, "float32")]
        again.set_weights(model.get_weights())
        for got, want in zip(again.predict(x, verbose=0), model.predict(x, verbose=0)):
            np.testing.assert_array_equal(got, want)
        # (the same config but for its top-level tuples: a model built on tuples of inputs
        # and outputs keeps them, as Keras's does)
        assert as_json_types(again.get_config()) == as_json_types(model.get_config())
        assert isinstance(again.outputs, list) and isinstance(again.output, tuple)
