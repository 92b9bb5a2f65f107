"""Files written by real Keras 2 (tf_keras 2.21, the Keras 2 line) for numkeras to read.

Run with TensorFlow and tf_keras installed (no numkeras needed):
    python scripts/goldens/make_keras2_files.py [OUT_DIR]
Writes into tests/saving/keras2_files/ (or OUT_DIR), for each case below, gzipped (the
files are mostly HDF5 padding: 640 KB raw, under 100 KB gzipped):
- `<case>.h5.gz`: `model.save("<case>.h5")` (Keras 2's full-model HDF5, with training_config
  and optimizer_weights after two `train_on_batch` steps);
- `<case>_weights.h5.gz`: `model.save_weights("<case>_weights.h5")` (weights-only HDF5);
- `<case>.keras.gz`: `model.save("<case>.keras")` (tf_keras's own zip format);
- `keras2_files.json`: the inputs, each model's predictions, its optimizer's settings and
  iteration count, the iteration count tf_keras itself restores from each file, and (models
  without Dropout) the training batch and the predictions after one more step.

Cases are the small models of classic Keras 2 tutorials (widths shrunk to keep files a few KB):
`gan` (a GAN generator, `Adam(lr=0.0002, beta_1=0.5)`), `two_io` (a functional model, two
inputs and two outputs, per-output losses, metrics and loss weights), `acts` (a Sequential
with `input_shape=` and Reshape / Flatten / Activation / ReLU / ELU / PReLU / Softmax) and
`reg` (Dense with l2 / l1 regularizers, SGD with momentum).
"""

import gzip
import json
import os
import pathlib
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras as keras  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "saving" / "keras2_files"
L = keras.layers


def gan(optimizer=None):
    model = keras.models.Sequential()
    model.add(L.Dense(16, input_dim=10))
    model.add(L.LeakyReLU(0.2))
    model.add(L.Dense(16))
    model.add(L.LeakyReLU(0.2))
    model.add(L.Dense(12, activation="tanh"))
    # tf_keras 2.11+'s Adam ignores `lr=` (no error): the tutorials' `lr=0.0002` is lost there
    adam = optimizer or keras.optimizers.Adam(learning_rate=0.0002, beta_1=0.5)
    model.compile(loss="binary_crossentropy", optimizer=adam)
    rng = np.random.default_rng(1)
    data = rng.normal(size=(8, 10)).astype("float32"), rng.uniform(size=(8, 12)).astype("float32")
    return model, data, rng.normal(size=(3, 10)).astype("float32")


def two_io():
    a = L.Input(shape=(6,), name="a")
    b = L.Input(shape=(4,), name="b")
    h = L.Concatenate()([L.Dense(5, activation="relu")(a), L.Dense(3, activation="relu")(b)])
    h = L.BatchNormalization()(h)
    h = L.Dropout(0.3)(h)
    out_bin = L.Dense(1, activation="sigmoid", name="out_bin")(h)
    out_cls = L.Dense(3, activation="softmax", name="out_cls")(h)
    model = keras.models.Model(inputs=[a, b], outputs=[out_bin, out_cls])
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=0.01),
        loss={"out_bin": "binary_crossentropy", "out_cls": "categorical_crossentropy"},
        loss_weights={"out_bin": 1.0, "out_cls": 0.5},
        metrics={"out_bin": ["accuracy"], "out_cls": ["accuracy"]},
    )
    rng = np.random.default_rng(2)
    x = [rng.normal(size=(8, 6)).astype("float32"), rng.normal(size=(8, 4)).astype("float32")]
    y = [
        rng.integers(0, 2, size=(8, 1)).astype("float32"),
        np.eye(3, dtype="float32")[rng.integers(0, 3, size=8)],
    ]
    xt = [rng.normal(size=(3, 6)).astype("float32"), rng.normal(size=(3, 4)).astype("float32")]
    return model, (x, y), xt


def acts():
    model = keras.models.Sequential(
        [
            L.Reshape((4, 4), input_shape=(16,)),
            L.Flatten(),
            L.Dense(8),
            L.Activation("relu"),
            L.Dense(8),
            L.ReLU(),
            L.Dense(8),
            L.ELU(alpha=0.5),
            L.Dense(6),
            L.PReLU(),
            L.Dense(3),
            L.Softmax(),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9, nesterov=True),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1),
        metrics=["accuracy"],
    )
    rng = np.random.default_rng(3)
    x = rng.normal(size=(8, 16)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, size=8)]
    return model, (x, y), rng.normal(size=(3, 16)).astype("float32")


