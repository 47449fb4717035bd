"""Masks are read at their bit depth; values that are no class are an error naming the file."""
import numpy as np
import pytest
from PIL import Image

from mmirn.datasets.transforms import LoadWSSSAnnotations
from mmirn.datasets.transforms.loading import read_index_map


def _results(path, num_classes=5):
    return dict(seg_map_path=str(path), gt_label=np.zeros(num_classes, np.float32),
                ori_shape=(4, 6))


def _save(path, array, mode=None):
    Image.fromarray(array, mode=mode).save(path)
    return path


def test_16bit_mask_is_not_wrapped(tmp_path):
    mask = np.zeros((4, 6), np.uint16)
    mask[0, 0] = 256  # astype(uint8) would make it 0 (background)
    path = _save(tmp_path / '16bit.png', mask)
    with pytest.raises(ValueError, match='from 0 to 256') as e:
        read_index_map(str(path))
    assert str(path) in str(e.value)


def test_16bit_mask_within_range_reads(tmp_path):
    mask = np.array([[0, 1, 2, 255, 3, 0]] * 4, np.uint16)
    path = _save(tmp_path / '16bit_ok.png', mask)
    out = LoadWSSSAnnotations()(_results(path))['gt_seg_map']
    assert out.dtype == np.uint8 and np.array_equal(out, mask)


def test_value_outside_classes_names_the_file(tmp_path):
    mask = np.zeros((4, 6), np.uint8)
    mask[1, 1] = 8  # 5 foreground classes: 1..5, 255 ignored
    path = _save(tmp_path / 'bad.png', mask)
    with pytest.raises(ValueError, match=r'value\(s\) \[8\] outside the classes 0-5') as e:
        LoadWSSSAnnotations()(_results(path))
    assert str(path) in str(e.value)


def test_ignore_and_classes_accepted(tmp_path):
    mask = np.array([[0, 1, 5, 255, 0, 0]] * 4, np.uint8)
    path = _save(tmp_path / 'ok.png', mask)
    out = LoadWSSSAnnotations()(_results(path))['gt_seg_map']
    assert np.array_equal(out, mask)
