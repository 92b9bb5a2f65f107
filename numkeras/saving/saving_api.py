"""`model.save` / `save_weights` / `load_weights` and `load_model`, in Keras's file formats.

- `.keras` (Keras 3): a zip of `metadata.json`, `config.json` (the architecture and the
  compile arguments) and `model.weights.h5` (`weights_h5.py`).
- `.weights.h5` (Keras 3): the weights alone, in the same layout.
- `.h5` (Keras 2, "legacy"): config and weights in one HDF5 file (`legacy_h5.py`).

Files are written to a temporary file beside the target and renamed over it when
complete, so a crash or an error never leaves a half-written file. Loading never runs code:
configs name only numkeras's own classes (and any `custom_objects` you pass). HDF5 needs
h5py (`pip install "numkeras[h5]"`). A compiled model's file also holds its optimizer state
(Keras's layout), so a loaded model resumes training where it stopped.

>>> import numpy as np, tempfile, os
>>> from numkeras.layers import Dense, Input
>>> from numkeras.models import Sequential
>>> model = Sequential([Input((3,)), Dense(2)])
>>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
>>> model.save(path)
>>> again = load_model(path)
>>> all(np.array_equal(a, b) for a, b in zip(again.get_weights(), model.get_weights()))
True
"""

from __future__ import annotations

import datetime
import errno
import io
import json
import os
import shutil
import tempfile
import uuid
import warnings
import zipfile

from numkeras.errors import (
    ConfigError,
    FileFormatError,
    MissingFileError,
    NotBuiltError,
    NotHDF5Error,
    NumkerasWarning,
    UnknownObjectError,
    warn_deprecated,
)
from numkeras.saving import keras2, legacy_h5, sharded_h5, weights_h5

_CONFIG, _METADATA, _WEIGHTS = "config.json", "metadata.json", "model.weights.h5"
_ASSETS = "assets/"


def _h5py():
    try:
        import h5py
    except ImportError as e:
        raise ImportError(
            "Reading and writing .keras, .weights.h5 and .h5 files needs h5py: "
            'pip install "numkeras[h5]" (or pip install h5py).'
        ) from e
    return h5py


def _read_h5(h5py, path: str):
    """`h5py.File(path, "r")`, with an error that says what the file is where it is no
    HDF5 (h5py's own: "Unable to synchronously open file (file signature not found)")."""
    try:
        return h5py.File(path, "r")
    except OSError as e:
        if not os.path.isfile(path) or h5py.is_hdf5(path):
            raise
        size = os.path.getsize(path)
        what = "is empty" if size == 0 else f"holds {size} bytes that are not HDF5"
        raise NotHDF5Error(
            f"{path} {what}: an HDF5 file was expected (h5py: {e}). It may have been cut "
            "short by an interrupted save, or be another format under this name; write it "
            "again with `model.save_weights(path)` (a `.weights.h5` file) or "
            "`model.save(path)` (a `.keras` file)."
        ) from None


def _path(filepath) -> str:
    if not isinstance(filepath, (str, os.PathLike)):
        raise ConfigError(f"Expected a file path (str or os.PathLike), received {filepath!r}.")
    return os.fspath(filepath)


def _file_on_the_way(folder: str) -> bool:
    """Whether a file (not a folder) stands where a folder of the path should be."""
    while folder and not os.path.exists(folder):
        folder = os.path.dirname(folder)
    return bool(folder) and not os.path.isdir(folder)


def write_atomically(path: str, overwrite: bool, write) -> None:
    """Run `write(tmp_path)`, then rename the finished file to `path`."""
    if not overwrite and os.path.exists(path):
        raise FileExistsError(
            f"{path} already exists; pass overwrite=True to replace it (numkeras does not ask "
            "interactively, as Keras does)."
        )
    folder = os.path.dirname(os.path.abspath(path))
    # (no folder is created, as in Keras 3: a mistyped folder is an error, not a new one)
    if not os.path.isdir(folder):
        code = errno.ENOTDIR if _file_on_the_way(folder) else errno.ENOENT
        raise (NotADirectoryError if code == errno.ENOTDIR else FileNotFoundError)(
            code, os.strerror(code), path
        )
    # a fresh name beside the target, created by the writer itself: the file gets the usual
    # permissions (mkstemp's would be owner-only), and the rename stays on one file system
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{uuid.uuid4().hex}.tmp")
    try:
        write(tmp)
        if os.path.isdir(tmp) and os.path.exists(path):
            # (a folder cannot replace another in one rename: the old one steps aside
            # first and goes only once the new one is in place)
            aside = f"{tmp}.old"
            os.replace(path, aside)
            os.replace(tmp, path)
            _remove(aside)
        else:
            os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise


