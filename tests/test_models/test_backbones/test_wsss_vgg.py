import torch
import torch.nn as nn

from mmirn.registry import MODELS


def test_stride_channels_and_dilation():
    net = MODELS.build(dict(type='WSSSVGG', extra_channels=(32, 16)))
    out = net(torch.randn(1, 3, 64, 48))
    assert isinstance(out, tuple) and out[0].shape == (1, 16, 8, 6)
    pools = [m for m in net.features if isinstance(m, nn.MaxPool2d)]
    assert len(pools) == 3
    convs = [m for m in net.features if isinstance(m, nn.Conv2d)]
    assert len(convs) == 13
    assert [c.dilation[0] for c in convs[-3:]] == [2, 2, 2]
    assert convs[0].dilation[0] == 1


def test_stride16_and_torchvision_key_layout():
    net = MODELS.build(dict(type='WSSSVGG', remove_pool4=False,
                            extra_channels=()))
    assert net(torch.randn(1, 3, 64, 64))[0].shape == (1, 512, 4, 4)
    keys = {k for k in net.state_dict() if k.startswith('features.')}
    # torchvision vgg16.features: convs at these indices
    expect = {f'features.{i}.{p}' for i in
              (0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28)
              for p in ('weight', 'bias')}
    assert keys == expect
