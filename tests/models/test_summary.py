import warnings

import pytest

from numkeras.layers import BatchNormalization, Dense, Dropout, Input, LeakyReLU
from numkeras.models import Model, Sequential


def lines(model):
    out = []
    model.summary(print_fn=lambda text: out.extend(text.rstrip("\n").split("\n")))
    return out


def test_summary_of_the_2017_generator_matches_keras_figures():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = Sequential(
            [
                Dense(256, input_dim=100),
                LeakyReLU(0.2),
                Dense(512),
                LeakyReLU(0.2),
                Dense(1024),
                LeakyReLU(0.2),
                Dense(784, activation="tanh"),
            ],
            name="g",
        )
    out = lines(g)
    assert out[0] == 'Model: "g"'
    assert out[2].startswith("┃ Layer (type)")
    assert " Total params: 1,486,352 (5.67 MB)" in out  # Keras prints exactly this
    assert " Trainable params: 1,486,352 (5.67 MB)" in out
    assert " Non-trainable params: 0 (0.00 B)" in out
    assert any("(None, 784)" in ln and "803,600" in ln for ln in out)


def test_summary_counts_frozen_and_optimizer_params():
    model = Sequential([Input((4,)), Dense(4), Dropout(0.1), Dense(1)], name="m")
    model.layers[0].trainable = False
    model.compile(optimizer="adam", loss="mse")
    out = lines(model)
    assert " Trainable params: 5 (20.00 B)" in out
    assert " Non-trainable params: 20 (80.00 B)" in out
    import numpy as np

    model.train_on_batch(np.zeros((2, 4)), np.zeros((2, 1)))
    assert " Optimizer params: 12 (48.00 B)" in lines(model)


def test_functional_summary_has_connections():
    a, b = Input((3,), name="a"), Input((2,), name="b")
    from numkeras.layers.layer import Layer  # noqa: F401

    out = lines(Model([a, b], [Dense(1, name="o1")(a), Dense(1, name="o2")(b)], name="f"))
    header = out[2]
    assert "Connected to" in header
    assert any("o1 (Dense)" in ln and "a[0][0]" in ln for ln in out)
    assert any("a (InputLayer)" in ln for ln in out)


def test_unbuilt_sequential_summary():
    out = lines(Sequential([Dense(3)], name="u"))
    assert any("?" in ln and "unbuilt" in ln for ln in out)


def _gan():
    g = Sequential(
        [Input((3,)), Dense(4, name="g_dense"), BatchNormalization(name="g_bn")], name="G"
    )
    d = Sequential([Input((4,)), Dense(1, name="d_dense")], name="D")
    z = Input((3,), name="z")
    return Model(z, d(g(z)), name="gan"), d


def test_summary_options_print_what_keras_prints():
    # the rows and cells Keras 3.15 prints for this model (names fixed so they match)
    gan, d = _gan()
    out = []
    gan.summary(
        print_fn=lambda text: out.extend(text.rstrip("\n").split("\n")),
        expand_nested=True,
        show_trainable=True,
    )
    assert out[2] == "┃ Layer (type)                ┃ Output Shape          ┃    Param # ┃ Trai… ┃"
    assert "│    └ g_dense (Dense)        │ (None, 4)             │         16 │   Y   │" in out
    assert "│    └ g_bn                   │ (None, 4)             │         16 │   Y   │" in out
    assert "│ (BatchNormalization)        │                       │            │       │" in out
    assert "│ z (InputLayer)              │ (None, 3)             │          0 │   -   │" in out
    d.trainable = False
    out = []
    gan.summary(
        print_fn=lambda text: out.extend(text.rstrip("\n").split("\n")), show_trainable=True
    )
    assert "│ D (Sequential)              │ (None, 1)             │          5 │   N   │" in out
    assert not any("└" in line and "g_dense" in line for line in out)
    out = []
    gan.summary(
        print_fn=lambda text: out.extend(text.rstrip("\n").split("\n")), layer_range=["G", "D"]
    )
    rows = [line for line in out if line.startswith("│")]
    assert [r.split()[1] for r in rows] == ["G", "D"]
    with pytest.raises(ValueError, match="No layer name matches"):
        gan.summary(
            print_fn=lambda text: out.extend(text.rstrip("\n").split("\n")),
            layer_range=["nothing", "D"],
        )


def test_long_cells_wrap_and_cut_as_rich_does():
    out = []
    long_name = "averyveryverylongnamedlayer_for_wrapping_test"
    Sequential([Input((3,)), Dense(2, name=long_name)]).summary(
        print_fn=lambda text: out.extend(text.rstrip("\n").split("\n"))
    )
    assert any(line.startswith("│ averyveryverylongnamedlayer_fo… │") for line in out)
    assert any(line.startswith("│ (Dense) ") for line in out)
