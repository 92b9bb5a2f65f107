"""Golden values for the image augmentation layers (RandomGrayscale, Solarization,
AutoContrast, RandomInvert, RandomPosterization, RandomSharpness, RandomShear,
RandomErasing, RandomGaussianBlur), produced by real Keras 3 (JAX backend).

Run with Keras installed, e.g.:
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_image_augmentation.py
Writes tests/goldens/image_augmentation.json. Inputs are not stored: every case's input
is `image_input(shape) * scale` below, which the tests rebuild.

- calls: a layer called with `training=True` where its draw is fixed (a zero-width
  factor range, a probability of 0 or 1, or a layer that is not random);
- transforms: Keras's `layer.transform_images(images, transformation)` for a
  transformation dict built here (random shear factors, erasing boxes, blur sigmas,
  solarization additions/thresholds, grayscale choices); the tests pass numkeras's
  `transform_images` the same draws (erasing: the boxes, from which both build the mask);
- configs: `get_config()` of each layer for a few argument sets.
"""

import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "image_augmentation.json"


def image_input(shape):
    """Exact, varied float32 values in [0, 100] (the tests build the same)."""
    n = int(np.prod(shape))
    return ((np.arange(n) * 37 + 11) % 101).astype("float32").reshape(shape)


def _out(a):
    return np.asarray(a, "float64").round(4).tolist()


CALL_CASES = [
    # (class, kwargs, shape, scale)
    ("RandomGrayscale", dict(factor=1.0), (2, 5, 7, 3), 1.0),
    ("RandomGrayscale", dict(factor=1.0, data_format="channels_first"), (1, 3, 5, 7), 1.0),
    ("RandomGrayscale", dict(factor=1.0), (5, 7, 3), 1.0),
    ("RandomGrayscale", dict(factor=0.0), (1, 5, 7, 3), 1.0),
    ("RandomGrayscale", dict(factor=1.0), (1, 5, 7, 1), 1.0),
    ("Solarization", dict(), (2, 5, 7, 3), 1.0),
    ("Solarization", dict(value_range=(0, 1)), (1, 5, 7, 2), 0.01),
    ("Solarization", dict(value_range=(0, 100)), (5, 7, 2), 1.0),
    ("AutoContrast", dict(), (2, 5, 7, 3), 1.0),
    ("AutoContrast", dict(value_range=(0, 1)), (1, 5, 7, 2), 0.005),
    ("AutoContrast", dict(value_range=(-50, 150)), (5, 7, 2), 1.0),
    ("RandomInvert", dict(factor=(1.0, 1.0)), (2, 5, 7, 3), 1.0),
    ("RandomInvert", dict(factor=(1.0, 1.0), value_range=(0, 1)), (5, 7, 2), 0.01),
    ("RandomInvert", dict(factor=0.0), (1, 5, 7, 2), 1.0),
    ("RandomPosterization", dict(factor=(3, 3)), (2, 5, 7, 3), 2.5),
    ("RandomPosterization", dict(factor=(1, 1), value_range=(0, 1)), (1, 5, 7, 2), 0.01),
    ("RandomPosterization", dict(factor=(5, 5), value_range=(0, 100)), (5, 7, 2), 1.0),
    (
        "RandomPosterization",
        dict(factor=(2, 2), data_format="channels_first"),
        (1, 2, 5, 7),
        2.5,
    ),
    ("RandomSharpness", dict(factor=(0.0, 0.0)), (2, 5, 7, 3), 1.0),
    ("RandomSharpness", dict(factor=(0.9, 0.9), value_range=(0, 100)), (1, 5, 7, 2), 1.0),
    ("RandomSharpness", dict(factor=(0.3, 0.3)), (5, 7, 2), 1.0),
    (
        "RandomSharpness",
        dict(factor=(0.8, 0.8), data_format="channels_first"),
        (1, 2, 5, 6),
        1.0,
    ),
    ("RandomSaturation", dict(factor=(0.7, 0.7)), (2, 5, 7, 3), 1.0),
    ("RandomSaturation", dict(factor=(0.2, 0.2), value_range=(0, 1)), (1, 5, 7, 3), 0.01),
    ("RandomSaturation", dict(factor=(0.9, 0.9), value_range=(0, 1)), (5, 7, 3), 0.01),
    (
        "RandomSaturation",
        dict(factor=(0.0, 0.0), data_format="channels_first"),
        (1, 3, 5, 7),
        1.0,
    ),
    ("RandomColorDegeneration", dict(factor=(0.5, 0.5)), (2, 5, 7, 3), 1.0),
    (
        "RandomColorDegeneration",
        dict(factor=(-0.4, -0.4), value_range=(0, 100)),
        (1, 5, 7, 3),
        1.0,
    ),
    (
        "RandomColorDegeneration",
        dict(factor=(1.0, 1.0), data_format="channels_first"),
        (1, 3, 5, 7),
        1.0,
    ),
    ("RandomColorDegeneration", dict(factor=(0.3, 0.3)), (5, 7, 3), 1.0),
    (
        "RandomColorJitter",
        dict(
            brightness_factor=(0.1, 0.1),
            contrast_factor=(-0.3, 0.3),
            saturation_factor=(0.7, 0.7),
            hue_factor=(0.0, 0.0),
        ),
        (2, 5, 7, 3),
        1.0,
    ),
    (
        "RandomColorJitter",
        dict(value_range=(0, 1), contrast_factor=(-0.5, 0.5), saturation_factor=(0.3, 0.3)),
        (1, 5, 7, 3),
        0.01,
    ),
]

