"""`keras.preprocessing.image`: Keras 3's file helpers (`load_img`, `img_to_array`,
`array_to_img`, `save_img`, `smart_resize`) and Keras 2's `ImageDataGenerator`, which
Keras 3 dropped and the 2016-2021 image tutorials are built on
(`datagen.flow(x, y, batch_size=32)`, `flow_from_directory("data/train",
target_size=(150, 150))`, `rescale=1. / 255`, rotations, shifts, flips, zooms).

The generator behaves as Keras 2's (tf_keras 2.21), number for number: the same draws
from NumPy's global random state (`np.random`, seeded by `flow(seed=...)` as
`seed + batches seen`), the same affine resampling (`scipy.ndimage.affine_transform`,
which Keras 2 needed too: install SciPy for rotations, shifts, shears and zooms), the
same batches (float32, `(x, y)` tuples, reshuffled each pass). Its iterators are
`PyDataset`s (Keras 2's were `Sequence`s): index them, `len()` them, or call `next()`.
Inside `fit` the order of a shuffled flow differs from tf_keras's: `fit` calls a
PyDataset's `on_epoch_end` before the first epoch too, as Keras 3 does, and tf_keras
reads batch 0 once more before each fit (which moves the flips' draws).

>>> import numpy as np
>>> datagen = ImageDataGenerator(rescale=1.0 / 255, horizontal_flip=True)
>>> x = np.full((4, 8, 8, 3), 255.0)
>>> batch_x, batch_y = next(datagen.flow(x, np.arange(4), batch_size=2, shuffle=False))
>>> batch_x.shape, batch_x.dtype.name, float(batch_x.max()), batch_y.tolist()
((2, 8, 8, 3), 'float32', 1.0, [0, 1])
"""

from __future__ import annotations

import os
import threading
import warnings

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError, ShapeError, warn_deprecated
from numkeras.utils import image_utils
from numkeras.utils.image_utils import array_to_img, img_to_array, save_img
from numkeras.utils.py_dataset import PyDataset

WHITE_LIST_FORMATS = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")


def _ndimage():
    try:
        from scipy import ndimage
    except ImportError:  # Keras 2 needed SciPy for these too
        raise ImportError(
            "Image transformations (rotation, shift, shear, zoom) require SciPy. Install "
            "SciPy (`pip install scipy`)."
        ) from None
    return ndimage


def load_img(
    path,
    color_mode: str = "rgb",
    target_size=None,
    interpolation: str = "nearest",
    keep_aspect_ratio: bool = False,
    *,
    grayscale: bool = False,
):
    """Keras 3's `load_img` (`numkeras.utils.load_img`), also taking Keras 2's
    `grayscale=True` (`color_mode="grayscale"`, with one deprecation note, as Keras 2
    gave)."""
    if grayscale:
        warn_deprecated(
            "`load_img(grayscale=True)` is a Keras 2 spelling; use color_mode='grayscale'."
        )
        color_mode = "grayscale"
    return image_utils.load_img(path, color_mode, target_size, interpolation, keep_aspect_ratio)


def smart_resize(
    x, size, interpolation: str = "bilinear", data_format: str = "channels_last", **kwargs
) -> np.ndarray:
    """Keras 3's `keras.preprocessing.image.smart_resize`: crop the largest centred window
    of the target aspect ratio, then resize it to `size` `(height, width)` (one image
    `(h, w, c)` or a batch), so nothing is stretched.

    >>> smart_resize(np.ones((4, 8, 3)), (2, 2)).shape
    (2, 2, 3)
    """
    if kwargs:
        raise TypeError(f"smart_resize() got unexpected keyword arguments: {list(kwargs)}")
    if len(size) != 2:
        raise ValueError(f"Expected `size` to be a tuple of 2 integers, but got: {size}.")
    from numkeras import ops

    img = ops.convert_to_tensor(x)
    if not 3 <= len(img.shape) <= 4:
        raise ShapeError(
            "Expected an image array with shape `(height, width, channels)`, or "
            "`(batch_size, height, width, channels)`, but got input with incorrect rank, of "
            f"shape {tuple(img.shape)}."
        )
    if data_format == "channels_last":
        height, width = img.shape[-3], img.shape[-2]
    else:
        height, width = img.shape[-2], img.shape[-1]
    target_height, target_width = size
    crop_height = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_width = max(min(width, int(float(height * target_width) / target_height)), 1)
    top = int(float(height - crop_height) / 2)
    left = int(float(width - crop_width) / 2)
    rows, cols = slice(top, top + crop_height), slice(left, left + crop_width)
    if data_format == "channels_last":
        img = img[..., rows, cols, :]
    else:
        img = img[..., rows, cols]
    img = ops.image.resize(img, size=size, interpolation=interpolation, data_format=data_format)
    return np.array(backend.to_numpy(img)) if isinstance(x, np.ndarray) else img


