"""Saving and loading in Keras's file formats: `.keras`, `.weights.h5` and Keras 2's `.h5`
(`saving_api.py`). HDF5 needs h5py (`pip install "numkeras[h5]"`)."""

from numkeras.saving.saving_api import load_model, load_weights, save_model, save_weights

__all__ = ["load_model", "load_weights", "save_model", "save_weights"]
