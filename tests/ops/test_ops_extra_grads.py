"""Backward passes of the further ops on the cases the goldens leave out, against central
differences in float64: einsum's general gradient (ellipses of different ranks, size-1
broadcasting, diagonals, letters one operand sums alone), cumprod through several zeros,
take with repeated indices, the pad modes, sort with ties, and attention with grouped
heads, a bias and a fully masked query."""

import numpy as np
import pytest

from numkeras import ops
from numkeras.layers.keras_tensor import KerasTensor
from numkeras.utils.gradcheck import numeric_gradient


def _check(fn, *xs, rng=None, rtol=1e-6, atol=1e-8):
    """The gradient of `sum(fn(*xs) * r)` through the recorded operation's backward pass,
    for each float input, against central differences."""
    rng = rng or np.random.default_rng(0)
    syms = [KerasTensor(x.shape, dtype=str(x.dtype)) for x in xs]
    out = fn(*syms)
    node = (out[0] if isinstance(out, (list, tuple)) else out).node
    op = node.layer
    where = [next(i for i, s in enumerate(syms) if s is u) for u in node.inputs]
    got, cache = op.forward([xs[i] for i in where])
    outs = got if op.multi_output else [got]
    rs = [rng.normal(size=o.shape) if o.dtype.kind == "f" else None for o in outs]
    cot = [np.zeros(o.shape) if r is None else r for o, r in zip(outs, rs)]
    grads = op.backward(cache, cot if op.multi_output else cot[0])
    total = [np.zeros(x.shape) for x in xs]
    for i, g in zip(where, grads):
        if g is not None:
            total[i] = total[i] + g

    def f():
        res, _ = op.forward([xs[i] for i in where])
        res = res if op.multi_output else [res]
        return float(sum((o * r).sum() for o, r in zip(res, rs) if r is not None))

    for x, g in zip(xs, total):
        if x.dtype.kind == "f":
            np.testing.assert_allclose(g, numeric_gradient(f, x), rtol=rtol, atol=atol)
    return total


EINSUM = [
    ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),  # ellipses of ranks 2 and 1, size 1
    ("i...,i->...", [(3, 2, 2), (3,)]),
    ("ij,ij->ij", [(1, 3), (2, 3)]),  # a letter of size 1 broadcast
    ("iij->ij", [(3, 3, 2)]),  # a diagonal
    ("iji->j", [(2, 3, 2)]),
    ("ij,jk->i", [(2, 3), (3, 4)]),  # k summed by the second operand alone
    ("abc->", [(2, 3, 2)]),
    ("ab,cd->abcd", [(2, 3), (1, 2)]),
    ("bthd,bshd->bhts", [(2, 3, 2, 4), (2, 5, 2, 4)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
]


@pytest.mark.parametrize("subscripts,shapes", EINSUM)
def test_einsum_backward(subscripts, shapes):
    rng = np.random.default_rng(1)
    xs = [rng.normal(size=s) for s in shapes]
    got = ops.einsum(subscripts, *xs)
    np.testing.assert_allclose(got, np.einsum(subscripts, *xs), rtol=1e-12)
    _check(lambda *t: ops.einsum(subscripts, *t), *xs, rng=rng)


def test_einsum_leaves_integer_operands_without_gradient():
    x = np.arange(6.0).reshape(2, 3)
    idx = np.ones((3, 2), "int32")
    grads = _check(lambda a, b: ops.einsum("ij,jk->ik", a, b), x, idx)
    assert not grads[1].any()


def test_cumprod_through_several_zeros_and_no_zeros():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 5))
    x[0, 1] = x[0, 3] = 0.0
    x[1, 4] = 0.0
    _check(lambda t: ops.cumprod(t, axis=1), x)
    _check(lambda t: ops.cumprod(t, axis=0), rng.normal(size=(4, 2)))


def test_take_with_repeated_and_negative_indices_sums_the_gradient():
    x = np.arange(12.0).reshape(3, 4)
    grads = _check(lambda t: ops.take(t, np.array([[0, 0], [-1, 3]]), axis=1), x)
    assert grads[0].shape == (3, 4)
    out = ops.take(x, np.array([[0, 0], [-1, 3]]), axis=1)
    assert out.shape == (3, 2, 2)
    _check(lambda t: ops.take(t, np.array([5, 5, 0])), x)
    _check(
        lambda t, i: ops.take_along_axis(t, i, axis=0),
        np.arange(6.0).reshape(2, 3),
        np.array([[1, 1, 0], [1, 1, 1]]),
    )


@pytest.mark.parametrize("mode", ["constant", "reflect", "symmetric", "edge", "wrap"])
def test_pad_modes(mode):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 3, 4))
    widths = [[0, 1], [2, 3], [1, 4]]
    np.testing.assert_array_equal(ops.pad(x, widths, mode=mode), np.pad(x, widths, mode=mode))
    _check(lambda t: ops.pad(t, widths, mode=mode), x)


def test_sort_and_top_k_gradients_follow_tied_entries_in_order():
    x = np.array([[1.0, 3.0, 1.0, 3.0, 2.0]])
    values, indices = ops.top_k(x, 3)
    np.testing.assert_array_equal(indices, [[1, 3, 4]])  # ties: the lower index first
    g = _check(lambda t: ops.top_k(t, 3), np.array([[1.0, 3.0, 1.5, 3.5, 2.0]]))[0]
    assert g.shape == (1, 5) and g[0, 0] == 0
    _check(lambda t: ops.sort(t, axis=0), np.random.default_rng(4).normal(size=(4, 3)))


def test_attention_with_grouped_heads_a_bias_and_a_fully_masked_query():
    rng = np.random.default_rng(5)
    q = rng.normal(size=(2, 3, 4, 2))
    k = rng.normal(size=(2, 5, 2, 2))
    v = rng.normal(size=(2, 5, 2, 2))
    bias = rng.normal(size=(1, 4, 3, 5))
    mask = rng.random((2, 1, 3, 5)) < 0.7
    mask[0, 0, 1] = False  # query 1 of sample 0 sees no key: the mean of the values
    out = ops.dot_product_attention(q, k, v, bias, mask)
    np.testing.assert_allclose(out[0, 1], np.repeat(v[0].mean(axis=0), 2, axis=0), rtol=1e-10)
    _check(lambda *t: ops.dot_product_attention(*t, mask=mask), q, k, v, bias, atol=1e-7)
    _check(lambda *t: ops.dot_product_attention(*t, is_causal=True, scale=0.7), q, k, v)


def test_average_linspace_diag_and_stacks():
    rng = np.random.default_rng(6)
    x, w = rng.normal(size=(3, 4)), rng.uniform(0.5, 2.0, size=(3,))
    _check(lambda a, b: ops.average(a, axis=0, weights=b), x, w)
    _check(lambda a, b: ops.linspace(a, b, 4, axis=1), rng.normal(size=(2,)), rng.normal(size=(2,)))
    _check(lambda a: ops.diag(a, k=2), rng.normal(size=(3, 5)))
    _check(lambda a, b: ops.hstack([a, b]), rng.normal(size=(3,)), rng.normal(size=(2,)))
    _check(lambda a: ops.tensordot(a, np.ones((4, 2)), axes=1), x)
