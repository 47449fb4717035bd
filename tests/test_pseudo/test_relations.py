import numpy as np
import pytest
from PIL import Image

from mmirn.pseudo import mine_relation_labels, save_label_png, threshold_cams


def _crafted():
    """A 40 x 60 image: class 4 in a block on the left, class 1 on the right."""
    h, w = 40, 60
    img = np.full((h, w, 3), 128, dtype=np.uint8)
    cams = np.zeros((2, h, w), dtype=np.float32)
    cams[0, 10:30, 5:25] = 0.9  # key 4: confident
    cams[0, 8:32, 3:27] = np.maximum(cams[0, 8:32, 3:27], 0.2)  # unsure ring
    cams[1, 10:30, 40:55] = 0.6  # key 1: confident
    cams[1, 10:30, 35:40] = 0.1  # unsure strip
    return img, np.array([4, 1]), cams


def test_threshold_cams():
    cams = np.array([[[0.1, 0.5]], [[0.2, 0.6]]], dtype=np.float32)
    np.testing.assert_array_equal(threshold_cams(cams, 0.3), [[0, 2]])
    np.testing.assert_array_equal(threshold_cams(cams, 0.05), [[2, 2]])


def test_mine_relation_labels_without_crf():
    img, keys, cams = _crafted()
    label = mine_relation_labels(
        img, keys, cams, crf_cfg=dict(enabled=False))
    expected = np.zeros((40, 60), dtype=np.uint8)
    expected[8:32, 3:27] = 255
    expected[10:30, 5:25] = 5
    expected[10:30, 35:40] = 255
    expected[10:30, 40:55] = 2
    assert label.dtype == np.uint8
    np.testing.assert_array_equal(label, expected)


def test_mine_relation_labels_no_classes():
    img = np.zeros((8, 8, 3), dtype=np.uint8)
    label = mine_relation_labels(img, np.zeros(0), np.zeros((0, 8, 8)))
    assert (label == 0).all()


def test_mine_relation_labels_with_crf():
    pytest.importorskip('pydensecrf.densecrf')
    img, keys, cams = _crafted()
    # colours agree with the confident areas: CRF keeps them
    img[10:30, 5:25] = (220, 20, 20)
    img[10:30, 40:55] = (20, 20, 220)
    label = mine_relation_labels(img, keys, cams)
    assert (label[12:28, 7:23] == 5).all()
    assert (label[12:28, 42:53] == 2).all()
    assert (label[:5] == 0).all() and (label[-5:] == 0).all()
    assert set(np.unique(label)) <= {0, 2, 5, 255}


def test_save_label_png(tmp_path):
    label = np.array([[0, 255], [3, 1]], dtype=np.uint8)
    path = str(tmp_path / 'a.png')
    save_label_png(path, label)
    np.testing.assert_array_equal(np.array(Image.open(path)), label)
