"""The operations of `keras.ops.linalg` that numkeras has: norm (vector norms of any order
and the Frobenius norm), shared with `normalize`; `inv`, `det`, `solve`,
`solve_triangular`, `cholesky`, `logdet` / `slogdet` as graph operations with their
backward passes (the standard matrix-calculus rules, as JAX's); and `svd`, `qr`, `eig`,
`eigh`, `lstsq`, `lu_factor`, `pinv`, `matrix_rank`, `cholesky_inverse` on arrays (eager).
All work on batches of matrices (the last two axes).

>>> import numpy as np
>>> Norm(axis=-1)(np.array([[3.0, 4.0]])).tolist()
[5.0]
>>> Norm(ord=1, axis=-1)(np.array([[3.0, -4.0]])).tolist()
[7.0]
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError, IncompatibleShapesError, ShapeError
from numkeras.ops.numpy import _axes, _float
from numkeras.ops.numpy_more import _expanded
from numkeras.ops.operation import Operation, shape_of

_MATRIX_ORDS = ("nuc", 1, -1, 2, -2, float("inf"), float("-inf"))


def _order(ord_):
    """A vector norm's order as a float (None is 2)."""
    if ord_ is None:
        return 2.0
    if isinstance(ord_, str):
        raise ConfigError(f"Invalid `ord` argument for vector norm. Received: ord={ord_}")
    return float(ord_)


def vector_norm(x, p: float, axes: tuple):
    """The `p`-norm of `x` over `axes`, with the reduced axes kept (as 1s)."""
    xp = backend.xp
    a = xp.abs(x)
    if p == 2:
        return xp.sqrt(xp.sum(x * x, axis=axes, keepdims=True))
    if p == 1:
        return xp.sum(a, axis=axes, keepdims=True)
    if p == float("inf"):  # (0 over an empty axis, as JAX's max with initial=0: the sum)
        return xp.max(a, axis=axes, keepdims=True) if a.size else xp.sum(a, axes, keepdims=True)
    if p == float("-inf"):
        return xp.min(a, axis=axes, keepdims=True)
    if p == 0:
        return xp.sum(x != 0, axis=axes, keepdims=True).astype(x.dtype)
    with np.errstate(divide="ignore"):
        return xp.sum(a**p, axis=axes, keepdims=True) ** (1.0 / p)


def vector_norm_grad(x, norm, p: float, axes: tuple, g):
    """The gradient of `vector_norm(x, p, axes)` (`norm`, axes kept) for its gradient `g`
    (axes kept): JAX's rules (the slope of |x| at 0 is 1; ties of the inf-norms share the
    gradient evenly), except that a zero 2-norm or p-norm passes 0 where JAX gives NaN."""
    xp = backend.xp
    sign = xp.where(x >= 0, 1, -1).astype(x.dtype)
    if p == 1:
        return g * sign
    if p in (float("inf"), float("-inf")):
        hits = (xp.abs(x) == norm).astype(x.dtype)
        counts = hits.sum(axis=axes, keepdims=True)
        return g * sign * hits / xp.where(counts == 0, 1, counts)
    if p == 0:
        return xp.zeros_like(x)
    safe = xp.where(norm == 0, 1, norm)
    if p == 2:
        return xp.where(norm == 0, 0, g / safe) * x
    with np.errstate(divide="ignore", invalid="ignore"):
        return xp.where(norm == 0, 0, g * sign * xp.abs(x) ** (p - 1) / safe ** (p - 1))