# -- transformations on one image (Keras 2's module functions) ----------------------------
def flip_axis(x: np.ndarray, axis: int) -> np.ndarray:
    """`x` reversed along `axis`."""
    x = np.asarray(x).swapaxes(axis, 0)
    return x[::-1, ...].swapaxes(0, axis)


def transform_matrix_offset_center(matrix: np.ndarray, x, y) -> np.ndarray:
    """`matrix` made to act about the image centre (`x` rows, `y` columns)."""
    o_x = float(x) / 2 - 0.5
    o_y = float(y) / 2 - 0.5
    offset_matrix = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset_matrix = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return np.dot(np.dot(offset_matrix, matrix), reset_matrix)


def apply_affine_transform(
    x,
    theta=0,
    tx=0,
    ty=0,
    shear=0,
    zx=1,
    zy=1,
    row_axis=1,
    col_axis=2,
    channel_axis=0,
    fill_mode="nearest",
    cval=0.0,
    order=1,
) -> np.ndarray:
    """Rotate (`theta` degrees), shift (`tx` rows, `ty` columns), shear (degrees) and zoom
    one 3-D image about its centre, each channel resampled by
    `scipy.ndimage.affine_transform` (`order`, `fill_mode`, `cval`), as Keras 2 does.

    >>> apply_affine_transform(np.arange(9.0).reshape(1, 3, 3), theta=0).shape
    (1, 3, 3)
    """
    if np.unique([row_axis, col_axis, channel_axis]).size != 3:
        raise ValueError("'row_axis', 'col_axis', and 'channel_axis' must be distinct")
    actual = {row_axis, col_axis, channel_axis}
    if actual != {0, 1, 2}:
        raise ValueError(f"Invalid axis' indices: {actual - {0, 1, 2}}")
    if x.ndim != 3:
        raise ShapeError(
            f"Input arrays must be multi-channel 2D images (3 axes); received shape "
            f"{tuple(x.shape)}."
        )
    if channel_axis not in (0, 2):
        raise ValueError("Channels are allowed and the first and last dimensions.")
    matrix = None

    def chain(m):
        return m if matrix is None else np.dot(matrix, m)

    if theta != 0:
        t = np.deg2rad(theta)
        matrix = np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])
    if tx != 0 or ty != 0:
        matrix = chain(np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]]))
    if shear != 0:
        s = np.deg2rad(shear)
        matrix = chain(np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]]))
    if zx != 1 or zy != 1:
        matrix = chain(np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]]))
    if matrix is None:
        return x
    ndimage = _ndimage()
    h, w = x.shape[row_axis], x.shape[col_axis]
    matrix = transform_matrix_offset_center(matrix, h, w)
    x = np.rollaxis(x, channel_axis, 0)
    if col_axis > row_axis:  # the matrix is in (row, col); the arrays are in (col, row)
        matrix[:, [0, 1]] = matrix[:, [1, 0]]
        matrix[[0, 1]] = matrix[[1, 0]]
    channels = [
        ndimage.affine_transform(
            channel, matrix[:2, :2], matrix[:2, 2], order=order, mode=fill_mode, cval=cval
        )
        for channel in x
    ]
    return np.rollaxis(np.stack(channels, axis=0), 0, channel_axis + 1)


def _transform_kwargs(row_axis, col_axis, channel_axis, fill_mode, cval, order) -> dict:
    return dict(
        row_axis=row_axis,
        col_axis=col_axis,
        channel_axis=channel_axis,
        fill_mode=fill_mode,
        cval=cval,
        order=order,
    )


def random_rotation(
    x,
    rg,
    row_axis=1,
    col_axis=2,
    channel_axis=0,
    fill_mode="nearest",
    cval=0.0,
    interpolation_order=1,
):
    """Rotate by a uniform draw in `[-rg, rg]` degrees."""
    theta = np.random.uniform(-rg, rg)
    kwargs = _transform_kwargs(
        row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order
    )
    return apply_affine_transform(x, theta=theta, **kwargs)


def random_shift(
    x,
    wrg,
    hrg,
    row_axis=1,
    col_axis=2,
    channel_axis=0,
    fill_mode="nearest",
    cval=0.0,
    interpolation_order=1,
):
    """Shift by uniform draws in `[-hrg, hrg]` of the height and `[-wrg, wrg]` of the width."""
    h, w = x.shape[row_axis], x.shape[col_axis]
    tx = np.random.uniform(-hrg, hrg) * h
    ty = np.random.uniform(-wrg, wrg) * w
    kwargs = _transform_kwargs(
        row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order
    )
    return apply_affine_transform(x, tx=tx, ty=ty, **kwargs)


def random_shear(
    x,
    intensity,
    row_axis=1,
    col_axis=2,
    channel_axis=0,
    fill_mode="nearest",
    cval=0.0,
    interpolation_order=1,
):
    """Shear by a uniform draw in `[-intensity, intensity]` degrees."""
    shear = np.random.uniform(-intensity, intensity)
    kwargs = _transform_kwargs(
        row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order
    )
    return apply_affine_transform(x, shear=shear, **kwargs)