def _remove(path: str) -> None:
    if os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.exists(path):
        os.remove(path)


# -- saving ------------------------------------------------------------------------------
def save_model(
    model, filepath, overwrite: bool = True, zipped: bool | None = None, **kwargs
) -> None:
    """Save architecture, weights and compile arguments (`model.save`): a `.keras` file,
    or with `zipped=False` the same entries in a folder (its name without `.keras`, as
    Keras 3 requires; `load_model` reads it), or a Keras 2 `.h5` file.

    Keras 2's keywords, as Keras 3 takes them: `include_optimizer=False` leaves a `.h5`
    without its compile arguments and optimizer state (it loads uncompiled; a `.keras`
    file keeps both, as Keras 3 writes it), and `save_format=` is accepted beside a
    `.keras` / `.h5` path (with a note) and refused with any other. Any other keyword is
    refused (a ValueError), as in Keras 3."""
    include_optimizer = kwargs.pop("include_optimizer", True)
    save_format = kwargs.pop("save_format", None)
    if kwargs:
        raise ConfigError(
            f"The following argument(s) are not supported: {list(kwargs)}. `save` takes "
            "`filepath`, `overwrite`, `zipped` (and Keras 2's `include_optimizer`, "
            "`save_format`): remove the others."
        )
    path = _path(filepath)
    if save_format:  # (Keras 3's check, before the path's)
        if not path.endswith((".h5", ".hdf5", ".keras")):
            raise ConfigError(
                "The `save_format` argument is deprecated in Keras 3. Please remove this "
                "argument and pass a file path with either `.keras` or `.h5` extension. "
                f"Received: save_format={save_format!r}, filepath={path!r}"
            )
        warn_deprecated(
            "`save_format` is a Keras 2 keyword: the file path's extension (`.keras` or "
            "`.h5`) chooses the format; remove it."
        )
    if zipped is False and path.endswith(".keras"):
        raise ValueError(
            "When using `zipped=False`, the `filepath` argument should not end in `.keras`. "
            f"Received: filepath={path}"
        )
    if path.endswith(".keras") or (zipped is False and not path.endswith((".h5", ".hdf5"))):
        write_atomically(path, overwrite, lambda tmp: _write_keras(model, tmp, zipped is not False))
    elif path.endswith((".h5", ".hdf5")):
        h5py = _h5py()

        def write(tmp):
            with h5py.File(tmp, "w") as h5:
                training = _training_config(model) if include_optimizer else None
                legacy_h5.write_model(model, h5, training)

        write_atomically(path, overwrite, write)
    else:
        raise ValueError(
            "Invalid filepath extension for saving. Please add either a `.keras` extension for "
            "the native Keras format (recommended) or a `.h5` extension (Keras 2's format). "
            f"Received: filepath={path}"
        )


def save_weights(
    model, filepath, overwrite: bool = True, max_shard_size=None, objects_to_skip=None
) -> None:
    """Save the weights (`model.save_weights`) in Keras 3's `.weights.h5` layout; like Keras,
    a compiled model's optimizer state too. Another `.h5` / `.hdf5` name gets Keras 2's
    weights-only layout (what Keras 2's `save_weights("model.h5")` wrote, which classic
    scripts load back with `load_weights`; Keras 3 refuses that name).

    `max_shard_size` (gigabytes): the weights go into shard files of at most that size
    plus a `.weights.json` index naming them, as Keras 3 writes them (`sharded_h5.py`);
    `load_weights` reads them back from the index. `objects_to_skip`: layers (or the
    optimizer) left out of the file, with what they hold, as Keras's."""
    path = _path(filepath)
    skip = _skipped(objects_to_skip)
    if max_shard_size is not None:
        if not path.endswith(("weights.h5", "weights.json")):
            raise ValueError(
                "The filename must end in `.weights.json` when `max_shard_size` is "
                f"specified. Received: filepath={path}"
            )
        _check_built(model)
        _h5py()

        def write_shards(writer):
            _write_weights(model, writer, skip)

        sharded_h5.write_sharded(path, max_shard_size, overwrite, write_shards)
        return
    legacy = path.endswith((".h5", ".hdf5")) and not path.endswith(".weights.h5")
    if not (legacy or path.endswith(".weights.h5")):
        raise ValueError(
            "The filename must end in `.weights.h5` (or `.h5` for Keras 2's layout). "
            f"Received: filepath={path}"
        )
    if legacy and objects_to_skip is not None:
        raise ValueError(
            f"`objects_to_skip` only supports '.weights.h5' files. Received: filepath={path}"
        )
    _check_built(model)
    h5py = _h5py()

    def write(tmp):
        with h5py.File(tmp, "w") as h5:
            if legacy:
                legacy_h5.write_weights(model, h5)
                return
            _write_weights(model, h5, skip)

    write_atomically(path, overwrite, write)


