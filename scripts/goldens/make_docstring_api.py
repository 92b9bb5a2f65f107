"""Goldens for tests/test_docstring_api.py: the usage examples of Keras 3's own docstrings
outside the layers (losses, metrics, optimizers and schedules, callbacks, initializers,
activations, regularizers, constraints, utils, models, saving, random), run as a user
would: the `>>>` examples as written (with `import numkeras as keras` substituted), the
code-block examples filled with small deterministic data.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values.

Run with Keras 3 and JAX installed (writes tests/goldens/docstring_api.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_docstring_api.py
"""

from __future__ import annotations

import contextlib
import io
import os
import pathlib
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "docstring_api.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


# -- helpers -------------------------------------------------------------------------------
def raises(fn) -> dict | str:
    """'ok', or the built-in exception types of the error `fn()` raised."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type is the result
        return error_types(e)
    return "ok"


def error_types(error: Exception) -> dict:
    """The built-in exception types `error` is an instance of (a Keras error has one; a
    numkeras error may subclass several, and the test checks that it includes Keras's)."""
    general = ("Exception", "BaseException", "object")
    return {
        "raises": [
            t.__name__
            for t in type(error).__mro__
            if t.__module__ == "builtins" and t.__name__ not in general
        ]
    }


def _short(x: float) -> float:
    """`x` to 7 significant digits (float32's), to keep the goldens small."""
    return float(f"{x:.7g}")


def value(v):
    """A JSON form of what a doctest line shows: arrays (and 0-d tensors) as their dtype,
    shape and values; numbers as floats."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, (int, float, np.number)):
        return _short(float(v))
    if isinstance(v, dict):
        return {str(k): value(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [value(x) for x in v]
    if hasattr(v, "shape") and hasattr(v, "dtype"):
        a = np.asarray(v)
        if a.ndim == 0:
            return _short(float(a))
        return {
            "dtype": str(a.dtype),
            "shape": list(a.shape),
            "v": [_short(x) for x in a.astype(float).ravel().tolist()],
        }
    return type(v).__name__


def run_doctest(keras, text: str) -> list:
    """Run the `>>>` examples of `text` in one namespace (`keras`, `np`, `ops`); the values
    they show, or the built-in exception type of a failing line."""
    import doctest

    namespace = {"keras": keras, "np": np, "ops": keras.ops}
    shown = []
    for example in doctest.DocTestParser().get_examples(text):
        seen = []

        def show(v, seen=seen):
            if v is not None:
                seen.append(value(v))

        hook, sys.displayhook = sys.displayhook, show
        try:
            with contextlib.redirect_stdout(io.StringIO()) as out:
                exec(compile(example.source, "<docstring>", "single"), namespace)
        except Exception as e:  # noqa: BLE001 - the type is the result
            seen.append(error_types(e))
        finally:
            sys.displayhook = hook
        if out.getvalue():
            seen.append(out.getvalue())
        if seen:
            shown.append(seen)
    return shown


def fixed(model, scale=0.3):
    """Deterministic weights for `model`."""
    model.set_weights(
        [scale * np.cos(np.arange(w.size) + 1.0).reshape(w.shape) for w in model.get_weights()]
    )
    return model


def rounded(history: dict) -> dict:
    """A `History.history` dict as JSON (a per-class metric's arrays as arrays)."""
    return {k: [value(v) for v in vs] for k, vs in history.items()}


X = np.linspace(-1, 1, 32).reshape(8, 4).astype("float32")
Y_BIN = np.array([[0], [1], [1], [0], [1], [0], [0], [1]], "float32")
Y_SPARSE = np.array([0, 2, 1, 2, 0, 1, 1, 0])
Y_CAT = np.eye(3, dtype="float32")[Y_SPARSE]


# The `>>>` examples of Keras 3.15.1's docstrings (keras/src/<folder>/...), verbatim but for
# their expected-output lines: each runs in one namespace with `keras`, `np` and `ops`.
DOCTESTS = {
    "losses_MeanSquaredError": """
>>> y_true = keras.ops.array([1.0, 0.0, 1.0])
>>> y_pred = keras.ops.array([0.9, 0.1, 0.8])
>>> loss = keras.losses.MeanSquaredError()
>>> loss(y_true, y_pred)
""",
    "losses_MeanAbsoluteError": """
>>> y_true = keras.ops.array([1.0, 0.3, 1.0])
>>> y_pred = keras.ops.array([1.9, 0.3, 1.8])
>>> loss = keras.losses.MeanAbsoluteError()
>>> loss(y_true, y_pred)
""",
    "losses_MeanAbsolutePercentageError": """
>>> y_true = keras.ops.array([100.0, 200.0, 300.0])
>>> y_pred = keras.ops.array([90.0, 210.0, 310.0])
>>> loss = keras.losses.MeanAbsolutePercentageError()
>>> loss(y_true, y_pred)
""",
    "losses_BinaryCrossentropy": """
>>> y_true = np.array([0, 1, 0, 0])
>>> y_pred = np.array([-18.6, 0.51, 2.94, -12.8])
>>> bce = keras.losses.BinaryCrossentropy(from_logits=True)
>>> bce(y_true, y_pred)
>>> y_true = np.array([[0, 1], [0, 0]])
>>> y_pred = np.array([[-18.6, 0.51], [2.94, -12.8]])
>>> bce = keras.losses.BinaryCrossentropy(from_logits=True)
>>> bce(y_true, y_pred)
>>> bce(y_true, y_pred, sample_weight=[0.8, 0.2])
>>> bce = keras.losses.BinaryCrossentropy(from_logits=True,
...     reduction="sum")
>>> bce(y_true, y_pred)
>>> bce = keras.losses.BinaryCrossentropy(from_logits=True,
...     reduction=None)
>>> bce(y_true, y_pred)
>>> keras.losses.BinaryCrossentropy() # OR ...('from_logits=False')
>>> y_pred = [0.6, 0.3, 0.2, 0.8] # OR [[0.6, 0.3], [0.2, 0.8]]
""",
    "losses_BinaryFocalCrossentropy": """
>>> y_true = np.array([0, 1, 0, 0])
>>> y_pred = np.array([-18.6, 0.51, 2.94, -12.8])
>>> loss = keras.losses.BinaryFocalCrossentropy(
...    gamma=2, from_logits=True)
>>> loss(y_true, y_pred)
>>> loss = keras.losses.BinaryFocalCrossentropy(
...     apply_class_balancing=True, gamma=2, from_logits=True)
>>> loss(y_true, y_pred)
>>> y_true = np.array([[0, 1], [0, 0]])
>>> y_pred = np.array([[-18.6, 0.51], [2.94, -12.8]])
>>> loss = keras.losses.BinaryFocalCrossentropy(
...     gamma=3, from_logits=True)
>>> loss(y_true, y_pred)
>>> loss = keras.losses.BinaryFocalCrossentropy(
...      apply_class_balancing=True, gamma=3, from_logits=True)
>>> loss(y_true, y_pred)
>>> loss = keras.losses.BinaryFocalCrossentropy(
...     gamma=3, from_logits=True)
>>> loss(y_true, y_pred, sample_weight=[0.8, 0.2])
>>> loss = keras.losses.BinaryFocalCrossentropy(
...      apply_class_balancing=True, gamma=3, from_logits=True)
>>> loss(y_true, y_pred, sample_weight=[0.8, 0.2])
>>> loss = keras.losses.BinaryFocalCrossentropy(
...     gamma=4, from_logits=True,
...     reduction="sum")
>>> loss(y_true, y_pred)
>>> loss = keras.losses.BinaryFocalCrossentropy(
...     apply_class_balancing=True, gamma=4, from_logits=True,
...     reduction="sum")
>>> loss(y_true, y_pred)
>>> loss = keras.losses.BinaryFocalCrossentropy(
...     gamma=5, from_logits=True,
...     reduction=None)
>>> loss(y_true, y_pred)
>>> loss = keras.losses.BinaryFocalCrossentropy(
...     apply_class_balancing=True, gamma=5, from_logits=True,
...     reduction=None)
>>> loss(y_true, y_pred)
""",
    "losses_CategoricalCrossentropy": """
>>> y_true = np.array([[0, 1, 0], [0, 0, 1]])
>>> y_pred = np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
>>> cce = keras.losses.CategoricalCrossentropy()
>>> cce(y_true, y_pred)
>>> cce(y_true, y_pred, sample_weight=np.array([0.3, 0.7]))
>>> cce = keras.losses.CategoricalCrossentropy(
...     reduction="sum")
>>> cce(y_true, y_pred)
>>> cce = keras.losses.CategoricalCrossentropy(
...     reduction=None)
>>> cce(y_true, y_pred)
""",
    "losses_CategoricalFocalCrossentropy": """
>>> y_true = [[0., 1., 0.], [0., 0., 1.]]
>>> y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
>>> cce = keras.losses.CategoricalFocalCrossentropy()
>>> cce(y_true, y_pred)
>>> cce(y_true, y_pred, sample_weight=np.array([0.3, 0.7]))
>>> cce = keras.losses.CategoricalFocalCrossentropy(
...     reduction="sum")
>>> cce(y_true, y_pred)
>>> cce = keras.losses.CategoricalFocalCrossentropy(
...     reduction=None)
>>> cce(y_true, y_pred)
""",
    "losses_SparseCategoricalCrossentropy": """
>>> y_true = np.array([1, 2])
>>> y_pred = np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
>>> scce = keras.losses.SparseCategoricalCrossentropy()
>>> scce(y_true, y_pred)
>>> scce(y_true, y_pred, sample_weight=np.array([0.3, 0.7]))
>>> scce = keras.losses.SparseCategoricalCrossentropy(
...     reduction="sum")
>>> scce(y_true, y_pred)
>>> scce = keras.losses.SparseCategoricalCrossentropy(
...     reduction=None)
>>> scce(y_true, y_pred)
""",
    "losses_Dice": """
>>> y_true = [[[[1.0], [1.0]], [[0.0], [0.0]]],
...           [[[1.0], [1.0]], [[0.0], [0.0]]]]
>>> y_pred = [[[[0.0], [1.0]], [[0.0], [1.0]]],
...           [[[0.4], [0.0]], [[0.0], [0.9]]]]
>>> axis = (1, 2, 3)
>>> loss = keras.losses.Dice(axis=axis, reduction=None)(y_true, y_pred)
>>> assert loss.shape == (2,)
>>> loss
>>> loss = keras.losses.Dice()(y_true, y_pred)
>>> assert loss.shape == ()
>>> loss
>>> y_true = np.array(y_true)
>>> y_pred = np.array(y_pred)
>>> loss = keras.losses.Dice(axis=axis, reduction=None)(y_true, y_pred)
>>> assert loss.shape == (2,)
>>> loss
""",
    "losses_cosine_similarity": """
>>> y_true = [[0., 1.], [1., 1.], [1., 1.]]
>>> y_pred = [[1., 0.], [1., 1.], [-1., -1.]]
>>> loss = keras.losses.cosine_similarity(y_true, y_pred, axis=-1)
""",
    "losses_huber": """
>>> y_true = [[0, 1], [0, 0]]
>>> y_pred = [[0.6, 0.4], [0.4, 0.6]]
>>> loss = keras.losses.huber(y_true, y_pred)
""",
    "losses_log_cosh": """
>>> y_true = [[0., 1.], [0., 0.]]
>>> y_pred = [[1., 1.], [0., 0.]]
>>> loss = keras.losses.log_cosh(y_true, y_pred)
""",
    "losses_categorical_crossentropy": """
>>> y_true = [[0, 1, 0], [0, 0, 1]]
>>> y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
>>> loss = keras.losses.categorical_crossentropy(y_true, y_pred)
>>> assert loss.shape == (2,)
>>> loss
""",
    "losses_categorical_focal_crossentropy": """
>>> y_true = [[0, 1, 0], [0, 0, 1]]
>>> y_pred = [[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]]
>>> loss = keras.losses.categorical_focal_crossentropy(y_true, y_pred)
>>> assert loss.shape == (2,)
>>> loss
""",
    "losses_binary_crossentropy": """
>>> y_true = [[0, 1], [0, 0]]
>>> y_pred = [[0.6, 0.4], [0.4, 0.6]]
>>> loss = keras.losses.binary_crossentropy(y_true, y_pred)
>>> assert loss.shape == (2,)
>>> loss
""",
    "losses_dice": """
>>> y_true = [[[[1.0], [1.0]], [[0.0], [0.0]]],
...           [[[1.0], [1.0]], [[0.0], [0.0]]]]
>>> y_pred = [[[[0.0], [1.0]], [[0.0], [1.0]]],
...           [[[0.4], [0.0]], [[0.0], [0.9]]]]
>>> axis = (1, 2, 3)
>>> loss = keras.losses.dice(y_true, y_pred, axis=axis)
>>> assert loss.shape == (2,)
>>> loss
>>> loss = keras.losses.dice(y_true, y_pred)
>>> assert loss.shape == ()
>>> loss
""",
    "metrics_Accuracy": """
>>> m = keras.metrics.Accuracy()
>>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]],
...                sample_weight=[1, 1, 0, 0])
>>> m.result()
""",
    "metrics_BinaryAccuracy": """
>>> m = keras.metrics.BinaryAccuracy()
>>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]],
...                sample_weight=[1, 0, 0, 1])
>>> m.result()
""",
    "metrics_CategoricalAccuracy": """
>>> m = keras.metrics.CategoricalAccuracy()
>>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8],
...                 [0.05, 0.95, 0]])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8],
...                 [0.05, 0.95, 0]],
...                sample_weight=[0.7, 0.3])
>>> m.result()
""",
    "metrics_SparseCategoricalAccuracy": """
>>> m = keras.metrics.SparseCategoricalAccuracy()
>>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]],
...                sample_weight=[0.7, 0.3])
>>> m.result()
""",
    "metrics_TopKCategoricalAccuracy": """
>>> m = keras.metrics.TopKCategoricalAccuracy(k=1)
>>> m.update_state([[0, 0, 1], [0, 1, 0]],
...                [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([[0, 0, 1], [0, 1, 0]],
...                [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
...                sample_weight=[0.7, 0.3])
>>> m.result()
""",
    "metrics_SparseTopKCategoricalAccuracy": """
>>> m = keras.metrics.SparseTopKCategoricalAccuracy(k=1)
>>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
...                sample_weight=[0.7, 0.3])
>>> m.result()
>>> m = keras.metrics.SparseTopKCategoricalAccuracy(k=1,
...                                                from_sorted_ids=True)
>>> m.update_state([2, 1], [[1, 0, 3], [1, 2, 3]])
>>> m.result()
""",
    "metrics_FalsePositives": """
>>> m = keras.metrics.FalsePositives()
>>> m.update_state([0, 1, 0, 0], [0, 0, 1, 1])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([0, 1, 0, 0], [0, 0, 1, 1], sample_weight=[0, 0, 1, 0])
>>> m.result()
""",
    "metrics_FalseNegatives": """
>>> m = keras.metrics.FalseNegatives()
>>> m.update_state([0, 1, 1, 1], [0, 1, 0, 0])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([0, 1, 1, 1], [0, 1, 0, 0], sample_weight=[0, 0, 1, 0])
>>> m.result()
""",
    "metrics_TrueNegatives": """
>>> m = keras.metrics.TrueNegatives()
>>> m.update_state([0, 1, 0, 0], [1, 1, 0, 0])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([0, 1, 0, 0], [1, 1, 0, 0], sample_weight=[0, 0, 1, 0])
>>> m.result()
""",
    "metrics_TruePositives": """
>>> m = keras.metrics.TruePositives()
>>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
>>> m.result()
""",
    "metrics_Precision": """
>>> m = keras.metrics.Precision()
>>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
>>> m.result()
>>> m = keras.metrics.Precision(top_k=2)
>>> m.update_state([0, 0, 1, 1], [1, 1, 1, 1])
>>> m.result()
>>> m = keras.metrics.Precision(top_k=4)
>>> m.update_state([0, 0, 1, 1], [1, 1, 1, 1])
>>> m.result()
""",
    "metrics_Recall": """
>>> m = keras.metrics.Recall()
>>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
>>> m.result()
""",
    "metrics_SensitivityAtSpecificity": """
>>> m = keras.metrics.SensitivityAtSpecificity(0.5)
>>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8],
...                sample_weight=[1, 1, 2, 2, 1])
>>> m.result()
""",
    "metrics_SpecificityAtSensitivity": """
>>> m = keras.metrics.SpecificityAtSensitivity(0.5)
>>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8],
...                sample_weight=[1, 1, 2, 2, 2])
>>> m.result()
""",
    "metrics_PrecisionAtRecall": """
>>> m = keras.metrics.PrecisionAtRecall(0.5)
>>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8],
...                sample_weight=[2, 2, 2, 1, 1])
>>> m.result()
""",
    "metrics_RecallAtPrecision": """
>>> m = keras.metrics.RecallAtPrecision(0.8)
>>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9],
...                sample_weight=[1, 0, 0, 1])
>>> m.result()
""",
    "metrics_AUC": """
>>> m = keras.metrics.AUC(num_thresholds=3)
>>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9],
...                sample_weight=[1, 0, 0, 1])
>>> m.result()
""",
    "metrics_PearsonCorrelation": """
>>> pcc = keras.metrics.PearsonCorrelation(axis=-1)
>>> y_true = [[0, 1, 0.5], [1, 1, 0.2]]
>>> y_pred = [[0.1, 0.9, 0.5], [1, 0.9, 0.2]]
>>> pcc.update_state(y_true, y_pred)
>>> pcc.result()
""",
    "metrics_ConcordanceCorrelation": """
>>> ccc = keras.metrics.ConcordanceCorrelation(axis=-1)
>>> y_true = [[0, 1, 0.5], [1, 1, 0.2]]
>>> y_pred = [[0.1, 0.9, 0.5], [1, 0.9, 0.2]]
>>> ccc.update_state(y_true, y_pred)
>>> ccc.result()
""",
    "metrics_FBetaScore": """
>>> metric = keras.metrics.FBetaScore(beta=2.0, threshold=0.5)
>>> y_true = np.array([[1, 1, 1],
...                    [1, 0, 0],
...                    [1, 1, 0]], np.int32)
>>> y_pred = np.array([[0.2, 0.6, 0.7],
...                    [0.2, 0.6, 0.6],
...                    [0.6, 0.8, 0.0]], np.float32)
>>> metric.update_state(y_true, y_pred)
>>> result = metric.result()
>>> result
""",
    "metrics_F1Score": """
>>> metric = keras.metrics.F1Score(threshold=0.5)
>>> y_true = np.array([[1, 1, 1],
...                    [1, 0, 0],
...                    [1, 1, 0]], np.int32)
>>> y_pred = np.array([[0.2, 0.6, 0.7],
...                    [0.2, 0.6, 0.6],
...                    [0.6, 0.8, 0.0]], np.float32)
>>> metric.update_state(y_true, y_pred)
>>> result = metric.result()
""",
    "metrics_Hinge": """
>>> m = keras.metrics.Hinge()
>>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]],
...                sample_weight=[1, 0])
>>> m.result()
""",
    "metrics_SquaredHinge": """
>>> m = keras.metrics.SquaredHinge()
>>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]],
...                sample_weight=[1, 0])
>>> m.result()
""",
    "metrics_KLDivergence": """
>>> m = keras.metrics.KLDivergence()
>>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]],
...                sample_weight=[1, 0])
>>> m.result()
""",
    "metrics_BinaryCrossentropy": """
>>> m = keras.metrics.BinaryCrossentropy()
>>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]],
...                sample_weight=[1, 0])
>>> m.result()
""",
    "metrics_CategoricalCrossentropy": """
>>> m = keras.metrics.CategoricalCrossentropy()
>>> m.update_state([[0, 1, 0], [0, 0, 1]],
...                [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([[0, 1, 0], [0, 0, 1]],
...                [[0.05, 0.95, 0], [0.1, 0.8, 0.1]],
...                sample_weight=np.array([0.3, 0.7]))
>>> m.result()
""",
    "metrics_MeanSquaredError": """
>>> m = keras.metrics.MeanSquaredError()
>>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
>>> m.result()
""",
    "metrics_MeanAbsoluteError": """
>>> m = keras.metrics.MeanAbsoluteError()
>>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]],
...                sample_weight=[1, 0])
>>> m.result()
""",
    "metrics_MeanSquaredLogarithmicError": """
>>> m = keras.metrics.MeanSquaredLogarithmicError()
>>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]],
...                sample_weight=[1, 0])
>>> m.result()
""",
    "metrics_RootMeanSquaredError": """
>>> m = keras.metrics.RootMeanSquaredError()
>>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]],
...                sample_weight=[1, 0])
>>> m.result()
""",
    "metrics_CosineSimilarity": """
>>> m = keras.metrics.CosineSimilarity(axis=1)
>>> m.update_state([[0., 1.], [1., 1.]], [[1., 0.], [1., 1.]])
>>> m.result()
>>> m.reset_state()
>>> m.update_state([[0., 1.], [1., 1.]], [[1., 0.], [1., 1.]],
...                sample_weight=[0.3, 0.7])
>>> m.result()
""",
    "metrics_R2Score": """
>>> y_true = np.array([[1], [4], [3]], dtype=np.float32)
>>> y_pred = np.array([[2], [4], [4]], dtype=np.float32)
>>> metric = keras.metrics.R2Score()
>>> metric.update_state(y_true, y_pred)
>>> result = metric.result()
>>> result
""",
    "metrics_cosine_similarity": """
>>> y_true = [[0., 1.], [1., 1.], [1., 1.]]
>>> y_pred = [[1., 0.], [1., 1.], [-1., -1.]]
>>> loss = keras.losses.cosine_similarity(y_true, y_pred, axis=-1)
""",
    "optimizers_learning_rate_schedule_serialize": """
>>> lr_schedule = keras.optimizers.schedules.ExponentialDecay(
...     0.1, decay_steps=100000, decay_rate=0.96, staircase=True)
>>> keras.optimizers.schedules.serialize(lr_schedule)
""",
    "activations_activations_relu": """
>>> x = [-10, -5, 0.0, 5, 10]
>>> keras.activations.relu(x)
>>> keras.activations.relu(x, negative_slope=0.5)
>>> keras.activations.relu(x, max_value=5.)
>>> keras.activations.relu(x, threshold=5.)
""",
    "constraints_constraints_Constraint": """
>>> class NonNegative(keras.constraints.Constraint):
...
...  def __call__(self, w):
...    return w * ops.cast(ops.greater_equal(w, 0.), dtype=w.dtype)
>>> weight = ops.convert_to_tensor((-1.0, 1.0))
>>> NonNegative()(weight)
>>> keras.layers.Dense(4, kernel_constraint=NonNegative())
""",
    "utils_sequence_utils_pad_sequences": """
>>> sequence = [[1], [2, 3], [4, 5, 6]]
>>> keras.utils.pad_sequences(sequence)
>>> keras.utils.pad_sequences(sequence, value=-1)
>>> keras.utils.pad_sequences(sequence, padding='post')
>>> keras.utils.pad_sequences(sequence, maxlen=2)
""",
    "models_model_model_from_json": """
>>> model = keras.Sequential([
...     keras.layers.Dense(5, input_shape=(3,)),
...     keras.layers.Softmax()])
>>> config = model.to_json()
>>> loaded_model = keras.models.model_from_json(config)
""",
}


@scenario
def doctests_losses(keras):
    """The losses' `>>>` examples: the values each line shows."""
    return {k: run_doctest(keras, v) for k, v in DOCTESTS.items() if k.startswith("losses_")}


@scenario
def doctests_metrics(keras):
    """The metrics' `>>>` examples (update_state / result / reset_state)."""
    return {k: run_doctest(keras, v) for k, v in DOCTESTS.items() if k.startswith("metrics_")}


@scenario
def doctests_others(keras):
    """The `>>>` examples of schedules, activations, constraints, utils and models."""
    return {
        k: run_doctest(keras, v)
        for k, v in DOCTESTS.items()
        if not k.startswith(("losses_", "metrics_"))
    }


# -- losses --------------------------------------------------------------------------------
@scenario
def loss_subclass_reductions(keras):
    """`Loss`'s docstring: a subclass implementing `call`, under each reduction."""
    ops = keras.ops

    class MeanSquaredError(keras.losses.Loss):
        def call(self, y_true, y_pred):
            return ops.mean(ops.square(y_pred - y_true), axis=-1)

    y_true = np.array([[0.0, 1.0], [1.0, 1.0], [0.5, 0.0]], "float32")
    y_pred = np.array([[0.2, 0.6], [0.9, 0.1], [0.5, 0.5]], "float32")
    out = {}
    for reduction in ("sum_over_batch_size", "sum", "none", "mean", None):
        loss = MeanSquaredError(reduction=reduction)
        out[str(reduction)] = value(loss(y_true, y_pred, sample_weight=[1.0, 0.5, 2.0]))
    out["config"] = MeanSquaredError(name="mine").get_config()
    return out


@scenario
def loss_configs(keras):
    """The documented defaults of every loss class, as `get_config` shows them."""
    names = [
        "MeanSquaredError",
        "MeanAbsoluteError",
        "MeanAbsolutePercentageError",
        "MeanSquaredLogarithmicError",
        "CosineSimilarity",
        "Huber",
        "LogCosh",
        "Hinge",
        "SquaredHinge",
        "CategoricalHinge",
        "KLDivergence",
        "Poisson",
        "BinaryCrossentropy",
        "BinaryFocalCrossentropy",
        "CategoricalCrossentropy",
        "CategoricalFocalCrossentropy",
        "SparseCategoricalCrossentropy",
        "Dice",
        "Tversky",
        "Circle",
        "CategoricalGeneralizedCrossEntropy",
    ]
    return {n: getattr(keras.losses, n)().get_config() for n in names}


@scenario
def loss_generalized_cross_entropy(keras):
    """`CategoricalGeneralizedCrossEntropy`'s example: integer labels, two classes."""
    y_true = np.array([0, 1, 0, 1])
    y_pred = np.array([[0.7, 0.3], [0.2, 0.8], [0.6, 0.4], [0.4, 0.6]])
    return [
        value(keras.losses.CategoricalGeneralizedCrossEntropy()(y_true, y_pred)),
        value(keras.losses.CategoricalGeneralizedCrossEntropy(q=0.2)(y_true, y_pred)),
        value(keras.losses.categorical_generalized_cross_entropy(y_true, y_pred, q=0.3)),
        raises(lambda: keras.losses.categorical_generalized_cross_entropy(y_true, y_pred)),
    ]


@scenario
def loss_compile_examples(keras):
    """The losses' `model.compile(loss=...)` examples, one epoch from fixed weights."""
    cases = {
        "bce_logits": (keras.losses.BinaryCrossentropy(from_logits=True), 1, Y_BIN),
        "focal_logits": (
            keras.losses.BinaryFocalCrossentropy(gamma=2.0, from_logits=True),
            1,
            Y_BIN,
        ),
        "cce": (keras.losses.CategoricalCrossentropy(), 3, Y_CAT),
        "cat_focal": (keras.losses.CategoricalFocalCrossentropy(), 3, Y_CAT),
        "scce": (keras.losses.SparseCategoricalCrossentropy(), 3, Y_SPARSE),
        "tversky": (keras.losses.Tversky(), 3, Y_CAT),
        "dice": (keras.losses.Dice(), 3, Y_CAT),
    }
    out = {}
    for name, (loss, units, y) in cases.items():
        act = None if "logits" in name else ("softmax" if units > 1 else "sigmoid")
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, activation=act)])
        fixed(model)
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss=loss)
        hist = model.fit(X, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
        out[name] = rounded(hist.history)
    return out


@scenario
def loss_circle_compile(keras):
    """`Circle`'s example model (on 8x8 images): conv, dense, unit-normalised embeddings."""
    model = keras.models.Sequential(
        [
            keras.layers.Input(shape=(8, 8, 3)),
            keras.layers.Conv2D(4, (3, 3), activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(6, activation=None),
            keras.layers.UnitNormalization(),
        ]
    )
    fixed(model, 0.1)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=keras.losses.Circle())
    x = np.sin(np.arange(8 * 8 * 8 * 3)).reshape(8, 8, 8, 3).astype("float32")
    y = np.array([0, 1, 0, 1, 2, 2, 0, 1])
    hist = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    return rounded(hist.history)


# -- metrics -------------------------------------------------------------------------------
def _metric_fit(keras, metric, units, y, loss, act):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, activation=act)])
    fixed(model)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=loss, metrics=[metric])
    hist = model.fit(X, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    return rounded(hist.history)


@scenario
def metric_compile_binary(keras):
    """The binary metrics' `model.compile(metrics=[...])` examples."""
    m = keras.metrics
    made = {
        "accuracy": m.Accuracy(),
        "binary_accuracy": m.BinaryAccuracy(),
        "precision": m.Precision(),
        "recall": m.Recall(),
        "sens_at_spec": m.SensitivityAtSpecificity(specificity=0.5),
        "spec_at_sens": m.SpecificityAtSensitivity(sensitivity=0.3),
        "prec_at_rec": m.PrecisionAtRecall(recall=0.8),
        "rec_at_prec": m.RecallAtPrecision(precision=0.8),
        "auc": m.AUC(),
        "binary_iou": m.BinaryIoU(target_class_ids=[0], threshold=0.5),
        "bce": m.BinaryCrossentropy(),
        "f1": m.F1Score(threshold=0.5),
    }
    return {
        k: _metric_fit(keras, v, 1, Y_BIN, "binary_crossentropy", "sigmoid")
        for k, v in made.items()
    }


@scenario
def metric_compile_logits(keras):
    """`Precision(thresholds=0)`, `Recall(thresholds=0)`, `AUC(from_logits=True)` on logits."""
    m = keras.metrics
    loss = keras.losses.BinaryCrossentropy(from_logits=True)
    made = {
        "precision": m.Precision(thresholds=0),
        "recall": m.Recall(thresholds=0),
        "auc": m.AUC(from_logits=True),
    }
    return {k: _metric_fit(keras, v, 1, Y_BIN, loss, None) for k, v in made.items()}


@scenario
def metric_compile_categorical(keras):
    """The categorical and sparse metrics' compile examples."""
    m = keras.metrics
    cat = {
        "categorical_accuracy": m.CategoricalAccuracy(),
        "top_k": m.TopKCategoricalAccuracy(k=2),
        "cce": m.CategoricalCrossentropy(),
        "one_hot_iou": m.OneHotIoU(num_classes=3, target_class_ids=[1]),
        "one_hot_mean_iou": m.OneHotMeanIoU(num_classes=3),
        "kld": m.KLDivergence(),
        "poisson": m.Poisson(),
        "f1_macro": m.F1Score(average="macro"),
        "fbeta": m.FBetaScore(beta=2.0, average="weighted"),
    }
    sparse = {
        "sparse_categorical_accuracy": m.SparseCategoricalAccuracy(),
        "sparse_top_k": m.SparseTopKCategoricalAccuracy(k=2),
        "scce": m.SparseCategoricalCrossentropy(),
    }
    out = {
        k: _metric_fit(keras, v, 3, Y_CAT, "categorical_crossentropy", "softmax")
        for k, v in cat.items()
    }
    out.update(
        {
            k: _metric_fit(keras, v, 3, Y_SPARSE, "sparse_categorical_crossentropy", "softmax")
            for k, v in sparse.items()
        }
    )
    return out


@scenario
def metric_compile_regression(keras):
    """The regression metrics' compile examples (`loss='mse'`)."""
    m = keras.metrics
    y = np.abs(np.cos(np.arange(16.0))).reshape(8, 2).astype("float32") + 0.5
    made = {
        "mae": m.MeanAbsoluteError(),
        "mape": m.MeanAbsolutePercentageError(),
        "msle": m.MeanSquaredLogarithmicError(),
        "rmse": m.RootMeanSquaredError(),
        "cosine": m.CosineSimilarity(axis=1),
        "logcosh": m.LogCoshError(),
        "pearson": m.PearsonCorrelation(),
        "concordance": m.ConcordanceCorrelation(),
        "r2": m.R2Score(),
        "iou": m.IoU(num_classes=2, target_class_ids=[0]),
        "mean_iou": m.MeanIoU(num_classes=2),
    }
    out = {}
    for k, v in made.items():
        target = (y > 1.0).astype("float32") if "iou" in k else y
        out[k] = _metric_fit(keras, v, 2, target, "mse", "relu" if "iou" not in k else "sigmoid")
    return out


@scenario
def metric_subclass_true_positives(keras):
    """`Metric`'s docstring example: `BinaryTruePositives` with `add_variable`."""
    ops = keras.ops

    class BinaryTruePositives(keras.metrics.Metric):
        def __init__(self, name="binary_true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.true_positives = self.add_variable(
                shape=(), initializer="zeros", name="true_positives"
            )

        def update_state(self, y_true, y_pred, sample_weight=None):
            y_true = ops.cast(y_true, "bool")
            y_pred = ops.cast(y_pred, "bool")
            values = ops.logical_and(ops.equal(y_true, True), ops.equal(y_pred, True))
            values = ops.cast(values, self.dtype)
            if sample_weight is not None:
                sample_weight = ops.cast(sample_weight, self.dtype)
                sample_weight = ops.broadcast_to(sample_weight, ops.shape(values))
                values = ops.multiply(values, sample_weight)
            self.true_positives.assign(self.true_positives + ops.sum(values))

        def result(self):
            return self.true_positives

    m = BinaryTruePositives()
    m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    first = value(m.result())
    m.update_state([1, 1], [1, 1], sample_weight=[0.5, 0.25])
    out = {"first": first, "second": value(m.result()), "vars": [v.name for v in m.variables]}
    m.reset_state()
    out["reset"] = value(m.result())
    out["config"] = m.get_config()
    return out


@scenario
def metric_mean_metric_wrapper(keras):
    """`MeanMetricWrapper`'s example: a function of `(y_true, y_pred)` as a metric."""

    def mse(y_true, y_pred):
        return (y_true - y_pred) ** 2

    m = keras.metrics.MeanMetricWrapper(fn=mse)
    m.update_state(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.5, 2.0], [2.0, 4.0]]))
    first = value(m.result())
    m.update_state(np.array([[0.0, 1.0]]), np.array([[1.0, 1.0]]), sample_weight=[2.0])
    return {"first": first, "second": value(m.result()), "name": m.name}


