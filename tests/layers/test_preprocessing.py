"""The numeric preprocessing layers (Normalization, Discretization, CategoryEncoding) against
real Keras 3 (goldens from scripts/goldens/make_preprocessing.py): `adapt` results on arrays
and on batches, outputs for every mode, configs, a keras.io-style tabular model trained 2
steps, `.keras` files both ways; plus Normalization's input gradient against finite
differences, and errors."""

import json
import pathlib

import numpy as np
import pytest

from numkeras.errors import ConfigError, InputTypeError, LabelRangeError, NotBuiltError, ShapeError
from numkeras.layers import CategoryEncoding, Dense, Discretization, Input, Normalization
from numkeras.models import Model, Sequential, load_model
from numkeras.optimizers import SGD
from numkeras.utils.gradcheck import numeric_gradient
from numkeras.utils.py_dataset import PyDataset

GOLDENS = pathlib.Path(__file__).parents[1] / "goldens"
GOLD = json.loads((GOLDENS / "preprocessing.json").read_text())
KERAS_FILE = GOLDENS / "preprocessing_normalization.keras"
TOL = dict(rtol=1e-6, atol=1e-6)


def _no_name(config):
    return {k: v for k, v in config.items() if k != "name"}


def _split(data, size):
    return [data[i : i + size] for i in range(0, len(data), size)]


class _Batches(PyDataset):
    def __init__(self, x, batch_size):
        super().__init__()
        self.x, self.batch_size = x, batch_size

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, i):
        return self.x[i * self.batch_size : (i + 1) * self.batch_size]


def _adapted(case):
    layer = Normalization(**case["kwargs"])
    data = np.array(case["data"], case["data_dtype"])
    size = case["batch_size"]
    if case["source"] == "array":
        layer.adapt(data)
    elif case["source"] == "list":
        layer.adapt(_split(data, size))
    elif case["source"] == "tuples":
        layer.adapt([(b, np.zeros(len(b))) for b in _split(data, size)])
    else:
        layer.adapt(_Batches(data, size))
    if "readapt" in case:
        layer.adapt(np.array(case["readapt"], "float32"))
    return layer


# -- Normalization ---------------------------------------------------------------------------
@pytest.mark.parametrize("case", GOLD["normalization"], ids=lambda c: c["name"])
def test_normalization_adapt_matches_keras(case):
    layer = _adapted(case)
    assert [w.name for w in layer.weights] == case["weight_names"]
    assert [str(w.dtype) for w in layer.weights] == case["weight_dtypes"]
    assert layer.trainable_weights == []
    for got, want in zip(layer.get_weights(), case["weights"]):
        np.testing.assert_allclose(got, np.array(want), **TOL)
    x = np.array(case["x"], "float32")
    y = layer(x)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, case["y"], rtol=2e-6, atol=2e-6)
    assert _no_name(layer.get_config()) == _no_name(case["config"])
    inverse = Normalization(**{**case["kwargs"], "invert": True})
    inverse.build(np.shape(case["data"]))
    inverse.set_weights(layer.get_weights())
    np.testing.assert_allclose(inverse(x), case["y_invert"], rtol=2e-6, atol=2e-5)


def test_normalization_adapt_on_generator_and_array_batches_is_the_list_result():
    case = next(c for c in GOLD["normalization"] if c["name"] == "list_of_batches")
    data = np.array(case["data"], "float32")
    want = np.array(case["weights"][0])
    gen = Normalization()
    gen.adapt(b for b in _split(data, 8))
    np.testing.assert_allclose(gen.get_weights()[0], want, **TOL)
    sized = Normalization()
    sized.adapt(data, batch_size=8)
    np.testing.assert_array_equal(sized.get_weights()[0], gen.get_weights()[0])
    first = Normalization()
    first.adapt(_split(data, 8), steps=1)
    np.testing.assert_allclose(first.get_weights()[0], data[:8].mean(axis=0), rtol=1e-6)


