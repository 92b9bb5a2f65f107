"""Goldens for tests/applications/test_applications_2.py: EfficientNet, EfficientNetV2,
MobileNetV3, ConvNeXt, InceptionResNetV2 and NASNet built by Keras 3 and by numkeras.

Each architecture is built small (`weights=None`, the smallest input it accepts, a few
classes; the big variants without their top; narrow generic ConvNeXt and NASNet for the
paths the big ones alone take; three channels-first) and recorded with
make_applications.py's `record` (layers, weights, sizes and predictions, every weight set by
`fill_weights`), with Keras on torch (it runs eagerly: on JAX, compiling each deep graph
takes minutes, and running NASNet op by op ten). An unadapted `Normalization` layer
(EfficientNet's stem) gets a positive variance there (`fill_weights` fills it as a
kernel), else both libraries predict NaN. Also: the argument errors' built-in classes.

    cd /tmp && KERAS_BACKEND=torch /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_applications_2.py [names...]

writes tests/goldens/applications_2.json (only the named scenarios, the others kept).
"""

from __future__ import annotations

import importlib
import importlib.util
import pathlib
import sys

import numpy as np

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from tests.differential import Scenarios, builtin_error  # noqa: E402


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BASE = _load("make_applications")  # (a private copy: its fill_weights is wrapped below)
OUT = ROOT / "tests" / "goldens" / "applications_2.json"
SCENARIOS = Scenarios()
_fill_every_weight = BASE.fill_weights


def fill_weights(model) -> None:
    """make_applications' values, with each unadapted `Normalization` variance positive."""
    _fill_every_weight(model)
    values = model.get_weights()
    for i, w in enumerate(model.weights):
        if w.path.endswith("variance") and not w.path.endswith("moving_variance"):
            values[i] = np.abs(values[i]) + 0.5
    model.set_weights(values)


BASE.fill_weights = fill_weights  # (what BASE.record calls)
record = BASE.record


def application_module(K, module: str):
    """`K.applications.<module>`, imported by name (before `applications` exports it)."""
    return importlib.import_module(f"{K.__name__}.applications.{module}")


def application(K, module: str, function: str):
    """The model function `function` of `module` (Keras exports MobileNetV3's only from
    `keras.applications`)."""
    found = getattr(application_module(K, module), function, None)
    return found or getattr(K.applications, function)


# name -> (module under applications, function name, kwargs, input shape)
MODELS = {
    "efficientnetb0_top": ("efficientnet", "EfficientNetB0", {"classes": 5}, (32, 32, 3)),
    "efficientnetb2_notop_max": (
        "efficientnet", "EfficientNetB2", {"include_top": False, "pooling": "max"}, (32, 32, 3),
    ),
    "efficientnetv2b0_top": (
        "efficientnet_v2", "EfficientNetV2B0", {"classes": 5}, (32, 32, 3),
    ),
    "efficientnetv2b3_notop_avg_raw": (
        "efficientnet_v2", "EfficientNetV2B3",
        {"include_top": False, "pooling": "avg", "include_preprocessing": False}, (32, 32, 3),
    ),
    "efficientnetv2s_notop_avg": (
        "efficientnet_v2", "EfficientNetV2S", {"include_top": False, "pooling": "avg"},
        (32, 32, 3),
    ),
    "mobilenetv3small_top": (
        "mobilenet_v3", "MobileNetV3Small", {"classes": 5}, (32, 32, 3),
    ),
    "mobilenetv3small_alpha075_raw_logits": (
        "mobilenet_v3", "MobileNetV3Small",
        {"alpha": 0.75, "include_preprocessing": False, "classes": 4,
         "classifier_activation": None},
        (32, 32, 3),
    ),
    "mobilenetv3large_minimalistic_notop_avg": (
        "mobilenet_v3", "MobileNetV3Large",
        {"minimalistic": True, "include_top": False, "pooling": "avg"}, (32, 32, 3),
    ),
    "mobilenetv3large_alpha125_top": (
        "mobilenet_v3", "MobileNetV3Large", {"alpha": 1.25, "classes": 3}, (33, 37, 3),
    ),
    "convnexttiny_top": ("convnext", "ConvNeXtTiny", {"classes": 5}, (32, 32, 3)),
}  # fmt: skip


def _model_scenario(name: str, module: str, function: str, kwargs: dict, shape) -> None:
    def scenario(K) -> dict:
        mod = application_module(K, module)
        model = application(K, module, function)(weights=None, input_shape=shape, **kwargs)
        return record(K, model, mod.preprocess_input, shape)

    scenario.__name__ = name
    # (Keras on torch: eager, where JAX spends minutes compiling each deep graph)
    SCENARIOS.scenario_on("torch")(scenario)


for _name, _spec in MODELS.items():
    _model_scenario(_name, *_spec)


def _channels_first_scenario(name: str, module: str, function: str, kwargs: dict) -> None:
    """The model built and run channels-first (the global image data format switched)."""

    def scenario(K) -> dict:
        K.backend.set_image_data_format("channels_first")
        try:
            mod = application_module(K, module)
            model = application(K, module, function)(
                weights=None, input_shape=(3, 32, 32), **kwargs
            )
            return record(K, model, mod.preprocess_input, (3, 32, 32))
        finally:
            K.backend.set_image_data_format("channels_last")

    scenario.__name__ = name
    SCENARIOS.scenario_on("torch")(scenario)


