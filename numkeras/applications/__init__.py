"""`keras.applications`: the ImageNet architectures, built from numkeras layers with Keras's
layer names, so Keras's published weight files load into them (`weights="imagenet"`
downloads them once into ~/.keras/models/; `weights="path.h5"` loads a file you have).

>>> from numkeras.applications import VGG16
>>> VGG16(weights=None, include_top=False, input_shape=(32, 32, 3)).count_params()
14714688
"""

from numkeras.applications import (
    convnext,
    densenet,
    efficientnet,
    efficientnet_v2,
    imagenet_utils,
    inception_resnet_v2,
    inception_v3,
    mobilenet,
    mobilenet_v2,
    mobilenet_v3,
    nasnet,
    resnet,
    resnet50,
    resnet_v2,
    vgg16,
    vgg19,
    xception,
)
from numkeras.applications.convnext import (
    ConvNeXtBase,
    ConvNeXtLarge,
    ConvNeXtSmall,
    ConvNeXtTiny,
    ConvNeXtXLarge,
)
from numkeras.applications.densenet import DenseNet121, DenseNet169, DenseNet201
from numkeras.applications.efficientnet import (
    EfficientNetB0,
    EfficientNetB1,
    EfficientNetB2,
    EfficientNetB3,
    EfficientNetB4,
    EfficientNetB5,
    EfficientNetB6,
    EfficientNetB7,
)
from numkeras.applications.efficientnet_v2 import (
    EfficientNetV2B0,
    EfficientNetV2B1,
    EfficientNetV2B2,
    EfficientNetV2B3,
    EfficientNetV2L,
    EfficientNetV2M,
    EfficientNetV2S,
)
from numkeras.applications.inception_resnet_v2 import InceptionResNetV2
from numkeras.applications.inception_v3 import InceptionV3
from numkeras.applications.mobilenet import MobileNet
from numkeras.applications.mobilenet_v2 import MobileNetV2
from numkeras.applications.mobilenet_v3 import MobileNetV3Large, MobileNetV3Small
from numkeras.applications.nasnet import NASNetLarge, NASNetMobile
from numkeras.applications.resnet import ResNet50, ResNet101, ResNet152
from numkeras.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from numkeras.applications.vgg16 import VGG16
from numkeras.applications.vgg19 import VGG19
from numkeras.applications.xception import Xception

__all__ = [
    "ConvNeXtBase",
    "ConvNeXtLarge",
    "ConvNeXtSmall",
    "ConvNeXtTiny",
    "ConvNeXtXLarge",
    "DenseNet121",
    "DenseNet169",
    "DenseNet201",
    "EfficientNetB0",
    "EfficientNetB1",
    "EfficientNetB2",
    "EfficientNetB3",
    "EfficientNetB4",
    "EfficientNetB5",
    "EfficientNetB6",
    "EfficientNetB7",
    "EfficientNetV2B0",
    "EfficientNetV2B1",
    "EfficientNetV2B2",
    "EfficientNetV2B3",
    "EfficientNetV2L",
    "EfficientNetV2M",
    "EfficientNetV2S",
    "InceptionResNetV2",
    "InceptionV3",
    "MobileNet",
    "MobileNetV2",
    "MobileNetV3Large",
    "MobileNetV3Small",
    "NASNetLarge",
    "NASNetMobile",
    "ResNet101",
    "ResNet101V2",
    "ResNet152",
    "ResNet152V2",
    "ResNet50",
    "ResNet50V2",
    "VGG16",
    "VGG19",
    "Xception",
    "convnext",
    "densenet",
    "efficientnet",
    "efficientnet_v2",
    "imagenet_utils",
    "inception_resnet_v2",
    "inception_v3",
    "mobilenet",
    "mobilenet_v2",
    "mobilenet_v3",
    "nasnet",
    "resnet",
    "resnet50",
    "resnet_v2",
    "vgg16",
    "vgg19",
    "xception",
]
