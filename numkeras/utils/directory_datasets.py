"""`image_dataset_from_directory`, `text_dataset_from_directory` and
`audio_dataset_from_directory`: a folder of files, one subfolder per class, as a dataset of
`(inputs, labels)` batches, as Keras's.

Keras returns a `tf.data.Dataset`; numkeras returns a `PyDataset` that `fit`, `evaluate`
and `predict` take directly, with Keras's `class_names` and `file_paths` attributes.
The files are found, labelled and split as Keras does: subfolders in sorted order are the
classes; files are listed in sorted order, then shuffled with `np.random.RandomState(seed)`
before `validation_split` takes the last fraction for validation, so a seed gives Keras's
training and validation files. (Keras also shuffles batches through tf.data's random
buffer; numkeras keeps the seeded file order.) Files are read batch by batch, when a batch
is asked for. Images are decoded with Pillow and resized as `keras.ops.image.resize`
(`numkeras.layers.Resizing`'s interpolation), to float32. WAV files are read with Python's
`wave` module, as `tf.audio.decode_wav` decodes them: samples scaled to [-1, 1), shape
`(time, channels)`.

>>> import os, tempfile
>>> root = tempfile.mkdtemp()
>>> for name in ("neg", "pos"):
...     os.makedirs(os.path.join(root, name))
...     with open(os.path.join(root, name, "a.txt"), "w") as f:
...         _ = f.write(f"a {name} review")
>>> ds = text_dataset_from_directory(root, shuffle=False, verbose=False)
>>> ds.class_names, ds[0][0].tolist(), ds[0][1].tolist()
(['neg', 'pos'], ['a neg review', 'a pos review'], [0, 1])
"""

from __future__ import annotations

import functools
import os

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.utils.progbar import print_msg
from numkeras.utils.py_dataset import RowBatches

IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5")


def index_directory(
    directory,
    labels,
    formats,
    class_names=None,
    shuffle=True,
    seed=None,
    follow_links=False,
    verbose=True,
):
    """`(file_paths, labels, class_names)`, as Keras's `dataset_utils.index_directory`."""
    if not os.path.isdir(directory):
        raise ConfigError(f"Directory {directory!r} does not exist (or is not a folder).")
    if labels == "inferred":
        subdirs = [
            d
            for d in sorted(os.listdir(directory))
            if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")
        ]
        if class_names is not None:
            if not set(class_names).issubset(subdirs):
                raise ConfigError(
                    "The `class_names` passed did not match the names of the subdirectories "
                    f"of the target directory. Expected: {subdirs} (or a subset of it), but "
                    f"received: class_names={class_names}"
                )
            subdirs = list(class_names)  # the order given
    else:
        if class_names is not None:
            raise ConfigError(
                "`class_names` can only be given with labels='inferred' (the class names are "
                "then the subfolders' names)."
            )
        subdirs = [""]
    files, found_labels = [], []
    for index, subdir in enumerate(subdirs):
        top = os.path.join(directory, subdir)
        walk = os.walk(top, followlinks=follow_links)
        for root, _, names in sorted(walk, key=lambda entry: entry[0]):
            for name in sorted(names):
                if name.lower().endswith(formats):
                    files.append(os.path.join(root, name))
                    found_labels.append(index)
    if labels == "inferred":
        labels = np.asarray(found_labels, dtype="int32")
        names = subdirs
    elif labels is None:
        names = None
    else:
        if len(labels) != len(files):
            raise ConfigError(
                f"Expected the lengths of `labels` to match the number of files in the target "
                f"directory. len(labels) is {len(labels)} while we found {len(files)} files in "
                f"directory {directory}."
            )
        labels = np.asarray(labels)
        names = [str(label) for label in sorted(set(labels.tolist()))]
    if verbose:
        if labels is None:
            print_msg(f"Found {len(files)} files.")
        else:
            print_msg(f"Found {len(files)} files belonging to {len(names)} classes.")
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(files)
        if labels is not None:
            np.random.RandomState(seed).shuffle(labels)
    return files, labels, names


def check_validation_split(validation_split, subset, shuffle, seed) -> None:
    if validation_split and not 0 < validation_split < 1:
        raise ConfigError(
            f"`validation_split` must be between 0 and 1, received: {validation_split}"
        )
    if (validation_split or subset) and not (validation_split and subset):
        raise ConfigError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ConfigError(
            f'`subset` must be either "training", "validation" or "both", received: {subset!r}'
        )
    if validation_split and shuffle and seed is None:
        raise ConfigError(
            "If using `validation_split` and shuffling the data, you must provide a `seed` "
            "argument, to make sure that there is no overlap between the training and "
            "validation subset."
        )


def split(files, labels, validation_split, subset):
    """The training (first) or validation (last) part, as Keras's split."""
    if not validation_split:
        return files, labels
    n_val = int(validation_split * len(files))
    if subset == "training":
        print_msg(f"Using {len(files) - n_val} files for training.")
        part = slice(None, len(files) - n_val)
    else:
        print_msg(f"Using {n_val} files for validation.")
        part = slice(len(files) - n_val, None)
    return files[part], None if labels is None else labels[part]


