"""Keras 2.11+'s `keras.optimizers.legacy` import path (`from tensorflow.keras.optimizers
.legacy import Adam`, common in scripts written for Apple-silicon Macs), kept as an alias.

Keras 2's legacy optimizers were its older implementations (`lr=`, `decay=`); numkeras's
optimizers accept those Keras 2 arguments already, so the names here are the same
classes.
"""

from numkeras.optimizers import (
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    Adamax,
    Ftrl,
    Nadam,
    Optimizer,
    RMSprop,
)

__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "Adamax", "Ftrl", "Nadam", "Optimizer", "RMSprop"]
