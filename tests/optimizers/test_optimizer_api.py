"""Optimizer construction, Keras 2 spellings, errors, config and state round trips."""

import copy
import pickle
import warnings

import numpy as np
import pytest

from numkeras import errors, optimizers
from numkeras.errors import ConfigError, DeprecatedArgumentWarning, ShapeError
from numkeras.optimizers import schedules
from numkeras.variables import Variable


@pytest.fixture(autouse=True)
def fresh_deprecation_notes(monkeypatch):
    monkeypatch.setattr(errors, "_warned", set())


def var(shape=(2, 3), value=1.0, name="w"):
    return Variable(np.full(shape, value, np.float32), name=name, path=f"dense/{name}")


def test_lr_alias_is_accepted_with_one_note_naming_learning_rate():
    with pytest.warns(DeprecatedArgumentWarning, match=r"learning_rate=") as record:
        opt = optimizers.Adam(lr=0.0002, beta_1=0.5)  # the classic GAN script
        optimizers.Adam(lr=0.0002, beta_1=0.5)
    assert len(record) == 1
    assert opt.learning_rate == pytest.approx(0.0002)
    assert opt.get_config()["learning_rate"] == float(np.float32(0.0002))
    assert opt.beta_1 == 0.5


def test_unknown_argument_names_the_valid_ones_and_the_closest():
    with pytest.raises(ConfigError, match=r"Argument\(s\) not recognized: \{'bata_1': 0.5\}") as e:
        optimizers.Adam(bata_1=0.5)
    assert "beta_1" in str(e.value) and "Did you mean `beta_1`" in str(e.value)
    assert "learning_rate" in str(e.value) and "global_clipnorm" in str(e.value)
    assert isinstance(e.value, ValueError)  # as Keras raises


def test_keras2_decay_is_inverse_time_decay():
    with pytest.warns(DeprecatedArgumentWarning, match="decay"):
        opt = optimizers.SGD(learning_rate=0.1, decay=0.5)
    w = var(shape=(1,), value=0.0)
    expected = np.float32(0.0)
    for i in range(3):
        opt.apply([np.ones(1, np.float32)], [w])
        expected -= np.float32(0.1 / (1 + 0.5 * i))
    np.testing.assert_allclose(w.numpy(), [expected], rtol=1e-6)
    assert opt.learning_rate == pytest.approx(0.1)  # the base rate, as Keras 2's `lr`
    cfg = opt.get_config()
    assert cfg["decay"] == 0.5
    assert optimizers.SGD.from_config(cfg).decay == 0.5


def test_learning_rate_is_settable_and_used():
    opt = optimizers.SGD(learning_rate=0.1)
    w = var(shape=(1,), value=0.0)
    opt.apply([np.ones(1, np.float32)], [w])
    opt.learning_rate = 0.01  # what ReduceLROnPlateau does
    assert opt.learning_rate == pytest.approx(0.01) and isinstance(opt.learning_rate, float)
    opt.apply([np.ones(1, np.float32)], [w])
    np.testing.assert_allclose(w.numpy(), [-0.11], rtol=1e-6)
    assert opt.get_config()["learning_rate"] == float(np.float32(0.01))
    assert type(opt.get_config()["learning_rate"]) is float


def test_learning_rate_and_iterations_take_keras_variable_calls():
    # Keras 3 code: model.optimizer.learning_rate.assign(1e-3), iterations.numpy(), ...
    opt = optimizers.SGD(learning_rate=0.1)
    w = var(shape=(1,), value=0.0)
    opt.learning_rate.assign(0.5)
    assert opt.learning_rate == pytest.approx(0.5)
    assert opt.learning_rate.numpy().dtype == np.float32
    opt.apply([np.ones(1, np.float32)], [w])
    np.testing.assert_allclose(w.numpy(), [-0.5])
    assert opt.iterations == 1 and opt.iterations.numpy().dtype == np.int64
    opt.iterations.assign_add(2)
    assert opt.iterations == 3
    opt.iterations.assign(0)
    assert opt.iterations == 0
    # copies are plain numbers, not handles on the optimizer
    assert type(copy.deepcopy(opt.learning_rate)) is float
    assert type(pickle.loads(pickle.dumps(opt.iterations))) is int
    scheduled = optimizers.SGD(schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5))
    with pytest.raises(AttributeError, match="cannot be assigned"):  # as Keras 3
        scheduled.learning_rate.assign(0.1)


def test_schedule_learning_rate():
    s = schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    opt = optimizers.SGD(learning_rate=s)
    assert opt.learning_rate == pytest.approx(0.1)
    opt.apply([np.ones(1, np.float32)], [var(shape=(1,))])
    assert opt.learning_rate == pytest.approx(0.05)  # evaluated at iterations
    assert [v.name for v in opt.variables] == ["iteration"]  # no learning_rate variable
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.3
    cfg = opt.get_config()
    assert cfg["learning_rate"] == {
        "module": "keras.optimizers.schedules",
        "class_name": "ExponentialDecay",
        "config": s.get_config(),
        "registered_name": None,
    }
    back = optimizers.SGD.from_config(cfg)
    assert isinstance(back._learning_rate, schedules.ExponentialDecay)
    assert back.get_config() == cfg


