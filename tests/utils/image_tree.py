"""The small image folder the directory-dataset goldens and tests share (NumPy and Pillow
only, so scripts/goldens/make_api.py can import it beside Keras)."""

import os

import numpy as np


def make_image_tree(root) -> None:
    """Small PNGs in three class folders, plus a non-image file to be skipped."""
    from PIL import Image

    rng = np.random.default_rng(5)
    for cls, count in (("cat", 4), ("dog", 3), ("emu", 2)):
        os.makedirs(os.path.join(root, cls))
        for i in range(count):
            h, w = 5 + i, 7 - i
            pixels = rng.integers(0, 256, size=(h, w, 3)).astype("uint8")
            Image.fromarray(pixels).save(os.path.join(root, cls, f"img{i}.png"))
    with open(os.path.join(root, "cat", "notes.txt"), "w") as f:
        f.write("not an image")
