"""Goldens for tests/examples/test_keras_io_examples_5.py: a fifth set of keras.io code
examples (keras-team/keras-io, examples/), not covered by make_keras_io_examples*.py or
make_keras_io_guides.py, each as a Keras 3 user runs it: the model and training code as
written, the imports aside, at a reduced size and on synthetic NumPy data of the dataset's
shapes and dtypes (in place of downloads and pretrained ImageNet models), with the
trainable weights drawn from a fixed RNG after building (the only changes, each noted
where it is made).

The interpretability examples take gradients with `tf.GradientTape`; their Keras 3 code
runs on the TensorFlow backend, which makes their goldens (/work/tfenv's Keras 3.15.1),
TensorFlow itself as `tf`. With numkeras the tape is numkeras's `GradientTape` (which
records eager Keras calls as TensorFlow's does), and the few `tf.*` functions the examples
call are their `keras.ops` counterparts (`_tf`).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the
test) returning JSON-able values.

Run (Keras 3.15.1 on JAX, then on TensorFlow (/work/tfenv's Keras 3) for the scenarios
that take gradients with tf.GradientTape or have string inputs; optionally only the
scenarios named):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_keras_io_examples_5.py
    KERAS_BACKEND=tensorflow /work/tfenv/bin/python scripts/goldens/make_keras_io_examples_5.py
"""

# (the examples' code as written: its unused settings and loop names kept)
# ruff: noqa: F841, B007

from __future__ import annotations

import math
import pathlib
import sys
import types
from functools import partial

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, scenario_script  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "keras_io_examples_5.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario
# (its goldens come from Keras's TensorFlow backend: tf.GradientTape, or string inputs,
# which only it takes)
tf_scenario = SCENARIOS.scenario_on("tensorflow")

# the helpers of the third set: summary lines, weights drawn from one RNG, rounding,
# History, synthetic images
_THIRD = scenario_script("make_keras_io_examples_3")
_summary, _init, _f, _hist, _images = (
    _THIRD._summary,
    _THIRD._init,
    _THIRD._f,
    _THIRD._hist,
    _THIRD._images,
)


def _tf(keras):
    """The `tf` functions the examples call: TensorFlow itself on Keras's TensorFlow
    backend, elsewhere their `keras.ops` counterparts (and the backend's tape)."""
    if keras.__name__ != "numkeras" and keras.backend.backend() == "tensorflow":
        import tensorflow

        return tensorflow
    ops = keras.ops

    def convert_to_tensor(value, dtype=None):
        if isinstance(value, list):  # (a list of tensors: stacked, as TensorFlow does)
            value = ops.stack(value)
        return ops.convert_to_tensor(value, dtype=dtype)

    return types.SimpleNamespace(
        GradientTape=keras.GradientTape,
        argmax=ops.argmax,
        reduce_mean=ops.mean,
        squeeze=ops.squeeze,
        maximum=ops.maximum,
        math=types.SimpleNamespace(reduce_max=ops.max),
        newaxis=None,
        cast=ops.cast,
        float32="float32",
        expand_dims=ops.expand_dims,
        convert_to_tensor=convert_to_tensor,
        transpose=ops.transpose,
        reshape=ops.reshape,
        shape=ops.shape,
        matmul=ops.matmul,
        reduce_sum=ops.sum,
        square=ops.square,
        pow=ops.power,
        concat=ops.concatenate,
        zeros=ops.zeros,
        Variable=keras.Variable,
        function=lambda fn: fn,  # (tf.function: compiles; numkeras runs it as it is)
    )


def _preprocess_input(x):
    """keras.applications.xception.preprocess_input ("tf" mode): pixels to [-1, 1]."""
    return np.asarray(x, "float32") / 127.5 - 1.0


