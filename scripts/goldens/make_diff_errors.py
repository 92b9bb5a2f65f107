"""Golden exception types for user mistakes, produced by real Keras 3 (JAX): wrong input
shapes, ranks and dtypes to predict / fit / evaluate / the *_on_batch methods / __call__,
mismatched x and y, targets of the wrong shape per loss, wrong numbers of inputs and
outputs, training before compile, bad compile / constructor / Input / optimizer /
callback arguments, set_weights and get_layer misuse, broken functional graphs,
Sequential.add / pop misuse, bad files, `to_categorical` labels and a few `ops` shape
mismatches; and, where it matters, that a failed call leaves the model as it was.

Each scenario is a function of the Keras-like module `K`, so the test
(tests/test_diff_errors.py) runs the very same code on numkeras:

    cd /tmp && KERAS_BACKEND=jax python /work/main/scripts/goldens/make_diff_errors.py

A scenario marks the call it expects to fail with `step("...")`; the golden records the
step reached, the first built-in class in the exception's MRO (what `pytest.raises`
would have to name) and the MRO's names, or, when it succeeds, a small summary.
"""

import json
import pathlib
import tempfile

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "diff_errors.json"

_STAGE = ["setup"]
_FAILED = []  # the built-in classes in the MRO of each exception `fails` caught


def step(name):
    """Mark the call that follows: a failure is recorded with the last step reached."""
    _STAGE[0] = name


# -- helpers ---------------------------------------------------------------------------
def X(n=5, d=4, seed=1):
    return np.random.default_rng(seed).normal(size=(n, d)).astype("float32")


def seq(K, units=3, act=None, loss="mse", compiled=True, in_dim=4):
    model = K.Sequential([K.Input((in_dim,)), K.layers.Dense(units, activation=act)])
    if compiled:
        model.compile(optimizer="sgd", loss=loss)
    return model


def two_in(K, compiled=True):
    a = K.Input((3,), name="a")
    b = K.Input((2,), name="b")
    h = K.layers.Concatenate()([a, b])
    model = K.Model([a, b], K.layers.Dense(1, name="out")(h))
    if compiled:
        model.compile(optimizer="sgd", loss="mse")
    return model


def two_out(K, as_dict=False, compiled=True, loss="mse"):
    i = K.Input((4,), name="x")
    o1 = K.layers.Dense(2, name="o1")(i)
    o2 = K.layers.Dense(1, name="o2")(i)
    model = K.Model(i, {"o1": o1, "o2": o2} if as_dict else [o1, o2])
    if compiled:
        model.compile(optimizer="sgd", loss=loss)
    return model


def subclassed(K):
    class Net(K.Model):
        def __init__(self):
            super().__init__()
            self.d = K.layers.Dense(3)

        def call(self, x):
            return self.d(x)

    return Net()


