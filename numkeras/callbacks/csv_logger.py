"""`CSVLogger`: stream each epoch's logs to a CSV file."""

from __future__ import annotations

import collections.abc
import csv
import os

import numpy as np

from numkeras.callbacks.callback import Callback


def _handle_value(value):
    if isinstance(value, str):
        return value
    if isinstance(value, collections.abc.Iterable) and not (
        isinstance(value, np.ndarray) and value.ndim == 0
    ):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """Stream epoch results to a CSV file, in exactly Keras 3's format.

    The header is `epoch` followed by the sorted log keys of the first epoch; if that epoch
    has no `val_` keys, `val_` copies of every key are added (and written as `NA` while no
    validation runs), as Keras does. Rows use the `csv.excel` dialect with `separator` as
    delimiter, so lines end in `\\r\\n`. Iterable values are written as `"[a, b]"`. The file
    is flushed after every epoch and closed at the end of training.

    Args:
        filename: Path of the CSV file, e.g. `"run/log.csv"`.
        separator: String used to separate elements.
        append: True: append if the file exists (the header is only written to an empty
            file), useful for continuing training. False: overwrite.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
    >>> logger = CSVLogger(path)
    >>> logger.on_train_begin()
    >>> logger.on_epoch_end(0, {"loss": 0.5, "val_loss": 0.75})
    >>> logger.on_train_end()
    >>> open(path, newline="").read()
    'epoch,loss,val_loss\\r\\n0,0.5,0.75\\r\\n'
    """

    def __init__(self, filename: str | os.PathLike, separator: str = ",", append: bool = False):
        super().__init__()
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.writer = None
        self.keys: list[str] | None = None
        self.append_header = True
        self.csv_file = None

    def __repr__(self) -> str:
        return f"CSVLogger({self.filename!r}, separator={self.sep!r}, append={self.append})"

    def on_train_begin(self, logs=None):
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename) as f:
                    self.append_header = not bool(len(f.readline()))
            mode = "a"
        else:
            mode = "w"
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        # Default newline handling, as Keras: the excel dialect's "\r\n" is written as is.
        self.csv_file = open(self.filename, mode)  # noqa: SIM115 (closed in on_train_end)
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs.keys())
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                self.keys.extend([f"val_{k}" for k in self.keys])

        if not self.writer:
            sep = self.sep

            class CustomDialect(csv.excel):
                delimiter = sep

            self.writer = csv.DictWriter(
                self.csv_file, fieldnames=["epoch"] + self.keys, dialect=CustomDialect
            )
            if self.append_header:
                self.writer.writeheader()

        row = {"epoch": epoch}
        row.update((key, _handle_value(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None
