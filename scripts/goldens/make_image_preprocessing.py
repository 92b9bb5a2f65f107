"""Golden values for the image preprocessing layers, produced by real Keras 3 (JAX backend).

Run with Keras installed, e.g.:
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_image_preprocessing.py
Writes tests/goldens/image_preprocessing.json. Inputs are not stored: every case's input
is `image_input(shape)` below (exact small integers), which the tests rebuild.

- resize: `keras.layers.Resizing(**kwargs)` on an input of `shape` (every interpolation,
  up/down-sampling, channels_first, unbatched, crop/pad to aspect ratio, antialias);
- center_crop: `keras.layers.CenterCrop` (cropping and the resize for small inputs);
- random_crop_train: `RandomCrop(training=True)` on inputs not larger than the crop (no
  randomness there); smart_resize: Keras's `smart_resize` (what numkeras's RandomCrop
  does at inference, as Keras's docstring says);
- affine: `keras.ops.image.affine_transform` for fixed transforms, every fill mode and
  interpolation;
- fixed_random: the random layers in training with a zero-width factor range, so their
  draw is a constant (RandomRotation((0.1, 0.1)) rotates by exactly 36 degrees);
- configs: `get_config()` of each layer for a few argument sets (seeds fixed).
"""

import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "image_preprocessing.json"


def image_input(shape):
    """Exact, varied float32 values in [0, 100] (the tests build the same)."""
    n = int(np.prod(shape))
    return ((np.arange(n) * 37 + 11) % 101).astype("float32").reshape(shape)


def _out(a):
    return np.asarray(a, "float64").round(4).tolist()


RESIZE_CASES = [
    ((2, 5, 7, 2), dict(height=3, width=4)),
    ((2, 5, 7, 2), dict(height=8, width=11)),
    ((1, 5, 7, 2), dict(height=5, width=4)),
    ((1, 2, 5, 7), dict(height=3, width=9, data_format="channels_first")),
    ((5, 7, 2), dict(height=4, width=3)),
    ((2, 5, 7), dict(height=6, width=3, data_format="channels_first")),
    ((1, 5, 7, 2), dict(height=3, width=4, interpolation="nearest")),
    ((1, 5, 7, 2), dict(height=9, width=10, interpolation="nearest")),
    ((1, 5, 7, 2), dict(height=3, width=4, interpolation="bicubic")),
    ((1, 5, 7, 2), dict(height=8, width=9, interpolation="bicubic")),
    ((1, 5, 7, 2), dict(height=3, width=5, interpolation="lanczos3")),
    ((1, 5, 7, 2), dict(height=8, width=9, interpolation="lanczos5")),
    ((1, 5, 7, 2), dict(height=3, width=4, antialias=True)),
    ((1, 5, 7, 2), dict(height=2, width=3, interpolation="bicubic", antialias=True)),
    ((1, 5, 7, 2), dict(height=4, width=4, crop_to_aspect_ratio=True)),
    ((1, 5, 7, 2), dict(height=6, width=3, crop_to_aspect_ratio=True)),
    (
        (1, 2, 5, 7),
        dict(height=3, width=2, crop_to_aspect_ratio=True, data_format="channels_first"),
    ),
    ((1, 5, 7, 2), dict(height=4, width=4, pad_to_aspect_ratio=True, fill_value=3.0)),
    ((1, 5, 7, 2), dict(height=3, width=8, pad_to_aspect_ratio=True, fill_value=-2.0)),
    ((2, 5, 7, 2), dict(height=6, width=4, pad_to_aspect_ratio=True, fill_value=1.5)),
    ((1, 2, 5, 7), dict(height=6, width=4, pad_to_aspect_ratio=True, data_format="channels_first")),
    ((5, 7, 2), dict(height=5, width=5, pad_to_aspect_ratio=True, interpolation="nearest")),
]