def random_zoom(
    x,
    zoom_range,
    row_axis=1,
    col_axis=2,
    channel_axis=0,
    fill_mode="nearest",
    cval=0.0,
    interpolation_order=1,
):
    """Zoom rows and columns by two uniform draws in `zoom_range` (`(lower, upper)`)."""
    if len(zoom_range) != 2:
        raise ValueError(
            f"`zoom_range` should be a tuple or list of two floats. Received: {zoom_range}"
        )
    if zoom_range[0] == 1 and zoom_range[1] == 1:
        zx, zy = 1, 1
    else:
        zx, zy = np.random.uniform(zoom_range[0], zoom_range[1], 2)
    kwargs = _transform_kwargs(
        row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order
    )
    return apply_affine_transform(x, zx=zx, zy=zy, **kwargs)


def apply_channel_shift(x, intensity, channel_axis=0) -> np.ndarray:
    """Add `intensity` to every channel, clipped to the image's own min and max."""
    x = np.rollaxis(x, channel_axis, 0)
    min_x, max_x = np.min(x), np.max(x)
    x = np.stack([np.clip(c + intensity, min_x, max_x) for c in x], axis=0)
    return np.rollaxis(x, 0, channel_axis + 1)


def random_channel_shift(x, intensity_range, channel_axis=0) -> np.ndarray:
    """`apply_channel_shift` by a uniform draw in `[-intensity_range, intensity_range]`."""
    intensity = np.random.uniform(-intensity_range, intensity_range)
    return apply_channel_shift(x, intensity, channel_axis=channel_axis)


def apply_brightness_shift(x, brightness, scale=True) -> np.ndarray:
    """PIL's `ImageEnhance.Brightness(brightness)` on the image (through 8-bit, as Keras 2)."""
    from PIL import ImageEnhance

    x_min, x_max = np.min(x), np.max(x)
    local_scale = (x_min < 0) or (x_max > 255)
    img = array_to_img(x, scale=local_scale or scale)
    x = img_to_array(ImageEnhance.Brightness(img).enhance(brightness))
    if not scale and local_scale:
        x = x / 255 * (x_max - x_min) + x_min
    return x


def random_brightness(x, brightness_range, scale=True) -> np.ndarray:
    """`apply_brightness_shift` by a uniform draw in `brightness_range`."""
    if len(brightness_range) != 2:
        raise ValueError(
            f"`brightness_range should be tuple or list of two floats. Received: {brightness_range}"
        )
    u = np.random.uniform(brightness_range[0], brightness_range[1])
    return apply_brightness_shift(x, u, scale)


# -- iterators -------------------------------------------------------------------------
class Iterator(PyDataset):
    """Keras 2's batch iterator: `len()` batches per pass, `it[i]` the i-th batch of the
    current order, `next(it)` the next batch forever (a fresh, reshuffled pass after the
    last one). Subclasses implement `_get_batches_of_transformed_samples(index_array)`."""

    white_list_formats = WHITE_LIST_FORMATS

    def __init__(self, n: int, batch_size: int, shuffle: bool, seed):
        super().__init__()
        self.n = n
        self.batch_size = batch_size
        self.seed = seed
        self.shuffle = shuffle
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array = None
        self.index_generator = self._flow_index()

    def _set_index_array(self) -> None:
        self.index_array = np.arange(self.n)
        if self.shuffle:
            self.index_array = np.random.permutation(self.n)

    def __getitem__(self, idx: int):
        if idx >= len(self):
            raise ValueError(
                f"Asked to retrieve element {idx}, but the Sequence has length {len(self)}"
            )
        if self.seed is not None:
            np.random.seed(self.seed + self.total_batches_seen)
        self.total_batches_seen += 1
        if self.index_array is None:
            self._set_index_array()
        index_array = self.index_array[self.batch_size * idx : self.batch_size * (idx + 1)]
        return self._get_batches_of_transformed_samples(index_array)

    def __len__(self) -> int:
        return (self.n + self.batch_size - 1) // self.batch_size

    @property
    def num_batches(self) -> int:
        return len(self)

    def on_epoch_end(self) -> None:
        self._set_index_array()

    def reset(self) -> None:
        self.batch_index = 0

    def _flow_index(self):
        self.reset()
        while True:
            if self.seed is not None:
                np.random.seed(self.seed + self.total_batches_seen)
            if self.batch_index == 0:
                self._set_index_array()
            current = 0 if self.n == 0 else (self.batch_index * self.batch_size) % self.n
            if self.n > current + self.batch_size:
                self.batch_index += 1
            else:
                self.batch_index = 0
            self.total_batches_seen += 1
            yield self.index_array[current : current + self.batch_size]

    def __iter__(self):
        return self

    def __next__(self):
        return self.next()

    def next(self):
        with self.lock:
            index_array = next(self.index_generator)
        return self._get_batches_of_transformed_samples(index_array)

    def _get_batches_of_transformed_samples(self, index_array):
        raise NotImplementedError

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} samples={self.n}, batch_size={self.batch_size}, "
            f"shuffle={self.shuffle}>"
        )


