"""Dice, Tversky and Circle: values and gradients against real Keras 3 (goldens from
scripts/goldens/make_more_metrics_losses.py, JAX autodiff for the gradients), gradients
against finite differences, function forms, registry, configs, and a 2-epoch fit with Dice
and new metrics compared with Keras's history."""

import json
import pathlib

import numpy as np
import pytest

import numkeras
from numkeras import layers, losses, metrics
from numkeras.errors import ConfigError, ShapeError
from numkeras.utils.gradcheck import numeric_gradient

GOLDENS = json.loads(
    (
        pathlib.Path(__file__).resolve().parents[1] / "goldens" / "metrics_losses_more.json"
    ).read_text()
)
CASES = GOLDENS["losses"]


def _kwargs(case):
    # JSON has lists; Keras got tuples for `axis`
    return {
        k: tuple(v) if k == "axis" and isinstance(v, list) else v for k, v in case["kwargs"].items()
    }


def _case_id(case):
    kwargs = ",".join(f"{k}={v}" for k, v in case["kwargs"].items())
    return f"{case['loss']}({kwargs}){np.shape(case['y_true'])}"


def _inputs(case):
    return (
        np.array(case["y_true"], "float32"),
        np.array(case["y_pred"], "float32"),
        np.array(case["sample_weight"], "float32"),
    )


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_values_every_reduction_match_keras(case):
    y_true, y_pred, sw = _inputs(case)
    cls = getattr(losses, case["loss"])
    for reduction, pair in case["values"].items():
        for weight, expected in zip((None, sw), pair):
            got = cls(reduction=reduction, **_kwargs(case))(y_true, y_pred, sample_weight=weight)
            assert np.asarray(got).dtype == np.float32
            assert np.shape(got) == np.shape(expected)
            np.testing.assert_allclose(got, expected, rtol=2e-5, atol=2e-6, err_msg=reduction)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_value_and_grad_matches_keras_autodiff(case):
    y_true, y_pred, sw = _inputs(case)
    loss = getattr(losses, case["loss"])(**_kwargs(case))
    for weight, expected_grad, expected_value in zip(
        (None, sw), case["grads"], case["values"]["sum_over_batch_size"]
    ):
        value, grad = loss.value_and_grad(y_true, y_pred, sample_weight=weight)
        assert grad.shape == y_pred.shape and grad.dtype == np.float32
        np.testing.assert_allclose(value, expected_value, rtol=2e-5, atol=2e-6)
        expected_grad = np.array(expected_grad)
        # gamma = 80 scales Circle's float32 rounding: compare relative to the largest entry
        atol = max(1e-6, 1e-5 * np.abs(expected_grad).max())
        np.testing.assert_allclose(grad, expected_grad, rtol=1e-4, atol=atol)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_config_matches_keras(case):
    config = getattr(losses, case["loss"])(**_kwargs(case)).get_config()
    axis = config.get("axis")
    if isinstance(axis, tuple):
        config["axis"] = list(axis)  # as JSON writes it
    assert config == case["config"]


RNG = np.random.default_rng(4)
seg_true = (RNG.uniform(size=(4, 3)) > 0.5).astype(float)
seg_soft = RNG.uniform(0, 1, (4, 3))
seg_pred = RNG.uniform(0.05, 0.95, (4, 3))
img_true = (RNG.uniform(size=(3, 2, 2, 2)) > 0.5).astype(float)
img_pred = RNG.uniform(0.05, 0.95, (3, 2, 2, 2))
emb = RNG.normal(size=(6, 3))
emb /= np.linalg.norm(emb, axis=1, keepdims=True)
circle_labels = np.array([0, 1, 0, 1, 2, 0], float)

FD_CASES = [
    ("Dice", {}, seg_true, seg_pred),
    ("Dice", {"axis": -1}, seg_soft, seg_pred),
    ("Dice", {"axis": (1, 2, 3)}, img_true, img_pred),
    ("Dice", {"axis": [1, 3]}, img_true, img_pred),
    ("Tversky", {}, seg_true, seg_pred),
    ("Tversky", {"alpha": 0.8, "beta": 0.1, "axis": -1}, seg_soft, seg_pred),
    ("Tversky", {"alpha": 0.3, "beta": 0.6, "axis": (1, 2, 3)}, img_true, img_pred),
    ("Circle", {"gamma": 4.0}, circle_labels, emb),
    ("Circle", {"gamma": 2.0, "margin": 0.1, "remove_diagonal": False}, circle_labels, emb),
    ("Circle", {"gamma": 3.0}, circle_labels, emb * 0.7),  # not unit norm: still a gradient
]


