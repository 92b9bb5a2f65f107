"""User mistakes against real Keras 3: each scenario of scripts/goldens/make_diff_errors.py
runs here on numkeras and must raise an instance of the built-in exception class Keras
raised (the first built-in class in its MRO), at the same step of the scenario, or succeed
with the same summary where Keras succeeds (goldens in tests/goldens/diff_errors.json).

Where Keras crashes with an internal error or silently accepts nonsense, numkeras keeps a
clear error of its own: `NUMKERAS_RULES` lists those scenarios with what numkeras does.
"""

import builtins
import warnings

import numpy as np
import pytest

import numkeras

from .differential import goldens, scenario_script

GOLD = goldens("diff_errors")["cases"]
SCEN = scenario_script("make_diff_errors")


def raises(kind, at):
    return {"raises": kind, "at": at}


# scenario -> what numkeras does instead of what Keras 3 (JAX) does, and why
NUMKERAS_RULES = {
    # Keras pairs a loss_weights dict with the losses by sorted key when the counts match
    # ("zz"'s weight goes to "o2"); numkeras refuses a weight for an output without a loss
    "compile_loss_weights_dict_unknown_key": raises("ValueError", "fit"),
    # Keras crashes inside: IndexError "tuple index out of range", KeyError "pop from an
    # empty set", UnboundLocalError; numkeras names the expected input or returns no rows
    "predict_scalar": raises("ValueError", "predict"),
    "predict_none": raises("ValueError", "predict"),
    "predict_empty_batch": {"ok": [0, 3], "at": "predict"},
    # (batchnorm_axis_out_of_range: numkeras's AxisBoundsError is Keras's IndexError too)
    # Keras: AttributeError 'str' object has no attribute 'set_model'
    "fit_callbacks_a_non_callback": raises("TypeError", "fit"),
    # Keras: TypeError 'float' object is not callable, at the first epoch
    "learning_rate_scheduler_not_callable": raises("TypeError", "construct"),
    # Keras silently drops the imaginary part
    "predict_complex_dtype": raises("ValueError", "predict"),
    # Keras (JAX) warns and uses the first two arrays / concatenates swapped inputs of
    # other widths (torch raises ValueError); README: "a model given more inputs..."
    "predict_two_input_model_three_arrays": raises("ValueError", "predict"),
    "predict_two_input_model_swapped": raises("ValueError", "predict"),
    # Keras splits at a negative row count and trains on what is left
    "fit_validation_split_above_one": raises("ValueError", "fit"),
    "fit_validation_split_negative": raises("ValueError", "fit"),
    # Keras broadcasts a (5, 1) target against a (5, 2) output (and back) silently
    "fit_two_outputs_y_swapped_shapes": raises("TypeError", "fit"),
    # Keras trains the first output only and ignores the other, silently
    "compile_loss_list_too_short": raises("ValueError", "fit"),
    # Keras checks these at the first call, numkeras in the constructor
    "maxpool2d_bad_padding": raises("ValueError", "construct"),
    "upsampling2d_bad_interpolation": raises("ValueError", "construct"),
    # Keras zeroes everything in training; numkeras's forward would scale by 1 / 0
    "dropout_rate_one": raises("ValueError", "construct"),
    # tests/layers/test_diff_layer_api.py: Input(3) takes the int as Keras 2 did
    "input_shape_an_int": {"ok": "KerasTensor", "at": "construct"},
    # Keras assigns the kernel before it finds the bias's shape wrong; numkeras checks all
    "set_weights_wrong_shape_leaves_weights": {"ok": ["raised", True], "at": "setup"},
    # Keras ignores an unknown keyword of Model(inputs, outputs, ...)
    "model_unknown_keyword": raises("ValueError", "model"),
    # Keras takes one layer instance twice (its weights shared), most often a slip for two
    # layers of the same kind; numkeras refuses
    "sequential_add_same_layer_twice": raises("ValueError", "add"),
    # Keras leaves the layer that failed to add in model.layers
    "sequential_failed_add_leaves_layers": {"ok": ["raised", 1], "at": "setup"},
    # Keras maps -1 to the last class, truncates 0.5 to class 0, reads 0 classes as "infer"
    "to_categorical_negative_label": raises("IndexError", "call"),
    "to_categorical_fractional_labels": raises("ValueError", "call"),
    "to_categorical_num_classes_zero": raises("ValueError", "call"),
    # Keras (JAX) reads an out-of-range index or label silently (clamped gathers)
    "predict_embedding_index_out_of_range": raises("IndexError", "predict"),
    "fit_scce_label_out_of_range": raises("ValueError", "fit"),
    "fit_scce_negative_label": raises("ValueError", "fit"),
    # Keras: IndexError "list index out of range" (ValueError for a positive index)
    "get_layer_very_negative_index": raises("ValueError", "get_layer"),
    # Keras one-hot encodes (5, 1, 1) labels against a (5, 3) output and broadcasts
    "fit_scce_target_rank_3": raises("ValueError", "fit"),
    # Keras trains the first epoch before it finds the validation data's shape wrong;
    # numkeras checks them before training (tests/test_error_types.py)
    "failed_validation_leaves_weights": {"ok": ["raised", True], "at": "setup"},
    # Keras reads any verbose= (a word) as 1
    "fit_verbose_a_word": raises("ValueError", "fit"),
    # Keras (JAX) fails every later predict after one with the wrong shape
    "failed_predict_then_right_data": {"ok": ["raised", [5, 3]], "at": "predict"},
}

