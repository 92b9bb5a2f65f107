"""`keras.preprocessing.image`'s Keras 3 functions: `load_img`, `img_to_array`,
`array_to_img`, `save_img` (see `numkeras.utils.image_utils`). Keras 2's
`ImageDataGenerator` is gone from Keras 3 and is not here either: use the image
augmentation layers (`RandomFlip`, `RandomRotation`, ...) in the model instead."""

from numkeras.utils.image_utils import array_to_img, img_to_array, load_img, save_img

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img"]
