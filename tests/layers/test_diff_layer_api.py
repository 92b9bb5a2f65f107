"""The layer API beyond numerics against Keras 3: configs with every argument, `from_config`
round trips, symbolic shapes with None dims, weights' names and paths, masks (computed and
on symbolic tensors), dtypes, `trainable`, shared layers, `training=`, exception types.

The scenarios live in scripts/goldens/make_diff_layer_api.py (functions of the `keras`
module); the goldens (tests/goldens/diff_layer_api.json) are what real Keras 3.15 returned.
`DEVIATIONS` lists where numkeras differs on purpose (or, marked so, where the difference
is in a file this test does not cover), with the value numkeras gives there.
"""

import copy
import json
import warnings

import numpy as np
import pytest

import numkeras
from numkeras import layers

from ..differential import goldens, run_scenario, scenario_script

GOLD = goldens("diff_layer_api")
SCRIPT = scenario_script("make_diff_layer_api")

_STRICTER = ["error", "ValueError"]  # numkeras refuses at construction what Keras takes
DEVIATIONS = {
    "constructor_errors": {
        # Softmax(axis="a"), ELU(alpha="x"), BatchNormalization(axis=1.5),
        # Masking(mask_value=None), UpSampling2D(interpolation="nope"): Keras accepts them
        # and fails (or computes nonsense) later
        (28,): _STRICTER,
        (31,): _STRICTER,
        (32,): ["error", "TypeError"],  # (an ArgumentTypeError: a ValueError too)
        (36,): _STRICTER,
        (39,): _STRICTER,
    },
    "noise_layer_argument_errors": {
        # Attention(dropout=1.5), MultiHeadAttention(dropout=-0.5): Keras takes them
        (11,): _STRICTER,
        (12,): _STRICTER,
    },
    "built_layer_on_other_shapes": {
        # Keras's JAX backend fails inside dot_general / broadcasting (TypeError); numkeras
        # checks the built feature size and raises its ShapeError (a ValueError)
        (4,): ["error", "ValueError"],
        (9,): ["error", "ValueError"],
    },
    "array_like_inputs": {
        # nested Python lists: Keras refuses them as a layer's inputs ("Only input tensors
        # may be passed as positional arguments"); numkeras converts them, as NumPy would
        (0,): ["ok", [[3.0, 3.0], [7.0, 7.0]]],
        (4,): ["ok", [[[1.0, 1.0], [1.0, 1.0]]]],
    },
    "input_specs_after_build": {
        # Conv layers: Keras's spec says min_ndim=rank+2, numkeras's ndim=rank+2 (the same
        # inputs fail either way; numkeras's message names every axis). LSTM: Keras sets
        # InputSpec(ndim=3); numkeras checks the rank in the layer (the same errors)
        (2,): [[4, None, None, {"-1": 3}]],
        (3,): [[3, None, None, {"1": 3}]],
        (5,): [None],
    },
    "layer_attributes": {
        # numkeras/layers/layer.py (reported): Keras's Layer.from_config turns an error of
        # the constructor into a TypeError ("Error when deserializing class ...")
        (3,): ["error", "ValueError"],
        # LSTM(2).compute_output_shape((None, 3)): Keras answers (None, 2) for an input
        # that is no sequence; numkeras says the rank is wrong
        (12,): ["error", "ValueError"],
    },
    "inputs_and_input_layers": {
        # Input(3): Keras 3 wants a tuple; numkeras takes the int as Keras 2 did
        (4,): ["ok", [[None, 3], "float32"]],
    },
    "recurrent_output_structures": {
        # RNN([LSTMCell, GRUCell], return_state=True) on arrays: Keras's eager call lists a
        # one-state cell's state ((y, [h1, c1], [h2])); numkeras nests the states as
        # Keras's symbolic call does, (y, [h1, c1], h2), on arrays and Inputs alike
        (5, 0): {"tuple": [[2, 3], {"list": [[2, 2], [2, 2]]}, [2, 3]]},
    },
    "config_misc_layers": {
        # EinsumDense("abc,cd->abd", (None, 5)): Keras keeps the None of `output_shape`,
        # numkeras fills it from the input (4), as the output of a call has
        (26, "symbolic", 0, 0): [None, 4, 5],
    },
}


def _expected(name):
    want = copy.deepcopy(GOLD[name])
    for path, value in DEVIATIONS.get(name, {}).items():
        node = want
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return want


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_layer_api_matches_keras(name):
    got, want = run_scenario(SCRIPT, name), _expected(name)
    if isinstance(want, list):
        assert len(got) == len(want)
        for i, (g, w) in enumerate(zip(got, want)):
            assert g == w, f"{name}[{i}]"
    elif isinstance(want, dict):
        assert sorted(got) == sorted(want)
        for key in want:
            assert got[key] == want[key], f"{name}[{key!r}]"
    else:
        assert got == want


def test_recurrent_layer_built_for_other_features_says_so():
    lstm = layers.LSTM(2)
    lstm(np.ones((1, 4, 3), "float32"))
    with pytest.raises(ValueError, match=r"built for inputs of shape \(batch, timesteps, 3\)"):
        lstm(np.ones((1, 4, 5), "float32"))
    assert lstm(np.ones((2, 7, 3), "float32")).shape == (2, 2)  # other batch and steps: fine


@pytest.mark.parametrize("cls", [layers.LayerNormalization, layers.RMSNormalization])
def test_normalization_built_for_other_sizes_says_so(cls):
    layer = cls()
    layer(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match=r"built for normalized axes \[-1\] of sizes \(3,\)"):
        layer(np.ones((2, 4), "float32"))


def test_symbolic_masks_are_keras_tensors_shared_down_the_graph():
    ids = numkeras.Input((5,), dtype="int32")
    e = layers.Embedding(7, 3, mask_zero=True)(ids)
    d = layers.Dense(2)(e)
    assert e._keras_mask.shape == (None, 5) and e._keras_mask.dtype == "bool"
    assert d._keras_mask is e._keras_mask  # passed on unchanged: the same tensor, as Keras
    assert not hasattr(layers.GlobalAveragePooling1D()(d), "_keras_mask")
    assert not hasattr(ids, "_keras_mask")


def _keras_configs():
    for name, value in sorted(GOLD.items()):
        entries = value if isinstance(value, list) else [value]
        for i, entry in enumerate(entries):
            if isinstance(entry, dict) and "class" in entry:
                yield pytest.param(entry["class"], entry["config"], id=f"{name}[{i}]")


@pytest.mark.parametrize(("cls", "config"), list(_keras_configs()))
def test_keras_configs_load_and_come_back_unchanged(cls, config):
    # the configs Keras 3 wrote (with every argument set) give numkeras layers whose
    # get_config() is Keras's again
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = getattr(layers, cls).from_config(copy.deepcopy(config))
        again = layer.get_config()
    again.pop("name", None)
    assert json.loads(json.dumps(again)) == config


@pytest.mark.parametrize(
    ("layer", "shape"),
    [
        (layers.Conv2D(2, 3), (None, 3, 4)),
        (layers.Conv1DTranspose(2, 3), (None, 5)),
        (layers.Conv3DTranspose(2, 3), (None, 5, 5, 2)),
        (layers.SeparableConv1D(2, 3), (None, 5, 3, 1)),
    ],
)
def test_conv_compute_output_shape_refuses_another_rank_as_keras(layer, shape):
    with pytest.raises(ValueError, match="expected rank"):
        layer.compute_output_shape(shape)
