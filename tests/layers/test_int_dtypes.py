"""Integer and bool inputs keep their dtype through layers that do no float arithmetic,
as in Keras 3 (numkeras/layers/integer_inputs.py): each built-in layer's output dtype on
int32, uint8, int64 and bool inputs, called directly, symbolically and in a model, and
its int32 values, against tests/goldens/int_dtypes.json (written by
scripts/goldens/make_int_dtypes.py with Keras 3 on JAX)."""

import numpy as np
import pytest

import numkeras
from numkeras import layers
from numkeras.autodiff.tape import GradientTape

from ..differential import goldens, scenario_script

GOLD = goldens("int_dtypes")
SCRIPT = scenario_script("make_int_dtypes")

# Keras 3's float layers that give integer arrays back with wrong values (RMSNormalization
# gives zeros, SpectralNormalization passes its input through): numkeras computes them in
# floats. A Lambda's function runs on float arrays in numkeras (NumPy code in it would
# give float64 from integers: `Lambda(lambda x: x / 255.0)`).
COMPUTES_IN_FLOATS = {"RMSNormalization", "SpectralNormalization", "Lambda"}
# Keras's normalizations give float32 arrays of truncated values on integers
VALUES_DIFFER = {"LayerNormalization", "GroupNormalization"}
# Where numkeras gives float32 and Keras integers, by field (0: direct call, 1: symbolic,
# 2: predict, 3: the model's call): Keras 3.15's RandomCrop returns its input unchanged
# at inference (numkeras crops it); in training Keras's RandomBrightness adds truncated
# integer deltas and its RandomGrayscale truncates back to the input's dtype (numkeras
# computes them in floats).
FLOAT_WHERE_KERAS_KEEPS = {
    "RandomCrop": (2,),
    "RandomBrightness": (0, 3),
    "RandomGrayscale": (0, 1, 3),
}
# (as JAX holds each dtype)
KEPT = {"int32": "int32", "uint8": "uint8", "int64": "int32", "bool": "bool"}


def _expected(name: str, dtype: str) -> str:
    want = GOLD[name][dtype].split()
    if name in COMPUTES_IN_FLOATS:
        want = ["float32"] * 4
    for field in FLOAT_WHERE_KERAS_KEEPS.get(name, ()):
        want[field] = "float32"
    if name == "Equalization":  # (Keras's symbolic call fails; at inference it is the
        want = ["float32", "float32", KEPT[dtype], "float32"]  # identity in numkeras)
    # Keras's ops refuse these integers (a TypeError: AveragePooling, sigmoid, Subtract
    # of bools, the transposed and separable convolutions); numkeras computes in floats
    return " ".join(want).replace("TypeError", "float32")


@pytest.mark.parametrize("name", sorted(SCRIPT.CASES))
def test_output_dtypes_and_values_match_keras(name):
    numkeras.backend.clear_session(free_memory=False)
    got = SCRIPT.run_case(numkeras, name)
    for dtype in SCRIPT.DTYPES:
        assert got[dtype] == _expected(name, dtype), dtype
    if name in VALUES_DIFFER or name in COMPUTES_IN_FLOATS:
        return
    for key in ("direct_values", "predict_values"):
        want = GOLD[name].get(key)
        if isinstance(want, list):
            np.testing.assert_allclose(got[key], want, rtol=1e-4, atol=1e-4, err_msg=key)


def test_a_nested_model_converts_its_inputs_to_its_inputs_dtypes():
    x = np.arange(8).reshape(2, 4).astype("int32")
    ids = numkeras.Input((4,), dtype="int32")
    inner = numkeras.Model(ids, layers.Dropout(0.5)(ids))
    outer_in = numkeras.Input((4,), dtype="int32")
    outer = numkeras.Model(outer_in, inner(outer_in))
    assert outer.predict(x, verbose=0).dtype == np.int32  # (as Keras)
    assert outer(x).dtype == np.int32
    floats = numkeras.Input((4,))
    inner = numkeras.Model(floats, layers.Dropout(0.5)(floats))
    outer_in = numkeras.Input((4,), dtype="int32")
    outer = numkeras.Model(outer_in, inner(layers.Identity()(outer_in)))
    assert outer.predict(x, verbose=0).dtype == np.float32  # (its Input is float32)


