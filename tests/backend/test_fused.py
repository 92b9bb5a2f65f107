"""The fused kernels give bit-for-bit the results of the NumPy code they replace.

All but the float32 activations with a transcendental function inside: `bias_tanh` and
`tanh` evaluate tanh as XLA does (a rational approximation), checked against the exact
tanh here, within 4e-7; sigmoid, ELU/SELU, softplus, SiLU and GELU use `vecmath`'s
exp / expm1 / log1p / erf, checked in `test_fused_activations.py`.

Each test runs the same public operation twice, fused kernels on and off, and compares
the arrays exactly (not with a tolerance): the kernels promise the same float operations
in the same order. Without numba both runs take the NumPy path and the tests still pass;
`test_kernels_compile_when_numba_is_installed` says which case CI is in.
"""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import pytest

from numkeras import backend, layers, losses, models, optimizers
from numkeras.backend import fused
from numkeras.utils import set_random_seed

# the edge-value inputs (inf, NaN) make NumPy warn on both paths alike
pytestmark = [
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),
    # the kernels serve NumPy arrays; on CuPy (NUMKERAS_ARRAY_MODULE=cupy) they stand aside
    pytest.mark.skipif(backend.xp is not np, reason="fused kernels: NumPy backend only"),
]

HAVE_NUMBA = importlib.util.find_spec("numba") is not None


def _assert_identical(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    # equal bits (NaNs included), not "close"
    assert a.tobytes() == b.tobytes()


def _data(shape, dtype="float32", seed=0, special=True):
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    if special:  # edge values where a sloppy kernel would differ from NumPy
        flat = x.reshape(-1)
        flat[:6] = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-40]
    return x


@pytest.mark.skipif(not HAVE_NUMBA, reason="numba not installed: only the NumPy path exists")
def test_kernels_compile_when_numba_is_installed(monkeypatch):
    monkeypatch.setattr(fused, "_enabled", True)
    assert fused.available()
    assert set(fused._load()) == {
        "grad_transform",
        "adam",
        "adam_amsgrad",
        "nadam",
        "adamax",
        "adagrad",
        "sgd",
        "sgd_momentum",
        "rmsprop",
        "bias_tanh",
        "tanh_grad",
        "leaky_relu",
        "bias_leaky_relu",
        "leaky_relu_grad",
        "bias_relu",
        "relu_grad",
        "dropout",
        "row_max_subtract",
        "row_divide_by_sum",
        "softmax_grad",
        "sparse_ce_probs",
        "sparse_ce_probs_grad",
        "row_sums",
        "sparse_ce_logits",
        "sparse_ce_logits_grad",
        "sparse_argmax_hits",
        "cce_probs",
        "cce_values",
        "cce_probs_grad",
        "cce_logits_grad",
        "bce_terms",
        "bce_values",
        "bce_grad",
        "tanh",
        "sigmoid",
        "sigmoid_grad",
        "elu",
        "elu_grad",
        "softplus",
        "softplus_grad",
        "silu",
        "silu_grad",
        "gelu",
        "gelu_grad",
        "gelu_tanh",
        "gelu_tanh_grad",
        "bn_stats",
        "bn_apply",
        "bn_grad",
        "scatter_add_rows",
        "lstm_step",
        "lstm_step_grad",
        "max_pool2d",
        "max_pool2d_grad",
        "im2col2d",
        "col2im2d",
    }


def _leaky_args(x):
    return x, x.dtype.type(0.2), np.empty_like(x)


def test_disabled_or_other_array_module_means_no_kernel(monkeypatch):
    x = np.ones((2, 3), "float32")
    monkeypatch.setattr(fused, "_enabled", False)
    assert fused.run("leaky_relu", *_leaky_args(x)) is None and not fused.available()
    monkeypatch.setattr(fused, "_enabled", True)
    monkeypatch.setattr(backend, "xp", object())  # e.g. CuPy: kernels are NumPy-only
    assert fused.run("leaky_relu", *_leaky_args(x)) is None


