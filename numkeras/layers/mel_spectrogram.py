"""`MelSpectrogram(fft_length=2048, sequence_stride=512, sequence_length=None,
window="hann", sampling_rate=16000, num_mel_bins=128, min_freq=20.0, max_freq=None,
power_to_db=True, top_db=80.0, mag_exp=2.0, min_power=1e-10, ref_power=1.0)`: audio
signals `(samples,)` or `(batch, samples)` to mel spectrograms `(num_mel_bins, frames)`
or `(batch, num_mel_bins, frames)`, computed as Keras 3 computes them:

- `ops.stft` of the signal (centred, reflect-padded; `frames = samples // stride + 1`),
  its magnitude raised to `mag_exp`;
- times the HTK mel filterbank (triangles with peak 1 between `min_freq` and `max_freq`,
  default `sampling_rate / 2`; the DC bin gets no weight);
- with `power_to_db`, `10 * log10(max(power, min_power) / max(|ref_power|, min_power))`,
  floored at `top_db` below the largest value of the whole call (the batch's, as Keras).

The layer has no weights and passes no gradient (it is preprocessing: put it first).

>>> import numpy as np
>>> layer = MelSpectrogram(num_mel_bins=64, sampling_rate=8000, sequence_stride=256,
...                        fft_length=2048)
>>> layer(np.random.default_rng(0).random(16000)).shape
(64, 63)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras import ops as kops
from numkeras.errors import ConfigError
from numkeras.layers.layer import Layer

# (the HTK mel scale: mel(f) = 1127 * ln(1 + f / 700), Keras's constants)
_MEL_BREAK_FREQUENCY_HERTZ = 700.0
_MEL_HIGH_FREQUENCY_Q = 1127.0


def hertz_to_mel(frequencies):
    return _MEL_HIGH_FREQUENCY_Q * np.log(1.0 + frequencies / _MEL_BREAK_FREQUENCY_HERTZ)


def linear_to_mel_weight_matrix(
    num_mel_bins=20,
    num_spectrogram_bins=129,
    sampling_rate=8000,
    lower_edge_hertz=125.0,
    upper_edge_hertz=3800.0,
    dtype="float32",
):
    """Keras's `MelSpectrogram.linear_to_mel_weight_matrix`: `(num_spectrogram_bins,
    num_mel_bins)`, the triangles linear in mel, computed in `dtype` as Keras does."""
    f = np.dtype(dtype).type
    linear = np.linspace(f(0.0), f(sampling_rate) / f(2.0), num_spectrogram_bins, dtype=dtype)[1:]
    bins_mel = hertz_to_mel(linear)[:, None]
    edges = np.linspace(
        hertz_to_mel(f(lower_edge_hertz)),
        hertz_to_mel(f(upper_edge_hertz)),
        num_mel_bins + 2,
        dtype=dtype,
    )
    lower, center, upper = edges[:-2][None], edges[1:-1][None], edges[2:][None]
    lower_slopes = (bins_mel - lower) / (center - lower)
    upper_slopes = (upper - bins_mel) / (upper - center)
    weights = np.maximum(f(0.0), np.minimum(lower_slopes, upper_slopes)).astype(dtype)
    return np.pad(weights, [[1, 0], [0, 0]])  # (the DC bin, excluded as HTK does)


class MelSpectrogram(Layer):
    def __init__(
        self,
        fft_length=2048,
        sequence_stride=512,
        sequence_length=None,
        window="hann",
        sampling_rate=16000,
        num_mel_bins=128,
        min_freq=20.0,
        max_freq=None,
        power_to_db=True,
        top_db=80.0,
        mag_exp=2.0,
        min_power=1e-10,
        ref_power=1.0,
        **kwargs,
    ):
        self.fft_length = fft_length
        self.sequence_stride = sequence_stride
        self.sequence_length = sequence_length or fft_length
        if self.fft_length < self.sequence_length:
            raise ConfigError(
                "`fft_length` must be greater than or equal to  `sequence_length`. Received: "
                f"`sequence_length`={self.sequence_length}, `fft_length`={self.fft_length}."
            )
        self.window = window
        self.sampling_rate = sampling_rate
        self.num_mel_bins = num_mel_bins
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        self.power_to_db = power_to_db
        self.top_db = top_db
        self.mag_exp = mag_exp
        self.min_power = min_power
        self.ref_power = ref_power
        super().__init__(**kwargs)

    def call(self, inputs):
        dtype = self.dtype if self.dtype in ("float32", "float64") else "float32"
        x = backend.to_numpy(inputs).astype(dtype)
        real, imag = (
            backend.to_numpy(t)
            for t in kops.stft(
                x,
                sequence_length=self.sequence_length,
                sequence_stride=self.sequence_stride,
                fft_length=self.fft_length,
                window=self.window,
                center=True,
            )
        )
        spec = np.power(np.sqrt(real * real + imag * imag), self.mag_exp).astype(dtype)
        matrix = linear_to_mel_weight_matrix(
            self.num_mel_bins, spec.shape[-1], self.sampling_rate, self.min_freq, self.max_freq
        )
        out = np.tensordot(spec, matrix.astype(dtype), axes=1)
        if self.power_to_db:
            out = self._dbscale(out)
        return backend.xp.asarray(np.swapaxes(out, -1, -2).astype(self.dtype))

    def _dbscale(self, power):
        log_spec = 10.0 * np.log10(np.maximum(power, self.min_power))
        ref = np.abs(np.asarray(self.ref_power, power.dtype))
        log_spec = log_spec - 10.0 * np.log10(np.maximum(ref, self.min_power))
        return np.maximum(log_spec, np.max(log_spec) - self.top_db).astype(power.dtype)

    def forward(self, inputs, training: bool = True):
        return self.call(inputs), None

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if need_input_grad:
            raise NotImplementedError(
                f"Layer '{self.name}' (MelSpectrogram) passes no gradient: layers before it "
                "cannot be trained through it. Put it first, or compute the spectrograms "
                "before the model."
            )
        return None

    def compute_output_shape(self, input_shape):
        def frames(n):
            return None if n is None else (n + self.sequence_stride + 1) // self.sequence_stride

        if len(input_shape) == 1:
            return (self.num_mel_bins, frames(input_shape[0]))
        return (input_shape[0], self.num_mel_bins, frames(input_shape[1]))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "fft_length": self.fft_length,
            "sequence_stride": self.sequence_stride,
            "sequence_length": self.sequence_length,
            "window": self.window,
            "sampling_rate": self.sampling_rate,
            "num_mel_bins": self.num_mel_bins,
            "min_freq": self.min_freq,
            "max_freq": self.max_freq,
            "power_to_db": self.power_to_db,
            "top_db": self.top_db,
            "mag_exp": self.mag_exp,
            "min_power": self.min_power,
            "ref_power": self.ref_power,
        }
