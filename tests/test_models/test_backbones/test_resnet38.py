"""WideResNet38: output shapes and strides, freezing, and the PSA weight converter."""
import importlib.util
from pathlib import Path

import pytest
import torch

from mmirn.models.backbones import WideResNet38

REPO = Path(__file__).resolve().parents[3]


def _converter():
    path = REPO / 'tools' / 'model_converters' / 'resnet38_to_mmirn.py'
    spec = importlib.util.spec_from_file_location('resnet38_to_mmirn', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_full_width_channels_and_params():
    model = WideResNet38(out_indices=(0, 1, 2, 3, 4, 5))
    assert model.out_channels == [128, 256, 512, 1024, 2048, 4096]
    # ResNet-38 A1 without its classifier: about 105 M parameters
    num = sum(p.numel() for p in model.parameters())
    assert 100e6 < num < 110e6


@pytest.mark.parametrize('size', [(64, 64), (61, 75)])
def test_output_shapes_and_strides(size):
    model = WideResNet38(widen_factor=0.125, out_indices=(0, 1, 2, 3, 4, 5))
    model.eval()
    with torch.no_grad():
        outs = model(torch.randn(2, 3, *size))
    strides = (2, 4, 8, 8, 8, 8)
    assert len(outs) == 6
    for out, c, s in zip(outs, model.out_channels, strides):
        assert out.shape == (2, c, -(-size[0] // s), -(-size[1] // s))
        assert (out >= 0).all()  # outputs are ReLU activations


def test_dilated_stages_keep_stride_and_custom_strides():
    model = WideResNet38(
        widen_factor=0.125, strides=(2, 2, 2, 2, 1, 1), out_indices=(5, ))
    model.eval()
    with torch.no_grad():
        (out, ) = model(torch.randn(1, 3, 64, 64))
    assert out.shape[-2:] == (4, 4)
    first = model.stages[3][0]
    assert first.conv1.dilation == (1, 1) and first.conv2.dilation == (2, 2)
    assert model.stages[3][1].conv1.dilation == (2, 2)
    assert model.stages[4][0].conv2.dilation == (4, 4)


def test_frozen_stages_and_norm_eval():
    model = WideResNet38(
        widen_factor=0.125, frozen_stages=1, norm_eval=True,
        norm_cfg=dict(type='BN', requires_grad=False))
    model.train()
    assert not model.stem.weight.requires_grad
    assert not any(p.requires_grad for p in model.stages[0].parameters())
    assert model.stages[1][0].conv1.weight.requires_grad
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    assert bns and not any(m.training for m in bns)
    assert not any(m.weight.requires_grad for m in bns)
    before = bns[-1].running_mean.clone()
    model(torch.randn(2, 3, 32, 32))
    torch.testing.assert_close(bns[-1].running_mean, before)


def _psa_keys():
    """Parameter and buffer names of PSA's ResNet-38 classifier."""
    keys = ['conv1a.weight', 'fc8.weight']
    bn = ('weight', 'bias', 'running_mean', 'running_var')
    for stage, num in ((2, 3), (3, 3), (4, 6), (5, 3)):
        for b in range(num):
            name = f'b{stage}' if b == 0 else f'b{stage}_{b}'
            for layer in ('bn_branch2a', 'bn_branch2b1'):
                keys += [f'{name}.{layer}.{p}' for p in bn]
            keys += [f'{name}.conv_branch2a.weight',
                     f'{name}.conv_branch2b1.weight']
            if b == 0:
                keys.append(f'{name}.conv_branch1.weight')
    for name in ('b6', 'b7'):
        for layer in ('bn_branch2a', 'bn_branch2b1', 'bn_branch2b2'):
            keys += [f'{name}.{layer}.{p}' for p in bn]
        keys += [f'{name}.conv_branch2a.weight', f'{name}.conv_branch2b1.weight',
                 f'{name}.conv_branch2b2.weight', f'{name}.conv_branch1.weight']
    keys += [f'bn7.{p}' for p in bn]
    return keys


def test_converter_maps_every_psa_key_onto_the_model():
    conv = _converter()
    model = WideResNet38(widen_factor=0.125)
    expected = {
        f'backbone.{k}'
        for k in model.state_dict() if not k.endswith('num_batches_tracked')
    } | {'cam_head.classifier.weight'}
    converted = {conv.convert_key(k) for k in _psa_keys()}
    assert converted == expected
    assert conv.convert_key('module.b4_5.bn_branch2a.running_var') == \
        'backbone.stages.2.5.bn1.running_var'
    assert conv.convert_key('f8_5.weight') == \
        'decode_head.reduce_convs.2.conv.weight'
    with pytest.raises(KeyError):
        conv.convert_key('b9.conv_branch2a.weight')


def test_converter_script_loads_into_the_backbone(tmp_path):
    conv = _converter()
    model = WideResNet38(widen_factor=0.125)
    inverse = {conv.convert_key(k): k for k in _psa_keys()}
    state = model.state_dict()
    psa = {
        inverse[f'backbone.{k}']: torch.randn_like(v.float()).to(v.dtype)
        for k, v in state.items() if not k.endswith('num_batches_tracked')
    }
    torch.save(psa, tmp_path / 'res38.pth')
    import sys
    argv = sys.argv
    sys.argv = ['x', str(tmp_path / 'res38.pth'), str(tmp_path / 'out.pth')]
    try:
        conv.main()
    finally:
        sys.argv = argv
    out = torch.load(tmp_path / 'out.pth', weights_only=True)['state_dict']
    loaded = {k[len('backbone.'):]: v for k, v in out.items()}
    missing, unexpected = model.load_state_dict(loaded, strict=False)
    assert not unexpected
    assert all(k.endswith('num_batches_tracked') for k in missing)
    torch.testing.assert_close(model.stem.weight, psa['conv1a.weight'])
