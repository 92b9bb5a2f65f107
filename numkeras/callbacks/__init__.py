"""Callbacks: hooks into `fit`, `evaluate` and `predict` (Keras 3's `keras.callbacks`).

>>> from numkeras import callbacks
>>> callbacks.EarlyStopping(monitor="val_loss", patience=3)
EarlyStopping(monitor='val_loss', patience=3, mode='auto', restore_best_weights=False)
"""

from numkeras.callbacks.backup_and_restore import BackupAndRestore
from numkeras.callbacks.base_logger import BaseLogger  # (Keras 2's)
from numkeras.callbacks.callback import Callback
from numkeras.callbacks.callback_list import CallbackList
from numkeras.callbacks.csv_logger import CSVLogger
from numkeras.callbacks.early_stopping import EarlyStopping
from numkeras.callbacks.history import History
from numkeras.callbacks.lambda_callback import LambdaCallback
from numkeras.callbacks.learning_rate_scheduler import LearningRateScheduler
from numkeras.callbacks.model_checkpoint import ModelCheckpoint
from numkeras.callbacks.monitor_callback import MonitorCallback
from numkeras.callbacks.orbax_checkpoint import OrbaxCheckpoint
from numkeras.callbacks.progbar_logger import ProgbarLogger
from numkeras.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from numkeras.callbacks.remote_monitor import RemoteMonitor
from numkeras.callbacks.swap_ema_weights import SwapEMAWeights
from numkeras.callbacks.tensorboard import TensorBoard
from numkeras.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = [
    "BackupAndRestore",
    "BaseLogger",
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "MonitorCallback",
    "OrbaxCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "RemoteMonitor",
    "SwapEMAWeights",
    "TensorBoard",
    "TerminateOnNaN",
]