def _xception_like(keras, img_size, num_classes=10):
    """A small convnet in place of the pretrained Xception, its last layers named as
    Xception's (`block14_sepconv2_act`, `avg_pool`, `predictions`)."""
    layers = keras.layers
    inputs = keras.Input(shape=img_size + (3,))
    x = layers.Conv2D(8, 3, strides=2, padding="same", use_bias=False, name="block1_conv1")(inputs)
    x = layers.BatchNormalization(name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.SeparableConv2D(16, 3, padding="same", use_bias=False, name="block14_sepconv2")(x)
    x = layers.BatchNormalization(name="block14_sepconv2_bn")(x)
    x = layers.Activation("relu", name="block14_sepconv2_act")(x)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    model = keras.Model(inputs, outputs, name="xception")
    _init(model, seed=11)
    return model


# ---- vision/grad_cam.py (a tape over a functional model's inner layer output) -----------


@tf_scenario
def grad_cam(keras):
    tf = _tf(keras)
    img_size = (16, 16)  # (299, 299)

    def model_builder(weights):  # (keras.applications.xception.Xception)
        return _xception_like(keras, img_size)

    preprocess_input = _preprocess_input
    last_conv_layer_name = "block14_sepconv2_act"

    def get_img_array(seed):  # (img_path, size: keras.utils.load_img of a download)
        x, _ = _images(1, size=img_size[0], channels=3, seed=seed)
        array = x.astype("float32")
        return array

    def make_gradcam_heatmap(img_array, model, last_conv_layer_name, pred_index=None):
        # First, we create a model that maps the input image to the activations
        # of the last conv layer as well as the output predictions
        grad_model = keras.models.Model(
            model.input, [model.get_layer(last_conv_layer_name).output, model.output]
        )

        # Then, we compute the gradient of the top predicted class for our input image
        # with respect to the activations of the last conv layer
        with tf.GradientTape() as tape:
            last_conv_layer_output, preds = grad_model(img_array)
            if pred_index is None:
                pred_index = tf.argmax(preds[0])
            class_channel = preds[:, pred_index]

        # This is the gradient of the output neuron (top predicted or chosen)
        # with regard to the output feature map of the last conv layer
        grads = tape.gradient(class_channel, last_conv_layer_output)

        # This is a vector where each entry is the mean intensity of the gradient
        # over a specific feature map channel
        pooled_grads = tf.reduce_mean(grads, axis=(0, 1, 2))

        # We multiply each channel in the feature map array
        # by "how important this channel is" with regard to the top predicted class
        # then sum all the channels to obtain the heatmap class activation
        last_conv_layer_output = last_conv_layer_output[0]
        heatmap = last_conv_layer_output @ pooled_grads[..., tf.newaxis]
        heatmap = tf.squeeze(heatmap)

        # For visualization purpose, we will also normalize the heatmap between 0 & 1
        heatmap = tf.maximum(heatmap, 0) / tf.math.reduce_max(heatmap)
        return keras.ops.convert_to_numpy(heatmap)  # (heatmap.numpy(): a TF tensor's)

    # Prepare image
    img_array = preprocess_input(get_img_array(seed=1))

    # Make model
    model = model_builder(weights="imagenet")

    # Remove last layer's softmax
    model.layers[-1].activation = None

    # Print what the top predicted class is
    preds = model.predict(img_array, verbose=0)
    result = {"preds": _f(preds)}

    # Generate class activation heatmap
    heatmap = make_gradcam_heatmap(img_array, model, last_conv_layer_name)
    result["heatmap"] = _f(heatmap)

    # (save_and_display_gradcam: matplotlib and PIL on the heatmap, left out)
    # Let's try another image
    img_array = preprocess_input(get_img_array(seed=2))
    preds = model.predict(img_array, verbose=0)
    result["preds_2"] = _f(preds)
    heatmap = make_gradcam_heatmap(img_array, model, last_conv_layer_name, pred_index=3)
    result["heatmap_3"] = _f(heatmap)  # (pred_index=260, "chow")
    heatmap = make_gradcam_heatmap(img_array, model, last_conv_layer_name, pred_index=7)
    result["heatmap_7"] = _f(heatmap)  # (pred_index=285, "egyptian cat")
    return result


# ---- vision/integrated_gradients.py (a tape watching the input images) ------------------


@tf_scenario
def integrated_gradients(keras):
    tf = _tf(keras)
    # Size of the input image
    img_size = (16, 16, 3)  # (299, 299, 3)

    # Load Xception model with imagenet weights
    model = _xception_like(keras, img_size[:2])  # (xception.Xception(weights="imagenet"))
    xception = types.SimpleNamespace(preprocess_input=_preprocess_input)

    def get_img_array(seed):  # (img_path: a download)
        x, _ = _images(1, size=img_size[0], channels=3, seed=seed)
        return x.astype("float32")

    def get_gradients(img_input, top_pred_idx):
        """Computes the gradients of outputs w.r.t input image."""
        images = tf.cast(img_input, tf.float32)

        with tf.GradientTape() as tape:
            tape.watch(images)
            preds = model(images)
            top_class = preds[:, top_pred_idx]

        grads = tape.gradient(top_class, images)
        return grads

    def get_integrated_gradients(img_input, top_pred_idx, baseline=None, num_steps=50):
        """Computes Integrated Gradients for a predicted label."""
        # If baseline is not provided, start with a black image
        # having same size as the input image.
        if baseline is None:
            baseline = np.zeros(img_size).astype(np.float32)
        else:
            baseline = baseline.astype(np.float32)

        # 1. Do interpolation.
        img_input = img_input.astype(np.float32)
        interpolated_image = [
            baseline + (step / num_steps) * (img_input - baseline) for step in range(num_steps + 1)
        ]
        interpolated_image = np.array(interpolated_image).astype(np.float32)

        # 2. Preprocess the interpolated images
        interpolated_image = xception.preprocess_input(interpolated_image)

        # 3. Get the gradients
        grads = []
        for i, img in enumerate(interpolated_image):
            img = tf.expand_dims(img, axis=0)
            grad = get_gradients(img, top_pred_idx=top_pred_idx)
            grads.append(grad[0])
        grads = tf.convert_to_tensor(grads, dtype=tf.float32)

        # 4. Approximate the integral using the trapezoidal rule
        grads = (grads[:-1] + grads[1:]) / 2.0
        avg_grads = tf.reduce_mean(grads, axis=0)

        # 5. Calculate integrated gradients and return
        integrated_grads = (img_input - baseline) * avg_grads
        return integrated_grads

    def random_baseline_integrated_gradients(img_input, top_pred_idx, num_steps=50, num_runs=2):
        """Generates a number of random baseline images."""
        # 1. List to keep track of Integrated Gradients (IG) for all the images
        integrated_grads = []

        # 2. Get the integrated gradients for all the baselines
        for run in range(num_runs):
            baseline = rng.random(img_size) * 255  # (np.random.random)
            igrads = get_integrated_gradients(
                img_input=img_input,
                top_pred_idx=top_pred_idx,
                baseline=baseline,
                num_steps=num_steps,
            )
            integrated_grads.append(igrads)

        # 3. Return the average integrated gradients for the image
        integrated_grads = tf.convert_to_tensor(integrated_grads)
        return tf.reduce_mean(integrated_grads, axis=0)

    rng = np.random.default_rng(5)
    # 1. Convert the image to numpy array
    img = get_img_array(seed=3)

    # 2. Keep a copy of the original image
    orig_img = np.copy(img[0]).astype(np.uint8)

    # 3. Preprocess the image
    img_processed = tf.cast(xception.preprocess_input(img), dtype=tf.float32)

    # 4. Get model predictions
    preds = model.predict(img_processed, verbose=0)
    top_pred_idx = tf.argmax(preds[0])
    result = {"preds": _f(preds), "top_pred_idx": int(top_pred_idx)}

    # 5. Get the gradients of the last layer for the predicted label
    grads = get_gradients(img_processed, top_pred_idx=top_pred_idx)
    grads = keras.ops.convert_to_numpy(grads)  # (the visualizer's NumPy takes it)

    # 6. Get the integrated gradients
    igrads = random_baseline_integrated_gradients(
        np.copy(orig_img),
        top_pred_idx=top_pred_idx,
        num_steps=8,
        num_runs=2,  # (50)
    )
    igrads = keras.ops.convert_to_numpy(igrads)

    # (7. GradVisualizer: NumPy, SciPy and matplotlib on these arrays, left out)
    result["grads"] = _f(grads[0, :, :, 0] * 1e3)
    result["grads_sum"] = _f(grads.sum(axis=(0, 1, 2)) * 1e3)
    result["igrads"] = _f(igrads[:, :, 1] * 1e3)
    result["igrads_sum"] = _f(igrads.sum(axis=(0, 1)) * 1e3)
    return result


# ---- structured_data/wide_deep_cross_networks.py (string inputs, StringLookup, crosses) ---


def _covertype(n, seed=0):
    """Covertype-like rows: 10 numeric columns and 2 string ones, the label depending on
    both (in place of the UCI download and its CSV files)."""
    rng = np.random.default_rng(seed)
    soil = np.array([f"soil_type_{i + 1}" for i in rng.integers(0, 9, n)], dtype=object)
    area = np.array([f"area_type_{i + 1}" for i in rng.integers(0, 4, n)], dtype=object)
    numeric = rng.normal(0, 1, (n, 10)).astype("float32")
    codes = np.array([int(s.rsplit("_", 1)[1]) for s in soil]) + np.array(
        [int(a.rsplit("_", 1)[1]) for a in area]
    )
    label = (codes + (numeric[:, 0] > 0) * 2 + (numeric[:, 3] > 0.5)) % 7
    return numeric, area, soil, label.astype("int64")


@tf_scenario
def wide_deep_cross(keras):
    layers = keras.layers
    TARGET_FEATURE_NAME = "Cover_Type"
    TARGET_FEATURE_LABELS = ["0", "1", "2", "3", "4", "5", "6"]
    NUMERIC_FEATURE_NAMES = [
        "Aspect",
        "Elevation",
        "Hillshade_3pm",
        "Hillshade_9am",
        "Hillshade_Noon",
        "Horizontal_Distance_To_Fire_Points",
        "Horizontal_Distance_To_Hydrology",
        "Horizontal_Distance_To_Roadways",
        "Slope",
        "Vertical_Distance_To_Hydrology",
    ]
    # (list(data["Soil_Type"].unique()): the values in order of appearance)
    numeric, area, soil, label = _covertype(96, seed=4)
    CATEGORICAL_FEATURES_WITH_VOCABULARY = {
        "Soil_Type": list(dict.fromkeys(soil)),
        "Wilderness_Area": list(dict.fromkeys(area)),
    }
    CATEGORICAL_FEATURE_NAMES = list(CATEGORICAL_FEATURES_WITH_VOCABULARY.keys())
    FEATURE_NAMES = NUMERIC_FEATURE_NAMES + CATEGORICAL_FEATURE_NAMES
    NUM_CLASSES = len(TARGET_FEATURE_LABELS)

    def features_of(rows):  # (get_dataset_from_csv: the CSV's columns as arrays)
        out = {name: numeric[rows, i] for i, name in enumerate(NUMERIC_FEATURE_NAMES)}
        out["Soil_Type"], out["Wilderness_Area"] = soil[rows], area[rows]
        return out

    train, test = np.arange(0, 80), np.arange(80, 96)

    learning_rate = 0.001
    dropout_rate = 0.0  # (0.1)
    batch_size = 16  # (265)
    num_epochs = 2  # (1)

    hidden_units = [8, 8]  # ([32, 32])
    results = {}

    def run_experiment(model, name):
        _init(model, seed=len(results))  # (added: weights from a fixed RNG)
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
            loss=keras.losses.SparseCategoricalCrossentropy(),
            metrics=[keras.metrics.SparseCategoricalAccuracy()],
        )
        history = model.fit(
            features_of(train),
            label[train],
            batch_size=batch_size,
            epochs=num_epochs,
            shuffle=False,  # (the CSV dataset's shuffle=True: its order cannot be reproduced)
            verbose=0,
        )
        _, accuracy = model.evaluate(features_of(test), label[test], verbose=0)
        results[name] = {
            "history": _hist(history),
            "accuracy": _f(accuracy),
            "predict": _f(model.predict(features_of(test[:4]), verbose=0)),
            "n_weights": len(model.weights),
        }

    def create_model_inputs():
        inputs = {}
        for feature_name in FEATURE_NAMES:
            if feature_name in NUMERIC_FEATURE_NAMES:
                inputs[feature_name] = layers.Input(name=feature_name, shape=(), dtype="float32")
            else:
                inputs[feature_name] = layers.Input(name=feature_name, shape=(), dtype="string")
        return inputs

    def encode_inputs(inputs, use_embedding=False):
        encoded_features = []
        for feature_name in inputs:
            if feature_name in CATEGORICAL_FEATURE_NAMES:
                vocabulary = CATEGORICAL_FEATURES_WITH_VOCABULARY[feature_name]
                # Create a lookup to convert string values to an integer indices.
                # Since we are not using a mask token nor expecting any out of vocabulary
                # (oov) token, we set mask_token to None and  num_oov_indices to 0.
                lookup = layers.StringLookup(
                    vocabulary=vocabulary,
                    mask_token=None,
                    num_oov_indices=0,
                    output_mode="int" if use_embedding else "binary",
                )
                if use_embedding:
                    # Convert the string input values into integer indices.
                    encoded_feature = lookup(inputs[feature_name])
                    embedding_dims = int(math.sqrt(len(vocabulary)))
                    # Create an embedding layer with the specified dimensions.
                    embedding = layers.Embedding(
                        input_dim=len(vocabulary), output_dim=embedding_dims
                    )
                    # Convert the index values to embedding representations.
                    encoded_feature = embedding(encoded_feature)
                else:
                    # Convert the string input values into a one hot encoding.
                    encoded_feature = lookup(keras.ops.expand_dims(inputs[feature_name], -1))
            else:
                # Use the numerical features as-is.
                encoded_feature = keras.ops.expand_dims(inputs[feature_name], -1)

            encoded_features.append(encoded_feature)

        all_features = layers.concatenate(encoded_features)
        return all_features

    def create_baseline_model():
        inputs = create_model_inputs()
        features = encode_inputs(inputs)

        for units in hidden_units:
            features = layers.Dense(units)(features)
            features = layers.BatchNormalization()(features)
            features = layers.ReLU()(features)
            features = layers.Dropout(dropout_rate)(features)

        outputs = layers.Dense(units=NUM_CLASSES, activation="softmax")(features)
        model = keras.Model(inputs=inputs, outputs=outputs)
        return model

    run_experiment(create_baseline_model(), "baseline")

    def create_wide_and_deep_model():
        inputs = create_model_inputs()
        wide = encode_inputs(inputs)
        wide = layers.BatchNormalization()(wide)

        deep = encode_inputs(inputs, use_embedding=True)
        for units in hidden_units:
            deep = layers.Dense(units)(deep)
            deep = layers.BatchNormalization()(deep)
            deep = layers.ReLU()(deep)
            deep = layers.Dropout(dropout_rate)(deep)

        merged = layers.concatenate([wide, deep])
        outputs = layers.Dense(units=NUM_CLASSES, activation="softmax")(merged)
        model = keras.Model(inputs=inputs, outputs=outputs)
        return model

    run_experiment(create_wide_and_deep_model(), "wide_and_deep")

    def create_deep_and_cross_model():
        inputs = create_model_inputs()
        x0 = encode_inputs(inputs, use_embedding=True)

        cross = x0
        for _ in hidden_units:
            units = cross.shape[-1]
            x = layers.Dense(units)(cross)
            cross = x0 * x + cross
        cross = layers.BatchNormalization()(cross)

        deep = x0
        for units in hidden_units:
            deep = layers.Dense(units)(deep)
            deep = layers.BatchNormalization()(deep)
            deep = layers.ReLU()(deep)
            deep = layers.Dropout(dropout_rate)(deep)

        merged = layers.concatenate([cross, deep])
        outputs = layers.Dense(units=NUM_CLASSES, activation="softmax")(merged)
        model = keras.Model(inputs=inputs, outputs=outputs)
        return model

    run_experiment(create_deep_and_cross_model(), "deep_and_cross")
    return results