CENTER_CROP_CASES = [
    ((2, 5, 7, 2), dict(height=3, width=4)),
    ((2, 5, 7, 2), dict(height=6, width=4)),
    ((1, 5, 7, 2), dict(height=8, width=9)),
    ((1, 5, 7, 2), dict(height=5, width=7)),
    ((1, 2, 5, 7), dict(height=4, width=6, data_format="channels_first")),
    ((5, 7, 2), dict(height=2, width=2)),
]

RANDOM_CROP_TRAIN_CASES = [
    ((2, 5, 7, 2), dict(height=6, width=6)),
    ((1, 5, 7, 2), dict(height=5, width=4)),
    ((1, 5, 7, 2), dict(height=3, width=7)),
    ((1, 2, 5, 7), dict(height=6, width=9, data_format="channels_first")),
]

SMART_RESIZE_CASES = [
    ((2, 5, 7, 2), (3, 4)),
    ((1, 5, 7, 2), (6, 6)),
    ((5, 7, 2), (4, 2)),
]


def _rotation(deg, h, w, tx=0.0, ty=0.0, zoom=1.0):
    t = np.deg2rad(deg)
    cx, cy = (w - 1) / 2, (h - 1) / 2
    a0, a1 = zoom * np.cos(t), -zoom * np.sin(t)
    b0, b1 = zoom * np.sin(t), zoom * np.cos(t)
    return [a0, a1, tx + cx - cx * a0 - cy * a1, b0, b1, ty + cy - cx * b0 - cy * b1, 0, 0]


AFFINE_TRANSFORMS = [
    _rotation(30, 5, 7),
    _rotation(-70, 5, 7, tx=0.7, ty=-1.3, zoom=1.2),
]

FIXED_RANDOM_CASES = [
    ("RandomRotation", dict(factor=(0.1, 0.1)), (2, 5, 7, 2)),
    (
        "RandomRotation",
        dict(factor=(-0.2, -0.2), fill_mode="constant", fill_value=5.0),
        (1, 5, 7, 2),
    ),
    (
        "RandomRotation",
        dict(factor=(0.3, 0.3), fill_mode="wrap", interpolation="nearest"),
        (5, 7, 2),
    ),
    (
        "RandomRotation",
        dict(factor=(0.15, 0.15), fill_mode="nearest", data_format="channels_first"),
        (1, 2, 5, 7),
    ),
    ("RandomTranslation", dict(height_factor=(0.2, 0.2), width_factor=(-0.3, -0.3)), (2, 5, 7, 2)),
    (
        "RandomTranslation",
        dict(height_factor=(-0.1, -0.1), width_factor=(0.25, 0.25), fill_mode="constant"),
        (1, 5, 7, 2),
    ),
    ("RandomZoom", dict(height_factor=(0.3, 0.3)), (2, 5, 7, 2)),
    (
        "RandomZoom",
        dict(height_factor=(-0.25, -0.25), width_factor=(0.4, 0.4), fill_mode="constant"),
        (1, 5, 7, 2),
    ),
    ("RandomZoom", dict(height_factor=(0.5, 0.5), fill_mode="wrap"), (1, 2, 5, 7)),
    ("RandomBrightness", dict(factor=(0.1, 0.1)), (2, 5, 7, 2)),
    ("RandomBrightness", dict(factor=(-0.5, -0.5), value_range=(0, 100)), (1, 5, 7, 2)),
    ("RandomContrast", dict(factor=(-0.3, 0.3)), (2, 5, 7, 2)),
    ("RandomContrast", dict(factor=(-0.9, 0.9), value_range=(0, 100)), (1, 5, 7, 2)),
]