def _skipped(objects) -> frozenset:
    """The ids of Keras's `objects_to_skip` (None: none)."""
    return frozenset(id(o) for o in objects) if objects is not None else frozenset()


def _write_weights(model, h5, skip: frozenset) -> None:
    weights_h5.write_model(model, h5, skip)
    if id(getattr(model, "optimizer", None)) not in skip:
        weights_h5.write_optimizer(model, h5)  # as Keras: a compiled model's state too


def _check_built(model) -> None:
    if not model.built:  # an empty file would only fail at load time
        raise NotBuiltError(
            f"Model '{model.name}' has no weights yet: build it (an Input, or a call on data) "
            "before saving its weights."
        )


def _training_config(model) -> dict | None:
    """Keras 2's `training_config`: the compile arguments, in Keras 2's forms."""
    from numkeras.models.config import compile_config

    config = dict(compile_config(model))
    if not config:
        return None
    config["optimizer_config"] = _legacy_form(config.pop("optimizer"))
    for key in ("loss", "metrics", "weighted_metrics"):
        config[key] = _legacy_form(config[key])
    return config


def _legacy_form(spec):
    """Keras 2's serialized forms, as Keras 3 writes a `.h5`: an object as `{"class_name":
    <registered name>, "config"}` (no module), a function as its registered name."""
    from numkeras.models.config import map_leaves

    def legacy(obj: dict):
        if obj["class_name"] == "function":
            return obj["config"]
        return {
            "class_name": obj.get("registered_name") or obj["class_name"],
            "config": obj["config"],
        }

    return map_leaves(spec, legacy)


def _write_keras(model, tmp: str, zipped: bool = True) -> None:
    """A `.keras` archive at `tmp`, or (not `zipped`) a folder of the same entries."""
    from numkeras import __version__
    from numkeras.models.config import serialize_layer

    config = serialize_layer(model)  # a model's config carries its compile_config already
    metadata = {
        "keras_version": legacy_h5.KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
        "numkeras_version": __version__,
    }
    buffer = io.BytesIO()
    with _h5py().File(buffer, "w") as h5:
        weights_h5.write_model(model, h5)
        weights_h5.write_optimizer(model, h5)
    entries = {
        _METADATA: json.dumps(metadata).encode(),
        _CONFIG: json.dumps(config).encode(),
        _WEIGHTS: buffer.getvalue(),
    }
    with tempfile.TemporaryDirectory() as assets:  # (vocabularies, as Keras writes them)
        weights_h5.write_assets(model, assets)
        if not zipped:
            os.makedirs(tmp)
            for name, data in entries.items():
                with open(os.path.join(tmp, name), "wb") as f:
                    f.write(data)
            shutil.copytree(assets, os.path.join(tmp, _ASSETS))
            return
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
            for name, data in entries.items():
                zf.writestr(name, data)
            for folder, _, files in sorted(os.walk(assets)):
                for name in sorted(files):
                    full = os.path.join(folder, name)
                    relative = os.path.relpath(full, assets).replace(os.sep, "/")
                    zf.write(full, f"{_ASSETS}{relative}")


def _extract_assets(zf: zipfile.ZipFile, root: str) -> None:
    """The file's `assets/` entries under `root`; an entry whose name would leave `root`
    (`..`, an absolute path) is refused: loading never writes outside its folder."""
    for info in zf.infolist():
        if not info.filename.startswith(_ASSETS) or info.is_dir():
            continue
        relative = info.filename[len(_ASSETS) :]
        parts = relative.split("/")
        if relative.startswith("/") or any(p in ("", ".", "..") for p in parts) or ":" in relative:
            raise ConfigError(f"Refusing the asset entry {info.filename!r}: an unsafe path.")
        target = os.path.join(root, *parts)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with zf.open(info) as src, open(target, "wb") as dst:
            dst.write(src.read())


