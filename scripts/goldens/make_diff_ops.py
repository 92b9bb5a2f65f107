"""Golden values for the differential checks of `numkeras.ops` against real Keras 3
(tests/ops/test_diff_ops.py): result dtypes under Keras's promotion rules, NaN handling,
exception types and the ops numkeras was missing, produced by Keras 3 on JAX.

Run with Keras and JAX installed (from a directory other than the repository root):
    KERAS_BACKEND=jax python scripts/goldens/make_diff_ops.py
Writes tests/goldens/diff_ops.json: `setup` (Python statements run first, with `np` and
`ops` bound) and, per case, its expression and Keras's result: `{"dtype", "shape",
"value"}` for an array (floats to 7 significant digits, NaN as null), `{"type", "items"}`
for a tuple or list, `{"py", "value"}` for a Python number, or `{"raises"}` with the
exception's type name.
"""

import json
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "goldens" / "diff_ops.json"

SETUP = """
i8 = np.array([1, -2, 3], "int8")
u8 = np.array([200, 100, 3], "uint8")
i16 = np.array([4, 5, -6], "int16")
i32 = np.array([1, 2, 3], "int32")
i64 = np.array([1, 2, 3], "int64")
f16 = np.array([1.5, 2, 3], "float16")
f32 = np.array([1.5, -2, 3], "float32")
b = np.array([True, False, True])
n = np.array([1.0, np.nan, 3.0, 0.5], "float32")
x = np.arange(12, dtype="float32").reshape(3, 4) - 5
lg = np.random.default_rng(0).normal(size=(3, 8, 5)).astype("float32")
a = np.array([[1.0, -2.0, 0.5], [3.0, 4.0, -1.0], [0.0, 2.0, 2.0], [-1.0, 1.0, 3.0]], "float32")
"""

