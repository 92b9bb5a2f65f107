"""Golden values for the layers added after make_conv_pooling.py: Conv1DTranspose, Conv3D,
Conv3DTranspose, DepthwiseConv1D/2D, SeparableConv1D/2D, Max/AveragePooling3D,
GlobalAverage/MaxPooling3D, UpSampling1D/3D, ZeroPadding1D/3D, Cropping1D/3D; produced by
real Keras 3 on the JAX backend.

Run with Keras and JAX installed (from a directory where `import keras` finds the real one):
    KERAS_BACKEND=jax python scripts/goldens/make_conv_more.py
Writes tests/goldens/conv_more.json, in the layout of conv_pooling.json ("eager", "shapes",
"training"; see make_conv_pooling.py): per layer and config the input, weights, output and
the gradients of `sum(output * r)` (jax.grad through `layer.stateless_call`) w.r.t. the
input and each trainable weight, and the config; symbolic output shapes (or Keras's error);
small models trained 2 SGD steps with `fit(shuffle=False)`.
"""

import json
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from make_conv_pooling import _in, _out  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "conv_more.json"


def main():
    import jax
    import keras
    from keras import layers

    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    rng = np.random.default_rng(2025)

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
            "weight_names": [w.name for w in layer.weights],
            "weight_shapes": [list(w.shape) for w in layer.weights],
            "output_shape": list(out.shape),
            "output": _out(out),
            "r": r.ravel().tolist(),
            "grad_x": _out(dx),
            "grad_weights": [_out(g) for g in dws],
            "config": layer.get_config(),
        }

    T1, C3, T3 = "Conv1DTranspose", "Conv3D", "Conv3DTranspose"
    D2, D1, S2, S1 = "DepthwiseConv2D", "DepthwiseConv1D", "SeparableConv2D", "SeparableConv1D"
    cf = "channels_first"
    cases = [
        eager(
            "conv1d_transpose_valid_s2", T1, dict(filters=3, kernel_size=3, strides=2), (2, 4, 2)
        ),
        eager(
            "conv1d_transpose_same_channels_first",
            T1,
            dict(filters=2, kernel_size=4, strides=2, padding="same", data_format=cf),
            (1, 3, 5),
        ),
        eager(
            "conv1d_transpose_output_padding_relu",
            T1,
            dict(filters=2, kernel_size=3, strides=3, output_padding=2, activation="relu"),
            (1, 3, 2),
        ),
        eager(
            "conv1d_transpose_dilation_same",
            T1,
            dict(filters=2, kernel_size=3, dilation_rate=2, padding="same"),
            (1, 5, 2),
        ),
        eager("conv3d_valid", C3, dict(filters=3, kernel_size=2), (2, 3, 4, 3, 2)),
        eager(
            "conv3d_same_strides_channels_first",
            C3,
            dict(filters=2, kernel_size=(3, 2, 3), strides=2, padding="same", data_format=cf),
            (1, 2, 4, 5, 3),
        ),
        eager(
            "conv3d_groups_dilation_tanh",
            C3,
            dict(filters=4, kernel_size=2, groups=2, dilation_rate=(1, 2, 1), activation="tanh"),
            (1, 3, 4, 3, 4),
        ),
        eager(
            "conv3d_transpose_same_s2",
            T3,
            dict(filters=2, kernel_size=3, strides=2, padding="same"),
            (1, 2, 3, 2, 2),
        ),
        eager(
            "conv3d_transpose_valid_output_padding_channels_first",
            T3,
            dict(
                filters=2,
                kernel_size=2,
                strides=(1, 2, 3),
                output_padding=(0, 1, 2),
                data_format=cf,
            ),
            (1, 2, 2, 2, 2),
        ),
        eager("depthwise_conv2d_basic", D2, dict(kernel_size=3), (2, 5, 5, 3)),
        eager(
            "depthwise_conv2d_multiplier_same_strides_relu",
            D2,
            dict(
                kernel_size=(3, 2), depth_multiplier=2, strides=2, padding="same", activation="relu"
            ),
            (2, 5, 6, 2),
        ),
        eager(
            "depthwise_conv2d_channels_first_dilation_no_bias",
            D2,
            dict(
                kernel_size=2, depth_multiplier=3, dilation_rate=2, data_format=cf, use_bias=False
            ),
            (1, 2, 5, 4),
        ),
        eager(
            "depthwise_conv2d_strides_and_dilation",
            D2,
            dict(kernel_size=2, strides=2, dilation_rate=2, padding="same"),
            (1, 6, 7, 2),
        ),
        eager(
            "depthwise_conv1d_multiplier_same",
            D1,
            dict(kernel_size=3, depth_multiplier=2, strides=2, padding="same"),
            (2, 7, 3),
        ),
        eager(
            "depthwise_conv1d_channels_first",
            D1,
            dict(kernel_size=2, data_format=cf, activation="sigmoid"),
            (1, 2, 6),
        ),
        eager("separable_conv2d_basic", S2, dict(filters=4, kernel_size=3), (2, 5, 5, 3)),
        eager(
            "separable_conv2d_multiplier_same_strides_tanh",
            S2,
            dict(
                filters=3,
                kernel_size=3,
                depth_multiplier=2,
                strides=2,
                padding="same",
                activation="tanh",
            ),
            (1, 6, 5, 2),
        ),
        eager(
            "separable_conv2d_channels_first_dilation_no_bias",
            S2,
            dict(filters=2, kernel_size=2, dilation_rate=2, data_format=cf, use_bias=False),
            (1, 3, 5, 5),
        ),
        eager(
            "separable_conv1d_multiplier_same",
            S1,
            dict(filters=3, kernel_size=3, depth_multiplier=2, padding="same"),
            (2, 6, 2),
        ),
        eager("max_pooling3d_default", "MaxPooling3D", {}, (2, 4, 5, 3, 2)),
        eager(
            "max_pooling3d_same_strides",
            "MaxPooling3D",
            dict(pool_size=(2, 3, 2), strides=(1, 2, 2), padding="same"),
            (1, 3, 5, 4, 2),
        ),
        eager(
            "max_pooling3d_ties_channels_first",
            "MaxPooling3D",
            dict(pool_size=2, strides=1, data_format=cf),
            (1, 2, 3, 3, 3),
            integers=True,
        ),
        eager("average_pooling3d_valid", "AveragePooling3D", dict(pool_size=2), (1, 4, 4, 5, 2)),
        eager(
            "average_pooling3d_same_channels_first",
            "AveragePooling3D",
            dict(pool_size=3, strides=2, padding="same", data_format=cf),
            (1, 2, 4, 5, 3),
        ),
        eager("global_average_pooling3d", "GlobalAveragePooling3D", {}, (2, 2, 3, 4, 3)),
        eager(
            "global_average_pooling3d_keepdims_channels_first",
            "GlobalAveragePooling3D",
            dict(keepdims=True, data_format=cf),
            (2, 3, 2, 2, 3),
        ),
        eager(
            "global_max_pooling3d_ties_keepdims",
            "GlobalMaxPooling3D",
            dict(keepdims=True),
            (2, 2, 3, 2, 2),
            integers=True,
        ),
        eager(
            "global_max_pooling3d_channels_first",
            "GlobalMaxPooling3D",
            dict(data_format=cf),
            (2, 3, 2, 3, 2),
        ),
        eager("up_sampling1d_default", "UpSampling1D", {}, (2, 3, 2)),
        eager("up_sampling1d_size3", "UpSampling1D", dict(size=3), (1, 4, 3)),
        eager("up_sampling3d_default", "UpSampling3D", {}, (1, 2, 2, 3, 2)),
        eager(
            "up_sampling3d_channels_first",
            "UpSampling3D",
            dict(size=(1, 3, 2), data_format=cf),
            (1, 2, 2, 2, 3),
        ),
        eager("zero_padding1d_default", "ZeroPadding1D", {}, (2, 3, 2)),
        eager(
            "zero_padding1d_asymmetric_channels_first",
            "ZeroPadding1D",
            dict(padding=(2, 0), data_format=cf),
            (1, 2, 3),
        ),
        eager("zero_padding3d_default", "ZeroPadding3D", {}, (1, 2, 2, 2, 2)),
        eager(
            "zero_padding3d_mixed_channels_first",
            "ZeroPadding3D",
            dict(padding=((1, 0), (0, 2), (1, 1)), data_format=cf),
            (1, 2, 2, 3, 2),
        ),
        eager("cropping1d_default", "Cropping1D", {}, (2, 5, 2)),
        eager("cropping1d_asymmetric", "Cropping1D", dict(cropping=(0, 2)), (1, 5, 3)),
        eager("cropping3d_default", "Cropping3D", {}, (1, 3, 4, 5, 2)),
        eager(
            "cropping3d_mixed_channels_first",
            "Cropping3D",
            dict(cropping=((1, 0), 1, (0, 2)), data_format=cf),
            (1, 2, 3, 4, 5),
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
        symbolic(T1, dict(filters=2, kernel_size=3, strides=2), [None, None, 3]),
        symbolic(T1, dict(filters=2, kernel_size=4, strides=2, padding="same"), [None, 7, 3]),
        symbolic(C3, dict(filters=4, kernel_size=3), [None, 5, None, 6, 2]),
        symbolic(C3, dict(filters=4, kernel_size=3, strides=2, padding="same"), [2, 5, 6, 7, 1]),
        symbolic(C3, dict(filters=4, kernel_size=4), [None, 3, 5, 5, 1]),
        symbolic(T3, dict(filters=2, kernel_size=3, strides=2), [None, 2, None, 4, 3]),
        symbolic(D2, dict(kernel_size=3, depth_multiplier=2), [None, 5, None, 3]),
        symbolic(D2, dict(kernel_size=3, strides=2, padding="same"), [None, 7, 7, 4]),
        symbolic(D2, dict(kernel_size=4), [None, 3, 3, 2]),
        symbolic(D1, dict(kernel_size=3, depth_multiplier=3, data_format=cf), [None, 2, 9]),
        symbolic(S2, dict(filters=5, kernel_size=3, depth_multiplier=2), [None, 6, None, 3]),
        symbolic(S1, dict(filters=5, kernel_size=2, strides=2), [None, 9, 3]),
        symbolic("MaxPooling3D", {}, [None, 5, 5, 5, 2]),
        symbolic("MaxPooling3D", dict(pool_size=3), [None, 2, 4, 4, 2]),
        symbolic("AveragePooling3D", dict(pool_size=2, padding="same"), [None, 5, None, 3, 2]),
        symbolic("GlobalMaxPooling3D", dict(keepdims=True), [None, None, None, None, 4]),
        symbolic("GlobalAveragePooling3D", dict(data_format=cf), [None, 4, 2, 3, 5]),
        symbolic("UpSampling1D", dict(size=3), [None, None, 2]),
        symbolic("UpSampling3D", dict(size=(2, 1, 3)), [None, 2, None, 3, 2]),
        symbolic("ZeroPadding1D", dict(padding=(1, 3)), [None, 4, 2]),
        symbolic("ZeroPadding3D", dict(padding=(1, 2, 0)), [None, 4, None, 2, 3]),
        symbolic("Cropping1D", dict(cropping=(2, 3)), [None, 5, 2]),
        symbolic("Cropping1D", dict(cropping=(2, 1)), [None, 5, 2]),
        symbolic("Cropping3D", dict(cropping=2), [None, 4, 6, 6, 1]),
        symbolic("Cropping3D", dict(cropping=((1, 2), (0, 1), 1)), [None, 5, None, 4, 1]),
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
            "separable_net",
            keras.Sequential(
                [
                    keras.Input((6, 6, 2)),
                    layers.SeparableConv2D(
                        4, 3, padding="same", depth_multiplier=2, activation="relu"
                    ),
                    layers.DepthwiseConv2D(3, strides=2, depth_multiplier=2, activation="tanh"),
                    layers.GlobalAveragePooling2D(),
                    layers.Dense(3, activation="softmax"),
                ]
            ),
            _in(rng.normal(0, 1, (6, 6, 6, 2))),
            rng.integers(0, 3, 6),
            "sparse_categorical_crossentropy",
        ),
        train(
            "volume_net",
            keras.Sequential(
                [
                    keras.Input((4, 4, 4, 2)),
                    layers.Conv3D(3, 2, padding="same", activation="relu"),
                    layers.MaxPooling3D(2),
                    layers.UpSampling3D(),
                    layers.ZeroPadding3D(1),
                    layers.Cropping3D(((1, 0), (0, 1), 1)),
                    layers.Conv3DTranspose(2, 2, strides=2, padding="same"),
                    layers.AveragePooling3D(2),
                    layers.GlobalMaxPooling3D(),
                    layers.Dense(1),
                ]
            ),
            _in(rng.normal(0, 1, (4, 4, 4, 4, 2))),
            _in(rng.normal(0, 1, (4, 1))),
            "mse",
        ),
        train(
            "sequence_net",
            keras.Sequential(
                [
                    keras.Input((6, 3)),
                    layers.SeparableConv1D(4, 3, depth_multiplier=2, activation="relu"),
                    layers.UpSampling1D(2),
                    layers.ZeroPadding1D((1, 0)),
                    layers.DepthwiseConv1D(2, strides=2),
                    layers.Conv1DTranspose(2, 3, strides=2, padding="same", activation="tanh"),
                    layers.Cropping1D((1, 2)),
                    layers.GlobalAveragePooling1D(),
                    layers.Dense(1),
                ]
            ),
            _in(rng.normal(0, 1, (6, 6, 3))),
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
