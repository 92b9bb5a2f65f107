"""Keras 3's scikit-learn wrappers (numkeras.wrappers.SKLearnClassifier / Regressor /
Transformer) against goldens from Keras 3.15's own `keras.wrappers` (TensorFlow backend,
scripts/goldens/make_sklearn3_wrappers.py): same data, fixed weights, plain SGD, no
shuffling, so predictions, scores and search results must agree."""

import json
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")

from sklearn.base import clone, is_classifier, is_regressor  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import numkeras as K  # noqa: E402
from numkeras.wrappers import (  # noqa: E402
    SKLearnClassifier,
    SKLearnRegressor,
    SKLearnTransformer,
    sklearn_utils,
)

GOLDEN = json.loads((Path(__file__).parents[1] / "goldens" / "sklearn3_wrappers.json").read_text())
FIT = {"epochs": 3, "batch_size": 10, "verbose": 0, "shuffle": False}
TOL = {"rtol": 1e-4, "atol": 1e-5}


@pytest.fixture(autouse=True)
def _quiet_predict():
    # the wrappers call model.predict() with Keras's default verbose ("auto"): no bars here
    K.config.disable_interactive_logging()
    yield
    K.config.enable_interactive_logging()


# -- the golden script's data and models, in numkeras ----------------------------------
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 4))
    y_bin = np.where(x[:, 0] + 0.5 * x[:, 1] > 0, "dog", "cat")
    y_multi = np.array([10, 20, 30])[np.argmax(x[:, :3] + 0.3 * x[:, 3:], axis=1)]
    y_reg = x @ np.array([1.0, -2.0, 0.5, 3.0]) + 0.1
    return x, y_bin, y_multi, y_reg


X, Y_BIN, Y_MULTI, Y_REG = data()
SW = np.linspace(0.1, 2.0, 30)


def weights(n_in, hidden, out, seed):
    rng = np.random.default_rng(seed)
    shapes = [(n_in, hidden), (hidden,), (hidden, out), (out,)]
    return [rng.normal(scale=0.5, size=s).astype("float32") for s in shapes]


def build(X, y, hidden=5, seed=1, act="softmax", loss="categorical_crossentropy", lr=0.1):
    n_out = y.shape[1] if y.ndim > 1 else 1
    inputs = K.Input((X.shape[1],))
    h = K.layers.Dense(hidden, activation="relu")(inputs)
    model = K.Model(inputs, K.layers.Dense(n_out, activation=act)(h))
    model.set_weights(weights(X.shape[1], hidden, n_out, seed))
    model.compile(optimizer=K.optimizers.SGD(learning_rate=lr), loss=loss)
    return model


def build_reg(X, y, hidden=5, seed=1, lr=0.05):
    return build(X, y, hidden=hidden, seed=seed, act=None, loss="mse", lr=lr)


# -- numbers against Keras ---------------------------------------------------------------
@pytest.mark.parametrize(
    "case, y, fit", [("clf_bin", Y_BIN, {}), ("clf_multi", Y_MULTI, {}),
                     ("clf_sample_weight", Y_BIN, {"sample_weight": SW})]
)  # fmt: skip
def test_classifier_matches_keras(case, y, fit):
    g = GOLDEN[case]
    clf = SKLearnClassifier(model=build, fit_kwargs=dict(FIT))
    assert clf.fit(X, y, **fit) is clf
    assert clf.classes_.tolist() == g["classes"]
    assert str(clf.classes_.dtype) == g["classes_dtype"]
    pred = clf.predict(X)
    assert pred.tolist() == g["predict"] and str(pred.dtype) == g["predict_dtype"]
    decision = clf.decision_function(X)
    assert str(decision.dtype) == g["decision_dtype"]
    np.testing.assert_allclose(decision, g["decision"], **TOL)
    assert clf.score(X, y) == pytest.approx(g["score"])
    np.testing.assert_allclose(clf.history_.history["loss"], g["loss"], **TOL)
    assert clf.n_features_in_ == 4
    assert not hasattr(clf, "predict_proba")  # Keras 3's wrapper has none


def test_classifier_model_kwargs_and_weighted_score():
    g = GOLDEN["clf_model_kwargs"]
    clf = SKLearnClassifier(build, model_kwargs={"hidden": 3, "seed": 5}, fit_kwargs=dict(FIT))
    clf.fit(X, Y_MULTI)
    np.testing.assert_allclose(clf.decision_function(X), g["decision"], **TOL)
    assert clf.score(X, Y_MULTI, sample_weight=SW) == pytest.approx(g["score_weighted"])


