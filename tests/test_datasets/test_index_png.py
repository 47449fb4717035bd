"""read_index_map and read_saliency share one PNG reader but keep their messages."""
import re

import cv2
import numpy as np
import pytest
from PIL import Image

from mmirn.datasets.transforms.loading import read_index_map, read_saliency


def test_missing_files(tmp_path):
    path = str(tmp_path / 'none.png')
    with pytest.raises(FileNotFoundError, match=f'^Mask not found: {re.escape(path)}$'):
        read_index_map(path)
    with pytest.raises(FileNotFoundError,
                       match=f'^Saliency map not found: {re.escape(path)}$'):
        read_saliency(path)


def test_undecodable_and_multi_channel(tmp_path):
    junk = tmp_path / 'junk.png'
    junk.write_bytes(b'not a png')
    with pytest.raises(ValueError, match='^Cannot read mask .*junk.png: '):
        read_index_map(str(junk))
    with pytest.raises(ValueError, match='^Cannot read saliency map .*junk.png: '):
        read_saliency(str(junk))
    rgb = tmp_path / 'rgb.png'
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(rgb)
    with pytest.raises(ValueError,
                       match='^Mask .*rgb.png is not a single-channel index map$'):
        read_index_map(str(rgb))
    with pytest.raises(ValueError, match=r'^Saliency map .*rgb.png is not a '
                       r'single-channel \(grey\) image$'):
        read_saliency(str(rgb))


def test_values_out_of_range(tmp_path):
    big = tmp_path / 'big16.png'
    cv2.imwrite(str(big), np.array([[0, 300]], np.uint16))
    with pytest.raises(ValueError, match=r'^Mask .*big16.png \(uint16\) holds values '
                       r'from 0 to 300: an index map holds 0-255 \(255 ignored\)$'):
        read_index_map(str(big))
    with pytest.raises(ValueError, match=r'^Saliency map .*big16.png \(uint16\) holds '
                       r'values from 0 to 300, not 0-255$'):
        read_saliency(str(big))
    ok = tmp_path / 'ok16.png'
    cv2.imwrite(str(ok), np.array([[0, 255], [12, 7]], np.uint16))
    for read in (read_index_map, read_saliency):
        out = read(str(ok))
        assert out.dtype == np.uint8
        np.testing.assert_array_equal(out, [[0, 255], [12, 7]])


def test_bool_images(tmp_path):
    """A 1-bit PNG is a mask of 0 / 1 but no saliency map."""
    path = tmp_path / 'bits.png'
    Image.fromarray(np.array([[True, False], [False, True]])).save(path)
    mask = read_index_map(str(path))
    assert mask.dtype == np.uint8
    np.testing.assert_array_equal(mask, [[1, 0], [0, 1]])
    with pytest.raises(ValueError, match=r'^Saliency map .*bits.png holds bool values, '
                       r'not 0-255 grey levels$'):
        read_saliency(str(path))
