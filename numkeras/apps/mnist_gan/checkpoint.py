"""A training run's checkpoint: everything needed to continue it exactly.

One folder, `checkpoint/` in the run's output folder, holding `weights.npz` (the
generator's, the discriminator's and the shared optimizer's variables, by position) and
`state.json` (the epoch reached, the loss history, the run's settings and the random
generators' states). It is written to a fresh folder beside the old one and swapped in
by renames, so an interrupted save leaves the previous checkpoint whole.

>>> import tempfile, numpy as np
>>> folder = tempfile.mkdtemp()
>>> save(folder, {"epoch": 3}, {"generator": [np.zeros(2, "float32")]})
>>> state, arrays = load(folder)
>>> state["epoch"], arrays["generator"][0].dtype
(3, dtype('float32'))
"""

from __future__ import annotations

import json
import os
import shutil
import uuid

import numpy as np

from numkeras.errors import FileFormatError

NAME = "checkpoint"


def path(out_dir: str) -> str:
    return os.path.join(out_dir, NAME)


def exists(out_dir: str) -> bool:
    return os.path.isfile(os.path.join(path(out_dir), "state.json"))


def save(out_dir: str, state: dict, arrays: dict[str, list[np.ndarray]]) -> None:
    """Write `state` (JSON-able) and named lists of arrays as the run's checkpoint."""
    final = path(out_dir)
    fresh = f"{final}.{uuid.uuid4().hex}.tmp"
    os.makedirs(fresh)
    try:
        flat = {f"{group}/{i}": a for group, items in arrays.items() for i, a in enumerate(items)}
        np.savez(os.path.join(fresh, "weights.npz"), **flat)
        counts = {group: len(items) for group, items in arrays.items()}
        with open(os.path.join(fresh, "state.json"), "w") as f:
            json.dump({**state, "array_counts": counts}, f, indent=1)
        old = f"{final}.{uuid.uuid4().hex}.old"
        if os.path.exists(final):
            os.replace(final, old)
        os.replace(fresh, final)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise


def load(out_dir: str) -> tuple[dict, dict[str, list[np.ndarray]]]:
    """The checkpoint's state and arrays (as `save` was given them)."""
    folder = path(out_dir)
    try:
        with open(os.path.join(folder, "state.json")) as f:
            state = json.load(f)
        counts = state.pop("array_counts")
        with np.load(os.path.join(folder, "weights.npz")) as data:
            arrays = {g: [data[f"{g}/{i}"] for i in range(n)] for g, n in counts.items()}
    except (OSError, KeyError, ValueError) as e:
        raise FileFormatError(
            f"The checkpoint in {folder} cannot be read ({type(e).__name__}: {e}); delete it "
            "to start the run again, or pass another --out folder."
        ) from e
    return state, arrays