@pytest.mark.parametrize("case", GOLD["normalization_given"], ids=lambda c: c["name"])
def test_normalization_given_statistics_match_keras(case):
    layer = Normalization(**case["kwargs"])
    np.testing.assert_allclose(layer(np.array(case["x"], "float32")), case["y"], **TOL)
    assert len(layer.weights) == case["n_weights"] == 0
    assert _no_name(layer.get_config()) == _no_name(case["config"])
    clone = Normalization.from_config(json.loads(json.dumps(layer.get_config())))
    np.testing.assert_allclose(clone(np.array(case["x"], "float32")), case["y"], **TOL)


def test_unadapted_normalization_passes_inputs_through_as_keras():
    x = np.array(GOLD["normalization_unadapted"]["x"], "float32")
    np.testing.assert_array_equal(Normalization()(x), GOLD["normalization_unadapted"]["y"])


@pytest.mark.parametrize("kwargs", [{}, {"invert": True}, {"axis": (1, 2)}, {"axis": None}])
def test_normalization_input_gradient_matches_finite_differences(kwargs):
    rng = np.random.default_rng(0)
    layer = Normalization(dtype="float64", **kwargs)
    layer.adapt(rng.normal(2.0, 3.0, (20, 3, 2)))
    x = rng.normal(size=(4, 3, 2))
    r = rng.normal(size=(4, 3, 2))
    y, cache = layer.forward(x)
    got = layer.backward(cache, r)
    want = numeric_gradient(lambda: float((layer(x) * r).sum()), x)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
    assert layer.backward(cache, r, need_input_grad=False) is None


def test_normalization_errors():
    with pytest.raises(ConfigError, match="both `mean` and `variance`"):
        Normalization(mean=1.0)
    with pytest.raises(ConfigError, match="same shape"):
        Normalization(mean=[1.0, 2.0], variance=1.0)
    with pytest.raises(ConfigError, match="rank of `mean`"):
        Normalization(mean=[[1.0]], variance=[[1.0]])
    with pytest.raises(ConfigError, match="axis"):
        Normalization(axis="last")
    with pytest.raises(ShapeError, match="range"):
        Normalization(axis=3)(np.ones((2, 3)))
    layer = Normalization()
    layer.adapt(np.ones((5, 3), "float32"))
    with pytest.raises(ShapeError, match="incompatible shape"):
        layer.adapt(np.ones((5, 4), "float32"))
    with pytest.raises(ShapeError, match="do not fit"):
        layer(np.ones((2, 4), "float32"))
    with pytest.raises(NotBuiltError, match="build"):
        Normalization().call(np.ones((2, 3), "float32"))
    with pytest.raises(ConfigError, match="adapt"):
        Normalization(mean=1.0, variance=1.0).adapt(np.ones((2, 3)))
    with pytest.raises(InputTypeError, match="empty"):
        Normalization().adapt([])
    with pytest.raises(InputTypeError, match="Unsupported"):
        Normalization().adapt(3.0)


def test_normalization_readapt_and_reset_state():
    layer = Normalization()
    layer(np.ones((2, 3), "float32"))  # built by a call first
    layer.adapt(np.array([[0.0, 1.0, 2.0], [2.0, 3.0, 6.0]], "float32"))
    np.testing.assert_allclose(layer.adapt_mean.numpy(), [1.0, 2.0, 4.0])
    np.testing.assert_allclose(layer.mean, [[1.0, 2.0, 4.0]])
    np.testing.assert_allclose(layer.variance, [[1.0, 1.0, 4.0]])
    layer.reset_state()
    np.testing.assert_array_equal(layer(np.full((1, 3), 5.0)), [[5.0, 5.0, 5.0]])


# -- Discretization --------------------------------------------------------------------------
@pytest.mark.parametrize("case", GOLD["discretization"], ids=lambda c: c["name"])
def test_discretization_outputs_match_keras(case):
    layer = Discretization(**case["kwargs"])
    y = layer(np.array(case["x"], "float32"))
    assert str(y.dtype) == case["dtype"]  # (int32 bins, float32 encodings)
    np.testing.assert_array_equal(y, case["y"])
    assert layer.compute_output_shape(np.shape(case["x"])) == y.shape
    assert _no_name(layer.get_config()) == _no_name(case["config"])