def _save_batch(iterator, batch_x, index_array, high) -> None:
    """Keras 2's `save_to_dir`: each augmented image as `{prefix}_{index}_{random}.{format}`
    (the random part drawn as Keras 2 draws it: below 1e4 from `flow`, 1e7 from
    `flow_from_directory`), written atomically by `save_img`."""
    for i, j in enumerate(index_array):
        name = f"{iterator.save_prefix}_{j}_{np.random.randint(high)}.{iterator.save_format}"
        save_img(os.path.join(iterator.save_to_dir, name), batch_x[i], iterator.data_format)


class NumpyArrayIterator(Iterator):
    """Batches of `ImageDataGenerator.flow(x, y)`: `(x, y)` (or `(x, y, sample_weight)`,
    or `x` alone without `y`); `x` may be `[images, other_array, ...]`."""

    def __init__(
        self,
        x,
        y,
        image_data_generator,
        batch_size=32,
        shuffle=False,
        sample_weight=None,
        seed=None,
        data_format=None,
        save_to_dir=None,
        save_prefix="",
        save_format="png",
        subset=None,
        ignore_class_split=False,
        dtype=None,
    ):
        data_format = data_format or backend.image_data_format()
        self.dtype = dtype or backend.floatx()
        if isinstance(x, (tuple, list)):
            misc = x[1] if isinstance(x[1], list) else [x[1]]
            x_misc = [np.asarray(xx) for xx in misc]
            x = x[0]
            for xx in x_misc:
                if len(x) != len(xx):
                    raise ShapeError(
                        "All of the arrays in `x` should have the same length. Found a pair "
                        f"with: len(x[0]) = {len(x)}, len(x[?]) = {len(xx)}"
                    )
        else:
            x_misc = []
        if y is not None and len(x) != len(y):
            raise ShapeError(
                "`x` (images tensor) and `y` (labels) should have the same length. Found: "
                f"x.shape = {np.asarray(x).shape}, y.shape = {np.asarray(y).shape}"
            )
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ShapeError(
                "`x` (images tensor) and `sample_weight` should have the same length. Found: "
                f"x.shape = {np.asarray(x).shape}, "
                f"sample_weight.shape = {np.asarray(sample_weight).shape}"
            )
        if subset is not None:
            if subset not in {"training", "validation"}:
                raise ConfigError(
                    f'Invalid subset name: {subset!r}; expected "training" or "validation".'
                )
            split_idx = int(len(x) * image_data_generator._validation_split)
            if (
                y is not None
                and not ignore_class_split
                and not np.array_equal(np.unique(y[:split_idx]), np.unique(y[split_idx:]))
            ):
                raise ValueError(
                    "Training and validation subsets have different number of classes after "
                    "the split. If your numpy arrays are sorted by the label, you might want "
                    "to shuffle them."
                )
            part = slice(None, split_idx) if subset == "validation" else slice(split_idx, None)
            x = x[part]
            x_misc = [np.asarray(xx[part]) for xx in x_misc]
            if y is not None:
                y = y[part]
        self.x = np.asarray(x, dtype=self.dtype)
        self.x_misc = x_misc
        if self.x.ndim != 4:
            raise ShapeError(
                "Input data in `NumpyArrayIterator` should have rank 4 (images, rows, "
                f"columns, channels); received shape {self.x.shape}."
            )
        channels_axis = 3 if data_format == "channels_last" else 1
        if self.x.shape[channels_axis] not in {1, 3, 4}:
            warnings.warn(
                f'NumpyArrayIterator is set to use the data format convention "{data_format}" '
                f"(channels on axis {channels_axis}), i.e. expected either 1, 3, or 4 "
                f"channels on axis {channels_axis}. However, it was passed an array with "
                f"shape {self.x.shape} ({self.x.shape[channels_axis]} channels).",
                stacklevel=3,
            )
        self.y = None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        self.image_data_generator = image_data_generator
        self.data_format = data_format
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        super().__init__(self.x.shape[0], batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = np.zeros((len(index_array), *self.x.shape[1:]), dtype=self.dtype)
        for i, j in enumerate(index_array):
            x = self.x[j]
            params = self.image_data_generator.get_random_transform(x.shape)
            x = self.image_data_generator.apply_transform(x.astype(self.dtype), params)
            batch_x[i] = self.image_data_generator.standardize(x)
        if self.save_to_dir:
            _save_batch(self, batch_x, index_array, 1e4)
        misc = [xx[index_array] for xx in self.x_misc]
        output = (batch_x if not misc else [batch_x, *misc],)
        if self.y is None:
            return output[0]
        output += (self.y[index_array],)
        if self.sample_weight is not None:
            output += (self.sample_weight[index_array],)
        return output


def _iter_valid_files(directory, white_list_formats, follow_links):
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links), key=lambda t: t[0]):
        for fname in sorted(files):
            if fname.lower().endswith(white_list_formats):
                yield root, fname


