"""`STFTSpectrogram(mode="log", frame_length=256, frame_step=None, fft_length=None,
window="hann", periodic=False, scaling="density", padding="valid", expand_dims=False,
data_format=None)`: the short-time Fourier transform of signals `(batch, time,
channels)` as a 1-D convolution, as Keras 3 computes it: kernels `real_kernel` and
`imag_kernel` of shape `(frame_length, 1, fft_length // 2 + 1)` initialized by
`initializers.STFT` (windowed cosines and sines), applied to each channel with stride
`frame_step` (default `frame_length // 2`); `fft_length` defaults to the next power of 2.

`mode`: "real", "imag", "angle" (`arctan2(imag, real)`), "stft" (real then imaginary
bins), "psd" (power, the inner bins counted twice), "magnitude" (`sqrt(max(power,
epsilon))`) or "log" (its log, floored at epsilon). Outputs are `(batch, frames,
channels * bins)` (channels_last), or with `expand_dims` `(batch, frames, bins,
channels)`. The kernels are weights (trainable unless `trainable=False`); the layer
trains through its `call`, traced into operations (`numkeras.layers.traced_call`).

>>> import numpy as np
>>> layer = STFTSpectrogram(frame_length=8, frame_step=4, fft_length=8)
>>> layer(np.ones((1, 16, 1), "float32")).shape
(1, 3, 5)
"""

from __future__ import annotations

import math
import warnings

from numkeras import backend, ops
from numkeras.errors import ConfigError
from numkeras.initializers import STFT
from numkeras.layers import conv_utils as cu
from numkeras.layers.input_spec import InputSpec
from numkeras.layers.layer import Layer

MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")