# ---- structured_data/tabtransformer.py (embedded categories through Transformer blocks) --


@scenario
def tabtransformer(keras):
    layers, ops = keras.layers, keras.ops
    # (the census CSV's columns: its categorical features already looked up to indices,
    # as the example's tf.data pipeline does with StringLookup, and its instance weights)
    NUMERIC_FEATURE_NAMES = ["age", "education_num", "hours_per_week"]
    CATEGORICAL_FEATURES_WITH_VOCABULARY = {
        "workclass": ["Private", "Self-emp", "Gov", "Without-pay"],
        "education": ["Bachelors", "HS-grad", "Masters", "Doctorate", "Some-college"],
        "marital_status": ["Married", "Never-married", "Divorced"],
    }
    CATEGORICAL_FEATURE_NAMES = list(CATEGORICAL_FEATURES_WITH_VOCABULARY.keys())
    FEATURE_NAMES = NUMERIC_FEATURE_NAMES + CATEGORICAL_FEATURE_NAMES

    LEARNING_RATE = 0.001
    WEIGHT_DECAY = 0.0001
    DROPOUT_RATE = 0.0  # (0.2)
    BATCH_SIZE = 16  # (265)
    NUM_EPOCHS = 2  # (15)

    NUM_TRANSFORMER_BLOCKS = 2  # Number of transformer blocks. (3)
    NUM_HEADS = 2  # Number of attention heads. (4)
    EMBEDDING_DIMS = 4  # Embedding dimensions of the categorical features. (16)
    MLP_HIDDEN_UNITS_FACTORS = [2, 1]  # MLP hidden layer units, as factors of the inputs.
    NUM_MLP_BLOCKS = 2  # Number of MLP blocks in the baseline model.

    rng = np.random.default_rng(6)

    def dataset(n):  # (get_dataset_from_csv: features, target index, instance weights)
        x = {name: rng.normal(0, 1, n).astype("float32") for name in NUMERIC_FEATURE_NAMES}
        for name, vocabulary in CATEGORICAL_FEATURES_WITH_VOCABULARY.items():
            x[name] = rng.integers(0, len(vocabulary), n).astype("float32")
        score = x["age"] + x["workclass"] - x["marital_status"] + 0.5 * x["education"]
        y = (score > 1.0).astype("float32")
        weights = rng.uniform(0.5, 1.5, n).astype("float32")
        return x, y, weights

    train, test = dataset(64), dataset(32)

    def run_experiment(
        model,
        train_data_file,
        test_data_file,
        num_epochs,
        learning_rate,
        weight_decay,
        batch_size,
    ):
        optimizer = keras.optimizers.AdamW(learning_rate=learning_rate, weight_decay=weight_decay)

        model.compile(
            optimizer=optimizer,
            loss=keras.losses.BinaryCrossentropy(),
            metrics=[keras.metrics.BinaryAccuracy(name="accuracy")],
        )

        x, y, weights = train_data_file
        history = model.fit(
            x,
            y,
            sample_weight=weights,
            batch_size=batch_size,
            epochs=num_epochs,
            validation_data=test_data_file,
            shuffle=False,  # (the CSV dataset's shuffle=True: its order cannot be reproduced)
            verbose=0,
        )

        _, accuracy = model.evaluate(
            *test_data_file[:2], sample_weight=test_data_file[2], verbose=0
        )
        return history, accuracy

    def create_model_inputs():
        inputs = {}
        for feature_name in FEATURE_NAMES:
            if feature_name in NUMERIC_FEATURE_NAMES:
                inputs[feature_name] = layers.Input(name=feature_name, shape=(), dtype="float32")
            else:
                inputs[feature_name] = layers.Input(name=feature_name, shape=(), dtype="float32")
        return inputs

    def encode_inputs(inputs, embedding_dims):
        encoded_categorical_feature_list = []
        numerical_feature_list = []

        for feature_name in inputs:
            if feature_name in CATEGORICAL_FEATURE_NAMES:
                vocabulary = CATEGORICAL_FEATURES_WITH_VOCABULARY[feature_name]
                # Create an embedding layer with the specified dimensions.
                embedding = layers.Embedding(input_dim=len(vocabulary), output_dim=embedding_dims)

                # Convert the index values to embedding representations.
                encoded_categorical_feature = embedding(inputs[feature_name])
                encoded_categorical_feature_list.append(encoded_categorical_feature)

            else:
                # Use the numerical features as-is.
                numerical_feature = ops.expand_dims(inputs[feature_name], -1)
                numerical_feature_list.append(numerical_feature)

        return encoded_categorical_feature_list, numerical_feature_list

    def create_mlp(hidden_units, dropout_rate, activation, normalization_layer, name=None):
        mlp_layers = []
        for units in hidden_units:
            (mlp_layers.append(normalization_layer()),)
            mlp_layers.append(layers.Dense(units, activation=activation))
            mlp_layers.append(layers.Dropout(dropout_rate))

        return keras.Sequential(mlp_layers, name=name)

    def create_baseline_model(
        embedding_dims, num_mlp_blocks, mlp_hidden_units_factors, dropout_rate
    ):
        # Create model inputs.
        inputs = create_model_inputs()
        # encode features.
        encoded_categorical_feature_list, numerical_feature_list = encode_inputs(
            inputs, embedding_dims
        )
        # Concatenate all features.
        features = layers.concatenate(encoded_categorical_feature_list + numerical_feature_list)
        # Compute Feedforward layer units.
        feedforward_units = [features.shape[-1]]

        # Create several feedforwad layers with skip connections.
        for layer_idx in range(num_mlp_blocks):
            features = create_mlp(
                hidden_units=feedforward_units,
                dropout_rate=dropout_rate,
                activation=keras.activations.gelu,
                normalization_layer=layers.LayerNormalization,
                name=f"feedforward_{layer_idx}",
            )(features)

        # Compute MLP hidden_units.
        mlp_hidden_units = [factor * features.shape[-1] for factor in mlp_hidden_units_factors]
        # Create final MLP.
        features = create_mlp(
            hidden_units=mlp_hidden_units,
            dropout_rate=dropout_rate,
            activation=keras.activations.selu,
            normalization_layer=layers.BatchNormalization,
            name="MLP",
        )(features)

        # Add a sigmoid as a binary classifer.
        outputs = layers.Dense(units=1, activation="sigmoid", name="sigmoid")(features)
        model = keras.Model(inputs=inputs, outputs=outputs)
        return model

    def create_tabtransformer_classifier(
        num_transformer_blocks,
        num_heads,
        embedding_dims,
        mlp_hidden_units_factors,
        dropout_rate,
        use_column_embedding=False,
    ):
        # Create model inputs.
        inputs = create_model_inputs()
        # encode features.
        encoded_categorical_feature_list, numerical_feature_list = encode_inputs(
            inputs, embedding_dims
        )
        # Stack categorical feature embeddings for the Tansformer.
        encoded_categorical_features = ops.stack(encoded_categorical_feature_list, axis=1)
        # Concatenate numerical features.
        numerical_features = layers.concatenate(numerical_feature_list)

        # Add column embedding to categorical feature embeddings.
        if use_column_embedding:
            num_columns = encoded_categorical_features.shape[1]
            column_embedding = layers.Embedding(input_dim=num_columns, output_dim=embedding_dims)
            column_indices = ops.arange(start=0, stop=num_columns, step=1)
            encoded_categorical_features = encoded_categorical_features + column_embedding(
                column_indices
            )

        # Create multiple layers of the Transformer block.
        for block_idx in range(num_transformer_blocks):
            # Create a multi-head attention layer.
            attention_output = layers.MultiHeadAttention(
                num_heads=num_heads,
                key_dim=embedding_dims,
                dropout=dropout_rate,
                name=f"multihead_attention_{block_idx}",
            )(encoded_categorical_features, encoded_categorical_features)
            # Skip connection 1.
            x = layers.Add(name=f"skip_connection1_{block_idx}")(
                [attention_output, encoded_categorical_features]
            )
            # Layer normalization 1.
            x = layers.LayerNormalization(name=f"layer_norm1_{block_idx}", epsilon=1e-6)(x)
            # Feedforward.
            feedforward_output = create_mlp(
                hidden_units=[embedding_dims],
                dropout_rate=dropout_rate,
                activation=keras.activations.gelu,
                normalization_layer=partial(
                    layers.LayerNormalization, epsilon=1e-6
                ),  # using partial to provide keyword arguments before initialization
                name=f"feedforward_{block_idx}",
            )(x)
            # Skip connection 2.
            x = layers.Add(name=f"skip_connection2_{block_idx}")([feedforward_output, x])
            # Layer normalization 2.
            encoded_categorical_features = layers.LayerNormalization(
                name=f"layer_norm2_{block_idx}", epsilon=1e-6
            )(x)

        # Flatten the "contextualized" embeddings of the categorical features.
        categorical_features = layers.Flatten()(encoded_categorical_features)
        # Apply layer normalization to the numerical features.
        numerical_features = layers.LayerNormalization(epsilon=1e-6)(numerical_features)
        # Prepare the input for the final MLP block.
        features = layers.concatenate([categorical_features, numerical_features])

        # Compute MLP hidden_units.
        mlp_hidden_units = [factor * features.shape[-1] for factor in mlp_hidden_units_factors]
        # Create final MLP.
        features = create_mlp(
            hidden_units=mlp_hidden_units,
            dropout_rate=dropout_rate,
            activation=keras.activations.selu,
            normalization_layer=layers.BatchNormalization,
            name="MLP",
        )(features)

        # Add a sigmoid as a binary classifer.
        outputs = layers.Dense(units=1, activation="sigmoid", name="sigmoid")(features)
        model = keras.Model(inputs=inputs, outputs=outputs)
        return model

    results = {}
    for name, model in [
        (
            "baseline",
            create_baseline_model(
                embedding_dims=EMBEDDING_DIMS,
                num_mlp_blocks=NUM_MLP_BLOCKS,
                mlp_hidden_units_factors=MLP_HIDDEN_UNITS_FACTORS,
                dropout_rate=DROPOUT_RATE,
            ),
        ),
        (
            "tabtransformer",
            create_tabtransformer_classifier(
                num_transformer_blocks=NUM_TRANSFORMER_BLOCKS,
                num_heads=NUM_HEADS,
                embedding_dims=EMBEDDING_DIMS,
                mlp_hidden_units_factors=MLP_HIDDEN_UNITS_FACTORS,
                dropout_rate=DROPOUT_RATE,
            ),
        ),
        (  # (added: the column embedding the example offers)
            "column_embedding",
            create_tabtransformer_classifier(
                num_transformer_blocks=1,
                num_heads=NUM_HEADS,
                embedding_dims=EMBEDDING_DIMS,
                mlp_hidden_units_factors=MLP_HIDDEN_UNITS_FACTORS,
                dropout_rate=DROPOUT_RATE,
                use_column_embedding=True,
            ),
        ),
    ]:
        _init(model, seed=len(results))  # (added: weights from a fixed RNG)
        params = model.count_params()
        if name == "column_embedding":
            # (its column embedding is called on `ops.arange`, an array, while the model
            # is built: a constant of the layer's initial, random weights, in Keras as
            # in numkeras, untrained and outside the model's weights; the two libraries'
            # random draws differ, so only its size and summary are compared)
            results[name] = {"params": int(params), "summary": _summary(model)}
            continue
        history, accuracy = run_experiment(
            model=model,
            train_data_file=train,
            test_data_file=test,
            num_epochs=NUM_EPOCHS,
            learning_rate=LEARNING_RATE,
            weight_decay=WEIGHT_DECAY,
            batch_size=BATCH_SIZE,
        )
        results[name] = {
            "params": int(params),
            "history": _hist(history),
            "accuracy": _f(accuracy),
            "predict": _f(model.predict(test[0], verbose=0)[:6]),
            "summary": _summary(model),
        }
    return results