# Equalization: Keras pools a batch's histogram; numkeras equalizes each image, so the
# reference is Keras on each image alone, stacked. Values exactly on a bin edge after
# scaling (e.g. 0.6 * 255) are avoided: XLA's vectorised float32 division on CPU may round
# them into the next bin, where NumPy's exact division does not
EQUALIZATION_CASES = [
    (dict(), (2, 5, 7, 3), 1.0),
    (dict(value_range=(0, 1)), (1, 5, 7, 2), 0.0099),  # (no value on a bin edge)
    (dict(bins=64), (1, 5, 7, 2), 2.0),
    (dict(data_format="channels_first"), (2, 2, 5, 7), 1.0),
]

TRANSFORM_CASES = [
    # (class, kwargs, shape, scale, transformation)
    ("RandomGrayscale", dict(), (3, 5, 7, 3), 1.0, {"should_apply": [True, False, True]}),
    (
        "Solarization",
        dict(),
        (2, 5, 7, 3),
        1.0,
        {"additions": [10.0, 60.0], "thresholds": [100.0, 40.0]},
    ),
    (
        "Solarization",
        dict(value_range=(0, 1)),
        (2, 5, 7, 2),
        0.01,
        {"additions": [0.0, 200.0], "thresholds": [128.0, 255.0]},
    ),
    ("RandomShear", dict(), (2, 5, 7, 2), 1.0, {"shear_factor": [[0.3, -0.2], [-0.5, 0.1]]}),
    (
        "RandomShear",
        dict(fill_mode="constant", fill_value=3.0, interpolation="nearest"),
        (2, 5, 7, 2),
        1.0,
        {"shear_factor": [[0.4, 0.0], [0.0, -0.6]]},
    ),
    (
        "RandomShear",
        dict(fill_mode="wrap", data_format="channels_first"),
        (1, 2, 5, 7),
        1.0,
        {"shear_factor": [[-0.25, 0.35]]},
    ),
    ("RandomShear", dict(fill_mode="nearest"), (5, 7, 2), 1.0, {"shear_factor": [[0.7, 0.2]]}),
    (
        "RandomErasing",
        dict(fill_value=7.0),
        (3, 5, 7, 3),
        1.0,
        {
            "apply_erasing": [True, False, True],
            "boxes": [[1.3, 4.1, 0.5, 3.2], [0.0, 7.0, 0.0, 5.0], [5.9, 7.0, 2.0, 2.9]],
            "fill_value": 7.0,
        },
    ),
    (
        "RandomErasing",
        dict(fill_value=300.0),
        (1, 5, 7, 2),
        1.0,
        {"apply_erasing": [True], "boxes": [[0.2, 2.5, 1.0, 4.0]], "fill_value": 300.0},
    ),
    (
        "RandomErasing",
        dict(fill_value=9.0, data_format="channels_first"),
        (1, 2, 5, 7),
        1.0,
        {"apply_erasing": [True], "boxes": [[2.0, 6.5, 1.5, 3.0]], "fill_value": 9.0},
    ),
    (
        "RandomGaussianBlur",
        dict(),
        (2, 5, 7, 3),
        1.0,
        {"should_apply_blur": [True, False], "blur_factor": [1.3, 0.7]},
    ),
    (
        "RandomGaussianBlur",
        dict(kernel_size=(5, 3), value_range=(0, 60)),
        (1, 5, 7, 2),
        1.0,
        {"should_apply_blur": [True], "blur_factor": [0.8, 2.0]},
    ),
    (
        "RandomGaussianBlur",
        dict(kernel_size=7, data_format="channels_first"),
        (1, 2, 5, 7),
        1.0,
        {"should_apply_blur": [True], "blur_factor": [0.5, 1.5]},
    ),
    ("RandomHue", dict(factor=0.5), (2, 5, 7, 3), 1.0, {"factor": [0.1, -0.3]}),
    ("RandomHue", dict(factor=0.5, value_range=(0, 1)), (1, 5, 7, 3), 0.01, {"factor": [0.45]}),
    (
        "RandomHue",
        dict(factor=0.5, data_format="channels_first"),
        (1, 3, 5, 7),
        1.0,
        {"factor": [-0.2]},
    ),
]