CASES = {
    # Keras's promotion lattice, not NumPy's (int32 with float32 is float32)
    "add_i32_f32": "ops.add(i32, f32)",
    "add_i32_pyfloat": "ops.add(i32, 2.5)",
    "add_bool_pyint": "ops.add(b, 1)",
    "add_bool_pyfloat": "ops.add(b, 1.5)",
    "add_i64_f32": "ops.add(i64, f32)",
    "add_i16_f16": "ops.add(i16, f16)",
    "add_i8_u8": "ops.add(i8, u8)",
    "add_pyint_pyint": "ops.add(2, 3)",
    "add_int_lists": "ops.add([1, 2], [3, 4])",
    "add_float_lists": "ops.add([1.0, 2], [3, 4])",
    "multiply_i32_f32": "ops.multiply(i32, f32)",
    "subtract_f32_i32": "ops.subtract(f32, i32)",
    "divide_i32": "ops.divide(i32, i32)",
    "divide_i64": "ops.divide(i64, i64)",
    "divide_f16_i32": "ops.divide(f16, i32)",
    "true_divide_u8": "ops.true_divide(u8, 2)",
    "floor_divide_i32_pyfloat": "ops.floor_divide(i32, 2.0)",
    "mod_i32_pyfloat": "ops.mod(i32, 2.5)",
    "power_i32_pyfloat": "ops.power(i32, 0.5)",
    "power_bool": "ops.power(b, 2)",
    "maximum_i32_pyfloat": "ops.maximum(i32, 1.5)",
    "minimum_bool_pyint": "ops.minimum(b, 2)",
    "where_pyints": "ops.where(b, 1, 0)",
    "where_i32_pyfloat": "ops.where(b, i32, 1.5)",
    "matmul_i32_f32": "ops.matmul(i32, f32)",
    "vdot_i32_f32": "ops.vdot(i32, f32)",
    "concatenate_i32_f32": "ops.concatenate([i32, f32])",
    "stack_i32_f32": "ops.stack([i32, f32])",
    "kron_i32_f32": "ops.kron(i32, f32)",
    "inner_i32_f32": "ops.inner(i32, f32)",
    "cross_i32_f32": "ops.cross(i32, f32)",
    "clip_i32_pyfloat": "ops.clip(i32, 0.5, 2.5)",
    "clip_bool": "ops.clip(b, 0, 1)",
    "square_bool": "ops.square(b)",
    "relu_i32": "ops.relu(i32 - 2)",
    "matmul_int8_in_int32": "ops.matmul(np.full((2, 3), 100, 'int8'), np.ones((3, 2), 'int8'))",
    "append_i32_pyint": "ops.append(i32, 2)",
    "hypot_f16_i32": "ops.hypot(f16, i32)",
    "logaddexp_f16_i32": "ops.logaddexp(f16, i32)",
    "divide_no_nan_f16_i32": "ops.divide_no_nan(f16, i32)",
    "power_bools": "ops.power(b, b)",
    "mod_bools": "ops.mod(b, b)",
    "floor_divide_bools": "ops.floor_divide(b, np.ones(3, bool))",
    "relu_i8": "ops.relu(i8)",
    "heaviside_i32": "ops.heaviside(i32 - 2, 0)",
    # reductions of integers: int32 (narrow ones widened), not NumPy's int64
    "sum_i8": "ops.sum(i8)",
    "sum_u8": "ops.sum(u8)",
    "sum_bool": "ops.sum(b)",
    "sum_i32": "ops.sum(i32)",
    "sum_int_list": "ops.sum([1, 2, 3])",
    "prod_i8": "ops.prod(i8)",
    "prod_bool": "ops.prod(b)",
    "nansum_i32": "ops.nansum(i32)",
    "nanmax_i32": "ops.nanmax(i32)",
    "nanmin_u8": "ops.nanmin(u8)",
    "nanmax_bool": "ops.nanmax(b)",
    "nanprod_i8": "ops.nanprod(i8)",
    "cumsum_i8": "ops.cumsum(i8)",
    "cumsum_u8_wraps": "ops.cumsum(u8)",
    "trace_i8": "ops.trace(np.eye(2, dtype='int8'))",
    "trace_offset": "ops.trace(x, offset=1)",
    "trace_3d": "ops.trace(np.ones((2, 3, 3), 'float32'), axis1=1, axis2=2)",
    # one-argument where, advanced indexing, NaN handling
    "where_one_argument": "ops.where(b)",
    "get_item_bool_mask": "ops.get_item(x, x > 0)",
    "get_item_index_array": "ops.get_item(x, np.array([2, 0]))",
    "top_k_nan_first": "ops.top_k(n, 2)",
    "median_nan": "ops.median(n)",
    "quantile_nan": "ops.quantile(n, 0.5)",
    # dtype arguments as NumPy types
    "cast_numpy_type": "ops.cast(x, np.int32)",
    "cast_numpy_dtype": "ops.cast(x, np.dtype('float16'))",
    "zeros_numpy_type": "ops.zeros((2,), dtype=np.int8)",
    # saturate_cast's limits
    "saturate_cast_nan_inf": "ops.saturate_cast(np.array([np.nan, np.inf, -np.inf], 'f'), 'int32')",
    "saturate_cast_uint8": "ops.saturate_cast(np.array([-1.5, 300.7], 'float32'), 'uint8')",
    "saturate_cast_bool": "ops.saturate_cast(x, 'bool')",
    # convert_to_tensor
    "convert_sparse_true_dense": "ops.convert_to_tensor(x, sparse=True)",
    "convert_none": "ops.convert_to_tensor(None)",
    # control flow gives tensors for Python numbers
    "cond_tuple": "ops.cond(True, lambda: (x, 1.0), lambda: (x, 2.0))",
    "fori_loop_tuple": "ops.fori_loop(0, 3, lambda i, v: (v[0] + 1, v[1] * 2), (0, 1.0))",
    "scan_length": "ops.scan(lambda c, _: (c + 1.0, c), 0.0, None, length=3)",
    # the keras.ops.nn / .numpy / .linalg spellings
    "namespace_nn_relu": "ops.nn.relu(f32)",
    "namespace_numpy_add": "ops.numpy.add(i32, f32)",
    "namespace_linalg_solve": "ops.linalg.solve(np.eye(3, dtype='float32') * 2, f32)",
    "namespace_linalg_norm": "ops.linalg.norm(a, ord='nuc')",
    # matrix norms
    "norm_nuc": "ops.norm(a, ord='nuc')",
    "norm_1": "ops.norm(a, ord=1)",
    "norm_minus_1": "ops.norm(a, ord=-1)",
    "norm_2": "ops.norm(a, ord=2)",
    "norm_minus_2": "ops.norm(a, ord=-2)",
    "norm_inf": "ops.norm(a, ord=np.inf)",
    "norm_minus_inf": "ops.norm(a, ord=-np.inf)",
    "norm_2_axes_keepdims": "ops.norm(np.stack([a, 2 * a]), ord=2, axis=(1, 2), keepdims=True)",
    "norm_1_axes_swapped": "ops.norm(a, ord=1, axis=(1, 0))",
    # CTC beam search (Keras's JAX decoder, ties included)
    "ctc_beam_search": "ops.ctc_decode(lg, np.array([8, 6, 1]), 'beam_search', 4, 2)",
    "ctc_beam_search_mask4": (
        "ops.ctc_decode(lg * 3, np.array([8, 6, 1]), 'beam_search', 5, 3, mask_index=4)"
    ),
    "ctc_beam_search_ties": (
        "ops.ctc_decode(np.zeros((1, 4, 3), 'float32'), np.array([4]), 'beam_search', 3, 3)"
    ),
    "ctc_bad_strategy": "ops.ctc_decode(lg, np.array([8, 6, 1]), strategy='bogus')",
    # argument errors
    "stack_empty": "ops.stack([])",
    "top_k_negative_k": "ops.top_k(f32, -1)",
    "slice_rank_mismatch": "ops.slice(x, (0,), (1,))",
    "segment_sum_leading_mismatch": "ops.segment_sum(x, np.array([0]), num_segments=2)",
    "dot_bad": "ops.dot(x, x)",
    # shape errors on arrays: Keras (JAX) raises TypeError
    "reshape_bad": "ops.reshape(x, (5, 3))",
    "matmul_bad": "ops.matmul(x, x)",
    "concatenate_bad_rank": "ops.concatenate([x, np.ones((3, 2, 1), 'float32')])",
    "transpose_bad_axes": "ops.transpose(x, (0,))",
}


def encode(r):
    if isinstance(r, (tuple, list)):
        return {"type": type(r).__name__, "items": [encode(i) for i in r]}
    if isinstance(r, (bool, int, float)):
        return {"py": type(r).__name__, "value": r}
    a = np.asarray(r)
    value = a.tolist()
    if a.dtype.kind == "f":
        value = np.vectorize(lambda v: None if np.isnan(v) else float(f"{v:.7g}"), otypes=[object])(
            a.astype("float64")
        ).tolist()
    return {"dtype": str(a.dtype), "shape": list(a.shape), "value": value}


def main():
    from keras import ops

    ns = {"np": np, "ops": ops}
    exec(SETUP, ns)
    out = {}
    for name, expr in CASES.items():
        try:
            result = encode(eval(expr, ns))
        except Exception as e:  # the exception type is the golden
            result = {"raises": type(e).__name__}
        out[name] = {"expr": expr, "keras": result}
    OUT.write_text(json.dumps({"setup": SETUP, "cases": out}, indent=1) + "\n")
    print(f"wrote {OUT} ({len(out)} cases)")


if __name__ == "__main__":
    main()
