"""Goldens for `numkeras.ops.image` from real Keras 3 on JAX.

Run: KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_ops_image.py
Writes tests/goldens/ops_image.json: for each case in CASES the output of
`keras.ops.image.<fn>(*inputs, **kwargs)` (or the error's class name), and the config and
prediction of a functional model chaining the image ops (MODEL_OPS). The inputs are built
by `build` from a formula (no random numbers), so the tests rebuild them without Keras:
this module imports Keras only in `main`.
"""

from __future__ import annotations

import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).parents[2] / "tests" / "goldens" / "ops_image.json"


def image(shape, dtype="float32", scale=1.0):
    """A marker for an image of `shape` from the formula `pattern`."""
    return {"image": list(shape), "dtype": dtype, "scale": scale}


def pattern(shape, dtype="float32", scale=1.0) -> np.ndarray:
    """Values in [0, 1) that vary in every axis, without ties: `(37 i mod 101) / 101`."""
    n = int(np.prod(shape))
    x = (np.arange(n) * 37 % 101) / 101.0 * scale
    if np.dtype(dtype).kind in "iu":
        return np.round(x).astype(dtype).reshape(shape)
    return x.astype(dtype).reshape(shape)


def build(spec):
    """An input from its JSON spec (an image marker, or an array written as a list)."""
    if isinstance(spec, dict) and "image" in spec:
        return pattern(tuple(spec["image"]), spec["dtype"], spec["scale"])
    if isinstance(spec, dict) and "array" in spec:
        return np.asarray(spec["array"], dtype=spec["dtype"])
    return spec


def array(values, dtype="float32"):
    return {"array": np.asarray(values, dtype).tolist(), "dtype": dtype}


SHIFT = [1.0, 0.0, 1.5, 0.0, 1.0, -0.5, 0.0, 0.0]
ROTATE = [0.9, -0.3, 1.2, 0.3, 0.9, -0.6, 0.0, 0.0]  # rotation + zoom, points leave the image
TRANSFORMS = array([SHIFT, ROTATE])
COORDS = array(
    [
        [[-1.3, 0.2, 1.5, 2.7], [3.9, 4.6, 0.0, 2.25], [5.2, -0.6, 1.0, 3.5]],
        [[0.5, 6.8, 2.2, -2.1], [1.75, 3.0, 7.4, 0.9], [6.1, 2.5, -0.4, 4.0]],
    ]
)
START = array([[0, 0], [6, 0], [0, 4], [6, 4]])
END = array([[1, 0.5], [5.5, 0], [0, 4], [6, 3.5]])
STARTS = array([[[0, 0], [6, 0], [0, 4], [6, 4]], [[0.5, 0], [6, 1], [0, 4], [5, 4]]])
ENDS = array([[[1, 0.5], [5.5, 0], [0, 4], [6, 3.5]], [[0, 0], [6, 0], [0, 4], [6, 4]]])

