"""`get_file`: Keras 3's cache names and return values, hashes, atomic downloads, and
archives extracted only inside their folder (file:// origins: no network needed)."""

import hashlib
import io
import os
import tarfile
import zipfile

import pytest

from numkeras.utils.file_utils import extract_archive, get_file


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "src" / "data.csv"
    path.parent.mkdir()
    path.write_text("a,b\n1,2\n")
    return path


def test_download_once_then_cached(source, tmp_path, capsys):
    cache = tmp_path / "cache"
    path = get_file(origin=source.as_uri(), cache_dir=str(cache))
    assert path == str(cache / "datasets" / "data.csv")
    assert open(path).read() == "a,b\n1,2\n"
    assert "Downloading data from" in capsys.readouterr().out
    assert get_file(origin=source.as_uri(), cache_dir=str(cache)) == path
    assert "Downloading" not in capsys.readouterr().out  # cached
    assert os.listdir(cache / "datasets") == ["data.csv"]  # no temporary file left


def test_hashes(source, tmp_path, capsys):
    cache = str(tmp_path / "cache")
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    md5 = hashlib.md5(source.read_bytes()).hexdigest()
    path = get_file("x.csv", source.as_uri(), file_hash=sha, cache_dir=cache)
    assert get_file("y.csv", source.as_uri(), md5_hash=md5, cache_dir=cache).endswith("y.csv")
    with pytest.raises(ValueError, match="hash does not match"):
        get_file("z.csv", source.as_uri(), file_hash="0" * 64, cache_dir=cache)
    assert not os.path.exists(os.path.join(cache, "datasets", "z.csv"))
    with open(path, "w") as f:  # a stale local copy is downloaded again
        f.write("old")
    capsys.readouterr()
    get_file("x.csv", source.as_uri(), file_hash=sha, cache_dir=cache)
    assert "re-download" in capsys.readouterr().out
    assert open(path).read() == "a,b\n1,2\n"


def _tar(path, members):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_extract_names_follow_keras(tmp_path):
    archive = tmp_path / "src" / "flowers.tgz"
    archive.parent.mkdir()
    _tar(archive, {"flowers/a.txt": b"1", "flowers/b/c.txt": b"2"})
    cache = str(tmp_path / "cache")
    out = get_file("flowers.tgz", archive.as_uri(), extract=True, cache_dir=cache)
    assert out == os.path.join(cache, "datasets", "flowers_extracted")
    assert open(os.path.join(out, "flowers", "b", "c.txt")).read() == "2"
    out = get_file("flowers", archive.as_uri(), untar=True, cache_dir=cache)
    assert out == os.path.join(cache, "datasets", "flowers")
    assert os.path.exists(os.path.join(cache, "datasets", "flowers_archive"))
    zpath = tmp_path / "src" / "z.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("inner/x.txt", "zip")
    out = get_file(origin=zpath.as_uri(), extract=True, cache_dir=cache)
    assert open(os.path.join(out, "inner", "x.txt")).read() == "zip"


@pytest.mark.parametrize("name", ["../evil.txt", "/abs/evil.txt", "a/../../evil.txt"])
def test_members_outside_the_folder_are_refused(tmp_path, name):
    archive = tmp_path / "bad.tar.gz"
    _tar(archive, {name: b"x"})
    with pytest.raises(ValueError, match="outside"):
        extract_archive(str(archive), str(tmp_path / "out"))
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "out").exists()


def test_bad_arguments(source):
    with pytest.raises(ValueError, match="origin"):
        get_file("x")
    with pytest.raises(ValueError, match="cache_dir"):
        get_file(os.path.join("a", "b.csv"), source.as_uri())
