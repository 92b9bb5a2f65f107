"""What the misuse fuzzer (scripts/fuzz/fuzz_errors.py, seeds 141-180) found numkeras
explaining badly or refusing too late: its error classes against Keras 3's (goldens from
scripts/goldens/make_errors_found_30.py), messages that say what was expected, what
arrived and the fix (`fit(epochs=None)`, transposed targets and sample weights, a
keyword a method does not take, `add()` of a functional model), and fit's validation
arguments, callbacks that are no callbacks and unknown metric names refused before a
model without an Input is built; text reaching a layer that computes with numbers."""

import numpy as np
import pytest

import numkeras
from numkeras.errors import ArgumentTypeError, IncompatibleShapesError

from .differential import goldens, scenario_script

GOLD = goldens("errors_found_30")
SCRIPT = scenario_script("make_errors_found_30")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_errors_found_30_raise_what_keras_raises(name):
    numkeras.utils.clear_session()
    got = SCRIPT.SCENARIOS[name](numkeras)
    for case, want in GOLD[name].items():
        if not isinstance(want, list):  # (a plain value: the epochs trained)
            assert got[case] == want, f"{case}: {got[case]} != {want}"
        else:  # (numkeras's error must be an instance of the class Keras raised)
            assert want[0] in got[case], f"{case}: {got[case]} is not a {want}"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"epochs": None}, r"`epochs` must be an integer, received None .* e\.g\. epochs=10"),
        ({"epochs": "2"}, r"`epochs` must be an integer, received '2' .* Use epochs=2 "),
        ({"epochs": 3.0}, r"received 3\.0 \(of type float\)\. Use epochs=3\."),
        ({"initial_epoch": None}, r"`initial_epoch` must be an integer, .* initial_epoch=0"),
    ],
)
def test_fit_names_an_epoch_count_of_another_type(kwargs, match):
    model = SCRIPT._model(numkeras)
    with pytest.raises(ArgumentTypeError, match=match):
        model.fit(SCRIPT.X, SCRIPT.Y1, verbose=0, **kwargs)
    assert int(model.optimizer.iterations.numpy()) == 0 and not model.optimizer.built


@pytest.mark.parametrize(
    "call, fix",
    [
        (lambda m: m.fit(SCRIPT.X, SCRIPT.Y1.T, verbose=0), r"y\.reshape\(-1\), shape \(6,\)"),
        (lambda m: m.train_on_batch(SCRIPT.X, SCRIPT.Y1.T), r"y\.reshape\(-1\), shape \(6,\)"),
        (
            lambda m: m.evaluate(SCRIPT.X, SCRIPT.Y1, sample_weight=SCRIPT.SW[None], verbose=0),
            r"sample_weight has shape \(1, 6\): .* use sample_weight\.reshape\(-1\)",
        ),
    ],
)
def test_a_transposed_row_of_targets_or_weights_is_named_with_the_fix(call, fix):
    with pytest.raises(IncompatibleShapesError, match=fix) as info:
        call(SCRIPT._model(numkeras))
    assert "x has 6 samples" in str(info.value) and "looks transposed" in str(info.value)


def test_transposed_targets_of_several_columns_offer_the_transpose():
    for with_input in (True, False):  # (checked before a model without an Input is built)
        model = SCRIPT._model(numkeras, 2, with_input=with_input)
        with pytest.raises(ValueError, match=r"y has shape \(2, 6\): .* use y\.T, shape \(6, 2\)"):
            model.fit(SCRIPT.X, SCRIPT.Y2.T, verbose=0)
        assert model.built == with_input


def test_a_row_of_one_sample_is_no_transpose():
    # (x of 1 sample, y of 3: no array holds the samples along its last axis)
    model = SCRIPT._model(numkeras)
    with pytest.raises(ValueError) as info:
        model.fit(SCRIPT.X[:1], np.ones((3, 1), "float32"), verbose=0)
    assert "transposed" not in str(info.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"validation_steps": -1},  # (Keras runs no validation: README)
        {"validation_steps": 1.5},
        {"validation_steps": "2"},
        {"validation_freq": 0},
        {"validation_batch_size": 2.5},
    ],
)
def test_bad_validation_arguments_leave_a_model_without_an_input_unbuilt(kwargs):
    model = SCRIPT._model(numkeras, with_input=False)
    with pytest.raises((ValueError, TypeError)):
        model.fit(SCRIPT.X, SCRIPT.Y1, validation_data=(SCRIPT.X, SCRIPT.Y1), verbose=0, **kwargs)
    assert not model.built and not model.optimizer.built
    model.fit(SCRIPT.X, SCRIPT.Y1, verbose=0)  # (and it trains as a fresh one)
    assert int(model.optimizer.iterations.numpy()) == 1


def test_an_unknown_keyword_offers_the_close_spelling_and_the_keywords_taken():
    model = SCRIPT._model(numkeras)
    with pytest.raises(
        TypeError, match=r"\['epoch'\]\. Did you mean 'epochs'\? fit\(\) takes x, y,"
    ):
        model.fit(SCRIPT.X, SCRIPT.Y1, epoch=2, verbose=0)
    with pytest.raises(TypeError, match=r"\['nope'\]\. predict\(\) takes x, batch_size, verbose"):
        model.predict(SCRIPT.X, nope=1, verbose=0)


def test_add_and_pop_of_a_functional_model_say_they_are_sequentials():
    inp = numkeras.Input((4,))
    model = numkeras.Model(inp, numkeras.layers.Dense(2)(inp))
    for name in ("add", "pop"):
        with pytest.raises(
            AttributeError, match=rf"no attribute '{name}': add\(\) and pop\(\) are"
        ):
            getattr(model, name)
    assert not hasattr(model, "add") and hasattr(numkeras.Sequential(), "add")


@pytest.mark.parametrize("method", ["fit", "evaluate", "predict"])
@pytest.mark.parametrize("bad", [[3], numkeras.callbacks.History, [lambda *a: None]])
def test_callbacks_that_are_no_callbacks_leave_a_model_without_an_input_unbuilt(method, bad):
    # (Keras crashes on them: "'int' object has no attribute 'set_model'"; numkeras says
    # what arrived, before it builds anything)
    model = SCRIPT._model(numkeras, with_input=False)
    args = (SCRIPT.X,) if method == "predict" else (SCRIPT.X, SCRIPT.Y1)
    with pytest.raises(TypeError, match="Expected `keras.callbacks.Callback` instances"):
        getattr(model, method)(*args, callbacks=bad, verbose=0)
    assert not model.built and not model.optimizer.built


@pytest.mark.parametrize("method", ["fit", "evaluate", "train_on_batch", "test_on_batch"])
def test_an_unknown_metric_name_leaves_a_model_without_an_input_unbuilt(method):
    model = numkeras.Sequential([numkeras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["nope"])
    kw = {"verbose": 0} if method in ("fit", "evaluate") else {}
    with pytest.raises(ValueError, match="Unknown metric: 'nope'"):
        getattr(model, method)(SCRIPT.X, SCRIPT.Y1, **kw)
    assert not model.built and not model.optimizer.built


def test_text_into_a_layer_that_computes_with_numbers_says_so():
    text = numkeras.Input((3,), dtype="string")
    with pytest.raises(
        ValueError, match=r"Layer 'dense' \(Dense\) computes with numbers, .* is text"
    ):
        numkeras.layers.Dense(2, name="dense")(text)
    ids = numkeras.layers.StringLookup(vocabulary=["a", "b"])(text)  # (text layers take it)
    assert numkeras.layers.Embedding(3, 2)(ids).shape == (None, 3, 2)