@pytest.mark.skipif(not HAVE_NUMBA, reason="numba not installed")
def test_run_takes_only_contiguous_float32_float64_arrays(monkeypatch):
    monkeypatch.setattr(fused, "_enabled", True)
    x = np.zeros((4, 6), "float32")
    assert fused.run("leaky_relu", *_leaky_args(x)) is not None
    assert fused.run("leaky_relu", *_leaky_args(x.astype("float64"))) is not None
    assert fused.run("leaky_relu", x[:, ::2], np.float32(0.2), np.empty((4, 3), "float32")) is None
    assert fused.run("leaky_relu", *_leaky_args(x.astype("float16"))) is None
    assert fused.run("leaky_relu", *_leaky_args(x.astype("int64"))) is None
    # integer arrays go only to the kernels that take class labels
    probs = np.full((4, 3), 1 / 3, "float32")
    terms = [np.empty(4, "float32") for _ in range(3)]
    lo, hi = np.float32(1e-7), np.float32(1 - 1e-7)
    for labels in (np.zeros(4, "int64"), np.zeros(4, "uint8")):
        assert fused.run("sparse_ce_probs", probs, labels, lo, hi, *terms) == 0


@pytest.mark.skipif(not HAVE_NUMBA, reason="numba not installed")
def test_a_kernel_that_fails_to_compile_is_dropped_with_a_warning(monkeypatch):
    monkeypatch.setattr(fused, "_enabled", True)
    monkeypatch.setattr(fused, "_kernels", dict(fused._load()))  # restored after the test
    x = np.zeros(3, "float32")
    with pytest.warns(RuntimeWarning, match="'leaky_relu' failed to compile"):
        assert fused.run("leaky_relu", x, "not a number", x) is None
    assert "leaky_relu" not in fused._kernels
    assert fused.run("leaky_relu", *_leaky_args(x)) is None  # the NumPy code runs from now on


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("slope", [0.2, 0.0, 1.0])
def test_leaky_relu_forward_and_backward(both_ways, dtype, slope):
    x = _data((33, 17), dtype)
    dy = _data((33, 17), dtype, seed=1, special=False)

    def run():
        layer = layers.LeakyReLU(slope)
        y, cache = layer.forward(x, workspace={})
        y = y.copy()
        dx = layer.backward(cache, dy.copy())
        return y, dx

    (y1, dx1), (y2, dx2) = both_ways(run, expect=["leaky_relu", "leaky_relu_grad"])
    _assert_identical(y1, y2)
    _assert_identical(dx1, dx2)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(16, 9), (3, 5, 9)])
def test_dense_relu_forward_backward_and_weight_grads(both_ways, dtype, shape):
    x = _data(shape, dtype, special=False)
    x.reshape(-1)[:3] = [np.nan, np.inf, -np.inf]
    dy = _data((*shape[:-1], 7), dtype, seed=2, special=False)

    def run():
        backend.set_floatx(dtype)
        try:
            layer = layers.Dense(7, activation="relu", bias_initializer="random_normal")
            layer.build(shape)
            layer.kernel.assign(_data((shape[-1], 7), dtype, seed=3, special=False))
            layer.bias.assign(_data((7,), dtype, seed=4, special=False))
            inference = layer.call(x, workspace={}).copy()
            layer.kernel.start_grad(np.empty((shape[-1], 7), dtype))
            layer.bias.start_grad(np.empty((7,), dtype))
            y, cache = layer.forward(x, workspace={})
            y = y.copy()
            dx = layer.backward(cache, dy.copy())
            return inference, y, dx, layer.kernel.grad.copy(), layer.bias.grad.copy()
        finally:
            backend.set_floatx("float32")

    for a, b in zip(*both_ways(run, expect=["bias_relu", "relu_grad"])):
        _assert_identical(a, b)


