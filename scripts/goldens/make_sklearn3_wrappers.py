"""Goldens for numkeras.wrappers' Keras 3 scikit-learn wrappers (SKLearnClassifier,
SKLearnRegressor, SKLearnTransformer) from Keras 3.15's own `keras.wrappers`.

scikit-learn is not in /work/kenv, so this runs in the TensorFlow venv:
    KERAS_BACKEND=tensorflow /work/tfenv/bin/python scripts/goldens/make_sklearn3_wrappers.py
Writes tests/goldens/sklearn3_wrappers.json. Every model is built with fixed weights
(set_weights) and trained with plain SGD and shuffle=False, so the numbers are
deterministic and numkeras must reproduce them.

Keras drops `fit_kwargs` when scikit-learn clones the estimator (numkeras keeps it), so
the cross-validation / grid-search goldens pass the fit arguments through
`cross_val_score(params=...)` / `GridSearchCV.fit(**params)` or the grid itself, which
both libraries honour.
"""

import json
import os
from pathlib import Path

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
from keras.wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

FIT = {"epochs": 3, "batch_size": 10, "verbose": 0, "shuffle": False}


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 4))
    y_bin = np.where(x[:, 0] + 0.5 * x[:, 1] > 0, "dog", "cat")
    y_multi = np.array([10, 20, 30])[np.argmax(x[:, :3] + 0.3 * x[:, 3:], axis=1)]
    y_reg = x @ np.array([1.0, -2.0, 0.5, 3.0]) + 0.1
    return x, y_bin, y_multi, y_reg


X, Y_BIN, Y_MULTI, Y_REG = data()


def weights(n_in, hidden, out, seed):
    rng = np.random.default_rng(seed)
    shapes = [(n_in, hidden), (hidden,), (hidden, out), (out,)]
    return [rng.normal(scale=0.5, size=s).astype("float32") for s in shapes]


def build(X, y, hidden=5, seed=1, act="softmax", loss="categorical_crossentropy", lr=0.1):
    n_out = y.shape[1] if y.ndim > 1 else 1
    inputs = keras.Input((X.shape[1],))
    h = keras.layers.Dense(hidden, activation="relu")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(n_out, activation=act)(h))
    model.set_weights(weights(X.shape[1], hidden, n_out, seed))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss=loss)
    return model


def build_reg(X, y, hidden=5, seed=1, lr=0.05):
    return build(X, y, hidden=hidden, seed=seed, act=None, loss="mse", lr=lr)


def r(a, d=6):
    return np.round(np.asarray(a, dtype="float64"), d).tolist()


def classifier(y, **fit):
    clf = SKLearnClassifier(model=build, fit_kwargs=dict(FIT)).fit(X, y, **fit)
    return {
        "classes": clf.classes_.tolist(),
        "classes_dtype": str(clf.classes_.dtype),
        "predict": clf.predict(X).tolist(),
        "predict_dtype": str(clf.predict(X).dtype),
        "decision": r(clf.decision_function(X)),
        "decision_dtype": str(clf.decision_function(X).dtype),
        "score": float(clf.score(X, y)),
        "loss": r(clf.history_.history["loss"]),
    }


def main():
    out = {"fit": FIT}
    out["clf_bin"] = classifier(Y_BIN)
    out["clf_multi"] = classifier(Y_MULTI)
    sw = np.linspace(0.1, 2.0, 30)
    out["clf_sample_weight"] = classifier(Y_BIN, sample_weight=sw)
    clf = SKLearnClassifier(build, model_kwargs={"hidden": 3, "seed": 5}, fit_kwargs=dict(FIT))
    clf.fit(X, Y_MULTI)
    out["clf_model_kwargs"] = {
        "decision": r(clf.decision_function(X)),
        "score_weighted": float(clf.score(X, Y_MULTI, sample_weight=sw)),
    }

    reg = SKLearnRegressor(model=build_reg, fit_kwargs=dict(FIT)).fit(X, Y_REG)
    pred = reg.predict(X)
    out["reg"] = {
        "predict": r(pred),
        "predict_dtype": str(pred.dtype),
        "predict_shape": list(pred.shape),
        "score": float(reg.score(X, Y_REG)),
        "loss": r(reg.history_.history["loss"]),
    }
    trs = SKLearnTransformer(model=build_reg, fit_kwargs=dict(FIT))
    t = trs.fit_transform(X, Y_REG)
    out["trs"] = {"transform": r(t), "dtype": str(t.dtype), "shape": list(t.shape)}

    pipe = make_pipeline(StandardScaler(), SKLearnClassifier(build, fit_kwargs=dict(FIT)))
    pipe.fit(X, Y_MULTI)
    out["pipe_clf"] = {"predict": pipe.predict(X).tolist(), "score": float(pipe.score(X, Y_MULTI))}
    pipe = make_pipeline(StandardScaler(), SKLearnRegressor(build_reg, fit_kwargs=dict(FIT)))
    out["pipe_reg"] = {"predict": r(pipe.fit(X, Y_REG).predict(X))}

    out["cvs_clf"] = r(
        cross_val_score(SKLearnClassifier(build), X, Y_MULTI, cv=KFold(3), params=dict(FIT))
    )
    out["cvs_reg"] = r(
        cross_val_score(SKLearnRegressor(build_reg), X, Y_REG, cv=KFold(3), params=dict(FIT))
    )
    grid = GridSearchCV(
        SKLearnRegressor(build_reg),
        {
            "model_kwargs": [{"hidden": 3}, {"hidden": 5, "lr": 0.02}],
            "fit_kwargs": [dict(FIT), dict(FIT, epochs=1)],
        },
        cv=KFold(3),
    ).fit(X, Y_REG)
    out["grid_reg"] = {
        "best_params": grid.best_params_,
        "mean_test_score": r(grid.cv_results_["mean_test_score"]),
        "predict": r(grid.predict(X[:4])),
    }
    grid = GridSearchCV(
        SKLearnClassifier(build), {"model_kwargs": [{"hidden": 3}, {"hidden": 6}]}, cv=KFold(3)
    ).fit(X, Y_MULTI, **FIT)
    out["grid_clf"] = {
        "best_params": grid.best_params_,
        "mean_test_score": r(grid.cv_results_["mean_test_score"]),
        "predict": grid.predict(X[:4]).tolist(),
    }
    path = Path(__file__).parents[2] / "tests" / "goldens" / "sklearn3_wrappers.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", path, path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