# ---- generative/neural_style_transfer.py (a tape over a Variable image, dict outputs) ----


def _vgg_like(keras, img_size):
    """A small convnet in place of the pretrained VGG19 (include_top=False), its layers
    named as VGG19's."""
    layers = keras.layers
    inputs = keras.Input(shape=(None, None, 3))
    x = layers.Conv2D(4, 3, activation="relu", padding="same", name="block1_conv1")(inputs)
    x = layers.MaxPooling2D(2, name="block1_pool")(x)
    x = layers.Conv2D(6, 3, activation="relu", padding="same", name="block2_conv1")(x)
    x = layers.Conv2D(6, 3, activation="relu", padding="same", name="block2_conv2")(x)
    x = layers.MaxPooling2D(2, name="block2_pool")(x)
    x = layers.Conv2D(8, 3, activation="relu", padding="same", name="block3_conv1")(x)
    x = layers.Conv2D(8, 3, activation="relu", padding="same", name="block3_conv2")(x)
    model = keras.Model(inputs, x, name="vgg19")
    _init(model, seed=21)
    return model


def _vgg_preprocess_input(x):
    """keras.applications.vgg19.preprocess_input ("caffe" mode): RGB to BGR, the
    ImageNet mean pixel subtracted."""
    x = np.asarray(x, "float32")[..., ::-1]
    return x - np.array([103.939, 116.779, 123.68], "float32")