@scenario
def metric_configs(keras):
    """The documented defaults of metric classes, as `get_config` shows them."""
    m = keras.metrics
    made = {
        "AUC": m.AUC(),
        "Precision": m.Precision(),
        "Recall": m.Recall(),
        "IoU": m.IoU(num_classes=2, target_class_ids=[0]),
        "MeanIoU": m.MeanIoU(num_classes=2),
        "BinaryIoU": m.BinaryIoU(),
        "OneHotIoU": m.OneHotIoU(num_classes=3, target_class_ids=[1]),
        "F1Score": m.F1Score(),
        "FBetaScore": m.FBetaScore(),
        "R2Score": m.R2Score(),
        "TopK": m.TopKCategoricalAccuracy(),
        "CosineSimilarity": m.CosineSimilarity(),
        "BinaryAccuracy": m.BinaryAccuracy(),
        "SensitivityAtSpecificity": m.SensitivityAtSpecificity(0.5),
        "PearsonCorrelation": m.PearsonCorrelation(),
        "Mean": m.Mean(),
        "Sum": m.Sum(),
        "BinaryCrossentropy": m.BinaryCrossentropy(),
        "Hinge": m.Hinge(),
    }
    return {k: v.get_config() for k, v in made.items()}


# the documented arguments of the losses and metrics, on one small batch
YT = np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]], "float32")
YP = np.array([[0.1, 0.7, 0.2], [0.3, 0.3, 0.4], [0.5, 0.1, 0.4], [0.05, 0.05, 0.9]], "float32")
YL = np.array([1, 2, 0, 1])
SW = np.array([1.0, 0.5, 0.0, 2.0])
YB = np.array([0, 1, 1, 0, 1])
PB = np.array([0.2, 0.8, 0.4, 0.6, 0.9])