def test_dropout_same_seed_same_mask_and_output(both_ways):
    x = _data((64, 40), special=False)
    dy = _data((64, 40), seed=5, special=False)

    def run():
        layer = layers.Dropout(0.3, seed=7)
        y, cache = layer.forward(x, training=True, workspace={})
        return y.copy(), layer.backward(cache, dy.copy())

    (y1, dx1), (y2, dx2) = both_ways(run, expect=["dropout"])
    _assert_identical(y1, y2)
    _assert_identical(dx1, dx2)
    kept = (y1 != 0).mean()
    assert 0.6 < kept < 0.8  # a 0.3 rate drops about 30%


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    "make, kernel",
    [
        (lambda: optimizers.Adam(learning_rate=0.01, beta_1=0.5), "adam"),
        (lambda: optimizers.SGD(0.1), "sgd"),
        (lambda: optimizers.SGD(0.1, momentum=0.9), "sgd_momentum"),
        (lambda: optimizers.SGD(0.1, momentum=0.5, nesterov=True), "sgd_momentum"),
        (lambda: optimizers.RMSprop(0.01), "rmsprop"),
        (lambda: optimizers.RMSprop(0.01, rho=0.8, momentum=0.9), "rmsprop"),
        (lambda: optimizers.RMSprop(0.01, centered=True), "rmsprop"),
        (lambda: optimizers.RMSprop(0.01, momentum=0.5, centered=True), "rmsprop"),
        (lambda: optimizers.Adam(learning_rate=0.01, amsgrad=True), "adam_amsgrad"),
        (lambda: optimizers.AdamW(learning_rate=0.01, weight_decay=0.1), "adam"),
        (lambda: optimizers.Nadam(learning_rate=0.01), "nadam"),
        (lambda: optimizers.Adamax(learning_rate=0.01), "adamax"),
        (lambda: optimizers.Adagrad(learning_rate=0.1), "adagrad"),
        (lambda: optimizers.SGD(0.1, weight_decay=0.01), "sgd"),
        (lambda: optimizers.SGD(0.1, 0.9, nesterov=True, weight_decay=0.01), "sgd_momentum"),
        (lambda: optimizers.RMSprop(0.01, weight_decay=0.01), "rmsprop"),
        (lambda: optimizers.Nadam(0.01, weight_decay=0.01), "nadam"),
        (lambda: optimizers.Adamax(0.01, weight_decay=0.01), "adamax"),
        (lambda: optimizers.Adagrad(0.1, weight_decay=0.01), "adagrad"),
        (lambda: optimizers.Adam(0.01, amsgrad=True, weight_decay=0.01), "adam_amsgrad"),
        (lambda: optimizers.Adam(0.01, clipnorm=0.5), "grad_transform+adam"),
        (lambda: optimizers.SGD(0.1, clipvalue=0.3), "grad_transform+sgd"),
        (lambda: optimizers.RMSprop(0.01, global_clipnorm=1.0), "grad_transform+rmsprop"),
        (lambda: optimizers.AdamW(0.01, clipvalue=0.3, loss_scale_factor=4), "grad_transform+adam"),
    ],
    ids=[
        *("adam", "sgd", "momentum", "nesterov", "rmsprop", "rmsprop-momentum"),
        *("rmsprop-centered", "rmsprop-centered-momentum", "amsgrad", "adamw", "nadam"),
        *("adamax", "adagrad", "sgd-decay", "nesterov-decay", "rmsprop-decay", "nadam-decay"),
        *("adamax-decay", "adagrad-decay", "amsgrad-decay", "clipnorm", "clipvalue"),
        *("global-clipnorm", "loss-scale-clipvalue-decay"),
    ],
)
def test_optimizer_steps_identical(both_ways, dtype, make, kernel):
    shapes = [(50, 30), (30,), (30, 1)]
    grads = [
        [_data(s, dtype, seed=10 * k + i, special=False) for i, s in enumerate(shapes)]
        for k in range(4)
    ]

    def run():
        from numkeras.variables import Variable

        variables = [
            Variable(_data(s, dtype, seed=99 + i, special=False), name=f"v{i}")
            for i, s in enumerate(shapes)
        ]
        opt = make()
        opt._CHUNK = 256  # several chunks per variable where the update runs chunked
        for g in grads:
            opt.apply([gi.copy() for gi in g], variables)
        slots = [np.asarray(v) for v in opt.variables[1:]]  # after `iterations`
        return [v.numpy() for v in variables] + slots

    for a, b in zip(*both_ways(run, expect=kernel.split("+"))):
        _assert_identical(a, b)


