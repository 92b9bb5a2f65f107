"""Golden values for the convolution, pooling and image-reshaping layers, produced by real
Keras 3 on the JAX backend.

Run with Keras and JAX installed (from a directory where `import keras` finds the real one):
    KERAS_BACKEND=jax python scripts/goldens/make_conv_pooling.py
Writes tests/goldens/conv_pooling.json:
- "eager": per layer and config, the input, the weights (seeded, 2 decimals), the output,
  a random cotangent `r` and the gradients of `sum(output * r)` (jax.grad through
  `layer.stateless_call`) w.r.t. the input and each trainable weight; the layer's config;
- "shapes": `compute_output_shape` on symbolic inputs (unknown axes included), or Keras's
  error for a window that does not fit;
- "training": small models (a convnet, a DCGAN-style generator, an upsampling generator, a
  1-D convnet) trained 2 SGD steps with `fit(shuffle=False)`; their weights before and after,
  and Keras's `model.to_json()` of each (before compile).
Numbers are stored to 7 significant digits (inputs and weights to 2 decimals).
"""

import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "conv_pooling.json"


def _in(a):
    """An input or weight: 2 decimals, exact in the JSON."""
    return np.asarray(a, "float64").round(2)


def _out(a):
    """An output or gradient, to 7 significant digits."""
    return [float(f"{v:.7g}") for v in np.asarray(a, "float64").ravel()]


