import numpy as np

import numkeras
from numkeras.layers import Dense, Input, LeakyReLU
from numkeras.models import Sequential


def generator():
    return Sequential([Input(shape=(64,)), Dense(256), LeakyReLU(0.2), Dense(784)], name="g")


def text(model, x, **kw):
    return numkeras.explain(model, x, print_fn=lambda s: None, **kw)


def test_trace_for_a_valid_shape_lists_every_layer_and_the_batching():
    out = text(generator(), (128, 64))
    assert "Shape trace for model 'g' on input (128, 64)" in out
    assert "(128, 256)" in out and "(128, 784)" in out
    assert "4 batch(es) of 32 rows" in out
    assert "FAILS" not in out


def test_works_on_arrays_and_via_model_method(capsys):
    model = generator()
    out = model.explain(np.zeros((3, 64)))
    assert "(3, 784)" in out
    assert "(3, 784)" in capsys.readouterr().out


def test_marks_where_and_why_it_fails_for_the_seed_shapes():
    model = generator()
    transposed = text(model, (64, 128))
    assert "FAILS here" in transposed and "use x.T" in transposed
    extra_axis = text(model, (256, 256, 64))
    assert "x.reshape(-1, 64)" in extra_axis
    single = text(model, (64,))
    assert "x[None]" in single


def test_batching_with_steps_and_batch_size():
    model = generator()
    assert "2 batch(es) of 50 rows (ceil(100/2))" in text(model, (100, 64), steps=2)
    assert "the last one partial (36 rows)" in text(model, (100, 64), batch_size=64)
    capped = text(model, (100, 64), batch_size=10, steps=3)
    assert "3 batch(es) of 10 rows" in capped and "partial" not in capped


def test_dense_on_nd_input_is_called_out():
    model = Sequential([Input(shape=(256, 64)), Dense(8)])
    out = text(model, (2, 256, 64))
    assert "Dense acts on the last axis only: 64 -> 8" in out and "(2, 256, 8)" in out


def test_unbuilt_sequential_is_traced_with_layer_specs():
    model = Sequential([Dense(4), Dense(2)])
    assert "(10, 2)" in text(model, (10, 7))
    assert "FAILS" in text(model, (7,))
    assert not model.built  # explaining never builds or runs anything


def test_fixed_batch_size_is_reported_as_not_enforced():
    x = Input(shape=(6, 8), batch_size=32)
    model = numkeras.Model(x, Dense(4)(x))
    assert "not enforced" in text(model, (10, 6, 8))
