import numpy as np

from numkeras.callbacks import CSVLogger


def test_matches_keras_goldens(goldens, tmp_path):
    for i, case in enumerate(goldens["csv_logger"]):
        path = tmp_path / f"log{i}.csv"
        if "existing" in case:
            path.write_bytes(case["existing"].encode())
        cb = CSVLogger(path, **case["kwargs"])
        cb.on_train_begin()
        for epoch, logs in enumerate(case["epochs"]):
            logs = {k: np.array(v) if isinstance(v, list) else v for k, v in logs.items()}
            cb.on_epoch_end(epoch, logs)
        cb.on_train_end()
        assert path.read_bytes().decode() == case["result"]["content"], case


def test_flushes_each_epoch_and_closes(tmp_path):
    path = tmp_path / "log.csv"
    cb = CSVLogger(str(path))
    cb.on_train_begin()
    cb.on_epoch_end(0, {"loss": 0.5, "val_loss": 0.25})
    assert path.read_text().splitlines() == ["epoch,loss,val_loss", "0,0.5,0.25"]
    cb.on_train_end()
    assert cb.csv_file.closed


def test_second_fit_overwrites_unless_append(tmp_path):
    path = tmp_path / "log.csv"
    for append in (False, False):
        cb = CSVLogger(path, append=append)
        cb.on_train_begin()
        cb.on_epoch_end(0, {"loss": 1.0, "val_loss": 2.0})
        cb.on_train_end()
    assert path.read_text().count("epoch") == 1
    cb = CSVLogger(path, append=True)
    cb.on_train_begin()
    cb.on_epoch_end(1, {"loss": 0.5, "val_loss": 1.0})
    cb.on_train_end()
    assert path.read_text().splitlines() == ["epoch,loss,val_loss", "0,1.0,2.0", "1,0.5,1.0"]
