"""BinaryFocalCrossentropy and CategoricalFocalCrossentropy: values and gradients against
real Keras 3 (goldens from scripts/goldens/make_focal_losses.py, JAX autodiff for the
gradients), gradients against finite differences, registry and training."""

import json
import pathlib

import numpy as np
import pytest

import numkeras
from numkeras import layers, losses
from numkeras.errors import NumkerasWarning, ShapeError
from numkeras.utils.gradcheck import numeric_gradient

GOLDENS = json.loads(
    (pathlib.Path(__file__).resolve().parents[1] / "goldens" / "losses_focal.json").read_text()
)["cases"]


def _case_id(case):
    kwargs = ",".join(f"{k}={v}" for k, v in case["kwargs"].items())
    return f"{case['loss']}({kwargs}){np.shape(case['y_true'])}"


def _inputs(case):
    return (
        np.array(case["y_true"], "float32"),
        np.array(case["y_pred"], "float32"),
        np.array(case["sample_weight"], "float32"),
    )


@pytest.mark.parametrize("case", GOLDENS, ids=_case_id)
def test_values_every_reduction_match_keras(case):
    y_true, y_pred, sw = _inputs(case)
    cls = getattr(losses, case["loss"])
    for reduction, pair in case["values"].items():
        for weight, expected in zip((None, sw), pair):
            got = cls(reduction=reduction, **case["kwargs"])(y_true, y_pred, sample_weight=weight)
            assert np.asarray(got).dtype == np.float32
            np.testing.assert_allclose(got, expected, rtol=2e-5, atol=2e-6, err_msg=reduction)


@pytest.mark.parametrize("case", GOLDENS, ids=_case_id)
def test_value_and_grad_matches_keras_autodiff(case):
    y_true, y_pred, sw = _inputs(case)
    loss = getattr(losses, case["loss"])(**case["kwargs"])
    for weight, expected_grad, expected_value in zip(
        (None, sw), case["grads"], case["values"]["sum_over_batch_size"]
    ):
        value, grad = loss.value_and_grad(y_true, y_pred, sample_weight=weight)
        assert grad.shape == y_pred.shape and grad.dtype == np.float32
        np.testing.assert_allclose(value, expected_value, rtol=2e-5, atol=2e-6)
        np.testing.assert_allclose(grad, expected_grad, rtol=1e-4, atol=1e-6)


RNG = np.random.default_rng(3)
N, C = 4, 3
bin_true = (RNG.uniform(size=(N, C)) > 0.5).astype(float)
soft_true = RNG.uniform(0, 1, (N, C))  # soft targets: the focal factor depends on y too
probs = RNG.uniform(0.05, 0.95, (N, C))
logits = RNG.uniform(-4, 4, (N, C))
one_hot = np.eye(C)[[0, 2, 1, 2]]

FD_CASES = [
    ("BinaryFocalCrossentropy", {}, bin_true, probs),
    ("BinaryFocalCrossentropy", {"gamma": 0.5}, soft_true, probs),
    ("BinaryFocalCrossentropy", {"gamma": 0.0, "apply_class_balancing": True}, bin_true, probs),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "alpha": 0.7}, soft_true, probs),
    ("BinaryFocalCrossentropy", {"label_smoothing": 0.3, "gamma": 3}, bin_true, probs),
    ("BinaryFocalCrossentropy", {"from_logits": True}, bin_true, logits),
    ("BinaryFocalCrossentropy", {"from_logits": True, "gamma": 1.0}, soft_true, logits),
    ("BinaryFocalCrossentropy", {"axis": 0}, bin_true, probs),
    ("CategoricalFocalCrossentropy", {}, one_hot, probs),
    ("CategoricalFocalCrossentropy", {"gamma": 0.0}, soft_true, probs),
    ("CategoricalFocalCrossentropy", {"alpha": [0.1, 0.6, 0.3], "gamma": 2.5}, soft_true, probs),
    ("CategoricalFocalCrossentropy", {"label_smoothing": 0.2}, one_hot, probs),
    ("CategoricalFocalCrossentropy", {"from_logits": True}, one_hot, logits),
    ("CategoricalFocalCrossentropy", {"from_logits": True, "alpha": [1, 2, 3]}, soft_true, logits),
    ("CategoricalFocalCrossentropy", {"from_logits": True, "axis": 0}, one_hot, logits),
]


@pytest.mark.parametrize(
    "name,kwargs,y_true,y_pred", FD_CASES, ids=[f"{n}{k}" for n, k, _, _ in FD_CASES]
)
@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight"])
def test_gradient_matches_finite_differences(name, kwargs, y_true, y_pred, reduction):
    loss = getattr(losses, name)(reduction=reduction, dtype="float64", **kwargs)
    sw = np.linspace(0.5, 2.0, y_pred.shape[0] if kwargs.get("axis") != 0 else y_pred.shape[-1])
    value, grad = loss.value_and_grad(y_true, y_pred, sample_weight=sw)
    assert grad.dtype == np.float64 and grad.shape == y_pred.shape
    np.testing.assert_allclose(value, loss(y_true, y_pred, sample_weight=sw), rtol=1e-12)
    p = y_pred.copy()
    expected = numeric_gradient(lambda: float(loss(y_true, p, sample_weight=sw)), p)
    np.testing.assert_allclose(grad, expected, rtol=1e-5, atol=1e-8)