CONFIG_CASES = [
    ("RandomGrayscale", dict()),
    ("RandomGrayscale", dict(factor=0.3, data_format="channels_first", seed=3)),
    ("Solarization", dict()),
    ("Solarization", dict(addition_factor=0.3, threshold_factor=(0.6, 0.2), value_range=(1, 0))),
    ("AutoContrast", dict()),
    ("AutoContrast", dict(value_range=(0, 1))),
    ("RandomInvert", dict()),
    ("RandomInvert", dict(factor=(0.2, 0.7), value_range=(0, 1), seed=4)),
    ("RandomPosterization", dict(factor=4)),
    ("RandomPosterization", dict(factor=(6, 2), value_range=(1, 0), seed=5)),
    ("RandomSharpness", dict(factor=0.4)),
    ("RandomSharpness", dict(factor=(0.7, 0.1), value_range=(0, 1), seed=1)),
    ("RandomShear", dict()),
    ("RandomShear", dict(x_factor=0.3, y_factor=(0.1, 0.4), fill_mode="constant", seed=2)),
    ("RandomErasing", dict()),
    ("RandomErasing", dict(factor=0.5, scale=(0.3, 0.1), fill_value=3.0, value_range=(0, 1))),
    ("RandomGaussianBlur", dict()),
    ("RandomGaussianBlur", dict(factor=0.4, kernel_size=(5, 3), sigma=(0.2, 0.8), seed=9)),
    ("RandomSaturation", dict(factor=0.5)),
    ("RandomSaturation", dict(factor=(0.8, 0.2), value_range=(1, 0), seed=2)),
    ("RandomHue", dict(factor=0.3)),
    ("RandomHue", dict(factor=(0.6, 0.1), value_range=(0, 1), seed=2)),
    ("RandomColorDegeneration", dict(factor=0.5)),
    ("RandomColorDegeneration", dict(factor=(0.7, -0.2), value_range=(1, 0), seed=3)),
    ("RandomColorJitter", dict()),
    (
        "RandomColorJitter",
        dict(
            value_range=(0, 1),
            brightness_factor=0.2,
            contrast_factor=(0.1, 0.4),
            saturation_factor=0.5,
            hue_factor=0.1,
            seed=4,
        ),
    ),
    ("Equalization", dict()),
    ("Equalization", dict(value_range=(1, 0), bins=64, data_format="channels_first")),
    ("MixUp", dict()),
    ("MixUp", dict(alpha=0.5, seed=3, data_format="channels_first")),
    ("CutMix", dict()),
    ("CutMix", dict(factor=(0.7, 0.2), seed=4)),
    ("RandAugment", dict()),
    (
        "RandAugment",
        dict(value_range=(0, 1), num_ops=3, factor=(0.2, 0.6), interpolation="nearest", seed=5),
    ),
    ("AugMix", dict()),
    (
        "AugMix",
        dict(
            value_range=(0, 1),
            num_chains=2,
            chain_depth=4,
            factor=0.6,
            alpha=0.5,
            all_ops=False,
            interpolation="nearest",
            seed=6,
            data_format="channels_first",
        ),
    ),
]


