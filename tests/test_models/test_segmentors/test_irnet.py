import pytest
import torch
from mmengine.optim import build_optim_wrapper
from mmengine.structures import PixelData

from mmirn.registry import MODELS
from mmirn.structures import WSSSDataSample
from mmirn.utils import register_all_modules

register_all_modules()


def irnet_cfg():
    return dict(
        type='IRNet',
        data_preprocessor=dict(
            type='WSSSDataPreProcessor',
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375],
            bgr_to_rgb=True,
            pad_val=0,
            seg_pad_val=255),
        backbone=dict(
            type='ResNetWithStem',
            depth=18,
            strides=(1, 2, 2, 1),
            dilations=(1, 1, 1, 1),
            norm_cfg=dict(type='BN', requires_grad=False),
            norm_eval=True),
        decode_head=dict(
            type='IRNHead', in_channels=(64, 64, 128, 256, 512)),
        test_cfg=dict(flip=True))


def samples(n, h, w):
    out = []
    for i in range(n):
        s = WSSSDataSample(
            metainfo=dict(img_shape=(h, w), ori_shape=(h, w), pad_shape=(h, w)))
        rel = torch.zeros(1, h, w, dtype=torch.long)
        rel[:, h // 4:3 * h // 4, w // 4:3 * w // 4] = 1 + i
        rel[:, :, :2] = 255
        s.gt_relation = PixelData(data=rel)
        out.append(s)
    return out


def test_irnet_loss_and_frozen_backbone():
    torch.manual_seed(0)
    model = MODELS.build(irnet_cfg())
    model.train()
    assert not model.backbone.training
    assert all(not p.requires_grad for p in model.backbone.parameters())
    inputs = torch.randn(2, 3, 64, 64)
    losses = model.loss(inputs, samples(2, 64, 64))
    assert set(losses) == {
        'decode.loss_fg', 'decode.loss_bg', 'decode.loss_boundary'
    }
    assert all(torch.isfinite(v) and v > 0 for v in losses.values())
    sum(losses.values()).backward()
    assert model.decode_head.disp_out.weight.grad is not None
    assert model.decode_head.conv_seg.weight.grad is not None


def test_irnet_predict_shapes_and_flip():
    torch.manual_seed(0)
    model = MODELS.build(irnet_cfg())
    model.eval()
    model.decode_head.disp_mean.fill_(0.5)
    # Odd size, padded input: outputs are cropped to ceil(img / 4).
    inputs = torch.randn(1, 3, 72, 80)
    data_samples = [
        WSSSDataSample(metainfo=dict(img_shape=(70, 75), ori_shape=(70, 75)))
    ]
    with torch.no_grad():
        out = model.predict(inputs, data_samples)[0]
    assert out.pred_boundary.data.shape == (1, 18, 19)
    assert out.pred_displacement.data.shape == (2, 18, 19)
    b = out.pred_boundary.data
    assert (b >= 0).all() and (b <= 1).all()
    # A mirror-symmetric image gives a mirror-symmetric boundary (flip average)
    # and an x-displacement that is odd under the mirror.
    img = torch.randn(1, 3, 64, 32)
    img = torch.cat([img, img.flip(-1)], dim=-1)
    with torch.no_grad():
        out = model.predict(img)[0]
    b, d = out.pred_boundary.data, out.pred_displacement.data + 0.5
    assert torch.allclose(b, b.flip(-1), atol=1e-5)
    assert torch.allclose(d[1], -d[1].flip(-1), atol=1e-4)


def test_displacement_branch_lr_mult():
    model = MODELS.build(irnet_cfg())
    optim = build_optim_wrapper(
        model,
        dict(
            optimizer=dict(type='SGD', lr=0.1, momentum=0.9,
                           weight_decay=1e-4),
            paramwise_cfg=dict(custom_keys={'decode_head.disp_': dict(
                lr_mult=10.)})))
    lrs = {}
    for group in optim.optimizer.param_groups:
        for p in group['params']:
            lrs[id(p)] = group['lr']
    head = model.decode_head
    assert lrs[id(head.disp_out.weight)] == pytest.approx(1.)
    assert lrs[id(head.disp_convs[0].conv.weight)] == pytest.approx(1.)
    assert lrs[id(head.conv_seg.weight)] == pytest.approx(0.1)


@pytest.mark.parametrize('name', [
    'irn_r18_1xb8-900i_toyvoc-128x128.py', 'irn_r50_1xb32-3e_voc12aug-512x512.py'
])
def test_irn_configs_build(name):
    from pathlib import Path

    from mmengine.config import Config
    path = Path(__file__).parents[3] / 'configs' / 'irn' / name
    cfg = Config.fromfile(str(path))
    assert cfg.model.backbone.init_cfg.prefix == 'backbone.'
    # IRN's 10x on the VOC config; the toy config keeps 1x (see its comment)
    assert cfg.optim_wrapper.paramwise_cfg.custom_keys['decode_head.disp_'][
        'lr_mult'] == (1. if 'toyvoc' in name else 10.)
    assert [h.type for h in cfg.custom_hooks] == ['DisplacementMeanHook']
    assert {m.type for m in cfg.test_evaluator} == {
        'IoUMetric' if 'toyvoc' in name else 'LabelIoUMetric',
        'VOCInstanceMetric', 'CocoMaskMetric'
    }
    assert set(cfg.default_hooks.writer.out_dirs) == {'sem', 'ins'}
    assert cfg.model.labeler.type == 'ComposeLabelers'
    cfg.model.backbone.init_cfg = None
    model = MODELS.build(cfg.model)
    assert model.decode_head.loss_decode.radius == 10
    assert [type(lab).__name__ for lab in model.labeler.labelers] == [
        'IRNSemanticLabeler', 'IRNInstanceLabeler']
    # the head's in_channels match the backbone's levels
    with torch.no_grad():
        boundary, disp = model.forward_raw(torch.randn(1, 3, 64, 64))
    assert boundary.shape == (1, 1, 16, 16) and disp.shape == (1, 2, 16, 16)


def test_encode_decode_maps_at_input_size():
    torch.manual_seed(0)
    cfg = irnet_cfg()
    cfg['test_cfg'] = dict(flip=False)
    model = MODELS.build(cfg).eval()
    model.decode_head.disp_mean.copy_(torch.tensor([0.5, -0.25]))
    img = torch.randn(1, 3, 64, 48)
    with torch.no_grad():
        maps = model.encode_decode(img, [{}])
        out = model.predict(img)[0]
    assert maps.shape == (1, 3, 64, 48)
    # predict's stride-4 maps (one pass without flip), resized; displacement x4
    up = torch.nn.functional.interpolate(
        torch.cat([out.pred_boundary.data, out.pred_displacement.data * 4])[None],
        size=(64, 48), mode='bilinear', align_corners=False)
    assert torch.allclose(maps, up, atol=1e-5)


def test_encode_decode_units(monkeypatch):
    """Boundary probabilities, and centred displacements in input pixels."""
    model = MODELS.build(irnet_cfg()).eval()
    model.decode_head.disp_mean.copy_(torch.tensor([0.5, -0.25]))

    def head_forward(feats):
        n, _, h, w = feats[1].shape
        disp = torch.tensor([1., 2.]).view(1, 2, 1, 1).expand(n, 2, h, w)
        return torch.zeros(n, 1, h, w), disp

    monkeypatch.setattr(model.decode_head, 'forward', head_forward)
    with torch.no_grad():
        maps = model.encode_decode(torch.randn(2, 3, 32, 40), [{}] * 2)
    assert maps.shape == (2, 3, 32, 40)
    assert torch.all(maps[:, 0] == 0.5)
    assert torch.all(maps[:, 1] == 2.) and torch.all(maps[:, 2] == 9.)