def test_gamma_zero_is_crossentropy_and_its_gradient_is_finite_where_p_equals_y():
    y = np.array([[1.0, 0.0, 1.0]], "float32")
    p = np.array([[1.0, 0.0, 0.3]], "float32")  # 1 - p_t = 0 in the first two entries
    focal = losses.BinaryFocalCrossentropy(gamma=0.0)
    value, grad = focal.value_and_grad(y, p)
    np.testing.assert_allclose(value, losses.BinaryCrossentropy()(y, p), rtol=1e-6)
    assert np.all(np.isfinite(grad)) and np.all(grad[0, :2] == 0)  # (JAX's autodiff: NaN)
    cat = losses.CategoricalFocalCrossentropy(gamma=0.0, alpha=1.0)
    one_hot3 = np.eye(3, dtype="float32")[[1]]
    p3 = np.array([[0.2, 0.5, 0.3]], "float32")
    np.testing.assert_allclose(cat(one_hot3, p3), losses.CategoricalCrossentropy()(one_hot3, p3))


def test_function_forms_match_the_classes():
    y, p = bin_true.astype("float32"), probs.astype("float32")
    np.testing.assert_allclose(
        losses.binary_focal_crossentropy(y, p, apply_class_balancing=True, gamma=3.0),
        losses.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=3.0, reduction="none")(
            y, p
        ),
    )
    np.testing.assert_allclose(
        losses.categorical_focal_crossentropy(one_hot, p, alpha=[0.2, 0.3, 0.5]),
        losses.CategoricalFocalCrossentropy(alpha=[0.2, 0.3, 0.5], reduction=None)(one_hot, p),
    )


@pytest.mark.parametrize(
    "name,cls",
    [
        ("binary_focal_crossentropy", losses.BinaryFocalCrossentropy),
        ("BinaryFocalCrossentropy", losses.BinaryFocalCrossentropy),
        ("categorical_focal_crossentropy", losses.CategoricalFocalCrossentropy),
        ("CategoricalFocalCrossentropy", losses.CategoricalFocalCrossentropy),
    ],
)
def test_registered_by_name(name, cls):
    loss = losses.to_loss(name)
    assert type(loss) is cls and loss.name == cls().name  # snake_case, as Keras


def test_function_form_has_a_gradient_through_get():
    loss = losses.to_loss(losses.binary_focal_crossentropy)
    assert isinstance(loss, losses.BinaryFocalCrossentropy)
    _, grad = loss.value_and_grad(bin_true, probs)
    assert grad.shape == probs.shape


@pytest.mark.parametrize(
    "loss",
    [
        losses.BinaryFocalCrossentropy(
            apply_class_balancing=True, alpha=0.4, gamma=3.0, from_logits=True, axis=0
        ),
        losses.CategoricalFocalCrossentropy(alpha=[0.2, 0.8], gamma=1.0, label_smoothing=0.1),
    ],
)
def test_config_round_trip(loss):
    config = losses.serialize(loss)
    assert config["module"] == "keras.losses" and config["registered_name"] is None
    again = losses.deserialize(config)
    assert type(again) is type(loss) and again.get_config() == loss.get_config()


def test_config_keys_are_keras_keys():
    # as Keras 3.15's get_config (name, reduction, then the loss's arguments)
    assert set(losses.BinaryFocalCrossentropy().get_config()) == {
        "name",
        "reduction",
        "from_logits",
        "label_smoothing",
        "axis",
        "apply_class_balancing",
        "alpha",
        "gamma",
    }
    assert set(losses.CategoricalFocalCrossentropy().get_config()) == {
        "name",
        "reduction",
        "from_logits",
        "label_smoothing",
        "axis",
        "alpha",
        "gamma",
    }


def test_target_checks():
    with pytest.raises(ShapeError, match="sparse_categorical_crossentropy"):
        losses.CategoricalFocalCrossentropy()([0, 2], probs[:2])
    with pytest.raises(ShapeError, match="single output unit"):
        losses.BinaryFocalCrossentropy()(np.eye(3)[:2], probs[:2, :1])
    with pytest.warns(NumkerasWarning, match="class axis of size 1"):
        losses.CategoricalFocalCrossentropy()([[1.0]], [[0.7]])


@pytest.mark.parametrize(
    "loss,y",
    [
        ("binary_focal_crossentropy", (np.arange(32) % 2).reshape(-1, 1)),
        ("categorical_focal_crossentropy", np.eye(3)[np.arange(32) % 3]),
    ],
)
def test_compile_by_name_and_fit(loss, y):
    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    units, activation = (1, "sigmoid") if y.shape[-1] == 1 else (3, "softmax")
    model = numkeras.Sequential([layers.Input((4,)), layers.Dense(units, activation=activation)])
    model.compile(optimizer="adam", loss=loss)
    history = model.fit(x, y.astype("float32"), epochs=3, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