CASES = [
    # resize
    ("resize_bilinear", "resize", [image((5, 7, 3))], {"size": [4, 4]}),
    ("resize_bilinear_up", "resize", [image((5, 7, 1))], {"size": [8, 9]}),
    ("resize_nearest", "resize", [image((5, 7, 3))], {"size": [3, 9], "interpolation": "nearest"}),
    ("resize_bicubic", "resize", [image((5, 7, 3))], {"size": [8, 6], "interpolation": "bicubic"}),
    (
        "resize_lanczos3_aa",
        "resize",
        [image((5, 7, 3))],
        {"size": [3, 4], "interpolation": "lanczos3", "antialias": True},
    ),
    (
        "resize_lanczos5",
        "resize",
        [image((5, 7, 3))],
        {"size": [6, 4], "interpolation": "lanczos5"},
    ),
    ("resize_bilinear_aa", "resize", [image((5, 7, 3))], {"size": [2, 3], "antialias": True}),
    ("resize_crop", "resize", [image((5, 7, 3))], {"size": [4, 4], "crop_to_aspect_ratio": True}),
    (
        "resize_pad",
        "resize",
        [image((5, 7, 3))],
        {"size": [4, 4], "pad_to_aspect_ratio": True, "fill_value": 0.5},
    ),
    (
        "resize_pad_width",
        "resize",
        [image((7, 5, 2))],
        {"size": [3, 3], "pad_to_aspect_ratio": True, "fill_value": 0.25},
    ),
    (
        "resize_channels_first",
        "resize",
        [image((2, 3, 5, 7))],
        {"size": [3, 4], "data_format": "channels_first"},
    ),
    ("resize_uint8", "resize", [image((5, 7, 3), "uint8", 255)], {"size": [3, 4]}),
    (
        "resize_bad_interpolation",
        "resize",
        [image((5, 7, 3))],
        {"size": [3, 4], "interpolation": "cubic"},
    ),
    ("resize_bad_rank", "resize", [image((5, 7))], {"size": [3, 4]}),
    (
        "resize_both_aspect",
        "resize",
        [image((5, 7, 3))],
        {"size": [3, 4], "crop_to_aspect_ratio": True, "pad_to_aspect_ratio": True},
    ),
    # affine_transform
    ("affine_single", "affine_transform", [image((5, 7, 3)), array(ROTATE)], {}),
    *[
        (
            f"affine_{interp}_{mode}",
            "affine_transform",
            [image((2, 5, 6, 2)), TRANSFORMS],
            {"interpolation": interp, "fill_mode": mode, "fill_value": 0.3},
        )
        for interp in ("bilinear", "nearest")
        for mode in ("constant", "nearest", "wrap", "mirror", "reflect")
    ],
    (
        "affine_channels_first",
        "affine_transform",
        [image((2, 2, 5, 6)), TRANSFORMS],
        {"data_format": "channels_first"},
    ),
    ("affine_one_for_batch", "affine_transform", [image((2, 5, 6, 2)), array(SHIFT)], {}),
    (
        "affine_bad_fill_mode",
        "affine_transform",
        [image((5, 7, 3)), array(SHIFT)],
        {"fill_mode": "edge"},
    ),
    # crop_images / pad_images
    (
        "crop_targets",
        "crop_images",
        [image((5, 7, 3))],
        {"top_cropping": 1, "left_cropping": 2, "target_height": 3, "target_width": 4},
    ),
    (
        "crop_sides",
        "crop_images",
        [image((2, 5, 7, 3))],
        {"top_cropping": 1, "bottom_cropping": 2, "left_cropping": 0, "right_cropping": 3},
    ),
    (
        "crop_channels_first",
        "crop_images",
        [image((2, 3, 5, 7))],
        {
            "bottom_cropping": 1,
            "target_height": 3,
            "right_cropping": 2,
            "target_width": 4,
            "data_format": "channels_first",
        },
    ),
    (
        "crop_three_given",
        "crop_images",
        [image((5, 7, 3))],
        {
            "top_cropping": 1,
            "bottom_cropping": 1,
            "target_height": 3,
            "left_cropping": 0,
            "target_width": 4,
        },
    ),
    (
        "pad_targets",
        "pad_images",
        [image((5, 7, 3))],
        {"top_padding": 1, "left_padding": 2, "target_height": 8, "target_width": 10},
    ),
    (
        "pad_sides",
        "pad_images",
        [image((2, 5, 7, 3))],
        {"top_padding": 1, "bottom_padding": 2, "left_padding": 0, "right_padding": 3},
    ),
    (
        "pad_channels_first",
        "pad_images",
        [image((2, 3, 5, 7))],
        {
            "bottom_padding": 1,
            "target_height": 7,
            "right_padding": 2,
            "target_width": 9,
            "data_format": "channels_first",
        },
    ),
    (
        "pad_negative",
        "pad_images",
        [image((5, 7, 3))],
        {"top_padding": -1, "left_padding": 0, "target_height": 8, "target_width": 8},
    ),
    # colour
    ("grayscale", "rgb_to_grayscale", [image((5, 7, 3))], {}),
    (
        "grayscale_channels_first",
        "rgb_to_grayscale",
        [image((2, 3, 5, 7))],
        {"data_format": "channels_first"},
    ),
    ("grayscale_one_channel", "rgb_to_grayscale", [image((5, 7, 1))], {}),
    ("grayscale_uint8", "rgb_to_grayscale", [image((5, 7, 3), "uint8", 255)], {}),
    ("grayscale_bad_channels", "rgb_to_grayscale", [image((5, 7, 2))], {}),
    ("rgb_to_hsv", "rgb_to_hsv", [image((5, 7, 3))], {}),
    (
        "rgb_to_hsv_channels_first",
        "rgb_to_hsv",
        [image((2, 3, 5, 7))],
        {"data_format": "channels_first"},
    ),
    ("hsv_to_rgb", "hsv_to_rgb", [image((5, 7, 3))], {}),
    (
        "hsv_to_rgb_channels_first",
        "hsv_to_rgb",
        [image((2, 3, 5, 7))],
        {"data_format": "channels_first"},
    ),
    ("rgb_to_hsv_int", "rgb_to_hsv", [image((5, 7, 3), "int32", 255)], {}),
    # gaussian_blur
    ("blur_default", "gaussian_blur", [image((5, 7, 3))], {"data_format": "channels_last"}),
    (
        "blur_sizes",
        "gaussian_blur",
        [image((2, 5, 7, 1))],
        {"kernel_size": [5, 3], "sigma": [1.5, 0.7], "data_format": "channels_last"},
    ),
    (
        "blur_even",
        "gaussian_blur",
        [image((5, 7, 2))],
        {"kernel_size": [4, 2], "sigma": [1.0, 2.0], "data_format": "channels_last"},
    ),
    (
        "blur_channels_first",
        "gaussian_blur",
        [image((2, 3, 5, 7))],
        {"kernel_size": [3, 5], "sigma": [0.8, 1.2], "data_format": "channels_first"},
    ),
    # extract_patches
    ("patches_2", "extract_patches", [image((5, 7, 3))], {"size": 2}),
    (
        "patches_same_strides",
        "extract_patches",
        [image((1, 5, 7, 2))],
        {"size": [2, 3], "strides": [1, 2], "padding": "same"},
    ),
    (
        "patches_dilated",
        "extract_patches",
        [image((5, 7, 2))],
        {"size": [2, 2], "strides": 1, "dilation_rate": 2},
    ),
    (
        "patches_same_dilated",
        "extract_patches",
        [image((5, 6, 2))],
        {"size": [3, 2], "strides": 1, "dilation_rate": [2, 1], "padding": "same"},
    ),
    (
        "patches_channels_first",
        "extract_patches",
        [image((2, 2, 5, 7))],
        {"size": [2, 3], "strides": [2, 1], "data_format": "channels_first"},
    ),
    ("patches_3d", "extract_patches", [image((4, 5, 6, 2))], {"size": [2, 2, 3]}),
    ("patches_bad_size", "extract_patches", [image((5, 7, 3))], {"size": [2, 2, 2, 2]}),
    # map_coordinates
    *[
        (
            f"map_{order}_{mode}",
            "map_coordinates",
            [image((5, 7)), COORDS],
            {"order": order, "fill_mode": mode, "fill_value": 0.7},
        )
        for order in (0, 1)
        for mode in ("constant", "nearest", "wrap", "mirror", "reflect")
    ],
    (
        "map_3d",
        "map_coordinates",
        [image((3, 4, 5)), array([[0.5, 2.2, -0.4], [1.5, 3.2, 0.1], [4.5, 0.25, 2.0]])],
        {"order": 1},
    ),
    ("map_bad_order", "map_coordinates", [image((5, 7)), COORDS], {"order": 3}),
    # perspective_transform
    ("perspective", "perspective_transform", [image((5, 7, 3)), START, END], {}),
    ("perspective_one_for_batch", "perspective_transform", [image((2, 5, 7, 1)), START, END], {}),
    (
        "perspective_nearest",
        "perspective_transform",
        [image((2, 5, 7, 2)), STARTS, ENDS],
        {"interpolation": "nearest", "fill_value": 0.5},
    ),
    (
        "perspective_channels_first",
        "perspective_transform",
        [image((2, 2, 5, 7)), STARTS, ENDS],
        {"data_format": "channels_first"},
    ),
    # scale_and_translate
    (
        "scale_linear",
        "scale_and_translate",
        [image((1, 5, 7, 2)), [1, 8, 5, 2], array([1.6, 0.7]), array([0.5, -0.3])],
        {"spatial_dims": [1, 2], "method": "linear"},
    ),
    (
        "scale_cubic_noaa",
        "scale_and_translate",
        [image((5, 7)), [4, 9], array([0.8, 1.3]), array([0.2, 0.1])],
        {"spatial_dims": [0, 1], "method": "cubic", "antialias": False},
    ),
    (
        "scale_lanczos3",
        "scale_and_translate",
        [image((5, 7)), [3, 7], array([0.6]), array([0.4])],
        {"spatial_dims": [0], "method": "lanczos3"},
    ),
    # sobel_edges
    ("sobel", "sobel_edges", [image((2, 4, 5, 2))], {}),
    (
        "sobel_channels_first",
        "sobel_edges",
        [image((1, 2, 5, 6))],
        {"data_format": "channels_first"},
    ),
    # ssim
    (
        "ssim_single",
        "ssim",
        [image((12, 13, 3)), image((12, 13, 3), scale=0.8)],
        {"filter_size": 5},
    ),
    (
        "ssim_batch",
        "ssim",
        [image((2, 14, 12, 2)), image((2, 14, 12, 2), scale=0.5)],
        {"max_val": 2.0, "filter_size": 7, "filter_sigma": 1.0},
    ),
    (
        "ssim_channels_first",
        "ssim",
        [image((2, 2, 12, 13)), image((2, 2, 12, 13), scale=0.9)],
        {"filter_size": 3, "data_format": "channels_first"},
    ),
]


