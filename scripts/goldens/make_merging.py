"""Golden values for the merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum,
Concatenate, Dot), produced by real Keras 3 on the JAX backend.

(Keras's gradient for an all-zero sample under `Dot(normalize=True)` is NaN, an artifact of
differentiating rsqrt(0); numkeras gives the clamped norm's true derivative, and its test
compares only the other entries.)

Run with Keras and JAX installed:
    KERAS_BACKEND=jax python scripts/goldens/make_merging.py
Writes tests/goldens/merging.json: per eager case the inputs, Keras's output and the
gradients of `sum(output * r)` w.r.t. each input (jax.grad, so ties of Maximum/Minimum get
JAX's rule); Keras's `compute_output_shape` for symbolic inputs (or that it refuses them);
and each layer's config.
"""

import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "merging.json"


def _round(a, decimals=4):
    return np.asarray(a, "float64").round(decimals)


def main():
    import jax
    import keras
    from keras import layers

    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    rng = np.random.default_rng(17)

    def eager(name, cls, kwargs, in_shapes, integers=False, zero_rows=False):
        if integers:  # small integers: Maximum/Minimum ties
            xs = [rng.integers(-2, 3, s).astype("float64") for s in in_shapes]
        else:
            xs = [_round(rng.normal(0, 1, s)) for s in in_shapes]
        if zero_rows:  # an all-zero sample: Dot(normalize=True) clamps its norm
            xs[0][0] = 0.0
        layer = getattr(layers, cls)(**kwargs)
        out = layer([x.astype("float32") for x in xs])
        r = _round(rng.normal(0, 1, out.shape))

        def f(*args):
            return (layer(list(args)) * r.astype("float32")).sum()

        grads = jax.grad(f, argnums=tuple(range(len(xs))))(*[x.astype("float32") for x in xs])
        return {
            "name": name,
            "class": cls,
            "kwargs": kwargs,
            "inputs": [x.tolist() for x in xs],
            "output": np.asarray(out, "float64").tolist(),
            "r": r.tolist(),
            "grads": [np.asarray(g, "float64").tolist() for g in grads],
        }

    cases = [
        eager("add_broadcast_last", "Add", {}, [(4, 5), (4, 1)]),
        eager("add_lower_rank", "Add", {}, [(3, 4), (3, 2, 4)]),
        eager("add_three_ranks", "Add", {}, [(2, 3), (2, 1, 3), (2, 4, 1)]),
        eager("add_single", "Add", {}, [(3, 2)]),
        eager("subtract_broadcast", "Subtract", {}, [(3, 1, 4), (3, 2, 4)]),
        eager("subtract_lower_rank", "Subtract", {}, [(3, 2, 4), (3, 4)]),
        eager("multiply_three", "Multiply", {}, [(2, 3, 1), (2, 1, 4), (2, 3, 4)]),
        eager("multiply_single", "Multiply", {}, [(2, 3)]),
        eager("average_lower_rank", "Average", {}, [(3, 4), (3, 2, 4), (3, 2, 1)]),
        eager("average_single", "Average", {}, [(2, 3)]),
        eager("maximum_ties", "Maximum", {}, [(4, 5), (4, 5), (4, 5)], integers=True),
        eager("maximum_ties_broadcast", "Maximum", {}, [(3, 4), (3, 2, 1), (3, 2, 4)], True),
        eager("minimum_ties", "Minimum", {}, [(4, 5), (4, 5), (4, 5)], integers=True),
        eager("minimum_ties_broadcast", "Minimum", {}, [(3, 1, 4), (3, 4)], integers=True),
        eager("maximum_single", "Maximum", {}, [(2, 3)]),
        eager("concatenate_axis_0", "Concatenate", {"axis": 0}, [(2, 3), (4, 3)]),
        eager("dot_2d", "Dot", {"axes": 1}, [(4, 3), (4, 3)]),
        eager("dot_2d_negative", "Dot", {"axes": -1}, [(4, 3), (4, 3)]),
        eager("dot_3d_axes_1_2", "Dot", {"axes": [1, 2]}, [(2, 3, 5), (2, 4, 3)]),
        eager("dot_3d_axes_2_2", "Dot", {"axes": 2}, [(2, 3, 5), (2, 4, 5)]),
        eager("dot_3d_axes_2_1", "Dot", {"axes": [2, 1]}, [(2, 3, 5), (2, 5, 4)]),
        eager("dot_3d_negative", "Dot", {"axes": [-1, -2]}, [(2, 3, 5), (2, 5, 4)]),
        eager("dot_2d_3d", "Dot", {"axes": [1, 2]}, [(2, 3), (2, 4, 3)]),
        eager("dot_3d_2d", "Dot", {"axes": [1, 1]}, [(2, 3, 5), (2, 3)]),
        eager("dot_4d_3d", "Dot", {"axes": [2, 1]}, [(2, 3, 4, 5), (2, 4, 3)]),
        eager("dot_2d_normalize", "Dot", {"axes": 1, "normalize": True}, [(4, 3), (4, 3)]),
        eager(
            "dot_3d_normalize", "Dot", {"axes": [1, 2], "normalize": True}, [(2, 3, 5), (2, 4, 3)]
        ),
        eager(
            "dot_normalize_zero",
            "Dot",
            {"axes": 1, "normalize": True},
            [(3, 4), (3, 4)],
            zero_rows=True,
        ),
    ]

    def symbolic(cls, kwargs, batch_shapes):
        layer = getattr(layers, cls)(**kwargs)
        entry = {"class": cls, "kwargs": kwargs, "batch_shapes": batch_shapes}
        try:
            out = layer([keras.Input(batch_shape=tuple(s)) for s in batch_shapes])
            entry["output_shape"] = list(out.shape)
        except ValueError as e:
            entry["error"] = str(e)
        return entry

    shapes = [
        symbolic("Add", {}, [[None, 1, 4], [None, 2, 4]]),
        symbolic("Add", {}, [[None, 4], [None, 2, 4]]),
        symbolic("Add", {}, [[None, 3], [None, 3, 1]]),
        symbolic("Add", {}, [[None, 3]]),
        symbolic("Add", {}, [[4, 5], [None, 5]]),
        symbolic("Add", {}, [[None, 5], [4, 5]]),
        symbolic("Add", {}, [[4, 5], [3, 5]]),
        symbolic("Add", {}, [[None, 3], [None, 4]]),
        symbolic("Add", {}, [[None, None, 4], [None, 2, 4]]),
        symbolic("Multiply", {}, [[None, 2, 1], [None, 1, 3], [None, 3]]),
        symbolic("Maximum", {}, [[None, 5], [None, 1]]),
        symbolic("Minimum", {}, [[None, 2, 5], [None, 5]]),
        symbolic("Average", {}, [[2, 5], [2, 1]]),
        symbolic("Subtract", {}, [[None, 5]]),
        symbolic("Subtract", {}, [[None, 5], [None, 5], [None, 5]]),
        symbolic("Concatenate", {"axis": 0}, [[None, 3], [None, 3]]),
        symbolic("Concatenate", {"axis": 0}, [[2, 3], [4, 3]]),
        symbolic("Concatenate", {"axis": 0}, [[None, 3], [None, 4]]),
        symbolic("Dot", {"axes": 1}, [[None, 3], [None, 3]]),
        symbolic("Dot", {"axes": [1, 2]}, [[None, 3, 5], [None, 4, 3]]),
        symbolic("Dot", {"axes": -1}, [[None, 3, 5], [None, 4, 5]]),
        symbolic("Dot", {"axes": [1, 2]}, [[None, 3], [None, 4, 3]]),
        symbolic("Dot", {"axes": [2, 1]}, [[None, 3, 4, 5], [None, 4, 3]]),
        symbolic("Dot", {"axes": 1}, [[None, 3], [None, 4]]),
    ]

    configs = {
        cls: getattr(layers, cls)(name="m").get_config()
        for cls in ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")
    }
    configs["Concatenate"] = layers.Concatenate(axis=0, name="m").get_config()
    configs["Dot"] = layers.Dot(axes=(1, 2), normalize=True, name="m").get_config()
    configs["Dot_int"] = layers.Dot(axes=-1, name="m").get_config()
    OUT.write_text(
        json.dumps(
            {
                "keras_version": keras.__version__,
                "eager": cases,
                "shapes": shapes,
                "configs": configs,
            },
            default=str,
        )
    )
    print("wrote", OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