class Norm(Operation):
    """`norm(x, ord=None, axis=None, keepdims=False)`, as `jnp.linalg.norm`: with `axis`
    None and `ord` None the 2-norm of all entries; over one axis a vector norm of order
    `ord` (2 for None, any number, `inf`, `-inf`, 0); over two axes the Frobenius norm
    (`ord` None or "fro"), the nuclear norm ("nuc"), the largest / smallest column sum
    of magnitudes (1 / -1), row sum (`inf` / `-inf`) or singular value (2 / -2).

    >>> import numpy as np
    >>> Norm(ord=1, axis=(0, 1))(np.array([[1.0, -2.0], [3.0, 4.0]], "float32")).tolist()
    6.0
    """

    keras_module = "keras.src.ops.linalg"

    def __init__(self, ord=None, axis=None, keepdims=False, *, name=None):  # noqa: A002
        super().__init__(name=name)
        if isinstance(ord, str) and ord not in ("fro", "nuc"):
            raise ConfigError(
                "Invalid `ord` argument. Expected one of {'fro', 'nuc'} when using string. "
                f"Received: ord={ord}"
            )
        self.ord = ord
        self.axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis
        self.keepdims = bool(keepdims)

    def get_config(self):
        axis = list(self.axis) if isinstance(self.axis, tuple) else self.axis
        return {"name": self.name, "ord": self.ord, "axis": axis, "keepdims": self.keepdims}

    def _plan(self, ndim: int):
        """(the reduced axes, the vector order p)."""
        if self.axis is None and self.ord is None:
            return tuple(range(ndim)), 2.0
        axes = tuple(range(ndim)) if self.axis is None else _axes(self.axis, ndim)
        if len(axes) == 1:
            return axes, _order(self.ord)
        if len(axes) == 2:
            if self.ord in (None, "fro"):
                return axes, 2.0
            if self.ord in _MATRIX_ORDS:
                return axes, self.ord
            raise ConfigError(f"Invalid `ord` argument for matrix norm. Received: ord={self.ord}")
        raise ConfigError(
            f"Improper number of axes for norm: axis={self.axis} on a tensor of rank {ndim}; "
            "a norm reduces one axis (a vector norm) or two (a matrix norm)."
        )

    def compute_output_spec(self, x):
        shape = shape_of(x)
        axes, _ = self._plan(len(shape))
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(shape))
        return tuple(d for i, d in enumerate(shape) if i not in axes)

    def _forward(self, x):
        x = _float(x)
        axes, p = self._plan(x.ndim)
        empty = any(d == 0 for i, d in enumerate(x.shape) if i not in axes)
        if empty:  # an empty result (max and min over an empty axis have no identity)
            p = 2.0  # (its gradient: empty too)
            norm = backend.xp.zeros([1 if i in axes else d for i, d in enumerate(x.shape)], x.dtype)
            out = norm if self.keepdims else norm.reshape(self.compute_output_spec(x))
            return out, (x, axes, p, norm)
        if len(axes) == 2 and self.ord in _MATRIX_ORDS:
            if self.axis is not None:  # in the given order: (1, 0) swaps rows and columns
                axes = tuple(int(a) % x.ndim for a in self.axis)
            out, cache = _matrix_norm(x, self.ord, axes, self.keepdims)
            return out, (x, axes, ("matrix", self.ord), cache)
        norm = vector_norm(x, p, axes)
        out = (
            norm
            if self.keepdims
            else norm.reshape([d for i, d in enumerate(norm.shape) if i not in axes])
        )
        return backend.xp.asarray(out), (x, axes, p, norm)

    def _backward(self, cache, grad, need):
        x, axes, p, norm = cache
        g = _expanded(grad, x.shape, axes, self.keepdims)
        if isinstance(p, tuple):  # ("matrix", ord): a matrix norm other than Frobenius
            return (_matrix_norm_grad(x, p[1], axes, norm, g),)
        return (vector_norm_grad(x, norm, p, axes, g),)