_channels_first_scenario(
    "efficientnetb0_channels_first", "efficientnet", "EfficientNetB0", {"classes": 3}
)
_channels_first_scenario(
    "efficientnetv2b1_channels_first_notop", "efficientnet_v2", "EfficientNetV2B1",
    {"include_top": False},
)  # fmt: skip
_channels_first_scenario(
    "mobilenetv3small_channels_first", "mobilenet_v3", "MobileNetV3Small", {"classes": 3}
)


@SCENARIOS.scenario_on("torch")
def inception_resnet_v2_notop_avg(K) -> dict:
    """InceptionResNetV2 at its minimum size, 75x75."""
    mod = application_module(K, "inception_resnet_v2")
    model = mod.InceptionResNetV2(
        weights=None, include_top=False, pooling="avg", input_shape=(75, 75, 3)
    )
    return record(K, model, mod.preprocess_input, (75, 75, 3))


@SCENARIOS.scenario_on("torch")
def convnext_mini_stochastic_depth(K) -> dict:
    """The generic ConvNeXt, narrow and shallow, with stochastic depth (the identity in
    inference), without its top or preprocessing."""
    if K.__name__ == "keras":
        from keras.src.applications import convnext
    else:
        convnext = application_module(K, "convnext")
    model = convnext.ConvNeXt(
        depths=[1, 1, 2, 1], projection_dims=[8, 16, 24, 32], drop_path_rate=0.1,
        name="convnext_mini", include_preprocessing=False, include_top=False,
        weights=None, input_shape=(32, 32, 3), pooling="max",
    )  # fmt: skip
    return record(K, model, convnext.preprocess_input, (32, 32, 3))


def _keras_nasnet(K):
    """`nasnet` with its generic `NASNet` (Keras keeps it private)."""
    if K.__name__ == "keras":
        from keras.src.applications import nasnet

        return nasnet
    return application_module(K, "nasnet")


# (NASNet on torch too: on JAX, compiling or running its graph op by op takes many minutes)
@SCENARIOS.scenario_on("torch")
def nasnetmobile_top(K) -> dict:
    """NASNetMobile; Keras refuses it on torch ("an outstanding bug"), so its goldens come
    from the generic NASNet with NASNetMobile's arguments."""
    nasnet = _keras_nasnet(K)
    kwargs = dict(input_shape=(32, 32, 3), weights=None, classes=5)
    if K.__name__ == "keras":
        model = nasnet.NASNet(
            penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
            skip_reduction=False, filter_multiplier=2, default_size=224,
            name="nasnet_mobile", **kwargs,
        )  # fmt: skip
    else:
        model = nasnet.NASNetMobile(**kwargs)
    return record(K, model, nasnet.preprocess_input, (32, 32, 3))


@SCENARIOS.scenario_on("torch")
def nasnet_small_skip_reduction(K) -> dict:
    """The generic NASNet, narrow and shallow, with NASNetLarge's `skip_reduction=True`."""
    nasnet = _keras_nasnet(K)
    model = nasnet.NASNet(
        input_shape=(32, 32, 3), penultimate_filters=192, num_blocks=1, stem_block_filters=8,
        skip_reduction=True, weights=None, classes=3, default_size=32,
    )  # fmt: skip
    return record(K, model, nasnet.preprocess_input, (32, 32, 3))


@SCENARIOS.scenario_on("torch")
def argument_errors(K) -> dict:
    """The errors these applications' own argument checks raise (built-in classes)."""

    def build(module, function, **kwargs):
        return lambda: application(K, module, function)(**kwargs)

    def channels_first(fn):
        def run():
            K.backend.set_image_data_format("channels_first")
            try:
                fn()
            finally:
                K.backend.set_image_data_format("channels_last")

        return run

    cases = {
        "mobilenet_v3_too_small": build(
            "mobilenet_v3", "MobileNetV3Small", weights=None, input_shape=(16, 16, 3)
        ),
        "mobilenet_v3_imagenet_alpha": build("mobilenet_v3", "MobileNetV3Large", alpha=0.5),
        "mobilenet_v3_imagenet_minimalistic_alpha": build(
            "mobilenet_v3", "MobileNetV3Small", alpha=0.75, minimalistic=True
        ),
        "efficientnet_imagenet_classes": build("efficientnet", "EfficientNetB0", classes=10),
        "efficientnet_v2_missing_file": build(
            "efficientnet_v2", "EfficientNetV2B0", weights="/nonexistent.h5"
        ),
        "inception_resnet_v2_too_small": build(
            "inception_resnet_v2", "InceptionResNetV2", weights=None, input_shape=(64, 64, 3)
        ),
        "convnext_channels_first": channels_first(build("convnext", "ConvNeXtTiny", weights=None)),
        "nasnet_channels_first": channels_first(build("nasnet", "NASNetLarge", weights=None)),
        "nasnet_imagenet_dynamic_shape": build(
            "nasnet", "NASNetLarge", include_top=False, input_shape=(None, None, 3)
        ),
    }
    return {name: builtin_error(fn) for name, fn in cases.items()}


if __name__ == "__main__":
    SCENARIOS.write(OUT, sys.argv[1:] or None)