def attempt(fn):
    """`value(fn())`, or the built-in types of the error it raised."""
    try:
        return value(fn())
    except Exception as e:  # noqa: BLE001 - the type is the result
        return error_types(e)


@scenario
def loss_arguments(keras):
    """The losses' documented arguments: reductions, label smoothing, axes, ignore_class,
    focal weighting, Huber's delta, Tversky's alpha / beta, Circle, CTC."""
    L = keras.losses
    out = {}
    for red in ("sum", "none", "sum_over_batch_size", "mean_with_sample_weight", None):
        cce = L.CategoricalCrossentropy(reduction=red, label_smoothing=0.1)
        out[f"cce_{red}"] = attempt(lambda cce=cce: cce(YT, YP, sample_weight=SW))
    logits = np.log(YP)
    cases = {
        "cce_axis0": lambda: L.CategoricalCrossentropy(axis=0)(YT, YP),
        "scce_ignore": lambda: L.SparseCategoricalCrossentropy(ignore_class=1)(YL, YP),
        "scce_ignore_logits": lambda: L.SparseCategoricalCrossentropy(
            ignore_class=2, from_logits=True, reduction="none"
        )(YL, logits),
        "bce_smoothing_axis0": lambda: L.BinaryCrossentropy(label_smoothing=0.2, axis=0)(YT, YP),
        "binary_focal_balanced": lambda: L.BinaryFocalCrossentropy(
            apply_class_balancing=True, alpha=0.3, gamma=1.5, label_smoothing=0.1
        )(YT, YP),
        "categorical_focal": lambda: L.CategoricalFocalCrossentropy(
            alpha=0.5, gamma=3.0, label_smoothing=0.1, from_logits=True
        )(YT, logits),
        "huber_delta": lambda: L.Huber(delta=0.2, reduction="none")(YT, YP),
        "cosine_axis0": lambda: L.CosineSimilarity(axis=0, reduction="none")(YT, YP),
        "tversky": lambda: L.Tversky(alpha=0.3, beta=0.7, reduction="none", axis=None)(YT, YP),
        "dice_axis": lambda: L.Dice(reduction="none", axis=(1,))(YT, YP),
        "circle": lambda: L.Circle(gamma=32, margin=0.4, remove_diagonal=False)(YL, YP),
        "kld_none": lambda: L.KLDivergence(reduction="none")(YT + 0.1, YP),
        "msle_none": lambda: L.MeanSquaredLogarithmicError(reduction="none")(YT, YP),
        "ctc": lambda: L.CTC(reduction="none")(
            np.array([[1, 2], [2, 1]]), np.log(np.full((2, 4, 3), 1 / 3, "float32"))
        ),
    }
    out.update({k: attempt(fn) for k, fn in cases.items()})
    return out