def _matrix_norm(x, ord_, axes, keepdims):
    """A matrix norm other than Frobenius over `axes` (as `jnp.linalg.norm`), and what its
    gradient needs."""
    xp = backend.xp
    a0, a1 = axes
    if ord_ in (1, -1, float("inf"), float("-inf")):
        # 1: the largest column sum (summed over a0, chosen over a1); inf: the row sum
        over, pick = (a0, a1) if ord_ in (1, -1) else (a1, a0)
        sums = xp.abs(x).sum(axis=over, keepdims=True)
        if ord_ > 0 and sums.shape[pick] == 0:  # (no columns, or rows: 0, as JAX's max)
            chosen = xp.zeros(sums.shape[:pick] + (1,) + sums.shape[pick + 1 :], sums.dtype)
        else:
            chosen = (sums.max if ord_ > 0 else sums.min)(axis=pick, keepdims=True)
        cache = ("sum", sums, chosen, pick)
        out = chosen
    else:
        m = xp.moveaxis(x, (a0, a1), (-2, -1))
        u, s, vt = xp.linalg.svd(m, full_matrices=False)
        if ord_ == "nuc":
            out = s.sum(axis=-1)
        elif s.shape[-1] == 0 and ord_ == 2:
            out = s.sum(axis=-1)  # (a matrix with no rows or columns: 0, as JAX's max)
        elif s.shape[-1] == 0:
            raise ShapeError(
                "zero-size array to reduction operation min which has no identity: the "
                "smallest singular value of an empty matrix (ord=-2)."
            )
        else:
            out = s[..., 0] if ord_ == 2 else s[..., -1]
        cache = ("svd", u, vt)
        out = xp.expand_dims(out, (-2, -1))
        out = xp.moveaxis(out, (-2, -1), (a0, a1))
    if not keepdims:
        out = out.reshape([d for i, d in enumerate(out.shape) if i not in axes])
    return xp.asarray(out, x.dtype), cache


def _matrix_norm_grad(x, ord_, axes, cache, g):
    """The gradient of `_matrix_norm`; `g` has the reduced axes as 1s. Ties for the
    largest (smallest) sum share the gradient evenly, as JAX's max."""
    xp = backend.xp
    a0, a1 = axes
    if cache[0] == "sum":
        _, sums, chosen, pick = cache
        hits = (sums == chosen).astype(x.dtype)
        hits = hits / hits.sum(axis=pick, keepdims=True)
        return (g * hits * xp.sign(x)).astype(x.dtype)
    _, u, vt = cache
    if ord_ == "nuc":
        dm = u @ vt
    else:
        i = 0 if ord_ == 2 else -1
        dm = u[..., :, i : i + 1 if i == 0 else None] @ vt[..., i : i + 1 if i == 0 else None, :]
    gm = xp.moveaxis(g, (a0, a1), (-2, -1))
    return xp.moveaxis(gm * dm, (-2, -1), (a0, a1)).astype(x.dtype)


# -- matrices ---------------------------------------------------------------------------------
def _mT(a):  # noqa: N802 (the matrix transpose, as NumPy's name)
    return backend.xp.swapaxes(a, -1, -2)


def _square(shape, who):
    if len(shape) < 2 or (None not in shape[-2:] and shape[-1] != shape[-2]):
        raise ShapeError(
            f"{who} takes square matrices (the last two axes equal); received shape {tuple(shape)}."
        )


def _floats(*xs):
    arrays = [_float(x) for x in xs]
    dtype = np.result_type(*[a.dtype for a in arrays])
    return [a.astype(dtype, copy=False) for a in arrays]


class _Linalg(Operation):
    keras_module = "keras.src.ops.linalg"

    def compute_output_spec(self, x):
        _square(shape_of(x), type(self).__name__.lower())
        return shape_of(x)


class Inv(_Linalg):
    """The inverse; gradient `-inv(a)^T g inv(a)^T`."""

    def _forward(self, x):
        (a,) = _floats(x)
        y = backend.xp.linalg.inv(a)
        return y, y

    def _backward(self, cache, grad, need):
        yt = _mT(cache)
        return (-(yt @ grad @ yt),)


