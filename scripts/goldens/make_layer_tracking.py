"""Goldens for tests/layers/test_layer_tracking.py: what a user layer owns, as Keras 3
tracks it: its weights' order (trainable ones first, then the others, then the
sublayers'), `keras.Variable` attributes as weights (trained and saved), the sublayers'
`add_loss` values in `losses`, a Dense subclass's extra variable left out of Dense's
saved variables, the build config of a layer built by its first call, and the automatic
config of a layer without an `__init__`.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values.

Run with Keras 3 and JAX installed (writes tests/goldens/layer_tracking.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_layer_tracking.py
"""

from __future__ import annotations

import os
import pathlib
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "layer_tracking.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def _names(variables):
    return [v.name for v in variables]


def _saved_layer_keys(model) -> list[str]:
    """The `layers/...` groups and datasets of the model's `.weights.h5` file."""
    import h5py

    path = os.path.join(tempfile.mkdtemp(), "m.weights.h5")
    model.save_weights(path)
    with h5py.File(path) as f:
        keys: list[str] = []
        f.visit(keys.append)
    return sorted(k for k in keys if k.startswith("layers"))


@scenario
def weight_order(keras):
    """A non-trainable weight made before a trainable one, and a sublayer."""

    class Counted(keras.layers.Layer):
        def build(self, input_shape):
            self.count = self.add_weight(shape=(1,), initializer="zeros", trainable=False)
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones")
            self.dense = keras.layers.Dense(2)

        def call(self, x):
            return self.dense(x * self.scale)

    layer = Counted()
    layer(np.ones((1, 3), "float32"))
    model = keras.Sequential([keras.Input((3,)), layer])
    return {
        "weights": _names(layer.weights),
        "trainable": _names(layer.trainable_weights),
        "non_trainable": _names(layer.non_trainable_weights),
        "shapes": [list(w.shape) for w in model.get_weights()],
    }


@scenario
def variable_attributes(keras):
    """`keras.Variable`s held as attributes are weights: listed, trained, saved."""

    class Scaled(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.frozen = keras.Variable(np.full(3, 2.0, "float32"), trainable=False, name="f")
            self.scale = keras.Variable(np.ones(3, "float32"), name="scale")

        def call(self, x):
            return x * self.scale * self.frozen

    inp = keras.Input((3,))
    layer = Scaled(name="scaled")
    model = keras.Model(inp, layer(inp))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    x = np.linspace(-1, 1, 12).reshape(4, 3).astype("float32")
    history = model.fit(x, np.zeros((4, 3), "float32"), epochs=2, verbose=0, shuffle=False)
    return {
        "weights": _names(layer.weights),
        "trainable": _names(layer.trainable_weights),
        "loss": [round(v, 6) for v in history.history["loss"]],
        "values": [np.round(np.asarray(w, "float64"), 6).tolist() for w in model.get_weights()],
        "h5": _saved_layer_keys(model),
    }


@scenario
def dense_subclass_extra_variable(keras):
    """Dense saves its kernel and bias by name: a subclass's extra variable is not in the
    file unless the subclass saves it."""

    class Shifted(keras.layers.Dense):
        def __init__(self, units, **kwargs):
            super().__init__(units, **kwargs)
            self.shift = keras.Variable(np.full(units, 0.5, "float32"), name="shift")

        def call(self, x):
            return super().call(x) + self.shift

    model = keras.Sequential([keras.Input((3,)), Shifted(2, name="shifted")])
    return {"weights": _names(model.layers[0].weights), "h5": _saved_layer_keys(model)}


@scenario
def sublayer_losses(keras):
    """`losses` lists the sublayers' `add_loss` values of the last call."""

    class Inner(keras.layers.Layer):
        def call(self, x):
            self.add_loss(keras.ops.sum(x))
            return x

    class Outer(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = Inner()

        def call(self, x):
            self.add_loss(keras.ops.mean(x))
            return self.inner(x)

    outer = Outer()
    first = [float(v) for v in (outer(np.ones((1, 2), "float32")), outer.losses)[1]]
    second = [float(v) for v in (outer(np.full((1, 2), 3.0, "float32")), outer.losses)[1]]
    return {"first": first, "second": second}


@scenario
def build_and_auto_config(keras):
    """A user layer without `build` or `__init__`: its build config after a call, and its
    automatic config."""

    class Doubled(keras.layers.Layer):
        def call(self, x):
            return x * 2

    layer = Doubled(name="doubled")
    before = layer.get_build_config()
    layer(np.ones((2, 3), "float32"))
    config = layer.get_config()
    config.pop("dtype")
    return {
        "before": before,
        "after": layer.get_build_config(),
        "config": config,
        "no_autocast": Doubled(autocast=False).get_config()["autocast"],
    }


@scenario
def subclassed_model_build_config(keras):
    """A subclassed model's build config: the shape it was first built on (fit's,
    predict's, train_on_batch's first batch; build's own)."""

    class Mapped(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = keras.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    def built(how):
        model = Mapped()
        model.compile(optimizer="sgd", loss="mse")
        x, y = np.ones((10, 3), "float32"), np.ones((10, 2), "float32")
        if how == "fit":
            model.fit(x, y, batch_size=4, verbose=0)
        elif how == "predict":
            model.predict(x[:5], batch_size=2, verbose=0)
        elif how == "train_on_batch":
            model.train_on_batch(x[:6], y[:6])
        else:
            model(x[:3])
        config = model.get_build_config()
        return {"input_shape": list(config["input_shape"])}

    return {how: built(how) for how in ("fit", "predict", "train_on_batch", "call")}


if __name__ == "__main__":
    SCENARIOS.write(OUT, sys.argv[1:] or None)
