"""`keras.applications.vgg16`: VGG16 and its preprocessing."""

from numkeras.applications.vgg import VGG16, decode_predictions, preprocess_input

__all__ = ["VGG16", "decode_predictions", "preprocess_input"]
