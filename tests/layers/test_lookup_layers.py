"""Behaviour of StringLookup / IntegerLookup / TextVectorization / Hashing beyond the
Keras goldens (test_lookup_goldens.py): inputs, errors, vocabulary files, configs, graphs."""

import json

import numpy as np
import pytest

from numkeras.errors import ConfigError, InputTypeError, LabelRangeError, NotBuiltError
from numkeras.layers.hashing import Hashing
from numkeras.layers.integer_lookup import IntegerLookup
from numkeras.layers.string_lookup import StringLookup
from numkeras.layers.text_vectorization import TextVectorization


# -- inputs ------------------------------------------------------------------------------------
def test_string_lookup_accepts_lists_bytes_and_object_arrays():
    layer = StringLookup(vocabulary=["a", "b", "é"])
    expected = [[1, 3], [0, 2]]
    assert layer([["a", "é"], ["z", "b"]]).tolist() == expected
    as_bytes = np.array([[b"a", "é".encode()], [b"z", b"b"]])
    assert layer(as_bytes).tolist() == expected
    assert layer(np.array([["a", "é"], ["z", "b"]], dtype=object)).tolist() == expected
    scalar = layer("é")
    assert scalar.shape == () and scalar.dtype == np.int64 and int(scalar) == 3


def test_ragged_lists_are_refused_with_the_fix():
    with pytest.raises(InputTypeError, match="ragged"):
        StringLookup(vocabulary=["a"])([["a"], ["a", "b"]])


def test_string_lookup_refuses_numbers_and_integer_lookup_refuses_strings():
    with pytest.raises(InputTypeError, match="IntegerLookup"):
        StringLookup(vocabulary=["a"])(np.array([1, 2]))
    with pytest.raises(InputTypeError, match="StringLookup"):
        IntegerLookup(vocabulary=[1])(np.array(["a"]))
    with pytest.raises(InputTypeError, match="non-integer"):
        IntegerLookup(vocabulary=[1])(np.array([1.5]))


def test_integer_lookup_takes_whole_floats_as_a_model_feeds_them():
    layer = IntegerLookup(vocabulary=[12, 36])
    assert layer(np.array([[36.0], [12.0], [5.0]], "float32")).tolist() == [[2], [1], [0]]