class STFTSpectrogram(Layer):
    def __init__(
        self,
        mode="log",
        frame_length=256,
        frame_step=None,
        fft_length=None,
        window="hann",
        periodic=False,
        scaling="density",
        padding="valid",
        expand_dims=False,
        data_format=None,
        **kwargs,
    ):
        if frame_step is not None and (frame_step > frame_length or frame_step < 1):
            raise ConfigError(
                "`frame_step` should be a positive integer not greater than `frame_length`. "
                f"Received frame_step={frame_step}, frame_length={frame_length}"
            )
        if fft_length is not None and fft_length < frame_length:
            raise ConfigError(
                "`fft_length` should be not less than `frame_length`. "
                f"Received fft_length={fft_length}, frame_length={frame_length}"
            )
        if fft_length is not None and (fft_length & -fft_length) != fft_length:
            warnings.warn(
                "`fft_length` is recommended to be a power of two. "
                f"Received fft_length={fft_length}",
                stacklevel=2,
            )
        if mode not in MODES:
            raise ConfigError(
                f"Output mode is invalid, it must be one of {', '.join(MODES)}. "
                f"Received: mode={mode}"
            )
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ConfigError(
                "Scaling is invalid, it must be `None`, 'density' or 'spectrum'. "
                f"Received scaling={scaling}"
            )
        if padding not in ("valid", "same"):
            raise ConfigError(
                f"Padding is invalid, it should be 'valid', 'same'. Received: padding={padding}"
            )
        STFT("real", window, scaling, periodic)  # (an unknown window raises here, as Keras)
        super().__init__(**kwargs)
        self.mode = mode
        self.frame_length = frame_length
        self.frame_step = frame_step
        self._frame_step = frame_step or frame_length // 2
        self.fft_length = fft_length
        self._fft_length = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.window = window
        self.periodic = periodic
        self.scaling = scaling
        self.padding = padding
        self.expand_dims = expand_dims
        self.data_format = cu.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape):
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        args = (self.window, self.scaling, self.periodic)
        if self.mode != "imag":
            self.real_kernel = self.add_weight(
                name="real_kernel", shape=shape, initializer=STFT("real", *args)
            )
        if self.mode != "real":
            self.imag_kernel = self.add_weight(
                name="imag_kernel", shape=shape, initializer=STFT("imag", *args)
            )

    def _adjust_shapes(self, outputs):
        _, channels, freq_channels, time_seq = ops.shape(outputs)
        if self.data_format == "channels_last":
            if self.expand_dims:
                return ops.transpose(outputs, [0, 3, 2, 1])
            outputs = ops.reshape(outputs, [-1, channels * freq_channels, time_seq])
            return ops.transpose(outputs, [0, 2, 1])
        if self.expand_dims:
            return ops.transpose(outputs, [0, 1, 3, 2])
        return ops.reshape(outputs, [-1, channels * freq_channels, time_seq])

    def _apply_conv(self, inputs, kernel):
        # each channel is a signal of its own: (batch * channels, time, 1)
        if self.data_format == "channels_last":
            _, time_seq, channels = ops.shape(inputs)
            inputs = ops.reshape(ops.transpose(inputs, [0, 2, 1]), [-1, time_seq, 1])
        else:
            _, channels, time_seq = ops.shape(inputs)
            inputs = ops.reshape(inputs, [-1, 1, time_seq])
        outputs = ops.conv(
            inputs,
            ops.cast(kernel, backend.standardize_dtype(inputs.dtype)),
            padding=self.padding,
            strides=self._frame_step,
            data_format=self.data_format,
        )
        if self.data_format == "channels_last":
            _, time_seq, freq_channels = ops.shape(outputs)
            outputs = ops.transpose(outputs, [0, 2, 1])
        else:
            _, freq_channels, time_seq = ops.shape(outputs)
        return ops.reshape(outputs, [-1, channels, freq_channels, time_seq])

    def call(self, inputs):
        dtype = backend.standardize_dtype(inputs.dtype)
        if dtype not in ("float16", "float32", "float64"):
            raise TypeError(
                "Invalid input type. Expected `float16`, `float32` or `float64`. Received: "
                f"input type={dtype}"
            )
        real = self._apply_conv(inputs, self.real_kernel) if self.mode != "imag" else None
        imag = self._apply_conv(inputs, self.imag_kernel) if self.mode != "real" else None
        if self.mode == "real":
            return self._adjust_shapes(real)
        if self.mode == "imag":
            return self._adjust_shapes(imag)
        if self.mode == "angle":
            return self._adjust_shapes(ops.arctan2(imag, real))
        if self.mode == "stft":
            return self._adjust_shapes(ops.concatenate([real, imag], axis=2))
        power = ops.square(real) + ops.square(imag)
        if self.mode == "psd":
            inner = ops.pad(power[:, :, 1:-1, :], [[0, 0], [0, 0], [1, 1], [0, 0]])
            return self._adjust_shapes(power + inner)
        linear = self._adjust_shapes(ops.sqrt(ops.maximum(power, backend.epsilon())))
        if self.mode == "magnitude":
            return linear
        return ops.log(ops.maximum(linear, backend.epsilon()))

    def compute_output_shape(self, input_shape):
        channels_last = self.data_format == "channels_last"
        batch = input_shape[0]
        channels = input_shape[-1] if channels_last else input_shape[1]
        time = input_shape[1] if channels_last else input_shape[-1]
        freq = self._fft_length // 2 + 1
        if self.mode == "stft":
            freq *= 2
        frames = None
        if time is not None:
            frames = cu.out_size(time, self.frame_length, 1, self._frame_step, self.padding)
        if self.expand_dims:
            return (
                (batch, frames, freq, channels)
                if channels_last
                else (batch, channels, frames, freq)
            )
        width = None if channels is None else freq * channels
        return (batch, frames, width) if channels_last else (batch, width, frames)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "mode": self.mode,
            "frame_length": self.frame_length,
            "frame_step": self.frame_step,
            "fft_length": self.fft_length,
            "window": self.window,
            "periodic": self.periodic,
            "scaling": self.scaling,
            "padding": self.padding,
            "data_format": self.data_format,
            "expand_dims": self.expand_dims,
        }