def reg():
    model = keras.models.Sequential(
        [
            L.Dense(
                6,
                activation="relu",
                input_shape=(5,),
                kernel_regularizer=keras.regularizers.l2(0.01),
                bias_regularizer=keras.regularizers.l1(0.001),
            ),
            L.Dense(2, kernel_regularizer="l2"),
        ]
    )
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    rng = np.random.default_rng(4)
    x = rng.normal(size=(8, 5)).astype("float32")
    y = rng.normal(size=(8, 2)).astype("float32")
    return model, (x, y), rng.normal(size=(3, 5)).astype("float32")


def gan_legacy():
    # the optimizers of Keras 2.3-2.10 (`optimizer_weights` named `Adam/dense/kernel/m:0`,
    # all first moments before all second ones); tf_keras keeps them as `optimizers.legacy`
    return gan(keras.optimizers.legacy.Adam(lr=0.0002, beta_1=0.5))


def combined():
    # the classic GAN: a discriminator compiled alone, then frozen inside the combined model
    generator = keras.models.Sequential(
        [L.Dense(8, input_dim=4), L.LeakyReLU(0.2), L.Dense(6, activation="tanh")]
    )
    discriminator = keras.models.Sequential(
        [L.Dense(8, input_dim=6), L.LeakyReLU(0.2), L.Dense(1, activation="sigmoid")]
    )
    discriminator.compile(loss="binary_crossentropy", optimizer="adam")
    discriminator.trainable = False
    gan_input = L.Input(shape=(4,))
    model = keras.models.Model(inputs=gan_input, outputs=discriminator(generator(gan_input)))
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=0.0002))
    rng = np.random.default_rng(5)
    x = rng.normal(size=(8, 4)).astype("float32")
    return model, (x, np.ones((8, 1), "float32")), rng.normal(size=(3, 4)).astype("float32")


CASES = {
    "gan": gan,
    "gan_legacy": gan_legacy,
    "two_io": two_io,
    "acts": acts,
    "reg": reg,
    "combined": combined,
}


def _as_list(x):
    return list(x) if isinstance(x, list) else [x]


def _listify(x):
    return [a.tolist() for a in x] if isinstance(x, list) else x.tolist()


def main(final: pathlib.Path) -> None:
    final.mkdir(parents=True, exist_ok=True)
    out = pathlib.Path(tempfile.mkdtemp())
    record = {"keras_version": keras.__version__, "cases": {}}
    for name, build in CASES.items():
        keras.utils.set_random_seed(0)
        model, (x, y), xt = build()
        for _ in range(2):
            model.train_on_batch(x, y)
        pred = model.predict(xt, verbose=0)
        model.save(out / f"{name}.h5")
        model.save_weights(out / f"{name}_weights.h5")
        model.save(out / f"{name}.keras")
        opt = model.optimizer
        hyper = ("learning_rate", "beta_1", "beta_2", "momentum", "nesterov", "rho", "epsilon")
        case = {
            "x": _listify(xt),
            "y": _listify(pred),
            "layers": [la.name for la in model.layers],
            "optimizer": {
                "class_name": type(opt).__name__,
                "iterations": int(opt.iterations.numpy()),
                "config": {
                    k: (float(v) if isinstance(v, (float, np.floating)) else v)
                    for k, v in opt.get_config().items()
                    if k in hyper
                },
            },
        }
        # what each file gives back in Keras 2 itself
        case["iterations_restored"] = {}
        for suffix in (".h5", ".keras"):
            again = keras.models.load_model(out / f"{name}{suffix}")
            case["iterations_restored"][suffix] = int(again.optimizer.iterations.numpy())
            for got, want in zip(_as_list(again.predict(xt, verbose=0)), _as_list(pred)):
                np.testing.assert_allclose(got, want, rtol=1e-6)
        if not any(isinstance(la, L.Dropout) for la in model.layers):
            # one more step from the saved state: resuming from the file must give this
            model.train_on_batch(x, y)
            case.update(train_x=_listify(x), train_y=_listify(y))
            case["y_resumed"] = _listify(model.predict(xt, verbose=0))
        record["cases"][name] = case
        for suffix in (".h5", "_weights.h5", ".keras"):
            data = (out / f"{name}{suffix}").read_bytes()
            (final / f"{name}{suffix}.gz").write_bytes(gzip.compress(data, 9, mtime=0))
    (final / "keras2_files.json").write_text(json.dumps(record) + "\n")
    tf.keras.backend.clear_session()


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
