import math

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.registry import DefaultScope, init_default_scope

from mmirn.models import CAMClassifier
from mmirn.registry import MODELS
from mmirn.structures import WSSSDataSample


@MODELS.register_module(force=True)
class PoolBackbone16(nn.Module):
    """Output stride 16 without weights: average pooling of the RGB channels."""

    def forward(self, x):
        return (F.avg_pool2d(x, 16, ceil_mode=True), )


@pytest.fixture(autouse=True)
def _scope():
    with DefaultScope.overwrite_default_scope('mmirn'):
        init_default_scope('mmirn')
        yield


def _pool_model(bg_thr=None, **test_cfg):
    labeler = None
    if bg_thr is not None:
        labeler = dict(
            type='CAMThresholdLabeler', bg_thr=bg_thr, cam_field='pred_cams')
    model = CAMClassifier(
        backbone=dict(type='PoolBackbone16'),
        cam_head=dict(type='CAMHead', in_channels=3, num_classes=3),
        data_preprocessor=dict(type='WSSSDataPreProcessor'),
        test_cfg=test_cfg,
        labeler=labeler)
    with torch.no_grad():  # class c = colour channel c
        model.cam_head.classifier.weight.copy_(torch.eye(3)[:, :, None, None])
    return model.eval()


def _resnet_model(bg_thr=None, **test_cfg):
    labeler = None
    if bg_thr is not None:
        labeler = dict(
            type='CAMThresholdLabeler', bg_thr=bg_thr, cam_field='pred_cams')
    return CAMClassifier(
        labeler=labeler,
        backbone=dict(
            type='ResNet',
            depth=18,
            stem_channels=8,
            base_channels=8,
            out_indices=(3, ),
            strides=(1, 2, 2, 1),
            dilations=(1, 1, 1, 1)),
        cam_head=dict(type='CAMHead', in_channels=64, num_classes=4),
        data_preprocessor=dict(type='WSSSDataPreProcessor'),
        test_cfg=test_cfg)


def _sample(h, w, label=None, **meta):
    sample = WSSSDataSample(
        metainfo=dict(img_shape=(h, w), ori_shape=(h, w), **meta))
    if label is not None:
        sample.gt_label = torch.tensor(label, dtype=torch.float32)
    return sample


def test_loss_and_tensor_mode():
    model = _resnet_model()
    model.init_weights()
    inputs = torch.randn(2, 3, 64, 64)
    samples = [_sample(64, 64, [1, 0, 0, 1]), _sample(64, 64, [0, 1, 0, 0])]
    losses = model(inputs, samples, mode='loss')
    assert set(losses) == {'loss_cls', 'acc_cls'}
    losses['loss_cls'].backward()
    assert model.cam_head.classifier.weight.grad is not None
    assert model(inputs, mode='tensor').shape == (2, 4)
    # output stride 16
    assert model.extract_feat(inputs)[-1].shape[-2:] == (4, 4)


def test_predict_any_size_multiscale_flip():
    model = _resnet_model(
        scales=(1.0, 0.5, 1.5), flip=True, bg_thr=0.2).eval()
    h, w = 37, 53
    samples = [_sample(h, w, [0, 1, 0, 1])]
    with torch.no_grad():
        out = model(torch.randn(1, 3, h, w), samples, mode='predict')[0]
    assert out.pred_cams.data.shape == (2, h, w)
    assert out.pred_cams_strided.data.shape == (2, math.ceil(h / 4), math.ceil(w / 4))
    assert out.pred_cams.cam_keys.tolist() == [1, 3]
    assert out.pred_cams_strided.cam_keys.tolist() == [1, 3]
    for cams in (out.pred_cams.data, out.pred_cams_strided.data):
        assert cams.min() >= 0
        assert torch.allclose(cams.flatten(1).amax(1), torch.ones(2), atol=1e-3)
    assert out.pred_sem_seg.data.shape == (1, h, w)
    assert set(out.pred_sem_seg.data.unique().tolist()) <= {0, 2, 4}


def test_multiscale_flip_merge_matches_reference():
    scales = (1.0, 0.5, 2.0)
    model = _pool_model(scales=scales, flip=True)
    h, w = 64, 96  # multiples of 32: every scale's grid covers the image exactly
    img = torch.rand(1, 3, h, w) - 0.3
    keys = torch.tensor([0, 2])
    out_keys, cam, high_res = model.infer_cams(img, keys)
    assert out_keys.tolist() == [0, 2]

    def reference(size):
        total = 0
        for s in scales:
            x = F.interpolate(img, scale_factor=s, mode='bilinear',
                              align_corners=False) if s != 1 else img
            for flip in (False, True):
                xi = x.flip(-1) if flip else x
                m = F.relu(F.avg_pool2d(xi, 16))[:, keys]
                m = F.interpolate(m, size=size, mode='bilinear',
                                  align_corners=False)[0]
                total = total + (m.flip(-1) if flip else m)
        return total / total.flatten(1).amax(1)[:, None, None]

    torch.testing.assert_close(high_res, reference((h, w)), atol=1e-4, rtol=0)
    torch.testing.assert_close(cam, reference((h // 4, w // 4)), atol=1e-4, rtol=0)


def test_flip_merge_is_aligned_at_any_size():
    model = _pool_model(scales=(1.0, 0.5, 1.5), flip=True)
    img = torch.rand(1, 3, 37, 53)
    keys = torch.tensor([0, 1, 2])
    _, _, high_res = model.infer_cams(img, keys)
    # flipping the input flips the merged CAMs, also off the 16-pixel grid
    _, _, flipped = model.infer_cams(img.flip(-1), keys)
    torch.testing.assert_close(flipped, high_res.flip(-1), atol=1e-5, rtol=0)


def test_cams_localise_and_predicted_keys():
    model = _pool_model(scales=(1.0, ), score_thr=0.5, bg_thr=0.3)
    img = torch.full((1, 3, 64, 64), -0.5)
    img[:, 2, :32, :32] = 3.0  # class 2 in the top-left quarter only
    with torch.no_grad():
        out = model.predict(img, [_sample(64, 64)])[0]  # no gt_label
    assert out.pred_cams.cam_keys.tolist() == [2]
    pred = out.pred_sem_seg.data[0]
    assert (pred[:24, :24] == 3).all()
    assert (pred[40:, :] == 0).all() and (pred[:, 40:] == 0).all()


def test_predict_crops_padding_and_resizes_to_original():
    model = _pool_model(scales=(1.0, ))
    img = torch.rand(1, 3, 48, 64)
    sample = _sample(40, 50, [1, 1, 0], flip=True)
    sample.set_metainfo(dict(ori_shape=(80, 100)))
    out = model.predict(img, [sample])[0]
    assert out.pred_cams.data.shape == (2, 80, 100)
    assert out.pred_cams_strided.data.shape == (2, 20, 25)
    # the same as computing on the cropped image, flipping back and resizing
    _, _, ref = model.infer_cams(img[:, :, :40, :50], torch.tensor([0, 1]))
    ref = F.interpolate(ref.flip(-1)[None], size=(80, 100), mode='bilinear',
                        align_corners=False)[0]
    ref = ref / ref.flatten(1).amax(1)[:, None, None]
    torch.testing.assert_close(out.pred_cams.data, ref, atol=1e-3, rtol=0)


def test_no_present_class():
    model = _pool_model(scales=(1.0, 0.5), bg_thr=0.1)
    out = model.predict(torch.rand(1, 3, 20, 30), [_sample(20, 30, [0, 0, 0])])[0]
    assert out.pred_cams.data.shape == (0, 20, 30)
    assert (out.pred_sem_seg.data == 0).all()
