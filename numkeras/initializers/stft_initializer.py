"""`STFT`: Keras 3's initializer of Conv1D kernels that compute a short-time Fourier transform.

>>> from numkeras.initializers import STFT
>>> STFT(window=None, scaling=None)((4, 1, 3))[:, 0, 2]
array([ 1., -1.,  1., -1.], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras.errors import ConfigError, ShapeError, did_you_mean, format_shape
from numkeras.initializers.initializer import (
    Initializer,
    standardize_dtype,
    standardize_shape,
    to_backend,
)


def _cosine_sum(n: int, coefficients: tuple, periodic: bool):
    """The generalized cosine windows (Hann, Hamming, Blackman), symmetric or periodic,
    as `scipy.signal.get_window(name, n, fftbins=periodic)`."""
    if n == 1:
        return np.ones(1)
    m = n + 1 if periodic else n
    k = np.arange(m) * (2 * np.pi / (m - 1))
    w = sum((-1) ** i * a * np.cos(i * k) for i, a in enumerate(coefficients))
    return w[:n]


def _bartlett(n: int, periodic: bool):
    if n == 1:
        return np.ones(1)
    m = n + 1 if periodic else n
    return np.bartlett(m)[:n]


_WINDOWS = {
    "hann": lambda n, p: _cosine_sum(n, (0.5, 0.5), p),
    "hamming": lambda n, p: _cosine_sum(n, (0.54, 0.46), p),
    "blackman": lambda n, p: _cosine_sum(n, (0.42, 0.50, 0.08), p),
    "bartlett": _bartlett,
    "boxcar": lambda n, p: np.ones(n),
}
_ALIASES = {"hanning": "hann", "han": "hann", "hamm": "hamming", "ham": "hamming",
            "black": "blackman", "blk": "blackman", "bart": "bartlett", "brt": "bartlett",
            "triang": None, "rect": "boxcar", "rectangular": "boxcar", "ones": "boxcar",
            "box": "boxcar"}  # fmt: skip


def get_window(name: str, n: int, periodic: bool):
    """A window by its `scipy.signal.windows` name: built in for the common ones, SciPy's
    `get_window` for the rest when SciPy is installed (as Keras, which always uses SciPy)."""
    key = _ALIASES.get(name, name)
    if key in _WINDOWS:
        return _WINDOWS[key](n, periodic)
    try:
        import scipy.signal
    except ImportError:
        scipy = None
    if scipy is not None:
        try:
            return np.asarray(scipy.signal.get_window(name, n, fftbins=periodic), "float64")
        except ValueError as e:
            raise ConfigError(f"Unknown STFT window {name!r}: {e}") from None
    hint = did_you_mean(name, [*_WINDOWS, *_ALIASES])
    raise ConfigError(
        f"Unknown STFT window {name!r} (SciPy, which has more windows, is not installed). "
        f"Built-in windows: {sorted(_WINDOWS)}, an array of `frame_length` values, or None." + hint
    )


class STFT(Initializer):
    """Kernels of shape `(frame_length, 1, fft_length // 2 + 1)` whose Conv1D computes the
    real (`side="real"`: cos) or imaginary (`side="imag"`: sin) part of an STFT, as Keras 3's
    `keras.initializers.STFT` (alias `STFTInitializer`).

    Args:
        side: `"real"` or `"imag"`.
        window: a `scipy.signal.windows` name (`"hann"`, `"hamming"`, `"blackman"`,
            `"bartlett"` and `"boxcar"` need no SciPy), an array of `frame_length` values,
            or None for none.
        scaling: `"density"` (divide by the window's L2 norm), `"spectrum"` (by its L1
            norm) or None.
        periodic: a periodic (DFT-even) window instead of a symmetric one.

    >>> STFT("imag", "hann", "density", False)((8, 1, 5)).shape
    (8, 1, 5)
    """

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in ("real", "imag"):
            raise ConfigError(f"`side` must be 'real' or 'imag'; received side={side!r}.")
        if isinstance(window, str):
            get_window(window, 1, False)  # an unknown name fails here, as in Keras
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ConfigError(
                f"`scaling` must be None, 'density' or 'spectrum'; received scaling={scaling!r}."
            )
        self.side = side
        self.window = window
        self.scaling = scaling
        self.periodic = periodic

    def __call__(self, shape, dtype=None):
        shape = standardize_shape(shape)
        dtype = standardize_dtype(dtype)
        if len(shape) != 3:
            raise ShapeError(
                "STFT initializes kernels of shape (frame_length, input_channels, "
                f"fft_length // 2 + 1); received shape {format_shape(shape)}."
            )
        frame_length, _, fft_length = shape
        win = None
        scale = 1.0
        if self.window is not None:
            if isinstance(self.window, str):
                win = get_window(self.window, frame_length, bool(self.periodic))
            else:
                win = np.asarray(self.window, "float64")
            # Keras converts the window to the kernel's dtype before using it
            win = win.astype(dtype)
            if win.ndim != 1 or win.shape[0] != frame_length:
                raise ShapeError(
                    f"The window must have shape ({frame_length},) (frame_length); received "
                    f"shape {format_shape(win.shape)}."
                )
            win = win.reshape(frame_length, 1, 1)
            if self.scaling == "density":
                scale = np.sqrt(np.sum(np.square(win)))
            elif self.scaling == "spectrum":
                scale = np.sum(np.abs(win))
        # Keras's arithmetic, in the kernel's dtype: -2 * t * (f / (2 * (F - 1))) * pi
        freq = np.arange(fft_length, dtype=dtype).reshape(1, 1, fft_length)
        freq = freq / np.asarray((fft_length - 1) * 2, dtype)
        time = np.arange(frame_length, dtype=dtype).reshape(frame_length, 1, 1)
        args = (np.asarray(-2, dtype) * time) * freq * np.arccos(np.asarray(-1, dtype))
        kernel = np.cos(args) if self.side == "real" else np.sin(args)
        if win is not None:
            kernel = kernel * win / np.asarray(scale, dtype)
        return to_backend(kernel.astype(dtype, copy=False))

    def get_config(self) -> dict:
        window = self.window
        if isinstance(window, np.ndarray):
            window = window.tolist()
        return {
            "side": self.side,
            "window": window,
            "periodic": self.periodic,
            "scaling": self.scaling,
        }
