"""The flat fast path, optimizer sharing across variable sets, and float32 discipline."""

import numpy as np
import pytest

from numkeras import optimizers
from numkeras.variables import Variable

SHAPES = [(300, 257), (257,), (257, 10), (10,), (), (4, 5)]  # 77k+ elements: several chunks


def viewing(array, name: str) -> Variable:
    """A variable over `array` itself (a view into a flat buffer), as a model binds its
    weights (`Variable` copies what it is given, as Keras's)."""
    var = Variable(array, name=name)
    var._rebind(array)
    return var


def flat_views(values):
    buf = np.zeros(sum(v.size for v in values), np.float32)
    views, off = [], 0
    for v in values:
        view = buf[off : off + v.size].reshape(v.shape)
        view[...] = v
        views.append(view)
        off += v.size
    return views


def grads_seq(steps=3, seed=1, shapes=SHAPES):
    rng = np.random.default_rng(seed)
    return [[rng.standard_normal(s).astype(np.float32) for s in shapes] for _ in range(steps)]


def init_values(seed=0, shapes=SHAPES):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(np.float32) for s in shapes]


CONFIGS = [
    ("SGD", {}),
    ("SGD", dict(momentum=0.9, nesterov=True)),
    ("Adam", dict(amsgrad=True)),
    ("Adam", dict(clipvalue=0.5)),
    ("Adam", dict(clipnorm=1.0)),
    ("AdamW", {}),
    ("RMSprop", dict(momentum=0.5, centered=True)),
    ("Adagrad", {}),
    ("Adamax", {}),
    ("Nadam", dict(loss_scale_factor=2.0)),
    ("Adam", dict(gradient_accumulation_steps=2)),
    ("Adadelta", dict(weight_decay=0.01)),
    ("Ftrl", dict(l1_regularization_strength=0.01, l2_shrinkage_regularization_strength=0.1)),
    ("Ftrl", dict(learning_rate_power=-0.3, beta=0.5)),
    ("Lion", dict(clipvalue=0.5)),
    ("Lamb", dict(weight_decay=0.01)),
    ("Lamb", dict(clipnorm=1.0, gradient_accumulation_steps=2)),
    ("Adafactor", {}),
    ("Adafactor", dict(global_clipnorm=1.0, loss_scale_factor=2.0)),
]


def train(cls_name, kwargs, flat, steps=3):
    opt = getattr(optimizers, cls_name)(learning_rate=0.01, **kwargs)
    values = init_values()
    if flat:
        values = flat_views(values)
        gbufs = flat_views([np.zeros(s, np.float32) for s in SHAPES])
    variables = [viewing(v, f"v{i}") for i, v in enumerate(values)]
    for grads in grads_seq(steps):
        if flat:
            for b, g in zip(gbufs, grads):
                b[...] = g
            grads = gbufs
        opt.apply(grads, variables)
    return opt, variables


@pytest.mark.parametrize("cls_name,kwargs", CONFIGS, ids=[f"{c}{k}" for c, k in CONFIGS])
def test_flat_path_is_bit_identical_to_per_variable(cls_name, kwargs):
    opt_a, va = train(cls_name, kwargs, flat=False)
    opt_b, vb = train(cls_name, kwargs, flat=True)
    for a, b in zip(va, vb):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    for a, b in zip(opt_a.variables, opt_b.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        assert a.dtype in (np.float32, np.int32)


def test_global_clipnorm_flat_matches_per_variable():
    _, va = train("SGD", dict(global_clipnorm=1.0), flat=False)
    _, vb = train("SGD", dict(global_clipnorm=1.0), flat=True)
    for a, b in zip(va, vb):  # the norm is summed in another order: allclose, not equal
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7)


def test_flat_path_runs_one_segment_over_views():
    opt, variables = train("Adam", {}, flat=True, steps=1)
    plan = opt._plan(variables, tuple(map(id, variables)))
    assert len(plan) == 1 and len(plan[0].states) == len(SHAPES)
    seg = plan[0]
    assert np.shares_memory(seg.param, variables[0].value)
    assert np.shares_memory(seg.param, variables[-1].value)
    # The slots of all variables are views into one flat array per slot name.
    m0, m1 = opt.get_slot(variables[0], "momentum"), opt.get_slot(variables[-1], "momentum")
    assert m0.base is m1.base and m0.shape == SHAPES[0] and m1.shape == SHAPES[-1]
    # Gradients held as views of one buffer are used in place (no copy).
    assert seg.gflat is not None and np.shares_memory(seg.gflat, seg.grads[0])