MIXING_CASES = [
    # (class, kwargs, shape, transformation); labels are one-hot-ish rows of 3 classes
    (
        "MixUp",
        dict(),
        (3, 4, 5, 2),
        {"mix_weight": [0.3, 0.9, 0.5], "permutation_order": [2, 0, 1]},
    ),
    (
        "MixUp",
        dict(data_format="channels_first"),
        (2, 2, 4, 5),
        {"mix_weight": [0.25, 0.6], "permutation_order": [1, 0]},
    ),
    (
        "CutMix",
        dict(),
        (3, 4, 5, 2),
        {
            "permutation_order": [1, 2, 0],
            "boxes": [[0.5, 3.2, 1.1, 3.9], [0, 5, 0, 4], [2.2, 2.9, 0.3, 1.0]],
        },
    ),
    (
        "CutMix",
        dict(data_format="channels_first"),
        (2, 2, 4, 5),
        {"permutation_order": [1, 0], "boxes": [[1.0, 4.5, 0.5, 2.5], [0.2, 1.7, 1.0, 4.0]]},
    ),
]

PIPELINE_LAYERS = [
    ("RandomInvert", dict(factor=(1.0, 1.0))),
    ("RandomPosterization", dict(factor=(3, 3))),
    ("AutoContrast", dict()),
    ("RandomSharpness", dict(factor=(0.2, 0.2))),
]


def _keras_transformation(layer, cls, images, t):
    import jax.numpy as jnp

    if cls == "RandomGrayscale":
        return jnp.asarray(t["should_apply"])[:, None, None, None]
    if cls == "Solarization":
        return {k: jnp.asarray(v, "float32").reshape(-1, 1, 1, 1) for k, v in t.items()}
    if cls == "RandomShear":
        return {"shear_factor": jnp.asarray(t["shear_factor"], "float32")}
    if cls == "RandomErasing":
        boxes = jnp.asarray(t["boxes"], "float32")
        masks = layer._generate_batch_mask(images.shape, tuple(boxes[:, i] for i in range(4)))
        fill = layer._get_fill_value(images, images.shape, None)
        return {
            "apply_erasing": jnp.asarray(t["apply_erasing"]),
            "batch_masks": masks,
            "fill_value": fill,
        }
    if cls == "RandomHue":
        return {"factor": jnp.asarray(t["factor"], "float32")}
    if cls == "RandomGaussianBlur":
        return {
            "should_apply_blur": jnp.asarray(t["should_apply_blur"]),
            "blur_factor": jnp.asarray(t["blur_factor"], "float32"),
        }
    raise ValueError(cls)


