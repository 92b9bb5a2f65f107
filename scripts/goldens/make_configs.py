"""Model configs (`get_config`) from real Keras 3, to check numkeras maps onto them.

KERAS_BACKEND=jax python scripts/goldens/make_configs.py
"""

import json
import pathlib

import keras
from keras import layers

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "configs.json"


def main():
    seq = keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(3, activation="relu", name="d1"),
            layers.LeakyReLU(0.2, name="lr"),
            layers.Dropout(0.3, name="dr"),
            layers.Dense(2, name="d2"),
        ],
        name="seq",
    )
    inner = keras.Sequential([keras.Input((3,)), layers.Dense(3, name="inner_d")], name="inner")
    a = keras.Input((3,), name="a")
    b = keras.Input((5,), name="b")
    shared = layers.Dense(3, name="shared")
    h = inner(shared(a))
    o1 = layers.Dense(1, activation="sigmoid", name="o1")(h)
    o2 = shared(layers.Dense(3, name="pre_b")(b))
    func = keras.Model([a, b], [o1, o2], name="func")
    out = {
        "sequential": keras.saving.serialize_keras_object(seq),
        "functional": keras.saving.serialize_keras_object(func),
    }
    OUT.write_text(json.dumps(out, indent=1))
    print("wrote", OUT)


if __name__ == "__main__":
    main()
