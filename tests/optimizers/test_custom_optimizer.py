"""Optimizer subclasses written in Keras 3's documented style run in numkeras.

`SOURCE` below is plain Keras 3 code (a keras.io-style momentum optimizer and an Adam
written as Keras 3's adam.py is). scripts/goldens/make_custom_optimizer.py runs it on real
Keras 3 (JAX) and tests/goldens/custom_optimizer.json keeps the results; here the same
source runs with `keras` bound to numkeras.
"""

from __future__ import annotations

import json
import pathlib
import warnings

import numpy as np
import pytest

import numkeras
from numkeras import ops
from numkeras.errors import ConfigError
from numkeras.optimizers import SGD, Adam
from numkeras.optimizers.optimizer import Optimizer

SOURCE = """
class Momentum(keras.optimizers.Optimizer):
    def __init__(self, learning_rate=0.01, momentum=0.9, name="my_opt", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = momentum

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.momentums = [self.add_variable_from_reference(v, "momentum") for v in var_list]

    def update_step(self, gradient, variable, learning_rate):
        m = self.momentums[self._get_variable_index(variable)]
        self.assign(m, m * self.momentum - learning_rate * gradient)
        self.assign_add(variable, m)

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum})
        return config


class AdamLike(keras.optimizers.Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="adam_like", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        self.updates = self.add_variable((), initializer="zeros", name="updates")

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        local_step = ops.cast(self.iterations + 1, variable.dtype)
        beta_1_power = ops.power(ops.cast(self.beta_1, variable.dtype), local_step)
        beta_2_power = ops.power(ops.cast(self.beta_2, variable.dtype), local_step)
        m = self._momentums[self._get_variable_index(variable)]
        v = self._velocities[self._get_variable_index(variable)]
        alpha = lr * ops.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        self.assign_add(m, ops.multiply(ops.subtract(gradient, m), 1 - self.beta_1))
        self.assign_add(
            v, ops.multiply(ops.subtract(ops.square(gradient), v), 1 - self.beta_2)
        )
        self.assign_sub(
            variable,
            ops.divide(ops.multiply(m, alpha), ops.add(ops.sqrt(v), self.epsilon)),
        )
        self.assign_add(self.updates, 1.0)

    def get_config(self):
        config = super().get_config()
        config.update(
            {"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
        )
        return config
"""

NS: dict = {"keras": numkeras, "ops": ops}
exec(SOURCE, NS)  # noqa: S102 - the test's own code, shared verbatim with the golden script
Momentum, AdamLike = NS["Momentum"], NS["AdamLike"]
CUSTOM = {"Momentum": Momentum, "AdamLike": AdamLike}

GOLDEN = json.loads(
    (pathlib.Path(__file__).parents[1] / "goldens" / "custom_optimizer.json").read_text()
)
MODEL_CASES = {c["id"]: c for c in GOLDEN["model_cases"]}
APPLY_CASES = {c["id"]: c for c in GOLDEN["apply_cases"]}


def test_goldens_ran_this_source():
    assert GOLDEN["source"] == SOURCE, "rerun scripts/goldens/make_custom_optimizer.py"


def arrays(flat_lists, shapes):
    return [np.asarray(f, "float32").reshape(s) for f, s in zip(flat_lists, shapes)]


def data():
    w0 = arrays(GOLDEN["w0"], GOLDEN["w0_shapes"])
    x = np.asarray(GOLDEN["x"], "float32").reshape(16, 4)
    y = np.asarray(GOLDEN["y"], "float32").reshape(16, 2)
    return w0, x, y


def make_model():
    w0, _, _ = data()
    model = numkeras.Sequential(
        [
            numkeras.Input((4,)),
            numkeras.layers.Dense(3, activation="tanh", name="d1"),
            numkeras.layers.Dense(2, name="d2"),
        ],
        name="seq",
    )
    model.set_weights(w0)
    return model


def make_optimizer(case):
    kwargs = dict(case["kwargs"])
    if "schedule" in case:
        kwargs["learning_rate"] = numkeras.optimizers.schedules.ExponentialDecay(**case["schedule"])
    return CUSTOM[case["class"]](**kwargs)


def train(model, case, x, y):
    if case["mode"] == "fit":
        return model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    return [float(model.train_on_batch(x[:8], y[:8])) for _ in range(3)]


def keras_name(name: str) -> str:
    """Keras's optimizer-variable name or path: Keras 3 paths a Sequential's weights
    `seq/d1/kernel` (so the slot is `seq_d1_kernel_momentum`), and so does numkeras."""
    return name


def assert_state(opt, golden_state, rtol=1e-6, atol=1e-7):
    variables = opt.variables
    assert [v.name for v in variables] == [keras_name(s["name"]) for s in golden_state]
    assert [v.path for v in variables] == [keras_name(s["path"]) for s in golden_state]
    for v, s in zip(variables, golden_state):
        assert list(v.shape) == s["shape"] and str(v.dtype) == s["dtype"], v.path
        np.testing.assert_allclose(
            v.numpy().ravel(), np.ravel(s["value"]), rtol=rtol, atol=atol, err_msg=v.path
        )


