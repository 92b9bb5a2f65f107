"""Goldens for tests/examples/test_keras_io_examples_9.py: a ninth set of keras.io code
examples (keras-team/keras-io, examples/), vision ones not covered by
make_keras_io_examples*.py or make_keras_io_guides.py, each as a Keras 3 user runs it: the
model and training code as written, the imports aside, at a reduced size, on synthetic NumPy
data of the dataset's shapes and dtypes (in place of downloads and tf.data), with the
trainable weights drawn from a fixed RNG after building, dropout rates 0 and random
augmentation left out (the only changes, each noted where it is made).

Zero-DCE, ShiftViT and ViViT are written with TensorFlow (`tf.nn.conv2d`, `tf.split`,
`tf.image.crop_to_bounding_box`, `tf.GradientTape`, ...), so their goldens come from Keras's
TensorFlow backend (/work/tfenv's Keras 3.15.1), TensorFlow itself as `tf`. With numkeras
the tape is numkeras's `GradientTape` and the `tf.*` functions called are their `keras.ops`
counterparts (`_tf`). The Swin transformer and the Perceiver are keras.io's Keras 3
versions (`keras.ops`): the Perceiver's goldens, and the focused cases', come from JAX, the
Swin transformer's from torch (see its note).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the
test) returning JSON-able values.

Run (Keras 3.15.1, each backend writing its own scenarios; optionally only those named):
    cd /tmp && KERAS_BACKEND=tensorflow /work/tfenv/bin/python \
        /work/main/scripts/goldens/make_keras_io_examples_9.py
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \
        /work/main/scripts/goldens/make_keras_io_examples_9.py
    cd /tmp && KERAS_BACKEND=torch /work/kenv/bin/python \
        /work/main/scripts/goldens/make_keras_io_examples_9.py
"""

# (the examples' code as written: its unused settings, loop names and old-style super kept)
# ruff: noqa: F841, B007, UP004, UP008, UP031, UP032, UP034, E501, E731

from __future__ import annotations

import pathlib
import sys
import types

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, scenario_script  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "keras_io_examples_9.json"
SCENARIOS = Scenarios()
# (every scenario's goldens come from Keras's TensorFlow backend: the examples use TensorFlow)
tf_scenario = SCENARIOS.scenario_on("tensorflow")

# the helpers of the third set: summary lines, weights drawn from one RNG, rounding,
# History, synthetic images; the eighth set's `tf` stand-in
_THIRD = scenario_script("make_keras_io_examples_3")
_summary, _init, _f, _hist, _images = (
    _THIRD._summary,
    _THIRD._init,
    _THIRD._f,
    _THIRD._hist,
    _THIRD._images,
)
_EIGHTH = scenario_script("make_keras_io_examples_8")


def _tf(keras):
    """The `tf` functions the examples call: TensorFlow itself on Keras's TensorFlow
    backend, elsewhere their `keras.ops` counterparts (and the backend's tape)."""
    base = _EIGHTH._tf(keras)
    if not isinstance(base, types.SimpleNamespace):
        return base
    ops = keras.ops

    def where(condition, x=None, y=None, name=None):
        return ops.where(condition, x, y)

    def split(value, num_or_size_splits, axis=0):
        return ops.split(value, num_or_size_splits, axis=axis)

    def reduce_mean(input_tensor, axis=None, keepdims=False):
        return ops.mean(input_tensor, axis=axis, keepdims=keepdims)

    def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
        return image[
            :,
            offset_height : offset_height + target_height,
            offset_width : offset_width + target_width,
            :,
        ]

    def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
        height, width = image.shape[1], image.shape[2]
        return ops.pad(
            image,
            [
                [0, 0],
                [offset_height, target_height - offset_height - height],
                [offset_width, target_width - offset_width - width],
                [0, 0],
            ],
        )

    def conv2d(input, filters, strides, padding):
        return ops.conv(input, filters, strides=tuple(strides[1:3]), padding=padding.lower())

    def avg_pool2d(input, ksize, strides, padding):
        return ops.average_pool(input, ksize, strides, padding.lower())

    def uniform(shape, minval=0, maxval=None, dtype="float32"):
        return keras.random.uniform(shape, minval, 1.0 if maxval is None else maxval, dtype)

    base.where = where
    base.split = split
    base.reduce_mean = reduce_mean
    base.floor = ops.floor
    base.cos = ops.cos
    base.image.crop_to_bounding_box = crop_to_bounding_box
    base.image.pad_to_bounding_box = pad_to_bounding_box
    # (TensorFlow's gelu is exact by default, keras.ops's the tanh approximation)
    base.nn.gelu = lambda features, approximate=False: ops.gelu(features, approximate)
    base.nn.conv2d = conv2d
    base.nn.avg_pool2d = avg_pool2d
    base.sqrt = ops.sqrt
    base.random = types.SimpleNamespace(uniform=uniform)
    return base


# ---- vision/swin_transformers.py (keras.io's Keras 3 version: shifted windows by
# `ops.roll`, a relative position bias taken from a table by a `keras.Variable` of indices,
# an attention-mask `keras.Variable` made in `build`, patch merging by strided slices) ----