@scenario
def metric_arguments(keras):
    """The metrics' documented arguments: thresholds, top_k, class_id, AUC's curve /
    summation / multi-label / label weights, F-scores' averages, R2's aggregation, IoU's
    ignore_class and sparse flags, top-k from sorted ids."""
    M = keras.metrics

    def run(metric, *batches):
        results = []
        for batch in batches:
            metric.update_state(*batch)
            results.append(value(metric.result()))
        return results

    sorted_ids = np.array([[1, 0], [0, 2], [1, 2], [2, 1]])
    cases = {
        "precision_thresholds": lambda: run(M.Precision(thresholds=[0.3, 0.5, 0.7]), (YB, PB)),
        "precision_top_k": lambda: run(M.Precision(top_k=2), (YT, YP)),
        "recall_class_id": lambda: run(M.Recall(class_id=1), (YT, YP), (YT, YP, SW)),
        "auc_pr": lambda: run(M.AUC(curve="PR", num_thresholds=50), (YB, PB)),
        "auc_minoring": lambda: run(M.AUC(summation_method="minoring"), (YB, PB)),
        "auc_multi_label": lambda: run(M.AUC(multi_label=True, num_labels=3), (YT, YP)),
        "auc_label_weights": lambda: run(
            M.AUC(multi_label=True, label_weights=[0.2, 0.3, 0.5]), (YT, YP)
        ),
        "auc_thresholds": lambda: run(
            M.AUC(thresholds=[0.25, 0.5, 0.75]), (YB, PB, [1, 2, 1, 1, 0.5])
        ),
        "f1_per_class": lambda: run(M.F1Score(), (YT, YP)),
        "f1_micro": lambda: run(M.F1Score(average="micro", threshold=0.3), (YT, YP)),
        "fbeta_weighted": lambda: run(M.FBetaScore(average="weighted", beta=0.5), (YT, YP, SW)),
        "r2_variance_weighted": lambda: run(
            M.R2Score(class_aggregation="variance_weighted_average"), (YP, YT)
        ),
        "r2_per_class": lambda: run(M.R2Score(class_aggregation=None, num_regressors=1), (YP, YT)),
        "iou_ignore_class": lambda: run(
            M.IoU(num_classes=3, target_class_ids=[0, 2], ignore_class=1),
            (YL, np.array([1, 2, 2, 0])),
        ),
        "mean_iou_dense_pred": lambda: run(M.MeanIoU(num_classes=3, sparse_y_pred=False), (YL, YP)),
        "binary_accuracy_threshold": lambda: run(M.BinaryAccuracy(threshold=0.7), (YB, PB)),
        "sparse_top_1": lambda: run(M.SparseTopKCategoricalAccuracy(k=1), (YL, YP)),
        "sparse_top_k_sorted": lambda: run(
            M.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True), (YL, sorted_ids)
        ),
        "sensitivity": lambda: run(M.SensitivityAtSpecificity(0.6, num_thresholds=10), (YB, PB)),
        "pearson_axis0": lambda: run(M.PearsonCorrelation(axis=0), (YT, YP)),
        "wrapper": lambda: run(M.MeanMetricWrapper(keras.losses.mean_absolute_error), (YT, YP, SW)),
        "sum": lambda: run(M.Sum(), ([1, 2, 3],), ([4.0], [0.5])),
        "mean_weighted": lambda: run(M.Mean(), ([[1, 2], [3, 4]], [1, 0])),
        "cosine_axis0": lambda: run(M.CosineSimilarity(axis=0), (YT, YP)),
        "categorical_hinge": lambda: run(M.CategoricalHinge(), (YT, YP)),
        "poisson_floats": lambda: run(M.Poisson(), (YT, YP)),
        "log_cosh_floats": lambda: run(M.LogCoshError(), (YT, YP)),
        "mape_floats": lambda: run(M.MeanAbsolutePercentageError(), (YT + 1, YP)),
    }
    return {k: attempt(fn) for k, fn in cases.items()}


@scenario
def batch_mismatch_errors(keras):
    """Five labels for four predictions, called directly on losses and metrics: the
    built-in type of the error (Keras: JAX's TypeError where it computes with them)."""
    M, L = keras.metrics, keras.losses
    bad = np.array([1, 2, 0, 1, 2])
    ids = np.array([[1, 0], [0, 2], [1, 2], [2, 1]])
    p4 = np.array([0.1, 0.2, 0.3, 0.4])
    cases = {
        "circle": lambda: L.Circle()(bad, YP),
        "iou": lambda: M.IoU(num_classes=3, target_class_ids=[0, 2]).update_state(bad, YL),
        "mean_iou": lambda: M.MeanIoU(num_classes=3, sparse_y_pred=False).update_state(bad, YP),
        "top_k_sorted": lambda: M.SparseTopKCategoricalAccuracy(
            k=2, from_sorted_ids=True
        ).update_state(bad, ids),
        "top_k": lambda: M.SparseTopKCategoricalAccuracy(k=2).update_state(bad, YP),
        "scce": lambda: L.SparseCategoricalCrossentropy()(bad, YP),
        "sparse_accuracy": lambda: M.SparseCategoricalAccuracy().update_state(bad, YP),
        "accuracy": lambda: M.Accuracy().update_state(bad, YL),
        "mse": lambda: L.MeanSquaredError()(np.zeros((5, 3)), YP),
        "auc": lambda: M.AUC().update_state(bad, p4),
        "precision": lambda: M.Precision().update_state(bad, p4),
        "f1": lambda: M.F1Score().update_state(np.zeros((5, 3)), YP),
        "r2": lambda: M.R2Score().update_state(np.zeros((5, 3)), YP),
    }
    return {k: raises(fn) for k, fn in cases.items()}


@scenario
def get_identifiers(keras):
    """`<module>.get(name)` for the names the docstrings use: what each resolves to (a
    function by its name, an instance by its class), or the error's built-in types."""

    def resolved(module, name):
        try:
            found = getattr(keras, module).get(name)
        except Exception as e:  # noqa: BLE001 - the type is the result
            return error_types(e)
        return getattr(found, "__name__", None) or type(found).__name__

    names = {
        "metrics": [
            "accuracy",
            "binary_accuracy",
            "categorical_accuracy",
            "sparse_categorical_accuracy",
            "top_k_categorical_accuracy",
            "sparse_top_k_categorical_accuracy",
            "mse",
            "mae",
            "mape",
            "msle",
            "AUC",
            "auc",
            "Precision",
            "precision",
            "recall",
            "F1Score",
            "R2Score",
            "kld",
            "hinge",
            "root_mean_squared_error",
            "cosine_similarity",
            "pearson_correlation",
            "concordance_correlation",
            "Mean",
            "poisson",
            "binary_crossentropy",
            "MeanIoU",
            "IoU",
            "SensitivityAtSpecificity",
            "bogus",
        ],
        "optimizers": [
            "sgd",
            "SGD",
            "adam",
            "adamw",
            "rmsprop",
            "RMSprop",
            "adagrad",
            "adadelta",
            "adamax",
            "nadam",
            "ftrl",
            "lion",
            "adafactor",
            "Muon",
            "bogus",
        ],
        "activations": [
            "relu",
            "relu6",
            "elu",
            "selu",
            "gelu",
            "silu",
            "swish",
            "sigmoid",
            "hard_sigmoid",
            "hard_silu",
            "hard_swish",
            "softmax",
            "log_softmax",
            "softplus",
            "softsign",
            "tanh",
            "linear",
            "exponential",
            "leaky_relu",
            "mish",
            "celu",
            "glu",
            "hard_tanh",
            "hard_shrink",
            "soft_shrink",
            "tanh_shrink",
            "squareplus",
            "sparse_plus",
            "sparsemax",
            "log_sigmoid",
            "threshold",
            "sparse_sigmoid",
            None,
            "bogus",
        ],
        "initializers": [
            "zeros",
            "Zeros",
            "ones",
            "uniform",
            "normal",
            "random_normal",
            "truncated_normal",
            "glorot_uniform",
            "he_normal",
            "lecun_uniform",
            "orthogonal",
            "identity",
            "variance_scaling",
            "STFT",
            "IdentityInitializer",
            "bogus",
        ],
        "constraints": [
            "max_norm",
            "MaxNorm",
            "non_neg",
            "NonNeg",
            "unit_norm",
            "min_max_norm",
            "bogus",
        ],
        "regularizers": ["l1", "l2", "l1l2", "L1L2", "orthogonal_regularizer", "l1_l2", "bogus"],
        "losses": ["bogus", 5],
    }
    return {m: {str(n): resolved(m, n) for n in ns} for m, ns in names.items()}


# -- optimizers and schedules --------------------------------------------------------------
def _schedule_values(schedule, steps=(0, 1, 5, 10, 50, 99, 100, 101, 150, 250, 1000)):
    return [round(float(schedule(step)), 7) for step in steps]


@scenario
def schedule_values(keras):
    """The learning-rate schedules of the docstrings, at a range of steps, with configs."""
    s = keras.optimizers.schedules
    made = {
        "exponential": s.ExponentialDecay(1e-2, decay_steps=100, decay_rate=0.9),
        "exponential_staircase": s.ExponentialDecay(
            0.1, decay_steps=100, decay_rate=0.96, staircase=True
        ),
        "piecewise": s.PiecewiseConstantDecay([100, 110], [1.0, 0.5, 0.1]),
        "polynomial": s.PolynomialDecay(0.1, 100, 0.01, power=0.5),
        "polynomial_cycle": s.PolynomialDecay(0.1, 100, 0.01, power=0.5, cycle=True),
        "inverse_time": s.InverseTimeDecay(0.1, 1.0, 0.5),
        "inverse_time_staircase": s.InverseTimeDecay(0.1, 10.0, 0.5, staircase=True),
        "cosine": s.CosineDecay(0.1, 100),
        "cosine_alpha": s.CosineDecay(0.1, 100, alpha=0.2),
        "cosine_warmup": s.CosineDecay(0.0, 100, warmup_target=0.1, warmup_steps=100),
        "restarts": s.CosineDecayRestarts(0.1, 20),
        "restarts_mul": s.CosineDecayRestarts(0.1, 20, t_mul=1.0, m_mul=0.5, alpha=0.1),
    }
    return {k: {"values": _schedule_values(v), "config": s.serialize(v)} for k, v in made.items()}


@scenario
def schedule_piecewise_tensor_step(keras):
    """`PiecewiseConstantDecay`'s example: the step as `ops.array(0)`."""
    fn = keras.optimizers.schedules.PiecewiseConstantDecay([100000, 110000], [1.0, 0.5, 0.1])
    return [value(fn(keras.ops.array(step))) for step in (0, 100000, 100001, 110001)]


@scenario
def schedule_deserialize(keras):
    """`schedules.deserialize`'s example config, and the SGD it drives."""
    config = {
        "class_name": "PolynomialDecay",
        "config": {
            "cycle": False,
            "decay_steps": 10000,
            "end_learning_rate": 0.01,
            "initial_learning_rate": 0.1,
            "name": None,
            "power": 0.5,
        },
    }
    schedule = keras.optimizers.schedules.deserialize(config)
    out = {"type": type(schedule).__name__, "config": schedule.get_config()}
    # (Keras's own `name: None` fails when the schedule is called: name it)
    config["config"]["name"] = "decay"
    schedule = keras.optimizers.schedules.deserialize(config)
    optimizer = keras.optimizers.SGD(learning_rate=schedule)
    return {
        **out,
        "values": _schedule_values(schedule, (0, 5000, 10000, 20000)),
        "sgd_lr": value(optimizer.learning_rate),
        "sgd_config_lr": optimizer.get_config()["learning_rate"],
    }


@scenario
def schedule_in_fit(keras):
    """The schedules' `model.compile(optimizer=SGD(learning_rate=schedule))` examples, with
    a custom `LearningRateSchedule` subclass that skips `super().__init__()`."""

    class MyLRSchedule(keras.optimizers.schedules.LearningRateSchedule):
        def __init__(self, initial_learning_rate):
            self.initial_learning_rate = initial_learning_rate

        def __call__(self, step):
            return self.initial_learning_rate / (step + 1)

    s = keras.optimizers.schedules
    made = {
        "exponential": s.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5, staircase=True),
        "polynomial": s.PolynomialDecay(0.1, 4, 0.01, power=0.5),
        "inverse_time": s.InverseTimeDecay(0.1, 1.0, 0.5),
        "custom": MyLRSchedule(0.1),
    }
    out = {}
    for name, schedule in made.items():
        model = fixed(
            keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
        )
        model.compile(
            optimizer=keras.optimizers.SGD(learning_rate=schedule),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        hist = model.fit(X, Y_SPARSE, batch_size=2, epochs=3, shuffle=False, verbose=0)
        out[name] = {
            "history": rounded(hist.history),
            "lr": value(model.optimizer.learning_rate),
            "iterations": value(model.optimizer.iterations),
        }
    return out


@scenario
def optimizer_configs(keras):
    """The documented defaults of every optimizer, as `get_config` shows them."""
    names = [
        "SGD",
        "RMSprop",
        "Adam",
        "AdamW",
        "Adadelta",
        "Adagrad",
        "Adamax",
        "Adafactor",
        "Nadam",
        "Ftrl",
        "Lion",
        "Lamb",
    ]
    return {n: getattr(keras.optimizers, n)().get_config() for n in names}


@scenario
def optimizer_update_rules(keras):
    """The update rules the optimizer docstrings write out (SGD, momentum, Nesterov,
    Adamax, Ftrl, ...), three steps on one variable with fixed gradients."""
    o = keras.optimizers
    made = {
        "sgd": o.SGD(0.1),
        "momentum": o.SGD(0.1, momentum=0.9),
        "nesterov": o.SGD(0.1, momentum=0.9, nesterov=True),
        "adamax": o.Adamax(0.1),
        "ftrl": o.Ftrl(0.1, l1_regularization_strength=0.01, l2_regularization_strength=0.01),
        "ftrl_beta": o.Ftrl(0.1, beta=0.5, l2_shrinkage_regularization_strength=0.1),
        "rmsprop_centered": o.RMSprop(0.1, momentum=0.5, centered=True),
        "adagrad": o.Adagrad(0.1),
        "adadelta": o.Adadelta(1.0),
        "nadam": o.Nadam(0.1),
        "lion": o.Lion(0.1),
        "adamw": o.AdamW(0.1, weight_decay=0.1),
        "adam_amsgrad": o.Adam(0.1, amsgrad=True),
        "clipnorm": o.SGD(0.1, clipnorm=0.5),
        "clipvalue": o.SGD(0.1, clipvalue=0.2),
    }
    grads = [
        np.array([0.5, -1.0, 2.0], "float32"),
        np.array([-0.3, 0.2, 1.0], "float32"),
        np.array([1.0, 1.0, -1.0], "float32"),
    ]
    out = {}
    for name, opt in made.items():
        var = keras.Variable(np.array([1.0, 2.0, -3.0], "float32"))
        trail = []
        for g in grads:
            opt.apply_gradients([(keras.ops.convert_to_tensor(g), var)])
            trail.append(value(var))
        out[name] = trail
    return out


@scenario
def optimizer_subclass_example(keras):
    """`BaseOptimizer`'s example: a momentum SGD subclass using `build`,
    `add_variable_from_reference`, `_get_variable_index`, `assign` and `assign_add`."""
    ops = keras.ops

    class MomentumSGD(keras.optimizers.Optimizer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.momentum = 0.9

        def build(self, variables):
            super().build(variables)
            self.momentums = []
            for variable in variables:
                self.momentums.append(
                    self.add_variable_from_reference(reference_variable=variable, name="momentum")
                )

        def update_step(self, gradient, variable, learning_rate):
            learning_rate = ops.cast(learning_rate, variable.dtype)
            gradient = ops.cast(gradient, variable.dtype)
            m = self.momentums[self._get_variable_index(variable)]
            self.assign(
                m,
                ops.subtract(
                    ops.multiply(m, ops.cast(self.momentum, variable.dtype)),
                    ops.multiply(gradient, learning_rate),
                ),
            )
            self.assign_add(variable, m)

    model = fixed(keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]))
    model.compile(optimizer=MomentumSGD(learning_rate=0.05), loss="mse")
    hist = model.fit(X, np.cos(X[:, :2]), batch_size=4, epochs=3, shuffle=False, verbose=0)
    return {
        "history": rounded(hist.history),
        "kernel": value(model.get_weights()[0]),
        "slots": [v.path for v in model.optimizer.variables],
    }


