# Copyright (c) mmirn contributors. All rights reserved.
import pytest
import torch

pytest.importorskip('mmseg')


def test_deeplabv2_head_shapes_and_dilations():
    from mmirn.seg import DeepLabV2Head
    head = DeepLabV2Head(in_channels=16, num_classes=6, in_index=-1)
    assert [c.dilation for c in head.aspp] == [(6, 6), (12, 12), (18, 18),
                                               (24, 24)]
    assert [c.padding for c in head.aspp] == [(6, 6), (12, 12), (18, 18),
                                              (24, 24)]
    assert not hasattr(head, 'conv_seg')
    head.init_weights()
    head.eval()
    x = torch.randn(2, 16, 9, 11)
    out = head([x])
    assert out.shape == (2, 6, 9, 11)
    # the output is the sum of the four branches
    expected = sum(conv(x) for conv in head.aspp)
    torch.testing.assert_close(out, expected)