def test_clipping_a_strided_variable_matches_numpy(both_ways):
    """A variable stored as a strided view updates N-D: its gradient transform still runs
    fused (on the N-D gradient), the update takes the NumPy code, and no kernel breaks."""
    from numkeras.variables import Variable

    grads = [_data((6, 4), seed=k, special=False) * 3 for k in range(3)]

    def run():
        base = _data((6, 8), seed=42, special=False)
        v = Variable(base[:, ::2], name="strided")
        opt = optimizers.Adam(0.01, clipvalue=0.5, weight_decay=0.01)
        for g in grads:
            opt.apply([g.copy()], [v])
        return v.numpy(), base

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a kernel dropped for failing to compile warns
        (value, base), (value_off, base_off) = both_ways(run, expect=["grad_transform"])
    _assert_identical(value, value_off)
    _assert_identical(base, base_off)


@pytest.mark.parametrize("head", ["softmax", "logits", "sigmoid"])
def test_training_a_model_is_identical(both_ways, head):
    """A relu/leaky/dropout classifier trained with Adam: same weights either way."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((96, 12)).astype("float32")
    y = rng.integers(0, 3, 96)
    output, loss, kernels = {
        "softmax": (
            layers.Dense(3, activation="softmax"),
            losses.SparseCategoricalCrossentropy(),
            [*_CE_KERNELS[False], "row_max_subtract", "row_divide_by_sum", "softmax_grad"],
        ),
        "logits": (
            layers.Dense(3),
            losses.SparseCategoricalCrossentropy(from_logits=True),
            _CE_KERNELS[True],
        ),
        "sigmoid": (
            layers.Dense(1, activation="sigmoid"),
            losses.BinaryCrossentropy(),
            ["bce_terms", "bce_values", "bce_grad", "sigmoid", "sigmoid_grad"],
        ),
    }[head]
    if head == "sigmoid":
        y = (y > 0).astype("float32")
    else:
        kernels = [*kernels, "sparse_argmax_hits"]

    def run():
        set_random_seed(3)
        model = models.Sequential(
            [
                layers.Input((12,)),
                layers.Dense(16, activation="relu"),
                layers.Dropout(0.2),
                layers.Dense(16),
                layers.LeakyReLU(0.2),
                output.from_config(output.get_config()),
            ]
        )
        model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
        history = model.fit(x, y, batch_size=32, epochs=2, verbose=0)
        return [
            *model.get_weights(),
            np.array(history.history["loss"]),
            np.array(history.history["accuracy"]),
            model.predict(x, verbose=0),
        ]

    kernels += ["adam", "bias_relu", "relu_grad", "dropout", "bias_leaky_relu", "leaky_relu_grad"]
    for a, b in zip(*both_ways(run, expect=kernels)):
        if head == "sigmoid":  # vecmath's exp in the sigmoid: within an ulp or two, not equal
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
        else:
            _assert_identical(a, b)


@pytest.mark.skipif(not HAVE_NUMBA, reason="numba not installed: np.tanh runs")
def test_bias_tanh_is_within_4e7_of_exact_tanh_everywhere(monkeypatch):
    monkeypatch.setattr(fused, "_enabled", True)
    sweep = np.logspace(-30, 1.6, 50_000)
    x = np.concatenate([sweep, -sweep, [0.0, -0.0, np.inf, -np.inf, np.nan]]).astype("float32")
    bias = np.float32([0.25])
    z = (x - bias).reshape(-1, 1)  # bias added back in float32: exact for most values
    got = z.copy()
    coef = fused.tanh_coefficients(np.dtype("float32"))
    assert fused.run("bias_tanh", got, bias, coef) is not None
    exact = np.tanh((z + bias).astype("float64"))
    finite = ~np.isnan(exact)
    assert np.abs(got - exact)[finite].max() < 4e-7
    assert np.isnan(got[~finite]).all()
    assert got[np.isinf(z + bias)].tolist() == [1.0, -1.0]
    assert np.nanmax(np.abs(got)) <= 1.0


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dense_tanh_close_and_its_gradient_exact(both_ways, dtype):
    x = _data((20, 6), dtype, special=False) * 3
    dy = _data((20, 5), dtype, seed=2, special=False)

    def run():
        backend.set_floatx(dtype)
        try:
            set_random_seed(0)
            layer = layers.Dense(5, activation="tanh", bias_initializer="random_normal")
            layer.build(x.shape)
            layer.kernel.start_grad(np.empty((6, 5), dtype))
            y, cache = layer.forward(x, workspace={})
            y = y.copy()
            layer.backward(cache, dy.copy(), need_input_grad=False)
            return y, layer.kernel.grad.copy(), layer.call(x).copy()
        finally:
            backend.set_floatx("float32")

    # float64 keeps np.tanh: the approximation has float32 accuracy only
    expect = ["bias_tanh", "tanh_grad"] if dtype == "float32" else ["tanh_grad"]
    (y1, g1, c1), (y2, g2, c2) = both_ways(run, expect=expect)
    if dtype == "float32":
        np.testing.assert_allclose(y1, y2, rtol=0, atol=4e-7)
    else:
        _assert_identical(y1, y2)
    _assert_identical(y1, c1)  # inference and training agree
    # the fused gradient is NumPy's formula, bit for bit, on the fused y
    _assert_identical(g1, x.T @ ((1 - y1 * y1) * dy))
    _assert_identical(g2, x.T @ ((1 - y2 * y2) * dy))


@pytest.mark.parametrize("rate", [0.05, 0.5, 0.9])
def test_dropout_keeps_one_minus_rate_on_odd_sizes(both_ways, rate):
    x = np.ones((301, 33), "float32")  # an odd element count: half a raw draw is unused

    def run():
        layer = layers.Dropout(rate, seed=11)
        return layer.forward(x, training=True, workspace={})[0].copy()

    y1, y2 = both_ways(run, expect=["dropout"])
    _assert_identical(y1, y2)
    kept = y1 != 0
    assert abs(kept.mean() - (1 - rate)) < 0.02
    np.testing.assert_allclose(y1[kept], 1 / (1 - rate), rtol=1e-6)


def test_without_numba_everything_takes_the_numpy_path(monkeypatch):
    import sys

    monkeypatch.setattr(fused, "_enabled", True)
    monkeypatch.setattr(fused, "_kernels", None)
    monkeypatch.setitem(sys.modules, "numba", None)  # `import numba` raises ImportError
    x = np.ones((2, 3), "float32")
    assert fused.run("leaky_relu", *_leaky_args(x)) is None
    assert not fused.available()
    y = layers.LeakyReLU(0.2)(np.array([[-1.0, 2.0]], "float32"))
    np.testing.assert_array_equal(y, np.float32([[-0.2, 2.0]]))


@pytest.mark.skipif(not HAVE_NUMBA, reason="numba not installed")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_row_sum_adds_in_numpys_pairwise_order(dtype):
    """The softmax and loss kernels sum rows as `x.sum(axis=-1)` does, bit for bit: one
    sequential run below 8 values, 8 partial sums to 128, halves above (the recursion)."""
    fused._load()  # binds the compiled helper
    rng = np.random.default_rng(0)
    for n in [*range(1, 300), 512, 784, 1000, 2049, 5000, 70_001]:
        # magnitudes over six decades, so a different order would round differently
        row = (rng.standard_normal(n) * 10 ** rng.uniform(-3, 3, n)).astype(dtype)
        assert fused._row_sum(row, 0, n) == row.reshape(1, -1).sum(axis=-1)[0], n


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(128, 10), (5, 7, 300), (3, 1000), (8, 1), (6, 129)])
def test_softmax_forward_and_gradient(both_ways, dtype, shape):
    from numkeras import activations

    x = _data(shape, dtype) * 8  # inf, -inf, NaN in the first row
    dy = _data(shape, dtype, seed=1, special=False)

    def run():
        y = activations.softmax(x)
        return y, activations.softmax.grad(x, y, dy)

    (y1, g1), (y2, g2) = both_ways(run, expect=["row_max_subtract", "softmax_grad"])
    _assert_identical(y1, y2)
    _assert_identical(g1, g2)


def test_softmax_gradient_of_a_strided_gradient_takes_the_numpy_code(both_ways):
    from numkeras import activations

    x = _data((16, 10), special=False)
    dy = _data((16, 20), seed=1, special=False)[:, ::2]  # a view: not C-contiguous

    def run():
        y = activations.softmax(x)
        return activations.softmax.grad(x, y, dy)

    on, off = both_ways(run, expect=["row_max_subtract"])
    _assert_identical(on, off)
    if HAVE_NUMBA:  # not handed to the kernel, which would fail to compile and be dropped
        assert "softmax_grad" in fused._load()


def test_softmax_over_another_axis_takes_the_numpy_code(both_ways):
    from numkeras import activations

    x = _data((4, 5, 6), special=False)
    on, off = both_ways(lambda: activations.softmax(x, axis=1))
    _assert_identical(on, off)
    np.testing.assert_allclose(on.sum(axis=1), 1.0, rtol=1e-6)


def _probabilities(rows, classes, seed=0):
    from numkeras import activations

    x = np.random.default_rng(seed).standard_normal((rows, classes)).astype("float32") * 6
    p = activations.softmax(x)
    p[0] = 0.0  # label 0's share clipped from below ...
    p[0, -1] = 1.0
    p[1] = 0.0  # ... and from above: zero gradient rows
    p[1, 0] = 1.0
    return p


_CE_KERNELS = {
    False: ["sparse_ce_probs", "sparse_ce_probs_grad"],
    True: ["row_max_subtract", "row_sums", "sparse_ce_logits", "sparse_ce_logits_grad"],
}


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("label_dtype", ["int64", "int32", "uint8"])
@pytest.mark.parametrize("column", [False, True])
def test_sparse_crossentropy_value_and_gradient(both_ways, from_logits, label_dtype, column):
    if from_logits:  # large logits, and a row of infinite ones (NaN loss either way)
        y_pred = _data((128, 10), special=False) * 30
        y_pred[2, 3] = np.inf
    else:
        y_pred = _probabilities(128, 10)
    labels = np.random.default_rng(1).integers(0, 10, 128).astype(label_dtype)
    labels[:2] = 0
    y = labels[:, None] if column else labels
    weights = np.linspace(0.5, 2, 128).astype("float32")

    def run():
        loss = losses.SparseCategoricalCrossentropy(from_logits=from_logits)
        value, grad = loss.value_and_grad(y, y_pred)
        weighted, wgrad = loss.value_and_grad(y, y_pred, sample_weight=weights)
        values = losses.sparse_categorical_crossentropy(y, y_pred, from_logits=from_logits)
        return value, grad, weighted, wgrad, loss(y, y_pred), values

    results = both_ways(run, expect=_CE_KERNELS[from_logits])
    for a, b in zip(*results):
        _assert_identical(a, b)
    if not from_logits:
        assert not results[0][1][:2].any()  # clipped rows: no gradient, as Keras


@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_crossentropy_labels_out_of_range_raise_the_same_error(both_ways, from_logits):
    from numkeras.errors import ShapeError

    p = _probabilities(6, 4)

    def run():
        loss = losses.SparseCategoricalCrossentropy(from_logits=from_logits)
        with pytest.raises(ShapeError) as info:
            loss.value_and_grad(np.array([0, 1, 4, 2, -1, 3]), p)
        return str(info.value)

    on, off = both_ways(run)
    assert on == off and "outside [0, 3]" in on and "found -1" in on


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
@pytest.mark.parametrize("classes", [10, 300])  # 300: the row sums' pairwise halves
def test_categorical_crossentropy_value_and_gradient(
    both_ways, from_logits, label_smoothing, classes
):
    if from_logits:  # large logits, and a row of infinite ones (NaN loss either way)
        y_pred = _data((64, classes), special=False) * 30
        y_pred[2, 3] = np.inf
    else:
        y_pred = _probabilities(64, classes)
    labels = np.random.default_rng(1).integers(0, classes, 64)
    labels[:2] = 0
    y = np.eye(classes, dtype="float32")[labels]
    y[5] = 0.5 / classes  # a soft target row
    weights = np.linspace(0.5, 2, 64).astype("float32")
    kernels = ["row_max_subtract", "row_sums", "cce_logits_grad"] if from_logits else []
    kernels += ["cce_values"] + ([] if from_logits else ["cce_probs", "cce_probs_grad"])

    def run():
        loss = losses.CategoricalCrossentropy(
            from_logits=from_logits, label_smoothing=label_smoothing
        )
        value, grad = loss.value_and_grad(y, y_pred)
        weighted, wgrad = loss.value_and_grad(y, y_pred, sample_weight=weights)
        values = losses.categorical_crossentropy(y, y_pred, from_logits=from_logits)
        return value, grad, weighted, wgrad, loss(y, y_pred), values

    results = both_ways(run, expect=kernels)
    for a, b in zip(*results):
        _assert_identical(a, b)
    if not from_logits:
        assert not results[0][1][:2].any()  # clipped rows: no gradient, as Keras


@pytest.mark.parametrize("shape", [(256, 1), (32, 7), (5, 300)])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_binary_crossentropy_value_and_gradient(both_ways, shape, label_smoothing):
    from numkeras import activations

    p = activations.sigmoid(_data(shape, special=False) * 20)  # many clipped at 0 and 1
    p.reshape(-1)[:3] = [0.0, 1.0, 1e-9]
    y = (np.random.default_rng(4).random(shape) > 0.5).astype("float32")
    targets = y[:, 0] if shape[1] == 1 else y  # (batch,) targets for one output unit
    weights = np.linspace(0.5, 2, shape[0]).astype("float32")

    def run():
        loss = losses.BinaryCrossentropy(label_smoothing=label_smoothing)
        value, grad = loss.value_and_grad(targets, p)
        weighted, wgrad = loss.value_and_grad(targets, p, sample_weight=weights)
        return value, grad, weighted, wgrad, losses.binary_crossentropy(y, p)

    results = both_ways(run, expect=["bce_terms", "bce_values", "bce_grad"])
    for a, b in zip(*results):
        _assert_identical(a, b)
    assert not results[0][1].reshape(-1)[:2].any()  # clipped: no gradient, as Keras


def test_sparse_categorical_accuracy(both_ways):
    """Counts as NumPy's argmax picks: the first of tied maxima, the first NaN."""
    from numkeras import metrics

    scores = np.random.default_rng(2).integers(0, 3, (200, 5)).astype("float32")  # many ties
    scores[:3] = [[np.nan, 2, 2, 0, 0], [1, 1, np.nan, 3, 0], [-np.inf] * 5]
    labels = np.random.default_rng(3).integers(0, 5, 200)
    labels[:3] = [0, 2, 0]
    weights = np.linspace(0, 1, 200).astype("float32")

    def run():
        plain, column, weighted = (metrics.SparseCategoricalAccuracy() for _ in range(3))
        for rows in (slice(0, 128), slice(128, 200)):
            plain.update_state(labels[rows], scores[rows])
            column.update_state(labels[rows, None].astype("uint8"), scores[rows])
            weighted.update_state(labels[rows], scores[rows], sample_weight=weights[rows])
        return [plain.result(), column.result(), weighted.result(), plain.count]

    on, off = both_ways(run, expect=["sparse_argmax_hits"])
    assert on == off
    expected = (labels == np.argmax(scores, axis=-1)).mean()
    assert on[0] == on[1] == expected and on[3] == 200