@scenario
def optimizer_arguments(keras):
    """The optimizers' shared arguments (global_clipnorm, weight_decay, EMA with
    overwrite, gradient accumulation, loss_scale_factor, clipping) and the optimizers'
    own, four steps on one variable; AdamW's `exclude_from_weight_decay` in `fit`."""
    O = keras.optimizers
    grads = [
        np.array([0.5, -1.0, 2.0], "float32"),
        np.array([-0.3, 0.2, 1.0], "float32"),
        np.array([1.0, 1.0, -1.0], "float32"),
        np.array([0.1, 0.1, 0.1], "float32"),
    ]

    def trail(opt):
        var = keras.Variable(np.array([1.0, 2.0, -3.0], "float32"))
        out = []
        for g in grads:
            opt.apply_gradients([(keras.ops.convert_to_tensor(g), var)])
            out.append(value(var))
        return out + [value(opt.iterations)]

    cases = {
        "global_clipnorm": lambda: O.SGD(0.1, global_clipnorm=0.5),
        "sgd_weight_decay": lambda: O.SGD(0.1, weight_decay=0.1),
        "adam_weight_decay": lambda: O.Adam(0.1, weight_decay=0.05),
        "ema_overwrite": lambda: O.SGD(
            0.1, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=2
        ),
        "accumulate": lambda: O.SGD(0.1, gradient_accumulation_steps=2),
        "accumulate_adam": lambda: O.Adam(0.1, gradient_accumulation_steps=2),
        "loss_scale": lambda: O.SGD(0.1, loss_scale_factor=4.0),
        "adafactor": lambda: O.Adafactor(0.1),
        "lamb": lambda: O.Lamb(0.1),
        "adagrad_initial": lambda: O.Adagrad(0.1, initial_accumulator_value=0.5, epsilon=1e-3),
        "rmsprop_rho": lambda: O.RMSprop(0.1, rho=0.5),
        "nadam_beta": lambda: O.Nadam(0.1, beta_1=0.5),
        "ftrl_power": lambda: O.Ftrl(0.1, learning_rate_power=-0.2, initial_accumulator_value=0.2),
        "adamw_amsgrad": lambda: O.AdamW(0.1, amsgrad=True, weight_decay=0.2),
        "lion_betas": lambda: O.Lion(0.1, beta_1=0.5, beta_2=0.9),
        "adamax_epsilon": lambda: O.Adamax(0.1, epsilon=0.5),
        "clip_both": lambda: O.Adam(0.1, clipnorm=0.3, clipvalue=0.1),
    }
    out = {k: attempt(lambda make=make: trail(make())) for k, make in cases.items()}
    out["sgd_config"] = O.SGD(
        0.1,
        weight_decay=0.1,
        use_ema=True,
        global_clipnorm=1.0,
        gradient_accumulation_steps=3,
        loss_scale_factor=2.0,
    ).get_config()
    model = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(1, kernel_initializer="ones", bias_initializer="ones"),
        ]
    )
    adamw = O.AdamW(0.1, weight_decay=0.5)
    adamw.exclude_from_weight_decay(var_names=["bias"])
    model.compile(optimizer=adamw, loss="mse")
    model.fit(np.ones((2, 2)), np.zeros((2, 1)), verbose=0, epochs=2)
    out["exclude_from_weight_decay"] = [value(w) for w in model.get_weights()]
    return out


# -- callbacks -----------------------------------------------------------------------------
def _dense10(keras):
    model = keras.models.Sequential([keras.layers.Dense(10)])
    model.compile(keras.optimizers.SGD(), loss="mse")
    model.build(input_shape=(None, 20))
    return fixed(model, 0.01)


XS = np.arange(100).reshape(5, 20) / 100.0
YS = np.zeros((5, 10))  # (the docstrings' np.zeros(5) broadcasts in Keras; numkeras refuses)


@scenario
def callback_early_stopping(keras):
    """`EarlyStopping`'s example: stop when `loss` fails to improve for 3 epochs."""
    out = {}
    for kw in (
        {"monitor": "loss", "patience": 3},
        {"monitor": "loss", "patience": 1, "min_delta": 1e-3},
        {"monitor": "loss", "patience": 2, "restore_best_weights": True, "start_from_epoch": 2},
        {"monitor": "loss", "patience": 2, "baseline": 0.0001, "mode": "min"},
    ):
        model = _dense10(keras)
        callback = keras.callbacks.EarlyStopping(**kw)
        history = model.fit(XS, YS, epochs=10, batch_size=1, callbacks=[callback], verbose=0)
        out[str(sorted(kw.items()))] = [
            len(history.history["loss"]),
            callback.stopped_epoch,
            callback.wait,
        ]
    return out


@scenario
def callback_backup_and_restore(keras):
    """`BackupAndRestore`'s example: training interrupted at epoch 4 resumes there."""

    class InterruptingCallback(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 4:
                raise RuntimeError("Interrupting!")

    with tempfile.TemporaryDirectory() as tmp:
        callback = keras.callbacks.BackupAndRestore(backup_dir=os.path.join(tmp, "backup"))
        model = _dense10(keras)
        try:
            model.fit(
                XS,
                YS,
                epochs=10,
                batch_size=1,
                callbacks=[callback, InterruptingCallback()],
                verbose=0,
            )
        except Exception:  # noqa: BLE001
            pass
        history = model.fit(XS, YS, epochs=10, batch_size=1, callbacks=[callback], verbose=0)
        return {"epochs": len(history.history["loss"]), "left": sorted(os.listdir(tmp))}


@scenario
def callback_history_params(keras):
    """`History`'s example: `history.params` and the logged keys."""
    model = _dense10(keras)
    history = model.fit(XS, YS, epochs=10, verbose=0, validation_data=(XS, YS))
    return {"params": history.params, "keys": sorted(history.history), "epoch": history.epoch}


@scenario
def callback_learning_rate_scheduler(keras):
    """`LearningRateScheduler`'s example: the rate decays after epoch 10."""
    ops = keras.ops

    def scheduler(epoch, lr):
        if epoch < 10:
            return lr
        # (the docstring's `lr * ops.exp(-0.1)` is a tensor, which Keras refuses)
        return lr * float(ops.exp(-0.1))

    model = _dense10(keras)
    before = round(float(model.optimizer.learning_rate), 5)
    callback = keras.callbacks.LearningRateScheduler(scheduler)
    history = model.fit(XS, YS, epochs=15, callbacks=[callback], verbose=0)
    return {
        "before": before,
        "after": round(float(model.optimizer.learning_rate), 5),
        "logged": [round(float(v), 6) for v in history.history["learning_rate"]],
    }


@scenario
def callback_train_end_flag(keras):
    """`Callback`'s example: a subclass sets a flag in `on_train_end`; and the
    `CallbackList` the docstring drives by hand."""
    seen = []

    class MyCallback(keras.callbacks.Callback):
        def on_train_end(self, logs=None):
            seen.append(sorted(logs or {}))

    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=(1,))])
    model.compile(loss="mean_squared_error")
    model.fit(np.array([[1.0]]), np.array([[1.0]]), callbacks=[MyCallback()], verbose=0)
    events = []

    class Recorder(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            events.append(["epoch_begin", epoch])

        def on_train_batch_end(self, batch, logs=None):
            events.append(["batch_end", batch, logs])

        def on_train_end(self, logs=None):
            events.append(["train_end", logs])

    callbacks = keras.callbacks.CallbackList([Recorder(), Recorder()])  # (it has no `append`)
    callbacks.on_train_begin()
    callbacks.on_epoch_begin(0)
    callbacks.on_train_batch_end(0, {"loss": 1.0})
    callbacks.on_train_end({"loss": 0.5})
    return {"seen": seen, "events": events, "n": len(callbacks.callbacks)}


@scenario
def callback_csv_and_lambda(keras):
    """`CSVLogger` and `LambdaCallback`'s examples: the CSV written, the batch numbers
    printed, one JSON line per epoch."""
    import json

    model = fixed(keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)]))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "training.log")
        json_path = os.path.join(tmp, "loss_log.json")
        json_log = open(json_path, mode="w", buffering=1)
        printed = io.StringIO()
        callbacks = [
            keras.callbacks.CSVLogger(log),
            keras.callbacks.LambdaCallback(
                on_train_batch_begin=lambda batch, logs: print(batch, file=printed)
            ),
            keras.callbacks.LambdaCallback(
                on_epoch_end=lambda epoch, logs: json_log.write(
                    json.dumps({"epoch": epoch, "loss": round(float(logs["loss"]), 4)}) + "\n"
                ),
                on_train_end=lambda logs: json_log.close(),
            ),
        ]
        model.fit(
            X,
            Y_BIN,
            batch_size=4,
            epochs=2,
            shuffle=False,
            validation_data=(X, Y_BIN),
            callbacks=callbacks,
            verbose=0,
        )
        with open(log) as f:
            rows = [line.rstrip("\n").split(",") for line in f]
        with open(json_path) as f:
            lines = f.read().splitlines()
    header, values = rows[0], [[round(float(v), 4) for v in row] for row in rows[1:]]
    return {
        "header": header,
        "values": values,
        "printed": printed.getvalue(),
        "json": lines,
        "closed": json_log.closed,
    }


@scenario
def callback_model_checkpoint(keras):
    """`ModelCheckpoint`'s example: best-only on `val_accuracy` (max), the whole model and
    the weights only, reloaded; then the weights into a fresh compiled model."""

    def get_model():
        m = fixed(
            keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
        )
        lr_schedule = keras.optimizers.schedules.ExponentialDecay(
            0.1, decay_steps=100000, decay_rate=0.96, staircase=True
        )
        m.compile(
            optimizer=keras.optimizers.RMSprop(learning_rate=lr_schedule),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        return m

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        model = get_model()
        path = os.path.join(tmp, "checkpoint.model.keras")
        saved = []

        class Watch(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                saved.append(os.path.getmtime(path) if os.path.exists(path) else None)

        cb = keras.callbacks.ModelCheckpoint(
            filepath=path, monitor="val_accuracy", mode="max", save_best_only=True
        )
        hist = model.fit(
            X,
            Y_SPARSE,
            epochs=4,
            batch_size=4,
            shuffle=False,
            validation_data=(X[::-1], Y_SPARSE[::-1]),
            callbacks=[cb, Watch()],
            verbose=0,
        )
        out["val_accuracy"] = [round(v, 4) for v in hist.history["val_accuracy"]]
        out["best"] = value(cb.best)
        loaded = keras.models.load_model(path)
        out["loaded_predict"] = value(loaded.predict(X[:2], verbose=0))
        out["loaded_optimizer"] = type(loaded.optimizer).__name__
        wpath = os.path.join(tmp, "checkpoint.weights.h5")
        cb = keras.callbacks.ModelCheckpoint(
            filepath=wpath,
            save_weights_only=True,
            monitor="val_accuracy",
            mode="max",
            save_best_only=True,
        )
        model.fit(
            X,
            Y_SPARSE,
            epochs=2,
            batch_size=4,
            shuffle=False,
            validation_data=(X, Y_SPARSE),
            callbacks=[cb],
            verbose=0,
        )
        fresh = get_model()
        fresh.load_weights(wpath)
        out["fresh_predict"] = value(fresh.predict(X[:2], verbose=0))
        out["files"] = sorted(os.listdir(tmp))
    return out


@scenario
def callback_reduce_lr_on_plateau(keras):
    """`ReduceLROnPlateau`'s example (factor 0.2, min_lr 0.001), on a loss that stalls."""
    model = _dense10(keras)
    model.compile(keras.optimizers.SGD(0.05), loss="mse")
    reduce_lr = keras.callbacks.ReduceLROnPlateau(
        monitor="loss", factor=0.2, patience=1, min_lr=0.001, min_delta=0.5
    )
    history = model.fit(XS, YS, epochs=6, callbacks=[reduce_lr], verbose=0)
    return [round(float(v), 6) for v in history.history["learning_rate"]]


@scenario
def callback_swap_ema_weights(keras):
    """`SwapEMAWeights`' example: evaluation with the EMA weights, training weights back."""
    model = fixed(keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)]))
    model.compile(
        optimizer=keras.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5),
        loss="mse",
        metrics=["mae"],
    )
    hist = model.fit(
        X,
        Y_BIN,
        batch_size=4,
        epochs=2,
        shuffle=False,
        validation_data=(X, Y_BIN),
        callbacks=[keras.callbacks.SwapEMAWeights()],
        verbose=0,
    )
    # (`swap_on_epoch=True` crashes Keras 3.15 on JAX: "donate the same buffer twice")
    return {"history": rounded(hist.history), "kernel": value(model.get_weights()[0])}


