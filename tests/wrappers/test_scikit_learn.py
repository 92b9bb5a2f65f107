"""Keras 2's scikit-learn wrappers (numkeras.wrappers.scikit_learn) against goldens from
Keras 2.11's own wrapper run on tf_keras 2.21 (scripts/goldens/make_sklearn_wrappers.py):
same data, same fixed weights, same SGD steps, so predictions and scores must agree."""

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

import numkeras as K
from numkeras.errors import ConfigError, NotBuiltAttributeError, ShapeError
from numkeras.wrappers.scikit_learn import BaseWrapper, KerasClassifier, KerasRegressor

GOLDEN = json.loads((Path(__file__).parents[1] / "goldens" / "sklearn_wrappers.json").read_text())
FIT = {"epochs": 3, "batch_size": 10, "verbose": 0, "shuffle": False}


# -- the golden script's data and models, in numkeras ------------------------------------
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 4)).astype("float32")
    y_bin = np.where(x[:, 0] + 0.5 * x[:, 1] > 0, "dog", "cat")
    y_multi = np.array([10, 20, 30])[np.argmax(x[:, :3] + 0.3 * x[:, 3:], axis=1)]
    y_str3 = np.array(["a", "b", "c"])[np.argmax(x[:, 1:] - 0.2 * x[:, :1], axis=1)]
    y_reg = (x @ np.array([1.0, -2.0, 0.5, 3.0], "float32") + 0.1).astype("float32")
    return x, y_bin, y_multi, y_str3, y_reg


X, Y_BIN, Y_MULTI, Y_STR3, Y_REG = data()


def weights(hidden, out, seed):
    rng = np.random.default_rng(seed)
    shapes = [(4, hidden), (hidden,), (hidden, out), (out,)]
    return [rng.normal(scale=0.5, size=s).astype("float32") for s in shapes]


def builder(out, act, loss, metrics=("accuracy",), lr=0.1):
    def build_fn(hidden=5, seed=1):
        model = K.Sequential(
            [
                K.Input((4,)),
                K.layers.Dense(hidden, activation="relu"),
                K.layers.Dense(out, activation=act),
            ]
        )
        model.set_weights(weights(hidden, out, seed))
        model.compile(
            optimizer=K.optimizers.SGD(learning_rate=lr),
            loss=loss,
            metrics=list(metrics) if metrics else None,
        )
        return model

    return build_fn


build_bin = builder(1, "sigmoid", "binary_crossentropy")
build_cat = builder(3, "softmax", "categorical_crossentropy")
build_sparse = builder(3, "softmax", "sparse_categorical_crossentropy")
build_reg = builder(1, "linear", "mse", metrics=None, lr=0.01)


def params_without_build_fn(est):
    return {k: v for k, v in est.get_params().items() if k != "build_fn"}


# -- parameters --------------------------------------------------------------------
def test_get_and_set_params_match_keras2():
    clf = KerasClassifier(build_fn=build_bin, hidden=6, epochs=3, batch_size=10, verbose=0)
    assert params_without_build_fn(clf) == GOLDEN["get_params"]
    assert clf.get_params()["build_fn"] is build_bin
    assert clf.get_params(deep=False) == clf.get_params()  # scikit-learn's call
    assert clf.set_params(epochs=5, hidden=7) is clf
    assert params_without_build_fn(clf) == GOLDEN["after_set_params"]


def test_illegal_sk_params_raise_keras2_message():
    with pytest.raises(ValueError, match=GOLDEN["illegal_init"]["message"]) as info:
        KerasClassifier(build_fn=build_bin, epoch=3)
    assert isinstance(info.value, ConfigError)
    assert "Did you mean 'epochs'?" in str(info.value)
    assert "hidden, seed" in str(info.value)  # names build_fn's own parameters
    clf = KerasClassifier(build_fn=build_bin)
    with pytest.raises(ConfigError, match=GOLDEN["illegal_set_params"]["message"]):
        clf.set_params(bogus=1)
    assert "bogus" not in clf.get_params()
    assert GOLDEN["nb_epoch_allowed"]
    KerasClassifier(build_fn=build_bin, nb_epoch=2)  # Keras 1's name, let through