def test_regressor_and_transformer_match_keras():
    g = GOLDEN["reg"]
    reg = SKLearnRegressor(model=build_reg, fit_kwargs=dict(FIT)).fit(X, Y_REG)
    pred = reg.predict(X)
    assert list(pred.shape) == g["predict_shape"] and str(pred.dtype) == g["predict_dtype"]
    np.testing.assert_allclose(pred, g["predict"], **TOL)
    assert reg.score(X, Y_REG) == pytest.approx(g["score"], rel=1e-5)
    np.testing.assert_allclose(reg.history_.history["loss"], g["loss"], **TOL)

    g = GOLDEN["trs"]
    out = SKLearnTransformer(model=build_reg, fit_kwargs=dict(FIT)).fit_transform(X, Y_REG)
    assert list(out.shape) == g["shape"] and str(out.dtype) == g["dtype"]
    np.testing.assert_allclose(out, g["transform"], **TOL)


def test_pipelines_match_keras():
    pipe = make_pipeline(StandardScaler(), SKLearnClassifier(build, fit_kwargs=dict(FIT)))
    pipe.fit(X, Y_MULTI)
    assert pipe.predict(X).tolist() == GOLDEN["pipe_clf"]["predict"]
    assert pipe.score(X, Y_MULTI) == pytest.approx(GOLDEN["pipe_clf"]["score"])
    pipe = make_pipeline(StandardScaler(), SKLearnRegressor(build_reg, fit_kwargs=dict(FIT)))
    np.testing.assert_allclose(pipe.fit(X, Y_REG).predict(X), GOLDEN["pipe_reg"]["predict"], **TOL)


def test_cross_val_score_matches_keras():
    scores = cross_val_score(SKLearnClassifier(build), X, Y_MULTI, cv=KFold(3), params=FIT)
    np.testing.assert_allclose(scores, GOLDEN["cvs_clf"], **TOL)
    scores = cross_val_score(SKLearnRegressor(build_reg), X, Y_REG, cv=KFold(3), params=FIT)
    np.testing.assert_allclose(scores, GOLDEN["cvs_reg"], rtol=1e-4, atol=1e-4)


def test_cross_val_score_keeps_fit_kwargs():
    # Keras's __sklearn_clone__ drops fit_kwargs (each fold trains with fit's defaults);
    # numkeras keeps them, so this equals passing the same arguments through `params`
    est = SKLearnClassifier(build, fit_kwargs=dict(FIT))
    assert clone(est).get_params()["fit_kwargs"] == FIT
    np.testing.assert_allclose(
        cross_val_score(est, X, Y_MULTI, cv=KFold(3)), GOLDEN["cvs_clf"], **TOL
    )


def test_grid_search_matches_keras():
    g = GOLDEN["grid_reg"]
    grid = GridSearchCV(
        SKLearnRegressor(build_reg),
        {
            "model_kwargs": [{"hidden": 3}, {"hidden": 5, "lr": 0.02}],
            "fit_kwargs": [dict(FIT), dict(FIT, epochs=1)],
        },
        cv=KFold(3),
    ).fit(X, Y_REG)
    assert grid.best_params_ == g["best_params"]
    np.testing.assert_allclose(grid.cv_results_["mean_test_score"], g["mean_test_score"], atol=1e-4)
    np.testing.assert_allclose(grid.predict(X[:4]), g["predict"], **TOL)

    g = GOLDEN["grid_clf"]
    grid = GridSearchCV(
        SKLearnClassifier(build), {"model_kwargs": [{"hidden": 3}, {"hidden": 6}]}, cv=KFold(3)
    ).fit(X, Y_MULTI, **FIT)
    assert grid.best_params_ == g["best_params"]
    np.testing.assert_allclose(grid.cv_results_["mean_test_score"], g["mean_test_score"], atol=1e-6)
    assert grid.predict(X[:4]).tolist() == g["predict"]


# -- behaviour (same as Keras unless noted) ----------------------------------------------
def test_model_gets_validated_X_and_one_hot_y():
    seen = {}

    def spy(X, y, **kwargs):
        seen.update(X=X, y=y, kwargs=kwargs)
        return build(X, y)

    SKLearnClassifier(spy, model_kwargs={"hidden": 5}, fit_kwargs=dict(FIT)).fit(
        X.tolist(), list(Y_MULTI)
    )
    assert isinstance(seen["X"], np.ndarray) and seen["X"].shape == (30, 4)
    assert seen["y"].dtype == np.float64 and seen["y"].shape == (30, 3)
    np.testing.assert_array_equal(seen["y"].argmax(1), np.searchsorted([10, 20, 30], Y_MULTI))
    assert seen["kwargs"] == {"hidden": 5}


