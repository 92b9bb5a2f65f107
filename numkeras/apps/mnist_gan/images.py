"""Image grids of generated digits: PNG through Pillow (`numkeras[image]`), else binary PGM,
which any image viewer opens and which needs nothing beyond NumPy. With matplotlib, a
plot of the losses by epoch too (the tutorial's `gan_loss_epoch_N.png`).

>>> grid = image_grid(np.zeros((6, 784), "float32"), columns=3)
>>> grid.shape, grid.dtype
((64, 96), dtype('uint8'))
"""

from __future__ import annotations

import math
import os

import numpy as np


def image_grid(images: np.ndarray, columns: int = 10, pad: int = 2) -> np.ndarray:
    """`(n, 784)` images in [-1, 1] as one uint8 picture, `columns` wide, dark digits on
    white (the tutorial's `gray_r`), `pad` white pixels around each."""
    n = len(images)
    rows = max(1, math.ceil(n / columns))
    cell = 28 + 2 * pad
    pixels = np.clip((np.asarray(images, np.float32).reshape(n, 28, 28) + 1) * 127.5, 0, 255)
    grid = np.full((rows * cell, columns * cell), 255, np.uint8)
    for i, image in enumerate(pixels):
        r, c = divmod(i, columns)
        top, left = r * cell + pad, c * cell + pad
        grid[top : top + 28, left : left + 28] = 255 - image.round().astype(np.uint8)
    return grid


def save_grid(path_stem: str, grid: np.ndarray) -> str:
    """Write `grid` as `path_stem.png` (Pillow) or `path_stem.pgm`; return the path."""
    try:
        from PIL import Image
    except ImportError:
        path = f"{path_stem}.pgm"
        tmp = f"{path}.tmp"
        with open(tmp, "wb") as f:
            f.write(b"P5\n%d %d\n255\n" % (grid.shape[1], grid.shape[0]))
            f.write(np.ascontiguousarray(grid, np.uint8).tobytes())
    else:
        path = f"{path_stem}.png"
        tmp = f"{path}.tmp"
        Image.fromarray(np.ascontiguousarray(grid, np.uint8)).save(tmp, format="PNG")
    os.replace(tmp, path)
    return path


def save_loss_plot(path: str, history: list[dict]) -> bool:
    """Plot the epochs' mean discriminator and generator losses to `path` (a PNG); False,
    with nothing written, when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # (no display needed)
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    epochs = [r["epoch"] for r in history]
    figure, axes = plt.subplots(figsize=(8, 5))
    axes.plot(epochs, [r["d_loss"] for r in history], label="Discriminator loss")
    axes.plot(epochs, [r["g_loss"] for r in history], label="Generator loss")
    axes.set_xlabel("Epoch")
    axes.set_ylabel("Loss")
    axes.legend()
    tmp = f"{path}.tmp"
    figure.savefig(tmp, format="png")
    plt.close(figure)
    os.replace(tmp, path)
    return True
