"""Keras 3's Metric variable API: add_variable / add_weight, variables, reset_state, and
the variables' assign / arithmetic; custom metrics in compile, fit and evaluate."""

import numpy as np
import pytest

import numkeras
from numkeras import layers, metrics
from numkeras.errors import ConfigError, ShapeError


class Count(metrics.Metric):
    """The documented Keras 3 custom metric, with NumPy in place of keras.ops."""

    def __init__(self, name="count", **kwargs):
        super().__init__(name=name, **kwargs)
        self.n = self.add_variable(shape=(), initializer="zeros", name="n")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.n.assign(self.n + np.sum(np.asarray(y_pred) > 0.5))

    def result(self):
        return self.n


def test_custom_metric_accumulates_and_resets():
    m = Count()
    m.update_state(None, [0.9, 0.2, 0.7])
    m.update_state(None, [0.6])
    assert float(m.result()) == 3.0
    assert m.variables == [m.n] and m.weights == [m.n]
    v = m.variables[0]
    assert (v.name, v.path, v.shape, v.dtype, v.trainable) == ("n", "count/n", (), "float32", False)
    assert v.aggregation == "sum"
    m.reset_state()
    assert float(m.result()) == 0.0 and m.variables[0] is v  # the same variable, zeroed


def test_variable_assign_arithmetic_and_numpy():
    m = metrics.Metric(name="m")
    v = m.add_variable(shape=(2,), initializer="ones", name="v")
    v.assign_add([1.0, 2.0])
    v.assign_sub(np.array([0.5, 0.5]))
    np.testing.assert_array_equal(v.numpy(), [1.5, 2.5])
    np.testing.assert_array_equal(v.value, [1.5, 2.5])
    np.testing.assert_array_equal(v * 2, [3.0, 5.0])
    np.testing.assert_array_equal(10 - v, [8.5, 7.5])
    np.testing.assert_array_equal(np.array([1.0, 1.0]) + v, [2.5, 3.5])
    np.testing.assert_array_equal(v / v, [1.0, 1.0])
    np.testing.assert_array_equal(-v, [-1.5, -2.5])
    np.testing.assert_array_equal(v > 2, [False, True])
    assert v[1] == 2.5
    v += 1  # in place: still the metric's variable
    assert m.variables[0] is v and v.numpy().tolist() == [2.5, 3.5]
    assert v.numpy() is not v.value  # numpy() is a copy
    with pytest.raises(ShapeError, match="shape"):
        v.assign(np.zeros(3))


def test_add_variable_arguments_as_keras():
    m = metrics.Metric(name="m", dtype="float64")
    # dtype defaults to floatx, not the metric's dtype (as Keras)
    assert m.add_variable((), "zeros").dtype == "float32"
    assert m.add_variable((), "zeros").name == "variable"
    k = m.add_variable((), initializer="zeros", dtype="int32", aggregation="mean", name="k")
    assert k.dtype == "int32" and k.aggregation == "mean"
    k.assign_add(2.7)  # cast to the variable's dtype first, as Keras
    assert int(k) == 2
    c = m.add_weight(shape=(2,), initializer=numkeras.initializers.Constant(3.0), name="c")
    assert c.numpy().tolist() == [3.0, 3.0] and m.variables[-1] is c
    with pytest.raises(ConfigError, match="initializer"):
        m.add_weight(shape=())  # Keras fails too: add_weight has no default initializer
    with pytest.raises(ConfigError, match="aggregation"):
        m.add_variable((), "zeros", aggregation="max")


def test_add_variable_before_super_init_says_so():
    class Broken(metrics.Metric):
        def __init__(self):
            self.n = self.add_variable((), "zeros")

    with pytest.raises(RuntimeError, match="super"):
        Broken()


def test_reset_state_zeros_every_variable_like_keras():
    m = metrics.Metric(name="m")
    v = m.add_variable((2,), "ones")  # Keras resets to zeros, not to the initializer
    m.reset_state()
    assert v.numpy().tolist() == [0.0, 0.0]