# -- loading ------------------------------------------------------------------------------
def _is_keras_folder(path: str) -> bool:
    """A model saved with `zipped=False`: a folder of a `.keras` file's entries."""
    return os.path.isdir(path) and os.path.isfile(os.path.join(path, _CONFIG))


def _open_keras(path: str) -> tuple[dict, bytes, bool]:
    """The config, the weights file and whether Keras 2 (tf_keras) wrote it."""
    if _is_keras_folder(path):

        def read(name: str, default: bytes | None = None) -> bytes:
            entry = os.path.join(path, name)
            if not os.path.isfile(entry):
                if default is not None:
                    return default
                raise ConfigError(f"{path} is not a complete saved model: it lacks {name}.")
            with open(entry, "rb") as f:
                return f.read()

        metadata = json.loads(read(_METADATA, b"{}"))
        from_keras2 = keras2.is_keras2(metadata.get("keras_version"))
        return json.loads(read(_CONFIG)), read(_WEIGHTS), from_keras2
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            missing = [n for n in (_CONFIG, _WEIGHTS) if n not in names]
            if missing:
                raise ConfigError(
                    f"{path} is not a complete .keras file: it lacks {missing} (found "
                    f"{sorted(names)})."
                )
            metadata = json.loads(zf.read(_METADATA)) if _METADATA in names else {}
            from_keras2 = keras2.is_keras2(metadata.get("keras_version"))
            return json.loads(zf.read(_CONFIG)), zf.read(_WEIGHTS), from_keras2
    except zipfile.BadZipFile as e:
        raise ConfigError(f"{path} is not a .keras file (not a zip archive).") from e


def _compile_from_config(model, config: dict, custom_objects: dict | None = None) -> bool:
    """Compile as saved. A custom object nothing supplies (a loss or metric function not
    passed in `custom_objects`) raises, as in Keras 3 (TypeError) and Keras 2
    (ValueError): the error is both. Any other failure (a Keras name numkeras lacks)
    warns and leaves the model uncompiled, where Keras would load it. Returns whether it
    compiled."""
    from numkeras import optimizers
    from numkeras.models.config import compile_args_from_config
    from numkeras.trainers.trainer import Trainer

    if type(model).compile_from_config is not Trainer.compile_from_config:
        # the model's own (keras.io's saving guide): it reads what its own
        # `get_compile_config` wrote, as Keras calls it
        from numkeras.saving.object_registration import supplying

        with supplying(custom_objects):
            model.compile_from_config(config)
        return True
    try:
        args = compile_args_from_config(config, custom_objects)
        # (a compile_config without an optimizer, as Keras 3 writes a `.keras` saved after
        # a `.h5` of the same model: compile's default, as Keras compiles it)
        spec = config.get("optimizer", "rmsprop")
        optimizer = (
            optimizers.deserialize(spec, custom_objects)
            if isinstance(spec, dict)
            else optimizers.get(spec)
        )
        model.compile(optimizer=optimizer, **args)
    except UnknownObjectError as e:
        raise type(e)(
            f"{e} (The model's saved compile() arguments name it; or load it with "
            "compile=False and compile it yourself.)"
        ) from None
    except (ValueError, TypeError, KeyError) as e:
        warnings.warn(
            f"The model loaded, but compiling it as saved failed ({type(e).__name__}: {e}); it "
            "is returned uncompiled: call `model.compile(...)` yourself.",
            NumkerasWarning,
            stacklevel=3,
        )
        return False
    return True


def _output_names(model) -> list[str] | None:
    try:
        return list(model._output_keys())
    except Exception:  # noqa: BLE001 - a model without a graph: no per-output names
        return None