# (goldens from Keras's torch backend: on JAX, without x64, `ops.convert_to_tensor` makes
# the NumPy float64 mask float32, where TensorFlow, torch and numkeras keep float64)
@SCENARIOS.scenario_on("torch")
def swin_transformers(keras):
    layers, ops = keras.layers, keras.ops

    num_classes = 10  # (100)
    input_shape = (8, 8, 3)  # (32, 32, 3)

    patch_size = (2, 2)  # 2-by-2 sized patches
    dropout_rate = 0.0  # Dropout rate (0.03)
    num_heads = 2  # Attention heads (8)
    embed_dim = 8  # Embedding dimension (64)
    num_mlp = 16  # MLP layer size (256)
    # Convert embedded patches to query, key, and values with a learnable additive
    # value
    qkv_bias = True
    window_size = 2  # Size of attention window
    shift_size = 1  # Size of shifting window
    image_dimension = 8  # Initial image size (32)

    num_patch_x = input_shape[0] // patch_size[0]
    num_patch_y = input_shape[1] // patch_size[1]

    learning_rate = 1e-3
    batch_size = 8  # (128)
    num_epochs = 2  # (40)
    validation_split = 0.1
    weight_decay = 0.0001
    label_smoothing = 0.1

    # (keras.datasets.cifar100.load_data(): synthetic CIFAR-like uint8 images)
    x_all, y_all = _images(48, size=input_shape[0], num_classes=num_classes, seed=90)
    (x_train, y_train), (x_test, y_test) = (x_all[:40], y_all[:40]), (x_all[40:], y_all[40:])
    x_train, x_test = x_train / 255.0, x_test / 255.0
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)
    num_train_samples = int(len(x_train) * (1 - validation_split))
    num_val_samples = len(x_train) - num_train_samples
    x_train, x_val = np.split(x_train, [num_train_samples])
    y_train, y_val = np.split(y_train, [num_train_samples])

    def window_partition(x, window_size):
        _, height, width, channels = x.shape
        patch_num_y = height // window_size
        patch_num_x = width // window_size
        x = ops.reshape(
            x,
            (
                -1,
                patch_num_y,
                window_size,
                patch_num_x,
                window_size,
                channels,
            ),
        )
        x = ops.transpose(x, (0, 1, 3, 2, 4, 5))
        windows = ops.reshape(x, (-1, window_size, window_size, channels))
        return windows

    def window_reverse(windows, window_size, height, width, channels):
        patch_num_y = height // window_size
        patch_num_x = width // window_size
        x = ops.reshape(
            windows,
            (
                -1,
                patch_num_y,
                patch_num_x,
                window_size,
                window_size,
                channels,
            ),
        )
        x = ops.transpose(x, (0, 1, 3, 2, 4, 5))
        x = ops.reshape(x, (-1, height, width, channels))
        return x

    class WindowAttention(layers.Layer):
        def __init__(
            self,
            dim,
            window_size,
            num_heads,
            qkv_bias=True,
            dropout_rate=0.0,
            **kwargs,
        ):
            super().__init__(**kwargs)
            self.dim = dim
            self.window_size = window_size
            self.num_heads = num_heads
            self.scale = (dim // num_heads) ** -0.5
            self.qkv = layers.Dense(dim * 3, use_bias=qkv_bias)
            self.dropout = layers.Dropout(dropout_rate)
            self.proj = layers.Dense(dim)

            num_window_elements = (2 * self.window_size[0] - 1) * (2 * self.window_size[1] - 1)
            self.relative_position_bias_table = self.add_weight(
                shape=(num_window_elements, self.num_heads),
                initializer=keras.initializers.Zeros(),
                trainable=True,
            )
            coords_h = np.arange(self.window_size[0])
            coords_w = np.arange(self.window_size[1])
            coords_matrix = np.meshgrid(coords_h, coords_w, indexing="ij")
            coords = np.stack(coords_matrix)
            coords_flatten = coords.reshape(2, -1)
            relative_coords = coords_flatten[:, :, None] - coords_flatten[:, None, :]
            relative_coords = relative_coords.transpose([1, 2, 0])
            relative_coords[:, :, 0] += self.window_size[0] - 1
            relative_coords[:, :, 1] += self.window_size[1] - 1
            relative_coords[:, :, 0] *= 2 * self.window_size[1] - 1
            relative_position_index = relative_coords.sum(-1)

            self.relative_position_index = keras.Variable(
                initializer=relative_position_index,
                shape=relative_position_index.shape,
                dtype="int",
                trainable=False,
            )

        def call(self, x, mask=None):
            _, size, channels = x.shape
            head_dim = channels // self.num_heads
            x_qkv = self.qkv(x)
            x_qkv = ops.reshape(x_qkv, (-1, size, 3, self.num_heads, head_dim))
            x_qkv = ops.transpose(x_qkv, (2, 0, 3, 1, 4))
            q, k, v = x_qkv[0], x_qkv[1], x_qkv[2]
            q = q * self.scale
            k = ops.transpose(k, (0, 1, 3, 2))
            attn = q @ k

            num_window_elements = self.window_size[0] * self.window_size[1]
            relative_position_index_flat = ops.reshape(self.relative_position_index, (-1,))
            relative_position_bias = ops.take(
                self.relative_position_bias_table,
                relative_position_index_flat,
                axis=0,
            )
            relative_position_bias = ops.reshape(
                relative_position_bias,
                (num_window_elements, num_window_elements, -1),
            )
            relative_position_bias = ops.transpose(relative_position_bias, (2, 0, 1))
            attn = attn + ops.expand_dims(relative_position_bias, axis=0)

            if mask is not None:
                nW = mask.shape[0]
                mask_float = ops.cast(
                    ops.expand_dims(ops.expand_dims(mask, axis=1), axis=0),
                    "float32",
                )
                attn = ops.reshape(attn, (-1, nW, self.num_heads, size, size)) + mask_float
                attn = ops.reshape(attn, (-1, self.num_heads, size, size))
                attn = keras.activations.softmax(attn, axis=-1)
            else:
                attn = keras.activations.softmax(attn, axis=-1)
            attn = self.dropout(attn)

            x_qkv = attn @ v
            x_qkv = ops.transpose(x_qkv, (0, 2, 1, 3))
            x_qkv = ops.reshape(x_qkv, (-1, size, channels))
            x_qkv = self.proj(x_qkv)
            x_qkv = self.dropout(x_qkv)
            return x_qkv

    class SwinTransformer(layers.Layer):
        def __init__(
            self,
            dim,
            num_patch,
            num_heads,
            window_size=7,
            shift_size=0,
            num_mlp=1024,
            qkv_bias=True,
            dropout_rate=0.0,
            **kwargs,
        ):
            super().__init__(**kwargs)

            self.dim = dim  # number of input dimensions
            self.num_patch = num_patch  # number of embedded patches
            self.num_heads = num_heads  # number of attention heads
            self.window_size = window_size  # size of window
            self.shift_size = shift_size  # size of window shift
            self.num_mlp = num_mlp  # number of MLP nodes

            self.norm1 = layers.LayerNormalization(epsilon=1e-5)
            self.attn = WindowAttention(
                dim,
                window_size=(self.window_size, self.window_size),
                num_heads=num_heads,
                qkv_bias=qkv_bias,
                dropout_rate=dropout_rate,
            )
            self.drop_path = layers.Dropout(dropout_rate)
            self.norm2 = layers.LayerNormalization(epsilon=1e-5)

            self.mlp = keras.Sequential(
                [
                    layers.Dense(num_mlp),
                    layers.Activation(keras.activations.gelu),
                    layers.Dropout(dropout_rate),
                    layers.Dense(dim),
                    layers.Dropout(dropout_rate),
                ]
            )

            if min(self.num_patch) < self.window_size:
                self.shift_size = 0
                self.window_size = min(self.num_patch)

        def build(self, input_shape):
            if self.shift_size == 0:
                self.attn_mask = None
            else:
                height, width = self.num_patch
                h_slices = (
                    slice(0, -self.window_size),
                    slice(-self.window_size, -self.shift_size),
                    slice(-self.shift_size, None),
                )
                w_slices = (
                    slice(0, -self.window_size),
                    slice(-self.window_size, -self.shift_size),
                    slice(-self.shift_size, None),
                )
                mask_array = np.zeros((1, height, width, 1))
                count = 0
                for h in h_slices:
                    for w in w_slices:
                        mask_array[:, h, w, :] = count
                        count += 1
                mask_array = ops.convert_to_tensor(mask_array)

                # mask array to windows
                mask_windows = window_partition(mask_array, self.window_size)
                mask_windows = ops.reshape(mask_windows, [-1, self.window_size * self.window_size])
                attn_mask = ops.expand_dims(mask_windows, axis=1) - ops.expand_dims(
                    mask_windows, axis=2
                )
                attn_mask = ops.where(attn_mask != 0, -100.0, attn_mask)
                attn_mask = ops.where(attn_mask == 0, 0.0, attn_mask)
                self.attn_mask = keras.Variable(
                    initializer=attn_mask,
                    shape=attn_mask.shape,
                    dtype=attn_mask.dtype,
                    trainable=False,
                )

        def call(self, x, training=False):
            height, width = self.num_patch
            _, num_patches_before, channels = x.shape
            x_skip = x
            x = self.norm1(x)
            x = ops.reshape(x, (-1, height, width, channels))
            if self.shift_size > 0:
                shifted_x = ops.roll(x, shift=[-self.shift_size, -self.shift_size], axis=[1, 2])
            else:
                shifted_x = x

            x_windows = window_partition(shifted_x, self.window_size)
            x_windows = ops.reshape(x_windows, (-1, self.window_size * self.window_size, channels))
            attn_windows = self.attn(x_windows, mask=self.attn_mask)

            attn_windows = ops.reshape(
                attn_windows,
                (-1, self.window_size, self.window_size, channels),
            )
            shifted_x = window_reverse(attn_windows, self.window_size, height, width, channels)
            if self.shift_size > 0:
                x = ops.roll(shifted_x, shift=[self.shift_size, self.shift_size], axis=[1, 2])
            else:
                x = shifted_x

            x = ops.reshape(x, (-1, height * width, channels))
            x = self.drop_path(x, training=training)
            x = x_skip + x
            x_skip = x
            x = self.norm2(x)
            x = self.mlp(x)
            x = self.drop_path(x)
            x = x_skip + x
            return x

    def patch_extract(images):
        # (tf.shape / tf.image.extract_patches / tf.reshape in tf.data: their keras.ops)
        batch_size = ops.shape(images)[0]
        patches = ops.image.extract_patches(
            images, size=patch_size, strides=patch_size, padding="valid"
        )
        patch_dim = patches.shape[-1]
        patch_num = patches.shape[1]
        return ops.convert_to_numpy(
            ops.reshape(patches, (batch_size, patch_num * patch_num, patch_dim))
        )

    class PatchEmbedding(layers.Layer):
        def __init__(self, num_patch, embed_dim, **kwargs):
            super().__init__(**kwargs)
            self.num_patch = num_patch
            self.proj = layers.Dense(embed_dim)
            self.pos_embed = layers.Embedding(input_dim=num_patch, output_dim=embed_dim)

        def call(self, patch):
            pos = ops.arange(start=0, stop=self.num_patch)
            return self.proj(patch) + self.pos_embed(pos)

    class PatchMerging(keras.layers.Layer):
        def __init__(self, num_patch, embed_dim):
            super().__init__()
            self.num_patch = num_patch
            self.embed_dim = embed_dim
            self.linear_trans = layers.Dense(2 * embed_dim, use_bias=False)

        def call(self, x):
            height, width = self.num_patch
            _, _, C = x.shape
            x = ops.reshape(x, (-1, height, width, C))
            x0 = x[:, 0::2, 0::2, :]
            x1 = x[:, 1::2, 0::2, :]
            x2 = x[:, 0::2, 1::2, :]
            x3 = x[:, 1::2, 1::2, :]
            x = ops.concatenate((x0, x1, x2, x3), axis=-1)
            x = ops.reshape(x, (-1, (height // 2) * (width // 2), 4 * C))
            return self.linear_trans(x)

    # (the tf.data pipelines, in order, random crops and flips left out: the patches)
    x_train_p, x_val_p, x_test_p = (patch_extract(x) for x in (x_train, x_val, x_test))

    input = layers.Input(shape=(16, 12))  # ((256, 12))
    x = PatchEmbedding(num_patch_x * num_patch_y, embed_dim)(input)
    x = SwinTransformer(
        dim=embed_dim,
        num_patch=(num_patch_x, num_patch_y),
        num_heads=num_heads,
        window_size=window_size,
        shift_size=0,
        num_mlp=num_mlp,
        qkv_bias=qkv_bias,
        dropout_rate=dropout_rate,
    )(x)
    x = SwinTransformer(
        dim=embed_dim,
        num_patch=(num_patch_x, num_patch_y),
        num_heads=num_heads,
        window_size=window_size,
        shift_size=shift_size,
        num_mlp=num_mlp,
        qkv_bias=qkv_bias,
        dropout_rate=dropout_rate,
    )(x)
    x = PatchMerging((num_patch_x, num_patch_y), embed_dim=embed_dim)(x)
    x = layers.GlobalAveragePooling1D()(x)
    output = layers.Dense(num_classes, activation="softmax")(x)

    model = keras.Model(input, output)
    _init(model, seed=91)
    swin = model.layers[3]
    result = {
        "summary": _summary(model),
        "patches": _f(x_test_p[0, :3]),
        "attn_mask": _f(swin.attn_mask),
        "relative_position_index": _f(swin.attn.relative_position_index),
        "weight_paths": [w.path for w in model.weights],
        "probs_before": _f(model.predict(x_test_p, verbose=0)),
    }
    model.compile(
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=label_smoothing),
        optimizer=keras.optimizers.AdamW(learning_rate=learning_rate, weight_decay=weight_decay),
        metrics=[
            keras.metrics.CategoricalAccuracy(name="accuracy"),
            keras.metrics.TopKCategoricalAccuracy(5, name="top-5-accuracy"),
        ],
    )

    history = model.fit(
        x_train_p,
        y_train,  # (dataset)
        batch_size=batch_size,
        epochs=num_epochs,
        validation_data=(x_val_p, y_val),  # (dataset_val)
        shuffle=False,
        verbose=0,
    )
    result["history"] = _hist(history)
    loss, accuracy, top_5_accuracy = model.evaluate(x_test_p, y_test, verbose=0)
    result["test"] = _f([loss, accuracy, top_5_accuracy])
    result["bias_table"] = _f(swin.attn.relative_position_bias_table)
    return result


# ---- vision/zero_dce.py (a subclassed model wrapping a functional one, its own compile
# setting the optimizer, a train_step returning five loss tensors as its logs, an
# unreduced Loss subclass of fixed conv2d kernels, average pools of tf.nn) ----------------


@tf_scenario
def zero_dce(keras):
    tf = _tf(keras)
    layers = keras.layers

    IMAGE_SIZE = 16  # (256)
    BATCH_SIZE = 4  # (16)
    MAX_TRAIN_IMAGES = 8  # (400)

    # (data_generator of the LOL dataset's low-light PNGs, resized and scaled to [0, 1]:
    # dark synthetic images, in order)
    draws = np.random.default_rng(93)
    train_images = draws.uniform(0.0, 0.3, (MAX_TRAIN_IMAGES, IMAGE_SIZE, IMAGE_SIZE, 3))
    val_images = draws.uniform(0.0, 0.3, (4, IMAGE_SIZE, IMAGE_SIZE, 3))
    train_images, val_images = train_images.astype("float32"), val_images.astype("float32")

    filters = 8  # (32 in each convolution but the last)

    def build_dce_net():
        input_img = keras.Input(shape=[None, None, 3])
        conv1 = layers.Conv2D(filters, (3, 3), strides=(1, 1), activation="relu", padding="same")(
            input_img
        )
        conv2 = layers.Conv2D(filters, (3, 3), strides=(1, 1), activation="relu", padding="same")(
            conv1
        )
        conv3 = layers.Conv2D(filters, (3, 3), strides=(1, 1), activation="relu", padding="same")(
            conv2
        )
        conv4 = layers.Conv2D(filters, (3, 3), strides=(1, 1), activation="relu", padding="same")(
            conv3
        )
        int_con1 = layers.Concatenate(axis=-1)([conv4, conv3])
        conv5 = layers.Conv2D(filters, (3, 3), strides=(1, 1), activation="relu", padding="same")(
            int_con1
        )
        int_con2 = layers.Concatenate(axis=-1)([conv5, conv2])
        conv6 = layers.Conv2D(filters, (3, 3), strides=(1, 1), activation="relu", padding="same")(
            int_con2
        )
        int_con3 = layers.Concatenate(axis=-1)([conv6, conv1])
        x_r = layers.Conv2D(24, (3, 3), strides=(1, 1), activation="tanh", padding="same")(int_con3)
        return keras.Model(inputs=input_img, outputs=x_r)

    def color_constancy_loss(x):
        mean_rgb = tf.reduce_mean(x, axis=(1, 2), keepdims=True)
        mr, mg, mb = mean_rgb[:, :, :, 0], mean_rgb[:, :, :, 1], mean_rgb[:, :, :, 2]
        d_rg = tf.square(mr - mg)
        d_rb = tf.square(mr - mb)
        d_gb = tf.square(mb - mg)
        return tf.sqrt(tf.square(d_rg) + tf.square(d_rb) + tf.square(d_gb))

    def exposure_loss(x, mean_val=0.6):
        x = tf.reduce_mean(x, axis=3, keepdims=True)
        mean = tf.nn.avg_pool2d(x, ksize=16, strides=16, padding="VALID")
        return tf.reduce_mean(tf.square(mean - mean_val))

    def illumination_smoothness_loss(x):
        batch_size = tf.shape(x)[0]
        h_x = tf.shape(x)[1]
        w_x = tf.shape(x)[2]
        count_h = (tf.shape(x)[2] - 1) * tf.shape(x)[3]
        count_w = tf.shape(x)[2] * (tf.shape(x)[3] - 1)
        h_tv = tf.reduce_sum(tf.square((x[:, 1:, :, :] - x[:, : h_x - 1, :, :])))
        w_tv = tf.reduce_sum(tf.square((x[:, :, 1:, :] - x[:, :, : w_x - 1, :])))
        batch_size = tf.cast(batch_size, dtype=tf.float32)
        count_h = tf.cast(count_h, dtype=tf.float32)
        count_w = tf.cast(count_w, dtype=tf.float32)
        return 2 * (h_tv / count_h + w_tv / count_w) / batch_size

    class SpatialConsistencyLoss(keras.losses.Loss):
        def __init__(self, **kwargs):
            super(SpatialConsistencyLoss, self).__init__(reduction="none")

            self.left_kernel = tf.constant(
                [[[[0, 0, 0]], [[-1, 1, 0]], [[0, 0, 0]]]], dtype=tf.float32
            )
            self.right_kernel = tf.constant(
                [[[[0, 0, 0]], [[0, 1, -1]], [[0, 0, 0]]]], dtype=tf.float32
            )
            self.up_kernel = tf.constant(
                [[[[0, -1, 0]], [[0, 1, 0]], [[0, 0, 0]]]], dtype=tf.float32
            )
            self.down_kernel = tf.constant(
                [[[[0, 0, 0]], [[0, 1, 0]], [[0, -1, 0]]]], dtype=tf.float32
            )

        def call(self, y_true, y_pred):
            original_mean = tf.reduce_mean(y_true, 3, keepdims=True)
            enhanced_mean = tf.reduce_mean(y_pred, 3, keepdims=True)
            original_pool = tf.nn.avg_pool2d(original_mean, ksize=4, strides=4, padding="VALID")
            enhanced_pool = tf.nn.avg_pool2d(enhanced_mean, ksize=4, strides=4, padding="VALID")

            d_original_left = tf.nn.conv2d(
                original_pool, self.left_kernel, strides=[1, 1, 1, 1], padding="SAME"
            )
            d_original_right = tf.nn.conv2d(
                original_pool, self.right_kernel, strides=[1, 1, 1, 1], padding="SAME"
            )
            d_original_up = tf.nn.conv2d(
                original_pool, self.up_kernel, strides=[1, 1, 1, 1], padding="SAME"
            )
            d_original_down = tf.nn.conv2d(
                original_pool, self.down_kernel, strides=[1, 1, 1, 1], padding="SAME"
            )

            d_enhanced_left = tf.nn.conv2d(
                enhanced_pool, self.left_kernel, strides=[1, 1, 1, 1], padding="SAME"
            )
            d_enhanced_right = tf.nn.conv2d(
                enhanced_pool, self.right_kernel, strides=[1, 1, 1, 1], padding="SAME"
            )
            d_enhanced_up = tf.nn.conv2d(
                enhanced_pool, self.up_kernel, strides=[1, 1, 1, 1], padding="SAME"
            )
            d_enhanced_down = tf.nn.conv2d(
                enhanced_pool, self.down_kernel, strides=[1, 1, 1, 1], padding="SAME"
            )

            d_left = tf.square(d_original_left - d_enhanced_left)
            d_right = tf.square(d_original_right - d_enhanced_right)
            d_up = tf.square(d_original_up - d_enhanced_up)
            d_down = tf.square(d_original_down - d_enhanced_down)
            return d_left + d_right + d_up + d_down

    class ZeroDCE(keras.Model):
        def __init__(self, **kwargs):
            super(ZeroDCE, self).__init__(**kwargs)
            self.dce_model = build_dce_net()

        def compile(self, learning_rate, **kwargs):
            super(ZeroDCE, self).compile(**kwargs)
            self.optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
            self.spatial_constancy_loss = SpatialConsistencyLoss(reduction="none")

        def get_enhanced_image(self, data, output):
            r1 = output[:, :, :, :3]
            r2 = output[:, :, :, 3:6]
            r3 = output[:, :, :, 6:9]
            r4 = output[:, :, :, 9:12]
            r5 = output[:, :, :, 12:15]
            r6 = output[:, :, :, 15:18]
            r7 = output[:, :, :, 18:21]
            r8 = output[:, :, :, 21:24]
            x = data + r1 * (tf.square(data) - data)
            x = x + r2 * (tf.square(x) - x)
            x = x + r3 * (tf.square(x) - x)
            enhanced_image = x + r4 * (tf.square(x) - x)
            x = enhanced_image + r5 * (tf.square(enhanced_image) - enhanced_image)
            x = x + r6 * (tf.square(x) - x)
            x = x + r7 * (tf.square(x) - x)
            enhanced_image = x + r8 * (tf.square(x) - x)
            return enhanced_image

        def call(self, data):
            dce_net_output = self.dce_model(data)
            return self.get_enhanced_image(data, dce_net_output)

        def compute_losses(self, data, output):
            enhanced_image = self.get_enhanced_image(data, output)
            loss_illumination = 200 * illumination_smoothness_loss(output)
            loss_spatial_constancy = tf.reduce_mean(
                self.spatial_constancy_loss(enhanced_image, data)
            )
            loss_color_constancy = 5 * tf.reduce_mean(color_constancy_loss(enhanced_image))
            loss_exposure = 10 * tf.reduce_mean(exposure_loss(enhanced_image))
            total_loss = (
                loss_illumination + loss_spatial_constancy + loss_color_constancy + loss_exposure
            )
            return {
                "total_loss": total_loss,
                "illumination_smoothness_loss": loss_illumination,
                "spatial_constancy_loss": loss_spatial_constancy,
                "color_constancy_loss": loss_color_constancy,
                "exposure_loss": loss_exposure,
            }

        def train_step(self, data):
            with tf.GradientTape() as tape:
                output = self.dce_model(data)
                losses = self.compute_losses(data, output)
            gradients = tape.gradient(losses["total_loss"], self.dce_model.trainable_weights)
            self.optimizer.apply_gradients(zip(gradients, self.dce_model.trainable_weights))
            return losses

        def test_step(self, data):
            output = self.dce_model(data)
            return self.compute_losses(data, output)

    zero_dce_model = ZeroDCE()
    _init(zero_dce_model.dce_model, seed=94)
    result = {"summary": _summary(zero_dce_model.dce_model)}
    zero_dce_model.compile(learning_rate=1e-3)  # (1e-4)
    history = zero_dce_model.fit(
        train_images,  # (train_dataset: batches of BATCH_SIZE images, in order)
        batch_size=BATCH_SIZE,
        shuffle=False,
        validation_data=(val_images,),  # (val_dataset)
        epochs=2,  # (100)
        verbose=0,
    )
    result["history"] = _hist(history)
    result["optimizer_iterations"] = int(zero_dce_model.optimizer.iterations)
    # (infer: an image scaled to [0, 1], a batch of one)
    output_image = zero_dce_model(np.expand_dims(val_images[0], axis=0))
    result["enhanced"] = _f(np.asarray(output_image)[0, :3, :3, :])
    result["last_kernel"] = _f(np.asarray(zero_dce_model.dce_model.weights[-2])[0, 0, 0, :6])
    return result


# ---- vision/shiftvit.py (a subclassed model with its own train_step / test_step over
# tf.keras's deprecated `compiled_loss` / `compiled_metrics`, gradients of a nested list of
# layers' variables, stages of layers made in `build`, channel shifts by tf.split / crop /
# pad, a LearningRateSchedule subclass of tf.where / tf.cos for AdamW, EarlyStopping) -----


@tf_scenario
def shiftvit(keras):
    tf = _tf(keras)
    layers = keras.layers

    class Config(object):
        # DATA
        batch_size = 8  # (256)
        buffer_size = batch_size * 2
        input_shape = (8, 8, 3)  # ((32, 32, 3))
        num_classes = 10

        # AUGMENTATION
        image_size = 16  # (48)

        # ARCHITECTURE
        patch_size = 2  # (4)
        projected_dim = 8  # (96)
        num_shift_blocks_per_stages = [1, 2, 1]  # ([2, 4, 8, 2])
        epsilon = 1e-5
        stochastic_depth_rate = 0.0  # (0.2)
        mlp_dropout_rate = 0.0  # (0.2)
        num_div = 2  # (12)
        shift_pixel = 1
        mlp_expand_ratio = 2

        # OPTIMIZER
        lr_start = 1e-5
        lr_max = 1e-3
        weight_decay = 1e-4

        # TRAINING
        epochs = 3  # (100)

    config = Config()

    # (keras.datasets.cifar10.load_data(): synthetic CIFAR-like uint8 images; the tf.data
    # pipelines batch them in order, unshuffled)
    x_all, y_all = _images(44, size=8, num_classes=10, seed=95)
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = (
        (x_all[:32], y_all[:32]),
        (x_all[32:40], y_all[32:40]),
        (x_all[40:], y_all[40:]),
    )

    def get_augmentation_model():
        """Build the data augmentation model."""
        data_augmentation = keras.Sequential(
            [
                # (Resizing to input_shape + 20, then RandomCrop(image_size) and RandomFlip)
                layers.Resizing(config.image_size, config.image_size),
                layers.Rescaling(1 / 255.0),
            ]
        )
        return data_augmentation

    class MLP(layers.Layer):
        def __init__(self, mlp_expand_ratio, mlp_dropout_rate, **kwargs):
            super().__init__(**kwargs)
            self.mlp_expand_ratio = mlp_expand_ratio
            self.mlp_dropout_rate = mlp_dropout_rate

        def build(self, input_shape):
            input_channels = input_shape[-1]
            initial_filters = int(self.mlp_expand_ratio * input_channels)

            self.mlp = keras.Sequential(
                [
                    layers.Dense(
                        units=initial_filters,
                        activation=tf.nn.gelu,
                    ),
                    layers.Dropout(rate=self.mlp_dropout_rate),
                    layers.Dense(units=input_channels),
                    layers.Dropout(rate=self.mlp_dropout_rate),
                ]
            )

        def call(self, x):
            x = self.mlp(x)
            return x

    class DropPath(layers.Layer):
        def __init__(self, drop_path_prob, **kwargs):
            super().__init__(**kwargs)
            self.drop_path_prob = drop_path_prob

        def call(self, x, training=False):
            if training:
                keep_prob = 1 - self.drop_path_prob
                shape = (tf.shape(x)[0],) + (1,) * (len(x.shape) - 1)
                random_tensor = keep_prob + tf.random.uniform(shape, 0, 1)
                random_tensor = tf.floor(random_tensor)
                return (x / keep_prob) * random_tensor
            return x

    class ShiftViTBlock(layers.Layer):
        def __init__(
            self,
            epsilon,
            drop_path_prob,
            mlp_dropout_rate,
            num_div=12,
            shift_pixel=1,
            mlp_expand_ratio=2,
            **kwargs,
        ):
            super().__init__(**kwargs)
            self.shift_pixel = shift_pixel
            self.mlp_expand_ratio = mlp_expand_ratio
            self.mlp_dropout_rate = mlp_dropout_rate
            self.num_div = num_div
            self.epsilon = epsilon
            self.drop_path_prob = drop_path_prob

        def build(self, input_shape):
            self.H = input_shape[1]
            self.W = input_shape[2]
            self.C = input_shape[3]
            self.layer_norm = layers.LayerNormalization(epsilon=self.epsilon)
            self.drop_path = (
                DropPath(drop_path_prob=self.drop_path_prob)
                if self.drop_path_prob > 0.0
                else layers.Activation("linear")
            )
            self.mlp = MLP(
                mlp_expand_ratio=self.mlp_expand_ratio,
                mlp_dropout_rate=self.mlp_dropout_rate,
            )

        def get_shift_pad(self, x, mode):
            """Shifts the channels according to the mode chosen."""
            if mode == "left":
                offset_height = 0
                offset_width = 0
                target_height = 0
                target_width = self.shift_pixel
            elif mode == "right":
                offset_height = 0
                offset_width = self.shift_pixel
                target_height = 0
                target_width = self.shift_pixel
            elif mode == "up":
                offset_height = 0
                offset_width = 0
                target_height = self.shift_pixel
                target_width = 0
            else:
                offset_height = self.shift_pixel
                offset_width = 0
                target_height = self.shift_pixel
                target_width = 0
            crop = tf.image.crop_to_bounding_box(
                x,
                offset_height=offset_height,
                offset_width=offset_width,
                target_height=self.H - target_height,
                target_width=self.W - target_width,
            )
            shift_pad = tf.image.pad_to_bounding_box(
                crop,
                offset_height=offset_height,
                offset_width=offset_width,
                target_height=self.H,
                target_width=self.W,
            )
            return shift_pad

        def call(self, x, training=False):
            # Split the feature maps
            x_splits = tf.split(x, num_or_size_splits=self.C // self.num_div, axis=-1)

            # Shift the feature maps
            x_splits[0] = self.get_shift_pad(x_splits[0], mode="left")
            x_splits[1] = self.get_shift_pad(x_splits[1], mode="right")
            x_splits[2] = self.get_shift_pad(x_splits[2], mode="up")
            x_splits[3] = self.get_shift_pad(x_splits[3], mode="down")

            # Concatenate the shifted and unshifted feature maps
            x = tf.concat(x_splits, axis=-1)

            # Add the residual connection
            shortcut = x
            x = shortcut + self.drop_path(self.mlp(self.layer_norm(x)), training=training)
            return x

    class PatchMerging(layers.Layer):
        def __init__(self, epsilon, **kwargs):
            super().__init__(**kwargs)
            self.epsilon = epsilon

        def build(self, input_shape):
            filters = 2 * input_shape[-1]
            self.reduction = layers.Conv2D(
                filters=filters, kernel_size=2, strides=2, padding="same", use_bias=False
            )
            self.layer_norm = layers.LayerNormalization(epsilon=self.epsilon)

        def call(self, x):
            # Apply the patch merging algorithm on the feature maps
            x = self.layer_norm(x)
            x = self.reduction(x)
            return x

    class StackedShiftBlocks(layers.Layer):
        def __init__(
            self,
            epsilon,
            mlp_dropout_rate,
            num_shift_blocks,
            stochastic_depth_rate,
            is_merge,
            num_div=12,
            shift_pixel=1,
            mlp_expand_ratio=2,
            **kwargs,
        ):
            super().__init__(**kwargs)
            self.epsilon = epsilon
            self.mlp_dropout_rate = mlp_dropout_rate
            self.num_shift_blocks = num_shift_blocks
            self.stochastic_depth_rate = stochastic_depth_rate
            self.is_merge = is_merge
            self.num_div = num_div
            self.shift_pixel = shift_pixel
            self.mlp_expand_ratio = mlp_expand_ratio

        def build(self, input_shapes):
            # Calculate stochastic depth probabilities.
            # Reference: https://keras.io/examples/vision/cct/#the-final-cct-model
            dpr = [
                x
                for x in np.linspace(
                    start=0, stop=self.stochastic_depth_rate, num=self.num_shift_blocks
                )
            ]

            # Build the shift blocks as a list of ShiftViT Blocks
            self.shift_blocks = list()
            for num in range(self.num_shift_blocks):
                self.shift_blocks.append(
                    ShiftViTBlock(
                        num_div=self.num_div,
                        epsilon=self.epsilon,
                        drop_path_prob=dpr[num],
                        mlp_dropout_rate=self.mlp_dropout_rate,
                        shift_pixel=self.shift_pixel,
                        mlp_expand_ratio=self.mlp_expand_ratio,
                    )
                )
            if self.is_merge:
                self.patch_merge = PatchMerging(epsilon=self.epsilon)

        def call(self, x, training=False):
            for shift_block in self.shift_blocks:
                x = shift_block(x, training=training)
            if self.is_merge:
                x = self.patch_merge(x)
            return x

    class ShiftViTModel(keras.Model):
        def __init__(
            self,
            data_augmentation,
            projected_dim,
            patch_size,
            num_shift_blocks_per_stages,
            epsilon,
            mlp_dropout_rate,
            stochastic_depth_rate,
            num_div=12,
            shift_pixel=1,
            mlp_expand_ratio=2,
            **kwargs,
        ):
            super().__init__(**kwargs)
            self.data_augmentation = data_augmentation
            self.patch_projection = layers.Conv2D(
                filters=projected_dim,
                kernel_size=patch_size,
                strides=patch_size,
                padding="same",
            )
            self.stages = list()
            for index, num_shift_blocks in enumerate(num_shift_blocks_per_stages):
                if index == len(num_shift_blocks_per_stages) - 1:
                    # This is the last stage, do not use the patch merge here.
                    is_merge = False
                else:
                    is_merge = True
                # Build the stages.
                self.stages.append(
                    StackedShiftBlocks(
                        epsilon=epsilon,
                        mlp_dropout_rate=mlp_dropout_rate,
                        num_shift_blocks=num_shift_blocks,
                        stochastic_depth_rate=stochastic_depth_rate,
                        is_merge=is_merge,
                        num_div=num_div,
                        shift_pixel=shift_pixel,
                        mlp_expand_ratio=mlp_expand_ratio,
                    )
                )
            self.global_avg_pool = layers.GlobalAveragePooling2D()

            self.classifier = layers.Dense(config.num_classes)

        def _calculate_loss(self, data, training=False):
            (images, labels) = data

            # Augment the images
            augmented_images = self.data_augmentation(images, training=training)

            # Create patches and project the pathces.
            projected_patches = self.patch_projection(augmented_images)

            # Pass through the stages
            x = projected_patches
            for stage in self.stages:
                x = stage(x, training=training)

            # Get the logits.
            x = self.global_avg_pool(x)
            logits = self.classifier(x)

            # Calculate the loss and return it.
            total_loss = self.compiled_loss(labels, logits)
            return total_loss, labels, logits

        def train_step(self, inputs):
            with tf.GradientTape() as tape:
                total_loss, labels, logits = self._calculate_loss(data=inputs, training=True)

            # Apply gradients.
            train_vars = [
                self.data_augmentation.trainable_variables,
                self.patch_projection.trainable_variables,
                self.global_avg_pool.trainable_variables,
                self.classifier.trainable_variables,
            ]
            train_vars = train_vars + [stage.trainable_variables for stage in self.stages]

            # Optimize the gradients.
            grads = tape.gradient(total_loss, train_vars)
            trainable_variable_list = []
            for grad, var in zip(grads, train_vars):
                for g, v in zip(grad, var):
                    trainable_variable_list.append((g, v))
            self.optimizer.apply_gradients(trainable_variable_list)

            # Update the metrics
            self.compiled_metrics.update_state(labels, logits)
            return {m.name: m.result() for m in self.metrics}

        def test_step(self, data):
            _, labels, logits = self._calculate_loss(data=data, training=False)

            # Update the metrics
            self.compiled_metrics.update_state(labels, logits)
            return {m.name: m.result() for m in self.metrics}

        def call(self, images):
            augmented_images = self.data_augmentation(images)
            x = self.patch_projection(augmented_images)
            for stage in self.stages:
                x = stage(x, training=False)
            x = self.global_avg_pool(x)
            logits = self.classifier(x)
            return logits

    model = ShiftViTModel(
        data_augmentation=get_augmentation_model(),
        projected_dim=config.projected_dim,
        patch_size=config.patch_size,
        num_shift_blocks_per_stages=config.num_shift_blocks_per_stages,
        epsilon=config.epsilon,
        mlp_dropout_rate=config.mlp_dropout_rate,
        stochastic_depth_rate=config.stochastic_depth_rate,
        num_div=config.num_div,
        shift_pixel=config.shift_pixel,
        mlp_expand_ratio=config.mlp_expand_ratio,
    )

    class WarmUpCosine(keras.optimizers.schedules.LearningRateSchedule):
        """A LearningRateSchedule that uses a warmup cosine decay schedule."""

        def __init__(self, lr_start, lr_max, warmup_steps, total_steps):
            super().__init__()
            self.lr_start = lr_start
            self.lr_max = lr_max
            self.warmup_steps = warmup_steps
            self.total_steps = total_steps
            self.pi = tf.constant(np.pi)

        def __call__(self, step):
            # Check whether the total number of steps is larger than the warmup
            # steps. If not, then throw a value error.
            if self.total_steps < self.warmup_steps:
                raise ValueError(
                    f"Total number of steps {self.total_steps} must be"
                    + f"larger or equal to warmup steps {self.warmup_steps}."
                )

            # `cos_annealed_lr` is a graph that increases to 1 from the initial
            # step to the warmup step. After that this graph decays to -1 at the
            # final step mark.
            cos_annealed_lr = tf.cos(
                self.pi
                * (tf.cast(step, tf.float32) - self.warmup_steps)
                / tf.cast(self.total_steps - self.warmup_steps, tf.float32)
            )

            # Shift the mean of the `cos_annealed_lr` graph to 1. Now the grpah goes
            # from 0 to 2. Normalize the graph with 0.5 so that now it goes from 0
            # to 1. With the normalized graph we scale it with `lr_max` such that
            # it goes from 0 to `lr_max`
            learning_rate = 0.5 * self.lr_max * (1 + cos_annealed_lr)

            # Check whether warmup_steps is more than 0.
            if self.warmup_steps > 0:
                # Check whether lr_max is larger that lr_start. If not, throw a value
                # error.
                if self.lr_max < self.lr_start:
                    raise ValueError(
                        f"lr_start {self.lr_start} must be smaller or"
                        + f"equal to lr_max {self.lr_max}."
                    )

                # Calculate the slope with which the learning rate should increase
                # in the warumup schedule. The formula for slope is m = ((b-a)/steps)
                slope = (self.lr_max - self.lr_start) / self.warmup_steps

                # With the formula for a straight line (y = mx+c) build the warmup
                # schedule
                warmup_rate = slope * tf.cast(step, tf.float32) + self.lr_start

                # When the current step is lesser that warmup steps, get the line
                # graph. When the current step is greater than the warmup steps, get
                # the scaled cos graph.
                learning_rate = tf.where(step < self.warmup_steps, warmup_rate, learning_rate)

            # When the current step is more that the total steps, return 0 else return
            # the calculated graph.
            return tf.where(step > self.total_steps, 0.0, learning_rate, name="learning_rate")

        def get_config(self):
            config = {
                "lr_start": self.lr_start,
                "lr_max": self.lr_max,
                "total_steps": self.total_steps,
                "warmup_steps": self.warmup_steps,
            }
            return config

    # pass sample data to the model so that input shape is available at the time of
    # saving the model
    sample_ds, _ = x_train[: config.batch_size], y_train[: config.batch_size]  # (next(iter))
    model(sample_ds, training=False)
    _init(model, seed=96)
    result = {
        "summary": _summary(model),
        "logits_before": _f(model(x_test, training=False)),
    }

    # Get the total number of steps for training.
    total_steps = int((len(x_train) / config.batch_size) * config.epochs)

    # Calculate the number of steps for warmup.
    warmup_epoch_percentage = 0.15
    warmup_steps = int(total_steps * warmup_epoch_percentage)

    # Initialize the warmupcosine schedule.
    scheduled_lrs = WarmUpCosine(
        lr_start=1e-5,
        lr_max=1e-3,
        warmup_steps=warmup_steps,
        total_steps=total_steps,
    )
    result["lrs"] = _f([float(scheduled_lrs(step)) for step in range(total_steps + 2)])

    # Get the optimizer.
    optimizer = keras.optimizers.AdamW(
        learning_rate=scheduled_lrs, weight_decay=config.weight_decay
    )

    # Compile and pretrain the model.
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[
            keras.metrics.SparseCategoricalAccuracy(name="accuracy"),
            keras.metrics.SparseTopKCategoricalAccuracy(5, name="top-5-accuracy"),
        ],
    )

    # Train the model
    history = model.fit(
        x_train,
        y_train,  # (train_ds)
        batch_size=config.batch_size,
        shuffle=False,
        verbose=0,
        epochs=config.epochs,
        validation_data=(x_val, y_val),  # (val_ds)
        callbacks=[
            keras.callbacks.EarlyStopping(
                monitor="val_accuracy",
                patience=5,
                mode="auto",
            )
        ],
    )
    result["history"] = _hist(history)

    # Evaluate the model with the test dataset.
    loss, acc_top1, acc_top5 = model.evaluate(
        x_test, y_test, batch_size=config.batch_size, verbose=0
    )
    result["test"] = _f([loss, acc_top1, acc_top5])
    result["metric_names"] = [m.name for m in model.metrics]
    result["logits_after"] = _f(model.predict(x_test, verbose=0))
    return result


# ---- vision/perceiver_image_classification.py (keras.io's Keras 3 version: a subclassed
# model whose build makes a latent weight and two functional sub-models, one of dict inputs
# called on a batch-of-one latent array beside a batch of data arrays, both called
# repeatedly with shared weights; Attention broadcasting its query's batch; ReduceLROnPlateau
# and EarlyStopping restoring the best weights) -----------------------------------------


@SCENARIOS.scenario
def perceiver_image_classification(keras):
    layers, ops, activations = keras.layers, keras.ops, keras.activations

    num_classes = 10  # (100)
    input_shape = (8, 8, 3)  # ((32, 32, 3))

    # (keras.datasets.cifar100.load_data(): synthetic CIFAR-like uint8 images)
    x_all, y_all = _images(44, size=8, num_classes=num_classes, seed=97)
    (x_train, y_train), (x_test, y_test) = (x_all[:40], y_all[:40]), (x_all[40:], y_all[40:])

    learning_rate = 0.001
    weight_decay = 0.0001
    batch_size = 8  # (64)
    num_epochs = 3  # (2, and 50 in the text)
    dropout_rate = 0.0  # (0.2)
    image_size = 8  # We'll resize input images to this size. (64)
    patch_size = 2  # Size of the patches to be extract from the input images.
    num_patches = (image_size // patch_size) ** 2  # Size of the data array.
    latent_dim = 4  # Size of the latent array. (256)
    projection_dim = 8  # Embedding size of each element in the data and latent arrays. (256)
    num_heads = 2  # Number of Transformer heads. (8)
    ffn_units = [
        projection_dim,
        projection_dim,
    ]  # Size of the Transformer Feedforward network.
    num_transformer_blocks = 1  # (4)
    num_iterations = 2  # Repetitions of the cross-attention and Transformer modules.
    classifier_units = [
        projection_dim,
        num_classes,
    ]  # Size of the Feedforward network of the final classifier.

    data_augmentation = keras.Sequential(
        [
            layers.Normalization(),
            layers.Resizing(image_size, image_size),
            # (RandomFlip("horizontal") and RandomZoom(0.2, 0.2) left out)
        ],
        name="data_augmentation",
    )
    # Compute the mean and the variance of the training data for normalization.
    data_augmentation.layers[0].adapt(x_train)

    def create_ffn(hidden_units, dropout_rate):
        ffn_layers = []
        for units in hidden_units[:-1]:
            ffn_layers.append(layers.Dense(units, activation=activations.gelu))

        ffn_layers.append(layers.Dense(units=hidden_units[-1]))
        ffn_layers.append(layers.Dropout(dropout_rate))

        ffn = keras.Sequential(ffn_layers)
        return ffn

    class Patches(layers.Layer):
        def __init__(self, patch_size):
            super().__init__()
            self.patch_size = patch_size

        def call(self, images):
            batch_size = ops.shape(images)[0]
            patches = ops.image.extract_patches(
                images=images,  # (image=: the argument's name before Keras 3.8)
                size=(self.patch_size, self.patch_size),
                strides=(self.patch_size, self.patch_size),
                dilation_rate=1,
                padding="valid",
            )
            patch_dims = patches.shape[-1]
            patches = ops.reshape(patches, [batch_size, -1, patch_dims])
            return patches

    class PatchEncoder(layers.Layer):
        def __init__(self, num_patches, projection_dim):
            super().__init__()
            self.num_patches = num_patches
            self.projection = layers.Dense(units=projection_dim)
            self.position_embedding = layers.Embedding(
                input_dim=num_patches, output_dim=projection_dim
            )

        def call(self, patches):
            positions = ops.arange(start=0, stop=self.num_patches, step=1)
            encoded = self.projection(patches) + self.position_embedding(positions)
            return encoded

    def create_cross_attention_module(
        latent_dim, data_dim, projection_dim, ffn_units, dropout_rate
    ):
        inputs = {
            # Recieve the latent array as an input of shape [1, latent_dim, projection_dim].
            "latent_array": layers.Input(shape=(latent_dim, projection_dim), name="latent_array"),
            # Recieve the data_array (encoded image) as an input of shape [batch_size, data_dim, projection_dim].
            "data_array": layers.Input(shape=(data_dim, projection_dim), name="data_array"),
        }

        # Apply layer norm to the inputs
        latent_array = layers.LayerNormalization(epsilon=1e-6)(inputs["latent_array"])
        data_array = layers.LayerNormalization(epsilon=1e-6)(inputs["data_array"])

        # Create query tensor: [1, latent_dim, projection_dim].
        query = layers.Dense(units=projection_dim)(latent_array)
        # Create key tensor: [batch_size, data_dim, projection_dim].
        key = layers.Dense(units=projection_dim)(data_array)
        # Create value tensor: [batch_size, data_dim, projection_dim].
        value = layers.Dense(units=projection_dim)(data_array)

        # Generate cross-attention outputs: [batch_size, latent_dim, projection_dim].
        attention_output = layers.Attention(use_scale=True, dropout=0.0)(  # (0.1)
            [query, key, value], return_attention_scores=False
        )
        # Skip connection 1.
        attention_output = layers.Add()([attention_output, latent_array])

        # Apply layer norm.
        attention_output = layers.LayerNormalization(epsilon=1e-6)(attention_output)
        # Apply Feedforward network.
        ffn = create_ffn(hidden_units=ffn_units, dropout_rate=dropout_rate)
        outputs = ffn(attention_output)
        # Skip connection 2.
        outputs = layers.Add()([outputs, attention_output])

        # Create the Keras model.
        model = keras.Model(inputs=inputs, outputs=outputs)
        return model

    def create_transformer_module(
        latent_dim,
        projection_dim,
        num_heads,
        num_transformer_blocks,
        ffn_units,
        dropout_rate,
    ):
        # input_shape: [1, latent_dim, projection_dim]
        inputs = layers.Input(shape=(latent_dim, projection_dim))

        x0 = inputs
        # Create multiple layers of the Transformer block.
        for _ in range(num_transformer_blocks):
            # Apply layer normalization 1.
            x1 = layers.LayerNormalization(epsilon=1e-6)(x0)
            # Create a multi-head self-attention layer.
            attention_output = layers.MultiHeadAttention(
                num_heads=num_heads,
                key_dim=projection_dim,
                dropout=0.0,  # (0.1)
            )(x1, x1)
            # Skip connection 1.
            x2 = layers.Add()([attention_output, x0])
            # Apply layer normalization 2.
            x3 = layers.LayerNormalization(epsilon=1e-6)(x2)
            # Apply Feedforward network.
            ffn = create_ffn(hidden_units=ffn_units, dropout_rate=dropout_rate)
            x3 = ffn(x3)
            # Skip connection 2.
            x0 = layers.Add()([x3, x2])

        # Create the Keras model.
        model = keras.Model(inputs=inputs, outputs=x0)
        return model

    class Perceiver(keras.Model):
        def __init__(
            self,
            patch_size,
            data_dim,
            latent_dim,
            projection_dim,
            num_heads,
            num_transformer_blocks,
            ffn_units,
            dropout_rate,
            num_iterations,
            classifier_units,
        ):
            super().__init__()

            self.latent_dim = latent_dim
            self.data_dim = data_dim
            self.patch_size = patch_size
            self.projection_dim = projection_dim
            self.num_heads = num_heads
            self.num_transformer_blocks = num_transformer_blocks
            self.ffn_units = ffn_units
            self.dropout_rate = dropout_rate
            self.num_iterations = num_iterations
            self.classifier_units = classifier_units

        def build(self, input_shape):
            # Create latent array.
            self.latent_array = self.add_weight(
                shape=(self.latent_dim, self.projection_dim),
                initializer="random_normal",
                trainable=True,
            )

            # Create patching module.
            # (the Keras 3 version lost this line, which its call needs: the TensorFlow
            # version's)
            self.patcher = Patches(self.patch_size)

            self.patch_encoder = PatchEncoder(self.data_dim, self.projection_dim)

            # Create cross-attenion module.
            self.cross_attention = create_cross_attention_module(
                self.latent_dim,
                self.data_dim,
                self.projection_dim,
                self.ffn_units,
                self.dropout_rate,
            )

            # Create Transformer module.
            self.transformer = create_transformer_module(
                self.latent_dim,
                self.projection_dim,
                self.num_heads,
                self.num_transformer_blocks,
                self.ffn_units,
                self.dropout_rate,
            )

            # Create global average pooling layer.
            self.global_average_pooling = layers.GlobalAveragePooling1D()

            # Create a classification head.
            self.classification_head = create_ffn(
                hidden_units=self.classifier_units, dropout_rate=self.dropout_rate
            )

            super().build(input_shape)

        def call(self, inputs):
            # Augment data.
            augmented = data_augmentation(inputs)
            # Create patches.
            patches = self.patcher(augmented)
            # Encode patches.
            encoded_patches = self.patch_encoder(patches)
            # Prepare cross-attention inputs.
            cross_attention_inputs = {
                "latent_array": ops.expand_dims(self.latent_array, 0),
                "data_array": encoded_patches,
            }
            # Apply the cross-attention and the Transformer modules iteratively.
            for _ in range(self.num_iterations):
                # Apply cross-attention from the latent array to the data array.
                latent_array = self.cross_attention(cross_attention_inputs)
                # Apply self-attention Transformer to the latent array.
                latent_array = self.transformer(latent_array)
                # Set the latent array of the next iteration.
                cross_attention_inputs["latent_array"] = latent_array

            # Apply global average pooling to generate a [batch_size, projection_dim] repesentation tensor.
            representation = self.global_average_pooling(latent_array)
            # Generate logits.
            logits = self.classification_head(representation)
            return logits

    result = {}

    def run_experiment(model):
        # Create ADAM instead of LAMB optimizer with weight decay. (LAMB isn't supported yet)
        optimizer = keras.optimizers.Adam(learning_rate=learning_rate)

        # Compile the model.
        model.compile(
            optimizer=optimizer,
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=[
                keras.metrics.SparseCategoricalAccuracy(name="acc"),
                keras.metrics.SparseTopKCategoricalAccuracy(5, name="top5-acc"),
            ],
        )

        # Create a learning rate scheduler callback.
        reduce_lr = keras.callbacks.ReduceLROnPlateau(
            monitor="val_loss",
            factor=0.2,
            patience=1,  # (3)
        )

        # Create an early stopping callback.
        early_stopping = keras.callbacks.EarlyStopping(
            monitor="val_loss",
            patience=15,
            restore_best_weights=True,
        )

        # Fit the model.
        history = model.fit(
            x=x_train,
            y=y_train,
            batch_size=batch_size,
            epochs=num_epochs,
            validation_split=0.1,
            callbacks=[early_stopping, reduce_lr],
            shuffle=False,  # (each epoch's random order: in order here)
            verbose=0,
        )

        _, accuracy, top_5_accuracy = model.evaluate(x_test, y_test, verbose=0)
        result["test"] = _f([accuracy, top_5_accuracy])

        # Return history to plot learning curves.
        return history

    perceiver_classifier = Perceiver(
        patch_size,
        num_patches,
        latent_dim,
        projection_dim,
        num_heads,
        num_transformer_blocks,
        ffn_units,
        dropout_rate,
        num_iterations,
        classifier_units,
    )
    perceiver_classifier(x_train[:2])  # (built here, so its weights can be drawn first)
    _init(perceiver_classifier, seed=98)
    result["summary"] = _summary(perceiver_classifier)
    result["cross_attention_summary"] = _summary(perceiver_classifier.cross_attention)
    result["logits_before"] = _f(ops.convert_to_numpy(perceiver_classifier(x_test)))

    history = run_experiment(perceiver_classifier)
    result["history"] = _hist(history)
    result["logits_after"] = _f(perceiver_classifier.predict(x_test, verbose=0))
    return result


# ---- vision/vivit.py (a video transformer: Conv3D tubelets reshaped to tokens, positions
# of a tf.range made in `build`, float labels for the sparse cross-entropy) -------------


@tf_scenario
def vivit(keras):
    tf = _tf(keras)
    layers = keras.layers

    # DATA
    BATCH_SIZE = 8  # (32)
    INPUT_SHAPE = (8, 8, 8, 1)  # ((28, 28, 28, 1))
    NUM_CLASSES = 11

    # OPTIMIZER
    LEARNING_RATE = 1e-3  # (1e-4)
    WEIGHT_DECAY = 1e-5

    # TRAINING
    EPOCHS = 2  # (60)

    # TUBELET EMBEDDING
    PATCH_SIZE = (4, 4, 4)  # ((8, 8, 8))
    NUM_PATCHES = (INPUT_SHAPE[0] // PATCH_SIZE[0]) ** 2

    # ViViT ARCHITECTURE
    LAYER_NORM_EPS = 1e-6
    PROJECTION_DIM = 8  # (128)
    NUM_HEADS = 2  # (8)
    NUM_LAYERS = 2  # (8)

    # (medmnist's organmnist3d: synthetic uint8 volumes of its shape, a blob placed by the
    # label; the tf.data pipeline's preprocess (frames[..., tf.newaxis] by
    # tf.image.convert_image_dtype to float32 in [0, 1], labels cast to float32) in NumPy,
    # batches in order)
    draws = np.random.default_rng(101)

    def videos_of(n):
        labels = draws.integers(0, NUM_CLASSES, n)
        grid = np.indices(INPUT_SHAPE[:3]).transpose(1, 2, 3, 0)
        videos = []
        for label in labels:
            center = np.array([label % 3 * 3 + 1, label // 3 % 3 * 3 + 1, label % 4 * 2 + 1])
            blob = np.exp(-((grid - center) ** 2).sum(-1) / 6.0)
            videos.append(np.clip(blob * 230 + draws.normal(0, 15, blob.shape), 0, 255))
        frames = (np.stack(videos)[..., np.newaxis] / 255.0).astype("float32")
        return frames, labels.astype("float32")

    (train_videos, train_labels), (valid_videos, valid_labels), (test_videos, test_labels) = (
        videos_of(24),
        videos_of(8),
        videos_of(8),
    )

    class TubeletEmbedding(layers.Layer):
        def __init__(self, embed_dim, patch_size, **kwargs):
            super().__init__(**kwargs)
            self.projection = layers.Conv3D(
                filters=embed_dim,
                kernel_size=patch_size,
                strides=patch_size,
                padding="VALID",
            )
            self.flatten = layers.Reshape(target_shape=(-1, embed_dim))

        def call(self, videos):
            projected_patches = self.projection(videos)
            flattened_patches = self.flatten(projected_patches)
            return flattened_patches

    class PositionalEncoder(layers.Layer):
        def __init__(self, embed_dim, **kwargs):
            super().__init__(**kwargs)
            self.embed_dim = embed_dim

        def build(self, input_shape):
            _, num_tokens, _ = input_shape
            self.position_embedding = layers.Embedding(
                input_dim=num_tokens, output_dim=self.embed_dim
            )
            self.positions = tf.range(start=0, limit=num_tokens, delta=1)

        def call(self, encoded_tokens):
            # Encode the positions and add it to the encoded tokens
            encoded_positions = self.position_embedding(self.positions)
            encoded_tokens = encoded_tokens + encoded_positions
            return encoded_tokens

    def create_vivit_classifier(
        tubelet_embedder,
        positional_encoder,
        input_shape=INPUT_SHAPE,
        transformer_layers=NUM_LAYERS,
        num_heads=NUM_HEADS,
        embed_dim=PROJECTION_DIM,
        layer_norm_eps=LAYER_NORM_EPS,
        num_classes=NUM_CLASSES,
    ):
        # Get the input layer
        inputs = layers.Input(shape=input_shape)
        # Create patches.
        patches = tubelet_embedder(inputs)
        # Encode patches.
        encoded_patches = positional_encoder(patches)

        # Create multiple layers of the Transformer block.
        for _ in range(transformer_layers):
            # Layer normalization and MHSA
            x1 = layers.LayerNormalization(epsilon=1e-6)(encoded_patches)
            attention_output = layers.MultiHeadAttention(
                num_heads=num_heads,
                key_dim=embed_dim // num_heads,
                dropout=0.0,  # (0.1)
            )(x1, x1)

            # Skip connection
            x2 = layers.Add()([attention_output, encoded_patches])

            # Layer Normalization and MLP
            x3 = layers.LayerNormalization(epsilon=1e-6)(x2)
            x3 = keras.Sequential(
                [
                    layers.Dense(units=embed_dim, activation=tf.nn.gelu),
                    layers.Dense(units=embed_dim, activation=tf.nn.gelu),
                ]
            )(x3)

            # Skip connection
            encoded_patches = layers.Add()([x3, x2])

        # Layer normalization and Global average pooling.
        representation = layers.LayerNormalization(epsilon=layer_norm_eps)(encoded_patches)
        representation = layers.GlobalAvgPool1D()(representation)

        # Classify outputs.
        outputs = layers.Dense(units=num_classes, activation="softmax")(representation)

        # Create the Keras model.
        model = keras.Model(inputs=inputs, outputs=outputs)
        return model

    result = {}

    def run_experiment():
        # Initialize model
        model = create_vivit_classifier(
            tubelet_embedder=TubeletEmbedding(embed_dim=PROJECTION_DIM, patch_size=PATCH_SIZE),
            positional_encoder=PositionalEncoder(embed_dim=PROJECTION_DIM),
        )
        _init(model, seed=102)
        result["summary"] = _summary(model)

        # Compile the model with the optimizer, loss function
        # and the metrics.
        optimizer = keras.optimizers.Adam(learning_rate=LEARNING_RATE)
        model.compile(
            optimizer=optimizer,
            loss="sparse_categorical_crossentropy",
            metrics=[
                keras.metrics.SparseCategoricalAccuracy(name="accuracy"),
                keras.metrics.SparseTopKCategoricalAccuracy(5, name="top-5-accuracy"),
            ],
        )

        # Train the model.
        history = model.fit(
            train_videos,
            train_labels,  # (trainloader)
            batch_size=BATCH_SIZE,
            shuffle=False,
            epochs=EPOCHS,
            validation_data=(valid_videos, valid_labels),  # (validloader)
            verbose=0,
        )
        result["history"] = _hist(history)

        _, accuracy, top_5_accuracy = model.evaluate(
            test_videos, test_labels, batch_size=BATCH_SIZE, verbose=0
        )
        result["test"] = _f([accuracy, top_5_accuracy])

        return model

    model = run_experiment()

    preds = []
    for i, (testsample, label) in enumerate(zip(test_videos[:3], test_labels[:3])):
        # Get model prediction
        output = model.predict(tf.expand_dims(testsample, axis=0), verbose=0)[0]
        pred = np.argmax(output, axis=0)
        preds.append(int(pred))
        result.setdefault("outputs", []).append(_f(output))
    result["preds"] = preds
    return result


# ---- focused cases of what the examples needed (each a numkeras fix, tested on its own) -


@SCENARIOS.scenario
def constant_mask_keyword(keras):
    """Swin's `self.attn(x_windows, mask=self.attn_mask)`: a user layer hands a variable
    it holds to an inner layer's call as `mask=`, in a model that trains."""
    layers, ops = keras.layers, keras.ops

    class Inner(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(4)

        def call(self, x, mask=None):
            y = self.dense(x)
            return y if mask is None else y + ops.cast(mask, "float32")

    class Outer(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = Inner()

        def build(self, input_shape):
            bias = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
            self.bias = keras.Variable(
                initializer=bias, shape=bias.shape, dtype="float32", trainable=False
            )

        def call(self, x):
            return self.inner(x, mask=self.bias)

    inputs = keras.Input((3, 4))
    outputs = layers.Dense(1)(layers.Flatten()(Outer()(inputs)))
    model = keras.Model(inputs, outputs)
    _init(model, seed=99)
    x = np.linspace(-1, 1, 6 * 12).reshape(6, 3, 4).astype("float32")
    before = _f(model.predict(x, verbose=0))
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    history = model.fit(
        x, np.arange(6.0).reshape(6, 1), batch_size=3, epochs=2, shuffle=False, verbose=0
    )
    return {
        "before": before,
        "history": _hist(history),
        "weights": [_f(w) for w in model.weights],
        "non_trainable": [w.path for w in model.non_trainable_weights],
    }


@SCENARIOS.scenario
def latent_cross_attention(keras):
    """The Perceiver's pattern: a subclassed model whose build ends with
    `super().build(input_shape)`, calling a functional model of dict inputs on a latent
    weight of batch 1 beside a batch of data, twice, through Attention and Add."""
    layers, ops = keras.layers, keras.ops

    inputs = {
        "latent": layers.Input((2, 4), name="latent"),
        "data": layers.Input((3, 4), name="data"),
    }
    latent = layers.LayerNormalization(epsilon=1e-6)(inputs["latent"])
    query = layers.Dense(4)(latent)
    key = layers.Dense(4)(inputs["data"])
    attention = layers.Attention(use_scale=True)([query, key, key])
    cross = keras.Model(inputs, layers.Add()([attention, latent]))

    class Latent(keras.Model):
        def build(self, input_shape):
            self.latent = self.add_weight(shape=(2, 4), initializer="random_normal")
            self.cross = cross
            self.head = layers.Dense(1)
            super().build(input_shape)

        def call(self, x):
            lat = ops.expand_dims(self.latent, 0)
            for _ in range(2):
                lat = self.cross({"latent": lat, "data": x})
            return self.head(ops.mean(lat, axis=1))

    model = Latent()
    x = np.linspace(-1, 1, 5 * 12).reshape(5, 3, 4).astype("float32")
    model(x[:1])
    _init(model, seed=100)
    direct = cross({"latent": x[:1, :2], "data": x})
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    history = model.fit(x, np.arange(5.0).reshape(5, 1), batch_size=5, epochs=2, verbose=0)
    return {
        "direct": _f(ops.convert_to_numpy(direct)),
        "history": _hist(history),
        "weights": [_f(w) for w in model.trainable_weights],
    }


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()
