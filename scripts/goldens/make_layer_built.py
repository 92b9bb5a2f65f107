"""Goldens for tests/layers/test_layer_built.py: which layers Keras 3 marks `built` when
they are made (those without weights), and what a subclassed model's summary then shows
for them after `fit` ('?': Keras runs the call on arrays and records no shape for them).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values.

Run with Keras 3 and JAX installed (writes tests/goldens/layer_built.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_layer_built.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "layer_built.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


@scenario
def built_when_made(keras):
    layers = keras.layers
    made = {
        "Dropout": lambda: layers.Dropout(0.5),
        "Activation": lambda: layers.Activation("relu"),
        "Reshape": lambda: layers.Reshape((2,)),
        "AveragePooling2D": lambda: layers.AveragePooling2D(2),
        "MaxPooling1D": lambda: layers.MaxPooling1D(),
        "GlobalMaxPooling2D": lambda: layers.GlobalMaxPooling2D(),
        "Flatten": lambda: layers.Flatten(),
        "Permute": lambda: layers.Permute((1,)),
        "RepeatVector": lambda: layers.RepeatVector(2),
        "Lambda": lambda: layers.Lambda(lambda x: x),
        "Rescaling": lambda: layers.Rescaling(1.0),
        "SpatialDropout1D": lambda: layers.SpatialDropout1D(0.5),
        "GaussianNoise": lambda: layers.GaussianNoise(0.1),
        "AlphaDropout": lambda: layers.AlphaDropout(0.1),
        "Concatenate": lambda: layers.Concatenate(),
        "Add": lambda: layers.Add(),
        "UpSampling2D": lambda: layers.UpSampling2D(),
        "ZeroPadding1D": lambda: layers.ZeroPadding1D(),
        "Softmax": lambda: layers.Softmax(),
        "ReLU": lambda: layers.ReLU(),
        "LeakyReLU": lambda: layers.LeakyReLU(),
        "ELU": lambda: layers.ELU(),
        "Identity": lambda: layers.Identity(),
        "Masking": lambda: layers.Masking(),
        "UnitNormalization": lambda: layers.UnitNormalization(),
        "ActivityRegularization": lambda: layers.ActivityRegularization(),
        "Dense": lambda: layers.Dense(2),
        "BatchNormalization": lambda: layers.BatchNormalization(),
    }
    return sorted(name for name, make in made.items() if make().built)


@scenario
def subclassed_summary_after_fit(keras):
    layers = keras.layers

    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(4)
            self.drop = layers.Dropout(0.2)
            self.act = layers.ReLU()
            self.out = layers.Dense(1)

        def call(self, x, training=False):
            return self.out(self.act(self.drop(self.hidden(x), training=training)))

    model = Net()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)
    lines: list = []
    model.summary(print_fn=lambda line, **kwargs: lines.append(line))
    rows = [r for r in "\n".join(lines).splitlines() if "│" in r and "(" in r]
    return {r.split("│")[1].strip(): r.split("│")[2].strip() for r in rows}


def main():
    SCENARIOS.write(OUT)


if __name__ == "__main__":
    main()