def test_set_params_build_fn_replaces_it():
    # Keras 2 raised "build_fn is not a legal parameter"; here it is a parameter like any
    assert GOLDEN["set_params_build_fn"]["message"] == "build_fn is not a legal parameter"
    clf = KerasClassifier(build_fn=build_bin, hidden=6)
    clf.set_params(build_fn=build_cat)
    assert clf.build_fn is build_cat and clf.get_params()["hidden"] == 6

    def other(units=3):
        return build_bin()

    with pytest.raises(ConfigError, match="hidden is not a legal parameter"):
        clf.set_params(build_fn=other)  # the kept sk_params must suit the new build_fn
    assert clf.build_fn is build_cat


# -- build_fn kinds ----------------------------------------------------------------------
class CallableBuilder:
    def __call__(self, hidden=5, seed=1):
        return build_bin(hidden, seed)


class SubclassBuilder(KerasClassifier):
    def __call__(self, hidden=5, seed=1):
        return build_bin(hidden, seed)


@pytest.mark.parametrize(
    "make",
    [
        lambda: KerasClassifier(build_fn=build_bin, hidden=6, **FIT),
        lambda: KerasClassifier(build_fn=CallableBuilder(), hidden=6, **FIT),
        lambda: SubclassBuilder(hidden=6, **FIT),
    ],
    ids=["function", "callable_object", "subclass_call"],
)
def test_build_fn_kinds_give_keras2_predictions(make):
    clf = make()
    clf.fit(X, Y_BIN)
    np.testing.assert_array_equal(clf.predict(X), GOLDEN["binary_strings"]["predict"])


def test_build_fn_errors():
    with pytest.raises(ConfigError, match="has no build_fn"):
        KerasClassifier(epochs=2)
    with pytest.raises(ConfigError, match="must be a function"):
        KerasRegressor(build_fn=3)
    forgot_return = KerasRegressor(build_fn=lambda: None)
    with pytest.raises(ConfigError, match="return model"):
        forgot_return.fit(X, Y_REG)


# -- semantics with fixed weights --------------------------------------------------------
@pytest.mark.parametrize(
    "case, build_fn, y",
    [
        ("binary_strings", build_bin, Y_BIN),
        ("categorical_ints", build_cat, Y_MULTI),
        ("sparse_strings", build_sparse, Y_STR3),
    ],
)
def test_classifier_matches_keras2(case, build_fn, y):
    g = GOLDEN[case]
    clf = KerasClassifier(build_fn=build_fn, hidden=6, **FIT)
    history = clf.fit(X, y)
    assert clf.classes_.tolist() == g["classes_"] and clf.n_classes_ == g["n_classes_"]
    np.testing.assert_allclose(history.history["loss"], g["loss_history"], rtol=1e-5)
    preds = clf.predict(X)
    # Keras 2 gave (n, 1) for one sigmoid output; numkeras gives (n,) always
    assert preds.shape == (30,) and g["predict_shape"][0] == 30
    np.testing.assert_array_equal(preds, g["predict"])
    proba = clf.predict_proba(X)
    assert list(proba.shape) == g["predict_proba_shape"] and proba.dtype == np.float32
    np.testing.assert_allclose(proba, g["predict_proba"], atol=2e-6)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert clf.score(X, y) == pytest.approx(g["score"], abs=1e-6)


def test_binary_predict_is_one_dimensional_where_keras2_was_not():
    assert GOLDEN["binary_strings"]["predict_shape"] == [30, 1]  # Keras 2's trap
    clf = KerasClassifier(build_fn=build_bin, hidden=6, **FIT)
    clf.fit(X, Y_BIN)
    accuracy = np.mean(clf.predict(X) == Y_BIN)  # (n, 1) == (n,) would broadcast to (n, n)
    assert accuracy == pytest.approx(GOLDEN["binary_strings"]["score"], abs=1e-6)


def test_one_hot_labels_give_arange_classes():
    onehot = np.eye(3, dtype="float32")[np.searchsorted([10, 20, 30], Y_MULTI)]
    clf = KerasClassifier(build_fn=build_cat, hidden=6, **FIT)
    clf.fit(X, onehot)
    assert clf.classes_.tolist() == GOLDEN["onehot"]["classes_"]
    np.testing.assert_array_equal(clf.predict(X), GOLDEN["onehot"]["predict"])
    assert clf.score(X, onehot) == pytest.approx(GOLDEN["onehot"]["score"], abs=1e-6)