def same(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def shape(value):
    if isinstance(value, (list, tuple)):
        return [shape(v) for v in value]
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    return list(np.shape(value))


def fails(fn):
    """Whether `fn()` fails: "raised" (its type goes to the golden's "failed") or "ok"."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 (the type is the result)
        _FAILED.append([c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins"])
        return "raised"
    return "ok"


# -- predict / evaluate / *_on_batch / __call__: wrong shapes, ranks, dtypes -----------
def predict_wrong_feature_dim(K):
    model = seq(K)
    step("predict")
    return shape(model.predict(X(5, 5), verbose=0))


def predict_rank_3(K):
    model = seq(K)
    step("predict")
    return shape(model.predict(np.zeros((5, 2, 4), "float32"), verbose=0))


def predict_rank_1_into_4_features(K):
    model = seq(K)
    step("predict")
    return shape(model.predict(np.zeros(4, "float32"), verbose=0))


def predict_scalar(K):
    model = seq(K)
    step("predict")
    return shape(model.predict(np.float32(1.0), verbose=0))


def predict_strings(K):
    model = seq(K)
    step("predict")
    return shape(model.predict(np.array([["a"] * 4] * 2), verbose=0))


def predict_none(K):
    model = seq(K)
    step("predict")
    return shape(model.predict(None, verbose=0))


def predict_object_array(K):
    model = seq(K)
    step("predict")
    return shape(model.predict(np.array([[1, 2, 3, 4], None], dtype=object), verbose=0))


def predict_empty_batch(K):
    model = seq(K)
    step("predict")
    return shape(model.predict(np.zeros((0, 4), "float32"), verbose=0))


def predict_on_batch_wrong_feature_dim(K):
    model = seq(K)
    step("predict_on_batch")
    return shape(model.predict_on_batch(X(5, 6)))


def evaluate_wrong_feature_dim(K):
    model = seq(K)
    step("evaluate")
    return model.evaluate(X(5, 5), X(5, 3), verbose=0) is not None


def train_on_batch_wrong_feature_dim(K):
    model = seq(K)
    step("train_on_batch")
    return model.train_on_batch(X(5, 5), X(5, 3)) is not None


def test_on_batch_wrong_feature_dim(K):
    model = seq(K)
    step("test_on_batch")
    return model.test_on_batch(X(5, 5), X(5, 3)) is not None


def fit_wrong_feature_dim(K):
    model = seq(K)
    step("fit")
    model.fit(X(5, 5), X(5, 3), verbose=0)


def call_sequential_wrong_feature_dim(K):
    model = seq(K)
    step("call")
    return shape(model(X(5, 5)))


def call_functional_wrong_feature_dim(K):
    i = K.Input((4,))
    model = K.Model(i, K.layers.Dense(3)(i))
    step("call")
    return shape(model(X(5, 6)))


def predict_functional_wrong_rank(K):
    i = K.Input((4,))
    model = K.Model(i, K.layers.Dense(3)(i))
    step("predict")
    return shape(model.predict(np.zeros((2, 3, 4), "float32"), verbose=0))


def call_subclassed_wrong_feature_dim_after_build(K):
    model = subclassed(K)
    model(X(2, 4))
    step("call")
    return shape(model(X(2, 5)))


def predict_subclassed_wrong_feature_dim_after_build(K):
    model = subclassed(K)
    model.predict(X(2, 4), verbose=0)
    step("predict")
    return shape(model.predict(X(2, 5), verbose=0))


def predict_unbuilt_sequential_builds_it(K):
    model = K.Sequential([K.layers.Dense(3)])
    step("predict")
    out = model.predict(X(), verbose=0)
    return [shape(out), model.built]


def predict_unbuilt_sequential_then_other_dim(K):
    model = K.Sequential([K.layers.Dense(3)])
    model.predict(X(), verbose=0)
    step("predict")
    return shape(model.predict(X(5, 6), verbose=0))


def call_unbuilt_sequential_empty(K):
    model = K.Sequential()
    step("call")
    return shape(model(X()))


def predict_conv2d_on_rank_2(K):
    model = K.Sequential([K.Input((8, 8, 1)), K.layers.Conv2D(2, 3)])
    step("predict")
    return shape(model.predict(X(2, 64), verbose=0))


def predict_conv2d_wrong_channels(K):
    model = K.Sequential([K.Input((8, 8, 1)), K.layers.Conv2D(2, 3)])
    step("predict")
    return shape(model.predict(np.zeros((2, 8, 8, 3), "float32"), verbose=0))


def predict_lstm_on_rank_2(K):
    model = K.Sequential([K.Input((5, 3)), K.layers.LSTM(2)])
    step("predict")
    return shape(model.predict(X(2, 3), verbose=0))


def predict_embedding_float_ids(K):
    model = K.Sequential([K.Input((3,)), K.layers.Embedding(10, 2)])
    step("predict")
    return shape(model.predict(np.array([[0.0, 1.0, 2.0]]), verbose=0))


def predict_complex_dtype(K):
    model = seq(K)
    step("predict")
    return shape(model.predict(X().astype("complex64"), verbose=0))


def predict_list_for_two_input_model_one_array(K):
    model = two_in(K)
    step("predict")
    return shape(model.predict(X(5, 3), verbose=0))


def predict_two_input_model_three_arrays(K):
    model = two_in(K)
    step("predict")
    return shape(model.predict([X(5, 3), X(5, 2), X(5, 2)], verbose=0))


def predict_two_input_model_swapped(K):
    model = two_in(K)
    step("predict")
    return shape(model.predict([X(5, 2), X(5, 3)], verbose=0))


def predict_two_input_model_lengths_differ(K):
    model = two_in(K)
    step("predict")
    return shape(model.predict([X(5, 3), X(4, 2)], verbose=0))


def predict_dict_wrong_key(K):
    model = two_in(K)
    step("predict")
    return shape(model.predict({"a": X(5, 3), "c": X(5, 2)}, verbose=0))


def predict_dict_missing_key(K):
    model = two_in(K)
    step("predict")
    return shape(model.predict({"a": X(5, 3)}, verbose=0))


def predict_dict_extra_key(K):
    model = two_in(K)
    step("predict")
    return shape(model.predict({"a": X(5, 3), "b": X(5, 2), "c": X(5, 1)}, verbose=0))


def predict_dict_into_sequential(K):
    model = seq(K)
    step("predict")
    return shape(model.predict({"x": X()}, verbose=0))


def call_two_input_model_on_one_tensor(K):
    model = two_in(K)
    step("call")
    return shape(model(X(5, 3)))


# -- fit / evaluate: x and y mismatches and target shapes per loss --------------------
def fit_x_y_lengths_differ(K):
    model = seq(K)
    step("fit")
    model.fit(X(5), X(4, 3), verbose=0)


def evaluate_x_y_lengths_differ(K):
    model = seq(K)
    step("evaluate")
    model.evaluate(X(5), X(4, 3), verbose=0)


def train_on_batch_x_y_lengths_differ(K):
    model = seq(K)
    step("train_on_batch")
    model.train_on_batch(X(5), X(4, 3))


def fit_mse_target_wrong_width(K):
    model = seq(K)
    step("fit")
    model.fit(X(5), X(5, 2), verbose=0)


def fit_mse_target_rank_3(K):
    model = seq(K)
    step("fit")
    model.fit(X(5), np.zeros((5, 3, 2), "float32"), verbose=0)


def fit_mse_target_1d_for_3_outputs(K):
    model = seq(K)
    step("fit")
    model.fit(X(5), np.zeros(5, "float32"), verbose=0)


def fit_mse_target_1d_for_1_output(K):
    model = seq(K, units=1)
    step("fit")
    h = model.fit(X(5), np.zeros(5, "float32"), verbose=0)
    return sorted(h.history)


def fit_cce_sparse_labels(K):
    model = seq(K, act="softmax", loss="categorical_crossentropy")
    step("fit")
    model.fit(X(5), np.array([0, 1, 2, 0, 1]), verbose=0)


def fit_cce_one_hot_wrong_classes(K):
    model = seq(K, act="softmax", loss="categorical_crossentropy")
    step("fit")
    model.fit(X(5), np.eye(4, dtype="float32")[[0, 1, 2, 3, 0]], verbose=0)


def fit_scce_one_hot_labels(K):
    model = seq(K, act="softmax", loss="sparse_categorical_crossentropy")
    step("fit")
    model.fit(X(5), np.eye(3, dtype="float32")[[0, 1, 2, 0, 1]], verbose=0)


def fit_scce_column_labels(K):
    model = seq(K, act="softmax", loss="sparse_categorical_crossentropy")
    step("fit")
    h = model.fit(X(5), np.array([[0], [1], [2], [0], [1]]), verbose=0)
    return sorted(h.history)


def fit_bce_target_two_columns_for_one_output(K):
    model = seq(K, units=1, act="sigmoid", loss="binary_crossentropy")
    step("fit")
    model.fit(X(5), np.zeros((5, 2), "float32"), verbose=0)


def fit_bce_target_1d(K):
    model = seq(K, units=1, act="sigmoid", loss="binary_crossentropy")
    step("fit")
    h = model.fit(X(5), np.zeros(5, "float32"), verbose=0)
    return sorted(h.history)


def fit_mae_target_wrong_width(K):
    model = seq(K, loss="mae")
    step("fit")
    model.fit(X(5), X(5, 4), verbose=0)


def fit_hinge_target_wrong_width(K):
    model = seq(K, loss="hinge")
    step("fit")
    model.fit(X(5), X(5, 2), verbose=0)


def fit_kld_target_wrong_width(K):
    model = seq(K, act="softmax", loss="kl_divergence")
    step("fit")
    model.fit(X(5), X(5, 2), verbose=0)


def evaluate_mse_target_wrong_width(K):
    model = seq(K)
    step("evaluate")
    model.evaluate(X(5), X(5, 2), verbose=0)


def fit_y_missing_with_a_loss(K):
    model = seq(K)
    step("fit")
    model.fit(X(5), verbose=0)


def fit_y_strings(K):
    model = seq(K)
    step("fit")
    model.fit(X(5), np.array([["a"] * 3] * 5), verbose=0)


def fit_sample_weight_wrong_length(K):
    model = seq(K)
    step("fit")
    model.fit(X(5), X(5, 3), sample_weight=np.ones(4), verbose=0)


def fit_validation_data_wrong_shape(K):
    model = seq(K)
    step("fit")
    model.fit(X(5), X(5, 3), validation_data=(X(3, 5), X(3, 3)), verbose=0)


def fit_validation_data_one_element_tuple(K):
    model = seq(K)
    step("fit")
    h = model.fit(X(5), X(5, 3), validation_data=(X(3),), verbose=0)
    return sorted(h.history)


def fit_validation_split_above_one(K):
    model = seq(K)
    step("fit")
    model.fit(X(5), X(5, 3), validation_split=1.5, verbose=0)


def fit_validation_split_negative(K):
    model = seq(K)
    step("fit")
    model.fit(X(5), X(5, 3), validation_split=-0.2, verbose=0)


def fit_unknown_keyword(K):
    model = seq(K)
    step("fit")
    model.fit(X(5), X(5, 3), verbose=0, bogus=1)


def predict_unknown_keyword(K):
    model = seq(K)
    step("predict")
    model.predict(X(5), verbose=0, bogus=1)


def fit_two_outputs_y_list_too_short(K):
    model = two_out(K)
    step("fit")
    model.fit(X(5), [X(5, 2)], verbose=0)


def fit_two_outputs_y_list_too_long(K):
    model = two_out(K)
    step("fit")
    model.fit(X(5), [X(5, 2), X(5, 1), X(5, 1)], verbose=0)


def fit_two_outputs_y_swapped_shapes(K):
    model = two_out(K)
    step("fit")
    model.fit(X(5), [X(5, 1), X(5, 2)], verbose=0)


def fit_dict_outputs_y_unknown_key(K):
    model = two_out(K, as_dict=True, loss={"o1": "mse", "o2": "mse"})
    step("fit")
    model.fit(X(5), {"o1": X(5, 2), "zz": X(5, 1)}, verbose=0)


def fit_dict_outputs_y_a_single_array(K):
    model = two_out(K, as_dict=True, loss={"o1": "mse", "o2": "mse"})
    step("fit")
    model.fit(X(5), X(5, 2), verbose=0)


def fit_dict_outputs_y_missing_key(K):
    model = two_out(K, as_dict=True, loss={"o1": "mse", "o2": "mse"})
    step("fit")
    model.fit(X(5), {"o1": X(5, 2)}, verbose=0)


def fit_dict_outputs_y_missing_key_without_loss(K):
    model = two_out(K, as_dict=True, loss={"o1": "mse"})
    step("fit")
    h = model.fit(X(5), {"o1": X(5, 2)}, verbose=0)
    return sorted(h.history)


def fit_two_inputs_x_dict_wrong_key(K):
    model = two_in(K)
    step("fit")
    model.fit({"a": X(5, 3), "zz": X(5, 2)}, X(5, 1), verbose=0)


def fit_two_inputs_one_array(K):
    model = two_in(K)
    step("fit")
    model.fit(X(5, 3), X(5, 1), verbose=0)


# -- training before compile --------------------------------------------------------
def fit_before_compile(K):
    model = seq(K, compiled=False)
    step("fit")
    model.fit(X(5), X(5, 3), verbose=0)


def evaluate_before_compile(K):
    model = seq(K, compiled=False)
    step("evaluate")
    model.evaluate(X(5), X(5, 3), verbose=0)


def train_on_batch_before_compile(K):
    model = seq(K, compiled=False)
    step("train_on_batch")
    model.train_on_batch(X(5), X(5, 3))


def test_on_batch_before_compile(K):
    model = seq(K, compiled=False)
    step("test_on_batch")
    model.test_on_batch(X(5), X(5, 3))


def predict_before_compile(K):
    model = seq(K, compiled=False)
    step("predict")
    return shape(model.predict(X(5), verbose=0))


def fit_subclassed_before_compile(K):
    model = subclassed(K)
    step("fit")
    model.fit(X(5), X(5, 3), verbose=0)


def summary_of_unbuilt_sequential(K):
    model = K.Sequential([K.layers.Dense(3)])
    step("summary")
    model.summary(print_fn=lambda *a, **k: None)


def input_shape_of_unbuilt_sequential(K):
    model = K.Sequential([K.layers.Dense(3)])
    step("input_shape")
    return model.input_shape


def output_shape_of_unbuilt_sequential(K):
    model = K.Sequential([K.layers.Dense(3)])
    step("output_shape")
    return model.output_shape


def inputs_of_unbuilt_sequential(K):
    model = K.Sequential([K.layers.Dense(3)])
    step("inputs")
    return model.inputs


def count_params_of_unbuilt_sequential(K):
    model = K.Sequential([K.layers.Dense(3)])
    step("count_params")
    return model.count_params()


def weights_of_unbuilt_sequential(K):
    model = K.Sequential([K.layers.Dense(3)])
    step("get_weights")
    return [len(model.weights), len(model.get_weights())]


def count_params_of_unbuilt_layer(K):
    layer = K.layers.Dense(3)
    step("count_params")
    return layer.count_params()


def layer_output_of_uncalled_layer(K):
    layer = K.layers.Dense(3)
    step("output")
    return layer.output


def sequential_build_with_no_shape(K):
    model = K.Sequential([K.layers.Dense(3)])
    step("build")
    model.build()


# -- compile arguments ----------------------------------------------------------------
def compile_unknown_loss(K):
    model = seq(K, compiled=False)
    step("compile")
    model.compile(optimizer="sgd", loss="bogus_loss")


def compile_unknown_optimizer(K):
    model = seq(K, compiled=False)
    step("compile")
    model.compile(optimizer="bogus_opt", loss="mse")


def compile_unknown_metric(K):
    model = seq(K, compiled=False)
    step("compile")
    model.compile(optimizer="sgd", loss="mse", metrics=["bogus_metric"])


def compile_unknown_metric_then_fit(K):
    model = seq(K, compiled=False)
    model.compile(optimizer="sgd", loss="mse", metrics=["bogus_metric"])
    step("fit")
    model.fit(X(5), X(5, 3), verbose=0)


def compile_unknown_loss_then_fit(K):
    model = seq(K, compiled=False)
    model.compile(optimizer="sgd", loss="bogus_loss")
    step("fit")
    model.fit(X(5), X(5, 3), verbose=0)


def compile_unknown_metric_then_evaluate(K):
    model = seq(K, compiled=False)
    model.compile(optimizer="sgd", loss="mse", metrics=["bogus_metric"])
    step("evaluate")
    model.evaluate(X(5), X(5, 3), verbose=0)


def compile_unknown_loss_then_test_on_batch(K):
    model = seq(K, compiled=False)
    model.compile(optimizer="sgd", loss="bogus_loss")
    step("test_on_batch")
    model.test_on_batch(X(5), X(5, 3))


def compile_unknown_loss_then_predict(K):
    model = seq(K, compiled=False)
    model.compile(optimizer="sgd", loss="bogus_loss")
    step("predict")
    return [shape(model.predict(X(5), verbose=0)), model.loss]


def compile_loss_an_int(K):
    model = seq(K, compiled=False)
    step("compile")
    model.compile(optimizer="sgd", loss=3)


def compile_optimizer_an_int(K):
    model = seq(K, compiled=False)
    step("compile")
    model.compile(optimizer=3, loss="mse")


def compile_optimizer_class_not_instance(K):
    model = seq(K, compiled=False)
    step("compile")
    model.compile(optimizer=K.optimizers.SGD, loss="mse")


def compile_metrics_a_string(K):
    model = seq(K, compiled=False)
    step("compile")
    model.compile(optimizer="sgd", loss="mse", metrics="mae")


def compile_loss_dict_unknown_output(K):
    model = two_out(K, as_dict=True, compiled=False)
    step("compile")
    model.compile(optimizer="sgd", loss={"o1": "mse", "zz": "mse"})
    step("fit")
    model.fit(X(5), {"o1": X(5, 2), "o2": X(5, 1)}, verbose=0)


def compile_loss_dict_unknown_output_list_model(K):
    model = two_out(K, compiled=False)
    step("compile")
    model.compile(optimizer="sgd", loss={"o1": "mse", "zz": "mse"})
    step("fit")
    model.fit(X(5), [X(5, 2), X(5, 1)], verbose=0)


def compile_loss_list_too_long(K):
    model = two_out(K, compiled=False)
    step("compile")
    model.compile(optimizer="sgd", loss=["mse", "mse", "mse"])
    step("fit")
    model.fit(X(5), [X(5, 2), X(5, 1)], verbose=0)


def compile_loss_list_too_short(K):
    model = two_out(K, compiled=False)
    step("compile")
    model.compile(optimizer="sgd", loss=["mse"])
    step("fit")
    model.fit(X(5), [X(5, 2), X(5, 1)], verbose=0)


def compile_loss_weights_wrong_length(K):
    model = two_out(K, compiled=False)
    step("compile")
    model.compile(optimizer="sgd", loss=["mse", "mse"], loss_weights=[1.0, 2.0, 3.0])
    step("fit")
    model.fit(X(5), [X(5, 2), X(5, 1)], verbose=0)


def compile_loss_weights_dict_unknown_key(K):
    model = two_out(K, as_dict=True, compiled=False)
    step("compile")
    model.compile(
        optimizer="sgd", loss={"o1": "mse", "o2": "mse"}, loss_weights={"o1": 1.0, "zz": 2.0}
    )
    step("fit")
    model.fit(X(5), {"o1": X(5, 2), "o2": X(5, 1)}, verbose=0)


def compile_loss_weights_a_string(K):
    model = seq(K, compiled=False)
    step("compile")
    model.compile(optimizer="sgd", loss="mse", loss_weights="heavy")
    step("fit")
    model.fit(X(5), X(5, 3), verbose=0)


def compile_metrics_dict_unknown_output(K):
    model = two_out(K, as_dict=True, compiled=False)
    step("compile")
    model.compile(optimizer="sgd", loss="mse", metrics={"zz": ["mae"]})
    step("fit")
    model.fit(X(5), {"o1": X(5, 2), "o2": X(5, 1)}, verbose=0)


def compile_a_failed_compile_keeps_the_old_one(K):
    model = seq(K)
    outcome = fails(lambda: model.compile(optimizer="sgd", loss="bogus_loss"))
    step("fit")
    h = model.fit(X(5), X(5, 3), verbose=0)
    return [outcome, sorted(h.history)]


# -- layer constructor arguments -----------------------------------------------------
def _construct(fn):
    def scenario(K):
        step("construct")
        layer = fn(K)
        return type(layer).__name__

    scenario.__name__ = fn.__name__
    return scenario


@_construct
def dense_units_zero(K):
    return K.layers.Dense(0)


@_construct
def dense_units_negative(K):
    return K.layers.Dense(-3)


@_construct
def dense_units_float(K):
    return K.layers.Dense(2.5)


@_construct
def dense_units_string(K):
    return K.layers.Dense("3")


@_construct
def dense_units_none(K):
    return K.layers.Dense(None)


@_construct
def dense_unknown_activation(K):
    return K.layers.Dense(3, activation="bogus")


@_construct
def dense_activation_an_int(K):
    return K.layers.Dense(3, activation=3)


@_construct
def dense_unknown_initializer(K):
    return K.layers.Dense(3, kernel_initializer="bogus")


@_construct
def dense_unknown_regularizer(K):
    return K.layers.Dense(3, kernel_regularizer="bogus")


@_construct
def dense_unknown_constraint(K):
    return K.layers.Dense(3, kernel_constraint="bogus")


@_construct
def dense_unknown_keyword(K):
    return K.layers.Dense(3, bogus=1)


@_construct
def activation_layer_unknown_name(K):
    return K.layers.Activation("bogus")


@_construct
def conv2d_bad_padding(K):
    return K.layers.Conv2D(2, 3, padding="bogus")


@_construct
def conv2d_bad_data_format(K):
    return K.layers.Conv2D(2, 3, data_format="channels_middle")


@_construct
def conv2d_zero_strides(K):
    return K.layers.Conv2D(2, 3, strides=0)


@_construct
def conv2d_kernel_size_three_dims(K):
    return K.layers.Conv2D(2, (3, 3, 3))


@_construct
def conv2d_filters_zero(K):
    return K.layers.Conv2D(0, 3)


@_construct
def conv2d_filters_negative(K):
    return K.layers.Conv2D(-2, 3)


@_construct
def conv2d_strides_and_dilation(K):
    return K.layers.Conv2D(2, 3, strides=2, dilation_rate=2)


@_construct
def conv2d_kernel_size_zero(K):
    return K.layers.Conv2D(2, 0)


@_construct
def conv2d_kernel_size_string(K):
    return K.layers.Conv2D(2, "3")


@_construct
def conv1d_causal_padding_ok(K):
    return K.layers.Conv1D(2, 3, padding="causal")


@_construct
def conv2d_causal_padding(K):
    return K.layers.Conv2D(2, 3, padding="causal")


@_construct
def conv2d_groups_not_dividing(K):
    return K.layers.Conv2D(3, 3, groups=2)


@_construct
def maxpool2d_bad_padding(K):
    return K.layers.MaxPooling2D(2, padding="bogus")


@_construct
def maxpool2d_zero_pool(K):
    return K.layers.MaxPooling2D(0)


@_construct
def maxpool2d_bad_data_format(K):
    return K.layers.MaxPooling2D(2, data_format="bogus")


@_construct
def dropout_rate_above_one(K):
    return K.layers.Dropout(1.5)


@_construct
def dropout_rate_negative(K):
    return K.layers.Dropout(-0.1)


@_construct
def dropout_rate_one(K):
    return K.layers.Dropout(1.0)


@_construct
def dropout_rate_string(K):
    return K.layers.Dropout("0.5")


@_construct
def spatial_dropout_rate_above_one(K):
    return K.layers.SpatialDropout1D(2.0)


@_construct
def gaussian_noise_negative(K):
    return K.layers.GaussianNoise(-1.0)


@_construct
def lstm_units_zero(K):
    return K.layers.LSTM(0)


@_construct
def lstm_units_negative(K):
    return K.layers.LSTM(-1)


@_construct
def lstm_dropout_above_one(K):
    return K.layers.LSTM(2, dropout=1.5)


@_construct
def gru_units_float(K):
    return K.layers.GRU(2.5)


@_construct
def embedding_input_dim_zero(K):
    return K.layers.Embedding(0, 3)


@_construct
def embedding_output_dim_zero(K):
    return K.layers.Embedding(10, 0)


@_construct
def reshape_two_unknown_dims(K):
    return K.layers.Reshape((-1, -1))


@_construct
def flatten_bad_data_format(K):
    return K.layers.Flatten(data_format="bogus")


@_construct
def lambda_not_callable(K):
    return K.layers.Lambda(3)


@_construct
def batchnorm_momentum_string(K):
    return K.layers.BatchNormalization(momentum="fast")


@_construct
def leaky_relu_negative_slope(K):
    return K.layers.LeakyReLU(negative_slope=-1.0)


@_construct
def permute_bad_dims(K):
    return K.layers.Permute((1, 1))


@_construct
def permute_zero_dim(K):
    return K.layers.Permute((0, 1))


@_construct
def repeat_vector_zero(K):
    return K.layers.RepeatVector(0)


@_construct
def zero_padding2d_bad_tuple(K):
    return K.layers.ZeroPadding2D((1, 2, 3))


@_construct
def cropping2d_bad_tuple(K):
    return K.layers.Cropping2D((1, 2, 3))


@_construct
def upsampling2d_bad_interpolation(K):
    return K.layers.UpSampling2D(interpolation="bogus")


@_construct
def multi_head_attention_no_key_dim(K):
    return K.layers.MultiHeadAttention(num_heads=2)


@_construct
def bidirectional_of_dense(K):
    return K.layers.Bidirectional(K.layers.Dense(3))


@_construct
def time_distributed_of_non_layer(K):
    return K.layers.TimeDistributed("dense")


@_construct
def layer_name_with_slash(K):
    return K.layers.Dense(3, name="a/b")


@_construct
def layer_dtype_unknown(K):
    return K.layers.Dense(3, dtype="float99")


# -- Input --------------------------------------------------------------------------
@_construct
def input_no_shape(K):
    return K.Input()


@_construct
def input_shape_an_int(K):
    return K.Input(shape=3)


@_construct
def input_shape_a_string(K):
    return K.Input(shape="3")


@_construct
def input_shape_and_batch_shape(K):
    return K.Input(shape=(3,), batch_shape=(None, 3))


@_construct
def input_negative_dim(K):
    return K.Input(shape=(-3,))


@_construct
def input_unknown_dtype(K):
    return K.Input(shape=(3,), dtype="float99")


@_construct
def input_unknown_keyword(K):
    return K.Input(shape=(3,), bogus=1)


@_construct
def input_shape_float_dims(K):
    return K.Input(shape=(3.0,))


# -- calling layers on incompatible shapes -----------------------------------------
def dense_built_then_other_dim(K):
    layer = K.layers.Dense(3)
    layer(X(2, 4))
    step("call")
    return shape(layer(X(2, 5)))


def dense_on_rank_1(K):
    layer = K.layers.Dense(3)
    step("call")
    return shape(layer(np.zeros(4, "float32")))


def dense_symbolic_then_other_dim(K):
    layer = K.layers.Dense(3)
    layer(K.Input((4,)))
    step("call")
    layer(K.Input((5,)))


def conv2d_on_rank_3(K):
    layer = K.layers.Conv2D(2, 3)
    step("call")
    return shape(layer(np.zeros((2, 8, 8), "float32")))


def conv2d_input_smaller_than_kernel(K):
    step("call")
    return shape(K.layers.Conv2D(2, 5)(np.zeros((1, 3, 3, 1), "float32")))


def lstm_on_rank_2(K):
    step("call")
    return shape(K.layers.LSTM(2)(X(2, 3)))


def concatenate_mismatched(K):
    step("call")
    return shape(K.layers.Concatenate()([X(2, 3), np.zeros((2, 3, 2), "float32")]))


def concatenate_one_input(K):
    step("call")
    return shape(K.layers.Concatenate()([X(2, 3)]))


def concatenate_not_a_list(K):
    step("call")
    return shape(K.layers.Concatenate()(X(2, 3)))


def concatenate_symbolic_mismatched(K):
    step("call")
    K.layers.Concatenate()([K.Input((3, 4)), K.Input((5, 6))])


def add_mismatched(K):
    step("call")
    return shape(K.layers.Add()([X(2, 3), X(2, 4)]))


def add_symbolic_mismatched(K):
    step("call")
    K.layers.Add()([K.Input((3,)), K.Input((4,))])


def reshape_incompatible_size(K):
    step("call")
    return shape(K.layers.Reshape((5,))(X(2, 4)))


def reshape_symbolic_incompatible(K):
    step("call")
    K.layers.Reshape((5,))(K.Input((4,)))


def flatten_on_rank_1(K):
    step("call")
    return shape(K.layers.Flatten()(np.zeros(4, "float32")))


def batchnorm_axis_out_of_range(K):
    step("call")
    return shape(K.layers.BatchNormalization(axis=5)(X(2, 4)))


def dot_mismatched_axes(K):
    step("call")
    return shape(K.layers.Dot(axes=1)([X(2, 3), X(2, 4)]))


def layer_call_with_no_args(K):
    layer = K.layers.Dense(3)
    step("call")
    layer()


def embedding_symbolic_into_conv2d(K):
    step("call")
    x = K.layers.Embedding(10, 4)(K.Input((5,)))
    K.layers.Conv2D(2, 3)(x)


# -- set_weights / get_layer --------------------------------------------------------
def set_weights_too_few(K):
    model = seq(K)
    before = model.get_weights()
    step("set_weights")
    model.set_weights(before[:1])


def set_weights_too_many(K):
    model = seq(K)
    before = model.get_weights()
    step("set_weights")
    model.set_weights(before + before)


def set_weights_wrong_shape(K):
    model = seq(K)
    step("set_weights")
    model.set_weights([np.zeros((4, 2)), np.zeros(2)])


def set_weights_wrong_shape_leaves_weights(K):
    model = seq(K)
    before = model.get_weights()
    outcome = fails(lambda: model.set_weights([np.ones((4, 3)), np.zeros(2)]))
    return [outcome, same(before, model.get_weights())]


def layer_set_weights_too_few(K):
    layer = seq(K).layers[0]
    step("set_weights")
    layer.set_weights([np.zeros((4, 3))])


def layer_set_weights_wrong_shape(K):
    layer = seq(K).layers[0]
    step("set_weights")
    layer.set_weights([np.zeros((3, 4)), np.zeros(3)])


def layer_set_weights_unbuilt(K):
    layer = K.layers.Dense(3)
    step("set_weights")
    layer.set_weights([np.zeros((4, 3)), np.zeros(3)])


def set_weights_not_a_list(K):
    model = seq(K)
    step("set_weights")
    model.set_weights(np.zeros((4, 3)))


def get_layer_unknown_name(K):
    model = seq(K)
    step("get_layer")
    model.get_layer("bogus")


def get_layer_index_out_of_range(K):
    model = seq(K)
    step("get_layer")
    model.get_layer(index=10)


def get_layer_negative_index(K):
    model = K.Sequential([K.Input((4,)), K.layers.Dense(3, name="a"), K.layers.Dense(2, name="b")])
    step("get_layer")
    return model.get_layer(index=-1).name


def get_layer_no_arguments(K):
    model = seq(K)
    step("get_layer")
    model.get_layer()


def functional_get_layer_unknown_name(K):
    model = two_in(K)
    step("get_layer")
    model.get_layer("bogus")


# -- functional graphs and Sequential ---------------------------------------------
def model_disconnected_graph(K):
    a = K.Input((3,))
    b = K.Input((3,))
    out = K.layers.Dense(1)(b)
    step("model")
    K.Model(a, out)


def model_inputs_a_numpy_array(K):
    i = K.Input((3,))
    out = K.layers.Dense(1)(i)
    step("model")
    K.Model(np.zeros((1, 3)), out)


def model_intermediate_tensor_as_input(K):
    i = K.Input((3,))
    h = K.layers.Dense(4)(i)
    out = K.layers.Dense(1)(h)
    step("model")
    model = K.Model(h, out)
    step("predict")
    return shape(model.predict(X(2, 4), verbose=0))


def model_outputs_a_layer_not_tensor(K):
    i = K.Input((3,))
    step("model")
    K.Model(i, K.layers.Dense(1))


def model_outputs_numpy(K):
    i = K.Input((3,))
    step("model")
    K.Model(i, np.zeros((1, 3)))


def model_duplicate_layer_names(K):
    i = K.Input((3,))
    h = K.layers.Dense(4, name="same")(i)
    out = K.layers.Dense(1, name="same")(h)
    step("model")
    K.Model(i, out)


def model_unknown_keyword(K):
    i = K.Input((3,))
    out = K.layers.Dense(1)(i)
    step("model")
    K.Model(i, out, bogus=1)


def model_input_used_twice(K):
    i = K.Input((3,))
    out = K.layers.Dense(1)(i)
    step("model")
    model = K.Model([i, i], out)
    return len(model.inputs)


def sequential_add_a_string(K):
    model = K.Sequential()
    step("add")
    model.add("dense")


def sequential_add_a_class(K):
    model = K.Sequential()
    step("add")
    model.add(K.layers.Dense)


def sequential_add_a_numpy_array(K):
    model = K.Sequential()
    step("add")
    model.add(np.zeros(3))


def sequential_constructed_with_a_string(K):
    step("construct")
    K.Sequential([K.layers.Dense(3), "relu"])


def sequential_layers_not_a_list(K):
    step("construct")
    model = K.Sequential(K.layers.Dense(3))
    return len(model.layers)


def sequential_add_incompatible_layer(K):
    model = K.Sequential([K.Input((4,)), K.layers.Dense(3)])
    step("add")
    model.add(K.layers.Conv2D(2, 3))


def sequential_failed_add_leaves_layers(K):
    model = K.Sequential([K.Input((4,)), K.layers.Dense(3)])
    outcome = fails(lambda: model.add(K.layers.Conv2D(2, 3)))
    return [outcome, len(model.layers)]


def sequential_add_second_input(K):
    model = K.Sequential([K.Input((4,)), K.layers.Dense(3)])
    step("add")
    model.add(K.Input((3,)))


def sequential_add_same_layer_twice(K):
    d = K.layers.Dense(4)
    model = K.Sequential([K.Input((4,)), d])
    step("add")
    model.add(d)
    return len(model.layers)


def sequential_pop_empty(K):
    model = K.Sequential()
    step("pop")
    model.pop()


def sequential_pop_only_input(K):
    model = K.Sequential([K.Input((4,))])
    step("pop")
    model.pop()


def sequential_pop_last_layer(K):
    model = K.Sequential([K.Input((4,)), K.layers.Dense(3)])
    step("pop")
    model.pop()
    return [len(model.layers), model.built]


def sequential_multi_output_layer(K):
    class Two(K.layers.Layer):
        def call(self, x):
            return [x, x]

    model = K.Sequential([K.Input((4,)), Two()])
    step("add")
    model.add(K.layers.Dense(2))


# -- files ----------------------------------------------------------------------------
def load_model_missing_file(K):
    step("load")
    K.models.load_model(tempfile.mkdtemp() + "/missing.keras")


def load_model_corrupt_file(K):
    path = tempfile.mkdtemp() + "/bad.keras"
    pathlib.Path(path).write_bytes(b"not a zip file at all")
    step("load")
    K.models.load_model(path)


def load_model_unknown_extension(K):
    path = tempfile.mkdtemp() + "/model.txt"
    pathlib.Path(path).write_text("hello")
    step("load")
    K.models.load_model(path)


def save_unknown_extension(K):
    model = seq(K)
    step("save")
    model.save(tempfile.mkdtemp() + "/model.txt")


def save_weights_without_weights_suffix(K):
    model = seq(K)
    step("save_weights")
    model.save_weights(tempfile.mkdtemp() + "/model.weights")


def load_weights_missing_file(K):
    model = seq(K)
    step("load_weights")
    model.load_weights(tempfile.mkdtemp() + "/missing.weights.h5")


def load_weights_other_architecture(K):
    path = tempfile.mkdtemp() + "/m.weights.h5"
    seq(K, units=5).save_weights(path)
    model = seq(K)
    step("load_weights")
    model.load_weights(path)


def load_weights_more_layers(K):
    path = tempfile.mkdtemp() + "/m.weights.h5"
    big = K.Sequential([K.Input((4,)), K.layers.Dense(3), K.layers.Dense(3)])
    big.save_weights(path)
    model = seq(K)
    step("load_weights")
    model.load_weights(path)


def load_weights_mismatch_leaves_weights(K):
    path = tempfile.mkdtemp() + "/m.weights.h5"
    seq(K, units=5).save_weights(path)
    model = seq(K)
    before = model.get_weights()
    outcome = fails(lambda: model.load_weights(path))
    return [outcome, same(before, model.get_weights())]


def load_weights_corrupt_file(K):
    path = tempfile.mkdtemp() + "/m.weights.h5"
    pathlib.Path(path).write_bytes(b"garbage")
    model = seq(K)
    step("load_weights")
    model.load_weights(path)


# -- optimizers ------------------------------------------------------------------------
@_construct
def sgd_momentum_negative(K):
    return K.optimizers.SGD(momentum=-0.5)


@_construct
def sgd_momentum_string(K):
    return K.optimizers.SGD(momentum="high")


@_construct
def sgd_unknown_keyword(K):
    return K.optimizers.SGD(bogus=1)


@_construct
def adam_clipnorm_and_global_clipnorm(K):
    return K.optimizers.Adam(clipnorm=1.0, global_clipnorm=1.0)


@_construct
def adam_learning_rate_string(K):
    return K.optimizers.Adam(learning_rate="fast")


@_construct
def adam_learning_rate_none(K):
    return K.optimizers.Adam(learning_rate=None)


@_construct
def optimizers_get_unknown(K):
    return K.optimizers.get("bogus")


@_construct
def losses_get_unknown(K):
    return K.losses.get("bogus")


@_construct
def metrics_get_unknown(K):
    return K.metrics.get("bogus")


@_construct
def activations_get_unknown(K):
    return K.activations.get("bogus")


@_construct
def initializers_get_unknown(K):
    return K.initializers.get("bogus")


@_construct
def exponential_decay_no_decay_steps(K):
    return K.optimizers.schedules.ExponentialDecay(0.1)


@_construct
def ema_momentum_above_one(K):
    return K.optimizers.Adam(use_ema=True, ema_momentum=1.5)


# -- callbacks -------------------------------------------------------------------------
def early_stopping_bad_mode(K):
    step("construct")
    cb = K.callbacks.EarlyStopping(mode="bogus")
    step("fit")
    seq(K).fit(X(5), X(5, 3), epochs=2, callbacks=[cb], verbose=0)
    return "ok"


def early_stopping_unknown_monitor(K):
    cb = K.callbacks.EarlyStopping(monitor="val_bogus")
    step("fit")
    h = seq(K).fit(X(5), X(5, 3), epochs=2, callbacks=[cb], verbose=0)
    return len(h.epoch)


def early_stopping_unknown_monitor_strict(K):
    cb = K.callbacks.EarlyStopping(monitor="val_bogus", restore_best_weights=True)
    step("fit")
    h = seq(K).fit(X(5), X(5, 3), epochs=2, callbacks=[cb], verbose=0)
    return len(h.epoch)


def early_stopping_bad_mode_falls_back_to_auto(K):
    import warnings

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        cb = K.callbacks.EarlyStopping(mode="bogus")
    return [cb.mode, [w.category.__name__ for w in seen]]


def reduce_lr_factor_above_one(K):
    step("construct")
    K.callbacks.ReduceLROnPlateau(factor=1.5)


def reduce_lr_bad_mode(K):
    step("construct")
    cb = K.callbacks.ReduceLROnPlateau(mode="bogus")
    step("fit")
    seq(K).fit(X(5), X(5, 3), epochs=2, callbacks=[cb], verbose=0)
    return "ok"


def model_checkpoint_bad_suffix(K):
    step("construct")
    K.callbacks.ModelCheckpoint(tempfile.mkdtemp() + "/ckpt")


def model_checkpoint_weights_only_bad_suffix(K):
    step("construct")
    K.callbacks.ModelCheckpoint(tempfile.mkdtemp() + "/ckpt.keras", save_weights_only=True)


def model_checkpoint_bad_mode(K):
    step("construct")
    cb = K.callbacks.ModelCheckpoint(tempfile.mkdtemp() + "/ckpt.keras", mode="bogus")
    return type(cb).__name__


def model_checkpoint_bad_save_freq(K):
    step("construct")
    K.callbacks.ModelCheckpoint(tempfile.mkdtemp() + "/ckpt.keras", save_freq="sometimes")


def fit_callbacks_a_single_callback(K):
    cb = K.callbacks.History()
    step("fit")
    h = seq(K).fit(X(5), X(5, 3), epochs=1, callbacks=cb, verbose=0)
    return len(h.epoch)


def fit_callbacks_a_non_callback(K):
    step("fit")
    seq(K).fit(X(5), X(5, 3), epochs=1, callbacks=["early_stopping"], verbose=0)


def learning_rate_scheduler_returns_string(K):
    cb = K.callbacks.LearningRateScheduler(lambda epoch, lr: "fast")
    step("fit")
    seq(K).fit(X(5), X(5, 3), epochs=1, callbacks=[cb], verbose=0)


def learning_rate_scheduler_not_callable(K):
    step("construct")
    cb = K.callbacks.LearningRateScheduler(0.1)
    step("fit")
    seq(K).fit(X(5), X(5, 3), epochs=1, callbacks=[cb], verbose=0)


# -- to_categorical ---------------------------------------------------------------------
def to_categorical_label_too_large(K):
    step("call")
    return shape(K.utils.to_categorical([0, 1, 5], 3))


def to_categorical_negative_label(K):
    step("call")
    return K.utils.to_categorical([0, -1, 2], 3).tolist()


def to_categorical_float_labels(K):
    step("call")
    return K.utils.to_categorical([0.0, 1.0, 2.0], 3).tolist()


def to_categorical_fractional_labels(K):
    step("call")
    return shape(K.utils.to_categorical([0.5, 1.0], 3))


def to_categorical_string_labels(K):
    step("call")
    return shape(K.utils.to_categorical(["a", "b"], 3))


def to_categorical_num_classes_zero(K):
    step("call")
    return shape(K.utils.to_categorical([0, 1], 0))


# -- ops through the public namespace --------------------------------------------------
def ops_add_mismatched(K):
    step("call")
    return shape(K.ops.add(np.zeros((2, 3)), np.zeros((4, 5))))


def ops_reshape_wrong_size(K):
    step("call")
    return shape(K.ops.reshape(np.zeros((2, 3)), (4, 2)))


def ops_concatenate_mismatched(K):
    step("call")
    return shape(K.ops.concatenate([np.zeros((2, 3)), np.zeros((2, 3, 1))]))


def ops_symbolic_matmul_mismatched(K):
    step("call")
    K.ops.matmul(K.Input((3,)), K.Input((4, 5)))


def ops_symbolic_add_mismatched(K):
    step("call")
    K.ops.add(K.Input((3,)), K.Input((4,)))


def ops_transpose_bad_axes(K):
    step("call")
    return shape(K.ops.transpose(np.zeros((2, 3)), (0, 2)))


# -- a failed call leaves the model as it was ------------------------------------------
def failed_fit_leaves_weights_and_iterations(K):
    model = seq(K)
    before = model.get_weights()
    outcome = fails(lambda: model.fit(X(5), X(5, 2), verbose=0))
    return [outcome, same(before, model.get_weights()), int(model.optimizer.iterations.numpy())]


def failed_train_on_batch_leaves_weights(K):
    model = seq(K)
    before = model.get_weights()
    outcome = fails(lambda: model.train_on_batch(X(5), X(4, 3)))
    return [outcome, same(before, model.get_weights())]


def failed_fit_on_unbuilt_then_right_data(K):
    model = K.Sequential([K.layers.Dense(3)])
    model.compile(optimizer="sgd", loss="mse")
    outcome = fails(lambda: model.fit(X(5), X(5, 2), verbose=0))
    step("fit")
    h = model.fit(X(5), X(5, 3), verbose=0)
    return [outcome, sorted(h.history)]


def failed_predict_then_right_data(K):
    model = seq(K)
    outcome = fails(lambda: model.predict(X(5, 5), verbose=0))
    step("predict")
    return [outcome, shape(model.predict(X(5), verbose=0))]


def failed_fit_before_compile_then_compile(K):
    model = seq(K, compiled=False)
    outcome = fails(lambda: model.fit(X(5), X(5, 3), verbose=0))
    model.compile(optimizer="sgd", loss="mse")
    step("fit")
    h = model.fit(X(5), X(5, 3), verbose=0)
    return [outcome, sorted(h.history)]


def failed_layer_call_leaves_it_usable(K):
    layer = K.layers.Dense(3)
    layer(X(2, 4))
    outcome = fails(lambda: layer(X(2, 5)))
    step("call")
    return [outcome, shape(layer(X(2, 4))), len(layer.weights)]


def failed_compile_unknown_loss_stays_uncompiled(K):
    model = seq(K, compiled=False)
    outcome = fails(lambda: model.compile(optimizer="sgd", loss="bogus_loss"))
    step("fit")
    model.fit(X(5), X(5, 3), verbose=0)
    return outcome


# -- more: subclassing, losses' labels, fit arguments, utils, (de)serialization ---------
def subclassed_model_without_call(K):
    class NoCall(K.Model):
        pass

    model = NoCall()
    step("call")
    model(X(2, 4))


def predict_subclassed_model_without_call(K):
    class NoCall(K.Model):
        pass

    model = NoCall()
    step("predict")
    model.predict(X(2, 4), verbose=0)


def layer_base_class_called(K):
    layer = K.layers.Layer()
    step("call")
    return shape(layer(X(2, 4)))


def custom_layer_get_config_without_override(K):
    class Scale(K.layers.Layer):
        def __init__(self, factor, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

    layer = Scale(2.0)
    step("get_config")
    return sorted(layer.get_config())


def add_weight_unknown_initializer(K):
    class W(K.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="bogus")

        def call(self, x):
            return x * self.w

    step("call")
    return shape(W()(X(2, 4)))


def dense_build_rank_1_shape(K):
    layer = K.layers.Dense(3)
    step("build")
    layer.build((None,))
    return [list(w.shape) for w in layer.weights]


def conv2d_build_rank_3_shape(K):
    layer = K.layers.Conv2D(2, 3)
    step("build")
    layer.build((None, 8, 8))


def layer_set_weights_on_weightless_layer(K):
    layer = K.layers.Flatten()
    layer.build((None, 2, 2))
    step("set_weights")
    layer.set_weights([np.zeros(3)])


def predict_embedding_index_out_of_range(K):
    model = K.Sequential([K.Input((3,)), K.layers.Embedding(10, 2)])
    step("predict")
    return shape(model.predict(np.array([[0, 1, 12]]), verbose=0))


def fit_scce_label_out_of_range(K):
    model = seq(K, act="softmax", loss="sparse_categorical_crossentropy")
    step("fit")
    h = model.fit(X(5), np.array([0, 1, 2, 7, 1]), verbose=0)
    return sorted(h.history)


def fit_scce_negative_label(K):
    model = seq(K, act="softmax", loss="sparse_categorical_crossentropy")
    step("fit")
    h = model.fit(X(5), np.array([0, 1, 2, -1, 1]), verbose=0)
    return sorted(h.history)


def fit_scce_float_labels(K):
    model = seq(K, act="softmax", loss="sparse_categorical_crossentropy")
    step("fit")
    h = model.fit(X(5), np.array([0.0, 1.0, 2.0, 0.0, 1.0]), verbose=0)
    return sorted(h.history)


def fit_epochs_zero(K):
    model = seq(K)
    step("fit")
    h = model.fit(X(5), X(5, 3), epochs=0, verbose=0)
    return [h.epoch, sorted(h.history)]


def fit_epochs_negative(K):
    model = seq(K)
    step("fit")
    h = model.fit(X(5), X(5, 3), epochs=-1, verbose=0)
    return h.epoch


def fit_epochs_float(K):
    model = seq(K)
    step("fit")
    h = model.fit(X(5), X(5, 3), epochs=1.5, verbose=0)
    return h.epoch


def fit_initial_epoch_past_epochs(K):
    model = seq(K)
    step("fit")
    h = model.fit(X(5), X(5, 3), epochs=2, initial_epoch=3, verbose=0)
    return h.epoch


def fit_class_weight_multi_output(K):
    model = two_out(K)
    step("fit")
    model.fit(X(5), [X(5, 2), X(5, 1)], class_weight={0: 1.0, 1: 2.0}, verbose=0)


def fit_class_weight_and_sample_weight(K):
    model = seq(K, act="softmax", loss="sparse_categorical_crossentropy")
    step("fit")
    y = np.array([0, 1, 2, 0, 1])
    model.fit(X(5), y, class_weight={0: 1.0}, sample_weight=np.ones(5), verbose=0)


def fit_x_a_string(K):
    model = seq(K)
    step("fit")
    model.fit("data.csv", X(5, 3), verbose=0)


def fit_validation_data_a_list_of_three(K):
    model = seq(K)
    step("fit")
    h = model.fit(X(5), X(5, 3), validation_data=[X(3), X(3, 3), np.ones(3)], verbose=0)
    return sorted(h.history)


def fit_empty_sequential(K):
    model = K.Sequential()
    model.compile(optimizer="sgd", loss="mse")
    step("fit")
    model.fit(X(5), X(5, 3), verbose=0)


def predict_empty_sequential(K):
    model = K.Sequential()
    step("predict")
    return shape(model.predict(X(5), verbose=0))


def predict_on_batch_two_input_model_one_array(K):
    model = two_in(K)
    step("predict_on_batch")
    return shape(model.predict_on_batch(X(5, 3)))


def pop_then_predict(K):
    model = K.Sequential([K.Input((4,)), K.layers.Dense(3), K.layers.Dense(2)])
    model.pop()
    step("predict")
    return shape(model.predict(X(5), verbose=0))


def get_layer_very_negative_index(K):
    model = seq(K)
    step("get_layer")
    return model.get_layer(index=-10).name


def get_layer_name_an_int(K):
    model = seq(K)
    step("get_layer")
    return model.get_layer(3).name


def save_without_extension(K):
    model = seq(K)
    step("save")
    model.save(tempfile.mkdtemp() + "/model")


def load_model_a_directory(K):
    step("load")
    K.models.load_model(tempfile.mkdtemp())


def model_from_json_not_json(K):
    step("load")
    K.models.model_from_json("not json at all")


def model_from_json_unknown_class(K):
    step("load")
    K.models.model_from_json(json.dumps({"class_name": "Bogus", "config": {}}))


def layers_deserialize_unknown_class(K):
    step("load")
    K.layers.deserialize({"class_name": "Bogus", "config": {}})


def sequential_from_config_garbage(K):
    step("load")
    K.Sequential.from_config({"layers": "nope"})


def losses_get_an_int(K):
    step("construct")
    return type(K.losses.get(3)).__name__


def activations_get_an_int(K):
    step("construct")
    return type(K.activations.get(3)).__name__


def sgd_negative_learning_rate(K):
    step("construct")
    opt = K.optimizers.SGD(learning_rate=-0.1)
    return float(np.asarray(opt.learning_rate))


def adam_beta_1_above_one(K):
    step("construct")
    return type(K.optimizers.Adam(beta_1=1.5)).__name__


def optimizer_apply_gradients_mismatch(K):
    opt = K.optimizers.SGD(0.1)
    v = K.Variable(np.zeros(3, "float32"))
    step("apply")
    opt.apply_gradients([(np.zeros(4, "float32"), v)])


def early_stopping_negative_patience(K):
    step("construct")
    cb = K.callbacks.EarlyStopping(patience=-1)
    step("fit")
    h = seq(K).fit(X(5), X(5, 3), epochs=2, callbacks=[cb], verbose=0)
    return len(h.epoch)


def model_checkpoint_best_only_unknown_monitor(K):
    cb = K.callbacks.ModelCheckpoint(
        tempfile.mkdtemp() + "/m.keras", monitor="val_bogus", save_best_only=True
    )
    step("fit")
    h = seq(K).fit(X(5), X(5, 3), epochs=1, callbacks=[cb], verbose=0)
    return len(h.epoch)


def csv_logger_missing_directory(K):
    cb = K.callbacks.CSVLogger(tempfile.mkdtemp() + "/no/such/dir/log.csv")
    step("fit")
    seq(K).fit(X(5), X(5, 3), epochs=1, callbacks=[cb], verbose=0)


def reduce_lr_unknown_monitor(K):
    cb = K.callbacks.ReduceLROnPlateau(monitor="val_bogus")
    step("fit")
    h = seq(K).fit(X(5), X(5, 3), epochs=1, callbacks=[cb], verbose=0)
    return len(h.epoch)


def pad_sequences_bad_padding(K):
    step("call")
    return shape(K.utils.pad_sequences([[1, 2], [3]], padding="middle"))


def pad_sequences_bad_truncating(K):
    step("call")
    return shape(K.utils.pad_sequences([[1, 2], [3]], maxlen=1, truncating="middle"))


def pad_sequences_not_sequences(K):
    step("call")
    return shape(K.utils.pad_sequences([1, 2, 3]))


def normalize_bad_order(K):
    step("call")
    return shape(K.utils.normalize(X(2, 3), order=0))


def to_categorical_2d_labels(K):
    step("call")
    return shape(K.utils.to_categorical(np.array([[0], [1], [2]]), 3))


def normalization_adapt_then_other_width(K):
    layer = K.layers.Normalization()
    layer.adapt(X(5, 4))
    step("call")
    return shape(layer(X(2, 3)))


def dense_call_on_string_tensor(K):
    step("call")
    return shape(K.layers.Dense(3)(np.array([["a", "b"]])))


def concatenate_bad_axis(K):
    step("call")
    return shape(K.layers.Concatenate(axis=3)([X(2, 3), X(2, 3)]))


def model_call_with_dict_for_list_inputs(K):
    model = two_in(K)
    step("call")
    return shape(model({"a": X(2, 3), "b": X(2, 2)}))


# -- symbolic tensors used as arrays, more fit / metric / loss arguments ----------------
def keras_tensor_numpy(K):
    x = K.Input((3,))
    step("call")
    return x.numpy()


def keras_tensor_np_array(K):
    x = K.Input((3,))
    step("call")
    return shape(np.array(x))


def keras_tensor_as_bool(K):
    x = K.Input((3,))
    step("call")
    return bool(x)


def keras_tensor_convert_to_numpy(K):
    x = K.Input((3,))
    step("call")
    return shape(K.ops.convert_to_numpy(x))


def keras_tensor_into_predict(K):
    model = seq(K)
    step("predict")
    return shape(model.predict(K.Input((4,)), verbose=0))


def keras_tensor_into_fit(K):
    model = seq(K)
    step("fit")
    model.fit(K.Input((4,)), X(5, 3), verbose=0)


def fit_generator_with_validation_split(K):
    model = seq(K)

    def gen():
        while True:
            yield X(2), X(2, 3)

    step("fit")
    model.fit(gen(), steps_per_epoch=2, validation_split=0.2, verbose=0)


def fit_pydataset_with_y(K):
    model = seq(K)

    class Data(K.utils.PyDataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return X(2), X(2, 3)

    step("fit")
    model.fit(Data(), X(4, 3), verbose=0)


def fit_callback_class_not_instance(K):
    model = seq(K)
    step("fit")
    model.fit(X(5), X(5, 3), callbacks=[K.callbacks.History], verbose=0)


def fit_verbose_a_word(K):
    model = seq(K)
    step("fit")
    h = model.fit(X(5), X(5, 3), verbose="loud")
    return len(h.epoch)


def evaluate_without_y(K):
    model = seq(K)
    step("evaluate")
    return model.evaluate(X(5), verbose=0) is not None


def summary_of_unbuilt_subclassed(K):
    model = subclassed(K)
    step("summary")
    model.summary(print_fn=lambda *a, **k: None)


def to_json_of_subclassed(K):
    model = subclassed(K)
    model(X(2))
    step("to_json")
    return type(model.to_json()).__name__


def mse_loss_shape_mismatch_direct(K):
    step("call")
    return float(K.losses.MeanSquaredError()(X(2, 3), X(2, 4)))


def loss_unknown_reduction(K):
    step("construct")
    return type(K.losses.MeanSquaredError(reduction="bogus")).__name__


def auc_one_threshold(K):
    step("construct")
    return type(K.metrics.AUC(num_thresholds=1)).__name__


def precision_threshold_above_one(K):
    step("construct")
    return type(K.metrics.Precision(thresholds=2.0)).__name__


def accuracy_metric_shape_mismatch(K):
    m = K.metrics.Accuracy()
    step("update_state")
    m.update_state(np.zeros((2, 3)), np.zeros((2, 4)))


def set_random_seed_a_string(K):
    step("call")
    K.utils.set_random_seed("a")


def to_categorical_none(K):
    step("call")
    K.utils.to_categorical(None, 3)


def layer_input_of_shared_layer(K):
    d = K.layers.Dense(3)
    d(K.Input((4,)))
    d(K.Input((4,)))
    step("input")
    return d.input


def dense_compute_output_shape_rank_1(K):
    step("call")
    return K.layers.Dense(3).compute_output_shape((4,))


def add_weight_unknown_dtype(K):
    layer = K.layers.Layer()
    step("add_weight")
    layer.add_weight(shape=(2,), dtype="float99")


# -- targets per loss, continued; state after a failed validation ---------------------
def _fit_target(K, loss, target, units=3, act=None):
    model = seq(K, units=units, act=act, loss=loss)
    step("fit")
    h = model.fit(X(5), target, verbose=0)
    return sorted(h.history)


def fit_huber_target_wrong_width(K):
    return _fit_target(K, "huber", X(5, 2))


def fit_poisson_target_wrong_width(K):
    return _fit_target(K, "poisson", X(5, 2))


def fit_cosine_similarity_target_wrong_width(K):
    return _fit_target(K, "cosine_similarity", X(5, 2))


def fit_categorical_hinge_target_wrong_width(K):
    return _fit_target(K, "categorical_hinge", X(5, 4))


def fit_squared_hinge_target_1d_for_3_outputs(K):
    return _fit_target(K, "squared_hinge", np.zeros(5, "float32"))


def fit_log_cosh_target_rank_3(K):
    return _fit_target(K, "log_cosh", np.zeros((5, 3, 1), "float32"))


def fit_mse_target_trailing_axis_of_one(K):
    return _fit_target(K, "mse", np.zeros((5, 1, 1), "float32"), units=1)


def fit_binary_focal_target_wrong_width(K):
    return _fit_target(K, "binary_focal_crossentropy", np.zeros((5, 3)), units=2, act="sigmoid")


def fit_cce_target_1d_float(K):
    return _fit_target(K, "categorical_crossentropy", np.zeros(5, "float32"), act="softmax")


def fit_scce_target_rank_3(K):
    y = np.zeros((5, 1, 1), "int32")
    return _fit_target(K, "sparse_categorical_crossentropy", y, act="softmax")


def fit_bce_target_strings(K):
    y = np.array(["yes", "no", "yes", "no", "no"])
    return _fit_target(K, "binary_crossentropy", y, units=1, act="sigmoid")


def failed_validation_leaves_weights(K):
    model = seq(K)
    before = model.get_weights()
    bad = (X(3, 5), X(3, 3))
    outcome = fails(lambda: model.fit(X(5), X(5, 3), validation_data=bad, verbose=0))
    return [outcome, same(before, model.get_weights())]


def failed_fit_x_y_lengths_leaves_weights(K):
    model = seq(K)
    before = model.get_weights()
    outcome = fails(lambda: model.fit(X(5), X(4, 3), verbose=0))
    return [outcome, same(before, model.get_weights()), int(model.optimizer.iterations.numpy())]


def failed_evaluate_leaves_metrics_usable(K):
    model = seq(K)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    outcome = fails(lambda: model.evaluate(X(5), X(5, 2), verbose=0))
    step("evaluate")
    logs = model.evaluate(X(5), X(5, 3), verbose=0, return_dict=True)
    return [outcome, sorted(logs)]


SCENARIOS = [
    value
    for name, value in list(globals().items())
    if callable(value)
    and getattr(value, "__module__", None) == __name__
    and value.__code__.co_firstlineno > predict_wrong_feature_dim.__code__.co_firstlineno - 1
    and name not in {"SCENARIOS"}
    and not name.startswith("_")
]


def summarize(value):
    """A small JSON-able summary of what a scenario returned."""
    if isinstance(value, (list, tuple)):
        return [summarize(v) for v in value]
    if isinstance(value, dict):
        return {str(k): summarize(v) for k, v in value.items()}
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    if isinstance(value, np.generic):
        return value.item()
    return type(value).__name__


def run(K, scenario):
    """{"ok": summary, "at": step} or {"raises": built-in class, "mro": names, "at": step},
    with "failed": the built-in classes of what `fails` caught on the way, if anything."""
    _STAGE[0] = "setup"
    _FAILED.clear()
    try:
        out = {"ok": summarize(scenario(K))}
    except Exception as e:  # noqa: BLE001 (the exception type is the golden)
        mro = type(e).__mro__
        builtin = next(c for c in mro if c.__module__ == "builtins")
        out = {"raises": builtin.__name__, "mro": [c.__name__ for c in mro]}
    out["at"] = _STAGE[0]
    if _FAILED:
        out["failed"] = [list(f) for f in _FAILED]
    return out


def main():
    import warnings

    import keras

    warnings.simplefilter("ignore")
    cases = {}
    for scenario in SCENARIOS:
        keras.utils.set_random_seed(0)
        cases[scenario.__name__] = run(keras, scenario)
    OUT.write_text(json.dumps({"keras": keras.__version__, "cases": cases}, indent=0))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} cases)")


if __name__ == "__main__":
    main()
