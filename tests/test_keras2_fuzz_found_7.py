"""Keras 2 compatibility of session 27 against tf_keras 2.21 (real Keras 2), with the goldens
of scripts/goldens/make_keras2_fuzz_found_7.py: Keras 1's convolution and pooling arguments
(`Convolution2D(nb_filter=, nb_row=, nb_col=, border_mode=, subsample=, init=,
dim_ordering=)`, `Convolution1D(filter_length=, subsample_length=)`, `Convolution3D(
kernel_dim1=, ...)`, `MaxPooling2D(border_mode=)`, `MaxPooling1D(pool_length=, stride=)`),
which Keras 2.0-2.3 still took, build the models tf_keras builds from Keras 2's names."""

import warnings

import numpy as np
import pytest

import numkeras
from numkeras.errors import ArgumentTypeError, DeprecatedArgumentWarning

from .differential import assert_json_close, goldens, scenario_script

GOLD = goldens("keras2_fuzz_found_7")
SCRIPT = scenario_script("make_keras2_fuzz_found_7")
L = numkeras.layers


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_matches_keras2(name):
    numkeras.utils.clear_session()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the Keras 1 spellings' deprecation notes)
        got = SCRIPT.SCENARIOS[name](numkeras)
    assert_json_close(got, GOLD[name], rtol=1e-5, atol=1e-5, where=name)


def test_each_keras1_name_warns_once():
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        L.Convolution2D(nb_filter=2, nb_row=3, nb_col=3, border_mode="same", subsample=(2, 2))
    notes = [str(w.message) for w in seen if issubclass(w.category, DeprecatedArgumentWarning)]
    assert len(notes) == 4, notes
    assert any("nb_row=, nb_col=" in n and "kernel_size=" in n for n in notes), notes
    assert any("border_mode" in n and "padding=" in n for n in notes), notes


@pytest.mark.filterwarnings("ignore::numkeras.errors.DeprecatedArgumentWarning")
def test_dim_ordering_values():
    """Keras 1's "th" is channels_first, "tf" channels_last, "default" the configured one."""
    conv = L.Conv2D(2, (3, 3), dim_ordering="th")
    assert conv.data_format == "channels_first"
    assert conv(np.zeros((1, 2, 5, 5), "float32")).shape == (1, 2, 3, 3)
    assert L.MaxPooling2D(dim_ordering="tf").data_format == "channels_last"
    assert L.AveragePooling3D((2, 2, 2), dim_ordering="th").data_format == "channels_first"
    assert L.Conv3D(1, 2, dim_ordering="default").data_format == "channels_last"


@pytest.mark.filterwarnings("ignore::numkeras.errors.DeprecatedArgumentWarning")
def test_config_round_trip_has_keras2_names():
    layer = L.Convolution2D(nb_filter=3, nb_row=2, nb_col=1, border_mode="same", bias=False)
    cfg = layer.get_config()
    assert (cfg["filters"], cfg["kernel_size"], cfg["padding"], cfg["use_bias"]) == (
        3,
        (2, 1),
        "same",
        False,
    )
    assert not any(k in cfg for k in ("nb_filter", "nb_row", "border_mode", "bias"))
    assert L.Conv2D.from_config(cfg).kernel_size == (2, 1)


@pytest.mark.filterwarnings("ignore::numkeras.errors.DeprecatedArgumentWarning")
def test_missing_arguments_are_type_errors():
    """Without `filters` / `kernel_size` (from either spelling) the error is a TypeError,
    as Python's for a missing argument; half of Keras 1's kernel sides too."""
    with pytest.raises(ArgumentTypeError, match="missing required argument.*kernel_size"):
        L.Conv2D(nb_filter=3)
    with pytest.raises(ArgumentTypeError, match="filters, kernel_size"):
        L.Conv1D()
    with pytest.raises(ArgumentTypeError, match="nb_row without nb_col"):
        L.Conv2D(3, nb_row=3)
    with pytest.raises(ArgumentTypeError, match="kernel_dim3"):
        L.Conv3D(3, kernel_dim1=1, kernel_dim2=2)
    with pytest.raises(TypeError):  # (Conv1D has no Keras 1 `subsample`: unknown, as Keras 2)
        L.Conv1D(2, 3, subsample=2)


@pytest.mark.filterwarnings("ignore::numkeras.errors.DeprecatedArgumentWarning")
def test_keras1_positional_kernel_is_refused():
    """`Convolution2D(32, 3, 3, border_mode="same")`: Keras 2.0-2.3 read the second 3 as
    the kernel's width, tf_keras and Keras 3 as `strides`; with Keras 1's keywords beside
    it numkeras refuses the mix rather than build a convolution of stride 3."""
    with pytest.raises(ArgumentTypeError, match=r"kernel_size=\(3, 3\)"):
        L.Convolution2D(32, 3, 3, border_mode="same")
    assert L.Convolution2D(32, 3, subsample=(2, 2), border_mode="same").strides == (2, 2)
    assert L.Convolution2D(32, 3, 3).strides == (3, 3)  # (Keras 3's reading, no Keras 1 names)