@pytest.mark.parametrize(
    "name,kwargs,y_true,y_pred", FD_CASES, ids=[f"{n}{k}" for n, k, _, _ in FD_CASES]
)
@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight"])
def test_gradient_matches_finite_differences(name, kwargs, y_true, y_pred, reduction):
    loss = getattr(losses, name)(reduction=reduction, dtype="float64", **kwargs)
    sw = np.linspace(0.5, 2.0, y_pred.shape[0])
    if kwargs.get("axis") == [1, 3]:
        sw = sw[:, None]  # one weight per sample of the (N, H) values
    value, grad = loss.value_and_grad(y_true, y_pred, sample_weight=sw)
    assert grad.dtype == np.float64 and grad.shape == y_pred.shape
    np.testing.assert_allclose(value, loss(y_true, y_pred, sample_weight=sw), rtol=1e-12)
    p = y_pred.copy()
    expected = numeric_gradient(lambda: float(loss(y_true, p, sample_weight=sw)), p)
    np.testing.assert_allclose(grad, expected, rtol=1e-5, atol=1e-8)


def test_tversky_with_equal_halves_is_dice():
    args = (seg_true.astype("float32"), seg_pred.astype("float32"))
    np.testing.assert_allclose(losses.Tversky()(*args), losses.Dice()(*args), rtol=1e-6)


def test_function_forms_match_keras_and_the_classes():
    fn = GOLDENS["functions"]
    case = next(c for c in CASES if c["loss"] == "Dice" and c["kwargs"] == {"axis": [1, 2, 3]})
    img_t, img_p, _ = _inputs(case)
    np.testing.assert_allclose(losses.dice(img_t, img_p, axis=(1, 2, 3)), fn["dice"], rtol=1e-6)
    case = next(c for c in CASES if c["loss"] == "Tversky" and not c["kwargs"])
    t, p, _ = _inputs(case)
    got = losses.tversky(t, p, alpha=0.3, beta=0.8, axis=-1)
    np.testing.assert_allclose(got, fn["tversky"], rtol=1e-6)
    case = next(c for c in CASES if c["loss"] == "Circle" and not c["kwargs"])
    labels, embeddings, _ = _inputs(case)
    got = losses.circle(labels, embeddings, gamma=3.0, margin=0.2)
    np.testing.assert_allclose(got, fn["circle"], rtol=1e-5, atol=1e-6)
    got = losses.circle(
        labels,
        embeddings,
        ref_labels=fn["ref_labels"],
        ref_embeddings=np.array(fn["ref_embeddings"], "float32"),
        gamma=3.0,
    )
    np.testing.assert_allclose(got, fn["circle_ref"], rtol=1e-5, atol=1e-6)
    # the function forms are the classes' unreduced values
    np.testing.assert_allclose(losses.dice(t, p), losses.Dice(reduction=None)(t, p), rtol=1e-7)
    np.testing.assert_allclose(
        losses.circle(labels, embeddings, gamma=3.0, margin=0.2),
        losses.Circle(gamma=3.0, margin=0.2, reduction=None)(labels, embeddings),
    )


def test_circle_leaves_samples_without_positives_out_of_the_mean():
    labels = np.array([0, 0, 1, 1, 2], "float32")  # class 2: a single sample
    emb = np.eye(5, 3, dtype="float32")[[0, 1, 2, 0, 1]]
    values = losses.Circle(gamma=2.0, reduction=None)(labels, emb)
    assert values[4] == 0 and np.all(values[:4] > 0)
    mean = losses.Circle(gamma=2.0)(labels, emb)
    np.testing.assert_allclose(mean, values[:4].mean(), rtol=1e-6)  # 4 valid samples, not 5
    _, grad = losses.Circle(gamma=2.0).value_and_grad(labels, emb)
    assert np.all(np.isfinite(grad))


