"""`RemoteMonitor`: POST each epoch's logs to a server, as Keras 3's callback."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings

import numpy as np

from numkeras.callbacks.callback import Callback


class RemoteMonitor(Callback):
    """Stream the epoch-end logs to a server with an HTTP POST (Keras 3 semantics).

    At the end of each epoch it posts `{"epoch": epoch, **logs}` to `root + path`: as
    JSON (`Content-Type: application/json`) when `send_as_json=True`, otherwise as a form
    with the JSON text under `field`. NumPy scalars and one-element arrays are sent as
    plain numbers. A server that cannot be reached gives a warning, not an error.

    Args:
        root: Root URL of the target server.
        path: Path relative to `root` to which the events are sent.
        field: Form field that holds the JSON data (only when `send_as_json=False`).
        headers: Optional dict of extra HTTP headers.
        send_as_json: Send the request body as `application/json`.

    Keras needs the `requests` package and raises `ImportError` at the first epoch
    without it; here `requests` is used when installed and the standard library's
    `urllib` otherwise.

    >>> monitor = RemoteMonitor(root="http://localhost:9000", send_as_json=True)
    >>> monitor.root + monitor.path
    'http://localhost:9000/publish/epoch/end/'
    """

    def __init__(
        self,
        root: str = "http://localhost:9000",
        path: str = "/publish/epoch/end/",
        field: str = "data",
        headers: dict | None = None,
        send_as_json: bool = False,
    ) -> None:
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def __repr__(self) -> str:
        return f"RemoteMonitor(root={self.root!r}, path={self.path!r})"

    def on_epoch_end(self, epoch, logs=None) -> None:
        send = {"epoch": epoch}
        for k, v in (logs or {}).items():
            # NumPy scalars and arrays are not JSON types: send their Python value
            send[k] = v.item() if isinstance(v, (np.ndarray, np.generic)) else v
        url = self.root + self.path
        try:
            import requests
        except ImportError:
            requests = None
        if requests is not None:  # looked up here so `mock.patch("requests.post")` works
            try:
                if self.send_as_json:
                    requests.post(url, json=send, headers=self.headers)
                else:
                    requests.post(url, {self.field: json.dumps(send)}, headers=self.headers)
            except requests.exceptions.RequestException:
                self._warn()
            return
        self._post_with_urllib(url, send)

    def _post_with_urllib(self, url: str, send: dict) -> None:
        headers = dict(self.headers or {})
        if self.send_as_json:
            body = json.dumps(send).encode()
            headers.setdefault("Content-Type", "application/json")
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10):
                pass
        except (urllib.error.URLError, OSError, ValueError):
            self._warn()

    def _warn(self) -> None:
        warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}", stacklevel=3)