class Det(_Linalg):
    """The determinant; gradient `g det(a) inv(a)^T`."""

    def compute_output_spec(self, x):
        super().compute_output_spec(x)
        return shape_of(x)[:-2]

    def _forward(self, x):
        (a,) = _floats(x)
        d = backend.xp.linalg.det(a)
        return backend.xp.asarray(d, a.dtype), (a, d)

    def _backward(self, cache, grad, need):
        a, d = cache
        return ((grad * d)[..., None, None] * _mT(backend.xp.linalg.inv(a)),)


class Logdet(Det):
    """`log(det(x))` (computed by slogdet, as Keras's JAX backend); gradient
    `g inv(x)^T`."""

    keras_module = "keras.src.ops.math"

    def _forward(self, x):
        (a,) = _floats(x)
        _, logabs = backend.xp.linalg.slogdet(a)
        return backend.xp.asarray(logabs, a.dtype), (a, None)

    def _backward(self, cache, grad, need):
        a, _ = cache
        return (grad[..., None, None] * _mT(backend.xp.linalg.inv(a)),)


class Slogdet(Det):
    """`(sign, log|det|)`; the gradient reaches `x` through the log."""

    keras_module = "keras.src.ops.numpy"
    multi_output = True

    def compute_output_spec(self, x):
        out = super().compute_output_spec(x)
        return [out, out]

    def _forward(self, x):
        (a,) = _floats(x)
        sign, logabs = backend.xp.linalg.slogdet(a)
        return [backend.xp.asarray(sign, a.dtype), backend.xp.asarray(logabs, a.dtype)], a

    def _backward(self, cache, grad, need):
        return (grad[1][..., None, None] * _mT(backend.xp.linalg.inv(cache)),)


def _as_matrix(b, a):
    """`b` as a stack of column matrices (a vector `b` of `a`'s rank minus one becomes one
    column), and whether it was a vector."""
    vector = b.ndim == a.ndim - 1 or b.ndim == 1
    return (b[..., None] if vector else b), vector


class Solve(_Linalg):
    """`solve(a, b)`: `x` with `a x = b` (`b` a matrix or a vector); gradients
    `gb = solve(a^T, g)`, `ga = -gb x^T`."""

    def compute_output_spec(self, a, b):
        sa, sb = shape_of(a), shape_of(b)
        _square(sa, "solve")
        # (b's rows: its second-last axis, or its last where it is one vector per matrix)
        rows = sb[-1] if len(sb) == 1 or len(sb) == len(sa) - 1 else sb[-2]
        if sb and None not in (rows, sa[-1]) and rows != sa[-1]:
            raise ShapeError(
                f"solve(a, b) needs one row of b per row of a: a has shape {tuple(sa)} "
                f"({sa[-1]} rows), b has shape {tuple(sb)} ({rows} rows)."
            )
        return sb

    def output_dtype(self, a, b) -> str:
        from numkeras.ops.operation import result_dtype

        return result_dtype(a, b)

    def _solve(self, a, b):
        return backend.xp.linalg.solve(a, b)

    def _forward(self, a, b):
        a, b = _floats(a, b)
        self.compute_output_spec(a, b)  # (the error, with both shapes)
        bm, vector = _as_matrix(b, a)
        x = self._solve(a, bm)
        return (x[..., 0] if vector else x), (a, x, vector, b.shape)

    def _backward(self, cache, grad, need):
        a, x, vector, bshape = cache
        g = grad[..., None] if vector else grad
        gb = self._solve_t(a, g)
        ga = -(gb @ _mT(x))
        ga = self._mask(ga)
        from numkeras.backend import sum_to_shape

        return sum_to_shape(ga, a.shape), sum_to_shape(gb[..., 0] if vector else gb, bshape)

    def _solve_t(self, a, g):
        return backend.xp.linalg.solve(_mT(a), g)

    def _mask(self, ga):
        return ga


