"""tf_keras (Keras 2) model JSON that numkeras could not read, found by
scripts/fuzz/fuzz_saving.py: a SeparableConv1D / SeparableConv2D (Keras 2 writes Conv's
`groups` and unused `kernel_*`) and a MultiHeadAttention (its build shapes,
`softmax_robust_masking`, and its value given as a keyword tensor). Writes
`tests/saving/keras2_files/fuzz_configs.json`: each model's `to_json()`, its weights and
its predictions on `x`; tests/saving/test_diff_saving_fuzz.py loads them with numkeras.

    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \
        /work/main/scripts/goldens/make_keras2_fuzz_configs.py
"""

import json
import pathlib

import numpy as np
import tf_keras as keras

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "saving" / "keras2_files"


def models():
    L = keras.layers
    a = keras.Input((6, 3))
    sep1 = keras.Model(a, L.SeparableConv1D(2, 3, strides=2, padding="same")(a))
    b = keras.Input((4, 4, 2))
    sep2 = keras.Model(b, L.SeparableConv2D(2, 2, activation="relu")(b))
    c = keras.Input((3, 4))
    h = L.Dense(4)(c)
    mha = keras.Model(c, L.MultiHeadAttention(1, 2)(h, h))
    return {"separable1d": (sep1, (2, 6, 3)), "separable2d": (sep2, (2, 4, 4, 2)),
            "mha": (mha, (2, 3, 4))}  # fmt: skip


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    out = {}
    for name, (model, shape) in models().items():
        model.set_weights([rng.normal(size=w.shape).round(3) for w in model.get_weights()])
        x = rng.normal(size=shape).round(3).astype("float32")
        out[name] = {
            "json": model.to_json(),
            "weights": [w.tolist() for w in model.get_weights()],
            "x": x.tolist(),
            "predict": model.predict(x, verbose=0).round(6).tolist(),
        }
    (OUT / "fuzz_configs.json").write_text(json.dumps(out))
    print("wrote", OUT / "fuzz_configs.json")