@scenario
def callback_arguments(keras):
    """The callbacks' documented arguments: checkpoint file name templates and save_freq,
    `initial_value_threshold` with verbose messages, EarlyStopping's min_delta /
    restore_best_weights messages, ReduceLROnPlateau's cooldown / min_lr, TerminateOnNaN,
    LambdaCallback's hooks, CSVLogger's separator and append."""

    def fit(callbacks, epochs=6):
        model = fixed(keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)]))
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
        y = np.cos(X[:, :1])
        hist = model.fit(
            X,
            y,
            batch_size=4,
            epochs=epochs,
            shuffle=False,
            verbose=0,
            validation_data=(X[::-1], y[::-1]),
            callbacks=callbacks,
        )
        return rounded(hist.history), model

    def printed(fn):
        with contextlib.redirect_stdout(io.StringIO()) as buf:
            result = fn()
        return result, buf.getvalue()

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        name = os.path.join(tmp, "w.{epoch:02d}-{val_loss:.3f}.weights.h5")
        fit([keras.callbacks.ModelCheckpoint(name, save_weights_only=True)], epochs=3)
        out["checkpoint_names"] = sorted(os.listdir(tmp))
    with tempfile.TemporaryDirectory() as tmp:
        fit(
            [
                keras.callbacks.ModelCheckpoint(
                    os.path.join(tmp, "b{batch}e{epoch}.keras"), save_freq=3
                )
            ],
            epochs=2,
        )
        out["checkpoint_save_freq"] = sorted(os.listdir(tmp))
    with tempfile.TemporaryDirectory() as tmp:
        best = keras.callbacks.ModelCheckpoint(
            os.path.join(tmp, "best.keras"),
            monitor="val_mae",
            save_best_only=True,
            initial_value_threshold=0.5,
            verbose=1,
        )
        _, text = printed(lambda: fit([best], epochs=3))
        out["checkpoint_threshold"] = text.replace(tmp, "<tmp>")
    stop = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=1, verbose=1, min_delta=0.05, restore_best_weights=True
    )
    (history, model), text = printed(lambda: fit([stop], epochs=8))
    out["early_stopping"] = [
        len(history["loss"]),
        stop.stopped_epoch,
        text,
        value(model.get_weights()[0]),
    ]
    reduce = keras.callbacks.ReduceLROnPlateau(
        monitor="val_loss",
        factor=0.5,
        patience=1,
        cooldown=1,
        min_delta=0.05,
        verbose=1,
        min_lr=0.01,
    )
    (history, _), text = printed(lambda: fit([reduce], epochs=8))
    out["reduce_lr"] = [history["learning_rate"], text]

    class NaNAtBatch1(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                logs["loss"] = float("nan")

    (history, model), text = printed(
        lambda: fit([NaNAtBatch1(), keras.callbacks.TerminateOnNaN()], epochs=3)
    )
    out["terminate_on_nan"] = [len(history["loss"]), model.stop_training, text]
    hooks = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda e, logs: print("begin", e, logs),
        on_epoch_end=lambda e, logs: print("end", e, sorted(logs)),
        on_train_begin=lambda logs: print("train_begin", logs),
        on_train_end=lambda logs: print("train_end", sorted(logs or {})),
    )
    out["lambda"] = printed(lambda: fit([hooks], epochs=2))[1]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "log.csv")
        fit([keras.callbacks.CSVLogger(path, separator=";", append=False)], epochs=2)
        fit([keras.callbacks.CSVLogger(path, separator=";", append=True)], epochs=1)
        with open(path) as f:
            rows = [line.split(";") for line in f.read().splitlines()]
    out["csv_append"] = [[r if not r[0].isdigit() else [float(x) for x in r] for r in rows]]
    return out


@scenario
def callback_params_and_optimizer_helpers(keras):
    """`Callback`'s `params` / `model` in each hook family, a `CallbackList` with
    `add_history`; the optimizer's `scale_loss`, `learning_rate` setter and `apply`."""
    O = keras.optimizers
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    seen = []

    class Watch(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen.append(["train_begin", self.params, self.model is model, logs])

        def on_epoch_end(self, epoch, logs=None):
            seen.append(["epoch_end", epoch, sorted(logs)])

        def on_test_begin(self, logs=None):
            seen.append(["test_begin", self.params])

        def on_predict_begin(self, logs=None):
            seen.append(["predict_begin", self.params])

    ones = np.ones((5, 2))
    model.fit(
        ones,
        np.ones((5, 1)),
        batch_size=2,
        epochs=2,
        verbose=0,
        callbacks=[Watch()],
        validation_split=0.2,
    )
    model.evaluate(ones[:3], np.ones((3, 1)), verbose=0, callbacks=[Watch()])
    model.predict(ones[:3], verbose=0, callbacks=[Watch()])
    callbacks = keras.callbacks.CallbackList(
        [Watch()], add_history=True, add_progbar=False, model=model, epochs=3, steps=4, verbose=0
    )
    adam = O.Adam(0.01)
    adam.learning_rate = 0.2
    var = keras.Variable(np.ones(2, "float32"))
    adam.apply([np.ones(2, "float32")], [var])
    return {
        "seen": seen,
        "callback_list": [type(c).__name__ for c in callbacks.callbacks],
        "scale_loss": [
            value(O.Adam(0.01, loss_scale_factor=8.0).scale_loss(2.0)),
            value(O.SGD(0.1).scale_loss(2.0)),
        ],
        "set_learning_rate": value(adam.learning_rate),
        "apply": [value(var), value(adam.iterations)],
    }


# -- initializers, regularizers, constraints, activations ----------------------------------
@scenario
def initializer_examples(keras):
    """The initializers' examples: deterministic values exactly, random ones by shape,
    dtype and spread over a large draw (with a seed), and configs."""
    i = keras.initializers
    out = {
        "constant": value(i.Constant(10.0)(shape=(2, 2))),
        "zeros": value(i.Zeros()(shape=(2, 2))),
        "ones": value(i.Ones()(shape=(2, 2))),
        "identity": value(i.Identity()(shape=(2, 3))),
        "identity_gain": value(i.Identity(gain=2.0)(shape=(3, 2))),
    }
    random = {
        "RandomNormal": i.RandomNormal(mean=0.0, stddev=1.0, seed=1),
        "TruncatedNormal": i.TruncatedNormal(mean=0.0, stddev=1.0, seed=1),
        "RandomUniform": i.RandomUniform(minval=0.0, maxval=1.0, seed=1),
        "VarianceScaling": i.VarianceScaling(
            scale=0.1, mode="fan_in", distribution="uniform", seed=1
        ),
        "GlorotUniform": i.GlorotUniform(seed=1),
        "GlorotNormal": i.GlorotNormal(seed=1),
        "LecunNormal": i.LecunNormal(seed=1),
        "LecunUniform": i.LecunUniform(seed=1),
        "HeNormal": i.HeNormal(seed=1),
        "HeUniform": i.HeUniform(seed=1),
        "Orthogonal": i.Orthogonal(seed=1),
    }
    for name, init in random.items():
        values = np.asarray(init(shape=(200, 100)))
        small = np.asarray(init(shape=(2, 2)))
        out[name] = {
            "dtype": str(small.dtype),
            "shape": list(small.shape),
            "std": round(float(values.std()), 2),
            "mean": round(float(values.mean()), 2),
            "max": round(float(np.abs(values).max()), 1)
            if "Normal" not in name or "Truncated" in name
            else None,
            "config": init.get_config(),
        }
    orth = np.asarray(i.Orthogonal(gain=2.0, seed=3)(shape=(4, 4)))
    out["orthogonal_gram"] = np.round(orth.T @ orth, 4).ravel().tolist()
    out["get"] = [
        type(i.get("Ones")).__name__,
        type(i.get({"class_name": "Ones", "config": {}})).__name__,
    ]
    cfg = i.RandomUniform(-1, 1).get_config()
    out["from_config"] = i.RandomUniform.from_config(cfg).get_config()
    return out


@scenario
def initializer_subclass(keras):
    """`Initializer`'s example: `ExampleRandomNormal` with `get_config`, in a layer."""

    class ExampleRandomNormal(keras.initializers.Initializer):
        __module__ = "__main__"  # (as defined in a script: serialized with module None)

        def __init__(self, mean, stddev):
            self.mean = mean
            self.stddev = stddev

        def __call__(self, shape, dtype=None):
            return keras.random.normal(shape, mean=self.mean, stddev=self.stddev, dtype=dtype)

        def get_config(self):
            return {"mean": self.mean, "stddev": self.stddev}

    init = ExampleRandomNormal(5.0, 0.01)
    layer = keras.layers.Dense(3, kernel_initializer=init)
    layer.build((None, 400))
    kernel = np.asarray(layer.kernel)
    clone = ExampleRandomNormal.from_config(init.get_config())
    return {
        "mean": round(float(kernel.mean()), 2),
        "dtype": str(kernel.dtype),
        "clone": [clone.mean, clone.stddev],
        "layer_config": layer.get_config()["kernel_initializer"],
        "unregistered": raises(lambda: keras.layers.Dense.from_config(layer.get_config())),
    }


@scenario
def regularizer_examples(keras):
    """The regularizers' examples: penalties on `ones` kernels, string names' defaults,
    `OrthogonalRegularizer` on a fixed matrix, configs."""
    r = keras.regularizers
    out = {}
    for name, reg in {
        "l1": r.L1(0.01),
        "l2_fn": lambda w: 0.01 * keras.ops.sum(keras.ops.absolute(w)),
    }.items():
        layer = keras.layers.Dense(
            5, input_dim=5, kernel_initializer="ones", kernel_regularizer=reg
        )
        layer(keras.ops.ones(shape=(5, 5)) * 2.0)
        out[name] = [value(v) for v in layer.losses]
    out["l2_call"] = value(r.L2(2.0)(keras.ops.ones(shape=(5, 5))))
    # (the docstring's `kernel_regularizer='l1_l2'` is refused by Keras 3.15: 'l1l2' works)
    out["l1_l2"] = raises(lambda: keras.layers.Dense(3, kernel_regularizer="l1_l2"))
    for name in ("l1l2", "l1", "l2", "orthogonal_regularizer"):
        dense = keras.layers.Dense(3, kernel_regularizer=name)
        out[name] = dense.get_config()["kernel_regularizer"]
    w = np.array([[1.0, 0.5, 0.0], [0.2, -1.0, 0.3], [0.0, 0.4, 2.0], [1.0, 1.0, 1.0]], "float32")
    w = keras.ops.convert_to_tensor(w)  # (Keras's NumPy path of mode="columns" crashes)
    out["orthogonal_rows"] = value(r.OrthogonalRegularizer(factor=0.01, mode="rows")(w))
    out["orthogonal_columns"] = value(r.OrthogonalRegularizer(factor=0.01, mode="columns")(w))
    out["configs"] = [
        x.get_config()
        for x in (
            r.L1(0.3),
            r.L2(0.1),
            r.L1L2(l1=0.01, l2=0.01),
            r.L1L2(),
            r.OrthogonalRegularizer(),
        )
    ]
    out["get"] = [
        r.serialize(r.get("l1l2")),
        r.serialize(r.get({"class_name": "L2", "config": {"l2": 0.5}})),
    ]

    class L2Regularizer(r.Regularizer):
        def __init__(self, l2=0.0):
            self.l2 = l2

        def __call__(self, x):
            return self.l2 * keras.ops.sum(keras.ops.square(x))

        def get_config(self):
            return {"l2": float(self.l2)}

    layer = keras.layers.Dense(
        5, input_dim=5, kernel_initializer="ones", kernel_regularizer=L2Regularizer(l2=0.5)
    )
    layer(keras.ops.ones(shape=(5, 5)))
    out["custom"] = [value(v) for v in layer.losses]
    return out


@scenario
def constraint_examples(keras):
    """The constraints' examples: a `NonNegative` subclass, the built-in ones on a fixed
    matrix, and `UnitNorm.from_config`."""
    ops = keras.ops
    c = keras.constraints

    class NonNegative(c.Constraint):
        def __call__(self, w):
            return w * ops.cast(ops.greater_equal(w, 0.0), dtype=w.dtype)

    w = np.array([[1.0, -2.0, 0.5], [3.0, 0.1, -0.2]], "float32")
    out = {"nonneg_custom": value(NonNegative()(ops.convert_to_tensor((-1.0, 1.0))))}
    made = {
        "max_norm": c.MaxNorm(max_value=2, axis=0),
        "max_norm_1": c.MaxNorm(1.0, axis=1),
        "min_max": c.MinMaxNorm(min_value=1.0, max_value=2.0, rate=0.5, axis=0),
        "non_neg": c.NonNeg(),
        "unit_norm": c.UnitNorm(axis=0),
        "unit_norm_1": c.UnitNorm(axis=1),
    }
    for name, constraint in made.items():
        out[name] = value(constraint(ops.convert_to_tensor(w)))
        out[name + "_config"] = constraint.get_config()
    out["from_config"] = c.UnitNorm.from_config(c.UnitNorm().get_config()).get_config()
    layer = keras.layers.Dense(4, kernel_constraint=NonNegative())
    out["layer"] = type(layer.kernel_constraint).__name__
    return out


@scenario
def activation_examples(keras):
    """`relu`'s example and its siblings on the docstring's values."""
    a = keras.activations
    x = [-10, -5, 0.0, 5, 10]
    out = {
        "relu": value(a.relu(x)),
        "relu_slope": value(a.relu(x, negative_slope=0.5)),
        "relu_max": value(a.relu(x, max_value=5.0)),
        "relu_threshold": value(a.relu(x, threshold=5.0)),
        "relu_all": value(a.relu(x, negative_slope=0.1, max_value=6.0, threshold=2.0)),
    }
    xs = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0], "float32")
    for name in (
        "elu",
        "selu",
        "gelu",
        "sigmoid",
        "hard_sigmoid",
        "hard_silu",
        "silu",
        "softplus",
        "softsign",
        "tanh",
        "exponential",
        "mish",
        "relu6",
        "leaky_relu",
        "log_softmax",
        "softmax",
        "linear",
        "celu",
        "glu",
        "hard_tanh",
        "hard_shrink",
        "soft_shrink",
        "squareplus",
        "tanh_shrink",
        "sparse_plus",
        "sparsemax",
        "log_sigmoid",
        "threshold",
    ):
        fn = getattr(a, name, None)
        if name == "threshold":
            out[name] = value(fn(xs, 0.5, -1.0))
        elif name == "glu":
            out[name] = value(fn(xs[:6]))
        else:
            out[name] = value(fn(xs)) if fn is not None else None
    out["names"] = [a.serialize(a.get(n)) for n in ("relu", "gelu", "swish", "linear", None)]
    return out