def test_target_errors():
    clf = SKLearnClassifier(build, fit_kwargs=dict(FIT))
    with pytest.raises(ValueError, match="Only binary and multiclass .* continuous"):
        clf.fit(X, Y_REG)
    with pytest.raises(ValueError, match="only one class"):
        clf.fit(X, np.ones(30))
    with pytest.raises(ValueError, match="y should be a 1d array"):
        clf.fit(X, np.eye(3)[np.arange(30) % 3])
    with pytest.warns(sklearn.exceptions.DataConversionWarning):
        clf.fit(X, Y_MULTI[:, None])
    assert clf.predict(X).shape == (30,)
    with pytest.raises(ValueError, match="X has 3 features, but SKLearnClassifier is expecting 4"):
        clf.predict(X[:, :3])
    with pytest.raises(NotFittedError):
        SKLearnRegressor(build_reg).predict(X)


def test_uncompiled_model_raises_runtime_error():
    def uncompiled(X, y):
        return K.Sequential([K.Input((4,)), K.layers.Dense(1)])

    with pytest.raises(RuntimeError, match="needs to be compiled"):
        SKLearnRegressor(uncompiled, fit_kwargs=dict(FIT)).fit(X, Y_REG)
    with pytest.raises(RuntimeError, match="needs to be compiled"):
        SKLearnRegressor(uncompiled(None, None)).fit(X, Y_REG)


def test_fit_arguments_do_not_leak_into_fit_kwargs():
    # Keras updates the fit_kwargs dict in place with fit()'s arguments
    fit_kwargs = dict(FIT)
    clf = SKLearnClassifier(build, fit_kwargs=fit_kwargs).fit(X, Y_BIN, epochs=2)
    assert len(clf.history_.history["loss"]) == 2
    assert clf.get_params()["fit_kwargs"] == FIT and fit_kwargs == FIT
    assert clf.epoch_ == 2  # Keras raises AttributeError here (History has no .get)
    assert SKLearnClassifier(build).epoch_ == 0


def test_model_instance_is_cloned_compiled_with_fresh_weights():
    model = build(X, np.zeros((1, 3)))
    before = [w.copy() for w in model.get_weights()]
    clf = SKLearnClassifier(model=model, fit_kwargs=dict(FIT)).fit(X, Y_MULTI)
    assert clf.model_ is not model and clf.model_.compiled
    assert clf.model_.loss == "categorical_crossentropy"
    for w, b in zip(model.get_weights(), before):  # the given model is left alone
        np.testing.assert_array_equal(w, b)
    assert clf.predict(X).shape == (30,)


def test_warm_start_continues_training():
    # Keras ignores warm_start; numkeras does what its documentation says
    clf = SKLearnClassifier(build, warm_start=True, fit_kwargs=dict(FIT)).fit(X, Y_MULTI)
    first, decision = clf.model_, clf.decision_function(X)
    np.testing.assert_allclose(decision, GOLDEN["clf_multi"]["decision"], **TOL)
    clf.fit(X, Y_MULTI)
    assert clf.model_ is first
    assert np.abs(clf.decision_function(X) - decision).max() > 1e-3

    model = build(X, np.zeros((1, 3)))  # a Model instance is fitted itself, not cloned
    clf = SKLearnClassifier(model=model, warm_start=True, fit_kwargs=dict(FIT)).fit(X, Y_MULTI)
    assert clf.model_ is model
    np.testing.assert_allclose(clf.decision_function(X), GOLDEN["clf_multi"]["decision"], **TOL)

    # clones (one per fold) each start from a copy of the given model, not from one shared one
    est = SKLearnClassifier(model=build(X, np.zeros((1, 3))), warm_start=True, fit_kwargs=FIT)
    assert clone(est).model is not est.model
    scores = cross_val_score(est, X, Y_MULTI, cv=KFold(3))
    np.testing.assert_allclose(scores, GOLDEN["cvs_clf"], **TOL)