class SolveTriangular(Solve):
    """`solve_triangular(a, b, lower=False)`: `solve` reading only the lower (or upper)
    triangle of `a`; its gradient is confined to that triangle."""

    def __init__(self, lower=False, *, name=None):
        super().__init__(name=name)
        self.lower = bool(lower)

    def get_config(self):
        return {"name": self.name, "lower": self.lower}

    def _tri(self, a):
        xp = backend.xp
        return xp.tril(a) if self.lower else xp.triu(a)

    def _solve(self, a, b):
        return backend.xp.linalg.solve(self._tri(a), b)

    def _solve_t(self, a, g):
        return backend.xp.linalg.solve(_mT(self._tri(a)), g)

    def _mask(self, ga):
        return self._tri(ga)


class Cholesky(_Linalg):
    """`cholesky(x, upper=False)`: lower `L` with `L L^T = (x + x^T) / 2` (JAX
    symmetrizes its input), or `L^T` with `upper`; a matrix that is not positive definite
    raises. Gradient: Murray's rule, symmetric."""

    def __init__(self, upper=False, *, name=None):
        super().__init__(name=name)
        self.upper = bool(upper)

    def get_config(self):
        return {"name": self.name, "upper": self.upper}

    def _forward(self, x):
        xp = backend.xp
        (a,) = _floats(x)
        try:
            low = xp.linalg.cholesky((a + _mT(a)) / 2)
        except np.linalg.LinAlgError:
            raise ValueError(
                "Cholesky decomposition failed. The input might not be a valid positive "
                "definite matrix."
            ) from None
        return (_mT(low) if self.upper else low), low

    def _backward(self, cache, grad, need):
        xp = backend.xp
        low = cache
        g = _mT(grad) if self.upper else grad
        n = low.shape[-1]
        p = _mT(low) @ g
        phi = xp.tril(p) - 0.5 * xp.eye(n, dtype=p.dtype) * p  # the lower triangle, half diagonal
        inv = xp.linalg.inv(low)
        s = _mT(inv) @ phi @ inv
        return ((s + _mT(s)) / 2,)


OPS = {"Norm": Norm}
# the matrix operations (kept apart from `OPS`, which lists the norm alone)
MATRIX_OPS = {cls.__name__: cls for cls in (Inv, Det, Solve, SolveTriangular, Cholesky)}
MATH_OPS = {"Logdet": Logdet}
NUMPY_OPS = {"Slogdet": Slogdet}


def jvp(fun, primals, tangents, has_aux: bool = False):
    """`keras.ops.jvp` (also `keras.ops.linalg.jvp`): `(fun(*primals), J @ tangents)`, as
    `jax.jvp`, from reverse-mode passes (numkeras/autodiff/jvp.py); eager only."""
    from numkeras.autodiff.jvp import jvp as _jvp
    from numkeras.errors import InputTypeError
    from numkeras.ops.numpy_rest import _contains_tensor

    if _contains_tensor((primals, tangents)):
        raise InputTypeError(
            "numkeras.ops.jvp runs on arrays only (eager), through a GradientTape: call it "
            "on arrays, not on a functional model's symbolic tensors."
        )
    return _jvp(fun, primals, tangents, has_aux)


# -- eager-only decompositions ----------------------------------------------------------------
def _eager(name, *xs):
    from numkeras.ops.numpy_rest import eager_only

    eager_only(name, *xs)
    return _floats(*xs)


def _rank2(x, who):
    if x.ndim < 2:
        raise ShapeError(
            f"Expected input to have rank >= 2. Received input with shape {tuple(x.shape)} ({who})."
        )


def svd(x, full_matrices: bool = True, compute_uv: bool = True):
    """`(u, s, vh)` with `x = u diag(s) vh` (or `s` alone); eager only."""
    (a,) = _eager("svd", x)
    return backend.xp.linalg.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)