@tf_scenario
def neural_style_transfer(keras):
    tf = _tf(keras)
    vgg19 = types.SimpleNamespace(
        preprocess_input=_vgg_preprocess_input,
        VGG19=lambda weights, include_top: _vgg_like(keras, (img_nrows, img_ncols)),
    )
    # Weights of the different loss components
    total_variation_weight = 1e-6
    style_weight = 1e-6
    content_weight = 2.5e-8

    # Dimensions of the generated picture.
    width, height = 12, 8  # (load_img(base_image_path).size)
    img_nrows = 8  # (400)
    img_ncols = int(width * img_nrows / height)

    def preprocess_image(seed):  # (image_path: a download)
        # Util function to open, resize and format pictures into appropriate tensors
        img, _ = _images(1, size=img_ncols, channels=3, seed=seed)
        img = img[:, :img_nrows].astype("float32")[0]  # (load_img, img_to_array)
        img = np.expand_dims(img, axis=0)
        img = vgg19.preprocess_input(img)
        return tf.convert_to_tensor(img)

    def deprocess_image(x):
        # Util function to convert a tensor into a valid image
        x = x.reshape((img_nrows, img_ncols, 3))
        # Remove zero-center by mean pixel
        x[:, :, 0] += 103.939
        x[:, :, 1] += 116.779
        x[:, :, 2] += 123.68
        # 'BGR'->'RGB'
        x = x[:, :, ::-1]
        x = np.clip(x, 0, 255).astype("uint8")
        return x

    # The gram matrix of an image tensor (feature-wise outer product)
    def gram_matrix(x):
        x = tf.transpose(x, (2, 0, 1))
        features = tf.reshape(x, (tf.shape(x)[0], -1))
        gram = tf.matmul(features, tf.transpose(features))
        return gram

    def style_loss(style, combination):
        S = gram_matrix(style)
        C = gram_matrix(combination)
        channels = 3
        size = img_nrows * img_ncols
        return tf.reduce_sum(tf.square(S - C)) / (4.0 * (channels**2) * (size**2))

    def content_loss(base, combination):
        return tf.reduce_sum(tf.square(combination - base))

    def total_variation_loss(x):
        a = tf.square(x[:, : img_nrows - 1, : img_ncols - 1, :] - x[:, 1:, : img_ncols - 1, :])
        b = tf.square(x[:, : img_nrows - 1, : img_ncols - 1, :] - x[:, : img_nrows - 1, 1:, :])
        return tf.reduce_sum(tf.pow(a + b, 1.25))

    # Build a VGG19 model loaded with pre-trained ImageNet weights
    model = vgg19.VGG19(weights="imagenet", include_top=False)

    # Get the symbolic outputs of each "key" layer (we gave them unique names).
    outputs_dict = dict([(layer.name, layer.output) for layer in model.layers])

    # Set up a model that returns the activation values for every layer in
    # VGG19 (as a dict).
    feature_extractor = keras.Model(inputs=model.inputs, outputs=outputs_dict)

    # List of layers to use for the style loss.
    style_layer_names = [
        "block1_conv1",
        "block2_conv1",
        "block3_conv1",  # (and block4_conv1, block5_conv1)
    ]
    # The layer to use for the content loss.
    content_layer_name = "block3_conv2"  # (block5_conv2)

    def compute_loss(combination_image, base_image, style_reference_image):
        input_tensor = tf.concat([base_image, style_reference_image, combination_image], axis=0)
        features = feature_extractor(input_tensor)

        # Initialize the loss
        loss = tf.zeros(shape=())

        # Add content loss
        layer_features = features[content_layer_name]
        base_image_features = layer_features[0, :, :, :]
        combination_features = layer_features[2, :, :, :]
        loss = loss + content_weight * content_loss(base_image_features, combination_features)
        # Add style loss
        for layer_name in style_layer_names:
            layer_features = features[layer_name]
            style_reference_features = layer_features[1, :, :, :]
            combination_features = layer_features[2, :, :, :]
            sl = style_loss(style_reference_features, combination_features)
            loss += (style_weight / len(style_layer_names)) * sl

        # Add total variation loss
        loss += total_variation_weight * total_variation_loss(combination_image)
        return loss

    @tf.function
    def compute_loss_and_grads(combination_image, base_image, style_reference_image):
        with tf.GradientTape() as tape:
            loss = compute_loss(combination_image, base_image, style_reference_image)
        grads = tape.gradient(loss, combination_image)
        return loss, grads

    optimizer = keras.optimizers.SGD(
        keras.optimizers.schedules.ExponentialDecay(
            initial_learning_rate=100.0,
            decay_steps=2,
            decay_rate=0.96,  # (100)
        )
    )

    base_image = preprocess_image(seed=1)
    style_reference_image = preprocess_image(seed=2)
    combination_image = tf.Variable(preprocess_image(seed=1))

    result = {"loss": [], "grads": []}
    iterations = 4  # (4000)
    for i in range(1, iterations + 1):
        loss, grads = compute_loss_and_grads(combination_image, base_image, style_reference_image)
        optimizer.apply_gradients([(grads, combination_image)])
        result["loss"].append(float(loss))
        result["grads"].append(_f(keras.ops.convert_to_numpy(grads)[0, :2, :3, 0] * 1e3))
    img = deprocess_image(keras.ops.convert_to_numpy(combination_image))
    result["image"] = img[:3, :4].tolist()
    result["features"] = sorted(feature_extractor(base_image).keys())
    return result


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()