# Keras behaviours numkeras does not have yet (reported to the lead)
PENDING: dict[str, str] = {}  # scenario -> why numkeras does not match Keras yet


def assert_matches(got, want, name):
    assert got["at"] == want["at"], f"{name}: stopped at {got['at']!r}, Keras at {want['at']!r}"
    if "raises" in want:
        assert "raises" in got, f"{name}: succeeded ({got.get('ok')!r}); Keras raised {want}"
        builtin = getattr(builtins, want["raises"])
        assert builtin.__name__ in got["mro"], f"{name}: {got['mro']} is not a {want['raises']}"
    else:
        assert "ok" in got, f"{name}: raised {got.get('mro')}; Keras succeeded"
        assert got["ok"] == want["ok"], name
    want_failed, got_failed = want.get("failed", []), got.get("failed", [])
    assert len(got_failed) == len(want_failed), name
    for w, g in zip(want_failed, got_failed):
        assert w[0] in g, f"{name}: an inner failure {g} is not a {w[0]}"


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(s, marks=pytest.mark.xfail(strict=True, reason=PENDING[s.__name__]))
        if s.__name__ in PENDING
        else s
        for s in SCEN.SCENARIOS
    ],
    ids=lambda f: f.__name__,
)
def test_matches_keras(scenario):
    name = scenario.__name__
    numkeras.utils.set_random_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = SCEN.run(numkeras, scenario)
    if "raises" in got:  # the built-in classes numkeras's exception is an instance of
        got["mro"] = [n for n in got["mro"] if hasattr(builtins, n)]
    want = GOLD[name]
    if name in NUMKERAS_RULES:  # (the inner failures, if any, are Keras's)
        want = {"failed": want.get("failed", []), **NUMKERAS_RULES[name]}
    assert_matches(got, want, name)


def test_every_scenario_has_a_golden():
    assert sorted(GOLD) == sorted(s.__name__ for s in SCEN.SCENARIOS)
    assert set(NUMKERAS_RULES) | set(PENDING) <= set(GOLD)


def test_the_numkeras_rules_differ_from_keras():
    # a rule that Keras now agrees with should go (the golden then covers it)
    for name, rule in NUMKERAS_RULES.items():
        want = GOLD[name]
        keys = ("raises", "ok", "at")
        assert [rule.get(k) for k in keys] != [want.get(k) for k in keys], name


# -- the fixes, one by one, with numkeras's messages --------------------------------------
def _dense(compiled=True):
    model = numkeras.Sequential([numkeras.Input((4,)), numkeras.layers.Dense(3)])
    if compiled:
        model.compile(optimizer="sgd", loss="mse")
    return model


X, Y = SCEN.X(5), SCEN.X(5, 3)


def test_an_unknown_loss_is_found_when_training_starts_as_in_keras():
    model = _dense(compiled=False)
    model.compile(optimizer="sgd", loss="bogus_loss")  # Keras 3 looks it up later
    assert model.compiled and model.loss == "bogus_loss"
    assert model.predict(X, verbose=0).shape == (5, 3)
    before = model.get_weights()
    for call in (
        lambda: model.fit(X, Y, verbose=0),
        lambda: model.evaluate(X, Y, verbose=0),
        lambda: model.train_on_batch(X, Y),
        lambda: model.test_on_batch(X, Y),
    ):
        with pytest.raises(ValueError, match="bogus_loss"):
            call()
    np.testing.assert_array_equal(model.get_weights()[0], before[0])
    model.compile(optimizer="sgd", loss="mse")  # a good compile clears it
    assert np.isfinite(model.evaluate(X, Y, verbose=0))


def test_an_unknown_metric_is_found_when_training_starts():
    model = _dense(compiled=False)
    model.compile(optimizer="sgd", loss="mse", metrics=["bogus_metric"])
    with pytest.raises(ValueError, match="bogus_metric"):
        model.evaluate(X, Y, verbose=0)


def test_a_loss_for_an_output_the_model_lacks_is_a_key_error_at_fit():
    model = SCEN.two_out(numkeras, as_dict=True, compiled=False)
    model.compile(optimizer="sgd", loss={"o1": "mse", "zz": "mse"})
    ys = {"o1": SCEN.X(5, 2), "o2": SCEN.X(5, 1)}
    with pytest.raises(KeyError) as err:
        model.fit(X, ys, verbose=0)
    assert isinstance(err.value, ValueError)
    assert str(err.value).startswith("compile(loss=...) names output(s) ['zz']")  # unquoted
    model = SCEN.two_out(numkeras, compiled=False)  # list outputs: Keras's ValueError
    model.compile(optimizer="sgd", loss={"o1": "mse", "zz": "mse"})
    with pytest.raises(ValueError, match=r"\['zz'\]") as err:
        model.fit(X, [SCEN.X(5, 2), SCEN.X(5, 1)], verbose=0)
    assert not isinstance(err.value, KeyError)