def test_leaky_relu_with_a_handed_over_bias_inference_matches_training(both_ways):
    """With the Dense's bias handed over, inference skips writing the biased values back
    (the training cache needs them); the outputs are the same either way."""
    z = _data((40, 12), special=False)
    bias = _data((12,), seed=3, special=False)

    def run():
        layer = layers.LeakyReLU(0.2)
        inference = layer.call(z.copy(), workspace={}, bias=bias).copy()
        biased = z.copy()
        training = layer.forward(biased, workspace={}, bias=bias)[0]
        return inference, training, biased

    (i1, t1, b1), (i2, t2, b2) = both_ways(run, expect=["bias_leaky_relu"])
    for a in (t1, i2, t2):
        _assert_identical(i1, a)
    _assert_identical(b1, z + bias)  # the training cache: the biased values
    _assert_identical(b2, z + bias)


def test_without_runs_the_numpy_code_for_the_named_kernels_only(monkeypatch):
    monkeypatch.setattr(fused, "_enabled", True)
    x, out = np.ones((2, 3), "float32"), np.empty((2, 3), "float32")
    with fused.without("leaky_relu"):
        assert fused.run("leaky_relu", x, np.float32(0.2), out) is None
        if HAVE_NUMBA:  # the others still run
            assert fused.run("relu_grad", x, out, np.float32(1), np.float32(0)) is not None
    if HAVE_NUMBA:
        assert fused.run("leaky_relu", x, np.float32(0.2), out) is not None  # restored
    with pytest.raises(ValueError, match="No fused kernel named \\['nope'\\]"):
        with fused.without("nope"):
            pass
    assert "adam" in fused.kernel_names()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    "shape", [(37, 13), (1, 5), (256, 64), (128, 1024), (4, 7, 6, 13), (3, 9, 5), (2, 3, 2, 3, 4)]
)
@pytest.mark.parametrize("center_scale", [True, False])
def test_batch_normalization_training_step_pieces(both_ways, dtype, shape, center_scale):
    """Batch statistics, the normalization, the moving-statistic update and the backward
    pass through the batch statistics (parameter and input gradients), and inference; on
    channels-last inputs of any rank (the kernels see them as rows of channels)."""
    x = _data(shape, dtype, special=False) * 3 + 1
    x.reshape(-1, shape[-1])[0, :3] = [0.0, -0.0, 1e-30][: shape[-1]]
    dy = _data(shape, dtype, seed=1, special=False)
    rng = np.random.default_rng(2)
    channels = shape[-1]
    weights = [rng.normal(size=channels).astype(dtype) for _ in range(2 if center_scale else 0)]
    weights += [
        rng.normal(size=channels).astype(dtype),
        rng.uniform(0.5, 2, channels).astype(dtype),
    ]

    def run():
        backend.set_floatx(dtype)
        try:
            bn = layers.BatchNormalization(center=center_scale, scale=center_scale, momentum=0.7)
            bn.build(shape)
            bn.set_weights(weights)
            for v in bn.trainable_weights:
                v.start_grad(np.zeros(v.shape, dtype))
            y, cache = bn.forward(x)
            bn.commit_updates()
            dx = bn.backward(cache, dy.copy())
            grads = [v.grad.copy() for v in bn.trainable_weights]
            return [y, dx, *grads, *bn.get_weights(), bn(x)]
        finally:
            backend.set_floatx("float32")

    on, off = both_ways(run, expect=["bn_stats", "bn_apply", "bn_grad"])
    for a, b in zip(on, off):
        _assert_identical(a, b)


def test_batch_normalization_backward_of_a_strided_gradient_keeps_numpys_order(both_ways):
    """NumPy sums a transposed view in another order than a copy: that gradient takes the
    NumPy code, so the result does not depend on whether the kernels are on."""
    x = _data((4, 5, 6), special=False)
    dy = _data((6, 5, 4), seed=1, special=False).T

    def run():
        bn = layers.BatchNormalization()
        bn.build(x.shape)
        for v in bn.trainable_weights:
            v.start_grad(np.zeros(v.shape, "float32"))
        y, cache = bn.forward(x)
        return [y, bn.backward(cache, dy), *(v.grad.copy() for v in bn.trainable_weights)]

    on, off = both_ways(run, expect=["bn_stats"])
    for a, b in zip(on, off):
        _assert_identical(a, b)


def test_batch_normalization_over_another_axis_takes_the_numpy_code(both_ways):
    x = _data((4, 5, 6), special=False)

    def run():
        bn = layers.BatchNormalization(axis=1)
        return bn(x, training=True), bn.get_weights()

    (y1, w1), (y2, w2) = both_ways(run)
    _assert_identical(y1, y2)
    for a, b in zip(w1, w2):
        _assert_identical(a, b)