CONFIG_CASES = [
    ("Resizing", dict(height=3, width=4)),
    (
        "Resizing",
        dict(
            height=8,
            width=6,
            interpolation="bicubic",
            pad_to_aspect_ratio=True,
            fill_value=2.0,
            antialias=True,
            data_format="channels_first",
        ),
    ),
    ("CenterCrop", dict(height=3, width=4)),
    ("RandomCrop", dict(height=3, width=4, seed=7)),
    ("RandomFlip", dict()),
    ("RandomFlip", dict(mode="horizontal", seed=3)),
    ("RandomRotation", dict(factor=0.2)),
    ("RandomRotation", dict(factor=(0.3, -0.1), fill_mode="constant", fill_value=1.0, seed=5)),
    ("RandomTranslation", dict(height_factor=0.1, width_factor=(-0.2, 0.3))),
    ("RandomZoom", dict(height_factor=0.2)),
    ("RandomZoom", dict(height_factor=(-0.3, 0.1), width_factor=0.4, interpolation="nearest")),
    ("RandomContrast", dict(factor=(0.2, 0.5))),
    ("RandomBrightness", dict(factor=0.2)),
    ("RandomBrightness", dict(factor=(0.3, -0.1), value_range=(1, 0), seed=2)),
]


def main():
    import keras
    from keras import layers, ops
    from keras.src.utils.image_utils import smart_resize

    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    out = {"resize": [], "center_crop": [], "random_crop_train": [], "smart_resize": []}
    for shape, kwargs in RESIZE_CASES:
        y = layers.Resizing(**kwargs)(image_input(shape))
        out["resize"].append({"shape": shape, "kwargs": kwargs, "output": _out(y)})
    for shape, kwargs in CENTER_CROP_CASES:
        y = layers.CenterCrop(**kwargs)(image_input(shape))
        out["center_crop"].append({"shape": shape, "kwargs": kwargs, "output": _out(y)})
    for shape, kwargs in RANDOM_CROP_TRAIN_CASES:
        y = layers.RandomCrop(**kwargs)(image_input(shape), training=True)
        out["random_crop_train"].append({"shape": shape, "kwargs": kwargs, "output": _out(y)})
    for shape, size in SMART_RESIZE_CASES:
        y = smart_resize(image_input(shape), size)
        out["smart_resize"].append({"shape": shape, "size": size, "output": _out(y)})

    out["affine"] = []
    for data_format, shape in (("channels_last", (2, 5, 7, 2)), ("channels_first", (2, 2, 5, 7))):
        for interpolation in ("bilinear", "nearest"):
            for fill_mode in ("constant", "nearest", "wrap", "mirror", "reflect"):
                if data_format == "channels_first" and fill_mode not in ("constant", "reflect"):
                    continue
                fill_value = 7.0 if fill_mode == "constant" else 0.0
                y = ops.image.affine_transform(
                    image_input(shape),
                    np.asarray(AFFINE_TRANSFORMS, "float32"),
                    interpolation=interpolation,
                    fill_mode=fill_mode,
                    fill_value=fill_value,
                    data_format=data_format,
                )
                out["affine"].append(
                    {
                        "shape": shape,
                        "transforms": np.asarray(AFFINE_TRANSFORMS).tolist(),
                        "interpolation": interpolation,
                        "fill_mode": fill_mode,
                        "fill_value": fill_value,
                        "data_format": data_format,
                        "output": _out(y),
                    }
                )
    # one unbatched image with a single transform
    y = ops.image.affine_transform(
        image_input((5, 7, 2)), np.asarray(AFFINE_TRANSFORMS[0], "float32"), fill_mode="reflect"
    )
    out["affine"].append(
        {
            "shape": (5, 7, 2),
            "transforms": AFFINE_TRANSFORMS[0],
            "interpolation": "bilinear",
            "fill_mode": "reflect",
            "fill_value": 0.0,
            "data_format": "channels_last",
            "output": _out(y),
        }
    )

    out["fixed_random"] = []
    for cls, kwargs, shape in FIXED_RANDOM_CASES:
        y = getattr(layers, cls)(**kwargs)(image_input(shape), training=True)
        out["fixed_random"].append(
            {"class": cls, "kwargs": kwargs, "shape": shape, "output": _out(y)}
        )

    out["configs"] = []
    for cls, kwargs in CONFIG_CASES:
        layer = getattr(layers, cls)(**kwargs, name=f"img_{len(out['configs'])}")
        out["configs"].append({"class": cls, "kwargs": kwargs, "config": layer.get_config()})

    OUT.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
