"""`keras.preprocessing` import paths (`from keras.preprocessing.sequence import
pad_sequences`, Keras 2's `keras.preprocessing.text.Tokenizer`,
`keras.preprocessing.image.load_img`,
`keras.preprocessing.timeseries_dataset_from_array`), kept so classic scripts run with
only their imports changed."""

from numkeras.preprocessing import image, sequence, text
from numkeras.utils.directory_datasets import (
    image_dataset_from_directory,
    text_dataset_from_directory,
)
from numkeras.utils.timeseries_dataset import timeseries_dataset_from_array

__all__ = [
    "image",
    "image_dataset_from_directory",
    "sequence",
    "text",
    "text_dataset_from_directory",
    "timeseries_dataset_from_array",
]