def main():
    import keras
    from keras import layers

    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    out = {"calls": [], "transforms": [], "configs": []}
    for cls, kwargs, shape, scale in CALL_CASES:
        x = image_input(shape) * np.float32(scale)
        if cls == "AutoContrast" and kwargs.get("data_format") == "channels_first":
            raise ValueError("see the channels_first case below")
        y = getattr(layers, cls)(**kwargs)(x, training=True)
        out["calls"].append(
            {"class": cls, "kwargs": kwargs, "shape": shape, "scale": scale, "output": _out(y)}
        )
    # AutoContrast channels_first: Keras reduces over (channels, rows) there (a bug); the
    # reference is its channels_last output, transposed
    x = image_input((1, 5, 7, 2))
    y = np.moveaxis(np.asarray(layers.AutoContrast()(x)), -1, 1)
    out["calls"].append(
        {
            "class": "AutoContrast",
            "kwargs": {"data_format": "channels_first"},
            "shape": (1, 2, 5, 7),
            "scale": 1.0,
            "input_from": "channels_last",
            "output": _out(y),
        }
    )
    out["equalization"] = []
    for kwargs, shape, scale in EQUALIZATION_CASES:
        layer = layers.Equalization(**kwargs)
        x = image_input(shape) * np.float32(scale)
        y = np.stack([np.asarray(layer(image, training=True)) for image in x])
        out["equalization"].append(
            {
                "class": "Equalization",
                "kwargs": kwargs,
                "shape": shape,
                "scale": scale,
                "output": _out(y),
            }
        )
    for cls, kwargs, shape, scale, t in TRANSFORM_CASES:
        layer = getattr(layers, cls)(**kwargs)
        x = image_input(shape) * np.float32(scale)
        batched = x if len(shape) == 4 else x[None]
        y = layer.transform_images(batched, _keras_transformation(layer, cls, batched, t))
        y = y if len(shape) == 4 else y[0]
        out["transforms"].append(
            {
                "class": cls,
                "kwargs": kwargs,
                "shape": shape,
                "scale": scale,
                "transformation": t,
                "output": _out(y),
            }
        )
    out["mixing"] = []
    for cls, kwargs, shape, t in MIXING_CASES:
        import jax.numpy as jnp

        layer = getattr(layers, cls)(**kwargs)
        x = image_input(shape)
        labels = np.eye(3, dtype="float32")[np.arange(shape[0]) % 3] * 0.8 + 0.1
        kt = {"permutation_order": jnp.asarray(t["permutation_order"])}
        if cls == "MixUp":
            kt["mix_weight"] = jnp.asarray(t["mix_weight"], "float32")
        else:
            boxes = jnp.asarray(t["boxes"], "float32")
            masks, weight = layer._generate_batch_mask(
                x.shape, tuple(boxes[:, i] for i in range(4))
            )
            kt["batch_masks"], kt["mix_weight"] = masks, weight.reshape(-1)
        y = layer.transform_images(x, kt)
        lab = layer.transform_labels(labels, kt)
        out["mixing"].append(
            {
                "class": cls,
                "kwargs": kwargs,
                "shape": shape,
                "transformation": t,
                "mix_weight": _out(kt["mix_weight"]),
                "output": _out(y),
                "labels": _out(lab),
            }
        )
    pipe = layers.Pipeline([getattr(layers, c)(**k) for c, k in PIPELINE_LAYERS], name="pipe")
    config = pipe.get_config()
    y = pipe(image_input((2, 4, 5, 3)), training=True)
    out["pipeline"] = {"shape": (2, 4, 5, 3), "output": _out(y), "config": config}
    # RandAugment(factor=0): each of its operations, forced by `layer_idxes` (their
    # draws are then fixed), on one image (Keras's Equalization pools a batch)
    import jax.numpy as jnp

    ra = layers.RandAugment(factor=0.0, num_ops=1, value_range=(0, 100))
    x = image_input((1, 5, 7, 3))
    ops = []
    for i in range(11):
        t = ra.get_random_transformation(x, training=True)
        t["layer_idxes"] = jnp.asarray([i])
        ops.append(_out(ra.transform_images(x, t)))
    out["rand_augment_ops"] = {"shape": (1, 5, 7, 3), "value_range": (0, 100), "outputs": ops}
    for cls, kwargs in CONFIG_CASES:
        layer = getattr(layers, cls)(**kwargs, name=f"aug_{len(out['configs'])}")
        out["configs"].append({"class": cls, "kwargs": kwargs, "config": layer.get_config()})

    OUT.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