def test_params_clone_tags_and_repr():
    est = SKLearnRegressor(model=build_reg, warm_start=True, fit_kwargs={"epochs": 2})
    assert sorted(est.get_params()) == ["fit_kwargs", "model", "model_kwargs", "warm_start"]
    assert est.set_params(model_kwargs={"hidden": 3}) is est
    assert est.model_kwargs == {"hidden": 3}
    with pytest.raises(ValueError, match="Invalid parameter 'epochs'"):
        est.set_params(epochs=3)
    assert repr(est).startswith("SKLearnRegressor(fit_kwargs={'epochs': 2},")
    copy = clone(est)
    assert copy.get_params() == est.get_params() and copy is not est
    fitted = SKLearnRegressor(build_reg, fit_kwargs=dict(FIT)).fit(X, Y_REG)
    assert not hasattr(clone(fitted), "model_")

    assert is_classifier(SKLearnClassifier(build)) and is_regressor(SKLearnRegressor(build))
    tags = SKLearnClassifier(build).__sklearn_tags__()
    assert tags.non_deterministic and tags.classifier_tags.poor_score
    assert tags.target_tags.required
    assert SKLearnRegressor(build).__sklearn_tags__().regressor_tags.poor_score
    tags = SKLearnTransformer(build).__sklearn_tags__()
    assert tags.transformer_tags.preserves_dtype == [] and tags.non_deterministic
    assert SKLearnTransformer(build)._more_tags() == {"preserves_dtype": []}


def test_fitted_estimator_pickles():
    clf = SKLearnClassifier(build, fit_kwargs=dict(FIT)).fit(X, Y_BIN)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.decision_function(X), clf.decision_function(X))
    assert again.predict(X).tolist() == GOLDEN["clf_bin"]["predict"]


def test_set_fit_request_needs_routing_and_records_fit():
    clf = SKLearnClassifier(build, fit_kwargs=dict(FIT))
    with pytest.raises(RuntimeError, match="metadata routing"):
        clf.set_fit_request(sample_weight=True)
    with sklearn.config_context(enable_metadata_routing=True):
        assert clf.set_fit_request(sample_weight=True) is clf
        assert clf.get_metadata_routing().fit.requests == {"sample_weight": True}
        assert clone(clf).get_metadata_routing().fit.requests == {"sample_weight": True}
        # the weights reach model.fit (Keras routed them to score instead)
        scores = cross_val_score(clf, X, Y_BIN, cv=KFold(3), params={"sample_weight": SW})
    unweighted = cross_val_score(
        SKLearnClassifier(build, fit_kwargs=dict(FIT)), X, Y_BIN, cv=KFold(3)
    )
    weighted = cross_val_score(
        SKLearnClassifier(build, fit_kwargs=dict(FIT)),
        X,
        Y_BIN,
        cv=KFold(3),
        params={"sample_weight": SW},
    )
    np.testing.assert_allclose(scores, weighted)
    assert not np.allclose(weighted, unweighted)


def test_missing_scikit_learn_names_pip_install(monkeypatch):
    monkeypatch.setattr(sklearn_utils, "sklearn", None)
    with pytest.raises(ImportError, match="pip install scikit-learn"):
        SKLearnClassifier(build)


def test_scikit_learn_is_imported_lazily(monkeypatch):
    import importlib

    # import a fresh `numkeras.wrappers` with no sklearn loaded, then put everything back
    before = dict(sys.modules)
    monkeypatch.setattr(K, "wrappers", sys.modules["numkeras.wrappers"])
    try:
        for name in list(sys.modules):
            if name.split(".")[0] == "sklearn" or name.startswith("numkeras.wrappers"):
                del sys.modules[name]
        wrappers = importlib.import_module("numkeras.wrappers")
        assert "sklearn" not in sys.modules
        assert wrappers.SKLearnRegressor.__name__ == "SKLearnRegressor"
        assert "sklearn" in sys.modules
    finally:
        for name in set(sys.modules) - set(before):
            del sys.modules[name]
        sys.modules.update(before)


def dynamic_model(X, y, loss, out_activation_function="softmax", layers=(10,)):
    """Keras's own sklearn_test.py model (random initial weights)."""
    inputs = hidden = K.Input(shape=(X.shape[1],))
    for size in layers:
        hidden = K.layers.Dense(size, activation="relu")(hidden)
    n_outputs = y.shape[1] if len(y.shape) > 1 else 1
    outputs = K.layers.Dense(n_outputs, activation=out_activation_function)(hidden)
    model = K.Model(inputs, outputs)
    model.compile(loss=loss, optimizer="rmsprop")
    return model


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")
@pytest.mark.parametrize("cls", [SKLearnRegressor, SKLearnTransformer])
def test_passes_scikit_learn_estimator_checks(cls):
    # Keras's sklearn_test.py runs these (the classifier's take too long for this suite)
    from sklearn.utils.estimator_checks import check_estimator

    est = cls(model=dynamic_model, model_kwargs={"loss": "mse"})
    expected = {"check_parameters_default_constructible": "not an issue in sklearn>=1.6"}
    results = check_estimator(est, expected_failed_checks=expected, on_fail=None)
    failed = [r["check_name"] for r in results if r["status"] == "failed"]
    assert failed == []
    assert sum(r["status"] == "passed" for r in results) > 30
