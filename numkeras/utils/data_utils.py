"""Keras 2's import path `keras.utils.data_utils`, for `Sequence` (Keras 3's `PyDataset`)."""

from numkeras.utils.py_dataset import PyDataset, Sequence

__all__ = ["PyDataset", "Sequence"]
