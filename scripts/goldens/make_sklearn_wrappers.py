"""Goldens for numkeras.wrappers.scikit_learn from Keras 2's own wrapper on tf_keras 2.21.

tf_keras 2.21 no longer ships `wrappers/scikit_learn.py`, so this script loads Keras 2.11's
module (one of the last Keras 2 releases with it) from the keras 2.11.0 wheel, points its imports
at tf_keras, and runs it on fixed data with deterministic weights (set in build_fn) and
full-order SGD (shuffle=False), so numkeras must reproduce the same predictions, scores
and cross-validation results. Run:

    pip download keras==2.11.0 --no-deps -d /tmp/k2
    /work/tfenv/bin/pip install scikit-learn
    /work/tfenv/bin/python scripts/goldens/make_sklearn_wrappers.py \
        /tmp/k2/keras-2.11.0-py2.py3-none-any.whl

Writes tests/goldens/sklearn_wrappers.json. scikit-learn >= 1.6 finds an estimator's kind
through `__sklearn_tags__`, which Keras 2's classes lack (recorded as
`keras2_without_tags_error`), and `Pipeline.score` asks `__sklearn_is_fitted__` of a last
step without fitted `xxx_` attributes (`keras2_pipeline_not_fitted_error`); the
cross-validation goldens use subclasses that add both, as numkeras's classes have them.
"""

from __future__ import annotations

import json
import os
import sys
import types
import warnings
import zipfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import tf_keras as K  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    GridSearchCV,
    KFold,
    StratifiedKFold,
    cross_val_score,
)
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils import ClassifierTags, RegressorTags, Tags, TargetTags  # noqa: E402

OUT = os.path.join(
    os.path.dirname(__file__), "..", "..", "tests", "goldens", "sklearn_wrappers.json"
)

# Keras 2.11 module path -> tf_keras 2.21 path
IMPORTS = {
    "from keras import losses": "from tf_keras.src import losses",
    "from keras.models import Sequential": "from tf_keras.src.models import Sequential",
    "from keras.utils.generic_utils import has_arg": (
        "from tf_keras.src.utils.generic_utils import has_arg"
    ),
    "from keras.utils.np_utils import to_categorical": (
        "from tf_keras.src.utils.np_utils import to_categorical"
    ),
    "from tensorflow.python.util.tf_export import keras_export": (
        "keras_export = lambda *a, **k: (lambda obj: obj)"
    ),
    "from tensorflow.tools.docs import doc_controls": (
        "import types as _t\n"
        "doc_controls = _t.SimpleNamespace(do_not_generate_docs=lambda o: o,"
        " do_not_doc_inheritable=lambda o: o)"
    ),
}


def load_keras2_wrapper(wheel: str) -> types.ModuleType:
    with zipfile.ZipFile(wheel) as zf:
        source = zf.read("keras/wrappers/scikit_learn.py").decode()
    for old, new in IMPORTS.items():
        assert old in source, old
        source = source.replace(old, new)
    module = types.ModuleType("keras2_scikit_learn")
    exec(compile(source, "keras2/wrappers/scikit_learn.py", "exec"), module.__dict__)
    return module


# -- fixed data and weights (tests/wrappers/test_scikit_learn.py makes the same) --------
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 4)).astype("float32")
    y_bin = np.where(x[:, 0] + 0.5 * x[:, 1] > 0, "dog", "cat")
    y_multi = np.array([10, 20, 30])[np.argmax(x[:, :3] + 0.3 * x[:, 3:], axis=1)]
    y_str3 = np.array(["a", "b", "c"])[np.argmax(x[:, 1:] - 0.2 * x[:, :1], axis=1)]
    y_reg = (x @ np.array([1.0, -2.0, 0.5, 3.0], "float32") + 0.1).astype("float32")
    return x, y_bin, y_multi, y_str3, y_reg


def weights(hidden: int, out: int, seed: int):
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


FIT = {"epochs": 3, "batch_size": 10, "verbose": 0, "shuffle": False}


def floats(a):
    return np.round(np.asarray(a, dtype="float64"), 7).tolist()