def _list_valid_filenames_in_directory(
    directory, white_list_formats, split, class_indices, follow_links
):
    dirname = os.path.basename(directory)
    files = list(_iter_valid_files(directory, white_list_formats, follow_links))
    if split:
        start, stop = int(split[0] * len(files)), int(split[1] * len(files))
        files = files[start:stop]
    classes, filenames = [], []
    for root, fname in files:
        classes.append(class_indices[dirname])
        path = os.path.join(root, fname)
        filenames.append(os.path.join(dirname, os.path.relpath(path, directory)))
    return classes, filenames


class DirectoryIterator(Iterator):
    """Batches of `ImageDataGenerator.flow_from_directory(directory)`: one subfolder per
    class (sorted names, unless `classes` lists them), images read with `load_img` at
    `target_size`; labels per `class_mode` ("categorical" one-hot, "binary" / "sparse"
    indices as floats, "input" the images, None none)."""

    allowed_class_modes = {"categorical", "binary", "sparse", "input", None}

    def __init__(
        self,
        directory,
        image_data_generator,
        target_size=(256, 256),
        color_mode="rgb",
        classes=None,
        class_mode="categorical",
        batch_size=32,
        shuffle=True,
        seed=None,
        data_format=None,
        save_to_dir=None,
        save_prefix="",
        save_format="png",
        follow_links=False,
        subset=None,
        interpolation="nearest",
        keep_aspect_ratio=False,
        dtype=None,
    ):
        self.data_format = data_format or backend.image_data_format()
        self.dtype = dtype or backend.floatx()
        self.image_data_generator = image_data_generator
        self.target_size = tuple(target_size)
        self.keep_aspect_ratio = keep_aspect_ratio
        channels = {"rgba": 4, "rgb": 3, "grayscale": 1}
        if color_mode not in channels:
            raise ConfigError(
                f'Invalid color mode: {color_mode!r}; expected "rgb", "rgba", or "grayscale".'
            )
        self.color_mode = color_mode
        c = (channels[color_mode],)
        channels_last = self.data_format == "channels_last"
        self.image_shape = self.target_size + c if channels_last else c + self.target_size
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        self.interpolation = interpolation
        split = None
        if subset is not None:
            validation_split = image_data_generator._validation_split
            if subset == "validation":
                split = (0, validation_split)
            elif subset == "training":
                split = (validation_split, 1)
            else:
                raise ConfigError(
                    f'Invalid subset name: {subset!r}; expected "training" or "validation"'
                )
        self.split, self.subset = split, subset
        self.directory = directory
        if class_mode not in self.allowed_class_modes:
            raise ConfigError(
                f"Invalid class_mode: {class_mode!r}; expected one of: "
                "'categorical', 'binary', 'sparse', 'input', None"
            )
        self.class_mode = class_mode
        if not classes:
            classes = [
                d
                for d in sorted(os.listdir(directory))
                if os.path.isdir(os.path.join(directory, d))
            ]
        self.num_classes = len(classes)
        self.class_indices = dict(zip(classes, range(len(classes))))
        self.filenames, labels = [], []
        for subdir in classes:
            found, names = _list_valid_filenames_in_directory(
                os.path.join(directory, subdir),
                self.white_list_formats,
                self.split,
                self.class_indices,
                follow_links,
            )
            labels += found
            self.filenames += names
        self.samples = len(self.filenames)
        self.classes = np.asarray(labels, dtype="int32").reshape(self.samples)
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        self._filepaths = [os.path.join(directory, f) for f in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    @property
    def filepaths(self) -> list:
        return self._filepaths

    @property
    def labels(self) -> np.ndarray:
        return self.classes

    @property
    def sample_weight(self):
        return None

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = np.zeros((len(index_array), *self.image_shape), dtype=self.dtype)
        for i, j in enumerate(index_array):
            img = load_img(
                self._filepaths[j],
                color_mode=self.color_mode,
                target_size=self.target_size,
                interpolation=self.interpolation,
                keep_aspect_ratio=self.keep_aspect_ratio,
            )
            x = img_to_array(img, data_format=self.data_format)
            if hasattr(img, "close"):
                img.close()
            if self.image_data_generator:
                params = self.image_data_generator.get_random_transform(x.shape)
                x = self.image_data_generator.apply_transform(x, params)
                x = self.image_data_generator.standardize(x)
            batch_x[i] = x
        if self.save_to_dir:
            _save_batch(self, batch_x, index_array, 1e7)
        if self.class_mode == "input":
            batch_y = batch_x.copy()
        elif self.class_mode in {"binary", "sparse"}:
            batch_y = self.classes[index_array].astype(self.dtype)
        elif self.class_mode == "categorical":
            batch_y = np.zeros((len(batch_x), len(self.class_indices)), dtype=self.dtype)
            batch_y[np.arange(len(batch_x)), self.classes[index_array]] = 1.0
        else:
            return batch_x
        return batch_x, batch_y


# -- the generator ----------------------------------------------------------------------
class ImageDataGenerator:
    """Keras 2's real-time image augmentation: each image drawn gets a random rotation
    (`rotation_range` degrees), shift (`width_shift_range`, `height_shift_range`: a
    fraction of the size below 1, pixels from 1, or a list of pixel choices), shear,
    zoom (`zoom_range` f means `[1 - f, 1 + f]`), channel shift, brightness and flips,
    then `standardize` (`preprocessing_function`, `rescale`, sample-wise or feature-wise
    centring and scaling, ZCA whitening; the feature-wise ones need `fit(x)` first).

    >>> datagen = ImageDataGenerator(featurewise_center=True)
    >>> datagen.fit(np.arange(8.0).reshape(2, 2, 2, 1))
    >>> datagen.mean.ravel().tolist()
    [3.5]
    """

    def __init__(
        self,
        featurewise_center=False,
        samplewise_center=False,
        featurewise_std_normalization=False,
        samplewise_std_normalization=False,
        zca_whitening=False,
        zca_epsilon=1e-6,
        rotation_range=0,
        width_shift_range=0.0,
        height_shift_range=0.0,
        brightness_range=None,
        shear_range=0.0,
        zoom_range=0.0,
        channel_shift_range=0.0,
        fill_mode="nearest",
        cval=0.0,
        horizontal_flip=False,
        vertical_flip=False,
        rescale=None,
        preprocessing_function=None,
        data_format=None,
        validation_split=0.0,
        interpolation_order=1,
        dtype=None,
    ):
        data_format = data_format or backend.image_data_format()
        self.dtype = dtype or backend.floatx()
        self.featurewise_center = featurewise_center
        self.samplewise_center = samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening = zca_whitening
        self.zca_epsilon = zca_epsilon
        self.rotation_range = rotation_range
        self.width_shift_range = width_shift_range
        self.height_shift_range = height_shift_range
        self.shear_range = shear_range
        self.channel_shift_range = channel_shift_range
        self.fill_mode = fill_mode
        self.cval = cval
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.rescale = rescale
        self.preprocessing_function = preprocessing_function
        self.interpolation_order = interpolation_order
        if data_format not in {"channels_last", "channels_first"}:
            raise ConfigError(
                '`data_format` should be `"channels_last"` (channel after row and column) or '
                f'`"channels_first"` (channel before row and column). Received: {data_format}'
            )
        # Keras 2's four, and the others SciPy takes
        modes = (
            "constant",
            "nearest",
            "reflect",
            "wrap",
            "mirror",
            "grid-constant",
            "grid-mirror",
            "grid-wrap",
        )
        if fill_mode not in modes:
            raise ConfigError(f"`fill_mode` should be one of {modes}; received {fill_mode!r}.")
        self.data_format = data_format
        if data_format == "channels_first":
            self.channel_axis, self.row_axis, self.col_axis = 1, 2, 3
        else:
            self.channel_axis, self.row_axis, self.col_axis = 3, 1, 2
        if validation_split and not 0 < validation_split < 1:
            raise ValueError(
                f"`validation_split` must be strictly between 0 and 1.  Received: "
                f"{validation_split}"
            )
        self._validation_split = validation_split
        self.mean = None
        self.std = None
        self.zca_whitening_matrix = None
        if isinstance(zoom_range, (float, int)):
            self.zoom_range = [1 - zoom_range, 1 + zoom_range]
        elif len(zoom_range) == 2 and all(isinstance(v, (float, int)) for v in zoom_range):
            self.zoom_range = [zoom_range[0], zoom_range[1]]
        else:
            raise ValueError(
                "`zoom_range` should be a float or a tuple or list of two floats. "
                f"Received: {zoom_range}"
            )
        if zca_whitening:
            if not featurewise_center:
                self.featurewise_center = True
                warnings.warn(
                    "This ImageDataGenerator specifies `zca_whitening`, which overrides "
                    "setting of `featurewise_center`.",
                    stacklevel=2,
                )
            if featurewise_std_normalization:
                self.featurewise_std_normalization = False
                warnings.warn(
                    "This ImageDataGenerator specifies `zca_whitening` which overrides "
                    "setting of`featurewise_std_normalization`.",
                    stacklevel=2,
                )
        if featurewise_std_normalization and not featurewise_center:
            self.featurewise_center = True
            warnings.warn(
                "This ImageDataGenerator specifies `featurewise_std_normalization`, which "
                "overrides setting of `featurewise_center`.",
                stacklevel=2,
            )
        if samplewise_std_normalization and not samplewise_center:
            self.samplewise_center = True
            warnings.warn(
                "This ImageDataGenerator specifies `samplewise_std_normalization`, which "
                "overrides setting of `samplewise_center`.",
                stacklevel=2,
            )
        if brightness_range is not None and (
            not isinstance(brightness_range, (tuple, list)) or len(brightness_range) != 2
        ):
            raise ValueError(
                "`brightness_range should be tuple or list of two floats. "
                f"Received: {brightness_range}"
            )
        self.brightness_range = brightness_range

    def flow(
        self,
        x,
        y=None,
        batch_size=32,
        shuffle=True,
        sample_weight=None,
        seed=None,
        save_to_dir=None,
        save_prefix="",
        save_format="png",
        ignore_class_split=False,
        subset=None,
    ) -> NumpyArrayIterator:
        """Endless augmented batches of the images `x` (rank 4) and labels `y`."""
        return NumpyArrayIterator(
            x,
            y,
            self,
            batch_size=batch_size,
            shuffle=shuffle,
            sample_weight=sample_weight,
            seed=seed,
            data_format=self.data_format,
            save_to_dir=save_to_dir,
            save_prefix=save_prefix,
            save_format=save_format,
            ignore_class_split=ignore_class_split,
            subset=subset,
            dtype=self.dtype,
        )

    def flow_from_directory(
        self,
        directory,
        target_size=(256, 256),
        color_mode="rgb",
        classes=None,
        class_mode="categorical",
        batch_size=32,
        shuffle=True,
        seed=None,
        save_to_dir=None,
        save_prefix="",
        save_format="png",
        follow_links=False,
        subset=None,
        interpolation="nearest",
        keep_aspect_ratio=False,
    ) -> DirectoryIterator:
        """Endless augmented batches of the images in `directory`'s class subfolders."""
        return DirectoryIterator(
            directory,
            self,
            target_size=target_size,
            color_mode=color_mode,
            keep_aspect_ratio=keep_aspect_ratio,
            classes=classes,
            class_mode=class_mode,
            data_format=self.data_format,
            batch_size=batch_size,
            shuffle=shuffle,
            seed=seed,
            save_to_dir=save_to_dir,
            save_prefix=save_prefix,
            save_format=save_format,
            follow_links=follow_links,
            subset=subset,
            interpolation=interpolation,
            dtype=self.dtype,
        )

    def flow_from_dataframe(self, *args, **kwargs):
        raise NotImplementedError(
            "ImageDataGenerator.flow_from_dataframe (pandas) is not in numkeras; list the "
            "files per class in folders and use flow_from_directory, or load the images "
            "with load_img / img_to_array and use flow(x, y)."
        )

    def standardize(self, x: np.ndarray) -> np.ndarray:
        """`preprocessing_function`, `rescale`, then the centring and scaling, on one image
        or a batch (in place where Keras 2 works in place)."""
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, keepdims=True) + 1e-6
        missing = (
            "This ImageDataGenerator specifies `{}`, but it hasn't been fit on any training "
            "data. Fit it first by calling `.fit(numpy_data)`."
        )
        if self.featurewise_center:
            if self.mean is not None:
                x -= self.mean
            else:
                warnings.warn(missing.format("featurewise_center"), stacklevel=2)
        if self.featurewise_std_normalization:
            if self.std is not None:
                x /= self.std + 1e-6
            else:
                warnings.warn(missing.format("featurewise_std_normalization"), stacklevel=2)
        if self.zca_whitening:
            if self.zca_whitening_matrix is not None:
                flat_x = x.reshape(-1, np.prod(x.shape[-3:]))
                x = np.reshape(flat_x @ self.zca_whitening_matrix, x.shape)
            else:
                warnings.warn(missing.format("zca_whitening"), stacklevel=2)
        return x

    def get_random_transform(self, img_shape, seed=None) -> dict:
        """The random parameters for one image of `img_shape` (drawn from `np.random`,
        seeded by `seed` when given), in Keras 2's order of draws."""
        img_row_axis, img_col_axis = self.row_axis - 1, self.col_axis - 1
        if seed is not None:
            np.random.seed(seed)
        theta = (
            np.random.uniform(-self.rotation_range, self.rotation_range)
            if self.rotation_range
            else 0
        )
        tx = self._shift(self.height_shift_range, img_shape[img_row_axis])
        ty = self._shift(self.width_shift_range, img_shape[img_col_axis])
        shear = np.random.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = np.random.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        flip_horizontal = (np.random.random() < 0.5) * self.horizontal_flip
        flip_vertical = (np.random.random() < 0.5) * self.vertical_flip
        channel_shift_intensity = None
        if self.channel_shift_range != 0:
            channel_shift_intensity = np.random.uniform(
                -self.channel_shift_range, self.channel_shift_range
            )
        brightness = None
        if self.brightness_range is not None:
            brightness = np.random.uniform(self.brightness_range[0], self.brightness_range[1])
        return {
            "theta": theta,
            "tx": tx,
            "ty": ty,
            "shear": shear,
            "zx": zx,
            "zy": zy,
            "flip_horizontal": flip_horizontal,
            "flip_vertical": flip_vertical,
            "channel_shift_intensity": channel_shift_intensity,
            "brightness": brightness,
        }

    @staticmethod
    def _shift(shift_range, size):
        if not shift_range:
            return 0
        try:  # an int or a list: that many pixels (one of them), either way
            shift = np.random.choice(shift_range)
            shift *= np.random.choice([-1, 1])
        except ValueError:  # a float: a uniform draw
            shift = np.random.uniform(-shift_range, shift_range)
        if np.max(shift_range) < 1:  # a fraction of the size
            shift *= size
        return shift

    def apply_transform(self, x: np.ndarray, transform_parameters: dict) -> np.ndarray:
        """Apply `get_random_transform`'s parameters to one 3-D image."""
        img_row_axis, img_col_axis = self.row_axis - 1, self.col_axis - 1
        img_channel_axis = self.channel_axis - 1
        p = transform_parameters
        x = apply_affine_transform(
            x,
            p.get("theta", 0),
            p.get("tx", 0),
            p.get("ty", 0),
            p.get("shear", 0),
            p.get("zx", 1),
            p.get("zy", 1),
            row_axis=img_row_axis,
            col_axis=img_col_axis,
            channel_axis=img_channel_axis,
            fill_mode=self.fill_mode,
            cval=self.cval,
            order=self.interpolation_order,
        )
        if p.get("channel_shift_intensity") is not None:
            x = apply_channel_shift(x, p["channel_shift_intensity"], img_channel_axis)
        if p.get("flip_horizontal", False):
            x = flip_axis(x, img_col_axis)
        if p.get("flip_vertical", False):
            x = flip_axis(x, img_row_axis)
        if p.get("brightness") is not None:
            x = apply_brightness_shift(x, p["brightness"], False)
        return x

    def random_transform(self, x: np.ndarray, seed=None) -> np.ndarray:
        """One image, randomly transformed."""
        return self.apply_transform(x, self.get_random_transform(x.shape, seed))

    def fit(self, x, augment=False, rounds=1, seed=None) -> None:
        """Compute the feature-wise mean, std and ZCA matrix from sample images `x`."""
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ShapeError(
                f"Input to `.fit()` should have rank 4. Got array with shape: {x.shape}"
            )
        if x.shape[self.channel_axis] not in {1, 3, 4}:
            warnings.warn(
                "Expected input to be images (as Numpy array) following the data format "
                f'convention "{self.data_format}" (channels on axis {self.channel_axis}), '
                f"i.e. expected either 1, 3 or 4 channels on axis {self.channel_axis}. "
                f"However, it was passed an array with shape {x.shape} "
                f"({x.shape[self.channel_axis]} channels).",
                stacklevel=2,
            )
        if seed is not None:
            np.random.seed(seed)
        x = np.copy(x)
        if self.rescale:
            x *= self.rescale
        if augment:
            ax = np.zeros((rounds * x.shape[0], *x.shape[1:]), dtype=self.dtype)
            for r in range(rounds):
                for i in range(x.shape[0]):
                    ax[i + r * x.shape[0]] = self.random_transform(x[i])
            x = ax
        broadcast_shape = [1, 1, 1]
        broadcast_shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        if self.featurewise_center:
            self.mean = np.mean(x, axis=(0, self.row_axis, self.col_axis))
            self.mean = np.reshape(self.mean, broadcast_shape)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.std(x, axis=(0, self.row_axis, self.col_axis))
            self.std = np.reshape(self.std, broadcast_shape)
            x /= self.std + 1e-6
        if self.zca_whitening:
            n = len(x)
            flat_x = np.reshape(x, (n, -1))
            u, s, _ = np.linalg.svd(flat_x.T, full_matrices=False)
            s_inv = np.sqrt(n) / (s + self.zca_epsilon)
            self.zca_whitening_matrix = (u * s_inv).dot(u.T)

    def __repr__(self) -> str:
        return f"<ImageDataGenerator data_format={self.data_format!r}>"


__all__ = [
    "DirectoryIterator",
    "ImageDataGenerator",
    "Iterator",
    "NumpyArrayIterator",
    "apply_affine_transform",
    "apply_brightness_shift",
    "apply_channel_shift",
    "array_to_img",
    "img_to_array",
    "load_img",
    "random_brightness",
    "random_channel_shift",
    "random_rotation",
    "random_shear",
    "random_shift",
    "random_zoom",
    "save_img",
    "smart_resize",
]