def test_an_integer_input_truncates_float_data_as_keras():
    ids = numkeras.Input((2,), dtype="int32")
    model = numkeras.Model(ids, layers.Identity()(ids))
    np.testing.assert_array_equal(model.predict(np.array([[1.7, 2.2]]), verbose=0), [[1, 2]])


def test_resizing_rounds_integer_images_back_as_keras():
    x = np.arange(32).reshape(1, 4, 4, 2).astype("uint8") * 8
    y = layers.Resizing(3, 3, interpolation="bicubic")(x)
    assert y.dtype == np.uint8  # (values from Keras 3.15 on JAX)
    np.testing.assert_array_equal(y.ravel()[:8], [8, 16, 31, 39, 53, 61, 98, 106])


def test_mixed_inputs_promote_as_keras():
    ids = np.arange(6).reshape(2, 3).astype("int32")
    assert layers.Add()([ids, ids.astype("float32")]).dtype == np.float32  # (not float64)
    assert layers.Concatenate()([ids, ids.astype("uint8")]).dtype == np.int32
    assert layers.Add()([ids, ids.astype(bool)]).dtype == np.int32


def test_other_integer_widths_as_jax_holds_them():
    x = np.arange(6).reshape(2, 3)
    assert layers.Flatten()(x.astype("int8")).dtype == np.int8
    assert layers.Flatten()(x.astype("uint64")).dtype == np.uint32
    assert layers.Flatten()(x.astype("float64")).dtype == np.float32
    assert layers.Flatten()(x.tolist()).dtype == np.int32  # (Python ints)


def test_float_layers_compute_in_float32_from_int64():
    x = np.arange(12).reshape(3, 4).astype("int64")
    assert layers.Dense(2)(x).dtype == np.float32
    inp = numkeras.Input((4,), dtype="int64")
    model = numkeras.Model(inp, layers.Dense(2)(layers.Dropout(0.5)(inp)))
    assert model.predict(x, verbose=0).dtype == np.float32


def test_max_pooling_same_padding_on_integers():
    x = -np.arange(10).reshape(1, 5, 2).astype("int32")  # (the padding must not win)
    y = layers.MaxPooling1D(pool_size=3, strides=1, padding="same")(x)
    assert y.dtype == np.int32
    np.testing.assert_array_equal(y[0, :, 0], [0, 0, -2, -4, -6])


def test_dropout_trains_on_integers_in_floats():
    x = np.ones((4, 8), "int32")
    y = layers.Dropout(0.5, seed=1)(x, training=True)
    assert y.dtype == np.float32 and set(np.unique(y)) <= {0.0, 2.0}
    assert layers.GaussianNoise(0.1, seed=1)(x, training=True).dtype == np.float32


def _int_model(dtype):
    numkeras.utils.set_random_seed(3)
    model = numkeras.Sequential(
        [
            numkeras.Input((6, 3), dtype=dtype),
            layers.Cropping1D(1),
            layers.Flatten(),
            layers.Dense(2),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    return model


def test_integer_input_model_trains_as_a_float_one():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 5, (32, 6, 3)).astype("int32")
    y = rng.normal(size=(32, 2)).astype("float32")
    ints = _int_model("int32")
    floats = _int_model("float32")
    floats.set_weights(ints.get_weights())
    a = ints.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0).history["loss"]
    b = floats.fit(x.astype("float32"), y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    np.testing.assert_allclose(a, b.history["loss"], rtol=1e-6)
    assert ints.predict(x[:2], verbose=0).dtype == np.float32


def test_tape_records_integer_pass_through_without_gradients_into_it():
    x = np.arange(24).reshape(2, 4, 3).astype("int32")
    crop, dense = layers.Cropping1D(1), layers.Dense(2)
    with GradientTape() as tape:
        h = crop(x)
        loss = numkeras.ops.sum(dense(layers.Flatten()(h)))
    assert h.dtype == np.int32
    grads = tape.gradient(loss, dense.trainable_weights)
    np.testing.assert_allclose(grads[0], np.tile(x[:, 1:3].reshape(2, 6).sum(0)[:, None], 2))