def err(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type is recorded
        return {"type": type(e).__name__, "message": str(e)}
    return None


def classification_case(W, build_fn, x, y):
    clf = W.KerasClassifier(build_fn=build_fn, hidden=6, **FIT)
    history = clf.fit(x, y)
    preds = clf.predict(x)
    proba = clf.predict_proba(x)
    return {
        "classes_": clf.classes_.tolist(),
        "n_classes_": int(clf.n_classes_),
        "loss_history": floats(history.history["loss"]),
        "predict": np.asarray(preds).reshape(-1).tolist(),
        "predict_shape": list(np.shape(preds)),
        "predict_proba": floats(proba),
        "predict_proba_shape": list(proba.shape),
        "score": float(clf.score(x, y)),
    }


def main(wheel: str) -> None:
    W = load_keras2_wrapper(wheel)
    x, y_bin, y_multi, y_str3, y_reg = data()
    build_bin = builder(1, "sigmoid", "binary_crossentropy")
    build_cat = builder(3, "softmax", "categorical_crossentropy")
    build_sparse = builder(3, "softmax", "sparse_categorical_crossentropy")
    build_reg = builder(1, "linear", "mse", metrics=None, lr=0.01)
    build_noacc = builder(1, "sigmoid", "binary_crossentropy", metrics=None)

    def is_fitted(self):
        return hasattr(self, "model")

    class TaggedClassifier(W.KerasClassifier):
        __sklearn_is_fitted__ = is_fitted

        def __sklearn_tags__(self):
            return Tags(
                estimator_type="classifier",
                target_tags=TargetTags(required=True),
                classifier_tags=ClassifierTags(),
            )

    class TaggedRegressor(W.KerasRegressor):
        __sklearn_is_fitted__ = is_fitted

        def __sklearn_tags__(self):
            return Tags(
                estimator_type="regressor",
                target_tags=TargetTags(required=True),
                regressor_tags=RegressorTags(),
            )

    g: dict = {"keras_version": "2.11.0 wrapper on tf_keras " + K.__version__}

    # -- parameters ---------------------------------------------------------------
    clf = W.KerasClassifier(build_fn=build_bin, hidden=6, epochs=3, batch_size=10, verbose=0)
    params = clf.get_params()
    g["get_params"] = {k: v for k, v in params.items() if k != "build_fn"}
    g["get_params_build_fn_is_same"] = params["build_fn"] is build_bin
    clf.set_params(epochs=5, hidden=7)
    g["after_set_params"] = {k: v for k, v in clf.get_params().items() if k != "build_fn"}
    g["illegal_init"] = err(lambda: W.KerasClassifier(build_fn=build_bin, epoch=3))
    g["illegal_set_params"] = err(lambda: clf.set_params(bogus=1))
    g["nb_epoch_allowed"] = err(lambda: W.KerasClassifier(build_fn=build_bin, nb_epoch=2)) is None
    g["set_params_build_fn"] = err(lambda: clf.set_params(build_fn=build_cat))
    cloned = clone(clf)
    g["clone"] = {
        "is_new": cloned is not clf,
        "params": {k: v for k, v in cloned.get_params().items() if k != "build_fn"},
    }

    # -- classification / regression semantics with fixed weights --------------------
    g["binary_strings"] = classification_case(W, build_bin, x, y_bin)
    g["categorical_ints"] = classification_case(W, build_cat, x, y_multi)
    g["sparse_strings"] = classification_case(W, build_sparse, x, y_str3)
    onehot = np.eye(3, dtype="float32")[np.searchsorted([10, 20, 30], y_multi)]
    clf = W.KerasClassifier(build_fn=build_cat, hidden=6, **FIT)
    clf.fit(x, onehot)
    g["onehot"] = {
        "classes_": clf.classes_.tolist(),
        "predict": clf.predict(x).tolist(),
        "score": float(clf.score(x, onehot)),
    }
    reg = W.KerasRegressor(build_fn=build_reg, hidden=6, **FIT)
    history = reg.fit(x, y_reg)
    preds = reg.predict(x)
    g["regressor"] = {
        "loss_history": floats(history.history["loss"]),
        "predict": floats(preds),
        "predict_shape": list(preds.shape),
        "score": float(reg.score(x, y_reg)),
        "predict_one_sample_shape": list(np.shape(reg.predict(x[:1]))),
    }
    noacc = W.KerasClassifier(build_fn=build_noacc, **FIT)
    noacc.fit(x, y_bin)
    g["score_without_accuracy"] = err(lambda: noacc.score(x, y_bin))

    # -- scikit-learn integration --------------------------------------------------
    g["keras2_without_tags_error"] = err(
        lambda: cross_val_score(W.KerasClassifier(build_fn=build_bin, **FIT), x, y_bin, cv=3)
    )
    est = TaggedClassifier(build_fn=build_bin, hidden=6, **FIT)
    g["cv_kfold_binary"] = floats(cross_val_score(est, x, y_bin, cv=KFold(3)))
    g["cv_stratified_sparse"] = floats(
        cross_val_score(
            TaggedClassifier(build_fn=build_sparse, hidden=6, **FIT),
            x,
            y_str3,
            cv=StratifiedKFold(3),
        )
    )

    class TagsOnlyRegressor(W.KerasRegressor):
        __sklearn_tags__ = TaggedRegressor.__sklearn_tags__

    g["keras2_pipeline_not_fitted_error"] = err(
        lambda: cross_val_score(
            Pipeline(
                [("s", StandardScaler()), ("m", TagsOnlyRegressor(build_fn=build_reg, **FIT))]
            ),
            x,
            y_reg,
            cv=KFold(3),
            error_score="raise",
        )
    )
    pipe = Pipeline(
        [("standardize", StandardScaler()), ("mlp", TaggedRegressor(build_fn=build_reg, **FIT))]
    )
    g["cv_pipeline_regressor"] = floats(cross_val_score(pipe, x, y_reg, cv=KFold(3)))
    grid = GridSearchCV(
        TaggedClassifier(build_fn=build_cat, hidden=6, verbose=0, shuffle=False),
        {"epochs": [1, 6], "batch_size": [5, 30]},
        cv=KFold(3),
    )
    grid.fit(x, y_multi)
    g["grid_search"] = {
        "params": [dict(p) for p in grid.cv_results_["params"]],
        "mean_test_score": floats(grid.cv_results_["mean_test_score"]),
        "best_params_": dict(grid.best_params_),
        "best_score_": float(grid.best_score_),
    }

    with open(OUT, "w") as f:
        json.dump(g, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(OUT), os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/k2/keras-2.11.0-py2.py3-none-any.whl")
