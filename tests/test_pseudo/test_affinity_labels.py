"""PSA affinity labels mined from crafted CAMs."""
import numpy as np
import pytest

from mmirn.pseudo import bg_scores, mine_affinity_labels
from mmirn.pseudo.affinity_labels import alpha_from_threshold


def _crafted():
    """A 40 x 60 image: class 4 on the left (strong core, weak rim), class 1 right."""
    h, w = 40, 60
    img = np.full((h, w, 3), 128, dtype=np.uint8)
    cams = np.zeros((2, h, w), dtype=np.float32)
    cams[0, 8:32, 3:27] = 0.1  # weak rim: (1 - 0.1)^4 = 0.66 > 0.1, ^32 = 0.03 < 0.1
    cams[0, 10:30, 5:25] = 0.9  # core: foreground at both powers
    cams[1, 10:30, 40:55] = 0.6
    cams[1, 10:30, 35:40] = 0.05  # ^4 = 0.81 > 0.05, ^32 = 0.19 > 0.05: background
    return img, np.array([4, 1]), cams


def test_bg_scores():
    cams = np.array([[[0.0, 0.5]], [[0.2, 0.25]]], dtype=np.float32)
    scores = bg_scores(cams, 2)
    np.testing.assert_allclose(scores[0], [[0.64, 0.25]])
    np.testing.assert_array_equal(scores[1:], cams)
    assert (bg_scores(np.zeros((0, 2, 3)), 4) == 1).all()


def test_mine_affinity_labels_without_crf():
    img, keys, cams = _crafted()
    label = mine_affinity_labels(
        img, keys, cams, crf_cfg=dict(enabled=False))
    expected = np.zeros((40, 60), dtype=np.uint8)
    expected[8:32, 3:27] = 255  # fg only at alpha 32: neutral
    expected[10:30, 5:25] = 5
    expected[10:30, 40:55] = 2
    assert label.dtype == np.uint8
    np.testing.assert_array_equal(label, expected)


def test_alpha_order_and_no_classes():
    img, keys, cams = _crafted()
    with pytest.raises(AssertionError):
        mine_affinity_labels(img, keys, cams, 32, 4)
    label = mine_affinity_labels(
        np.zeros((8, 8, 3), np.uint8), np.zeros(0), np.zeros((0, 8, 8)))
    assert (label == 0).all()


def test_mine_affinity_labels_with_crf():
    pytest.importorskip('pydensecrf.densecrf')
    img, keys, cams = _crafted()
    img[10:30, 5:25] = (220, 20, 20)
    img[10:30, 40:55] = (20, 20, 220)
    label = mine_affinity_labels(img, keys, cams)
    assert (label[12:28, 7:23] == 5).all()
    assert (label[12:28, 42:53] == 2).all()
    assert (label[:5] == 0).all() and (label[-5:] == 0).all()
    assert set(np.unique(label)) <= {0, 2, 5, 255}


@pytest.mark.parametrize('alpha,thr', [(4, 0.2755), (16, 0.1228), (32, 0.0770)])
def test_alpha_from_threshold_inverts_psa_powers(alpha, thr):
    assert abs(alpha_from_threshold(thr) - alpha) < 0.01 * alpha
    t = 0.6
    assert abs((1 - t)**alpha_from_threshold(t) - t) < 1e-9
    assert alpha_from_threshold(0.5) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        alpha_from_threshold(1.0)


def test_threshold_powers_split_the_max_cam_at_the_thresholds():
    """Without a CRF the labels are the thresholds of the max CAM."""
    rng = np.random.default_rng(0)
    cams = rng.random((2, 20, 30)).astype(np.float32)
    img = np.zeros((20, 30, 3), np.uint8)
    label = mine_affinity_labels(
        img, np.array([0, 3]), cams, alpha_from_threshold(0.7),
        alpha_from_threshold(0.3), crf_cfg=dict(enabled=False))
    peak = cams.max(0)
    fg = np.where(cams[0] >= cams[1], 1, 4)
    expected = np.full((20, 30), 255, np.uint8)
    expected[peak > 0.7] = fg[peak > 0.7]
    expected[peak < 0.3] = 0
    np.testing.assert_array_equal(label, expected)
