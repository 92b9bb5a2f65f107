"""Keras's image file helpers (Pillow): round trips, data formats, scaling, resizing."""

import numpy as np
import pytest

pytest.importorskip("PIL")

from numkeras.preprocessing.image import array_to_img, img_to_array, load_img, save_img  # noqa: E402


def test_array_to_img_scales_to_0_255_and_back():
    x = np.linspace(-1.0, 1.0, 2 * 3 * 3, dtype="float32").reshape(2, 3, 3)
    img = array_to_img(x)
    assert (img.size, img.mode) == ((3, 2), "RGB")
    back = img_to_array(img)
    assert back.dtype == np.float32 and back.shape == (2, 3, 3)
    want = ((x - x.min()) / (x.max() - x.min()) * 255).astype("uint8")
    np.testing.assert_array_equal(back, want)


def test_channels_first_and_grayscale():
    x = np.arange(12, dtype="float32").reshape(1, 3, 4)
    img = array_to_img(x, data_format="channels_first", scale=False)
    assert img.mode == "L" and img.size == (4, 3)
    assert img_to_array(img, data_format="channels_first").shape == (1, 3, 4)
    assert img_to_array(img).shape == (3, 4, 1)


def test_save_and_load_round_trip_with_resize(tmp_path):
    x = np.random.default_rng(0).integers(0, 255, size=(8, 6, 3)).astype("float32")
    path = tmp_path / "img.png"
    save_img(path, x, scale=False)
    assert [p.name for p in tmp_path.iterdir()] == ["img.png"]  # no temporary file left
    np.testing.assert_array_equal(img_to_array(load_img(path)), x)
    assert load_img(path, color_mode="grayscale").mode == "L"
    small = load_img(path, target_size=(4, 3), interpolation="bilinear")
    assert img_to_array(small).shape == (4, 3, 3)
    cropped = load_img(path, target_size=(2, 2), keep_aspect_ratio=True)
    assert cropped.size == (2, 2)


def test_errors_name_the_fix():
    with pytest.raises(ValueError, match="rank 3"):
        array_to_img(np.zeros((2, 4, 4, 3)))
    with pytest.raises(ValueError, match="channel"):
        array_to_img(np.zeros((4, 4, 2)))
    with pytest.raises(ValueError, match="color_mode"):
        load_img(__file__, color_mode="cmyk")
