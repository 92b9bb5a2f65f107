"""Goldens for tests/utils/test_audio_dataset.py: `audio_dataset_from_directory` on a
folder of small WAV files (16-bit PCM, mono and stereo, of several lengths), as tf_keras
2.21 reads them (Keras 3's function is the same code, on tf.data; /work/kenv has no
TensorFlow): the decoded batches, their padding, labels and class names.

    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \
        /work/main/scripts/goldens/make_audio_dataset.py
"""

from __future__ import annotations

import json
import pathlib
import shutil
import tempfile
import wave

import numpy as np

OUT = pathlib.Path(__file__).parents[2] / "tests" / "goldens" / "audio_dataset.json"
# class -> [(file name, samples)], each file's frames (time, channels) of int16
LENGTHS = {"dog": [("a.wav", 5), ("b.wav", 9), ("c.wav", 3)], "cat": [("d.wav", 7), ("e.wav", 4)]}


def write_folder(channels: int) -> str:
    """A class-per-subfolder tree of WAV files with known int16 samples."""
    root = tempfile.mkdtemp(prefix="wavs-")
    rng = np.random.default_rng(channels)
    for label, files in LENGTHS.items():
        folder = pathlib.Path(root, label)
        folder.mkdir()
        for name, frames in files:
            samples = rng.integers(-32768, 32768, (frames, channels)).astype("<i2")
            samples[0, 0] = -32768  # the extremes scale to -1 and 32767 / 32768
            samples[-1, -1] = 32767
            with wave.open(str(folder / name), "wb") as f:
                f.setnchannels(channels)
                f.setsampwidth(2)
                f.setframerate(16000)
                f.writeframes(samples.tobytes())
    return root


def batches(ds) -> list:
    out = []
    for batch in ds:
        x, y = batch if isinstance(batch, tuple) else (batch, None)
        out.append([np.asarray(x).tolist(), None if y is None else np.asarray(y).tolist()])
    return out


def scenarios(lib) -> dict:
    import inspect

    function = lib.utils.audio_dataset_from_directory
    quiet = "verbose" in inspect.signature(function).parameters  # (tf_keras has no verbose)

    def make(*args, verbose=False, **kwargs):
        return function(*args, **kwargs, **({"verbose": verbose} if quiet else {}))

    mono, stereo = write_folder(1), write_folder(2)
    results = {}
    results["padded_int"] = batches(make(mono, batch_size=2, shuffle=False, verbose=False))
    ds = make(stereo, batch_size=3, shuffle=False, output_sequence_length=6, verbose=False)
    results["fixed_length_stereo"] = batches(ds)
    results["class_names"] = ds.class_names
    results["categorical"] = batches(
        # (fixed length: tf_keras's padded_batch pads only scalar labels; Keras 3 fixed it)
        make(
            mono,
            batch_size=4,
            shuffle=False,
            label_mode="categorical",
            output_sequence_length=9,
            verbose=False,
        )
    )
    results["binary_unbatched"] = batches(
        make(mono, batch_size=None, shuffle=False, label_mode="binary", verbose=False)
    )
    results["no_labels"] = batches(
        make(
            mono, labels=None, batch_size=5, shuffle=False, output_sequence_length=4, verbose=False
        )
    )
    results["given_labels"] = batches(
        make(mono, labels=[4, 3, 2, 1, 0], batch_size=5, shuffle=False, verbose=False)
    )
    train, val = make(
        mono,
        batch_size=2,
        validation_split=0.4,
        subset="both",
        seed=7,
        output_sequence_length=8,
        verbose=False,
    )
    # (tf.data also shuffles the training files through a buffer each epoch: only the
    # validation part, which it does not shuffle, has a fixed order)
    results["split_sizes"] = [sum(len(b[1]) for b in batches(train)), len(batches(val))]
    results["split_validation"] = batches(val)
    errors = {}
    for name, kwargs in {
        "ragged_and_length": {"ragged": True, "output_sequence_length": 3},
        "rate_float": {"sampling_rate": 1.5},
        "rate_zero": {"sampling_rate": 0},
        "bad_label_mode": {"label_mode": "sparse"},
        "binary_three_classes": {"label_mode": "binary", "class_names": ["dog", "cat", "x"]},
    }.items():
        try:
            make(mono, verbose=False, **kwargs)
            errors[name] = "ok"
        except Exception as e:  # noqa: BLE001 - the built-in type is the result
            errors[name] = next(t for t in type(e).__mro__ if t.__module__ == "builtins").__name__
    results["errors"] = errors
    for root in (mono, stereo):
        shutil.rmtree(root)
    return results


if __name__ == "__main__":
    import tf_keras

    OUT.write_text(json.dumps(scenarios(tf_keras), sort_keys=True) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