# -- vocabulary ---------------------------------------------------------------------------------
def test_vocabulary_file_one_token_per_line(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("earth\r\nwind\nfire\n", encoding="utf-8")
    layer = StringLookup(vocabulary=str(path))
    assert layer.get_vocabulary() == ["[UNK]", "earth", "wind", "fire"]
    assert layer(np.array(["fire", "water"])).tolist() == [3, 0]
    assert layer.get_config()["vocabulary"] is None  # (as Keras: a file goes in the assets)
    ints = tmp_path / "ints.txt"
    ints.write_text("7\n3\n", encoding="utf-8")
    assert IntegerLookup(vocabulary=str(ints))(np.array([3, 7, 9])).tolist() == [2, 1, 0]
    with pytest.raises(ConfigError, match="does not exist"):
        StringLookup(vocabulary=str(tmp_path / "missing.txt"))


def test_set_vocabulary_replaces_and_get_vocabulary_without_specials():
    layer = StringLookup(mask_token="[PAD]")
    assert layer.vocabulary_size() == 2
    layer.set_vocabulary(["x", "y"])
    assert layer.get_vocabulary() == ["[PAD]", "[UNK]", "x", "y"]
    assert layer.get_vocabulary(include_special_tokens=False) == ["x", "y"]
    assert layer(np.array(["[PAD]", "y", "q"])).tolist() == [0, 3, 1]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"vocabulary": ["a", "a"]}, "repeated"),
        ({"vocabulary": ["a", ""], "mask_token": ""}, "reserved mask"),
        ({"vocabulary": ["a", "[UNK]"], "invert": True}, "reserved OOV"),
        ({"vocabulary": ["a", "b", "c"], "max_tokens": 3}, "larger than the maximum"),
        ({"vocabulary": []}, "empty vocabulary"),
        ({"output_mode": "multi_hott"}, "Did you mean 'multi_hot'"),
        ({"sparse": True, "output_mode": "multi_hot"}, "sparse"),
        ({"max_tokens": 1}, "greater than 1"),
        ({"pad_to_max_tokens": True}, "must set `max_tokens`"),
        ({"invert": True, "output_mode": "count"}, "must be `'int'`"),
        ({"idf_weights": [1.0]}, "only be set if"),
        ({"vocabulary": ["a"], "output_mode": "tf_idf"}, "idf_weights"),
        ({"num_oov_indices": -1}, "num_oov_indices"),
        ({"salt": "x"}, "salt"),
    ],
)
def test_string_lookup_config_errors(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        StringLookup(**kwargs)


def test_adapting_a_layer_with_a_vocabulary_is_refused():
    layer = StringLookup(vocabulary=["a"])
    with pytest.raises(ConfigError, match="Cannot adapt"):
        layer.adapt(["a", "b"])


def test_num_oov_indices_zero_raises_on_unknown_tokens():
    layer = StringLookup(vocabulary=["a", "b"], num_oov_indices=0)
    assert layer(np.array(["b", "a"])).tolist() == [1, 0]
    with pytest.raises(LabelRangeError, match=r"found OOV values \['zz'\]"):
        layer(np.array(["a", "zz"]))


def test_multi_hot_needs_a_vocabulary_before_the_call():
    with pytest.raises(NotBuiltError, match="adapt"):
        StringLookup(output_mode="multi_hot")(np.array([["a"]]))


def test_adapt_from_batches_and_steps():
    layer = IntegerLookup()
    batches = (np.array([[i % 3, 5]]) for i in range(10))
    layer.adapt(batches, steps=4)  # reads 0, 1, 2, 0 and four 5s
    assert layer.get_vocabulary() == [-1, 5, 0, 2, 1]


# -- configs and saving -------------------------------------------------------------------------
def test_config_round_trip_keeps_vocabulary_and_behaviour():
    layer = StringLookup(vocabulary=["a", "b"], output_mode="count", mask_token="")
    clone = StringLookup.from_config(json.loads(json.dumps(layer.get_config())))
    x = np.array([["b", "b", ""], ["a", "q", "a"]])
    np.testing.assert_array_equal(clone(x), layer(x))
    tv = TextVectorization(vocabulary=["hi", "there"], ngrams=(1, 2), output_sequence_length=3)
    tv2 = TextVectorization.from_config(json.loads(json.dumps(tv.get_config())))
    np.testing.assert_array_equal(tv2(["Hi there!"]), tv(["Hi there!"]))


def test_adapted_vocabulary_travels_as_an_asset(tmp_path):
    layer = StringLookup(output_mode="tf_idf")
    layer.adapt([["a", "b"], ["a", "c"]])
    store = {}
    layer.save_own_variables(store)
    layer.save_assets(str(tmp_path))
    clone = StringLookup.from_config(layer.get_config())
    clone.load_own_variables(store)
    clone.load_assets(str(tmp_path))
    x = np.array([["a", "c", "z"]])
    np.testing.assert_allclose(clone(x), layer(x))


# -- shapes and graphs ---------------------------------------------------------------------------
def test_compute_output_shape_matches_the_call():
    for mode in ("int", "one_hot", "multi_hot", "count"):
        layer = StringLookup(vocabulary=["a", "b"], output_mode=mode)
        for shape in [(3,), (3, 1), (3, 2)]:
            x = np.full(shape, "a")
            assert layer(x).shape == layer.compute_output_shape(shape), (mode, shape)


def test_symbolic_call_gives_int64_ids_for_an_embedding():
    from numkeras.layers import Embedding, Input
    from numkeras.models import Model

    inputs = Input(shape=(2,))
    ids = StringLookup(vocabulary=["a", "b", "c"])(inputs)
    assert ids.dtype == "int64" and tuple(ids.shape) == (None, 2)
    model = Model(inputs, Embedding(4, 3)(ids))
    assert model.output_shape == (None, 2, 3)


def test_lookup_layers_have_no_input_gradient():
    layer = StringLookup(vocabulary=["a"])
    out, cache = layer.forward(np.array(["a"]))
    assert layer.backward(cache, np.ones(out.shape), need_input_grad=False) is None
    with pytest.raises(NotImplementedError, match="no gradient"):
        layer.backward(cache, np.ones(out.shape))


# -- TextVectorization -------------------------------------------------------------------------
def test_text_vectorization_callables():
    def standardize(texts):
        return np.char.upper(texts)

    def split(texts):
        return [t.split("-") for t in texts]

    layer = TextVectorization(standardize=standardize, split=split, vocabulary=["A", "B"])
    assert layer(["a-b-c", "b"]).tolist() == [[2, 3, 1], [3, 0, 0]]


def test_text_vectorization_errors():
    with pytest.raises(ConfigError, match="Did you mean 'whitespace'"):
        TextVectorization(split="whitespaces")
    with pytest.raises(ConfigError, match="output_sequence_length"):
        TextVectorization(output_mode="count", output_sequence_length=3)
    with pytest.raises(ConfigError, match="ragged"):
        TextVectorization(ragged=True)
    from numkeras.errors import ShapeError

    with pytest.raises(ShapeError, match="last shape dimension must be 1"):
        TextVectorization(vocabulary=["a"])(np.array([["a", "b"]]))


def test_text_vectorization_adapt_in_batches_equals_one_batch():
    texts = ["a b c", "b c", "c d", "a a a"]
    one, two = TextVectorization(output_mode="tf_idf"), TextVectorization(output_mode="tf_idf")
    one.adapt(texts)
    two.adapt(texts, batch_size=3)
    assert one.get_vocabulary() == two.get_vocabulary()
    np.testing.assert_allclose(one(texts), two(texts))


# -- Hashing -------------------------------------------------------------------------------------
def test_hashing_errors_and_shapes():
    with pytest.raises(ConfigError, match="num_bins"):
        Hashing(num_bins=0)
    with pytest.raises(ConfigError, match="integer type"):
        Hashing(num_bins=3, dtype="float32")
    layer = Hashing(num_bins=5, output_mode="multi_hot")
    x = np.array([["a", "b"], ["c", "d"]])
    assert layer(x).shape == layer.compute_output_shape(x.shape) == (2, 5)
    ints = Hashing(num_bins=7)
    np.testing.assert_array_equal(ints(np.array([10, -3])), ints(np.array(["10", "-3"])))


def test_integer_lookup_in_a_sequential_model_predicts_and_trains():
    from numkeras.layers import Dense, Embedding, Flatten, Input
    from numkeras.models import Sequential

    model = Sequential(
        [Input(shape=(2,), dtype="int32"), IntegerLookup(vocabulary=[10, 20, 30]), Embedding(4, 3)]
    )
    x = np.array([[10, 30], [99, 20]])
    emb = model.layers[-1].embeddings.value
    np.testing.assert_allclose(model.predict(x, verbose=0), emb[[[1, 3], [0, 2]]])
    head = Sequential(
        [
            Input(shape=(2,), dtype="int32"),
            IntegerLookup(vocabulary=[10, 20, 30]),
            Embedding(4, 3),
            Flatten(),
            Dense(1),
        ]
    )
    head.compile(optimizer="sgd", loss="mse")
    history = head.fit(x, np.ones((2, 1)), epochs=3, verbose=0).history["loss"]
    assert history[-1] < history[0]


def _string_inputs_supported() -> bool:
    from numkeras.layers import Input

    try:
        Input(shape=(1,), dtype="string")
    except ValueError:
        return False
    return True


@pytest.mark.skipif(
    not _string_inputs_supported(),
    reason="Input(dtype='string') needs the model's input handling (lead: see the report)",
)
def test_string_lookup_in_a_sequential_model_predicts():
    from numkeras.layers import Embedding, Input
    from numkeras.models import Sequential

    model = Sequential(
        [Input(shape=(1,), dtype="string"), StringLookup(vocabulary=["a", "b"]), Embedding(3, 2)]
    )
    emb = model.layers[-1].embeddings.value
    out = model.predict(np.array([["b"], ["zz"]]), verbose=0)
    np.testing.assert_allclose(out, emb[[[2], [0]]])
