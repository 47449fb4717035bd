import numpy as np
import pytest

pytest.importorskip('pydensecrf.densecrf')

from mmirn.pseudo import crf_inference, crf_inference_label  # noqa: E402


def _two_region_image(h=40, w=60):
    img = np.zeros((h, w, 3), dtype=np.uint8)
    img[:, :w // 2] = (200, 30, 30)
    img[:, w // 2:] = (20, 40, 220)
    return img


def test_crf_inference_follows_image_edges():
    img = _two_region_image()
    h, w = img.shape[:2]
    # noisy scores: label 1 on the right half, but the boundary is 6 px off
    probs = np.full((2, h, w), 0.3, dtype=np.float32)
    probs[1, :, w // 2 - 6:] = 0.7
    probs[0] = 1 - probs[1]
    refined = crf_inference(img, probs, num_iters=10)
    assert refined.shape == (2, h, w)
    np.testing.assert_allclose(refined.sum(0), 1, atol=1e-4)
    labels = refined.argmax(0)
    assert (labels[:, w // 2:] == 1).all()
    # the wrongly scored strip left of the colour edge goes back to label 0
    assert (labels[:, :w // 2 - 1] == 0).mean() > 0.95
    assert (probs.argmax(0)[:, :w // 2] == 1).sum() > 0


def test_crf_inference_any_label_count():
    img = _two_region_image()
    probs = np.random.RandomState(0).rand(5, 40, 60).astype(np.float32)
    assert crf_inference(img, probs, num_iters=2).shape == (5, 40, 60)


def test_crf_inference_label():
    img = _two_region_image()
    labels = np.zeros((40, 60), dtype=np.int64)
    labels[:, 24:] = 2  # 6 px over the colour edge at 30
    refined = crf_inference_label(img, labels, num_labels=3)
    assert refined.shape == (40, 60)
    assert set(np.unique(refined)) <= {0, 2}
    assert (refined[:, 31:] == 2).all()
    assert (refined[:, :29] == 0).mean() > 0.95
    # a single label needs no inference
    assert (crf_inference_label(img, np.zeros((40, 60)), 1) == 0).all()


def test_crf_rejects_size_mismatch():
    with pytest.raises(AssertionError):
        crf_inference(_two_region_image(), np.ones((2, 10, 10)))