def test_noncontiguous_gradients_fall_back_per_variable():
    opt_a, va = train("Adam", {}, flat=True)
    opt = optimizers.Adam(learning_rate=0.01)
    values = flat_views(init_values())
    variables = [viewing(v, f"v{i}") for i, v in enumerate(values)]
    for grads in grads_seq():
        opt.apply([g.copy() for g in grads], variables)  # separate arrays, not views
    for a, b in zip(va, variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_rebinding_values_invalidates_the_cached_plan():
    opt = optimizers.SGD(learning_rate=0.1)
    values = flat_views(init_values())
    variables = [viewing(v, f"v{i}") for i, v in enumerate(values)]
    grads = grads_seq(2)
    opt.apply(grads[0], variables)
    # A model rebuilds its flat buffer: every value moves to a new buffer.
    new_views = flat_views([np.zeros(s, np.float32) for s in SHAPES])
    for v, view in zip(variables, new_views):
        v._rebind(view)
    before = [v.numpy() for v in variables]
    opt.apply(grads[1], variables)
    for v, b, g, view in zip(variables, before, grads[1], new_views):
        assert v.value is view
        np.testing.assert_allclose(v.numpy(), b - np.float32(0.1) * g, rtol=1e-6, atol=1e-7)


def reference_per_variable(cls_name, kwargs, schedule_of_calls, init, grads):
    """Each variable trained by its own optimizer on exactly the calls it is part of, at the
    shared optimizer's step (Keras's rule: every update is step `iterations + 1`)."""
    out = {}
    for idx in range(len(init)):
        opt = getattr(optimizers, cls_name)(**kwargs)
        var = Variable(init[idx].copy(), name=f"ref{idx}")
        for call, members in enumerate(schedule_of_calls):
            if idx in members:
                opt.iterations.assign(call)
                opt.apply([grads[call][idx]], [var])
        out[idx] = var.numpy()
    return out


@pytest.mark.parametrize("flat", [False, True])
@pytest.mark.parametrize(
    "cls_name",
    ["Adam", "Nadam", "Adamax", "RMSprop", "Adadelta", "Ftrl", "Lion", "Lamb", "Adafactor"],
)
def test_one_optimizer_shared_by_disjoint_and_overlapping_sets(cls_name, flat):
    shapes = [(3, 4), (4,), (4, 2), (2,)]
    init = init_values(shapes=shapes)
    values = flat_views(init) if flat else [a.copy() for a in init]
    variables = [viewing(v, f"v{i}") for i, v in enumerate(values)]
    # Like a GAN loop: D alone, G alone, D again; then an overlapping set and a subset,
    # so variables in one flat segment have had different numbers of updates.
    calls = [(0, 1), (2, 3), (0, 1), (1, 2), (0, 1, 2, 3), (1,), (0, 1, 2, 3)]
    rng = np.random.default_rng(3)
    grads = [[rng.standard_normal(s).astype(np.float32) for s in shapes] for _ in calls]
    opt = getattr(optimizers, cls_name)(learning_rate=0.05)
    for call, members in enumerate(calls):
        opt.apply([grads[call][i] for i in members], [variables[i] for i in members])
    assert opt.iterations == len(calls)
    want = reference_per_variable(cls_name, dict(learning_rate=0.05), calls, init, grads)
    for i, v in enumerate(variables):
        np.testing.assert_allclose(v.numpy(), want[i], rtol=1e-6, atol=1e-7)
        assert v.value.dtype == np.float32


def test_new_variable_gets_fresh_slots_and_the_shared_step():
    opt = optimizers.Adam(learning_rate=0.1)
    a = Variable(np.zeros(3, np.float32), name="a")
    for _ in range(4):
        opt.apply([np.ones(3, np.float32)], [a])
    c = Variable(np.zeros(2, np.float32), name="c")
    opt.apply([np.array([1.0, -1.0], np.float32)], [c])
    np.testing.assert_array_equal(opt.get_slot(c, "momentum"), np.float32([0.1, -0.1]))
    # Its first update is the optimizer's 5th step, as in Keras: the bias corrections are
    # those of step 5, so it moves by lr * sqrt(1 - 0.999**5) / (1 - 0.9**5) / sqrt(0.001)
    # * 0.1, not by lr
    move = 0.1 * np.sqrt(1 - 0.999**5) / (1 - 0.9**5) * 0.1 / np.sqrt(0.001)
    np.testing.assert_allclose(c.numpy(), [-move, move], rtol=5e-5)  # (and epsilon)
    assert opt.iterations == 5


def test_float64_gradients_are_cast_and_nothing_upcasts():
    opt = optimizers.Adam(learning_rate=0.01, weight_decay=0.1, global_clipnorm=1.0)
    v = Variable(np.ones((2, 3), np.float32), name="w")
    opt.apply([np.full((2, 3), 0.5)], [v])  # float64 gradient
    opt.apply([[[1, 2, 3], [4, 5, 6]]], [v])  # nested lists of ints
    assert v.value.dtype == np.float32
    assert all(s.dtype in (np.float32, np.int32) for s in opt.variables)
    assert isinstance(opt.learning_rate, float)  # no float64 array