# -- utils ---------------------------------------------------------------------------------
@scenario
def utils_examples(keras):
    """`to_categorical`, `normalize`, `pad_sequences`, `set_random_seed` and
    `smart_resize`, as their docstrings use them (Keras's env here has no PIL for
    `array_to_img`)."""
    u = keras.utils
    out = {}
    a = u.to_categorical([0, 1, 2, 3], num_classes=4)
    out["to_categorical_shape"] = list(np.asarray(a).shape)
    # (numkeras gives float32 where Keras gives NumPy's float64, on purpose)
    out["to_categorical_labels"] = np.asarray(u.to_categorical(np.array([[1], [0], [2]]))).tolist()
    b = (
        np.array(
            [
                0.9,
                0.04,
                0.03,
                0.03,
                0.3,
                0.45,
                0.15,
                0.13,
                0.04,
                0.01,
                0.94,
                0.05,
                0.12,
                0.21,
                0.5,
                0.17,
            ]
        )
        .reshape(4, 4)
        .astype("float32")
    )
    out["cce"] = value(keras.ops.categorical_crossentropy(np.asarray(a, "float32"), b))
    x = np.array([[3.0, 4.0], [1.0, 0.0], [0.0, 0.0]], "float32")
    out["normalize"] = value(u.normalize(x))
    # (a list goes through Keras's tensor path; its NumPy path crashes on axis=0 here)
    out["normalize_axis0"] = value(u.normalize(x.tolist(), axis=0))
    out["normalize_axis0_l1"] = value(u.normalize(x.tolist(), axis=0, order=1))
    sequence = [[1], [2, 3], [4, 5, 6]]
    out["pad"] = [
        value(u.pad_sequences(sequence)),
        value(u.pad_sequences(sequence, value=-1)),
        value(u.pad_sequences(sequence, padding="post")),
        value(u.pad_sequences(sequence, maxlen=2)),
        value(u.pad_sequences(sequence, maxlen=2, truncating="post", dtype="float32")),
    ]
    u.set_random_seed(7)
    import random

    out["seeded"] = [random.random(), float(np.random.rand())]
    out["smart_resize"] = value(
        keras.ops.convert_to_tensor(
            keras.preprocessing.image.smart_resize(
                np.arange(48.0, dtype="float32").reshape(4, 4, 3), (2, 3)
            )
        )[0]
    )
    return out


@scenario
def utils_config(keras):
    """`keras.utils.Config`'s docstring: attribute and item access, `as_dict`,
    `to_json`, `freeze`."""
    config = keras.utils.Config(learning_rate=0.1, momentum=0.9)
    config.use_ema = True
    config.ema_overwrite_frequency = 100
    config["seed"] = 123
    out = {
        "attr": [config.seed, config["learning_rate"], config.use_ema],
        "items": [[k, v] for k, v in config.items()],
        "keys": list(config.keys()),
        "dict": config.as_dict(),
        "json": config.to_json(),
        "len": len(config),
        "missing_attr": raises(lambda: config.nothing),
        "missing_item": raises(lambda: config["nothing"]),
    }
    config.freeze()
    out["frozen"] = config.frozen
    out["frozen_set"] = raises(lambda: setattr(config, "foo", "bar"))
    out["frozen_item"] = raises(lambda: config.__setitem__("foo", "bar"))
    config.unfreeze()
    config.foo = "bar"
    out["unfrozen"] = [config.frozen, config.foo]
    return out


@scenario
def utils_py_dataset(keras):
    """`PyDataset`'s docstring pattern: a batched dataset over arrays, in `fit`."""
    import math

    class CIFAR10PyDataset(keras.utils.PyDataset):
        def __init__(self, x_set, y_set, batch_size, **kwargs):
            super().__init__(**kwargs)
            self.x, self.y = x_set, y_set
            self.batch_size = batch_size

        def __len__(self):
            return math.ceil(len(self.x) / self.batch_size)

        def __getitem__(self, idx):
            low = idx * self.batch_size
            high = min(low + self.batch_size, len(self.x))
            return self.x[low:high], self.y[low:high]

    ds = CIFAR10PyDataset(X, Y_BIN, batch_size=3)
    model = fixed(keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)]))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    hist = model.fit(ds, epochs=2, shuffle=False, verbose=0)
    return {
        "len": len(ds),
        "last": list(ds[2][0].shape),
        "history": rounded(hist.history),
        "attrs": [ds.workers, ds.use_multiprocessing, ds.max_queue_size, ds.num_batches],
        "evaluate": value(model.evaluate(ds, verbose=0)),
        "predict": list(model.predict(ds, verbose=0).shape),
    }