@pytest.mark.parametrize("case", GOLD["discretization_adapt"], ids=lambda c: c["name"])
def test_discretization_adapt_matches_keras(case):
    layer = Discretization(**case["kwargs"])
    data = np.array(case["data"], "float32")
    if case["batch_size"] is None:
        layer.adapt(data)
    else:
        layer.adapt(_split(data, case["batch_size"]), steps=case.get("steps"))
    np.testing.assert_allclose(layer.bin_boundaries, case["bin_boundaries"], **TOL)
    np.testing.assert_array_equal(layer(np.array(case["x"], "float32")), case["y"])
    config = layer.get_config()
    assert _no_name(config).keys() == _no_name(case["config"]).keys()
    clone = Discretization.from_config(case["config"])  # Keras's adapted config
    np.testing.assert_array_equal(clone(np.array(case["x"], "float32")), case["y"])


def test_discretization_errors():
    with pytest.raises(ConfigError, match="either `num_bins` or `bin_boundaries`"):
        Discretization()
    with pytest.raises(ConfigError, match="should not be set"):
        Discretization(bin_boundaries=[0.0], num_bins=2)
    with pytest.raises(ConfigError, match="output_mode"):
        Discretization(num_bins=2, output_mode="tf_idf")
    with pytest.raises(ConfigError, match="sorted"):
        Discretization(bin_boundaries=[1.0, 0.0])
    with pytest.raises(ConfigError, match="Cannot adapt"):
        Discretization(bin_boundaries=[0.0]).adapt(np.ones(3))
    with pytest.raises(NotBuiltError, match="adapt"):
        Discretization(num_bins=3)(np.ones(3))


# -- CategoryEncoding ------------------------------------------------------------------------
@pytest.mark.parametrize("case", GOLD["category_encoding"], ids=lambda c: c["name"])
def test_category_encoding_outputs_match_keras(case):
    layer = CategoryEncoding(**case["kwargs"])
    for x in (np.array(case["x"], "int32"), np.array(case["x"], "float32")):
        y = layer(x)
        assert str(y.dtype) == case["dtype"]
        np.testing.assert_array_equal(y, case["y"])
        assert layer.compute_output_shape(x.shape) == y.shape
    assert _no_name(layer.get_config()) == _no_name(case["config"])


def test_category_encoding_count_weights_match_keras():
    case = GOLD["category_encoding_weights"]
    layer = CategoryEncoding(num_tokens=4, output_mode="count")
    y = layer(np.array(case["x"]), count_weights=np.array(case["count_weights"]))
    np.testing.assert_allclose(y, case["y"])
    with pytest.raises(ConfigError, match="count_weights"):
        CategoryEncoding(num_tokens=4, output_mode="one_hot")(
            np.array(case["x"]), count_weights=np.array(case["count_weights"])
        )


def test_category_encoding_rejects_ids_it_cannot_encode():
    layer = CategoryEncoding(num_tokens=3, output_mode="one_hot")
    with pytest.raises(LabelRangeError, match=r"token id 3, outside \[0, 3\)"):
        layer(np.array([0, 3]))
    with pytest.raises(LabelRangeError, match="token id -1"):
        layer(np.array([-1, 2]))
    with pytest.raises(InputTypeError, match="integer"):
        layer(np.array([0.5, 1.0]))
    for bad in ({"num_tokens": None}, {"num_tokens": 0}, {"num_tokens": 3, "output_mode": "int"}):
        with pytest.raises(ConfigError):
            CategoryEncoding(**bad)
    with pytest.raises(ConfigError, match="sparse"):
        CategoryEncoding(num_tokens=3, sparse=True)


# -- in models -------------------------------------------------------------------------------
def _tabular_model():
    t = GOLD["tabular"]
    x = np.array(t["x"], "float32")
    norm = Normalization(name="norm")
    norm.adapt(_split(x, t["adapt_batch_size"]))
    inputs = Input(shape=(4,))
    h = Dense(8, activation="relu", name="dense")(norm(inputs))
    model = Model(inputs, Dense(1, name="dense_1")(h))
    return model, x