class DirectoryDataset(RowBatches):
    """Batches of files read by `load(path)`, with their encoded labels."""

    def __init__(
        self,
        files,
        labels,
        label_mode,
        class_names,
        batch_size,
        load,
        stack=np.stack,
        shuffled=True,
    ):
        super().__init__(len(files), batch_size, shuffled)
        self.file_paths = list(files)
        self.class_names = class_names
        self.labels, self.label_mode = labels, label_mode
        self._load, self._stack = load, stack

    def _encoded(self, rows):
        labels = self.labels[rows]
        if self.label_mode == "int":
            return labels.astype("int32")
        if self.label_mode == "binary":
            return labels.astype("float32").reshape(-1, 1)
        return np.eye(len(self.class_names), dtype="float32")[labels]  # "categorical"

    def _batch(self, rows: slice):
        x = self._stack([self._load(path) for path in self.file_paths[rows]])
        return x, None if self.label_mode is None else self._encoded(rows)

    def __repr__(self) -> str:
        return (
            f"<DirectoryDataset files={len(self.file_paths)}, batch_size={self.batch_size}, "
            f"class_names={self.class_names}>"
        )


def _check_labels(labels, label_mode, class_names):
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple, np.ndarray)):
            raise ConfigError(
                "`labels` argument should be a list/tuple of integer labels, of the same size "
                "as the number of files in the target directory; 'inferred' to label by "
                f"subfolder, or None for no labels. Received: labels={labels!r}"
            )
        if class_names:
            raise ConfigError("You can only pass `class_names` if labels='inferred'.")
    if label_mode not in ("int", "categorical", "binary", None):
        raise ConfigError(
            '`label_mode` argument must be one of "int", "categorical", "binary", or None. '
            f"Received: label_mode={label_mode!r}"
        )
    if labels is None or label_mode is None:
        return None, None
    return labels, label_mode


def _datasets(
    directory,
    labels,
    label_mode,
    class_names,
    batch_size,
    shuffle,
    seed,
    validation_split,
    subset,
    follow_links,
    verbose,
    formats,
    load,
    what,
    stack=np.stack,
):
    check_validation_split(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    files, labels, names = index_directory(
        directory, labels, formats, class_names, shuffle, seed, follow_links, verbose
    )
    if label_mode == "binary" and len(names) != 2:
        raise ConfigError(
            'When passing `label_mode="binary"`, there must be exactly 2 class_names. '
            f"Received: class_names={names}"
        )
    subsets = ("training", "validation") if subset == "both" else (subset,)
    out = []
    for part in subsets:
        part_files, part_labels = split(files, labels, validation_split, part)
        if not part_files:
            raise ConfigError(
                f"No {what} found in directory {directory}. Allowed formats: {formats}"
            )
        out.append(
            DirectoryDataset(
                part_files, part_labels, label_mode, names, batch_size, load, stack, shuffle
            )
        )
    return out if subset == "both" else out[0]


def image_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode: str | None = "int",
    class_names=None,
    color_mode: str = "rgb",
    batch_size: int | None = 32,
    image_size=(256, 256),
    shuffle: bool = True,
    seed: int | None = None,
    validation_split: float | None = None,
    subset: str | None = None,
    interpolation: str = "bilinear",
    follow_links: bool = False,
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
    data_format: str | None = None,
    verbose: bool = True,
):
    """Images in `directory` (one subfolder per class) as batches of float32 arrays
    `(batch, height, width, channels)` with their labels (see the module docstring)."""
    from numkeras.layers import image_utils
    from numkeras.layers.conv_utils import standardize_data_format
    from numkeras.utils.image_utils import img_to_array, load_img

    labels, label_mode = _check_labels(labels, label_mode, class_names)
    if color_mode not in ("rgb", "rgba", "grayscale"):
        raise ConfigError(
            '`color_mode` must be one of {"rgb", "rgba", "grayscale"}. Received: '
            f"color_mode={color_mode!r}"
        )
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    if not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ConfigError(
            f"Invalid `image_size` value. Expected a tuple of 2 integers. Received: {image_size}"
        )
    interpolation = interpolation.lower()
    if interpolation not in _INTERPOLATIONS:
        raise ConfigError(
            f"Argument `interpolation` should be one of {_INTERPOLATIONS}. Received: "
            f"interpolation={interpolation!r}"
        )
    data_format = standardize_data_format(data_format)

    def load(path):
        image = img_to_array(load_img(path, color_mode=color_mode), "channels_last", "float32")
        plan = image_utils.resize_plan(
            image.shape[:2],
            image_size,
            interpolation,
            crop_to_aspect_ratio=crop_to_aspect_ratio,
            pad_to_aspect_ratio=pad_to_aspect_ratio,
        )
        out = plan.apply(image[None], "channels_last")[0].astype(backend.floatx())
        return out.transpose(2, 0, 1) if data_format == "channels_first" else out

    return _datasets(
        directory,
        labels,
        label_mode,
        class_names,
        batch_size,
        shuffle,
        seed,
        validation_split,
        subset,
        follow_links,
        verbose,
        IMAGE_FORMATS,
        load,
        "images",
    )