def load_model(filepath, custom_objects: dict | None = None, compile: bool = True, safe_mode=True):
    """A model from a `.keras` or Keras 2 `.h5` file, compiled as it was saved (unless
    `compile=False`). Only known classes are built; no code in the file is run."""
    from numkeras.models.config import deserialize_layer

    path = _path(filepath)
    if not os.path.exists(path):
        raise MissingFileError(f"No file or directory found at {path}")
    h5py = _h5py()
    if path.endswith(".keras") or _is_keras_folder(path) or zipfile.is_zipfile(path):
        config, weights, from_keras2 = _open_keras(path)
        compiled = config.pop("compile_config", None)
        if from_keras2:
            config = keras2.model_config(config)
        model = deserialize_layer(config, custom_objects)
        if from_keras2 and compiled:
            compiled = keras2.compile_config(compiled, _output_names(model))
        with h5py.File(io.BytesIO(weights), "r") as h5:
            weights_h5.read_model(model, h5, where=path)
            if compile and compiled and _compile_from_config(model, compiled, custom_objects):
                weights_h5.read_optimizer(model, h5, keras2_layout=from_keras2)
        if _is_keras_folder(path):
            weights_h5.read_assets(model, os.path.join(path, _ASSETS))
            return model
        with zipfile.ZipFile(path) as zf, tempfile.TemporaryDirectory() as assets:
            _extract_assets(zf, assets)
            weights_h5.read_assets(model, assets)
        return model
    if path.endswith((".h5", ".hdf5")) or h5py.is_hdf5(path):
        with _read_h5(h5py, path) as h5:
            model = deserialize_layer(legacy_h5.read_config(h5), custom_objects)
            legacy_h5.read_weights(model, h5, where=path)
            training = legacy_h5.read_training_config(h5)
            if compile and training and training.get("optimizer_config"):
                if keras2.is_keras2(h5.attrs.get("keras_version")):
                    config = keras2.compile_config(training, _output_names(model))
                else:
                    config = {**training, "optimizer": training["optimizer_config"]}
                    config = legacy_h5.keras3_compile_forms(config)
                if _compile_from_config(model, config, custom_objects):
                    legacy_h5.read_optimizer(model, h5)
        return model
    raise ValueError(
        f"File format not supported: filepath={path}. numkeras reads `.keras` files and Keras 2 "
        "`.h5` files."
    )


def load_weights(model, filepath, skip_mismatch: bool = False, **kwargs) -> None:
    """Set `model`'s weights from a `.weights.h5`, `.keras` or Keras 2 `.h5` file.

    `skip_mismatch=True`: a layer whose saved weights do not fit keeps its values (with a
    warning) and the others load. `by_name=True` (Keras 2 `.h5` files only, as in Keras):
    each layer loads from the saved layer of the same name, by position otherwise.
    """
    by_name = kwargs.pop("by_name", None)
    objects_to_skip = kwargs.pop("objects_to_skip", None)
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {kwargs}")
    path = _path(filepath)
    keras3 = (".keras", ".weights.h5", ".weights.json")
    if not path.endswith((*keras3, ".h5", ".hdf5")):  # as Keras: before the disk
        raise FileFormatError(
            f"File format not supported: filepath={path}. numkeras loads weights from "
            "`.weights.h5`, `.weights.json` (sharded), `.keras` and Keras 2 `.h5` files."
        )
    if by_name is not None and path.endswith(keras3):
        raise ValueError(
            f"`by_name` only supports loading legacy '.h5' or '.hdf5' files. Received: {path}"
        )
    if objects_to_skip is not None and not path.endswith((".weights.h5", ".weights.json")):
        raise ValueError(
            f"`objects_to_skip` only supports loading '.weights.h5' files. Received: {path}"
        )
    if not os.path.exists(path):
        raise MissingFileError(f"No file or directory found at {path}")
    h5py = _h5py()
    skip = _skipped(objects_to_skip)
    with_optimizer = getattr(model, "compiled", False) and (
        id(getattr(model, "optimizer", None)) not in skip
    )  # (as Keras: the optimizer state too, unless skipped)
    if path.endswith(".weights.json"):  # an index of shards (sharded_h5.py)
        with sharded_h5.ShardedReader(path) as h5:
            weights_h5.read_model(model, h5, path, skip_mismatch, skip)
            if with_optimizer:
                weights_h5.read_optimizer(model, h5, build=False)
        return
    if path.endswith((".keras", ".weights.h5")):
        from_keras2 = False
        if path.endswith(".keras"):
            _, weights, from_keras2 = _open_keras(path)
            opened = h5py.File(io.BytesIO(weights), "r")
        else:
            opened = _read_h5(h5py, path)
        with opened as h5:
            weights_h5.read_model(model, h5, path, skip_mismatch, skip)
            if with_optimizer:
                weights_h5.read_optimizer(model, h5, keras2_layout=from_keras2, build=False)
    else:  # .h5 / .hdf5
        with _read_h5(h5py, path) as h5:
            legacy_h5.read_weights(
                model, h5, where=path, skip_mismatch=skip_mismatch, by_name=bool(by_name)
            )
