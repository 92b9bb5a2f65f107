"""A user layer called with its own keywords in a functional model (`Scaled()(x,
reverse=True)`) runs, trains, saves and clones with them, as in Keras 3 (goldens:
scripts/goldens/make_call_keywords.py). They used to be dropped silently."""

import json
from pathlib import Path

import numpy as np
import pytest

import numkeras
from numkeras import layers, models, ops

GOLDENS = json.loads((Path(__file__).parents[1] / "goldens/call_keywords.json").read_text())
X, Y = np.array(GOLDENS["x"], "float32"), np.array(GOLDENS["y"], "float32")


class Scaled(layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

    def call(self, x, reverse=False, scale=1.0):
        y = ops.flip(x, axis=-1) if reverse else x
        return y * self.w * scale


CUSTOM = {"goldens>Scaled": Scaled, "Scaled": Scaled}


def build():
    inp = layers.Input((3,))
    h = Scaled(name="scaled")(inp, reverse=True, scale=2.0)
    model = models.Model(inp, layers.Dense(1, kernel_initializer="ones", name="dense")(h))
    model.compile(optimizer=numkeras.optimizers.SGD(0.01), loss="mse")
    return model


def test_keywords_reach_the_call_in_predict_and_training():
    model = build()
    np.testing.assert_allclose(model.predict(X, verbose=0), GOLDENS["predict_before"], rtol=1e-6)
    history = model.fit(X, Y, epochs=3, batch_size=3, verbose=0)
    np.testing.assert_allclose(history.history["loss"], GOLDENS["loss_history"], rtol=1e-5)
    np.testing.assert_allclose(
        model.get_layer("scaled").w.numpy(), GOLDENS["scaled_w_after"], rtol=1e-5
    )
    np.testing.assert_allclose(model.predict(X, verbose=0), GOLDENS["predict_after"], rtol=1e-5)


def test_keywords_are_written_in_the_config_and_replayed_from_keras_configs(tmp_path):
    model = build()
    node = model.get_config()["layers"][1]["inbound_nodes"][0]
    assert node["kwargs"] == {"reverse": True, "scale": 2.0}
    from_keras = models.model_from_json(json.dumps(GOLDENS["config"]), custom_objects=CUSTOM)
    from_keras.set_weights(model.get_weights())
    np.testing.assert_allclose(from_keras.predict(X, verbose=0), model.predict(X, verbose=0))
    model.save(tmp_path / "m.keras")
    again = models.load_model(tmp_path / "m.keras", custom_objects=CUSTOM)
    np.testing.assert_allclose(again.predict(X, verbose=0), model.predict(X, verbose=0))
    clone = models.clone_model(model)
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(X, verbose=0), model.predict(X, verbose=0))


def test_a_tensor_keyword_is_refused_with_the_way_to_pass_it():
    class Gate(layers.Layer):
        def call(self, x, context=None):
            return x * context

    a, b = layers.Input((3,)), layers.Input((3,))
    with pytest.raises(NotImplementedError, match=r"layer\(\[x, context\]\)"):
        Gate()(a, context=b)
    with pytest.raises(TypeError, match="unexpected keyword 'nope'"):
        Scaled()(a, nope=1)