def qr(x, mode: str = "reduced"):
    """`(q, r)` with `x = q r`; eager only."""
    if mode not in {"reduced", "complete"}:
        raise ConfigError(
            "`mode` argument value not supported. Expected one of {'reduced', 'complete'}. "
            f"Received: mode={mode}"
        )
    (a,) = _eager("qr", x)
    if a.ndim < 2:  # (JAX's eager TypeError, Keras's symbolic ValueError: both)
        raise IncompatibleShapesError(
            f"qr takes matrices (rank >= 2); received shape {tuple(a.shape)}. For a vector "
            "v, pass v[:, None]."
        )
    return backend.xp.linalg.qr(a, mode=mode)


def eig(x):
    """Eigenvalues and eigenvectors of a general matrix (complex); eager only."""
    (a,) = _eager("eig", x)
    w, v = np.linalg.eig(a)
    c = np.result_type(a.dtype, np.complex64)
    return w.astype(c), v.astype(c)


def eigh(x):
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix; eager only."""
    (a,) = _eager("eigh", x)
    return backend.xp.linalg.eigh(a)


def lstsq(a, b, rcond=None):
    """The least-squares solution `x` of `a x = b`; eager only."""
    a, b = _eager("lstsq", a, b)
    return np.linalg.lstsq(a, b, rcond=rcond)[0].astype(a.dtype)


def pinv(x, rcond=None):
    """The Moore-Penrose pseudo-inverse; eager only."""
    (a,) = _eager("pinv", x)
    _rank2(a, "pinv")
    if rcond is None:  # JAX's default: 10 * max(M, N) * eps
        rcond = 10 * max(a.shape[-2:]) * np.finfo(a.dtype).eps
    return backend.xp.linalg.pinv(a, rcond=rcond).astype(a.dtype)


def matrix_rank(x, tol=None):
    """The int32 rank of each matrix (singular values above `tol`); eager only."""
    (a,) = _eager("matrix_rank", x)
    _rank2(a, "matrix_rank")
    return backend.xp.asarray(np.linalg.matrix_rank(a, tol=tol)).astype("int32")


def lu_factor(x):
    """`(lu, pivots)` of the LU factorization with partial pivoting, as
    `jax.scipy.linalg.lu_factor` (int32 pivots, 0-based row swaps); eager only."""
    (a,) = _eager("lu_factor", x)
    _rank2(a, "lu_factor")
    batch = a.shape[:-2]
    flat = a.reshape(-1, *a.shape[-2:])
    lus, pivs = [], []
    for m in flat:
        lu = np.array(m, dtype=a.dtype)
        n, k = lu.shape[0], min(lu.shape)
        piv = np.zeros(k, "int32")
        for j in range(k):
            p = j + int(np.argmax(np.abs(lu[j:, j])))
            piv[j] = p
            if p != j:
                lu[[j, p]] = lu[[p, j]]
            if lu[j, j] != 0:
                lu[j + 1 :, j] /= lu[j, j]
                lu[j + 1 :, j + 1 :] -= np.outer(lu[j + 1 :, j], lu[j, j + 1 :])
        lus.append(lu)
        pivs.append(piv)
        del n
    return (
        np.stack(lus).reshape(*batch, *a.shape[-2:]),
        np.stack(pivs).reshape(*batch, min(a.shape[-2:])),
    )


def cholesky_inverse(x, upper: bool = False):
    """The inverse of `L L^T` from its Cholesky factor `x` (`L^T` with `upper`; only that
    triangle of `x` is read)."""
    from numkeras import ops

    swap = _swap_last(len(ops.shape(x)))
    low = ops.transpose(ops.triu(x), swap) if upper else ops.tril(x)
    return ops.inv(ops.matmul(low, ops.transpose(low, _swap_last(len(ops.shape(low))))))


def _swap_last(n):
    axes = list(range(n))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return axes


def __getattr__(name: str):
    """`keras.ops.linalg.<name>` spellings (`ops.linalg.solve`): the public `numkeras.ops`
    function of that name (this module holds their implementations)."""
    from numkeras.ops.operation import public_op

    return public_op(__name__, name)
