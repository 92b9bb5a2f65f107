"""Adadelta, Ftrl, Lion, Lamb and Adafactor beyond the per-step goldens: other shapes,
`fit` and resuming from Keras's optimizer state, saving, configs, float32 discipline."""

import json
import pathlib

import numpy as np
import pytest

import numkeras
from numkeras import optimizers
from numkeras.errors import ConfigError
from numkeras.variables import Variable

GOLDEN = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "optimizers.json").read_text())
NEW = ["Adadelta", "Ftrl", "Lion", "Lamb", "Adafactor"]


def shaped(flat_list, shapes):
    return [np.asarray(a, np.float32).reshape(s) for a, s in zip(flat_list, shapes)]


@pytest.mark.parametrize("flat", [False, True], ids=["per_variable", "flat"])
@pytest.mark.parametrize("case", sorted(GOLDEN["shape_cases"]["cases"]))
def test_rank3_and_scalar_variables_match_keras(case, flat):
    sc = GOLDEN["shape_cases"]
    spec = sc["cases"][case]
    shapes = [tuple(s) for s in sc["shapes"]]
    init = shaped(sc["initial"], shapes)
    if flat:
        buf = np.concatenate([a.reshape(-1) for a in init])
        init = [buf[:24].reshape(shapes[0]), buf[24:].reshape(shapes[1])]
    variables = [Variable(a, name=n) for a, n in zip(init, ("kernel", "bias"))]
    opt = getattr(optimizers, spec["class"])(**spec["kwargs"])
    for step, gs in enumerate(sc["grads"], start=1):
        opt.apply(shaped(gs, shapes), variables)
        if str(step) in spec["after"]:
            for v, want in zip(variables, shaped(spec["after"][str(step)], shapes)):
                np.testing.assert_allclose(v.numpy(), want, rtol=1e-5, atol=1e-7)
    prefix = opt.name + "/"
    assert [v.path.removeprefix(prefix) for v in opt.variables] == spec["variable_paths"]


def fit_model(spec):
    shapes = [tuple(s) for s in spec["shapes"]]
    model = numkeras.Sequential(
        [
            numkeras.Input((4,)),
            numkeras.layers.Dense(5, activation="tanh"),
            numkeras.layers.Dense(2),
        ]
    )
    model.set_weights(shaped(spec["weights0"], shapes))
    x = np.asarray(spec["x"], np.float32).reshape(-1, 4)
    y = np.asarray(spec["y"], np.float32).reshape(-1, 2)
    opt = getattr(optimizers, spec["class"])(**spec["kwargs"])
    model.compile(optimizer=opt, loss="mse")
    return model, opt, x, y, shapes


def keras_state(spec):
    return [
        np.asarray(v["value"], v["dtype"]).reshape(v["shape"]) for v in spec["optimizer_variables"]
    ]


@pytest.mark.parametrize("spec", GOLDEN["fit"], ids=lambda s: s["class"])
def test_fit_matches_keras_weights_and_optimizer_state(spec):
    model, opt, x, y, shapes = fit_model(spec)
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for got, want in zip(model.get_weights(), shaped(spec["weights"], shapes)):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-6)
    # `optimizer.variables` (what a `.keras` file stores, by index) as Keras has them
    state = keras_state(spec)
    got = opt.get_weights()
    assert len(got) == len(state)
    for g, w in zip(got, state):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("spec", GOLDEN["fit"], ids=lambda s: s["class"])
def test_resuming_from_keras_optimizer_state(spec):
    """Keras's saved optimizer state (`load_own_variables` by index) resumes as in Keras."""
    model, opt, x, y, shapes = fit_model(spec)
    model.set_weights(shaped(spec["weights"], shapes))
    opt.build(model.trainable_variables)
    opt.load_own_variables({str(i): a for i, a in enumerate(keras_state(spec))})
    assert opt.iterations == 6
    model.train_on_batch(x[:8], y[:8])
    for got, want in zip(model.get_weights(), shaped(spec["weights_after_one_more_batch"], shapes)):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("spec", GOLDEN["fit"], ids=lambda s: s["class"])
def test_keras_file_round_trip_resumes_exactly(spec, tmp_path):
    model, opt, x, y, _ = fit_model(spec)
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = numkeras.models.load_model(path)
    assert type(loaded.optimizer) is type(opt)
    assert loaded.optimizer.get_config() == opt.get_config()
    for a, b in zip(loaded.optimizer.get_weights(), opt.get_weights()):
        np.testing.assert_array_equal(a, b)
    model.train_on_batch(x[:8], y[:8])
    loaded.train_on_batch(x[:8], y[:8])
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "opt",
    [
        optimizers.Adadelta(learning_rate=0.5, rho=0.8, epsilon=1e-5, clipnorm=1.0),
        optimizers.Ftrl(
            learning_rate_power=-0.3,
            initial_accumulator_value=0.2,
            l1_regularization_strength=0.1,
            l2_regularization_strength=0.2,
            l2_shrinkage_regularization_strength=0.3,
            beta=0.4,
        ),
        optimizers.Lion(beta_1=0.8, beta_2=0.95, weight_decay=0.1),
        optimizers.Lamb(beta_1=0.8, epsilon=1e-5, global_clipnorm=1.0),
        optimizers.Adafactor(beta_2_decay=-0.5, epsilon_2=1e-2, relative_step=False),
    ],
    ids=lambda o: type(o).__name__,
)
def test_get_config_round_trip(opt):
    cfg = opt.get_config()
    assert type(opt).from_config(cfg).get_config() == cfg
    ser = optimizers.serialize(opt)
    assert optimizers.deserialize(ser).get_config() == cfg
    assert optimizers.get(type(opt).__name__.lower()).name.startswith(type(opt).__name__.lower())


