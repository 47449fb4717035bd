import pytest
import torch
from mmengine.runner import save_checkpoint

from mmirn.registry import MODELS
from mmirn.utils import register_all_modules

register_all_modules()

R18 = dict(depth=18, stem_channels=8, base_channels=8, strides=(1, 2, 2, 1),
           norm_cfg=dict(type='BN', requires_grad=False), norm_eval=True)


def hand_walk(b, inputs):
    """IRNet's former extract_feat: stem, max pooling and every stage by hand."""
    if getattr(b, 'deep_stem', False):
        x = b.stem(inputs)
    else:
        x = b.relu(b.norm1(b.conv1(inputs)))
    x = b.maxpool(x)
    feats = [x]
    for name in b.res_layers:
        x = getattr(b, name)(x)
        feats.append(x)
    return feats


def randomise_bn(model):
    torch.manual_seed(1)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.normal_()
            m.running_var.uniform_(0.5, 2)
            m.weight.data.normal_()
            m.bias.data.normal_()


@pytest.mark.parametrize('deep_stem', [False, True])
def test_levels_equal_the_former_hand_walk(deep_stem):
    torch.manual_seed(0)
    net = MODELS.build(dict(type='ResNetWithStem', deep_stem=deep_stem,
                            out_indices=(0, 1, 2, 3), **R18))
    randomise_bn(net)
    net.eval()
    x = torch.randn(2, 3, 72, 56)
    with torch.no_grad():
        ours, ref = net(x), hand_walk(net, x)
    assert isinstance(ours, tuple) and len(ours) == 5
    for a, b in zip(ours, ref):
        assert torch.equal(a, b)
    assert [f.shape[1] for f in ours] == [8, 8, 16, 32, 64]
    assert [f.shape[-1] for f in ours] == [14, 14, 7, 4, 4]


def test_out_indices_select_stages_after_the_stem():
    torch.manual_seed(0)
    net = MODELS.build(dict(type='ResNetWithStem', out_indices=(1, 3), **R18))
    net.eval()
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        ours, ref = net(x), hand_walk(net, x)
    assert len(ours) == 3
    assert torch.equal(ours[0], ref[0])
    assert torch.equal(ours[1], ref[2]) and torch.equal(ours[2], ref[4])


def test_cam_classifier_checkpoint_loads_into_irnet(tmp_path):
    """The CAM classifier's ResNet weights load under prefix 'backbone.'."""
    torch.manual_seed(0)
    cam = MODELS.build(dict(
        type='CAMClassifier',
        backbone=dict(type='ResNet', out_indices=(3, ), **R18),
        cam_head=dict(type='CAMHead', in_channels=64, num_classes=3)))
    randomise_bn(cam)
    ckpt = str(tmp_path / 'cam.pth')
    save_checkpoint(dict(state_dict=cam.state_dict()), ckpt)
    irn = MODELS.build(dict(
        type='IRNet',
        backbone=dict(
            type='ResNetWithStem', out_indices=(0, 1, 2, 3),
            init_cfg=dict(type='Pretrained', checkpoint=ckpt,
                          prefix='backbone.'),
            **R18),
        decode_head=dict(type='IRNHead', in_channels=(8, 8, 16, 32, 64))))
    irn.init_weights()
    irn.train()  # the frozen backbone stays in eval mode
    cam_sd, irn_sd = cam.backbone.state_dict(), irn.backbone.state_dict()
    assert cam_sd.keys() == irn_sd.keys()
    assert all(torch.equal(cam_sd[k], irn_sd[k]) for k in cam_sd)
    cam.eval()
    x = torch.randn(1, 3, 64, 64)
    feats = irn.extract_feat(x)
    with torch.no_grad():
        ref = hand_walk(cam.backbone, x)
        assert torch.equal(cam.backbone(x)[0], feats[-1])
    assert all(torch.equal(a, b) for a, b in zip(feats, ref))


def test_irnet_refuses_a_backbone_without_the_stem():
    irn = MODELS.build(dict(
        type='IRNet',
        backbone=dict(type='ResNet', out_indices=(0, 1, 2, 3), **R18),
        decode_head=dict(type='IRNHead', in_channels=(8, 8, 16, 32, 64))))
    with pytest.raises(ValueError, match='gives 4 levels but the head takes 5'):
        irn.extract_feat(torch.randn(1, 3, 32, 32))
