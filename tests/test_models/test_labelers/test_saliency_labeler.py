"""RCA's saliency label rule on known small inputs."""
import numpy as np
import pytest
import torch
from mmengine.structures import PixelData
from PIL import Image

from mmirn.models.labelers import SaliencyCAMLabeler
from mmirn.models.labelers import saliency as saliency_mod
from mmirn.registry import TASK_UTILS
from mmirn.structures import WSSSDataSample

# one row of pixels, class keys 1 and 3 (labels 2 and 4)
KEYS = np.array([1, 3])
CAMS = np.array([
    [[0.6, 0.1, 0.0, 0.9, 0.95, 0.5]],
    [[0.2, 0.3, 0.0, 0.0, 0.95, 0.7]],
], np.float32)
SAL = np.array([[200, 200, 10, 10, 250, 100]], np.uint8)


def _lab(**kw):
    kw.setdefault('crf', False)
    kw.setdefault('min_fg_ratio', 0)
    return SaliencyCAMLabeler(**kw)


def test_each_case_of_the_rule():
    out = _lab(cam_thr=0.4).label(CAMS, KEYS, SAL)
    # salient + CAM 0.6 -> class 1 (label 2); salient, no CAM above 0.4 -> 255;
    # not salient -> 0; not salient but CAM 0.9 > conf_thr -> 255;
    # two classes above overlap_thr -> 255; salient, class 3 wins -> 4
    assert out.tolist() == [[2, 255, 0, 255, 255, 4]]
    assert out.dtype == np.uint8


def test_released_threshold_is_one_minus_saliency():
    # cam_thr None: a salient pixel needs a CAM above 1 - s / 255
    # pixel 0: 1 - 200/255 = 0.22 < 0.6; pixel 1: 0.22 < 0.3 (class 3);
    # pixel 5: 1 - 100/255 = 0.61 < 0.7
    out = _lab().label(CAMS, KEYS, SAL)
    assert out.tolist() == [[2, 4, 0, 255, 255, 4]]
    out = _lab(overlap_thr=None, conf_thr=1.).label(CAMS, KEYS, SAL)
    assert out.tolist() == [[2, 4, 0, 0, 2, 4]]


def test_thresholds_and_ignore_value():
    out = _lab(sal_thr=5, cam_thr=0.4, ignore_index=254).label(CAMS, KEYS, SAL)
    assert out.tolist() == [[2, 254, 254, 2, 254, 4]]
    with pytest.raises(ValueError, match='0-255'):
        SaliencyCAMLabeler(sal_thr=300)


def test_too_little_foreground_is_ignored():
    # 2 foreground pixels of 6
    out = _lab(cam_thr=0.4, min_fg_ratio=0.5).label(CAMS, KEYS, SAL)
    assert (out == 255).all()
    out = _lab(cam_thr=0.4, min_fg_ratio=0.3).label(CAMS, KEYS, SAL)
    assert (out != 255).any()


def test_no_class_channels():
    out = _lab().label(np.zeros((0, 1, 6), np.float32), np.zeros(0), SAL)
    assert out.tolist() == [[255, 255, 0, 0, 255, 255]]


def test_crf_on_and_off(monkeypatch):
    calls = []

    def spy(img, probs, num_iters):
        calls.append((img.shape, probs.copy(), num_iters))
        return probs / probs.sum(0, keepdims=True)

    monkeypatch.setattr(saliency_mod, 'crf_inference', spy)
    img = np.zeros((1, 6, 3), np.uint8)
    _lab(crf=False).label(CAMS, KEYS, SAL, img)
    assert not calls
    _lab(crf=True, crf_alpha=2, crf_iters=3).label(CAMS, KEYS, SAL, img)
    (shape, probs, iters), = calls
    assert shape == (1, 6, 3) and iters == 3
    np.testing.assert_allclose(probs[0], (1 - CAMS.max(0))**2)
    np.testing.assert_allclose(probs[1:], CAMS)


def _sample(tmp_path, cams, sal, img):
    Image.fromarray(img).save(tmp_path / 'img.png')
    Image.fromarray(sal).save(tmp_path / 'sal.png')
    sample = WSSSDataSample(metainfo=dict(
        ori_shape=sal.shape, img_path=str(tmp_path / 'img.png'),
        saliency_path=str(tmp_path / 'sal.png')))
    sample.cams = PixelData(data=torch.from_numpy(cams),
                            metainfo=dict(cam_keys=torch.tensor([0])))
    return sample


def test_real_crf_fills_a_weak_pixel(tmp_path):
    # a uniform salient square whose CAM is strong but for one weak pixel
    cams = np.full((1, 12, 12), 0.9, np.float32)
    cams[0, 6, 6] = 0.2
    sal = np.full((12, 12), 255, np.uint8)
    img = np.full((12, 12, 3), 128, np.uint8)
    lab = TASK_UTILS.build(dict(type='SaliencyCAMLabeler', cam_thr=0.5,
                                conf_thr=1.))
    off = SaliencyCAMLabeler(cam_thr=0.5, crf=False)
    out_off = off(_sample(tmp_path, cams, sal, img)).pred_sem_seg.data[0]
    assert out_off[6, 6] == 255 and (out_off == 1).sum() == 143
    out = lab(_sample(tmp_path, cams, sal, img)).pred_sem_seg.data[0]
    assert out.shape == (12, 12) and (out == 1).all()


def test_saliency_sources(tmp_path):
    sal = np.zeros((1, 6), np.uint8)
    sample = _sample(tmp_path, CAMS[:1], SAL, np.zeros((1, 6, 3), np.uint8))
    np.testing.assert_array_equal(SaliencyCAMLabeler.saliency(sample), SAL)
    sample.saliency = PixelData(data=torch.from_numpy(sal)[None])
    np.testing.assert_array_equal(SaliencyCAMLabeler.saliency(sample), sal)
    bare = WSSSDataSample(metainfo=dict(ori_shape=(1, 6)))
    with pytest.raises(KeyError, match='saliency_path'):
        SaliencyCAMLabeler.saliency(bare)
    wrong = WSSSDataSample(metainfo=dict(
        ori_shape=(2, 6), saliency_path=str(tmp_path / 'sal.png')))
    with pytest.raises(ValueError, match='sal.png has size'):
        SaliencyCAMLabeler.saliency(wrong)
