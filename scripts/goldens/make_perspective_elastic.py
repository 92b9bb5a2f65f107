"""Golden values for RandomPerspective and RandomElasticTransform, produced by real
Keras 3 (JAX backend).

Run with Keras installed:
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_perspective_elastic.py
Writes tests/goldens/perspective_elastic.json. Inputs are not stored: each case's input is
`image_input(shape)` below, which the tests rebuild.

- perspective: Keras's `RandomPerspective.transform_images(images, transformation)` for
  transformation dicts built here (per-image "apply" flags and corner displacements);
- elastic: `RandomElasticTransform.transform_images` where no image is transformed (the
  flags all False: only the clip to `value_range` applies). Keras's displacement field
  comes from JAX's random bits, which numkeras does not reproduce, so the transformed
  images are checked by property tests instead;
- configs: `get_config()` of each layer for a few argument sets.
"""

import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "perspective_elastic.json"


def image_input(shape):
    """Exact, varied float32 values in [0, 100] (the tests build the same)."""
    n = int(np.prod(shape))
    return ((np.arange(n) * 37 + 11) % 101).astype("float32").reshape(shape)


def _out(a):
    return np.asarray(a, "float64").round(4).tolist()


def corners(height, width, batch):
    start = np.array(
        [[0.0, 0.0], [width - 1, 0.0], [0.0, height - 1], [width - 1, height - 1]], "float32"
    )
    return np.repeat(start[None], batch, axis=0)


PERSPECTIVE_CASES = [
    # (kwargs, shape, apply flags, perspective factors (batch, 4, 2) as a seed for rng)
    (dict(), (2, 5, 6, 2), [True, True], 0),
    (dict(interpolation="nearest"), (2, 5, 6, 1), [True, False], 1),
    (dict(fill_value=7.0), (1, 6, 5, 3), [True], 2),
    (dict(data_format="channels_first"), (2, 2, 5, 6), [False, True], 3),
    (dict(scale=0.4, interpolation="nearest", fill_value=-1.0), (3, 4, 7, 1), [True] * 3, 4),
]

ELASTIC_CASES = [
    (dict(value_range=(10, 60)), (2, 5, 6, 2)),
    (dict(value_range=(0, 255), data_format="channels_first"), (1, 2, 4, 5)),
]

CONFIG_CASES = [
    ("RandomPerspective", dict()),
    ("RandomPerspective", dict(factor=0.5, scale=0.3, interpolation="nearest", fill_value=2.0)),
    ("RandomPerspective", dict(factor=(0.2, 0.7), seed=3, data_format="channels_first")),
    ("RandomElasticTransform", dict()),
    (
        "RandomElasticTransform",
        dict(factor=0.4, scale=(0.1, 0.6), fill_mode="constant", fill_value=1.0, seed=5),
    ),
    (
        "RandomElasticTransform",
        dict(interpolation="nearest", value_range=(0, 1), data_format="channels_first"),
    ),
]


def main():
    from keras import layers

    out = {"perspective": [], "elastic": [], "configs": []}
    for kwargs, shape, flags, seed in PERSPECTIVE_CASES:
        layer = layers.RandomPerspective(**kwargs)
        x = image_input(shape)
        cf = kwargs.get("data_format") == "channels_first"
        h, w = (shape[2], shape[3]) if cf else (shape[1], shape[2])
        scale = kwargs.get("scale", 1.0)
        rng = np.random.default_rng(seed)
        factor = rng.uniform(-0.5 * scale, 0.5 * scale, (shape[0], 4, 2)).astype("float32")
        start = corners(h, w, shape[0])
        end = start + start * factor
        t = {
            "apply_perspective": np.asarray(flags),
            "start_points": start,
            "end_points": end,
            "input_shape": shape,
        }
        y = layer.transform_images(x, t)
        out["perspective"].append(
            {
                "kwargs": kwargs,
                "shape": shape,
                "transformation": {
                    "apply_perspective": flags,
                    "start_points": start.tolist(),
                    "end_points": end.tolist(),
                },
                "output": _out(y),
            }
        )
    for kwargs, shape in ELASTIC_CASES:
        layer = layers.RandomElasticTransform(**kwargs)
        x = image_input(shape)
        t = {
            "apply_transform": np.zeros(shape[0], bool),
            "distortion_factor": np.float32(0.5),
            "seed": 0,
        }
        y = layer.transform_images(x, t)
        out["elastic"].append(
            {
                "kwargs": kwargs,
                "shape": shape,
                "transformation": {"apply_transform": [False] * shape[0], "distortion_factor": 0.5},
                "output": _out(y),
            }
        )
    for cls, kwargs in CONFIG_CASES:
        layer = getattr(layers, cls)(**kwargs, name=f"aug_{len(out['configs'])}")
        out["configs"].append({"class": cls, "kwargs": kwargs, "config": layer.get_config()})
    OUT.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
