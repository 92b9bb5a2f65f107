"""Knowledge distillation (Keras 3.12+'s `keras.distillation`): a `Distiller` model trains a
student from labels and a frozen teacher, through distillation losses.

>>> sorted(name for name in dir() if not name.startswith("_"))[:2]
['DistillationLoss', 'Distiller']
"""

from numkeras.distillation.distillation_loss import (
    DistillationLoss,
    FeatureDistillation,
    LogitsDistillation,
)
from numkeras.distillation.distiller import Distiller

__all__ = ["DistillationLoss", "Distiller", "FeatureDistillation", "LogitsDistillation"]
