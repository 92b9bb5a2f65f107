"""Keras 2 pieces numkeras lacked (`K.rnn`, `K.normalize_batch_in_training`,
`callbacks.BaseLogger`, float32 `K.get_value` of legacy optimizer hyperparameters),
against the tf_keras 2.21 goldens of scripts/goldens/make_keras2_backend_more.py."""

import warnings

import numpy as np
import pytest

import numkeras
from numkeras import backend as K

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("keras2_backend_more")
SCRIPT = scenario_script("make_keras2_backend_more")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_matches_keras2(name):
    numkeras.utils.clear_session()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = SCRIPT.SCENARIOS[name](numkeras)
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=1e-5, where=name)


def test_base_logger_in_fit_keeps_the_epoch_averages():
    # tf_keras's BaseLogger raises KeyError('metrics') when passed to fit (TF2 fit's
    # params have no "metrics" and its batch logs no "size"); numkeras's epoch logs are
    # already the epoch averages, which it leaves as they are
    x = np.linspace(-1, 1, 16, dtype="float32").reshape(8, 2)
    y = x.sum(axis=1, keepdims=True)
    histories = []
    for callbacks in ([], [numkeras.callbacks.BaseLogger()]):
        numkeras.utils.set_random_seed(0)
        model = numkeras.Sequential([numkeras.Input((2,)), numkeras.layers.Dense(1)])
        model.compile("sgd", "mse", metrics=["mae"])
        histories.append(model.fit(x, y, batch_size=3, epochs=2, verbose=0,
                                   callbacks=callbacks).history)  # fmt: skip
    assert histories[0] == histories[1]


def test_rnn_on_unknown_length_in_a_functional_model_trains():
    # the traced-scan path (time axis None) gives the unrolled path's values
    step_w = np.array([[0.5, -0.25]], "float32")

    def step(x, states):
        h = K.tanh(K.dot(x, step_w) + states[0])
        return h, [h]

    x = np.random.default_rng(0).normal(size=(2, 5, 1)).astype("float32")
    mask = np.array([[1, 1, 0, 1, 0], [0, 1, 1, 1, 1]], bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = K.rnn(step, x, [np.zeros((2, 2), "float32")], mask=mask, go_backwards=True)
        inp = numkeras.Input((None, 1))
        m_in = numkeras.Input((None,), dtype="bool")
        h0 = numkeras.ops.zeros_like(inp[:, 0, :1]) * np.zeros((1, 2), "float32")
        last, outputs, states = K.rnn(step, inp, [h0], mask=m_in, go_backwards=True)
        model = numkeras.Model([inp, m_in], [last, outputs, states[0]])
        got = model.predict([x, mask], verbose=0)
    for g, w in zip(got, [want[0], want[1], want[2][0]]):
        np.testing.assert_allclose(g, w, rtol=1e-6)