# (class name, constructor arguments): the config each operation writes
OP_CONFIGS = [
    ("Resize", {"size": [3, 4], "interpolation": "bicubic", "antialias": True}),
    ("AffineTransform", {"interpolation": "nearest", "fill_mode": "wrap", "fill_value": 0.5}),
    ("PerspectiveTransform", {"fill_value": 1, "data_format": "channels_first"}),
    ("ElasticTransform", {"alpha": 3.0, "sigma": 1.5, "seed": 7}),
    (
        "CropImages",
        {"top_cropping": 1, "bottom_cropping": 2, "left_cropping": 0, "target_width": 3},
    ),
    ("PadImages", {"top_padding": 1, "target_height": 9, "left_padding": 0, "right_padding": 3}),
    ("RGBToGrayscale", {"data_format": "channels_last"}),
    ("RGBToHSV", {}),
    ("HSVToRGB", {}),
    ("GaussianBlur", {"kernel_size": [5, 3], "sigma": [1.5, 0.5]}),
    ("SobelEdges", {}),
    ("ExtractPatches", {"size": 3, "padding": "same"}),
    ("ExtractPatches", {"size": [2, 2, 3], "strides": 1, "dilation_rate": 2}),
    ("MapCoordinates", {"order": 1, "fill_mode": "mirror", "fill_value": 0.5}),
    ("ScaleAndTranslate", {"spatial_dims": [1, 2], "method": "cubic", "antialias": False}),
    ("SSIM", {"max_val": 255.0, "filter_size": 7}),
]


