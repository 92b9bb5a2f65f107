"""`AugMix(value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3, alpha=1.0,
all_ops=True, interpolation="bilinear", seed=None, data_format=None)`: in training, mix
each batch with `num_chains` augmented copies of itself; at inference
(`training=False`), the identity.

As Keras 3: each chain applies up to `chain_depth` operations, each picked uniformly
from the operation list plus "none" (skipped); the list is RandomShear,
RandomTranslation, RandomRotation, RandomPosterization, Solarization, AutoContrast,
Equalization, and with `all_ops=True` also RandomBrightness, RandomColorDegeneration,
RandomContrast, RandomSharpness, each built with `factor` (see RandAugment). The chains
are mixed with weights `m ~ Dirichlet(alpha, ..., alpha)` and the result with the input:
`clip(w x + (1 - w) sum_k m_k chain_k(x), value_range)`, `w ~ Beta(alpha, alpha)` (one
`m` and `w` per batch). All draws come from this layer's generator (Keras picks the
operations with Python's unseeded `random.choice`; here `seed` fixes them too).

The backward pass is that mix of the chains' backward passes (a chain with
posterization, auto-contrast or equalization contributes no gradient); zero where the
output was clipped. A direct call without `training=` augments, as Keras's. Bad
arguments raise ConfigError.

>>> import numpy as np
>>> AugMix(seed=0)(np.full((2, 4, 4, 3), 100.0)).shape
(2, 4, 4, 3)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.layers import image_utils as iu
from numkeras.layers.rand_augment import augment_layers, run_ops

AUGMENT_LAYERS = (
    "random_shear",
    "random_translation",
    "random_rotation",
    "random_posterization",
    "solarization",
    "auto_contrast",
    "equalization",
)
AUGMENT_LAYERS_ALL = AUGMENT_LAYERS + (
    "random_brightness",
    "random_color_degeneration",
    "random_contrast",
    "random_sharpness",
)


class _Mix:
    def __init__(self, w, weights, chains, mask):
        self.w, self.weights, self.chains, self.mask = w, weights, chains, mask

    def transpose(self, g, data_format: str):
        g = g * self.mask
        out = self.w * g
        for m, chain in zip(self.weights, self.chains):
            out = out + chain.transpose((1 - self.w) * m * g, data_format)
        return out


class AugMix(iu.AugmentationLayer):
    def __init__(
        self,
        value_range=(0, 255),
        num_chains: int = 3,
        chain_depth: int = 3,
        factor=0.3,
        alpha: float = 1.0,
        all_ops: bool = True,
        interpolation: str = "bilinear",
        seed: int | None = None,
        data_format=None,
        **kwargs,
    ):
        name = type(self).__name__
        value_range = iu.check_value_range(name, value_range)
        num_chains = iu.check_size(name, "num_chains", num_chains)
        if not iu.is_number(chain_depth) or int(chain_depth) != chain_depth or chain_depth < 0:
            raise ConfigError(
                f"{name}: `chain_depth` must be a non-negative integer. "
                f"Received: chain_depth={chain_depth!r}"
            )
        factor = iu.base_factor(name, factor, bounds=(0, 1))
        if not iu.is_number(alpha) or alpha <= 0:
            raise ConfigError(f"{name}: `alpha` must be a positive number. Received: {alpha!r}")
        iu.check_choice(name, "interpolation", interpolation, iu.AFFINE_INTERPOLATIONS)
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.num_chains = num_chains
        self.chain_depth = int(chain_depth)
        self.factor = factor
        self.alpha = alpha
        self.all_ops = bool(all_ops)
        self.interpolation = interpolation
        self._set_seed(seed)
        self._names = AUGMENT_LAYERS_ALL if self.all_ops else AUGMENT_LAYERS
        self._ops = augment_layers(
            self._names, factor, value_range, interpolation, self.data_format, self.dtype
        )

    def _transform(self, x, training: bool):
        if not training:
            return x, None
        xp = backend.xp
        generator = self._generator()
        t = x.dtype.type
        weights = generator.dirichlet([self.alpha] * self.num_chains).astype(x.dtype)
        w = t(generator.beta(self.alpha, self.alpha))
        mixed, chains = xp.zeros_like(x), []
        for k in range(self.num_chains):
            picks = generator.integers(0, len(self._names) + 1, self.chain_depth)
            ops = [self._ops[self._names[i]] for i in picks if i < len(self._names)]
            y, chain = run_ops(self, ops, x)
            mixed = mixed + y * weights[k]
            chains.append(chain)
        out = w * x + (1 - w) * mixed
        low, high = (t(v) for v in sorted(self.value_range))
        mask = (out >= low) & (out <= high)
        return xp.clip(out, low, high), _Mix(w, weights, chains, mask)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "num_chains": self.num_chains,
            "chain_depth": self.chain_depth,
            "factor": self.factor,
            "alpha": self.alpha,
            "all_ops": self.all_ops,
            "interpolation": self.interpolation,
            "seed": self.seed,
        }

    def _repr_args(self) -> str:
        return (
            f"num_chains={self.num_chains}, chain_depth={self.chain_depth}, "
            f"factor={self.factor}, value_range={self.value_range!r}"
        )