def test_a_metric_dict_naming_no_output_is_refused_at_fit():
    model = SCEN.two_out(numkeras, as_dict=True, compiled=False)
    model.compile(optimizer="sgd", loss="mse", metrics={"zz": ["mae"]})
    with pytest.raises(ValueError, match=r"compile\(metrics=\{...\}\) names output\(s\) \['zz'\]"):
        model.fit(X, {"o1": SCEN.X(5, 2), "o2": SCEN.X(5, 1)}, verbose=0)


def test_bad_optimizer_and_loss_weights_are_refused_at_compile_as_in_keras():
    model = _dense(compiled=False)
    with pytest.raises(ValueError, match=r"pass an instance, e.g. optimizer=SGD\(\)"):
        model.compile(optimizer=numkeras.optimizers.SGD, loss="mse")
    with pytest.raises(ValueError, match="`loss_weights` must be a number"):
        model.compile(optimizer="sgd", loss="mse", loss_weights="heavy")
    assert not model.compiled


def test_a_target_of_the_output_rank_but_other_sizes_is_also_a_type_error():
    # JAX raises TypeError when it broadcasts them, ValueError for another rank
    model = _dense()
    with pytest.raises(TypeError, match=r"y_true with shape \(5, 2\)") as err:
        model.fit(X, SCEN.X(5, 2), verbose=0)
    assert isinstance(err.value, ValueError)
    with pytest.raises(ValueError) as err:
        model.fit(X, np.zeros((5, 3, 2)), verbose=0)
    assert not isinstance(err.value, TypeError)
    with pytest.raises(TypeError, match="x has 5 samples but y has 4"):
        model.train_on_batch(X, SCEN.X(4, 3))
    assert model.optimizer.iterations.numpy() == 0


def test_fewer_targets_than_outputs_is_a_key_error_as_in_keras():
    model = SCEN.two_out(numkeras)
    with pytest.raises(KeyError, match="pass one target array per output"):
        model.fit(X, [SCEN.X(5, 2)], verbose=0)


def test_building_a_sequential_without_a_shape_waits_for_data_as_in_keras():
    model = numkeras.Sequential([numkeras.layers.Dense(3)])
    model.build()
    assert model.predict(X, verbose=0).shape == (5, 3)


def test_a_lambda_of_a_non_callable_is_a_type_error():
    with pytest.raises(TypeError, match="must be callable") as err:
        numkeras.layers.Lambda(3)
    assert isinstance(err.value, ValueError)  # what numkeras raised before, still caught


@pytest.mark.parametrize(
    "make", [numkeras.callbacks.EarlyStopping, numkeras.callbacks.ReduceLROnPlateau]
)
def test_an_unknown_callback_mode_warns_and_uses_auto_as_in_keras(make):
    with pytest.warns(UserWarning, match="mode 'mx' is unknown, fallback to auto mode"):
        assert make(mode="mx").mode == "auto"


def test_a_model_from_a_tensor_inside_a_graph_reuses_the_layers_after_it():
    # Keras 3 calls the layers between that tensor and the outputs again on a new Input
    i = numkeras.Input((3,))
    h = numkeras.layers.Dense(4, name="d1")(i)
    out = numkeras.layers.Dense(1, name="d2")(numkeras.layers.Activation("relu")(h))
    full = numkeras.Model(i, out)
    top = numkeras.Model(h, out)
    assert [la.name for la in top.layers][1:] == [full.layers[-2].name, "d2"]
    assert top.input_shape == (None, 4) and top.layers[-1] is full.get_layer("d2")
    x = SCEN.X(2, 3)
    hidden = full.get_layer("d1")(x)
    np.testing.assert_allclose(top.predict(hidden, verbose=0), full.predict(x, verbose=0), 1e-6)
    with pytest.raises(ValueError, match="Graph disconnected"):
        numkeras.Model(numkeras.layers.Dense(3)(i), out)


def test_a_model_subclass_without_call_is_a_not_implemented_error():
    class NoCall(numkeras.Model):
        pass

    for use in (lambda m: m(X), lambda m: m.predict(X, verbose=0), lambda m: m.build((None, 4))):
        with pytest.raises(NotImplementedError, match="does not define") as err:
            use(NoCall())
        assert isinstance(err.value, ValueError)  # what numkeras raised before


def test_a_symbolic_tensor_is_no_array_and_none_is_no_labels():
    with pytest.raises(ValueError, match="symbolic placeholder") as err:
        np.array(numkeras.Input((3,)))
    assert isinstance(err.value, TypeError)  # what numkeras raised before
    with pytest.raises(TypeError, match="received None"):
        numkeras.utils.to_categorical(None, 3)