# the functional model of the tests: every differentiable op, then a Dense
MODEL_INPUT = (5, 7, 3)


def model_outputs(lib, x, t):
    """The chain of image ops on the symbolic images `x` and transforms `t` (`lib`: keras
    or numkeras)."""
    ops = lib.ops
    y = ops.image.resize(x, (4, 4))
    y = ops.image.pad_images(y, 1, 1, target_height=6, target_width=6)
    y = ops.image.crop_images(y, 0, 1, target_height=5, target_width=5)
    y = ops.image.gaussian_blur(y, kernel_size=(3, 3), sigma=(1.0, 1.0))
    y = ops.image.affine_transform(y, t)
    y = ops.image.rgb_to_grayscale(y)
    return ops.image.extract_patches(y, (2, 2), strides=(1, 1))


def main() -> None:
    import keras
    from keras import ops

    gold = {"eager": [], "keras_version": keras.__version__}
    for label, fn, inputs, kwargs in CASES:
        args = [build(s) for s in inputs]
        entry = {"label": label, "fn": fn, "inputs": inputs, "kwargs": kwargs}
        try:
            out = np.asarray(getattr(ops.image, fn)(*args, **kwargs))
        except Exception as e:  # the error class Keras raises
            entry["error"] = type(e).__name__
        else:
            entry["dtype"] = str(out.dtype)
            entry["shape"] = list(out.shape)
            entry["output"] = [float(f"{v:.7g}") for v in out.astype("float64").reshape(-1)]
        gold["eager"].append(entry)

    from keras.src.ops import image as image_ops

    gold["op_configs"] = [
        json.loads(json.dumps(getattr(image_ops, name)(**kwargs).get_config()))
        for name, kwargs in OP_CONFIGS
    ]
    keras.utils.clear_session()
    x, t = keras.Input(MODEL_INPUT), keras.Input((8,))
    model = keras.Model([x, t], model_outputs(keras, x, t))
    data = [pattern((2, *MODEL_INPUT)), np.asarray([ROTATE, SHIFT], "float32")]
    gold["model"] = {
        "config": json.loads(json.dumps(model.get_config(), default=str)),
        "output": np.asarray(model.predict(data, verbose=0)).astype("float64").round(7).tolist(),
    }
    OUT.write_text(json.dumps(gold, separators=(",", ":")))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