def test_column_labels_and_missing_test_classes_work_with_categorical_crossentropy():
    clf = KerasClassifier(build_fn=build_cat, hidden=6, **FIT)
    clf.fit(X, Y_MULTI.reshape(-1, 1))  # Keras 2 left (n, 1) labels unencoded and failed
    np.testing.assert_array_equal(clf.predict(X), GOLDEN["categorical_ints"]["predict"])
    only_low = Y_MULTI != 30  # Keras 2's score one-hot encoded to 2 columns here and failed
    assert 0.0 <= clf.score(X[only_low], Y_MULTI[only_low].reshape(-1, 1)) <= 1.0


def test_regressor_matches_keras2():
    g = GOLDEN["regressor"]
    reg = KerasRegressor(build_fn=build_reg, hidden=6, **FIT)
    history = reg.fit(X, Y_REG)
    np.testing.assert_allclose(history.history["loss"], g["loss_history"], rtol=1e-5)
    preds = reg.predict(X)
    assert list(preds.shape) == g["predict_shape"] and preds.dtype == np.float32
    np.testing.assert_allclose(preds, g["predict"], atol=2e-5)
    assert reg.score(X, Y_REG) == pytest.approx(g["score"], rel=1e-5)
    # Keras 2's np.squeeze made one sample a 0-d array; numkeras keeps (1,)
    assert g["predict_one_sample_shape"] == [] and reg.predict(X[:1]).shape == (1,)


def test_score_needs_accuracy_metric():
    clf = KerasClassifier(
        build_fn=builder(1, "sigmoid", "binary_crossentropy", metrics=None), **FIT
    )
    clf.fit(X, Y_BIN)
    message = GOLDEN["score_without_accuracy"]["message"]
    with pytest.raises(ConfigError, match=message.split(". ")[0]) as info:
        clf.score(X, Y_BIN)
    assert isinstance(info.value, ValueError) and "['loss']" in str(info.value)


def test_unfitted_and_bad_labels_raise_clearly():
    clf = KerasClassifier(build_fn=build_bin)
    with pytest.raises(NotBuiltAttributeError, match=r"not fitted yet: call fit\(x, y\)"):
        clf.predict(X)
    with pytest.raises(AttributeError):  # scikit-learn's NotFittedError is one too
        KerasRegressor(build_fn=build_reg).score(X, Y_REG)
    with pytest.raises(ShapeError, match=r"Invalid shape for y: \(30, 2, 2\)"):
        clf.fit(X, np.zeros((30, 2, 2)))


def test_fit_kwargs_override_sk_params():
    reg = KerasRegressor(build_fn=build_reg, hidden=6, epochs=3, verbose=0, shuffle=False)
    history = reg.fit(X, Y_REG, epochs=1, batch_size=10)
    assert len(history.history["loss"]) == 1
    assert history.history["loss"][0] == pytest.approx(
        GOLDEN["regressor"]["loss_history"][0], rel=1e-5
    )


def test_repr_and_keras2_import_path():
    import numkeras.wrappers

    assert numkeras.wrappers.scikit_learn.KerasClassifier is KerasClassifier
    assert issubclass(KerasRegressor, BaseWrapper)
    assert repr(KerasClassifier(build_fn=build_bin, epochs=2)) == (
        "KerasClassifier(build_fn=build_fn, epochs=2)"
    )


