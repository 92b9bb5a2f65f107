"""`keras.applications.resnet_v2`: the pre-activation ResNets and their preprocessing."""

from numkeras.applications.resnet import (
    ResNet50V2,
    ResNet101V2,
    ResNet152V2,
    decode_predictions,
)
from numkeras.applications.resnet import preprocess_input_v2 as preprocess_input

__all__ = ["ResNet50V2", "ResNet101V2", "ResNet152V2", "decode_predictions", "preprocess_input"]