def test_argument_checks_follow_keras():
    with pytest.raises(ConfigError, match="beta_1"):
        optimizers.Lion(beta_1=0.0)
    with pytest.raises(ConfigError, match="beta_1"):
        optimizers.Lion(beta_1=1.5)
    optimizers.Lion(beta_1=1.0)
    with pytest.raises(ConfigError, match="learning_rate_power"):
        optimizers.Ftrl(learning_rate_power=0.5)
    for arg in (
        "initial_accumulator_value",
        "l1_regularization_strength",
        "l2_regularization_strength",
        "l2_shrinkage_regularization_strength",
    ):
        with pytest.raises(ConfigError, match=arg):
            optimizers.Ftrl(**{arg: -0.1})
    with pytest.raises(ConfigError, match="Did you mean `rho`"):
        optimizers.Adadelta(rhoo=0.9)


@pytest.mark.parametrize("cls_name", NEW)
def test_float32_only_with_float64_gradients_and_a_strided_variable(cls_name):
    opt = getattr(optimizers, cls_name)(learning_rate=0.01, weight_decay=0.1, clipnorm=1.0)
    rng = np.random.default_rng(0)
    base = rng.standard_normal((6, 8)).astype(np.float32)
    variables = [
        Variable(rng.standard_normal((3, 4)).astype(np.float32), name="k"),
        Variable(base[:, ::2], name="strided"),
        Variable(np.float32(0.5), name="s"),
    ]
    variables[1]._rebind(base[:, ::2])  # a non-contiguous view (Variable copies its value)
    for _ in range(3):
        grads = [rng.standard_normal(v.shape) for v in variables]  # float64
        opt.apply(grads, variables)
    assert all(v.value.dtype == np.float32 for v in variables)
    assert variables[1].value.base is not None and np.shares_memory(variables[1].value, base)
    assert all(v.dtype in (np.float32, np.int32) for v in opt.variables)
    assert all(np.isfinite(v.numpy()).all() for v in variables)


def lamb_reference(w, grads, lr, b1=0.9, b2=0.999, eps=1e-7):
    """Lamb in plain float32 NumPy on one whole variable."""
    f = np.float32
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        m = m + (g - m) * f(1 - b1)
        v = v + (g * g - v) * f(1 - b2)
        update = (m / (f(1) - f(b1) ** f(t))) / (np.sqrt(v / (f(1) - f(b2) ** f(t))) + f(eps))
        ratio = np.sqrt(np.sum(w * w)) / np.sqrt(np.sum(update * update))
        w = w - ratio * f(lr) * update
    return w


def test_whole_variable_updates_are_not_chunked():
    """A variable larger than the optimizer's chunk still gets one norm over all of it."""
    n = optimizers.Optimizer._CHUNK * 2 + 123
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal(n).astype(np.float32)
    grads = [rng.standard_normal(n).astype(np.float32) for _ in range(3)]
    w = Variable(w0.copy(), name="w")
    opt = optimizers.Lamb(learning_rate=0.01)
    for g in grads:
        opt.apply([g], [w])
    np.testing.assert_allclose(w.numpy(), lamb_reference(w0, grads, 0.01), rtol=1e-5, atol=1e-6)


def test_lamb_ratio_is_one_for_a_zero_variable():
    w = Variable(np.zeros(3, np.float32), name="w")
    optimizers.Lamb(learning_rate=0.1).apply([np.array([1.0, -2.0, 0.0], np.float32)], [w])
    np.testing.assert_allclose(w.numpy(), [-0.1, 0.1, 0.0], rtol=1e-5)


def test_adafactor_slots_factor_the_last_two_axes():
    k = Variable(np.ones((2, 3, 4), np.float32), name="kernel")
    b = Variable(np.ones(4, np.float32), name="bias")
    opt = optimizers.Adafactor()
    opt.apply([np.ones((2, 3, 4), np.float32), np.ones(4, np.float32)], [k, b])
    assert opt.get_slot(k, "r").shape == (2, 3) and opt.get_slot(k, "c").shape == (2, 4)
    assert opt.get_slot(k, "velocity").shape == (2, 3, 4)
    # Keras's placeholders for an unfactored variable: int32 zeros, saved with the rest
    assert opt.get_slot(b, "r").shape == () and opt.get_slot(b, "r").dtype == np.int32
    assert [v.name for v in opt.variables[2:]] == [
        "kernel", "kernel", "kernel_velocity", "bias", "bias", "bias_velocity",
    ]  # fmt: skip