@pytest.mark.parametrize("case_id", list(MODEL_CASES))
def test_training_matches_keras(case_id):
    case = MODEL_CASES[case_id]
    _, x, y = data()
    model = make_model()
    opt = make_optimizer(case)
    assert opt._protocol == "keras3"
    model.compile(optimizer=opt, loss="mse")
    losses = train(model, case, x, y)
    np.testing.assert_allclose(losses, case["losses"], rtol=1e-5)
    for w, g in zip(model.get_weights(), case["weights"]):
        np.testing.assert_allclose(w.ravel(), g, rtol=1e-6, atol=1e-7)
        assert w.dtype == np.float32
    assert int(opt.iterations) == case["iterations"]
    assert_state(opt, case["state"])


@pytest.mark.parametrize("case_id", list(APPLY_CASES))
def test_apply_gradients_matches_keras(case_id):
    case = APPLY_CASES[case_id]
    init = arrays(GOLDEN["apply_init"], [(3, 2), (2,)])
    a = numkeras.Variable(init[0], name="a")
    b = numkeras.Variable(init[1], name="b")
    grads = [arrays(gs, [(3, 2), (2,)]) for gs in case["grads"]]
    opt = make_optimizer(case)
    opt.apply_gradients(zip(grads[0], [a, b]))
    opt.apply(grads[1], [a, b])
    opt.apply(grads[2])
    opt.apply_gradients([(grads[3][0], a), (grads[3][1], b)])
    np.testing.assert_allclose(a.numpy().ravel(), case["weights"][0], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(b.numpy().ravel(), case["weights"][1], rtol=1e-6, atol=1e-7)
    assert int(opt.iterations) == case["iterations"]
    assert_state(opt, case["state"])


def test_learning_rate_reaches_update_step_as_float32_scalar():
    seen = []

    class Probe(Optimizer):
        def update_step(self, gradient, variable, learning_rate):
            seen.append((learning_rate, gradient, variable))
            self.assign_sub(variable, learning_rate * gradient)

    w = numkeras.Variable(np.ones(2, "float32"), name="w")
    Probe(learning_rate=0.5).apply([np.ones(2)], [w])  # (a float64 gradient: cast)
    lr, g, v = seen[0]
    assert isinstance(lr, np.float32) and lr == np.float32(0.5)
    assert g.dtype == np.float32 and v is w
    np.testing.assert_array_equal(w.numpy(), [0.5, 0.5])


# -- save / load -----------------------------------------------------------------------
def trained(case_id="adam_fit"):
    case = MODEL_CASES[case_id]
    _, x, y = data()
    model = make_model()
    model.compile(optimizer=make_optimizer(case), loss="mse")
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    return model, case, x, y


def test_weights_h5_round_trip_resumes_identically(tmp_path):
    model, case, x, y = trained()
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    model2 = make_model()
    model2.compile(optimizer=make_optimizer(case), loss="mse")
    # (built, the optimizer takes the saved state, as Keras's; unbuilt, it would start anew)
    model2.optimizer.build(model2.trainable_variables)
    model2.load_weights(path)
    saved = [v.numpy() for v in model.optimizer.variables]
    loaded = [v.numpy() for v in model2.optimizer.variables]
    assert len(saved) == 2 + 2 * 4 + 1  # iteration, learning_rate, m/v per weight, updates
    for s, r in zip(saved, loaded):
        np.testing.assert_array_equal(s, r)
    for m in (model, model2):  # the second epoch, on both: identical
        m.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for w1, w2 in zip(model.get_weights(), model2.get_weights()):
        np.testing.assert_array_equal(w1, w2)
    for w, g in zip(model2.get_weights(), case["weights"]):  # = 2 epochs in Keras
        np.testing.assert_allclose(w.ravel(), g, rtol=1e-6, atol=1e-7)
    assert_state(model2.optimizer, case["state"])


def test_keras_file_holds_the_state_in_keras_layout(tmp_path):
    h5py = pytest.importorskip("h5py")
    import io
    import zipfile

    model, case, _, _ = trained("momentum_schedule_wd_clipnorm_ema")
    path = tmp_path / "m.keras"
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        config = json.loads(zf.read("config.json"))
        weights = zf.read("model.weights.h5")
    opt_config = config["compile_config"]["optimizer"]
    assert opt_config["class_name"] == "Momentum"
    assert opt_config["config"]["momentum"] == 0.9
    assert opt_config["config"]["learning_rate"]["class_name"] == "ExponentialDecay"
    with h5py.File(io.BytesIO(weights), "r") as h5:
        group = h5["optimizer/vars"]
        stored = [group[str(i)][()] for i in range(len(group))]
    # iteration (no learning-rate variable with a schedule), 4 averages, 4 momentums
    names = [v.name for v in model.optimizer.variables]
    assert names[0] == "iteration" and len(stored) == len(names) == 9
    assert names[1].endswith("_average") and names[5].endswith("_momentum")
    for s, v in zip(stored, model.optimizer.variables):
        np.testing.assert_array_equal(s, v.numpy())


def test_load_model_with_custom_objects_restores_the_optimizer(tmp_path):
    model, case, x, y = trained()
    path = tmp_path / "m.keras"
    model.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = numkeras.saving.load_model(path, custom_objects=CUSTOM)
    assert type(loaded.optimizer) is AdamLike
    for s, r in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(s.numpy(), r.numpy())
    for m in (model, loaded):
        m.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for w1, w2 in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(w1, w2)


# -- config ------------------------------------------------------------------------------
def test_config_round_trip_with_custom_objects():
    sched = numkeras.optimizers.schedules.ExponentialDecay(0.1, 2, 0.5)
    opt = Momentum(learning_rate=sched, momentum=0.8, clipnorm=1.0, name="mine")
    config = numkeras.optimizers.serialize(opt)
    assert config["class_name"] == "Momentum"
    assert config["config"]["momentum"] == 0.8 and config["config"]["clipnorm"] == 1.0
    back = numkeras.optimizers.deserialize(config, custom_objects=CUSTOM)
    assert type(back) is Momentum and back.momentum == 0.8 and back.name == "mine"
    assert back.get_config() == opt.get_config()
    assert AdamLike.from_config(AdamLike(beta_1=0.5).get_config()).beta_1 == 0.5
    with pytest.raises(ConfigError, match="Unknown optimizer: 'Momentum'"):
        numkeras.optimizers.deserialize(config)


# -- the two protocols, told apart; errors -----------------------------------------------
def test_numkeras_optimizers_keep_the_fast_protocol():
    for opt in (SGD(momentum=0.9), Adam()):
        assert opt._protocol == "numkeras" and not opt._keras3
    assert Momentum()._protocol == "keras3"


def test_subclass_with_neither_protocol_fails_clearly():
    class Nothing(Optimizer):
        pass

    w = numkeras.Variable(np.ones(2, "float32"), name="w")
    with pytest.raises(ConfigError, match=r"does not define `update_step`.*gradient, variable"):
        Nothing(learning_rate=0.1).apply([np.ones(2, "float32")], [w])

    class Odd(Optimizer):
        def update_step(self, gradient, variable):
            pass

    with pytest.raises(ConfigError, match=r"Odd.update_step\(self, gradient, variable\)"):
        Odd()


def test_forgotten_super_init_and_unknown_variables_fail_clearly():
    class NoInit(Optimizer):
        def __init__(self):
            self.momentum = 0.9

        def update_step(self, gradient, variable, learning_rate):
            pass

    w = numkeras.Variable(np.ones(2, "float32"), name="w")
    with pytest.raises(ConfigError, match=r"super\(\).__init__"):
        NoInit().apply([np.ones(2, "float32")], [w])

    opt = Momentum()
    opt.apply([np.ones(2, "float32")], [w])
    other = numkeras.Variable(np.ones(3, "float32"), name="other")
    with pytest.raises(ConfigError, match="Unknown variable 'other'.*new optimizer"):
        opt.apply([np.ones(3, "float32")], [other])
    with pytest.raises(ConfigError, match="1 gradients for 2 variables"):
        opt.apply([np.ones(2, "float32")], [w, w])


def test_none_gradients_are_skipped_with_a_warning():
    a = numkeras.Variable(np.ones(2, "float32"), name="a")
    b = numkeras.Variable(np.ones(2, "float32"), name="b")
    opt = Momentum(learning_rate=0.1)
    with pytest.warns(UserWarning, match=r"Gradients do not exist for variables \['b'\]"):
        opt.apply([np.ones(2, "float32"), None], [a, b])
    np.testing.assert_allclose(a.numpy(), [0.9, 0.9])
    np.testing.assert_array_equal(b.numpy(), [1, 1])
    with pytest.raises(ConfigError, match="No gradients"):
        opt.apply([None, None], [a, b])


def test_constraints_and_exclusions_apply_around_update_step():
    w = numkeras.Variable(np.full(2, 2.0, "float32"), name="w")
    w.constraint = lambda v: np.minimum(v, 1.5)
    bias = numkeras.Variable(np.ones(2, "float32"), name="bias")
    opt = Momentum(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    opt.apply([np.zeros(2, "float32")] * 2, [w, bias])
    np.testing.assert_allclose(w.numpy(), [1.5, 1.5])  # 2 - 2*0.5*0.1 = 1.9, then clipped
    np.testing.assert_array_equal(bias.numpy(), [1, 1])  # excluded from decay


def test_a_registered_optimizer_is_saved_with_its_name_and_found_again():
    @numkeras.saving.register_keras_serializable(package="mine")
    class Plain(numkeras.optimizers.SGD):
        pass

    config = numkeras.optimizers.serialize(Plain(0.5))
    assert config["registered_name"] == "mine>Plain" and config["module"] != "keras.optimizers"
    assert type(numkeras.optimizers.deserialize(config)) is Plain
