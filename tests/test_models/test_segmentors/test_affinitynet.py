"""AffinityNet: training losses and stride-8 affinity prediction, two backbones."""
import pytest
import torch
from mmengine.structures import PixelData

from mmirn.ops import search_directions
from mmirn.registry import MODELS
from mmirn.structures import WSSSDataSample
from mmirn.utils import register_all_modules

register_all_modules()

R38 = dict(type='WideResNet38', widen_factor=0.0625, out_indices=(2, 3, 5))
R18 = dict(
    type='ResNet', depth=18, base_channels=8, stem_channels=8,
    strides=(1, 2, 2, 1), out_indices=(1, 2, 3), norm_eval=False)


def _model(backbone, in_channels):
    return MODELS.build(
        dict(
            type='AffinityNet',
            data_preprocessor=dict(
                type='WSSSDataPreProcessor', mean=[0, 0, 0], std=[1, 1, 1]),
            backbone=backbone,
            decode_head=dict(
                type='AffinityHead', in_channels=in_channels,
                reduce_channels=(4, 4, 8), channels=16, radius=5)))


@pytest.mark.parametrize('backbone,in_channels',
                         [(R38, (32, 64, 256)), (R18, (16, 32, 64))])
def test_loss_and_predict(backbone, in_channels):
    torch.manual_seed(0)
    model = _model(backbone, in_channels)
    samples = []
    for _ in range(2):
        s = WSSSDataSample(metainfo=dict(img_shape=(64, 64)))
        label = torch.zeros(1, 64, 64, dtype=torch.long)
        label[:, 16:48, 16:48] = 1
        label[:, :, :4] = 255
        s.gt_relation = PixelData(data=label)
        samples.append(s)
    losses = model.loss(torch.randn(2, 3, 64, 64), samples)
    assert {'decode.loss_bg', 'decode.loss_fg', 'decode.loss_neg'} <= set(losses)
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    assert any(p.grad is not None for p in model.backbone.parameters())

    model.eval()
    with torch.no_grad():
        img = torch.randn(1, 3, 72, 72)
        sample = WSSSDataSample(metainfo=dict(img_shape=(61, 70)))
        (out, ) = model.predict(img, [sample])
    aff = out.pred_affinity.data
    assert aff.shape == (len(search_directions(5)), 8, 9)  # ceil(61/8), ceil(70/8)
    assert (aff >= 0).all() and (aff <= 1).all()
    # pairs reaching outside the image have affinity 0
    d = search_directions(5).tolist().index([0, 1])
    assert (aff[d, :, -1] == 0).all()


def test_encode_decode_is_predicts_grid():
    """predict pads to the stride and crops nothing: the same as encode_decode."""
    torch.manual_seed(0)
    model = _model(R18, (16, 32, 64)).eval()
    img = torch.randn(2, 3, 64, 48)
    with torch.no_grad():
        aff = model.encode_decode(img, [{}] * 2)
        out = model.predict(img, [
            WSSSDataSample(metainfo=dict(img_shape=(64, 48))) for _ in range(2)])
    assert aff.shape == (2, len(search_directions(5)), 8, 6)
    for a, o in zip(aff, out):
        assert torch.allclose(a, o.pred_affinity.data, atol=1e-6)
    # a size off the stride grid rounds up
    with torch.no_grad():
        assert model.encode_decode(torch.randn(1, 3, 60, 44), [{}]).shape[-2:] \
            == (8, 6)
