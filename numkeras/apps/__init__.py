"""Applications built on numkeras, each runnable from the command line.

- `mnist_gan`: train the classic 2017 MNIST GAN (`python -m numkeras.apps.mnist_gan`), with
  progress, checkpoints it resumes from, image grids and a quality score.
"""