def main():
    import jax
    import keras
    from keras import layers

    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    rng = np.random.default_rng(2024)

    def eager(name, cls, kwargs, shape, integers=False):
        layer = getattr(layers, cls)(**kwargs)
        if integers:  # small integers: ties for the max poolings
            x = rng.integers(-2, 2, shape).astype("float64")
        else:
            x = _in(rng.normal(0, 1, shape))
        layer.build(shape)
        weights = [_in(rng.normal(0, 0.5, w.shape)) for w in layer.weights]
        if weights:
            layer.set_weights([w.astype("float32") for w in weights])
        xf = x.astype("float32")
        out = np.asarray(layer(xf))
        r = _in(rng.normal(0, 1, out.shape))
        trainable = [v.value for v in layer.trainable_variables]
        frozen = [v.value for v in layer.non_trainable_variables]

        def f(x, tv):
            y, _ = layer.stateless_call(tv, frozen, x)
            return (y * r.astype("float32")).sum()

        dx, dws = jax.grad(f, argnums=(0, 1))(xf, trainable)
        return {
            "name": name,
            "class": cls,
            "kwargs": kwargs,
            "x": x.ravel().tolist(),
            "x_shape": list(shape),
            "weights": [w.ravel().tolist() for w in weights],
            "output_shape": list(out.shape),
            "output": _out(out),
            "r": r.ravel().tolist(),
            "grad_x": _out(dx),
            "grad_weights": [_out(g) for g in dws],
            "config": layer.get_config(),
        }

    C2, C1, T2 = "Conv2D", "Conv1D", "Conv2DTranspose"
    cases = [
        eager("conv2d_basic", C2, {"filters": 4, "kernel_size": 3}, (2, 6, 7, 3)),
        eager(
            "conv2d_same_strides_relu",
            C2,
            dict(filters=3, kernel_size=(3, 2), strides=2, padding="same", activation="relu"),
            (2, 7, 6, 2),
        ),
        eager(
            "conv2d_valid_strides", C2, dict(filters=3, kernel_size=3, strides=(2, 3)), (2, 8, 9, 2)
        ),
        eager(
            "conv2d_dilation_same",
            C2,
            dict(filters=2, kernel_size=3, dilation_rate=2, padding="same"),
            (1, 7, 8, 2),
        ),
        eager(
            "conv2d_dilation_valid",
            C2,
            dict(filters=2, kernel_size=(2, 3), dilation_rate=(2, 1)),
            (1, 6, 6, 1),
        ),
        eager(
            "conv2d_groups_tanh",
            C2,
            dict(filters=4, kernel_size=3, groups=2, padding="same", activation="tanh"),
            (2, 5, 5, 4),
        ),
        eager(
            "conv2d_channels_first_sigmoid",
            C2,
            dict(
                filters=3,
                kernel_size=3,
                strides=2,
                padding="same",
                data_format="channels_first",
                activation="sigmoid",
            ),
            (2, 2, 7, 6),
        ),
        eager(
            "conv2d_even_kernel_same_no_bias",
            C2,
            dict(filters=2, kernel_size=4, padding="same", use_bias=False),
            (1, 6, 5, 2),
        ),
        eager(
            "conv2d_groups_channels_first",
            C2,
            dict(filters=6, kernel_size=2, groups=3, data_format="channels_first"),
            (1, 3, 4, 5),
        ),
        eager("conv1d_valid", C1, dict(filters=3, kernel_size=3), (2, 9, 2)),
        eager(
            "conv1d_causal_dilation",
            C1,
            dict(filters=2, kernel_size=3, padding="causal", dilation_rate=2),
            (2, 8, 3),
        ),
        eager(
            "conv1d_same_strides_channels_first",
            C1,
            dict(filters=2, kernel_size=4, strides=3, padding="same", data_format="channels_first"),
            (2, 3, 10),
        ),
        eager(
            "conv1d_groups_relu",
            C1,
            dict(filters=4, kernel_size=2, groups=2, activation="relu"),
            (1, 6, 2),
        ),
        eager(
            "conv2d_transpose_dcgan",
            T2,
            dict(filters=3, kernel_size=4, strides=2, padding="same"),
            (2, 3, 3, 4),
        ),
        eager(
            "conv2d_transpose_valid_s2_k3",
            T2,
            dict(filters=2, kernel_size=3, strides=2),
            (1, 3, 4, 2),
        ),
        eager(
            "conv2d_transpose_valid_s3_k2",
            T2,
            dict(filters=2, kernel_size=2, strides=3),
            (1, 3, 3, 1),
        ),
        eager(
            "conv2d_transpose_same_odd_tanh",
            T2,
            dict(filters=2, kernel_size=3, strides=2, padding="same", activation="tanh"),
            (1, 3, 4, 2),
        ),
        eager(
            "conv2d_transpose_same_output_padding",
            T2,
            dict(filters=2, kernel_size=3, strides=2, padding="same", output_padding=1),
            (1, 3, 3, 2),
        ),
        eager(
            "conv2d_transpose_valid_output_padding",
            T2,
            dict(filters=2, kernel_size=(3, 2), strides=(2, 3), output_padding=(1, 2)),
            (1, 3, 2, 2),
        ),
        eager(
            "conv2d_transpose_channels_first",
            T2,
            dict(
                filters=2,
                kernel_size=3,
                strides=(1, 2),
                padding="same",
                data_format="channels_first",
            ),
            (1, 3, 4, 3),
        ),
        eager(
            "conv2d_transpose_dilation_valid",
            T2,
            dict(filters=2, kernel_size=3, dilation_rate=2),
            (1, 4, 4, 2),
        ),
        eager(
            "conv2d_transpose_dilation_same",
            T2,
            dict(filters=2, kernel_size=2, dilation_rate=2, padding="same"),
            (1, 4, 3, 2),
        ),
        eager("max_pooling2d_default", "MaxPooling2D", {}, (2, 5, 7, 3)),
        eager("max_pooling2d_overlap", "MaxPooling2D", dict(pool_size=3, strides=2), (1, 7, 7, 2)),
        eager(
            "max_pooling2d_same",
            "MaxPooling2D",
            dict(pool_size=(2, 3), strides=2, padding="same"),
            (1, 5, 7, 2),
        ),
        eager(
            "max_pooling2d_channels_first",
            "MaxPooling2D",
            dict(pool_size=2, strides=1, data_format="channels_first"),
            (1, 2, 4, 5),
        ),
        eager(
            "max_pooling2d_ties",
            "MaxPooling2D",
            dict(pool_size=2, strides=1),
            (1, 4, 4, 2),
            integers=True,
        ),
        eager(
            "max_pooling2d_ties_same",
            "MaxPooling2D",
            dict(pool_size=3, strides=2, padding="same"),
            (1, 6, 5, 2),
            integers=True,
        ),
        eager("average_pooling2d_valid", "AveragePooling2D", dict(pool_size=2), (2, 5, 5, 2)),
        eager(
            "average_pooling2d_same",
            "AveragePooling2D",
            dict(pool_size=3, strides=2, padding="same"),
            (1, 6, 7, 2),
        ),
        eager(
            "average_pooling2d_same_channels_first",
            "AveragePooling2D",
            dict(pool_size=2, strides=1, padding="same", data_format="channels_first"),
            (1, 2, 4, 3),
        ),
        eager(
            "max_pooling1d_same",
            "MaxPooling1D",
            dict(pool_size=3, strides=2, padding="same"),
            (2, 8, 3),
        ),
        eager("max_pooling1d_default", "MaxPooling1D", {}, (1, 7, 2)),
        eager(
            "max_pooling1d_ties",
            "MaxPooling1D",
            dict(pool_size=3, strides=1),
            (2, 7, 2),
            integers=True,
        ),
        eager(
            "average_pooling1d_same",
            "AveragePooling1D",
            dict(pool_size=3, strides=1, padding="same"),
            (2, 6, 2),
        ),
        eager(
            "average_pooling1d_channels_first",
            "AveragePooling1D",
            dict(pool_size=2, data_format="channels_first"),
            (1, 3, 7),
        ),
        eager("global_average_pooling2d", "GlobalAveragePooling2D", {}, (2, 3, 4, 5)),
        eager(
            "global_average_pooling2d_keepdims_channels_first",
            "GlobalAveragePooling2D",
            dict(keepdims=True, data_format="channels_first"),
            (2, 3, 4, 2),
        ),
        eager("global_max_pooling2d", "GlobalMaxPooling2D", {}, (2, 3, 3, 4)),
        eager(
            "global_max_pooling2d_ties_keepdims",
            "GlobalMaxPooling2D",
            dict(keepdims=True),
            (2, 3, 3, 2),
            integers=True,
        ),
        eager("global_average_pooling1d", "GlobalAveragePooling1D", {}, (2, 5, 3)),
        eager(
            "global_max_pooling1d_channels_first_keepdims",
            "GlobalMaxPooling1D",
            dict(data_format="channels_first", keepdims=True),
            (2, 3, 5),
        ),
        eager("global_max_pooling1d_ties", "GlobalMaxPooling1D", {}, (2, 6, 3), integers=True),
        eager("up_sampling2d_nearest", "UpSampling2D", {}, (1, 2, 3, 2)),
        eager(
            "up_sampling2d_nearest_channels_first",
            "UpSampling2D",
            dict(size=(3, 2), data_format="channels_first"),
            (1, 2, 2, 3),
        ),
        eager(
            "up_sampling2d_bilinear",
            "UpSampling2D",
            dict(size=(2, 3), interpolation="bilinear"),
            (1, 3, 4, 2),
        ),
        eager(
            "up_sampling2d_bilinear_channels_first",
            "UpSampling2D",
            dict(size=2, interpolation="bilinear", data_format="channels_first"),
            (1, 2, 3, 3),
        ),
        eager("zero_padding2d_default", "ZeroPadding2D", {}, (1, 2, 3, 2)),
        eager(
            "zero_padding2d_asymmetric_channels_first",
            "ZeroPadding2D",
            dict(padding=((1, 0), (2, 3)), data_format="channels_first"),
            (1, 2, 2, 3),
        ),
        eager("cropping2d", "Cropping2D", dict(cropping=((1, 0), (0, 2))), (1, 4, 5, 2)),
        eager(
            "cropping2d_int_channels_first",
            "Cropping2D",
            dict(cropping=1, data_format="channels_first"),
            (1, 2, 4, 4),
        ),
    ]

    def symbolic(cls, kwargs, batch_shape):
        entry = {"class": cls, "kwargs": kwargs, "batch_shape": batch_shape}
        try:
            out = getattr(layers, cls)(**kwargs)(keras.Input(batch_shape=tuple(batch_shape)))
            entry["output_shape"] = list(out.shape)
        except ValueError as e:
            entry["error"] = str(e)
        return entry

    shapes = [
        symbolic(C2, dict(filters=4, kernel_size=3), [None, None, None, 3]),
        symbolic(C2, dict(filters=4, kernel_size=3, strides=2, padding="same"), [None, 9, None, 3]),
        symbolic(C2, dict(filters=4, kernel_size=(3, 5), dilation_rate=2), [4, 9, 12, 1]),
        symbolic(C2, dict(filters=4, kernel_size=5), [None, 3, 3, 1]),
        symbolic(
            C2, dict(filters=2, kernel_size=3, data_format="channels_first"), [None, 3, 10, 8]
        ),
        symbolic(C1, dict(filters=2, kernel_size=4, padding="causal", strides=2), [None, 9, 3]),
        symbolic(T2, dict(filters=2, kernel_size=3, strides=2), [None, None, 5, 2]),
        symbolic(T2, dict(filters=2, kernel_size=4, strides=2, padding="same"), [None, 7, 7, 8]),
        symbolic(
            T2,
            dict(filters=2, kernel_size=3, strides=3, padding="same", output_padding=2),
            [None, 4, 5, 8],
        ),
        symbolic("MaxPooling2D", dict(pool_size=3), [None, 2, 2, 1]),
        symbolic("MaxPooling2D", {}, [None, 11, 11, 64]),
        symbolic("AveragePooling2D", dict(pool_size=3, padding="same"), [None, 10, None, 2]),
        symbolic("MaxPooling1D", dict(pool_size=2, strides=3), [None, 10, 4]),
        symbolic("GlobalMaxPooling2D", dict(keepdims=True), [None, None, None, 4]),
        symbolic("GlobalAveragePooling1D", dict(data_format="channels_first"), [None, 4, 7]),
        symbolic("UpSampling2D", dict(size=(2, 3)), [None, 4, None, 2]),
        symbolic("ZeroPadding2D", dict(padding=(1, 2)), [None, 4, None, 2]),
        symbolic("Cropping2D", dict(cropping=2), [None, 4, 4, 1]),
        symbolic("Cropping2D", dict(cropping=((1, 2), (0, 1))), [None, 5, None, 1]),
    ]

    def train(name, model, x, y, loss, lr=0.1):
        weights = [_in(rng.normal(0, 0.4, w.shape)) for w in model.weights]
        model.set_weights([w.astype("float32") for w in weights])
        model_json = model.to_json()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss=loss)
        history = model.fit(x, y, batch_size=len(x) // 2, epochs=1, shuffle=False, verbose=0)
        return {
            "name": name,
            "model_json": model_json,
            "x": x.tolist(),
            "y": y.tolist(),
            "weights": [w.ravel().tolist() for w in weights],
            "loss": float(history.history["loss"][-1]),
            "weights_after": [_out(w) for w in model.get_weights()],
            "predict_after": _out(model.predict(x, verbose=0)),
        }

    training = [
        train(
            "convnet",
            keras.Sequential(
                [
                    keras.Input((8, 8, 2)),
                    layers.Conv2D(3, 3, activation="relu", padding="same"),
                    layers.MaxPooling2D(2),
                    layers.Conv2D(4, 2, activation="relu"),
                    layers.Flatten(),
                    layers.Dense(3, activation="softmax"),
                ]
            ),
            _in(rng.normal(0, 1, (8, 8, 8, 2))),
            rng.integers(0, 3, 8),
            "sparse_categorical_crossentropy",
        ),
        train(
            "dcgan_generator",
            keras.Sequential(
                [
                    keras.Input((4,)),
                    layers.Dense(2 * 2 * 3),
                    layers.Reshape((2, 2, 3)),
                    layers.Conv2DTranspose(4, 4, strides=2, padding="same"),
                    layers.LeakyReLU(0.2),
                    layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),
                ]
            ),
            _in(rng.normal(0, 1, (6, 4))),
            _in(rng.uniform(-1, 1, (6, 8, 8, 1))),
            "mse",
        ),
        train(
            "upsampling_generator",
            keras.Sequential(
                [
                    keras.Input((4,)),
                    layers.Dense(2 * 2 * 3),
                    layers.Reshape((2, 2, 3)),
                    layers.UpSampling2D(),
                    layers.Conv2D(2, 3, padding="same", activation="relu"),
                    layers.UpSampling2D(interpolation="bilinear"),
                    layers.ZeroPadding2D(1),
                    layers.Conv2D(1, 3, activation="tanh"),
                ]
            ),
            _in(rng.normal(0, 1, (6, 4))),
            _in(rng.uniform(-1, 1, (6, 8, 8, 1))),
            "mse",
        ),
        train(
            "conv1d_net",
            keras.Sequential(
                [
                    keras.Input((10, 3)),
                    layers.Conv1D(4, 3, padding="causal", activation="relu"),
                    layers.MaxPooling1D(2),
                    layers.Conv1D(2, 2, groups=2),
                    layers.GlobalAveragePooling1D(),
                    layers.Dense(1),
                ]
            ),
            _in(rng.normal(0, 1, (6, 10, 3))),
            _in(rng.normal(0, 1, (6, 1))),
            "mse",
        ),
    ]
    OUT.write_text(
        json.dumps(
            {
                "keras_version": keras.__version__,
                "jax_version": jax.__version__,
                "eager": cases,
                "shapes": shapes,
                "training": training,
            },
            separators=(",", ":"),
        )
    )
    print("wrote", OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