def test_module_works_without_scikit_learn(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # any `import sklearn` now fails
    path = Path(K.__file__).parent / "wrappers" / "scikit_learn.py"
    spec = importlib.util.spec_from_file_location("_sk_wrappers_no_sklearn", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    clf = module.KerasClassifier(build_fn=build_bin, hidden=6, **FIT)
    clf.fit(X, Y_BIN)
    assert clf.predict(X).shape == (30,) and clf.predict_proba(X).shape == (30, 2)
    assert 0.0 <= clf.score(X, Y_BIN) <= 1.0


# -- scikit-learn integration ------------------------------------------------------------
def test_clone_and_estimator_kind():
    sklearn_base = pytest.importorskip("sklearn.base")
    clf = KerasClassifier(build_fn=build_bin, hidden=7, epochs=5, batch_size=10, verbose=0)
    cloned = sklearn_base.clone(clf)
    assert cloned is not clf and type(cloned) is KerasClassifier
    assert params_without_build_fn(cloned) == GOLDEN["clone"]["params"]
    assert cloned.get_params()["build_fn"] is build_bin
    assert sklearn_base.is_classifier(clf) and sklearn_base.is_regressor(
        KerasRegressor(build_fn=build_reg)
    )
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    reg = KerasRegressor(build_fn=build_reg, **FIT)
    with pytest.raises(NotFittedError):
        check_is_fitted(reg)
    reg.fit(X, Y_REG)
    check_is_fitted(reg)


def test_cross_val_score_matches_keras2():
    model_selection = pytest.importorskip("sklearn.model_selection")
    est = KerasClassifier(build_fn=build_bin, hidden=6, **FIT)
    scores = model_selection.cross_val_score(est, X, Y_BIN, cv=model_selection.KFold(3))
    np.testing.assert_allclose(scores, GOLDEN["cv_kfold_binary"], atol=1e-6)
    est = KerasClassifier(build_fn=build_sparse, hidden=6, **FIT)
    skf = model_selection.StratifiedKFold(3)
    scores = model_selection.cross_val_score(est, X, Y_STR3, cv=skf)
    np.testing.assert_allclose(scores, GOLDEN["cv_stratified_sparse"], atol=1e-6)
    # cv=3 on a classifier picks StratifiedKFold through the estimator's tags
    assert "__sklearn_tags__" in GOLDEN["keras2_without_tags_error"]["message"]
    scores = model_selection.cross_val_score(est, X, Y_STR3, cv=3, error_score="raise")
    np.testing.assert_allclose(scores, GOLDEN["cv_stratified_sparse"], atol=1e-6)


def test_pipeline_with_standard_scaler_matches_keras2():
    model_selection = pytest.importorskip("sklearn.model_selection")
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    assert GOLDEN["keras2_pipeline_not_fitted_error"]["type"] == "NotFittedError"
    pipe = Pipeline(
        [("standardize", StandardScaler()), ("mlp", KerasRegressor(build_fn=build_reg, **FIT))]
    )
    scores = model_selection.cross_val_score(
        pipe, X, Y_REG, cv=model_selection.KFold(3), error_score="raise"
    )
    np.testing.assert_allclose(scores, GOLDEN["cv_pipeline_regressor"], rtol=1e-4)


def test_grid_search_over_epochs_and_batch_size_matches_keras2():
    model_selection = pytest.importorskip("sklearn.model_selection")
    g = GOLDEN["grid_search"]
    grid = model_selection.GridSearchCV(
        KerasClassifier(build_fn=build_cat, hidden=6, verbose=0, shuffle=False),
        {"epochs": [1, 6], "batch_size": [5, 30]},
        cv=model_selection.KFold(3),
        error_score="raise",
    )
    grid.fit(X, Y_MULTI)
    assert [dict(p) for p in grid.cv_results_["params"]] == g["params"]
    np.testing.assert_allclose(grid.cv_results_["mean_test_score"], g["mean_test_score"], atol=1e-6)
    assert grid.best_params_ == g["best_params_"]
    assert grid.best_score_ == pytest.approx(g["best_score_"], abs=1e-6)
    assert set(grid.predict(X)) <= {10, 20, 30}  # refit on all the data, labels mapped back


@pytest.mark.parametrize(
    "loss", [K.losses.CategoricalCrossentropy(), K.losses.categorical_crossentropy]
)
def test_categorical_loss_objects_one_hot_encode_like_the_name(loss):
    clf = KerasClassifier(build_fn=builder(3, "softmax", loss), hidden=6, **FIT)
    clf.fit(X, Y_MULTI)
    np.testing.assert_array_equal(clf.predict(X), GOLDEN["categorical_ints"]["predict"])
    assert clf.score(X, Y_MULTI) == pytest.approx(GOLDEN["categorical_ints"]["score"], abs=1e-6)


def test_multiclass_tutorial_one_hot_targets_cross_validate():
    model_selection = pytest.importorskip("sklearn.model_selection")
    dummy_y = np.eye(3, dtype="float32")[np.searchsorted([10, 20, 30], Y_MULTI)]
    est = KerasClassifier(build_fn=build_cat, hidden=6, **FIT)
    kfold = model_selection.KFold(n_splits=3, shuffle=True, random_state=7)
    scores = model_selection.cross_val_score(est, X, dummy_y, cv=kfold, error_score="raise")
    assert scores.shape == (3,) and np.all((0 <= scores) & (scores <= 1))