def test_float_rate_can_be_replaced_by_a_schedule_and_callables_work():
    opt = optimizers.Adam(learning_rate=0.1)
    opt.learning_rate = schedules.InverseTimeDecay(0.2, 1, 1.0)
    assert opt.learning_rate == pytest.approx(0.2)
    assert "learning_rate" not in [v.name for v in opt.variables]
    opt2 = optimizers.SGD(learning_rate=lambda: 0.25)
    w = var(shape=(1,), value=0.0)
    opt2.apply([np.ones(1, np.float32)], [w])
    np.testing.assert_allclose(w.numpy(), [-0.25])
    assert optimizers.SGD(learning_rate=1).learning_rate == 1.0  # ints are fine here


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(learning_rate="fast"), "learning_rate"),
        (dict(clipnorm=1.0, clipvalue=1.0), "Only one of"),
        (dict(use_ema=True, ema_momentum=-0.1), "ema_momentum"),
        (dict(gradient_accumulation_steps=1), "gradient_accumulation_steps"),
        (dict(clipnorm="1"), "clipnorm"),
    ],
)
def test_bad_base_arguments(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        optimizers.Adam(**kwargs)


def test_bad_subclass_arguments():
    with pytest.raises(ConfigError, match="momentum"):
        optimizers.SGD(momentum=1.5)
    with pytest.raises(ConfigError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)
    assert optimizers.SGD(momentum=1).momentum == 1.0


@pytest.mark.parametrize(
    "opt",
    [
        optimizers.SGD(learning_rate=0.2, momentum=0.5, nesterov=True, clipnorm=2.0, name="s"),
        optimizers.Adam(learning_rate=0.01, beta_1=0.5, amsgrad=True, global_clipnorm=1.0),
        optimizers.AdamW(weight_decay=0.1, clipvalue=0.5),
        optimizers.RMSprop(rho=0.8, momentum=0.1, centered=True, loss_scale_factor=8.0),
        optimizers.Adagrad(initial_accumulator_value=0.3, gradient_accumulation_steps=4),
        optimizers.Adamax(beta_2=0.99),
        optimizers.Nadam(epsilon=1e-5, weight_decay=0.01),
    ],
    ids=lambda o: type(o).__name__,
)
def test_get_config_round_trip(opt):
    cfg = opt.get_config()
    back = type(opt).from_config(cfg)
    assert back.get_config() == cfg
    ser = optimizers.serialize(opt)
    assert ser["module"] == "keras.optimizers" and ser["class_name"] == type(opt).__name__
    assert optimizers.deserialize(ser).get_config() == cfg
    assert type(opt).__name__ in repr(opt) and f"name='{opt.name}'" in repr(opt)


def test_keras2_configs_load():
    old = {"lr": 0.0002, "beta_1": 0.5, "beta_2": 0.999, "decay": 0.0, "epsilon": 1e-08,
           "amsgrad": False, "name": "Adam"}  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a file's spelling is not the user's: no notes
        opt = optimizers.deserialize({"class_name": "Adam", "config": old})
    assert opt.learning_rate == pytest.approx(0.0002) and opt.epsilon == 1e-08
    tf211 = {"name": "SGD", "learning_rate": 0.01, "momentum": 0.0, "nesterov": False,
             "is_legacy_optimizer": False, "jit_compile": True}  # fmt: skip
    assert isinstance(
        optimizers.deserialize({"class_name": "SGD", "config": tf211}), optimizers.SGD
    )


def test_get():
    adam = optimizers.Adam()
    assert optimizers.get(adam) is adam  # instances are shared, never copied
    assert optimizers.get(None) is None
    assert isinstance(optimizers.get("rmsprop"), optimizers.RMSprop)
    assert isinstance(optimizers.get("RMSprop"), optimizers.RMSprop)
    assert isinstance(optimizers.get("adamw"), optimizers.AdamW)
    assert isinstance(optimizers.get(optimizers.SGD), optimizers.SGD)
    got = optimizers.get({"class_name": "SGD", "config": {"learning_rate": 0.5}})
    assert got.learning_rate == 0.5
    with pytest.raises(ConfigError, match=r"Unknown optimizer: 'adm'.*Did you mean 'Adam'"):
        optimizers.get("adm")
    assert isinstance(optimizers.get("muon"), optimizers.Muon)
    for name, cls in [
        ("adadelta", optimizers.Adadelta),
        ("Ftrl", optimizers.Ftrl),
        ("lion", optimizers.Lion),
        ("lamb", optimizers.Lamb),
        ("adafactor", optimizers.Adafactor),
    ]:
        assert isinstance(optimizers.get(name), cls)
    with pytest.raises(ConfigError, match="Could not interpret"):
        optimizers.get(3)


def test_auto_names_follow_keras():
    assert optimizers.RMSprop().name.startswith("rm_sprop")
    assert optimizers.AdamW().name.startswith("adam_w")
    a, b = optimizers.Adagrad(), optimizers.Adagrad()
    assert a.name != b.name


def test_variables_in_keras_order_and_get_slot():
    k, b = var((2, 3), name="kernel"), var((3,), name="bias")
    opt = optimizers.Adam(amsgrad=True)
    opt.apply([np.ones((2, 3), np.float32), np.ones(3, np.float32)], [k, b])
    names = [v.path for v in opt.variables]
    p = opt.name
    assert names == [
        f"{p}/iteration", f"{p}/learning_rate",
        f"{p}/dense_kernel_momentum", f"{p}/dense_kernel_velocity",
        f"{p}/dense_bias_momentum", f"{p}/dense_bias_velocity",
        f"{p}/dense_kernel_velocity_hat", f"{p}/dense_bias_velocity_hat",
    ]  # fmt: skip
    m = opt.get_slot(k, "momentum")
    assert m.shape == (2, 3) and np.shares_memory(m, opt.variables[2].value)
    assert opt.slot_names() == ["momentum", "velocity", "velocity_hat"]
    with pytest.raises(ConfigError, match="Did you mean 'momentum'"):
        opt.get_slot(k, "momentun")
    with pytest.raises(ConfigError, match="has not been applied"):
        opt.get_slot(var(name="other"), "momentum")


def test_state_round_trip_resumes_exactly():
    rng = np.random.default_rng(0)
    grads = [[rng.standard_normal((2, 3)).astype(np.float32)] for _ in range(5)]
    w1 = var()
    opt1 = optimizers.Nadam(learning_rate=0.1)
    for g in grads[:3]:
        opt1.apply(g, [w1])
    store = {}
    opt1.save_own_variables(store)
    w2 = var()
    w2.assign(w1.numpy())
    opt2 = optimizers.Nadam(learning_rate=0.1)
    opt2.build([w2])
    opt2.load_own_variables(store)
    assert opt2.iterations == 3
    for g in grads[3:]:
        opt1.apply(g, [w1])
        opt2.apply(g, [w2])
    np.testing.assert_array_equal(w1.numpy(), w2.numpy())
    opt3 = optimizers.Nadam()
    opt3.build([var()])
    opt3.set_weights(opt1.get_weights())
    assert opt3.iterations == 5
    with pytest.warns(UserWarning, match="Skipping variable loading"):
        optimizers.Nadam().load_own_variables(store)


def test_none_gradients_are_skipped_with_a_warning():
    a, b = var(name="a"), var(name="b")
    opt = optimizers.SGD(learning_rate=1.0)
    with pytest.warns(UserWarning, match=r"Gradients do not exist for variables \['dense/b'\]"):
        opt.apply([np.ones((2, 3), np.float32), None], [a, b])
    np.testing.assert_array_equal(a.numpy(), 0.0)
    np.testing.assert_array_equal(b.numpy(), 1.0)
    with pytest.raises(ConfigError, match="No gradients provided"):
        opt.apply([None], [a])


def test_input_errors_are_clear():
    a = var(name="a")
    opt = optimizers.SGD()
    msg = r"shape \(3, 2\) but variable .dense/a. has shape \(2, 3\)"
    with pytest.raises(ShapeError, match=msg):
        opt.apply([np.ones((3, 2), np.float32)], [a])
    with pytest.raises(ConfigError, match="2 gradients for 1 variables"):
        opt.apply([np.ones((2, 3))] * 2, [a])
    with pytest.raises(ConfigError, match="appears more than once"):
        opt.apply([np.ones((2, 3))] * 2, [a, a])
    with pytest.raises(ConfigError, match="Call `optimizer.build"):
        optimizers.SGD().apply([np.ones((2, 3))])
    with pytest.raises(ConfigError, match="numkeras Variables"):
        opt.apply([np.ones(2)], [np.zeros(2)])


def test_apply_without_variables_and_apply_gradients():
    a = var(shape=(1,), value=0.0)
    opt = optimizers.SGD(learning_rate=1.0)
    assert opt.apply_gradients([(np.ones(1, np.float32), a)]) == 1
    opt.apply([np.ones(1, np.float32)])  # the variables of the first call
    np.testing.assert_array_equal(a.numpy(), [-2.0])
    assert opt.iterations == 2
    opt.apply([], [])  # no-op, as Keras: iterations unchanged
    assert opt.iterations == 2


def test_exclude_from_weight_decay():
    k, b = var(name="kernel"), var(shape=(3,), name="bias")
    opt = optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    opt.apply([np.zeros((2, 3), np.float32), np.zeros(3, np.float32)], [k, b])
    np.testing.assert_allclose(k.numpy(), 0.95, rtol=1e-6)
    np.testing.assert_array_equal(b.numpy(), 1.0)


def test_variable_constraint_is_applied_after_the_update():
    w = var(shape=(2,), value=0.0)
    w.constraint = lambda x: np.clip(x, -0.5, 0.5)
    optimizers.SGD(learning_rate=1.0).apply([np.array([2.0, -0.2], np.float32)], [w])
    np.testing.assert_allclose(w.numpy(), [-0.5, 0.2])
