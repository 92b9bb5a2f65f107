"""`get_file`: download a file once into Keras's cache (`~/.keras/datasets`, or
`$KERAS_HOME/datasets`, shared with Keras), check its hash, and extract an archive, as
Keras 3's `keras.utils.get_file` does (same file names, same return values).

Safer than Keras in two ways: the download is written to a temporary file and renamed
only once complete (and hash-checked), so an interrupted download never leaves a file that
looks cached; and archives are extracted member by member, refusing any member that would
land outside the extraction folder (`..`, absolute paths, links), with the extracted tree
assembled in a temporary folder first.

>>> import os, tempfile
>>> src = os.path.join(tempfile.mkdtemp(), "hello.txt")
>>> with open(src, "w") as f:
...     _ = f.write("hi")
>>> path = get_file(origin="file://" + src, cache_dir=tempfile.mkdtemp())
Downloading data from file://...
>>> open(path).read()
'hi'
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.parse
import urllib.request
import warnings
import zipfile

from numkeras.errors import ConfigError
from numkeras.utils.progbar import print_msg

_CHUNK = 1 << 16


def keras_home() -> str:
    """Keras's home folder: `$KERAS_HOME`, else `~/.keras`."""
    return os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")


def _hasher(algorithm: str, file_hash: str | None):
    if algorithm == "auto":
        algorithm = "sha256" if file_hash is not None and len(file_hash) == 64 else "md5"
    if algorithm not in ("sha256", "md5"):
        raise ConfigError(f"hash_algorithm must be 'auto', 'sha256' or 'md5', not {algorithm!r}.")
    return algorithm, hashlib.new(algorithm)


def hash_file(path: str, algorithm: str = "sha256") -> str:
    """The hex digest of the file at `path` (`"sha256"` or `"md5"`)."""
    _, hasher = _hasher(algorithm, None)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(path: str, file_hash: str, algorithm: str = "auto") -> bool:
    """Whether the file's hash is `file_hash`."""
    algorithm, _ = _hasher(algorithm, file_hash)
    return hash_file(path, algorithm) == str(file_hash)


def _download(origin: str, target: str, file_hash, algorithm) -> None:
    from numkeras.saving.saving_api import write_atomically
    from numkeras.utils.progbar import Progbar

    print_msg(f"Downloading data from {origin}")

    def fetch(tmp: str) -> None:
        with open(tmp, "wb") as out, urllib.request.urlopen(origin, timeout=60) as response:  # noqa: S310
            total = response.headers.get("Content-Length")
            bar = Progbar(int(total)) if total else None
            done = 0
            for chunk in iter(lambda: response.read(_CHUNK), b""):
                out.write(chunk)
                done += len(chunk)
                if bar is not None:
                    bar.update(done)
        if file_hash is not None and not validate_file(tmp, file_hash, algorithm):
            raise ConfigError(
                f"Incomplete or corrupted file detected. The {_hasher(algorithm, file_hash)[0]} "
                f"file hash does not match the provided value of {file_hash}."
            )

    write_atomically(target, True, fetch)


def _safe_member(root: str, name: str) -> str:
    target = os.path.realpath(os.path.join(root, name))
    if os.path.isabs(name) or not target.startswith(os.path.realpath(root) + os.sep):
        raise ConfigError(f"Refusing to extract {name!r}: it would land outside {root}.")
    return target


def extract_archive(file_path: str, path: str = ".", archive_format="auto") -> bool:
    """Extract a tar (`.tar`, `.tar.gz`, `.tar.bz2`) or zip archive into `path`; False if
    the file is none of `archive_format` ("auto": tar, then zip). Members that would leave
    `path`, and links, are refused."""
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else archive_format
    formats = [formats] if isinstance(formats, str) else formats
    for kind in formats:
        if kind not in ("tar", "zip"):
            raise ConfigError(f"archive_format must be 'auto', 'tar' or 'zip', not {kind!r}.")
        if not (tarfile.is_tarfile if kind == "tar" else zipfile.is_zipfile)(file_path):
            continue
        parent = os.path.dirname(os.path.abspath(path)) or "."
        os.makedirs(parent, exist_ok=True)
        staging = tempfile.mkdtemp(dir=parent, suffix=".extracting")
        try:
            if kind == "tar":
                with tarfile.open(file_path) as archive:
                    for member in archive.getmembers():
                        _safe_member(staging, member.name)
                        if member.issym() or member.islnk() or member.isdev():
                            raise ConfigError(f"Refusing to extract the link {member.name!r}.")
                        archive.extract(member, staging)  # noqa: S202 (members checked above)
            else:
                with zipfile.ZipFile(file_path) as archive:
                    for name in archive.namelist():
                        _safe_member(staging, name)
                    archive.extractall(staging)  # noqa: S202 (names checked above)
            if os.path.exists(path):
                shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
            os.replace(staging, path)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return True
    return False


def get_file(
    fname: str | None = None,
    origin: str | None = None,
    untar: bool = False,
    md5_hash: str | None = None,
    file_hash: str | None = None,
    cache_subdir: str = "datasets",
    hash_algorithm: str = "auto",
    extract: bool = False,
    archive_format="auto",
    cache_dir: str | None = None,
    force_download: bool = False,
) -> str:
    """The local path of `origin`, downloaded into `cache_dir/cache_subdir` unless a file
    with a matching hash is there already; with `extract` (or `untar`), the folder it was
    extracted to (Keras 3's names: `<fname>_extracted`, or `<fname>` beside
    `<fname>_archive`)."""
    if origin is None:
        raise ConfigError('Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    base = os.path.expanduser(cache_dir or keras_home())
    if not os.access(base, os.W_OK) and os.path.exists(base):
        base = os.path.join(tempfile.gettempdir(), ".keras")
    datadir = os.path.join(base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    given = os.fspath(fname) if fname is not None else None
    if not given:
        name = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not name:
            raise ConfigError(
                f"Can't parse the file name from the origin provided: '{origin}'. Please "
                "specify the `fname` argument."
            )
    else:
        if os.sep in given:
            raise ConfigError(
                "Paths are no longer accepted as the `fname` argument. To specify the file's "
                f"parent directory, use the `cache_dir` argument. Received: fname={given}"
            )
        name = given
    if extract or untar:
        if given and "." in name:
            target = os.path.join(datadir, name)
            extraction_dir = os.path.join(datadir, f"{name[: name.find('.')]}_extracted")
        else:
            extraction_dir = os.path.join(datadir, name)
            target = os.path.join(datadir, f"{name}_archive")
    else:
        target = os.path.join(datadir, name)
    download = force_download or not os.path.exists(target)
    if (
        not download
        and file_hash is not None
        and not validate_file(target, file_hash, hash_algorithm)
    ):
        print_msg(
            "A local file was found, but it seems to be incomplete or outdated because the "
            f"{_hasher(hash_algorithm, file_hash)[0]} file hash does not match the original "
            f"value of {file_hash} so we will re-download the data."
        )
        download = True
    if download:
        _download(origin, target, file_hash, hash_algorithm)
    if extract or untar:
        if not extract_archive(target, extraction_dir, "tar" if untar else archive_format):
            warnings.warn("Could not extract archive.", stacklevel=2)
        return extraction_dir
    return target


__all__ = ["extract_archive", "get_file", "hash_file", "validate_file"]