@pytest.mark.parametrize(
    "name,cls",
    [
        ("dice", losses.Dice),
        ("Dice", losses.Dice),
        ("tversky", losses.Tversky),
        ("Tversky", losses.Tversky),
        ("circle", losses.Circle),
        ("Circle", losses.Circle),
    ],
)
def test_registered_by_name(name, cls):
    loss = losses.to_loss(name)
    assert type(loss) is cls and loss.name == cls().name


def test_function_form_and_wrapper_have_a_gradient():
    loss = losses.to_loss(losses.tversky)
    assert isinstance(loss, losses.Tversky)
    wrapped = losses.LossFunctionWrapper(losses.dice, axis=-1)
    value, grad = wrapped.value_and_grad(seg_true, seg_pred)
    expected = losses.Dice(axis=-1).value_and_grad(seg_true, seg_pred)
    np.testing.assert_allclose(value, expected[0])
    np.testing.assert_allclose(grad, expected[1])


@pytest.mark.parametrize(
    "loss",
    [
        losses.Dice(axis=(1, 2, 3), reduction="sum"),
        losses.Tversky(alpha=0.3, beta=0.7, axis=-1, name="tv"),
        losses.Circle(gamma=32.0, margin=0.25, remove_diagonal=False),
    ],
)
def test_config_round_trip(loss):
    config = losses.serialize(loss)
    assert config["module"] == "keras.losses" and config["registered_name"] is None
    again = losses.deserialize(config)
    assert type(again) is type(loss) and again.get_config() == loss.get_config()
    again = losses.deserialize(json.loads(json.dumps(config)))  # a tuple axis comes back a list
    if isinstance(loss, losses.Dice):
        np.testing.assert_allclose(again(img_true, img_pred), loss(img_true, img_pred))


def test_target_checks():
    with pytest.raises(ShapeError, match="y_true"):
        losses.Dice()(np.zeros((4, 2)), seg_pred)
    with pytest.raises(ShapeError, match="rank"):
        losses.Dice(axis=3)(seg_true, seg_pred)
    with pytest.raises(ConfigError, match="axis"):
        losses.Tversky(axis=1.5)
    with pytest.raises(ShapeError, match="labels"):
        losses.Circle()(np.zeros((6, 2)), emb)
    with pytest.raises(ShapeError, match="6 labels for 5"):
        losses.Circle()(circle_labels, emb[:5])
    with pytest.raises(ShapeError, match="embedding_dim"):
        losses.Circle()(circle_labels, emb[:, :, None])
    with pytest.raises(ConfigError, match="scalar loss"):
        losses.Dice(axis=-1, reduction="none").value_and_grad(seg_true, seg_pred)


def test_compile_with_dice_and_new_metrics_fits_like_keras():
    gold = GOLDENS["fit"]
    numkeras.backend.clear_session(free_memory=False)  # default metric names, as the Keras run had
    model = numkeras.Sequential(
        [
            layers.Input((3,)),
            layers.Dense(4, activation="tanh"),
            layers.Dense(2, activation="softmax"),
        ]
    )
    model.set_weights([np.array(w, "float32") for w in gold["weights0"]])
    model.compile(
        optimizer=numkeras.optimizers.SGD(0.5),
        loss=losses.Dice(),
        metrics=[
            metrics.F1Score(average="macro"),
            metrics.OneHotMeanIoU(num_classes=2),
            metrics.R2Score(),
        ],
    )
    history = model.fit(
        np.array(gold["x"], "float32"),
        np.array(gold["y"], "float32"),
        batch_size=8,
        epochs=2,
        shuffle=False,
        verbose=0,
    )
    assert set(history.history) == set(gold["history"])
    for key, expected in gold["history"].items():
        np.testing.assert_allclose(history.history[key], expected, rtol=1e-5, err_msg=key)
    for got, expected in zip(model.get_weights(), gold["weights"]):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_compile_by_name_and_fit_with_circle():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("float32") + (x[:, 1] > 0)
    model = numkeras.Sequential([layers.Input((4,)), layers.Dense(3)])
    model.compile(optimizer="adam", loss="circle")
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert history.history["loss"][-1] < history.history["loss"][0]