def text_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode: str | None = "int",
    class_names=None,
    batch_size: int | None = 32,
    max_length: int | None = None,
    shuffle: bool = True,
    seed: int | None = None,
    validation_split: float | None = None,
    subset: str | None = None,
    follow_links: bool = False,
    verbose: bool = True,
):
    """`.txt` files in `directory` (one subfolder per class) as batches of strings (a NumPy
    array of `str`, each cut to `max_length` characters if given) with their labels."""
    labels, label_mode = _check_labels(labels, label_mode, class_names)

    def load(path):
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        return np.asarray(text if max_length is None else text[:max_length], dtype=object)

    return _datasets(
        directory,
        labels,
        label_mode,
        class_names,
        batch_size,
        shuffle,
        seed,
        validation_split,
        subset,
        follow_links,
        verbose,
        (".txt",),
        load,
        "text files",
    )


def audio_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode: str | None = "int",
    class_names=None,
    batch_size: int | None = 32,
    sampling_rate: int | None = None,
    output_sequence_length: int | None = None,
    ragged: bool = False,
    shuffle: bool = True,
    seed: int | None = None,
    validation_split: float | None = None,
    subset: str | None = None,
    follow_links: bool = False,
    verbose: bool = True,
):
    """`.wav` files in `directory` (one subfolder per class) as batches of float32 audio
    `(batch, time, channels)` with their labels. Each file is cut or zero-padded to
    `output_sequence_length` samples; without it a batch is zero-padded to its longest
    file (Keras's `padded_batch`), or with `ragged=True` is a list of `(time, channels)`
    arrays (Keras: a RaggedTensor). `sampling_rate` (resampling) needs tensorflow-io in
    Keras; numkeras does not resample and refuses it the same way."""
    labels, label_mode = _check_labels(labels, label_mode, class_names)
    if ragged and output_sequence_length is not None:
        raise ConfigError("Cannot set both `ragged` and `output_sequence_length`")
    if sampling_rate is not None:
        if not isinstance(sampling_rate, int):
            raise ConfigError(
                f"`sampling_rate` should have an integer value. Received: {sampling_rate!r}"
            )
        if sampling_rate <= 0:
            raise ConfigError(f"`sampling_rate` should be higher than 0. Received: {sampling_rate}")
        raise ImportError(  # (Keras without tensorflow-io raises the same)
            "To use the argument `sampling_rate`, Keras needs tensorflow-io to resample; "
            "numkeras does not resample. Resample the files beforehand (e.g. with "
            "scipy.signal.resample_poly) and leave `sampling_rate=None`."
        )

    stack = list if ragged else functools.partial(_pad_stack, length=output_sequence_length)
    return _datasets(
        directory,
        labels,
        label_mode,
        class_names,
        batch_size,
        shuffle,
        seed,
        validation_split,
        subset,
        follow_links,
        verbose,
        (".wav",),
        read_wav,
        "audio files",
        stack,
    )


def read_wav(path) -> np.ndarray:
    """A PCM WAV file as float32 `(time, channels)` in [-1, 1): 16-bit samples divided by
    32768, as `tf.audio.decode_wav`; 8-bit (unsigned), 24- and 32-bit by the same rule."""
    import wave

    with wave.open(os.fspath(path), "rb") as f:
        width, channels = f.getsampwidth(), f.getnchannels()
        frames = f.readframes(f.getnframes())
    if width == 1:
        samples = (np.frombuffer(frames, np.uint8).astype("float32") - 128.0) / 128.0
    else:
        raw = np.frombuffer(frames, np.uint8).reshape(-1, width)
        if width == 3:  # (little-endian 24-bit: sign-extended into int32's top bytes)
            raw = np.concatenate([np.zeros((len(raw), 1), np.uint8), raw], axis=1)
        ints = raw.copy().view("<i2" if width == 2 else "<i4").reshape(-1)
        scale = 32768.0 if width == 2 else 2.0**31
        samples = ints.astype("float64") / scale
    return samples.astype("float32").reshape(-1, channels)


def _pad_stack(arrays, length: int | None = None):
    # each clip cut to `length` or zero-padded after, to `length` or (Keras's
    # padded_batch) the batch's longest
    longest = max(len(a) for a in arrays) if length is None else length
    out = np.zeros((len(arrays), longest, arrays[0].shape[1]), "float32")
    for row, a in zip(out, arrays):
        row[: len(a)] = a[:longest]
    return out


__all__ = [
    "DirectoryDataset",
    "audio_dataset_from_directory",
    "image_dataset_from_directory",
    "text_dataset_from_directory",
]