# -- models --------------------------------------------------------------------------------
@scenario
def model_functional_examples(keras):
    """`Model` / `Functional`'s examples: an op on a symbolic tensor, sub-models between
    intermediate tensors, a subclassed model with `training`."""
    ops = keras.ops
    out = {}
    inputs = keras.Input(shape=(10,))
    x = keras.layers.Dense(1)(inputs)
    outputs = ops.nn.relu(x)
    model = fixed(keras.Model(inputs, outputs))
    out["relu_model"] = [
        len(model.layers),
        value(model.predict(np.linspace(-1, 1, 20).reshape(2, 10), verbose=0)),
    ]

    inputs = keras.Input(shape=(None, None, 3))
    processed = keras.layers.RandomCrop(width=4, height=4)(inputs)
    conv = keras.layers.Conv2D(filters=2, kernel_size=3)(processed)
    pooling = keras.layers.GlobalAveragePooling2D()(conv)
    feature = keras.layers.Dense(10)(pooling)
    full_model = fixed(keras.Model(inputs, feature), 0.1)
    backbone = keras.Model(processed, conv)
    activations = keras.Model(conv, feature)
    img = np.cos(np.arange(2 * 4 * 4 * 3)).reshape(2, 4, 4, 3).astype("float32")
    out["full"] = value(full_model.predict(img, verbose=0))
    out["backbone"] = [str(backbone.output.shape), len(backbone.layers), len(backbone.weights)]
    out["activations"] = [
        str(activations.input.shape),
        str(activations.output.shape),
        len(activations.weights),
    ]
    out["chained"] = value(activations.predict(backbone.predict(img, verbose=0), verbose=0))

    inputs = keras.Input(shape=(37,))
    x = keras.layers.Dense(32, activation="relu")(inputs)
    outputs = keras.layers.Dense(5, activation="softmax")(x)
    model = fixed(keras.Model(inputs=inputs, outputs=outputs), 0.05)
    out["classic"] = [model.count_params(), value(model.predict(np.ones((1, 37)), verbose=0))]

    class MyModel(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense1 = keras.layers.Dense(32, activation="relu")
            self.dense2 = keras.layers.Dense(5, activation="softmax")
            self.dropout = keras.layers.Dropout(0.5)

        def call(self, inputs, training=False):
            x = self.dense1(inputs)
            x = self.dropout(x, training=training)
            return self.dense2(x)

    model = MyModel()
    y = model(np.ones((2, 37), "float32"))
    fixed(model, 0.05)
    out["subclassed"] = [
        list(y.shape),
        len(model.weights),
        [w.path for w in model.weights],
        value(model(np.ones((1, 37), "float32"))),
    ]
    model = keras.Sequential(
        [keras.Input(shape=(None, None, 3)), keras.layers.Conv2D(filters=32, kernel_size=3)]
    )
    out["conv_any_size"] = list(model(np.zeros((1, 9, 7, 3), "float32")).shape)
    return out


@scenario
def model_sequential_examples(keras):
    """`Sequential`'s docstring: weights created continuously with an `Input`, on `build`
    or at the first `fit` without one."""
    out = {}
    model = keras.Sequential()
    model.add(keras.Input(shape=(16,)))
    model.add(keras.layers.Dense(8))
    out["with_input"] = len(model.weights)
    model = keras.Sequential()
    model.add(keras.layers.Dense(8))
    model.add(keras.layers.Dense(4))
    out["deferred"] = [len(model.weights), model.built]
    model.build((None, 16))
    out["built"] = [
        len(model.weights),
        model.built,
        str(model.output_shape if hasattr(model, "output_shape") else None),
    ]
    model = keras.Sequential()
    model.add(keras.layers.Dense(8))
    model.add(keras.layers.Dense(1))
    model.compile(optimizer="sgd", loss="mse")
    x = np.linspace(0, 1, 40).reshape(10, 4)
    model.fit(x, x[:, :1], batch_size=32, epochs=1, verbose=0)
    out["after_fit"] = [len(model.weights), [list(w.shape) for w in model.weights]]
    return out


@scenario
def model_clone_examples(keras):
    """`clone_model`'s examples: fresh weights, a `clone_function` reseeding layers, a
    `call_function` adding Dropout after each Dense (sharing the layers)."""
    model = keras.Sequential(
        [
            keras.layers.Input(shape=(7,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dropout(0.2, seed=3),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    fixed(model, 0.1)
    new_model = keras.models.clone_model(model)
    out = {
        "fresh": [
            type(new_model).__name__,
            len(new_model.layers),
            new_model.count_params(),
            bool(np.allclose(new_model.get_weights()[0], model.get_weights()[0])),
        ],
    }

    def clone_function(layer):
        config = layer.get_config()
        if "seed" in config:
            config["seed"] = 1337
        return layer.__class__.from_config(config)

    reseeded = keras.models.clone_model(model, clone_function=clone_function)
    out["reseeded"] = [layer.get_config().get("seed") for layer in reseeded.layers]

    inputs = keras.Input((7,))
    hidden = keras.layers.Dense(4)(inputs)
    functional = fixed(keras.Model(inputs, keras.layers.Dense(1)(hidden)), 0.1)

    def call_function(layer, *args, **kwargs):
        out = layer(*args, **kwargs)
        if isinstance(layer, keras.layers.Dense):
            out = keras.layers.Dropout(0.5)(out)
        return out

    new_model = keras.models.clone_model(
        functional, clone_function=lambda x: x, call_function=call_function
    )
    out["call_function"] = [
        [type(layer).__name__ for layer in new_model.layers],
        new_model.layers[1] is functional.layers[1],
        value(new_model.predict(np.ones((1, 7)), verbose=0)),
    ]
    same = functional.__class__.from_config(functional.get_config())
    out["from_config"] = [type(same).__name__, len(same.layers)]
    return out


@scenario
def model_save_examples(keras):
    """`Model.save` / `saving.load_model` / `model_from_json` / `to_json`, and
    `get_state_tree`, as their docstrings run them."""
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        model = keras.Sequential([keras.layers.Dense(5, input_shape=(3,)), keras.layers.Softmax()])
        fixed(model)
        path = os.path.join(tmp, "model.keras")
        model.save(path)
        loaded_model = keras.saving.load_model(path)
        x = np.linspace(0, 1, 30).reshape(10, 3).astype("float32")
        out["same"] = bool(
            np.allclose(model.predict(x, verbose=0), loaded_model.predict(x, verbose=0))
        )
        out["loaded"] = [
            type(loaded_model).__name__,
            [type(layer).__name__ for layer in loaded_model.layers],
        ]
        keras.saving.save_model(model, os.path.join(tmp, "again.keras"))
        out["files"] = sorted(os.listdir(tmp))
        wpath = os.path.join(tmp, "model.weights.h5")
        model.save_weights(wpath)
        other = keras.Sequential([keras.layers.Dense(5, input_shape=(3,)), keras.layers.Softmax()])
        other.load_weights(wpath)
        out["weights_same"] = bool(
            np.allclose(model.predict(x, verbose=0), other.predict(x, verbose=0))
        )
    config = model.to_json()
    loaded = keras.models.model_from_json(config)
    out["json"] = [
        type(loaded).__name__,
        [layer.name for layer in loaded.layers],
        loaded.built,
        raises(lambda: loaded.output),
        len(loaded.weights),
    ]
    model = keras.Sequential(
        [
            keras.Input(shape=(1,), name="my_input"),
            keras.layers.Dense(1, activation="sigmoid", name="my_dense"),
        ],
        name="my_sequential",
    )
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    fixed(model)
    model.fit(np.array([[1.0]]), np.array([[1.0]]), verbose=0)
    state_tree = model.get_state_tree()

    def describe(tree):
        if isinstance(tree, dict):
            return {k: describe(v) for k, v in tree.items()}
        return value(tree)

    out["state_tree"] = describe(state_tree)
    return out


# -- saving --------------------------------------------------------------------------------
@scenario
def saving_registration(keras):
    """`register_keras_serializable`, `get_registered_object` / `_name`,
    `custom_object_scope`, `get_custom_objects`, as their docstrings use them."""
    s = keras.saving
    out = {}

    @s.register_keras_serializable("my_package")
    class MyDense(keras.layers.Dense):
        pass

    out["registered"] = [
        s.get_registered_object("my_package>MyDense") is MyDense,
        s.get_registered_name(MyDense),
    ]
    out["unregistered_name"] = s.get_registered_name(keras.layers.Dense)
    out["missing"] = s.get_registered_object("my_package>Nothing")

    def my_regularizer(x):
        return 0.01 * keras.ops.sum(keras.ops.abs(x))

    layer = keras.layers.Dense(3, kernel_regularizer=my_regularizer)
    config = layer.get_config()
    out["config_reg"] = config["kernel_regularizer"]
    with s.custom_object_scope({"my_regularizer": my_regularizer}):
        restored = keras.layers.Dense.from_config(config)
        out["in_scope"] = "my_regularizer" in s.get_custom_objects()
    w = np.array([[1.0, -2.0]], "float32")
    out["restored"] = value(restored.kernel_regularizer(w))
    out["after_scope"] = "my_regularizer" in s.get_custom_objects()
    with s.CustomObjectScope({"my_regularizer": my_regularizer}):
        out["class_scope"] = value(keras.layers.Dense.from_config(config).kernel_regularizer(w))
    out["out_of_scope"] = raises(lambda: keras.layers.Dense.from_config(config))
    s.get_custom_objects()["MyObject"] = MyDense
    out["custom_objects"] = s.get_custom_objects().get("MyObject") is MyDense
    del s.get_custom_objects()["MyObject"]

    config = s.serialize_keras_object(MyDense(2))
    out["serialized"] = {k: config[k] for k in ("class_name", "registered_name")}
    out["round_trip"] = type(s.deserialize_keras_object(config)).__name__
    return out


@scenario
def saving_deserialize_examples(keras):
    """`deserialize_keras_object`'s examples: an Adam dict, a registered loss subclass."""
    s = keras.saving
    dict_structure = {
        "class_name": "Adam",
        "config": {
            "amsgrad": False,
            "beta_1": 0.8999999761581421,
            "beta_2": 0.9990000128746033,
            "epsilon": 1e-07,
            "learning_rate": 0.0010000000474974513,
            "name": "Adam",
        },
        "module": "keras.optimizers",
        "registered_name": None,
    }
    adam = s.deserialize_keras_object(dict_structure)
    config = adam.get_config()
    out = {
        "adam": [
            type(adam).__name__,
            {k: config[k] for k in ("name", "beta_1", "beta_2", "epsilon", "amsgrad")},
        ]
    }

    @s.register_keras_serializable(package="my_package")
    class ModifiedMeanSquaredError(keras.losses.MeanSquaredError):
        pass

    dict_structure = {
        "class_name": "ModifiedMeanSquaredError",
        "config": {"name": "mean_squared_error", "reduction": "sum"},
        "registered_name": "my_package>ModifiedMeanSquaredError",
    }
    loss = s.deserialize_keras_object(dict_structure)
    out["loss"] = [
        type(loss).__name__,
        loss.reduction,
        value(loss(np.ones((2, 2)), np.zeros((2, 2)))),
    ]
    out["unknown"] = raises(
        lambda: s.deserialize_keras_object({"class_name": "Nope", "config": {}})
    )
    out["serialize_adam"] = {
        k: v for k, v in s.serialize_keras_object(keras.optimizers.Adam()).items() if k != "config"
    }
    out["serialize_fn"] = s.serialize_keras_object(keras.losses.mean_squared_error)
    out["serialize_str"] = s.serialize_keras_object("relu")
    return out


@scenario
def saving_custom_classes(keras):
    """What `get_config` / `serialize` write for a user's initializer, regularizer,
    constraint, loss, metric, schedule and optimizer defined in a script (`module`
    None), registered or not, and a `.keras` round trip of the registered ones (Keras's
    docstrings: "To support serialization", `register_keras_serializable`)."""
    ops = keras.ops
    out = {}
    for registered in (False, True):

        class Init(keras.initializers.Initializer):
            __module__ = "__main__"

            def __init__(self, v=2.0):
                self.v = v

            def __call__(self, shape, dtype=None):
                return ops.ones(shape) * self.v

            def get_config(self):
                return {"v": self.v}

        class Reg(keras.regularizers.Regularizer):
            __module__ = "__main__"

            def __init__(self, f=0.5):
                self.f = f

            def __call__(self, x):
                return self.f * ops.sum(ops.abs(x))

            def get_config(self):
                return {"f": self.f}

        class Con(keras.constraints.Constraint):
            __module__ = "__main__"

            def __call__(self, w):
                return ops.clip(w, -1.0, 1.0)

        class Loss(keras.losses.Loss):
            __module__ = "__main__"

            def call(self, y_true, y_pred):
                return ops.mean(ops.abs(y_true - y_pred), axis=-1)

        class Metric(keras.metrics.MeanAbsoluteError):
            __module__ = "__main__"

        class Sched(keras.optimizers.schedules.LearningRateSchedule):
            __module__ = "__main__"

            def __init__(self, lr=0.1):
                self.lr = lr

            def __call__(self, step):
                return self.lr / (1.0 + ops.cast(step, "float32"))

            def get_config(self):
                return {"lr": self.lr}

        class Opt(keras.optimizers.SGD):
            __module__ = "__main__"

        classes = {
            "Init": Init,
            "Reg": Reg,
            "Con": Con,
            "Loss": Loss,
            "Metric": Metric,
            "Sched": Sched,
            "Opt": Opt,
        }
        if registered:
            register = keras.saving.register_keras_serializable("pkg")
            classes = {k: register(v) for k, v in classes.items()}
        made = {k: v() for k, v in classes.items()}
        key = "registered" if registered else "unregistered"
        out[key] = {
            k: {
                f: keras.saving.serialize_keras_object(v)[f]
                for f in ("module", "class_name", "registered_name")
            }
            for k, v in made.items()
        }
        out[key + "_schedule"] = keras.optimizers.schedules.serialize(made["Sched"])[
            "registered_name"
        ]
        out[key + "_initializer"] = keras.initializers.serialize(made["Init"])["registered_name"]
        out[key + "_regularizer"] = keras.regularizers.serialize(made["Reg"])["registered_name"]
        dense = keras.layers.Dense(
            2,
            kernel_initializer=made["Init"],
            kernel_regularizer=made["Reg"],
            kernel_constraint=made["Con"],
        )
        config = dense.get_config()
        out[key + "_dense"] = {
            k: config[k]["registered_name"]
            for k in ("kernel_initializer", "kernel_regularizer", "kernel_constraint")
        }
    model = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(
                2,
                kernel_initializer=classes["Init"](3.0),
                kernel_regularizer=classes["Reg"](0.25),
                kernel_constraint=classes["Con"](),
            ),
        ]
    )
    model.compile(
        optimizer=classes["Opt"](classes["Sched"](0.3)),
        loss=classes["Loss"](),
        metrics=[classes["Metric"]()],
    )
    model.fit(np.ones((4, 2)), np.zeros((4, 2)), verbose=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "custom.keras")
        model.save(path)
        loaded = keras.saving.load_model(path)
    layer = loaded.layers[0]
    out["loaded"] = [
        type(layer.kernel_initializer).__name__,
        layer.kernel_initializer.get_config(),
        type(layer.kernel_regularizer).__name__,
        layer.kernel_regularizer.get_config(),
        type(layer.kernel_constraint).__name__,
        type(loaded.optimizer).__name__,
        loaded.optimizer.get_config()["learning_rate"],
        value(loaded.get_weights()[0]),
        value(loaded.evaluate(np.ones((4, 2)), np.zeros((4, 2)), verbose=0)),
    ]
    return out


@scenario
def saving_custom_objects_load(keras):
    """`load_model(custom_objects=...)` and `custom_object_scope` for a user's
    unregistered initializer, regularizer, constraint, schedule and activation, and the
    built-in error types without them."""
    ops = keras.ops

    class Init(keras.initializers.Initializer):
        def __init__(self, v=2.0):
            self.v = v

        def __call__(self, shape, dtype=None):
            return ops.ones(shape) * self.v

        def get_config(self):
            return {"v": self.v}

    class Reg(keras.regularizers.Regularizer):
        def __init__(self, f=0.5):
            self.f = f

        def __call__(self, x):
            return self.f * ops.sum(x)

        def get_config(self):
            return {"f": self.f}

    class Con(keras.constraints.Constraint):
        def __call__(self, w):
            return ops.clip(w, -1.0, 1.0)

    class Sched(keras.optimizers.schedules.LearningRateSchedule):
        def __init__(self, lr=0.1):
            self.lr = lr

        def __call__(self, step):
            return self.lr / (1.0 + ops.cast(step, "float32"))

        def get_config(self):
            return {"lr": self.lr}

    def act(x):
        return ops.relu(x) * 2

    dense = keras.layers.Dense(
        2,
        kernel_initializer=Init(3.0),
        kernel_regularizer=Reg(0.25),
        kernel_constraint=Con(),
        activation=act,
    )
    model = keras.Sequential([keras.Input((2,)), dense])
    model.compile(optimizer=keras.optimizers.SGD(Sched(0.3)), loss="mse")
    model.fit(np.ones((4, 2)), -np.ones((4, 2)), verbose=0)
    objects = {"Init": Init, "Reg": Reg, "Con": Con, "Sched": Sched, "act": act}

    def describe(loaded):
        layer = loaded.layers[0]
        return [
            type(layer.kernel_initializer).__name__,
            layer.kernel_regularizer.get_config(),
            type(layer.kernel_constraint).__name__,
            value(loaded.get_weights()[0]),
            value(loaded.predict(np.array([[1.0, -0.5]]), verbose=0)),
            value(loaded.losses),
            type(loaded.optimizer.learning_rate).__name__ != "float",
        ]

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "custom.keras")
        model.save(path)
        out["custom_objects"] = describe(keras.saving.load_model(path, custom_objects=objects))
        with keras.saving.custom_object_scope(objects):
            out["scope"] = describe(keras.saving.load_model(path))
        out["missing"] = raises(lambda: keras.saving.load_model(path))
    return out


# -- random --------------------------------------------------------------------------------
@scenario
def random_seed_generator(keras):
    """`SeedGenerator`'s examples: successive draws differ, the same seed repeats them, a
    custom Dropout layer drawing from its own generator."""
    r = keras.random
    seed_gen = r.SeedGenerator(seed=42)
    values = np.asarray(r.normal(shape=(2, 3), seed=seed_gen))
    new_values = np.asarray(r.normal(shape=(2, 3), seed=seed_gen))
    again = np.asarray(r.normal(shape=(2, 3), seed=r.SeedGenerator(seed=42)))
    out = {
        "shapes": [list(values.shape), str(values.dtype)],
        "differ": bool(not np.allclose(values, new_values)),
        "repeat": bool(np.allclose(values, again)),
        "int_seed_repeats": bool(
            np.allclose(np.asarray(r.uniform((3,), seed=5)), np.asarray(r.uniform((3,), seed=5)))
        ),
        "state": [list(np.asarray(seed_gen.state).shape), str(np.asarray(seed_gen.state).dtype)],
        "config": seed_gen.get_config(),
    }

    class Dropout(keras.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seed_generator = keras.random.SeedGenerator(1337)

        def call(self, x, training=False):
            if training:
                return keras.random.dropout(x, rate=0.5, seed=self.seed_generator)
            return x

    out["randint_dtypes"] = [
        str(np.asarray(r.randint((3,), 0, 5, dtype="uint8", seed=1)).dtype),
        raises(lambda: r.randint((3,), 0, 5, dtype="float32", seed=1)),
        raises(lambda: r.uniform((3,), dtype="int32", seed=1)),
    ]
    layer = Dropout()
    x = np.ones((4, 50), "float32")
    dropped = np.asarray(layer(x, training=True))
    out["dropout"] = [
        sorted(set(np.round(dropped.ravel(), 4).tolist())),
        bool(np.allclose(layer(x), x)),
        len(layer.weights),
        len(layer.non_trainable_weights),
        [w.path for w in layer.weights],
    ]
    return out


@scenario
def losses_get(keras):
    """`losses.get`: a function name or alias gives the function (per-sample values), a
    class name an instance, a config dict what it names."""
    y_true, y_pred = [[0.0, 1.0], [1.0, 1.0]], [[0.5, 0.5], [1.0, 0.0]]
    out = {}
    for ident in ("mse", "mean_absolute_error", "bce", "MeanSquaredError", "Huber"):
        obj = keras.losses.get(ident)
        value = np.asarray(obj(y_true, y_pred), dtype="float64")
        out[ident] = {
            "is_class_instance": isinstance(obj, keras.losses.Loss),
            "shape": list(value.shape),
            "value": np.round(value, 5).ravel().tolist(),
        }
    huber = keras.losses.get(keras.losses.serialize(keras.losses.Huber(delta=2.0)))
    out["config_dict"] = type(huber).__name__
    out["class_object"] = type(keras.losses.get(keras.losses.Poisson)).__name__
    return out


def main():
    SCENARIOS.write(OUT, sys.argv[1:] or None)


if __name__ == "__main__":
    main()
