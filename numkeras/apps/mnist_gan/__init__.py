"""The classic 2017 MNIST GAN as a command-line application (`python -m
numkeras.apps.mnist_gan`): the tutorial's models (`models`), its training loop with a
checkpoint it resumes from exactly (`training`, `checkpoint`), 10x10 image grids
(`images`) and a classifier-based quality score (`quality`).

>>> from numkeras.apps.mnist_gan import Settings
>>> Settings().batch_size
128
"""

from numkeras.apps.mnist_gan.models import build
from numkeras.apps.mnist_gan.training import Settings, train

__all__ = ["Settings", "build", "train"]