def test_variables_of_metrics_held_as_attributes_follow_the_own():
    class Pair(metrics.Metric):
        def __init__(self):
            super().__init__(name="pair")
            self.n = self.add_variable((), "zeros", name="n")
            self.inner = metrics.Mean(name="inner")
            self.more = [metrics.Sum(name="s")]

    m = Pair()
    assert [v.path for v in m.variables] == ["pair/n", "inner/total", "inner/count", "s/total"]
    m.inner.update_state([2.0])
    m.reset_state()  # resets the held metrics too, as Keras
    assert m.inner.result() == 0.0


# (class, kwargs, [(variable name, shape)]) as Keras 3.15's `variables` lists them
BUILTIN_VARIABLES = [
    (metrics.Mean, {}, [("total", ()), ("count", ())]),
    (metrics.Sum, {}, [("total", ())]),
    (metrics.MeanSquaredError, {}, [("total", ()), ("count", ())]),
    (metrics.RootMeanSquaredError, {}, [("total", ()), ("count", ())]),
    (metrics.SparseCategoricalAccuracy, {}, [("total", ()), ("count", ())]),
    (metrics.BinaryCrossentropy, {}, [("total", ()), ("count", ())]),
    (metrics.Precision, {}, [("true_positives", (1,)), ("false_positives", (1,))]),
    (
        metrics.Recall,
        {"thresholds": [0.3, 0.6]},
        [("true_positives", (2,)), ("false_negatives", (2,))],
    ),
    (metrics.TruePositives, {}, [("accumulator", (1,))]),
    (metrics.FalseNegatives, {}, [("accumulator", (1,))]),
    (
        metrics.AUC,
        {"num_thresholds": 5},
        [
            ("true_positives", (5,)),
            ("false_positives", (5,)),
            ("true_negatives", (5,)),
            ("false_negatives", (5,)),
        ],
    ),
    (metrics.AUC, {"num_thresholds": 5, "multi_label": True}, []),  # built on the first batch
]


@pytest.mark.parametrize("cls,kwargs,expected", BUILTIN_VARIABLES)
def test_builtin_metrics_expose_keras_variables(cls, kwargs, expected):
    m = cls(**kwargs)
    assert [(v.name, v.shape) for v in m.variables] == expected
    assert all(v.path == f"{m.name}/{v.name}" and not v.trainable for v in m.variables)


def test_builtin_state_is_in_the_variables():
    m = metrics.Mean()
    m.update_state([1.0, 3.0], sample_weight=[1.0, 0.5])
    assert float(m.total) == 2.5 and float(m.count) == 1.5 and m.result() == 2.5 / 1.5
    m.reset_state()
    assert float(m.total) == 0.0 and m.result() == 0.0

    p = metrics.Precision()
    p.update_state([0, 1, 1], [0.9, 0.8, 0.1])
    assert [float(v[0]) for v in p.variables] == [1.0, 1.0]
    p.reset_state()
    assert [float(v[0]) for v in p.variables] == [0.0, 0.0] and p.result() == 0.0

    auc = metrics.AUC(num_thresholds=3, multi_label=True)
    auc.update_state([[0, 1], [1, 1]], [[0.2, 0.9], [0.7, 0.4]])
    assert [v.shape for v in auc.variables] == [(3, 2)] * 4
    assert auc.variables[0].numpy().sum() > 0
    auc.reset_state()
    assert all(not v.numpy().any() for v in auc.variables)


def test_custom_metric_in_compile_fit_and_evaluate():
    x = np.random.default_rng(0).normal(size=(40, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = numkeras.Sequential([layers.Input((3,)), layers.Dense(1, activation="sigmoid")])
    count = Count()
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=[count])
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    # reset every epoch: each epoch counts its own positive predictions, at most 40
    assert all(0 <= n <= 40 for n in history.history["count"])
    logs = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    assert logs["count"] == float((model.predict(x, verbose=0) > 0.5).sum())