def test_tabular_model_trains_as_keras():
    t = GOLD["tabular"]
    model, x = _tabular_model()
    assert [w.path for w in model.weights] == t["weight_paths"]
    for got, want in zip(model.get_weights()[:3], t["weights"][:3]):  # the adapted state
        np.testing.assert_allclose(got, np.array(want), **TOL)
    model.set_weights([np.array(w, "float32") for w in t["weights"]])
    np.testing.assert_allclose(model.predict(x[:6], verbose=0), t["predict_before"], rtol=1e-5)
    model.compile(optimizer=SGD(0.05), loss="mse")
    hist = model.fit(x, np.array(t["y"], "float32"), batch_size=12, shuffle=False, verbose=0)
    np.testing.assert_allclose(hist.history["loss"][0], t["loss"], rtol=1e-5)
    for got, want in zip(model.get_weights(), t["weights_after"]):
        np.testing.assert_allclose(got, np.array(want), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict(x[:6], verbose=0), t["predict_after"], rtol=1e-5)


def test_keras_written_file_with_adapted_normalization_loads():
    t = GOLD["tabular"]
    model = load_model(KERAS_FILE)
    x = np.array(t["x"][:6], "float32")
    np.testing.assert_allclose(
        model.predict(x, verbose=0), t["predict_loaded"], rtol=1e-6, atol=1e-7
    )
    np.testing.assert_allclose(model.get_layer("norm").get_weights()[0], t["weights_after"][0])


def test_keras_file_round_trip_keeps_the_adapted_state(tmp_path):
    model, x = _tabular_model()
    disc = Discretization(num_bins=3, output_mode="one_hot", name="disc")
    disc.adapt(x[:, 0])
    inputs = Input(shape=(4,))
    h = Dense(2)(Normalization(mean=[1.0, 2.0, 3.0, 4.0], variance=[1.0, 1.0, 2.0, 2.0])(inputs))
    both = Model(inputs, [model(inputs), h, CategoryEncoding(5, "count")(inputs * 0 + 1)])
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    for a, b in zip(loaded.get_layer("norm").get_weights(), model.get_layer("norm").get_weights()):
        np.testing.assert_array_equal(a, b)
    both.save(tmp_path / "both.keras")
    again = load_model(tmp_path / "both.keras")
    for a, b in zip(again.predict(x, verbose=0), both.predict(x, verbose=0)):
        np.testing.assert_array_equal(a, b)
    seq = Sequential([Input(shape=(1,)), disc, Dense(1)])
    seq.save(tmp_path / "seq.keras")
    back = load_model(tmp_path / "seq.keras")
    assert back.layers[0].bin_boundaries == disc.bin_boundaries
    np.testing.assert_array_equal(
        back.predict(x[:, :1], verbose=0), seq.predict(x[:, :1], verbose=0)
    )


def test_training_after_an_encoding_layer_works_and_before_it_gets_no_gradient():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 5, (16, 3)).astype("float32")
    y = rng.normal(size=(16, 1)).astype("float32")
    model = Sequential([Input(shape=(3,)), CategoryEncoding(5, "multi_hot"), Dense(1)])
    model.compile(optimizer=SGD(0.1), loss="mse")
    before = model.get_weights()[0].copy()
    model.fit(x, y, epochs=1, verbose=0)
    assert not np.array_equal(model.get_weights()[0], before)
    ints = Sequential([Input(shape=(3,)), Discretization([1.5, 3.5]), Dense(1)])
    assert ints.predict(x, verbose=0).shape == (16, 1)
    through = Sequential([Input(shape=(3,)), Dense(3), Discretization([0.0]), Dense(1)])
    through.compile(optimizer=SGD(0.1), loss="mse")
    first, last = through.get_weights()[0].copy(), through.get_weights()[2].copy()
    through.fit(x, y, epochs=1, verbose=0)  # (as Keras: no gradient crosses the bins)
    assert np.array_equal(through.get_weights()[0], first)
    assert not np.array_equal(through.get_weights()[2], last)


def test_training_through_normalization_reaches_earlier_layers():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(8, 3)).astype("float32")
    y = rng.normal(size=(8, 1)).astype("float32")
    model = Sequential(
        [Input(shape=(3,)), Dense(3), Normalization(mean=0.5, variance=4.0), Dense(1)]
    )
    model.compile(optimizer=SGD(0.1), loss="mse")
    before = model.layers[0].get_weights()[0].copy()
    model.fit(x, y, epochs=1, verbose=0)
    assert not np.array_equal(model.layers[0].get_weights()[0], before)
